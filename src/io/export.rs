//! Writing an account out: as GAAD JSON (what AWS prints, for other tools) or
//! as a workspace file (GAAD plus resource policies, SCPs/RCPs, Cognito pools,
//! SAML and OpenID Connect providers, credentials). Importing what export wrote gives back an equal account.

use std::io::Write;

use serde::Serialize;
use serde_json::{Map, Value};

use super::credential_report;
use super::dates::AwsDate;
use super::raw::*;
use crate::model::*;
use crate::policy::PolicyDocument;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Only what `get-account-authorization-details` prints.
    Gaad,
    /// Everything iamscope knows about the account.
    Workspace,
}

/// Write `account` as JSON (four-space indentation, as the AWS CLI prints).
pub fn export_account(account: &Account, format: ExportFormat, out: &mut impl Write) -> std::io::Result<()> {
    let raw = to_raw(account, format);
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, formatter);
    raw.serialize(&mut serializer).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

pub fn export_to_string(account: &Account, format: ExportFormat) -> String {
    let mut out = Vec::new();
    export_account(account, format, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("JSON is UTF-8")
}

fn to_raw(account: &Account, format: ExportFormat) -> RawAccountFile {
    let workspace = format == ExportFormat::Workspace;
    let mut raw = RawAccountFile {
        users: Some(account.users.iter().map(|u| user(u, workspace)).collect()),
        groups: Some(account.groups.iter().map(group).collect()),
        roles: Some(account.roles.iter().map(role).collect()),
        // Policies from the built-in library were not in the source: writing
        // them back would make them look exported; import resolves them again.
        policies: Some(
            account
                .policies
                .iter()
                .filter(|p| p.origin == PolicyOrigin::Export)
                .map(managed_policy)
                .collect(),
        ),
        extra: account.extra.clone(),
        ..RawAccountFile::default()
    };
    if !workspace {
        // what was changed in iamscope is not part of what AWS prints
        raw.extra.shift_remove(crate::io::change_log::LOG_KEY);
    }
    if workspace {
        raw.account_id = Some(account.id.clone());
        raw.account_alias = account.alias.clone();
        raw.resource_policies = Some(
            account
                .resource_policies
                .iter()
                .map(|rp| RawResourcePolicy {
                    resource_arn: Some(rp.resource_arn.clone()),
                    policy: Some(document(&rp.policy)),
                    extra: rp.extra.clone(),
                })
                .collect(),
        );
        raw.service_control_policies = Some(account.service_control_policies.iter().map(org_policy).collect());
        raw.resource_control_policies = Some(account.resource_control_policies.iter().map(org_policy).collect());
        raw.identity_pools = Some(account.identity_pools.iter().map(identity_pool).collect());
        raw.user_pools = Some(
            account
                .user_pools
                .iter()
                .map(|p| RawUserPool {
                    id: Some(p.id.clone()),
                    name: Some(p.name.clone()),
                    arn: p.arn.clone(),
                    extra: p.extra.clone(),
                })
                .collect(),
        );
        // Only when a file listed them: an absent list says "not exported".
        raw.saml_providers = account
            .saml_providers
            .as_ref()
            .map(|providers| providers.iter().map(saml_provider).collect());
        raw.oidc_providers = account
            .oidc_providers
            .as_ref()
            .map(|providers| providers.iter().map(oidc_provider).collect());
        raw.credential_report = Some(credential_rows(account));
        raw.inventory = account.inventory.clone();
    }
    raw
}

fn saml_provider(p: &SamlProvider) -> RawSamlProvider {
    RawSamlProvider {
        arn: Some(p.arn.to_string()),
        metadata_document: p.metadata_document.clone(),
        created: date(p.created),
        valid_until: date(p.valid_until),
        tags: tags(&p.tags),
        extra: p.extra.clone(),
    }
}

fn oidc_provider(p: &OidcProvider) -> RawOidcProvider {
    RawOidcProvider {
        arn: Some(p.arn.to_string()),
        url: Some(p.url.clone()),
        client_ids: Some(p.client_ids.clone()),
        thumbprints: Some(p.thumbprints.clone()),
        created: date(p.created),
        tags: tags(&p.tags),
        extra: p.extra.clone(),
    }
}

fn document(doc: &PolicyDocument) -> RawDocument {
    match doc.to_value() {
        Some(value) => RawDocument::Value(value),
        None => RawDocument::Text(doc.text().into()),
    }
}

fn date(ts: Option<jiff::Timestamp>) -> Option<AwsDate> {
    ts.map(AwsDate)
}

fn tags(tags: &[Tag]) -> Option<Vec<RawTag>> {
    (!tags.is_empty()).then(|| {
        tags.iter()
            .map(|t| RawTag {
                key: Some(t.key.clone()),
                value: Some(t.value.clone()),
                extra: Map::new(),
            })
            .collect()
    })
}

fn attached(policies: &[AttachedPolicy]) -> Option<OneOrMany<RawAttachedPolicy>> {
    Some(OneOrMany(
        policies
            .iter()
            .map(|a| RawAttachedPolicy {
                name: Some(a.name.clone()),
                arn: Some(a.arn.clone()),
                extra: Map::new(),
            })
            .collect(),
    ))
}

fn inline(policies: &[InlinePolicy]) -> Option<Vec<RawInlinePolicy>> {
    Some(
        policies
            .iter()
            .map(|p| RawInlinePolicy {
                name: Some(p.name.clone()),
                document: Some(document(&p.document)),
                extra: Map::new(),
            })
            .collect(),
    )
}

fn boundary(b: &Option<PermissionsBoundary>) -> Option<RawBoundary> {
    b.as_ref().map(|b| RawBoundary {
        kind: Some("PermissionsBoundaryPolicy".to_owned()),
        arn: Some(b.arn.clone()),
        extra: Map::new(),
    })
}

fn user(u: &User, workspace: bool) -> RawUser {
    let mut raw = RawUser {
        path: Some(u.path.clone()),
        name: Some(u.name.clone()),
        id: Some(u.id.clone()),
        arn: Some(u.arn.to_string()),
        created: date(u.created),
        inline_policies: inline(&u.inline_policies),
        groups: Some(u.groups.clone()),
        attached_policies: attached(&u.attached_policies),
        permissions_boundary: boundary(&u.permissions_boundary),
        tags: tags(&u.tags),
        extra: u.extra.clone(),
        ..RawUser::default()
    };
    if let (true, Some(c)) = (workspace, &u.credentials) {
        if let Some(p) = &c.password {
            raw.login_profile = Some(RawLoginProfile {
                created: date(p.created),
                reset_required: p.reset_required,
                extra: Map::new(),
            });
            raw.password_last_used = date(p.last_used);
        }
        raw.mfa_devices = (!c.mfa_devices.is_empty()).then(|| {
            c.mfa_devices
                .iter()
                .map(|d| RawMfaDevice {
                    serial: Some(d.serial.clone()),
                    enabled: date(d.enabled),
                    extra: Map::new(),
                })
                .collect()
        });
        raw.access_keys = (!c.access_keys.is_empty()).then(|| {
            c.access_keys
                .iter()
                .map(|k| RawAccessKey {
                    id: k.id.clone(),
                    status: Some(k.status.as_str().to_owned()),
                    created: date(k.created),
                    last_used: date(k.last_used),
                    last_used_service: k.last_used_service.clone(),
                    last_used_region: k.last_used_region.clone(),
                    extra: Map::new(),
                })
                .collect()
        });
    }
    raw
}

fn group(g: &Group) -> RawGroup {
    RawGroup {
        path: Some(g.path.clone()),
        name: Some(g.name.clone()),
        id: Some(g.id.clone()),
        arn: Some(g.arn.to_string()),
        created: date(g.created),
        inline_policies: inline(&g.inline_policies),
        attached_policies: attached(&g.attached_policies),
        extra: g.extra.clone(),
    }
}

fn role(r: &Role) -> RawRole {
    // GAAD repeats a short form of the role inside each of its instance profiles.
    let short_role = || {
        let mut map = Map::new();
        map.insert("Path".into(), r.path.clone().into());
        map.insert("RoleName".into(), r.name.clone().into());
        map.insert("RoleId".into(), r.id.clone().into());
        map.insert("Arn".into(), r.arn.to_string().into());
        if let Some(created) = r.created {
            map.insert("CreateDate".into(), created.to_string().into());
        }
        if let Some(value) = r.trust_policy.as_ref().and_then(PolicyDocument::to_value) {
            map.insert("AssumeRolePolicyDocument".into(), value);
        }
        Value::Object(map)
    };
    RawRole {
        path: Some(r.path.clone()),
        name: Some(r.name.clone()),
        id: Some(r.id.clone()),
        arn: Some(r.arn.to_string()),
        created: date(r.created),
        description: r.description.clone(),
        trust_policy: r.trust_policy.as_ref().map(document),
        instance_profiles: Some(
            r.instance_profiles
                .iter()
                .map(|p| RawInstanceProfile {
                    path: Some(p.path.clone()),
                    name: Some(p.name.clone()),
                    id: Some(p.id.clone()),
                    arn: Some(p.arn.clone()),
                    created: date(p.created),
                    roles: Some(vec![short_role()]),
                    extra: Map::new(),
                })
                .collect(),
        ),
        inline_policies: inline(&r.inline_policies),
        attached_policies: attached(&r.attached_policies),
        permissions_boundary: boundary(&r.permissions_boundary),
        max_session_duration: r.max_session_duration,
        tags: tags(&r.tags),
        last_used: r.last_used.as_ref().map(|l| RawRoleLastUsed {
            date: date(l.date),
            region: l.region.clone(),
            extra: Map::new(),
        }),
        extra: r.extra.clone(),
    }
}

fn managed_policy(p: &ManagedPolicy) -> RawManagedPolicy {
    RawManagedPolicy {
        name: Some(p.name.clone()),
        id: Some(p.id.clone()),
        arn: Some(p.arn.to_string()),
        path: Some(p.path.clone()),
        default_version_id: Some(p.default_version_id.clone()),
        attachment_count: p.attachment_count,
        boundary_usage_count: p.boundary_usage_count,
        is_attachable: Some(p.is_attachable),
        description: p.description.clone(),
        created: date(p.created),
        updated: date(p.updated),
        versions: Some(
            p.versions
                .iter()
                .map(|v| RawPolicyVersion {
                    document: Some(document(&v.document)),
                    id: Some(v.id.clone()),
                    is_default: Some(v.is_default),
                    created: date(v.created),
                    extra: Map::new(),
                })
                .collect(),
        ),
        tags: tags(&p.tags),
        extra: p.extra.clone(),
    }
}

fn org_policy(p: &OrgPolicy) -> RawOrgPolicy {
    RawOrgPolicy {
        name: Some(p.name.clone()),
        policy: Some(document(&p.policy)),
        target: p.target.as_str().map(str::to_owned),
        extra: p.extra.clone(),
    }
}

fn identity_pool(p: &IdentityPool) -> RawIdentityPool {
    RawIdentityPool {
        id: Some(p.id.clone()),
        name: Some(p.name.clone()),
        allow_unauthenticated: Some(p.allow_unauthenticated),
        allow_classic_flow: p.allow_classic_flow,
        providers: Some(
            p.providers
                .iter()
                .map(|c| RawCognitoProvider {
                    provider_name: Some(c.provider_name.clone()),
                    client_id: c.client_id.clone(),
                    server_side_token_check: c.server_side_token_check,
                    extra: Map::new(),
                })
                .collect(),
        ),
        roles: Some(RawPoolRoles {
            authenticated: p.authenticated_role.clone(),
            unauthenticated: p.unauthenticated_role.clone(),
            extra: Map::new(),
        }),
        extra: p.extra.clone(),
    }
}

fn credential_rows(account: &Account) -> Vec<Map<String, Value>> {
    let mut rows = Vec::new();
    if let Some(c) = &account.root.credentials {
        let row = credential_report::row_for(
            credential_report::ROOT_ROW,
            &account.root_arn(),
            account.root.created,
            c,
            true,
        );
        rows.push(row.to_json());
    }
    for u in &account.users {
        if let Some(c) = &u.credentials {
            rows.push(credential_report::row_for(&u.name, u.arn.as_str(), u.created, c, false).to_json());
        }
    }
    rows
}

/// One entity as the workspace file writes it (the explorer's raw view).
pub fn user_json(u: &User) -> Value {
    serde_json::to_value(user(u, true)).unwrap_or(Value::Null)
}

pub fn group_json(g: &Group) -> Value {
    serde_json::to_value(group(g)).unwrap_or(Value::Null)
}

pub fn role_json(r: &Role) -> Value {
    serde_json::to_value(role(r)).unwrap_or(Value::Null)
}

pub fn policy_json(p: &ManagedPolicy) -> Value {
    serde_json::to_value(managed_policy(p)).unwrap_or(Value::Null)
}

pub fn identity_pool_json(p: &IdentityPool) -> Value {
    serde_json::to_value(identity_pool(p)).unwrap_or(Value::Null)
}

pub fn org_policy_json(p: &OrgPolicy) -> Value {
    serde_json::to_value(org_policy(p)).unwrap_or(Value::Null)
}
