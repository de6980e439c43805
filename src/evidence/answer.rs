//! The answer to a piece of evidence: the request as reconstructed (refined
//! against the account: a Cognito identity's pool, a role's path), the
//! engine's full explanation, a cross-check of that explanation against
//! AWS's own words (and, where they disagree, what the workspace lacks and
//! where to add it), and the fix — the smallest statement that would allow
//! an implicitly denied request, checked by the engine on a copy of the
//! account, or the statements that deny it explicitly.
//!
//! For CloudTrail, [`group`] evaluates every event and groups them by
//! principal and action.

use serde::Serialize;
use serde_json::{Value, json};

use super::{AwsOutcome, Denial, Evidence, Origin, PolicyType, Trail};
use crate::eval::context::{Requester, resolve};
use crate::eval::{self, Basis, Decision, Explanation, PolicySource, PrincipalSpec, StageKind, StatementInfo};
use crate::model::change::{self, Change};
use crate::model::{Holder, Model};

/// Whether iamscope's decision fits what AWS said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// iamscope decides as AWS did, for the reason AWS gave (where it gave one).
    Agrees,
    /// Both deny, for different reasons: the workspace lacks or differs in something.
    DiffersInWhy,
    /// AWS denied the request, but iamscope allows it: the workspace lacks
    /// what denied it. The most important disagreement.
    AwsDeniedIamscopeAllows,
    /// AWS allowed the request, but iamscope denies it: the account (or the
    /// workspace) changed since, or the workspace lacks an allow.
    AwsAllowedIamscopeDenies,
    /// Nothing to compare: AWS's decision is unknown, or iamscope could not evaluate.
    Unknown,
}

/// Something the workspace lacks to decide as AWS did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub what: String,
    /// The workspace key to add it under, when the workspace has one for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<&'static str>,
    /// How to get it from AWS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub how: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrossCheck {
    pub verdict: Verdict,
    /// Sentences, the most important first.
    pub findings: Vec<String>,
    pub missing: Vec<Missing>,
}

/// One change the fix proposes, as the editor's [`Change`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposedChange {
    /// `add an inline policy AllowS3PutObject to user alice`.
    pub description: String,
    /// The statement it adds.
    pub statement: Value,
    pub change: Change,
}

/// How to make the request go through (or why iamscope cannot say).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fix {
    /// Changes that would allow the request, applied to a copy of the
    /// account and evaluated again: `decision` is the engine's answer with
    /// all of them; when it is still a deny, `blocked` says what else does.
    Allow {
        changes: Vec<ProposedChange>,
        decision: Decision,
        summary: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        blocked: Option<String>,
    },
    /// Denied explicitly: these statements deny it; only removing or
    /// narrowing them (or the request's circumstances) changes that.
    RemoveDeny { statements: Vec<StatementInfo> },
    /// No statement iamscope could add would allow it; why, and what would.
    Elsewhere { why: String },
}

/// Everything iamscope says about one piece of evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub evidence: Evidence,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
    /// Why the request could not be evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_evaluated: Option<String>,
    pub cross_check: CrossCheck,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Answer {
    pub fn decision(&self) -> Option<Decision> {
        self.explanation.as_ref().map(|e| e.decision)
    }
}

/// Evaluate the evidence against the account: the explanation, the
/// cross-check with AWS's words and the fix (checked on a copy).
pub fn answer(model: &Model, evidence: &Evidence) -> Answer {
    let mut answer = brief(model, evidence);
    if let Some(explanation) = &answer.explanation {
        answer.fix = fix(model, &answer.evidence, explanation);
    }
    answer
}

/// [`answer`] without the fix (which copies the account): for listings.
pub fn brief(model: &Model, evidence: &Evidence) -> Answer {
    let (evidence, blocked) = refine(model, evidence);
    let (explanation, not_evaluated) = match blocked {
        Some(why) => (None, Some(why)),
        None => match eval::evaluate(model, &evidence.request) {
            Ok(e) => (Some(e), None),
            Err(e) => (
                None,
                Some(format!(
                    "{e}; the workspace may be older than the request, or of another account"
                )),
            ),
        },
    };
    let cross_check = cross_check(model, &evidence, explanation.as_ref());
    Answer {
        evidence,
        explanation,
        not_evaluated,
        cross_check,
        fix: None,
    }
}

/// The evidence made concrete with the account: a Cognito session becomes
/// its pool's identity, an IAM name its ARN with the right path. Returns
/// why the request cannot be evaluated, when it cannot.
fn refine(model: &Model, evidence: &Evidence) -> (Evidence, Option<String>) {
    let mut evidence = evidence.clone();
    let account = &model.account().id;
    let mut blocked = None;

    if let Some(hint) = evidence.pool.clone() {
        let pools = &model.account().identity_pools;
        let found = match &hint.pool_id {
            Some(id) => model.identity_pool(id),
            None => None,
        }
        .or_else(|| {
            let role = hint.role_arn.as_deref()?;
            pools.iter().find(|p| {
                p.authenticated_role.as_deref() == Some(role) || p.unauthenticated_role.as_deref() == Some(role)
            })
        });
        let placeholder =
            matches!(&evidence.request.principal, PrincipalSpec::IdentityPool { id, .. } if id.is_empty());
        match found {
            Some(pool) => {
                let authenticated = match hint.role_arn.as_deref() {
                    Some(role) => pool.authenticated_role.as_deref() == Some(role),
                    None => true,
                };
                let origin = evidence
                    .field("principal")
                    .map_or_else(|| Origin::event("userIdentity"), |f| f.origin.clone());
                evidence.set_principal(
                    PrincipalSpec::IdentityPool {
                        id: pool.id.clone(),
                        authenticated,
                    },
                    origin,
                    Some(format!(
                        "a Cognito identity: the role is the {} role of identity pool {}, so it is evaluated as that pool's identity (with the session policy Cognito applies)",
                        if authenticated { "authenticated" } else { "unauthenticated" },
                        pool.name
                    )),
                );
            }
            None if placeholder => {
                blocked = Some(format!(
                    "a Cognito identity asked for {}, but no identity pool in the workspace uses that role: add the pool under IdentityPools (`aws cognito-identity describe-identity-pool` merged with `get-identity-pool-roles`)",
                    hint.role_arn.as_deref().unwrap_or("a role")
                ));
            }
            None => {}
        }
    }

    if let PrincipalSpec::Arn(text) = &evidence.request.principal
        && let Ok(arn) = crate::model::Arn::parse(text)
    {
        let resource_account = crate::model::Arn::parse(&evidence.request.resource)
            .ok()
            .map(|r| r.account().to_owned())
            .filter(|a| !a.is_empty());
        if arn.account() != account && resource_account.as_deref().is_some_and(|r| r != account) {
            // Neither side of the request is in this account: its policies
            // decide nothing about it.
            blocked = Some(format!(
                "the request is within account {}, and the workspace is account {account}: give --account an export of account {}",
                resource_account.as_deref().unwrap_or_default(),
                arn.account()
            ));
        } else if arn.account() != account {
            evidence.notes.push(format!(
                "the principal is in account {}; the workspace is account {account}: it is evaluated as another account's principal, whose own policies the workspace does not hold",
                arn.account()
            ));
        } else if arn.service() == "sts" && arn.resource_type() == "federated-user" {
            blocked = Some(format!(
                "{text} is a federated user (GetFederationToken): its permissions are those of the IAM user that made it, capped by the session policy passed then, and the evidence does not name that user: give the user to evaluate as (`--principal user/NAME`)"
            ));
        }
    }

    // IAM ARNs built from a name in requestParameters take the path the workspace knows.
    let built = evidence
        .field("resource")
        .is_some_and(|f| matches!(&f.origin, Origin::Event { part } if part.starts_with("requestParameters.")));
    if built && let Ok(arn) = crate::model::Arn::parse(&evidence.request.resource) {
        let name = arn.resource().split_once('/').map(|(_, n)| n);
        let known = match (arn.service(), arn.resource_type(), name) {
            ("iam", "role", Some(name)) if arn.account() == account => model.role(name).map(|r| r.arn.to_string()),
            ("iam", "user", Some(name)) if arn.account() == account => model.user(name).map(|u| u.arn.to_string()),
            _ => None,
        };
        if let Some(known) = known
            && known != evidence.request.resource
        {
            evidence.request.resource = known.clone();
            if let Some(field) = evidence.fields.iter_mut().find(|f| f.name == "resource") {
                field.value = known;
                field.note = Some("the path is the workspace's: the event gives only the name".to_owned());
            }
        }
    }
    (evidence, blocked)
}

/// The type of policy a statement of this source is.
pub fn policy_type(source: &PolicySource) -> PolicyType {
    match source {
        PolicySource::Inline { .. } | PolicySource::Managed { .. } => PolicyType::IdentityBased,
        PolicySource::PermissionsBoundary { .. } => PolicyType::PermissionsBoundary,
        PolicySource::ServiceControlPolicy { .. } => PolicyType::ServiceControlPolicy,
        PolicySource::ResourceControlPolicy { .. } => PolicyType::ResourceControlPolicy,
        PolicySource::ResourcePolicy { .. } | PolicySource::TrustPolicy { .. } => PolicyType::ResourceBased,
        PolicySource::SessionPolicy { .. } => PolicyType::SessionPolicy,
    }
}

fn stage_allows(e: &Explanation, kind: StageKind) -> Option<bool> {
    let stage = e.stages.iter().find(|s| s.kind == kind)?;
    Some(
        stage
            .policies
            .iter()
            .flat_map(|p| &p.statements)
            .any(|s| s.matched && s.effect == crate::policy::Effect::Allow),
    )
}

/// The policy types that did not allow an implicitly denied request, by
/// iamscope's explanation: the rule that settled it, and every stage that
/// allowed nothing (AWS names only one of several, "Troubleshoot access
/// denied error messages").
fn failing_types(e: &Explanation) -> Vec<PolicyType> {
    let mut types = Vec::new();
    match e.basis {
        Basis::NoAllow => types.extend([PolicyType::IdentityBased, PolicyType::ResourceBased]),
        Basis::IdentityAccountDoesNotAllow => types.push(PolicyType::IdentityBased),
        Basis::ResourceAccountDoesNotAllow
        | Basis::KeyPolicyDoesNotAllow
        | Basis::TrustPolicyDoesNotAllow
        | Basis::TrustPolicyUnknown => types.push(PolicyType::ResourceBased),
        Basis::ScpLevelAllowsNothing { .. } => types.push(PolicyType::ServiceControlPolicy),
        Basis::BoundaryDoesNotAllow => types.push(PolicyType::PermissionsBoundary),
        Basis::SessionPolicyDoesNotAllow => types.push(PolicyType::SessionPolicy),
        _ => {}
    }
    for (kind, policy_type) in [
        (StageKind::IdentityBasedPolicies, PolicyType::IdentityBased),
        (StageKind::PermissionsBoundary, PolicyType::PermissionsBoundary),
        (StageKind::SessionPolicies, PolicyType::SessionPolicy),
    ] {
        if stage_allows(e, kind) == Some(false) && !types.contains(&policy_type) {
            types.push(policy_type);
        }
    }
    types
}

/// iamscope's reason in AWS's terms: `an explicit deny in a service control policy`.
fn iamscope_words(e: &Explanation) -> String {
    match e.decision {
        Decision::Allow => "allows it".to_owned(),
        Decision::ExplicitDeny => match e.deciding.first() {
            Some(s) => format!(
                "an explicit deny in {} (statement {} of {}, line {})",
                policy_type(&s.source).with_article(),
                s.statement,
                s.policy,
                s.line
            ),
            None => "an explicit deny".to_owned(),
        },
        Decision::ImplicitDeny => format!("an implicit deny ({})", e.summary.trim_start_matches("Denied: ")),
    }
}

fn aws_words(evidence: &Evidence) -> String {
    let aws = &evidence.aws;
    match (&aws.reason, aws.denial, aws.policy_type) {
        (Some(reason), _, _) => reason.clone(),
        (None, Some(Denial::Explicit), _) => "an explicit deny".to_owned(),
        (None, Some(Denial::Implicit), _) => "an implicit deny".to_owned(),
        (None, None, _) => "no reason".to_owned(),
    }
}

/// What iamscope's explanation has to say about AWS's words.
pub fn cross_check(model: &Model, evidence: &Evidence, explanation: Option<&Explanation>) -> CrossCheck {
    let mut check = CrossCheck {
        verdict: Verdict::Unknown,
        findings: Vec::new(),
        missing: Vec::new(),
    };
    let Some(e) = explanation else {
        check
            .findings
            .push("iamscope could not evaluate the request, so there is nothing to compare".to_owned());
        return check;
    };
    let aws = &evidence.aws;
    match aws.outcome {
        AwsOutcome::OtherError => {
            check.findings.push(format!(
                "the request failed with {}, which is not an authorization error: whether AWS authorised it is not known",
                aws.error_code.as_deref().unwrap_or("an error")
            ));
        }
        AwsOutcome::Allowed if e.decision == Decision::Allow => {
            check.verdict = Verdict::Agrees;
            check
                .findings
                .push("AWS allowed the request, and so does iamscope".to_owned());
        }
        AwsOutcome::Allowed => {
            check.verdict = Verdict::AwsAllowedIamscopeDenies;
            check.findings.push(format!(
                "AWS ALLOWED this request{}, but iamscope denies it with this workspace: if the workspace holds changes made since, they would break this request; otherwise the workspace lacks an allow AWS saw, or the request's context differs",
                evidence
                    .event
                    .as_ref()
                    .map_or_else(String::new, |ev| format!(" at {}", ev.time))
            ));
            assumed_keys(e, &mut check);
        }
        AwsOutcome::Denied if e.decision == Decision::Allow => {
            check.verdict = Verdict::AwsDeniedIamscopeAllows;
            let why = if aws.denial.is_some() || aws.reason.is_some() {
                format!(" ({})", aws_words(evidence))
            } else {
                String::new()
            };
            check.findings.push(format!(
                "AWS DENIED this request{why}, but iamscope ALLOWS it with this workspace: what denied it is not in the workspace, or the account has changed since"
            ));
            match aws.policy_type {
                Some(t) => missing_for(model, evidence, e, t, &mut check),
                None => candidates(model, evidence, e, &mut check),
            }
            assumed_keys(e, &mut check);
        }
        AwsOutcome::Denied => denied_both(model, evidence, e, &mut check),
    }
    if aws.encoded_message.is_some() && aws.outcome == AwsOutcome::Denied {
        check.findings.push(
            "AWS's encoded message holds the request's full context and the matched statements: decode it and ask again for a closer comparison"
                .to_owned(),
        );
    }
    check
}

/// AWS and iamscope both deny: do they agree on why?
fn denied_both(model: &Model, evidence: &Evidence, e: &Explanation, check: &mut CrossCheck) {
    let aws = &evidence.aws;
    let ours = if e.decision == Decision::ExplicitDeny {
        Denial::Explicit
    } else {
        Denial::Implicit
    };
    let Some(theirs) = aws.denial else {
        check.verdict = Verdict::Agrees;
        check.findings.push(format!(
            "AWS and iamscope both deny the request; AWS's words do not say why, iamscope finds {}",
            iamscope_words(e)
        ));
        return;
    };
    let types_ours: Vec<PolicyType> = match ours {
        Denial::Explicit => e.deciding.iter().map(|s| policy_type(&s.source)).collect(),
        Denial::Implicit => failing_types(e),
    };
    let type_fits = aws.policy_type.is_none_or(|t| types_ours.contains(&t));
    if theirs == ours && type_fits {
        check.verdict = Verdict::Agrees;
        check.findings.push(match (ours, aws.policy_type) {
            (Denial::Explicit, Some(t)) => format!(
                "as AWS said, an explicit deny in {} decides it: {}",
                t.with_article(),
                iamscope_words(e)
            ),
            (Denial::Implicit, Some(t)) => format!(
                "as AWS said, no {} allows it: {}",
                t.name(),
                e.summary.trim_start_matches("Denied: ")
            ),
            (_, None) => format!("AWS and iamscope both find {}", iamscope_words(e)),
        });
        if ours == Denial::Explicit {
            compare_policy_arn(model, evidence, e, check);
            compare_statements(evidence, e, check);
        }
        return;
    }
    check.verdict = Verdict::DiffersInWhy;
    check.findings.push(format!(
        "AWS says {}; iamscope finds {}",
        aws_words(evidence),
        iamscope_words(e)
    ));
    match (theirs, ours) {
        (Denial::Implicit, Denial::Explicit) => {
            check.findings.push(
                "iamscope finds an explicit deny AWS did not report: the workspace may be newer than the request (a Deny added since), or the request's circumstances differ"
                    .to_owned(),
            );
            assumed_keys(e, check);
        }
        (Denial::Explicit, Denial::Explicit) => {
            check.findings.push(
                "AWS names only one policy type when several deny (\"Troubleshoot access denied error messages\"): both denies may hold"
                    .to_owned(),
            );
            if let Some(t) = aws.policy_type {
                missing_for(model, evidence, e, t, check);
            }
        }
        _ => match aws.policy_type {
            Some(t) => missing_for(model, evidence, e, t, check),
            None => candidates(model, evidence, e, check),
        },
    }
}

/// When AWS names the denying policy's ARN: is it iamscope's?
fn compare_policy_arn(model: &Model, evidence: &Evidence, e: &Explanation, check: &mut CrossCheck) {
    let Some(named) = &evidence.aws.policy_arn else {
        return;
    };
    let ours: Vec<Option<String>> = e.deciding.iter().map(|s| deciding_arn(model, &s.source)).collect();
    if ours.iter().flatten().any(|a| a == named) {
        check.findings.push(format!("AWS names the same policy, {named}"));
        return;
    }
    let iam_policy = named.split(':').nth(2) == Some("iam");
    if iam_policy && model.policy(named).is_none() {
        check.verdict = Verdict::DiffersInWhy;
        check.findings.push(format!(
            "AWS names the policy {named}, which is not in the workspace; iamscope's deny comes from elsewhere"
        ));
        check.missing.push(Missing {
            what: format!("the managed policy {named}"),
            key: None,
            how: Some("export the account again: aws iam get-account-authorization-details".to_owned()),
        });
    } else if iam_policy {
        check.verdict = Verdict::DiffersInWhy;
        check.findings.push(format!(
            "AWS names the policy {named}, which is in the workspace but does not deny the request there: it may have changed since the export"
        ));
    } else if ours.iter().all(Option::is_none) {
        check.findings.push(format!(
            "AWS names the policy {named}; the workspace records no Arn or Id for iamscope's deciding policy, so it cannot tell whether they are the same (add the \"Arn\" that describe-policy prints to its entry)"
        ));
    } else {
        check.verdict = Verdict::DiffersInWhy;
        check.findings.push(format!(
            "AWS names the policy {named}, but iamscope's deciding statement is in {}: the policy AWS names may be missing from the workspace",
            ours.iter().flatten().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
}

/// The ARN of the policy a deciding statement is in (SCPs and RCPs by the
/// `Arn` or `Id` their workspace entry carries).
fn deciding_arn(model: &Model, source: &PolicySource) -> Option<String> {
    match source {
        PolicySource::Managed { arn, .. } | PolicySource::PermissionsBoundary { arn, .. } => Some(arn.clone()),
        PolicySource::ServiceControlPolicy { name, .. } | PolicySource::ResourceControlPolicy { name, .. } => {
            let account = model.account();
            let policies = match source {
                PolicySource::ServiceControlPolicy { .. } => &account.service_control_policies,
                _ => &account.resource_control_policies,
            };
            let policy = policies.iter().find(|p| &p.name == name)?;
            let extra = |key: &str| policy.extra.get(key).and_then(Value::as_str).map(str::to_owned);
            extra("Arn").or_else(|| extra("Id"))
        }
        _ => None,
    }
}

/// The decoded message's matched statements against iamscope's deciding ones.
fn compare_statements(evidence: &Evidence, e: &Explanation, check: &mut CrossCheck) {
    let sids: Vec<&str> = evidence
        .aws
        .matched_statements
        .iter()
        .filter(|s| s.effect.eq_ignore_ascii_case("DENY"))
        .filter_map(|s| s.sid.as_deref())
        .collect();
    if sids.is_empty() {
        return;
    }
    if e.deciding.iter().any(|s| sids.contains(&&*s.statement)) {
        check.findings.push(format!(
            "AWS's matched statements include iamscope's: {}",
            sids.join(", ")
        ));
    } else {
        check.findings.push(format!(
            "AWS's matched Deny statements ({}) are not the ones iamscope finds",
            sids.join(", ")
        ));
    }
}

fn assumed_keys(e: &Explanation, check: &mut CrossCheck) {
    if !e.assumptions.is_empty() {
        check.findings.push(format!(
            "iamscope assumed what the evidence did not say: {}",
            e.assumptions
                .iter()
                .map(|a| a.describe())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    if !e.missing_context.is_empty() {
        check.findings.push(format!(
            "statements test keys the evidence does not give: {}",
            e.missing_context.join(", ")
        ));
    }
}

/// The resource whose policy governs the request: an object's bucket.
fn governing_resource(resource: &str) -> String {
    match resource.strip_prefix("arn:aws:s3:::").and_then(|r| r.split_once('/')) {
        Some((bucket, _)) => format!("arn:aws:s3:::{bucket}"),
        None => resource.to_owned(),
    }
}

/// The AWS CLI command that prints a resource's policy, by service.
fn resource_policy_command(arn: &str) -> Option<String> {
    let parsed = crate::model::Arn::parse(arn).ok()?;
    let name = parsed.resource();
    Some(match parsed.service() {
        "s3" => format!("aws s3api get-bucket-policy --bucket {name}"),
        "kms" => format!(
            "aws kms get-key-policy --key-id {} --policy-name default",
            name.trim_start_matches("key/")
        ),
        "sqs" => format!(
            "aws sqs get-queue-attributes --queue-url https://sqs.{}.amazonaws.com/{}/{name} --attribute-names Policy",
            parsed.region(),
            parsed.account()
        ),
        "sns" => format!("aws sns get-topic-attributes --topic-arn {arn}"),
        "lambda" => format!(
            "aws lambda get-policy --function-name {}",
            name.trim_start_matches("function:")
        ),
        "secretsmanager" => format!("aws secretsmanager get-resource-policy --secret-id {arn}"),
        "ecr" => format!(
            "aws ecr get-repository-policy --repository-name {}",
            name.trim_start_matches("repository/")
        ),
        _ => return None,
    })
}

/// Services whose resources carry resource-based policies iamscope reads.
const RESOURCE_POLICY_SERVICES: [&str; 7] = ["s3", "kms", "sqs", "sns", "lambda", "secretsmanager", "ecr"];

/// What the workspace lacks, given the policy type AWS named.
fn missing_for(model: &Model, evidence: &Evidence, e: &Explanation, kind: PolicyType, check: &mut CrossCheck) {
    let account = model.account();
    let named = evidence.aws.policy_arn.as_deref();
    let denies = if evidence.aws.denial == Some(Denial::Explicit) {
        "denies"
    } else {
        "does not allow"
    };
    let org = |scp: bool, check: &mut CrossCheck| {
        let (policies, key, filter, one, many) = if scp {
            (
                &account.service_control_policies,
                "ServiceControlPolicies",
                "SERVICE_CONTROL_POLICY",
                "service control policy",
                "service control policies",
            )
        } else {
            (
                &account.resource_control_policies,
                "ResourceControlPolicies",
                "RESOURCE_CONTROL_POLICY",
                "resource control policy",
                "resource control policies",
            )
        };
        let how = match named.and_then(|a| a.rsplit('/').next()) {
            Some(id) => format!("aws organizations describe-policy --policy-id {id} (in the management account)"),
            None => format!(
                "aws organizations list-policies-for-target --target-id {} --filter {filter} (for the account, each OU above it and the root), then describe-policy for each",
                account.id
            ),
        };
        check.missing.push(Missing {
            what: if policies.is_empty() {
                format!("the organization's {many}: the workspace has none")
            } else {
                format!(
                    "the {one} that {denies} it{}: none of the workspace's {} {many} does",
                    named.map_or_else(String::new, |a| format!(" ({a})")),
                    policies.len()
                )
            },
            key: Some(key),
            how: Some(how),
        });
    };
    match kind {
        PolicyType::ServiceControlPolicy => org(true, check),
        PolicyType::ResourceControlPolicy => org(false, check),
        PolicyType::ResourceBased => {
            let resource = &evidence.request.resource;
            if evidence.request.is_service("sts") {
                check.missing.push(Missing {
                    what: format!(
                        "the trust policy of {resource} that {denies} it: the workspace's differs, or the role is not in it"
                    ),
                    key: None,
                    how: Some("export the account again: aws iam get-account-authorization-details".to_owned()),
                });
                return;
            }
            let governing = governing_resource(resource);
            let present = !model.index().resource_policies(&governing).is_empty();
            let what = if evidence.request.is_service("kms") {
                format!(
                    "the key policy of {governing}{}",
                    if present {
                        ": the workspace's may be out of date"
                    } else {
                        ": the workspace has none (iamscope assumed the default key policy)"
                    }
                )
            } else if present {
                format!("the resource-based policy of {governing}: the workspace's may be out of date")
            } else {
                format!("no resource-based policy for {governing} is in the workspace")
            };
            check.missing.push(Missing {
                what,
                key: Some("ResourcePolicies"),
                how: resource_policy_command(&governing),
            });
        }
        PolicyType::PermissionsBoundary => {
            let boundary = e
                .stages
                .iter()
                .find(|s| s.kind == StageKind::PermissionsBoundary)
                .and_then(|s| s.policies.first())
                .and_then(|p| match &p.source {
                    PolicySource::PermissionsBoundary { name, .. } => Some(name.clone()),
                    _ => None,
                });
            check.missing.push(Missing {
                what: match (boundary, named) {
                    (_, Some(arn)) if model.policy(arn).is_none() => {
                        format!("the permissions boundary {arn}, which is not in the workspace")
                    }
                    (Some(b), _) => format!(
                        "the workspace's permissions boundary {b} {}: the account may have changed since the export",
                        if denies == "denies" { "does not deny it" } else { "allows it" }
                    ),
                    (None, _) => format!("the workspace shows no permissions boundary on {}", e.principal),
                },
                key: None,
                how: Some(
                    "export the account again: aws iam get-account-authorization-details (it lists boundaries)".to_owned(),
                ),
            });
        }
        PolicyType::SessionPolicy => check.missing.push(Missing {
            what: format!(
                "a session policy{}, which no export holds: session policies are passed when the session is made (AssumeRole's Policy and PolicyArns)",
                named.map_or_else(String::new, |a| format!(" ({a})"))
            ),
            key: None,
            how: Some(
                "the AssumeRole event in CloudTrail (requestParameters.policy, policyArns) shows what was passed".to_owned(),
            ),
        }),
        PolicyType::VpcEndpointPolicy => {
            let vpce = evidence
                .request
                .context
                .get("aws:SourceVpce")
                .and_then(|v| v.first())
                .cloned();
            check.missing.push(Missing {
                what: format!(
                    "the policy of VPC endpoint {}: iamscope does not model VPC endpoint policies",
                    vpce.as_deref().unwrap_or("(the request's endpoint)")
                ),
                key: None,
                how: Some(format!(
                    "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids {} --query 'VpcEndpoints[].PolicyDocument'",
                    vpce.as_deref().unwrap_or("VPCE-ID")
                )),
            });
        }
        PolicyType::IdentityBased => check.missing.push(Missing {
            what: match named {
                Some(arn) if model.policy(arn).is_none() => {
                    format!("the policy {arn}, which is not in the workspace")
                }
                _ => format!(
                    "an identity-based policy of {} that {denies} it: the workspace's differ (the account may have changed since the export)",
                    e.principal
                ),
            },
            key: None,
            how: Some("export the account again: aws iam get-account-authorization-details".to_owned()),
        }),
    }
}

/// When AWS named no policy type: everything the workspace may lack.
fn candidates(model: &Model, evidence: &Evidence, e: &Explanation, check: &mut CrossCheck) {
    let account = model.account();
    let in_account = matches!(
        resolve(model, &evidence.request.principal),
        Ok(Requester::User { .. } | Requester::RoleSession { .. } | Requester::Root)
    );
    if in_account && account.service_control_policies.is_empty() {
        missing_for(model, evidence, e, PolicyType::ServiceControlPolicy, check);
    }
    if account.resource_control_policies.is_empty() && evidence.request.resource != "*" {
        missing_for(model, evidence, e, PolicyType::ResourceControlPolicy, check);
    }
    let service = evidence.request.service().to_ascii_lowercase();
    let governing = governing_resource(&evidence.request.resource);
    if RESOURCE_POLICY_SERVICES.contains(&service.as_str())
        && evidence.request.resource != "*"
        && model.index().resource_policies(&governing).is_empty()
    {
        missing_for(model, evidence, e, PolicyType::ResourceBased, check);
    }
    if matches!(
        resolve(model, &evidence.request.principal),
        Ok(Requester::RoleSession { .. })
    ) {
        missing_for(model, evidence, e, PolicyType::SessionPolicy, check);
    }
    if evidence.request.context.get("aws:SourceVpce").is_some() {
        missing_for(model, evidence, e, PolicyType::VpcEndpointPolicy, check);
    }
}

/// The fix: for an implicit deny, the smallest statements that allow the
/// request, each applied to a copy of the account through the change model
/// and the request evaluated again; for an explicit deny, the statements
/// that deny it.
pub fn fix(model: &Model, evidence: &Evidence, e: &Explanation) -> Option<Fix> {
    match e.decision {
        Decision::Allow => None,
        Decision::ExplicitDeny => Some(Fix::RemoveDeny {
            statements: e.deciding.clone(),
        }),
        Decision::ImplicitDeny => Some(allow_fix(model, evidence, e)),
    }
}

fn allow_fix(model: &Model, evidence: &Evidence, e: &Explanation) -> Fix {
    let request = &evidence.request;
    let requester = match resolve(model, &request.principal) {
        Ok(r) => r,
        Err(why) => return Fix::Elsewhere { why },
    };
    let mut copy = model.clone();
    let mut current = e.clone();
    let mut changes: Vec<ProposedChange> = Vec::new();
    let mut blocked = None;
    // At most one change of each kind: identity policy, boundary, trust or resource policy.
    for _ in 0..4 {
        let proposal = match current.basis {
            Basis::NoAllow | Basis::IdentityAccountDoesNotAllow | Basis::CannotAssumePoolRole => {
                identity_change(&copy, &requester, request)
            }
            Basis::BoundaryDoesNotAllow => boundary_change(&copy, &requester, request),
            Basis::TrustPolicyDoesNotAllow => trust_change(&copy, &requester, request),
            Basis::ResourceAccountDoesNotAllow | Basis::KeyPolicyDoesNotAllow => {
                resource_change(&copy, &requester, request)
            }
            _ => Err(elsewhere(&current)),
        };
        let proposal = match proposal {
            Ok(p) => p,
            Err(why) => {
                blocked = Some(why);
                break;
            }
        };
        if changes.iter().any(|c| same_kind(&c.change, &proposal.change)) {
            blocked = Some(current.summary.clone());
            break;
        }
        if let Err(refusal) = change::apply(&mut copy, &proposal.change, evidence.time) {
            blocked = Some(format!("the change is refused: {refusal}"));
            break;
        }
        changes.push(proposal);
        current = match eval::evaluate(&copy, request) {
            Ok(after) => after,
            Err(why) => {
                blocked = Some(why.to_string());
                break;
            }
        };
        if current.decision == Decision::Allow {
            blocked = None;
            break;
        }
        blocked = Some(current.summary.clone());
    }
    if changes.is_empty() {
        return Fix::Elsewhere {
            why: blocked.unwrap_or_else(|| elsewhere(&current)),
        };
    }
    // AWS said a policy denied it explicitly, and the workspace holds no
    // such deny: an explicit deny overrides every allow ("Policy evaluation
    // logic"), so the allow found here would not be enough in AWS.
    if current.decision == Decision::Allow
        && evidence.aws.denial == Some(crate::evidence::Denial::Explicit)
        && e.decision == Decision::ImplicitDeny
    {
        let what = evidence.aws.policy_type.map_or("a policy", |t| t.with_article());
        let arn = evidence
            .aws
            .policy_arn
            .as_deref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        return Fix::Allow {
            changes,
            decision: current.decision,
            summary: current.summary.clone(),
            blocked: Some(format!(
                "AWS reports an explicit deny in {what}{arn} that iamscope does not find in the workspace (the policy \
                 is missing there, or out of date); no allow overrides an explicit deny, so this change alone would \
                 not be enough: export that policy again to see what it denies"
            )),
        };
    }
    Fix::Allow {
        changes,
        decision: current.decision,
        summary: current.summary.clone(),
        blocked: (current.decision != Decision::Allow).then(|| blocked.unwrap_or_else(|| elsewhere(&current))),
    }
}

fn same_kind(a: &Change, b: &Change) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// Why no statement iamscope can add would allow it.
fn elsewhere(e: &Explanation) -> String {
    let reason = match e.basis {
        Basis::ScpLevelAllowsNothing { .. } => {
            " An SCP at that level must allow it; SCPs are changed in the organization's management account."
        }
        Basis::SessionPolicyDoesNotAllow => " The session must be made again with a session policy that allows it.",
        _ => "",
    };
    format!("{}{reason}", e.summary)
}

fn statement(action: &str, resource: &str) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

fn document(statements: Vec<Value>) -> String {
    crate::policy::document::pretty_json(&json!({"Version": "2012-10-17", "Statement": statements}))
}

/// `AllowS3PutObject`, made unique among the holder's inline policies.
fn policy_name(action: &str, taken: &[crate::model::InlinePolicy]) -> String {
    let mut base = String::from("Allow");
    for part in action.split(':') {
        let mut chars = part.chars().filter(|c| c.is_ascii_alphanumeric());
        if let Some(first) = chars.next() {
            base.push(first.to_ascii_uppercase());
            base.extend(chars);
        }
    }
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|p| p.name == name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// An inline policy on the user, or on the role behind the session.
fn identity_change(
    model: &Model,
    requester: &Requester<'_>,
    request: &crate::eval::Request,
) -> Result<ProposedChange, String> {
    let account = model.account();
    let (holder, taken, who) = match requester {
        Requester::User { user, .. } => (
            Holder::User(user.name.clone()),
            &user.inline_policies,
            format!("user {}", user.name),
        ),
        Requester::RoleSession { role, .. } => (
            Holder::Role(role.name.clone()),
            &role.inline_policies,
            format!("role {}", role.name),
        ),
        Requester::WebIdentity(w) => {
            let arn = if w.authenticated {
                &w.pool.authenticated_role
            } else {
                &w.pool.unauthenticated_role
            };
            let role = arn
                .as_deref()
                .and_then(|a| match model.index().principal_by_arn(a) {
                    Some(crate::model::PrincipalEntity::Role(i)) => Some(&account.roles[i]),
                    _ => None,
                })
                .ok_or_else(|| {
                    format!(
                        "identity pool {} has no role in the workspace to add a statement to",
                        w.pool.name
                    )
                })?;
            (
                Holder::Role(role.name.clone()),
                &role.inline_policies,
                format!("role {}", role.name),
            )
        }
        Requester::Root => {
            return Err(
                "the root user needs no identity-based policy: only SCPs and explicit denies limit it".to_owned(),
            );
        }
        Requester::Service { name } => {
            return Err(format!(
                "service {name} has no identity-based policies: a resource-based policy must allow it"
            ));
        }
        Requester::External { arn, .. } => {
            return Err(format!(
                "{arn} is in another account: its own identity-based policies (not in this workspace) must allow it"
            ));
        }
        Requester::Federated(f) => {
            return Err(format!(
                "{} has no identity-based policies: the role it assumes must allow it (ask as that role's session)",
                f.describe()
            ));
        }
    };
    let name = policy_name(&request.action, taken);
    let statement = statement(&request.action, &request.resource);
    Ok(ProposedChange {
        description: format!("add an inline policy {name} to {who}"),
        statement: statement.clone(),
        change: Change::PutInlinePolicy {
            holder,
            name,
            document: document(vec![statement]),
        },
    })
}

/// A new default version of the boundary policy with the statement added.
fn boundary_change(
    model: &Model,
    requester: &Requester<'_>,
    request: &crate::eval::Request,
) -> Result<ProposedChange, String> {
    let boundary = match requester {
        Requester::User { user, .. } => user.permissions_boundary.as_ref(),
        Requester::RoleSession { role, .. } => role.permissions_boundary.as_ref(),
        _ => None,
    }
    .ok_or("the permissions boundary is not known")?;
    let policy = model
        .policy(&boundary.arn)
        .ok_or_else(|| format!("the permissions boundary {} is not in the workspace", boundary.arn))?;
    if policy.is_aws_managed() {
        return Err(format!(
            "the permissions boundary {} is AWS managed and cannot be changed: use a customer managed boundary that allows {}",
            policy.name, request.action
        ));
    }
    let statement = statement(&request.action, &request.resource);
    let document = appended(policy.default_document().and_then(|d| d.to_value()), statement.clone())?;
    Ok(ProposedChange {
        description: format!(
            "add the statement to the permissions boundary {} (a new default version)",
            policy.name
        ),
        statement,
        change: Change::CreatePolicyVersion {
            arn: policy.arn.to_string(),
            document,
        },
    })
}

/// The role's trust policy with a statement trusting the principal.
fn trust_change(
    model: &Model,
    requester: &Requester<'_>,
    request: &crate::eval::Request,
) -> Result<ProposedChange, String> {
    let role = model
        .index()
        .principal_by_arn(&request.resource)
        .and_then(|p| match p {
            crate::model::PrincipalEntity::Role(i) => Some(&model.account().roles[i]),
            _ => None,
        })
        .ok_or_else(|| format!("{} is not a role of the workspace", request.resource))?;
    let principal = principal_element(model, requester)?;
    let statement = json!({"Effect": "Allow", "Principal": principal, "Action": request.action});
    let document = appended(role.trust_policy.as_ref().and_then(|d| d.to_value()), statement.clone())?;
    Ok(ProposedChange {
        description: format!("add the statement to the trust policy of role {}", role.name),
        statement,
        change: Change::UpdateTrustPolicy {
            role: role.name.clone(),
            document,
        },
    })
}

/// The resource's policy with a statement granting the principal.
fn resource_change(
    model: &Model,
    requester: &Requester<'_>,
    request: &crate::eval::Request,
) -> Result<ProposedChange, String> {
    let governing = governing_resource(&request.resource);
    let principal = principal_element(model, requester)?;
    let statement = json!({
        "Effect": "Allow",
        "Principal": principal,
        "Action": request.action,
        "Resource": request.resource,
    });
    let existing = model
        .index()
        .resource_policies(&governing)
        .first()
        .and_then(|&i| model.account().resource_policies[i].policy.to_value());
    let document = appended(existing, statement.clone())?;
    Ok(ProposedChange {
        description: format!("add the statement to the resource-based policy of {governing}"),
        statement,
        change: Change::PutResourcePolicy {
            resource_arn: governing,
            document,
        },
    })
}

fn principal_element(model: &Model, requester: &Requester<'_>) -> Result<Value, String> {
    match requester {
        Requester::Service { name } => Ok(json!({"Service": name})),
        other => other
            .principal_arn(model)
            .map(|arn| json!({"AWS": arn}))
            .ok_or_else(|| format!("{} cannot be named in a policy's Principal", other.describe())),
    }
}

/// A policy document with one more statement.
fn appended(existing: Option<Value>, statement: Value) -> Result<String, String> {
    let mut document = existing.unwrap_or_else(|| json!({"Version": "2012-10-17", "Statement": []}));
    let object = document
        .as_object_mut()
        .ok_or("the existing policy is not a JSON object")?;
    let statements = match object.remove("Statement") {
        Some(Value::Array(list)) => list,
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    let mut statements = statements;
    statements.push(statement);
    object.insert("Statement".to_owned(), Value::Array(statements));
    Ok(crate::policy::document::pretty_json(&document))
}

/// How many events of a group iamscope decided which way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub allow: usize,
    pub explicit_deny: usize,
    pub implicit_deny: usize,
    pub not_evaluated: usize,
}

impl Tally {
    fn add(&mut self, decision: Option<Decision>) {
        match decision {
            Some(Decision::Allow) => self.allow += 1,
            Some(Decision::ExplicitDeny) => self.explicit_deny += 1,
            Some(Decision::ImplicitDeny) => self.implicit_deny += 1,
            None => self.not_evaluated += 1,
        }
    }
}

/// Events of one principal and action.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// 1-based, in listing order (most events first).
    pub number: usize,
    pub principal: String,
    pub action: String,
    /// The event numbers, in file order.
    pub events: Vec<usize>,
    /// Distinct resources, in order of first appearance.
    pub resources: Vec<String>,
    /// How many AWS denied, allowed, or failed otherwise.
    pub aws_denied: usize,
    pub aws_allowed: usize,
    pub aws_other: usize,
    /// iamscope's decisions.
    pub iamscope: Tally,
    /// Events where iamscope disagrees with AWS's outcome.
    pub disagreements: usize,
    /// The first event's answer (without the fix: ask for the event for
    /// it); its JSON is the decision, summary and cross-check only.
    #[serde(serialize_with = "answer_in_brief")]
    pub first: Answer,
}

/// A listing's view of an answer: what was decided and whether AWS agrees.
fn answer_in_brief<S: serde::Serializer>(answer: &Answer, serializer: S) -> Result<S::Ok, S::Error> {
    json!({
        "event": answer.evidence.event,
        "request": super::request_json(&answer.evidence.request),
        "decision": answer.decision(),
        "summary": answer.explanation.as_ref().map(|e| e.summary.as_str()),
        "rule": answer.explanation.as_ref().map(|e| e.rule()),
        "not_evaluated": answer.not_evaluated,
        "cross_check": answer.cross_check,
    })
    .serialize(serializer)
}

/// A trail's events, grouped.
#[derive(Debug, Clone, Serialize)]
pub struct Grouped {
    pub events: usize,
    pub denied: usize,
    pub groups: Vec<Group>,
    /// Events that gave no request.
    pub skipped: Vec<Skipped>,
}

/// An event that gave no request, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub event: usize,
    pub why: String,
}

/// Evaluate a trail's events and group them by principal and action: the
/// events AWS denied, or every event with `include_allowed`.
pub fn group(model: &Model, trail: &Trail, include_allowed: bool) -> Grouped {
    let mut groups: Vec<Group> = Vec::new();
    let mut skipped = Vec::new();
    let mut denied = 0;
    for event in &trail.events {
        let evidence = match &event.evidence {
            Ok(e) => e,
            Err(why) => {
                skipped.push(Skipped {
                    event: event.number,
                    why: why.to_string(),
                });
                continue;
            }
        };
        let outcome = evidence.aws.outcome;
        if outcome == AwsOutcome::Denied {
            denied += 1;
        } else if !include_allowed {
            continue;
        }
        let principal = evidence
            .event
            .as_ref()
            .map_or_else(|| evidence.request.principal.to_string(), |e| e.principal.clone());
        let answer = brief(model, evidence);
        let disagrees = matches!(
            answer.cross_check.verdict,
            Verdict::AwsDeniedIamscopeAllows | Verdict::AwsAllowedIamscopeDenies
        );
        let position = groups
            .iter()
            .position(|g| g.principal == principal && g.action.eq_ignore_ascii_case(&evidence.request.action));
        let group = match position {
            Some(i) => &mut groups[i],
            None => {
                groups.push(Group {
                    number: 0,
                    principal,
                    action: evidence.request.action.clone(),
                    events: Vec::new(),
                    resources: Vec::new(),
                    aws_denied: 0,
                    aws_allowed: 0,
                    aws_other: 0,
                    iamscope: Tally::default(),
                    disagreements: 0,
                    first: answer.clone(),
                });
                let last = groups.len() - 1;
                &mut groups[last]
            }
        };
        group.events.push(event.number);
        if !group.resources.contains(&evidence.request.resource) {
            group.resources.push(evidence.request.resource.clone());
        }
        match outcome {
            AwsOutcome::Denied => group.aws_denied += 1,
            AwsOutcome::Allowed => group.aws_allowed += 1,
            AwsOutcome::OtherError => group.aws_other += 1,
        }
        group.iamscope.add(answer.decision());
        if disagrees {
            group.disagreements += 1;
        }
    }
    // Most events first; ties by principal and action, so the order is stable.
    groups.sort_by(|a, b| {
        b.events
            .len()
            .cmp(&a.events.len())
            .then_with(|| a.principal.cmp(&b.principal))
            .then_with(|| a.action.cmp(&b.action))
    });
    for (i, g) in groups.iter_mut().enumerate() {
        g.number = i + 1;
    }
    Grouped {
        events: trail.events.len(),
        denied,
        groups,
        skipped,
    }
}
