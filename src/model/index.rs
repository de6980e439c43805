//! Lookups over an [`Account`] that would otherwise be scans: entities by name
//! and ARN, members of each group, who each managed policy reaches, which
//! policies apply to each principal, and references that resolve to nothing.
//!
//! An index describes one state of the account; [`super::Model`] rebuilds it
//! after every change.

use rustc_hash::FxHashMap as HashMap;

use super::entities::{Account, AttachedPolicy, InlinePolicy, OrgPolicy, OrgTarget};

/// Who attaches a managed policy, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyUse {
    User { user: usize, boundary: bool },
    Group { group: usize },
    Role { role: usize, boundary: bool },
}

/// Which entity holds an attachment or a membership.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Holder {
    User(String),
    Group(String),
    Role(String),
}

impl Holder {
    pub fn describe(&self) -> String {
        match self {
            Holder::User(n) => format!("user {n}"),
            Holder::Group(n) => format!("group {n}"),
            Holder::Role(n) => format!("role {n}"),
        }
    }
}

/// A name or ARN that points at nothing in the loaded account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dangling {
    /// An attached managed policy (or boundary) absent from the export's `Policies`.
    Policy {
        holder: Holder,
        arn: String,
        boundary: bool,
    },
    /// A user lists a group the export does not contain.
    Group { user: String, group: String },
    /// An identity pool names a role the export does not contain.
    PoolRole { pool: String, arn: String },
}

impl Dangling {
    pub fn describe(&self) -> String {
        match self {
            Dangling::Policy {
                holder,
                arn,
                boundary: false,
            } => {
                format!(
                    "{} attaches {arn}, which the export does not contain",
                    holder.describe()
                )
            }
            Dangling::Policy {
                holder,
                arn,
                boundary: true,
            } => format!(
                "{} has permissions boundary {arn}, which the export does not contain",
                holder.describe()
            ),
            Dangling::Group { user, group } => {
                format!("user {user} is in group {group}, which the export does not contain")
            }
            Dangling::PoolRole { pool, arn } => {
                format!("identity pool {pool} uses role {arn}, which the export does not contain")
            }
        }
    }
}

/// A policy that applies to a principal, and how it reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppliedPolicy {
    /// Inline policy number `index` of the principal itself.
    OwnInline { index: usize },
    /// A managed policy attached to the principal itself.
    OwnManaged { policy: usize },
    /// Inline policy number `index` of group `group`.
    GroupInline { group: usize, index: usize },
    /// A managed policy attached to group `group`.
    GroupManaged { group: usize, policy: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalEntity {
    User(usize),
    Role(usize),
}

#[derive(Debug, Clone, Default)]
pub struct Index {
    users: HashMap<String, usize>,
    groups: HashMap<String, usize>,
    roles: HashMap<String, usize>,
    policies: HashMap<String, usize>,
    principals_by_arn: HashMap<String, PrincipalEntity>,
    principals_by_id: HashMap<String, PrincipalEntity>,
    resource_policies: HashMap<String, Vec<usize>>,
    identity_pools: HashMap<String, usize>,
    user_groups: Vec<Vec<usize>>,
    group_members: Vec<Vec<usize>>,
    policy_uses: Vec<Vec<PolicyUse>>,
    user_policies: Vec<Vec<AppliedPolicy>>,
    role_policies: Vec<Vec<AppliedPolicy>>,
    user_boundaries: Vec<Option<usize>>,
    role_boundaries: Vec<Option<usize>>,
    scp_levels: Vec<OrgLevel>,
    rcp_levels: Vec<OrgLevel>,
    dangling: Vec<Dangling>,
}

/// The SCPs (or RCPs) attached at one level of the organisation: the root,
/// an OU, or the account. A request needs an Allow at every level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgLevel {
    pub target: OrgTarget,
    /// Positions in the account's SCP (or RCP) list.
    pub policies: Vec<usize>,
}

fn org_levels(policies: &[OrgPolicy]) -> Vec<OrgLevel> {
    let mut levels: Vec<OrgLevel> = Vec::new();
    for (i, p) in policies.iter().enumerate() {
        match levels.iter_mut().find(|l| l.target == p.target) {
            Some(level) => level.policies.push(i),
            None => levels.push(OrgLevel {
                target: p.target.clone(),
                policies: vec![i],
            }),
        }
    }
    // From the organisation's root down to the account.
    levels.sort_by(|a, b| (a.target.depth(), &a.target).cmp(&(b.target.depth(), &b.target)));
    levels
}

impl Index {
    pub fn build(account: &Account) -> Index {
        let mut index = Index {
            users: position_map(account.users.iter().map(|u| u.name.as_str())),
            groups: position_map(account.groups.iter().map(|g| g.name.as_str())),
            roles: position_map(account.roles.iter().map(|r| r.name.as_str())),
            policies: position_map(account.policies.iter().map(|p| p.arn.as_str())),
            identity_pools: position_map(account.identity_pools.iter().map(|p| p.id.as_str())),
            group_members: vec![Vec::new(); account.groups.len()],
            policy_uses: vec![Vec::new(); account.policies.len()],
            scp_levels: org_levels(&account.service_control_policies),
            rcp_levels: org_levels(&account.resource_control_policies),
            ..Index::default()
        };
        for (i, u) in account.users.iter().enumerate() {
            index
                .principals_by_arn
                .insert(u.arn.to_string(), PrincipalEntity::User(i));
            index.principals_by_id.insert(u.id.clone(), PrincipalEntity::User(i));
        }
        for (i, r) in account.roles.iter().enumerate() {
            index
                .principals_by_arn
                .insert(r.arn.to_string(), PrincipalEntity::Role(i));
            index.principals_by_id.insert(r.id.clone(), PrincipalEntity::Role(i));
        }
        for (i, rp) in account.resource_policies.iter().enumerate() {
            index
                .resource_policies
                .entry(rp.resource_arn.clone())
                .or_default()
                .push(i);
        }

        // Groups first: a user's applicable policies include its groups'.
        let mut group_policies = Vec::with_capacity(account.groups.len());
        for (g, group) in account.groups.iter().enumerate() {
            let holder = Holder::Group(group.name.clone());
            let mut applied = inline_policies(&group.inline_policies)
                .map(|index| AppliedPolicy::GroupInline { group: g, index })
                .collect::<Vec<_>>();
            for policy in index.resolve_attached(&group.attached_policies, &holder) {
                index.policy_uses[policy].push(PolicyUse::Group { group: g });
                applied.push(AppliedPolicy::GroupManaged { group: g, policy });
            }
            group_policies.push(applied);
        }

        for (u, user) in account.users.iter().enumerate() {
            let holder = Holder::User(user.name.clone());
            let mut applied = inline_policies(&user.inline_policies)
                .map(|index| AppliedPolicy::OwnInline { index })
                .collect::<Vec<_>>();
            for policy in index.resolve_attached(&user.attached_policies, &holder) {
                index.policy_uses[policy].push(PolicyUse::User {
                    user: u,
                    boundary: false,
                });
                applied.push(AppliedPolicy::OwnManaged { policy });
            }
            let mut groups = Vec::with_capacity(user.groups.len());
            for name in &user.groups {
                match index.groups.get(name) {
                    Some(&g) => {
                        groups.push(g);
                        index.group_members[g].push(u);
                        applied.extend_from_slice(&group_policies[g]);
                    }
                    None => index.dangling.push(Dangling::Group {
                        user: user.name.clone(),
                        group: name.clone(),
                    }),
                }
            }
            index.user_groups.push(groups);
            index.user_policies.push(applied);
            let boundary = user.permissions_boundary.as_ref().and_then(|b| {
                index.resolve_boundary(
                    &b.arn,
                    &holder,
                    PolicyUse::User {
                        user: u,
                        boundary: true,
                    },
                )
            });
            index.user_boundaries.push(boundary);
        }

        for (r, role) in account.roles.iter().enumerate() {
            let holder = Holder::Role(role.name.clone());
            let mut applied = inline_policies(&role.inline_policies)
                .map(|index| AppliedPolicy::OwnInline { index })
                .collect::<Vec<_>>();
            for policy in index.resolve_attached(&role.attached_policies, &holder) {
                index.policy_uses[policy].push(PolicyUse::Role {
                    role: r,
                    boundary: false,
                });
                applied.push(AppliedPolicy::OwnManaged { policy });
            }
            index.role_policies.push(applied);
            let boundary = role.permissions_boundary.as_ref().and_then(|b| {
                index.resolve_boundary(
                    &b.arn,
                    &holder,
                    PolicyUse::Role {
                        role: r,
                        boundary: true,
                    },
                )
            });
            index.role_boundaries.push(boundary);
        }

        for pool in &account.identity_pools {
            for arn in [&pool.authenticated_role, &pool.unauthenticated_role]
                .into_iter()
                .flatten()
            {
                if !index.principals_by_arn.contains_key(arn) {
                    index.dangling.push(Dangling::PoolRole {
                        pool: pool.id.clone(),
                        arn: arn.clone(),
                    });
                }
            }
        }
        index
    }

    fn resolve_attached(&mut self, attached: &[AttachedPolicy], holder: &Holder) -> Vec<usize> {
        let mut found = Vec::with_capacity(attached.len());
        for a in attached {
            match self.policies.get(&a.arn) {
                Some(&p) => found.push(p),
                None => self.dangling.push(Dangling::Policy {
                    holder: holder.clone(),
                    arn: a.arn.clone(),
                    boundary: false,
                }),
            }
        }
        found
    }

    fn resolve_boundary(&mut self, arn: &str, holder: &Holder, using: PolicyUse) -> Option<usize> {
        match self.policies.get(arn) {
            Some(&p) => {
                self.policy_uses[p].push(using);
                Some(p)
            }
            None => {
                self.dangling.push(Dangling::Policy {
                    holder: holder.clone(),
                    arn: arn.to_owned(),
                    boundary: true,
                });
                None
            }
        }
    }

    pub fn user(&self, name: &str) -> Option<usize> {
        self.users.get(name).copied()
    }
    pub fn group(&self, name: &str) -> Option<usize> {
        self.groups.get(name).copied()
    }
    pub fn role(&self, name: &str) -> Option<usize> {
        self.roles.get(name).copied()
    }
    pub fn policy(&self, arn: &str) -> Option<usize> {
        self.policies.get(arn).copied()
    }
    pub fn identity_pool(&self, id: &str) -> Option<usize> {
        self.identity_pools.get(id).copied()
    }
    pub fn principal_by_arn(&self, arn: &str) -> Option<PrincipalEntity> {
        self.principals_by_arn.get(arn).copied()
    }
    /// Users and roles by their unique id (AIDA…, AROA…).
    pub fn principal_by_id(&self, id: &str) -> Option<PrincipalEntity> {
        self.principals_by_id.get(id).copied()
    }
    pub fn resource_policies(&self, resource_arn: &str) -> &[usize] {
        self.resource_policies.get(resource_arn).map_or(&[], Vec::as_slice)
    }
    /// Groups of user `user`, resolved (names the export lacks are left out).
    pub fn groups_of(&self, user: usize) -> &[usize] {
        &self.user_groups[user]
    }
    pub fn members_of(&self, group: usize) -> &[usize] {
        &self.group_members[group]
    }
    /// Every user, group and role that attaches managed policy `policy`.
    pub fn uses_of(&self, policy: usize) -> &[PolicyUse] {
        &self.policy_uses[policy]
    }
    /// Identity-based policies that apply to user `user`, its groups' included.
    pub fn user_policies(&self, user: usize) -> &[AppliedPolicy] {
        &self.user_policies[user]
    }
    pub fn role_policies(&self, role: usize) -> &[AppliedPolicy] {
        &self.role_policies[role]
    }
    pub fn user_boundary(&self, user: usize) -> Option<usize> {
        self.user_boundaries[user]
    }
    pub fn role_boundary(&self, role: usize) -> Option<usize> {
        self.role_boundaries[role]
    }
    pub fn scp_levels(&self) -> &[OrgLevel] {
        &self.scp_levels
    }
    pub fn rcp_levels(&self) -> &[OrgLevel] {
        &self.rcp_levels
    }
    pub fn dangling(&self) -> &[Dangling] {
        &self.dangling
    }
}

fn inline_policies(policies: &[InlinePolicy]) -> impl Iterator<Item = usize> {
    0..policies.len()
}

fn position_map<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    let mut map = HashMap::default();
    for (i, name) in names.enumerate() {
        // The first of two entities with one name wins; the loader warns.
        map.entry(name.to_owned()).or_insert(i);
    }
    map
}
