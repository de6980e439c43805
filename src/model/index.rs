//! Lookups over an [`Account`] that would otherwise be scans: entities by name
//! and ARN, members of each group, who each managed policy reaches, which
//! policies apply to each principal, and references that resolve to nothing.
//!
//! An index describes one state of the account. [`super::Model`] keeps it in
//! step with each change without rebuilding it: an entity about to change is
//! taken out of the index ([`Index::detach`]) with whatever depends on it
//! (a group's members, a policy's holders), and put back once the change is
//! made ([`Index::settle`]); adding or deleting an entity shifts the
//! positions after it. The result equals a fresh [`Index::build`] (a
//! property test checks that after any sequence of edits and undos).

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap as HashMap;

use super::entities::{Account, AttachedPolicy, OrgPolicy, OrgTarget};

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

#[derive(Debug, Clone, Default, PartialEq)]
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
    /// Per policy, sorted as a build finds them: groups, then users, then
    /// roles, each by position, an attachment before a boundary.
    policy_uses: Vec<Vec<PolicyUse>>,
    group_policies: Vec<Vec<AppliedPolicy>>,
    user_policies: Vec<Vec<AppliedPolicy>>,
    role_policies: Vec<Vec<AppliedPolicy>>,
    user_boundaries: Vec<Option<usize>>,
    role_boundaries: Vec<Option<usize>>,
    scp_levels: Vec<OrgLevel>,
    rcp_levels: Vec<OrgLevel>,
    /// Unresolved references, per holder, in the order a build finds them.
    group_dangling: Vec<Vec<Dangling>>,
    user_dangling: Vec<Vec<Dangling>>,
    role_dangling: Vec<Vec<Dangling>>,
    pool_dangling: Vec<Dangling>,
    /// Two entities share a name, ARN or id (only a loaded file can say so;
    /// IAM and the editor never allow it). Such an index is rebuilt after
    /// every change instead of updated.
    shared_keys: bool,
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

/// Which entity of an account a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    User(usize),
    Group(usize),
    Role(usize),
    Policy(usize),
    Resource(usize),
    Scp(usize),
    Rcp(usize),
    Root,
}

/// Entities taken out of an index while they change, to be put back when
/// the change is made.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    users: BTreeSet<usize>,
    /// Groups, each with the name it had when taken out.
    groups: BTreeMap<usize, String>,
    roles: BTreeSet<usize>,
    resources: bool,
    orgs: bool,
    any: bool,
}

impl Index {
    pub fn build(account: &Account) -> Index {
        let mut index = Index {
            group_members: vec![Vec::new(); account.groups.len()],
            group_policies: vec![Vec::new(); account.groups.len()],
            group_dangling: vec![Vec::new(); account.groups.len()],
            user_groups: vec![Vec::new(); account.users.len()],
            user_policies: vec![Vec::new(); account.users.len()],
            user_boundaries: vec![None; account.users.len()],
            user_dangling: vec![Vec::new(); account.users.len()],
            role_policies: vec![Vec::new(); account.roles.len()],
            role_boundaries: vec![None; account.roles.len()],
            role_dangling: vec![Vec::new(); account.roles.len()],
            policy_uses: vec![Vec::new(); account.policies.len()],
            scp_levels: org_levels(&account.service_control_policies),
            rcp_levels: org_levels(&account.resource_control_policies),
            resource_policies: resource_map(account),
            ..Index::default()
        };
        for (i, p) in account.policies.iter().enumerate() {
            index.add_key(Key::Policy, p.arn.as_str(), i);
        }
        for (i, p) in account.identity_pools.iter().enumerate() {
            index.add_key(Key::Pool, &p.id, i);
        }
        // Groups first: a user's applicable policies include its groups'.
        for g in 0..account.groups.len() {
            index.register_group(account, g, None);
        }
        for u in 0..account.users.len() {
            index.register_user(account, u);
        }
        for r in 0..account.roles.len() {
            index.register_role(account, r);
        }
        index.pool_dangling = pool_dangling(account, &index.principals_by_arn);
        index
    }

    /// Whether changes update this index in place (see [`Index::shared_keys`]).
    pub fn updates_in_place(&self) -> bool {
        !self.shared_keys
    }

    // ---- keys ----

    fn add_key(&mut self, key: Key, name: &str, at: usize) {
        let taken = match key {
            Key::User => first_wins(&mut self.users, name, at),
            Key::Group => first_wins(&mut self.groups, name, at),
            Key::Role => first_wins(&mut self.roles, name, at),
            Key::Policy => first_wins(&mut self.policies, name, at),
            Key::Pool => first_wins(&mut self.identity_pools, name, at),
        };
        self.shared_keys |= taken;
    }

    fn add_principal(&mut self, arn: String, id: &str, entity: PrincipalEntity) {
        // A later principal with the same ARN or id wins, as it always has.
        self.shared_keys |= self.principals_by_arn.insert(arn, entity).is_some();
        self.shared_keys |= self.principals_by_id.insert(id.to_owned(), entity).is_some();
    }

    fn remove_principal(&mut self, arn: &str, id: &str, entity: PrincipalEntity) {
        remove_if(&mut self.principals_by_arn, arn, &entity);
        remove_if(&mut self.principals_by_id, id, &entity);
    }

    // ---- registering one entity ----

    /// Put group `g` in: its key, the policies it applies, its uses. With
    /// `pending`, users that named it while it did not exist are taken out
    /// to be put back with it resolved.
    fn register_group(&mut self, account: &Account, g: usize, pending: Option<&mut Pending>) {
        let group = &account.groups[g];
        self.add_key(Key::Group, &group.name, g);
        let holder = || Holder::Group(group.name.clone());
        let mut applied: Vec<AppliedPolicy> = (0..group.inline_policies.len())
            .map(|index| AppliedPolicy::GroupInline { group: g, index })
            .collect();
        let mut dangling = Vec::new();
        for policy in self.resolve_attached(&group.attached_policies, &holder, &mut dangling) {
            self.insert_use(policy, PolicyUse::Group { group: g });
            applied.push(AppliedPolicy::GroupManaged { group: g, policy });
        }
        self.group_policies[g] = applied;
        self.group_dangling[g] = dangling;
        if let Some(pending) = pending {
            let named: Vec<usize> = (0..self.user_dangling.len())
                .filter(|&u| {
                    self.user_dangling[u]
                        .iter()
                        .any(|d| matches!(d, Dangling::Group { group: name, .. } if *name == group.name))
                })
                .collect();
            for u in named {
                self.detach_user(account, u, pending);
            }
        }
    }

    /// Take group `g`'s own entries out (its key, policies and uses); its
    /// members stay, to be brought up to date when it is put back.
    fn unregister_group(&mut self, account: &Account, g: usize) {
        remove_if(&mut self.groups, &account.groups[g].name, &g);
        for applied in std::mem::take(&mut self.group_policies[g]) {
            if let AppliedPolicy::GroupManaged { policy, .. } = applied {
                self.remove_use(policy, PolicyUse::Group { group: g });
            }
        }
        self.group_dangling[g].clear();
    }

    /// The policies that apply to user `u`, again, from its own and its
    /// groups' (a group's policies changed; its memberships did not).
    fn refresh_user_policies(&mut self, u: usize) {
        let mut applied = std::mem::take(&mut self.user_policies[u]);
        applied.retain(|a| matches!(a, AppliedPolicy::OwnInline { .. } | AppliedPolicy::OwnManaged { .. }));
        for &g in &self.user_groups[u] {
            applied.extend_from_slice(&self.group_policies[g]);
        }
        self.user_policies[u] = applied;
    }

    fn register_user(&mut self, account: &Account, u: usize) {
        let user = &account.users[u];
        self.add_key(Key::User, &user.name, u);
        self.add_principal(user.arn.to_string(), &user.id, PrincipalEntity::User(u));
        let holder = || Holder::User(user.name.clone());
        let mut dangling = Vec::new();
        let mut applied: Vec<AppliedPolicy> = (0..user.inline_policies.len())
            .map(|index| AppliedPolicy::OwnInline { index })
            .collect();
        for policy in self.resolve_attached(&user.attached_policies, &holder, &mut dangling) {
            self.insert_use(
                policy,
                PolicyUse::User {
                    user: u,
                    boundary: false,
                },
            );
            applied.push(AppliedPolicy::OwnManaged { policy });
        }
        let mut groups = Vec::with_capacity(user.groups.len());
        for name in &user.groups {
            match self.groups.get(name) {
                Some(&g) => {
                    groups.push(g);
                    let members = &mut self.group_members[g];
                    let at = members.partition_point(|&m| m <= u);
                    members.insert(at, u);
                    applied.extend_from_slice(&self.group_policies[g]);
                }
                None => dangling.push(Dangling::Group {
                    user: user.name.clone(),
                    group: name.clone(),
                }),
            }
        }
        self.user_groups[u] = groups;
        self.user_policies[u] = applied;
        self.user_boundaries[u] = user.permissions_boundary.as_ref().and_then(|b| {
            self.resolve_boundary(
                &b.arn,
                &holder,
                PolicyUse::User {
                    user: u,
                    boundary: true,
                },
                &mut dangling,
            )
        });
        self.user_dangling[u] = dangling;
    }

    fn unregister_user(&mut self, account: &Account, u: usize) {
        let user = &account.users[u];
        remove_if(&mut self.users, &user.name, &u);
        self.remove_principal(user.arn.as_str(), &user.id, PrincipalEntity::User(u));
        for g in std::mem::take(&mut self.user_groups[u]) {
            let members = &mut self.group_members[g];
            if let Some(at) = members.iter().position(|&m| m == u) {
                members.remove(at);
            }
        }
        for applied in std::mem::take(&mut self.user_policies[u]) {
            if let AppliedPolicy::OwnManaged { policy } = applied {
                self.remove_use(
                    policy,
                    PolicyUse::User {
                        user: u,
                        boundary: false,
                    },
                );
            }
        }
        if let Some(policy) = self.user_boundaries[u].take() {
            self.remove_use(
                policy,
                PolicyUse::User {
                    user: u,
                    boundary: true,
                },
            );
        }
        self.user_dangling[u].clear();
    }

    fn register_role(&mut self, account: &Account, r: usize) {
        let role = &account.roles[r];
        self.add_key(Key::Role, &role.name, r);
        self.add_principal(role.arn.to_string(), &role.id, PrincipalEntity::Role(r));
        let holder = || Holder::Role(role.name.clone());
        let mut dangling = Vec::new();
        let mut applied: Vec<AppliedPolicy> = (0..role.inline_policies.len())
            .map(|index| AppliedPolicy::OwnInline { index })
            .collect();
        for policy in self.resolve_attached(&role.attached_policies, &holder, &mut dangling) {
            self.insert_use(
                policy,
                PolicyUse::Role {
                    role: r,
                    boundary: false,
                },
            );
            applied.push(AppliedPolicy::OwnManaged { policy });
        }
        self.role_policies[r] = applied;
        self.role_boundaries[r] = role.permissions_boundary.as_ref().and_then(|b| {
            self.resolve_boundary(
                &b.arn,
                &holder,
                PolicyUse::Role {
                    role: r,
                    boundary: true,
                },
                &mut dangling,
            )
        });
        self.role_dangling[r] = dangling;
    }

    fn unregister_role(&mut self, account: &Account, r: usize) {
        let role = &account.roles[r];
        remove_if(&mut self.roles, &role.name, &r);
        self.remove_principal(role.arn.as_str(), &role.id, PrincipalEntity::Role(r));
        for applied in std::mem::take(&mut self.role_policies[r]) {
            if let AppliedPolicy::OwnManaged { policy } = applied {
                self.remove_use(
                    policy,
                    PolicyUse::Role {
                        role: r,
                        boundary: false,
                    },
                );
            }
        }
        if let Some(policy) = self.role_boundaries[r].take() {
            self.remove_use(
                policy,
                PolicyUse::Role {
                    role: r,
                    boundary: true,
                },
            );
        }
        self.role_dangling[r].clear();
    }

    fn resolve_attached(
        &mut self,
        attached: &[AttachedPolicy],
        holder: &dyn Fn() -> Holder,
        dangling: &mut Vec<Dangling>,
    ) -> Vec<usize> {
        let mut found = Vec::with_capacity(attached.len());
        for a in attached {
            match self.policies.get(&a.arn) {
                Some(&p) => found.push(p),
                None => dangling.push(Dangling::Policy {
                    holder: holder(),
                    arn: a.arn.clone(),
                    boundary: false,
                }),
            }
        }
        found
    }

    fn resolve_boundary(
        &mut self,
        arn: &str,
        holder: &dyn Fn() -> Holder,
        using: PolicyUse,
        dangling: &mut Vec<Dangling>,
    ) -> Option<usize> {
        match self.policies.get(arn) {
            Some(&p) => {
                self.insert_use(p, using);
                Some(p)
            }
            None => {
                dangling.push(Dangling::Policy {
                    holder: holder(),
                    arn: arn.to_owned(),
                    boundary: true,
                });
                None
            }
        }
    }

    fn insert_use(&mut self, policy: usize, using: PolicyUse) {
        let uses = &mut self.policy_uses[policy];
        let at = uses.partition_point(|u| use_order(u) <= use_order(&using));
        uses.insert(at, using);
    }

    fn remove_use(&mut self, policy: usize, using: PolicyUse) {
        let uses = &mut self.policy_uses[policy];
        if let Some(at) = uses.iter().position(|u| *u == using) {
            uses.remove(at);
        }
    }

    // ---- changes in place ----

    fn detach_user(&mut self, account: &Account, u: usize, pending: &mut Pending) {
        if pending.users.insert(u) {
            self.unregister_user(account, u);
        }
    }

    fn detach_group(&mut self, account: &Account, g: usize, pending: &mut Pending) {
        if let std::collections::btree_map::Entry::Vacant(entry) = pending.groups.entry(g) {
            entry.insert(account.groups[g].name.clone());
            self.unregister_group(account, g);
        }
    }

    fn detach_role(&mut self, account: &Account, r: usize, pending: &mut Pending) {
        if pending.roles.insert(r) {
            self.unregister_role(account, r);
        }
    }

    /// Take an entity out before it changes in place (the account must
    /// still be as the index describes it).
    pub(crate) fn detach(&mut self, account: &Account, slot: Slot, pending: &mut Pending) {
        pending.any = true;
        if self.shared_keys {
            return;
        }
        match slot {
            Slot::User(u) => self.detach_user(account, u, pending),
            Slot::Group(g) => self.detach_group(account, g, pending),
            Slot::Role(r) => self.detach_role(account, r, pending),
            // A change to a managed policy keeps its ARN: nothing here
            // depends on its versions.
            Slot::Policy(_) | Slot::Root => {}
            Slot::Resource(_) => pending.resources = true,
            Slot::Scp(_) | Slot::Rcp(_) => pending.orgs = true,
        }
    }

    /// Put back what [`Index::detach`] took out, as the account now is.
    pub(crate) fn settle(&mut self, account: &Account, pending: &mut Pending) {
        if !std::mem::take(&mut pending.any) {
            return;
        }
        if self.shared_keys {
            *pending = Pending::default();
            *self = Index::build(account);
            return;
        }
        // Groups first (they may take out users that named them), then users.
        while let Some((g, name)) = pending.groups.pop_first() {
            self.register_group(account, g, Some(pending));
            let members = self.group_members[g].clone();
            if account.groups[g].name == name {
                for u in members.into_iter().filter(|u| !pending.users.contains(u)) {
                    self.refresh_user_policies(u);
                }
            } else {
                // Renamed: its members named it by its old name.
                for u in members {
                    self.detach_user(account, u, pending);
                }
            }
        }
        while let Some(u) = pending.users.pop_first() {
            self.register_user(account, u);
        }
        while let Some(r) = pending.roles.pop_first() {
            self.register_role(account, r);
        }
        if std::mem::take(&mut pending.resources) {
            self.resource_policies = resource_map(account);
        }
        if std::mem::take(&mut pending.orgs) {
            self.scp_levels = org_levels(&account.service_control_policies);
            self.rcp_levels = org_levels(&account.resource_control_policies);
        }
        self.pool_dangling = pool_dangling(account, &self.principals_by_arn);
    }

    /// An entity was inserted into the account at `slot`'s position (what
    /// was there and after it moved up by one).
    pub(crate) fn inserted(&mut self, account: &Account, slot: Slot, pending: &mut Pending) {
        self.settle(account, pending);
        pending.any = true;
        if self.shared_keys {
            return self.settle(account, pending);
        }
        match slot {
            Slot::User(u) => {
                self.shift_users(u, true);
                self.register_user(account, u);
            }
            Slot::Group(g) => {
                self.shift_groups(g, true);
                self.register_group(account, g, Some(pending));
            }
            Slot::Role(r) => {
                self.shift_roles(r, true);
                self.register_role(account, r);
            }
            Slot::Policy(p) => {
                self.shift_policies(p, true);
                let arn = account.policies[p].arn.as_str();
                self.add_key(Key::Policy, arn, p);
                // Holders that named it while it did not exist now resolve it.
                let (users, groups, roles) = self.naming(arn);
                for g in groups {
                    self.detach_group(account, g, pending);
                }
                for u in users {
                    self.detach_user(account, u, pending);
                }
                for r in roles {
                    self.detach_role(account, r, pending);
                }
            }
            Slot::Resource(_) => pending.resources = true,
            Slot::Scp(_) | Slot::Rcp(_) => pending.orgs = true,
            Slot::Root => {}
        }
        self.settle(account, pending);
    }

    /// An entity is about to be removed from the account at `slot`'s
    /// position; call [`Index::removed`] once it is gone.
    pub(crate) fn removing(&mut self, account: &Account, slot: Slot, pending: &mut Pending) {
        self.settle(account, pending);
        pending.any = true;
        if self.shared_keys {
            return;
        }
        match slot {
            Slot::User(u) => self.unregister_user(account, u),
            Slot::Group(g) => {
                self.unregister_group(account, g);
                // Its members name a group that will be gone.
                for u in self.group_members[g].clone() {
                    self.detach_user(account, u, pending);
                }
            }
            Slot::Role(r) => self.unregister_role(account, r),
            Slot::Policy(p) => {
                remove_if(&mut self.policies, account.policies[p].arn.as_str(), &p);
                for using in self.policy_uses[p].clone() {
                    match using {
                        PolicyUse::User { user, .. } => self.detach_user(account, user, pending),
                        PolicyUse::Group { group } => self.detach_group(account, group, pending),
                        PolicyUse::Role { role, .. } => self.detach_role(account, role, pending),
                    }
                }
            }
            Slot::Resource(_) => pending.resources = true,
            Slot::Scp(_) | Slot::Rcp(_) => pending.orgs = true,
            Slot::Root => {}
        }
    }

    /// The entity [`Index::removing`] announced is gone from the account.
    pub(crate) fn removed(&mut self, account: &Account, slot: Slot, pending: &mut Pending) {
        if !self.shared_keys {
            match slot {
                Slot::User(u) => self.shift_users(u, false),
                Slot::Group(g) => self.shift_groups(g, false),
                Slot::Role(r) => self.shift_roles(r, false),
                Slot::Policy(p) => self.shift_policies(p, false),
                _ => {}
            }
        }
        self.settle(account, pending);
    }

    /// Holders whose unresolved references name managed policy `arn`.
    fn naming(&self, arn: &str) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
        let names = |lists: &[Vec<Dangling>]| -> Vec<usize> {
            (0..lists.len())
                .filter(|&i| {
                    lists[i]
                        .iter()
                        .any(|d| matches!(d, Dangling::Policy { arn: a, .. } if a == arn))
                })
                .collect()
        };
        (
            names(&self.user_dangling),
            names(&self.group_dangling),
            names(&self.role_dangling),
        )
    }

    // ---- positions that move when an entity is inserted or removed ----

    fn shift_users(&mut self, at: usize, insert: bool) {
        let moved = |i: &mut usize| shift(i, at, insert);
        self.users.values_mut().for_each(moved);
        for entity in self
            .principals_by_arn
            .values_mut()
            .chain(self.principals_by_id.values_mut())
        {
            if let PrincipalEntity::User(i) = entity {
                moved(i);
            }
        }
        self.group_members.iter_mut().flatten().for_each(moved);
        for using in self.policy_uses.iter_mut().flatten() {
            if let PolicyUse::User { user, .. } = using {
                moved(user);
            }
        }
        resize(&mut self.user_groups, at, insert);
        resize(&mut self.user_policies, at, insert);
        resize(&mut self.user_boundaries, at, insert);
        resize(&mut self.user_dangling, at, insert);
    }

    fn shift_groups(&mut self, at: usize, insert: bool) {
        let moved = |i: &mut usize| shift(i, at, insert);
        self.groups.values_mut().for_each(moved);
        self.user_groups.iter_mut().flatten().for_each(moved);
        for using in self.policy_uses.iter_mut().flatten() {
            if let PolicyUse::Group { group } = using {
                moved(group);
            }
        }
        for applied in self
            .user_policies
            .iter_mut()
            .chain(self.group_policies.iter_mut())
            .flatten()
        {
            if let AppliedPolicy::GroupInline { group, .. } | AppliedPolicy::GroupManaged { group, .. } = applied {
                moved(group);
            }
        }
        resize(&mut self.group_members, at, insert);
        resize(&mut self.group_policies, at, insert);
        resize(&mut self.group_dangling, at, insert);
    }

    fn shift_roles(&mut self, at: usize, insert: bool) {
        let moved = |i: &mut usize| shift(i, at, insert);
        self.roles.values_mut().for_each(moved);
        for entity in self
            .principals_by_arn
            .values_mut()
            .chain(self.principals_by_id.values_mut())
        {
            if let PrincipalEntity::Role(i) = entity {
                moved(i);
            }
        }
        for using in self.policy_uses.iter_mut().flatten() {
            if let PolicyUse::Role { role, .. } = using {
                moved(role);
            }
        }
        resize(&mut self.role_policies, at, insert);
        resize(&mut self.role_boundaries, at, insert);
        resize(&mut self.role_dangling, at, insert);
    }

    fn shift_policies(&mut self, at: usize, insert: bool) {
        let moved = |i: &mut usize| shift(i, at, insert);
        self.policies.values_mut().for_each(moved);
        for applied in self
            .user_policies
            .iter_mut()
            .chain(self.role_policies.iter_mut())
            .chain(self.group_policies.iter_mut())
            .flatten()
        {
            if let AppliedPolicy::OwnManaged { policy } | AppliedPolicy::GroupManaged { policy, .. } = applied {
                moved(policy);
            }
        }
        self.user_boundaries
            .iter_mut()
            .chain(self.role_boundaries.iter_mut())
            .flatten()
            .for_each(moved);
        resize(&mut self.policy_uses, at, insert);
    }

    // ---- lookups ----

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
    /// Identity-based policies of group `group`.
    pub fn group_policies(&self, group: usize) -> &[AppliedPolicy] {
        &self.group_policies[group]
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
    /// References that resolve to nothing: groups', users', roles', then
    /// identity pools'.
    pub fn dangling(&self) -> Vec<Dangling> {
        self.group_dangling
            .iter()
            .chain(&self.user_dangling)
            .chain(&self.role_dangling)
            .flatten()
            .chain(&self.pool_dangling)
            .cloned()
            .collect()
    }
}

#[derive(Debug, Clone, Copy)]
enum Key {
    User,
    Group,
    Role,
    Policy,
    Pool,
}

/// Insert unless the name is taken (the first of two entities with one
/// name wins; the loader warns); whether it was taken.
fn first_wins(map: &mut HashMap<String, usize>, name: &str, at: usize) -> bool {
    match map.get(name) {
        Some(_) => true,
        None => {
            map.insert(name.to_owned(), at);
            false
        }
    }
}

fn remove_if<V: PartialEq>(map: &mut HashMap<String, V>, key: &str, value: &V) {
    if map.get(key) == Some(value) {
        map.remove(key);
    }
}

/// Where a use sorts in a policy's list: groups, users, roles; by position;
/// an attachment before a boundary.
fn use_order(using: &PolicyUse) -> (u8, usize, bool) {
    match *using {
        PolicyUse::Group { group } => (0, group, false),
        PolicyUse::User { user, boundary } => (1, user, boundary),
        PolicyUse::Role { role, boundary } => (2, role, boundary),
    }
}

fn shift(i: &mut usize, at: usize, insert: bool) {
    if insert && *i >= at {
        *i += 1;
    } else if !insert && *i > at {
        *i -= 1;
    }
}

fn resize<T: Default>(list: &mut Vec<T>, at: usize, insert: bool) {
    if insert {
        list.insert(at, T::default());
    } else {
        list.remove(at);
    }
}

fn resource_map(account: &Account) -> HashMap<String, Vec<usize>> {
    let mut map: HashMap<String, Vec<usize>> = HashMap::default();
    for (i, rp) in account.resource_policies.iter().enumerate() {
        map.entry(rp.resource_arn.clone()).or_default().push(i);
    }
    map
}

fn pool_dangling(account: &Account, principals: &HashMap<String, PrincipalEntity>) -> Vec<Dangling> {
    let mut out = Vec::new();
    for pool in &account.identity_pools {
        for arn in [&pool.authenticated_role, &pool.unauthenticated_role]
            .into_iter()
            .flatten()
        {
            if !principals.contains_key(arn) {
                out.push(Dangling::PoolRole {
                    pool: pool.id.clone(),
                    arn: arn.clone(),
                });
            }
        }
    }
    out
}
