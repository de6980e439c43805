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

/// A role reached, with a shortest path.
#[derive(Debug, Clone)]
pub(crate) struct Reached {
    pub role: usize,
    pub node: Node,
    pub hops: Vec<Hop>,
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
        for (r, role) in roles.iter().enumerate() {
            if Some(r) == own_role {
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

    /// Every role reachable from `start`, each with a shortest path.
    pub(crate) fn search(&mut self, start: &Node) -> Vec<Reached> {
        let mut seen: FxHashSet<Node> = FxHashSet::default();
        seen.insert(start.clone());
        let mut roles_seen = FxHashSet::default();
        if let Node::Role(r) = start {
            roles_seen.insert(*r);
        }
        let mut out = Vec::new();
        let mut queue = std::collections::VecDeque::new();
        queue.push_back((start.clone(), Vec::<Hop>::new()));
        while let Some((node, path)) = queue.pop_front() {
            if path.len() >= self.max_depth {
                continue;
            }
            for edge in self.edges(&node).iter() {
                if !seen.insert(edge.to.clone()) {
                    continue;
                }
                let mut hops = path.clone();
                hops.push(edge.hop.clone());
                if roles_seen.insert(edge.role) {
                    out.push(Reached {
                        role: edge.role,
                        node: edge.to.clone(),
                        hops: hops.clone(),
                    });
                }
                queue.push_back((edge.to.clone(), hops));
            }
        }
        out
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
    let mut graph = Graph::new(model, context, Timestamp::now(), max_depth);
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
        for reached in graph.search(&start) {
            if target.is_some_and(|t| t != reached.role) {
                continue;
            }
            paths.push(RolePath {
                principal: spec.to_string(),
                role: format!("role/{}", a.roles[reached.role].name),
                hops: reached.hops,
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
