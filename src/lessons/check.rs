//! What a "do" step asks of the account, checked against the model and the
//! engine: the same engine the inspector uses, so a lesson cannot pass on a
//! rule iamscope does not apply.

use serde::{Deserialize, Serialize};

use crate::eval::{ContextSpec, Decision, RequestSpec};
use crate::model::change::ROOT;
use crate::model::{Credentials, Model};

/// One thing a step checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Check {
    /// The engine allows the request.
    Allowed {
        principal: String,
        action: String,
        resource: String,
        #[serde(default, skip_serializing_if = "ContextSpec::is_empty")]
        context: ContextSpec,
        /// A federated principal's claims (`sub`, `aud`, …).
        #[serde(default, skip_serializing_if = "ContextSpec::is_empty")]
        claims: ContextSpec,
        /// The role a federated principal assumes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    /// The engine does not allow it (explicitly or implicitly).
    Denied {
        principal: String,
        action: String,
        resource: String,
        #[serde(default, skip_serializing_if = "ContextSpec::is_empty")]
        context: ContextSpec,
        /// A federated principal's claims (`sub`, `aud`, …).
        #[serde(default, skip_serializing_if = "ContextSpec::is_empty")]
        claims: ContextSpec,
        /// The role a federated principal assumes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    /// A Deny statement decides it.
    ExplicitlyDenied {
        principal: String,
        action: String,
        resource: String,
        #[serde(default, skip_serializing_if = "ContextSpec::is_empty")]
        context: ContextSpec,
        /// A federated principal's claims (`sub`, `aud`, …).
        #[serde(default, skip_serializing_if = "ContextSpec::is_empty")]
        claims: ContextSpec,
        /// The role a federated principal assumes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    UserExists {
        user: String,
    },
    UserAbsent {
        user: String,
    },
    GroupExists {
        group: String,
    },
    RoleExists {
        role: String,
    },
    RoleAbsent {
        role: String,
    },
    InGroup {
        user: String,
        group: String,
    },
    NotInGroup {
        user: String,
        group: String,
    },
    /// No managed or inline policy attached to the user itself (groups are fine).
    NoDirectPolicies {
        user: String,
    },
    /// `to` is `user/NAME`, `group/NAME` or `role/NAME`; `policy` a managed
    /// policy's name or ARN.
    Attached {
        to: String,
        policy: String,
    },
    NotAttached {
        to: String,
        policy: String,
    },
    HasBoundary {
        to: String,
    },
    /// `user` is a user's name or `root`.
    AccessKeysAtMost {
        user: String,
        count: usize,
    },
    ActiveAccessKeysAtMost {
        user: String,
        count: usize,
    },
}

impl Check {
    /// The check as a learner reads it.
    pub fn describe(&self) -> String {
        match self {
            Check::Allowed { .. } | Check::Denied { .. } | Check::ExplicitlyDenied { .. } => {
                let request = self.request().unwrap_or_else(|| RequestSpec::new("", "", ""));
                let who = who_asks(&request);
                let (action, resource, context) = (&request.action, &request.resource, request.context.describe());
                match self {
                    Check::Allowed { .. } => format!("{who} can {action} on {resource}{context}"),
                    Check::Denied { .. } => format!("{who} cannot {action} on {resource}{context}"),
                    _ => format!("a Deny statement stops {who} from {action} on {resource}{context}"),
                }
            }
            Check::UserExists { user } => format!("user {user} exists"),
            Check::UserAbsent { user } => format!("there is no user {user}"),
            Check::GroupExists { group } => format!("group {group} exists"),
            Check::RoleExists { role } => format!("role {role} exists"),
            Check::RoleAbsent { role } => format!("there is no role {role}"),
            Check::InGroup { user, group } => format!("{user} is in group {group}"),
            Check::NotInGroup { user, group } => format!("{user} is not in group {group}"),
            Check::NoDirectPolicies { user } => {
                format!("{user} has no policy of its own (its permissions come from groups)")
            }
            Check::Attached { to, policy } => format!("{policy} is attached to {to}"),
            Check::NotAttached { to, policy } => format!("{policy} is not attached to {to}"),
            Check::HasBoundary { to } => format!("{to} has a permissions boundary"),
            Check::AccessKeysAtMost { user, count: 0 } => format!("{} has no access keys", who(user)),
            Check::AccessKeysAtMost { user, count } => format!("{} has at most {count} access keys", who(user)),
            Check::ActiveAccessKeysAtMost { user, count: 0 } => format!("{} has no active access key", who(user)),
            Check::ActiveAccessKeysAtMost { user, count } => {
                format!("{} has at most {count} active access keys", who(user))
            }
        }
    }

    /// Whether the account passes; an error when the check cannot be
    /// evaluated at all (a malformed principal, say).
    pub fn evaluate(&self, model: &Model, now: jiff::Timestamp) -> Result<bool, String> {
        Ok(match self {
            Check::Allowed { .. } => self.decide(model, now)? == Decision::Allow,
            Check::Denied { .. } => self.decide(model, now)? != Decision::Allow,
            Check::ExplicitlyDenied { .. } => self.decide(model, now)? == Decision::ExplicitDeny,
            Check::UserExists { user } => model.user(user).is_some(),
            Check::UserAbsent { user } => model.user(user).is_none(),
            Check::GroupExists { group } => model.group(group).is_some(),
            Check::RoleExists { role } => model.role(role).is_some(),
            Check::RoleAbsent { role } => model.role(role).is_none(),
            Check::InGroup { user, group } => model.user(user).is_some_and(|u| u.groups.iter().any(|g| g == group)),
            Check::NotInGroup { user, group } => !model.user(user).is_some_and(|u| u.groups.iter().any(|g| g == group)),
            Check::NoDirectPolicies { user } => {
                let u = model.user(user).ok_or_else(|| format!("there is no user {user}"))?;
                u.attached_policies.is_empty() && u.inline_policies.is_empty()
            }
            Check::Attached { to, policy } => attached(model, to, policy)?,
            Check::NotAttached { to, policy } => !attached(model, to, policy)?,
            Check::HasBoundary { to } => match holder(to)? {
                ("user", n) => model.user(n).is_some_and(|u| u.permissions_boundary.is_some()),
                ("role", n) => model.role(n).is_some_and(|r| r.permissions_boundary.is_some()),
                _ => return Err(format!("`{to}`: only users and roles have permissions boundaries")),
            },
            Check::AccessKeysAtMost { user, count } => {
                credentials(model, user)?.map_or(0, |c| c.access_keys.len()) <= *count
            }
            Check::ActiveAccessKeysAtMost { user, count } => {
                credentials(model, user)?.map_or(0, Credentials::active_access_keys) <= *count
            }
        })
    }

    /// The request a check asks the engine about, if it is one.
    pub fn request(&self) -> Option<RequestSpec> {
        match self {
            Check::Allowed {
                principal,
                action,
                resource,
                context,
                claims,
                role,
            }
            | Check::Denied {
                principal,
                action,
                resource,
                context,
                claims,
                role,
            }
            | Check::ExplicitlyDenied {
                principal,
                action,
                resource,
                context,
                claims,
                role,
            } => Some(RequestSpec {
                context: context.clone(),
                claims: claims.clone(),
                role: role.clone(),
                ..RequestSpec::new(principal, action, resource)
            }),
            _ => None,
        }
    }

    fn decide(&self, model: &Model, now: jiff::Timestamp) -> Result<Decision, String> {
        let request = self.request().ok_or("this check asks no request")?;
        decide(&request, model, now)
    }
}

/// AWS's decision for a lesson's request, from the engine.
pub fn decide(request: &RequestSpec, model: &Model, now: jiff::Timestamp) -> Result<Decision, String> {
    let request = request.to_request(now).map_err(|e| e.to_string())?;
    crate::eval::decide(model, &request)
        .map(|o| o.decision)
        .map_err(|e| e.to_string())
}

/// The principal of a check's request, with its claims and role when it
/// has them: `oidc/… with claims sub = repo:… as role GitHubDeployRole`.
fn who_asks(request: &RequestSpec) -> String {
    let claims = request.claims.describe();
    let claims = match claims.strip_prefix(" with ") {
        Some(list) => format!(" with claims {list}"),
        None => claims,
    };
    let role = request
        .role
        .as_ref()
        .map(|r| format!(" through role {r}"))
        .unwrap_or_default();
    format!("{}{claims}{role}", request.principal)
}

fn who(user: &str) -> String {
    if user == "root" || user == ROOT {
        "the root user".to_owned()
    } else {
        user.to_owned()
    }
}

fn holder(to: &str) -> Result<(&str, &str), String> {
    match to.split_once('/') {
        Some((kind @ ("user" | "group" | "role"), name)) if !name.is_empty() => Ok((kind, name)),
        _ => Err(format!("`{to}` is not user/NAME, group/NAME or role/NAME")),
    }
}

fn attached(model: &Model, to: &str, policy: &str) -> Result<bool, String> {
    let list = match holder(to)? {
        ("user", n) => model.user(n).map(|u| &u.attached_policies),
        ("group", n) => model.group(n).map(|g| &g.attached_policies),
        (_, n) => model.role(n).map(|r| &r.attached_policies),
    };
    Ok(list.is_some_and(|l| l.iter().any(|p| p.name == policy || p.arn == policy)))
}

fn credentials<'a>(model: &'a Model, user: &str) -> Result<Option<&'a Credentials>, String> {
    if user == "root" || user == ROOT {
        return Ok(model.account().root.credentials.as_ref());
    }
    let u = model.user(user).ok_or_else(|| format!("there is no user {user}"))?;
    Ok(u.credentials.as_ref())
}
