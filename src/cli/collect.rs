//! `iamscope collect`: runs the user's own `aws` CLI (its profiles, SSO and
//! credential chain; iamscope opens no socket and reads no credentials),
//! shows a progress bar per part on stderr, keeps a partial file after
//! every part and writes the workspace file. What to run and how to read it
//! is the core's ([`crate::io::collect`]); this is the process and the terminal.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Failure;
use super::render::visible;
use crate::io::collect::{self, Output, Part, Problem, Progress, Runner, Settings, Workspace};

pub const LONG_ABOUT: &str = "Build the workspace file by running your own AWS CLI (`aws`, on PATH) \
with read-only commands: the account and its alias, every page of get-account-authorization-details, \
the credential report, the policies of S3 buckets, KMS keys, SQS queues, SNS topics, Lambda functions, \
Secrets Manager secrets and ECR repositories, the organisation's SCPs and RCPs that apply to the \
account (with where each is attached), Cognito identity and user pools, and what runs as which role \
(Lambda functions, EC2 instances and whether Systems Manager manages them, Glue development \
endpoints, SageMaker notebook instances, CloudFormation stacks), which `escalation` uses to settle \
the paths that assume such a resource.\n\n\
iamscope itself opens no connection and reads no credentials: the AWS CLI does, with your profile. \
A denied command is reported with the permission it needs and skipped (the SecurityAudit managed \
policy allows all of them); a throttled one is asked again after a wait that doubles. After every \
part the file so far is kept as FILE.partial; when collecting stops (expired credentials, Ctrl-C), \
run the same command with --resume to continue.\n\n\
Exit status: 0 when everything was collected, 1 when something is missing (listed on stderr; \
the file is written with the rest), 2 for bad arguments.";

#[derive(Debug, Clone, Args)]
pub struct CollectArgs {
    /// The AWS CLI profile to use (default: the CLI's own default)
    #[arg(long)]
    pub profile: Option<String>,
    /// A region for the regional parts (keys, queues, topics, functions,
    /// secrets, repositories, Cognito pools, what runs as which role);
    /// repeat for several. Default: the profile's region
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Where to write the workspace file
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        required_unless_present = "dry_run"
    )]
    pub output: Option<PathBuf>,
    /// List every command collect would run, and run none
    #[arg(long)]
    pub dry_run: bool,
    /// Continue from FILE.partial, asking again only for the parts it lacks
    #[arg(long, conflicts_with = "dry_run")]
    pub resume: bool,
    /// The first wait after a throttled call, in milliseconds (doubled after each try)
    #[arg(long, hide = true, default_value_t = 1000)]
    pub backoff_ms: u64,
    /// The wait between looks at the credential report, in milliseconds
    #[arg(long, hide = true, default_value_t = 2000)]
    pub poll_ms: u64,
}

impl CollectArgs {
    fn settings(&self) -> Settings {
        Settings {
            profile: self.profile.clone(),
            regions: self.regions.clone(),
            backoff: Duration::from_millis(self.backoff_ms),
            poll: Duration::from_millis(self.poll_ms),
            ..Settings::default()
        }
    }
}

/// Runs the real `aws`: no pager, no standard input (nothing waits for a key).
struct AwsProcess;

impl Runner for AwsProcess {
    fn run(&mut self, args: &[String]) -> Result<Output, String> {
        let output = Command::new("aws")
            .args(args)
            .env("AWS_PAGER", "")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| e.to_string())?;
        Ok(Output {
            status: output.status.code(),
            stdout: output.stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }

    fn sleep(&mut self, wait: Duration) {
        std::thread::sleep(wait);
    }
}

/// A bar per part on a terminal; a line per part and problem otherwise.
struct Bars {
    multi: Option<MultiProgress>,
    bars: HashMap<String, ProgressBar>,
    partial: PathBuf,
}

impl Bars {
    fn new(partial: PathBuf) -> Bars {
        let multi = std::io::stderr()
            .is_terminal()
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Bars {
            multi,
            bars: HashMap::new(),
            partial,
        }
    }

    fn say(&self, line: &str) {
        let line = visible(line);
        match &self.multi {
            Some(multi) => {
                let _ = multi.println(line);
            }
            None => eprintln!("{line}"),
        }
    }
}

fn style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix:<44!} [{bar:30}] {pos}/{len} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

impl Progress for Bars {
    fn part_started(&mut self, part: &Part) {
        if let Some(multi) = &self.multi {
            let bar = multi.add(ProgressBar::new(1));
            bar.set_style(style());
            bar.set_prefix(visible(&part.title()));
            self.bars.insert(part.key(), bar);
        }
    }

    fn part_size(&mut self, part: &Part, calls: u64) {
        if let Some(bar) = self.bars.get(&part.key()) {
            bar.set_length(calls.max(bar.position()));
        }
    }

    fn call_done(&mut self, part: &Part) {
        if let Some(bar) = self.bars.get(&part.key()) {
            if bar.position() + 1 > bar.length().unwrap_or(0) {
                bar.set_length(bar.position() + 1);
            }
            bar.inc(1);
        }
    }

    fn waiting(&mut self, command: &str, wait: Duration, attempt: u32) {
        self.say(&format!(
            "throttled: `{command}` — asking again in {:.1} s (try {})",
            wait.as_secs_f64(),
            attempt + 1
        ));
    }

    fn problem(&mut self, problem: &Problem) {
        self.say(&format!("missing: {}", problem.describe()));
    }

    fn part_finished(&mut self, part: &Part, complete: bool) {
        let word = if complete { "done" } else { "incomplete" };
        match self.bars.get(&part.key()) {
            Some(bar) => bar.finish_with_message(word),
            None => eprintln!("{word}: {}", visible(&part.title())),
        }
    }

    fn checkpoint(&mut self, workspace: &Workspace) -> Result<(), String> {
        super::write_atomically(&self.partial, &workspace.to_bytes(true), ".iamscope-collect-", false)
            .map_err(|e| format!("{}: {e}", self.partial.display()))
    }
}

pub fn partial_path(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

pub fn run(args: &CollectArgs, out: &mut impl Write) -> Result<u8, Failure> {
    let settings = args.settings();
    if args.dry_run {
        let mut part = String::new();
        for planned in collect::plan(&settings) {
            if planned.part != part {
                writeln!(out, "# {}", planned.part)?;
                part = planned.part.clone();
            }
            match &planned.when {
                Some(when) => writeln!(out, "{}    # {when}", planned.command)?,
                None => writeln!(out, "{}", planned.command)?,
            }
        }
        return Ok(0);
    }
    let Some(output) = &args.output else {
        return Err(Failure::bad_input("collect needs -o FILE (or --dry-run)"));
    };
    let partial = partial_path(output);
    let mut workspace = if args.resume {
        let bytes = std::fs::read(&partial).map_err(|e| {
            Failure::bad_input(format!(
                "cannot read {} to resume from ({e}): run without --resume to start over",
                partial.display()
            ))
        })?;
        let workspace =
            Workspace::from_partial(&bytes).map_err(|e| Failure::bad_input(format!("{}: {e}", partial.display())))?;
        collect::check_resume(&settings, &workspace)
            .map_err(|e| Failure::bad_input(format!("{}: {e}", partial.display())))?;
        workspace
    } else {
        if partial.exists() {
            return Err(Failure::bad_input(format!(
                "{} holds what an earlier collect gathered: continue it with --resume, or delete it to start over",
                partial.display()
            )));
        }
        Workspace::default()
    };

    let mut bars = Bars::new(partial.clone());
    let outcome = collect::collect(&settings, &mut workspace, &mut AwsProcess, &mut bars);
    drop(bars);

    if let Some(why) = &outcome.stopped {
        eprintln!("{}", visible(&format!("stopped: {why}")));
        eprintln!(
            "{}",
            visible(&format!(
                "what was collected is kept in {}; run the same command with --resume to continue",
                partial.display()
            ))
        );
        return Ok(1);
    }
    let bytes = workspace.to_bytes(false);
    // The file must load as iamscope reads it: a collected file is only worth writing then.
    let loaded = crate::io::load_bytes(&output.display().to_string(), &bytes).map_err(|e| Failure {
        message: format!(
            "the collected file does not load ({e}); what was collected is kept in {}",
            partial.display()
        ),
        status: 1,
    })?;
    crate::io::save::save_atomically(output, &bytes, None).map_err(|e| Failure {
        message: e.to_string(),
        status: 1,
    })?;
    let a = loaded.model.account();
    eprintln!(
        "{}",
        visible(&format!(
            "wrote {}: account {}, {} users, {} groups, {} roles, {} managed policies, {} resource policies, {} SCPs, {} RCPs, {} identity pools, {} user pools, {} resources that run as roles ({} aws calls{})",
            output.display(),
            a.display_name(),
            a.users.len(),
            a.groups.len(),
            a.roles.len(),
            a.policies.len(),
            a.resource_policies.len(),
            a.service_control_policies.len(),
            a.resource_control_policies.len(),
            a.identity_pools.len(),
            a.user_pools.len(),
            a.inventory.as_ref().map_or(0, |i| i.resources()),
            outcome.calls,
            if outcome.kept.is_empty() {
                String::new()
            } else {
                format!("; {} parts kept from the partial file", outcome.kept.len())
            }
        ))
    );
    if collect::is_complete(&settings, &workspace) {
        if partial.exists() {
            std::fs::remove_file(&partial).map_err(|e| Failure {
                message: format!("cannot remove {}: {e}", partial.display()),
                status: 1,
            })?;
        }
        return Ok(0);
    }
    eprintln!(
        "{}",
        visible(&format!(
            "{} missing (listed above); {} keeps the progress: after fixing it, run the same command with --resume to ask again for those parts only",
            match outcome.problems.len() {
                1 => "1 thing is".to_owned(),
                n => format!("{n} things are"),
            },
            partial.display()
        ))
    );
    if outcome.problems.iter().any(|p| p.kind == collect::ProblemKind::Denied) {
        eprintln!("(the SecurityAudit AWS managed policy allows every command collect runs)");
    }
    Ok(1)
}
