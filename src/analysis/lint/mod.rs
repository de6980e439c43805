//! Policy lint: findings about one policy document, read as a given kind of
//! policy (identity-based, resource-based, trust, SCP, RCP, permissions
//! boundary, session policy), and about every policy of a loaded account.
//!
//! A finding is a [`Diagnostic`]: severity, a stable code, a message, where
//! (line:column and JSON path) and what to do. The parser's own diagnostics
//! (JSON and grammar errors) come first; the checks here add what needs the
//! policy's kind or the action catalogue. Severities mean:
//!
//! * error: AWS would refuse the policy, or a part of it can never match;
//! * warning: legal but risky, or likely not what the author meant;
//! * info: style; nothing is wrong.
//!
//! Every check rests on a rule AWS documents; the comment at each check names
//! the page (see `/work/notes/iam-rules.md` for the sources). Where the
//! catalogue is the only witness (unknown actions, resource shapes), the help
//! text says so, because the catalogue can lag behind AWS.

mod account;
mod actions;
mod conditions;
mod elements;
mod exposure;
mod federation;
mod overlap;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::catalog::{Catalog, catalog};
use crate::model::OidcProvider;
pub use crate::policy::PolicyKind;
use crate::policy::{
    Diagnostic, LineIndex, ParsedPolicy, Policy, PolicyDocument, Severity, Span, Statement, parse_policy,
    size_without_whitespace,
};

pub use account::{AccountLint, PolicyFindings, PolicySource, lint_account};

/// One lint finding. It is the parser's diagnostic type, so the editor, the
/// CLI and the TUI show parser and lint findings alike.
pub type Finding = Diagnostic;

impl PolicyKind {
    /// Whether statements must name a principal (true), must not (false), or
    /// the kind does not say (none).
    fn principal_rule(self) -> Option<bool> {
        match self {
            // Resource-based policies and trust policies say whom they apply
            // to ("Principal" page; Access Analyzer "Missing principal"). RCPs
            // have a Principal element too (Organizations "RCP syntax").
            PolicyKind::Resource | PolicyKind::Trust | PolicyKind::Rcp => Some(true),
            // Identity-based policies apply to the identity they are attached
            // to; boundaries and session policies are identity policies in
            // form; SCPs have no Principal element ("Principal" page: "You
            // cannot use the Principal element in an identity-based policy";
            // Organizations "SCP syntax").
            PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Session | PolicyKind::Scp => Some(false),
        }
    }

    /// Whether an Allow in this kind of policy grants access (as opposed to
    /// only capping what other policies grant: SCPs, RCPs, boundaries and
    /// session policies never grant).
    fn grants(self) -> bool {
        matches!(self, PolicyKind::Identity | PolicyKind::Resource | PolicyKind::Trust)
    }

    /// The size AWS allows for one document of this kind, counted without
    /// white space, and how bad it is to exceed it.
    pub fn size_quota(self) -> Option<SizeQuota> {
        use crate::model::quotas;
        // IAM quotas page ("IAM and AWS STS quotas"): managed policy 6,144
        // characters; role trust policy 2,048 by default (adjustable);
        // session policies 2,048 (AssumeRole API). Organizations quotas:
        // SCP and RCP documents 5,120 characters. Resource-based policies
        // have a quota per service, so none is applied here.
        match self {
            PolicyKind::Identity | PolicyKind::Boundary => Some(SizeQuota {
                limit: quotas::MANAGED_POLICY_SIZE,
                severity: Severity::Error,
                what: "a managed policy",
            }),
            PolicyKind::Scp => Some(SizeQuota {
                limit: quotas::ORG_POLICY_SIZE,
                severity: Severity::Error,
                what: "a service control policy",
            }),
            PolicyKind::Rcp => Some(SizeQuota {
                limit: quotas::ORG_POLICY_SIZE,
                severity: Severity::Error,
                what: "a resource control policy",
            }),
            PolicyKind::Trust => Some(SizeQuota {
                limit: quotas::TRUST_POLICY_SIZE,
                severity: Severity::Warning,
                what: "a role trust policy (the default quota; it can be raised)",
            }),
            PolicyKind::Session => Some(SizeQuota {
                limit: quotas::SESSION_POLICY_SIZE,
                severity: Severity::Error,
                what: "a session policy",
            }),
            PolicyKind::Resource => None,
        }
    }
}

/// A size limit for one kind of policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeQuota {
    /// Characters, white space not counted.
    pub limit: usize,
    pub severity: Severity,
    pub what: &'static str,
}

/// One kind of finding the linter can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Check {
    pub code: &'static str,
    /// The usual severity; a few checks depend on the policy's kind (see `summary`).
    pub severity: Severity,
    pub summary: &'static str,
}

const fn check(code: &'static str, severity: Severity, summary: &'static str) -> Check {
    Check {
        code,
        severity,
        summary,
    }
}

/// Every code a lint can report: the parser's and the linter's own.
pub const CHECKS: &[Check] = &[
    // The parser's diagnostics (JSON and grammar).
    check("json-syntax", Severity::Error, "the text is not valid JSON"),
    check("json-empty", Severity::Error, "the document is empty"),
    check(
        "json-too-deep",
        Severity::Error,
        "the JSON nests far deeper than the policy grammar allows",
    ),
    check(
        "policy-not-object",
        Severity::Error,
        "the document is not a JSON object",
    ),
    check(
        "version-invalid",
        Severity::Error,
        "Version is neither 2012-10-17 nor 2008-10-17",
    ),
    check("statement-missing", Severity::Error, "the policy has no Statement"),
    check(
        "statement-not-object",
        Severity::Error,
        "a statement is not a JSON object",
    ),
    check(
        "unknown-element",
        Severity::Error,
        "an element the policy grammar does not have",
    ),
    check("duplicate-key", Severity::Error, "the same key twice in one object"),
    check("not-a-string", Severity::Error, "a value that must be a string is not"),
    check("empty-list", Severity::Warning, "an empty list matches nothing"),
    check("effect-invalid", Severity::Error, "Effect is not Allow or Deny"),
    check("effect-missing", Severity::Error, "a statement without Effect"),
    check(
        "action-missing",
        Severity::Error,
        "a statement without Action or NotAction",
    ),
    check(
        "action-and-notaction",
        Severity::Error,
        "Action and NotAction in one statement",
    ),
    check(
        "resource-and-notresource",
        Severity::Error,
        "Resource and NotResource in one statement",
    ),
    check(
        "principal-and-notprincipal",
        Severity::Error,
        "Principal and NotPrincipal in one statement",
    ),
    check(
        "principal-invalid",
        Severity::Error,
        "a Principal that is neither \"*\" nor an object",
    ),
    check(
        "principal-type-invalid",
        Severity::Error,
        "a principal type other than AWS, Service, Federated, CanonicalUser",
    ),
    check("action-format", Severity::Error, "an action not written service:Name"),
    check(
        "resource-format",
        Severity::Error,
        "a resource that is neither an ARN nor \"*\"",
    ),
    check(
        "condition-invalid",
        Severity::Error,
        "a Condition block of the wrong shape",
    ),
    check(
        "condition-operator-unknown",
        Severity::Error,
        "an unknown condition operator",
    ),
    check(
        "condition-value-invalid",
        Severity::Error,
        "a condition value that is not a string, number or boolean",
    ),
    check(
        "condition-value-type",
        Severity::Error,
        "a condition value its operator cannot read",
    ),
    // Elements and the policy's kind.
    check(
        "principal-not-allowed",
        Severity::Error,
        "Principal or NotPrincipal where the kind of policy has none",
    ),
    check(
        "principal-missing",
        Severity::Error,
        "no Principal where the kind of policy needs one",
    ),
    check(
        "notprincipal-not-allowed",
        Severity::Error,
        "NotPrincipal in a trust policy or RCP",
    ),
    check(
        "allow-notprincipal",
        Severity::Warning,
        "Allow with NotPrincipal grants everyone else",
    ),
    check(
        "principal-group",
        Severity::Error,
        "an IAM group as a principal: it never matches",
    ),
    check(
        "principal-wildcard",
        Severity::Error,
        "a partial wildcard in a principal, which AWS does not support",
    ),
    check(
        "resource-missing",
        Severity::Error,
        "no Resource or NotResource (warning for resource-based policies, SCPs and RCPs)",
    ),
    check(
        "resource-in-trust-policy",
        Severity::Error,
        "Resource or NotResource in a role trust policy",
    ),
    check("notaction-not-allowed", Severity::Error, "NotAction in an RCP"),
    check(
        "rcp-allow",
        Severity::Error,
        "Allow in an RCP other than the full-access one",
    ),
    check(
        "allow-notaction",
        Severity::Warning,
        "Allow with NotAction grants every other action",
    ),
    check(
        "allow-notresource",
        Severity::Warning,
        "Allow with NotResource grants every other resource",
    ),
    check(
        "sid-format",
        Severity::Error,
        "a Sid with characters other than A-Z, a-z, 0-9 in an IAM policy",
    ),
    check(
        "account-id-invalid",
        Severity::Error,
        "an account id that is not 12 digits (a placeholder) in a principal (warning in a resource ARN)",
    ),
    check(
        "sid-duplicate",
        Severity::Error,
        "two statements with the same Sid (warning outside IAM)",
    ),
    check(
        "version-missing",
        Severity::Info,
        "no Version: policy variables do not work",
    ),
    check(
        "version-old",
        Severity::Info,
        "Version 2008-10-17: policy variables do not work",
    ),
    check(
        "variable-without-version",
        Severity::Error,
        "a policy variable under Version 2008-10-17 or without Version",
    ),
    check(
        "policy-too-large",
        Severity::Error,
        "the document is over AWS's size quota for its kind (warning for trust policies)",
    ),
    check(
        "inline-policies-too-large",
        Severity::Error,
        "an entity's inline policies together are over the quota",
    ),
    // Actions and resources, from the catalogue.
    check(
        "unknown-service",
        Severity::Error,
        "an action whose service prefix is unknown",
    ),
    check(
        "unknown-action",
        Severity::Error,
        "an action, or an action wildcard, that names no known action",
    ),
    check(
        "passrole-wildcard",
        Severity::Warning,
        "iam:PassRole allowed on every role",
    ),
    check("full-access", Severity::Warning, "every action on every resource"),
    check(
        "sensitive-wildcard",
        Severity::Warning,
        "every action of a sensitive service on every resource",
    ),
    check(
        "resource-type-mismatch",
        Severity::Warning,
        "a resource ARN that fits none of the statement's actions",
    ),
    check(
        "resource-star",
        Severity::Info,
        "Resource \"*\" although every action of the statement can be scoped to resources",
    ),
    // Who the policy exposes the account to.
    check(
        "trust-open",
        Severity::Warning,
        "a trust policy that lets every AWS principal assume the role",
    ),
    check(
        "public-write",
        Severity::Warning,
        "a resource policy that lets everyone write or change permissions",
    ),
    check(
        "escalation-set",
        Severity::Warning,
        "one identity policy grants every permission of a privilege-escalation pattern",
    ),
    // Conditions.
    check(
        "unknown-condition-key",
        Severity::Error,
        "a condition key that is not known",
    ),
    check(
        "operator-type-mismatch",
        Severity::Warning,
        "an operator whose type does not fit the key's",
    ),
    check(
        "set-operator-missing",
        Severity::Warning,
        "a multivalued key without ForAllValues or ForAnyValue",
    ),
    check(
        "forallvalues-single-valued",
        Severity::Warning,
        "ForAllValues on a single-valued key",
    ),
    check(
        "foranyvalue-single-valued",
        Severity::Info,
        "ForAnyValue on a single-valued key",
    ),
    check(
        "ifexists-always-present",
        Severity::Info,
        "…IfExists on a key every request carries",
    ),
    // Statements against each other.
    check(
        "redundant-statement",
        Severity::Info,
        "a statement another statement already covers",
    ),
    check(
        "shadowed-statement",
        Severity::Warning,
        "an Allow that a Deny fully overrides",
    ),
    // Trust policies for identity providers.
    check(
        "oidc-trust-unscoped",
        Severity::Warning,
        "an OIDC or web identity provider trusted without a condition on audience or subject",
    ),
    check(
        "github-trust-any-repository",
        Severity::Warning,
        "GitHub Actions trusted without a sub condition: any repository on GitHub",
    ),
    check(
        "github-sub-wildcard-owner",
        Severity::Warning,
        "a GitHub sub pattern with a wildcard in the owner part",
    ),
    check(
        "saml-trust-without-aud",
        Severity::Warning,
        "a SAML provider trusted without a SAML:aud condition",
    ),
    check(
        "cognito-trust-without-aud",
        Severity::Warning,
        "Cognito trusted without a cognito-identity.amazonaws.com:aud condition",
    ),
];

/// Lint a policy's text as the given kind.
pub fn lint_text(text: &str, kind: PolicyKind) -> Vec<Finding> {
    let parsed = parse_policy(text);
    lint_parsed(text, &parsed, kind, size_without_whitespace(text))
}

/// Lint a document of a loaded account; locations refer to `document.text()`.
pub fn lint_document(document: &PolicyDocument, kind: PolicyKind) -> Vec<Finding> {
    lint_parsed(
        document.text(),
        document.parsed(),
        kind,
        document.size_without_whitespace(),
    )
}

/// Lint an already parsed document. `text` is the text `parsed` was read
/// from; `size` its size as AWS counts it.
pub fn lint_parsed(text: &str, parsed: &ParsedPolicy, kind: PolicyKind, size: usize) -> Vec<Finding> {
    lint_with(text, parsed, kind, size, &[])
}

/// Lint a role's trust policy knowing the account's OpenID Connect
/// providers, whose client ids bound who a trust admits.
pub fn lint_trust_document(document: &PolicyDocument, oidc_providers: &[OidcProvider]) -> Vec<Finding> {
    lint_with(
        document.text(),
        document.parsed(),
        PolicyKind::Trust,
        document.size_without_whitespace(),
        oidc_providers,
    )
}

fn lint_with(
    text: &str,
    parsed: &ParsedPolicy,
    kind: PolicyKind,
    size: usize,
    oidc_providers: &[OidcProvider],
) -> Vec<Finding> {
    let mut findings = parsed.diagnostics.clone();
    if let Some(policy) = &parsed.policy {
        let mut lint = Lint {
            text,
            lines: &parsed.lines,
            kind,
            policy,
            catalog: catalog(),
            out: Vec::new(),
            suggestions_left: 200,
            expansions_left: 200,
            oidc_providers,
        };
        lint.run(size);
        findings.extend(lint.out);
    }
    findings.sort_by_key(|f| (f.span.start, f.line, f.column));
    findings
}

/// The state of one lint run.
struct Lint<'a> {
    text: &'a str,
    lines: &'a LineIndex,
    kind: PolicyKind,
    policy: &'a Policy,
    catalog: &'static Catalog,
    out: Vec<Finding>,
    /// Did-you-mean searches left for this document: each compares a name
    /// with a whole service's actions, so a document of thousands of
    /// misspellings (no real one has them) gets suggestions for the first
    /// ones only.
    suggestions_left: usize,
    /// Action wildcards left to expand against the catalogue for this
    /// document (each costs a service's action list), for the same reason.
    expansions_left: usize,
    /// The account's OpenID Connect providers, when the policy is a role's
    /// trust policy in a loaded account (empty otherwise).
    oidc_providers: &'a [OidcProvider],
}

impl Lint<'_> {
    /// Did-you-mean candidates for `unknown`, while the document's share lasts.
    fn suggest(&mut self, unknown: &str) -> Vec<String> {
        if self.suggestions_left == 0 {
            return Vec::new();
        }
        self.suggestions_left -= 1;
        self.catalog.suggest(unknown, 3)
    }

    fn run(&mut self, size: usize) {
        elements::check_policy(self, size);
        for statement in &self.policy.statements {
            let path = self.statement_path(statement);
            elements::check_statement(self, statement, &path);
            actions::check_statement(self, statement, &path);
            conditions::check_statement(self, statement, &path);
            federation::check_statement(self, statement, &path);
        }
        overlap::check_policy(self);
        exposure::check_policy(self);
    }

    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        span: Span,
        path: String,
        message: String,
        help: Option<String>,
    ) {
        let (line, column) = self.lines.locate(self.text, span.start as usize);
        self.out.push(Diagnostic {
            severity,
            code,
            message,
            help,
            span,
            line,
            column,
            path,
        });
    }

    /// `Statement[2]`, or `Statement` when the policy's only statement is
    /// written as an object rather than a list.
    fn statement_path(&self, statement: &Statement) -> String {
        if self.policy.statements.len() == 1 && !in_list(self.text, statement.span) {
            "Statement".to_owned()
        } else {
            format!("Statement[{}]", statement.index)
        }
    }

    /// `Statement[0].Action[2]`, or `Statement[0].Action` for a lone string.
    fn item_path(&self, parent: &str, index: usize, span: Span) -> String {
        if in_list(self.text, span) {
            format!("{parent}[{index}]")
        } else {
            parent.to_owned()
        }
    }
}

/// Whether the JSON value at `span` is an element of a list: the character
/// before it (skipping white space) is `[` or `,`.
fn in_list(text: &str, span: Span) -> bool {
    text.get(..span.start as usize)
        .and_then(|before| before.trim_end().chars().next_back())
        .is_some_and(|c| c == '[' || c == ',')
}

/// Closest names first, within a typo's distance; `limit` at most.
///
/// A typo's distance is a third of the shorter word: a name whose length
/// differs from the target's by more is never close and is not compared,
/// since the comparison costs the product of the two lengths and a key in
/// a hostile document may be megabytes long.
fn closest<'n>(target: &str, names: impl Iterator<Item = &'n str>, limit: usize) -> Vec<&'n str> {
    let target = target.to_ascii_lowercase();
    let target_len = target.chars().count();
    let mut scored: Vec<(usize, &str)> = names
        .filter_map(|n| {
            let n_len = n.chars().count();
            let tolerance = (target_len.min(n_len) / 3).max(2);
            if target_len.abs_diff(n_len) > tolerance {
                return None;
            }
            let d = strsim::osa_distance(&target, &n.to_ascii_lowercase());
            (d <= tolerance).then_some((d, n))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1.eq_ignore_ascii_case(b.1));
    scored.into_iter().take(limit).map(|(_, n)| n).collect()
}

/// "did you mean `a` or `b`?"
fn did_you_mean<S: AsRef<str>>(names: &[S]) -> Option<String> {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    match quoted.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean {one}?")),
        [init @ .., last] => Some(format!("did you mean {} or {last}?", init.join(", "))),
    }
}
