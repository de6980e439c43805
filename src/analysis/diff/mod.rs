//! What changed between two states of an account, in decisions rather than
//! JSON: which principals gained or lost which actions (by service and
//! access level, with requests that flip), which escalation paths and
//! administrators appeared or went, who can now assume which role, which
//! public or cross-account grants appeared in resource-based and trust
//! policies, and which credentials changed.
//!
//! # How it stays fast
//!
//! Only what can have changed is asked again ([`inputs`]): a principal's
//! permissions are recomputed (with [`super::what_can`], on both states)
//! only when one of its documents, attachments, groups or boundary changed,
//! and only for the services a changed statement can match. SCP and RCP
//! changes, and resource policies, are checked as requests: the actions and
//! resources the changed documents name, for every principal, with
//! [`super::who_can`] on both states. Escalation paths ([`super::escalation`])
//! are searched again for the principals whose permissions changed, who can
//! newly (or no longer) assume a changed role, and who can act on a
//! principal that became (or stopped being) an administrator.
//!
//! # What is compared
//!
//! * An action counts as allowed as [`super::what_can`] counts it: on `*`,
//!   on any resource of its types, or on an ARN the policies name. An action
//!   allowed in both states on different resources is not a change.
//! * Principals are matched by name (`user/NAME`, `role/NAME`, an identity
//!   pool's two kinds of identity). A principal only in NEW gains all it can
//!   do; one only in OLD is listed as removed.

pub(crate) mod grants;
pub(crate) mod inputs;

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::Serialize;

use self::grants::{Grant, GrantKind};
use self::inputs::{Services, same};
use super::escalation::{Analyzer, Finding};
use super::impact::Flip;
use super::patterns::PATTERNS;
use super::what_can::{Access, WhatCanOptions, what_can};
use crate::catalog::catalog;
use crate::eval::{Context, Decision, PrincipalSpec, Request};
use crate::model::{AccessKeyStatus, Credentials, Model};
use crate::policy::{Effect, PolicyDocument};

#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Condition keys every request carries.
    pub context: Context,
    /// The time of every request.
    pub now: Timestamp,
    /// Longest chain of roles followed for escalation paths.
    pub max_depth: usize,
    /// Search escalation paths (the slowest part on a large account).
    pub escalation: bool,
}

impl DiffOptions {
    /// What each whole-account question of the diff carries.
    fn analysis(&self) -> super::AnalysisOptions {
        super::AnalysisOptions {
            context: self.context.clone(),
            max_depth: self.max_depth,
            ..super::AnalysisOptions::at(self.now)
        }
    }
}

/// One access level of one service, before and after.
#[derive(Debug, Clone, Serialize)]
pub struct LevelChange {
    pub service: String,
    /// `permissions-management`.
    pub level: &'static str,
    /// `Permissions management`.
    pub label: &'static str,
    pub before: Access,
    pub after: Access,
    pub gained: Vec<String>,
    pub lost: Vec<String>,
    /// Some requests that flip (gained first).
    pub flips: Vec<Flip>,
}

/// A principal whose permissions changed.
#[derive(Debug, Clone, Serialize)]
pub struct PermissionChange {
    pub principal: String,
    /// What changed in its inputs (`attached AdministratorAccess`); `new principal` when it is new.
    pub why: Vec<String>,
    pub levels: Vec<LevelChange>,
}

impl PermissionChange {
    pub fn gained(&self) -> usize {
        self.levels.iter().map(|l| l.gained.len()).sum()
    }
    pub fn lost(&self) -> usize {
        self.levels.iter().map(|l| l.lost.len()).sum()
    }
}

/// One escalation path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EscalationPath {
    pub principal: String,
    pub pattern: &'static str,
    pub name: &'static str,
    pub target: String,
    /// Roles to act as first, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
    pub gain: String,
}

impl EscalationPath {
    fn of(principal: &str, f: &Finding) -> EscalationPath {
        EscalationPath {
            principal: principal.to_owned(),
            pattern: f.pattern,
            name: f.name,
            target: f.target.clone(),
            via: f.via.iter().map(|h| h.role.clone()).collect(),
            gain: f.gain.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EscalationChanges {
    /// Principals that are administrators now and were not.
    pub new_administrators: Vec<String>,
    pub former_administrators: Vec<String>,
    pub added: Vec<EscalationPath>,
    pub removed: Vec<EscalationPath>,
    /// Principals searched in both states.
    pub searched: usize,
    /// Not searched at all (asked not to).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
}

/// Who can assume a role whose trust policy changed.
#[derive(Debug, Clone, Serialize)]
pub struct TrustChange {
    /// `role/NAME`.
    pub role: String,
    /// The role is new.
    pub new_role: bool,
    /// Principals of the account that may now `sts:AssumeRole` it.
    pub can_now_assume: Vec<String>,
    pub can_no_longer_assume: Vec<String>,
    /// Principals the trust policy names now and did not (`AWS arn:aws:iam::444455556666:root`, `Service ec2.amazonaws.com`, `*`).
    pub trusts_now: Vec<String>,
    pub trusts_no_longer: Vec<String>,
    /// The role is an administrator (in NEW): whoever can now assume it can become one.
    pub administrator: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum CredentialEvent {
    AccessKeyAdded { id: Option<String> },
    AccessKeyActivated { id: Option<String> },
    AccessKeyRemoved { id: Option<String> },
    AccessKeyDeactivated { id: Option<String> },
    ConsolePasswordAdded,
    ConsolePasswordRemoved,
    MfaRemoved,
    MfaAdded,
}

impl CredentialEvent {
    pub fn describe(&self) -> String {
        let key = |id: &Option<String>| id.as_deref().map(|i| format!(" {i}")).unwrap_or_default();
        match self {
            CredentialEvent::AccessKeyAdded { id } => format!("new access key{}", key(id)),
            CredentialEvent::AccessKeyActivated { id } => format!("access key{} made active", key(id)),
            CredentialEvent::AccessKeyRemoved { id } => format!("access key{} deleted", key(id)),
            CredentialEvent::AccessKeyDeactivated { id } => format!("access key{} made inactive", key(id)),
            CredentialEvent::ConsolePasswordAdded => "console password added".to_owned(),
            CredentialEvent::ConsolePasswordRemoved => "console password removed".to_owned(),
            CredentialEvent::MfaRemoved => "MFA removed".to_owned(),
            CredentialEvent::MfaAdded => "MFA added".to_owned(),
        }
    }

    /// Whether the change opens a way in (rather than closing one).
    pub fn opens(&self) -> bool {
        matches!(
            self,
            CredentialEvent::AccessKeyAdded { .. }
                | CredentialEvent::AccessKeyActivated { .. }
                | CredentialEvent::ConsolePasswordAdded
                | CredentialEvent::MfaRemoved
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CredentialChange {
    pub principal: String,
    #[serde(flatten)]
    pub event: CredentialEvent,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrgPolicyChange {
    /// `SCP` or `RCP`.
    pub kind: &'static str,
    pub name: String,
    pub target: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
}

/// Everything that changed, in decisions.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub old_account: String,
    pub new_account: String,
    pub added_principals: Vec<String>,
    pub removed_principals: Vec<String>,
    pub permissions: Vec<PermissionChange>,
    /// Requests that flip because of SCP, RCP and resource policy changes.
    pub request_flips: Vec<Flip>,
    pub escalation: EscalationChanges,
    pub trust: Vec<TrustChange>,
    pub new_grants: Vec<Grant>,
    pub removed_grants: Vec<Grant>,
    pub credentials: Vec<CredentialChange>,
    pub organization_policies: Vec<OrgPolicyChange>,
    /// Principals whose permissions were computed again (out of all in NEW).
    pub recomputed: usize,
    pub principals: usize,
    /// Requests asked of both states for [`Self::request_flips`].
    pub requests_checked: usize,
    /// What could not be evaluated.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

impl Diff {
    /// Some principal may do something it could not (an action, a role it can assume, a request that flips to Allow).
    pub fn has_gain(&self) -> bool {
        self.permissions.iter().any(|p| p.gained() > 0)
            || self.request_flips.iter().any(|f| f.after == Decision::Allow)
            || self
                .trust
                .iter()
                .any(|t| !t.can_now_assume.is_empty() || !t.trusts_now.is_empty())
    }

    /// A new escalation path, or a new administrator.
    pub fn has_escalation(&self) -> bool {
        !self.escalation.added.is_empty() || !self.escalation.new_administrators.is_empty()
    }

    /// A new grant to anyone at all.
    pub fn has_public(&self) -> bool {
        self.new_grants.iter().any(|g| g.kind == GrantKind::Public)
    }

    pub fn is_empty(&self) -> bool {
        self.added_principals.is_empty()
            && self.removed_principals.is_empty()
            && self.permissions.is_empty()
            && self.request_flips.is_empty()
            && self.escalation.added.is_empty()
            && self.escalation.removed.is_empty()
            && self.escalation.new_administrators.is_empty()
            && self.escalation.former_administrators.is_empty()
            && self.trust.is_empty()
            && self.new_grants.is_empty()
            && self.removed_grants.is_empty()
            && self.credentials.is_empty()
            && self.organization_policies.is_empty()
    }
}

/// At most this many example requests per level.
const FLIP_EXAMPLES: usize = 3;
/// At most this many (action, resource) requests for the organisation's and resources' policies.
const MAX_REQUESTS: usize = 60;

struct LevelState {
    label: &'static str,
    access: Access,
    /// Allowed action → the resource it was allowed on.
    actions: BTreeMap<String, String>,
}

type Snapshot = BTreeMap<(String, &'static str), LevelState>;

fn snapshot(
    model: &Model,
    spec: &PrincipalSpec,
    services: &Services,
    options: &DiffOptions,
) -> Result<Snapshot, String> {
    let services: Vec<String> = match services {
        Services::None => return Ok(Snapshot::new()),
        Services::Only(set) => set.iter().cloned().collect(),
        Services::All => Vec::new(),
    };
    let what = what_can(
        model,
        spec,
        &WhatCanOptions {
            context: options.context.clone(),
            every_allowed: true,
            services,
            ..WhatCanOptions::at(options.now)
        },
    )
    .map_err(|e| format!("{spec}: {e}"))?;
    let mut out = Snapshot::new();
    for s in what.services {
        for level in s.levels {
            out.insert(
                (s.service.to_owned(), level.level),
                LevelState {
                    label: level.label,
                    access: level.access,
                    actions: level.allowed_actions.into_iter().collect(),
                },
            );
        }
    }
    Ok(out)
}

fn request(spec: &PrincipalSpec, action: &str, resource: &str, options: &DiffOptions) -> Request {
    let mut request = Request::new(spec.clone(), action, resource, options.now);
    request.context = options.context.clone();
    request
}

fn decision(
    model: &Model,
    spec: &PrincipalSpec,
    action: &str,
    resource: &str,
    options: &DiffOptions,
) -> Option<Decision> {
    crate::eval::decide(model, &request(spec, action, resource, options))
        .ok()
        .map(|o| o.decision)
}

fn compare(
    old: &Model,
    new: &Model,
    spec: &PrincipalSpec,
    before: Snapshot,
    mut after: Snapshot,
    options: &DiffOptions,
    is_new: bool,
) -> Vec<LevelChange> {
    let mut keys: BTreeSet<(String, &'static str)> = before.keys().cloned().collect();
    keys.extend(after.keys().cloned());
    let mut before = before;
    let mut out = Vec::new();
    for key in keys {
        let b = before.remove(&key);
        let a = after.remove(&key);
        let label = a.as_ref().or(b.as_ref()).map_or("", |l| l.label);
        let empty = BTreeMap::new();
        let b_actions = b.as_ref().map_or(&empty, |l| &l.actions);
        let a_actions = a.as_ref().map_or(&empty, |l| &l.actions);
        let gained: Vec<(&String, &String)> = a_actions.iter().filter(|(k, _)| !b_actions.contains_key(*k)).collect();
        let lost: Vec<(&String, &String)> = b_actions.iter().filter(|(k, _)| !a_actions.contains_key(*k)).collect();
        if gained.is_empty() && lost.is_empty() {
            continue;
        }
        let mut flips = Vec::new();
        if !is_new {
            for (action, resource) in gained.iter().take(FLIP_EXAMPLES) {
                if let Some(was) = decision(old, spec, action, resource, options) {
                    flips.push(Flip {
                        principal: spec.to_string(),
                        action: (*action).clone(),
                        resource: (*resource).clone(),
                        before: was,
                        after: Decision::Allow,
                    });
                }
            }
            for (action, resource) in lost.iter().take(FLIP_EXAMPLES) {
                if let Some(now) = decision(new, spec, action, resource, options) {
                    flips.push(Flip {
                        principal: spec.to_string(),
                        action: (*action).clone(),
                        resource: (*resource).clone(),
                        before: Decision::Allow,
                        after: now,
                    });
                }
            }
        }
        out.push(LevelChange {
            service: key.0.clone(),
            level: key.1,
            label,
            before: b.as_ref().map_or(Access::None, |l| l.access),
            after: a.as_ref().map_or(Access::None, |l| l.access),
            gained: gained.into_iter().map(|(k, _)| k.clone()).collect(),
            lost: lost.into_iter().map(|(k, _)| k.clone()).collect(),
            flips,
        });
    }
    out
}

/// Work shared over the machine's cores, results in the work's order.
fn in_parallel<T: Sync, R: Send>(work: &[T], each: &(dyn Fn(&T) -> R + Sync)) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if work.len() < 2 || threads < 2 {
        return work.iter().map(each).collect();
    }
    let chunk = work.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = work
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(each).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a diff worker panicked"))
            .collect()
    })
}

/// Work shared over the machine's cores a chunk at a time (a worker may keep
/// what it learns between the items of its chunk), results in order.
fn in_chunks<T: Sync, R: Send>(work: &[T], each: &(dyn Fn(&[T]) -> Vec<R> + Sync)) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if work.len() < 2 || threads < 2 {
        return each(work);
    }
    let chunk = work.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = work.chunks(chunk).map(|part| scope.spawn(move || each(part))).collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a diff worker panicked"))
            .collect()
    })
}

fn principal_exists(model: &Model, spec: &PrincipalSpec) -> bool {
    crate::eval::context::resolve(model, spec).is_ok()
}

/// The principals of the account allowed `action` on `resource`.
fn allowed(model: &Model, action: &str, resource: &str, options: &DiffOptions) -> BTreeSet<String> {
    super::who_can::who_can(model, action, resource, &options.analysis(), &super::Progress::new())
        .allowed
        .into_iter()
        .map(|a| a.principal)
        .collect()
}

/// Requests named by changed documents that flip, for every principal in both states.
fn request_flips(
    old: &Model,
    new: &Model,
    documents: &[PolicyDocument],
    fixed: &[String],
    options: &DiffOptions,
) -> (Vec<Flip>, usize) {
    let (actions, named) = super::impact::actions_and_resources(documents);
    let mut resources: Vec<String> = fixed.to_vec();
    for resource in named {
        if !resources.contains(&resource) {
            resources.push(resource);
        }
    }
    let mut pairs = Vec::new();
    'actions: for action in actions.iter().filter(|a| catalog().action(a).is_some()) {
        for resource in resources.iter().filter(|r| catalog().accepts(action, r)) {
            if pairs.len() == MAX_REQUESTS {
                break 'actions;
            }
            pairs.push((action.clone(), resource.clone()));
        }
    }
    let mut flips = Vec::new();
    for (action, resource) in &pairs {
        let before = allowed(old, action, resource, options);
        let after = allowed(new, action, resource, options);
        for principal in before.symmetric_difference(&after) {
            let Ok(spec) = PrincipalSpec::parse(principal) else {
                continue;
            };
            if !principal_exists(old, &spec) || !principal_exists(new, &spec) {
                continue;
            }
            let (Some(b), Some(a)) = (
                decision(old, &spec, action, resource, options),
                decision(new, &spec, action, resource, options),
            ) else {
                continue;
            };
            flips.push(Flip {
                principal: principal.clone(),
                action: action.clone(),
                resource: resource.clone(),
                before: b,
                after: a,
            });
        }
    }
    (flips, pairs.len())
}

/// Everything a trust policy names in its Allow statements.
fn trusted(document: Option<&PolicyDocument>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for statement in document.iter().flat_map(|d| d.parsed().statements()) {
        if statement.effect != Effect::Allow {
            continue;
        }
        let Some(principal) = &statement.principal else {
            continue;
        };
        if principal.any {
            out.insert("*".to_owned());
        }
        for entry in &principal.entries {
            out.insert(format!("{} {}", entry.kind.as_str(), entry.value));
        }
    }
    out
}

fn trust_changes(old: &Model, new: &Model, options: &DiffOptions) -> Vec<TrustChange> {
    let mut out = Vec::new();
    for role in &new.account().roles {
        let before = old.role(&role.name);
        if before.is_some_and(|b| same(b.trust_policy.as_ref(), role.trust_policy.as_ref())) {
            continue;
        }
        let arn = role.arn.to_string();
        let now = allowed(new, "sts:AssumeRole", &arn, options);
        let was = match before {
            Some(b) => allowed(old, "sts:AssumeRole", b.arn.as_str(), options),
            None => BTreeSet::new(),
        };
        let trusts = trusted(role.trust_policy.as_ref());
        let trusted_before = trusted(before.and_then(|b| b.trust_policy.as_ref()));
        let name = format!("role/{}", role.name);
        out.push(TrustChange {
            can_now_assume: now.difference(&was).filter(|p| **p != name).cloned().collect(),
            can_no_longer_assume: was.difference(&now).filter(|p| **p != name).cloned().collect(),
            trusts_now: trusts.difference(&trusted_before).cloned().collect(),
            trusts_no_longer: trusted_before.difference(&trusts).cloned().collect(),
            role: name,
            new_role: before.is_none(),
            administrator: false,
        });
    }
    out
}

/// Grants to anyone or to other accounts: resource policies, trust policies and identity pools' guests.
fn all_grants(model: &Model) -> BTreeSet<Grant> {
    let a = model.account();
    let mut out = BTreeSet::new();
    for p in &a.resource_policies {
        out.extend(grants::grants(&p.policy, &p.resource_arn, &a.id));
    }
    for role in &a.roles {
        if let Some(trust) = &role.trust_policy {
            out.extend(grants::grants(trust, role.arn.as_str(), &a.id));
        }
    }
    for pool in &a.identity_pools {
        if pool.allow_unauthenticated
            && let Some(role) = &pool.unauthenticated_role
        {
            out.insert(Grant {
                resource: role.clone(),
                kind: GrantKind::Public,
                principal: format!("guests of identity pool {}", pool.id),
                actions: vec!["sts:AssumeRoleWithWebIdentity".to_owned()],
                conditions: Vec::new(),
            });
        }
    }
    out
}

fn key_events(before: &Credentials, after: &Credentials, out: &mut Vec<CredentialEvent>) {
    let with_ids = before
        .access_keys
        .iter()
        .chain(&after.access_keys)
        .all(|k| k.id.is_some());
    if with_ids {
        for key in &after.access_keys {
            match before.access_keys.iter().find(|k| k.id == key.id) {
                None => out.push(CredentialEvent::AccessKeyAdded { id: key.id.clone() }),
                Some(was) if was.status != key.status => out.push(if key.status == AccessKeyStatus::Active {
                    CredentialEvent::AccessKeyActivated { id: key.id.clone() }
                } else {
                    CredentialEvent::AccessKeyDeactivated { id: key.id.clone() }
                }),
                Some(_) => {}
            }
        }
        for key in &before.access_keys {
            if !after.access_keys.iter().any(|k| k.id == key.id) {
                out.push(CredentialEvent::AccessKeyRemoved { id: key.id.clone() });
            }
        }
        return;
    }
    // The credential report has no key ids: compare what it says of each slot.
    let (b, a) = (before.active_access_keys(), after.active_access_keys());
    let created = |c: &Credentials| c.access_keys.iter().filter_map(|k| k.created).collect::<BTreeSet<_>>();
    let (bc, ac) = (created(before), created(after));
    for _ in ac.difference(&bc) {
        out.push(CredentialEvent::AccessKeyAdded { id: None });
    }
    if ac == bc {
        for _ in b..a {
            out.push(CredentialEvent::AccessKeyActivated { id: None });
        }
        for _ in a..b {
            out.push(CredentialEvent::AccessKeyDeactivated { id: None });
        }
    }
    for _ in bc.difference(&ac) {
        out.push(CredentialEvent::AccessKeyRemoved { id: None });
    }
}

fn credential_events(before: Option<&Credentials>, after: Option<&Credentials>) -> Vec<CredentialEvent> {
    let mut out = Vec::new();
    // Only what both states describe can be compared.
    let (Some(before), Some(after)) = (before, after) else {
        return out;
    };
    match (&before.password, &after.password) {
        (None, Some(_)) => out.push(CredentialEvent::ConsolePasswordAdded),
        (Some(_), None) => out.push(CredentialEvent::ConsolePasswordRemoved),
        _ => {}
    }
    match (before.mfa_active, after.mfa_active) {
        (true, false) => out.push(CredentialEvent::MfaRemoved),
        (false, true) => out.push(CredentialEvent::MfaAdded),
        _ => {}
    }
    key_events(before, after, &mut out);
    out
}

fn credential_changes(old: &Model, new: &Model) -> Vec<CredentialChange> {
    let mut out = Vec::new();
    let mut push = |principal: String, events: Vec<CredentialEvent>| {
        out.extend(events.into_iter().map(|event| CredentialChange {
            principal: principal.clone(),
            event,
        }))
    };
    push(
        "root".to_owned(),
        credential_events(
            old.account().root.credentials.as_ref(),
            new.account().root.credentials.as_ref(),
        ),
    );
    for user in &new.account().users {
        let before = old.user(&user.name);
        let events = match before {
            Some(b) => credential_events(b.credentials.as_ref(), user.credentials.as_ref()),
            // a new user: what it comes with
            None => credential_events(Some(&Credentials::default()), user.credentials.as_ref()),
        };
        push(format!("user/{}", user.name), events);
    }
    out
}

/// Actions that take over a user or a role when it is an administrator
/// (the escalation patterns' targets): whoever may do one of them on it has
/// a path that depends on it.
const TAKE_OVER_USER: [&str; 3] = [
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
];
const TAKE_OVER_ROLE: [&str; 3] = ["sts:AssumeRole", "iam:PassRole", "iam:UpdateAssumeRolePolicy"];

fn arn_of(model: &Model, spec: &PrincipalSpec) -> Option<String> {
    match spec {
        PrincipalSpec::User(name) => model.user(name).map(|u| u.arn.to_string()),
        PrincipalSpec::Role { name, .. } => model.role(name).map(|r| r.arn.to_string()),
        _ => None,
    }
}

/// The services of the actions the escalation patterns need (and IAM's).
fn escalation_services() -> BTreeSet<String> {
    let mut out: BTreeSet<String> = ["iam".to_owned(), "sts".to_owned()].into();
    for pattern in PATTERNS {
        for need in pattern.needs {
            for action in need.any_of {
                if let Some((service, _)) = action.split_once(':') {
                    out.insert(service.to_ascii_lowercase());
                }
            }
        }
    }
    out
}

/// One principal's escalation state in both states of the account.
struct Searched {
    spec: PrincipalSpec,
    admin: (bool, bool),
    paths: (BTreeSet<EscalationPath>, BTreeSet<EscalationPath>),
    errors: Vec<String>,
}

fn paths_of(
    analyzer: &mut Analyzer<'_>,
    model: &Model,
    spec: &PrincipalSpec,
    errors: &mut Vec<String>,
) -> BTreeSet<EscalationPath> {
    if !principal_exists(model, spec) {
        return BTreeSet::new();
    }
    match analyzer.principal(spec) {
        Ok(report) => report
            .findings
            .iter()
            .map(|f| EscalationPath::of(&report.principal, f))
            .collect(),
        Err(e) => {
            errors.push(format!("escalation of {spec}: {e}"));
            BTreeSet::new()
        }
    }
}

/// Search every principal of `specs` in both states, over the machine's
/// cores (each worker keeps its own analyzers and what they learn).
fn search(old: &Model, new: &Model, specs: &[PrincipalSpec], options: &DiffOptions) -> Vec<Searched> {
    in_chunks(specs, &|chunk: &[PrincipalSpec]| {
        let mut before = Analyzer::new(old, &options.analysis());
        let mut after = Analyzer::new(new, &options.analysis());
        chunk
            .iter()
            .map(|spec| {
                let mut errors = Vec::new();
                let admin = (
                    principal_exists(old, spec) && before.is_admin(spec),
                    principal_exists(new, spec) && after.is_admin(spec),
                );
                let paths = (
                    paths_of(&mut before, old, spec, &mut errors),
                    paths_of(&mut after, new, spec, &mut errors),
                );
                Searched {
                    spec: spec.clone(),
                    admin,
                    paths,
                    errors,
                }
            })
            .collect()
    })
}

fn escalation_changes(
    old: &Model,
    new: &Model,
    searched: BTreeSet<String>,
    trust: &mut [TrustChange],
    options: &DiffOptions,
    errors: &mut Vec<String>,
) -> EscalationChanges {
    let specs = |names: &BTreeSet<String>| -> Vec<PrincipalSpec> {
        names
            .iter()
            .filter_map(|n| PrincipalSpec::parse(n).ok())
            .filter(|s| *s != PrincipalSpec::Root)
            .collect()
    };
    let mut results = search(old, new, &specs(&searched), options);
    // Whoever can take over a principal whose administrator status changed
    // has a path that changed with it: search them too.
    let mut more: BTreeSet<String> = BTreeSet::new();
    for r in results.iter().filter(|r| r.admin.0 != r.admin.1) {
        let actions: &[&str] = match r.spec {
            PrincipalSpec::User(_) => &TAKE_OVER_USER,
            PrincipalSpec::Role { .. } => &TAKE_OVER_ROLE,
            _ => &[],
        };
        for model in [old, new] {
            let Some(arn) = arn_of(model, &r.spec) else { continue };
            for action in actions {
                more.extend(allowed(model, action, &arn, options));
            }
        }
    }
    let more: BTreeSet<String> = more.difference(&searched).cloned().collect();
    results.extend(search(old, new, &specs(&more), options));

    let mut out = EscalationChanges::default();
    for r in results {
        out.searched += 1;
        errors.extend(r.errors);
        match r.admin {
            (false, true) => out.new_administrators.push(r.spec.to_string()),
            (true, false) => out.former_administrators.push(r.spec.to_string()),
            _ => {}
        }
        out.added.extend(r.paths.1.difference(&r.paths.0).cloned());
        out.removed.extend(r.paths.0.difference(&r.paths.1).cloned());
    }
    // Who can now assume an administrator role has the assume-role path to it
    // (and who no longer can, loses it).
    let mut before = Analyzer::new(old, &options.analysis());
    let mut after = Analyzer::new(new, &options.analysis());
    let chain = super::patterns::pattern("assume-role-chain");
    for t in trust.iter_mut() {
        let Ok(role) = PrincipalSpec::parse(&t.role) else {
            continue;
        };
        t.administrator = after.is_admin(&role);
        let was_admin = principal_exists(old, &role) && before.is_admin(&role);
        let Some(chain) = chain else { continue };
        let path = |principal: &String| EscalationPath {
            principal: principal.clone(),
            pattern: chain.id,
            name: chain.name,
            target: t.role.clone(),
            via: Vec::new(),
            gain: chain.gain.to_owned(),
        };
        if t.administrator {
            for p in &t.can_now_assume {
                if PrincipalSpec::parse(p).is_ok_and(|s| !after.is_admin(&s)) {
                    out.added.push(path(p));
                }
            }
        }
        if was_admin {
            out.removed.extend(t.can_no_longer_assume.iter().map(path));
        }
    }
    out.new_administrators.sort();
    out.former_administrators.sort();
    out.added.sort();
    out.added.dedup();
    out.removed.sort();
    out.removed.dedup();
    out
}

/// Compare two states of an account.
pub fn diff(old: &Model, new: &Model, options: &DiffOptions) -> Diff {
    let affected = inputs::affected(old, new);
    let mut errors = Vec::new();

    // Permissions: the principals whose inputs changed, and the new ones.
    let mut work: Vec<(PrincipalSpec, Vec<String>, Services, bool, bool)> = affected
        .changed
        .values()
        .filter(|(_, d)| d.services != Services::None)
        .map(|(spec, delta)| {
            (
                spec.clone(),
                delta.why.clone(),
                delta.services.clone(),
                false,
                delta.escalation,
            )
        })
        .collect();
    work.extend(affected.added.iter().map(|spec| {
        (
            spec.clone(),
            vec!["new principal".to_owned()],
            Services::All,
            true,
            true,
        )
    }));
    let results = in_parallel(&work, &|(spec, why, services, is_new, _)| {
        let before = if *is_new {
            Ok(Snapshot::new())
        } else {
            snapshot(old, spec, services, options)
        };
        let after = snapshot(new, spec, services, options);
        match (before, after) {
            (Ok(b), Ok(a)) => Ok(PermissionChange {
                principal: spec.to_string(),
                why: why.clone(),
                levels: compare(old, new, spec, b, a, options, *is_new),
            }),
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    });
    let mut permissions = Vec::new();
    for result in results {
        match result {
            Ok(change) if !change.levels.is_empty() => permissions.push(change),
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }

    // The organisation's policies and resource policies, as requests.
    let org = inputs::org_policy_changes(old, new);
    let mut documents: Vec<PolicyDocument> = Vec::new();
    for change in &org {
        documents.extend(change.before.iter().chain(&change.after).cloned());
    }
    let (mut flips, mut requests_checked) = if documents.is_empty() {
        (Vec::new(), 0)
    } else {
        request_flips(old, new, &documents, &["*".to_owned()], options)
    };
    for (arn, (before, after)) in inputs::resource_policy_changes(old, new) {
        let docs: Vec<PolicyDocument> = before.into_iter().chain(after).collect();
        let (more, checked) = request_flips(old, new, &docs, std::slice::from_ref(&arn), options);
        flips.extend(more);
        requests_checked += checked;
    }
    flips.sort_by(|a, b| (&a.principal, &a.action, &a.resource).cmp(&(&b.principal, &b.action, &b.resource)));
    flips.dedup();

    let mut trust = trust_changes(old, new, options);

    // Escalation: whoever's changed statements can match an action a path
    // is made of (the others keep the paths they had).
    let escalates: BTreeSet<String> = work
        .iter()
        .filter(|(_, _, _, is_new, escalation)| *is_new || *escalation)
        .map(|(spec, ..)| spec.to_string())
        .collect();
    let mut searched: BTreeSet<String> = permissions
        .iter()
        .filter(|p| escalates.contains(&p.principal))
        .map(|p| p.principal.clone())
        .collect();
    let relevant = escalation_services();
    searched.extend(
        flips
            .iter()
            .filter(|f| {
                f.action
                    .split(':')
                    .next()
                    .is_some_and(|s| relevant.contains(&s.to_ascii_lowercase()))
            })
            .map(|f| f.principal.clone()),
    );
    let escalation = if options.escalation {
        escalation_changes(old, new, searched, &mut trust, options, &mut errors)
    } else {
        EscalationChanges {
            skipped: true,
            ..EscalationChanges::default()
        }
    };

    let (before, after) = (all_grants(old), all_grants(new));
    let principals = super::who_can::principals(new).len();
    Diff {
        old_account: old.account().display_name(),
        new_account: new.account().display_name(),
        added_principals: affected.added.iter().map(ToString::to_string).collect(),
        removed_principals: affected.removed.iter().map(ToString::to_string).collect(),
        recomputed: work.len(),
        permissions,
        request_flips: flips,
        escalation,
        trust,
        new_grants: after.difference(&before).cloned().collect(),
        removed_grants: before.difference(&after).cloned().collect(),
        credentials: credential_changes(old, new),
        organization_policies: org
            .into_iter()
            .map(|c| OrgPolicyChange {
                kind: c.kind,
                name: c.name,
                target: c.target,
                change: c.what,
            })
            .collect(),
        principals,
        requests_checked,
        errors,
    }
}

#[cfg(test)]
mod tests;
