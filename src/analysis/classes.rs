//! Principals that every permission question answers alike, grouped, so a
//! whole-account analysis asks the engine once per group instead of once per
//! principal.
//!
//! Two users (or two roles) are in one class when the engine cannot tell
//! them apart:
//!
//! * the same identity-based policies apply to them, in the same order (the
//!   same groups, the same managed policies; inline policies with the same
//!   text), under the same permissions boundary;
//! * for a role, both are service-linked or neither is (SCPs skip those);
//! * every condition key or policy variable about the principal itself
//!   (`aws:username`, `aws:userid`, `aws:PrincipalArn`,
//!   `aws:PrincipalTag/…`) that their policies, the SCPs, the RCPs or the
//!   resource-based policies use has the same value for both (so a policy
//!   with `${aws:username}` puts every user in a class of its own);
//! * no resource-based policy or RCP names either of them in `Principal` or
//!   `NotPrincipal` (a principal named there is a class of its own).
//!
//! A role's trust policy that names a principal, or that asks about one of
//! the keys above, is handled by the analysis itself: such a role is asked
//! about for each principal on its own (see [`super::reach`]).
//!
//! An answer worked out for one member holds for every other (the deciding
//! statement of a member's own policies is then that member's own copy; the
//! analyses ask the member itself when they show one).

use std::borrow::Cow;
use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

use crate::eval::context::{DEFAULT_SESSION, Env, Requester};
use crate::eval::{Context, PrincipalSpec, Request};
use crate::model::{AppliedPolicy, Model, PrincipalEntity};
use crate::policy::{PolicyDocument, PrincipalKind};

pub(crate) type ClassId = u32;

/// The principals of an account, in classes.
#[derive(Debug)]
pub(crate) struct Classes {
    user: Vec<ClassId>,
    role: Vec<ClassId>,
    members: Vec<Vec<PrincipalEntity>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Part {
    /// An inline policy of the principal itself, by its (interned) text.
    OwnInline(u32),
    OwnManaged(usize),
    GroupInline(usize, usize),
    GroupManaged(usize, usize),
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Key {
    role: bool,
    service_linked: bool,
    policies: Vec<Part>,
    boundary: Option<usize>,
    /// The principal's values of the principal keys the policies use.
    values: Vec<(String, Option<Vec<String>>)>,
    /// Named by a resource-based policy or an RCP: a class of its own.
    named: Option<PrincipalEntity>,
}

impl Classes {
    pub fn of(model: &Model, context: &Context) -> Classes {
        Classes::keeping(model, context, &|_| true)
    }

    /// Principals that every request answers alike once each is given one
    /// more identity-based policy allowing everything, with no condition:
    /// the engine then allows unless a Deny statement, the permissions
    /// boundary, an SCP or an RCP stops it ("Policy evaluation logic"), so
    /// only identity-based policies with a Deny statement tell members apart
    /// (with everything else [`Classes::of`] looks at).
    pub fn given_everything(model: &Model, context: &Context) -> Classes {
        Classes::keeping(model, context, &|document| {
            document
                .parsed()
                .statements()
                .iter()
                .any(|s| s.effect == crate::policy::Effect::Deny)
        })
    }

    /// Classes over the identity-based policies `keep` keeps (the others
    /// play no part).
    fn keeping(model: &Model, context: &Context, keep: &dyn Fn(&PolicyDocument) -> bool) -> Classes {
        let a = model.account();
        let names = PrincipalNames::of(model);
        // What the account-wide policies ask about principals, and whom they name.
        let mut global_keys = BTreeSet::new();
        let mut named = std::collections::HashSet::new();
        let account_wide = a
            .service_control_policies
            .iter()
            .chain(&a.resource_control_policies)
            .map(|p| &p.policy)
            .chain(a.resource_policies.iter().map(|p| &p.policy));
        for document in account_wide {
            principal_keys(document, &mut global_keys);
            named.extend(names.named_by(document));
        }
        let mut texts: FxHashMap<&str, u32> = FxHashMap::default();
        // Per policy: the principal keys it uses, or `None` when it is not kept.
        let mut keys_of: FxHashMap<Part, Option<BTreeSet<String>>> = FxHashMap::default();
        let mut classes: FxHashMap<Key, ClassId> = FxHashMap::default();
        let mut out = Classes {
            user: Vec::with_capacity(a.users.len()),
            role: Vec::with_capacity(a.roles.len()),
            members: Vec::new(),
        };
        let index = model.index();
        let principals = (0..a.users.len())
            .map(PrincipalEntity::User)
            .chain((0..a.roles.len()).map(PrincipalEntity::Role));
        for entity in principals {
            let (applied, boundary, own_inline, is_role, service_linked) = match entity {
                PrincipalEntity::User(u) => (
                    index.user_policies(u),
                    index.user_boundary(u),
                    &a.users[u].inline_policies,
                    false,
                    false,
                ),
                PrincipalEntity::Role(r) => (
                    index.role_policies(r),
                    index.role_boundary(r),
                    &a.roles[r].inline_policies,
                    true,
                    a.roles[r].is_service_linked(),
                ),
            };
            let mut used = global_keys.clone();
            let mut policies = Vec::with_capacity(applied.len());
            for applied in applied {
                let part = match *applied {
                    AppliedPolicy::OwnInline { index } => {
                        let document = &own_inline[index].document;
                        if !keep(document) {
                            continue;
                        }
                        principal_keys(document, &mut used);
                        let next = texts.len() as u32;
                        policies.push(Part::OwnInline(*texts.entry(document.text()).or_insert(next)));
                        continue;
                    }
                    AppliedPolicy::OwnManaged { policy } => Part::OwnManaged(policy),
                    AppliedPolicy::GroupInline { group, index } => Part::GroupInline(group, index),
                    AppliedPolicy::GroupManaged { group, policy } => Part::GroupManaged(group, policy),
                };
                let keys = keys_of.entry(part.clone()).or_insert_with(|| {
                    let mut keys = BTreeSet::new();
                    match part_document(model, &part) {
                        Some(document) if !keep(document) => return None,
                        Some(document) => principal_keys(document, &mut keys),
                        None => {}
                    }
                    Some(keys)
                });
                let Some(keys) = keys else {
                    continue;
                };
                used.extend(keys.iter().cloned());
                policies.push(part);
            }
            if let Some(document) = boundary.and_then(|p| a.policies[p].default_document()) {
                principal_keys(document, &mut used);
            }
            let values = if used.is_empty() {
                Vec::new()
            } else {
                values_of(model, context, entity, &used)
            };
            let key = Key {
                role: is_role,
                service_linked,
                policies,
                boundary,
                values,
                named: named.contains(&entity).then_some(entity),
            };
            let next = out.members.len() as ClassId;
            let class = *classes.entry(key).or_insert(next);
            if class == next {
                out.members.push(Vec::new());
            }
            out.members[class as usize].push(entity);
            match entity {
                PrincipalEntity::User(_) => out.user.push(class),
                PrincipalEntity::Role(_) => out.role.push(class),
            }
        }
        out
    }

    pub fn of_entity(&self, entity: PrincipalEntity) -> ClassId {
        match entity {
            PrincipalEntity::User(u) => self.user[u],
            PrincipalEntity::Role(r) => self.role[r],
        }
    }

    /// Members, users before roles, each in account order.
    pub fn members(&self, class: ClassId) -> &[PrincipalEntity] {
        &self.members[class as usize]
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }
}

fn part_document<'m>(model: &'m Model, part: &Part) -> Option<&'m PolicyDocument> {
    let a = model.account();
    match *part {
        Part::OwnInline(_) => None,
        Part::OwnManaged(p) | Part::GroupManaged(_, p) => a.policies[p].default_document(),
        Part::GroupInline(g, i) => Some(&a.groups[g].inline_policies.get(i)?.document),
    }
}

/// The keys whose values differ from one principal to another of the same
/// kind (everything else AWS derives from the principal, its type, account
/// and whether it is a session, is the same for a whole class).
pub(crate) fn is_principal_key(key_lower: &str) -> bool {
    matches!(key_lower, "aws:username" | "aws:userid" | "aws:principalarn")
        || key_lower.starts_with("aws:principaltag/")
}

/// Add the principal keys `document` uses in conditions or as policy
/// variables (lower-cased).
pub(crate) fn principal_keys(document: &PolicyDocument, out: &mut BTreeSet<String>) {
    for statement in document.parsed().statements() {
        for condition in &statement.conditions {
            if is_principal_key(&condition.key_lower) {
                out.insert(condition.key_lower.clone());
            }
            for value in &condition.values {
                for key in value.template.iter().flat_map(|t| t.variables()) {
                    let key = key.to_ascii_lowercase();
                    if is_principal_key(&key) {
                        out.insert(key);
                    }
                }
            }
        }
        for pattern in statement.resource.iter().flat_map(|r| &r.patterns) {
            for key in pattern.template.variables() {
                let key = key.to_ascii_lowercase();
                if is_principal_key(&key) {
                    out.insert(key);
                }
            }
        }
    }
}

/// Whether `document` uses any principal key.
pub(crate) fn uses_principal_keys(document: &PolicyDocument) -> bool {
    let mut keys = BTreeSet::new();
    principal_keys(document, &mut keys);
    !keys.is_empty()
}

/// The principal as the engine sees it.
pub(crate) fn requester(model: &Model, entity: PrincipalEntity) -> Requester<'_> {
    let a = model.account();
    match entity {
        PrincipalEntity::User(u) => Requester::User {
            index: u,
            user: &a.users[u],
        },
        PrincipalEntity::Role(r) => Requester::RoleSession {
            index: r,
            role: &a.roles[r],
            session: Cow::Borrowed(DEFAULT_SESSION),
            web_identity: None,
            federated: None,
        },
    }
}

pub(crate) fn spec(model: &Model, entity: PrincipalEntity) -> PrincipalSpec {
    let a = model.account();
    match entity {
        PrincipalEntity::User(u) => PrincipalSpec::User(a.users[u].name.clone()),
        PrincipalEntity::Role(r) => PrincipalSpec::Role {
            name: a.roles[r].name.clone(),
            session: None,
        },
    }
}

/// The values a request by `entity` carries for `keys`, as the engine
/// would look them up (the caller's context first).
fn values_of(
    model: &Model,
    context: &Context,
    entity: PrincipalEntity,
    keys: &BTreeSet<String>,
) -> Vec<(String, Option<Vec<String>>)> {
    let requester = requester(model, entity);
    // The time plays no part in these keys.
    let mut request = Request::new(spec(model, entity), "sts:AssumeRole", "*", jiff::Timestamp::UNIX_EPOCH);
    request.context = context.clone();
    let env = Env::new(model, &request, &requester);
    keys.iter()
        .map(|key| (key.clone(), env.get(key).map(|v| v.to_vec())))
        .collect()
}

/// The account's users and roles by the names a `Principal` element can
/// give them, lower-cased (as [`super::reach`]'s trust-policy shortcut
/// compares them): ARN, unique id, and a role's session ARNs.
pub(crate) struct PrincipalNames {
    by_name: FxHashMap<String, PrincipalEntity>,
    roles_by_name: FxHashMap<String, usize>,
}

impl PrincipalNames {
    pub fn of(model: &Model) -> PrincipalNames {
        let a = model.account();
        let mut by_name = FxHashMap::default();
        let mut roles_by_name = FxHashMap::default();
        for (u, user) in a.users.iter().enumerate() {
            by_name.insert(user.arn.as_str().to_ascii_lowercase(), PrincipalEntity::User(u));
            by_name.insert(user.id.to_ascii_lowercase(), PrincipalEntity::User(u));
        }
        for (r, role) in a.roles.iter().enumerate() {
            by_name.insert(role.arn.as_str().to_ascii_lowercase(), PrincipalEntity::Role(r));
            by_name.insert(role.id.to_ascii_lowercase(), PrincipalEntity::Role(r));
            roles_by_name.insert(role.name.to_ascii_lowercase(), r);
        }
        PrincipalNames { by_name, roles_by_name }
    }

    /// Every user and role of the account an AWS principal entry (of any
    /// statement, in `Principal` or `NotPrincipal`) could name.
    pub fn named_by(&self, document: &PolicyDocument) -> Vec<PrincipalEntity> {
        let mut out = Vec::new();
        for statement in document.parsed().statements() {
            let Some(clause) = &statement.principal else {
                continue;
            };
            for entry in clause.entries.iter().filter(|e| e.kind == PrincipalKind::Aws) {
                let value = entry.value.to_ascii_lowercase();
                if let Some(&entity) = self.by_name.get(&value) {
                    out.push(entity);
                }
                // arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION names a session of role NAME.
                if let Some((_, rest)) = value.split_once(":assumed-role/")
                    && let Some(&r) = self.roles_by_name.get(rest.split('/').next().unwrap_or(""))
                {
                    out.push(PrincipalEntity::Role(r));
                }
            }
        }
        out.sort_unstable_by_key(|e| match *e {
            PrincipalEntity::User(u) => (0, u),
            PrincipalEntity::Role(r) => (1, r),
        });
        out.dedup();
        out
    }
}
