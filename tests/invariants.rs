//! Properties the evaluation engine must keep for any account, checked on
//! random small accounts built from a fixed vocabulary of actions, resources,
//! principals and condition keys:
//!
//! - a matching Deny anywhere the request passes makes it ExplicitDeny;
//! - adding an Allow statement never takes access away;
//! - adding a Deny statement never grants access;
//! - a permissions boundary never widens access;
//! - SCPs never widen access;
//! - the fast path (`eval::decide`) agrees with `eval::evaluate`.

use iamscope::eval::{self, Context, Decision, PrincipalSpec, Request};
use iamscope::model::Model;
use iamscope::policy::PolicyDocument;
use proptest::prelude::*;
use serde_json::{Value, json};

const ACCOUNT: &str = "111111111111";
const BUCKET: &str = "arn:aws:s3:::photos";
const QUEUE: &str = "arn:aws:sqs:us-east-1:111111111111:jobs";
const KEY: &str = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-0000-4000-8000-000000000001";
const ROLE: &str = "arn:aws:iam::111111111111:role/worker";

const ACTIONS: [&str; 9] = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "sqs:SendMessage",
    "kms:Decrypt",
    "ec2:RunInstances",
    "iam:ListUsers",
    "sts:AssumeRole",
    "dynamodb:GetItem",
];

const ACTION_PATTERNS: [&str; 8] = [
    "s3:*",
    "s3:Get*",
    "s3:?utObject",
    "*",
    "ec2:*",
    "kms:*",
    "sts:AssumeRole",
    "sqs:SendMessage",
];

const RESOURCES: [&str; 8] = [
    "arn:aws:s3:::photos/cat.jpg",
    "arn:aws:s3:::photos/alice/a.txt",
    BUCKET,
    QUEUE,
    KEY,
    ROLE,
    "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc",
    "*",
];

const RESOURCE_PATTERNS: [&str; 8] = [
    "*",
    "arn:aws:s3:::photos/*",
    "arn:aws:s3:::photos/${aws:username}/*",
    "arn:aws:s3:::*",
    "arn:aws:sqs:*",
    "arn:aws:kms:us-east-1:111111111111:key/*",
    ROLE,
    "arn:aws:ec2:*:*:instance/*",
];

/// Principal elements for resource-based statements.
fn principal_element(i: usize) -> (&'static str, Value) {
    match i {
        0 => ("Principal", json!("*")),
        1 => ("Principal", json!({"AWS": ACCOUNT})),
        2 => ("Principal", json!({"AWS": "arn:aws:iam::111111111111:user/alice"})),
        3 => ("Principal", json!({"AWS": "arn:aws:iam::111111111111:user/bob"})),
        4 => ("Principal", json!({"AWS": ROLE})),
        5 => (
            "Principal",
            json!({"AWS": "arn:aws:sts::111111111111:assumed-role/worker/s1"}),
        ),
        6 => ("Principal", json!({"AWS": "arn:aws:iam::111111111111:group/devs"})),
        7 => ("Principal", json!({"AWS": "222222222222"})),
        _ => (
            "NotPrincipal",
            json!({"AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::111111111111:user/alice"]}),
        ),
    }
}
const PRINCIPAL_ELEMENTS: usize = 9;

fn condition(i: usize) -> Value {
    match i {
        0 => json!({"StringEquals": {"aws:PrincipalTag/team": "red"}}),
        1 => json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        2 => json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        3 => json!({"StringNotEquals": {"aws:RequestTag/env": "prod"}}),
        4 => json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}}),
        5 => json!({"ForAllValues:StringLike": {"aws:TagKeys": ["e*"]}}),
        6 => json!({"Null": {"aws:SourceIp": "true"}}),
        7 => json!({"StringLike": {"s3:prefix": "${aws:username}/*"}}),
        8 => json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/*"}}),
        9 => json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}),
        10 => json!({"NumericLessThan": {"s3:max-keys": "10"}}),
        _ => json!({"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}),
    }
}
const CONDITIONS: usize = 12;

/// One generated statement. Indexes point into the vocabularies above.
#[derive(Debug, Clone)]
struct Stmt {
    allow: bool,
    actions: Vec<usize>,
    not_action: bool,
    resources: Vec<usize>,
    not_resource: bool,
    condition: Option<usize>,
    principal: usize,
}

impl Stmt {
    /// As JSON; `with_principal` for resource-based and trust policies.
    fn to_json(&self, with_principal: bool, with_resource: bool) -> Value {
        let mut s = serde_json::Map::new();
        s.insert("Effect".into(), json!(if self.allow { "Allow" } else { "Deny" }));
        if with_principal {
            let (key, value) = principal_element(self.principal);
            s.insert(key.into(), value);
        }
        let actions: Vec<&str> = self.actions.iter().map(|&i| ACTION_PATTERNS[i]).collect();
        s.insert(
            if self.not_action { "NotAction" } else { "Action" }.into(),
            json!(actions),
        );
        if with_resource {
            let resources: Vec<&str> = self.resources.iter().map(|&i| RESOURCE_PATTERNS[i]).collect();
            s.insert(
                if self.not_resource { "NotResource" } else { "Resource" }.into(),
                json!(resources),
            );
        }
        if let Some(c) = self.condition {
            s.insert("Condition".into(), condition(c));
        }
        Value::Object(s)
    }
}

fn document(statements: &[Stmt], with_principal: bool, with_resource: bool) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": statements
            .iter()
            .map(|s| s.to_json(with_principal, with_resource))
            .collect::<Vec<_>>(),
    })
}

/// Where a policy sits in the generated account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Alice,
    Devs,
    Worker,
    Boundary,
    Trust,
    Bucket,
    Queue,
    Key,
    /// SCP at level 0 (root), 1 (OU) or 2 (account).
    Scp(usize),
    Session,
}

const SCP_TARGETS: [&str; 3] = ["r-root", "ou-root-dev", ACCOUNT];

#[derive(Debug, Clone)]
struct World {
    alice: Vec<Stmt>,
    alice_tagged: bool,
    devs: Vec<Stmt>,
    worker: Vec<Stmt>,
    boundary: Vec<Stmt>,
    boundary_on_alice: bool,
    boundary_on_worker: bool,
    trust: Vec<Stmt>,
    bucket: Option<Vec<Stmt>>,
    queue: Option<Vec<Stmt>>,
    key: Option<Vec<Stmt>>,
    /// One SCP per level that has any; `None` levels have no SCP.
    scps: [Option<Vec<Stmt>>; 3],
    session: Option<Vec<Stmt>>,
}

impl World {
    fn policy_mut(&mut self, slot: Slot) -> Option<&mut Vec<Stmt>> {
        match slot {
            Slot::Alice => Some(&mut self.alice),
            Slot::Devs => Some(&mut self.devs),
            Slot::Worker => Some(&mut self.worker),
            Slot::Boundary => Some(&mut self.boundary),
            Slot::Trust => Some(&mut self.trust),
            Slot::Bucket => self.bucket.as_mut(),
            Slot::Queue => self.queue.as_mut(),
            Slot::Key => self.key.as_mut(),
            Slot::Scp(level) => self.scps[level].as_mut(),
            Slot::Session => self.session.as_mut(),
        }
    }

    fn has_scps(&self) -> bool {
        self.scps.iter().any(Option::is_some)
    }

    fn workspace(&self) -> Value {
        let boundary_arn = "arn:aws:iam::111111111111:policy/Boundary";
        let boundary = |on: bool| {
            on.then(|| {
                json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": boundary_arn})
            })
        };
        let mut alice = json!({
            "UserName": "alice", "UserId": "AIDAALICE", "Arn": "arn:aws:iam::111111111111:user/alice",
            "UserPolicyList": [{"PolicyName": "Alice", "PolicyDocument": document(&self.alice, false, true)}],
            "GroupList": [],
        });
        if let Some(b) = boundary(self.boundary_on_alice) {
            alice["PermissionsBoundary"] = b;
        }
        if self.alice_tagged {
            alice["Tags"] = json!([{"Key": "team", "Value": "red"}]);
        }
        let mut worker = json!({
            "RoleName": "worker", "RoleId": "AROAWORKER", "Arn": ROLE,
            "AssumeRolePolicyDocument": document(&self.trust, true, false),
            "RolePolicyList": [{"PolicyName": "Worker", "PolicyDocument": document(&self.worker, false, true)}],
        });
        if let Some(b) = boundary(self.boundary_on_worker) {
            worker["PermissionsBoundary"] = b;
        }
        let mut resource_policies = Vec::new();
        for (arn, policy) in [(BUCKET, &self.bucket), (QUEUE, &self.queue), (KEY, &self.key)] {
            if let Some(statements) = policy {
                resource_policies.push(json!({"ResourceArn": arn, "Policy": document(statements, true, true)}));
            }
        }
        let scps: Vec<Value> = self
            .scps
            .iter()
            .enumerate()
            .filter_map(|(level, scp)| {
                scp.as_ref().map(|statements| {
                    json!({"Name": format!("Scp{level}"), "Target": SCP_TARGETS[level], "Policy": document(statements, false, true)})
                })
            })
            .collect();
        json!({
            "AccountId": ACCOUNT,
            "UserDetailList": [
                alice,
                {"UserName": "bob", "UserId": "AIDABOB", "Arn": "arn:aws:iam::111111111111:user/bob", "GroupList": ["devs"]},
            ],
            "GroupDetailList": [{
                "GroupName": "devs", "GroupId": "AGPADEVS", "Arn": "arn:aws:iam::111111111111:group/devs",
                "GroupPolicyList": [{"PolicyName": "Devs", "PolicyDocument": document(&self.devs, false, true)}],
            }],
            "RoleDetailList": [worker],
            "Policies": [{
                "PolicyName": "Boundary", "Arn": boundary_arn, "DefaultVersionId": "v1",
                "PolicyVersionList": [{"Document": document(&self.boundary, false, true), "VersionId": "v1", "IsDefaultVersion": true}],
            }],
            "ResourcePolicies": resource_policies,
            "ServiceControlPolicies": scps,
        })
    }

    fn model(&self) -> Model {
        let text = self.workspace().to_string();
        iamscope::io::load_bytes("generated.json", text.as_bytes())
            .expect("a generated account loads")
            .model
    }
}

#[derive(Debug, Clone)]
struct Req {
    principal: usize,
    action: usize,
    resource: usize,
    context: Vec<(&'static str, Vec<&'static str>)>,
}

const PRINCIPALS: [&str; 6] = [
    "root",
    "user/alice",
    "user/bob",
    "role/worker",
    "role/worker/s1",
    "arn:aws:iam::222222222222:user/ext",
];

impl Req {
    fn request(&self, world: &World) -> Request {
        let mut request = Request::new(
            PrincipalSpec::parse(PRINCIPALS[self.principal]).expect("a vocabulary principal"),
            ACTIONS[self.action],
            RESOURCES[self.resource],
            "2026-06-01T12:00:00Z".parse().expect("a timestamp"),
        );
        let mut context = Context::new();
        for (key, values) in &self.context {
            context.set(key, values.iter().map(|v| (*v).to_owned()).collect());
        }
        request.context = context;
        if let Some(session) = &world.session {
            let text = document(session, false, true).to_string();
            request.session_policies = vec![PolicyDocument::from_json_text(text)];
        }
        request
    }

    /// Policies that apply to this request, where a matching Deny must bite.
    fn applicable_slots(&self, world: &World) -> Vec<Slot> {
        let mut slots = vec![Slot::Scp(0), Slot::Scp(1), Slot::Scp(2)];
        match self.principal {
            1 => {
                slots.push(Slot::Alice);
                if world.boundary_on_alice {
                    slots.push(Slot::Boundary);
                }
            }
            2 => slots.push(Slot::Devs),
            3 | 4 => {
                slots.push(Slot::Worker);
                slots.push(Slot::Session);
                if world.boundary_on_worker {
                    slots.push(Slot::Boundary);
                }
            }
            _ => {}
        }
        // The other account's user is not governed by this account's SCPs.
        if self.principal == 5 {
            slots.retain(|s| !matches!(s, Slot::Scp(_)));
        }
        // sts:AssumeRole is governed by the role's trust policy alone.
        let assume = ACTIONS[self.action] == "sts:AssumeRole";
        match RESOURCES[self.resource] {
            ROLE if assume => slots.push(Slot::Trust),
            _ if assume => {}
            r if r.starts_with("arn:aws:s3:::photos") => slots.push(Slot::Bucket),
            QUEUE => slots.push(Slot::Queue),
            KEY => slots.push(Slot::Key),
            _ => {}
        }
        slots
    }
}

fn stmt() -> impl Strategy<Value = Stmt> {
    (
        any::<bool>(),
        prop::collection::vec(0..ACTION_PATTERNS.len(), 1..3),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..RESOURCE_PATTERNS.len(), 1..3),
        prop::bool::weighted(0.15),
        prop::option::weighted(0.4, 0..CONDITIONS),
        0..PRINCIPAL_ELEMENTS,
    )
        .prop_map(
            |(allow, actions, not_action, resources, not_resource, condition, principal)| Stmt {
                allow,
                actions,
                not_action,
                resources,
                not_resource,
                condition,
                principal,
            },
        )
}

fn statements() -> impl Strategy<Value = Vec<Stmt>> {
    prop::collection::vec(stmt(), 0..4)
}

fn maybe_statements() -> impl Strategy<Value = Option<Vec<Stmt>>> {
    prop::option::weighted(0.5, statements())
}

/// An SCP level: usually the full-access Allow plus a few random statements.
fn scp() -> impl Strategy<Value = Option<Vec<Stmt>>> {
    let full = everything(true);
    prop::option::weighted(
        0.5,
        (any::<bool>(), statements()).prop_map(move |(with_full, mut rest)| {
            if with_full {
                rest.insert(0, full.clone());
            }
            rest
        }),
    )
}

fn world() -> impl Strategy<Value = World> {
    (
        (statements(), any::<bool>(), statements(), statements()),
        (statements(), any::<bool>(), any::<bool>(), statements()),
        (maybe_statements(), maybe_statements(), maybe_statements()),
        ([scp(), scp(), scp()], maybe_statements()),
    )
        .prop_map(
            |(
                (alice, alice_tagged, devs, worker),
                (boundary, boundary_on_alice, boundary_on_worker, trust),
                (bucket, queue, key),
                (scps, session),
            )| World {
                alice,
                alice_tagged,
                devs,
                worker,
                boundary,
                boundary_on_alice,
                boundary_on_worker,
                trust,
                bucket,
                queue,
                key,
                scps,
                session,
            },
        )
}

/// A world where requests are often allowed: each policy that caps or must
/// allow gets an Allow of everything more often than not.
fn world_leaning_to_allow() -> impl Strategy<Value = World> {
    (world(), prop::collection::vec(prop::bool::weighted(0.6), 12)).prop_map(|(mut world, coins)| {
        let everything = everything(true);
        for (slot, coin) in ALL_SLOTS.iter().zip(coins) {
            if coin && let Some(policy) = world.policy_mut(*slot) {
                policy.insert(0, everything.clone());
            }
        }
        world
    })
}

fn context() -> impl Strategy<Value = Vec<(&'static str, Vec<&'static str>)>> {
    let choices: Vec<(&'static str, Vec<Vec<&'static str>>)> = vec![
        ("aws:SourceIp", vec![vec!["10.1.2.3"], vec!["192.0.2.1"]]),
        ("aws:MultiFactorAuthPresent", vec![vec!["true"], vec!["false"]]),
        ("aws:RequestTag/env", vec![vec!["prod"], vec!["dev"]]),
        ("aws:TagKeys", vec![vec!["env"], vec!["env", "owner"]]),
        ("s3:prefix", vec![vec!["alice/x"], vec!["bob/x"]]),
        ("s3:max-keys", vec![vec!["5"], vec!["50"]]),
    ];
    let per_key: Vec<_> = choices
        .into_iter()
        .map(|(key, values)| {
            prop::option::weighted(0.4, prop::sample::select(values)).prop_map(move |v| v.map(|v| (key, v)))
        })
        .collect();
    per_key.prop_map(|entries| entries.into_iter().flatten().collect())
}

fn req() -> impl Strategy<Value = Req> {
    (0..PRINCIPALS.len(), 0..ACTIONS.len(), 0..RESOURCES.len(), context()).prop_map(
        |(principal, action, resource, context)| Req {
            principal,
            action,
            resource,
            context,
        },
    )
}

fn decision(world: &World, req: &Req) -> Decision {
    let model = world.model();
    let request = req.request(world);
    let explained = eval::evaluate(&model, &request).expect("the principal resolves");
    let fast = eval::decide(&model, &request).expect("the principal resolves");
    assert_eq!(
        (fast.decision, fast.basis.code()),
        (explained.decision, explained.rule()),
        "the fast path disagrees for {request:?}"
    );
    explained.decision
}

/// An Allow or Deny of every action on every resource, with no condition,
/// naming everyone where a principal is needed: it matches any request.
fn everything(allow: bool) -> Stmt {
    Stmt {
        allow,
        actions: vec![
            ACTION_PATTERNS
                .iter()
                .position(|p| *p == "*")
                .expect("* is in the vocabulary"),
        ],
        not_action: false,
        resources: vec![0],
        not_resource: false,
        condition: None,
        principal: 0,
    }
}

/// Put `statement` into the policy at `slot` (at `position`, wrapped), making
/// the policy if it does not exist and `create` allows.
fn insert(world: &mut World, slot: Slot, statement: Stmt, position: usize, create: bool) -> bool {
    if world.policy_mut(slot).is_none() {
        if !create {
            return false;
        }
        match slot {
            Slot::Bucket => world.bucket = Some(Vec::new()),
            Slot::Queue => world.queue = Some(Vec::new()),
            Slot::Key => world.key = Some(Vec::new()),
            Slot::Scp(level) => world.scps[level] = Some(Vec::new()),
            Slot::Session => world.session = Some(Vec::new()),
            _ => unreachable!("identity policies always exist"),
        }
    }
    let policy = world.policy_mut(slot).expect("made above");
    let at = position % (policy.len() + 1);
    policy.insert(at, statement);
    true
}

const ALL_SLOTS: [Slot; 12] = [
    Slot::Alice,
    Slot::Devs,
    Slot::Worker,
    Slot::Boundary,
    Slot::Trust,
    Slot::Bucket,
    Slot::Queue,
    Slot::Key,
    Slot::Scp(0),
    Slot::Scp(1),
    Slot::Scp(2),
    Slot::Session,
];

proptest! {
    // Only requests that are allowed are of use to some properties: allow
    // more rejected inputs than the default before giving up.
    #![proptest_config(ProptestConfig { max_global_rejects: 20_000, ..ProptestConfig::default() })]

    /// A Deny that matches the request, in any policy that governs it, decides.
    #[test]
    fn a_matching_deny_anywhere_is_an_explicit_deny(
        mut world in world(),
        req in req(),
        pick in any::<prop::sample::Index>(),
        position in any::<usize>(),
    ) {
        let slots = req.applicable_slots(&world);
        prop_assume!(!slots.is_empty());
        let slot = slots[pick.index(slots.len())];
        insert(&mut world, slot, everything(false), position, true);
        prop_assert_eq!(decision(&world, &req), Decision::ExplicitDeny, "slot {:?}", slot);
    }

    /// Adding an Allow statement to any existing policy never turns an Allow
    /// into a denial.
    #[test]
    fn adding_an_allow_never_removes_access(
        mut world in world_leaning_to_allow(),
        req in req(),
        extra in stmt(),
        pick in any::<prop::sample::Index>(),
        position in any::<usize>(),
    ) {
        prop_assume!(decision(&world, &req) == Decision::Allow);
        let slot = ALL_SLOTS[pick.index(ALL_SLOTS.len())];
        let extra = Stmt { allow: true, ..extra };
        // A new key policy would replace the assumed default one, and a new
        // SCP level or session policy would add a cap: only existing ones grow.
        prop_assume!(insert(&mut world, slot, extra, position, false));
        prop_assert_eq!(decision(&world, &req), Decision::Allow, "slot {:?}", slot);
    }

    /// Adding a Deny statement anywhere never turns a denial into an Allow.
    #[test]
    fn adding_a_deny_never_grants(
        mut world in world(),
        req in req(),
        extra in stmt(),
        pick in any::<prop::sample::Index>(),
        position in any::<usize>(),
    ) {
        let before = decision(&world, &req);
        prop_assume!(before != Decision::Allow);
        let slot = ALL_SLOTS[pick.index(ALL_SLOTS.len())];
        insert(&mut world, slot, Stmt { allow: false, ..extra }, position, true);
        let after = decision(&world, &req);
        prop_assert_ne!(after, Decision::Allow, "slot {:?}", slot);
        if before == Decision::ExplicitDeny {
            prop_assert_eq!(after, Decision::ExplicitDeny);
        }
    }

    /// Whatever is allowed with a permissions boundary is allowed without it.
    #[test]
    fn a_permissions_boundary_never_widens(world in world_leaning_to_allow(), req in req()) {
        prop_assume!(world.boundary_on_alice || world.boundary_on_worker);
        let with = decision(&world, &req);
        let without = World { boundary_on_alice: false, boundary_on_worker: false, ..world.clone() };
        if with == Decision::Allow {
            prop_assert_eq!(decision(&without, &req), Decision::Allow);
        }
    }

    /// Whatever is allowed under SCPs is allowed without them.
    #[test]
    fn scps_never_widen(world in world_leaning_to_allow(), req in req()) {
        prop_assume!(world.has_scps());
        let with = decision(&world, &req);
        let without = World { scps: [None, None, None], ..world.clone() };
        if with == Decision::Allow {
            prop_assert_eq!(decision(&without, &req), Decision::Allow);
        }
    }

    /// The fast path gives the explained decision, rule and a deciding statement
    /// the explanation names.
    #[test]
    fn the_fast_path_agrees_with_the_explanation(world in world(), req in req()) {
        let model = world.model();
        let request = req.request(&world);
        let explained = eval::evaluate(&model, &request).expect("the principal resolves");
        let fast = eval::decide(&model, &request).expect("the principal resolves");
        prop_assert_eq!(fast.decision, explained.decision);
        prop_assert_eq!(fast.basis.code(), explained.rule());
        if let Some(info) = fast.deciding.and_then(|at| eval::explain::statement_info(&model, at)) {
            prop_assert!(
                explained.deciding.iter().any(|d| d.policy == info.policy && d.index == info.index),
                "fast path's deciding statement {} #{} is not among {:?}",
                info.policy,
                info.index,
                explained.deciding.iter().map(|d| (&d.policy, d.index)).collect::<Vec<_>>()
            );
        }
    }
}
