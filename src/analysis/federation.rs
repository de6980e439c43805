//! Who a federated trust lets in: for each role, the identity providers its
//! trust policy names as `Federated` principals, and the population of each
//! in words ("any GitHub Actions workflow of repository org/app on branch
//! main", "any repository on GitHub", "any Google user of client id X"),
//! read from the conditions the statement puts on the provider's keys.
//!
//! The keys come from the IAM User Guide, "IAM and AWS STS condition context
//! keys" (Available keys for AWS STS federation; SAML-based federation), the
//! GitHub subject form from "Configuring a role for GitHub OIDC identity
//! provider", and Cognito's from the Cognito Developer Guide, "Role trust
//! and permissions".

use serde::Serialize;

use crate::eval::federation::{FederatedIdentity, Listed, WellKnown, well_known};
use crate::eval::matching::action_matches;
use crate::eval::{FederatedSpec, ProviderKind};
use crate::model::Model;
use crate::policy::{BaseOperator, Condition, Effect, PrincipalKind, Statement};

/// GitHub Actions' OpenID Connect provider.
pub const GITHUB: &str = "token.actions.githubusercontent.com";
const COGNITO: &str = "cognito-identity.amazonaws.com";

/// An identity provider a trust policy names as a `Federated` principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustedProvider<'a> {
    /// `arn:…:saml-provider/NAME`.
    Saml { arn: &'a str, name: &'a str },
    /// `arn:…:oidc-provider/URL`.
    Oidc { arn: &'a str, url: &'a str },
    /// A provider IAM knows by name (Google, Facebook, Login with Amazon, Cognito).
    Known(&'static WellKnown),
}

impl<'a> TrustedProvider<'a> {
    /// What a `Federated` principal value names, if it is a provider.
    pub fn classify(value: &'a str) -> Option<TrustedProvider<'a>> {
        if value.starts_with("arn:") {
            let resource = value.splitn(6, ':').nth(5)?;
            if let Some(name) = resource.strip_prefix("saml-provider/").filter(|n| !n.is_empty()) {
                return Some(TrustedProvider::Saml { arn: value, name });
            }
            if let Some(url) = resource.strip_prefix("oidc-provider/").filter(|u| !u.is_empty()) {
                return Some(TrustedProvider::Oidc { arn: value, url });
            }
            return None;
        }
        well_known(value).map(TrustedProvider::Known)
    }

    /// The prefix of its condition keys: `saml`, the OIDC URL, the host.
    pub fn key_prefix(&self) -> &str {
        match self {
            TrustedProvider::Saml { .. } => "saml",
            TrustedProvider::Oidc { url, .. } => url,
            TrustedProvider::Known(known) => known.host,
        }
    }

    pub fn is_github(&self) -> bool {
        matches!(self, TrustedProvider::Oidc { url, .. } if url.eq_ignore_ascii_case(GITHUB))
    }

    /// An Amazon EKS cluster's provider, `oidc.eks.REGION.amazonaws.com/id/ID`.
    pub fn is_eks(&self) -> bool {
        matches!(self, TrustedProvider::Oidc { url, .. }
            if url.to_ascii_lowercase().starts_with("oidc.eks.") && url.to_ascii_lowercase().contains(".amazonaws.com"))
    }

    pub fn is_cognito(&self) -> bool {
        matches!(self, TrustedProvider::Known(known) if known.host == COGNITO)
    }

    /// The STS action its users call.
    pub fn assume_action(&self) -> &'static str {
        match self {
            TrustedProvider::Saml { .. } => "sts:AssumeRoleWithSAML",
            _ => "sts:AssumeRoleWithWebIdentity",
        }
    }

    /// The principal as iamscope's requests write it: `saml/NAME`, `oidc/URL`, `web/HOST`.
    pub fn principal(&self) -> String {
        match self {
            TrustedProvider::Saml { name, .. } => format!("saml/{name}"),
            TrustedProvider::Oidc { url, .. } => format!("oidc/{url}"),
            TrustedProvider::Known(known) => format!("web/{}", known.host),
        }
    }

    /// `SAML provider CorpIdP`, `GitHub Actions (token.actions.githubusercontent.com)`.
    pub fn describe(&self) -> String {
        match self {
            TrustedProvider::Saml { name, .. } => format!("SAML provider {name}"),
            TrustedProvider::Oidc { .. } if self.is_github() => format!("GitHub Actions ({GITHUB})"),
            TrustedProvider::Oidc { url, .. } => format!("OIDC provider {url}"),
            TrustedProvider::Known(known) => format!("{} ({})", known.name, known.host),
        }
    }

    /// The claims that say which app (or service provider) a token or
    /// assertion is for, and which user it is about: a trust that tests
    /// none of them admits every user of the provider.
    pub fn scoping_claims(&self) -> &'static [&'static str] {
        match self {
            TrustedProvider::Saml { .. } => &["aud"],
            // "Configuring a role for GitHub OIDC identity provider": the
            // audience is sts.amazonaws.com for every workflow, so only
            // the subject tells repositories apart.
            TrustedProvider::Oidc { .. } if self.is_github() => &["sub"],
            // Amazon EKS User Guide, "Assign IAM roles to Kubernetes service
            // accounts": every service account of the cluster gets a token
            // for sts.amazonaws.com; the subject names the service account.
            TrustedProvider::Oidc { .. } if self.is_eks() => &["sub"],
            TrustedProvider::Oidc { .. } => &["aud", "sub"],
            TrustedProvider::Known(known) => match known.host {
                "accounts.google.com" => &["aud", "oaud", "sub"],
                "graph.facebook.com" => &["app_id", "id"],
                "www.amazon.com" => &["app_id", "user_id"],
                _ => &["aud"],
            },
        }
    }
}

/// A condition that narrows who matches: a positive operator on the key,
/// with a value that is more than a bare `*`.
pub fn narrows(condition: &Condition) -> bool {
    let base = condition.operator.base;
    if base.is_negated() || base == BaseOperator::Null {
        return false;
    }
    let like = base == BaseOperator::StringLike;
    condition
        .values
        .iter()
        .any(|v| !(like && v.text.trim_matches('*').is_empty()))
}

/// The statement's conditions on one of the provider's keys.
fn on_claim<'s>(statement: &'s Statement, provider: &TrustedProvider<'_>, claim: &str) -> Vec<&'s Condition> {
    let key = format!("{}:{claim}", provider.key_prefix()).to_ascii_lowercase();
    statement.conditions.iter().filter(|c| c.key_lower == key).collect()
}

/// Whether an Allow statement lets `provider`'s users assume the role.
pub fn admits(statement: &Statement, provider: &TrustedProvider<'_>) -> bool {
    let action = provider.assume_action();
    statement.effect == Effect::Allow
        && statement
            .action
            .as_ref()
            .is_some_and(|clause| action_matches(clause, action, "sts"))
}

/// The providers an Allow statement of a trust policy names, with whether
/// it lets each one's users assume the role.
pub fn named_providers(statement: &Statement) -> Vec<TrustedProvider<'_>> {
    let Some(clause) = statement.principal.as_ref().filter(|c| !c.negated) else {
        return Vec::new();
    };
    clause
        .entries
        .iter()
        .filter(|e| e.kind == PrincipalKind::Federated)
        .filter_map(|e| TrustedProvider::classify(&e.value))
        .collect()
}

/// Values of the statement's positive conditions on one claim.
fn values(statement: &Statement, provider: &TrustedProvider<'_>, claim: &str) -> Vec<String> {
    on_claim(statement, provider, claim)
        .into_iter()
        .filter(|c| narrows(c))
        .flat_map(|c| c.values.iter().map(|v| v.text.to_string()))
        .collect()
}

/// "a, b or c".
fn either(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// One GitHub subject (`repo:OWNER/REPO:ref:refs/heads/main`) in words.
pub fn github_subject(subject: &str) -> String {
    let Some(rest) = subject.strip_prefix("repo:") else {
        return if subject.trim_matches('*').is_empty() {
            "any repository on GitHub".to_owned()
        } else {
            format!("any workflow whose subject matches `{subject}`")
        };
    };
    let (repository, context) = match rest.split_once(':') {
        Some((repository, context)) => (repository, Some(context)),
        None => (rest, None),
    };
    let (owner, name) = repository.split_once('/').unwrap_or((repository, "*"));
    if owner.is_empty() || has_wildcard(owner) {
        return if owner.trim_matches('*').is_empty() {
            "any repository on GitHub".to_owned()
        } else {
            format!("any repository on GitHub whose owner matches `{owner}`")
        };
    }
    let mut words = if name.trim_matches('*').is_empty() {
        format!("any repository of {owner}")
    } else if has_wildcard(name) {
        format!("repositories of {owner} matching `{name}`")
    } else {
        format!("repository {owner}/{name}")
    };
    // `repo:org/app:*` is any branch, tag, environment or event.
    if let Some(context) = context.filter(|c| !c.trim_matches('*').is_empty()) {
        let part = if let Some(branch) = context.strip_prefix("ref:refs/heads/") {
            if has_wildcard(branch) {
                format!("on a branch matching `{branch}`")
            } else {
                format!("on branch {branch}")
            }
        } else if let Some(tag) = context.strip_prefix("ref:refs/tags/") {
            if has_wildcard(tag) {
                format!("at a tag matching `{tag}`")
            } else {
                format!("at tag {tag}")
            }
        } else if let Some(environment) = context.strip_prefix("environment:") {
            format!("in environment {environment}")
        } else if context == "pull_request" {
            "for a pull request".to_owned()
        } else {
            format!("with `{context}`")
        };
        words.push(' ');
        words.push_str(&part);
    }
    words
}

/// Conditions the words do not already say, in brief.
fn other_conditions(statement: &Statement, provider: &TrustedProvider<'_>, described: &[&str]) -> String {
    let described: Vec<String> = described
        .iter()
        .map(|claim| format!("{}:{claim}", provider.key_prefix()).to_ascii_lowercase())
        .collect();
    let rest: Vec<String> = statement
        .conditions
        .iter()
        // A negated condition on a described claim (StringNotEquals sub …)
        // is not in the words: it is listed, so the words claim no more.
        .filter(|c| !described.contains(&c.key_lower) || !narrows(c))
        .map(|c| {
            let values: Vec<&str> = c.values.iter().map(|v| &*v.text).collect();
            format!("{} {} {}", c.key, c.operator_text, values.join(" | "))
        })
        .collect();
    if rest.is_empty() {
        String::new()
    } else {
        format!(" (and {})", rest.join(", "))
    }
}

/// Who the statement lets in through `provider`, in words. `client_ids`
/// are the audiences registered with an IAM OIDC provider (empty when
/// unknown): STS accepts no token for another audience (IAM API Reference,
/// "CreateOpenIDConnectProvider", ClientIDList), so a trust without an
/// `aud` condition still admits only those.
pub fn describe_population(statement: &Statement, provider: &TrustedProvider<'_>, client_ids: &[String]) -> String {
    let value = |claim: &str| values(statement, provider, claim);
    let (words, described): (String, Vec<&str>) = match provider {
        TrustedProvider::Oidc { .. } if provider.is_github() => {
            let subjects = value("sub");
            let who = if subjects.is_empty() {
                "any repository on GitHub".to_owned()
            } else {
                either(&subjects.iter().map(|s| github_subject(s)).collect::<Vec<_>>())
            };
            (format!("any GitHub Actions workflow of {who}"), vec!["sub", "aud"])
        }
        TrustedProvider::Oidc { url, .. } => {
            let subjects = value("sub");
            let audiences = value("aud");
            let mut words = if subjects.is_empty() && provider.is_eks() {
                format!("any service account in any namespace of {url}")
            } else if subjects.is_empty() {
                format!("any identity of OIDC provider {url}")
            } else if subjects.iter().all(|s| s.starts_with("system:serviceaccount:")) {
                // EKS: system:serviceaccount:NAMESPACE:NAME
                let accounts: Vec<String> = subjects
                    .iter()
                    .map(|s| {
                        let rest = &s["system:serviceaccount:".len()..];
                        match rest.split_once(':') {
                            Some((namespace, name)) => format!("service account {name} in namespace {namespace}"),
                            None => format!("service account `{rest}`"),
                        }
                    })
                    .collect();
                format!("{} of {url}", either(&accounts))
            } else {
                format!("identities of OIDC provider {url} with subject {}", either(&subjects))
            };
            if !audiences.is_empty() {
                words.push_str(&format!(" for client {}", either(&audiences)));
            } else if !client_ids.is_empty() {
                words.push_str(&format!(
                    " for client {} (the provider's client ids)",
                    either(client_ids)
                ));
            } else if subjects.is_empty() {
                words.push_str(" for any client");
            }
            (words, vec!["sub", "aud"])
        }
        TrustedProvider::Known(_) if provider.is_cognito() => {
            let pools = value("aud");
            let amr = value("amr");
            let kind = if amr.iter().any(|v| v == "unauthenticated") && !amr.iter().any(|v| v == "authenticated") {
                "guest (unauthenticated) identities"
            } else if amr.iter().any(|v| v == "authenticated") {
                "signed-in (authenticated) identities"
            } else {
                "identities"
            };
            let words = if pools.is_empty() {
                format!("{kind} of any Cognito identity pool, in any account")
            } else {
                format!("{kind} of identity pool {}", either(&pools))
            };
            (words, vec!["aud", "amr"])
        }
        TrustedProvider::Known(known) => {
            let (app_claim, user_claim, app_word) = match known.host {
                "accounts.google.com" => ("aud", "sub", "client id"),
                "graph.facebook.com" => ("app_id", "id", "app"),
                _ => ("app_id", "user_id", "app"),
            };
            let mut apps = value(app_claim);
            if known.host == "accounts.google.com" {
                apps.extend(value("oaud"));
                apps.dedup();
            }
            let users = value(user_claim);
            let who = if users.is_empty() {
                format!("any {} user", known.name)
            } else {
                format!("{} user {}", known.name, either(&users))
            };
            let words = if apps.is_empty() {
                format!("{who} of any {app_word}")
            } else {
                format!("{who} of {app_word} {}", either(&apps))
            };
            (words, vec![app_claim, user_claim, "oaud"])
        }
        TrustedProvider::Saml { name, .. } => {
            let subjects = value("sub");
            let words = if subjects.is_empty() {
                format!("any user of SAML provider {name}")
            } else {
                format!("user {} of SAML provider {name}", either(&subjects))
            };
            (words, vec!["sub", "aud"])
        }
    };
    format!("{words}{}", other_conditions(statement, provider, &described))
}

/// One population a role's trust admits.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FederatedTrust {
    /// `role/NAME`.
    pub role: String,
    /// The principal to ask about it: `oidc/token.actions.githubusercontent.com`.
    pub principal: String,
    /// `GitHub Actions (token.actions.githubusercontent.com)`.
    pub provider: String,
    /// `any GitHub Actions workflow of repository org/app on branch main`,
    /// or `nobody: …` when STS would refuse every token or assertion.
    pub population: String,
    /// The trust statement's Sid, or `#N`.
    pub statement: String,
    /// False when the files list the account's providers of this kind and
    /// this one is not among them: STS then refuses its users before the
    /// trust policy is read, as `explain` says.
    pub registered: bool,
}

/// The provider as `explain` resolves it against the account, and the
/// client ids registered with it (empty when unknown or not OIDC).
fn resolve<'m>(model: &'m Model, provider: &TrustedProvider<'_>) -> (FederatedIdentity<'m>, &'m [String]) {
    let spec = match provider {
        TrustedProvider::Saml { arn, name } => FederatedSpec {
            kind: ProviderKind::Saml,
            provider: (*name).to_owned(),
            arn: Some((*arn).to_owned()),
        },
        TrustedProvider::Oidc { arn, url } => FederatedSpec {
            kind: ProviderKind::Oidc,
            provider: (*url).to_owned(),
            arn: Some((*arn).to_owned()),
        },
        TrustedProvider::Known(known) => FederatedSpec {
            kind: ProviderKind::WebIdentity,
            provider: known.host.to_owned(),
            arn: None,
        },
    };
    let identity = FederatedIdentity::resolve(model, &spec);
    let client_ids = match identity.listed {
        Listed::Oidc(found) => found.client_ids.as_slice(),
        _ => &[],
    };
    (identity, client_ids)
}

/// Whether a Deny statement of the trust applies to `provider`'s users
/// calling its assume action: an explicit deny in a trust policy overrides
/// its allows ("Policy evaluation logic").
fn denies(statement: &Statement, provider: &TrustedProvider<'_>) -> bool {
    if statement.effect != Effect::Deny
        || !statement
            .action
            .as_ref()
            .is_some_and(|clause| action_matches(clause, provider.assume_action(), "sts"))
    {
        return false;
    }
    let Some(clause) = &statement.principal else {
        return false;
    };
    let names = clause.entries.iter().any(|e| match e.kind {
        PrincipalKind::Federated => TrustedProvider::classify(&e.value).is_some_and(|p| same_provider(&p, provider)),
        PrincipalKind::Aws => e.value == "*",
        _ => false,
    });
    if clause.negated {
        // NotPrincipal: everyone it does not list.
        !names
    } else {
        clause.any || names
    }
}

fn same_provider(a: &TrustedProvider<'_>, b: &TrustedProvider<'_>) -> bool {
    match (a, b) {
        (TrustedProvider::Saml { arn: x, .. }, TrustedProvider::Saml { arn: y, .. })
        | (TrustedProvider::Oidc { arn: x, .. }, TrustedProvider::Oidc { arn: y, .. }) => x == y,
        (TrustedProvider::Known(x), TrustedProvider::Known(y)) => x.host == y.host,
        _ => false,
    }
}

/// Who a Deny statement takes out of a population, in words, or `None`
/// when it has no condition and so takes out everyone.
fn exception(deny: &Statement, provider: &TrustedProvider<'_>) -> Option<String> {
    if deny.conditions.is_empty() {
        return None;
    }
    let github_sub = format!("{GITHUB}:sub").to_ascii_lowercase();
    let only_subjects = provider.is_github()
        && deny
            .conditions
            .iter()
            .all(|c| c.key_lower == github_sub && narrows(c) && c.operator.qualifier.is_none());
    if only_subjects {
        let subjects: Vec<String> = deny
            .conditions
            .iter()
            .flat_map(|c| c.values.iter().map(|v| github_subject(&v.text)))
            .collect();
        return Some(either(&subjects));
    }
    let when: Vec<String> = deny
        .conditions
        .iter()
        .map(|c| {
            let values: Vec<&str> = c.values.iter().map(|v| &*v.text).collect();
            format!("{} {} {}", c.key, c.operator_text, values.join(" | "))
        })
        .collect();
    Some(format!("when {}", when.join(" and ")))
}

/// Every federated population the trust policy of role number `role` admits.
pub fn role_populations(model: &Model, role: usize) -> Vec<FederatedTrust> {
    let Some(role) = model.account().roles.get(role) else {
        return Vec::new();
    };
    let Some(document) = &role.trust_policy else {
        return Vec::new();
    };
    let statements = document.parsed().statements();
    let mut out = Vec::new();
    for statement in statements {
        for provider in named_providers(statement) {
            if !admits(statement, &provider) {
                continue;
            }
            let (identity, client_ids) = resolve(model, &provider);
            let registered = !matches!(identity.listed, Listed::Missing);
            let mut population = describe_population(statement, &provider, client_ids);
            // A trust that requires an audience the provider does not list
            // admits nobody: STS refuses such tokens first.
            let audiences = values(statement, &provider, "aud");
            let possible = |aud: &String| has_wildcard(aud) || client_ids.contains(aud);
            if !client_ids.is_empty() && !audiences.is_empty() && !audiences.iter().any(possible) {
                population = format!(
                    "nobody: the trust requires aud {}, which is not a client id of the provider ({}), so STS refuses every token that would fit",
                    either(&audiences),
                    client_ids.join(", ")
                );
            }
            let mut excepted = Vec::new();
            for deny in statements.iter().filter(|d| denies(d, &provider)) {
                match exception(deny, &provider) {
                    Some(words) => excepted.push(format!("{words} (trust statement {} denies it)", deny.label())),
                    None => {
                        population = format!(
                            "nobody: trust statement {} denies every user of {}",
                            deny.label(),
                            provider.describe()
                        );
                        excepted.clear();
                        break;
                    }
                }
            }
            if !excepted.is_empty() {
                population = format!("{population}, except {}", excepted.join(", and except "));
            }
            if !registered {
                let what = match identity.kind {
                    ProviderKind::Saml => "assertions",
                    _ => "tokens",
                };
                population = format!(
                    "nobody: the account has no {}, so STS refuses its {what} before the trust policy is read (the trust would admit {population})",
                    identity.provider_words()
                );
            }
            out.push(FederatedTrust {
                role: format!("role/{}", role.name),
                principal: provider.principal(),
                provider: provider.describe(),
                population,
                statement: statement.label().to_string(),
                registered,
            });
        }
    }
    out
}

/// Every federated population of every role of the account.
pub fn populations(model: &Model) -> Vec<FederatedTrust> {
    (0..model.account().roles.len())
        .flat_map(|r| role_populations(model, r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyDocument;

    /// The population of the first statement of a trust policy, for its first provider.
    fn population(trust: &str) -> String {
        let document = PolicyDocument::from_json_text(trust.to_owned());
        let statement = &document.parsed().statements()[0];
        let provider = named_providers(statement)[0];
        assert!(admits(statement, &provider), "the statement admits its provider");
        describe_population(statement, &provider, &[])
    }

    fn trust(principal: &str, action: &str, condition: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{principal}"}},"Action":"{action}","Condition":{condition}}}]}}"#
        )
    }

    const GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
    const WEB: &str = "sts:AssumeRoleWithWebIdentity";

    #[test]
    fn github_populations_follow_the_sub_condition() {
        // IAM User Guide, "Configuring a role for GitHub OIDC identity provider".
        assert_eq!(
            population(&trust(
                GH,
                WEB,
                r#"{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:org/app:ref:refs/heads/main"}}"#
            )),
            "any GitHub Actions workflow of repository org/app on branch main"
        );
        assert_eq!(
            population(&trust(
                GH,
                WEB,
                r#"{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}"#
            )),
            "any GitHub Actions workflow of any repository on GitHub"
        );
        assert_eq!(
            population(&trust(
                GH,
                WEB,
                r#"{"StringLike":{"token.actions.githubusercontent.com:sub":["repo:org/app:environment:prod","repo:org/*"]}}"#
            )),
            "any GitHub Actions workflow of repository org/app in environment prod or any repository of org"
        );
        assert_eq!(
            population(&trust(
                GH,
                WEB,
                r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*"}}"#
            )),
            "any GitHub Actions workflow of any repository on GitHub"
        );
        assert_eq!(
            population(&trust(
                GH,
                WEB,
                r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:org*/app:*"}}"#
            )),
            "any GitHub Actions workflow of any repository on GitHub whose owner matches `org*`"
        );
        assert_eq!(
            github_subject("repo:org/app:ref:refs/tags/v*"),
            "repository org/app at a tag matching `v*`"
        );
        assert_eq!(
            github_subject("repo:org/app:pull_request"),
            "repository org/app for a pull request"
        );
        assert_eq!(github_subject("repo:org/app:*"), "repository org/app");
        // a negated subject is said as it is, not dropped
        assert_eq!(
            population(&trust(
                GH,
                WEB,
                r#"{"StringNotEquals":{"token.actions.githubusercontent.com:sub":"repo:evil/x:ref:refs/heads/main"}}"#
            )),
            "any GitHub Actions workflow of any repository on GitHub (and token.actions.githubusercontent.com:sub StringNotEquals repo:evil/x:ref:refs/heads/main)"
        );
    }

    #[test]
    fn well_known_and_saml_populations_name_the_app_and_the_provider() {
        // "Available keys for AWS web identity federation": aud, app_id.
        assert_eq!(
            population(&trust(
                "accounts.google.com",
                WEB,
                r#"{"StringEquals":{"accounts.google.com:aud":"123-web.apps.googleusercontent.com"}}"#
            )),
            "any Google user of client id 123-web.apps.googleusercontent.com"
        );
        assert_eq!(
            population(&trust(
                "graph.facebook.com",
                WEB,
                r#"{"StringEquals":{"graph.facebook.com:app_id":"42"}}"#
            )),
            "any Facebook user of app 42"
        );
        assert_eq!(
            population(&trust("www.amazon.com", WEB, "{}")),
            "any Login with Amazon user of any app"
        );
        assert_eq!(
            population(&trust(
                "cognito-identity.amazonaws.com",
                WEB,
                r#"{"StringEquals":{"cognito-identity.amazonaws.com:aud":"eu-west-1:p"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}"#
            )),
            "guest (unauthenticated) identities of identity pool eu-west-1:p"
        );
        assert_eq!(
            population(&trust("cognito-identity.amazonaws.com", WEB, "{}")),
            "identities of any Cognito identity pool, in any account"
        );
        assert_eq!(
            population(&trust(
                "arn:aws:iam::111122223333:saml-provider/CorpIdP",
                "sts:AssumeRoleWithSAML",
                r#"{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml","aws:SourceIp":"203.0.113.0/24"}}"#
            )),
            "any user of SAML provider CorpIdP (and aws:SourceIp StringEquals 203.0.113.0/24)"
        );
        assert_eq!(
            population(&trust(
                "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
                WEB,
                r#"{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:payments:api","oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com"}}"#
            )),
            "service account api in namespace payments of oidc.eks.eu-west-1.amazonaws.com/id/ABC for client sts.amazonaws.com"
        );
    }

    #[test]
    fn a_statement_for_another_action_admits_nobody_and_the_demo_names_its_populations() {
        let document = PolicyDocument::from_json_text(trust(GH, "sts:AssumeRole", "{}"));
        let statement = &document.parsed().statements()[0];
        assert!(!admits(statement, &named_providers(statement)[0]));
        let model = crate::io::load(&[], None).unwrap().model;
        let all = populations(&model);
        let github = all.iter().find(|p| p.role == "role/GitHubDeployRole").unwrap();
        assert_eq!(
            github.population,
            "any GitHub Actions workflow of repository iamscope-demo/photo-app on branch main"
        );
        assert_eq!(github.principal, "oidc/token.actions.githubusercontent.com");
        assert!(
            all.iter()
                .any(|p| p.role == "role/CorpDevelopers" && p.population == "any user of SAML provider CorpIdP")
        );
        assert!(
            all.iter()
                .any(|p| p.role == "role/PhotoAppGuestRole" && p.population.starts_with("guest"))
        );
    }
}
