//! The command line: argument parsing and the non-interactive subcommands.
//! Each subcommand loads the account through the core and prints the core's
//! answer; nothing here decides anything about IAM.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod analysis;
pub mod collect;
pub mod diff;
pub mod dot;
pub mod exclude;
pub mod explain;
pub mod html;
pub mod lesson;
pub mod lint;
pub mod progress;
pub mod render;
pub mod sarif;
pub mod screenshots;
pub mod why;

use crate::analysis::summary::AccountSummary;
use crate::eval::{Assume, ContextSpec};
use crate::io::{self, AccountSource, ExportFormat, Loaded};

/// Exit status for bad arguments or input (clap uses it too).
pub const EXIT_BAD_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "iamscope",
    version,
    about = "See, question, change and learn an AWS account's IAM setup, from its exports",
    long_about = "See, question, change and learn an AWS account's IAM setup, from its exports.\n\n\
        With no subcommand, opens the account files given (or the built-in demo account).\n\
        Make an export with: aws iam get-account-authorization-details > account.json",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Account files (GAAD output or workspace files; several pages of one export merge)
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The IAM credential report (CSV, or `aws iam get-credential-report` output)
    #[arg(long, value_name = "CSV")]
    pub credential_report: Option<PathBuf>,

    /// Open for looking only: every editing key and command is refused
    #[arg(long)]
    pub readonly: bool,

    /// A folder of lesson files to offer beside the built-in lessons (:lessons)
    #[arg(long, value_name = "DIR")]
    pub lessons: Option<PathBuf>,

    /// CloudTrail events to explain (a log file, also .gz, lookup-events output, or one event): the CloudTrail view lists the denied ones by principal and action
    #[arg(long, value_name = "FILE")]
    pub cloudtrail: Option<PathBuf>,

    /// Refuse input files larger than this (512M by default, five times an
    /// account at every IAM quota), e.g. 2G
    #[arg(long, global = true, value_name = "SIZE", default_value = "512M", value_parser = io::limits::parse_size)]
    pub max_input_size: u64,
}

/// The `--max-input-size` of this run, set once at the start of [`run`].
static MAX_INPUT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(io::limits::DEFAULT_MAX_INPUT);

/// The largest input file this run reads.
pub fn max_input() -> u64 {
    MAX_INPUT.load(std::sync::atomic::Ordering::Relaxed)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Count what an account holds, and list what the loader noticed
    Summary {
        #[command(flatten)]
        account: AccountArgs,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Write the account as GAAD JSON or as a workspace file, or the changes
    /// a saved workspace file records as an AWS CLI script (to stdout)
    Export {
        #[command(flatten)]
        account: AccountArgs,
        /// gaad: what AWS prints; workspace: everything iamscope knows;
        /// script: the changes made in iamscope as `aws iam …` commands (never run)
        #[arg(long, value_enum, default_value = "workspace")]
        format: FormatArg,
    },
    /// Explain AWS's decision for one request (or many, with --requests)
    #[command(group = clap::ArgGroup::new("one").args(["principal", "action", "resource"]).multiple(true).conflicts_with("requests"))]
    Explain {
        #[command(flatten)]
        account: AccountArgs,
        /// user/NAME, role/NAME[/SESSION], root, identity-pool/ID:authenticated|unauthenticated, service/NAME, saml/PROVIDER, oidc/PROVIDER_URL, web/accounts.google.com (or graph.facebook.com, www.amazon.com, cognito-identity.amazonaws.com), or an ARN
        #[arg(long, required_unless_present = "requests")]
        principal: Option<String>,
        /// SERVICE:ACTION, e.g. s3:GetObject
        #[arg(long, required_unless_present = "requests")]
        action: Option<String>,
        /// The resource's ARN (or * for actions without one)
        #[arg(long, required_unless_present = "requests")]
        resource: Option<String>,
        /// A condition key for the request; repeat a key for several values
        #[arg(long = "context", value_name = "KEY=VALUE")]
        context: Vec<String>,
        /// A claim of a federated principal's token or SAML assertion (sub=repo:org/app:ref:refs/heads/main, aud=sts.amazonaws.com); repeat for more
        #[arg(long = "claim", value_name = "KEY=VALUE", conflicts_with = "requests")]
        claims: Vec<String>,
        /// The role a federated principal assumes before the request (name or ARN)
        #[arg(long, value_name = "ROLE", conflicts_with = "requests")]
        role: Option<String>,
        /// When the request is made (RFC 3339, e.g. 2026-12-04T10:00:00Z); default: now
        #[arg(long, value_name = "TIME")]
        time: Option<String>,
        /// realistic: fill in the keys every real request carries, each listed
        /// under "Assumed"; none: take the context literally, as AWS's policy
        /// simulator does
        #[arg(long, value_name = "MODE", default_value = "realistic", value_parser = Assume::parse)]
        assume: Assume,
        /// Exit with status 2 when the request is one AWS would never receive
        /// (an unknown action, a resource of a type the action does not take)
        #[arg(long)]
        strict: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
        /// Evaluate every line of a JSON Lines file ({"principal","action","resource","context"}, and "claims" and "role" for a federated principal; - for standard input), one JSON answer per line: decision, rule, deciding statement, assumptions, warnings
        #[arg(long, value_name = "FILE.jsonl")]
        requests: Option<PathBuf>,
        /// With --requests: add each answer's summary sentence and its full trace
        #[arg(long, alias = "trace", requires = "requests")]
        explain: bool,
    },
    /// List every principal allowed to do an action on a resource, and why;
    /// or, for an action set (a wildcard, a service, an access level), each
    /// principal allowed any of its actions, with how many and which
    #[command(group = clap::ArgGroup::new("what").args(["action", "service"]).required(true).multiple(true))]
    WhoCan {
        #[command(flatten)]
        account: AccountArgs,
        /// SERVICE:ACTION, e.g. s3:GetObject, or a pattern such as iam:* or s3:Get*
        #[arg(long)]
        action: Option<String>,
        /// Every action of a service (e.g. iam), or only those of --action in it
        #[arg(long)]
        service: Option<String>,
        /// Only actions of this access level: list, read, write, permissions-management, tagging
        #[arg(long, value_name = "LEVEL", value_parser = analysis::parse_access_level)]
        access_level: Option<crate::catalog::AccessLevel>,
        /// The resource's ARN. Default: * for one action; for an action set,
        /// any resource (*, every resource of each type, and the ARNs the
        /// account's policies name), so that a grant on some resources counts
        #[arg(long)]
        resource: Option<String>,
        /// On at least one resource: *, every resource of each type the
        /// action takes, and the ARNs the account's policies name (what an
        /// action set is asked on by default), also for one action
        #[arg(long, conflicts_with = "resource")]
        any_resource: bool,
        /// A condition key for the request; repeat a key for several values
        #[arg(long = "context", value_name = "KEY=VALUE")]
        context: Vec<String>,
        /// Print JSON (for an action set: every allowed action, with the resource)
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        exclusions: exclude::ExclusionArgs,
        /// List service-linked roles too (left out by default: only AWS can change them)
        #[arg(long)]
        include_service_linked: bool,
    },
    /// Check policies for mistakes and risks, like a compiler checks code
    #[command(long_about = lint::LONG_ABOUT)]
    Lint(lint::LintArgs),
    /// Why was a request denied? Explain an AccessDenied message, a decoded
    /// authorization message or CloudTrail events, and propose the fix
    #[command(long_about = why::LONG_ABOUT)]
    Why(why::WhyArgs),
    /// Lessons: validate lesson files (for instructors) or list the lessons
    Lesson {
        #[command(subcommand)]
        command: lesson::LessonCommand,
    },
    /// Effective permissions of a principal, per service and access level (Full / Limited / None)
    WhatCan {
        #[command(flatten)]
        account: AccountArgs,
        /// user/NAME, role/NAME[/SESSION], root, identity-pool/ID:authenticated|unauthenticated, service/NAME, or an ARN (a federated user: ask about the role it assumes)
        #[arg(long)]
        principal: String,
        /// Only this service (e.g. s3); listed even when nothing is allowed
        #[arg(long)]
        service: Option<String>,
        /// A condition key every request carries; repeat a key for several values
        #[arg(long = "context", value_name = "KEY=VALUE")]
        context: Vec<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Which roles principals can come to act as, directly and through chains, hop by hop
    Reach {
        #[command(flatten)]
        account: AccountArgs,
        /// Only the roles this principal can reach (user/NAME, role/NAME, identity-pool/ID:KIND, …)
        #[arg(long, conflicts_with = "role")]
        principal: Option<String>,
        /// Only the principals that can reach this role (its name)
        #[arg(long)]
        role: Option<String>,
        /// Longest path, in hops
        #[arg(long, default_value_t = crate::analysis::reach::DEFAULT_MAX_DEPTH)]
        max_depth: usize,
        /// A condition key every request carries; repeat a key for several values
        #[arg(long = "context", value_name = "KEY=VALUE")]
        context: Vec<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Privilege-escalation paths: how principals that are not administrators could become one
    Escalation {
        #[command(flatten)]
        account: AccountArgs,
        /// Only this principal (default: every principal but the root user)
        #[arg(long)]
        principal: Option<String>,
        /// With --principal: for each pattern not found, say why
        #[arg(long, requires = "principal")]
        why: bool,
        /// Longest chain of roles, in hops
        #[arg(long, default_value_t = crate::analysis::reach::DEFAULT_MAX_DEPTH)]
        max_depth: usize,
        /// A condition key every request carries; repeat a key for several values
        #[arg(long = "context", value_name = "KEY=VALUE")]
        context: Vec<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
        /// Print SARIF 2.1.0, one result per path, for code review tools
        #[arg(long, conflicts_with_all = ["json", "why"])]
        sarif: bool,
        /// Print the paths as a Graphviz DOT graph (principals → roles → administrator);
        /// draw it with `dot -Tsvg`
        #[arg(long, conflicts_with_all = ["json", "why", "sarif"])]
        dot: bool,
        #[command(flatten)]
        exclusions: exclude::ExclusionArgs,
        /// List service-linked roles too (left out by default: only AWS can change them)
        #[arg(long)]
        include_service_linked: bool,
        /// Keep only paths that rest on no assumption (an existing Lambda
        /// function, a console password, an MFA device the export does not show)
        #[arg(long)]
        certain_only: bool,
        /// What runs as which role (JSON: {"Inventory": {"LambdaFunctions":
        /// [{"FunctionName", "Role"}], "Ec2Instances": [{"InstanceId",
        /// "IamInstanceProfile": {"Arn"}, "SsmManaged"}], "GlueDevEndpoints":
        /// [{"EndpointName", "RoleArn"}], "SageMakerNotebookInstances":
        /// [{"NotebookInstanceName", "RoleArn"}], "CloudFormationStacks":
        /// [{"StackName", "RoleARN"}]}}): a path through a listed resource is
        /// certain, one through a kind listed without it is dropped. Default:
        /// the Inventory of the workspace file, when it has one (collect gathers it)
        #[arg(long, value_name = "FILE")]
        inventory: Option<std::path::PathBuf>,
    },
    /// Write a self-contained HTML report of an account (opens offline): the
    /// summary, lint findings, escalation paths drawn as graphs, and who can
    /// do a few sensitive actions
    Report(html::ReportArgs),
    /// Build the workspace file by running your own AWS CLI (read-only commands)
    #[command(long_about = collect::LONG_ABOUT)]
    Collect(collect::CollectArgs),
    /// What changed between two exports of an account, in decisions (for review and CI)
    #[command(long_about = diff::LONG_ABOUT)]
    Diff(diff::DiffArgs),
    /// Print every path iamscope reads or writes
    Info,
    /// Write a synthetic account (GAAD JSON) of the given size, for benchmarks and load tests
    Generate {
        #[arg(long, default_value_t = 5000)]
        users: usize,
        #[arg(long, default_value_t = 5000)]
        roles: usize,
        #[arg(long, default_value_t = 300)]
        groups: usize,
        /// Customer managed policies
        #[arg(long, default_value_t = 1500)]
        policies: usize,
        /// The same seed, sizes and shape always give the same file
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// realistic: most roles trust the account, users share a few groups, AWS managed policies reused;
        /// uniform: the first generator's output, for comparing with older benchmark figures
        #[arg(long, value_enum, default_value_t = GenerateShape::Realistic)]
        shape: GenerateShape,
    },
    /// Drive the explorer on the demo account and write its screens as SVG pictures
    #[command(hide = true)]
    Screenshots {
        /// The folder to write into (made if missing)
        #[arg(long, default_value = "screenshots")]
        out: PathBuf,
    },
}

/// How `generate` lays the account out (see `io::synthetic::Shape`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GenerateShape {
    Realistic,
    Uniform,
}

/// The account to work on: `--account` files (default: the demo account).
#[derive(Debug, Args, Clone, Default)]
pub struct AccountArgs {
    /// Account file (GAAD output or workspace file); repeat for several pages. Default: the demo account
    #[arg(long = "account", value_name = "FILE")]
    pub accounts: Vec<PathBuf>,

    /// The IAM credential report (CSV, or `aws iam get-credential-report` output)
    #[arg(long, value_name = "CSV")]
    pub credential_report: Option<PathBuf>,
}

impl AccountArgs {
    pub fn load(&self) -> Result<Loaded, io::LoadError> {
        let sources: Vec<AccountSource> = self.accounts.iter().cloned().map(AccountSource::File).collect();
        io::load_with_limit(&sources, self.credential_report.as_deref(), max_input())
    }

    /// Load, and say on stderr what the loader noticed that may make an
    /// answer wrong (`summary` lists every warning itself).
    pub fn load_noting(&self) -> Result<Loaded, io::LoadError> {
        let loaded = self.load()?;
        for warning in loaded.report.answer_warnings() {
            eprintln!("warning: {}", render::visible(&warning));
        }
        Ok(loaded)
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Gaad,
    Workspace,
    Script,
}

/// A failure to report to the user, with the exit status to leave with.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub status: u8,
}

impl Failure {
    pub fn bad_input(message: impl std::fmt::Display) -> Failure {
        Failure {
            message: message.to_string(),
            status: EXIT_BAD_INPUT,
        }
    }
}

impl From<io::LoadError> for Failure {
    fn from(error: io::LoadError) -> Failure {
        Failure::bad_input(error)
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Failure {
        Failure {
            message: format!("cannot write the output: {error}"),
            status: 1,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(status) => ExitCode::from(status),
        // A closed pipe (`iamscope export | head`) is not an error worth a message.
        Err(failure) if failure.message.contains("Broken pipe") => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", render::visible(&failure.message));
            ExitCode::from(failure.status)
        }
    }
}

pub fn run(cli: Cli) -> Result<u8, Failure> {
    // Every byte printed passes the one boundary that escapes control characters.
    let mut out = render::safe_stdout();
    let result = run_with(cli, &mut out);
    // Written out here, so that a full disk is an error, not lost output.
    let flushed = out.flush();
    let status = result?;
    flushed?;
    Ok(status)
}

fn run_with(cli: Cli, mut out: &mut render::SafeOut<render::StdoutSink>) -> Result<u8, Failure> {
    MAX_INPUT.store(cli.max_input_size, std::sync::atomic::Ordering::Relaxed);
    match cli.command {
        None => {
            let account = AccountArgs {
                accounts: cli.files,
                credential_report: cli.credential_report,
            };
            let settings = crate::tui::load_settings().map_err(|e| Failure::bad_input(format!("settings: {e}")))?;
            let loaded = account.load()?;
            let now = jiff::Timestamp::now();
            // read before the terminal is taken, so a bad file is said plainly
            let cloudtrail = match &cli.cloudtrail {
                Some(path) => Some(why::read_cloudtrail(path, now)?),
                None => None,
            };
            let paths = io::paths::Paths::discover();
            let options = crate::session::Options {
                readonly: cli.readonly,
                // unsaved work is journaled here; journals a crash left are offered back
                journal_dir: paths.journal_dir(),
                pid: std::process::id(),
            };
            let session = crate::session::Session::new(loaded, &account.accounts, options, now)
                .map_err(|e| Failure::bad_input(e.to_string()))?;
            let (lessons, problems) = crate::lessons::all(cli.lessons.as_deref())
                .map_err(|p| Failure::bad_input(format!("{p} (check the folder given to --lessons)")))?;
            if let Some(problem) = problems.first() {
                return Err(Failure::bad_input(format!(
                    "{problem} — `iamscope lesson check FILE` says more about each lesson file"
                )));
            }
            let mut app = crate::tui::App::new(session, settings, now);
            app.set_lessons(lessons, paths.lesson_progress_file());
            if let Some(trail) = cloudtrail {
                app.set_cloudtrail(trail);
            }
            crate::tui::run(app).map_err(|e| Failure::bad_input(e.to_string()))?;
            Ok(0)
        }
        Some(Command::Summary { account, json }) => {
            let loaded = account.load()?;
            let summary = AccountSummary::of(&loaded.model, &loaded.report);
            if json {
                serde_json::to_writer_pretty(&mut out, &summary).map_err(std::io::Error::other)?;
                writeln!(out)?;
            } else {
                print_summary(&mut out, &summary)?;
            }
            Ok(0)
        }
        Some(Command::Export { account, format }) => {
            let loaded = account.load_noting()?;
            let format = match format {
                FormatArg::Gaad => ExportFormat::Gaad,
                FormatArg::Workspace => ExportFormat::Workspace,
                FormatArg::Script => {
                    let account = loaded.model.account();
                    let log = crate::io::change_log::read_log(account)
                        .map_err(|e| Failure::bad_input(format!("the change log of the workspace file: {e}")))?;
                    out.write_all(crate::io::script::script(&log, account).as_bytes())?;
                    return Ok(0);
                }
            };
            io::export_account(loaded.model.account(), format, &mut out)?;
            Ok(0)
        }
        Some(Command::Explain {
            account,
            principal,
            action,
            resource,
            context,
            claims,
            role,
            time,
            assume,
            strict,
            json,
            requests,
            explain,
        }) => {
            let loaded = account.load_noting()?;
            let now = jiff::Timestamp::now();
            let strictness = if strict {
                explain::Strictness::Strict
            } else {
                explain::Strictness::Warn
            };
            if let Some(path) = requests {
                return explain::explain_many(&loaded.model, &path, now, explain, strictness, &mut out);
            }
            let (Some(principal), Some(action), Some(resource)) = (principal, action, resource) else {
                return Err(Failure::bad_input(
                    "explain needs --principal, --action and --resource (or --requests FILE.jsonl)",
                ));
            };
            let mut spec = explain::spec(&principal, &action, &resource, &context, assume)?;
            spec.claims =
                ContextSpec::from_assignments(&claims).map_err(|e| Failure::bad_input(format!("--claim: {e}")))?;
            spec.role = role;
            spec.time = time;
            explain::explain_one(&loaded.model, &spec, now, json, strictness, &mut out)
        }
        Some(Command::WhoCan {
            account,
            action,
            service,
            access_level,
            resource,
            any_resource,
            context,
            json,
            exclusions,
            include_service_linked,
        }) => {
            let filter = exclude::Filter::new(&exclusions, &account.accounts, include_service_linked)?;
            let loaded = account.load_noting()?;
            match action {
                Some(action)
                    if service.is_none() && access_level.is_none() && !any_resource && !action.contains(['*', '?']) =>
                {
                    explain::who_can(
                        &loaded,
                        &action,
                        resource.as_deref().unwrap_or("*"),
                        &context,
                        json,
                        &filter,
                        &mut out,
                    )
                }
                action => analysis::who_can_set(
                    &loaded,
                    action.as_deref(),
                    service.as_deref(),
                    access_level,
                    resource.as_deref(),
                    &context,
                    json,
                    &filter,
                    &mut out,
                ),
            }
        }
        Some(Command::WhatCan {
            account,
            principal,
            service,
            context,
            json,
        }) => {
            let loaded = account.load_noting()?;
            analysis::what_can(&loaded, &principal, service, &context, json, &mut out)
        }
        Some(Command::Reach {
            account,
            principal,
            role,
            max_depth,
            context,
            json,
        }) => {
            let loaded = account.load_noting()?;
            analysis::reach(&loaded, principal.as_deref(), role, max_depth, &context, json, &mut out)
        }
        Some(Command::Escalation {
            account,
            principal,
            why,
            max_depth,
            context,
            json,
            sarif,
            dot,
            exclusions,
            include_service_linked,
            certain_only,
            inventory,
        }) => {
            let filter = exclude::Filter::new(&exclusions, &account.accounts, include_service_linked)?;
            let loaded = account.load_noting()?;
            let format = match (json, sarif, dot) {
                (_, _, true) => analysis::Format::Dot,
                (_, true, _) => analysis::Format::Sarif,
                (true, _, _) => analysis::Format::Json,
                _ => analysis::Format::Text,
            };
            let settle = analysis::Settle::read(inventory.as_deref(), certain_only)?;
            analysis::escalation(
                &loaded,
                principal.as_deref(),
                why,
                max_depth,
                &context,
                format,
                &settle,
                &filter,
                &mut out,
            )
        }
        Some(Command::Generate {
            users,
            roles,
            groups,
            policies,
            seed,
            shape,
        }) => {
            let sizes = io::synthetic::Sizes {
                users,
                roles,
                groups,
                policies,
                seed,
                shape: match shape {
                    GenerateShape::Realistic => io::synthetic::Shape::Realistic,
                    GenerateShape::Uniform => io::synthetic::Shape::Uniform,
                },
            };
            io::synthetic::write(&sizes, &mut out)?;
            Ok(0)
        }
        Some(Command::Lint(args)) => lint::run(&args, &mut out),
        Some(Command::Report(args)) => html::run(&args, &mut out),
        Some(Command::Why(args)) => why::run(&args, &mut out),
        Some(Command::Collect(args)) => collect::run(&args, &mut out),
        Some(Command::Diff(args)) => diff::run(&args, &mut out),
        Some(Command::Lesson { command }) => lesson::run(&command, &mut out),
        Some(Command::Info) => {
            print_info(&mut out)?;
            Ok(0)
        }
        Some(Command::Screenshots { out: dir }) => {
            let written = screenshots::write_all(&dir).map_err(|message| Failure { message, status: 1 })?;
            for path in written {
                writeln!(out, "{}", path.display())?;
            }
            Ok(0)
        }
    }
}

fn print_summary(out: &mut impl Write, s: &AccountSummary) -> std::io::Result<()> {
    for line in s.lines() {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn print_info(out: &mut impl Write) -> std::io::Result<()> {
    let paths = io::paths::Paths::discover();
    let show =
        |p: Option<PathBuf>| p.map_or_else(|| "(no home directory found)".to_owned(), |p| p.display().to_string());
    writeln!(out, "iamscope {}", env!("CARGO_PKG_VERSION"))?;
    writeln!(out, "  config file       {}", show(paths.config_file()))?;
    writeln!(out, "  data directory    {}", show(paths.data_dir.clone()))?;
    writeln!(out, "  edit journal      {}", show(paths.journal_dir()))?;
    writeln!(out, "  lesson progress   {}", show(paths.lesson_progress_file()))?;
    writeln!(
        out,
        "  demo account      built into the binary ({} bytes); `iamscope export` writes a copy",
        io::DEMO_ACCOUNT.len()
    )?;
    writeln!(
        out,
        "  (IAMSCOPE_CONFIG_DIR and IAMSCOPE_DATA_DIR override the directories)"
    )?;
    Ok(())
}

/// Write `bytes` to `path` whole: a temporary file beside it (named with
/// `prefix`), flushed, then renamed over it, so that a reader never sees
/// half a file. The temporary file is private; `shared` makes it readable by
/// others as an ordinary new file is (a report is for sharing).
pub(crate) fn write_atomically(
    path: &std::path::Path,
    bytes: &[u8],
    prefix: &str,
    shared: bool,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::Builder::new().prefix(prefix).tempfile_in(dir)?;
    temp.write_all(bytes)?;
    #[cfg(unix)]
    if shared {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = shared;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
