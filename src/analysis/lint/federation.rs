//! Checks on trust policies that admit users of an external identity
//! provider: a statement that never says which app, audience or user it is
//! for admits everyone the provider signs in.
//!
//! * an OpenID Connect or web identity trust without a condition on the
//!   token's audience or subject (IAM User Guide, "Create a role for OpenID
//!   Connect federation (console)"; "Available keys for AWS STS federation");
//! * GitHub's provider without `token.actions.githubusercontent.com:sub`,
//!   and a `sub` pattern whose owner part has a wildcard ("Configuring a
//!   role for GitHub OIDC identity provider");
//! * a SAML trust without `SAML:aud` ("Create a role for SAML 2.0
//!   federation (console)"; "Available keys for SAML-based AWS STS
//!   federation");
//! * a Cognito trust without `cognito-identity.amazonaws.com:aud` (Amazon
//!   Cognito Developer Guide, "Role trust and permissions").

use std::collections::{HashMap, HashSet};

use super::{Lint, PolicyKind};
use crate::analysis::federation::{GITHUB, TrustedProvider, admits, narrows};
use crate::policy::{BaseOperator, PrincipalKind, Severity, Statement};

pub(super) fn check_statement(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    if lint.kind != PolicyKind::Trust {
        return;
    }
    let Some(clause) = statement.principal.as_ref().filter(|c| !c.negated) else {
        return;
    };
    // Each entry and each condition is looked at once: a statement may list
    // thousands of either.
    let narrowed: HashSet<&str> = statement
        .conditions
        .iter()
        .filter(|c| narrows(c))
        .map(|c| c.key_lower.as_str())
        .collect();
    // The negated conditions by key (StringNotEquals sub …), for the words;
    // a few of each are enough to name them.
    let mut negated: HashMap<&str, Vec<String>> = HashMap::new();
    for c in statement.conditions.iter().filter(|c| c.operator.base.is_negated()) {
        let named = negated.entry(c.key_lower.as_str()).or_default();
        let words = format!("{} {}", c.operator_text, c.key);
        if named.len() < 3 && !named.contains(&words) {
            named.push(words);
        }
    }
    let mut github = false;
    let federated = clause.entries.iter().filter(|e| e.kind == PrincipalKind::Federated);
    for (index, entry) in federated.enumerate() {
        let Some(provider) = TrustedProvider::classify(&entry.value) else {
            continue;
        };
        if !admits(statement, &provider) {
            continue;
        }
        github |= provider.is_github();
        let scoped = provider.scoping_claims().iter().any(|claim| {
            narrowed.contains(
                format!("{}:{claim}", provider.key_prefix())
                    .to_ascii_lowercase()
                    .as_str(),
            )
        });
        if scoped {
            continue;
        }
        let at = lint.item_path(&format!("{path}.Principal.Federated"), index, entry.span);
        let client_ids = match provider {
            TrustedProvider::Oidc { arn, .. } => lint
                .oidc_providers
                .iter()
                .find(|p| p.arn.as_str() == arn)
                .map(|p| p.client_ids.as_slice())
                .unwrap_or_default(),
            _ => &[],
        };
        let negated: Vec<String> = provider
            .scoping_claims()
            .iter()
            .flat_map(|claim| {
                let key = format!("{}:{claim}", provider.key_prefix()).to_ascii_lowercase();
                negated.get(key.as_str()).cloned().unwrap_or_default()
            })
            .collect();
        let (code, message, help) = unscoped(&provider, &negated, client_ids);
        lint.push(Severity::Warning, code, entry.span, at, message, Some(help));
    }
    if github {
        github_subjects(lint, statement, path);
    }
}

/// The finding for a provider the statement admits without a scoping
/// condition. `client_ids` are those registered with an IAM OIDC provider
/// (empty when unknown): STS takes no token for another audience (IAM API
/// Reference, "CreateOpenIDConnectProvider", ClientIDList).
/// `negated` are the statement's negated conditions on the provider's
/// scoping claims (`StringNotEquals token.actions.githubusercontent.com:sub`):
/// they admit everyone but the values they name, so they do not scope.
fn unscoped(
    provider: &TrustedProvider<'_>,
    negated: &[String],
    client_ids: &[String],
) -> (&'static str, String, String) {
    let without = if negated.is_empty() {
        "without a condition on".to_owned()
    } else {
        format!(
            "with only {} (which admits every value it does not name), not a positive condition on",
            negated.join(" and ")
        )
    };
    match provider {
        TrustedProvider::Oidc { .. } if provider.is_github() => (
            "github-trust-any-repository",
            format!(
                "GitHub Actions is trusted {without} {GITHUB}:sub: a workflow in any repository on GitHub, whoever owns it, can assume this role (the audience is sts.amazonaws.com for all of them)"
            ),
            format!(
                "name the repository: \"StringEquals\": {{\"{GITHUB}:sub\": \"repo:OWNER/REPOSITORY:ref:refs/heads/BRANCH\"}}, or StringLike with repo:OWNER/REPOSITORY:* for every branch"
            ),
        ),
        TrustedProvider::Oidc { url, .. } if provider.is_eks() => (
            "oidc-trust-unscoped",
            format!(
                "EKS cluster provider {url} is trusted {without} {url}:sub: any service account in any namespace of the cluster can assume this role (they all get tokens for sts.amazonaws.com)"
            ),
            format!(
                "name the service account: \"StringEquals\": {{\"{url}:sub\": \"system:serviceaccount:NAMESPACE:NAME\"}}"
            ),
        ),
        TrustedProvider::Saml { name, .. } => (
            "saml-trust-without-aud",
            format!(
                "SAML provider {name} is trusted {without} SAML:aud: an assertion the provider made for another service could be presented to assume this role"
            ),
            "add \"StringEquals\": {\"SAML:aud\": \"https://signin.aws.amazon.com/saml\"}, the AWS sign-in endpoint the assertion must be addressed to".to_owned(),
        ),
        TrustedProvider::Known(_) if provider.is_cognito() => (
            "cognito-trust-without-aud",
            format!("Cognito is trusted {without} cognito-identity.amazonaws.com:aud: an identity of any identity pool, in any AWS account, can present its token for this role"),
            "add \"StringEquals\": {\"cognito-identity.amazonaws.com:aud\": \"REGION:POOL_ID\"}, and ForAnyValue:StringLike on cognito-identity.amazonaws.com:amr for authenticated or unauthenticated".to_owned(),
        ),
        _ => {
            let keys: Vec<String> = provider
                .scoping_claims()
                .iter()
                .map(|c| format!("{}:{c}", provider.key_prefix()))
                .collect();
            let apps = if client_ids.is_empty() {
                "for any app".to_owned()
            } else {
                format!("for its client id {} (the provider's ClientIDList)", client_ids.join(", "))
            };
            (
                "oidc-trust-unscoped",
                format!(
                    "{} is trusted {without} {}: any user it signs in, {apps}, can assume this role",
                    provider.describe(),
                    keys.join(" or ")
                ),
                format!(
                    "add a StringEquals condition on {} naming your app (its client id), and on the subject to name users",
                    keys[0]
                ),
            )
        }
    }
}

/// A GitHub subject pattern whose owner part is open: anyone can create an
/// account or organisation whose name matches, and its workflows' tokens
/// then fit the pattern.
fn github_subjects(lint: &mut Lint<'_>, statement: &Statement, path: &str) {
    let key = format!("{GITHUB}:sub");
    for condition in &statement.conditions {
        // Only StringLike reads wildcards; under StringEquals a * is a character.
        if !condition.key_lower.eq_ignore_ascii_case(&key)
            || condition.operator.base != BaseOperator::StringLike
            || !narrows(condition)
        {
            continue;
        }
        let parent = format!("{path}.Condition.{}.{}", condition.operator_text, condition.key);
        for (i, value) in condition.values.iter().enumerate() {
            let text = &*value.text;
            let Some(owner) = open_owner(text) else { continue };
            let at = lint.item_path(&parent, i, value.span);
            lint.push(
                Severity::Warning,
                "github-sub-wildcard-owner",
                value.span,
                at,
                format!(
                    "`{text}` leaves the repository's owner open (`{owner}`): anyone can create an account or organisation whose name matches, and its workflows can assume this role"
                ),
                Some("write the owner in full: repo:OWNER/REPOSITORY:… (a wildcard after the owner's / is yours to use)".to_owned()),
            );
        }
    }
}

/// The owner part of a GitHub subject pattern, when it has a wildcard.
fn open_owner(subject: &str) -> Option<&str> {
    let Some(rest) = subject.strip_prefix("repo:") else {
        // `*` or `*:ref:…`: not even the `repo:` form, any owner.
        return subject.starts_with(['*', '?']).then_some(subject);
    };
    let owner = rest.split(['/', ':']).next().unwrap_or(rest);
    (owner.is_empty() || owner.contains(['*', '?'])).then_some(owner)
}

#[cfg(test)]
mod tests {
    use super::open_owner;

    #[test]
    fn the_owner_part_is_what_comes_before_the_first_slash() {
        assert_eq!(open_owner("repo:*"), Some("*"));
        assert_eq!(open_owner("repo:org*/app:*"), Some("org*"));
        assert_eq!(open_owner("repo:*/app:ref:refs/heads/main"), Some("*"));
        assert_eq!(open_owner("*"), Some("*"));
        assert_eq!(open_owner("repo:org/*"), None);
        assert_eq!(open_owner("repo:org/app:*"), None);
        assert_eq!(open_owner("repo:org/app:ref:refs/heads/*"), None);
    }
}
