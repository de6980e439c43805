//! Checks on what a policy exposes, and to whom: a role anyone may assume, a
//! resource anyone may write to, and one policy that by itself holds every
//! permission of a published privilege-escalation pattern.

use std::collections::HashMap;

use super::{Lint, PolicyKind};
use crate::analysis::patterns::{PATTERNS, Pattern, Target};
use crate::catalog::AccessLevel;
use crate::policy::glob::{Case, Glob};
use crate::policy::{ActionPattern, Effect, Severity, Statement};

/// Condition keys that narrow *who* the request comes from (or where from):
/// with one of them, `"Principal": "*"` is no longer everyone. Global keys
/// from "AWS global condition context keys" (principal, network and source
/// properties), plus the S3 access point keys that name an account.
const KEYS_THAT_NARROW_WHO: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:principalservicenameslist",
    "aws:principaltype",
    "aws:userid",
    "aws:username",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceowner",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:vpcsourceip",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

/// Whether a condition of the statement narrows who may make the request.
fn narrows_who(statement: &Statement) -> bool {
    statement
        .conditions
        .iter()
        .any(|c| KEYS_THAT_NARROW_WHO.contains(&c.key_lower.as_str()) || c.key_lower.starts_with("aws:principaltag/"))
}

/// `"Principal": "*"` or `{"AWS": "*"}`: every principal, in every account,
/// anonymous callers included for resource policies ("Principal" page).
fn names_everyone(statement: &Statement) -> bool {
    statement
        .principal
        .as_ref()
        .filter(|p| !p.negated)
        .is_some_and(|p| p.any || p.entries.iter().any(|e| e.value == "*"))
}

pub(super) fn check_policy(lint: &mut Lint<'_>) {
    let policy = lint.policy;
    for statement in &policy.statements {
        if statement.effect != Effect::Allow || !names_everyone(statement) || narrows_who(statement) {
            continue;
        }
        let path = lint.statement_path(statement);
        match lint.kind {
            PolicyKind::Trust => trust_open(lint, statement, &path),
            PolicyKind::Resource => public_write(lint, statement, &path),
            _ => {}
        }
    }
    if lint.kind == PolicyKind::Identity {
        escalation_set(lint);
    }
}

/// A trust policy that lets every AWS principal assume the role: anyone with
/// an AWS account gets the role's permissions ("How to use trust policies
/// with IAM roles": the principal names who may assume the role).
fn trust_open(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    let Some(principal) = &statement.principal else {
        return;
    };
    lint.push(
        Severity::Warning,
        "trust-open",
        principal.span,
        format!("{path}.Principal"),
        "the role trusts every AWS principal: anyone with an AWS account, in any organization, may assume it"
            .to_owned(),
        Some(
            "name the accounts or roles in Principal, or add a condition on aws:PrincipalOrgID or aws:PrincipalArn"
                .to_owned(),
        ),
    );
}

/// A resource policy that lets everyone write to (or change the permissions
/// of) the resource: anonymous callers can put objects, send messages or
/// rewrite the policy ("Blocking public access to your Amazon S3 storage";
/// "Amazon SQS policy examples").
fn public_write(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    let Some(clause) = statement.action.as_ref() else {
        return;
    };
    if clause.negated {
        // NotAction with Principal * grants everything not listed, writes
        // included; `allow-notaction` says so already.
        return;
    }
    let found = clause
        .patterns
        .iter()
        .enumerate()
        .find_map(|(i, p)| lint_write_example(lint, p).map(|example| (i, p, example)));
    let Some((i, pattern, example)) = found else {
        return;
    };
    let at = lint.item_path(&format!("{path}.Action"), i, pattern.span);
    let named = if example.eq_ignore_ascii_case(&pattern.text) {
        format!("`{example}`")
    } else {
        format!("`{}` (e.g. `{example}`)", pattern.text)
    };
    lint.push(
        Severity::Warning,
        "public-write",
        pattern.span,
        at,
        format!(
            "the policy lets everyone, anonymous callers included, use {named}, an action that writes or changes permissions"
        ),
        Some(
            "name the principals that may write, or add a condition on aws:PrincipalOrgID, aws:SourceArn or aws:SourceVpce"
                .to_owned(),
        ),
    );
}

/// A write or permissions-management action the pattern names, if any. A
/// wildcard is expanded within its service only (a document's share of
/// expansions is bounded, so a hostile one stays linear).
fn lint_write_example(lint: &mut Lint<'_>, pattern: &ActionPattern) -> Option<String> {
    let text = pattern.text.as_ref();
    let writes = |levels: crate::catalog::AccessLevels| {
        levels.contains(AccessLevel::Write) || levels.contains(AccessLevel::PermissionsManagement)
    };
    if text == "*" || text == "*:*" {
        return Some("*".to_owned());
    }
    let (prefix, name) = text.split_once(':')?;
    if prefix.contains(['*', '?']) {
        return None;
    }
    if !name.contains(['*', '?']) {
        return lint
            .catalog
            .action(text)
            .filter(|a| writes(a.access_levels()))
            .map(|a| a.full_name());
    }
    if lint.expansions_left == 0 {
        return None;
    }
    lint.expansions_left -= 1;
    let service = lint.catalog.service(prefix)?;
    let glob = Glob::new(name, Case::Insensitive);
    service
        .actions()
        .iter()
        .find(|a| writes(a.access_levels()) && glob.is_match(a.name()))
        .map(|a| a.full_name())
}

/// One identity policy that holds every permission some escalation pattern
/// needs ([`PATTERNS`]): whoever it is attached to may be able to become an
/// administrator with it alone (the `escalation` command checks the
/// account). A policy that allows every action is reported as `full-access`
/// instead. Resources and conditions are not weighed: the finding says the
/// set is there, and the statements that grant it.
fn escalation_set(lint: &mut Lint<'_>) {
    let policy = lint.policy;
    // Each action the patterns name, once: the first Allow pattern that
    // grants it (statement path, index, span). Linear in the document: every
    // action pattern is tried against the patterns' few dozen action names.
    let mut needed: Vec<&'static str> = PATTERNS
        .iter()
        .filter(|p| stands_on_permissions(p))
        .flat_map(|p| p.needs.iter().flat_map(|n| n.any_of.iter().copied()))
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let mut granted: HashMap<&'static str, (&Statement, usize)> = HashMap::new();
    // Every statement that grants iam:PassRole: its iam:PassedToService
    // condition says which services a pattern may pass the role to.
    let mut pass_role: Vec<&Statement> = Vec::new();
    for statement in &policy.statements {
        if statement.effect != Effect::Allow || !statement.valid {
            continue;
        }
        let Some(clause) = &statement.action else {
            continue;
        };
        if clause.negated {
            continue;
        }
        for (i, pattern) in clause.patterns.iter().enumerate() {
            let text = pattern.text.as_ref();
            // Every action, or every IAM action on every resource: an
            // administrator already, which full-access and
            // sensitive-wildcard report.
            let everything = text == "*" || text == "*:*";
            let all_of_iam = text.eq_ignore_ascii_case("iam:*")
                && statement.conditions.is_empty()
                && super::actions::broad_resource(statement.resource.as_ref(), "iam").is_some();
            if everything || all_of_iam {
                return;
            }
            for action in &needed {
                let service = action.split_once(':').map_or("", |(s, _)| s);
                if (*action == "iam:PassRole" || !granted.contains_key(action)) && pattern.matches(action, service) {
                    granted.entry(action).or_insert((statement, i));
                    if *action == "iam:PassRole" && pass_role.last().is_none_or(|s| s.index != statement.index) {
                        pass_role.push(statement);
                    }
                }
            }
        }
    }
    let complete: Vec<&'static Pattern> = PATTERNS
        .iter()
        .filter(|p| stands_on_permissions(p))
        .filter(|p| p.needs.iter().all(|n| n.any_of.iter().any(|a| granted.contains_key(a))))
        .filter(|p| match p.target {
            Target::PassRoleTo { service, .. } => pass_role.iter().any(|s| passes_to(s, service)),
            _ => true,
        })
        .collect();
    let Some(first) = complete.first() else {
        return;
    };
    let actions: Vec<&'static str> = first
        .needs
        .iter()
        .filter_map(|n| n.any_of.iter().copied().find(|a| granted.contains_key(a)))
        .collect();
    let Some(&(statement, index)) = actions.first().and_then(|a| granted.get(a)) else {
        return;
    };
    let Some(pattern) = statement.action.as_ref().and_then(|c| c.patterns.get(index)) else {
        return;
    };
    let path = lint.statement_path(statement);
    let at = lint.item_path(&format!("{path}.Action"), index, pattern.span);
    let others = match complete.len() {
        1 => String::new(),
        2 => format!(" (and pattern `{}`)", complete[1].id),
        n => format!(" (and {} more patterns: {}, …)", n - 1, complete[1].id),
    };
    lint.push(
        Severity::Warning,
        "escalation-set",
        pattern.span,
        at,
        format!(
            "this policy alone grants {} — every permission of escalation pattern `{}` ({}){others}: whoever holds it may make itself an administrator",
            actions.join(" + "),
            first.id,
            first.known_as
        ),
        Some(
            "`iamscope escalation --principal …` checks whether the path is open in the account; narrow the resources or split the permissions"
                .to_owned(),
        ),
    );
}

/// Patterns whose permissions are the whole of what they need: not those
/// that rest on a resource the export cannot show (a Lambda function or an
/// instance that already runs as an administrator role), nor role chains,
/// which need no permission of their own here.
fn stands_on_permissions(pattern: &Pattern) -> bool {
    !pattern.needs.is_empty()
        && !matches!(
            pattern.target,
            Target::ExistingResourceRole { .. } | Target::AssumeRoleChain
        )
}

/// Whether a statement granting iam:PassRole lets the role go to `service`:
/// a positive string condition on iam:PassedToService must name it ("Grant
/// a user permissions to pass a role to an AWS service"). Any other shape
/// of condition is not read here, and counts as letting it.
fn passes_to(statement: &Statement, service: &str) -> bool {
    use crate::policy::{BaseOperator, SetQualifier};
    statement.conditions.iter().all(|c| {
        if c.key_lower != "iam:passedtoservice" || c.operator.qualifier == Some(SetQualifier::ForAllValues) {
            return true;
        }
        let like = match c.operator.base {
            BaseOperator::StringEquals | BaseOperator::StringEqualsIgnoreCase => false,
            BaseOperator::StringLike => true,
            _ => return true,
        };
        c.values.iter().any(|v| {
            v.template.is_some()
                || if like {
                    v.glob.as_ref().is_none_or(|g| g.is_match(service))
                } else {
                    v.text.eq_ignore_ascii_case(service)
                }
        })
    })
}
