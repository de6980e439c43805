//! Lint every policy of a loaded account, each as the kind of policy it is
//! there: customer managed and inline policies as identity policies (a
//! managed policy used only as a boundary, as a boundary), role trust
//! policies as trust policies, resource policies as resource-based, SCPs and
//! RCPs as such. AWS managed policies are left out: nobody in the account
//! can change them.
//!
//! Locations refer to each document's text as iamscope shows it
//! (`PolicyDocument::text`: exports pretty-printed, authored text verbatim).

use serde::Serialize;

use super::{Finding, PolicyKind, lint_document, lint_trust_document};
use crate::model::{Account, InlinePolicy, Model, PolicyUse};
use crate::policy::{Diagnostic, PolicyDocument, Severity, Span};

/// Where a linted policy lives in the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum PolicySource {
    /// A customer managed policy, at its default version.
    ManagedPolicy {
        arn: String,
        name: String,
        version: String,
    },
    /// An inline policy of `entity` (`user/alice`, `group/dev`, `role/app`).
    Inline {
        entity: String,
        name: String,
    },
    /// All inline policies of `entity` together (their size quota).
    InlinePolicies {
        entity: String,
    },
    TrustPolicy {
        role: String,
    },
    ResourcePolicy {
        resource: String,
    },
    Scp {
        name: String,
        target: Option<String>,
    },
    Rcp {
        name: String,
        target: Option<String>,
    },
}

impl PolicySource {
    /// A short path-like name: `role/app/trust-policy`, `user/alice/inline/s3`.
    pub fn locator(&self) -> String {
        match self {
            PolicySource::ManagedPolicy { name, .. } => format!("policy/{name}"),
            PolicySource::Inline { entity, name } => format!("{entity}/inline/{name}"),
            PolicySource::InlinePolicies { entity } => format!("{entity}/inline"),
            PolicySource::TrustPolicy { role } => format!("role/{role}/trust-policy"),
            PolicySource::ResourcePolicy { resource } => format!("resource/{resource}"),
            PolicySource::Scp { name, .. } => format!("scp/{name}"),
            PolicySource::Rcp { name, .. } => format!("rcp/{name}"),
        }
    }

    /// A phrase: "inline policy s3 of user alice".
    pub fn describe(&self) -> String {
        let entity_words = |entity: &str| entity.replacen('/', " ", 1);
        match self {
            PolicySource::ManagedPolicy { arn, version, .. } => {
                format!("customer managed policy {arn} (version {version})")
            }
            PolicySource::Inline { entity, name } => format!("inline policy {name} of {}", entity_words(entity)),
            PolicySource::InlinePolicies { entity } => format!("the inline policies of {}", entity_words(entity)),
            PolicySource::TrustPolicy { role } => format!("trust policy of role {role}"),
            PolicySource::ResourcePolicy { resource } => format!("resource policy of {resource}"),
            PolicySource::Scp { name, target } => match target {
                Some(t) => format!("SCP {name} (attached to {t})"),
                None => format!("SCP {name}"),
            },
            PolicySource::Rcp { name, target } => match target {
                Some(t) => format!("RCP {name} (attached to {t})"),
                None => format!("RCP {name}"),
            },
        }
    }
}

/// The findings of one policy of the account.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyFindings {
    pub source: PolicySource,
    pub kind: PolicyKind,
    pub findings: Vec<Finding>,
    /// The document linted (none for a check of several documents at
    /// once); its text is what the findings' ids name statements by.
    #[serde(skip)]
    pub document: Option<PolicyDocument>,
}

/// Every linted policy of an account, with or without findings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccountLint {
    pub policies: Vec<PolicyFindings>,
    /// AWS managed policies present in the account but not linted.
    pub aws_managed_skipped: usize,
}

impl AccountLint {
    pub fn findings(&self) -> impl Iterator<Item = (&PolicyFindings, &Finding)> {
        self.policies
            .iter()
            .flat_map(|p| p.findings.iter().map(move |f| (p, f)))
    }
}

// Inline policies of one entity may total this many characters (white space
// not counted): IAM quotas page, "Inline policy size".
use crate::model::quotas::{
    INLINE_GROUP as INLINE_QUOTA_GROUP, INLINE_ROLE as INLINE_QUOTA_ROLE, INLINE_USER as INLINE_QUOTA_USER,
};

pub fn lint_account(model: &Model) -> AccountLint {
    let account = model.account();
    let mut out = AccountLint::default();
    for user in &account.users {
        inline(
            &mut out,
            &format!("user/{}", user.name),
            &user.inline_policies,
            INLINE_QUOTA_USER,
        );
    }
    for group in &account.groups {
        inline(
            &mut out,
            &format!("group/{}", group.name),
            &group.inline_policies,
            INLINE_QUOTA_GROUP,
        );
    }
    for role in &account.roles {
        if let Some(trust) = &role.trust_policy {
            out.policies.push(PolicyFindings {
                source: PolicySource::TrustPolicy {
                    role: role.name.clone(),
                },
                kind: PolicyKind::Trust,
                findings: lint_trust_document(trust, account.oidc_providers()),
                document: Some(trust.clone()),
            });
        }
        inline(
            &mut out,
            &format!("role/{}", role.name),
            &role.inline_policies,
            INLINE_QUOTA_ROLE,
        );
    }
    managed(&mut out, model);
    resource_and_org(&mut out, account);
    out
}

fn inline(out: &mut AccountLint, entity: &str, policies: &[InlinePolicy], quota: usize) {
    let mut total = 0;
    for policy in policies {
        total += policy.document.size_without_whitespace();
        out.policies.push(PolicyFindings {
            source: PolicySource::Inline {
                entity: entity.to_owned(),
                name: policy.name.clone(),
            },
            kind: PolicyKind::Identity,
            findings: lint_document(&policy.document, PolicyKind::Identity),
            document: Some(policy.document.clone()),
        });
    }
    if total > quota {
        out.policies.push(PolicyFindings {
            source: PolicySource::InlinePolicies {
                entity: entity.to_owned(),
            },
            kind: PolicyKind::Identity,
            findings: vec![Diagnostic {
                severity: Severity::Error,
                code: "inline-policies-too-large",
                message: format!(
                    "the {} inline policies of {} total {total} characters without white space; AWS allows {quota} for a {}",
                    policies.len(),
                    entity.replacen('/', " ", 1),
                    entity.split('/').next().unwrap_or("entity"),
                ),
                help: Some("move statements into managed policies and attach those".to_owned()),
                span: Span::default(),
                line: 1,
                column: 1,
                path: String::new(),
            }],
            document: None,
        });
    }
}

fn managed(out: &mut AccountLint, model: &Model) {
    let account = model.account();
    for (i, policy) in account.policies.iter().enumerate() {
        if policy.is_aws_managed() {
            out.aws_managed_skipped += 1;
            continue;
        }
        let Some(version) = policy.default_version() else {
            continue;
        };
        let uses = model.index().uses_of(i);
        let boundary_only = !uses.is_empty()
            && uses.iter().all(|u| {
                matches!(
                    u,
                    PolicyUse::User { boundary: true, .. } | PolicyUse::Role { boundary: true, .. }
                )
            });
        let kind = if boundary_only {
            PolicyKind::Boundary
        } else {
            PolicyKind::Identity
        };
        out.policies.push(PolicyFindings {
            source: PolicySource::ManagedPolicy {
                arn: policy.arn.to_string(),
                name: policy.name.clone(),
                version: version.id.clone(),
            },
            kind,
            findings: lint_document(&version.document, kind),
            document: Some(version.document.clone()),
        });
    }
}

fn resource_and_org(out: &mut AccountLint, account: &Account) {
    for rp in &account.resource_policies {
        // A role of another account that the export lacks is held here with
        // its trust policy.
        let kind = if is_role_arn(&rp.resource_arn) {
            PolicyKind::Trust
        } else {
            PolicyKind::Resource
        };
        out.policies.push(PolicyFindings {
            source: PolicySource::ResourcePolicy {
                resource: rp.resource_arn.clone(),
            },
            kind,
            findings: lint_document(&rp.policy, kind),
            document: Some(rp.policy.clone()),
        });
    }
    for (policies, kind) in [
        (&account.service_control_policies, PolicyKind::Scp),
        (&account.resource_control_policies, PolicyKind::Rcp),
    ] {
        for policy in policies {
            let name = policy.name.clone();
            let target = policy.target.as_str().map(|_| policy.target.describe());
            let source = match kind {
                PolicyKind::Scp => PolicySource::Scp { name, target },
                _ => PolicySource::Rcp { name, target },
            };
            out.policies.push(PolicyFindings {
                source,
                kind,
                findings: lint_document(&policy.policy, kind),
                document: Some(policy.policy.clone()),
            });
        }
    }
}

fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", _, "iam", _, _, resource] if resource.starts_with("role/"))
}
