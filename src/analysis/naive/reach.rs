//! Role reachability as it was first written: every principal searched on
//! its own, every hop kept. Slow and memory-hungry on large accounts, and
//! kept as the oracle the tests compare [`crate::analysis::reach`] with.
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

use std::rc::Rc;

use jiff::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::patterns::{On, Pattern, Target, pass_role_patterns};
use crate::analysis::probe::{Probe, Refusal, ResourceHints, Step};
pub use crate::analysis::reach::{Hop, HopKind, Reach, ReachQuery, RolePath};
use crate::eval::context::{self, Requester};
use crate::eval::{Context, Decision, EvalError, PrincipalSpec};
use crate::model::{Model, PrincipalEntity};

/// Where a search stands: a principal as given, a role session, or a
/// Cognito identity holding its pool's role.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Node {
    Start(PrincipalSpec),
    Role(usize),
    PoolSession { identity: PrincipalSpec, role: usize },
}

#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub to: Node,
    pub role: usize,
    pub hop: Hop,
}

/// Every role reached from one start, each with a shortest path, kept as a
/// tree (each entry points at the entry it was reached from) so that a path
/// is built only when it is shown.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    entries: Vec<Entry>,
}

#[derive(Debug)]
pub(crate) struct Entry {
    pub role: usize,
    pub node: Node,
    /// Whether this is the first (shortest) way the role was reached.
    pub first: bool,
    parent: Option<usize>,
    edges: Rc<Vec<Edge>>,
    edge: usize,
}

impl Entry {
    /// The hop that reached this entry.
    pub fn edges_hop(&self) -> &Hop {
        &self.edges[self.edge].hop
    }

    /// Whether the entry is one hop from the start.
    pub fn is_root(&self) -> bool {
        self.parent.is_none()
    }
}

impl Tree {
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The hops from the start to entry `at`.
    pub fn hops(&self, at: usize) -> Vec<Hop> {
        let mut hops = Vec::new();
        let mut next = Some(at);
        while let Some(i) = next {
            let entry = &self.entries[i];
            hops.push(entry.edges[entry.edge].hop.clone());
            next = entry.parent;
        }
        hops.reverse();
        hops
    }

    /// The roles before entry `at` on its path (not its own).
    pub fn roles_before(&self, at: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.entries[at].parent, |&i| self.entries[i].parent).map(|i| self.entries[i].role)
    }
}

/// The account's roles and the hops between principals and roles, worked
/// out as the search needs them and kept.
pub struct Graph<'m> {
    model: &'m Model,
    now: Timestamp,
    context: Context,
    pub max_depth: usize,
    trusting: FxHashMap<&'static str, Rc<Vec<(usize, Step)>>>,
    edges: FxHashMap<Node, Rc<Vec<Edge>>>,
    trees: FxHashMap<Node, Rc<Tree>>,
    admits: Option<Rc<Vec<Admits>>>,
    /// Ask the engine about every role, without the trust-policy shortcut (for tests).
    pub(crate) exhaustive: bool,
}

impl<'m> Graph<'m> {
    pub fn new(model: &'m Model, context: &Context, now: Timestamp, max_depth: usize) -> Graph<'m> {
        Graph {
            model,
            now,
            context: context.clone(),
            max_depth,
            trusting: FxHashMap::default(),
            edges: FxHashMap::default(),
            trees: FxHashMap::default(),
            admits: None,
            exhaustive: false,
        }
    }

    pub fn model(&self) -> &'m Model {
        self.model
    }

    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The roles `service` (`ec2.amazonaws.com`) can assume, each with the
    /// step in which the engine allows it.
    pub fn roles_trusting(&mut self, service: &'static str) -> Rc<Vec<(usize, Step)>> {
        if let Some(found) = self.trusting.get(service) {
            return Rc::clone(found);
        }
        let mut found = Vec::new();
        let spec = PrincipalSpec::Service(service.to_owned());
        if let Ok(mut probe) = Probe::new(self.model, &spec, &self.context, self.now) {
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

    /// What each role's trust policy could admit, read once.
    fn admits(&mut self) -> Rc<Vec<Admits>> {
        if let Some(admits) = &self.admits {
            return Rc::clone(admits);
        }
        let a = self.model.account();
        let admits = Rc::new(
            a.roles
                .iter()
                .map(|r| Admits::of(r.trust_policy.as_ref(), &a.id))
                .collect::<Vec<_>>(),
        );
        self.admits = Some(Rc::clone(&admits));
        admits
    }

    /// The node a principal starts from (a role's session is the role).
    pub(crate) fn node_for(&self, spec: &PrincipalSpec) -> Result<Node, EvalError> {
        match context::resolve(self.model, spec).map_err(EvalError)? {
            Requester::RoleSession {
                index,
                web_identity: None,
                ..
            } => Ok(Node::Role(index)),
            _ => Ok(Node::Start(spec.clone())),
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

    /// The hops out of a node.
    pub(crate) fn edges(&mut self, node: &Node) -> Rc<Vec<Edge>> {
        if let Some(found) = self.edges.get(node) {
            return Rc::clone(found);
        }
        let edges = Rc::new(self.compute_edges(node));
        self.edges.insert(node.clone(), Rc::clone(&edges));
        edges
    }

    fn compute_edges(&mut self, node: &Node) -> Vec<Edge> {
        let model = self.model;
        let spec = self.credentials(node);
        let Ok(mut probe) = Probe::new(model, &spec, &self.context, self.now) else {
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
        let admits = self.admits();
        let me = Asker::of(model, probe.requester());
        for (r, role) in roles.iter().enumerate() {
            if Some(r) == own_role || (!self.exhaustive && !admits[r].may_admit(&me)) {
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
        if let Some(found) = self.trees.get(start) {
            return Rc::clone(found);
        }
        let mut seen: FxHashSet<Node> = FxHashSet::default();
        seen.insert(start.clone());
        let mut roles_seen = FxHashSet::default();
        if let Node::Role(r) = start {
            roles_seen.insert(*r);
        }
        let mut tree = Tree::default();
        // (node, depth, the entry it is)
        let mut queue = std::collections::VecDeque::new();
        queue.push_back((start.clone(), 0usize, None));
        while let Some((node, depth, at)) = queue.pop_front() {
            if depth >= self.max_depth {
                continue;
            }
            let edges = self.edges(&node);
            for (i, edge) in edges.iter().enumerate() {
                if !seen.insert(edge.to.clone()) {
                    continue;
                }
                tree.entries.push(Entry {
                    role: edge.role,
                    node: edge.to.clone(),
                    first: roles_seen.insert(edge.role),
                    parent: at,
                    edges: Rc::clone(&edges),
                    edge: i,
                });
                queue.push_back((edge.to.clone(), depth + 1, Some(tree.entries.len() - 1)));
            }
        }
        let tree = Rc::new(tree);
        self.trees.insert(start.clone(), Rc::clone(&tree));
        tree
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
        self.anyone
            || (self.account && asker.may_assume)
            || self.names.iter().any(|name| {
                asker.names.iter().any(|n| n == name)
                    || asker
                        .session_prefix
                        .as_ref()
                        .is_some_and(|prefix| name.starts_with("arn:") && name.contains(prefix.as_str()))
            })
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
        let documents = crate::analysis::probe::identity_documents(model, requester);
        let may_assume = matches!(requester, Requester::Root | Requester::External { .. })
            || crate::analysis::probe::allow_statements(&documents).any(|s| match &s.action {
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

/// Search as asked.
pub fn reach(
    model: &Model,
    query: &ReachQuery,
    context: &Context,
    now: Timestamp,
    max_depth: usize,
) -> Result<Reach, EvalError> {
    reach_with(model, query, context, now, max_depth, false)
}

/// [`reach`] asking the engine about every (principal, role) pair, without
/// the trust-policy shortcut: slower, and always the same answer (tests
/// check that).
pub fn reach_asking_every_role(
    model: &Model,
    query: &ReachQuery,
    context: &Context,
    now: Timestamp,
    max_depth: usize,
) -> Result<Reach, EvalError> {
    reach_with(model, query, context, now, max_depth, true)
}

fn reach_with(
    model: &Model,
    query: &ReachQuery,
    context: &Context,
    now: Timestamp,
    max_depth: usize,
    exhaustive: bool,
) -> Result<Reach, EvalError> {
    let mut graph = Graph::new(model, context, now, max_depth);
    graph.exhaustive = exhaustive;
    let a = model.account();
    let target = match query {
        ReachQuery::ToRole(name) => Some(
            model
                .index()
                .role(name)
                .ok_or_else(|| EvalError(format!("account {} has no role named {name}", a.id)))?,
        ),
        _ => None,
    };
    let starts: Vec<PrincipalSpec> = match query {
        ReachQuery::From(spec) => vec![spec.clone()],
        _ => crate::analysis::who_can::principals(model)
            .into_iter()
            .filter(|p| *p != PrincipalSpec::Root)
            .collect(),
    };
    let mut paths = Vec::new();
    for spec in &starts {
        let start = graph.node_for(spec)?;
        let tree = graph.search(&start);
        for (at, entry) in tree.entries().iter().enumerate() {
            if !entry.first || target.is_some_and(|t| t != entry.role) {
                continue;
            }
            paths.push(RolePath {
                principal: spec.to_string(),
                role: format!("role/{}", a.roles[entry.role].name),
                hops: tree.hops(at),
            });
        }
    }
    Ok(Reach {
        max_depth,
        principals: starts.len(),
        paths,
    })
}
