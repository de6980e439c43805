//! Privilege-escalation paths as first written: every principal analysed on
//! its own, each simulated change applied to a copy of the whole account.
//! Kept as the oracle the tests compare [`crate::analysis::escalation`] with.
//!
//! # The rules
//!
//! * An **administrator** is a principal the engine allows every IAM action
//!   on `*` ([`super::probe::AdminCheck`]); the root user always is. Only
//!   principals that are not administrators are searched.
//! * Every required permission is asked of the engine, as the attacker, on
//!   the pattern's target (the user, group, role or policy it acts on;
//!   `iam:PassRole` with `iam:PassedToService` naming the service; the
//!   `Attach…Policy` actions with `iam:PolicyARN` naming AdministratorAccess)
//!   or, for actions that create or use other resources, on any resource
//!   worth asking about ([`super::probe::ResourceHints`]).
//! * The gain is checked, not assumed. A pattern that changes IAM (a policy
//!   added to the attacker, its group or a role it uses; a new or another
//!   default policy version; joining a group; a rewritten trust policy) is
//!   applied to a copy of the account, and the engine is asked again: the
//!   pattern counts only if the attacker (or the role it uses) is then an
//!   administrator — so boundaries, SCPs and explicit denies still stop it.
//!   A pattern that takes over another principal (another user's
//!   credentials, a role passed to a service or used by an existing
//!   resource, a role assumed) counts only if that principal is an
//!   administrator.
//! * AWS managed policies cannot be given new versions and service-linked
//!   roles cannot be changed by the account, so neither is a target.
//! * What the export cannot show is stated as an assumption: whether a user
//!   has a console password (when no credential report says), and that an
//!   existing Lambda function, Glue endpoint, stack, notebook or instance
//!   runs as the role.
//! * Paths through roles: a principal that can reach an administrator role
//!   ([`super::reach`]) has the `assume-role-chain` path; one that can reach
//!   another role with a path of its own has that path too, shown after the
//!   hops that reach the role.

use std::rc::Rc;

use jiff::Timestamp;
use rustc_hash::FxHashMap;

use super::reach::{Graph, HopKind, Node, Tree, launch_steps, pass_steps};
pub use crate::analysis::escalation::{
    Attempt, Escalation, ExistingResource, Finding, MakesAdmin, PrincipalEscalation,
};
use crate::analysis::patterns::{GRANTS, GrantTarget, Login, On, PATTERNS, Pattern, Target};
use crate::analysis::probe::{Probe, Refusal, ResourceHints, Step};
use crate::eval::context::Requester;
use crate::eval::{Context, Decision, EvalError, PrincipalSpec};
use crate::model::{Account, AppliedPolicy, InlinePolicy, Model, PolicyVersion, PrincipalEntity};
use crate::policy::PolicyDocument;

const ADMIN_POLICY: &str =
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
const SIMULATED: &str = "iamscope-simulated-administrator";

/// Works out escalation paths, keeping what it learns (administrators,
/// reachable roles, each role's own paths) for the next principal.
pub struct Analyzer<'m> {
    graph: Graph<'m>,
    admins: FxHashMap<PrincipalSpec, bool>,
    user_admin: Vec<Option<bool>>,
    role_admin: Vec<Option<bool>>,
    /// Per service, the administrator roles it can assume (with the trust step).
    admin_trusting: FxHashMap<&'static str, Rc<Vec<(usize, Step)>>>,
    direct: FxHashMap<usize, Rc<Vec<Finding>>>,
}

impl<'m> Analyzer<'m> {
    pub fn new(model: &'m Model, context: &Context, now: Timestamp, max_depth: usize) -> Analyzer<'m> {
        Analyzer {
            graph: Graph::new(model, context, now, max_depth),
            admins: FxHashMap::default(),
            user_admin: vec![None; model.account().users.len()],
            role_admin: vec![None; model.account().roles.len()],
            admin_trusting: FxHashMap::default(),
            direct: FxHashMap::default(),
        }
    }

    fn model(&self) -> &'m Model {
        self.graph.model()
    }

    fn probe(&self, model: &'m Model, spec: &PrincipalSpec) -> Result<Probe<'m>, EvalError> {
        Ok(Probe::new(model, spec, self.graph.context(), self.graph.now())?.with_self_given_context())
    }

    /// Whether the engine allows `spec` every IAM action on `*`.
    pub fn is_admin(&mut self, spec: &PrincipalSpec) -> bool {
        let index = self.model().index();
        match spec {
            PrincipalSpec::Root => return true,
            PrincipalSpec::User(name) => {
                if let Some(u) = index.user(name) {
                    return self.admin_user(u);
                }
            }
            PrincipalSpec::Role { name, session: None } => {
                if let Some(r) = index.role(name) {
                    return self.admin_role(r);
                }
            }
            _ => {}
        }
        if let Some(&known) = self.admins.get(spec) {
            return known;
        }
        let admin = self.ask_admin(spec);
        self.admins.insert(spec.clone(), admin);
        admin
    }

    fn ask_admin(&self, spec: &PrincipalSpec) -> bool {
        self.probe(self.model(), spec).is_ok_and(|mut p| p.admin_check().admin)
    }

    fn role_spec(&self, r: usize) -> PrincipalSpec {
        PrincipalSpec::Role {
            name: self.model().account().roles[r].name.clone(),
            session: None,
        }
    }

    fn admin_role(&mut self, r: usize) -> bool {
        if let Some(known) = self.role_admin[r] {
            return known;
        }
        let admin = self.ask_admin(&self.role_spec(r));
        self.role_admin[r] = Some(admin);
        admin
    }

    fn admin_user(&mut self, u: usize) -> bool {
        if let Some(known) = self.user_admin[u] {
            return known;
        }
        let admin = self.ask_admin(&PrincipalSpec::User(self.model().account().users[u].name.clone()));
        self.user_admin[u] = Some(admin);
        admin
    }

    /// The administrator roles `service` can assume, each with the step that allows it.
    fn admin_trusting(&mut self, service: &'static str) -> Rc<Vec<(usize, Step)>> {
        if let Some(found) = self.admin_trusting.get(service) {
            return Rc::clone(found);
        }
        let trusting = self.graph.roles_trusting(service);
        let found: Rc<Vec<(usize, Step)>> =
            Rc::new(trusting.iter().filter(|(r, _)| self.admin_role(*r)).cloned().collect());
        self.admin_trusting.insert(service, Rc::clone(&found));
        found
    }

    /// Every path of every pattern for `spec`, with paths through the roles it can reach.
    pub fn principal(&mut self, spec: &PrincipalSpec) -> Result<PrincipalEscalation, EvalError> {
        let mut probe = self.probe(self.model(), spec)?;
        let arn = probe.arn();
        // An administrator in a request of its own (an MFA session) has nothing to gain.
        if self.is_admin(spec) || probe.admin_in_own_session().is_some() {
            return Ok(PrincipalEscalation {
                principal: spec.to_string(),
                arn,
                admin: true,
                findings: Vec::new(),
                certain: 0,
                conditional: 0,
                makes_others_admins: Vec::new(),
            });
        }
        let mut findings = self.direct_findings(spec)?;
        let start = self.graph.node_for(spec)?;
        let tree = self.graph.search(&start);
        for (at, entry) in tree.entries().iter().enumerate() {
            if !entry.first
                || !matches!(entry.node, Node::Role(_))
                || self.admin_role(entry.role)
                || self.passes_an_admin(&tree, at)
            {
                continue;
            }
            let role_findings = self.role_findings(entry.role)?;
            for finding in role_findings.iter() {
                if finding.pattern == "assume-role-chain"
                    || findings
                        .iter()
                        .any(|f| f.pattern == finding.pattern && f.target == finding.target)
                {
                    continue;
                }
                let mut chained = finding.clone();
                let mut via = tree.hops(at);
                via.append(&mut chained.via);
                chained.via = via;
                findings.push(chained);
            }
        }
        let makes_others_admins = self.makes_others_admins(spec)?;
        Ok(PrincipalEscalation {
            principal: spec.to_string(),
            arn,
            admin: false,
            findings,
            certain: 0,
            conditional: 0,
            makes_others_admins,
        })
    }

    /// Every grant of [`GRANTS`] on every other user, group (with a member
    /// other than `spec`), role and customer managed policy (attached to
    /// another principal), asked of the engine; each gain checked on the
    /// whole account with the change applied, for every principal it touches.
    fn makes_others_admins(&mut self, spec: &PrincipalSpec) -> Result<Vec<MakesAdmin>, EvalError> {
        let model = self.model();
        let a = model.account();
        let mut probe = self.probe(model, spec)?;
        let hints = ResourceHints::of(model, probe.requester());
        let me = Attacker::of(model, &probe);
        let is_me = |e: PrincipalEntity| match e {
            PrincipalEntity::User(u) => me.user == Some(u),
            PrincipalEntity::Role(r) => me.role == Some(r),
        };
        let mut out = Vec::new();
        for grant in GRANTS {
            let extra = if grant.attach {
                vec![("iam:PolicyARN", administrator_access(model))]
            } else {
                Vec::new()
            };
            // (label, ARN, change, the principals it touches)
            let mut targets: Vec<(String, String, Change, Vec<PrincipalEntity>)> = Vec::new();
            match grant.target {
                GrantTarget::User => {
                    for (u, user) in a.users.iter().enumerate() {
                        targets.push((
                            format!("user/{}", user.name),
                            user.arn.to_string(),
                            Change::UserPolicy(u),
                            vec![PrincipalEntity::User(u)],
                        ));
                    }
                }
                GrantTarget::Group => {
                    for (g, group) in a.groups.iter().enumerate() {
                        let members = (0..a.users.len())
                            .filter(|&u| a.users[u].groups.contains(&group.name))
                            .map(PrincipalEntity::User)
                            .collect();
                        targets.push((
                            format!("group/{}", group.name),
                            group.arn.to_string(),
                            Change::GroupPolicy(g),
                            members,
                        ));
                    }
                }
                GrantTarget::Role => {
                    for (r, role) in a.roles.iter().enumerate() {
                        if !role.is_service_linked() {
                            targets.push((
                                format!("role/{}", role.name),
                                role.arn.to_string(),
                                Change::RolePolicy(r),
                                vec![PrincipalEntity::Role(r)],
                            ));
                        }
                    }
                }
                GrantTarget::Policy => {
                    for (p, policy) in a.policies.iter().enumerate() {
                        if policy.is_aws_managed() {
                            continue;
                        }
                        let arn = policy.arn.to_string();
                        let attached = |list: &[crate::model::AttachedPolicy]| list.iter().any(|x| x.arn == arn);
                        let mut subjects: Vec<PrincipalEntity> = Vec::new();
                        for (u, user) in a.users.iter().enumerate() {
                            let via_group = a
                                .groups
                                .iter()
                                .any(|g| user.groups.contains(&g.name) && attached(&g.attached_policies));
                            if attached(&user.attached_policies) || via_group {
                                subjects.push(PrincipalEntity::User(u));
                            }
                        }
                        for (r, role) in a.roles.iter().enumerate() {
                            if attached(&role.attached_policies) {
                                subjects.push(PrincipalEntity::Role(r));
                            }
                        }
                        targets.push((arn.clone(), arn, Change::NewVersion(p), subjects));
                    }
                }
            }
            for (label, arn, change, subjects) in targets {
                let others: Vec<PrincipalEntity> = subjects.into_iter().filter(|e| !is_me(*e)).collect();
                if others.is_empty() {
                    continue;
                }
                let Ok(step) = probe.need(&hints, &[grant.action], Some(&arn), &extra) else {
                    continue;
                };
                let simulated = change.apply(model);
                let described = change.describe(a);
                let mut administrators = Vec::new();
                let mut witness = None;
                for subject in others {
                    let (spec, already) = match subject {
                        PrincipalEntity::User(u) => (PrincipalSpec::User(a.users[u].name.clone()), self.admin_user(u)),
                        PrincipalEntity::Role(r) => (self.role_spec(r), self.admin_role(r)),
                    };
                    if already {
                        continue;
                    }
                    let Ok(mut after) = Probe::new(&simulated, &spec, self.graph.context(), self.graph.now()) else {
                        continue;
                    };
                    let check = after.admin_check();
                    if let (true, Some((action, outcome))) = (check.admin, check.witness) {
                        administrators.push(spec.to_string());
                        if witness.is_none() {
                            let mut shown = after.step(&action, "*", &[], outcome);
                            shown.action = "iam:*".to_owned();
                            shown.note = Some(format!(
                                "simulated: after {described}, every IAM action is allowed on * (first checked: {action})"
                            ));
                            witness = Some(shown);
                        }
                    }
                }
                let Some(witness) = witness else {
                    continue;
                };
                out.push(MakesAdmin {
                    grant: grant.id,
                    name: grant.name,
                    target: label,
                    administrators,
                    needs: step.needs.clone(),
                    assumptions: step.assumptions.clone(),
                    steps: vec![step, witness],
                });
            }
        }
        Ok(out)
    }

    /// Whether the path to entry `at` goes through an administrator role
    /// before its end (the attacker would be an administrator there already).
    fn passes_an_admin(&mut self, tree: &Tree, at: usize) -> bool {
        let before: Vec<usize> = tree.roles_before(at).collect();
        before.into_iter().any(|r| self.admin_role(r))
    }

    fn role_findings(&mut self, r: usize) -> Result<Rc<Vec<Finding>>, EvalError> {
        if let Some(found) = self.direct.get(&r) {
            return Ok(Rc::clone(found));
        }
        let spec = self.role_spec(r);
        let found = Rc::new(self.direct_findings(&spec)?);
        self.direct.insert(r, Rc::clone(&found));
        Ok(found)
    }

    fn direct_findings(&mut self, spec: &PrincipalSpec) -> Result<Vec<Finding>, EvalError> {
        let model = self.model();
        let mut probe = self.probe(model, spec)?;
        let hints = ResourceHints::of(model, probe.requester());
        let mut findings = Vec::new();
        for pattern in PATTERNS {
            findings.extend(self.check_with(&mut probe, &hints, pattern)?.findings);
        }
        Ok(findings)
    }

    /// One pattern for one principal (as itself, not through other roles).
    pub fn check(&mut self, spec: &PrincipalSpec, pattern: &'static Pattern) -> Result<Attempt, EvalError> {
        let model = self.model();
        let mut probe = self.probe(model, spec)?;
        let hints = ResourceHints::of(model, probe.requester());
        self.check_with(&mut probe, &hints, pattern)
    }

    fn check_with(
        &mut self,
        probe: &mut Probe<'m>,
        hints: &ResourceHints,
        pattern: &'static Pattern,
    ) -> Result<Attempt, EvalError> {
        let model = self.model();
        let mut attempt = Attempt::default();
        // Patterns that take over a role a service uses: without such a role
        // there is nothing to ask.
        let services_roles = match pattern.target {
            Target::PassRoleTo { service, .. } | Target::ExistingResourceRole { service, .. } => {
                let roles = self.admin_trusting(service);
                if roles.is_empty() {
                    attempt.refusals.push(format!("no administrator role trusts {service}"));
                    return Ok(attempt);
                }
                roles
            }
            _ => Rc::default(),
        };
        let launch = match launch_steps(probe, hints, pattern) {
            Ok(steps) => steps,
            Err(refusal) => {
                attempt.refusals.push(format!("needs {}", refusal.describe()));
                return Ok(attempt);
            }
        };
        let attacker = Attacker::of(model, probe);
        match pattern.target {
            Target::OwnPolicyNewVersion | Target::OwnPolicyOtherVersion => {
                self.own_policies(probe, hints, &attacker, pattern, &mut attempt)
            }
            Target::SelfUser { attach } => match attacker.user {
                Some(u) => {
                    let target = Change::UserPolicy(u);
                    let label = format!("user/{}", model.account().users[u].name);
                    self.self_change(probe, hints, pattern, &label, target, attach, &mut attempt);
                }
                None => attempt.refusals.push("applies to IAM users only".to_owned()),
            },
            Target::OwnGroup { attach } => match attacker.user {
                Some(u) => {
                    let groups = model.index().groups_of(u).to_vec();
                    if groups.is_empty() {
                        attempt.refusals.push("the user is in no group".to_owned());
                    }
                    for g in groups {
                        let label = format!("group/{}", model.account().groups[g].name);
                        self.self_change(
                            probe,
                            hints,
                            pattern,
                            &label,
                            Change::GroupPolicy(g),
                            attach,
                            &mut attempt,
                        );
                    }
                }
                None => attempt.refusals.push("applies to IAM users only".to_owned()),
            },
            Target::ReachableRole { attach } => self.reachable_roles(probe, hints, pattern, attach, &mut attempt)?,
            Target::GroupToJoin => match attacker.user {
                Some(u) => {
                    let mine = model.index().groups_of(u).to_vec();
                    for g in 0..model.account().groups.len() {
                        if mine.contains(&g) {
                            continue;
                        }
                        let label = format!("group/{}", model.account().groups[g].name);
                        self.self_change(probe, hints, pattern, &label, Change::Join(u, g), false, &mut attempt);
                    }
                    if attempt.findings.is_empty() && attempt.refusals.is_empty() {
                        attempt.refusals.push("there is no other group to join".to_owned());
                    }
                }
                None => attempt.refusals.push("applies to IAM users only".to_owned()),
            },
            Target::AdminUser { login } => self.admin_users(probe, hints, &attacker, pattern, login, &mut attempt),
            Target::AdminRoleTrust => self.trust_rewrite(probe, hints, &attacker, pattern, &mut attempt),
            Target::PassRoleTo {
                service,
                instance_profile,
            } => {
                for (r, trust) in services_roles.iter() {
                    let role = &model.account().roles[*r];
                    match pass_steps(probe, hints, *r, service, instance_profile) {
                        Ok(pass) => {
                            let mut steps = launch.clone();
                            steps.extend(pass);
                            steps.push(trust.clone());
                            attempt.findings.push(finding(
                                pattern,
                                format!("role/{}", role.name),
                                format!("{}; role/{} is an administrator", pattern.gain, role.name),
                                steps,
                            ));
                        }
                        Err(refusal) => {
                            attempt
                                .refusals
                                .push(format!("role/{}: needs {}", role.name, refusal.describe()))
                        }
                    }
                }
            }
            Target::ExistingResourceRole {
                service,
                instance_profile,
                resource,
            } => {
                for (r, trust) in services_roles.iter() {
                    let role = &model.account().roles[*r];
                    if instance_profile && role.instance_profiles.is_empty() {
                        continue;
                    }
                    let mut steps = launch.clone();
                    steps.push(trust.clone());
                    let mut found = finding(
                        pattern,
                        format!("role/{}", role.name),
                        format!("{}; role/{} is an administrator", pattern.gain, role.name),
                        steps,
                    );
                    let assumption = format!(
                        "an existing {resource} runs as role/{} (IAM exports do not show such resources; an inventory settles it: `collect` gathers one into the workspace, or give --inventory)",
                        role.name
                    );
                    found.assumptions.push(assumption.clone());
                    found.existing = Some(ExistingResource {
                        resource,
                        role: *r,
                        assumption,
                    });
                    attempt.findings.push(found);
                }
                if attempt.findings.is_empty() {
                    attempt.refusals.push(format!(
                        "no administrator role trusts {service}{}",
                        if instance_profile {
                            " from an instance profile"
                        } else {
                            ""
                        }
                    ));
                }
            }
            Target::AssumeRoleChain => {
                let start = self.graph.node_for(probe.spec())?;
                let tree = self.graph.search(&start);
                for (at, entry) in tree.entries().iter().enumerate() {
                    // One hop through a service is the pass-role pattern's own finding.
                    let first_hop = entry.edges_hop();
                    if !entry.first
                        || (entry.is_root() && matches!(first_hop.how, HopKind::ViaService { .. }))
                        || !self.admin_role(entry.role)
                        || self.passes_an_admin(&tree, at)
                    {
                        continue;
                    }
                    let name = &model.account().roles[entry.role].name;
                    let mut found = finding(
                        pattern,
                        format!("role/{name}"),
                        format!("{}; role/{name} is an administrator", pattern.gain),
                        Vec::new(),
                    );
                    found.via = tree.hops(at);
                    attempt.findings.push(found);
                }
                if attempt.findings.is_empty() {
                    attempt
                        .refusals
                        .push("reaches no administrator role by assuming roles".to_owned());
                }
            }
        }
        Ok(attempt)
    }

    /// Customer managed policies that apply to the attacker: a new default
    /// version, or another stored version made the default.
    fn own_policies(
        &mut self,
        probe: &mut Probe<'m>,
        hints: &ResourceHints,
        attacker: &Attacker,
        pattern: &'static Pattern,
        attempt: &mut Attempt,
    ) {
        let model = self.model();
        let policies: Vec<usize> = attacker
            .managed_policies(model)
            .into_iter()
            .filter(|&p| !model.account().policies[p].is_aws_managed())
            .collect();
        if policies.is_empty() {
            attempt
                .refusals
                .push("no customer managed policy applies to it (AWS managed policies cannot be changed)".to_owned());
        }
        for p in policies {
            let policy = &model.account().policies[p];
            let arn = policy.arn.to_string();
            let label = format!("policy {}", policy.name);
            let changes: Vec<Change> = match pattern.target {
                Target::OwnPolicyNewVersion => vec![Change::NewVersion(p)],
                _ => policy
                    .versions
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| {
                        !v.is_default && Some(v.id.as_str()) != policy.default_version().map(|d| d.id.as_str())
                    })
                    .map(|(i, _)| Change::OtherVersion(p, i))
                    .collect(),
            };
            if changes.is_empty() {
                attempt.refusals.push(format!(
                    "{label}: the export holds no other version of it ({} stored)",
                    policy.versions.len()
                ));
                continue;
            }
            let steps = match target_steps(probe, hints, pattern, &arn, &[]) {
                Ok(steps) => steps,
                Err(refusal) => {
                    attempt.refusals.push(format!("{label}: needs {}", refusal.describe()));
                    continue;
                }
            };
            for change in changes {
                self.judge_self_change(probe, pattern, &label, change, steps.clone(), attempt);
            }
        }
    }

    /// A change the attacker makes to a user, group or its own role.
    #[allow(clippy::too_many_arguments)]
    fn self_change(
        &mut self,
        probe: &mut Probe<'m>,
        hints: &ResourceHints,
        pattern: &'static Pattern,
        label: &str,
        change: Change,
        attach: bool,
        attempt: &mut Attempt,
    ) {
        let model = self.model();
        let arn = change.target_arn(model.account());
        let extra = if attach {
            vec![("iam:PolicyARN", administrator_access(model))]
        } else {
            Vec::new()
        };
        match target_steps(probe, hints, pattern, &arn, &extra) {
            Ok(steps) => self.judge_self_change(probe, pattern, label, change, steps, attempt),
            Err(refusal) => attempt.refusals.push(format!("{label}: needs {}", refusal.describe())),
        }
    }

    /// Apply `change` to a copy of the account; a finding if the attacker is
    /// then an administrator.
    #[allow(clippy::too_many_arguments)]
    fn judge_self_change(
        &mut self,
        probe: &Probe<'m>,
        pattern: &'static Pattern,
        label: &str,
        change: Change,
        mut steps: Vec<Step>,
        attempt: &mut Attempt,
    ) {
        let simulated = change.apply(self.model());
        let Ok(mut after) = Probe::new(&simulated, probe.spec(), self.graph.context(), self.graph.now()) else {
            return;
        };
        let check = after.admin_check();
        let described = change.describe(self.model().account());
        match (check.admin, check.witness) {
            (true, Some((action, outcome))) => {
                let mut step = after.step(&action, "*", &[], outcome);
                step.action = "iam:*".to_owned();
                step.note = Some(format!(
                    "simulated: after {described}, every IAM action is allowed on * (first checked: {action})"
                ));
                steps.push(step);
                attempt.findings.push(finding(
                    pattern,
                    label.to_owned(),
                    format!("{}; {} then is an administrator", pattern.gain, probe.spec()),
                    steps,
                ));
            }
            (_, witness) => attempt.refusals.push(format!(
                "{label}: after {described} it is still no administrator{}",
                witness
                    .map(|(action, o)| format!(" ({action} on *: {}, {})", o.decision.as_str(), o.basis.code()))
                    .unwrap_or_default()
            )),
        }
    }

    /// The attacker's own role and the roles it can reach: a policy added.
    fn reachable_roles(
        &mut self,
        probe: &mut Probe<'m>,
        hints: &ResourceHints,
        pattern: &'static Pattern,
        attach: bool,
        attempt: &mut Attempt,
    ) -> Result<(), EvalError> {
        let model = self.model();
        let own = match probe.requester() {
            Requester::RoleSession { index, .. } => Some(*index),
            Requester::WebIdentity(identity) => {
                let arn = if identity.authenticated {
                    &identity.pool.authenticated_role
                } else {
                    &identity.pool.unauthenticated_role
                };
                match arn.as_deref().and_then(|a| model.index().principal_by_arn(a)) {
                    Some(PrincipalEntity::Role(r)) => Some(r),
                    _ => None,
                }
            }
            _ => None,
        };
        // The role, and the entry of the search tree that reaches it (none for its own).
        let mut roles: Vec<(usize, Option<usize>)> = own.map(|r| (r, None)).into_iter().collect();
        let start = self.graph.node_for(probe.spec())?;
        let tree = self.graph.search(&start);
        for (at, entry) in tree.entries().iter().enumerate() {
            if entry.first && matches!(entry.node, Node::Role(_)) && Some(entry.role) != own {
                roles.push((entry.role, Some(at)));
            }
        }
        if roles.is_empty() {
            attempt.refusals.push("it is no role and can reach no role".to_owned());
        }
        let extra = if attach {
            vec![("iam:PolicyARN", administrator_access(model))]
        } else {
            Vec::new()
        };
        for (r, at) in roles {
            let role = &model.account().roles[r];
            let label = format!("role/{}", role.name);
            if role.is_service_linked() {
                attempt
                    .refusals
                    .push(format!("{label}: a service-linked role cannot be changed"));
                continue;
            }
            let arn = role.arn.to_string();
            let steps = match target_steps(probe, hints, pattern, &arn, &extra) {
                Ok(steps) => steps,
                Err(refusal) => {
                    attempt.refusals.push(format!("{label}: needs {}", refusal.describe()));
                    continue;
                }
            };
            if Some(r) == own {
                self.judge_self_change(probe, pattern, &label, Change::RolePolicy(r), steps, attempt);
                continue;
            }
            // Another role: it must become an administrator.
            let simulated = Change::RolePolicy(r).apply(model);
            let spec = self.role_spec(r);
            let Ok(mut after) = Probe::new(&simulated, &spec, self.graph.context(), self.graph.now()) else {
                continue;
            };
            let check = after.admin_check();
            if let (true, Some((action, outcome))) = (check.admin, check.witness) {
                let mut all = steps;
                let mut step = after.step(&action, "*", &[], outcome);
                step.action = "iam:*".to_owned();
                step.note = Some(format!(
                    "simulated: after a policy allowing everything is added to {label}, it is allowed every IAM action on *"
                ));
                all.push(step);
                let mut found = finding(
                    pattern,
                    label.clone(),
                    format!("{}; {label} then is an administrator", pattern.gain),
                    all,
                );
                found.via = at.map(|at| tree.hops(at)).unwrap_or_default();
                attempt.findings.push(found);
            } else {
                attempt.refusals.push(format!(
                    "{label}: it would still be no administrator with a policy allowing everything"
                ));
            }
        }
        Ok(())
    }

    /// Another user who is an administrator.
    fn admin_users(
        &mut self,
        probe: &mut Probe<'m>,
        hints: &ResourceHints,
        attacker: &Attacker,
        pattern: &'static Pattern,
        login: Login,
        attempt: &mut Attempt,
    ) {
        let model = self.model();
        let mut any = false;
        for (u, user) in model.account().users.iter().enumerate() {
            if Some(u) == attacker.user || !self.admin_user(u) {
                continue;
            }
            any = true;
            let label = format!("user/{}", user.name);
            let mut assumptions = Vec::new();
            let password = user.credentials.as_ref().map(|c| c.password.is_some());
            match (login, password) {
                (Login::NoPassword, Some(true)) => {
                    attempt
                        .refusals
                        .push(format!("{label}: has a console password already"));
                    continue;
                }
                (Login::HasPassword, Some(false)) => {
                    attempt.refusals.push(format!("{label}: has no console password"));
                    continue;
                }
                (Login::NoPassword | Login::HasPassword, None) => assumptions.push(format!(
                    "{label} {} a console password (the export does not say)",
                    if login == Login::NoPassword { "has no" } else { "has" }
                )),
                _ => {}
            }
            if pattern.id == "create-access-key" && user.credentials.as_ref().is_some_and(|c| c.access_keys.len() >= 2)
            {
                attempt
                    .refusals
                    .push(format!("{label}: has two access keys already, the most IAM allows"));
                continue;
            }
            match target_steps(probe, hints, pattern, user.arn.as_ref(), &[]) {
                Ok(steps) => {
                    let mut found = finding(
                        pattern,
                        label.clone(),
                        format!("{}; {label} is an administrator", pattern.gain),
                        steps,
                    );
                    found.assumptions.extend(assumptions);
                    attempt.findings.push(found);
                }
                Err(refusal) => attempt.refusals.push(format!("{label}: needs {}", refusal.describe())),
            }
        }
        if !any {
            attempt.refusals.push("no other user is an administrator".to_owned());
        }
    }

    /// An administrator role whose trust policy the attacker rewrites.
    fn trust_rewrite(
        &mut self,
        probe: &mut Probe<'m>,
        hints: &ResourceHints,
        attacker: &Attacker,
        pattern: &'static Pattern,
        attempt: &mut Attempt,
    ) {
        let model = self.model();
        let Some(attacker_arn) = attacker.arn.clone() else {
            attempt
                .refusals
                .push("it has no ARN a trust policy could name".to_owned());
            return;
        };
        let mut any = false;
        for (r, role) in model.account().roles.iter().enumerate() {
            if role.is_service_linked() || !self.admin_role(r) {
                continue;
            }
            any = true;
            let label = format!("role/{}", role.name);
            let arn = role.arn.to_string();
            let mut steps = match target_steps(probe, hints, pattern, &arn, &[]) {
                Ok(steps) => steps,
                Err(refusal) => {
                    attempt.refusals.push(format!("{label}: needs {}", refusal.describe()));
                    continue;
                }
            };
            let change = Change::Trust(r, attacker_arn.clone());
            let simulated = change.apply(model);
            let Ok(mut after) = Probe::new(&simulated, probe.spec(), self.graph.context(), self.graph.now()) else {
                continue;
            };
            let outcome = after.decide("sts:AssumeRole", &arn);
            let mut step = after.step("sts:AssumeRole", &arn, &[], outcome);
            step.note = Some(format!("simulated: after {}", change.describe(model.account())));
            if outcome.decision == Decision::Allow {
                steps.push(step);
                attempt.findings.push(finding(
                    pattern,
                    label.clone(),
                    format!("{}; {label} is an administrator", pattern.gain),
                    steps,
                ));
            } else {
                attempt
                    .refusals
                    .push(format!("{label}: even then, {}", step.describe()));
            }
        }
        if !any {
            attempt
                .refusals
                .push("no administrator role can have its trust policy changed".to_owned());
        }
    }
}

fn finding(pattern: &'static Pattern, target: String, gain: String, steps: Vec<Step>) -> Finding {
    // What the steps need of the attacker's own requests, each once, in order.
    let mut needs: Vec<String> = steps.iter().flat_map(|s| s.needs.clone()).collect();
    let mut assumptions: Vec<String> = steps.iter().flat_map(|s| s.assumptions.clone()).collect();
    for list in [&mut needs, &mut assumptions] {
        let mut seen = Vec::new();
        list.retain(|x| {
            let new = !seen.contains(x);
            seen.push(x.clone());
            new
        });
    }
    Finding {
        pattern: pattern.id,
        name: pattern.name,
        known_as: pattern.known_as,
        target,
        gain,
        via: Vec::new(),
        steps,
        needs,
        certain: assumptions.is_empty(),
        assumptions,
        inventory: Vec::new(),
        existing: None,
    }
}

/// The pattern's needs on its target, or the first refusal.
fn target_steps(
    probe: &mut Probe<'_>,
    hints: &ResourceHints,
    pattern: &Pattern,
    target_arn: &str,
    extra: &[(&str, String)],
) -> Result<Vec<Step>, Refusal> {
    pattern
        .needs
        .iter()
        .filter(|n| n.on == On::Target)
        .map(|n| probe.need(hints, n.any_of, Some(target_arn), extra))
        .collect()
}

fn administrator_access(model: &Model) -> String {
    format!("arn:{}:iam::aws:policy/AdministratorAccess", model.account().partition)
}

/// The attacker as the patterns see it.
struct Attacker {
    user: Option<usize>,
    role: Option<usize>,
    /// The ARN a trust policy would name (a pool identity's is its role's).
    arn: Option<String>,
}

impl Attacker {
    fn of(model: &Model, probe: &Probe<'_>) -> Attacker {
        match probe.requester() {
            Requester::User { index, user } => Attacker {
                user: Some(*index),
                role: None,
                arn: Some(user.arn.to_string()),
            },
            Requester::RoleSession { index, role, .. } => Attacker {
                user: None,
                role: Some(*index),
                arn: Some(role.arn.to_string()),
            },
            Requester::WebIdentity(identity) => {
                let arn = if identity.authenticated {
                    identity.pool.authenticated_role.clone()
                } else {
                    identity.pool.unauthenticated_role.clone()
                };
                let role = match arn.as_deref().and_then(|a| model.index().principal_by_arn(a)) {
                    Some(PrincipalEntity::Role(r)) => Some(r),
                    _ => None,
                };
                Attacker { user: None, role, arn }
            }
            _ => Attacker {
                user: None,
                role: None,
                arn: probe.arn(),
            },
        }
    }

    /// Managed policies that apply to it (its groups' included), not boundaries.
    fn managed_policies(&self, model: &Model) -> Vec<usize> {
        let applied = match (self.user, self.role) {
            (Some(u), _) => model.index().user_policies(u),
            (None, Some(r)) => model.index().role_policies(r),
            _ => &[],
        };
        let mut out = Vec::new();
        for a in applied {
            if let AppliedPolicy::OwnManaged { policy } | AppliedPolicy::GroupManaged { policy, .. } = *a
                && !out.contains(&policy)
            {
                out.push(policy);
            }
        }
        out
    }
}

/// A change to IAM a pattern makes, applied to a copy of the account.
#[derive(Debug, Clone)]
enum Change {
    UserPolicy(usize),
    GroupPolicy(usize),
    RolePolicy(usize),
    NewVersion(usize),
    OtherVersion(usize, usize),
    Join(usize, usize),
    Trust(usize, String),
}

impl Change {
    fn target_arn(&self, a: &Account) -> String {
        match self {
            Change::UserPolicy(u) => a.users[*u].arn.to_string(),
            Change::GroupPolicy(g) | Change::Join(_, g) => a.groups[*g].arn.to_string(),
            Change::RolePolicy(r) | Change::Trust(r, _) => a.roles[*r].arn.to_string(),
            Change::NewVersion(p) | Change::OtherVersion(p, _) => a.policies[*p].arn.to_string(),
        }
    }

    fn describe(&self, a: &Account) -> String {
        match self {
            Change::UserPolicy(u) => format!("a policy allowing everything is added to user/{}", a.users[*u].name),
            Change::GroupPolicy(g) => format!("a policy allowing everything is added to group/{}", a.groups[*g].name),
            Change::RolePolicy(r) => format!("a policy allowing everything is added to role/{}", a.roles[*r].name),
            Change::NewVersion(p) => format!(
                "a new default version of policy {} allows everything",
                a.policies[*p].name
            ),
            Change::OtherVersion(p, v) => format!(
                "version {} of policy {} becomes the default",
                a.policies[*p].versions[*v].id, a.policies[*p].name
            ),
            Change::Join(u, g) => format!("user/{} joins group/{}", a.users[*u].name, a.groups[*g].name),
            Change::Trust(r, arn) => format!(
                "the trust policy of role/{} is rewritten to trust {arn}",
                a.roles[*r].name
            ),
        }
    }

    fn apply(&self, model: &Model) -> Model {
        let mut a = model.account().clone();
        let admin = || InlinePolicy {
            name: SIMULATED.to_owned(),
            document: PolicyDocument::from_authored_text(ADMIN_POLICY),
        };
        match self {
            Change::UserPolicy(u) => a.users[*u].inline_policies.push(admin()),
            Change::GroupPolicy(g) => a.groups[*g].inline_policies.push(admin()),
            Change::RolePolicy(r) => a.roles[*r].inline_policies.push(admin()),
            Change::NewVersion(p) => {
                let policy = &mut a.policies[*p];
                for v in &mut policy.versions {
                    v.is_default = false;
                }
                policy.default_version_id = SIMULATED.to_owned();
                policy.versions.push(PolicyVersion {
                    id: SIMULATED.to_owned(),
                    is_default: true,
                    created: None,
                    document: PolicyDocument::from_authored_text(ADMIN_POLICY),
                });
            }
            Change::OtherVersion(p, index) => {
                let policy = &mut a.policies[*p];
                for (i, v) in policy.versions.iter_mut().enumerate() {
                    v.is_default = i == *index;
                }
                policy.default_version_id = policy.versions[*index].id.clone();
            }
            Change::Join(u, g) => {
                let name = a.groups[*g].name.clone();
                a.users[*u].groups.push(name);
            }
            Change::Trust(r, arn) => {
                let text = serde_json::json!({
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Sid": "SimulatedByIamscope",
                        "Effect": "Allow",
                        "Principal": {"AWS": arn},
                        "Action": "sts:AssumeRole"
                    }]
                });
                a.roles[*r].trust_policy = Some(PolicyDocument::from_value(&text));
            }
        }
        Model::new(a)
    }
}

/// Escalation paths of one principal, or of every principal but the root user.
pub fn escalation(
    model: &Model,
    principal: Option<&PrincipalSpec>,
    context: &Context,
    now: Timestamp,
    max_depth: usize,
) -> Result<Escalation, EvalError> {
    let mut analyzer = Analyzer::new(model, context, now, max_depth);
    let specs: Vec<PrincipalSpec> = match principal {
        Some(spec) => vec![spec.clone()],
        None => crate::analysis::who_can::principals(model)
            .into_iter()
            .filter(|p| *p != PrincipalSpec::Root)
            .collect(),
    };
    let mut result = Escalation {
        patterns: PATTERNS.len(),
        evaluated: specs.len(),
        admins: Vec::new(),
        principals: Vec::new(),
        certain: 0,
        conditional: 0,
        make_others_admins: 0,
    };
    for spec in &specs {
        let mut report = analyzer.principal(spec)?;
        report.settle(model, None, false);
        if report.admin {
            result.admins.push(report.principal.clone());
        }
        if principal.is_some() || !report.findings.is_empty() || !report.makes_others_admins.is_empty() {
            result.principals.push(report);
        }
    }
    result.count();
    Ok(result)
}
