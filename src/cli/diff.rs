//! `iamscope diff OLD NEW`: what changed between two exports of an account,
//! in decisions ([`crate::analysis::diff`]), as text or JSON, with an exit
//! status for CI.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::render::Paint;
use super::{Failure, analysis::context};
use crate::analysis::diff::{Diff, DiffOptions, diff};
use crate::io::{self, AccountSource};

pub const LONG_ABOUT: &str = "What changed between two exports of an account, in decisions: which \
principals gained or lost which actions (by service and access level, with requests that flip), \
new and removed escalation paths and administrators, who can now assume which role, new public or \
cross-account grants in resource-based and trust policies, and credentials (new access keys, MFA \
removed, console passwords added).\n\n\
Only the principals whose policies, groups or boundary changed are evaluated again; a changed SCP, \
RCP or resource policy is checked on the requests it names, for every principal.\n\n\
Exit status: 0, or 1 when --fail-on names a kind of change that is there; 2 for bad input.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Some principal may do something it could not
    Gain,
    /// A new escalation path or a new administrator
    Escalation,
    /// A new grant to anyone (a resource or trust policy, an identity pool's guests)
    Public,
}

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The earlier export (GAAD output or workspace file)
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later export
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 when a change of this kind is found (repeat or separate with commas)
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KIND")]
    pub fail_on: Vec<FailOn>,
    /// A condition key every request carries; repeat a key for several values
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// Longest chain of roles followed for escalation paths
    #[arg(long, default_value_t = crate::analysis::reach::DEFAULT_MAX_DEPTH)]
    pub max_depth: usize,
    /// Do not search escalation paths (the slowest part on a large account)
    #[arg(long)]
    pub no_escalation: bool,
}

pub fn run(args: &DiffArgs, out: &mut impl Write) -> Result<u8, Failure> {
    if args.no_escalation && args.fail_on.contains(&FailOn::Escalation) {
        return Err(Failure::bad_input(
            "--fail-on escalation needs the escalation paths: drop --no-escalation",
        ));
    }
    let old = io::load(&[AccountSource::File(args.old.clone())], None)?;
    let new = io::load(&[AccountSource::File(args.new.clone())], None)?;
    let (a, b) = (old.model.account(), new.model.account());
    if a.id != b.id {
        eprintln!(
            "note: {} is account {} and {} is account {}: principals are matched by name",
            args.old.display(),
            a.id,
            args.new.display(),
            b.id
        );
    }
    let options = DiffOptions {
        context: context(&args.context)?,
        now: jiff::Timestamp::now(),
        max_depth: args.max_depth,
        escalation: !args.no_escalation,
    };
    let result = diff(&old.model, &new.model, &options);
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &result).map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render(&result, Paint::for_stdout()))?;
    }
    let failed = args.fail_on.iter().any(|kind| match kind {
        FailOn::Gain => result.has_gain(),
        FailOn::Escalation => result.has_escalation(),
        FailOn::Public => result.has_public(),
    });
    Ok(u8::from(failed))
}

/// At most this many actions named per line.
const NAMED: usize = 4;
/// At most this many levels shown per principal, and flipping requests in all.
const LEVELS: usize = 10;
const FLIPS: usize = 20;

/// Services whose changes are read first.
const FIRST: [&str; 10] = [
    "iam",
    "sts",
    "organizations",
    "s3",
    "kms",
    "secretsmanager",
    "ec2",
    "lambda",
    "dynamodb",
    "ssm",
];

fn service_rank(service: &str) -> usize {
    FIRST.iter().position(|s| *s == service).unwrap_or(FIRST.len())
}

fn level_rank(level: &str) -> u8 {
    match level {
        "permissions-management" => 0,
        "write" => 1,
        "tagging" => 2,
        "read" => 3,
        _ => 4,
    }
}

fn names(list: &[String]) -> String {
    let mut text = list.iter().take(NAMED).cloned().collect::<Vec<_>>().join(", ");
    if list.len() > NAMED {
        text.push_str(&format!(", … {} more", list.len() - NAMED));
    }
    text
}

/// The diff as text: one section per kind of change, the empty ones left out.
pub fn render(d: &Diff, paint: Paint) -> String {
    let mut s = String::new();
    let mut line = |text: String| {
        s.push_str(&text);
        s.push('\n');
    };
    line(paint.bold(&format!("{} → {}", d.old_account, d.new_account)));
    if d.is_empty() {
        line("No change in who may do what.".to_owned());
    }
    if !d.added_principals.is_empty() || !d.removed_principals.is_empty() {
        line(String::new());
        line(paint.bold("Principals"));
        for p in &d.added_principals {
            line(format!("  + {p}  (new)"));
        }
        for p in &d.removed_principals {
            line(format!("  - {p}  (removed, with every permission it had)"));
        }
    }
    if !d.permissions.is_empty() {
        line(String::new());
        line(paint.bold("Permissions"));
        for p in &d.permissions {
            line(format!(
                "  {}  +{} −{} actions  ({})",
                paint.bold(&p.principal),
                p.gained(),
                p.lost(),
                p.why.join("; ")
            ));
            // the levels that matter most first: who may change permissions, then write
            let mut levels: Vec<_> = p.levels.iter().collect();
            levels.sort_by_key(|l| (level_rank(l.level), service_rank(&l.service), l.service.as_str()));
            for l in levels.iter().take(LEVELS) {
                let mut text = format!(
                    "    {} {}: {} → {}",
                    l.service,
                    l.label,
                    l.before.as_str(),
                    l.after.as_str()
                );
                if !l.gained.is_empty() {
                    text.push_str(&format!("  {} {}", paint.green("gained"), names(&l.gained)));
                }
                if !l.lost.is_empty() {
                    text.push_str(&format!("  {} {}", paint.red("lost"), names(&l.lost)));
                }
                line(text);
                if let Some(f) = l.flips.first() {
                    line(paint.dim(&format!("      e.g. {}", f.line())));
                }
            }
            if levels.len() > LEVELS {
                line(paint.dim(&format!(
                    "    … {} more service levels (--json lists every action)",
                    levels.len() - LEVELS
                )));
            }
        }
    }
    if !d.request_flips.is_empty() {
        line(String::new());
        line(paint.bold(&format!(
            "Requests that flip (SCPs, RCPs and resource policies; {} requests asked of every principal)",
            d.requests_checked
        )));
        for f in d.request_flips.iter().take(FLIPS) {
            line(format!("  {}", f.line()));
        }
        if d.request_flips.len() > FLIPS {
            line(paint.dim(&format!(
                "  … {} more (--json lists them all)",
                d.request_flips.len() - FLIPS
            )));
        }
    }
    let e = &d.escalation;
    if e.skipped {
        line(String::new());
        line(paint.dim("Escalation paths were not searched (--no-escalation)."));
    }
    if !(e.added.is_empty()
        && e.removed.is_empty()
        && e.new_administrators.is_empty()
        && e.former_administrators.is_empty())
    {
        line(String::new());
        line(paint.bold(&format!("Escalation ({} principals searched in both)", e.searched)));
        for p in &e.new_administrators {
            line(format!("  {} {p} is an administrator now", paint.red("+")));
        }
        for p in &e.former_administrators {
            line(format!("  - {p} is no longer an administrator"));
        }
        for path in &e.added {
            let via = if path.via.is_empty() {
                String::new()
            } else {
                format!(" via {}", path.via.join(" → "))
            };
            line(format!(
                "  {} {}: {} on {}{via} — {}",
                paint.red("new path"),
                path.principal,
                path.pattern,
                path.target,
                path.gain
            ));
        }
        for path in &e.removed {
            line(format!(
                "  path gone {}: {} on {}",
                path.principal, path.pattern, path.target
            ));
        }
    }
    if !d.trust.is_empty() {
        line(String::new());
        line(paint.bold("Trust policies"));
        for t in &d.trust {
            line(format!("  {}{}", t.role, if t.new_role { "  (new role)" } else { "" }));
            if !t.can_now_assume.is_empty() {
                line(format!("    can now assume it: {}", names(&t.can_now_assume)));
            }
            if !t.can_no_longer_assume.is_empty() {
                line(format!(
                    "    can no longer assume it: {}",
                    names(&t.can_no_longer_assume)
                ));
            }
            for who in &t.trusts_now {
                line(format!("    trusts now: {who}"));
            }
            for who in &t.trusts_no_longer {
                line(format!("    no longer trusts: {who}"));
            }
        }
    }
    if !d.new_grants.is_empty() || !d.removed_grants.is_empty() {
        line(String::new());
        line(paint.bold("Grants to the outside"));
        for g in &d.new_grants {
            let conditions = if g.conditions.is_empty() {
                String::new()
            } else {
                format!(" if {}", g.conditions.join(", "))
            };
            line(format!(
                "  {} {} grant on {}: {} may {}{conditions}",
                paint.red("new"),
                g.kind.describe(),
                g.resource,
                g.principal,
                names(&g.actions)
            ));
        }
        for g in &d.removed_grants {
            line(format!(
                "  removed {} grant on {}: {} ({})",
                g.kind.describe(),
                g.resource,
                g.principal,
                names(&g.actions)
            ));
        }
    }
    if !d.credentials.is_empty() {
        line(String::new());
        line(paint.bold("Credentials"));
        for c in &d.credentials {
            let mark = if c.event.opens() {
                paint.red("+")
            } else {
                "-".to_owned()
            };
            line(format!("  {mark} {}: {}", c.principal, c.event.describe()));
        }
    }
    if !d.organization_policies.is_empty() {
        line(String::new());
        line(paint.bold("SCPs and RCPs"));
        for o in &d.organization_policies {
            line(format!("  {} {} at {}: {}", o.kind, o.name, o.target, o.change));
        }
    }
    for e in &d.errors {
        line(format!("could not evaluate: {e}"));
    }
    line(String::new());
    line(paint.dim(&format!(
        "{} of {} principals evaluated again (the others' policies did not change)",
        d.recomputed, d.principals
    )));
    s
}
