//! Privilege-escalation paths: for each principal that is not an
//! administrator, the published patterns ([`super::patterns::PATTERNS`])
//! that would make it one, each explained step by step with the engine's
//! deciding statements.
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
//! * A permission the plain request is refused may be allowed in a request
//!   the attacker shapes itself ([`super::self_context`]: temporary
//!   credentials of its own, MFA, source IP, region, request tags); the step
//!   and the finding say what it needs.
//! * A path with no assumption left is **certain**, the others
//!   **conditional**; an [`super::inventory`] settles the existing-resource
//!   assumptions (certain when it lists such a resource, no path when it
//!   lists that kind and none runs as the role).
//! * Apart from its own paths, a principal that is not an administrator is
//!   reported with the changes it may make that make *other* principals
//!   administrators ([`super::patterns::GRANTS`]): each asked of the engine
//!   on its target, each gain checked on a copy of the account for every
//!   principal the change touches.
//! * Paths through roles: a principal that can reach an administrator role
//!   ([`super::reach`]) has the `assume-role-chain` path; one that can reach
//!   another role with a path of its own has that path too, shown after the
//!   hops that reach the role.
//!
//! # How it scales
//!
//! Whether a principal is an administrator is asked once per class of
//! principals the engine cannot tell apart ([`super::classes`]). A pattern
//! is tried only on a principal some of whose Allow statements (or a
//! resource-based policy's) could match each permission it needs: the
//! others cannot be allowed them, so the engine is not asked. A simulated
//! change is applied to a copy of just the principals and policies it
//! involves, not of the whole account. Results are handed over principal by
//! principal ([`stream`]). [`super::naive::escalation`] is the
//! straightforward analysis; tests check both give the same findings.

use std::rc::Rc;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::classes::{self, Classes};
use super::inventory::Inventory;
use super::patterns::{GRANTS, GrantTarget, Login, On, PATTERNS, Pattern, Target};
use super::probe::{Probe, Refusal, ResourceHints, Step};
use super::reach::{Graph, Hop, Tree, launch_steps, pass_steps};
use super::{AnalysisOptions, Progress};
use crate::eval::context::Requester;
use crate::eval::{Decision, EvalError, PrincipalSpec};
use crate::model::{Account, AppliedPolicy, InlinePolicy, Model, PolicyVersion, PrincipalEntity};
use crate::policy::{PolicyDocument, Statement};

/// One way for a principal to become an administrator.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The pattern's id (`create-policy-version`).
    pub pattern: &'static str,
    pub name: &'static str,
    pub known_as: &'static str,
    /// What the pattern acts on: `user/NAME`, `group/NAME`, `role/NAME`, a policy ARN.
    pub target: String,
    /// What the attacker gains, in a sentence.
    pub gain: String,
    /// Roles to come to act as first (their hops), when the path runs as one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<Hop>,
    /// The requests of the path, each with the engine's answer.
    pub steps: Vec<Step>,
    /// What the attacker does to its own requests for the path to work
    /// (temporary credentials, MFA, a source IP, …): see [`super::self_context`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// What the export cannot show and is taken to be so.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
    /// No assumption left: the path works as the loaded files show the
    /// account. A path that rests on an assumption is conditional.
    pub certain: bool,
    /// The resources an inventory lists that the path uses ("Lambda
    /// function f"), which settled its assumption.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inventory: Vec<String>,
    /// The existing resource the path assumes runs as a role, for an
    /// inventory to settle.
    #[serde(skip)]
    pub existing: Option<ExistingResource>,
}

/// "An existing Lambda function runs as role R": what a path assumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingResource {
    /// The pattern's resource, e.g. `Lambda function`.
    pub resource: &'static str,
    pub role: usize,
    /// The assumption as the finding states it.
    pub assumption: String,
}

impl Finding {
    /// Settle the finding's assumption about an existing resource with
    /// `inventory`, and say whether it is certain. False when the inventory
    /// lists that kind of resource and none runs as the role: the path is
    /// then no path.
    pub fn settle(&mut self, model: &Model, inventory: Option<&Inventory>) -> bool {
        if let (Some(existing), Some(inventory)) = (&self.existing, inventory) {
            match inventory.running_as(model, existing.resource, existing.role) {
                None => {}
                Some(found) if found.is_empty() => return false,
                Some(found) => {
                    self.assumptions.retain(|a| *a != existing.assumption);
                    self.inventory = found;
                }
            }
        }
        self.certain = self.assumptions.is_empty();
        true
    }
}

/// What one pattern gave for one principal: the paths found, and why each
/// candidate failed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Attempt {
    pub findings: Vec<Finding>,
    pub refusals: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrincipalEscalation {
    pub principal: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// Already an administrator (nothing to escalate to).
    pub admin: bool,
    pub findings: Vec<Finding>,
    /// Paths that rest on no assumption.
    pub certain: usize,
    /// Paths that rest on an assumption.
    pub conditional: usize,
    /// Changes it may make that make other principals administrators,
    /// whether or not it can use them itself.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub makes_others_admins: Vec<MakesAdmin>,
}

/// A change a principal may make that makes other principals administrators
/// ([`super::patterns::GRANTS`]).
#[derive(Debug, Clone, Serialize)]
pub struct MakesAdmin {
    /// The grant's id (`attach-role-policy`).
    pub grant: &'static str,
    pub name: &'static str,
    /// What it changes: `user/NAME`, `group/NAME`, `role/NAME`, a policy ARN.
    pub target: String,
    /// The principals that would then be administrators.
    pub administrators: Vec<String>,
    /// The request, with the engine's answer, and the simulated check that
    /// the first of them then is an administrator.
    pub steps: Vec<Step>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
}

impl PrincipalEscalation {
    /// Settle each path's assumptions with `inventory` (dropping those it
    /// rules out), drop the conditional ones when `certain_only`, and count.
    pub fn settle(&mut self, model: &Model, inventory: Option<&Inventory>, certain_only: bool) {
        self.findings
            .retain_mut(|f| f.settle(model, inventory) && (f.certain || !certain_only));
        if certain_only {
            self.makes_others_admins.retain(|m| m.assumptions.is_empty());
        }
        self.certain = self.findings.iter().filter(|f| f.certain).count();
        self.conditional = self.findings.len() - self.certain;
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Escalation {
    /// Patterns looked for.
    pub patterns: usize,
    /// Principals looked at.
    pub evaluated: usize,
    /// Principals that are administrators already.
    pub admins: Vec<String>,
    /// Principals with at least one path (or the one asked about).
    pub principals: Vec<PrincipalEscalation>,
    /// Principals with a path that rests on no assumption.
    pub certain: usize,
    /// Principals whose every path rests on an assumption.
    pub conditional: usize,
    /// Principals that can make another principal an administrator.
    pub make_others_admins: usize,
}

impl Escalation {
    /// Count the principals with certain paths, with conditional ones
    /// only, and those that can make others administrators.
    pub fn count(&mut self) {
        self.make_others_admins = self
            .principals
            .iter()
            .filter(|p| !p.makes_others_admins.is_empty())
            .count();
        self.certain = self.principals.iter().filter(|p| p.certain > 0).count();
        self.conditional = self
            .principals
            .iter()
            .filter(|p| p.certain == 0 && p.conditional > 0)
            .count();
    }
}

const ADMIN_POLICY: &str =
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
const SIMULATED: &str = "iamscope-simulated-administrator";

/// Works out escalation paths, keeping what it learns (administrators,
/// reachable roles, each role's own paths) for the next principal.
pub struct Analyzer<'m> {
    graph: Graph<'m>,
    classes: Classes,
    admins: FxHashMap<PrincipalSpec, bool>,
    /// Per class of users and roles: administrators or not.
    class_admin: Vec<Option<bool>>,
    /// Per class: which patterns its policies could allow every need of.
    class_patterns: Vec<Option<Rc<Vec<bool>>>>,
    /// Per service, the administrator roles it can assume (with the trust step).
    admin_trusting: FxHashMap<&'static str, Rc<Vec<(usize, Step)>>>,
    direct: FxHashMap<usize, Rc<Vec<Finding>>>,
    /// Per target of a grant: who would become an administrator, with the
    /// simulated step that shows it for the first.
    new_admins: FxHashMap<(GrantTarget, usize), Rc<NewAdmins>>,
    /// The principals in classes that a policy allowing everything leaves alike.
    given_everything: Option<Classes>,
    /// Per class of `given_everything`, and the policy a change makes allow
    /// everything when it had a Deny or is a boundary: whether the change
    /// makes the class's principals administrators.
    admin_after_change: FxHashMap<(classes::ClassId, Option<usize>), bool>,
}

/// The principals a change makes administrators (not those that were
/// already), and the simulated check for the first two of them (one may be
/// the attacker itself; a report shows the first other).
#[derive(Default)]
struct NewAdmins {
    made: Vec<PrincipalEntity>,
    witnesses: Vec<(PrincipalEntity, Step)>,
}

/// Which targets of a pattern the engine is asked about.
enum Targets<'s> {
    /// Every one, so that each refusal is reported ([`why_not`]).
    Every,
    /// Only those on which one of these Allow statements (the attacker's
    /// own), or one of a resource-based policy, could match each need: the
    /// engine refuses the others, and nobody reads why.
    Possible(&'s [&'s Statement]),
}

impl<'m> Analyzer<'m> {
    pub fn new(model: &'m Model, options: &AnalysisOptions) -> Analyzer<'m> {
        Analyzer::with_progress(model, options, &super::UNCANCELLED)
    }

    /// An analyzer whose searches stop (unfinished) once `progress` is cancelled.
    fn with_progress(model: &'m Model, options: &AnalysisOptions, progress: &'m Progress) -> Analyzer<'m> {
        let classes = Classes::of(model, &options.context);
        Analyzer {
            graph: Graph::with_progress(model, options, progress),
            admins: FxHashMap::default(),
            class_admin: vec![None; classes.len()],
            class_patterns: vec![None; classes.len()],
            classes,
            admin_trusting: FxHashMap::default(),
            direct: FxHashMap::default(),
            new_admins: FxHashMap::default(),
            given_everything: None,
            admin_after_change: FxHashMap::default(),
        }
    }

    fn model(&self) -> &'m Model {
        self.graph.model()
    }

    fn options(&self) -> &AnalysisOptions {
        self.graph.options()
    }

    fn probe(&self, model: &'m Model, spec: &PrincipalSpec) -> Result<Probe<'m>, EvalError> {
        Ok(Probe::new(model, spec, &self.options().context, self.options().now)?.with_self_given_context())
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

    /// Whether a user or role is an administrator, asked once per class (of
    /// the first member: the engine answers every member alike).
    fn admin_entity(&mut self, entity: PrincipalEntity) -> bool {
        let class = self.classes.of_entity(entity);
        if let Some(known) = self.class_admin[class as usize] {
            return known;
        }
        let first = self.classes.members(class)[0];
        let admin = self.ask_admin(&classes::spec(self.model(), first));
        self.class_admin[class as usize] = Some(admin);
        admin
    }

    fn admin_role(&mut self, r: usize) -> bool {
        self.admin_entity(PrincipalEntity::Role(r))
    }

    fn admin_user(&mut self, u: usize) -> bool {
        self.admin_entity(PrincipalEntity::User(u))
    }

    /// Which patterns `requester` could have every permission of: for each
    /// need, one of its actions matched by an Allow statement of its own
    /// policies or of a resource-based policy. Without that, the engine
    /// cannot allow the need, and the pattern can give no path.
    fn possible_patterns(&mut self, requester: &Requester<'m>) -> Rc<Vec<bool>> {
        let entity = match requester {
            Requester::User { index, .. } => Some(PrincipalEntity::User(*index)),
            Requester::RoleSession {
                index,
                web_identity: None,
                ..
            } => Some(PrincipalEntity::Role(*index)),
            _ => None,
        };
        let class = entity.map(|e| self.classes.of_entity(e));
        if let Some(found) = class.and_then(|c| self.class_patterns[c as usize].clone()) {
            return found;
        }
        let documents = super::probe::identity_documents(self.model(), requester);
        let allows: Vec<&Statement> = super::probe::allow_statements(&documents).collect();
        // Who is not a user or role of the account (a pool identity) is tried on every pattern.
        let found = Rc::new(
            PATTERNS
                .iter()
                .map(|p| {
                    class.is_none()
                        || p.needs
                            .iter()
                            .all(|n| n.any_of.iter().any(|a| self.graph.could_allow(&allows, a)))
                })
                .collect::<Vec<bool>>(),
        );
        if let Some(c) = class {
            self.class_patterns[c as usize] = Some(Rc::clone(&found));
        }
        found
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
                || !entry.is_role_session()
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
                let mut via = self.graph.hops(&tree, at);
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

    /// The changes `spec` may make that make other principals
    /// administrators ([`GRANTS`]): each permission asked of the engine on
    /// its target, each gain checked on a copy of the account with the
    /// change applied. Grants no Allow statement of its own could match are
    /// not asked.
    fn makes_others_admins(&mut self, spec: &PrincipalSpec) -> Result<Vec<MakesAdmin>, EvalError> {
        let model = self.model();
        let mut probe = self.probe(model, spec)?;
        let documents = super::probe::identity_documents(model, probe.requester());
        let allows: Vec<&Statement> = super::probe::allow_statements(&documents).collect();
        // IAM users, groups, roles and policies take no resource-based
        // policy: only an identity-based Allow can grant these actions.
        let possible: Vec<&super::patterns::Grant> = GRANTS
            .iter()
            .filter(|g| {
                allows
                    .iter()
                    .any(|s| super::self_context::may_apply(s, g.action, "iam"))
            })
            .collect();
        if possible.is_empty() {
            return Ok(Vec::new());
        }
        let hints = ResourceHints::of(model, probe.requester());
        let me = Attacker::of(model, &probe);
        let mut out = Vec::new();
        for grant in possible {
            let extra = if grant.attach {
                vec![("iam:PolicyARN", administrator_access(model))]
            } else {
                Vec::new()
            };
            for target in grant_targets(model, grant.target, &me) {
                let arn = grant_target_arn(model, grant.target, target);
                if !allows.iter().any(|s| super::probe::could_match(s, grant.action, &arn)) {
                    continue;
                }
                let Ok(step) = probe.need(&hints, &[grant.action], Some(&arn), &extra) else {
                    continue;
                };
                let made = self.new_admins(grant.target, target);
                let others: Vec<PrincipalEntity> = made.made.iter().copied().filter(|e| !me.is(*e)).collect();
                let Some((_, witness)) = made.witnesses.iter().find(|(e, _)| !me.is(*e)) else {
                    continue;
                };
                out.push(MakesAdmin {
                    grant: grant.id,
                    name: grant.name,
                    target: grant_target_label(model, grant.target, target),
                    administrators: others.iter().map(|e| entity_label(model, *e)).collect(),
                    needs: step.needs.clone(),
                    assumptions: step.assumptions.clone(),
                    steps: vec![step, witness.clone()],
                });
            }
        }
        Ok(out)
    }

    /// Who a policy allowing everything on `target` makes an administrator.
    fn new_admins(&mut self, kind: GrantTarget, target: usize) -> Rc<NewAdmins> {
        if let Some(found) = self.new_admins.get(&(kind, target)) {
            return Rc::clone(found);
        }
        let model = self.model();
        let (change, subjects) = grant_change(model, kind, target);
        // Each change gives the subject a policy allowing everything (it
        // adds one to it or its group, or makes one of its policies one), so
        // subjects of one class of `given_everything` are all made
        // administrators or none is: it is simulated again only for a
        // witness. A policy made to allow everything that had a Deny
        // statement, or that serves as a boundary, changes what limits its
        // subjects: its subjects are judged per policy.
        let relative = match kind {
            GrantTarget::Policy if limits_others(model, target) => Some(target),
            _ => None,
        };
        let mut made = NewAdmins::default();
        for subject in subjects {
            let already = match subject {
                PrincipalEntity::User(u) => self.admin_user(u),
                PrincipalEntity::Role(r) => self.admin_role(r),
            };
            if already {
                continue;
            }
            let class = self
                .given_everything
                .get_or_insert_with(|| Classes::given_everything(model, &self.graph.options().context))
                .of_entity(subject);
            let key = (class, relative);
            let known = self.admin_after_change.get(&key).copied();
            if known == Some(false) || (known == Some(true) && made.witnesses.len() >= 2) {
                if known == Some(true) {
                    made.made.push(subject);
                }
                continue;
            }
            let as_attacker = Attacker::entity(model, subject);
            let simulated = change.apply(model, &as_attacker);
            let spec = classes::spec(model, subject);
            let step = admin_after(&simulated, &spec, self.options(), &change.describe(model.account()));
            self.admin_after_change.insert(key, step.is_some());
            if let Some(step) = step {
                made.made.push(subject);
                made.witnesses.push((subject, step));
            }
        }
        let made = Rc::new(made);
        self.new_admins.insert((kind, target), Rc::clone(&made));
        made
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
        let possible = self.possible_patterns(probe.requester());
        let mut hints = None;
        let mut findings = Vec::new();
        let documents = super::probe::identity_documents(model, probe.requester());
        let allows: Vec<&'m Statement> = super::probe::allow_statements(&documents).collect();
        for (pattern, possible) in PATTERNS.iter().zip(possible.iter()) {
            if !possible {
                continue;
            }
            let hints = hints.get_or_insert_with(|| ResourceHints::of(model, probe.requester()));
            let targets = Targets::Possible(&allows);
            findings.extend(self.check_with(&mut probe, hints, pattern, &targets)?.findings);
        }
        Ok(findings)
    }

    /// One pattern for one principal (as itself, not through other roles).
    pub fn check(&mut self, spec: &PrincipalSpec, pattern: &'static Pattern) -> Result<Attempt, EvalError> {
        let model = self.model();
        let mut probe = self.probe(model, spec)?;
        let hints = ResourceHints::of(model, probe.requester());
        self.check_with(&mut probe, &hints, pattern, &Targets::Every)
    }

    /// Whether `pattern`'s needs on the target `arn` are worth asking the
    /// engine about (see [`Targets`]).
    fn worth_asking(&mut self, targets: &Targets<'_>, pattern: &Pattern, arn: &str) -> bool {
        match targets {
            Targets::Every => true,
            Targets::Possible(allows) => pattern
                .needs
                .iter()
                .filter(|n| n.on == On::Target)
                .all(|n| n.any_of.iter().any(|a| self.graph.could_allow_on(allows, a, arn))),
        }
    }

    fn check_with(
        &mut self,
        probe: &mut Probe<'m>,
        hints: &ResourceHints,
        pattern: &'static Pattern,
        targets: &Targets<'_>,
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
                self.own_policies(probe, hints, &attacker, pattern, targets, &mut attempt)
            }
            Target::SelfUser { attach } => match attacker.user {
                Some(u) => {
                    let target = Change::UserPolicy(u);
                    let label = format!("user/{}", model.account().users[u].name);
                    self.self_change(probe, hints, pattern, &label, target, attach, targets, &mut attempt);
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
                            targets,
                            &mut attempt,
                        );
                    }
                }
                None => attempt.refusals.push("applies to IAM users only".to_owned()),
            },
            Target::ReachableRole { attach } => {
                self.reachable_roles(probe, hints, pattern, attach, targets, &mut attempt)?
            }
            Target::GroupToJoin => match attacker.user {
                Some(u) => {
                    let mine = model.index().groups_of(u).to_vec();
                    for g in 0..model.account().groups.len() {
                        if mine.contains(&g) {
                            continue;
                        }
                        let label = format!("group/{}", model.account().groups[g].name);
                        self.self_change(
                            probe,
                            hints,
                            pattern,
                            &label,
                            Change::Join(u, g),
                            false,
                            targets,
                            &mut attempt,
                        );
                    }
                    if attempt.findings.is_empty() && attempt.refusals.is_empty() {
                        attempt.refusals.push("there is no other group to join".to_owned());
                    }
                }
                None => attempt.refusals.push("applies to IAM users only".to_owned()),
            },
            Target::AdminUser { login } => {
                self.admin_users(probe, hints, &attacker, pattern, login, targets, &mut attempt)
            }
            Target::AdminRoleTrust => self.trust_rewrite(probe, hints, &attacker, pattern, targets, &mut attempt),
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
                    if !entry.first
                        || (entry.is_root() && entry.via_service())
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
                    found.via = self.graph.hops(&tree, at);
                    attempt.findings.push(found);
                }
                if attempt.findings.is_empty() {
                    attempt
                        .refusals
                        .push("reaches no administrator role by assuming roles".to_owned());
                }
            }
        }
        for f in &mut attempt.findings {
            f.certain = f.assumptions.is_empty();
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
        targets: &Targets<'_>,
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
            if !self.worth_asking(targets, pattern, &arn) {
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
        targets: &Targets<'_>,
        attempt: &mut Attempt,
    ) {
        let model = self.model();
        let arn = change.target_arn(model.account());
        if !self.worth_asking(targets, pattern, &arn) {
            return;
        }
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
        let attacker = Attacker::of(self.model(), probe);
        let simulated = change.apply(self.model(), &attacker);
        let Ok(mut after) = Probe::new(&simulated, probe.spec(), &self.options().context, self.options().now) else {
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
        targets: &Targets<'_>,
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
            if entry.first && entry.is_role_session() && Some(entry.role) != own {
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
            if !self.worth_asking(targets, pattern, role.arn.as_str()) {
                continue;
            }
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
            let role_itself = Attacker {
                user: None,
                role: Some(r),
                arn: None,
            };
            let simulated = Change::RolePolicy(r).apply(model, &role_itself);
            let spec = self.role_spec(r);
            let Ok(mut after) = Probe::new(&simulated, &spec, &self.options().context, self.options().now) else {
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
                found.via = at.map(|at| self.graph.hops(&tree, at)).unwrap_or_default();
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
    #[allow(clippy::too_many_arguments)]
    fn admin_users(
        &mut self,
        probe: &mut Probe<'m>,
        hints: &ResourceHints,
        attacker: &Attacker,
        pattern: &'static Pattern,
        login: Login,
        targets: &Targets<'_>,
        attempt: &mut Attempt,
    ) {
        let model = self.model();
        let mut any = false;
        for (u, user) in model.account().users.iter().enumerate() {
            if Some(u) == attacker.user || !self.admin_user(u) {
                continue;
            }
            any = true;
            if !self.worth_asking(targets, pattern, user.arn.as_ref()) {
                continue;
            }
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
        targets: &Targets<'_>,
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
            let arn = role.arn.to_string();
            if !self.worth_asking(targets, pattern, &arn) {
                continue;
            }
            let label = format!("role/{}", role.name);
            let mut steps = match target_steps(probe, hints, pattern, &arn, &[]) {
                Ok(steps) => steps,
                Err(refusal) => {
                    attempt.refusals.push(format!("{label}: needs {}", refusal.describe()));
                    continue;
                }
            };
            let change = Change::Trust(r, attacker_arn.clone());
            let simulated = change.apply(model, attacker);
            let Ok(mut after) = Probe::new(&simulated, probe.spec(), &self.options().context, self.options().now)
            else {
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

pub(crate) fn finding(pattern: &'static Pattern, target: String, gain: String, steps: Vec<Step>) -> Finding {
    let mut needs: Vec<String> = Vec::new();
    let mut assumptions: Vec<String> = Vec::new();
    for step in &steps {
        for need in &step.needs {
            if !needs.contains(need) {
                needs.push(need.clone());
            }
        }
        for assumption in &step.assumptions {
            if !assumptions.contains(assumption) {
                assumptions.push(assumption.clone());
            }
        }
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

/// The targets of a grant other than the attacker itself: every other
/// user; every group with a member other than it; every other role that is
/// not service-linked; every customer managed policy attached to a
/// principal other than it.
pub(crate) fn grant_targets(model: &Model, kind: GrantTarget, me: &Attacker) -> Vec<usize> {
    let a = model.account();
    let index = model.index();
    match kind {
        GrantTarget::User => (0..a.users.len()).filter(|&u| me.user != Some(u)).collect(),
        GrantTarget::Group => (0..a.groups.len())
            .filter(|&g| index.members_of(g).iter().any(|&u| me.user != Some(u)))
            .collect(),
        GrantTarget::Role => (0..a.roles.len())
            .filter(|&r| me.role != Some(r) && !a.roles[r].is_service_linked())
            .collect(),
        GrantTarget::Policy => (0..a.policies.len())
            .filter(|&p| !a.policies[p].is_aws_managed())
            .filter(|&p| policy_subjects(model, p).into_iter().any(|e| !me.is(e)))
            .collect(),
    }
}

/// The principals a customer managed policy applies to (not as a boundary).
fn policy_subjects(model: &Model, p: usize) -> Vec<PrincipalEntity> {
    let index = model.index();
    let mut out = Vec::new();
    for use_ in index.uses_of(p) {
        match *use_ {
            crate::model::PolicyUse::User { user, boundary: false } => out.push(PrincipalEntity::User(user)),
            crate::model::PolicyUse::Group { group } => {
                out.extend(index.members_of(group).iter().map(|&u| PrincipalEntity::User(u)))
            }
            crate::model::PolicyUse::Role { role, boundary: false } => out.push(PrincipalEntity::Role(role)),
            _ => {}
        }
    }
    out.sort_unstable_by_key(|e| match e {
        PrincipalEntity::User(u) => (0, *u),
        PrincipalEntity::Role(r) => (1, *r),
    });
    out.dedup();
    out
}

/// Whether customer managed policy `p` limits a principal other than by
/// what it allows: it has a Deny statement or is someone's permissions boundary.
fn limits_others(model: &Model, p: usize) -> bool {
    let denies = model.account().policies[p].default_document().is_none_or(|d| {
        d.parsed()
            .statements()
            .iter()
            .any(|s| s.effect == crate::policy::Effect::Deny)
    });
    denies
        || model.index().uses_of(p).iter().any(|u| {
            matches!(
                u,
                crate::model::PolicyUse::User { boundary: true, .. }
                    | crate::model::PolicyUse::Role { boundary: true, .. }
            )
        })
}

/// The change a grant makes to `target`, and whom it may make administrators.
pub(crate) fn grant_change(model: &Model, kind: GrantTarget, target: usize) -> (Change, Vec<PrincipalEntity>) {
    match kind {
        GrantTarget::User => (Change::UserPolicy(target), vec![PrincipalEntity::User(target)]),
        GrantTarget::Group => (
            Change::GroupPolicy(target),
            model
                .index()
                .members_of(target)
                .iter()
                .map(|&u| PrincipalEntity::User(u))
                .collect(),
        ),
        GrantTarget::Role => (Change::RolePolicy(target), vec![PrincipalEntity::Role(target)]),
        GrantTarget::Policy => (Change::NewVersion(target), policy_subjects(model, target)),
    }
}

pub(crate) fn grant_target_arn(model: &Model, kind: GrantTarget, target: usize) -> String {
    let a = model.account();
    match kind {
        GrantTarget::User => a.users[target].arn.to_string(),
        GrantTarget::Group => a.groups[target].arn.to_string(),
        GrantTarget::Role => a.roles[target].arn.to_string(),
        GrantTarget::Policy => a.policies[target].arn.to_string(),
    }
}

pub(crate) fn grant_target_label(model: &Model, kind: GrantTarget, target: usize) -> String {
    let a = model.account();
    match kind {
        GrantTarget::User => format!("user/{}", a.users[target].name),
        GrantTarget::Group => format!("group/{}", a.groups[target].name),
        GrantTarget::Role => format!("role/{}", a.roles[target].name),
        GrantTarget::Policy => a.policies[target].arn.to_string(),
    }
}

pub(crate) fn entity_label(model: &Model, entity: PrincipalEntity) -> String {
    classes::spec(model, entity).to_string()
}

/// On `simulated` (the account after `described`), the step that shows
/// `spec` allowed every IAM action on `*`; `None` when it is not.
pub(crate) fn admin_after(
    simulated: &Model,
    spec: &PrincipalSpec,
    options: &AnalysisOptions,
    described: &str,
) -> Option<Step> {
    let mut after = Probe::new(simulated, spec, &options.context, options.now).ok()?;
    let check = after.admin_check();
    match (check.admin, check.witness) {
        (true, Some((action, outcome))) => {
            let mut step = after.step(&action, "*", &[], outcome);
            step.action = "iam:*".to_owned();
            step.note = Some(format!(
                "simulated: after {described}, every IAM action is allowed on * (first checked: {action})"
            ));
            Some(step)
        }
        _ => None,
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
pub(crate) struct Attacker {
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

    /// A user or role of the account as the subject of a simulated change.
    fn entity(model: &Model, entity: PrincipalEntity) -> Attacker {
        match entity {
            PrincipalEntity::User(u) => Attacker {
                user: Some(u),
                role: None,
                arn: Some(model.account().users[u].arn.to_string()),
            },
            PrincipalEntity::Role(r) => Attacker {
                user: None,
                role: Some(r),
                arn: Some(model.account().roles[r].arn.to_string()),
            },
        }
    }

    /// Whether `entity` is the attacker itself.
    fn is(&self, entity: PrincipalEntity) -> bool {
        match entity {
            PrincipalEntity::User(u) => self.user == Some(u),
            PrincipalEntity::Role(r) => self.role == Some(r),
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
pub(crate) enum Change {
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

    /// The account as it would be after the change, cut down to what the
    /// next question needs: `subject` (the user or role it is asked as,
    /// with its groups), whatever the change touches, the managed policies
    /// they use, and the account-wide policies (SCPs, RCPs, resource-based
    /// policies, identity pools). The engine answers the same there as on
    /// the whole account: nothing else takes part in those requests.
    fn apply(&self, model: &Model, subject: &Attacker) -> Model {
        let a = model.account();
        let index = model.index();
        let mut users: Vec<usize> = subject.user.into_iter().collect();
        let mut roles: Vec<usize> = subject.role.into_iter().collect();
        let mut groups: Vec<usize> = users.iter().flat_map(|&u| index.groups_of(u).iter().copied()).collect();
        match self {
            Change::UserPolicy(u) => users.push(*u),
            Change::GroupPolicy(g) => groups.push(*g),
            Change::RolePolicy(r) | Change::Trust(r, _) => roles.push(*r),
            Change::Join(u, g) => {
                users.push(*u);
                groups.push(*g);
            }
            Change::NewVersion(_) | Change::OtherVersion(..) => {}
        }
        for list in [&mut users, &mut groups, &mut roles] {
            list.sort_unstable();
            list.dedup();
        }
        let mut cut = Account {
            id: a.id.clone(),
            alias: a.alias.clone(),
            partition: a.partition.clone(),
            root: a.root.clone(),
            users: users.iter().map(|&u| a.users[u].clone()).collect(),
            groups: groups.iter().map(|&g| a.groups[g].clone()).collect(),
            roles: roles.iter().map(|&r| a.roles[r].clone()).collect(),
            policies: Vec::new(),
            resource_policies: a.resource_policies.clone(),
            service_control_policies: a.service_control_policies.clone(),
            resource_control_policies: a.resource_control_policies.clone(),
            identity_pools: a.identity_pools.clone(),
            user_pools: Vec::new(),
            saml_providers: a.saml_providers.clone(),
            oidc_providers: a.oidc_providers.clone(),
            inventory: None,
            extra: Default::default(),
        };
        let mut policies: Vec<usize> = Vec::new();
        let mut uses = |attached: &[crate::model::AttachedPolicy],
                        boundary: Option<&crate::model::PermissionsBoundary>| {
            let arns = attached
                .iter()
                .map(|p| p.arn.as_str())
                .chain(boundary.map(|b| b.arn.as_str()));
            policies.extend(arns.filter_map(|arn| index.policy(arn)));
        };
        for u in &cut.users {
            uses(&u.attached_policies, u.permissions_boundary.as_ref());
        }
        for g in &cut.groups {
            uses(&g.attached_policies, None);
        }
        for r in &cut.roles {
            uses(&r.attached_policies, r.permissions_boundary.as_ref());
        }
        if let Change::NewVersion(p) | Change::OtherVersion(p, _) = self {
            policies.push(*p);
        }
        policies.sort_unstable();
        policies.dedup();
        cut.policies = policies.iter().map(|&p| a.policies[p].clone()).collect();

        let admin = || InlinePolicy {
            name: SIMULATED.to_owned(),
            document: PolicyDocument::from_authored_text(ADMIN_POLICY),
        };
        let user = |cut: &mut Account, u: usize| cut.users.iter().position(|x| x.name == a.users[u].name);
        let role = |cut: &mut Account, r: usize| cut.roles.iter().position(|x| x.name == a.roles[r].name);
        let policy = |cut: &mut Account, p: usize| cut.policies.iter().position(|x| x.arn == a.policies[p].arn);
        match self {
            Change::UserPolicy(u) => {
                if let Some(i) = user(&mut cut, *u) {
                    cut.users[i].inline_policies.push(admin());
                }
            }
            Change::GroupPolicy(g) => {
                if let Some(group) = cut.groups.iter_mut().find(|x| x.name == a.groups[*g].name) {
                    group.inline_policies.push(admin());
                }
            }
            Change::RolePolicy(r) => {
                if let Some(i) = role(&mut cut, *r) {
                    cut.roles[i].inline_policies.push(admin());
                }
            }
            Change::NewVersion(p) => {
                if let Some(i) = policy(&mut cut, *p) {
                    let policy = &mut cut.policies[i];
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
            }
            Change::OtherVersion(p, index) => {
                if let Some(i) = policy(&mut cut, *p) {
                    let policy = &mut cut.policies[i];
                    for (i, v) in policy.versions.iter_mut().enumerate() {
                        v.is_default = i == *index;
                    }
                    policy.default_version_id = policy.versions[*index].id.clone();
                }
            }
            Change::Join(u, g) => {
                if let Some(i) = user(&mut cut, *u) {
                    cut.users[i].groups.push(a.groups[*g].name.clone());
                }
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
                if let Some(i) = role(&mut cut, *r) {
                    cut.roles[i].trust_policy = Some(PolicyDocument::from_value(&text));
                }
            }
        }
        Model::new(cut)
    }
}

/// What [`stream`] did: the principals themselves went to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EscalationSummary {
    /// Patterns looked for.
    pub patterns: usize,
    /// Principals to look at.
    pub principals: usize,
    /// Principals looked at before the end or a cancel.
    pub evaluated: usize,
    /// Principals that are administrators already.
    pub admins: usize,
    /// Principals with at least one path.
    pub escalating: usize,
    /// Principals with a path that rests on no assumption.
    pub certain: usize,
    /// Principals whose every path rests on an assumption.
    pub conditional: usize,
    /// Principals that can make another principal an administrator.
    pub make_others_admins: usize,
    /// False when [`Progress::cancel`] stopped it early.
    pub complete: bool,
}

/// Escalation paths of one principal, or of every principal but the root
/// user, handed to `sink` one principal at a time, in the account's order:
/// every administrator (`admin` set, no findings) and every principal with
/// a path; with `principal`, that one whatever it has. Stops early when
/// `progress` is cancelled.
pub fn stream(
    model: &Model,
    principal: Option<&PrincipalSpec>,
    options: &AnalysisOptions,
    progress: &Progress,
    sink: &mut dyn FnMut(PrincipalEscalation),
) -> Result<EscalationSummary, EvalError> {
    let mut analyzer = Analyzer::with_progress(model, options, progress);
    let specs: Vec<PrincipalSpec> = match principal {
        Some(spec) => vec![spec.clone()],
        None => super::who_can::principals(model)
            .into_iter()
            .filter(|p| *p != PrincipalSpec::Root)
            .collect(),
    };
    progress.begin(specs.len());
    let mut summary = EscalationSummary {
        patterns: PATTERNS.len(),
        principals: specs.len(),
        evaluated: 0,
        admins: 0,
        escalating: 0,
        certain: 0,
        conditional: 0,
        make_others_admins: 0,
        complete: true,
    };
    for spec in &specs {
        if progress.is_cancelled() {
            summary.complete = false;
            break;
        }
        let mut report = analyzer.principal(spec)?;
        let inventory = options.inventory.as_deref().or(model.account().inventory.as_ref());
        report.settle(model, inventory, options.certain_only);
        if progress.is_cancelled() {
            // This principal's analysis may be unfinished: none of it is shown.
            summary.complete = false;
            break;
        }
        summary.evaluated += 1;
        summary.admins += usize::from(report.admin);
        summary.escalating += usize::from(!report.findings.is_empty());
        summary.certain += usize::from(report.certain > 0);
        summary.conditional += usize::from(report.certain == 0 && report.conditional > 0);
        summary.make_others_admins += usize::from(!report.makes_others_admins.is_empty());
        if principal.is_some() || report.admin || !report.findings.is_empty() || !report.makes_others_admins.is_empty()
        {
            sink(report);
        }
        progress.advance();
    }
    Ok(summary)
}

/// Escalation paths of one principal, or of every principal but the root
/// user, all kept (for small accounts and tests; use [`stream`] for large ones).
pub fn escalation(
    model: &Model,
    principal: Option<&PrincipalSpec>,
    options: &AnalysisOptions,
) -> Result<Escalation, EvalError> {
    let mut result = Escalation {
        patterns: PATTERNS.len(),
        evaluated: 0,
        admins: Vec::new(),
        principals: Vec::new(),
        certain: 0,
        conditional: 0,
        make_others_admins: 0,
    };
    let summary = stream(model, principal, options, &Progress::new(), &mut |report| {
        if report.admin {
            result.admins.push(report.principal.clone());
        }
        if principal.is_some() || !report.findings.is_empty() || !report.makes_others_admins.is_empty() {
            result.principals.push(report);
        }
    })?;
    result.evaluated = summary.evaluated;
    result.count();
    Ok(result)
}

/// For each pattern that gives `principal` no path (as itself), why not:
/// the refusals the engine gave, or what the pattern lacked.
pub fn why_not(
    model: &Model,
    principal: &PrincipalSpec,
    options: &AnalysisOptions,
) -> Result<Vec<(&'static str, Vec<String>)>, EvalError> {
    let mut analyzer = Analyzer::new(model, options);
    let mut out = Vec::new();
    for pattern in PATTERNS {
        let attempt = analyzer.check(principal, pattern)?;
        if attempt.findings.is_empty() {
            out.push((pattern.id, attempt.refusals));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn options() -> AnalysisOptions {
        AnalysisOptions::at("2026-06-01T12:00:00Z".parse().unwrap())
    }

    const ACCOUNT: &str = "111122223333";
    const SERVICES: [&str; 7] = [
        "ec2.amazonaws.com",
        "lambda.amazonaws.com",
        "glue.amazonaws.com",
        "cloudformation.amazonaws.com",
        "datapipeline.amazonaws.com",
        "sagemaker.amazonaws.com",
        "codebuild.amazonaws.com",
    ];

    fn arn(kind: &str, name: &str) -> String {
        format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}")
    }

    fn doc(statements: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    fn everything() -> Value {
        doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))
    }

    fn inline(document: Value) -> Value {
        json!([{"PolicyName": "p", "PolicyDocument": document}])
    }

    fn role(name: &str, trust: Value, policy: Value) -> Value {
        json!({
            "RoleName": name, "RoleId": format!("AROA{}", name.to_uppercase()), "Path": "/",
            "Arn": arn("role", name),
            "AssumeRolePolicyDocument": trust,
            "RolePolicyList": inline(policy),
            "AttachedManagedPolicies": [{"PolicyName": "AttackerPolicy", "PolicyArn": arn("policy", "AttackerPolicy")}],
            "InstanceProfileList": [{
                "InstanceProfileName": name, "InstanceProfileId": "AIPA1", "Path": "/",
                "Arn": arn("instance-profile", name), "Roles": []
            }],
        })
    }

    /// An account where `mallory` (a user and a role of that name) has
    /// `statements`, and administrators of every kind exist to be reached.
    fn account(statements: Value, extra_users: Vec<Value>) -> Model {
        let mut users = vec![
            json!({
                "UserName": "mallory", "UserId": "AIDAMALLORY", "Path": "/", "Arn": arn("user", "mallory"),
                "GroupList": ["Mine"],
                "UserPolicyList": inline(doc(statements.clone())),
                "AttachedManagedPolicies": [{"PolicyName": "AttackerPolicy", "PolicyArn": arn("policy", "AttackerPolicy")}],
            }),
            json!({
                "UserName": "boss", "UserId": "AIDABOSS", "Path": "/", "Arn": arn("user", "boss"),
                "UserPolicyList": inline(everything()),
            }),
        ];
        users.extend(extra_users);
        let account = json!({
            "UserDetailList": users,
            "GroupDetailList": [
                {"GroupName": "Mine", "GroupId": "AGPAMINE", "Path": "/", "Arn": arn("group", "Mine")},
                {"GroupName": "Admins", "GroupId": "AGPAADMINS", "Path": "/", "Arn": arn("group", "Admins"),
                 "GroupPolicyList": inline(everything())},
            ],
            "RoleDetailList": [
                role("mallory", doc(json!([])), doc(statements)),
                role(
                    "Worker",
                    doc(json!([{"Effect": "Allow", "Principal": {"Service": SERVICES}, "Action": "sts:AssumeRole"}])),
                    everything()
                ),
                role(
                    "Chained",
                    doc(json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}])),
                    everything()
                ),
            ],
            "Policies": [{
                "PolicyName": "AttackerPolicy", "PolicyId": "ANPA1", "Arn": arn("policy", "AttackerPolicy"),
                "Path": "/", "DefaultVersionId": "v1", "IsAttachable": true,
                "PolicyVersionList": [
                    {"VersionId": "v1", "IsDefaultVersion": true, "Document": doc(json!([{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]))},
                    {"VersionId": "v2", "IsDefaultVersion": false, "Document": everything()},
                ]
            }],
        });
        crate::io::load_bytes("t.json", account.to_string().as_bytes())
            .unwrap()
            .model
    }

    /// Who plays the attacker for a pattern: a role for the role patterns.
    fn attacker(pattern: &Pattern) -> PrincipalSpec {
        match pattern.target {
            Target::ReachableRole { .. } => PrincipalSpec::Role {
                name: "mallory".into(),
                session: None,
            },
            _ => PrincipalSpec::User("mallory".into()),
        }
    }

    /// Allow statements for the first action of each need (or for the chain, sts:AssumeRole).
    fn granting(pattern: &Pattern, skip: Option<usize>) -> Value {
        let mut actions: Vec<&str> = pattern
            .needs
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != skip)
            .map(|(_, n)| n.any_of[0])
            .collect();
        if pattern.target == Target::AssumeRoleChain && skip.is_none() {
            actions.push("sts:AssumeRole");
        }
        if actions.is_empty() {
            return json!([]);
        }
        json!([{"Effect": "Allow", "Action": actions, "Resource": "*"}])
    }

    fn check(model: &Model, spec: &PrincipalSpec, pattern: &'static Pattern) -> Attempt {
        Analyzer::new(model, &options()).check(spec, pattern).unwrap()
    }

    #[test]
    fn each_pattern_is_found_with_its_permissions_and_not_without_them() {
        for pattern in PATTERNS {
            let spec = attacker(pattern);
            let with = account(granting(pattern, None), Vec::new());
            let found = check(&with, &spec, pattern);
            assert!(
                !found.findings.is_empty(),
                "{} not found: {:#?}",
                pattern.id,
                found.refusals
            );
            for f in &found.findings {
                assert_eq!(f.pattern, pattern.id);
                assert!(
                    f.steps
                        .iter()
                        .chain(f.via.iter().flat_map(|h| &h.steps))
                        .all(|s| s.decision == Decision::Allow),
                    "{}: {f:#?}",
                    pattern.id
                );
            }
            let without = account(granting(pattern, Some(0)), Vec::new());
            let missed = check(&without, &spec, pattern);
            assert!(
                missed.findings.is_empty(),
                "{} found without {:?}: {:#?}",
                pattern.id,
                pattern.needs.first().map(|n| n.any_of),
                missed.findings
            );
            assert!(!missed.refusals.is_empty(), "{}", pattern.id);
        }
    }

    #[test]
    fn steps_carry_the_deciding_statements_and_the_simulated_gain() {
        let pattern = super::super::patterns::pattern("attach-user-policy").unwrap();
        let m = account(granting(pattern, None), Vec::new());
        let found = check(&m, &PrincipalSpec::User("mallory".into()), pattern);
        let steps = &found.findings[0].steps;
        assert_eq!(steps[0].action, "iam:AttachUserPolicy");
        assert_eq!(
            steps[0].context,
            ["iam:PolicyARN=arn:aws:iam::aws:policy/AdministratorAccess"]
        );
        assert_eq!(steps[0].statement.as_ref().unwrap().policy, "p (inline, user mallory)");
        assert_eq!(steps[1].action, "iam:*");
        assert_eq!(
            steps[1].statement.as_ref().unwrap().policy,
            format!("{SIMULATED} (inline, user mallory)")
        );
        assert!(steps[1].note.as_ref().unwrap().starts_with("simulated"));
    }

    #[test]
    fn a_deny_or_a_boundary_stops_a_path() {
        let pattern = super::super::patterns::pattern("put-user-policy").unwrap();
        let denied = account(
            json!([
                {"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"},
                {"Effect": "Deny", "Action": "iam:*", "NotResource": arn("user", "mallory")}
            ]),
            Vec::new(),
        );
        // The change goes through, but the deny keeps it from IAM on other resources.
        let attempt = check(&denied, &PrincipalSpec::User("mallory".into()), pattern);
        assert!(attempt.findings.is_empty());
        assert!(
            attempt.refusals[0].contains("still no administrator"),
            "{:?}",
            attempt.refusals
        );

        let mut bounded = account(
            json!([{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"}]),
            Vec::new(),
        );
        bounded.edit(|a| {
            a.users[0].permissions_boundary = Some(crate::model::PermissionsBoundary {
                arn: arn("policy", "AttackerPolicy"),
            })
        });
        let attempt = check(&bounded, &PrincipalSpec::User("mallory".into()), pattern);
        assert!(attempt.findings.is_empty(), "{:#?}", attempt.findings);
    }

    #[test]
    fn a_path_through_a_reachable_role_is_shown_after_its_hops() {
        let helper = json!({
            "UserName": "eve", "UserId": "AIDAEVE", "Path": "/", "Arn": arn("user", "eve"),
            "UserPolicyList": inline(doc(json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn("role", "mallory")}]))),
        });
        let mut m = account(
            json!([{"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": arn("role", "mallory")}]),
            vec![helper],
        );
        // The role mallory trusts the account, so eve (allowed sts:AssumeRole on it) gets in.
        m.edit(|a| {
            a.roles[0].trust_policy = Some(PolicyDocument::from_value(&doc(json!([{
                "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"
            }]))))
        });
        let result = escalation(&m, Some(&PrincipalSpec::User("eve".into())), &options()).unwrap();
        let eve = &result.principals[0];
        let f = eve.findings.iter().find(|f| f.pattern == "put-role-policy").unwrap();
        assert_eq!(f.via.len(), 1);
        assert_eq!(f.via[0].role, "role/mallory");
        assert_eq!(f.steps[0].by, "role/mallory");
        // The whole account: the administrators are listed, not searched.
        let all = escalation(&m, None, &options()).unwrap();
        assert!(all.admins.contains(&"user/boss".to_owned()));
        assert!(all.admins.contains(&"role/Worker".to_owned()));
        assert!(all.principals.iter().all(|p| !p.admin));
    }

    #[test]
    fn why_not_lists_refusals_per_pattern() {
        let m = account(json!([]), Vec::new());
        let reasons = why_not(&m, &PrincipalSpec::User("mallory".into()), &options()).unwrap();
        assert_eq!(reasons.len(), PATTERNS.len());
        let (_, create) = reasons.iter().find(|(id, _)| *id == "create-access-key").unwrap();
        assert!(
            create[0].contains("iam:CreateAccessKey on arn:aws:iam::111122223333:user/boss: ImplicitDeny"),
            "{create:?}"
        );
    }

    /// Both analyses of `spec`, which must agree, as the fast one gives it.
    fn both(m: &Model, spec: &PrincipalSpec) -> PrincipalEscalation {
        let o = options();
        let fast = escalation(m, Some(spec), &o).unwrap();
        let slow =
            crate::analysis::naive::escalation::escalation(m, Some(spec), &o.context, o.now, o.max_depth).unwrap();
        assert_eq!(
            serde_json::to_value(&fast).unwrap(),
            serde_json::to_value(&slow).unwrap(),
            "the naive analysis disagrees"
        );
        fast.principals.into_iter().next().unwrap()
    }

    fn mallory() -> PrincipalSpec {
        PrincipalSpec::User("mallory".into())
    }

    fn with_mfa(m: &mut Model, device: Option<&str>) {
        m.edit(|a| {
            a.users[0].credentials = Some(crate::model::Credentials {
                mfa_active: device.is_some(),
                mfa_devices: device
                    .map(|serial| crate::model::MfaDevice {
                        serial: serial.to_owned(),
                        enabled: None,
                    })
                    .into_iter()
                    .collect(),
                ..Default::default()
            })
        });
    }

    /// "Permissions for GetSessionToken": a user needs no permission for
    /// temporary credentials of its own, whose requests carry
    /// aws:TokenIssueTime; the GetSessionToken API reference: they call IAM
    /// only with an MFA code.
    #[test]
    fn a_user_gets_temporary_credentials_of_its_own_for_a_token_issue_time_condition() {
        let statements = json!([{
            "Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "*",
            "Condition": {"Null": {"aws:TokenIssueTime": "false"}}
        }]);
        // A user with an MFA device: certain, and the path says what it needs.
        let mut m = account(statements.clone(), Vec::new());
        let device = format!("arn:aws:iam::{ACCOUNT}:mfa/mallory");
        with_mfa(&mut m, Some(&device));
        let report = both(&m, &mallory());
        let f = report
            .findings
            .iter()
            .find(|f| f.pattern == "create-policy-version")
            .unwrap_or_else(|| panic!("{report:#?}"));
        assert_eq!(
            f.needs,
            [
                "needs temporary credentials from sts:GetSessionToken with an MFA code".to_owned(),
                format!("needs MFA (user has device {device})")
            ]
        );
        assert!(f.assumptions.is_empty(), "{:?}", f.assumptions);
        let step = &f.steps[0];
        assert!(
            step.context.contains(&"aws:MultiFactorAuthPresent=true".to_owned()),
            "{step:?}"
        );
        assert_eq!(step.statement.as_ref().unwrap().policy, "p (inline, user mallory)");

        // No device, as the credential report says: IAM refuses such
        // credentials, so there is no path.
        let mut m = account(statements.clone(), Vec::new());
        with_mfa(&mut m, None);
        assert!(both(&m, &mallory()).findings.is_empty());

        // Nothing loaded says: found, with the device as an assumption.
        let m = account(statements, Vec::new());
        let report = both(&m, &mallory());
        let f = &report.findings[0];
        assert_eq!(f.pattern, "create-policy-version");
        assert!(f.assumptions[0].contains("has an MFA device"), "{:?}", f.assumptions);

        // The plain request is refused: without the variants there is no path.
        let mut plain = Probe::new(&m, &mallory(), &options().context, options().now).unwrap();
        assert_eq!(
            plain
                .decide("iam:CreatePolicyVersion", &arn("policy", "AttackerPolicy"))
                .decision,
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn temporary_credentials_without_mfa_serve_other_services() {
        // ec2:RunInstances only with temporary credentials; iam:PassRole is
        // checked by EC2 on that same request, not an IAM API call.
        let statements = json!([
            {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
             "Condition": {"Null": {"aws:TokenIssueTime": "false"}}}
        ]);
        let mut m = account(statements, Vec::new());
        with_mfa(&mut m, None);
        let report = both(&m, &mallory());
        let f = report
            .findings
            .iter()
            .find(|f| f.pattern == "passrole-ec2")
            .unwrap_or_else(|| panic!("{report:#?}"));
        assert_eq!(f.needs, ["needs temporary credentials from sts:GetSessionToken"]);
        assert!(f.steps.iter().take(2).all(|s| !s.needs.is_empty()), "{:#?}", f.steps);
    }

    #[test]
    fn a_user_chooses_its_source_ip() {
        // Allowed only from 10.0.0.0/8.
        let allow = json!([{
            "Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
        }]);
        let m = account(allow, Vec::new());
        let report = both(&m, &mallory());
        let f = report.findings.iter().find(|f| f.pattern == "put-user-policy").unwrap();
        assert_eq!(f.needs, ["from a source IP in 10.0.0.0/8"]);
        assert_eq!(f.steps[0].context, ["aws:SourceIp=10.0.0.0"]);

        // Denied from anywhere outside 192.168.0.0/16 (a key the plain
        // request lacks makes NotIpAddress hold, so the deny applies).
        let deny = json!([
            {"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": "192.168.0.0/16"}}}
        ]);
        let m = account(deny, Vec::new());
        let mut plain = Probe::new(&m, &mallory(), &options().context, options().now).unwrap();
        assert_eq!(
            plain.decide("iam:PutUserPolicy", &arn("user", "mallory")).decision,
            Decision::ExplicitDeny
        );
        let report = both(&m, &mallory());
        // The gain check is the plain request, which the deny still refuses.
        assert!(
            report.findings.iter().all(|f| f.pattern != "put-user-policy"),
            "{report:#?}"
        );

        // A condition no source IP can meet gives nothing to try.
        let never = json!([{
            "Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
        }]);
        assert!(both(&account(never, Vec::new()), &mallory()).findings.is_empty());
    }

    #[test]
    fn a_principal_tags_its_own_request_where_the_action_takes_tags() {
        // ec2:RunInstances takes request tags (for the instance it creates).
        let statements = json!([
            {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestTag/team": "red"}}},
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
        ]);
        let m = account(statements, Vec::new());
        let report = both(&m, &mallory());
        let f = report
            .findings
            .iter()
            .find(|f| f.pattern == "passrole-ec2")
            .unwrap_or_else(|| panic!("{report:#?}"));
        assert_eq!(f.needs, ["tags the request team=red"]);
        assert!(f.steps[0].context.contains(&"aws:RequestTag/team=red".to_owned()));
    }

    fn inventory(json: Value) -> Inventory {
        Inventory::from_json("inventory.json", json.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn paths_that_rest_on_assumptions_are_conditional_and_an_inventory_settles_them() {
        // Mallory may replace any Lambda function's code: a path only if a
        // function runs as the administrator role Worker (which trusts Lambda).
        let m = account(
            json!([{"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": "*"}]),
            Vec::new(),
        );
        let report = both(&m, &mallory());
        let f = report
            .findings
            .iter()
            .find(|f| f.pattern == "lambda-update-function-code")
            .unwrap();
        assert!(!f.certain);
        assert!(f.assumptions[0].contains("an existing Lambda function runs as role/Worker"));
        assert_eq!((report.certain, report.conditional), (0, report.findings.len()));
        let all = escalation(&m, None, &options()).unwrap();
        assert_eq!(all.certain, 0);
        assert!(all.conditional >= 2, "user and role mallory: {}", all.conditional);

        // --certain-only drops them, and with them the principal.
        let certain_only = AnalysisOptions {
            certain_only: true,
            ..options()
        };
        let summary = stream(&m, None, &certain_only, &Progress::new(), &mut |r| {
            assert!(r.admin || r.findings.iter().all(|f| f.certain), "{r:#?}")
        })
        .unwrap();
        assert_eq!((summary.escalating, summary.certain, summary.conditional), (0, 0, 0));

        // An inventory that lists a function running as Worker: certain.
        let worker = arn("role", "Worker");
        let listed = AnalysisOptions {
            inventory: Some(std::sync::Arc::new(inventory(json!({"Inventory": {
                "LambdaFunctions": [{"FunctionName": "nightly", "Role": worker}, {"FunctionName": "other", "Role": arn("role", "Chained")}]
            }})))),
            ..options()
        };
        let result = escalation(&m, Some(&mallory()), &listed).unwrap();
        let f = result.principals[0]
            .findings
            .iter()
            .find(|f| f.pattern == "lambda-update-function-code")
            .unwrap();
        assert!(f.certain && f.assumptions.is_empty(), "{f:#?}");
        assert_eq!(f.inventory, ["Lambda function nightly"]);
        assert_eq!(result.certain, 1);
        // The engine's deciding statement stays with the step.
        assert_eq!(
            f.steps[0].statement.as_ref().unwrap().policy,
            "p (inline, user mallory)"
        );

        // One that lists Lambda functions, none of them Worker's: no path.
        let none = AnalysisOptions {
            inventory: Some(std::sync::Arc::new(inventory(json!({"Inventory": {
                "LambdaFunctions": [{"FunctionName": "other", "Role": arn("role", "Chained")}]
            }})))),
            ..options()
        };
        let result = escalation(&m, Some(&mallory()), &none).unwrap();
        assert!(
            result.principals[0]
                .findings
                .iter()
                .all(|f| !f.pattern.starts_with("lambda-update")),
            "{result:#?}"
        );
        // One that says nothing of Lambda leaves the path conditional.
        let silent = AnalysisOptions {
            inventory: Some(std::sync::Arc::new(inventory(
                json!({"Inventory": {"GlueDevEndpoints": []}}),
            ))),
            ..options()
        };
        let result = escalation(&m, Some(&mallory()), &silent).unwrap();
        assert_eq!(result.conditional, 1);
    }

    #[test]
    fn a_path_with_no_assumption_is_certain() {
        let m = account(
            json!([{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"}]),
            Vec::new(),
        );
        let report = both(&m, &mallory());
        assert!(report.findings.iter().all(|f| f.certain));
        assert_eq!(report.certain, report.findings.len());
        // A console password the export does not show is an assumption; the
        // credential report settles it.
        let m = account(
            json!([{"Effect": "Allow", "Action": "iam:CreateLoginProfile", "Resource": "*"}]),
            Vec::new(),
        );
        let report = both(&m, &mallory());
        assert!(report.findings.iter().all(|f| !f.certain), "{report:#?}");
        let mut known = m.clone();
        known.edit(|a| a.users[1].credentials = Some(Default::default()));
        let report = both(&known, &mallory());
        let f = report
            .findings
            .iter()
            .find(|f| f.pattern == "create-login-profile")
            .unwrap();
        assert!(f.certain, "{f:#?}");
    }

    #[test]
    fn a_bad_inventory_says_where() {
        let e = Inventory::from_json(
            "inv.json",
            br#"{"Inventory": {"LambdaFunctions": [{"FunctionName": 3}]}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("inv.json:1:"), "{e}");
        assert!(e.contains("Inventory.LambdaFunctions[0].FunctionName"), "{e}");
        let e = Inventory::from_json("inv.json", br#"{"Inventory": {"Lambdas": []}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("Lambdas"), "{e}");
        let e = Inventory::from_json("inv.json", b"{\"Inventory\": {}, \"Inventory\": {}}")
            .unwrap_err()
            .to_string();
        assert!(e.contains("twice"), "{e}");
    }

    /// Mallory cannot become an administrator, but may make others one: a
    /// role, a group's other member, the users of a policy it may rewrite.
    #[test]
    fn a_principal_that_can_make_another_an_administrator_is_reported() {
        let user = |name: &str, groups: Value, attached: Value, statements: Value| {
            json!({
                "UserName": name, "UserId": format!("AIDA{}", name.to_uppercase()), "Path": "/",
                "Arn": arn("user", name), "GroupList": groups, "AttachedManagedPolicies": attached,
                "UserPolicyList": inline(doc(statements)),
            })
        };
        let bare_role = |name: &str, boundary: Option<String>| {
            let mut r = json!({
                "RoleName": name, "RoleId": format!("AROA{}", name.to_uppercase()), "Path": "/",
                "Arn": arn("role", name),
                "AssumeRolePolicyDocument": doc(json!([])),
            });
            if let Some(b) = boundary {
                r["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": b});
            }
            r
        };
        let shared = json!([{"PolicyName": "Shared", "PolicyArn": arn("policy", "Shared")}]);
        let account = json!({
            "UserDetailList": [
                user("mallory", json!(["Ops"]), json!([]), json!([
                    {"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": [arn("role", "App"), arn("role", "Fenced")]},
                    {"Effect": "Allow", "Action": "iam:PutGroupPolicy", "Resource": arn("group", "Ops")},
                    {"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": arn("policy", "Shared")},
                    {"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": arn("user", "boss")}
                ])),
                // Carol can change role App only: no path of her own.
                user("carol", json!([]), json!([]), json!([
                    {"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": arn("role", "App")}
                ])),
                user("bob", json!(["Ops"]), shared.clone(), json!([])),
                user("boss", json!([]), json!([]), json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}])),
            ],
            "GroupDetailList": [
                {"GroupName": "Ops", "GroupId": "AGPAOPS", "Path": "/", "Arn": arn("group", "Ops")},
            ],
            "RoleDetailList": [bare_role("App", None), bare_role("Fenced", Some(arn("policy", "Shared")))],
            "Policies": [{
                "PolicyName": "Shared", "PolicyId": "ANPASHARED", "Arn": arn("policy", "Shared"),
                "Path": "/", "DefaultVersionId": "v1", "IsAttachable": true,
                "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
                    "Document": doc(json!([{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]))}]
            }],
        });
        let m = crate::io::load_bytes("t.json", account.to_string().as_bytes())
            .unwrap()
            .model;
        let report = both(&m, &mallory());
        let made: Vec<(&str, &str, Vec<&str>)> = report
            .makes_others_admins
            .iter()
            .map(|g| {
                (
                    g.grant,
                    g.target.as_str(),
                    g.administrators.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        let policy = arn("policy", "Shared");
        assert_eq!(
            made,
            [
                // Mallory is in Ops too; the change is reported for bob, the other member.
                ("put-group-policy", "group/Ops", vec!["user/bob"]),
                // Fenced's boundary (Shared) keeps it from IAM: not listed.
                ("attach-role-policy", "role/App", vec!["role/App"]),
                // Boss is an administrator already: not listed.
                ("create-policy-version", policy.as_str(), vec!["user/bob"]),
            ],
            "{report:#?}"
        );
        // Each with the engine's deciding statement and the simulated gain.
        let attach = &report.makes_others_admins[1];
        assert_eq!(attach.steps[0].action, "iam:AttachRolePolicy");
        assert_eq!(
            attach.steps[0].context,
            ["iam:PolicyARN=arn:aws:iam::aws:policy/AdministratorAccess"]
        );
        assert_eq!(
            attach.steps[0].statement.as_ref().unwrap().policy,
            "p (inline, user mallory)"
        );
        assert_eq!(attach.steps[1].by, "role/App");
        assert!(attach.steps[1].note.as_ref().unwrap().starts_with("simulated"));

        // Mallory is in Ops, so the same change is a path of its own too.
        assert!(report.findings.iter().any(|f| f.pattern == "put-group-policy"));

        // Carol has no path, and is reported all the same.
        let all = escalation(&m, None, &options()).unwrap();
        assert_eq!(all.make_others_admins, 2, "{all:#?}");
        let carol = all.principals.iter().find(|p| p.principal == "user/carol").unwrap();
        assert!(carol.findings.is_empty());
        assert_eq!(carol.makes_others_admins[0].grant, "put-role-policy");
        assert_eq!(carol.makes_others_admins[0].administrators, ["role/App"]);
        let summary = stream(&m, None, &options(), &Progress::new(), &mut |_| ()).unwrap();
        assert_eq!(summary.make_others_admins, 2);
        assert_eq!(summary.escalating, 1, "carol does not count as escalating");
    }

    #[test]
    fn a_cancelled_analysis_stops_and_says_so() {
        let m = account(
            json!([{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"}]),
            Vec::new(),
        );
        let progress = Progress::new();
        progress.cancel();
        let summary = stream(&m, None, &options(), &progress, &mut |_| panic!("nothing is looked at")).unwrap();
        assert!(!summary.complete);
        assert_eq!(summary.evaluated, 0);
        let all = stream(&m, None, &options(), &Progress::new(), &mut |_| ()).unwrap();
        assert!(all.complete && all.escalating >= 1 && all.admins >= 1);
    }
}
