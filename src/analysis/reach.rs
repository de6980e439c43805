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

use std::rc::Rc;

use jiff::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::patterns::{On, Pattern, Target, pass_role_patterns};
use super::probe::{Probe, Refusal, ResourceHints, Step};
use crate::eval::context::{self, Requester};
use crate::eval::{Context, Decision, EvalError, PrincipalSpec};
use crate::model::{Model, PrincipalEntity};

pub const DEFAULT_MAX_DEPTH: usize = 5;

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
                federated: None,
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

/// Search as asked.
pub fn reach(model: &Model, query: &ReachQuery, context: &Context, max_depth: usize) -> Result<Reach, EvalError> {
    reach_with(model, query, context, max_depth, false)
}

/// [`reach`] asking the engine about every (principal, role) pair, without
/// the trust-policy shortcut: slower, and always the same answer (tests
/// check that).
pub fn reach_asking_every_role(
    model: &Model,
    query: &ReachQuery,
    context: &Context,
    max_depth: usize,
) -> Result<Reach, EvalError> {
    reach_with(model, query, context, max_depth, true)
}

fn reach_with(
    model: &Model,
    query: &ReachQuery,
    context: &Context,
    max_depth: usize,
    exhaustive: bool,
) -> Result<Reach, EvalError> {
    let mut graph = Graph::new(model, context, Timestamp::now(), max_depth);
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
        _ => super::who_can::principals(model)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

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
        reach(m, &ReachQuery::From(spec), &Context::new(), DEFAULT_MAX_DEPTH)
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
            &Context::new(),
            DEFAULT_MAX_DEPTH,
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
            &Context::new(),
            1,
        )
        .unwrap();
        assert_eq!(short.paths.len(), 1);
        // Who reaches Second: alice (two hops), First, and Loop.
        let to = reach(&m, &ReachQuery::ToRole("Second".into()), &Context::new(), 5).unwrap();
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
    fn the_trust_policy_shortcut_changes_no_answer() {
        let demo = crate::io::load(&[], None).unwrap().model;
        for m in [model(json!({})), demo] {
            for context in [Context::new(), {
                let mut c = Context::new();
                c.add("aws:MultiFactorAuthPresent", "true");
                c
            }] {
                let fast = reach(&m, &ReachQuery::All, &context, 5).unwrap();
                let slow = reach_asking_every_role(&m, &ReachQuery::All, &context, 5).unwrap();
                assert_eq!(summary(&fast), summary(&slow));
            }
        }
    }

    #[test]
    fn a_role_trusting_ec2_is_reached_via_the_service() {
        let m = model(json!({}));
        let paths = reach(
            &m,
            &ReachQuery::From(PrincipalSpec::User("launcher".into())),
            &Context::new(),
            5,
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
        let full = reach(&m, &ReachQuery::ToRole("Guest".into()), &Context::new(), 5).unwrap();
        assert_eq!(full.paths.len(), 1);
        assert_eq!(full.paths[0].hops[0].how, HopKind::AssumeRoleWithWebIdentity);
        // The authenticated kind has no role in this pool.
        assert!(from(&m, &format!("identity-pool/{pool}:authenticated")).is_empty());
    }
}
