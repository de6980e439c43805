//! Role reachability: which roles a principal can come to act as, directly
//! and through chains, each path shown hop by hop with the engine's deciding
//! statement for every request on it.
//!
//! # The rules
//!
//! A hop from a principal (or a role session it holds) to role R is one of:
//!
//! * **assume-role**: the engine allows the holder `sts:AssumeRole` on R
//!   (the trust policy, and where needed the holder's identity policies —
//!   "Granting a user permissions to switch roles"). A role session assuming
//!   another role is role chaining.
//! * **assume-role-with-web-identity**: an identity of a Cognito identity
//!   pool gets its pool's role for its kind (authenticated or not) when the
//!   engine allows `sts:AssumeRoleWithWebIdentity` on it. Later hops are
//!   asked as that identity, so Cognito's scoping of guest sessions applies.
//! * **via-service**: R trusts an AWS service (the engine allows the service
//!   principal `sts:AssumeRole` on R), and the holder can have that service
//!   run its code as R: it is allowed `iam:PassRole` on R (with
//!   `iam:PassedToService` naming the service) and the actions a
//!   pass-role pattern of [`super::patterns`] needs (e.g. `ec2:RunInstances`;
//!   for EC2 the role must be in an instance profile, or the holder must be
//!   allowed `iam:CreateInstanceProfile` and `iam:AddRoleToInstanceProfile`).
//!
//! The search is breadth first, so each role is shown with a shortest path;
//! a role already on the way is not entered again (cycles end), and paths
//! are at most `max_depth` hops long. The root user cannot assume roles
//! (STS refuses root credentials) and already has every permission, so it
//! is searched only when asked for by name. A Cognito pool using the classic
//! flow lets an identity ask for other roles than its pool's; only the
//! pool's roles are followed.
//!
//! # How it scales
//!
//! Users and roles that the engine cannot tell apart form classes
//! ([`super::classes`]). Which roles a class may assume is asked once per
//! (class, role), of a member the role's trust policy does not name; a
//! member a trust policy names, and every member for a role whose trust
//! policy asks about the principal (`aws:PrincipalArn`, a principal tag, …),
//! is asked on its own. Roles a trust policy could not admit (it names
//! neither the account nor anyone, and the principal's own policies cannot
//! allow `sts:AssumeRole`) are not asked about at all. The sets are kept
//! as bitsets over the roles, so one breadth-first search costs little more
//! than the paths it finds, and a class already searched from at a level
//! adds nothing new there. Paths are built only when handed over, one
//! principal at a time, and nothing but the class bitsets outlives a
//! principal: memory grows with the account, not with the number of paths.
//! [`super::naive::reach`] is the straightforward search; tests check both
//! give the same paths.

use std::collections::VecDeque;
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::classes::{self, ClassId, Classes, PrincipalNames};
use super::patterns::{On, Pattern, Target, pass_role_patterns};
use super::probe::{Probe, Refusal, ResourceHints, Step};
use super::{AnalysisOptions, Progress};
use crate::eval::context::{self, Requester};
use crate::eval::{Context, Decision, EvalError, PrincipalSpec};
use crate::model::{Model, PrincipalEntity};

pub const DEFAULT_MAX_DEPTH: usize = 5;

/// How many search entries (32 bytes each) the searches shared by a class
/// of users may keep, together.
const TREE_BUDGET: usize = 2_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum HopKind {
    AssumeRole,
    AssumeRoleWithWebIdentity,
    /// A service runs code as the role for the holder (`pattern` says how).
    ViaService {
        service: &'static str,
        pattern: &'static str,
    },
}

/// One hop: `from` comes to act as `role`.
#[derive(Debug, Clone, Serialize)]
pub struct Hop {
    pub from: String,
    /// `role/NAME`.
    pub role: String,
    pub role_arn: String,
    pub how: HopKind,
    /// The requests that make the hop, each with the engine's answer.
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RolePath {
    pub principal: String,
    /// `role/NAME`.
    pub role: String,
    pub hops: Vec<Hop>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reach {
    pub max_depth: usize,
    /// Principals searched from.
    pub principals: usize,
    pub paths: Vec<RolePath>,
}

/// What [`stream`] did: the paths themselves went to the caller one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReachSummary {
    pub max_depth: usize,
    /// Principals to search from.
    pub principals: usize,
    /// Principals searched from before the end or a cancel.
    pub searched: usize,
    pub paths: usize,
    /// False when [`Progress::cancel`] stopped it early.
    pub complete: bool,
}

/// What to search.
#[derive(Debug, Clone)]
pub enum ReachQuery {
    /// Every role this principal can reach.
    From(PrincipalSpec),
    /// Every principal that can reach this role (by name).
    ToRole(String),
    /// Every principal (but the root user) and every role it can reach.
    All,
}

/// Where a search stands: a principal as given, a role session, or a
/// Cognito identity holding its pool's role.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Node {
    Start(PrincipalSpec),
    Role(usize),
    PoolSession { identity: PrincipalSpec, role: usize },
}

/// How an entry of a search was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Assume,
    /// Through pass-role pattern number `n` of [`pass_role_patterns`].
    Via(u8),
    /// Edge number `n` of the (few) edges worked out for a node on its own.
    Special(u32),
}

/// Every role reached from one start, each with a shortest path, kept as a
/// tree (each entry points at the entry it was reached from) so that a path
/// is built only when it is shown.
#[derive(Debug)]
pub(crate) struct Tree {
    start: Node,
    /// Shared by the users of one class (their trees are the same).
    entries: Rc<Vec<Entry>>,
    /// The hop to each entry, once worked out (many paths share a hop).
    hops: std::cell::RefCell<Vec<Option<Hop>>>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub role: usize,
    /// Whether this is the first (shortest) way the role was reached.
    pub first: bool,
    /// The entry is a Cognito identity holding its pool's role, not a role session.
    pool_session: bool,
    parent: Option<u32>,
    how: How,
}

impl Entry {
    /// Whether the entry is one hop from the start.
    pub fn is_root(&self) -> bool {
        self.parent.is_none()
    }

    /// Whether the entry is a session of its role (not a pool identity holding it).
    pub fn is_role_session(&self) -> bool {
        !self.pool_session
    }

    /// Whether the hop that reached it goes through a service.
    pub fn via_service(&self) -> bool {
        matches!(self.how, How::Via(_))
    }
}

impl Tree {
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The roles before entry `at` on its path (not its own).
    pub fn roles_before(&self, at: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.entries[at].parent, |&i| self.entries[i as usize].parent)
            .map(|i| self.entries[i as usize].role)
    }

    /// The node entry `at` stands for.
    fn node(&self, at: usize) -> Node {
        let entry = &self.entries[at];
        match (&self.start, entry.pool_session) {
            (Node::Start(identity), true) => Node::PoolSession {
                identity: identity.clone(),
                role: entry.role,
            },
            _ => Node::Role(entry.role),
        }
    }

    /// The node the hop to entry `at` starts from.
    fn from(&self, at: usize) -> Node {
        match self.entries[at].parent {
            Some(parent) => self.node(parent as usize),
            None => self.start.clone(),
        }
    }
}

/// A set of roles, by position.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize) -> Bits {
        Bits(vec![0; len.div_ceil(64)])
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn set(&mut self, i: usize, on: bool) {
        if on {
            self.0[i / 64] |= 1 << (i % 64);
        } else {
            self.0[i / 64] &= !(1 << (i % 64));
        }
    }
    /// Positions in `self` but not in `other`, in order.
    fn minus<'a>(&'a self, other: &'a Bits) -> impl Iterator<Item = usize> + 'a {
        self.0.iter().zip(&other.0).enumerate().flat_map(|(w, (&a, &b))| {
            let mut word = a & !b;
            std::iter::from_fn(move || {
                (word != 0).then(|| {
                    let bit = word.trailing_zeros() as usize;
                    word &= word - 1;
                    w * 64 + bit
                })
            })
        })
    }
}

/// A role as a target: whom its trust policy could admit.
#[derive(Debug)]
struct TargetInfo {
    admits: Admits,
    /// Users and roles its trust policy names (asked about on their own).
    named: Vec<PrincipalEntity>,
}

/// What one class of principals can reach in one hop.
#[derive(Debug)]
struct ClassEdges {
    /// Roles it may assume (for a member the role's trust policy does not name).
    assume: Bits,
    /// Roles a service runs for it, in order, with the pass-role pattern.
    via: Vec<(usize, u8)>,
    /// The same for classes with the same edges: a search that has gone on
    /// from one node with these edges gets nothing new from another.
    id: u32,
}

/// An edge worked out for a node on its own (a pool identity, a principal
/// of another account).
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub to: Node,
    pub role: usize,
    pub hop: Hop,
}

/// The key under which `Graph::edge_sets` keeps one set of a class's edges.
type EdgeSetKey = (Bits, Vec<(usize, u8)>);

/// The account's roles and the hops between principals and roles, worked
/// out as the search needs them and kept.
pub struct Graph<'m> {
    model: &'m Model,
    /// Polled inside long searches, so a cancel takes effect at once.
    progress: &'m Progress,
    options: AnalysisOptions,
    classes: Classes,
    targets: Vec<TargetInfo>,
    /// Roles whose trust policies ask about the principal: asked about for each principal.
    sensitive: Vec<usize>,
    /// The other roles whose trust policy could admit anyone, and those
    /// (of the rest) that admit the account: the roles a class is asked
    /// about (the second only when its own policies could allow it).
    admitting_anyone: Vec<usize>,
    admitting_account: Vec<usize>,
    /// Per user or role, the roles whose trust policies name it.
    named_in: FxHashMap<PrincipalEntity, Vec<usize>>,
    class_edges: Vec<Option<Rc<ClassEdges>>>,
    /// Every set of edges a class has, once.
    edge_sets: FxHashMap<EdgeSetKey, Rc<ClassEdges>>,
    /// Per user or role with answers of its own: (role, allowed), by role.
    own: FxHashMap<PrincipalEntity, Rc<Vec<(usize, bool)>>>,
    trusting: FxHashMap<&'static str, Rc<Vec<(usize, Step)>>>,
    special: FxHashMap<Node, Rc<Vec<Edge>>>,
    last: Option<Rc<Tree>>,
    /// For hops out of role sessions, which many searches share: the
    /// role's probe, the resources worth asking about, and the steps of
    /// each pass-role pattern that do not depend on the role passed.
    role_probes: FxHashMap<usize, Probe<'m>>,
    role_hints: FxHashMap<usize, Rc<ResourceHints>>,
    role_launch: FxHashMap<(usize, u8), Rc<Vec<Step>>>,
    /// Searches from users without answers of their own, by the edges of
    /// their class (all such users find the same), kept while they fit
    /// [`TREE_BUDGET`].
    user_trees: FxHashMap<u32, Rc<Vec<Entry>>>,
    user_tree_entries: usize,
    no_answers: Rc<Vec<(usize, bool)>>,
    /// Allow statements of resource-based and trust policies: they may
    /// grant on their own.
    resource_grants: Vec<crate::policy::Statement>,
    /// Per action: whether one of them could match it.
    granted: FxHashMap<&'static str, bool>,
}

impl<'m> Graph<'m> {
    pub fn new(model: &'m Model, options: &AnalysisOptions) -> Graph<'m> {
        Graph::with_progress(model, options, &super::UNCANCELLED)
    }

    /// A graph whose searches stop (unfinished) once `progress` is cancelled.
    pub(crate) fn with_progress(model: &'m Model, options: &AnalysisOptions, progress: &'m Progress) -> Graph<'m> {
        let a = model.account();
        let classes = Classes::of(model, &options.context);
        let names = PrincipalNames::of(model);
        let mut targets = Vec::with_capacity(a.roles.len());
        let mut sensitive = Vec::new();
        let mut admitting_anyone = Vec::new();
        let mut admitting_account = Vec::new();
        let mut named_in: FxHashMap<PrincipalEntity, Vec<usize>> = FxHashMap::default();
        for (r, role) in a.roles.iter().enumerate() {
            let (named, asks) = match &role.trust_policy {
                Some(trust) => (names.named_by(trust), classes::uses_principal_keys(trust)),
                None => (Vec::new(), false),
            };
            let admits = Admits::of(role.trust_policy.as_ref(), &a.id);
            if asks {
                sensitive.push(r);
            } else if admits.anyone {
                admitting_anyone.push(r);
            } else if admits.account {
                admitting_account.push(r);
            }
            for &entity in &named {
                named_in.entry(entity).or_default().push(r);
            }
            targets.push(TargetInfo { admits, named });
        }
        Graph {
            model,
            progress,
            options: options.clone(),
            class_edges: vec![None; classes.len()],
            edge_sets: FxHashMap::default(),
            classes,
            targets,
            sensitive,
            admitting_anyone,
            admitting_account,
            named_in,
            own: FxHashMap::default(),
            trusting: FxHashMap::default(),
            special: FxHashMap::default(),
            last: None,
            role_probes: FxHashMap::default(),
            role_hints: FxHashMap::default(),
            role_launch: FxHashMap::default(),
            resource_grants: a
                .resource_policies
                .iter()
                .map(|p| &p.policy)
                .chain(a.roles.iter().filter_map(|r| r.trust_policy.as_ref()))
                .flat_map(|d| d.parsed().statements())
                .filter(|s| s.valid && s.effect == crate::policy::Effect::Allow)
                .cloned()
                .collect(),
            granted: FxHashMap::default(),
            user_trees: FxHashMap::default(),
            user_tree_entries: 0,
            no_answers: Rc::new(Vec::new()),
        }
    }

    pub fn model(&self) -> &'m Model {
        self.model
    }

    pub fn options(&self) -> &AnalysisOptions {
        &self.options
    }

    pub fn context(&self) -> &Context {
        &self.options.context
    }

    fn probe(&self, spec: &PrincipalSpec) -> Result<Probe<'m>, EvalError> {
        Probe::new(self.model, spec, &self.options.context, self.options.now)
    }

    /// The roles `service` (`ec2.amazonaws.com`) can assume, each with the
    /// step in which the engine allows it.
    pub fn roles_trusting(&mut self, service: &'static str) -> Rc<Vec<(usize, Step)>> {
        if let Some(found) = self.trusting.get(service) {
            return Rc::clone(found);
        }
        let mut found = Vec::new();
        let spec = PrincipalSpec::Service(service.to_owned());
        if let Ok(mut probe) = self.probe(&spec) {
            for (r, role) in self.model.account().roles.iter().enumerate() {
                let arn = role.arn.to_string();
                let outcome = probe.decide("sts:AssumeRole", &arn);
                if outcome.decision == Decision::Allow {
                    found.push((r, probe.step("sts:AssumeRole", &arn, &[], outcome)));
                }
            }
        }
        let found = Rc::new(found);
        self.trusting.insert(service, Rc::clone(&found));
        found
    }

    /// The node a principal starts from (a role's session is the role).
    pub(crate) fn node_for(&self, spec: &PrincipalSpec) -> Result<Node, EvalError> {
        match context::resolve(self.model, spec).map_err(EvalError)? {
            Requester::RoleSession {
                index,
                web_identity: None,
                federated: None,
                ..
            } => Ok(Node::Role(index)),
            _ => Ok(Node::Start(spec.clone())),
        }
    }

    /// The user or role a node's requests are made by, when it is one.
    fn entity(&self, node: &Node) -> Option<PrincipalEntity> {
        match node {
            Node::Role(r) => Some(PrincipalEntity::Role(*r)),
            Node::Start(spec) => match context::resolve(self.model, spec) {
                Ok(Requester::User { index, .. }) => Some(PrincipalEntity::User(index)),
                _ => None,
            },
            Node::PoolSession { .. } => None,
        }
    }

    /// The principal whose credentials a node's requests use.
    pub(crate) fn credentials(&self, node: &Node) -> PrincipalSpec {
        match node {
            Node::Start(spec) => spec.clone(),
            Node::Role(r) => PrincipalSpec::Role {
                name: self.model.account().roles[*r].name.clone(),
                session: None,
            },
            Node::PoolSession { identity, .. } => identity.clone(),
        }
    }

    pub(crate) fn label(&self, node: &Node) -> String {
        match node {
            Node::Start(spec) => spec.to_string(),
            Node::Role(r) => format!("role/{}", self.model.account().roles[*r].name),
            Node::PoolSession { identity, role } => {
                format!("role/{} (as {identity})", self.model.account().roles[*role].name)
            }
        }
    }

    fn role_label(&self, r: usize) -> String {
        format!("role/{}", self.model.account().roles[r].name)
    }

    /// What class `class` can reach in one hop, worked out once.
    fn class_edges(&mut self, class: ClassId) -> Rc<ClassEdges> {
        if let Some(found) = &self.class_edges[class as usize] {
            return Rc::clone(found);
        }
        let model = self.model;
        let roles = &model.account().roles;
        let members = self.classes.members(class).to_vec();
        let first = members[0];
        // The class's Allow statements that could match sts:AssumeRole: a
        // role whose trust policy admits only the account (not anyone, not
        // a member by name) is assumed only with one of them allowing it on
        // the role ("Granting a user permissions to switch roles"), so a
        // role none of them could match on is not asked about.
        let documents = super::probe::identity_documents(model, &classes::requester(model, first));
        let assume_allows: Vec<&crate::policy::Statement> = super::probe::allow_statements(&documents)
            .filter(|s| super::probe::could_match_action(s, "sts:AssumeRole"))
            .collect();
        let mut assume = Bits::new(roles.len());
        let mut probes: FxHashMap<PrincipalEntity, Probe<'m>> = FxHashMap::default();
        let through_account = self.admitting_account.iter().copied().filter(|&r| {
            assume_allows
                .iter()
                .any(|s| super::probe::could_match_resource(s, roles[r].arn.as_str()))
        });
        let candidates: Vec<usize> = if assume_allows.is_empty() {
            self.admitting_anyone.clone()
        } else {
            let mut all: Vec<usize> = self.admitting_anyone.iter().copied().chain(through_account).collect();
            all.sort_unstable();
            all
        };
        for (n, r) in candidates.into_iter().enumerate() {
            if n % 256 == 0 && self.progress.is_cancelled() {
                // Unfinished: not kept, and the search that asked is dropped.
                return Rc::new(ClassEdges {
                    assume,
                    via: Vec::new(),
                    id: u32::MAX,
                });
            }
            let role = &roles[r];
            let target = &self.targets[r];
            let Some(&asker) = members.iter().find(|m| !target.named.contains(m)) else {
                continue;
            };
            let probe = match probes.entry(asker) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    match Probe::new(
                        model,
                        &classes::spec(model, asker),
                        &self.options.context,
                        self.options.now,
                    ) {
                        Ok(p) => e.insert(p),
                        Err(_) => continue,
                    }
                }
            };
            if probe.decide("sts:AssumeRole", role.arn.as_str()).decision == Decision::Allow {
                assume.set(r, true);
            }
        }
        let via = match Probe::new(
            model,
            &classes::spec(model, first),
            &self.options.context,
            self.options.now,
        ) {
            Ok(mut probe) => self.via_candidates(&mut probe),
            Err(_) => Vec::new(),
        };
        let next = self.edge_sets.len() as u32;
        let edges = Rc::clone(self.edge_sets.entry((assume, via)).or_insert_with_key(|(assume, via)| {
            Rc::new(ClassEdges {
                assume: assume.clone(),
                via: via.clone(),
                id: next,
            })
        }));
        self.class_edges[class as usize] = Some(Rc::clone(&edges));
        edges
    }

    /// Roles a service would run for the probe's principal, by pass-role
    /// pattern, each role once (its first pattern), in the order a search
    /// takes them.
    fn via_candidates(&mut self, probe: &mut Probe<'m>) -> Vec<(usize, u8)> {
        let documents = super::probe::identity_documents(self.model, probe.requester());
        let allows: Vec<&crate::policy::Statement> = super::probe::allow_statements(&documents).collect();
        let mut hints = None;
        let mut out = Vec::new();
        let mut taken = FxHashSet::default();
        for (n, pattern) in pass_role_patterns().enumerate() {
            let Target::PassRoleTo {
                service,
                instance_profile,
            } = pattern.target
            else {
                continue;
            };
            // Without a statement that could allow each need, the engine would refuse.
            let possible = pattern
                .needs
                .iter()
                .all(|need| need.any_of.iter().any(|a| self.could_allow(&allows, a)));
            if !possible {
                continue;
            }
            let hints: &ResourceHints = hints.get_or_insert_with(|| ResourceHints::of(self.model, probe.requester()));
            if launch_steps(probe, hints, pattern).is_err() {
                continue;
            }
            let trusting = self.roles_trusting(service);
            for (r, _) in trusting.iter() {
                if taken.contains(r)
                    || !self.could_allow_on(&allows, "iam:PassRole", self.model.account().roles[*r].arn.as_str())
                {
                    continue;
                }
                if pass_steps(probe, hints, *r, service, instance_profile).is_ok() {
                    taken.insert(*r);
                    out.push((*r, n as u8));
                }
            }
        }
        out
    }

    /// Whether the engine could allow `action` to a principal whose
    /// identity-based Allow statements are `allows`: one of them, or of a
    /// resource-based or trust policy's, could match it. When none can, the
    /// engine's answer is a deny and it need not be asked.
    pub(crate) fn could_allow(&mut self, allows: &[&crate::policy::Statement], action: &'static str) -> bool {
        allows.iter().any(|s| super::probe::could_match_action(s, action)) || self.granted_elsewhere(action)
    }

    /// As [`Graph::could_allow`], for `action` on `resource`: an identity
    /// statement must also be able to match the resource.
    pub(crate) fn could_allow_on(
        &mut self,
        allows: &[&crate::policy::Statement],
        action: &'static str,
        resource: &str,
    ) -> bool {
        allows.iter().any(|s| super::probe::could_match(s, action, resource)) || self.granted_elsewhere(action)
    }

    /// Whether an Allow statement of a resource-based or trust policy could match `action`.
    fn granted_elsewhere(&mut self, action: &'static str) -> bool {
        if let Some(&known) = self.granted.get(action) {
            return known;
        }
        let granted = self
            .resource_grants
            .iter()
            .any(|s| super::probe::could_match_action(s, action));
        self.granted.insert(action, granted);
        granted
    }

    /// The roles `entity` is answered about on its own: (role, allowed).
    fn own(&mut self, entity: PrincipalEntity) -> Rc<Vec<(usize, bool)>> {
        if self.sensitive.is_empty() && !self.named_in.contains_key(&entity) {
            return Rc::clone(&self.no_answers);
        }
        if let Some(found) = self.own.get(&entity) {
            return Rc::clone(found);
        }
        let mut roles: Vec<usize> = self.named_in.get(&entity).cloned().unwrap_or_default();
        roles.extend(&self.sensitive);
        roles.sort_unstable();
        roles.dedup();
        if let PrincipalEntity::Role(own) = entity {
            roles.retain(|&r| r != own);
        }
        let mut answers = Vec::with_capacity(roles.len());
        if !roles.is_empty() {
            let spec = classes::spec(self.model, entity);
            if let Ok(mut probe) = self.probe(&spec) {
                let me = Asker::of(self.model, probe.requester());
                for r in roles {
                    let allowed = self.targets[r].admits.may_admit(&me)
                        && probe
                            .decide("sts:AssumeRole", self.model.account().roles[r].arn.as_str())
                            .decision
                            == Decision::Allow;
                    answers.push((r, allowed));
                }
            }
        }
        let answers = Rc::new(answers);
        self.own.insert(entity, Rc::clone(&answers));
        answers
    }

    /// The roles `entity` may assume, as a set.
    fn assume_set(&mut self, entity: PrincipalEntity) -> Bits {
        let edges = self.class_edges(self.classes.of_entity(entity));
        let own = self.own(entity);
        let mut set = edges.assume.clone();
        for &(r, allowed) in own.iter() {
            set.set(r, allowed);
        }
        if let PrincipalEntity::Role(r) = entity {
            set.set(r, false);
        }
        set
    }

    /// The hops out of a node that is not a user or role of the account,
    /// each worked out in full (as [`super::naive::reach`] does for every node).
    fn special_edges(&mut self, node: &Node) -> Rc<Vec<Edge>> {
        if let Some(found) = self.special.get(node) {
            return Rc::clone(found);
        }
        let edges = Rc::new(self.compute_special_edges(node));
        self.special.insert(node.clone(), Rc::clone(&edges));
        edges
    }

    fn compute_special_edges(&mut self, node: &Node) -> Vec<Edge> {
        let model = self.model;
        let spec = self.credentials(node);
        let Ok(mut probe) = self.probe(&spec) else {
            return Vec::new();
        };
        let from = self.label(node);
        let roles = &model.account().roles;
        // A Cognito identity has no AWS credentials until it gets its pool's role.
        if let (Node::Start(_), Requester::WebIdentity(identity)) = (node, probe.requester()) {
            let arn = if identity.authenticated {
                identity.pool.authenticated_role.clone()
            } else {
                identity.pool.unauthenticated_role.clone()
            };
            let Some(arn) = arn else {
                return Vec::new();
            };
            let Some(PrincipalEntity::Role(r)) = model.index().principal_by_arn(&arn) else {
                return Vec::new();
            };
            let outcome = probe.decide("sts:AssumeRoleWithWebIdentity", &arn);
            if outcome.decision != Decision::Allow {
                return Vec::new();
            }
            return vec![Edge {
                to: Node::PoolSession {
                    identity: spec.clone(),
                    role: r,
                },
                role: r,
                hop: Hop {
                    from,
                    role: self.role_label(r),
                    role_arn: arn.clone(),
                    how: HopKind::AssumeRoleWithWebIdentity,
                    steps: vec![probe.step("sts:AssumeRoleWithWebIdentity", &arn, &[], outcome)],
                },
            }];
        }
        let own_role = match node {
            Node::Role(r) | Node::PoolSession { role: r, .. } => Some(*r),
            Node::Start(_) => None,
        };
        let mut edges = Vec::new();
        let mut reached = FxHashSet::default();
        let me = Asker::of(model, probe.requester());
        for (r, role) in roles.iter().enumerate() {
            if Some(r) == own_role || !self.targets[r].admits.may_admit(&me) {
                continue;
            }
            let arn = role.arn.to_string();
            let outcome = probe.decide("sts:AssumeRole", &arn);
            if outcome.decision == Decision::Allow {
                reached.insert(r);
                edges.push(Edge {
                    to: Node::Role(r),
                    role: r,
                    hop: Hop {
                        from: from.clone(),
                        role: self.role_label(r),
                        role_arn: arn.clone(),
                        how: HopKind::AssumeRole,
                        steps: vec![probe.step("sts:AssumeRole", &arn, &[], outcome)],
                    },
                });
            }
        }
        let hints = ResourceHints::of(model, probe.requester());
        for pattern in pass_role_patterns() {
            let Target::PassRoleTo {
                service,
                instance_profile,
            } = pattern.target
            else {
                continue;
            };
            let Ok(launch) = launch_steps(&mut probe, &hints, pattern) else {
                continue;
            };
            let trusting = self.roles_trusting(service);
            for (r, trust) in trusting.iter() {
                if Some(*r) == own_role || reached.contains(r) {
                    continue;
                }
                let Ok(steps) = pass_steps(&mut probe, &hints, *r, service, instance_profile) else {
                    continue;
                };
                reached.insert(*r);
                let mut all = launch.clone();
                all.extend(steps);
                all.push(trust.clone());
                edges.push(Edge {
                    to: Node::Role(*r),
                    role: *r,
                    hop: Hop {
                        from: from.clone(),
                        role: self.role_label(*r),
                        role_arn: roles[*r].arn.to_string(),
                        how: HopKind::ViaService {
                            service,
                            pattern: pattern.id,
                        },
                        steps: all,
                    },
                });
            }
        }
        edges
    }

    /// Every role reachable from `start` within `max_depth` hops, breadth
    /// first, each node entered once (so cycles end).
    pub(crate) fn search(&mut self, start: &Node) -> Rc<Tree> {
        if let Some(last) = &self.last
            && last.start == *start
        {
            return Rc::clone(last);
        }
        let start_entity = self.entity(start);
        // A user without answers of its own finds what every user with the
        // same edges finds.
        let shared = match start_entity {
            Some(user @ PrincipalEntity::User(_)) if self.own(user).is_empty() => {
                Some(self.class_edges(self.classes.of_entity(user)).id)
            }
            _ => None,
        };
        if self.progress.is_cancelled() {
            return Rc::new(Tree {
                start: start.clone(),
                entries: Rc::default(),
                hops: Default::default(),
            });
        }
        if let Some(entries) = shared.and_then(|id| self.user_trees.get(&id)) {
            let tree = Rc::new(Tree {
                start: start.clone(),
                entries: Rc::clone(entries),
                hops: Default::default(),
            });
            self.last = Some(Rc::clone(&tree));
            return tree;
        }
        let roles = self.model.account().roles.len();
        let mut tree = Tree {
            start: start.clone(),
            entries: Rc::new(Vec::new()),
            hops: Default::default(),
        };
        let entries = Rc::get_mut(&mut tree.entries).expect("a new tree is not shared");
        // Role sessions by role; pool identities holding a role by role.
        let mut seen = Bits::new(roles);
        let mut seen_pool = Bits::new(roles);
        let mut roles_seen = Bits::new(roles);
        // Per set of edges, whether the node it was first expanded from had
        // answers of its own.
        let mut expanded: FxHashMap<u32, bool> = FxHashMap::default();
        if let Node::Role(r) = start {
            seen.set(*r, true);
        }
        let mut queue: VecDeque<(Option<u32>, usize)> = VecDeque::new();
        queue.push_back((None, 0));
        while let Some((at, depth)) = queue.pop_front() {
            if self.progress.is_cancelled() {
                // Unfinished: not kept; the caller drops it.
                return Rc::new(tree);
            }
            if depth >= self.options.max_depth {
                continue;
            }
            let (node, entity) = match at {
                None => (start.clone(), start_entity),
                Some(i) => {
                    let entry = entries[i as usize];
                    let node = match (&tree.start, entry.pool_session) {
                        (Node::Start(identity), true) => Node::PoolSession {
                            identity: identity.clone(),
                            role: entry.role,
                        },
                        _ => Node::Role(entry.role),
                    };
                    let entity = match node {
                        Node::Role(r) => Some(PrincipalEntity::Role(r)),
                        _ => None,
                    };
                    (node, entity)
                }
            };
            let Some(entity) = entity else {
                // A node worked out on its own.
                let edges = self.special_edges(&node);
                for (n, edge) in edges.iter().enumerate() {
                    let (set, pool) = match edge.to {
                        Node::PoolSession { role, .. } => (&mut seen_pool, role),
                        _ => (&mut seen, edge.role),
                    };
                    if set.get(pool) {
                        continue;
                    }
                    set.set(pool, true);
                    let first = !roles_seen.get(edge.role);
                    roles_seen.set(edge.role, true);
                    entries.push(Entry {
                        role: edge.role,
                        first,
                        pool_session: matches!(edge.to, Node::PoolSession { .. }),
                        parent: at,
                        how: How::Special(n as u32),
                    });
                    queue.push_back((Some(entries.len() as u32 - 1), depth + 1));
                }
                continue;
            };
            let class = self.classes.of_entity(entity);
            let has_own = !self.own(entity).is_empty();
            let edges = self.class_edges(class);
            // A node with the same edges was expanded at this level or an
            // earlier one: it added every role this one could (but itself,
            // which is in the tree already), unless either has answers of its own.
            if let Some(&other_has_own) = expanded.get(&edges.id)
                && !other_has_own
                && !has_own
            {
                continue;
            }
            expanded.entry(edges.id).or_insert(has_own);
            let own_role = match entity {
                PrincipalEntity::Role(r) => Some(r),
                PrincipalEntity::User(_) => None,
            };
            let assume = has_own.then(|| self.assume_set(entity));
            let assumed = assume.as_ref().unwrap_or(&edges.assume);
            let new: Vec<usize> = assumed.minus(&seen).filter(|&r| Some(r) != own_role).collect();
            for r in new {
                seen.set(r, true);
                let first = !roles_seen.get(r);
                roles_seen.set(r, true);
                entries.push(Entry {
                    role: r,
                    first,
                    pool_session: false,
                    parent: at,
                    how: How::Assume,
                });
                queue.push_back((Some(entries.len() as u32 - 1), depth + 1));
            }
            // Each role is in the class's list once, with its first pattern.
            for &(r, pattern) in &edges.via {
                if Some(r) == own_role || (assumed.get(r) && Some(r) != own_role) || seen.get(r) {
                    continue;
                }
                seen.set(r, true);
                let first = !roles_seen.get(r);
                roles_seen.set(r, true);
                entries.push(Entry {
                    role: r,
                    first,
                    pool_session: false,
                    parent: at,
                    how: How::Via(pattern),
                });
                queue.push_back((Some(entries.len() as u32 - 1), depth + 1));
            }
        }
        if let Some(id) = shared
            && self.user_tree_entries + entries.len() <= TREE_BUDGET
        {
            self.user_tree_entries += entries.len();
            self.user_trees.insert(id, Rc::clone(&tree.entries));
        }
        let tree = Rc::new(tree);
        self.last = Some(Rc::clone(&tree));
        tree
    }

    /// The hop that reached entry `at` of `tree`, with the engine's answers.
    pub(crate) fn hop(&mut self, tree: &Tree, at: usize) -> Hop {
        if let Some(Some(known)) = tree.hops.borrow().get(at) {
            return known.clone();
        }
        let hop = self.work_out_hop(tree, at);
        let mut hops = tree.hops.borrow_mut();
        if hops.len() < tree.entries.len() {
            hops.resize(tree.entries.len(), None);
        }
        hops[at] = Some(hop.clone());
        hop
    }

    fn work_out_hop(&mut self, tree: &Tree, at: usize) -> Hop {
        let entry = tree.entries[at];
        let from = tree.from(at);
        if let How::Special(n) = entry.how {
            return self.special_edges(&from)[n as usize].hop.clone();
        }
        let role_label = self.role_label(entry.role);
        let label = self.label(&from);
        // Hops out of a role session are asked with the role's probe, kept.
        let from_role = match from {
            Node::Role(r) => Some(r),
            _ => None,
        };
        let mut own_probe = None;
        let probe = match from_role {
            Some(r) => {
                if !self.role_probes.contains_key(&r) {
                    let Ok(probe) = self.probe(&self.credentials(&from)) else {
                        return self.unanswered(label, entry.role);
                    };
                    self.role_probes.insert(r, probe);
                }
                self.role_probes.get_mut(&r).expect("just inserted")
            }
            None => match self.probe(&self.credentials(&from)) {
                Ok(probe) => own_probe.insert(probe),
                Err(_) => return self.unanswered(label, entry.role),
            },
        };
        let model = self.model;
        let arn = model.account().roles[entry.role].arn.to_string();
        let How::Via(n) = entry.how else {
            let outcome = probe.decide("sts:AssumeRole", &arn);
            return Hop {
                from: label,
                role: role_label,
                steps: vec![probe.step("sts:AssumeRole", &arn, &[], outcome)],
                role_arn: arn,
                how: HopKind::AssumeRole,
            };
        };
        let pattern = pass_role_patterns().nth(n as usize).expect("a pattern of the list");
        let Target::PassRoleTo {
            service,
            instance_profile,
        } = pattern.target
        else {
            unreachable!("pass-role patterns pass roles to a service")
        };
        let hints = match from_role.and_then(|r| self.role_hints.get(&r)) {
            Some(hints) => Rc::clone(hints),
            None => {
                let hints = Rc::new(ResourceHints::of(model, probe.requester()));
                if let Some(r) = from_role {
                    self.role_hints.insert(r, Rc::clone(&hints));
                }
                hints
            }
        };
        // Borrowed again: the maps above were touched in between.
        let probe = match (from_role, own_probe.as_mut()) {
            (Some(r), _) => self.role_probes.get_mut(&r).expect("kept above"),
            (None, Some(probe)) => probe,
            (None, None) => unreachable!("a probe was made above"),
        };
        let launch = match from_role.and_then(|r| self.role_launch.get(&(r, n))) {
            Some(steps) => Rc::clone(steps),
            None => {
                let steps = Rc::new(launch_steps(probe, &hints, pattern).unwrap_or_default());
                if let Some(r) = from_role {
                    self.role_launch.insert((r, n), Rc::clone(&steps));
                }
                steps
            }
        };
        let probe = match (from_role, own_probe.as_mut()) {
            (Some(r), _) => self.role_probes.get_mut(&r).expect("kept above"),
            (None, Some(probe)) => probe,
            (None, None) => unreachable!("a probe was made above"),
        };
        let mut steps = launch.as_ref().clone();
        steps.extend(pass_steps(probe, &hints, entry.role, service, instance_profile).unwrap_or_default());
        let trusting = self.roles_trusting(service);
        if let Some((_, trust)) = trusting.iter().find(|(r, _)| *r == entry.role) {
            steps.push(trust.clone());
        }
        Hop {
            from: label,
            role: role_label,
            role_arn: arn,
            how: HopKind::ViaService {
                service,
                pattern: pattern.id,
            },
            steps,
        }
    }

    /// A hop whose holder no longer resolves (it did when the search began).
    fn unanswered(&self, from: String, r: usize) -> Hop {
        Hop {
            from,
            role: self.role_label(r),
            role_arn: self.model.account().roles[r].arn.to_string(),
            how: HopKind::AssumeRole,
            steps: Vec::new(),
        }
    }

    /// The hops from the start to entry `at`.
    pub(crate) fn hops(&mut self, tree: &Tree, at: usize) -> Vec<Hop> {
        let mut chain: Vec<usize> =
            std::iter::successors(Some(at), |&i| tree.entries[i].parent.map(|p| p as usize)).collect();
        chain.reverse();
        chain.into_iter().map(|i| self.hop(tree, i)).collect()
    }
}

/// Whom a role's trust policy could let call `sts:AssumeRole`, read from the
/// principals of its Allow statements. The engine needs the trust policy to
/// allow ("Granting a user permissions to switch roles"), so a principal this
/// rules out cannot be allowed, and the engine is not asked. It errs towards
/// asking: anything it does not recognise admits everyone.
#[derive(Debug, Clone, Default)]
pub(crate) struct Admits {
    anyone: bool,
    /// The loaded account (its id or root ARN): whoever its identity
    /// policies allow `sts:AssumeRole`.
    account: bool,
    /// Lower-cased ARNs and unique ids named.
    names: Vec<String>,
}

impl Admits {
    fn of(trust: Option<&crate::policy::PolicyDocument>, account: &str) -> Admits {
        let mut admits = Admits::default();
        let Some(trust) = trust else {
            return admits;
        };
        let root = format!(":iam::{account}:root");
        for statement in trust.parsed().statements() {
            if !statement.valid || statement.effect != crate::policy::Effect::Allow {
                continue;
            }
            let assumes = match &statement.action {
                Some(clause) => clause.negated || clause.patterns.iter().any(|p| p.matches("sts:AssumeRole", "sts")),
                None => false,
            };
            if !assumes {
                continue;
            }
            let Some(clause) = &statement.principal else {
                continue;
            };
            if clause.negated || clause.any {
                admits.anyone = true;
                continue;
            }
            for entry in &clause.entries {
                if entry.kind != crate::policy::PrincipalKind::Aws {
                    continue;
                }
                let value = entry.value.to_ascii_lowercase();
                if value.contains(['*', '?']) {
                    admits.anyone = true;
                } else if value == account || (value.starts_with("arn:") && value.ends_with(&root)) {
                    admits.account = true;
                } else {
                    admits.names.push(value);
                }
            }
        }
        admits
    }

    fn may_admit(&self, asker: &Asker) -> bool {
        self.anyone || (self.account && asker.may_assume) || self.names_admit(asker)
    }

    /// Whether the trust policy names the asker (or one of its sessions).
    fn names_admit(&self, asker: &Asker) -> bool {
        self.names.iter().any(|name| {
            asker.names.iter().any(|n| n == name)
                || asker
                    .session_prefix
                    .as_ref()
                    .is_some_and(|prefix| name.starts_with("arn:") && name.contains(prefix.as_str()))
        })
    }
}

/// Every role's trust policy, read once, to find the roles a principal could
/// assume that no identity policy of its names by ARN (who-can on "any
/// resource": a trust policy that names a user lets it assume the role with
/// no identity-based permission of its own, "IAM roles: cross-account and
/// same-account access").
pub(crate) struct TrustTargets {
    admits: Vec<Admits>,
}

impl TrustTargets {
    pub(crate) fn of(model: &Model) -> TrustTargets {
        let a = model.account();
        TrustTargets {
            admits: a
                .roles
                .iter()
                .map(|role| Admits::of(role.trust_policy.as_ref(), &a.id))
                .collect(),
        }
    }

    /// The roles whose trust policy could admit `requester`: those that name
    /// it or anyone first, then those that admit its account (only when its
    /// own policies could allow `sts:AssumeRole`). The engine decides; this
    /// only leaves out roles it would refuse.
    pub(crate) fn roles_for(&self, model: &Model, requester: &Requester<'_>) -> Vec<usize> {
        let asker = Asker::of(model, requester);
        let mut named = Vec::new();
        let mut through_account = Vec::new();
        for (r, admits) in self.admits.iter().enumerate() {
            if admits.anyone || admits.names_admit(&asker) {
                named.push(r);
            } else if admits.account && asker.may_assume {
                through_account.push(r);
            }
        }
        named.extend(through_account);
        named
    }
}

/// How a principal could be named in a trust policy, and whether any of its
/// identity-based Allow statements could match `sts:AssumeRole`.
struct Asker {
    names: Vec<String>,
    /// `:assumed-role/NAME/` for a role's sessions.
    session_prefix: Option<String>,
    may_assume: bool,
}

impl Asker {
    fn of(model: &Model, requester: &Requester<'_>) -> Asker {
        let mut names = Vec::new();
        let mut session_prefix = None;
        match requester {
            Requester::User { user, .. } => {
                names.push(user.arn.as_str().to_ascii_lowercase());
                names.push(user.id.to_ascii_lowercase());
            }
            Requester::RoleSession { role, .. } => {
                names.push(role.arn.as_str().to_ascii_lowercase());
                names.push(role.id.to_ascii_lowercase());
                session_prefix = Some(format!(":assumed-role/{}/", role.name.to_ascii_lowercase()));
            }
            _ => {}
        }
        let documents = super::probe::identity_documents(model, requester);
        let may_assume = matches!(requester, Requester::Root | Requester::External { .. })
            || super::probe::allow_statements(&documents).any(|s| match &s.action {
                Some(clause) => clause.negated || clause.patterns.iter().any(|p| p.matches("sts:AssumeRole", "sts")),
                None => false,
            });
        Asker {
            names,
            session_prefix,
            may_assume,
        }
    }
}

/// The steps of a pass-role pattern that do not depend on the role (e.g.
/// `ec2:RunInstances`), or the first refusal.
pub(crate) fn launch_steps(
    probe: &mut Probe<'_>,
    hints: &ResourceHints,
    pattern: &Pattern,
) -> Result<Vec<Step>, Refusal> {
    pattern
        .needs
        .iter()
        .filter(|n| n.on == On::Any)
        .map(|n| probe.need(hints, n.any_of, None, &[]))
        .collect()
}

/// `iam:PassRole` on role `r` for `service`, with what an EC2 role needs
/// when it is in no instance profile; or the first refusal.
pub(crate) fn pass_steps(
    probe: &mut Probe<'_>,
    hints: &ResourceHints,
    r: usize,
    service: &str,
    instance_profile: bool,
) -> Result<Vec<Step>, Refusal> {
    let role = &probe.model().account().roles[r];
    let arn = role.arn.to_string();
    let needs_profile = instance_profile && role.instance_profiles.is_empty();
    let mut steps = Vec::new();
    if needs_profile {
        for action in ["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"] {
            let mut step = probe.need(hints, &[action], None, &[])?;
            step.note = Some(format!("role/{} is in no instance profile", role.name));
            steps.push(step);
        }
    }
    steps.push(probe.need(
        hints,
        &["iam:PassRole"],
        Some(&arn),
        &[("iam:PassedToService", service.to_owned())],
    )?);
    Ok(steps)
}

/// The principals a query searches from, and the role it asks about.
fn starts(model: &Model, query: &ReachQuery) -> Result<(Vec<PrincipalSpec>, Option<usize>), EvalError> {
    let target = match query {
        ReachQuery::ToRole(name) => Some(
            model
                .index()
                .role(name)
                .ok_or_else(|| EvalError(format!("account {} has no role named {name}", model.account().id)))?,
        ),
        _ => None,
    };
    let starts = match query {
        ReachQuery::From(spec) => vec![spec.clone()],
        _ => super::who_can::principals(model)
            .into_iter()
            .filter(|p| *p != PrincipalSpec::Root)
            .collect(),
    };
    Ok((starts, target))
}

/// Search as asked, handing each path to `sink` as it is found: principal by
/// principal, in the account's order (users, roles, identity pools), each
/// principal's roles nearest first. Stops early when `progress` is cancelled.
pub fn stream(
    model: &Model,
    query: &ReachQuery,
    options: &AnalysisOptions,
    progress: &Progress,
    sink: &mut dyn FnMut(RolePath),
) -> Result<ReachSummary, EvalError> {
    let (starts, target) = starts(model, query)?;
    let a = model.account();
    let mut graph = Graph::with_progress(model, options, progress);
    progress.begin(starts.len());
    let mut summary = ReachSummary {
        max_depth: options.max_depth,
        principals: starts.len(),
        searched: 0,
        paths: 0,
        complete: true,
    };
    for spec in &starts {
        if progress.is_cancelled() {
            summary.complete = false;
            break;
        }
        let start = graph.node_for(spec)?;
        let tree = graph.search(&start);
        if progress.is_cancelled() {
            // This principal's search may be unfinished: none of it is shown.
            summary.complete = false;
            break;
        }
        // Each hop is worked out once (the tree keeps it), however many paths go through it.
        for (at, entry) in tree.entries().iter().enumerate() {
            if !entry.first || target.is_some_and(|t| t != entry.role) {
                continue;
            }
            summary.paths += 1;
            sink(RolePath {
                principal: spec.to_string(),
                role: format!("role/{}", a.roles[entry.role].name),
                hops: graph.hops(&tree, at),
            });
        }
        summary.searched += 1;
        progress.advance();
    }
    Ok(summary)
}

/// Search as asked and keep every path (for small accounts and tests; use
/// [`stream`] for large ones).
pub fn reach(model: &Model, query: &ReachQuery, options: &AnalysisOptions) -> Result<Reach, EvalError> {
    let mut paths = Vec::new();
    let summary = stream(model, query, options, &Progress::new(), &mut |p| paths.push(p))?;
    Ok(Reach {
        max_depth: summary.max_depth,
        principals: summary.principals,
        paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn options(context: Context, max_depth: usize) -> AnalysisOptions {
        AnalysisOptions {
            context,
            max_depth,
            ..AnalysisOptions::at("2026-06-01T12:00:00Z".parse().unwrap())
        }
    }

    const ACCOUNT: &str = "111122223333";

    fn trust(principal: Value, action: &str) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": action}]})
    }

    fn role(name: &str, trust: Value, statements: Value, profile: bool) -> Value {
        let mut r = json!({
            "RoleName": name,
            "RoleId": format!("AROA{}", name.to_uppercase()),
            "Arn": format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            "Path": "/",
            "AssumeRolePolicyDocument": trust,
            "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
            "AttachedManagedPolicies": [],
        });
        if profile {
            r["InstanceProfileList"] = json!([{
                "InstanceProfileName": name, "InstanceProfileId": "AIPA1", "Path": "/",
                "Arn": format!("arn:aws:iam::{ACCOUNT}:instance-profile/{name}"), "Roles": []
            }]);
        }
        r
    }

    fn user(name: &str, statements: Value) -> Value {
        json!({
            "UserName": name,
            "UserId": format!("AIDA{}", name.to_uppercase()),
            "Arn": format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
            "Path": "/",
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
        })
    }

    fn arn(kind: &str, name: &str) -> String {
        format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}")
    }

    fn model(extra: Value) -> Model {
        let mut account = json!({
            "UserDetailList": [
                user("alice", json!([])),
                user("launcher", json!([
                    {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}
                ])),
                user("passer", json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}])),
            ],
            "GroupDetailList": [],
            "RoleDetailList": [
                role("First", trust(json!({"AWS": arn("user", "alice")}), "sts:AssumeRole"), json!([]), false),
                role("Second", trust(json!({"AWS": arn("role", "First")}), "sts:AssumeRole"), json!([]), false),
                role("Loop", trust(json!({"AWS": arn("role", "Second")}), "sts:AssumeRole"), json!([]), false),
                role("Web", trust(json!({"Service": "ec2.amazonaws.com"}), "sts:AssumeRole"), json!([]), true),
            ],
            "Policies": [],
        });
        // Second also trusts Loop: a cycle First → Second → Loop → Second.
        account["RoleDetailList"][1]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"] =
            json!([arn("role", "First"), arn("role", "Loop")]);
        if let Value::Object(extra) = extra {
            for (k, v) in extra {
                account[k] = v;
            }
        }
        crate::io::load_bytes("t.json", account.to_string().as_bytes())
            .unwrap()
            .model
    }

    fn from(m: &Model, who: &str) -> Vec<(String, Vec<String>)> {
        let spec = PrincipalSpec::parse(who).unwrap();
        reach(m, &ReachQuery::From(spec), &options(Context::new(), DEFAULT_MAX_DEPTH))
            .unwrap()
            .paths
            .into_iter()
            .map(|p| (p.role, p.hops.into_iter().map(|h| h.role).collect()))
            .collect()
    }

    #[test]
    fn a_chain_of_two_roles_and_a_cycle_end() {
        let m = model(json!({}));
        let paths = from(&m, "user/alice");
        assert_eq!(
            paths,
            [
                ("role/First".to_owned(), vec!["role/First".to_owned()]),
                (
                    "role/Second".to_owned(),
                    vec!["role/First".to_owned(), "role/Second".to_owned()]
                ),
                (
                    "role/Loop".to_owned(),
                    vec![
                        "role/First".to_owned(),
                        "role/Second".to_owned(),
                        "role/Loop".to_owned()
                    ]
                ),
            ]
        );
        let full = reach(
            &m,
            &ReachQuery::From(PrincipalSpec::User("alice".into())),
            &options(Context::new(), DEFAULT_MAX_DEPTH),
        )
        .unwrap();
        let hop = &full.paths[1].hops[1];
        assert_eq!(hop.how, HopKind::AssumeRole);
        let statement = hop.steps[0].statement.as_ref().unwrap();
        assert_eq!(statement.policy, "trust policy of role Second");
        // With a depth of one only the first role is reached.
        let short = reach(
            &m,
            &ReachQuery::From(PrincipalSpec::User("alice".into())),
            &options(Context::new(), 1),
        )
        .unwrap();
        assert_eq!(short.paths.len(), 1);
        // Who reaches Second: alice (two hops), First, and Loop.
        let to = reach(&m, &ReachQuery::ToRole("Second".into()), &options(Context::new(), 5)).unwrap();
        let who: Vec<&str> = to.paths.iter().map(|p| p.principal.as_str()).collect();
        assert_eq!(who, ["user/alice", "role/First", "role/Loop"]);
    }

    /// Paths as `principal → role: hop roles`, to compare two searches.
    pub(crate) fn summary(r: &Reach) -> Vec<String> {
        r.paths
            .iter()
            .map(|p| {
                let hops: Vec<&str> = p.hops.iter().map(|h| h.role.as_str()).collect();
                format!("{} → {}: {}", p.principal, p.role, hops.join(", "))
            })
            .collect()
    }

    #[test]
    fn the_scalable_search_finds_what_the_naive_one_does() {
        let demo = crate::io::load(&[], None).unwrap().model;
        for m in [model(json!({})), demo] {
            for context in [Context::new(), {
                let mut c = Context::new();
                c.add("aws:MultiFactorAuthPresent", "true");
                c
            }] {
                let o = options(context.clone(), 5);
                let fast = reach(&m, &ReachQuery::All, &o).unwrap();
                let slow = crate::analysis::naive::reach::reach(&m, &ReachQuery::All, &context, o.now, 5).unwrap();
                let every =
                    crate::analysis::naive::reach::reach_asking_every_role(&m, &ReachQuery::All, &context, o.now, 5)
                        .unwrap();
                assert_eq!(
                    serde_json::to_value(&fast).unwrap(),
                    serde_json::to_value(&slow).unwrap()
                );
                assert_eq!(summary(&fast), summary(&every));
            }
        }
    }

    #[test]
    fn a_role_trusting_ec2_is_reached_via_the_service() {
        let m = model(json!({}));
        let paths = reach(
            &m,
            &ReachQuery::From(PrincipalSpec::User("launcher".into())),
            &options(Context::new(), 5),
        )
        .unwrap()
        .paths;
        assert_eq!(paths.len(), 1);
        let hop = &paths[0].hops[0];
        assert_eq!(
            hop.how,
            HopKind::ViaService {
                service: "ec2.amazonaws.com",
                pattern: "passrole-ec2"
            }
        );
        let actions: Vec<&str> = hop.steps.iter().map(|s| s.action.as_str()).collect();
        assert_eq!(actions, ["ec2:RunInstances", "iam:PassRole", "sts:AssumeRole"]);
        assert_eq!(hop.steps[1].context, ["iam:PassedToService=ec2.amazonaws.com"]);
        assert_eq!(hop.steps[2].by, "service/ec2.amazonaws.com");
        // PassRole alone launches nothing.
        assert!(from(&m, "user/passer").is_empty());
    }

    #[test]
    fn a_cognito_guest_reaches_its_pool_role() {
        let pool = "eu-west-1:11111111-2222-3333-4444-555555555555";
        let guest_trust = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": pool},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}
            }
        }]});
        let m = model(json!({
            "RoleDetailList": [role("Guest", guest_trust, json!([]), false)],
            "IdentityPools": [{
                "IdentityPoolId": pool,
                "IdentityPoolName": "app",
                "AllowUnauthenticatedIdentities": true,
                "Roles": {"unauthenticated": arn("role", "Guest")}
            }]
        }));
        let guest = format!("identity-pool/{pool}:unauthenticated");
        let paths = from(&m, &guest);
        assert_eq!(paths, [("role/Guest".to_owned(), vec!["role/Guest".to_owned()])]);
        let full = reach(&m, &ReachQuery::ToRole("Guest".into()), &options(Context::new(), 5)).unwrap();
        assert_eq!(full.paths.len(), 1);
        assert_eq!(full.paths[0].hops[0].how, HopKind::AssumeRoleWithWebIdentity);
        // The authenticated kind has no role in this pool.
        assert!(from(&m, &format!("identity-pool/{pool}:authenticated")).is_empty());
    }

    #[test]
    fn a_cancelled_search_stops_and_says_so() {
        let m = model(json!({}));
        let progress = Progress::new();
        let mut paths = Vec::new();
        let summary = stream(&m, &ReachQuery::All, &options(Context::new(), 5), &progress, &mut |p| {
            paths.push(p);
            progress.cancel();
        })
        .unwrap();
        assert!(!summary.complete);
        assert_eq!(summary.searched, 1, "the principal being searched is finished");
        assert_eq!(summary.paths, paths.len());
        assert_eq!(paths[0].principal, "user/alice");
        assert_eq!(progress.done(), 1);
        assert_eq!(progress.total(), summary.principals);
        let all = stream(
            &m,
            &ReachQuery::All,
            &options(Context::new(), 5),
            &Progress::new(),
            &mut |_| (),
        )
        .unwrap();
        assert!(all.complete && all.paths > paths.len());
    }
}
