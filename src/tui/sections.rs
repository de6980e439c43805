//! The explorer's lists: one section per kind of thing in the account, the
//! columns that matter for each, and the targets their rows stand for.

use jiff::Timestamp;

use crate::eval::PrincipalSpec;
use crate::model::{Holder, Model, PolicyOrigin};
use crate::policy::PrincipalKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
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

/// Something the explorer can show: a list row, a link, a breadcrumb.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Root,
    User(String),
    Group(String),
    Role(String),
    /// A managed policy, by ARN.
    Policy(String),
    /// A managed policy's document, optionally a particular version.
    PolicyDocument {
        arn: String,
        version: Option<String>,
    },
    Inline {
        holder: Holder,
        name: String,
    },
    Trust(String),
    IdentityPool(String),
    UserPool(String),
    ResourcePolicy(usize),
    Scp(usize),
    Rcp(usize),
    /// What a principal (as `user/NAME`, `role/NAME`, `root`, …) can do,
    /// and how it could become an administrator.
    Permissions(String),
}

impl Target {
    /// A short name for breadcrumbs.
    pub fn label(&self, model: &Model) -> String {
        let a = model.account();
        match self {
            Target::Root => "root user".to_owned(),
            Target::User(n) => format!("user {n}"),
            Target::Group(n) => format!("group {n}"),
            Target::Role(n) => format!("role {n}"),
            Target::Policy(arn) => model.policy(arn).map_or_else(|| arn.clone(), |p| p.name.clone()),
            Target::PolicyDocument { arn, version } => {
                let name = model.policy(arn).map_or_else(|| arn.clone(), |p| p.name.clone());
                match version {
                    Some(v) => format!("{name} {v}"),
                    None => format!("{name} document"),
                }
            }
            Target::Inline { name, .. } => format!("{name} (inline)"),
            Target::Trust(role) => format!("trust policy of {role}"),
            Target::IdentityPool(id) => model.identity_pool(id).map_or_else(|| id.clone(), |p| p.name.clone()),
            Target::UserPool(id) => a
                .user_pools
                .iter()
                .find(|p| &p.id == id)
                .map_or_else(|| id.clone(), |p| p.name.clone()),
            Target::ResourcePolicy(i) => a
                .resource_policies
                .get(*i)
                .map_or_else(String::new, |p| p.resource_arn.clone()),
            Target::Scp(i) => a
                .service_control_policies
                .get(*i)
                .map_or_else(String::new, |p| p.name.clone()),
            Target::Rcp(i) => a
                .resource_control_policies
                .get(*i)
                .map_or_else(String::new, |p| p.name.clone()),
            Target::Permissions(p) => format!("what {p} can do"),
        }
    }

    pub fn arn(&self, model: &Model) -> Option<String> {
        let a = model.account();
        match self {
            Target::Root => Some(a.root_arn()),
            Target::User(n) => model.user(n).map(|u| u.arn.to_string()),
            Target::Group(n) => model.group(n).map(|g| g.arn.to_string()),
            Target::Role(n) | Target::Trust(n) => model.role(n).map(|r| r.arn.to_string()),
            Target::Policy(arn) | Target::PolicyDocument { arn, .. } => Some(arn.clone()),
            Target::UserPool(id) => a.user_pools.iter().find(|p| &p.id == id).and_then(|p| p.arn.clone()),
            Target::ResourcePolicy(i) => a.resource_policies.get(*i).map(|p| p.resource_arn.clone()),
            Target::IdentityPool(id) => Some(format!(
                "arn:{}:cognito-identity:{}:{}:identitypool/{id}",
                a.partition,
                id.split(':').next().unwrap_or_default(),
                a.id
            )),
            Target::Inline { holder, .. } => match holder {
                Holder::User(n) => model.user(n).map(|u| u.arn.to_string()),
                Holder::Group(n) => model.group(n).map(|g| g.arn.to_string()),
                Holder::Role(n) => model.role(n).map(|r| r.arn.to_string()),
            },
            Target::Scp(_) | Target::Rcp(_) | Target::Permissions(_) => None,
        }
    }

    /// The principal a request would name for this target, if it is one.
    pub fn principal(&self) -> Option<PrincipalSpec> {
        match self {
            Target::Root => Some(PrincipalSpec::Root),
            Target::User(n) => Some(PrincipalSpec::User(n.clone())),
            Target::Role(n) => Some(PrincipalSpec::Role {
                name: n.clone(),
                session: None,
            }),
            Target::IdentityPool(id) => Some(PrincipalSpec::IdentityPool {
                id: id.clone(),
                authenticated: false,
            }),
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
                    Target::User(u.name.clone()),
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
                    Target::Group(g.name.clone()),
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
                    Target::Role(r.name.clone()),
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
                let kind = match (&p.origin, p.is_aws_managed()) {
                    (PolicyOrigin::BuiltInLibrary { .. }, _) => "AWS (built-in copy)",
                    (_, true) => "AWS managed",
                    (_, false) => "customer managed",
                };
                row(
                    Target::Policy(p.arn.to_string()),
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
                Target::Root,
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
                    Target::IdentityPool(p.id.clone()),
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
            .map(|p| row(Target::UserPool(p.id.clone()), vec![p.name.clone(), p.id.clone()]))
            .collect(),
        Section::ResourcePolicies => a
            .resource_policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                row(
                    Target::ResourcePolicy(i),
                    vec![p.resource_arn.clone(), p.policy.parsed().statements().len().to_string()],
                )
            })
            .collect(),
        Section::OrgPolicies => {
            let scps = a.service_control_policies.iter().enumerate().map(|(i, p)| {
                row(
                    Target::Scp(i),
                    vec![p.name.clone(), "SCP".to_owned(), p.target.describe()],
                )
            });
            let rcps = a.resource_control_policies.iter().enumerate().map(|(i, p)| {
                row(
                    Target::Rcp(i),
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
