//! The evaluation pipeline ("Policy evaluation logic", "Cross-account policy
//! evaluation logic"): gather the policies that apply, check every statement,
//! then settle the decision by AWS's order — explicit deny, RCPs, SCPs,
//! resource-based policies, identity-based policies, permissions boundary,
//! session policies.
//!
//! One code path serves both the fast answer (no trace kept: millions of
//! decisions a second) and the explained one; only the [`Recorder`] differs.

use super::context::{Env, Requester};
use super::matching::{PrincipalMatch, StatementOutcome, check_statement};
use super::request::Request;
use crate::model::{AppliedPolicy, Model, OrgLevel};
use crate::policy::{Effect, PolicyDocument};

/// AWS's answer to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Decision {
    Allow,
    /// A statement with `"Effect": "Deny"` applies: nothing can override it.
    ExplicitDeny,
    /// Nothing allows the request (or a policy that must allow it does not).
    ImplicitDeny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ExplicitDeny => "ExplicitDeny",
            Decision::ImplicitDeny => "ImplicitDeny",
        }
    }

    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// A policy that took part in an evaluation, by position in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyRef {
    UserInline { user: usize, index: usize },
    UserManaged { user: usize, policy: usize },
    GroupInline { group: usize, index: usize },
    GroupManaged { group: usize, policy: usize },
    RoleInline { role: usize, index: usize },
    RoleManaged { role: usize, policy: usize },
    Boundary { policy: usize },
    Scp { index: usize },
    Rcp { index: usize },
    Resource { index: usize },
    Trust { role: usize },
    Session { index: usize },
}

/// One statement of one policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatementRef {
    pub policy: PolicyRef,
    pub statement: usize,
}

/// The rule that settled a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    ExplicitDeny,
    /// Identity-based policies allow (and boundary and session policies, if any).
    IdentityPolicyAllows,
    /// In one account, a resource-based policy that names the user, the
    /// session, or anyone allows on its own.
    ResourcePolicyAllows,
    /// A resource-based policy names the role; boundary and session policies still cap it.
    ResourcePolicyAllowsRole,
    /// The root user has full access to its own account.
    RootUser,
    /// A trust policy lets an AWS service, or a web identity, assume the role.
    TrustedPrincipal,
    /// Across accounts: the identity side and the resource side both allow.
    BothAccountsAllow,
    NoAllow,
    /// SCP level number `level` (see `Index::scp_levels`) allows nothing.
    ScpLevelAllowsNothing {
        level: usize,
    },
    BoundaryDoesNotAllow,
    SessionPolicyDoesNotAllow,
    /// A role's trust policy must itself allow `sts:AssumeRole*`.
    TrustPolicyDoesNotAllow,
    /// A KMS key policy must itself allow (or delegate to the account).
    KeyPolicyDoesNotAllow,
    /// Across accounts: the resource's policy does not allow this principal.
    ResourceAccountDoesNotAllow,
    /// Across accounts: the principal's own policies do not allow it.
    IdentityAccountDoesNotAllow,
    /// STS refuses AssumeRole with root user credentials.
    RootCannotAssumeRoles,
    /// The role is not in the export and no trust policy for it was given.
    TrustPolicyUnknown,
    /// The identity pool does not allow unauthenticated identities.
    GuestsNotAllowed,
    /// The identity pool has no role for this kind of identity.
    PoolHasNoRole,
    /// The pool's identity could not assume the pool's role (see the first hop).
    CannotAssumePoolRole,
    /// The federated principal's SAML or OIDC provider is not in the account.
    ProviderNotInAccount,
    /// No role of the account trusts the federated principal's provider.
    NoRoleTrustsProvider,
    /// The token's audience is not one of the OIDC provider's client ids.
    AudienceNotRegistered,
    /// The federated principal could not assume the role (see the first hop).
    CannotAssumeRole,
}

/// The fast answer: the decision, its rule, and one statement that decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub decision: Decision,
    pub basis: Basis,
    pub deciding: Option<StatementRef>,
}

/// A session policy in force for this request.
#[derive(Debug, Clone)]
pub struct SessionPolicy {
    pub name: String,
    pub document: PolicyDocument,
}

pub(crate) trait Recorder {
    const ENABLED: bool;
    fn policy(&mut self, policy: PolicyRef);
    fn statement(&mut self, at: StatementRef, effect: Effect, outcome: StatementOutcome);
}

impl Recorder for () {
    const ENABLED: bool = false;
    #[inline(always)]
    fn policy(&mut self, _: PolicyRef) {}
    #[inline(always)]
    fn statement(&mut self, _: StatementRef, _: Effect, _: StatementOutcome) {}
}

/// Every policy and statement an evaluation looked at, in order.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    pub policies: Vec<PolicyRef>,
    pub statements: Vec<(StatementRef, Effect, StatementOutcome)>,
}

impl Recorder for Trace {
    const ENABLED: bool = true;
    fn policy(&mut self, policy: PolicyRef) {
        self.policies.push(policy);
    }
    fn statement(&mut self, at: StatementRef, effect: Effect, outcome: StatementOutcome) {
        self.statements.push((at, effect, outcome));
    }
}

/// What the statements of one kind of policy said.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Side {
    pub present: bool,
    pub allow: Option<StatementRef>,
}

/// What a resource-based policy said, and how it named the requester.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ResourceSide {
    pub present: bool,
    pub allow: Option<(PrincipalMatch, StatementRef)>,
    /// No key policy is known for this KMS key: AWS's default key policy,
    /// which delegates to the account's IAM policies, is assumed.
    pub default_key_policy: bool,
}

/// Everything the statements said, before the decision rules are applied.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Facts {
    pub deny: Option<StatementRef>,
    pub scp_gap: Option<usize>,
    /// An RCP level whose exported policies allow nothing: AWS attaches
    /// RCPFullAWSAccess there anyway, so it is taken to allow.
    pub rcp_full_access_assumed: Option<usize>,
    pub resource: ResourceSide,
    pub identity: Side,
    pub boundary: Side,
    pub session: Side,
    /// The request's resource is in another account than the principal.
    pub cross_account: bool,
    /// The resource's own policy must allow (role trust, KMS key).
    pub resource_policy_required: RequiredBy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum RequiredBy {
    #[default]
    Nothing,
    TrustPolicy,
    KeyPolicy,
}

/// Services whose resources can be governed by resource control policies.
/// AWS grows this list; these are the services its RCP documentation has
/// named from the start.
const RCP_SERVICES: [&str; 7] = ["s3", "sts", "kms", "sqs", "secretsmanager", "ecr", "aoss"];

/// STS actions that a role's trust policy governs.
pub(crate) fn is_trust_action(action: &str) -> bool {
    [
        "sts:AssumeRole",
        "sts:AssumeRoleWithWebIdentity",
        "sts:AssumeRoleWithSAML",
        "sts:TagSession",
        "sts:SetSourceIdentity",
    ]
    .iter()
    .any(|trust| action.eq_ignore_ascii_case(trust))
}

/// How much a matching Allow grants on its own, by how it names the requester.
/// Every Allow statement counts, so the widest grant decides: a grant to the
/// user or session (or to anyone) suffices alone; one to the role is capped
/// by boundary and session policies; one to the account only delegates to
/// the identity-based policies ("Policy evaluation logic"). Statements
/// without a Principal (identity policies, SCPs) all rank alike.
fn grant_rank(how: PrincipalMatch) -> u8 {
    match how {
        PrincipalMatch::NotApplicable
        | PrincipalMatch::Direct
        | PrincipalMatch::Anyone
        | PrincipalMatch::NotPrincipal
        | PrincipalMatch::Service
        | PrincipalMatch::Federated => BEST_GRANT,
        PrincipalMatch::Role => 2,
        PrincipalMatch::Account => 1,
    }
}

const BEST_GRANT: u8 = 3;

/// Whether `candidate` grants more than `current` (the first of equals stays).
fn wider_grant(
    candidate: Option<(PrincipalMatch, StatementRef)>,
    current: Option<(PrincipalMatch, StatementRef)>,
) -> bool {
    match (candidate, current) {
        (Some(_), None) => true,
        (Some((new, _)), Some((old, _))) => grant_rank(new) > grant_rank(old),
        (None, _) => false,
    }
}

/// One run of the pipeline over one requester.
pub(crate) struct Run<'a> {
    pub env: Env<'a>,
    pub sessions: &'a [SessionPolicy],
}

impl<'a> Run<'a> {
    pub fn new(
        model: &'a Model,
        request: &'a Request,
        requester: &'a Requester<'a>,
        sessions: &'a [SessionPolicy],
    ) -> Run<'a> {
        Run {
            env: Env::new(model, request, requester),
            sessions,
        }
    }

    pub fn document(&self, policy: PolicyRef) -> Option<&'a PolicyDocument> {
        document(self.env.model, self.sessions, policy)
    }

    fn scan<R: Recorder>(
        &self,
        policy: PolicyRef,
        with_principal: bool,
        rec: &mut R,
        facts_deny: &mut Option<StatementRef>,
    ) -> (bool, Option<(PrincipalMatch, StatementRef)>) {
        let Some(document) = self.document(policy) else {
            return (false, None);
        };
        let parsed = document.parsed();
        // Fast path: a policy none of whose statements names this service
        // cannot apply; skip it unread.
        if !R::ENABLED
            && !parsed
                .policy
                .as_ref()
                .is_some_and(|p| p.services.may_match(self.env.service_hash))
        {
            return (true, None);
        }
        rec.policy(policy);
        let mut allow = None;
        // The bucket owner's root user can always read, change and delete the
        // bucket policy, even when it denies them (S3 DeleteBucketPolicy/PutBucketPolicy).
        let root_bucket_policy_exception = matches!(policy, PolicyRef::Resource { .. })
            && matches!(self.env.requester, Requester::Root)
            && !self.env.resource_account_assumed_other()
            && ["s3:getbucketpolicy", "s3:putbucketpolicy", "s3:deletebucketpolicy"]
                .iter()
                .any(|a| self.env.request.action.eq_ignore_ascii_case(a));
        for statement in parsed.statements() {
            // Fast path: once an allow that no other could better is known,
            // only denies can change anything.
            if !R::ENABLED
                && statement.effect == Effect::Allow
                && allow.is_some_and(|(how, _)| grant_rank(how) == BEST_GRANT)
            {
                continue;
            }
            let outcome = check_statement(statement, &self.env, with_principal);
            let at = StatementRef {
                policy,
                statement: statement.index,
            };
            rec.statement(at, statement.effect, outcome);
            if let Ok(how) = outcome {
                match statement.effect {
                    Effect::Deny if !root_bucket_policy_exception => {
                        facts_deny.get_or_insert(at);
                    }
                    Effect::Deny => {}
                    Effect::Allow => {
                        if wider_grant(Some((how, at)), allow) {
                            allow = Some((how, at));
                        }
                    }
                }
            }
        }
        (true, allow)
    }

    /// Each level of SCPs or RCPs must allow; returns the first level that does not.
    fn org_levels<R: Recorder>(
        &self,
        levels: &[OrgLevel],
        kind: fn(usize) -> PolicyRef,
        with_principal: bool,
        rec: &mut R,
        deny: &mut Option<StatementRef>,
    ) -> Option<usize> {
        let mut gap = None;
        for (n, level) in levels.iter().enumerate() {
            let mut allowed = false;
            for &p in &level.policies {
                let (_, allow) = self.scan(kind(p), with_principal, rec, deny);
                allowed |= allow.is_some();
            }
            if !allowed && gap.is_none() {
                gap = Some(n);
            }
        }
        gap
    }

    /// Each identity-based policy of the requester, in the index's order.
    fn for_each_identity_policy(&self, mut visit: impl FnMut(PolicyRef)) {
        let index = self.env.model.index();
        match self.env.requester {
            Requester::User { index: u, .. } => {
                for applied in index.user_policies(*u) {
                    visit(match *applied {
                        AppliedPolicy::OwnInline { index } => PolicyRef::UserInline { user: *u, index },
                        AppliedPolicy::OwnManaged { policy } => PolicyRef::UserManaged { user: *u, policy },
                        AppliedPolicy::GroupInline { group, index } => PolicyRef::GroupInline { group, index },
                        AppliedPolicy::GroupManaged { group, policy } => PolicyRef::GroupManaged { group, policy },
                    });
                }
            }
            Requester::RoleSession { index: r, .. } => {
                for applied in index.role_policies(*r) {
                    match *applied {
                        AppliedPolicy::OwnInline { index } => visit(PolicyRef::RoleInline { role: *r, index }),
                        AppliedPolicy::OwnManaged { policy } => visit(PolicyRef::RoleManaged { role: *r, policy }),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    fn boundary(&self) -> Option<PolicyRef> {
        let index = self.env.model.index();
        let policy = match self.env.requester {
            Requester::User { index: u, .. } => index.user_boundary(*u),
            Requester::RoleSession { index: r, .. } => index.role_boundary(*r),
            _ => None,
        }?;
        Some(PolicyRef::Boundary { policy })
    }

    /// Resource-based policies that govern the request's resource.
    fn resource_policies(&self) -> (Vec<PolicyRef>, RequiredBy) {
        let model = self.env.model;
        let request = self.env.request;
        let refs = governing_resource_policies(model, &request.action, &request.resource);
        let required = if is_trust_action(&request.action) {
            RequiredBy::TrustPolicy
        } else if request.is_service("kms") && request.resource.contains(":key/") {
            RequiredBy::KeyPolicy
        } else {
            RequiredBy::Nothing
        };
        (refs, required)
    }

    fn scps_apply(&self) -> bool {
        // SCPs govern principals of the (member) account, not service-linked
        // roles, and not principals of other accounts ("Service control policies").
        matches!(
            self.env.requester,
            Requester::Root | Requester::User { .. } | Requester::RoleSession { .. }
        ) && !self.env.requester.is_service_linked_role()
    }

    fn rcps_apply(&self) -> bool {
        // RCPs govern resources of the account, whoever calls, except calls by
        // service-linked roles, and only for the services RCPs support.
        self.env.resource_account() == self.env.model.account().id
            && !self.env.requester.is_service_linked_role()
            && RCP_SERVICES.iter().any(|s| self.env.service.eq_ignore_ascii_case(s))
    }

    /// Check every applicable statement; record what each said.
    pub fn facts<R: Recorder>(&self, rec: &mut R) -> Facts {
        let model = self.env.model;
        let mut facts = Facts::default();
        let mut deny = None;

        if self.rcps_apply() {
            // "RCPFullAWSAccess" is attached to the root, every OU and every
            // account and cannot be detached (AWS Organizations User Guide,
            // Resource control policies): every level allows, and only RCP
            // Deny statements can block. A level whose export lacks it is
            // still taken to allow, and the explanation says so.
            facts.rcp_full_access_assumed = self.org_levels(
                model.index().rcp_levels(),
                |index| PolicyRef::Rcp { index },
                true,
                rec,
                &mut deny,
            );
        }
        if self.scps_apply() {
            facts.scp_gap = self.org_levels(
                model.index().scp_levels(),
                |index| PolicyRef::Scp { index },
                false,
                rec,
                &mut deny,
            );
        }

        let (resource_policies, required) = self.resource_policies();
        facts.resource_policy_required = required;
        for policy in resource_policies {
            let (present, allow) = self.scan(policy, true, rec, &mut deny);
            facts.resource.present |= present;
            if wider_grant(allow, facts.resource.allow) {
                facts.resource.allow = allow;
            }
        }
        if required == RequiredBy::KeyPolicy && !facts.resource.present {
            facts.resource.default_key_policy = true;
        }

        self.for_each_identity_policy(|policy| {
            // Once an identity policy allows, the others matter only for denies.
            let (present, allow) = self.scan(policy, false, rec, &mut deny);
            facts.identity.present |= present;
            if facts.identity.allow.is_none() {
                facts.identity.allow = allow.map(|(_, at)| at);
            }
        });
        if let Some(policy) = self.boundary() {
            let (present, allow) = self.scan(policy, false, rec, &mut deny);
            facts.boundary = Side {
                present,
                allow: allow.map(|(_, at)| at),
            };
        }
        if matches!(self.env.requester, Requester::RoleSession { .. }) {
            for index in 0..self.sessions.len() {
                let (present, allow) = self.scan(PolicyRef::Session { index }, false, rec, &mut deny);
                facts.session.present |= present;
                if facts.session.allow.is_none() {
                    facts.session.allow = allow.map(|(_, at)| at);
                }
            }
        }
        facts.deny = deny;
        facts.cross_account = match self.env.requester.account(model) {
            Some(account) => account != self.env.resource_account(),
            None => false,
        };
        facts
    }

    /// AWS's rules, applied to what the statements said.
    pub fn decide(&self, f: &Facts) -> Outcome {
        let outcome = |decision, basis, deciding| Outcome {
            decision,
            basis,
            deciding,
        };
        let implicit = |basis| outcome(Decision::ImplicitDeny, basis, None);
        if let Some(at) = f.deny {
            return outcome(Decision::ExplicitDeny, Basis::ExplicitDeny, Some(at));
        }
        // The documentation calls a missing SCP allow "explicitly denied, even
        // if the denial is implicit"; no Deny statement applies, so iamscope
        // reports ImplicitDeny and names the SCP level as the reason.
        if let Some(level) = f.scp_gap {
            return implicit(Basis::ScpLevelAllowsNothing { level });
        }
        let resource_allow = f.resource.allow;
        let resource_denial = match f.resource_policy_required {
            RequiredBy::KeyPolicy => Basis::KeyPolicyDoesNotAllow,
            _ => Basis::TrustPolicyDoesNotAllow,
        };
        let requester = self.env.requester;

        match requester {
            Requester::Service { .. } | Requester::WebIdentity(_) | Requester::Federated(_) => {
                return match resource_allow {
                    Some((
                        PrincipalMatch::Service
                        | PrincipalMatch::Federated
                        | PrincipalMatch::Anyone
                        | PrincipalMatch::NotPrincipal,
                        at,
                    )) => outcome(Decision::Allow, Basis::TrustedPrincipal, Some(at)),
                    _ if f.resource_policy_required == RequiredBy::TrustPolicy && !f.resource.present => {
                        implicit(Basis::TrustPolicyUnknown)
                    }
                    _ if f.resource_policy_required == RequiredBy::TrustPolicy => {
                        implicit(Basis::TrustPolicyDoesNotAllow)
                    }
                    _ => implicit(Basis::NoAllow),
                };
            }
            Requester::Root if f.resource_policy_required == RequiredBy::TrustPolicy => {
                return implicit(Basis::RootCannotAssumeRoles);
            }
            _ => {}
        }
        if f.resource_policy_required == RequiredBy::TrustPolicy && !f.resource.present {
            return implicit(Basis::TrustPolicyUnknown);
        }

        // The identity side: identity policies, capped by boundary and session policies.
        let boundary_ok = !f.boundary.present || f.boundary.allow.is_some();
        let session_ok = !f.session.present || f.session.allow.is_some();
        let (identity_ok, identity_at) = match requester {
            Requester::Root => (true, None),
            // A principal of another account: its own policies are not in this export.
            Requester::External { .. } => (true, None),
            _ => (
                f.identity.allow.is_some() && boundary_ok && session_ok,
                f.identity.allow,
            ),
        };
        let identity_denial = if f.identity.allow.is_some() && !boundary_ok {
            Basis::BoundaryDoesNotAllow
        } else if f.identity.allow.is_some() && !session_ok {
            Basis::SessionPolicyDoesNotAllow
        } else {
            Basis::NoAllow
        };
        let key_policy_delegates = f.resource.default_key_policy;

        if !f.cross_account {
            if matches!(requester, Requester::Root) && f.resource_policy_required == RequiredBy::Nothing {
                return outcome(Decision::Allow, Basis::RootUser, None);
            }
            match resource_allow {
                // A grant to the user, the session or anyone is enough on its
                // own. An Allow with NotPrincipal that does not exclude the
                // requester grants to everyone not listed ("NotPrincipal"),
                // so it counts as a grant to anyone.
                // A role's trust policy that names a user still needs that
                // user's permissions boundary to allow sts:AssumeRole (IAM
                // User Guide, "Update a role trust policy": if a user listed
                // as a principal cannot assume the role, check the user's
                // permissions boundary).
                Some((PrincipalMatch::Direct | PrincipalMatch::Anyone | PrincipalMatch::NotPrincipal, _))
                    if f.resource_policy_required == RequiredBy::TrustPolicy
                        && matches!(requester, Requester::User { .. })
                        && !boundary_ok =>
                {
                    return implicit(Basis::BoundaryDoesNotAllow);
                }
                Some((PrincipalMatch::Direct | PrincipalMatch::Anyone | PrincipalMatch::NotPrincipal, at)) => {
                    return outcome(Decision::Allow, Basis::ResourcePolicyAllows, Some(at));
                }
                // A grant to the role is capped by its boundary and session policies.
                Some((PrincipalMatch::Role, at)) if boundary_ok && session_ok => {
                    return outcome(Decision::Allow, Basis::ResourcePolicyAllowsRole, Some(at));
                }
                Some((PrincipalMatch::Role, _)) => {
                    return implicit(if boundary_ok {
                        Basis::SessionPolicyDoesNotAllow
                    } else {
                        Basis::BoundaryDoesNotAllow
                    });
                }
                _ => {}
            }
            // The resource's own policy must allow when it is a trust policy
            // or a key policy; a grant to the account delegates to IAM policies.
            let delegated = key_policy_delegates || matches!(resource_allow, Some((PrincipalMatch::Account, _)));
            if f.resource_policy_required != RequiredBy::Nothing && !delegated {
                return implicit(resource_denial);
            }
            if matches!(requester, Requester::Root) {
                return outcome(Decision::Allow, Basis::RootUser, resource_allow.map(|(_, at)| at));
            }
            return match identity_ok {
                true => outcome(Decision::Allow, Basis::IdentityPolicyAllows, identity_at),
                false => implicit(identity_denial),
            };
        }

        // Across accounts both sides must allow. An assumed default key
        // policy does not count: it delegates only to the key's own account
        // ("Key policies in AWS KMS", default key policy), so another
        // account's principal needs a key policy that names it or its account.
        let resource_ok = resource_allow.is_some();
        match (identity_ok, resource_ok) {
            (true, true) => outcome(
                Decision::Allow,
                Basis::BothAccountsAllow,
                identity_at.or(resource_allow.map(|(_, at)| at)),
            ),
            (false, false) => implicit(Basis::NoAllow),
            (true, false) => implicit(Basis::ResourceAccountDoesNotAllow),
            (false, true) => implicit(match identity_denial {
                Basis::NoAllow => Basis::IdentityAccountDoesNotAllow,
                other => other,
            }),
        }
    }
}

impl Env<'_> {
    /// The resource belongs to another account than the loaded one.
    fn resource_account_assumed_other(&self) -> bool {
        self.resource_account() != self.model.account().id
    }
}

/// The document a policy reference points to.
pub fn document<'m>(model: &'m Model, sessions: &'m [SessionPolicy], policy: PolicyRef) -> Option<&'m PolicyDocument> {
    let a = model.account();
    match policy {
        PolicyRef::UserInline { user, index } => Some(&a.users[user].inline_policies.get(index)?.document),
        PolicyRef::GroupInline { group, index } => Some(&a.groups[group].inline_policies.get(index)?.document),
        PolicyRef::RoleInline { role, index } => Some(&a.roles[role].inline_policies.get(index)?.document),
        PolicyRef::UserManaged { policy, .. }
        | PolicyRef::GroupManaged { policy, .. }
        | PolicyRef::RoleManaged { policy, .. }
        | PolicyRef::Boundary { policy } => a.policies.get(policy)?.default_document(),
        PolicyRef::Scp { index } => Some(&a.service_control_policies.get(index)?.policy),
        PolicyRef::Rcp { index } => Some(&a.resource_control_policies.get(index)?.policy),
        PolicyRef::Resource { index } => Some(&a.resource_policies.get(index)?.policy),
        PolicyRef::Trust { role } => a.roles.get(role)?.trust_policy.as_ref(),
        PolicyRef::Session { index } => Some(&sessions.get(index)?.document),
    }
}

/// The resource-based policies that govern `action` on `resource`: for a
/// role-assuming action, the role's trust policy; otherwise the policies
/// attached to the resource, and a bucket's policy for its objects.
pub(crate) fn governing_resource_policies(model: &Model, action: &str, resource: &str) -> Vec<PolicyRef> {
    let index = model.index();
    let attached = |arn: &str| {
        index
            .resource_policies(arn)
            .iter()
            .map(|&index| PolicyRef::Resource { index })
    };
    if is_trust_action(action) {
        return match index.principal_by_arn(resource) {
            Some(crate::model::PrincipalEntity::Role(role)) => vec![PolicyRef::Trust { role }],
            _ => attached(resource).collect(),
        };
    }
    let mut refs: Vec<PolicyRef> = attached(resource).collect();
    // A bucket policy also governs the bucket's objects.
    if let Some(object) = resource.strip_prefix("arn:aws:s3:::")
        && let Some((bucket, _)) = object.split_once('/')
    {
        refs.extend(attached(&resource[..resource.len() - object.len() + bucket.len()]));
    }
    refs
}
