//! The explanation of a decision: each stage of the pipeline with its
//! verdict, each policy with where it came from, each statement with whether
//! it applied and, if not, precisely why; the keys the request lacked; what
//! iamscope assumed; and one sentence a learner can follow.
//!
//! This is the project's central vocabulary: the CLI prints it, the inspector
//! draws it, the editor's impact preview and the lessons read it.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::Serialize;

use super::context::{AssumedWhy, KeySource};
use super::engine::{Basis, Decision, Facts, Outcome, PolicyRef, Run, StatementRef, Trace};
use super::matching::{Miss, PrincipalMatch};
use crate::model::{EntityRef, Holder, Model};
use crate::policy::{Effect, PolicyKind, Statement};

/// Where a policy came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PolicySource {
    /// An inline policy of a user, group or role.
    Inline {
        holder: Holder,
        name: String,
    },
    /// A managed policy attached to the principal, or to `via` (a group).
    Managed {
        name: String,
        arn: String,
        /// The group it comes through.
        via: Option<String>,
        aws_managed: bool,
    },
    PermissionsBoundary {
        name: String,
        arn: String,
    },
    ServiceControlPolicy {
        name: String,
        /// Where it is attached, in words (`OU ou-ab12-cdef3456`).
        target: String,
        #[serde(skip)]
        target_id: Option<String>,
    },
    ResourceControlPolicy {
        name: String,
        target: String,
        #[serde(skip)]
        target_id: Option<String>,
    },
    ResourcePolicy {
        resource_arn: String,
    },
    TrustPolicy {
        role: String,
    },
    SessionPolicy {
        name: String,
    },
}

impl PolicySource {
    /// `DevelopersS3Read (via group Developers)`.
    pub fn label(&self) -> String {
        // Built by pushing, not `format!`: explanations make many of these.
        let (kind, holder) = match self {
            PolicySource::Inline { holder, .. } => match holder {
                Holder::User(n) => ("user ", n.as_str()),
                Holder::Group(n) => ("group ", n.as_str()),
                Holder::Role(n) => ("role ", n.as_str()),
            },
            _ => ("", ""),
        };
        let parts: [&str; 5] = match self {
            PolicySource::Inline { name, .. } => [name, " (inline, ", kind, holder, ")"],
            PolicySource::Managed {
                name, via: Some(group), ..
            } => [name, " (via group ", group, ")", ""],
            PolicySource::Managed {
                name,
                via: None,
                aws_managed: true,
                ..
            } => [name, " (AWS managed)", "", "", ""],
            PolicySource::Managed { name, via: None, .. } => [name, "", "", "", ""],
            PolicySource::PermissionsBoundary { name, .. } => [name, " (permissions boundary)", "", "", ""],
            PolicySource::ServiceControlPolicy { name, target, .. } => [name, " (SCP at ", target, ")", ""],
            PolicySource::ResourceControlPolicy { name, target, .. } => [name, " (RCP at ", target, ")", ""],
            PolicySource::ResourcePolicy { resource_arn } => ["resource policy of ", resource_arn, "", "", ""],
            PolicySource::TrustPolicy { role } => ["trust policy of role ", role, "", "", ""],
            PolicySource::SessionPolicy { name } => [name, " (session policy)", "", "", ""],
        };
        let mut label = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        for part in parts {
            label.push_str(part);
        }
        label
    }

    /// What kind of policy it is.
    pub fn kind(&self) -> PolicyKind {
        match self {
            PolicySource::Inline { .. } | PolicySource::Managed { .. } => PolicyKind::Identity,
            PolicySource::PermissionsBoundary { .. } => PolicyKind::Boundary,
            PolicySource::ServiceControlPolicy { .. } => PolicyKind::Scp,
            PolicySource::ResourceControlPolicy { .. } => PolicyKind::Rcp,
            PolicySource::ResourcePolicy { .. } => PolicyKind::Resource,
            PolicySource::TrustPolicy { .. } => PolicyKind::Trust,
            PolicySource::SessionPolicy { .. } => PolicyKind::Session,
        }
    }

    /// The policy in the account, to open it (session policies are not in
    /// the account: they came with the request).
    pub fn entity(&self) -> Option<EntityRef> {
        Some(match self {
            PolicySource::Inline { holder, name } => EntityRef::InlinePolicy {
                holder: holder.clone(),
                name: name.clone(),
            },
            PolicySource::Managed { arn, .. } | PolicySource::PermissionsBoundary { arn, .. } => {
                EntityRef::managed_policy(arn.clone())
            }
            PolicySource::ServiceControlPolicy { name, target_id, .. } => EntityRef::Scp {
                name: name.clone(),
                target: target_id.clone(),
            },
            PolicySource::ResourceControlPolicy { name, target_id, .. } => EntityRef::Rcp {
                name: name.clone(),
                target: target_id.clone(),
            },
            PolicySource::ResourcePolicy { resource_arn } => EntityRef::ResourcePolicy {
                resource_arn: resource_arn.clone(),
            },
            PolicySource::TrustPolicy { role } => EntityRef::TrustPolicy { role: role.clone() },
            PolicySource::SessionPolicy { .. } => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StageKind {
    ResourceControlPolicies,
    ServiceControlPolicies,
    ResourceBasedPolicies,
    IdentityBasedPolicies,
    PermissionsBoundary,
    SessionPolicies,
}

impl StageKind {
    pub fn title(self) -> &'static str {
        match self {
            StageKind::ResourceControlPolicies => "Resource control policies",
            StageKind::ServiceControlPolicies => "Service control policies",
            StageKind::ResourceBasedPolicies => "Resource-based policies",
            StageKind::IdentityBasedPolicies => "Identity-based policies",
            StageKind::PermissionsBoundary => "Permissions boundary",
            StageKind::SessionPolicies => "Session policies",
        }
    }
}

/// Why one statement did not apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "element", rename_all = "kebab-case")]
pub enum MissInfo {
    /// The statement's patterns for the request's service (or its first few
    /// when none are), and how many others it has.
    Action {
        negated: bool,
        patterns: Vec<Arc<str>>,
        others: usize,
    },
    Resource {
        negated: bool,
        patterns: Vec<Arc<str>>,
    },
    Principal {
        negated: bool,
        principals: Vec<String>,
    },
    Condition {
        operator: Arc<str>,
        key: Arc<str>,
        policy_values: Vec<Arc<str>>,
        /// `None`: the request has no such key.
        request_values: Option<Vec<String>>,
    },
    Invalid,
}

/// At most a few items, then how many more: long action lists stay readable.
pub fn short_list<T: AsRef<str>>(items: &[T]) -> String {
    const SHOWN: usize = 5;
    let join = |items: &[T]| items.iter().map(|i| i.as_ref()).collect::<Vec<_>>().join(", ");
    if items.len() <= SHOWN + 1 {
        return join(items);
    }
    format!("{}, … and {} more", join(&items[..SHOWN]), items.len() - SHOWN)
}

fn with_others(patterns: &[Arc<str>], others: usize) -> String {
    match others {
        0 => short_list(patterns),
        n if patterns.is_empty() => format!("{n} actions"),
        n => format!("{} and {n} other actions", short_list(patterns)),
    }
}

impl MissInfo {
    /// What the statement asked for, without the verdict (which the short
    /// reason gives): `statement covers s3:Get*, s3:List*`.
    pub fn detail(&self) -> String {
        match self {
            MissInfo::Action {
                negated: false,
                patterns,
                others,
            } => format!("statement covers {}", with_others(patterns, *others)),
            MissInfo::Action {
                negated: true,
                patterns,
                others,
            } => format!("NotAction lists {}", with_others(patterns, *others)),
            MissInfo::Resource {
                negated: false,
                patterns,
            } => format!("statement covers {}", short_list(patterns)),
            MissInfo::Resource {
                negated: true,
                patterns,
            } => format!("NotResource lists {}", short_list(patterns)),
            MissInfo::Principal {
                negated: false,
                principals,
            } => format!("statement names {}", short_list(principals)),
            MissInfo::Principal { negated: true, .. } => "NotPrincipal lists this principal".to_owned(),
            MissInfo::Condition {
                operator,
                key,
                policy_values,
                request_values,
            } => {
                let wanted = format!("{key} {operator} [{}]", short_list(policy_values));
                match request_values {
                    None => format!("{wanted}: the request has no {key}"),
                    Some(values) => format!("{wanted}: the request has {key} = {}", values.join(", ")),
                }
            }
            MissInfo::Invalid => "see the policy's diagnostics; AWS would refuse it".to_owned(),
        }
    }

    /// A short phrase: `action not matched (statement covers s3:Get*, s3:List*)`.
    pub fn describe(&self) -> String {
        match self {
            MissInfo::Action {
                negated: false,
                patterns,
                others,
            } => format!(
                "action not matched (statement covers {})",
                with_others(patterns, *others)
            ),
            MissInfo::Action {
                negated: true,
                patterns,
                others,
            } => format!("action excluded by NotAction ({})", with_others(patterns, *others)),
            MissInfo::Resource {
                negated: false,
                patterns,
            } => format!("resource not matched (statement covers {})", short_list(patterns)),
            MissInfo::Resource {
                negated: true,
                patterns,
            } => format!("resource excluded by NotResource ({})", short_list(patterns)),
            MissInfo::Principal {
                negated: false,
                principals,
            } => format!("principal not named (statement names {})", short_list(principals)),
            MissInfo::Principal { negated: true, .. } => "principal excluded by NotPrincipal".to_owned(),
            MissInfo::Condition {
                operator,
                key,
                policy_values,
                request_values,
            } => {
                let wanted = format!("{key} {operator} [{}]", short_list(policy_values));
                match request_values {
                    None => format!("condition {wanted} is false: the request has no {key}"),
                    Some(values) => format!(
                        "condition {wanted} is false: the request has {key} = {}",
                        values.join(", ")
                    ),
                }
            }
            MissInfo::Invalid => "statement is invalid (see the policy's diagnostics); AWS would refuse it".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementTrace {
    /// Position in the policy (0-based).
    pub index: usize,
    pub sid: Option<Arc<str>>,
    /// Sid, or `#2`.
    pub label: Arc<str>,
    pub effect: Effect,
    /// Line of the statement in the policy's text (1-based).
    pub line: usize,
    pub matched: bool,
    /// This statement decided the request.
    pub deciding: bool,
    /// For resource-based statements that matched: how they named the requester.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_match: Option<PrincipalMatch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub miss: Option<MissInfo>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyTrace {
    pub source: PolicySource,
    pub statements: Vec<StatementTrace>,
}

impl PolicyTrace {
    /// `DevelopersS3Read (via group Developers)`: made when shown, not when
    /// explaining (most explanations are read by a program, or not at all).
    pub fn label(&self) -> String {
        self.source.label()
    }
}

impl Serialize for PolicyTrace {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("PolicyTrace", 3)?;
        s.serialize_field("source", &self.source)?;
        s.serialize_field("label", &self.label())?;
        s.serialize_field("statements", &self.statements)?;
        s.end()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    pub kind: StageKind,
    pub title: &'static str,
    pub verdict: String,
    pub policies: Vec<PolicyTrace>,
}

/// A statement named in the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementInfo {
    pub source: PolicySource,
    pub policy: String,
    pub statement: Arc<str>,
    pub index: usize,
    pub effect: Effect,
    pub line: usize,
}

/// Something iamscope took to be true that the request or the export did
/// not say. Every assumption is listed with the answer, so nothing it rests
/// on is hidden.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Assumption {
    /// A condition key the request did not give, filled in with the value a
    /// real request of this kind carries.
    ContextKey {
        key: String,
        values: Vec<String>,
        why: AssumedWhy,
    },
    /// No key policy for the KMS key is in the workspace: AWS's default key
    /// policy (which delegates to the account's IAM policies) is assumed.
    DefaultKeyPolicy,
    /// The resource's ARN names no account; it is taken to be in `account`.
    ResourceAccount { account: String },
    /// A principal of another account: its own identity-based policies are
    /// not in the export and are taken to allow.
    OtherAccountAllows { principal_arn: String },
    /// The identity pool allows Cognito's classic (basic) flow.
    ClassicFlow { pool: String, guest: bool },
    /// The identity pool uses Cognito's enhanced flow only.
    EnhancedFlowOnly { pool: String },
    /// A level of the organisation whose exported RCPs lack RCPFullAWSAccess.
    RcpFullAwsAccess { target: String },
    /// No file listed the account's providers of this kind: the federated
    /// principal's provider is taken to exist.
    ProviderNotListed {
        kind: super::ProviderKind,
        provider: String,
    },
    /// The request named no role, and this is the only role whose trust
    /// policy names the federated principal's provider.
    OnlyTrustingRole { role: String, provider: String },
}

impl Assumption {
    /// The assumption in words, without advice on how to change it (which
    /// differs between the command line and the explorer).
    pub fn describe(&self) -> String {
        match self {
            Assumption::ContextKey { key, values, why } => {
                let values = values.join(", ");
                match why {
                    AssumedWhy::UsualValue => format!("{key} = {values}, as a usual request carries it"),
                    AssumedWhy::RequestTime => format!("{key} = {values}, the time of the request"),
                    AssumedWhy::InventedSessionName => format!(
                        "{key} = {values}: the request names no role session, so its session name was made up"
                    ),
                    AssumedWhy::RegionFromResourceArn => {
                        format!("{key} = {values}, the region the resource's ARN names")
                    }
                    AssumedWhy::DefaultRegion => {
                        format!("{key} = {values}: the resource's ARN names no region, so the default region")
                    }
                    AssumedWhy::ResourceAccount => {
                        format!("{key} = {values}: the resource's ARN names no account, so the loaded account")
                    }
                    AssumedWhy::RolePathUnknown => format!(
                        "{key} = {values}: a session ARN does not carry its role's path, so the path is taken to be /"
                    ),
                }
            }
            Assumption::DefaultKeyPolicy => "no key policy for this KMS key is in the workspace: AWS's default key policy, which lets the account's IAM policies decide, is assumed".to_owned(),
            Assumption::ResourceAccount { account } => format!(
                "the resource's ARN names no account: it is taken to be in account {account}"
            ),
            Assumption::OtherAccountAllows { principal_arn } => format!(
                "{principal_arn} is in another account whose policies are not in this export: its own identity-based policies are assumed to allow the request"
            ),
            Assumption::ClassicFlow { pool, guest: false } => format!(
                "identity pool {pool} allows the classic (basic) flow: the identity can present its Cognito token to STS for any role, and only that role's trust policy decides"
            ),
            Assumption::ClassicFlow { pool, guest: true } => format!(
                "identity pool {pool} allows the classic (basic) flow, in which a guest assumes the role itself and gets all of the role's permissions; with the enhanced flow alone, Cognito would cap guest credentials with AmazonCognitoUnAuthedIdentitiesSessionPolicy"
            ),
            Assumption::EnhancedFlowOnly { pool } => format!(
                "identity pool {pool} uses the enhanced flow only: Cognito caps guest credentials with the session policy AmazonCognitoUnAuthedIdentitiesSessionPolicy"
            ),
            Assumption::RcpFullAwsAccess { target } => format!(
                "the exported resource control policies at {target} lack RCPFullAWSAccess; AWS attaches it at every level and it cannot be detached, so it is assumed"
            ),
            Assumption::ProviderNotListed { kind, provider } => {
                let (what, key) = match kind {
                    super::ProviderKind::Saml => ("SAML", "SAMLProviders"),
                    _ => ("OpenID Connect", "OpenIDConnectProviders"),
                };
                format!(
                    "the files list none of the account's {what} providers, so {provider} is taken to be one of them (add {key} to the workspace to check)"
                )
            }
            Assumption::OnlyTrustingRole { role, provider } => format!(
                "the request names no role: {role} is the only role whose trust policy names {provider}, so it is the role assumed"
            ),
        }
    }

    /// The context key a caller can set to test another value, if any.
    pub fn key(&self) -> Option<&str> {
        match self {
            Assumption::ContextKey { key, .. } => Some(key),
            Assumption::ResourceAccount { .. } => Some("aws:ResourceAccount"),
            _ => None,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Assumption::ContextKey { .. } => "context-key",
            Assumption::DefaultKeyPolicy => "default-key-policy",
            Assumption::ResourceAccount { .. } => "resource-account",
            Assumption::OtherAccountAllows { .. } => "other-account-allows",
            Assumption::ClassicFlow { .. } => "classic-flow",
            Assumption::EnhancedFlowOnly { .. } => "enhanced-flow-only",
            Assumption::RcpFullAwsAccess { .. } => "rcp-full-aws-access",
            Assumption::ProviderNotListed { .. } => "provider-not-listed",
            Assumption::OnlyTrustingRole { .. } => "only-trusting-role",
        }
    }
}

impl Serialize for Assumption {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("kind", self.kind())?;
        match self {
            Assumption::ContextKey { key, values, why } => {
                map.serialize_entry("key", key)?;
                map.serialize_entry("values", values)?;
                map.serialize_entry("why", why)?;
            }
            Assumption::ResourceAccount { account } => map.serialize_entry("account", account)?,
            Assumption::OtherAccountAllows { principal_arn } => map.serialize_entry("principal_arn", principal_arn)?,
            Assumption::ClassicFlow { pool, guest } => {
                map.serialize_entry("pool", pool)?;
                map.serialize_entry("guest", guest)?;
            }
            Assumption::EnhancedFlowOnly { pool } => map.serialize_entry("pool", pool)?,
            Assumption::RcpFullAwsAccess { target } => map.serialize_entry("target", target)?,
            Assumption::ProviderNotListed { kind, provider } => {
                map.serialize_entry("provider_kind", kind)?;
                map.serialize_entry("provider", provider)?;
            }
            Assumption::OnlyTrustingRole { role, provider } => {
                map.serialize_entry("role", role)?;
                map.serialize_entry("provider", provider)?;
            }
            Assumption::DefaultKeyPolicy => {}
        }
        map.serialize_entry("text", &self.describe())?;
        map.end()
    }
}

/// Decision + explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub decision: Decision,
    /// One sentence for people.
    pub summary: String,
    /// The rule that settled it (written as its stable short name, `rule`).
    #[serde(rename = "rule", serialize_with = "basis_code")]
    pub basis: Basis,
    pub principal: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_arn: Option<String>,
    pub action: String,
    pub resource: String,
    pub deciding: Vec<StatementInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closest: Option<StatementInfo>,
    pub stages: Vec<Stage>,
    /// Keys that matching statements asked about and the request lacked.
    pub missing_context: Vec<String>,
    /// What iamscope took to be true that the request or export did not say.
    pub assumptions: Vec<Assumption>,
    /// Why AWS would never receive this request, if it would not (an action
    /// the catalogue lacks, a resource of a type the action does not take).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<super::RequestWarning>,
    /// Earlier steps (an identity pool's identity assuming its role).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hops: Vec<Explanation>,
}

fn basis_code<S: serde::Serializer>(basis: &Basis, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(basis.code())
}

impl Explanation {
    /// The rule's stable short name (`identity-policy-allows`, …).
    pub fn rule(&self) -> &'static str {
        self.basis.code()
    }
}

impl Basis {
    pub fn code(self) -> &'static str {
        match self {
            Basis::ExplicitDeny => "explicit-deny",
            Basis::IdentityPolicyAllows => "identity-policy-allows",
            Basis::ResourcePolicyAllows => "resource-policy-allows",
            Basis::ResourcePolicyAllowsRole => "resource-policy-allows-role",
            Basis::RootUser => "root-user",
            Basis::TrustedPrincipal => "trusted-principal",
            Basis::BothAccountsAllow => "both-accounts-allow",
            Basis::NoAllow => "no-allow",
            Basis::ScpLevelAllowsNothing { .. } => "scp-level-allows-nothing",
            Basis::BoundaryDoesNotAllow => "boundary-does-not-allow",
            Basis::SessionPolicyDoesNotAllow => "session-policy-does-not-allow",
            Basis::TrustPolicyDoesNotAllow => "trust-policy-does-not-allow",
            Basis::KeyPolicyDoesNotAllow => "key-policy-does-not-allow",
            Basis::ResourceAccountDoesNotAllow => "resource-account-does-not-allow",
            Basis::IdentityAccountDoesNotAllow => "identity-account-does-not-allow",
            Basis::RootCannotAssumeRoles => "root-cannot-assume-roles",
            Basis::TrustPolicyUnknown => "trust-policy-unknown",
            Basis::GuestsNotAllowed => "guests-not-allowed",
            Basis::PoolHasNoRole => "pool-has-no-role",
            Basis::CannotAssumePoolRole => "cannot-assume-pool-role",
            Basis::ProviderNotInAccount => "provider-not-in-account",
            Basis::NoRoleTrustsProvider => "no-role-trusts-provider",
            Basis::AudienceNotRegistered => "audience-not-registered",
            Basis::CannotAssumeRole => "cannot-assume-role",
        }
    }
}

/// The owned description of a policy reference.
pub fn policy_source(model: &Model, sessions: &[super::engine::SessionPolicy], policy: PolicyRef) -> PolicySource {
    let a = model.account();
    let managed = |index: usize, via: Option<String>| {
        let p = &a.policies[index];
        PolicySource::Managed {
            name: p.name.clone(),
            arn: p.arn.to_string(),
            via,
            aws_managed: p.is_aws_managed(),
        }
    };
    match policy {
        PolicyRef::UserInline { user, index } => PolicySource::Inline {
            holder: Holder::User(a.users[user].name.clone()),
            name: a.users[user].inline_policies[index].name.clone(),
        },
        PolicyRef::GroupInline { group, index } => PolicySource::Inline {
            holder: Holder::Group(a.groups[group].name.clone()),
            name: a.groups[group].inline_policies[index].name.clone(),
        },
        PolicyRef::RoleInline { role, index } => PolicySource::Inline {
            holder: Holder::Role(a.roles[role].name.clone()),
            name: a.roles[role].inline_policies[index].name.clone(),
        },
        PolicyRef::UserManaged { policy, .. } | PolicyRef::RoleManaged { policy, .. } => managed(policy, None),
        PolicyRef::GroupManaged { group, policy } => managed(policy, Some(a.groups[group].name.clone())),
        PolicyRef::Boundary { policy } => PolicySource::PermissionsBoundary {
            name: a.policies[policy].name.clone(),
            arn: a.policies[policy].arn.to_string(),
        },
        PolicyRef::Scp { index } => {
            let p = &a.service_control_policies[index];
            PolicySource::ServiceControlPolicy {
                name: p.name.clone(),
                target: p.target.describe(),
                target_id: p.target.as_str().map(str::to_owned),
            }
        }
        PolicyRef::Rcp { index } => {
            let p = &a.resource_control_policies[index];
            PolicySource::ResourceControlPolicy {
                name: p.name.clone(),
                target: p.target.describe(),
                target_id: p.target.as_str().map(str::to_owned),
            }
        }
        PolicyRef::Resource { index } => PolicySource::ResourcePolicy {
            resource_arn: a.resource_policies[index].resource_arn.clone(),
        },
        PolicyRef::Trust { role } => PolicySource::TrustPolicy {
            role: a.roles[role].name.clone(),
        },
        PolicyRef::Session { index } => PolicySource::SessionPolicy {
            name: sessions
                .get(index)
                .map_or_else(|| format!("session policy {}", index + 1), |s| s.name.clone()),
        },
    }
}

fn stage_of(policy: PolicyRef) -> StageKind {
    match policy {
        PolicyRef::Rcp { .. } => StageKind::ResourceControlPolicies,
        PolicyRef::Scp { .. } => StageKind::ServiceControlPolicies,
        PolicyRef::Resource { .. } | PolicyRef::Trust { .. } => StageKind::ResourceBasedPolicies,
        PolicyRef::Boundary { .. } => StageKind::PermissionsBoundary,
        PolicyRef::Session { .. } => StageKind::SessionPolicies,
        _ => StageKind::IdentityBasedPolicies,
    }
}

struct Builder<'r, 'a> {
    run: &'r Run<'a>,
}

impl Builder<'_, '_> {
    fn statement(&self, at: StatementRef) -> Option<(&Statement, usize)> {
        let statement = find_statement(self.run.document(at.policy)?, at.statement)?;
        Some((statement, statement.line))
    }

    fn source(&self, policy: PolicyRef) -> PolicySource {
        policy_source(self.run.env.model, self.run.sessions, policy)
    }

    fn info(&self, at: StatementRef) -> Option<StatementInfo> {
        let (statement, line) = self.statement(at)?;
        let source = self.source(at.policy);
        Some(StatementInfo {
            policy: source.label(),
            source,
            statement: statement.label(),
            index: statement.index,
            effect: statement.effect,
            line,
        })
    }

    fn miss(&self, statement: &Statement, miss: Miss) -> MissInfo {
        match miss {
            Miss::Action => {
                let Some(clause) = statement.action.as_ref() else {
                    return MissInfo::Action {
                        negated: false,
                        patterns: Vec::new(),
                        others: 0,
                    };
                };
                // Keep explanations small: the patterns for the request's service.
                const KEEP: usize = 8;
                let service = self.run.env.service;
                let same_service = |p: &&crate::policy::ActionPattern| {
                    p.service.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(service))
                };
                let mut patterns: Vec<Arc<str>> = clause
                    .patterns
                    .iter()
                    .filter(same_service)
                    .take(KEEP)
                    .map(|p| p.text.clone())
                    .collect();
                if patterns.is_empty() {
                    patterns = clause.patterns.iter().take(5).map(|p| p.text.clone()).collect();
                }
                MissInfo::Action {
                    negated: clause.negated,
                    others: clause.patterns.len() - patterns.len(),
                    patterns,
                }
            }
            Miss::Resource => {
                let clause = statement.resource.as_ref();
                MissInfo::Resource {
                    negated: clause.is_some_and(|c| c.negated),
                    patterns: clause
                        .map(|c| c.patterns.iter().map(|p| p.text.clone()).collect())
                        .unwrap_or_default(),
                }
            }
            Miss::Principal => {
                let clause = statement.principal.as_ref();
                MissInfo::Principal {
                    negated: clause.is_some_and(|c| c.negated),
                    principals: clause
                        .map(|c| {
                            if c.any {
                                vec!["*".to_owned()]
                            } else {
                                c.entries
                                    .iter()
                                    .map(|e| format!("{}: {}", e.kind.as_str(), e.value))
                                    .collect()
                            }
                        })
                        .unwrap_or_else(|| vec!["nobody (the statement has no Principal)".to_owned()]),
                }
            }
            Miss::Condition { index } => {
                let condition = &statement.conditions[index];
                MissInfo::Condition {
                    operator: condition.operator_text.clone(),
                    key: condition.key.clone(),
                    policy_values: condition.values.iter().map(|v| v.text.clone()).collect(),
                    request_values: self.run.env.get(&condition.key_lower).map(|v| v.to_vec()),
                }
            }
            Miss::Invalid => MissInfo::Invalid,
        }
    }
}

/// Build the explanation of one run.
pub(crate) fn explain(run: &Run<'_>, facts: &Facts, outcome: &Outcome, trace: &Trace) -> Explanation {
    let builder = Builder { run };
    let model = run.env.model;
    let deciding: Vec<StatementRef> = deciding_statements(outcome, facts, trace);

    // Stages, in the order AWS evaluates them, each with its policies.
    let mut stages: Vec<Stage> = Vec::new();
    for &policy in &trace.policies {
        let kind = stage_of(policy);
        let source = builder.source(policy);
        let statements = trace
            .statements
            .iter()
            .filter(|(at, _, _)| at.policy == policy)
            .filter_map(|&(at, effect, outcome)| {
                let (statement, line) = builder.statement(at)?;
                Some(StatementTrace {
                    index: statement.index,
                    sid: statement.sid.clone(),
                    label: statement.label(),
                    effect,
                    line,
                    matched: outcome.is_ok(),
                    deciding: deciding.contains(&at),
                    principal_match: outcome.ok().filter(|m| *m != PrincipalMatch::NotApplicable),
                    miss: outcome.err().map(|m| builder.miss(statement, m)),
                })
            })
            .collect();
        let trace = PolicyTrace { source, statements };
        match stages.iter_mut().find(|s| s.kind == kind) {
            Some(stage) => stage.policies.push(trace),
            None => stages.push(Stage {
                kind,
                title: kind.title(),
                verdict: String::new(),
                policies: vec![trace],
            }),
        }
    }
    for stage in &mut stages {
        stage.verdict = verdict(stage, facts, model);
    }
    let order = |k: StageKind| k as u8;
    stages.sort_by_key(|s| order(s.kind));

    let (missing_context, assumptions) = context_report(run, facts, trace);
    let closest = if outcome.decision == Decision::ImplicitDeny
        && matches!(outcome.basis, Basis::NoAllow | Basis::IdentityAccountDoesNotAllow)
    {
        closest(&builder, trace)
    } else {
        None
    };
    let deciding: Vec<StatementInfo> = deciding.iter().filter_map(|&at| builder.info(at)).collect();
    let mut explanation = Explanation {
        decision: outcome.decision,
        summary: String::new(),
        basis: outcome.basis,
        principal: run.env.requester.describe(),
        principal_arn: run.env.requester.principal_arn(model),
        action: run.env.request.action.clone(),
        resource: run.env.request.resource.clone(),
        deciding,
        closest,
        stages,
        missing_context,
        assumptions,
        warnings: Vec::new(),
        hops: Vec::new(),
    };
    explanation.summary = summary(&explanation, outcome.basis, facts, model);
    explanation
}

fn deciding_statements(outcome: &Outcome, facts: &Facts, trace: &Trace) -> Vec<StatementRef> {
    match outcome.basis {
        // Every deny that applied decided it.
        Basis::ExplicitDeny => trace
            .statements
            .iter()
            .filter(|(_, effect, o)| *effect == Effect::Deny && o.is_ok())
            .map(|(at, _, _)| *at)
            .collect(),
        Basis::IdentityPolicyAllows => trace
            .statements
            .iter()
            .filter(|(at, effect, o)| {
                *effect == Effect::Allow && o.is_ok() && stage_of(at.policy) == StageKind::IdentityBasedPolicies
            })
            .map(|(at, _, _)| *at)
            .collect(),
        Basis::BothAccountsAllow => {
            let mut both: Vec<StatementRef> = facts.identity.allow.into_iter().collect();
            both.extend(facts.resource.allow.map(|(_, at)| at));
            both
        }
        _ => outcome.deciding.into_iter().collect(),
    }
}

fn verdict(stage: &Stage, facts: &Facts, model: &Model) -> String {
    let denies = stage
        .policies
        .iter()
        .flat_map(|p| &p.statements)
        .any(|s| s.matched && s.effect == Effect::Deny);
    let allows = stage
        .policies
        .iter()
        .flat_map(|p| &p.statements)
        .any(|s| s.matched && s.effect == Effect::Allow);
    if denies {
        return "a statement denies the request".to_owned();
    }
    let level_name =
        |levels: &[crate::model::OrgLevel], n: usize| levels.get(n).map_or_else(String::new, |l| l.target.describe());
    match stage.kind {
        StageKind::ServiceControlPolicies => match facts.scp_gap {
            Some(n) => format!(
                "nothing at {} allows the request",
                level_name(model.index().scp_levels(), n)
            ),
            None => "every level allows the request".to_owned(),
        },
        StageKind::ResourceControlPolicies => match facts.rcp_full_access_assumed {
            Some(n) => format!(
                "no statement denies the request (RCPFullAWSAccess, which AWS attaches at every level, is assumed at {})",
                level_name(model.index().rcp_levels(), n)
            ),
            None => "no statement denies the request".to_owned(),
        },
        StageKind::ResourceBasedPolicies => match facts.resource.allow {
            Some((how, _)) => format!(
                "allows the request ({})",
                match how {
                    PrincipalMatch::Direct => "names this principal directly",
                    PrincipalMatch::Role => "names the role",
                    PrincipalMatch::Account => "names the account, which delegates to its IAM policies",
                    PrincipalMatch::Anyone => "names everyone",
                    PrincipalMatch::Service => "names the service",
                    PrincipalMatch::Federated => "names the identity provider",
                    PrincipalMatch::NotPrincipal | PrincipalMatch::NotApplicable =>
                        "names everyone but those NotPrincipal lists",
                }
            ),
            None => "no statement allows the request".to_owned(),
        },
        _ if allows => "allows the request".to_owned(),
        _ => "no statement allows the request".to_owned(),
    }
}

/// Keys that statements relevant to the request asked about: those the
/// request lacked, and those iamscope assumed.
fn context_report(run: &Run<'_>, facts: &Facts, trace: &Trace) -> (Vec<String>, Vec<Assumption>) {
    let mut missing = BTreeSet::new();
    let mut assumed = BTreeSet::new();
    for &(at, _, outcome) in &trace.statements {
        // Only statements whose action and resource fit the request.
        if matches!(outcome, Err(Miss::Action | Miss::Resource | Miss::Invalid)) {
            continue;
        }
        let Some(statement) = run.document(at.policy).and_then(|d| find_statement(d, at.statement)) else {
            continue;
        };
        for condition in &statement.conditions {
            match run.env.lookup(&condition.key_lower) {
                None => {
                    missing.insert(condition.key.clone());
                }
                Some((values, KeySource::Assumed(why))) => {
                    assumed.insert(Assumption::ContextKey {
                        key: super::context::canonical_key(&condition.key)
                            .map_or_else(|| condition.key.to_string(), str::to_owned),
                        values: values.to_vec(),
                        why,
                    });
                }
                Some(_) => {}
            }
        }
    }
    let mut assumptions: Vec<Assumption> = assumed.into_iter().collect();
    assumptions.extend(structural_assumptions(run, facts));
    (
        missing.into_iter().map(|k: Arc<str>| k.to_string()).collect(),
        assumptions,
    )
}

/// What the answer rests on beyond context keys: a default key policy, the
/// resource's account, RCPFullAWSAccess, another account's own policies.
pub(crate) fn structural_assumptions(run: &Run<'_>, facts: &Facts) -> Vec<Assumption> {
    let mut assumptions = Vec::new();
    if facts.resource.default_key_policy {
        assumptions.push(Assumption::DefaultKeyPolicy);
    }
    if run.env.resource_account_assumed() && facts.resource.present {
        assumptions.push(Assumption::ResourceAccount {
            account: run.env.resource_account().to_owned(),
        });
    }
    if let Some(n) = facts.rcp_full_access_assumed
        && let Some(level) = run.env.model.index().rcp_levels().get(n)
    {
        assumptions.push(Assumption::RcpFullAwsAccess {
            target: level.target.describe(),
        });
    }
    if let super::context::Requester::External { arn, .. } = run.env.requester {
        assumptions.push(Assumption::OtherAccountAllows {
            principal_arn: arn.to_string(),
        });
    }
    assumptions
}

/// The assumptions a fast decision consulted: the assumed keys its
/// conditions looked up, then the structural ones.
pub(crate) fn consulted_assumptions(run: &Run<'_>, facts: &Facts) -> Vec<Assumption> {
    let mut assumptions: Vec<Assumption> = run
        .env
        .consulted_assumptions()
        .into_iter()
        .map(|(key, values, why)| Assumption::ContextKey {
            key: key.to_owned(),
            values,
            why,
        })
        .collect();
    assumptions.sort();
    assumptions.extend(structural_assumptions(run, facts));
    assumptions
}

/// For a request nothing allows: the Allow statement that came nearest.
fn closest(builder: &Builder<'_, '_>, trace: &Trace) -> Option<StatementInfo> {
    let service = builder.run.env.service;
    let mut best: Option<(u8, StatementRef)> = None;
    for &(at, effect, outcome) in &trace.statements {
        if effect != Effect::Allow
            || !matches!(
                stage_of(at.policy),
                StageKind::IdentityBasedPolicies | StageKind::ResourceBasedPolicies
            )
        {
            continue;
        }
        // A resource policy's statement for someone else is not close.
        if stage_of(at.policy) == StageKind::ResourceBasedPolicies {
            let names_requester = builder.statement(at).is_some_and(|(statement, _)| {
                statement.principal.as_ref().is_some_and(|p| {
                    super::matching::principal_matches(p, statement.effect, &builder.run.env).is_some()
                })
            });
            if !names_requester {
                continue;
            }
        }
        let score = match outcome {
            Err(Miss::Condition { .. }) => 4,
            Err(Miss::Principal) => 3,
            Err(Miss::Resource) => 2,
            Err(Miss::Action) => {
                let (statement, _) = match builder.statement(at) {
                    Some(s) => s,
                    None => continue,
                };
                let same_service = statement.action.as_ref().is_some_and(|c| {
                    !c.negated
                        && c.patterns
                            .iter()
                            .any(|p| p.service.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(service)))
                });
                if same_service { 1 } else { continue }
            }
            _ => continue,
        };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, at));
        }
    }
    best.and_then(|(_, at)| builder.info(at))
}

fn miss_of(explanation: &Explanation, info: &StatementInfo) -> Option<MissInfo> {
    explanation
        .stages
        .iter()
        .flat_map(|s| &s.policies)
        .filter(|p| p.source == info.source)
        .flat_map(|p| &p.statements)
        .find(|s| s.index == info.index)
        .and_then(|s| s.miss.clone())
}

fn summary(e: &Explanation, basis: Basis, facts: &Facts, model: &Model) -> String {
    let what = format!("{} on {}", e.action, e.resource);
    let first = e.deciding.first();
    let statement = |s: &StatementInfo| format!("statement {} in {}", s.statement, s.policy);
    let level =
        |levels: &[crate::model::OrgLevel], n: usize| levels.get(n).map_or_else(String::new, |l| l.target.describe());
    match basis {
        Basis::ExplicitDeny => match first {
            Some(s) => format!(
                "Denied explicitly: {} denies {what}; an explicit deny overrides every allow.",
                statement(s)
            ),
            None => format!("Denied explicitly: a Deny statement applies to {what}."),
        },
        Basis::IdentityPolicyAllows => match first {
            Some(s) => format!("Allowed: {} allows {what}.", statement(s)),
            None => format!("Allowed: identity-based policies allow {what}."),
        },
        Basis::ResourcePolicyAllows => match first {
            Some(s) => format!(
                "Allowed: {} grants {} {what} directly; in the same account that is enough without an identity-based policy.",
                statement(s),
                e.principal
            ),
            None => format!("Allowed: a resource-based policy grants {what}."),
        },
        Basis::ResourcePolicyAllowsRole => match first {
            Some(s) => format!(
                "Allowed: {} grants the role {what}, and no boundary or session policy stops it.",
                statement(s)
            ),
            None => format!("Allowed: a resource-based policy grants the role {what}."),
        },
        Basis::RootUser => format!(
            "Allowed: the root user has full access to its own account, and no SCP or explicit deny limits {what}."
        ),
        Basis::TrustedPrincipal => match first {
            Some(s) => format!("Allowed: {} trusts {} for {}.", statement(s), e.principal, e.action),
            None => format!("Allowed: the trust policy trusts {}.", e.principal),
        },
        Basis::BothAccountsAllow => format!(
            "Allowed: the principal's account and the resource's account both allow {what}{}.",
            match e.deciding.as_slice() {
                [a, b] => format!(" ({} and {})", statement(a), statement(b)),
                [a] => format!(" ({})", statement(a)),
                _ => String::new(),
            }
        ),
        Basis::NoAllow => {
            let mut sentence = format!("Denied: nothing allows {what}.");
            if let Some(closest) = &e.closest {
                sentence.push_str(&format!(" Closest: {}", statement(closest)));
                sentence.push_str(&match miss_of(e, closest) {
                    Some(MissInfo::Action { patterns, others, .. }) => {
                        format!(" allows {} only.", with_others(&patterns, others))
                    }
                    Some(MissInfo::Resource { patterns, .. }) => {
                        format!(" allows it only on {}.", short_list(&patterns))
                    }
                    Some(MissInfo::Principal { principals, .. }) => {
                        format!(" allows it only for {}.", short_list(&principals))
                    }
                    Some(MissInfo::Condition {
                        operator,
                        key,
                        policy_values,
                        request_values,
                    }) => format!(
                        " allows it only when {key} {operator} [{}]; the request has {}.",
                        short_list(&policy_values),
                        request_values.map_or_else(|| format!("no {key}"), |v| format!("{key} = {}", v.join(", ")))
                    ),
                    _ => ".".to_owned(),
                });
            }
            sentence
        }
        Basis::ScpLevelAllowsNothing { level: n } => format!(
            "Denied: the service control policies at {} allow nothing for {what}; every level of the organisation must allow.",
            level(model.index().scp_levels(), n)
        ),
        Basis::BoundaryDoesNotAllow => format!(
            "Denied: {} may be allowed by its policies, but its permissions boundary does not allow {what}; a boundary only caps.",
            e.principal
        ),
        Basis::SessionPolicyDoesNotAllow => {
            format!("Denied: the session policy does not allow {what}; a session policy only caps.")
        }
        Basis::TrustPolicyDoesNotAllow => format!(
            "Denied: the trust policy of {} does not let {} {}; a role's trust policy must allow it.",
            e.resource, e.principal, e.action
        ),
        Basis::KeyPolicyDoesNotAllow => format!(
            "Denied: the key policy of {} neither allows {} nor delegates to the account's IAM policies.",
            e.resource, e.principal
        ),
        Basis::ResourceAccountDoesNotAllow => format!(
            "Denied: {what} crosses accounts, and the resource's policy does not allow {}; both accounts must allow.",
            e.principal
        ),
        Basis::IdentityAccountDoesNotAllow => format!(
            "Denied: the resource's account allows {what}, but {}'s own policies do not; across accounts both must allow.",
            e.principal
        ),
        Basis::RootCannotAssumeRoles => {
            "Denied: STS does not let the root user assume roles; sign in as an IAM user or role.".to_owned()
        }
        Basis::TrustPolicyUnknown => format!(
            "Denied: {} is not in this export and no trust policy for it was given (add it under ResourcePolicies).",
            e.resource
        ),
        Basis::GuestsNotAllowed
        | Basis::PoolHasNoRole
        | Basis::CannotAssumePoolRole
        | Basis::ProviderNotInAccount
        | Basis::NoRoleTrustsProvider
        | Basis::AudienceNotRegistered
        | Basis::CannotAssumeRole => {
            // Set by the identity-pool and federation evaluations, which write their own sentences.
            let _ = facts;
            String::new()
        }
    }
}

/// Statement number `index` of a document (its position, unless the policy
/// had non-object entries in its Statement list).
fn find_statement(document: &crate::policy::PolicyDocument, index: usize) -> Option<&Statement> {
    let statements = document.parsed().statements();
    statements
        .get(index)
        .filter(|s| s.index == index)
        .or_else(|| statements.iter().find(|s| s.index == index))
}

/// The description of one statement, for lists that name deciding statements
/// without a whole explanation (who-can, batch results).
pub fn statement_info(model: &Model, at: StatementRef) -> Option<StatementInfo> {
    let statement = find_statement(super::engine::document(model, &[], at.policy)?, at.statement)?;
    let line = statement.line;
    let source = policy_source(model, &[], at.policy);
    Some(StatementInfo {
        policy: source.label(),
        source,
        statement: statement.label(),
        index: statement.index,
        effect: statement.effect,
        line,
    })
}
