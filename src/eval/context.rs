//! Who is asking, resolved against the account, and the condition keys a
//! request carries: those the caller gave, those AWS derives from the
//! principal ("AWS global condition context keys"), and defaults iamscope
//! assumes for keys every real request has (reported as assumptions).

use std::borrow::Cow;

use jiff::Timestamp;

use super::federation::{self, FederatedIdentity};
use super::request::Request;
use crate::model::{Arn, IdentityPool, Model, Role, Tag, User};

/// The principal of a request, resolved.
#[derive(Debug, Clone)]
pub enum Requester<'m> {
    /// The root user of the loaded account.
    Root,
    User {
        index: usize,
        user: &'m User,
    },
    /// A session of a role of the loaded account.
    RoleSession {
        index: usize,
        role: &'m Role,
        session: Cow<'m, str>,
        /// The session came from a Cognito identity pool.
        web_identity: Option<WebIdentity<'m>>,
        /// The session came from a SAML, OpenID Connect or well-known web
        /// identity provider (its claims are the request's).
        federated: Option<FederatedIdentity<'m>>,
    },
    /// An AWS service principal (`ec2.amazonaws.com`).
    Service {
        name: String,
    },
    /// A Cognito identity presenting its token to STS (AssumeRoleWithWebIdentity).
    WebIdentity(WebIdentity<'m>),
    /// A user of an external identity provider presenting its token or
    /// SAML assertion to STS.
    Federated(FederatedIdentity<'m>),
    /// A principal the export does not describe (another account's user or role).
    External {
        arn: Arn,
        kind: ExternalKind,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalKind {
    Root,
    User,
    Role,
    Session,
    Other,
}

/// An identity from a Cognito identity pool.
#[derive(Debug, Clone)]
pub struct WebIdentity<'m> {
    pub pool: &'m IdentityPool,
    pub authenticated: bool,
}

/// The provider name a Cognito identity pool's tokens carry.
pub const COGNITO_PROVIDER: &str = "cognito-identity.amazonaws.com";
/// The session name Cognito uses when it assumes a pool's role.
pub const COGNITO_SESSION: &str = "CognitoIdentityCredentials";
/// The session name of a role session when the request does not give one.
pub const DEFAULT_SESSION: &str = "iamscope";
const DEFAULT_REGION: &str = "us-east-1";

impl<'m> Requester<'m> {
    pub fn account<'a>(&'a self, model: &'a Model) -> Option<&'a str> {
        match self {
            Requester::Root | Requester::User { .. } | Requester::RoleSession { .. } => Some(&model.account().id),
            Requester::External { arn, .. } => Some(arn.account()),
            Requester::Service { .. } | Requester::WebIdentity(_) | Requester::Federated(_) => None,
        }
    }

    /// The principal ARN as AWS reports it in `aws:PrincipalArn`: a role
    /// session reports its role's ARN.
    pub fn principal_arn(&self, model: &Model) -> Option<String> {
        match self {
            Requester::Root => Some(model.account().root_arn()),
            Requester::User { user, .. } => Some(user.arn.to_string()),
            Requester::RoleSession { role, .. } => Some(role.arn.to_string()),
            Requester::External {
                kind: ExternalKind::Session,
                ..
            } => self.external_role_arn(),
            Requester::External { arn, .. } => Some(arn.to_string()),
            Requester::Service { .. } | Requester::WebIdentity(_) | Requester::Federated(_) => None,
        }
    }

    /// For a session of another account's role
    /// (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`), the role's ARN,
    /// `arn:aws:iam::ACCOUNT:role/ROLE`. The session ARN does not carry the
    /// role's path; the path is taken to be `/`.
    pub fn external_role_arn(&self) -> Option<String> {
        let Requester::External {
            arn,
            kind: ExternalKind::Session,
        } = self
        else {
            return None;
        };
        let role = self.external_role_name()?;
        Some(format!("arn:{}:iam::{}:role/{role}", arn.partition(), arn.account()))
    }

    /// The role name of another account's session ARN.
    pub fn external_role_name(&self) -> Option<&str> {
        match self {
            Requester::External {
                arn,
                kind: ExternalKind::Session,
            } => arn
                .resource()
                .strip_prefix("assumed-role/")?
                .split('/')
                .next()
                .filter(|name| !name.is_empty()),
            _ => None,
        }
    }

    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` for role sessions.
    pub fn session_arn(&self, model: &Model) -> Option<String> {
        match self {
            Requester::RoleSession { role, session, .. } => Some(format!(
                "arn:{}:sts::{}:assumed-role/{}/{}",
                role.arn.partition(),
                model.account().id,
                role.name,
                session
            )),
            Requester::External {
                arn,
                kind: ExternalKind::Session,
            } => Some(arn.to_string()),
            _ => None,
        }
    }

    /// Words for the explanation: `user alice`, `role DeployRole (session ci)`.
    pub fn describe(&self) -> String {
        match self {
            Requester::Root => "the root user".to_owned(),
            Requester::User { user, .. } => format!("user {}", user.name),
            Requester::RoleSession {
                role,
                web_identity: Some(w),
                ..
            } => format!(
                "role {} (as {} identity of pool {})",
                role.name,
                if w.authenticated {
                    "an authenticated"
                } else {
                    "an unauthenticated"
                },
                w.pool.name
            ),
            Requester::RoleSession {
                role,
                federated: Some(f),
                ..
            } => format!("role {} (as {})", role.name, f.describe()),
            Requester::RoleSession { role, session, .. } => {
                format!("role {} (session {session})", role.name)
            }
            Requester::Service { name } => format!("service {name}"),
            Requester::WebIdentity(w) => format!(
                "{} identity of identity pool {}",
                if w.authenticated {
                    "an authenticated"
                } else {
                    "an unauthenticated"
                },
                w.pool.name
            ),
            Requester::Federated(f) => f.describe(),
            Requester::External { arn, .. } => format!("{arn} (not in this export)"),
        }
    }

    pub fn tags(&self) -> &[Tag] {
        match self {
            Requester::User { user, .. } => &user.tags,
            Requester::RoleSession { role, .. } => &role.tags,
            _ => &[],
        }
    }

    pub fn is_service_linked_role(&self) -> bool {
        matches!(self, Requester::RoleSession { role, .. } if role.is_service_linked())
    }

    pub fn web_identity(&self) -> Option<&WebIdentity<'m>> {
        match self {
            Requester::WebIdentity(w) => Some(w),
            Requester::RoleSession { web_identity, .. } => web_identity.as_ref(),
            _ => None,
        }
    }

    /// The external identity provider's user behind the request, and
    /// whether it already holds the role's session (only some of its keys
    /// reach a session: "Available keys for AWS STS federation").
    pub fn federated(&self) -> Option<(&FederatedIdentity<'m>, bool)> {
        match self {
            Requester::Federated(f) => Some((f, false)),
            Requester::RoleSession { federated, .. } => federated.as_ref().map(|f| (f, true)),
            _ => None,
        }
    }
}

/// The values of one condition key.
#[derive(Debug, Clone)]
pub enum Values<'a> {
    One(Cow<'a, str>),
    Many(Cow<'a, [String]>),
}

impl Values<'_> {
    pub fn iter(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            Values::One(v) => Box::new(std::iter::once(v.as_ref())),
            Values::Many(vs) => Box::new(vs.iter().map(String::as_str)),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Values::One(_) => false,
            Values::Many(vs) => vs.is_empty(),
        }
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

/// Where a key's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// The caller gave it.
    Request,
    /// AWS derives it from the principal or the request itself.
    Derived,
    /// iamscope assumed a value a real request would carry, for this reason.
    Assumed(AssumedWhy),
}

/// Why iamscope filled in a key the request did not give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssumedWhy {
    /// Every real request carries the key; this is its usual value.
    UsualValue,
    /// A time key: taken from the request's time.
    RequestTime,
    /// The request named no role session; iamscope made up its name.
    InventedSessionName,
    /// The request went to the region the resource's ARN names.
    RegionFromResourceArn,
    /// The resource's ARN names no region; the default region is assumed.
    DefaultRegion,
    /// The resource's ARN names no account: the loaded account is assumed.
    ResourceAccount,
    /// Another account's role session: its role's path is not known.
    RolePathUnknown,
}

/// Every key iamscope may fill in with an assumed value, as AWS spells it.
pub const ASSUMABLE_KEYS: [&str; 11] = [
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:SecureTransport",
    "aws:ViaAWSService",
    "aws:RequestedRegion",
    "aws:ResourceAccount",
    "aws:MultiFactorAuthPresent",
    "aws:TokenIssueTime",
    "aws:userid",
    "aws:PrincipalArn",
    "cognito-identity.amazonaws.com:sub",
];

/// The key's spelling in AWS's documentation, for a key given in any case.
pub fn canonical_key(key: &str) -> Option<&'static str> {
    ASSUMABLE_KEYS.iter().copied().find(|k| k.eq_ignore_ascii_case(key))
}

/// Everything condition evaluation may look up.
pub struct Env<'a> {
    pub model: &'a Model,
    pub request: &'a Request,
    pub requester: &'a Requester<'a>,
    pub now: Timestamp,
    /// The action's service prefix (`s3` in `s3:GetObject`), and its hash.
    pub service: &'a str,
    pub service_hash: u64,
    /// Resource's region, if its ARN has one.
    resource_region: &'a str,
    resource_account: Cow<'a, str>,
    resource_account_assumed: bool,
    /// Which of [`ASSUMABLE_KEYS`] were looked up and assumed (a bit each).
    assumed_used: std::cell::Cell<u32>,
}

/// An ARN's region and account fields (`arn:partition:service:region:account:resource`),
/// empty when the text is no ARN or has fewer fields. One pass over the
/// bytes up to the fifth colon: every request asks it.
fn region_and_account(resource: &str) -> (&str, &str) {
    if !resource.starts_with("arn:") {
        return ("", "");
    }
    // Where fields 1 to 5 start (field 0 is `arn`), and how many colons there are up to the fifth.
    let mut starts = [0usize; 6];
    let mut field = 0;
    for (i, b) in resource.bytes().enumerate() {
        if b == b':' {
            field += 1;
            starts[field] = i + 1;
            if field == 5 {
                break;
            }
        }
    }
    // No service field: not an ARN to read fields from.
    if field < 2 {
        return ("", "");
    }
    let text = |n: usize| -> &str {
        if n > field {
            return "";
        }
        // A field ends at the next colon; the last one read, at the end.
        let end = if n < field { starts[n + 1] - 1 } else { resource.len() };
        &resource[starts[n]..end]
    };
    (text(3), text(4))
}

impl<'a> Env<'a> {
    pub fn new(model: &'a Model, request: &'a Request, requester: &'a Requester<'a>) -> Env<'a> {
        let now = request.time;
        let (resource_region, resource_account) = region_and_account(&request.resource);
        // S3 ARNs name no account: the resource is taken to be the loaded
        // account's unless the caller says otherwise (aws:ResourceAccount).
        let (resource_account, assumed) = match request.context.get_lower("aws:resourceaccount") {
            Some([account]) => (Cow::Owned(account.clone()), false),
            _ if !resource_account.is_empty() && resource_account != "aws" && !resource_account.contains('*') => {
                (Cow::Borrowed(resource_account), false)
            }
            _ => (Cow::Borrowed(model.account().id.as_str()), true),
        };
        Env {
            model,
            request,
            requester,
            now,
            service: request.service(),
            service_hash: crate::policy::service_hash(request.service()),
            resource_region,
            resource_account,
            resource_account_assumed: assumed,
            assumed_used: std::cell::Cell::new(0),
        }
    }

    /// A time key is derived when the caller gave the request's time (or
    /// one of the time keys), assumed when it is the caller's clock.
    fn time_source(&self) -> KeySource {
        if self.request.time_given {
            KeySource::Derived
        } else {
            KeySource::Assumed(AssumedWhy::RequestTime)
        }
    }

    pub fn resource_account(&self) -> &str {
        &self.resource_account
    }

    pub fn resource_account_assumed(&self) -> bool {
        self.resource_account_assumed
    }

    /// A key's values, by lower-cased name: the caller's first, then derived, then assumed.
    pub fn get(&self, key_lower: &str) -> Option<Values<'_>> {
        self.lookup(key_lower).map(|(v, _)| v)
    }

    pub fn lookup(&self, key_lower: &str) -> Option<(Values<'_>, KeySource)> {
        if let Some(values) = self.request.context.get_lower(key_lower) {
            return Some((Values::Many(Cow::Borrowed(values)), KeySource::Request));
        }
        if let Some((identity, in_session)) = self.requester.federated()
            && let Some(values) = federation::claim_values(identity, &self.request.claims, key_lower, in_session)
        {
            return Some((values, KeySource::Request));
        }
        let found = self.derived(key_lower);
        if let Some((_, KeySource::Assumed(_))) = &found
            && let Some(bit) = ASSUMABLE_KEYS.iter().position(|k| k.eq_ignore_ascii_case(key_lower))
        {
            self.assumed_used.set(self.assumed_used.get() | 1 << bit);
        }
        found
    }

    /// The assumed keys the evaluation consulted, with their values and
    /// why, in the table's order.
    pub fn consulted_assumptions(&self) -> Vec<(&'static str, Vec<String>, AssumedWhy)> {
        let used = self.assumed_used.get();
        ASSUMABLE_KEYS
            .iter()
            .enumerate()
            .filter(|(bit, _)| used & (1 << bit) != 0)
            .filter_map(|(_, key)| match self.derived(&key.to_ascii_lowercase())? {
                (values, KeySource::Assumed(why)) => Some((*key, values.to_vec(), why)),
                _ => None,
            })
            .collect()
    }

    /// One value, for policy variables (multi-valued keys cannot be variables).
    pub fn single(&self, key_lower: &str) -> Option<Cow<'_, str>> {
        match self.get(key_lower)? {
            Values::One(v) => Some(v),
            Values::Many(Cow::Borrowed(vs)) if vs.len() == 1 => Some(Cow::Borrowed(vs[0].as_str())),
            Values::Many(Cow::Owned(vs)) if vs.len() == 1 => Some(Cow::Owned(vs[0].clone())),
            Values::Many(_) => None,
        }
    }

    fn derived(&self, key: &str) -> Option<(Values<'_>, KeySource)> {
        use AssumedWhy::*;
        use KeySource::{Assumed, Derived};
        if self.request.assume == super::request::Assume::None {
            return None;
        }
        let one = |v: Cow<'a, str>, source| Some((Values::One(v), source));
        let b = |s: &'a str| Cow::Borrowed(s);
        let r = self.requester;
        let account = &self.model.account().id;
        match key {
            "aws:username" => match r {
                Requester::User { user, .. } => one(b(&user.name), Derived),
                // Another account's IAM user: its name is the ARN's last part
                // (the key is present for every IAM user, "aws:username").
                Requester::External {
                    arn,
                    kind: ExternalKind::User,
                } => arn
                    .resource()
                    .rsplit('/')
                    .next()
                    .filter(|n| !n.is_empty())
                    .and_then(|n| one(Cow::Owned(n.to_owned()), Derived)),
                _ => None,
            },
            "aws:userid" => match r {
                Requester::User { user, .. } => one(b(&user.id), Derived),
                Requester::RoleSession { role, session, .. } => one(
                    Cow::Owned(format!("{}:{session}", role.id)),
                    if session.as_ref() == DEFAULT_SESSION {
                        Assumed(InventedSessionName)
                    } else {
                        Derived
                    },
                ),
                Requester::Root => one(b(account), Derived),
                _ => None,
            },
            "aws:principalarn" => self.requester.principal_arn(self.model).and_then(|a| {
                // Another account's session: its role's path is not known.
                let source = match r {
                    Requester::External {
                        kind: ExternalKind::Session,
                        ..
                    } => Assumed(RolePathUnknown),
                    _ => Derived,
                };
                one(Cow::Owned(a), source)
            }),
            "aws:principalaccount" => self.requester.account(self.model).and_then(|a| one(b(a), Derived)),
            "aws:principaltype" => match r {
                Requester::Root => one(b("Account"), Derived),
                Requester::User { .. } => one(b("User"), Derived),
                Requester::RoleSession { .. } => one(b("AssumedRole"), Derived),
                Requester::External { kind, .. } => one(
                    b(match kind {
                        ExternalKind::Root => "Account",
                        ExternalKind::User => "User",
                        _ => "AssumedRole",
                    }),
                    Derived,
                ),
                _ => None,
            },
            "aws:principalisawsservice" => match r {
                Requester::WebIdentity(_) | Requester::Federated(_) => None,
                Requester::Service { .. } => one(b("true"), Derived),
                _ => one(b("false"), Derived),
            },
            "aws:principalservicename" => match r {
                Requester::Service { name } => one(b(name), Derived),
                _ => None,
            },
            // The request's time (which follows a given aws:CurrentTime or
            // aws:EpochTime, so the two always agree).
            "aws:currenttime" => one(Cow::Owned(self.now.to_string()), self.time_source()),
            "aws:epochtime" => one(Cow::Owned(self.now.as_second().to_string()), self.time_source()),
            "aws:securetransport" => one(b("true"), Assumed(UsualValue)),
            "aws:viaawsservice" => one(b("false"), Assumed(UsualValue)),
            "aws:requestedregion" => {
                if self.resource_region.is_empty() || self.resource_region.contains('*') {
                    one(b(DEFAULT_REGION), Assumed(DefaultRegion))
                } else {
                    one(b(self.resource_region), Assumed(RegionFromResourceArn))
                }
            }
            "aws:resourceaccount" => one(
                Cow::Owned(self.resource_account.to_string()),
                if self.resource_account_assumed {
                    Assumed(ResourceAccount)
                } else {
                    Derived
                },
            ),
            // Present only for temporary credentials: a role session has it
            // (false unless the caller says the session used MFA); an IAM
            // user's long-term access key request does not ("aws:MultiFactorAuthPresent").
            "aws:multifactorauthpresent" => match r {
                Requester::RoleSession { .. } => one(b("false"), Assumed(UsualValue)),
                _ => None,
            },
            // A session's credentials were issued no later than the request
            // that uses them: the request's own time is assumed.
            "aws:tokenissuetime" => match r {
                Requester::RoleSession { .. } => one(Cow::Owned(self.now.to_string()), Assumed(RequestTime)),
                _ => None,
            },
            "aws:federatedprovider" => r.web_identity().and_then(|_| one(b(COGNITO_PROVIDER), Derived)),
            "cognito-identity.amazonaws.com:aud" => r.web_identity().and_then(|w| one(b(&w.pool.id), Derived)),
            "cognito-identity.amazonaws.com:amr" => r.web_identity().map(|w| {
                let mut amr = Vec::new();
                if w.authenticated {
                    amr.push("authenticated".to_owned());
                    amr.extend(w.pool.providers.iter().map(|p| p.provider_name.clone()));
                } else {
                    amr.push("unauthenticated".to_owned());
                }
                (Values::Many(Cow::Owned(amr)), Derived)
            }),
            // "The concatenation of the account ID and friendly name of the
            // SAML provider" ("Available keys for SAML-based AWS STS
            // federation", saml:doc): in the trust policy, not the assertion.
            "saml:doc" => match r {
                Requester::Federated(f) => f.saml_doc().and_then(|doc| one(Cow::Owned(doc), Derived)),
                _ => None,
            },
            "cognito-identity.amazonaws.com:sub" => r.web_identity().and_then(|w| {
                let region = w.pool.id.split(':').next().unwrap_or("us-east-1");
                one(
                    Cow::Owned(format!("{region}:00000000-0000-4000-8000-000000000000")),
                    Assumed(UsualValue),
                )
            }),
            _ => {
                let tag = key.strip_prefix("aws:principaltag/")?;
                r.tags()
                    .iter()
                    .find(|t| t.key.eq_ignore_ascii_case(tag))
                    .map(|t| (Values::One(b(t.value.as_str())), Derived))
            }
        }
    }
}

/// Resolve the principal a request names.
pub fn resolve<'m>(model: &'m Model, spec: &super::request::PrincipalSpec) -> Result<Requester<'m>, String> {
    use super::request::PrincipalSpec;
    let account = model.account();
    let list = |names: Vec<&str>| {
        let mut names = names;
        names.sort_unstable();
        let shown: Vec<&str> = names.iter().take(12).copied().collect();
        if names.is_empty() {
            "there are none".to_owned()
        } else if names.len() > shown.len() {
            format!("there are {}, e.g. {}", names.len(), shown.join(", "))
        } else {
            format!("there are: {}", shown.join(", "))
        }
    };
    match spec {
        PrincipalSpec::Root => Ok(Requester::Root),
        PrincipalSpec::User(name) => model
            .index()
            .user(name)
            .map(|index| Requester::User {
                index,
                user: &account.users[index],
            })
            .ok_or_else(|| {
                format!(
                    "account {} has no user named {name} ({})",
                    account.id,
                    list(account.users.iter().map(|u| u.name.as_str()).collect())
                )
            }),
        PrincipalSpec::Role { name, session } => model
            .index()
            .role(name)
            .map(|index| Requester::RoleSession {
                index,
                role: &account.roles[index],
                session: session.clone().map_or(Cow::Borrowed(DEFAULT_SESSION), Cow::Owned),
                web_identity: None,
                federated: None,
            })
            .ok_or_else(|| {
                format!(
                    "account {} has no role named {name} ({})",
                    account.id,
                    list(account.roles.iter().map(|r| r.name.as_str()).collect())
                )
            }),
        PrincipalSpec::IdentityPool { id, authenticated } => model
            .identity_pool(id)
            .map(|pool| {
                Requester::WebIdentity(WebIdentity {
                    pool,
                    authenticated: *authenticated,
                })
            })
            .ok_or_else(|| {
                format!(
                    "account {} has no identity pool with id {id} ({})",
                    account.id,
                    list(account.identity_pools.iter().map(|p| p.id.as_str()).collect())
                )
            }),
        PrincipalSpec::Service(name) => Ok(Requester::Service { name: name.clone() }),
        PrincipalSpec::Federated(spec) => Ok(Requester::Federated(FederatedIdentity::resolve(model, spec))),
        PrincipalSpec::Arn(text) => {
            let arn = Arn::parse(text).map_err(|e| e.to_string())?;
            if arn.account() == account.id {
                if arn.service() == "iam" && arn.resource() == "root" {
                    return Ok(Requester::Root);
                }
                if let Some(entity) = model.index().principal_by_arn(arn.as_str()) {
                    return Ok(match entity {
                        crate::model::PrincipalEntity::User(index) => Requester::User {
                            index,
                            user: &account.users[index],
                        },
                        crate::model::PrincipalEntity::Role(index) => Requester::RoleSession {
                            index,
                            role: &account.roles[index],
                            session: Cow::Borrowed(DEFAULT_SESSION),
                            web_identity: None,
                            federated: None,
                        },
                    });
                }
                // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
                if arn.service() == "sts"
                    && let Some(rest) = arn.resource().strip_prefix("assumed-role/")
                    && let Some((role_name, session)) = rest.split_once('/')
                    && let Some(index) = model.index().role(role_name)
                {
                    return Ok(Requester::RoleSession {
                        index,
                        role: &account.roles[index],
                        session: Cow::Owned(session.to_owned()),
                        web_identity: None,
                        federated: None,
                    });
                }
                if arn.service() == "iam" && arn.resource_type() == "group" {
                    // IAM user guide, "IAM identifiers" / groups: a group is not an
                    // identity that can make requests; its members do.
                    return Err(format!(
                        "{arn} is a group, and a group is never a principal: requests are made by its users (ask as user/NAME)"
                    ));
                }
                return Err(format!(
                    "{arn} is in account {} but the export has no such principal",
                    account.id
                ));
            }
            let kind = match (arn.service(), arn.resource_type(), arn.resource()) {
                ("iam", _, "root") => ExternalKind::Root,
                ("iam", "user", _) => ExternalKind::User,
                ("iam", "role", _) => ExternalKind::Role,
                ("sts", "assumed-role", _) => ExternalKind::Session,
                _ => ExternalKind::Other,
            };
            Ok(Requester::External { arn, kind })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn an_arns_region_and_account_are_what_splitting_on_colons_gives(resource in r"(arn)?[:a-z0-9*/]{0,24}") {
            let mut parts = resource.splitn(6, ':');
            let split = match (parts.next(), parts.next(), parts.next()) {
                (Some("arn"), Some(_), Some(_)) => (parts.next().unwrap_or(""), parts.next().unwrap_or("")),
                _ => ("", ""),
            };
            proptest::prop_assert_eq!(region_and_account(&resource), split, "{}", resource);
        }
    }
}
