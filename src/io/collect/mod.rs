//! `collect`: the workspace file built from what the user's own AWS CLI
//! prints — the account and its alias, every page of
//! `get-account-authorization-details`, the credential report, the
//! resource-based policies of buckets, keys, queues, topics, functions,
//! secrets and repositories, the organisation's SCPs and RCPs that apply to
//! the account with their targets, Cognito identity and user pools, and the
//! inventory of what runs as which role (Lambda functions, EC2 instances and
//! whether Systems Manager manages them, Glue development endpoints,
//! SageMaker notebook instances, CloudFormation stacks).
//!
//! This module owns the plan (which read-only commands, in which order), the
//! reading of each command's output into the workspace, what a failure means
//! (denied: said and skipped; throttled: asked again after a wait that
//! doubles; a stop: everything collected so far is kept) and resuming from a
//! partial file. It runs nothing itself: a [`Runner`] runs `aws` and sleeps,
//! a [`Progress`] hears what happens and keeps the partial file — the command
//! line gives real ones, tests give recorded ones.

pub mod aws;
mod inventory;
mod parts;
pub mod sources;
pub mod workspace;

use std::time::Duration;

pub use aws::{FailureKind, Output, ServiceError};
pub use sources::{PolicySource, SOURCES};
pub use workspace::Workspace;

/// What to collect and how patiently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `--profile` for every command (the CLI's default when `None`).
    pub profile: Option<String>,
    /// Regions for the regional parts; none: the profile's own region.
    pub regions: Vec<String>,
    /// The first wait after a throttled call; doubled after each try.
    pub backoff: Duration,
    /// The longest single wait.
    pub backoff_cap: Duration,
    /// Tries of one call before it counts as failed.
    pub attempts: u32,
    /// The wait between two looks at whether the credential report is ready.
    pub poll: Duration,
    /// Looks at the credential report before giving up on it.
    pub polls: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            profile: None,
            regions: Vec::new(),
            backoff: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(30),
            attempts: 6,
            poll: Duration::from_secs(2),
            polls: 60,
        }
    }
}

impl Settings {
    /// The wait before try `attempt + 1`: `backoff`, doubled each time, at most `backoff_cap`.
    pub fn wait(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.backoff.saturating_mul(factor).min(self.backoff_cap)
    }
}

/// Runs the `aws` executable (or pretends to).
pub trait Runner {
    /// Run `aws` with these arguments; `Err` when it cannot be started at all.
    fn run(&mut self, args: &[String]) -> Result<Output, String>;
    /// Wait (between tries, and for the credential report).
    fn sleep(&mut self, wait: Duration);
}

/// Hears what collecting does; keeps the partial file.
pub trait Progress {
    fn part_started(&mut self, _part: &Part) {}
    /// How many calls the part will make, once its listing says.
    fn part_size(&mut self, _part: &Part, _calls: u64) {}
    fn call_done(&mut self, _part: &Part) {}
    fn waiting(&mut self, _command: &str, _wait: Duration, _attempt: u32) {}
    fn problem(&mut self, _problem: &Problem) {}
    fn part_finished(&mut self, _part: &Part, _complete: bool) {}
    /// The workspace so far, with its progress, to be kept as the partial file.
    fn checkpoint(&mut self, workspace: &Workspace) -> Result<(), String>;
}

/// One part of the collection: the unit that is done, or asked again on `--resume`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Account,
    AuthorizationDetails,
    CredentialReport,
    /// The account's SAML and OpenID Connect providers (IAM, global).
    IdentityProviders,
    Policies {
        source: &'static PolicySource,
        region: Option<String>,
    },
    OrganizationPolicies,
    IdentityPools {
        region: Option<String>,
    },
    UserPools {
        region: Option<String>,
    },
    /// What runs as which role (`crate::model::inventory`).
    Inventory {
        region: Option<String>,
    },
}

fn with_region(base: &str, region: &Option<String>) -> String {
    match region {
        Some(r) => format!("{base}/{r}"),
        None => base.to_owned(),
    }
}

fn in_region(title: &str, region: &Option<String>) -> String {
    match region {
        Some(r) => format!("{title} in {r}"),
        None => title.to_owned(),
    }
}

impl Part {
    /// The key the partial file records it under: `kms/eu-west-1`.
    pub fn key(&self) -> String {
        match self {
            Part::Account => "account".to_owned(),
            Part::AuthorizationDetails => "authorization-details".to_owned(),
            Part::CredentialReport => "credential-report".to_owned(),
            Part::IdentityProviders => "identity-providers".to_owned(),
            Part::Policies { source, region } => with_region(source.service, region),
            Part::OrganizationPolicies => "organization-policies".to_owned(),
            Part::IdentityPools { region } => with_region("cognito-identity", region),
            Part::UserPools { region } => with_region("cognito-idp", region),
            Part::Inventory { region } => with_region("inventory", region),
        }
    }

    pub fn title(&self) -> String {
        match self {
            Part::Account => "account id and alias".to_owned(),
            Part::AuthorizationDetails => "users, groups, roles and policies".to_owned(),
            Part::CredentialReport => "credential report".to_owned(),
            Part::IdentityProviders => "SAML and OpenID Connect providers".to_owned(),
            Part::Policies { source, region } => in_region(source.title, region),
            Part::OrganizationPolicies => "SCPs and RCPs".to_owned(),
            Part::IdentityPools { region } => in_region("Cognito identity pools", region),
            Part::UserPools { region } => in_region("Cognito user pools", region),
            Part::Inventory { region } => in_region("what runs as which role", region),
        }
    }
}

/// Every part, in the order they are collected.
pub fn parts(settings: &Settings) -> Vec<Part> {
    let regions: Vec<Option<String>> = if settings.regions.is_empty() {
        vec![None]
    } else {
        settings.regions.iter().cloned().map(Some).collect()
    };
    let mut out = vec![
        Part::Account,
        Part::AuthorizationDetails,
        Part::CredentialReport,
        Part::IdentityProviders,
    ];
    for source in SOURCES.iter().filter(|s| !s.regional) {
        out.push(Part::Policies { source, region: None });
    }
    out.push(Part::OrganizationPolicies);
    for region in &regions {
        for source in SOURCES.iter().filter(|s| s.regional) {
            out.push(Part::Policies {
                source,
                region: region.clone(),
            });
        }
        out.push(Part::IdentityPools { region: region.clone() });
        out.push(Part::UserPools { region: region.clone() });
        out.push(Part::Inventory { region: region.clone() });
    }
    out
}

/// One command `--dry-run` lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub part: String,
    /// The command line; UPPER_CASE words stand for what a listing gives.
    pub command: String,
    /// When it runs: `for each bucket`, `until State is COMPLETE`.
    pub when: Option<String>,
}

/// Every command collecting would run, in order.
pub fn plan(settings: &Settings) -> Vec<Planned> {
    let mut out = Vec::new();
    for part in parts(settings) {
        for (args, when) in parts::commands(&part) {
            let region = part_region(&part);
            out.push(Planned {
                part: part.title(),
                command: command_line(&argv(settings, &args, region)),
                when,
            });
        }
    }
    out
}

fn part_region(part: &Part) -> Option<&str> {
    match part {
        Part::Policies { region, .. }
        | Part::IdentityPools { region }
        | Part::UserPools { region }
        | Part::Inventory { region } => region.as_deref(),
        _ => None,
    }
}

/// `aws` arguments: the command, then JSON output, the region and the profile.
fn argv(settings: &Settings, args: &[String], region: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = args.to_vec();
    out.extend(["--output".to_owned(), "json".to_owned()]);
    if let Some(region) = region {
        out.extend(["--region".to_owned(), region.to_owned()]);
    }
    if let Some(profile) = &settings.profile {
        out.extend(["--profile".to_owned(), profile.clone()]);
    }
    out
}

/// `aws s3api get-bucket-policy --bucket 'my bucket'`, quoted for a POSIX shell.
pub fn command_line(args: &[String]) -> String {
    let mut line = String::from("aws");
    for arg in args {
        line.push(' ');
        let plain = !arg.is_empty()
            && arg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%{}".contains(c));
        if plain {
            line.push_str(arg);
        } else {
            line.push('\'');
            line.push_str(&arg.replace('\'', r"'\''"));
            line.push('\'');
        }
    }
    line
}

/// How a problem left a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    Denied,
    /// Still throttled (or unreachable) after every try.
    Throttled,
    /// The installed AWS CLI does not know the command.
    UnknownToCli,
    Failed,
}

/// Something that could not be collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub part: String,
    pub command: String,
    pub kind: ProblemKind,
    /// What the workspace lacks because of it: `the policy of bucket photos`.
    pub missing: String,
    /// The IAM action the command needs.
    pub permission: &'static str,
    /// What the CLI said.
    pub detail: String,
}

impl Problem {
    /// What went wrong, without the part or what is missing:
    /// `denied (AccessDeniedException); it needs glue:GetDevEndpoints`.
    pub fn brief(&self) -> String {
        match self.kind {
            ProblemKind::Denied => format!("denied ({}); it needs {}", self.detail, self.permission),
            ProblemKind::Throttled => format!("still refused after every try ({})", self.detail),
            ProblemKind::UnknownToCli => format!("the installed AWS CLI does not know `{}`", self.command),
            ProblemKind::Failed => format!("`{}` failed ({})", self.command, self.detail),
        }
    }

    pub fn describe(&self) -> String {
        match self.kind {
            ProblemKind::Denied => format!(
                "{}: {} — denied ({}); it needs {}",
                self.part, self.missing, self.detail, self.permission
            ),
            ProblemKind::Throttled => format!(
                "{}: `{}` was still refused after every try ({}), so the file lacks {}; run again later with --resume",
                self.part, self.command, self.detail, self.missing
            ),
            ProblemKind::UnknownToCli => format!(
                "{}: the installed AWS CLI does not know `{}`, so the file lacks {}; update the AWS CLI ({})",
                self.part, self.command, self.missing, self.detail
            ),
            ProblemKind::Failed => format!(
                "{}: `{}` failed ({}), so the file lacks {}",
                self.part, self.command, self.detail, self.missing
            ),
        }
    }
}

/// How collecting ended.
#[derive(Debug, Default)]
pub struct Outcome {
    pub problems: Vec<Problem>,
    /// Why collecting stopped before the end (every later call would fail).
    pub stopped: Option<String>,
    /// Runs of `aws`, tries included.
    pub calls: usize,
    /// Parts a partial file had already and that were not asked again.
    pub kept: Vec<String>,
}

/// Why everything stops.
#[derive(Debug)]
pub(crate) struct Stop(pub String);

/// A call that failed for good.
#[derive(Debug)]
pub(crate) struct Failed {
    pub kind: FailureKind,
    pub error: Option<ServiceError>,
    pub command: String,
    pub brief: String,
    pub tries: u32,
}

impl Failed {
    pub fn code(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.code.as_str())
    }
}

pub(crate) struct Session<'a> {
    settings: &'a Settings,
    runner: &'a mut dyn Runner,
    progress: &'a mut dyn Progress,
    problems: Vec<Problem>,
    calls: usize,
}

impl Session<'_> {
    /// Run one command (with retries); `Ok(Err)` when it failed for good.
    pub fn call(&mut self, part: &Part, args: &[String]) -> Result<Result<Vec<u8>, Failed>, Stop> {
        let argv = argv(self.settings, args, part_region(part));
        let line = command_line(&argv);
        let mut attempt = 1;
        loop {
            self.calls += 1;
            let output = self.runner.run(&argv).map_err(|e| {
                Stop(format!(
                    "cannot run the AWS CLI ({e}): install it and make sure `aws` is on PATH"
                ))
            })?;
            if output.success() {
                self.progress.call_done(part);
                return Ok(Ok(output.stdout));
            }
            let kind = aws::classify(&output);
            match kind {
                FailureKind::Throttled | FailureKind::Transient if attempt < self.settings.attempts => {
                    let wait = self.settings.wait(attempt);
                    self.progress.waiting(&line, wait, attempt);
                    self.runner.sleep(wait);
                    attempt += 1;
                }
                FailureKind::Stop { advice } => {
                    return Err(Stop(format!(
                        "`{line}` failed: {} — {advice}",
                        aws::brief(&output.stderr)
                    )));
                }
                kind => {
                    self.progress.call_done(part);
                    return Ok(Err(Failed {
                        kind,
                        error: aws::service_error(&output.stderr),
                        command: line,
                        brief: aws::brief(&output.stderr),
                        tries: attempt,
                    }));
                }
            }
        }
    }

    /// Run a command and read its output as JSON (nothing printed is `{}`).
    pub fn json(
        &mut self,
        part: &Part,
        args: &[String],
        missing: &dyn Fn() -> String,
        permission: &'static str,
    ) -> Result<Option<serde_json::Value>, Stop> {
        match self.call(part, args)? {
            Ok(stdout) => match parse_json(&stdout) {
                Ok(value) => Ok(Some(value)),
                Err(e) => {
                    self.not_json(part, args, e, missing());
                    Ok(None)
                }
            },
            Err(failed) => {
                self.failed(part, failed, missing(), permission);
                Ok(None)
            }
        }
    }

    pub fn failed(&mut self, part: &Part, failed: Failed, missing: String, permission: &'static str) {
        let kind = match failed.kind {
            FailureKind::Denied => ProblemKind::Denied,
            FailureKind::Throttled | FailureKind::Transient => ProblemKind::Throttled,
            FailureKind::UnknownToCli => ProblemKind::UnknownToCli,
            FailureKind::Stop { .. } | FailureKind::Other => ProblemKind::Failed,
        };
        let detail = match (&failed.error, kind) {
            (Some(e), ProblemKind::Denied) => e.code.clone(),
            (Some(e), ProblemKind::Throttled) => format!("{} after {} tries", e.code, failed.tries),
            (None, ProblemKind::Throttled) => format!("{} after {} tries", failed.brief, failed.tries),
            _ => failed.brief.clone(),
        };
        self.problem(Problem {
            part: part.title(),
            command: failed.command,
            kind,
            missing,
            permission,
            detail,
        });
    }

    pub fn not_json(&mut self, part: &Part, args: &[String], error: String, missing: String) {
        self.problem(Problem {
            part: part.title(),
            command: command_line(&argv(self.settings, args, part_region(part))),
            kind: ProblemKind::Failed,
            missing,
            permission: "",
            detail: format!("its output is not the JSON expected: {error}"),
        });
    }

    pub fn problem(&mut self, problem: Problem) {
        self.progress.problem(&problem);
        self.problems.push(problem);
    }

    pub fn size(&mut self, part: &Part, calls: usize) {
        self.progress.part_size(part, calls as u64);
    }

    pub fn sleep(&mut self, wait: Duration) {
        self.runner.sleep(wait);
    }

    pub fn settings(&self) -> &Settings {
        self.settings
    }
}

pub(crate) fn parse_json(stdout: &[u8]) -> Result<serde_json::Value, String> {
    if stdout.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Value::Object(Default::default()));
    }
    serde_json::from_slice(stdout).map_err(|e| e.to_string())
}

/// Collect every part `workspace` does not have yet, keeping it after each
/// part through `progress`. A workspace read from a partial file keeps its
/// complete parts; the others are asked again (what they brought last time
/// is replaced).
pub fn collect(
    settings: &Settings,
    workspace: &mut Workspace,
    runner: &mut dyn Runner,
    progress: &mut dyn Progress,
) -> Outcome {
    workspace.state.profile = settings.profile.clone();
    workspace.state.regions = settings.regions.clone();
    let mut session = Session {
        settings,
        runner,
        progress,
        problems: Vec::new(),
        calls: 0,
    };
    let mut outcome = Outcome::default();
    for part in parts(settings) {
        let key = part.key();
        if workspace.is_complete(&key) {
            outcome.kept.push(part.title());
            continue;
        }
        session.progress.part_started(&part);
        let before = session.problems.len();
        parts::clear(&part, workspace);
        let result = parts::run(&part, &mut session, workspace);
        let complete = result.is_ok() && session.problems.len() == before;
        let status = match &result {
            Err(Stop(why)) => format!("stopped: {why}"),
            Ok(()) if complete => workspace::COMPLETE.to_owned(),
            Ok(()) => session.problems[before..]
                .iter()
                .map(|p| p.describe())
                .collect::<Vec<_>>()
                .join("; "),
        };
        workspace.state.parts.insert(key, status);
        session.progress.part_finished(&part, complete);
        if let Err(why) = session.progress.checkpoint(workspace) {
            outcome.stopped = Some(format!("cannot keep the partial file: {why}"));
            break;
        }
        if let Err(Stop(why)) = result {
            outcome.stopped = Some(why);
            break;
        }
    }
    outcome.problems = session.problems;
    outcome.calls = session.calls;
    outcome
}

/// Whether every part is in the workspace.
pub fn is_complete(settings: &Settings, workspace: &Workspace) -> bool {
    parts(settings).iter().all(|p| workspace.is_complete(&p.key()))
}

/// A partial file made with other settings cannot be resumed with these.
pub fn check_resume(settings: &Settings, workspace: &Workspace) -> Result<(), String> {
    let state = &workspace.state;
    if state.profile != settings.profile || state.regions != settings.regions {
        let said = |profile: &Option<String>, regions: &[String]| {
            let mut s = String::new();
            if let Some(p) = profile {
                s.push_str(&format!("--profile {p}"));
            }
            for r in regions {
                s.push_str(&format!(" --region {r}"));
            }
            if s.is_empty() {
                "no --profile or --region".to_owned()
            } else {
                s.trim().to_owned()
            }
        };
        return Err(format!(
            "the partial file was collected with {}, not {}: give the same options to resume, or start over without --resume",
            said(&state.profile, &state.regions),
            said(&settings.profile, &settings.regions)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
