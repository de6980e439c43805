//! One principal asking the engine many questions. The principal is resolved
//! once and one request is reused, so an analysis can afford thousands of
//! decisions per principal. Also: which resources are worth asking about for
//! an action, and whether a principal is an administrator.
//!
//! Nothing here decides anything itself: every answer is the engine's
//! ([`crate::eval::decide_for`]).

use std::borrow::Cow;
use std::cell::OnceCell;
use std::rc::Rc;
use std::sync::OnceLock;

use jiff::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};

use serde::Serialize;

use super::self_context::Variant;

use crate::catalog::{Action, catalog};
use crate::eval::context::{self, Requester};
use crate::eval::explain::{StatementInfo, statement_info};
use crate::eval::{Context, Decision, EvalError, Outcome, PrincipalSpec, Request};
use crate::model::{AppliedPolicy, Model, PrincipalEntity};
use crate::policy::{Effect, PolicyDocument, Statement};

/// A principal, resolved, with a request to reuse.
pub struct Probe<'m> {
    model: &'m Model,
    spec: PrincipalSpec,
    requester: Requester<'m>,
    request: Request,
    now: Timestamp,
    /// When set, a refused request is tried again in the variants of its
    /// own context the principal can give itself ([`super::self_context`]),
    /// kept per action.
    self_given: Option<FxHashMap<String, Rc<Vec<Variant>>>>,
}

impl<'m> Probe<'m> {
    /// `now` is the request time (`aws:CurrentTime`) for every question.
    pub fn new(
        model: &'m Model,
        spec: &PrincipalSpec,
        context: &Context,
        now: Timestamp,
    ) -> Result<Probe<'m>, EvalError> {
        let requester = context::resolve(model, spec).map_err(EvalError)?;
        let mut request = Request::new(spec.clone(), String::with_capacity(64), String::with_capacity(128), now);
        request.context = context.clone();
        Ok(Probe {
            model,
            spec: spec.clone(),
            requester,
            request,
            now,
            self_given: None,
        })
    }

    /// Also try, when a request is refused, what the principal can put in
    /// its own request context (temporary credentials, MFA, source IP,
    /// region, request tags): a step allowed that way says what it needs.
    pub fn with_self_given_context(mut self) -> Probe<'m> {
        self.self_given = Some(FxHashMap::default());
        self
    }

    /// The variants of its own context the principal may try for `action`.
    fn variants(&mut self, action: &str) -> Rc<Vec<Variant>> {
        let Some(cache) = self.self_given.as_mut() else {
            return Rc::default();
        };
        if let Some(found) = cache.get(action) {
            return Rc::clone(found);
        }
        let found = Rc::new(super::self_context::variants(
            self.model,
            &self.requester,
            &self.request.context,
            action,
            self.now,
        ));
        cache.insert(action.to_owned(), Rc::clone(&found));
        found
    }

    pub fn model(&self) -> &'m Model {
        self.model
    }

    pub fn spec(&self) -> &PrincipalSpec {
        &self.spec
    }

    pub fn requester(&self) -> &Requester<'m> {
        &self.requester
    }

    /// `aws:PrincipalArn` of the principal, if it has one.
    pub fn arn(&self) -> Option<String> {
        match self.requester {
            Requester::WebIdentity(_) => None,
            ref other => other.principal_arn(self.model),
        }
    }

    /// The engine's decision for `action` on `resource`.
    pub fn decide(&mut self, action: &str, resource: &str) -> Outcome {
        self.request.action.clear();
        self.request.action.push_str(action);
        self.request.resource.clear();
        self.request.resource.push_str(resource);
        crate::eval::decide_for(self.model, &self.request, &self.requester)
    }

    /// The decision with extra condition keys set (each to one value).
    pub fn decide_with(&mut self, action: &str, resource: &str, extra: &[(&str, String)]) -> Outcome {
        if extra.is_empty() {
            return self.decide(action, resource);
        }
        let saved = self.request.context.clone();
        for (key, value) in extra {
            self.request.context.set(key, vec![value.clone()]);
        }
        let outcome = self.decide(action, resource);
        self.request.context = saved;
        outcome
    }

    /// The decision in one variant of the principal's own context.
    fn decide_in(&mut self, action: &str, resource: &str, extra: &[(&str, String)], variant: &Variant) -> Outcome {
        let saved = self.request.context.clone();
        variant.apply(&mut self.request.context);
        let outcome = self.decide_with(action, resource, extra);
        self.request.context = saved;
        outcome
    }

    /// The first of `resources` on which `action` is allowed, with the
    /// outcome and, when the plain request is refused everywhere, the
    /// variant of its own context that gets it allowed.
    pub fn first_allowed<'r>(
        &mut self,
        action: &str,
        resources: &'r [String],
        extra: &[(&str, String)],
    ) -> Result<(&'r str, Outcome, Option<Variant>), Outcome> {
        let mut last = None;
        for resource in resources {
            let outcome = self.decide_with(action, resource, extra);
            if outcome.decision == Decision::Allow {
                return Ok((resource, outcome, None));
            }
            // An explicit deny is the more telling refusal to report.
            if last.is_none_or(|o: Outcome| o.decision != Decision::ExplicitDeny) {
                last = Some(outcome);
            }
        }
        let variants = self.variants(action);
        for variant in variants.iter() {
            for resource in resources {
                let outcome = self.decide_in(action, resource, extra, variant);
                if outcome.decision == Decision::Allow {
                    return Ok((resource, outcome, Some(variant.clone())));
                }
            }
        }
        Err(last.unwrap_or(Outcome {
            decision: Decision::ImplicitDeny,
            basis: crate::eval::Basis::NoAllow,
            deciding: None,
        }))
    }

    /// One required permission: the first of `any_of` the engine allows on
    /// `resource` (or, with `None`, on any resource worth asking about).
    /// `Ok` holds the step that allows it; `Err` the most telling refusal.
    pub fn need(
        &mut self,
        hints: &ResourceHints,
        any_of: &[&str],
        resource: Option<&str>,
        extra: &[(&str, String)],
    ) -> Result<Step, Refusal> {
        let mut refusal: Option<Step> = None;
        for action in any_of {
            let resources = match resource {
                Some(arn) => vec![arn.to_owned()],
                None => match catalog().action(action) {
                    Some(known) => hints.for_action(known),
                    None => vec!["*".to_owned()],
                },
            };
            match self.first_allowed(action, &resources, extra) {
                Ok((on, outcome, variant)) => {
                    let mut step = self.step(action, on, extra, outcome);
                    if let Some(variant) = variant {
                        step.self_given(&variant);
                    }
                    return Ok(step);
                }
                Err(outcome) => {
                    let shown = resource.unwrap_or(if resources.len() > 1 { "any resource" } else { "*" });
                    let step = self.step(action, shown, extra, outcome);
                    if refusal
                        .as_ref()
                        .is_none_or(|r| r.decision != Decision::ExplicitDeny && step.decision == Decision::ExplicitDeny)
                    {
                        refusal = Some(step);
                    }
                }
            }
        }
        Err(Box::new(refusal.unwrap_or_else(|| Step {
            by: self.spec.to_string(),
            action: String::new(),
            resource: String::new(),
            context: Vec::new(),
            decision: Decision::ImplicitDeny,
            rule: "no-allow",
            statement: None,
            note: None,
            needs: Vec::new(),
            assumptions: Vec::new(),
        })))
    }

    /// A step: this principal's request and the engine's answer.
    pub fn step(&self, action: &str, resource: &str, extra: &[(&str, String)], outcome: Outcome) -> Step {
        Step {
            by: self.spec.to_string(),
            action: action.to_owned(),
            resource: resource.to_owned(),
            context: extra.iter().map(|(k, v)| format!("{k}={v}")).collect(),
            decision: outcome.decision,
            rule: outcome.basis.code(),
            statement: outcome.deciding.and_then(|at| statement_info(self.model, at)),
            note: None,
            needs: Vec::new(),
            assumptions: Vec::new(),
        }
    }

    /// Whether the principal is an administrator (see [`AdminCheck`]).
    pub fn admin_check(&mut self) -> AdminCheck {
        self.admin_check_in(None)
    }

    /// Whether the principal, not an administrator in the plain request,
    /// is one in a request it shapes itself ([`super::self_context`]) in a
    /// way that rests on no assumption: a user whose policies allow
    /// everything only with MFA, and who has a device the loaded files
    /// list, is an administrator in the session `sts:GetSessionToken` gives
    /// it for its code. The variant it is one in. Only the principal can
    /// make such requests (its device, its network), so whoever takes over
    /// its credentials is not an administrator by them: that question is
    /// [`Probe::admin_check`]'s. The variants tried are those of the first
    /// IAM action the plain request is refused, each for every IAM action.
    pub fn admin_in_own_session(&mut self) -> Option<Variant> {
        let plain = self.admin_check_in(None);
        let (refused, _) = plain.witness.filter(|_| !plain.admin)?;
        let variants = self.variants(&refused);
        variants
            .iter()
            .filter(|v| v.assumptions.is_empty())
            .find(|v| self.admin_check_in(Some(v)).admin)
            .cloned()
    }

    /// Every IAM action on `*`, in the plain request or in `variant`.
    fn admin_check_in(&mut self, variant: Option<&Variant>) -> AdminCheck {
        let saved = variant.map(|v| {
            let saved = self.request.context.clone();
            v.apply(&mut self.request.context);
            saved
        });
        let mut first = None;
        let mut refused = None;
        for action in iam_actions() {
            let outcome = self.decide(action, "*");
            if outcome.decision != Decision::Allow {
                refused = Some((action.clone(), outcome));
                break;
            }
            first.get_or_insert((action.clone(), outcome));
        }
        if let Some(saved) = saved {
            self.request.context = saved;
        }
        match refused {
            Some(witness) => AdminCheck {
                admin: false,
                witness: Some(witness),
            },
            None => AdminCheck {
                admin: !iam_actions().is_empty(),
                witness: first,
            },
        }
    }
}

/// A refused step (boxed: a step is large, and refusals are the rarer path).
pub type Refusal = Box<Step>;

/// One request of a path and the engine's answer, with the statement that
/// decided it.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Who makes the request (`user/alice`, `role/Deploy`).
    pub by: String,
    pub action: String,
    pub resource: String,
    /// Condition keys the request carries beyond the defaults (`KEY=VALUE`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<String>,
    pub decision: Decision,
    /// The engine's rule (`identity-policy-allows`, `explicit-deny`, …).
    pub rule: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<StatementInfo>,
    /// What the step stands for, when it is not a plain request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What the principal does to its own request for it to be allowed
    /// ("needs temporary credentials from sts:GetSessionToken"): empty for
    /// a plain request.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// What that takes that the export does not show.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
}

impl Step {
    /// Whether the step was asked of a changed copy of the account (its
    /// note says `simulated: after …`), so its statement is in no file.
    pub fn is_simulated(&self) -> bool {
        self.note.as_deref().is_some_and(|n| n.starts_with("simulated:"))
    }

    /// Mark the step as allowed only in `variant` of the requester's own context.
    fn self_given(&mut self, variant: &Variant) {
        self.context.extend(variant.context_lines());
        self.needs = variant.needs.clone();
        self.assumptions = variant.assumptions.clone();
    }

    /// `iam:PassRole on arn:… (iam:PassedToService=ec2.amazonaws.com): Allow by statement X in P (line 3)`.
    pub fn describe(&self) -> String {
        let mut text = format!("{} on {}", self.action, self.resource);
        if !self.context.is_empty() {
            text.push_str(&format!(" ({})", self.context.join(", ")));
        }
        text.push_str(&format!(": {}", self.decision.as_str()));
        match &self.statement {
            Some(s) => text.push_str(&format!(
                " by statement {} in {} (line {})",
                s.statement, s.policy, s.line
            )),
            None => text.push_str(&format!(" ({})", self.rule)),
        }
        if !self.needs.is_empty() {
            text.push_str(&format!(" [{}]", self.needs.join("; ")));
        }
        text
    }
}

/// An administrator, for iamscope's analyses, is a principal the engine
/// allows every IAM action on every resource (`"Action": "iam:*"` or `"*"`,
/// `"Resource": "*"`): with all of IAM it can grant itself anything else.
/// Every IAM action the catalogue lists is asked on the resource `*`, with
/// the default context; conditions that need keys the request lacks do not
/// hold.
#[derive(Debug, Clone)]
pub struct AdminCheck {
    pub admin: bool,
    /// For an administrator, the first IAM action and the outcome that
    /// allowed it; otherwise the first IAM action refused and why.
    pub witness: Option<(String, Outcome)>,
}

/// Every IAM action of the catalogue, as `iam:Name`.
pub fn iam_actions() -> &'static [String] {
    static ACTIONS: OnceLock<Vec<String>> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        catalog()
            .service("iam")
            .map(|s| s.actions().iter().map(Action::full_name).collect())
            .unwrap_or_default()
    })
}

/// The identity-based policies that apply to a principal (a pool identity's
/// are those of the role its pool gives it).
pub fn identity_documents<'m>(model: &'m Model, requester: &Requester<'m>) -> Vec<&'m PolicyDocument> {
    let a = model.account();
    let index = model.index();
    let mut out = Vec::new();
    let role = |r: usize, out: &mut Vec<&'m PolicyDocument>| {
        for applied in index.role_policies(r) {
            match *applied {
                AppliedPolicy::OwnInline { index } => out.push(&a.roles[r].inline_policies[index].document),
                AppliedPolicy::OwnManaged { policy } => out.extend(a.policies[policy].default_document()),
                _ => {}
            }
        }
    };
    match requester {
        Requester::User { index: u, .. } => {
            for applied in index.user_policies(*u) {
                match *applied {
                    AppliedPolicy::OwnInline { index } => out.push(&a.users[*u].inline_policies[index].document),
                    AppliedPolicy::GroupInline { group, index } => {
                        out.push(&a.groups[group].inline_policies[index].document)
                    }
                    AppliedPolicy::OwnManaged { policy } | AppliedPolicy::GroupManaged { policy, .. } => {
                        out.extend(a.policies[policy].default_document())
                    }
                }
            }
        }
        Requester::RoleSession { index: r, .. } => role(*r, &mut out),
        Requester::WebIdentity(identity) => {
            let arn = if identity.authenticated {
                &identity.pool.authenticated_role
            } else {
                &identity.pool.unauthenticated_role
            };
            if let Some(arn) = arn
                && let Some(PrincipalEntity::Role(r)) = index.principal_by_arn(arn)
            {
                role(r, &mut out);
            }
        }
        _ => {}
    }
    out
}

/// Allow statements of the given documents.
pub fn allow_statements<'d>(documents: &[&'d PolicyDocument]) -> impl Iterator<Item = &'d Statement> {
    documents
        .iter()
        .flat_map(|d| d.parsed().statements())
        .filter(|s| s.valid && s.effect == Effect::Allow)
}

/// Whether `statement` could match a request for `action` on `resource`,
/// whatever the request's context: its action as the engine matches it,
/// and its resource by its patterns, a
/// pattern with a policy variable by its plain beginning alone (resource
/// ARNs match case-sensitively, so a text that does not start with it can
/// match whatever the variable holds: "IAM JSON policy elements: Resource").
/// False means the statement plays no part in such a request, so an
/// analysis need not ask the engine about it when this is the only
/// statement that could allow it.
pub(crate) fn could_match(statement: &Statement, action: &str, resource: &str) -> bool {
    could_match_action(statement, action) && could_match_resource(statement, resource)
}

/// Whether `statement`'s `Action` or `NotAction` matches `action`, as the
/// engine matches it (the request's context plays no part in it).
pub(crate) fn could_match_action(statement: &Statement, action: &str) -> bool {
    let service = action.split(':').next().unwrap_or("");
    match &statement.action {
        Some(clause) => crate::eval::matching::action_matches(clause, action, service),
        None => false,
    }
}

/// Whether `statement`'s resource could match `resource` (see [`could_match`]).
pub(crate) fn could_match_resource(statement: &Statement, resource: &str) -> bool {
    let Some(clause) = &statement.resource else {
        return true;
    };
    let mut matched = false;
    let mut maybe = false;
    for pattern in &clause.patterns {
        match &pattern.glob {
            Some(glob) if glob.is_match(resource) => {
                matched = true;
                break;
            }
            Some(_) => {}
            None => maybe |= resource.starts_with(pattern.template.literal_prefix()),
        }
    }
    // `NotResource` leaves the resource out only when a pattern surely matches it.
    if clause.negated { !matched } else { matched || maybe }
}
/// Resources worth asking about: `*`, every resource of each type the
/// action can act on (its catalogue ARN format with every name part a
/// wildcard, in the account), and the ARNs the principal's own policies and
/// the account's resource-based policies name for the action's service.
#[derive(Debug, Clone, Default)]
pub struct ResourceHints {
    /// Lower-cased service prefix → ARNs, each with the resource types (of
    /// that service) its shape fits, worked out when first needed.
    by_service: FxHashMap<String, Vec<NamedArn>>,
    /// ARNs whose service part is a wildcard.
    any_service: Vec<String>,
    partition: String,
    account: String,
}

/// An ARN a policy names, with the resource types its shape fits.
type NamedArn = (String, OnceCell<Vec<&'static str>>);

impl ResourceHints {
    pub fn of(model: &Model, requester: &Requester<'_>) -> ResourceHints {
        let a = model.account();
        let mut hints = ResourceHints {
            partition: if a.partition.is_empty() {
                "aws".to_owned()
            } else {
                a.partition.clone()
            },
            account: a.id.clone(),
            ..ResourceHints::default()
        };
        let username = match requester {
            Requester::User { user, .. } => Some(user.name.as_str()),
            _ => None,
        };
        let lookup = |key: &str| -> Option<Cow<'_, str>> {
            match key {
                "aws:username" => username.map(Cow::Borrowed),
                "aws:principalaccount" => Some(Cow::Borrowed(a.id.as_str())),
                _ => None,
            }
        };
        let mut seen: FxHashSet<String> = FxHashSet::default();
        let mut add = |text: &str| {
            if text == "*" || !seen.insert(text.to_owned()) {
                return;
            }
            let service = text.split(':').nth(2).unwrap_or("");
            if !text.starts_with("arn:") || service.is_empty() || service.contains(['*', '?']) {
                hints.any_service.push(text.to_owned());
            } else {
                hints
                    .by_service
                    .entry(service.to_ascii_lowercase())
                    .or_default()
                    .push((text.to_owned(), OnceCell::new()));
            }
        };
        let identity = identity_documents(model, requester);
        let resource_policies: Vec<&PolicyDocument> = a.resource_policies.iter().map(|p| &p.policy).collect();
        for statement in allow_statements(&identity).chain(allow_statements(&resource_policies)) {
            let Some(clause) = &statement.resource else {
                continue;
            };
            if clause.negated {
                continue;
            }
            for pattern in &clause.patterns {
                if pattern.glob.is_some() {
                    add(&pattern.text);
                } else if let Ok(filled) = pattern.template.fill(&lookup) {
                    add(&filled);
                }
            }
        }
        for policy in &a.resource_policies {
            add(&policy.resource_arn);
        }
        hints
    }

    /// The resources to ask `action` about, `*` first. A named ARN is kept
    /// only when its shape fits a resource type the action acts on (a grant
    /// on a bucket does not give `s3:ListAllMyBuckets`, which takes `*`).
    pub fn for_action(&self, action: &Action) -> Vec<String> {
        let mut out = vec!["*".to_owned()];
        out.extend(self.type_wide(action));
        let acts_on = |types: &[&str]| {
            action
                .resource_types()
                .any(|used| types.iter().any(|t| t.eq_ignore_ascii_case(used.name())))
        };
        for (arn, types) in self.by_service.get(action.service()).into_iter().flatten() {
            let types = types.get_or_init(|| resource_type_names(action.service(), arn));
            if acts_on(types) && !out.contains(arn) {
                out.push(arn.clone());
            }
        }
        for arn in &self.any_service {
            if acts_on(&resource_type_names(action.service(), arn)) && !out.contains(arn) {
                out.push(arn.clone());
            }
        }
        out
    }

    /// `arn:aws:lambda:*:111122223333:function:*` for each resource type of the action.
    pub fn type_wide(&self, action: &Action) -> Vec<String> {
        let Some(service) = catalog().service(action.service()) else {
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        for used in action.resource_types() {
            let Some(rt) = service.resource_type(used.name()) else {
                continue;
            };
            for pattern in rt.arn_patterns() {
                let arn = type_wide_arn(pattern, &self.partition, &self.account);
                if !out.contains(&arn) {
                    out.push(arn);
                }
            }
        }
        out
    }
}

/// The names of the resource types of `service` whose ARN format can name `arn`.
fn resource_type_names(service: &str, arn: &str) -> Vec<&'static str> {
    catalog()
        .resource_types_for_arn(service, arn)
        .into_iter()
        .map(|t| t.name())
        .collect()
}

/// A catalogue ARN format with the partition and account filled in and every
/// other `${Variable}` a wildcard.
pub fn type_wide_arn(format: &str, partition: &str, account: &str) -> String {
    let mut out = String::with_capacity(format.len());
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        match &after[..end] {
            "Partition" => out.push_str(partition),
            "Account" => out.push_str(account),
            _ => out.push('*'),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    // `**` says no more than `*`.
    while out.contains("**") {
        out = out.replace("**", "*");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_wide_arns_keep_partition_and_account() {
        assert_eq!(
            type_wide_arn(
                "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
                "aws",
                "111122223333"
            ),
            "arn:aws:lambda:*:111122223333:function:*"
        );
        assert_eq!(
            type_wide_arn("arn:${Partition}:s3:::${BucketName}/${ObjectName}", "aws", "1"),
            "arn:aws:s3:::*/*"
        );
    }

    #[test]
    fn the_catalogue_lists_iam_actions() {
        assert!(iam_actions().len() > 100);
        assert!(iam_actions().iter().any(|a| a == "iam:PassRole"));
    }
}
