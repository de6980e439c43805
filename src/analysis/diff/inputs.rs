//! What changed in the inputs of decisions between two states of an
//! account — documents, attachments, group memberships, boundaries — and so
//! which principals' permissions can differ, for which services, and why.
//!
//! The rules that keep this small: a principal's identity-side decisions
//! change only when one of its policies, groups or boundary changes; and
//! then only for actions some statement of a changed document matches — a
//! removed Allow can only lose what it matched, an added Deny can only take
//! away what it matches. A boundary (or a statement with `NotAction`, or a
//! wildcard service) can touch any action, so every service is looked at.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::eval::PrincipalSpec;
use crate::model::{AttachedPolicy, InlinePolicy, Model, OrgPolicy, PermissionsBoundary};
use crate::policy::PolicyDocument;

/// Whether two documents say the same (the same text, or the same JSON).
pub fn same(a: Option<&PolicyDocument>, b: Option<&PolicyDocument>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.same_as(b) || a.text() == b.text() || {
                let (x, y) = (a.to_value(), b.to_value());
                x.is_some() && x == y
            }
        }
        _ => false,
    }
}

/// The services whose actions can flip.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Services {
    #[default]
    None,
    Only(BTreeSet<String>),
    All,
}

impl Services {
    pub fn all(&mut self) {
        *self = Services::All;
    }

    /// The services a document's statements can match.
    pub fn add(&mut self, document: &PolicyDocument) {
        for statement in document.parsed().statements() {
            let Some(clause) = &statement.action else { continue };
            if clause.negated {
                self.all();
                return;
            }
            for pattern in &clause.patterns {
                match &pattern.service {
                    Some(service) => self.add_service(&service.to_ascii_lowercase()),
                    None => {
                        self.all();
                        return;
                    }
                }
            }
        }
    }

    fn add_service(&mut self, service: &str) {
        match self {
            Services::All => {}
            Services::None => *self = Services::Only(BTreeSet::from([service.to_owned()])),
            Services::Only(set) => {
                set.insert(service.to_owned());
            }
        }
    }

    pub fn merge(&mut self, other: &Services) {
        match other {
            Services::None => {}
            Services::All => self.all(),
            Services::Only(set) => set.iter().for_each(|s| self.add_service(s)),
        }
    }
}

/// The actions escalation paths are made of: every action a published
/// pattern needs, every IAM action (an administrator is allowed them all)
/// and the role-assuming ones, each with its service.
fn escalation_actions() -> &'static [(String, String)] {
    static ACTIONS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    ACTIONS.get_or_init(|| {
        let mut names: BTreeSet<String> = [
            "sts:AssumeRole",
            "sts:AssumeRoleWithWebIdentity",
            "sts:AssumeRoleWithSAML",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        for pattern in crate::analysis::patterns::PATTERNS {
            for need in pattern.needs {
                names.extend(need.any_of.iter().map(|a| (*a).to_owned()));
            }
        }
        if let Some(iam) = crate::catalog::catalog().service("iam") {
            names.extend(iam.actions().iter().map(|a| format!("iam:{}", a.name())));
        }
        names
            .into_iter()
            .map(|name| {
                let service = name.split(':').next().unwrap_or_default().to_ascii_lowercase();
                (name, service)
            })
            .collect()
    })
}

/// Whether a statement of the document can match an action of an escalation path.
fn touches_escalation(document: &PolicyDocument) -> bool {
    let actions = escalation_actions();
    document.parsed().statements().iter().any(|statement| {
        statement.action.as_ref().is_some_and(|clause| {
            clause.negated
                || clause
                    .patterns
                    .iter()
                    .any(|p| actions.iter().any(|(action, service)| p.matches(action, service)))
        })
    })
}

/// Why a principal's permissions may differ, and where.
#[derive(Debug, Clone, Default)]
pub struct Delta {
    pub why: Vec<String>,
    pub services: Services,
    /// Whether a changed statement can match an action an escalation path
    /// (or being an administrator) depends on: if not, the principal's
    /// paths are the same in both states.
    pub escalation: bool,
}

impl Delta {
    fn say(&mut self, why: String, documents: &[Option<&PolicyDocument>]) {
        self.why.push(why);
        for document in documents.iter().flatten() {
            self.services.add(document);
            self.escalation = self.escalation || touches_escalation(document);
        }
    }

    /// A change that can touch every action (a boundary, another role).
    fn everything(&mut self, why: String) {
        self.why.push(why);
        self.services.all();
        self.escalation = true;
    }

    fn merge(&mut self, prefix: &str, other: &Delta) {
        self.why.extend(other.why.iter().map(|w| format!("{prefix}{w}")));
        self.services.merge(&other.services);
        self.escalation |= other.escalation;
    }

    pub fn is_empty(&self) -> bool {
        self.why.is_empty()
    }
}

fn default_document<'m>(model: &'m Model, arn: &str) -> Option<&'m PolicyDocument> {
    model.policy(arn).and_then(|p| p.default_document())
}

fn policy_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Managed policies whose default version says something else now.
pub fn changed_policies(old: &Model, new: &Model) -> FxHashSet<String> {
    let arns: BTreeSet<&str> = old
        .account()
        .policies
        .iter()
        .chain(&new.account().policies)
        .map(|p| p.arn.as_str())
        .collect();
    arns.into_iter()
        .filter(|arn| !same(default_document(old, arn), default_document(new, arn)))
        .map(str::to_owned)
        .collect()
}

/// What one holder's own policies (inline, attached, boundary) changed.
pub struct Holding<'m> {
    pub inline: &'m [InlinePolicy],
    pub attached: &'m [AttachedPolicy],
    pub boundary: Option<&'m PermissionsBoundary>,
}

pub fn holding_delta(old: (&Model, Holding<'_>), new: (&Model, Holding<'_>), changed: &FxHashSet<String>) -> Delta {
    let (old_model, old) = old;
    let (new_model, new) = new;
    let mut delta = Delta::default();
    let names: BTreeSet<&str> = old.inline.iter().chain(new.inline).map(|p| p.name.as_str()).collect();
    for name in names {
        let before = old.inline.iter().find(|p| p.name == name).map(|p| &p.document);
        let after = new.inline.iter().find(|p| p.name == name).map(|p| &p.document);
        if same(before, after) {
            continue;
        }
        let what = match (before, after) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        };
        delta.say(format!("inline policy {name} {what}"), &[before, after]);
    }
    let before: BTreeSet<&str> = old.attached.iter().map(|a| a.arn.as_str()).collect();
    let after: BTreeSet<&str> = new.attached.iter().map(|a| a.arn.as_str()).collect();
    for arn in after.difference(&before) {
        delta.say(
            format!("attached {}", policy_name(arn)),
            &[default_document(new_model, arn)],
        );
    }
    for arn in before.difference(&after) {
        delta.say(
            format!("detached {}", policy_name(arn)),
            &[default_document(old_model, arn)],
        );
    }
    for arn in before.intersection(&after).filter(|a| changed.contains(**a)) {
        delta.say(
            format!("managed policy {} changed", policy_name(arn)),
            &[default_document(old_model, arn), default_document(new_model, arn)],
        );
    }
    let (b, a) = (
        old.boundary.map(|b| b.arn.as_str()),
        new.boundary.map(|b| b.arn.as_str()),
    );
    let boundary = match (b, a) {
        (None, Some(a)) => Some(format!("permissions boundary {} set", policy_name(a))),
        (Some(b), None) => Some(format!("permissions boundary {} removed", policy_name(b))),
        (Some(b), Some(a)) if b != a => Some(format!(
            "permissions boundary {} replaced by {}",
            policy_name(b),
            policy_name(a)
        )),
        (Some(b), Some(_)) if changed.contains(b) => Some(format!("permissions boundary {} changed", policy_name(b))),
        _ => None,
    };
    if let Some(why) = boundary {
        // A boundary caps every action the principal's policies allow.
        delta.everything(why);
    }
    delta
}

/// Every policy of a group, as a change of membership brings or takes it.
fn group_documents<'m>(model: &'m Model, group: &str) -> Vec<Option<&'m PolicyDocument>> {
    let Some(g) = model.group(group) else {
        return Vec::new();
    };
    g.inline_policies
        .iter()
        .map(|p| Some(&p.document))
        .chain(g.attached_policies.iter().map(|a| default_document(model, &a.arn)))
        .collect()
}

/// Principals whose identity-side decisions may differ, each with why and where.
pub struct Affected {
    pub changed: BTreeMap<String, (PrincipalSpec, Delta)>,
    pub added: Vec<PrincipalSpec>,
    pub removed: Vec<PrincipalSpec>,
    pub changed_policies: FxHashSet<String>,
}

impl Affected {
    fn note(&mut self, spec: PrincipalSpec, delta: &Delta, prefix: &str) {
        if delta.is_empty() {
            return;
        }
        let entry = self
            .changed
            .entry(spec.to_string())
            .or_insert_with(|| (spec, Delta::default()));
        entry.1.merge(prefix, delta);
    }
}

pub fn affected(old: &Model, new: &Model) -> Affected {
    let changed = changed_policies(old, new);
    let mut out = Affected {
        changed: BTreeMap::new(),
        added: Vec::new(),
        removed: Vec::new(),
        changed_policies: FxHashSet::default(),
    };
    let (a, b) = (old.account(), new.account());

    // groups first: their changes reach every member
    let mut groups: FxHashMap<&str, Delta> = FxHashMap::default();
    for g in &a.groups {
        if let Some(after) = new.group(&g.name) {
            let delta = holding_delta(
                (
                    old,
                    Holding {
                        inline: &g.inline_policies,
                        attached: &g.attached_policies,
                        boundary: None,
                    },
                ),
                (
                    new,
                    Holding {
                        inline: &after.inline_policies,
                        attached: &after.attached_policies,
                        boundary: None,
                    },
                ),
                &changed,
            );
            if !delta.is_empty() {
                groups.insert(&g.name, delta);
            }
        }
    }

    for user in &b.users {
        let spec = PrincipalSpec::User(user.name.clone());
        let Some(before) = old.user(&user.name) else {
            out.added.push(spec);
            continue;
        };
        let mut delta = holding_delta(
            (
                old,
                Holding {
                    inline: &before.inline_policies,
                    attached: &before.attached_policies,
                    boundary: before.permissions_boundary.as_ref(),
                },
            ),
            (
                new,
                Holding {
                    inline: &user.inline_policies,
                    attached: &user.attached_policies,
                    boundary: user.permissions_boundary.as_ref(),
                },
            ),
            &changed,
        );
        let was: BTreeSet<&str> = before.groups.iter().map(String::as_str).collect();
        let is: BTreeSet<&str> = user.groups.iter().map(String::as_str).collect();
        for g in is.difference(&was) {
            delta.say(format!("joined group {g}"), &group_documents(new, g));
        }
        for g in was.difference(&is) {
            delta.say(format!("left group {g}"), &group_documents(old, g));
        }
        for g in was.intersection(&is) {
            if let Some(group) = groups.get(g) {
                delta.merge(&format!("group {g}: "), group);
            }
        }
        out.note(spec, &delta, "");
    }
    for role in &b.roles {
        let spec = PrincipalSpec::Role {
            name: role.name.clone(),
            session: None,
        };
        let Some(before) = old.role(&role.name) else {
            out.added.push(spec);
            continue;
        };
        let delta = holding_delta(
            (
                old,
                Holding {
                    inline: &before.inline_policies,
                    attached: &before.attached_policies,
                    boundary: before.permissions_boundary.as_ref(),
                },
            ),
            (
                new,
                Holding {
                    inline: &role.inline_policies,
                    attached: &role.attached_policies,
                    boundary: role.permissions_boundary.as_ref(),
                },
            ),
            &changed,
        );
        out.note(spec, &delta, "");
    }
    // An identity pool's identities act as its role for their kind.
    for pool in &b.identity_pools {
        let Some(before) = old.identity_pool(&pool.id) else {
            for authenticated in [true, false] {
                out.added.push(PrincipalSpec::IdentityPool {
                    id: pool.id.clone(),
                    authenticated,
                });
            }
            continue;
        };
        for authenticated in [true, false] {
            let spec = PrincipalSpec::IdentityPool {
                id: pool.id.clone(),
                authenticated,
            };
            let role = |p: &crate::model::IdentityPool| {
                if authenticated {
                    p.authenticated_role.clone()
                } else {
                    p.unauthenticated_role.clone()
                }
            };
            let mut delta = Delta::default();
            if role(before) != role(pool) {
                delta.everything(format!("its role is now {}", role(pool).as_deref().unwrap_or("none")));
            }
            if before.allow_unauthenticated != pool.allow_unauthenticated && !authenticated {
                delta.everything(if pool.allow_unauthenticated {
                    "guests are admitted now".to_owned()
                } else {
                    "guests are no longer admitted".to_owned()
                });
            }
            if before.allow_classic_flow != pool.allow_classic_flow {
                delta.everything("the classic flow setting changed".to_owned());
            }
            if let Some(name) = role(pool).and_then(|arn| arn.rsplit('/').next().map(str::to_owned)) {
                let role_key = format!("role/{name}");
                if let Some((_, role_delta)) = out.changed.get(&role_key) {
                    let role_delta = role_delta.clone();
                    delta.merge(&format!("role {name}: "), &role_delta);
                }
            }
            out.note(spec, &delta, "");
        }
    }
    for user in &a.users {
        if new.user(&user.name).is_none() {
            out.removed.push(PrincipalSpec::User(user.name.clone()));
        }
    }
    for role in &a.roles {
        if new.role(&role.name).is_none() {
            out.removed.push(PrincipalSpec::Role {
                name: role.name.clone(),
                session: None,
            });
        }
    }
    for pool in &a.identity_pools {
        if new.identity_pool(&pool.id).is_none() {
            for authenticated in [true, false] {
                out.removed.push(PrincipalSpec::IdentityPool {
                    id: pool.id.clone(),
                    authenticated,
                });
            }
        }
    }

    // A resource policy that names one of the account's users or roles can
    // change what that principal may do on the resource.
    for (arn, (before, after)) in resource_policy_changes(old, new) {
        let mut named: BTreeSet<String> = BTreeSet::new();
        for document in before.iter().chain(&after) {
            named.extend(named_principals(document, &b.id, &b.partition));
        }
        let mut delta = Delta::default();
        delta.say(
            format!("the resource policy of {arn} changed"),
            &before.iter().chain(&after).map(Some).collect::<Vec<_>>(),
        );
        for principal in named {
            let Ok(spec) = PrincipalSpec::parse(&principal) else {
                continue;
            };
            out.note(spec, &delta, "");
        }
    }
    out.changed_policies = changed;
    out
}

/// In-account users and roles a document names as principals (`user/NAME`, `role/NAME`).
fn named_principals(document: &PolicyDocument, account: &str, partition: &str) -> Vec<String> {
    let prefix = format!("arn:{partition}:iam::{account}:");
    let mut out = Vec::new();
    for statement in document.parsed().statements() {
        for entry in statement.principal.iter().flat_map(|p| &p.entries) {
            let Some(rest) = entry.value.strip_prefix(&prefix) else {
                continue;
            };
            if let Some(name) = rest.strip_prefix("user/") {
                out.push(format!("user/{}", name.rsplit('/').next().unwrap_or(name)));
            } else if let Some(name) = rest.strip_prefix("role/") {
                out.push(format!("role/{}", name.rsplit('/').next().unwrap_or(name)));
            }
        }
    }
    out
}

/// The resource policies (by resource ARN) that say something else now.
pub fn resource_policy_changes(
    old: &Model,
    new: &Model,
) -> BTreeMap<String, (Vec<PolicyDocument>, Vec<PolicyDocument>)> {
    let mut by_arn: BTreeMap<String, (Vec<PolicyDocument>, Vec<PolicyDocument>)> = BTreeMap::new();
    for p in &old.account().resource_policies {
        by_arn
            .entry(p.resource_arn.clone())
            .or_default()
            .0
            .push(p.policy.clone());
    }
    for p in &new.account().resource_policies {
        by_arn
            .entry(p.resource_arn.clone())
            .or_default()
            .1
            .push(p.policy.clone());
    }
    by_arn.retain(|_, (before, after)| {
        before.len() != after.len() || before.iter().zip(after.iter()).any(|(x, y)| !same(Some(x), Some(y)))
    });
    by_arn
}

/// An SCP or RCP that was added, removed or changed, by name and target.
#[derive(Debug, Clone)]
pub struct OrgChange {
    pub kind: &'static str,
    pub name: String,
    pub target: String,
    pub what: &'static str,
    pub before: Option<PolicyDocument>,
    pub after: Option<PolicyDocument>,
}

pub fn org_policy_changes(old: &Model, new: &Model) -> Vec<OrgChange> {
    let mut out = Vec::new();
    let lists: [(&'static str, &[OrgPolicy], &[OrgPolicy]); 2] = [
        (
            "SCP",
            &old.account().service_control_policies,
            &new.account().service_control_policies,
        ),
        (
            "RCP",
            &old.account().resource_control_policies,
            &new.account().resource_control_policies,
        ),
    ];
    for (kind, before, after) in lists {
        let key = |p: &OrgPolicy| (p.name.clone(), p.target.describe());
        let keys: BTreeSet<(String, String)> = before.iter().chain(after).map(key).collect();
        for (name, target) in keys {
            let b = before.iter().find(|p| key(p) == (name.clone(), target.clone()));
            let a = after.iter().find(|p| key(p) == (name.clone(), target.clone()));
            let (b, a) = (b.map(|p| p.policy.clone()), a.map(|p| p.policy.clone()));
            if same(b.as_ref(), a.as_ref()) {
                continue;
            }
            let what = match (&b, &a) {
                (None, _) => "added",
                (_, None) => "removed",
                _ => "changed",
            };
            out.push(OrgChange {
                kind,
                name,
                target,
                what,
                before: b,
                after: a,
            });
        }
    }
    out
}
