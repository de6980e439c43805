//! The explorer's lists: one section per kind of thing in the account, the
//! columns that matter for each, and the targets their rows stand for.

use jiff::Timestamp;

use serde::{Deserialize, Serialize};

use crate::eval::PrincipalSpec;
use crate::model::{EntityRef, Holder, Model, PolicyOrigin};
use crate::policy::PrincipalKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Section {
    #[default]
    Users,
    Groups,
    Roles,
    Policies,
    Root,
    IdentityPools,
    UserPools,
    ResourcePolicies,
    OrgPolicies,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Users,
        Section::Groups,
        Section::Roles,
        Section::Policies,
        Section::Root,
        Section::IdentityPools,
        Section::UserPools,
        Section::ResourcePolicies,
        Section::OrgPolicies,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Users => "Users",
            Section::Groups => "Groups",
            Section::Roles => "Roles",
            Section::Policies => "Policies",
            Section::Root => "Root",
            Section::IdentityPools => "Identity pools",
            Section::UserPools => "User pools",
            Section::ResourcePolicies => "Resource policies",
            Section::OrgPolicies => "SCPs/RCPs",
        }
    }

    /// A section by the name lessons and commands use: `users`, `org`, …
    pub fn named(name: &str) -> Option<Section> {
        Some(match name {
            "users" => Section::Users,
            "groups" => Section::Groups,
            "roles" => Section::Roles,
            "policies" => Section::Policies,
            "root" => Section::Root,
            "pools" => Section::IdentityPools,
            "userpools" => Section::UserPools,
            "resources" => Section::ResourcePolicies,
            "org" => Section::OrgPolicies,
            _ => return None,
        })
    }

    /// The list that has a row for this entity, if one has.
    pub fn of(entity: &EntityRef) -> Option<Section> {
        Some(match entity {
            EntityRef::Root => Section::Root,
            EntityRef::User { .. } => Section::Users,
            EntityRef::Group { .. } => Section::Groups,
            EntityRef::Role { .. } => Section::Roles,
            EntityRef::ManagedPolicy { version: None, .. } => Section::Policies,
            EntityRef::IdentityPool { .. } => Section::IdentityPools,
            EntityRef::UserPool { .. } => Section::UserPools,
            EntityRef::ResourcePolicy { .. } => Section::ResourcePolicies,
            EntityRef::Scp { .. } | EntityRef::Rcp { .. } => Section::OrgPolicies,
            _ => return None,
        })
    }

    pub fn position(self) -> usize {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Section::Users => &["NAME", "GROUPS", "POLICIES", "MFA", "KEYS", "PASSWORD", "LAST USED"],
            Section::Groups => &["NAME", "MEMBERS", "POLICIES"],
            Section::Roles => &["NAME", "TRUSTED", "POLICIES", "LAST USED"],
            Section::Policies => &["NAME", "KIND", "ATTACHED", "VERSIONS", "UPDATED"],
            Section::Root => &["PRINCIPAL", "MFA", "KEYS", "PASSWORD LAST USED"],
            Section::IdentityPools => &["NAME", "GUESTS", "AUTHENTICATED ROLE", "UNAUTHENTICATED ROLE"],
            Section::UserPools => &["NAME", "ID"],
            Section::ResourcePolicies => &["RESOURCE", "STATEMENTS"],
            Section::OrgPolicies => &["NAME", "TYPE", "ATTACHED AT"],
        }
    }
}

/// Something the explorer can show: a list row, a link, a breadcrumb, a
/// page. Anything in the account is named by an [`EntityRef`] (by name or
/// ARN, never by position); pages that only look at the account have their
/// own variants.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    Entity(EntityRef),
    /// What a principal (as `user/NAME`, `role/NAME`, `root`, …) can do,
    /// and how it could become an administrator.
    Permissions(String),
}

impl From<EntityRef> for Target {
    fn from(entity: EntityRef) -> Target {
        Target::Entity(entity)
    }
}

impl Target {
    pub fn user(name: impl Into<String>) -> Target {
        Target::Entity(EntityRef::user(name))
    }

    pub fn group(name: impl Into<String>) -> Target {
        Target::Entity(EntityRef::group(name))
    }

    pub fn role(name: impl Into<String>) -> Target {
        Target::Entity(EntityRef::role(name))
    }

    pub fn policy(arn: impl Into<String>) -> Target {
        Target::Entity(EntityRef::managed_policy(arn))
    }

    pub fn entity(&self) -> Option<&EntityRef> {
        match self {
            Target::Entity(e) => Some(e),
            Target::Permissions(_) => None,
        }
    }

    /// A short name for breadcrumbs.
    pub fn label(&self, model: &Model) -> String {
        let a = model.account();
        let policy_name = |arn: &str| model.policy(arn).map_or_else(|| arn.to_owned(), |p| p.name.clone());
        match self {
            Target::Permissions(p) => format!("what {p} can do"),
            Target::Entity(e) => match e {
                EntityRef::Root => "root user".to_owned(),
                EntityRef::User { name } => format!("user {name}"),
                EntityRef::Group { name } => format!("group {name}"),
                EntityRef::Role { name } => format!("role {name}"),
                EntityRef::ManagedPolicy { arn, version: None } => policy_name(arn),
                EntityRef::ManagedPolicy { arn, version: Some(v) } => format!("{} {v}", policy_name(arn)),
                EntityRef::InlinePolicy { name, .. } => format!("{name} (inline)"),
                EntityRef::TrustPolicy { role } => format!("trust policy of {role}"),
                EntityRef::IdentityPool { id } => {
                    model.identity_pool(id).map_or_else(|| id.clone(), |p| p.name.clone())
                }
                EntityRef::UserPool { id } => a
                    .user_pools
                    .iter()
                    .find(|p| &p.id == id)
                    .map_or_else(|| id.clone(), |p| p.name.clone()),
                EntityRef::ResourcePolicy { resource_arn } => resource_arn.clone(),
                EntityRef::Scp { name, .. } | EntityRef::Rcp { name, .. } => name.clone(),
            },
        }
    }

    pub fn arn(&self, model: &Model) -> Option<String> {
        let a = model.account();
        let Target::Entity(e) = self else {
            return None;
        };
        match e {
            EntityRef::Root => Some(a.root_arn()),
            EntityRef::User { name } => model.user(name).map(|u| u.arn.to_string()),
            EntityRef::Group { name } => model.group(name).map(|g| g.arn.to_string()),
            EntityRef::Role { name } | EntityRef::TrustPolicy { role: name } => {
                model.role(name).map(|r| r.arn.to_string())
            }
            EntityRef::ManagedPolicy { arn, .. } => Some(arn.clone()),
            EntityRef::UserPool { id } => a.user_pools.iter().find(|p| &p.id == id).and_then(|p| p.arn.clone()),
            EntityRef::ResourcePolicy { resource_arn } => Some(resource_arn.clone()),
            EntityRef::IdentityPool { id } => Some(format!(
                "arn:{}:cognito-identity:{}:{}:identitypool/{id}",
                a.partition,
                id.split(':').next().unwrap_or_default(),
                a.id
            )),
            EntityRef::InlinePolicy { holder, .. } => match holder {
                Holder::User(n) => model.user(n).map(|u| u.arn.to_string()),
                Holder::Group(n) => model.group(n).map(|g| g.arn.to_string()),
                Holder::Role(n) => model.role(n).map(|r| r.arn.to_string()),
            },
            EntityRef::Scp { .. } | EntityRef::Rcp { .. } => None,
        }
    }

    /// The principal a request would name for this target, if it is one.
    pub fn principal(&self) -> Option<PrincipalSpec> {
        match self.entity()? {
            EntityRef::Root => Some(PrincipalSpec::Root),
            EntityRef::User { name } => Some(PrincipalSpec::User(name.clone())),
            EntityRef::Role { name } => Some(PrincipalSpec::Role {
                name: name.clone(),
                session: None,
            }),
            EntityRef::IdentityPool { id } => Some(PrincipalSpec::IdentityPool {
                id: id.clone(),
                authenticated: false,
            }),
            _ => None,
        }
    }

    /// The user, group or role that holds policies, if it is one.
    pub fn holder(&self) -> Option<Holder> {
        match self.entity()? {
            EntityRef::User { name } => Some(Holder::User(name.clone())),
            EntityRef::Group { name } => Some(Holder::Group(name.clone())),
            EntityRef::Role { name } => Some(Holder::Role(name.clone())),
            _ => None,
        }
    }
}

/// One row of a list.
#[derive(Debug, Clone)]
pub struct Row {
    pub target: Target,
    pub cells: Vec<String>,
    /// What the fuzzy filter searches.
    pub search: String,
}

pub fn day(ts: Option<Timestamp>) -> String {
    ts.map_or_else(|| "—".to_owned(), |t| t.strftime("%Y-%m-%d").to_string())
}

/// `412 days`, `today`.
pub fn age(ts: Option<Timestamp>, now: Timestamp) -> String {
    let Some(ts) = ts else {
        return "—".to_owned();
    };
    let days = (now.as_second() - ts.as_second()) / 86_400;
    match days {
        d if d < 1 => "today".to_owned(),
        1 => "1 day".to_owned(),
        d => format!("{d} days"),
    }
}

fn row(target: Target, cells: Vec<String>) -> Row {
    let search = cells.join(" ");
    Row { target, cells, search }
}

pub fn rows(model: &Model, section: Section) -> Vec<Row> {
    let a = model.account();
    let index = model.index();
    let unknown = || "?".to_owned();
    match section {
        Section::Users => a
            .users
            .iter()
            .map(|u| {
                let c = u.credentials.as_ref();
                let keys = c.map_or_else(unknown, |c| match (c.access_keys.len(), c.active_access_keys()) {
                    (0, _) => "0".to_owned(),
                    (n, active) if n == active => format!("{n}"),
                    (n, active) => format!("{n} ({active} active)"),
                });
                let last_used = c
                    .map(|c| {
                        c.password
                            .iter()
                            .filter_map(|p| p.last_used)
                            .chain(c.access_keys.iter().filter_map(|k| k.last_used))
                            .max()
                    })
                    .map_or_else(|| "—".to_owned(), day);
                row(
                    Target::user(&u.name),
                    vec![
                        u.name.clone(),
                        if u.groups.is_empty() {
                            "—".to_owned()
                        } else {
                            u.groups.join(", ")
                        },
                        (u.attached_policies.len() + u.inline_policies.len()).to_string(),
                        c.map_or_else(unknown, |c| if c.mfa_active { "yes" } else { "no" }.to_owned()),
                        keys,
                        c.map_or_else(unknown, |c| if c.password.is_some() { "yes" } else { "no" }.to_owned()),
                        last_used,
                    ],
                )
            })
            .collect(),
        Section::Groups => a
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                row(
                    Target::group(&g.name),
                    vec![
                        g.name.clone(),
                        index.members_of(i).len().to_string(),
                        (g.attached_policies.len() + g.inline_policies.len()).to_string(),
                    ],
                )
            })
            .collect(),
        Section::Roles => a
            .roles
            .iter()
            .map(|r| {
                let mut name = r.name.clone();
                if r.is_service_linked() {
                    name.push_str(" (service-linked)");
                }
                row(
                    Target::role(&r.name),
                    vec![
                        name,
                        trusted_principals(r.trust_policy.as_ref()),
                        (r.attached_policies.len() + r.inline_policies.len()).to_string(),
                        r.last_used.as_ref().map_or_else(|| "never".to_owned(), |l| day(l.date)),
                    ],
                )
            })
            .collect(),
        Section::Policies => a
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                // a short word that fits the column; the page says it in full
                let kind = match (&p.origin, p.is_aws_managed()) {
                    (PolicyOrigin::BuiltInLibrary { .. }, _) => "AWS copy",
                    (_, true) => "AWS",
                    (_, false) => "customer",
                };
                row(
                    Target::policy(p.arn.to_string()),
                    vec![
                        p.name.clone(),
                        kind.to_owned(),
                        index.uses_of(i).len().to_string(),
                        p.versions.len().to_string(),
                        day(p.updated),
                    ],
                )
            })
            .collect(),
        Section::Root => {
            let c = a.root.credentials.as_ref();
            vec![row(
                Target::Entity(EntityRef::Root),
                vec![
                    "root user".to_owned(),
                    c.map_or_else(unknown, |c| if c.mfa_active { "yes" } else { "NO" }.to_owned()),
                    c.map_or_else(unknown, |c| c.access_keys.len().to_string()),
                    c.and_then(|c| c.password.as_ref())
                        .map_or_else(|| "—".to_owned(), |p| day(p.last_used)),
                ],
            )]
        }
        Section::IdentityPools => a
            .identity_pools
            .iter()
            .map(|p| {
                let name_of = |arn: &Option<String>| {
                    arn.as_deref()
                        .map_or("—", |a| a.rsplit('/').next().unwrap_or(a))
                        .to_owned()
                };
                row(
                    Target::Entity(EntityRef::IdentityPool { id: p.id.clone() }),
                    vec![
                        p.name.clone(),
                        if p.allow_unauthenticated { "allowed" } else { "no" }.to_owned(),
                        name_of(&p.authenticated_role),
                        name_of(&p.unauthenticated_role),
                    ],
                )
            })
            .collect(),
        Section::UserPools => a
            .user_pools
            .iter()
            .map(|p| {
                row(
                    Target::Entity(EntityRef::UserPool { id: p.id.clone() }),
                    vec![p.name.clone(), p.id.clone()],
                )
            })
            .collect(),
        Section::ResourcePolicies => a
            .resource_policies
            .iter()
            .map(|p| {
                row(
                    Target::Entity(EntityRef::ResourcePolicy {
                        resource_arn: p.resource_arn.clone(),
                    }),
                    vec![p.resource_arn.clone(), p.policy.parsed().statements().len().to_string()],
                )
            })
            .collect(),
        Section::OrgPolicies => {
            let scps = a.service_control_policies.iter().map(|p| {
                row(
                    Target::Entity(EntityRef::Scp {
                        name: p.name.clone(),
                        target: p.target.as_str().map(str::to_owned),
                    }),
                    vec![p.name.clone(), "SCP".to_owned(), p.target.describe()],
                )
            });
            let rcps = a.resource_control_policies.iter().map(|p| {
                row(
                    Target::Entity(EntityRef::Rcp {
                        name: p.name.clone(),
                        target: p.target.as_str().map(str::to_owned),
                    }),
                    vec![p.name.clone(), "RCP".to_owned(), p.target.describe()],
                )
            });
            scps.chain(rcps).collect()
        }
    }
}

/// Who a trust policy's Allow statements name, briefly: `ec2.amazonaws.com`, `user/dave`.
pub fn trusted_principals(trust: Option<&crate::policy::PolicyDocument>) -> String {
    let Some(trust) = trust else {
        return "—".to_owned();
    };
    let mut names: Vec<String> = Vec::new();
    for statement in trust.parsed().statements() {
        if statement.effect != crate::policy::Effect::Allow {
            continue;
        }
        let Some(principal) = &statement.principal else {
            continue;
        };
        if principal.any {
            names.push("anyone (*)".to_owned());
        }
        for entry in &principal.entries {
            let short = match entry.kind {
                PrincipalKind::Aws => match entry.value.split_once(":iam::") {
                    Some((_, rest)) => match rest.split_once(':') {
                        Some((account, "root")) => format!("account {account}"),
                        Some((_, resource)) => resource.to_owned(),
                        None => entry.value.clone(),
                    },
                    None => entry.value.clone(),
                },
                _ => entry.value.clone(),
            };
            if !names.contains(&short) {
                names.push(short);
            }
        }
    }
    if names.is_empty() {
        "—".to_owned()
    } else {
        names.join(", ")
    }
}
