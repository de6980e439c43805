//! `--exclusions FILE`, `--no-exclusions` and `--include-service-linked`:
//! finding the exclusions file, and the "suppressed" part of each output.
//! What is suppressed is decided in `analysis::exclusions`.

use std::path::PathBuf;

use clap::Args;
use serde_json::Value;

use super::Failure;
use super::render::visible;
use crate::analysis::escalation::PrincipalEscalation;
use crate::analysis::exclusions::{self, Exclusions, Suppressed, Suppressor};

/// Where the exclusions come from.
#[derive(Debug, Args, Clone, Default)]
pub struct ExclusionArgs {
    /// Exclusions file (TOML; see the README). Default: NAME.iamscope-exclusions.toml
    /// beside the first --account file NAME.json, when it exists
    #[arg(long, value_name = "FILE")]
    pub exclusions: Option<PathBuf>,

    /// Do not read the exclusions file found beside the account
    #[arg(long, conflicts_with = "exclusions")]
    pub no_exclusions: bool,
}

impl ExclusionArgs {
    /// The exclusions of this run: `--exclusions`, or the file beside the
    /// first account file (said on stderr, so that it is never a surprise),
    /// or none.
    pub fn load(&self, accounts: &[PathBuf]) -> Result<Exclusions, Failure> {
        if self.no_exclusions {
            return Ok(Exclusions::default());
        }
        let path = match &self.exclusions {
            Some(path) => path.clone(),
            None => match accounts.first().map(|a| exclusions::beside(a)) {
                Some(path) if path.is_file() => {
                    eprintln!(
                        "note: exclusions read from {} (--no-exclusions ignores it)",
                        visible(&path.display().to_string())
                    );
                    path
                }
                _ => return Ok(Exclusions::default()),
            },
        };
        Exclusions::read(&path).map_err(Failure::bad_input)
    }
}

/// The exclusions of a run and whether service-linked roles are listed.
#[derive(Debug, Default)]
pub struct Filter {
    pub exclusions: Exclusions,
    pub include_service_linked: bool,
}

impl Filter {
    pub fn new(args: &ExclusionArgs, accounts: &[PathBuf], include_service_linked: bool) -> Result<Filter, Failure> {
        Ok(Filter {
            exclusions: args.load(accounts)?,
            include_service_linked,
        })
    }

    pub fn suppressor(&self) -> Suppressor<'_> {
        Suppressor::new(&self.exclusions, self.include_service_linked)
    }
}

/// Add `"suppressed": N` and `"suppressions": [...]` to a JSON answer.
pub fn add_fields(value: &mut Value, suppressed: &Suppressed) {
    if let Value::Object(object) = value {
        object.insert("suppressed".to_owned(), suppressed.total.into());
        object.insert(
            "suppressions".to_owned(),
            serde_json::to_value(&suppressed.reasons).unwrap_or(Value::Null),
        );
    }
}

/// `, "suppressed": N, "suppressions": [...]` for JSON written piece by piece.
pub fn fields_text(suppressed: &Suppressed) -> Result<String, Failure> {
    let reasons = serde_json::to_string(&suppressed.reasons).map_err(std::io::Error::other)?;
    Ok(format!(
        "\"suppressed\": {}, \"suppressions\": {reasons}",
        suppressed.total
    ))
}

/// Say on stderr which single-finding entries (ids starting with `prefix`)
/// matched nothing, so that a file does not fill with entries for findings
/// long fixed.
pub fn note_stale(filter: &Filter, suppressor: &Suppressor<'_>, prefix: &str) {
    let file = filter.exclusions.file.as_deref().unwrap_or("exclusions");
    for entry in suppressor.stale(prefix) {
        eprintln!(
            "note: {}:{}: finding {} matched nothing in this run (fixed, or changed enough to get another id); the entry can go",
            visible(file),
            entry.line,
            visible(&entry.pattern)
        );
    }
}

/// The text line: when something was suppressed, or an exclusions file
/// was read (then also `suppressed: 0`, so that its use is visible).
pub fn text_line(suppressed: &Suppressed, filter: &Filter) -> String {
    if suppressed.total == 0 && filter.exclusions.file.is_none() {
        String::new()
    } else {
        format!("{}\n", visible(&suppressed.line()))
    }
}

/// A principal's escalation report as JSON, each path and each change that
/// makes others administrators with its id.
pub fn report_json(report: &PrincipalEscalation) -> std::io::Result<Value> {
    let mut value = serde_json::to_value(report).map_err(std::io::Error::other)?;
    let mut add_ids = |key: &str, ids: Vec<String>| {
        if let Some(Value::Array(items)) = value.get_mut(key) {
            for (json, id) in items.iter_mut().zip(ids) {
                if let Value::Object(object) = json {
                    object.insert("id".to_owned(), id.into());
                }
            }
        }
    };
    add_ids(
        "findings",
        report
            .findings
            .iter()
            .map(|f| exclusions::escalation_id(&report.principal, f))
            .collect(),
    );
    add_ids(
        "makes_others_admins",
        report
            .makes_others_admins
            .iter()
            .map(|m| exclusions::makes_admin_id(&report.principal, m))
            .collect(),
    );
    Ok(value)
}
