//! `iamscope lint`: findings about policy documents or a whole account,
//! printed like a compiler's (`file:line:col: severity[code]: message`) or as
//! one JSON object, with an exit status for CI.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::render::{Paint, visible};
use super::sarif;
use super::{AccountArgs, EXIT_BAD_INPUT, Failure};
use crate::analysis::exclusions::{self, LintIds};
use crate::analysis::lint::{self, CHECKS, Finding, PolicyKind, PolicySource};
use crate::policy::{Severity, parse_policy, size_without_whitespace};

/// The `--help` text of `iamscope lint`.
pub const LONG_ABOUT: &str = "Check policies for mistakes and risks, like a compiler checks code.\n\n\
    FILE is one policy document (JSON), as you would paste it into the IAM console; `-` reads one \
    from standard input. Its kind decides some checks (a Principal belongs in a bucket policy, not \
    in a user's policy): give it with --kind, or let iamscope guess (a Principal makes it \
    resource-based, or a trust policy when every action is an sts: one and there is no Resource; \
    otherwise identity-based).\n\n\
    --account FILE lints every policy of an account export (GAAD or workspace file; repeat for the \
    pages of one export): customer managed and inline policies, role trust policies, resource \
    policies, SCPs and RCPs, each as its kind. AWS managed policies are skipped. Locations refer to \
    the policy as iamscope shows it (pretty-printed). With neither FILE nor --account, the built-in \
    demo account is linted.\n\n\
    --sarif prints SARIF 2.1.0 for code review tools: a FILE's findings carry its line and column; \
    an account's carry the policy's place (user/NAME/inline/POLICY and the JSON path), since their \
    lines are those of the policy as iamscope shows it.\n\n\
    Severities: error = AWS would refuse the policy or part of it can never match; warning = legal \
    but risky or likely wrong; info = style. --list-checks prints every code.\n\n\
    Exit status: 0 when no finding is at or above --fail-on (default: error), 1 when some is, \
    2 for bad input (a file that cannot be read, or that is not a policy document at all). A \
    policy with a JSON syntax error inside is a finding, not bad input.";

#[derive(Debug, Clone, Args)]
pub struct LintArgs {
    /// Policy documents (JSON); `-` reads one from standard input
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Lint every policy of an account file (GAAD or workspace); repeat for several pages
    #[arg(long = "account", value_name = "FILE")]
    pub accounts: Vec<PathBuf>,

    /// What the FILEs are (default: guessed from each document)
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    /// Print one JSON object
    #[arg(long)]
    pub json: bool,

    /// Print SARIF 2.1.0, for code review tools (GitHub code scanning and others)
    #[arg(long, conflicts_with = "json")]
    pub sarif: bool,

    /// Exit with status 1 when a finding is at least this severe
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: SeverityArg,

    /// Print every check's code, severity and summary, and exit
    #[arg(long)]
    pub list_checks: bool,

    #[command(flatten)]
    pub exclusions: super::exclude::ExclusionArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Identity,
    Resource,
    Trust,
    Scp,
    Rcp,
    Boundary,
    Session,
}

impl KindArg {
    fn kind(self) -> PolicyKind {
        match self {
            KindArg::Identity => PolicyKind::Identity,
            KindArg::Resource => PolicyKind::Resource,
            KindArg::Trust => PolicyKind::Trust,
            KindArg::Scp => PolicyKind::Scp,
            KindArg::Rcp => PolicyKind::Rcp,
            KindArg::Boundary => PolicyKind::Boundary,
            KindArg::Session => PolicyKind::Session,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Error,
    Warning,
    Info,
}

impl SeverityArg {
    fn severity(self) -> Severity {
        match self {
            SeverityArg::Error => Severity::Error,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Info => Severity::Info,
        }
    }
}

/// One linted document: a FILE, or one policy of an account.
#[derive(Debug, Serialize)]
struct Document {
    /// The file as given on the command line (or the account's source).
    file: String,
    /// For a policy of an account: where it lives.
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<PolicyRef>,
    kind: PolicyKind,
    /// True when --kind was not given and the kind was guessed.
    kind_guessed: bool,
    #[serde(skip)]
    findings: Vec<Finding>,
    /// Each finding's stable id (see `exclusions::LintIds`), in order.
    #[serde(skip)]
    ids: Vec<String>,
    /// Counts by severity.
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Debug, Serialize)]
struct PolicyRef {
    locator: String,
    description: String,
    #[serde(flatten)]
    source: PolicySource,
}

/// A finding in the JSON output, with its document.
#[derive(Debug, Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a str>,
    kind: PolicyKind,
    /// Stable id, for an exclusions file's [[finding]].
    id: String,
    #[serde(flatten)]
    finding: &'a Finding,
}

#[derive(Debug, Serialize)]
struct BadInput {
    file: String,
    message: String,
}

#[derive(Debug, Serialize)]
struct Summary {
    documents: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    bad_input: usize,
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    fail_on: Severity,
    status: u8,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    documents: &'a [Document],
    bad_input: &'a [BadInput],
    /// What the loader noticed about `--account` that may make findings
    /// wrong or incomplete (also printed on stderr).
    warnings: Vec<String>,
    /// Findings the exclusions file left out, and by which entries.
    suppressed: usize,
    suppressions: Vec<exclusions::Suppression>,
}

pub fn run(args: &LintArgs, out: &mut impl Write) -> Result<u8, Failure> {
    if args.list_checks {
        for check in CHECKS {
            writeln!(
                out,
                "{:<28} {:<8} {}",
                check.code,
                check.severity.as_str(),
                check.summary
            )?;
        }
        return Ok(0);
    }
    let filter = super::exclude::Filter::new(&args.exclusions, &args.accounts, false)?;
    let mut suppressor = filter.suppressor();
    let mut documents = Vec::new();
    let mut bad = Vec::new();
    let mut warnings = Vec::new();
    for path in &args.files {
        match read_policy_file(path) {
            Ok((name, text)) => {
                let parsed = parse_policy(&text);
                let (kind, guessed) = match args.kind {
                    Some(k) => (k.kind(), false),
                    None => (PolicyKind::guess(&parsed), true),
                };
                let findings = lint::lint_parsed(&text, &parsed, kind, size_without_whitespace(&text));
                let key = name.strip_prefix("./").unwrap_or(&name).to_owned();
                let ids = LintIds::of(&text);
                let (findings, ids) = unsuppressed(findings, &ids, &key, None, &mut suppressor);
                documents.push(Document::new(name, None, kind, guessed, findings, ids));
            }
            Err(message) => bad.push(BadInput {
                file: path.display().to_string(),
                message,
            }),
        }
    }
    if !args.accounts.is_empty() || args.files.is_empty() {
        let account = AccountArgs {
            accounts: args.accounts.clone(),
            credential_report: None,
        };
        let source = if args.accounts.is_empty() {
            "demo account".to_owned()
        } else {
            args.accounts
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        match account.load_noting() {
            Ok(loaded) => {
                warnings = loaded.report.answer_warnings();
                let result = lint::lint_account(&loaded.model);
                for policy in result.policies {
                    let key = exclusions::lint_policy_key(&policy.source);
                    let ids = LintIds::of_policy(&policy);
                    let (findings, ids) =
                        unsuppressed(policy.findings, &ids, &key, Some(&policy.source), &mut suppressor);
                    let reference = PolicyRef {
                        locator: policy.source.locator(),
                        description: policy.source.describe(),
                        source: policy.source,
                    };
                    documents.push(Document::new(
                        source.clone(),
                        Some(reference),
                        policy.kind,
                        false,
                        findings,
                        ids,
                    ));
                }
            }
            Err(error) => bad.push(BadInput {
                file: source,
                message: error.to_string(),
            }),
        }
    }

    let suppressed = suppressor.suppressed();
    if args.files.is_empty() && bad.is_empty() {
        // A whole account was linted: an id that matched nothing is stale.
        super::exclude::note_stale(&filter, &suppressor, "lint-");
    }
    let fail_on = args.fail_on.severity();
    let failing = documents
        .iter()
        .flat_map(|d| &d.findings)
        .any(|f| f.severity >= fail_on);
    let status = if !bad.is_empty() {
        EXIT_BAD_INPUT
    } else if failing {
        1
    } else {
        0
    };
    let summary = Summary {
        documents: documents.len(),
        errors: documents.iter().map(|d| d.errors).sum(),
        warnings: documents.iter().map(|d| d.warnings).sum(),
        infos: documents.iter().map(|d| d.infos).sum(),
        bad_input: bad.len(),
    };
    if args.sarif {
        let findings = documents.iter().flat_map(|d| {
            let place = move || match &d.policy {
                Some(p) => sarif::LintPlace::AccountPolicy {
                    file: d.file.split(',').next().unwrap_or(&d.file),
                    locator: &p.locator,
                },
                None => sarif::LintPlace::File { file: &d.file },
            };
            d.findings.iter().zip(&d.ids).map(move |(f, id)| sarif::LintFinding {
                place: place(),
                finding: f,
                id: id.clone(),
            })
        });
        let errors: Vec<String> = bad.iter().map(|b| format!("{}: {}", b.file, b.message)).collect();
        let invocation = sarif::Invocation::new(&warnings, &errors).with_note(suppressed.line());
        let log = sarif::lint_log(CHECKS, findings, invocation);
        serde_json::to_writer_pretty(&mut *out, &log).map_err(std::io::Error::other)?;
        writeln!(out)?;
        for e in &errors {
            eprintln!("error: {}", visible(e));
        }
        return Ok(status);
    }
    if args.json {
        let findings = documents
            .iter()
            .flat_map(|d| {
                d.findings.iter().zip(&d.ids).map(move |(f, id)| JsonFinding {
                    file: &d.file,
                    policy: d.policy.as_ref().map(|p| p.locator.as_str()),
                    kind: d.kind,
                    id: id.clone(),
                    finding: f,
                })
            })
            .collect();
        let report = Report {
            fail_on,
            status,
            summary,
            findings,
            documents: &documents,
            bad_input: &bad,
            warnings,
            suppressed: suppressed.total,
            suppressions: suppressed.reasons,
        };
        serde_json::to_writer_pretty(&mut *out, &report).map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else {
        print_text(out, &documents, &summary, Paint::for_stdout())?;
        write!(out, "{}", super::exclude::text_line(&suppressed, &filter))?;
        for b in &bad {
            eprintln!("error: {}: {}", b.file, b.message);
        }
    }
    Ok(status)
}

/// The findings the exclusions leave, each with its id.
fn unsuppressed(
    findings: Vec<Finding>,
    ids: &LintIds,
    key: &str,
    source: Option<&PolicySource>,
    suppressor: &mut exclusions::Suppressor<'_>,
) -> (Vec<Finding>, Vec<String>) {
    findings
        .into_iter()
        .map(|f| {
            let id = ids.id(f.code, key, &f.path);
            (f, id)
        })
        .filter(|(f, id)| !suppressor.lint(source, key, id, f.code))
        .unzip()
}

impl Document {
    fn new(
        file: String,
        policy: Option<PolicyRef>,
        kind: PolicyKind,
        kind_guessed: bool,
        findings: Vec<Finding>,
        ids: Vec<String>,
    ) -> Document {
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        Document {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            file,
            policy,
            kind,
            kind_guessed,
            findings,
            ids,
        }
    }

    /// `policy.json`, or `account.json[role/app/trust-policy]`.
    fn location(&self) -> String {
        match &self.policy {
            Some(p) => format!("{}[{}]", self.file, p.locator),
            None => self.file.clone(),
        }
    }
}

fn counts(errors: usize, warnings: usize, infos: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{}, {}, {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(infos, "info")
    )
}

fn print_text(out: &mut impl Write, documents: &[Document], summary: &Summary, p: Paint) -> std::io::Result<()> {
    for document in documents {
        let location = visible(&document.location());
        for (f, id) in document.findings.iter().zip(&document.ids) {
            let severity = match f.severity {
                Severity::Error => p.red("error"),
                Severity::Warning => p.yellow("warning"),
                Severity::Info => p.bold("info"),
            };
            writeln!(
                out,
                "{}: {severity}[{}]: {}",
                p.bold(&format!("{location}:{}:{}", f.line, f.column)),
                f.code,
                visible(&f.message)
            )?;
            if !f.path.is_empty() {
                writeln!(out, "  {} {}", p.dim("at:"), visible(&f.path))?;
            }
            if let Some(help) = &f.help {
                writeln!(out, "  {} {}", p.dim("help:"), visible(help))?;
            }
            writeln!(out, "  {} {id}", p.dim("id:"))?;
        }
    }
    // One line per document with findings (or per FILE); then the total.
    for document in documents {
        let clean = document.findings.is_empty();
        if clean && document.policy.is_some() {
            continue;
        }
        let guessed = if document.kind_guessed { " (guessed)" } else { "" };
        let result = if clean {
            p.green("clean")
        } else {
            counts(document.errors, document.warnings, document.infos)
        };
        writeln!(
            out,
            "{}: {}{guessed}: {result}",
            visible(&document.location()),
            document.kind.describe()
        )?;
    }
    writeln!(
        out,
        "{} linted: {}",
        if summary.documents == 1 {
            "1 policy".to_owned()
        } else {
            format!("{} policies", summary.documents)
        },
        counts(summary.errors, summary.warnings, summary.infos)
    )?;
    Ok(())
}

/// Account exports and other AWS CLI outputs, by a key they always have.
const NOT_A_POLICY: [(&str, &str); 6] = [
    ("UserDetailList", "an account export (GAAD); lint it with --account"),
    ("RoleDetailList", "an account export (GAAD); lint it with --account"),
    ("iamscope", "an iamscope workspace file; lint it with --account"),
    (
        "PolicyVersion",
        "`aws iam get-policy-version` output; lint its .PolicyVersion.Document",
    ),
    (
        "Role",
        "`aws iam get-role` output; lint its .Role.AssumeRolePolicyDocument as a trust policy",
    ),
    (
        "Policy",
        "`aws s3api get-bucket-policy` style output; lint the document in .Policy",
    ),
];

/// The file's text, or why it is not a policy document at all. JSON that
/// breaks inside something that looks like a policy is returned for the
/// linter to report; text that is not JSON and has no sign of a policy, and
/// JSON that is not a policy object, are bad input.
fn read_policy_file(path: &Path) -> Result<(String, String), String> {
    let (name, bytes) = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        ("<stdin>".to_owned(), bytes)
    } else {
        let bytes = crate::io::limits::read_limited(path, super::max_input()).map_err(|e| match e {
            crate::io::LoadError::Read { source, .. } => format!("cannot read it: {source}"),
            other => other.to_string(),
        })?;
        (path.display().to_string(), bytes)
    };
    let text = String::from_utf8(bytes).map_err(|_| "it is not text (not UTF-8)".to_owned())?;
    let trimmed = text.trim_start_matches('\u{feff}');
    if trimmed.trim().is_empty() {
        return Err("it is empty; a policy is a JSON object with Version and Statement".to_owned());
    }
    match serde_json::from_str::<serde_json::Value>(trimmed) {
        Ok(serde_json::Value::Object(object)) => {
            if object.contains_key("Statement") || object.contains_key("Version") {
                return Ok((name, trimmed.to_owned()));
            }
            let hint = NOT_A_POLICY
                .iter()
                .find(|(key, _)| object.contains_key(*key))
                .map_or("a JSON object without Version or Statement", |(_, what)| what);
            Err(format!("it is not a policy document: it looks like {hint}"))
        }
        Ok(other) => Err(format!(
            "it is not a policy document: a policy is a JSON object, not {}",
            match other {
                serde_json::Value::Array(_) => "a list",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::Bool(_) => "a boolean",
                _ => "null",
            }
        )),
        // A policy with broken JSON: the linter reports where.
        Err(_) if trimmed.contains("\"Statement\"") || trimmed.contains("\"Version\"") => {
            Ok((name, trimmed.to_owned()))
        }
        Err(error) => Err(format!("it is not JSON ({error}), so not a policy document")),
    }
}
