//! AWS's quotas and name rules, in one place: what IAM, AWS STS and AWS
//! Organizations accept ("IAM and AWS STS quotas", "Quotas for AWS
//! Organizations"). Edits are refused past them, the linter reports them,
//! and imports refuse files past them (or past the hard limits below, where
//! AWS's own exports may go beyond a documented quota).

/// IAM users in one account; a credential report has one row per user and
/// one for the root user.
pub const USERS_PER_ACCOUNT: usize = 5_000;
pub const GROUPS_PER_USER: usize = 10;
pub const ACCESS_KEYS_PER_USER: usize = 2;
pub const MANAGED_POLICIES_PER_ENTITY: usize = 10;
pub const VERSIONS_PER_POLICY: usize = 5;

/// Characters without white space, as IAM counts policy sizes.
pub const MANAGED_POLICY_SIZE: usize = 6_144;
/// A role's trust policy by default; a quota increase raises it to
/// [`TRUST_POLICY_SIZE_MAX`].
pub const TRUST_POLICY_SIZE: usize = 2_048;
pub const TRUST_POLICY_SIZE_MAX: usize = 4_096;
/// All of one entity's inline policies together.
pub const INLINE_USER: usize = 2_048;
pub const INLINE_GROUP: usize = 5_120;
pub const INLINE_ROLE: usize = 10_240;
/// A session policy (AssumeRole's Policy parameter).
pub const SESSION_POLICY_SIZE: usize = 2_048;
/// A service or resource control policy (AWS Organizations).
pub const ORG_POLICY_SIZE: usize = 5_120;

pub const USER_NAME: usize = 64;
pub const ROLE_NAME: usize = 64;
pub const GROUP_NAME: usize = 128;
pub const POLICY_NAME: usize = 128;
pub const INSTANCE_PROFILE_NAME: usize = 128;
pub const PATH: usize = 512;
pub const ROLE_DESCRIPTION: usize = 1_000;
/// The longest ARN the IAM API takes as a parameter (`PolicyArn`, `RoleArn`).
pub const ARN: usize = 2_048;
/// CreateSAMLProvider's `SAMLMetadataDocument`.
pub const SAML_METADATA: usize = 10_000_000;
/// CreateOpenIDConnectProvider's `Url`, and each entry of its `ClientIDList`.
pub const OIDC_URL: usize = 255;
pub const OIDC_CLIENT_ID: usize = 255;
/// CreateOpenIDConnectProvider's `ThumbprintList`.
pub const OIDC_THUMBPRINTS: usize = 5;

/// Far beyond anything AWS accepts, for what no documented quota covers in
/// an export: AWS managed policies (larger than the customer quota: the
/// biggest are a few hundred KB) and resource-based policies (each service
/// has its own quota; the largest, a KMS key policy, is 32 KB).
pub const HARD_DOCUMENT_SIZE: usize = 4 << 20;
