//! Checks on Action/NotAction and Resource against the action catalogue:
//! unknown services and actions, broad grants, and resource ARNs that no
//! action of the statement can act on.

use super::{Lint, PolicyKind, did_you_mean};
use crate::catalog::arn::{Reading, fits};
use crate::catalog::{Action, SHARED_PREFIXES};
use crate::policy::glob::{Case, Glob};
use crate::policy::{
    ActionPattern, Effect, ResourceClause, Severity, Statement, variables::Template, variables::TemplatePart,
};

/// Services whose every action on every resource hands over control of
/// identities, keys, secrets, data or code: a full wildcard on them is the
/// kind of grant AWS's least-privilege advice ("Security best practices in
/// IAM": grant least privilege) warns against.
const SENSITIVE_SERVICES: [&str; 8] = [
    "iam",
    "sts",
    "kms",
    "organizations",
    "s3",
    "secretsmanager",
    "ssm",
    "lambda",
];

pub(super) fn check_statement(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    let Some(clause) = &statement.action else {
        return;
    };
    let element = if clause.negated { "NotAction" } else { "Action" };
    for (i, pattern) in clause.patterns.iter().enumerate() {
        let at = lint.item_path(&format!("{path}.{element}"), i, pattern.span);
        known(lint, pattern, at);
    }
    if statement.effect == Effect::Allow && !clause.negated {
        broad_grants(lint, statement, path);
        resource_shapes(lint, statement, path);
        resource_star(lint, statement, path);
    }
}

/// Is the action (or every action a wildcard names) in the catalogue?
/// ("Action" page: actions are `service:Name`, case-insensitive, with `*`
/// and `?` wildcards; the Service Authorization Reference lists them.)
fn known(lint: &mut Lint<'_>, pattern: &ActionPattern, at: String) {
    let text = pattern.text.as_ref();
    if text == "*" {
        return;
    }
    // Without a colon the parser has already said it is not an action.
    let Some((prefix, name)) = text.split_once(':') else {
        return;
    };
    let catalog = lint.catalog;
    let source = catalog.source();
    if name.contains(':') || name.is_empty() {
        lint.push(
            Severity::Error,
            "unknown-action",
            pattern.span,
            at,
            format!("`{text}` is not an action name: actions are written service:ActionName"),
            None,
        );
        return;
    }
    let wild = |s: &str| s.contains(['*', '?']);
    if wild(prefix) {
        if catalog.expand(text).is_empty() {
            lint.push(
                Severity::Error,
                "unknown-action",
                pattern.span,
                at,
                format!("`{text}` matches no action of any service the catalogue knows"),
                Some(format!("check the pattern (catalogue: {source})")),
            );
        }
        return;
    }
    let Some(service) = catalog.service(prefix) else {
        let mut suggestions = lint.suggest(text);
        if suggestions.is_empty() {
            suggestions = lint.suggest(prefix);
        }
        let help = did_you_mean(&suggestions).unwrap_or_else(|| {
            format!("service prefixes are listed in the Service Authorization Reference (catalogue: {source})")
        });
        lint.push(
            Severity::Error,
            "unknown-service",
            pattern.span,
            at,
            format!("`{prefix}` is not the prefix of any AWS service, so `{text}` matches nothing"),
            Some(help),
        );
        return;
    };
    if wild(name) {
        let matcher = Glob::new(name, Case::Insensitive);
        if !service.actions().iter().any(|a| matcher.is_match(a.name())) {
            lint.push(
                Severity::Error,
                "unknown-action",
                pattern.span,
                at,
                format!("`{text}` matches no action of {}", service.name()),
                Some(format!(
                    "check the pattern; if the actions are new, the catalogue ({source}) may predate them"
                )),
            );
        }
        return;
    }
    if service.action(name).is_none() {
        let suggestions = lint.suggest(text);
        let help = did_you_mean(&suggestions)
            .unwrap_or_else(|| format!("if the action is new, the catalogue ({source}) may predate it"));
        lint.push(
            Severity::Error,
            "unknown-action",
            pattern.span,
            at,
            format!(
                "`{text}` is not an action of {} (prefix `{}`)",
                service.name(),
                service.prefix()
            ),
            Some(help),
        );
    }
}

/// Whether the resource pattern names every resource of `service` (or of
/// every service): `*`, or an ARN whose region, account and resource parts
/// are all wildcards or empty.
fn covers_every_resource(resource: &str, service: &str) -> bool {
    if resource == "*" {
        return true;
    }
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    let any = |s: &str| s.is_empty() || s == "*";
    matches!(parts.as_slice(), ["arn", _, s, region, account, rest]
        if (*s == "*" || s.eq_ignore_ascii_case(service)) && any(region) && any(account) && *rest == "*")
}

pub(super) fn broad_resource<'c>(resource: Option<&'c ResourceClause>, service: &str) -> Option<&'c str> {
    let resource = resource.filter(|r| !r.negated)?;
    resource
        .patterns
        .iter()
        .find(|p| covers_every_resource(&p.text, service))
        .map(|p| p.text.as_ref())
}

/// Allow statements that grant the keys to the kingdom: every action, every
/// action of a sensitive service, or iam:PassRole on every role.
fn broad_grants(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    // Only policies that grant: an SCP, RCP, boundary or session policy that
    // allows everything merely leaves the other policies in charge.
    if !matches!(lint.kind, PolicyKind::Identity | PolicyKind::Resource) {
        return;
    }
    let Some(clause) = &statement.action else {
        return;
    };
    let unconditional = statement.conditions.is_empty();
    for (i, pattern) in clause.patterns.iter().enumerate() {
        let text = pattern.text.as_ref();
        let at = || lint.item_path(&format!("{path}.Action"), i, pattern.span);
        let (service, name) = text.split_once(':').unwrap_or((text, ""));
        if unconditional && (text == "*" || (service == "*" && name == "*")) {
            if let Some(resource) = broad_resource(statement.resource.as_ref(), "*") {
                let at = at();
                lint.push(
                    Severity::Warning,
                    "full-access",
                    pattern.span,
                    at,
                    format!("the statement allows every action on `{resource}`: full administrator access"),
                    Some("grant the actions the job needs; keep full access to a few break-glass roles".to_owned()),
                );
            }
            continue;
        }
        if unconditional
            && name == "*"
            && let Some(sensitive) = SENSITIVE_SERVICES.iter().find(|s| s.eq_ignore_ascii_case(service))
            && let Some(resource) = broad_resource(statement.resource.as_ref(), sensitive)
        {
            let at = at();
            lint.push(
                Severity::Warning,
                "sensitive-wildcard",
                pattern.span,
                at,
                format!("`{text}` on `{resource}` allows every {sensitive} action on every resource, including ones that change permissions, keys or data"),
                Some(format!("list the {sensitive} actions needed, or name the resources")),
            );
            continue;
        }
    }
    passrole(lint, statement, path);
}

/// iam:PassRole on every role lets the holder give any role, however
/// privileged, to a service it controls ("Grant a user permissions to pass a
/// role"; Access Analyzer "Pass role with star in resource" suggests naming
/// the roles or conditioning on iam:PassedToService).
fn passrole(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    if lint.kind != PolicyKind::Identity {
        return;
    }
    let Some(clause) = &statement.action else {
        return;
    };
    // `*` and `iam:*` are reported as full wildcards already.
    let Some((i, pattern)) = clause.patterns.iter().enumerate().find(|(_, p)| {
        let t = p.text.as_ref();
        t != "*"
            && !t.eq_ignore_ascii_case("iam:*")
            && !t.eq_ignore_ascii_case("*:*")
            && p.matches("iam:PassRole", "iam")
    }) else {
        return;
    };
    let Some(resource) = statement.resource.as_ref().filter(|r| !r.negated) else {
        return;
    };
    let every_role = resource.patterns.iter().find(|p| {
        let text = p.text.as_ref();
        if text == "*" {
            return true;
        }
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        matches!(parts.as_slice(), ["arn", _, s, _, _, rest]
            if (*s == "iam" || *s == "*") && matches!(*rest, "*" | "role/*" | "role*"))
    });
    let Some(every_role) = every_role else {
        return;
    };
    if statement
        .conditions
        .iter()
        .any(|c| c.key_lower == "iam:passedtoservice")
    {
        return;
    }
    let at = lint.item_path(&format!("{path}.Action"), i, pattern.span);
    lint.push(
        Severity::Warning,
        "passrole-wildcard",
        pattern.span,
        at,
        format!(
            "`{}` on `{}` lets the holder pass any role, however privileged, to a service it controls",
            pattern.text, every_role.text
        ),
        Some("name the roles in Resource, or limit the services with a condition on iam:PassedToService".to_owned()),
    );
}

/// A resource ARN that no action of the statement can act on. Only for
/// statements whose actions are all named exactly, are all in the
/// catalogue, and all take resource types (an action without resource types
/// needs `"Resource": "*"`, Service Authorization Reference "Resource types
/// table"), so a wildcard or an unknown action never yields a guess.
fn resource_shapes(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    let (Some(clause), Some(resource)) = (&statement.action, &statement.resource) else {
        return;
    };
    if resource.negated || clause.patterns.is_empty() {
        return;
    }
    let catalog = lint.catalog;
    let mut actions: Vec<&Action> = Vec::with_capacity(clause.patterns.len());
    for pattern in &clause.patterns {
        if pattern.text.contains(['*', '?']) {
            return;
        }
        match catalog.action(&pattern.text) {
            Some(action) if action.resource_types().next().is_some() => actions.push(action),
            _ => return,
        }
    }
    // The catalogue keeps one action list per prefix, but these prefixes
    // name several services in the Service Authorization Reference (API
    // Gateway V1 and V2, Elastic Load Balancing V1 and V2, the AWS
    // Marketplace family), so an action's resource types may be those of
    // only one of them.
    if actions
        .iter()
        .any(|a| SHARED_PREFIXES.iter().any(|p| a.service().eq_ignore_ascii_case(p)))
    {
        return;
    }
    let variables = lint.policy.variables_enabled();
    for (i, pattern) in resource.patterns.iter().enumerate() {
        let text = pattern.text.as_ref();
        if text == "*" || !text.starts_with("arn:") {
            continue;
        }
        let arn = if variables {
            variables_as_wildcards(text)
        } else {
            text.to_owned()
        };
        let fits_any = actions.iter().any(|action| {
            action.resource_types().any(|rt| {
                catalog
                    .resource_type(action.service(), rt.name())
                    .is_some_and(|t| t.arn_patterns().any(|format| shape_fits(format, &arn)))
            })
        });
        if fits_any {
            continue;
        }
        let expected: Vec<String> = actions
            .iter()
            .take(2)
            .flat_map(|a| {
                a.resource_types().take(3).filter_map(|rt| {
                    catalog
                        .resource_type(a.service(), rt.name())
                        .map(|t| format!("{} {} ({})", a.full_name(), t.name(), t.arn_pattern()))
                })
            })
            .take(4)
            .collect();
        let names: Vec<String> = actions.iter().take(3).map(|a| format!("`{}`", a.full_name())).collect();
        let more = if actions.len() > 3 { ", …" } else { "" };
        let at = lint.item_path(&format!("{path}.Resource"), i, pattern.span);
        lint.push(
            Severity::Warning,
            "resource-type-mismatch",
            pattern.span,
            at,
            format!(
                "`{text}` has the shape of no resource that {}{more} acts on, so this entry never matches",
                names.join(", ")
            ),
            Some(format!("expected ARNs like: {}", expected.join("; "))),
        );
    }
}

/// The ARN with each policy variable replaced by `*`, escapes by their character.
pub(super) fn variables_as_wildcards(text: &str) -> String {
    Template::parse(text, true)
        .parts
        .iter()
        .map(|part| match part {
            TemplatePart::Text(t) => t.clone(),
            TemplatePart::Literal(c) => c.to_string(),
            TemplatePart::Variable { .. } => "*".to_owned(),
        })
        .collect()
}

/// Whether some concrete ARN is named both by `arn` (IAM wildcards) and by a
/// resource type's ARN `format`, read loosely (see [`Reading::Shape`]): each
/// `${Variable}` stands for any text without `:`, empty included
/// (`arn:aws:ssm:us-east-1::document/AWS-RunShellScript`), and the format's
/// last variable for any text at all (log groups are written
/// `log-group:NAME:*`), so a bucket ARN still does not fit an object format,
/// nor an instance profile a role.
fn shape_fits(format: &str, arn: &str) -> bool {
    fits(format, arn, Reading::Shape)
}

/// `"Resource": "*"` in an identity policy's Allow although every action of
/// the statement takes a resource type, so the statement could name its
/// resources ("Security best practices in IAM": grant least privilege; the
/// Service Authorization Reference lists each action's resource types; one
/// that lists none needs `*`). Only for actions named exactly and known to
/// the catalogue, so a wildcard never yields a guess.
fn resource_star(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    const SHOWN: usize = 6;
    if lint.kind != PolicyKind::Identity {
        return;
    }
    let (Some(clause), Some(resource)) = (&statement.action, &statement.resource) else {
        return;
    };
    if resource.negated || clause.patterns.is_empty() {
        return;
    }
    let Some((i, star)) = resource
        .patterns
        .iter()
        .enumerate()
        .find(|(_, p)| p.text.as_ref() == "*")
    else {
        return;
    };
    let catalog = lint.catalog;
    // The first few types, each once; the rest only counted.
    let mut types: Vec<(&str, &str)> = Vec::new();
    let mut more = false;
    let mut example = None;
    for pattern in &clause.patterns {
        if pattern.text.contains(['*', '?']) {
            return;
        }
        let Some(action) = catalog.action(&pattern.text) else {
            return;
        };
        if SHARED_PREFIXES.iter().any(|p| action.service().eq_ignore_ascii_case(p)) {
            return;
        }
        let mut takes_one = false;
        for rt in action.resource_types() {
            takes_one = true;
            let named = (action.service(), rt.name());
            if types.contains(&named) {
                continue;
            }
            if types.len() == SHOWN {
                more = true;
                continue;
            }
            types.push(named);
            if example.is_none() {
                example = catalog
                    .resource_type(action.service(), rt.name())
                    .map(|t| t.arn_pattern());
            }
        }
        if !takes_one {
            return;
        }
    }
    let mut listed: Vec<String> = types.iter().map(|(s, t)| format!("{s} {t}")).collect();
    if more {
        listed.push("…".to_owned());
    }
    let one = clause.patterns.len() == 1;
    let at = lint.item_path(&format!("{path}.Resource"), i, star.span);
    lint.push(
        Severity::Info,
        "resource-star",
        star.span,
        at,
        format!(
            "`\"Resource\": \"*\"` although {} can be limited to named resources ({})",
            if one {
                "the action"
            } else {
                "every action of the statement"
            },
            listed.join(", ")
        ),
        Some(match example {
            Some(format) => format!("name the resources the job needs, e.g. ARNs like {format}"),
            None => "name the resources the job needs".to_owned(),
        }),
    );
}
