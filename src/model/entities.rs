//! The things an account holds: users, groups, roles, managed policies,
//! resource-based policies, organisation policies, Cognito pools and the
//! account's SAML and OpenID Connect identity providers.
//!
//! These are plain data. Whatever a file carried that iamscope does not model
//! sits in each entity's `extra` map so that export gives it back.

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::arn::Arn;
use crate::policy::PolicyDocument;

pub type Extra = Map<String, Value>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// A managed policy attached to a user, group or role, by ARN. The ARN may name
/// a policy the export does not contain: an unresolved reference, kept as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedPolicy {
    pub name: String,
    pub arn: String,
}

/// A policy embedded in one user, group or role.
#[derive(Debug, Clone, PartialEq)]
pub struct InlinePolicy {
    pub name: String,
    pub document: PolicyDocument,
}

/// The managed policy that caps a user's or role's permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionsBoundary {
    pub arn: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessKeyStatus {
    Active,
    Inactive,
}

impl AccessKeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessKeyStatus::Active => "Active",
            AccessKeyStatus::Inactive => "Inactive",
        }
    }
}

/// An access key's metadata. The secret is never part of any export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// Unknown when the key came from the credential report, which has no ids.
    pub id: Option<String>,
    pub status: AccessKeyStatus,
    pub created: Option<Timestamp>,
    pub last_used: Option<Timestamp>,
    pub last_used_service: Option<String>,
    pub last_used_region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsolePassword {
    pub created: Option<Timestamp>,
    pub last_used: Option<Timestamp>,
    pub last_changed: Option<Timestamp>,
    pub reset_required: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaDevice {
    pub serial: String,
    pub enabled: Option<Timestamp>,
}

/// What the exports say about a principal's sign-in credentials. GAAD says
/// nothing about them; the credential report and the workspace file do.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Credentials {
    pub password: Option<ConsolePassword>,
    pub mfa_active: bool,
    pub mfa_devices: Vec<MfaDevice>,
    pub access_keys: Vec<AccessKey>,
}

impl Credentials {
    pub fn active_access_keys(&self) -> usize {
        self.access_keys
            .iter()
            .filter(|k| k.status == AccessKeyStatus::Active)
            .count()
    }
}

/// The account's root user: a principal of its own with full access to the
/// account. IAM policies do not apply to it; only SCPs (in member accounts) and
/// explicit denies in resource-based policies limit it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RootUser {
    pub created: Option<Timestamp>,
    /// `None` until a credential report describes the root user.
    pub credentials: Option<Credentials>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub name: String,
    pub id: String,
    pub arn: Arn,
    pub path: String,
    pub created: Option<Timestamp>,
    pub tags: Vec<Tag>,
    /// Names of the groups the user belongs to.
    pub groups: Vec<String>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub inline_policies: Vec<InlinePolicy>,
    pub permissions_boundary: Option<PermissionsBoundary>,
    /// `None` when no loaded file described this user's credentials.
    pub credentials: Option<Credentials>,
    pub extra: Extra,
}

/// A set of users that share policies. A group is never a principal: no
/// request is made "as a group", and a group ARN in a `Principal` matches nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub id: String,
    pub arn: Arn,
    pub path: String,
    pub created: Option<Timestamp>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub inline_policies: Vec<InlinePolicy>,
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceProfile {
    pub name: String,
    pub id: String,
    pub arn: String,
    pub path: String,
    pub created: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleLastUsed {
    pub date: Option<Timestamp>,
    pub region: Option<String>,
}

/// An identity with no credentials of its own, assumed for a task. Its trust
/// policy is its resource-based policy: it says who may assume it.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub name: String,
    pub id: String,
    pub arn: Arn,
    pub path: String,
    pub created: Option<Timestamp>,
    pub description: Option<String>,
    pub trust_policy: Option<PolicyDocument>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub inline_policies: Vec<InlinePolicy>,
    pub permissions_boundary: Option<PermissionsBoundary>,
    pub instance_profiles: Vec<InstanceProfile>,
    pub max_session_duration: Option<u32>,
    pub last_used: Option<RoleLastUsed>,
    pub tags: Vec<Tag>,
    pub extra: Extra,
}

impl Role {
    /// Service-linked roles live under `/aws-service-role/`; SCPs do not restrict them.
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyVersion {
    pub id: String,
    pub is_default: bool,
    pub created: Option<Timestamp>,
    pub document: PolicyDocument,
}

/// Where a managed policy's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyOrigin {
    /// The loaded export contained it.
    Export,
    /// The export referred to an AWS managed policy it did not contain; the
    /// text is iamscope's built-in copy of AWS's policy, as of `updated`.
    BuiltInLibrary { updated: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ManagedPolicy {
    pub name: String,
    pub id: String,
    pub arn: Arn,
    pub path: String,
    pub description: Option<String>,
    pub default_version_id: String,
    pub attachment_count: Option<u32>,
    pub boundary_usage_count: Option<u32>,
    pub is_attachable: bool,
    pub created: Option<Timestamp>,
    pub updated: Option<Timestamp>,
    pub versions: Vec<PolicyVersion>,
    pub tags: Vec<Tag>,
    pub origin: PolicyOrigin,
    pub extra: Extra,
}

impl ManagedPolicy {
    /// iamscope's built-in copy of an AWS managed policy, marked as such.
    pub fn from_library(p: &crate::catalog::managed::LibraryPolicy) -> Option<ManagedPolicy> {
        let arn = Arn::parse(p.arn).ok()?;
        // the library's dates are RFC 3339 timestamps
        let updated = p.update_date.parse::<Timestamp>().ok();
        Some(ManagedPolicy {
            name: p.name.to_owned(),
            id: String::new(),
            arn,
            path: p.path.to_owned(),
            description: None,
            default_version_id: p.default_version_id.to_owned(),
            attachment_count: None,
            boundary_usage_count: None,
            is_attachable: true,
            created: p.create_date.parse::<Timestamp>().ok(),
            updated,
            versions: vec![PolicyVersion {
                id: p.default_version_id.to_owned(),
                is_default: true,
                created: updated,
                document: PolicyDocument::from_json_text(p.document),
            }],
            tags: Vec::new(),
            origin: PolicyOrigin::BuiltInLibrary {
                updated: p.update_date.to_owned(),
            },
            extra: Extra::new(),
        })
    }

    /// AWS managed policies have `aws` where the account id goes.
    pub fn is_aws_managed(&self) -> bool {
        self.arn.account() == "aws"
    }

    /// The version that is in force: the one marked default, else the one
    /// whose id is `DefaultVersionId`.
    pub fn default_version(&self) -> Option<&PolicyVersion> {
        self.versions
            .iter()
            .find(|v| v.is_default)
            .or_else(|| self.versions.iter().find(|v| v.id == self.default_version_id))
    }

    pub fn default_document(&self) -> Option<&PolicyDocument> {
        self.default_version().map(|v| &v.document)
    }
}

/// A policy attached to a resource (bucket, key, queue, topic, function, or a
/// role of another account that the export lacks), keyed by its ARN.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePolicy {
    pub resource_arn: String,
    pub policy: PolicyDocument,
    pub extra: Extra,
}

/// Where in an AWS Organization an SCP or RCP is attached.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrgTarget {
    Root(String),
    OrganizationalUnit(String),
    Account(String),
    /// The file did not say; all such policies form one level.
    Unspecified,
}

impl OrgTarget {
    pub fn parse(target: Option<&str>) -> OrgTarget {
        match target {
            None | Some("") => OrgTarget::Unspecified,
            Some(t) if t.starts_with("r-") => OrgTarget::Root(t.to_owned()),
            Some(t) if t.starts_with("ou-") => OrgTarget::OrganizationalUnit(t.to_owned()),
            Some(t) => OrgTarget::Account(t.to_owned()),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            OrgTarget::Root(t) | OrgTarget::OrganizationalUnit(t) | OrgTarget::Account(t) => Some(t),
            OrgTarget::Unspecified => None,
        }
    }

    /// Where the level sits from the organisation's root down to the account.
    pub fn depth(&self) -> u8 {
        match self {
            OrgTarget::Root(_) => 0,
            OrgTarget::OrganizationalUnit(_) => 1,
            OrgTarget::Unspecified => 2,
            OrgTarget::Account(_) => 3,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            OrgTarget::Root(t) => ["organization root ", t].concat(),
            OrgTarget::OrganizationalUnit(t) => ["OU ", t].concat(),
            OrgTarget::Account(t) => ["account ", t].concat(),
            OrgTarget::Unspecified => "unspecified level".to_owned(),
        }
    }
}

/// A service control policy or resource control policy.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgPolicy {
    pub name: String,
    pub target: OrgTarget,
    pub policy: PolicyDocument,
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CognitoProvider {
    pub provider_name: String,
    pub client_id: Option<String>,
    pub server_side_token_check: Option<bool>,
}

impl CognitoProvider {
    /// The user pool id in `cognito-idp.REGION.amazonaws.com/POOL_ID`.
    pub fn user_pool_id(&self) -> Option<&str> {
        let (host, id) = self.provider_name.split_once('/')?;
        host.starts_with("cognito-idp.").then_some(id)
    }
}

/// A Cognito identity pool: it hands out AWS credentials by assuming its
/// authenticated role (for signed-in users) or unauthenticated role (guests).
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityPool {
    pub id: String,
    pub name: String,
    pub allow_unauthenticated: bool,
    pub allow_classic_flow: Option<bool>,
    pub providers: Vec<CognitoProvider>,
    pub authenticated_role: Option<String>,
    pub unauthenticated_role: Option<String>,
    pub extra: Extra,
}

/// A Cognito user pool: a directory where app users sign up and sign in. It
/// grants no AWS permissions by itself.
#[derive(Debug, Clone, PartialEq)]
pub struct UserPool {
    pub id: String,
    pub name: String,
    pub arn: Option<String>,
    pub extra: Extra,
}

/// A SAML 2.0 identity provider of the account (`aws iam list-saml-providers`
/// and `get-saml-provider`). A role trusts its users by naming the
/// provider's ARN as a `Federated` principal; they assume the role with
/// `sts:AssumeRoleWithSAML`.
#[derive(Debug, Clone, PartialEq)]
pub struct SamlProvider {
    /// `arn:aws:iam::ACCOUNT:saml-provider/NAME`.
    pub arn: Arn,
    /// The IdP's metadata XML, kept as text.
    pub metadata_document: Option<String>,
    pub created: Option<Timestamp>,
    pub valid_until: Option<Timestamp>,
    pub tags: Vec<Tag>,
    pub extra: Extra,
}

impl SamlProvider {
    /// The provider's friendly name: the last part of its ARN.
    pub fn name(&self) -> &str {
        self.arn
            .resource()
            .strip_prefix("saml-provider/")
            .unwrap_or(self.arn.resource())
    }
}

/// An OpenID Connect identity provider of the account (`aws iam
/// list-open-id-connect-providers` and `get-open-id-connect-provider`):
/// GitHub Actions, GitLab, an EKS cluster's service accounts, an
/// enterprise IdP. Its tokens are exchanged with `sts:AssumeRoleWithWebIdentity`.
#[derive(Debug, Clone, PartialEq)]
pub struct OidcProvider {
    /// `arn:aws:iam::ACCOUNT:oidc-provider/URL`.
    pub arn: Arn,
    /// The issuer without `https://`, as `get-open-id-connect-provider`
    /// prints it (`token.actions.githubusercontent.com`); the prefix of the
    /// provider's condition keys.
    pub url: String,
    /// The audiences (client ids) the provider accepts.
    pub client_ids: Vec<String>,
    pub thumbprints: Vec<String>,
    pub created: Option<Timestamp>,
    pub tags: Vec<Tag>,
    pub extra: Extra,
}

impl OidcProvider {
    /// The URL as an ARN names it: the resource after `oidc-provider/`.
    pub fn url_from_arn(arn: &Arn) -> Option<&str> {
        arn.resource().strip_prefix("oidc-provider/").filter(|u| !u.is_empty())
    }
}

/// One account's identity and access setup.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Account {
    pub id: String,
    pub alias: Option<String>,
    pub partition: String,
    pub root: RootUser,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub roles: Vec<Role>,
    pub policies: Vec<ManagedPolicy>,
    pub resource_policies: Vec<ResourcePolicy>,
    pub service_control_policies: Vec<OrgPolicy>,
    pub resource_control_policies: Vec<OrgPolicy>,
    pub identity_pools: Vec<IdentityPool>,
    pub user_pools: Vec<UserPool>,
    /// The account's SAML providers; `None` when no loaded file listed
    /// them (GAAD does not), so their absence says nothing.
    pub saml_providers: Option<Vec<SamlProvider>>,
    /// The account's OpenID Connect providers; `None` when no loaded file
    /// listed them.
    pub oidc_providers: Option<Vec<OidcProvider>>,
    /// What runs in the account as which role, when a workspace file says
    /// (`collect` gathers it): it settles escalation paths that assume an
    /// existing resource.
    pub inventory: Option<super::inventory::Inventory>,
    /// Top-level keys of the file that iamscope does not model, kept for export.
    pub extra: Extra,
}

impl Account {
    pub fn root_arn(&self) -> String {
        format!("arn:{}:iam::{}:root", self.partition, self.id)
    }

    /// The SAML providers the files listed (none when they listed none).
    pub fn saml_providers(&self) -> &[SamlProvider] {
        self.saml_providers.as_deref().unwrap_or_default()
    }

    /// The OpenID Connect providers the files listed.
    pub fn oidc_providers(&self) -> &[OidcProvider] {
        self.oidc_providers.as_deref().unwrap_or_default()
    }

    /// A name to show: the alias when there is one.
    pub fn display_name(&self) -> String {
        match &self.alias {
            Some(alias) => format!("{alias} ({})", self.id),
            None => self.id.clone(),
        }
    }
}
