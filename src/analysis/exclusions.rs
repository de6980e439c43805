//! Exclusions: what a team has decided not to be told about again, kept in a
//! TOML file beside the account export, each entry with the reason why.
//!
//! This module owns the file's format ([`Exclusions::parse`]), the stable
//! ids of findings ([`LintIds`], [`escalation_id`], [`makes_admin_id`])
//! that a single-finding entry names, and the matching and counting of what is suppressed
//! ([`Suppressor`]), so that every output can say "suppressed: N" and why.
//! Results are filtered after the analysis; no analysis changes its answer.
//!
//! ```toml
//! [[principal]]            # a principal: name, kind/name, ARN, or a glob of them
//! match = "role/ci-*"
//! reason = "CI roles are reviewed by the platform team"
//!
//! [[policy]]               # a policy: name, ARN, place (user/alice/inline/s3), or a glob
//! match = "arn:aws:iam::111122223333:policy/break-glass"
//! reason = "the break-glass policy is meant to grant everything"
//!
//! [[lint]]                 # every finding of one lint check
//! code = "resource-star"
//! reason = "we scope by SCP"
//!
//! [[finding]]              # one finding, by the id the outputs print
//! id = "lint-3fa9c2d1e0b4"
//! reason = "accepted risk, ticket SEC-12"
//! ```
//!
//! Matching is ASCII case-insensitive (IAM names are unique regardless of
//! case), and `*` and `?` are wildcards. Service-linked roles (path
//! `/aws-service-role/`; only AWS can change them, "Using service-linked
//! roles" page) are suppressed from principal lists by default, counted
//! like any other suppression.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use toml::Spanned;

use super::escalation::{Finding as EscalationFinding, MakesAdmin};
use super::probe::Step;
use crate::analysis::lint::PolicySource as LintPolicySource;
use crate::eval::PolicySource as EvalPolicySource;
use crate::model::{Holder, Model};
use crate::policy::glob::{Case, Glob};

/// The file name looked for beside an account file `NAME.json`:
/// `NAME.iamscope-exclusions.toml`.
pub const FILE_SUFFIX: &str = ".iamscope-exclusions.toml";

/// The path an account file's exclusions file would have.
pub fn beside(account: &std::path::Path) -> std::path::PathBuf {
    let stem = account
        .file_stem()
        .map_or_else(|| "account".to_owned(), |s| s.to_string_lossy().into_owned());
    account.with_file_name(format!("{stem}{FILE_SUFFIX}"))
}

/// Why an exclusions file was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExclusionsError {
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("cannot read the exclusions file {file}: {message}")]
    Read { file: String, message: String },
}

/// What an entry ignores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    Principal,
    Policy,
    Lint,
    Finding,
    /// The built-in entry for service-linked roles.
    ServiceLinked,
}

impl EntryKind {
    fn as_str(self) -> &'static str {
        match self {
            EntryKind::Principal => "principal",
            EntryKind::Policy => "policy",
            EntryKind::Lint => "lint",
            EntryKind::Finding => "finding",
            EntryKind::ServiceLinked => "service-linked",
        }
    }
}

/// One entry of the file.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: EntryKind,
    /// What it matches: a pattern, a lint code, or a finding id.
    pub pattern: String,
    pub reason: String,
    /// Where it is in the file (1-based).
    pub line: usize,
    glob: Glob,
}

impl Entry {
    fn new(kind: EntryKind, pattern: String, reason: String, line: usize) -> Entry {
        Entry {
            kind,
            glob: Glob::new(&pattern, Case::Insensitive),
            pattern,
            reason,
            line,
        }
    }

    fn matches(&self, text: &str) -> bool {
        self.glob.is_match(text)
    }
}

/// A parsed exclusions file (or none: [`Exclusions::default`]).
#[derive(Debug, Clone, Default)]
pub struct Exclusions {
    /// The file it was read from.
    pub file: Option<String>,
    pub entries: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    principal: Vec<Spanned<RawMatch>>,
    #[serde(default)]
    policy: Vec<Spanned<RawMatch>>,
    #[serde(default)]
    lint: Vec<Spanned<RawLint>>,
    #[serde(default)]
    finding: Vec<Spanned<RawFinding>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatch {
    #[serde(rename = "match")]
    pattern: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLint {
    code: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFinding {
    id: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
}

const SECTIONS: &str =
    "[[principal]] (match, reason), [[policy]] (match, reason), [[lint]] (code, reason) and [[finding]] (id, reason)";

impl Exclusions {
    /// Read and check an exclusions file.
    pub fn read(path: &std::path::Path) -> Result<Exclusions, ExclusionsError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ExclusionsError::Read {
            file: file.clone(),
            message: e.to_string(),
        })?;
        Exclusions::parse(&text, &file)
    }

    /// Parse an exclusions file's text; `file` names it in errors. Every
    /// entry needs its key and a non-empty reason; unknown keys are refused.
    pub fn parse(text: &str, file: &str) -> Result<Exclusions, ExclusionsError> {
        let lines = crate::policy::LineIndex::new(text);
        let line_column = |offset: usize| lines.locate(text, offset);
        let invalid = |offset: usize, message: String| {
            let (line, column) = line_column(offset);
            ExclusionsError::Invalid {
                file: file.to_owned(),
                line,
                column,
                message,
            }
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let mut message = e.message().trim().to_owned();
            if message.starts_with("unknown field") {
                message.push_str(&format!(" (an exclusions file has {SECTIONS}; check the spelling)"));
            }
            invalid(e.span().map_or(0, |s| s.start), message)
        })?;
        let mut entries = Vec::new();
        // One checked entry: its key and its reason, both present and not blank.
        let mut take = |kind: EntryKind,
                        section: &str,
                        key: &str,
                        at: std::ops::Range<usize>,
                        value: Option<Spanned<String>>,
                        reason: Option<Spanned<String>>|
         -> Result<(), ExclusionsError> {
            let Some(value) = value else {
                return Err(invalid(
                    at.start,
                    format!("this [[{section}]] entry has no `{key}`: say what it ignores"),
                ));
            };
            if value.get_ref().trim().is_empty() {
                return Err(invalid(value.span().start, format!("`{key}` is empty")));
            }
            let Some(reason) = reason else {
                return Err(invalid(
                    at.start,
                    format!(
                        "this [[{section}]] entry ({key} = \"{}\") has no `reason`: every exclusion says why, e.g. reason = \"accepted risk, ticket SEC-12\"",
                        value.get_ref()
                    ),
                ));
            };
            if reason.get_ref().trim().is_empty() {
                return Err(invalid(
                    reason.span().start,
                    "`reason` is empty: say why this is ignored".to_owned(),
                ));
            }
            if kind == EntryKind::Lint && !crate::analysis::lint::CHECKS.iter().any(|c| c.code == value.get_ref()) {
                return Err(invalid(
                    value.span().start,
                    format!(
                        "`{}` is not a lint code (`iamscope lint --list-checks` lists them)",
                        value.get_ref()
                    ),
                ));
            }
            if kind == EntryKind::Finding && !is_finding_id(value.get_ref()) {
                return Err(invalid(
                    value.span().start,
                    format!(
                        "`{}` is not a finding id: copy one from `lint` or `escalation` output (lint-… or esc-… followed by 12 hex digits)",
                        value.get_ref()
                    ),
                ));
            }
            let (line, _) = line_column(at.start);
            // One line, however the file wrapped it: every output prints
            // the reason on one line (a DOT comment, a text summary).
            let reason = reason.get_ref().split_whitespace().collect::<Vec<_>>().join(" ");
            entries.push(Entry::new(kind, value.into_inner().trim().to_owned(), reason, line));
            Ok(())
        };
        for e in raw.principal {
            let at = e.span();
            let e = e.into_inner();
            take(EntryKind::Principal, "principal", "match", at, e.pattern, e.reason)?;
        }
        for e in raw.policy {
            let at = e.span();
            let e = e.into_inner();
            take(EntryKind::Policy, "policy", "match", at, e.pattern, e.reason)?;
        }
        for e in raw.lint {
            let at = e.span();
            let e = e.into_inner();
            take(EntryKind::Lint, "lint", "code", at, e.code, e.reason)?;
        }
        for e in raw.finding {
            let at = e.span();
            let e = e.into_inner();
            take(EntryKind::Finding, "finding", "id", at, e.id, e.reason)?;
        }
        entries.sort_by_key(|e| e.line);
        Ok(Exclusions {
            file: Some(file.to_owned()),
            entries,
        })
    }
}

fn is_finding_id(id: &str) -> bool {
    let hex = id.strip_prefix("lint-").or_else(|| id.strip_prefix("esc-"));
    hex.is_some_and(|h| h.len() == 12 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// FNV-1a, 64 bits: a hash whose value never changes between Rust versions
/// or runs, so that an id written into a file keeps naming its finding.
fn stable_hash(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0u8]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

fn id(prefix: &str, parts: &[&str]) -> String {
    let hash = stable_hash(parts);
    // 48 bits are plenty to tell apart the findings of one account.
    format!("{prefix}-{:012x}", hash >> 16)
}

/// The key of a linted policy of an account in ids: a managed policy's
/// ARN, otherwise its place (`role/app/trust-policy`, `user/alice/inline/s3`).
pub fn lint_policy_key(source: &LintPolicySource) -> String {
    match source {
        LintPolicySource::ManagedPolicy { arn, .. } => arn.clone(),
        LintPolicySource::ResourcePolicy { resource } => resource.clone(),
        other => other.locator(),
    }
}

/// A lint finding's id from its check's code, its policy's key (see
/// [`lint_policy_key`], or the file as given) and a path that [`LintIds`]
/// has made stable.
fn lint_id(code: &str, policy_key: &str, stable_path: &str) -> String {
    id("lint", &["lint", code, policy_key, stable_path])
}

/// What the ids of one policy's lint findings are made from, so that an id
/// survives edits elsewhere in the policy: a finding's JSON path
/// (`Statement[3].Action[1]`) names its statement by its `Sid` when it has
/// one, else by a hash of the statement's content (keys in any order, white
/// space ignored), and an element of a list by its value. Inserting,
/// removing or moving other statements (or other actions of the list) then
/// changes no id; editing the statement itself changes the ids of a
/// statement without a `Sid`. Two statements alike (or a value twice in a
/// list) are told apart by their order among themselves. A text that is not
/// JSON keeps positions as they are.
#[derive(Debug, Clone, Default)]
pub struct LintIds {
    /// The document's `Statement`: a list, or one statement as an object.
    statement: Option<Value>,
    /// The stable name of each statement (one for an object).
    names: Vec<String>,
    /// Per list (by its stable path): each element's copy number among
    /// equal values, counted once (a list may hold thousands of actions).
    copies: RefCell<HashMap<String, Rc<Vec<usize>>>>,
}

impl LintIds {
    /// The ids of the findings about the policy `text`.
    pub fn of(text: &str) -> LintIds {
        let Ok(Value::Object(mut document)) = serde_json::from_str::<Value>(text) else {
            return LintIds::default();
        };
        let Some(statement) = document.remove("Statement") else {
            return LintIds::default();
        };
        let names = match &statement {
            Value::Array(list) => numbered(list.iter().map(statement_name)),
            one @ Value::Object(_) => vec![statement_name(one)],
            _ => Vec::new(),
        };
        LintIds {
            statement: Some(statement),
            names,
            copies: Default::default(),
        }
    }

    /// The ids of the findings of a policy of an account (its text is not
    /// read when it has none).
    pub fn of_policy(policy: &crate::analysis::lint::PolicyFindings) -> LintIds {
        match &policy.document {
            Some(document) if !policy.findings.is_empty() => LintIds::of(document.text()),
            _ => LintIds::default(),
        }
    }

    /// The id of the finding of check `code` at `path` in the policy whose key is `policy_key`.
    pub fn id(&self, code: &str, policy_key: &str, path: &str) -> String {
        lint_id(code, policy_key, &self.stable_path(path))
    }

    /// `path` with its statement named as it is stable, and list elements
    /// inside the statement by value: `Statement[3].Action[1]` →
    /// `Statement(sid:Read).Action("s3:GetObject")`.
    fn stable_path(&self, path: &str) -> String {
        let Some(rest) = path.strip_prefix("Statement") else {
            return path.to_owned();
        };
        let (statement, name, rest) = match (&self.statement, rest.strip_prefix('[')) {
            (Some(Value::Array(list)), Some(indexed)) => {
                let Some((n, rest)) = indexed.split_once(']') else {
                    return path.to_owned();
                };
                match n
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| Some((list.get(n)?, self.names.get(n)?)))
                {
                    Some((statement, name)) => (statement, name, rest),
                    None => return path.to_owned(),
                }
            }
            (Some(one @ Value::Object(_)), None) if rest.is_empty() || rest.starts_with('.') => {
                match self.names.first() {
                    Some(name) => (one, name, rest),
                    None => return path.to_owned(),
                }
            }
            _ => return path.to_owned(),
        };
        let mut out = format!("Statement({name})");
        let mut at = Some(statement);
        for segment in rest.split('.').skip(1) {
            let (key, index) = match segment.strip_suffix(']').and_then(|s| s.rsplit_once('[')) {
                Some((key, index)) => (key, index.parse::<usize>().ok()),
                None => (segment, None),
            };
            out.push('.');
            out.push_str(key);
            at = at.and_then(|v| v.get(key));
            let Some(index) = index else { continue };
            let list = at.and_then(Value::as_array);
            match list.and_then(|l| Some((l, l.get(index)?.as_str()?))) {
                Some((list, value)) => {
                    // The value, and which of its copies when the list has it twice.
                    let copy = self.copies_in(&out, list)[index];
                    out.push('(');
                    out.push_str(&Value::from(value).to_string());
                    if copy > 1 {
                        out.push_str(&format!("#{copy}"));
                    }
                    out.push(')');
                    at = None;
                }
                None => {
                    out.push_str(&format!("[{index}]"));
                    at = at.and_then(|v| v.get(index));
                }
            }
        }
        out
    }

    /// Each element's copy number (1 for the first of its value) in the list at `path`.
    fn copies_in(&self, path: &str, list: &[Value]) -> Rc<Vec<usize>> {
        let mut cache = self.copies.borrow_mut();
        let found = cache.entry(path.to_owned()).or_insert_with(|| {
            let mut seen: HashMap<Option<&str>, usize> = HashMap::new();
            Rc::new(
                list.iter()
                    .map(|v| {
                        let n = seen.entry(v.as_str()).or_insert(0);
                        *n += 1;
                        *n
                    })
                    .collect(),
            )
        });
        Rc::clone(found)
    }
}

/// `sid:Read`, or `hash:…` of the statement's content.
fn statement_name(statement: &Value) -> String {
    match statement.get("Sid").and_then(Value::as_str) {
        Some(sid) if !sid.is_empty() => format!("sid:{sid}"),
        _ => {
            let mut text = String::new();
            canonical(statement, &mut text);
            format!("hash:{:016x}", stable_hash(&[&text]))
        }
    }
}

/// Names made unique by their order among equals: the second `sid:A` is `sid:A#2`.
fn numbered(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    names
        .map(|name| {
            let copies = seen.entry(name.clone()).or_insert(0);
            *copies += 1;
            match *copies {
                1 => name,
                n => format!("{name}#{n}"),
            }
        })
        .collect()
}

/// JSON with every object's keys sorted and no white space: one text for
/// one content, however it was written.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(list) => {
            out.push('[');
            for (i, item) in list.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// An escalation path's id: the pattern, the principal that has it, its
/// target, and the roles it runs through.
pub fn escalation_id(principal: &str, finding: &EscalationFinding) -> String {
    let mut via = String::new();
    for hop in &finding.via {
        let _ = write!(via, "{}>", hop.role);
    }
    id("esc", &["esc", finding.pattern, principal, &finding.target, &via])
}

/// The id of a change by which `principal` could make others
/// administrators: the change (the grant's id) and what it changes. Who
/// would become an administrator is left out, so that the id stays when
/// other principals' policies change.
pub fn makes_admin_id(principal: &str, change: &MakesAdmin) -> String {
    id("esc", &["makes-admin", change.grant, principal, &change.target])
}

/// How many results one entry suppressed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Suppression {
    pub kind: EntryKind,
    /// The entry's pattern, code or id (`*` for service-linked roles).
    #[serde(rename = "match")]
    pub pattern: String,
    pub reason: String,
    /// Its line in the exclusions file (none for the built-in entry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub count: usize,
}

/// What was suppressed, for the outputs.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Suppressed {
    pub total: usize,
    /// The entries that suppressed something, in the file's order; the
    /// built-in service-linked entry last.
    pub reasons: Vec<Suppression>,
}

impl Suppressed {
    /// `suppressed: 3 (2 by principal role/ci-* (line 4): CI roles …; …)`.
    pub fn line(&self) -> String {
        let mut text = format!("suppressed: {}", self.total);
        if !self.reasons.is_empty() {
            let parts: Vec<String> = self
                .reasons
                .iter()
                .map(|s| match s.line {
                    Some(line) => format!(
                        "{} by {} {} (line {line}): {}",
                        s.count,
                        s.kind.as_str(),
                        s.pattern,
                        s.reason
                    ),
                    None => format!("{} by default: {}", s.count, s.reason),
                })
                .collect();
            text.push_str(&format!(" ({})", parts.join("; ")));
        }
        text
    }
}

const SERVICE_LINKED_REASON: &str =
    "service-linked roles are left out, as only AWS can change them (--include-service-linked lists them)";

/// A principal as the outputs name it.
#[derive(Debug, Clone, Copy)]
pub struct PrincipalRef<'a> {
    /// `user/alice`, `role/app`, `identity-pool/ID:authenticated`.
    pub principal: &'a str,
    pub arn: Option<&'a str>,
}

/// Decides what to suppress and counts it.
pub struct Suppressor<'e> {
    exclusions: &'e Exclusions,
    service_linked: bool,
    counts: Vec<usize>,
    service_linked_count: usize,
}

impl<'e> Suppressor<'e> {
    /// `include_service_linked` turns the default service-linked entry off.
    pub fn new(exclusions: &'e Exclusions, include_service_linked: bool) -> Suppressor<'e> {
        Suppressor {
            exclusions,
            service_linked: !include_service_linked,
            counts: vec![0; exclusions.entries.len()],
            service_linked_count: 0,
        }
    }

    fn entries(&self, kind: EntryKind) -> impl Iterator<Item = (usize, &'e Entry)> + use<'e> {
        self.exclusions
            .entries
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.kind == kind)
    }

    /// The entry (or the service-linked default) that excludes a principal.
    fn principal_entry(&self, model: &Model, p: PrincipalRef<'_>) -> Option<Option<usize>> {
        let name = p.principal.split_once('/').map_or(p.principal, |(_, n)| n);
        for (i, e) in self.entries(EntryKind::Principal) {
            if e.matches(p.principal) || e.matches(name) || p.arn.is_some_and(|a| e.matches(a)) {
                return Some(Some(i));
            }
        }
        if self.service_linked && is_service_linked(model, p) {
            return Some(None);
        }
        None
    }

    fn count(&mut self, entry: Option<usize>, n: usize) {
        match entry {
            Some(i) => self.counts[i] += n,
            None => self.service_linked_count += n,
        }
    }

    /// Whether a principal in a list (who-can, an administrator) is
    /// suppressed; counts it when it is.
    pub fn principal(&mut self, model: &Model, p: PrincipalRef<'_>) -> bool {
        match self.principal_entry(model, p) {
            Some(entry) => {
                self.count(entry, 1);
                true
            }
            None => false,
        }
    }

    /// Drop the suppressed paths of one principal, and the suppressed
    /// changes by which it could make others administrators: all of them
    /// when the principal is excluded; otherwise paths by id, and both by an
    /// excluded policy that is their target or allows one of their steps.
    /// Counts each.
    pub fn escalation(
        &mut self,
        model: &Model,
        p: PrincipalRef<'_>,
        findings: &mut Vec<EscalationFinding>,
        makes_admins: &mut Vec<MakesAdmin>,
    ) {
        if let Some(entry) = self.principal_entry(model, p) {
            self.count(entry, findings.len() + makes_admins.len());
            findings.clear();
            makes_admins.clear();
            return;
        }
        let mut kept = Vec::with_capacity(findings.len());
        for finding in findings.drain(..) {
            match self.escalation_entry(p.principal, &finding) {
                Some(i) => self.counts[i] += 1,
                None => kept.push(finding),
            }
        }
        *findings = kept;
        let mut kept = Vec::with_capacity(makes_admins.len());
        for grant in makes_admins.drain(..) {
            let id = makes_admin_id(p.principal, &grant);
            let by_id = self.finding_entry(&id);
            match by_id.or_else(|| self.policy_entry(&grant.target, &grant.steps)) {
                Some(i) => self.counts[i] += 1,
                None => kept.push(grant),
            }
        }
        *makes_admins = kept;
    }

    fn escalation_entry(&self, principal: &str, finding: &EscalationFinding) -> Option<usize> {
        self.finding_entry(&escalation_id(principal, finding))
            .or_else(|| self.policy_entry(&finding.target, &finding.steps))
    }

    /// The single-finding entry that names `id`.
    fn finding_entry(&self, id: &str) -> Option<usize> {
        self.entries(EntryKind::Finding)
            .find(|(_, e)| e.pattern.eq_ignore_ascii_case(id))
            .map(|(i, _)| i)
    }

    /// The policy entry that names `target` or the policy of a statement
    /// that allowed one of `steps`.
    fn policy_entry(&self, target: &str, steps: &[Step]) -> Option<usize> {
        self.entries(EntryKind::Policy)
            .find(|(_, e)| {
                e.matches(target)
                    || steps
                        .iter()
                        .filter_map(|s| s.statement.as_ref())
                        .any(|s| eval_policy_names(&s.source).iter().any(|n| e.matches(n)))
            })
            .map(|(i, _)| i)
    }

    /// Whether a lint finding is suppressed (by its id, its code, its
    /// policy, or the principal whose inline or trust policy it is in);
    /// counts it when it is. `source` is none for a policy FILE, whose key
    /// is the file as given; `id` is the finding's ([`LintIds::id`]).
    pub fn lint(&mut self, source: Option<&LintPolicySource>, policy_key: &str, id: &str, code: &str) -> bool {
        let names = source.map_or_else(|| vec![policy_key.to_owned()], lint_policy_names);
        let owner = source.and_then(lint_policy_owner);
        let hit = self
            .exclusions
            .entries
            .iter()
            .enumerate()
            .find(|(_, e)| match e.kind {
                EntryKind::Finding => e.pattern.eq_ignore_ascii_case(id),
                EntryKind::Lint => e.pattern.eq_ignore_ascii_case(code),
                EntryKind::Policy => names.iter().any(|n| e.matches(n)),
                EntryKind::Principal => owner
                    .as_ref()
                    .is_some_and(|(full, name)| e.matches(full) || e.matches(name)),
                EntryKind::ServiceLinked => false,
            })
            .map(|(i, _)| i);
        match hit {
            Some(i) => {
                self.counts[i] += 1;
                true
            }
            None => false,
        }
    }

    /// The single-finding entries whose id starts with `prefix` (`lint-`,
    /// `esc-`) that matched nothing: their finding was fixed, or changed
    /// enough to get another id, and the entry can go.
    pub fn stale(&self, prefix: &str) -> Vec<&'e Entry> {
        self.exclusions
            .entries
            .iter()
            .zip(&self.counts)
            .filter(|(e, n)| **n == 0 && e.kind == EntryKind::Finding && e.pattern.starts_with(prefix))
            .map(|(e, _)| e)
            .collect()
    }

    /// What was suppressed so far.
    pub fn suppressed(&self) -> Suppressed {
        let mut reasons: Vec<Suppression> = self
            .exclusions
            .entries
            .iter()
            .zip(&self.counts)
            .filter(|(_, n)| **n > 0)
            .map(|(e, n)| Suppression {
                kind: e.kind,
                pattern: e.pattern.clone(),
                reason: e.reason.clone(),
                line: Some(e.line),
                count: *n,
            })
            .collect();
        if self.service_linked_count > 0 {
            reasons.push(Suppression {
                kind: EntryKind::ServiceLinked,
                pattern: "*".to_owned(),
                reason: SERVICE_LINKED_REASON.to_owned(),
                line: None,
                count: self.service_linked_count,
            });
        }
        Suppressed {
            total: reasons.iter().map(|s| s.count).sum(),
            reasons,
        }
    }
}

/// Whether a principal is a service-linked role: a role whose path is
/// `/aws-service-role/` ("Using service-linked roles" page).
pub fn is_service_linked(model: &Model, p: PrincipalRef<'_>) -> bool {
    if let Some(name) = p.principal.strip_prefix("role/")
        && let Some(role) = model.index().role(name)
    {
        return model.account().roles[role].is_service_linked();
    }
    p.arn.is_some_and(|a| a.contains(":role/aws-service-role/"))
}

/// The names a lint policy answers to: its name, ARN and place.
fn lint_policy_names(source: &LintPolicySource) -> Vec<String> {
    let mut names = vec![source.locator()];
    match source {
        LintPolicySource::ManagedPolicy { arn, name, .. } => {
            names.push(arn.clone());
            names.push(name.clone());
        }
        LintPolicySource::Inline { name, .. }
        | LintPolicySource::Scp { name, .. }
        | LintPolicySource::Rcp { name, .. } => names.push(name.clone()),
        LintPolicySource::ResourcePolicy { resource } => names.push(resource.clone()),
        LintPolicySource::InlinePolicies { .. } | LintPolicySource::TrustPolicy { .. } => {}
    }
    names
}

/// The principal whose own policy a lint policy is (`user/alice`, `alice`).
fn lint_policy_owner(source: &LintPolicySource) -> Option<(String, String)> {
    let entity = match source {
        LintPolicySource::Inline { entity, .. } | LintPolicySource::InlinePolicies { entity } => entity.clone(),
        LintPolicySource::TrustPolicy { role } => format!("role/{role}"),
        _ => return None,
    };
    let name = entity.split_once('/').map_or(entity.as_str(), |(_, n)| n).to_owned();
    Some((entity, name))
}

/// The names a deciding statement's policy answers to.
fn eval_policy_names(source: &EvalPolicySource) -> Vec<String> {
    match source {
        EvalPolicySource::Inline { holder, name } => {
            let entity = match holder {
                Holder::User(n) => format!("user/{n}"),
                Holder::Group(n) => format!("group/{n}"),
                Holder::Role(n) => format!("role/{n}"),
            };
            vec![name.clone(), format!("{entity}/inline/{name}")]
        }
        EvalPolicySource::Managed { name, arn, .. } | EvalPolicySource::PermissionsBoundary { name, arn } => {
            vec![name.clone(), arn.clone()]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(text: &str) -> (usize, usize, String) {
        match Exclusions::parse(text, "x.toml") {
            Err(ExclusionsError::Invalid {
                line, column, message, ..
            }) => (line, column, message),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn an_entry_without_a_reason_is_refused_at_its_line() {
        let (line, column, message) = invalid("# team exclusions\n\n[[principal]]\nmatch = \"role/ci-*\"\n");
        assert_eq!((line, column), (3, 1), "{message}");
        assert!(message.contains("no `reason`"), "{message}");
        assert!(message.contains("role/ci-*"), "{message}");
        let (line, _, message) = invalid("[[lint]]\ncode = \"resource-star\"\nreason = \"  \"\n");
        assert_eq!(line, 3);
        assert!(message.contains("`reason` is empty"), "{message}");
    }

    #[test]
    fn unknown_keys_and_sections_are_refused_with_the_known_ones() {
        let (line, column, message) = invalid("[[principal]]\nmatch = \"a\"\nreson = \"typo\"\n");
        assert_eq!((line, column), (3, 1));
        assert!(message.contains("unknown field `reson`"), "{message}");
        assert!(message.contains("[[principal]] (match, reason)"), "{message}");
        let (line, _, message) = invalid("[[principals]]\nmatch = \"a\"\nreason = \"b\"\n");
        assert_eq!(line, 1);
        assert!(message.contains("unknown field `principals`"), "{message}");
    }

    #[test]
    fn lint_codes_and_finding_ids_are_checked() {
        let (_, _, message) = invalid("[[lint]]\ncode = \"no-such-check\"\nreason = \"r\"\n");
        assert!(message.contains("--list-checks"), "{message}");
        let (line, column, message) = invalid("[[finding]]\nid = \"3\"\nreason = \"r\"\n");
        assert_eq!((line, column), (2, 6));
        assert!(message.contains("not a finding id"), "{message}");
    }

    #[test]
    fn a_reason_wrapped_over_lines_is_one_line() {
        let text = "[[principal]]\nmatch = \"role/*\"\nreason = \"\"\"two\n   lines\"\"\"\n";
        let exclusions = Exclusions::parse(text, "x.toml").expect("valid");
        assert_eq!(exclusions.entries[0].reason, "two lines");
    }

    #[test]
    fn bad_toml_says_where() {
        let (line, _, _) = invalid("[[policy]]\nmatch = \"a\nreason = \"b\"\n");
        assert_eq!(line, 2);
    }

    #[test]
    fn ids_are_stable_and_tell_findings_apart() {
        // Fixed values: an id written into a file must keep naming its finding.
        let id = lint_id(
            "resource-star",
            "arn:aws:iam::111122223333:policy/app",
            "Statement[0].Resource",
        );
        assert_eq!(
            id,
            lint_id(
                "resource-star",
                "arn:aws:iam::111122223333:policy/app",
                "Statement[0].Resource"
            )
        );
        assert!(is_finding_id(&id), "{id}");
        assert_ne!(
            id,
            lint_id(
                "resource-star",
                "arn:aws:iam::111122223333:policy/app",
                "Statement[1].Resource"
            )
        );
        assert_ne!(
            id,
            lint_id(
                "resource-stars",
                "arn:aws:iam::111122223333:policy/app",
                "Statement[0].Resource"
            )
        );
        // The parts are separated, so moving a character between them changes the id.
        assert_ne!(lint_id("a", "bc", ""), lint_id("ab", "c", ""));
        assert_eq!(id, "lint-d8e2aeb30956");
    }

    /// Two versions of one policy: the second has a statement inserted
    /// above the others, its actions reordered in the Sid statement, and
    /// white space and key order changed in the statement without a Sid.
    const BEFORE: &str = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjct"], "Resource": "*"},
        {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}
    ]}"#;
    const AFTER: &str = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "New", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"},
        {"Sid": "Read", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObjct", "s3:GetObject"], "Resource": "*"},
        {"Resource": "*",   "Action": "ec2:Describe*", "Effect": "Allow"}
    ]}"#;

    #[test]
    fn a_lint_id_survives_a_statement_inserted_above() {
        let key = "arn:aws:iam::111122223333:policy/app";
        let (before, after) = (LintIds::of(BEFORE), LintIds::of(AFTER));
        // By Sid, and the action by its value.
        assert_eq!(
            before.id("unknown-action", key, "Statement[0].Action[1]"),
            after.id("unknown-action", key, "Statement[1].Action[1]")
        );
        assert_eq!(
            before.id("resource-star", key, "Statement[0].Resource"),
            after.id("resource-star", key, "Statement[1].Resource")
        );
        // Without a Sid, by the statement's content.
        assert_eq!(
            before.id("resource-star", key, "Statement[1].Resource"),
            after.id("resource-star", key, "Statement[2].Resource")
        );
        // Other statements, other actions, other checks and other policies differ.
        let all = [
            before.id("resource-star", key, "Statement[0].Resource"),
            before.id("resource-star", key, "Statement[1].Resource"),
            before.id("unknown-action", key, "Statement[0].Action[0]"),
            before.id("unknown-action", key, "Statement[0].Action[1]"),
            before.id("resource-stars", key, "Statement[0].Resource"),
            before.id(
                "resource-star",
                "arn:aws:iam::111122223333:policy/other",
                "Statement[0].Resource",
            ),
            after.id("resource-star", key, "Statement[0].Resource"),
        ];
        for (i, a) in all.iter().enumerate() {
            assert!(is_finding_id(a), "{a}");
            assert!(all[i + 1..].iter().all(|b| a != b), "{all:?}");
        }
        // The statement without a Sid changed: a new id (its old one is reported stale).
        let edited = BEFORE.replace("ec2:Describe*", "ec2:*");
        assert_ne!(
            LintIds::of(&edited).id("resource-star", key, "Statement[1].Resource"),
            before.id("resource-star", key, "Statement[1].Resource")
        );
    }

    #[test]
    fn statements_alike_and_values_twice_are_told_apart_by_their_order() {
        let text = r#"{"Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObject"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObject"], "Resource": "*"}
        ]}"#;
        let ids = LintIds::of(text);
        let found = [
            ids.id("duplicate-action", "p", "Statement[0].Action[0]"),
            ids.id("duplicate-action", "p", "Statement[0].Action[1]"),
            ids.id("duplicate-action", "p", "Statement[1].Action[0]"),
            ids.id("duplicate-action", "p", "Statement[1].Action[1]"),
        ];
        for (i, a) in found.iter().enumerate() {
            assert!(found[i + 1..].iter().all(|b| a != b), "{found:?}");
        }
        // One statement written as an object is the same statement in a list.
        let one = r#"{"Statement": {"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#;
        let listed = r#"{"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#;
        assert_eq!(
            LintIds::of(one).id("resource-star", "p", "Statement.Resource"),
            LintIds::of(listed).id("resource-star", "p", "Statement[0].Resource")
        );
        // Not JSON: positions stay as they are, still one id per place.
        let broken = LintIds::of("{\"Statement\": [");
        assert_eq!(broken.stable_path("Statement[0].Action[1]"), "Statement[0].Action[1]");
        // Paths outside a statement are kept.
        assert_eq!(LintIds::of(BEFORE).stable_path("Version"), "Version");
        assert_eq!(
            LintIds::of(BEFORE).stable_path("Statement[0].Action[1]"),
            "Statement(sid:Read).Action(\"s3:GetObjct\")"
        );
    }

    #[test]
    fn a_lint_finding_is_suppressed_by_code_policy_principal_or_id() {
        let text = "[[lint]]\ncode = \"resource-star\"\nreason = \"scoped by SCP\"\n\n[[policy]]\nmatch = \"*:policy/legacy-*\"\nreason = \"legacy, being removed\"\n\n[[principal]]\nmatch = \"role/ci\"\nreason = \"CI\"\n";
        let exclusions = Exclusions::parse(text, "x.toml").expect("valid");
        let mut s = Suppressor::new(&exclusions, false);
        let managed = |name: &str| LintPolicySource::ManagedPolicy {
            arn: format!("arn:aws:iam::111122223333:policy/{name}"),
            name: name.to_owned(),
            version: "v1".to_owned(),
        };
        let ids = LintIds::of(BEFORE);
        let app = managed("app");
        let key = lint_policy_key(&app);
        let id = |key: &str, code: &str, path: &str| ids.id(code, key, path);
        let star = id(&key, "resource-star", "Statement[0]");
        assert!(s.lint(Some(&app), &key, &star, "resource-star"));
        let redundant = id(&key, "redundant-statement", "Statement[0]");
        assert!(!s.lint(Some(&app), &key, &redundant, "redundant-statement"));
        let legacy = managed("Legacy-Admin");
        let legacy_key = lint_policy_key(&legacy);
        assert!(s.lint(
            Some(&legacy),
            &legacy_key,
            &id(&legacy_key, "redundant-statement", "Statement[0]"),
            "redundant-statement"
        ));
        let trust = LintPolicySource::TrustPolicy { role: "ci".to_owned() };
        let trust_key = lint_policy_key(&trust);
        assert!(s.lint(
            Some(&trust),
            &trust_key,
            &id(&trust_key, "redundant-statement", ""),
            "redundant-statement"
        ));
        let other = LintPolicySource::TrustPolicy { role: "cid".to_owned() };
        let other_key = lint_policy_key(&other);
        assert!(!s.lint(
            Some(&other),
            &other_key,
            &id(&other_key, "redundant-statement", ""),
            "redundant-statement"
        ));

        // By id: the entry still applies once a statement is inserted above.
        let by_id = Exclusions::parse(
            &format!("[[finding]]\nid = \"{redundant}\"\nreason = \"accepted\"\n"),
            "y.toml",
        )
        .expect("valid");
        let mut t = Suppressor::new(&by_id, false);
        assert_eq!(t.stale("lint-").len(), 1, "nothing matched yet");
        let moved = LintIds::of(AFTER).id("redundant-statement", &key, "Statement[1]");
        assert!(t.lint(Some(&app), &key, &moved, "redundant-statement"));
        assert!(!t.lint(
            Some(&app),
            &key,
            &id(&key, "redundant-statement", "Statement[1]"),
            "redundant-statement"
        ));
        assert!(t.stale("lint-").is_empty());

        let suppressed = s.suppressed();
        assert_eq!(suppressed.total, 3);
        let counts: Vec<(EntryKind, usize, usize)> = suppressed
            .reasons
            .iter()
            .map(|r| (r.kind, r.line.unwrap_or(0), r.count))
            .collect();
        assert_eq!(
            counts,
            [
                (EntryKind::Lint, 1, 1),
                (EntryKind::Policy, 5, 1),
                (EntryKind::Principal, 9, 1)
            ]
        );
        assert!(
            suppressed
                .line()
                .starts_with("suppressed: 3 (1 by lint resource-star (line 1): scoped by SCP;")
        );
    }
}
