//! The JSON shapes AWS tools print, field for field: what
//! `aws iam get-account-authorization-details` writes, plus the workspace
//! file's extra keys. Import reads these and turns them into the model; export
//! builds them from the model and writes them.
//!
//! Every field is optional (exports in the wild omit keys freely), and every
//! key iamscope does not know is kept in `extra`, in order, for export.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::dates::AwsDate;

/// Declares a struct for one AWS JSON object: each field is `Option<T>`,
/// unknown keys land in `extra`.
macro_rules! aws_object {
    ($(#[$meta:meta])* pub struct $name:ident { $($key:literal => $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Default)]
        pub struct $name {
            $(pub $field: Option<$ty>,)*
            pub extra: Map<String, Value>,
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                #[allow(non_camel_case_types)]
                enum Field { $($field,)* Other(String) }

                impl<'de> Deserialize<'de> for Field {
                    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Field, D::Error> {
                        struct FieldVisitor;
                        impl<'de> Visitor<'de> for FieldVisitor {
                            type Value = Field;
                            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                                f.write_str("a key")
                            }
                            fn visit_str<E: de::Error>(self, key: &str) -> Result<Field, E> {
                                Ok(match key {
                                    $($key => Field::$field,)*
                                    other => Field::Other(other.to_owned()),
                                })
                            }
                        }
                        deserializer.deserialize_identifier(FieldVisitor)
                    }
                }

                struct ObjectVisitor;
                impl<'de> Visitor<'de> for ObjectVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a JSON object (", stringify!($name), ")"))
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        let mut out = $name::default();
                        while let Some(field) = map.next_key::<Field>()? {
                            match field {
                                $(Field::$field => out.$field = map.next_value()?,)*
                                Field::Other(key) => {
                                    let value: Value = map.next_value()?;
                                    out.extra.insert(key, value);
                                }
                            }
                        }
                        Ok(out)
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                $(if let Some(value) = &self.$field {
                    map.serialize_entry($key, value)?;
                })*
                for (key, value) in &self.extra {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    };
}

/// A list that some tools print as a single object when it has one element
/// (the AWS CLI's own documentation example does this for
/// `AttachedManagedPolicies`).
#[derive(Debug)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list, or a single object")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let one = T::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(OneOrMany(vec![one]))
            }
        }
        deserializer.deserialize_any(OneOrManyVisitor(std::marker::PhantomData))
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// A policy document inside an export: a JSON object, or — as the raw IAM API
/// returns it — a URL-encoded JSON string. Importing keeps the object's text
/// without parsing it; the model parses it when someone looks.
#[derive(Debug)]
pub enum RawDocument {
    /// JSON text of the document (decoded when it came URL-encoded).
    Text(Box<str>),
    /// A document to write out (export).
    Value(Value),
}

impl<'de> Deserialize<'de> for RawDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw: Box<RawValue> = Deserialize::deserialize(deserializer)?;
        let text = raw.get();
        if text.starts_with('{') {
            return Ok(RawDocument::Text(raw.into()));
        }
        if text.starts_with('"') {
            let encoded: String = serde_json::from_str(text).map_err(de::Error::custom)?;
            let decoded = percent_encoding::percent_decode_str(&encoded)
                .decode_utf8()
                .map_err(|_| de::Error::custom("a URL-encoded policy document that is not UTF-8 once decoded"))?;
            if decoded.trim_start().starts_with('{') {
                return Ok(RawDocument::Text(decoded.into_owned().into()));
            }
            return Err(de::Error::custom(
                "a string that is not a policy document (expected a JSON object, or a URL-encoded JSON object)",
            ));
        }
        Err(de::Error::custom(format!(
            "a policy document must be a JSON object or a URL-encoded JSON string, found `{}`",
            text.chars().take(40).collect::<String>()
        )))
    }
}

impl Serialize for RawDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RawDocument::Value(value) => value.serialize(serializer),
            // Text that is not JSON can only be written back as the string it was.
            RawDocument::Text(text) => text.serialize(serializer),
        }
    }
}

aws_object! {
    pub struct RawTag {
        "Key" => key: String,
        "Value" => value: String,
    }
}

aws_object! {
    pub struct RawAttachedPolicy {
        "PolicyName" => name: String,
        "PolicyArn" => arn: String,
    }
}

aws_object! {
    pub struct RawInlinePolicy {
        "PolicyName" => name: String,
        "PolicyDocument" => document: RawDocument,
    }
}

aws_object! {
    pub struct RawBoundary {
        "PermissionsBoundaryType" => kind: String,
        "PermissionsBoundaryArn" => arn: String,
    }
}

aws_object! {
    /// `aws iam list-access-keys` metadata plus `get-access-key-last-used`.
    pub struct RawAccessKey {
        "AccessKeyId" => id: String,
        "Status" => status: String,
        "CreateDate" => created: AwsDate,
        "LastUsedDate" => last_used: AwsDate,
        "LastUsedService" => last_used_service: String,
        "LastUsedRegion" => last_used_region: String,
    }
}

aws_object! {
    /// `aws iam get-login-profile`: the user has a console password.
    pub struct RawLoginProfile {
        "CreateDate" => created: AwsDate,
        "PasswordResetRequired" => reset_required: bool,
    }
}

aws_object! {
    /// `aws iam list-mfa-devices`.
    pub struct RawMfaDevice {
        "SerialNumber" => serial: String,
        "EnableDate" => enabled: AwsDate,
    }
}

aws_object! {
    pub struct RawUser {
        "Path" => path: String,
        "UserName" => name: String,
        "UserId" => id: String,
        "Arn" => arn: String,
        "CreateDate" => created: AwsDate,
        "UserPolicyList" => inline_policies: Vec<RawInlinePolicy>,
        "GroupList" => groups: Vec<String>,
        "AttachedManagedPolicies" => attached_policies: OneOrMany<RawAttachedPolicy>,
        "PermissionsBoundary" => permissions_boundary: RawBoundary,
        "Tags" => tags: Vec<RawTag>,
        "PasswordLastUsed" => password_last_used: AwsDate,
        "LoginProfile" => login_profile: RawLoginProfile,
        "MFADevices" => mfa_devices: Vec<RawMfaDevice>,
        "AccessKeys" => access_keys: Vec<RawAccessKey>,
    }
}

aws_object! {
    pub struct RawGroup {
        "Path" => path: String,
        "GroupName" => name: String,
        "GroupId" => id: String,
        "Arn" => arn: String,
        "CreateDate" => created: AwsDate,
        "GroupPolicyList" => inline_policies: Vec<RawInlinePolicy>,
        "AttachedManagedPolicies" => attached_policies: OneOrMany<RawAttachedPolicy>,
    }
}

aws_object! {
    pub struct RawInstanceProfile {
        "Path" => path: String,
        "InstanceProfileName" => name: String,
        "InstanceProfileId" => id: String,
        "Arn" => arn: String,
        "CreateDate" => created: AwsDate,
        "Roles" => roles: Vec<Value>,
    }
}

aws_object! {
    pub struct RawRoleLastUsed {
        "LastUsedDate" => date: AwsDate,
        "Region" => region: String,
    }
}

aws_object! {
    pub struct RawRole {
        "Path" => path: String,
        "RoleName" => name: String,
        "RoleId" => id: String,
        "Arn" => arn: String,
        "CreateDate" => created: AwsDate,
        "Description" => description: String,
        "AssumeRolePolicyDocument" => trust_policy: RawDocument,
        "InstanceProfileList" => instance_profiles: Vec<RawInstanceProfile>,
        "RolePolicyList" => inline_policies: Vec<RawInlinePolicy>,
        "AttachedManagedPolicies" => attached_policies: OneOrMany<RawAttachedPolicy>,
        "PermissionsBoundary" => permissions_boundary: RawBoundary,
        "MaxSessionDuration" => max_session_duration: u32,
        "Tags" => tags: Vec<RawTag>,
        "RoleLastUsed" => last_used: RawRoleLastUsed,
    }
}

aws_object! {
    pub struct RawPolicyVersion {
        "Document" => document: RawDocument,
        "VersionId" => id: String,
        "IsDefaultVersion" => is_default: bool,
        "CreateDate" => created: AwsDate,
    }
}

aws_object! {
    pub struct RawManagedPolicy {
        "PolicyName" => name: String,
        "PolicyId" => id: String,
        "Arn" => arn: String,
        "Path" => path: String,
        "DefaultVersionId" => default_version_id: String,
        "AttachmentCount" => attachment_count: u32,
        "PermissionsBoundaryUsageCount" => boundary_usage_count: u32,
        "IsAttachable" => is_attachable: bool,
        "Description" => description: String,
        "CreateDate" => created: AwsDate,
        "UpdateDate" => updated: AwsDate,
        "PolicyVersionList" => versions: Vec<RawPolicyVersion>,
        "Tags" => tags: Vec<RawTag>,
    }
}

aws_object! {
    pub struct RawResourcePolicy {
        "ResourceArn" => resource_arn: String,
        "Policy" => policy: RawDocument,
    }
}

aws_object! {
    /// An SCP or RCP and where it is attached.
    pub struct RawOrgPolicy {
        "Name" => name: String,
        "Policy" => policy: RawDocument,
        "Target" => target: String,
    }
}

aws_object! {
    pub struct RawCognitoProvider {
        "ProviderName" => provider_name: String,
        "ClientId" => client_id: String,
        "ServerSideTokenCheck" => server_side_token_check: bool,
    }
}

aws_object! {
    /// `get-identity-pool-roles`' `Roles` map.
    pub struct RawPoolRoles {
        "authenticated" => authenticated: String,
        "unauthenticated" => unauthenticated: String,
    }
}

aws_object! {
    /// `describe-identity-pool` merged with `get-identity-pool-roles`.
    pub struct RawIdentityPool {
        "IdentityPoolId" => id: String,
        "IdentityPoolName" => name: String,
        "AllowUnauthenticatedIdentities" => allow_unauthenticated: bool,
        "AllowClassicFlow" => allow_classic_flow: bool,
        "CognitoIdentityProviders" => providers: Vec<RawCognitoProvider>,
        "Roles" => roles: RawPoolRoles,
    }
}

aws_object! {
    /// `describe-user-pool`'s `UserPool`.
    pub struct RawUserPool {
        "Id" => id: String,
        "Name" => name: String,
        "Arn" => arn: String,
    }
}

aws_object! {
    /// A SAML provider: `list-saml-providers`' entry merged with what
    /// `get-saml-provider` prints for it.
    pub struct RawSamlProvider {
        "Arn" => arn: String,
        "SAMLMetadataDocument" => metadata_document: String,
        "CreateDate" => created: AwsDate,
        "ValidUntil" => valid_until: AwsDate,
        "Tags" => tags: Vec<RawTag>,
    }
}

aws_object! {
    /// An OpenID Connect provider: `list-open-id-connect-providers`' entry
    /// merged with what `get-open-id-connect-provider` prints for it.
    pub struct RawOidcProvider {
        "Arn" => arn: String,
        "Url" => url: String,
        "ClientIDList" => client_ids: Vec<String>,
        "ThumbprintList" => thumbprints: Vec<String>,
        "CreateDate" => created: AwsDate,
        "Tags" => tags: Vec<RawTag>,
    }
}

aws_object! {
    /// A whole file: GAAD output, one page of it, or a workspace file.
    pub struct RawAccountFile {
        "UserDetailList" => users: Vec<RawUser>,
        "GroupDetailList" => groups: Vec<RawGroup>,
        "RoleDetailList" => roles: Vec<RawRole>,
        "Policies" => policies: Vec<RawManagedPolicy>,
        "IsTruncated" => is_truncated: bool,
        "Marker" => marker: String,
        "AccountId" => account_id: String,
        "AccountAlias" => account_alias: String,
        "ResourcePolicies" => resource_policies: Vec<RawResourcePolicy>,
        "ServiceControlPolicies" => service_control_policies: Vec<RawOrgPolicy>,
        "ResourceControlPolicies" => resource_control_policies: Vec<RawOrgPolicy>,
        "IdentityPools" => identity_pools: Vec<RawIdentityPool>,
        "UserPools" => user_pools: Vec<RawUserPool>,
        "SAMLProviders" => saml_providers: Vec<RawSamlProvider>,
        "OpenIDConnectProviders" => oidc_providers: Vec<RawOidcProvider>,
        // What the list commands print, as they print it.
        "SAMLProviderList" => saml_provider_list: Vec<RawSamlProvider>,
        "OpenIDConnectProviderList" => oidc_provider_list: Vec<RawOidcProvider>,
        "CredentialReport" => credential_report: Vec<Map<String, Value>>,
        "Inventory" => inventory: crate::model::inventory::Inventory,
    }
}

impl RawAccountFile {
    /// Whether the file has any key that an account export or workspace has.
    pub fn has_account_keys(&self) -> bool {
        self.users.is_some()
            || self.groups.is_some()
            || self.roles.is_some()
            || self.policies.is_some()
            || self.resource_policies.is_some()
            || self.service_control_policies.is_some()
            || self.resource_control_policies.is_some()
            || self.identity_pools.is_some()
            || self.user_pools.is_some()
            || self.saml_providers.is_some()
            || self.oidc_providers.is_some()
            || self.saml_provider_list.is_some()
            || self.oidc_provider_list.is_some()
            || self.account_id.is_some()
    }
}
