//! The output of `aws sts decode-authorization-message` (STS API reference,
//! "DecodeAuthorizationMessage"): `{"DecodedMessage": "<JSON text>"}`, or
//! that JSON text itself (`--query DecodedMessage --output text`). It says
//! whether the request was allowed, whether a Deny decided it, which
//! statements matched, and the request's context: principal, action,
//! resource and the condition keys' values — which become the request's.

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::{AwsOutcome, AwsSaid, Builder, Denial, Evidence, EvidenceError, Kind, MatchedStatement, Origin};

/// Keys of the decoded context that describe the request to the
/// authorizer but are no condition keys a policy can test.
const INTERNAL_KEYS: [&str; 6] = [
    "aws:resource",
    "aws:account",
    "aws:region",
    "aws:service",
    "aws:type",
    "aws:arn",
];

pub(crate) fn is_decoded(object: &Map<String, Value>) -> bool {
    object.contains_key("DecodedMessage")
        || (object.contains_key("context") && (object.contains_key("allowed") || object.contains_key("explicitDeny")))
}

fn items(value: Option<&Value>) -> &[Value] {
    value
        .and_then(|v| v.get("items"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A decoded authorization message as evidence.
pub fn parse(value: &Value, now: Timestamp) -> Result<Evidence, EvidenceError> {
    let owned;
    let message = match value.get("DecodedMessage") {
        Some(Value::String(text)) => {
            owned = serde_json::from_str::<Value>(text)
                .map_err(|e| EvidenceError::json("DecodedMessage (a JSON string)", &e))?;
            &owned
        }
        Some(object @ Value::Object(_)) => object,
        _ => value,
    };
    let context = message.get("context").unwrap_or(&Value::Null);
    let principal = context.get("principal");
    let arn = principal.and_then(|p| p.get("arn")).and_then(Value::as_str);
    let action = context.get("action").and_then(Value::as_str).map(str::trim);
    let resource = context.get("resource").and_then(Value::as_str).map(str::trim);

    let conditions: Vec<(String, Vec<String>)> = items(context.get("conditions"))
        .iter()
        .filter_map(|item| {
            let key = item.get("key")?.as_str()?.to_owned();
            let values = items(item.get("values"))
                .iter()
                .filter_map(|v| match v.get("value")? {
                    Value::String(s) => Some(s.clone()),
                    Value::Null => None,
                    other => Some(other.to_string()),
                })
                .collect();
            Some((key, values))
        })
        .collect();
    let internal = |name: &str| {
        conditions
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.first())
            .cloned()
    };

    let (Some(arn), Some(action)) = (arn, action) else {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        match arn {
            Some(arn) => found.push(format!("the principal {arn}")),
            None => missing.push("principal ARN (context.principal.arn)"),
        }
        match action {
            Some(action) => found.push(format!("the action {action}")),
            None => missing.push("action (context.action)"),
        }
        return Err(EvidenceError::incomplete(
            found,
            missing,
            "give the whole output of `aws sts decode-authorization-message`",
        ));
    };
    let spec = super::message::principal(arn).map_err(|why| EvidenceError::Unsupported {
        what: format!("the principal `{arn}`"),
        why,
    })?;

    let mut builder = Builder::new();
    builder.principal = Some((spec, Origin::decoded("context.principal.arn"), None));
    // AWS's own example shows the action without its service prefix
    // (`RunInstances`): the service comes from aws:Service or the resource's ARN.
    builder.action = Some(if action.contains(':') {
        (action.to_owned(), Origin::decoded("context.action"), None)
    } else {
        let service = internal("aws:Service")
            .map(|s| (s, "aws:Service in context.conditions"))
            .or_else(|| {
                resource
                    .and_then(|r| r.split(':').nth(2))
                    .filter(|s| !s.is_empty())
                    .map(|s| (s.to_owned(), "the resource's ARN"))
            });
        match service {
            Some((service, whence)) => (
                format!("{service}:{action}"),
                Origin::decoded(format!("context.action, with the service from {whence}")),
                None,
            ),
            None => {
                return Err(EvidenceError::incomplete(
                    vec![format!("the action name {action}")],
                    vec!["service for it"],
                    "the decoded context names neither aws:Service nor a resource ARN; use `iamscope explain` with SERVICE:ACTION",
                ));
            }
        }
    });
    let full_action = builder.action.as_ref().map(|(a, _, _)| a.clone()).unwrap_or_default();
    builder.resource = Some(match resource.filter(|r| !r.is_empty()) {
        Some(resource) => (resource.to_owned(), Origin::decoded("context.resource"), None),
        None if super::message::takes_no_resource(&full_action) => (
            "*".to_owned(),
            Origin::assumed(format!(
                "the decoded context names no resource, and {full_action} acts on no particular resource"
            )),
            None,
        ),
        None => {
            return Err(EvidenceError::incomplete(
                vec!["the principal and action".to_owned()],
                vec!["resource (context.resource)"],
                "give the whole output of `aws sts decode-authorization-message`",
            ));
        }
    });
    builder.time = Some((
        now,
        Origin::assumed("the decoded message carries no time: the time of asking is taken"),
    ));
    for (i, (key, values)) in conditions.iter().enumerate() {
        if INTERNAL_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
            continue;
        }
        builder.key(
            key,
            values.clone(),
            Origin::decoded(format!("context.conditions.items[{i}]")),
            None,
        );
    }
    if !builder.has_key("aws:RequestedRegion")
        && let Some(region) = internal("aws:Region")
    {
        builder.key(
            "aws:RequestedRegion",
            vec![region],
            Origin::decoded("aws:Region in context.conditions"),
            None,
        );
    }

    let allowed = message.get("allowed").and_then(Value::as_bool);
    let explicit = message.get("explicitDeny").and_then(Value::as_bool);
    let aws = AwsSaid {
        outcome: if allowed == Some(true) {
            AwsOutcome::Allowed
        } else {
            AwsOutcome::Denied
        },
        denial: match (allowed, explicit) {
            (Some(true), _) => None,
            (_, Some(true)) => Some(Denial::Explicit),
            (_, Some(false)) => Some(Denial::Implicit),
            _ => None,
        },
        matched_statements: items(message.get("matchedStatements"))
            .iter()
            .map(|s| MatchedStatement {
                sid: s
                    .get("statementId")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
                effect: s.get("effect").and_then(Value::as_str).unwrap_or("?").to_owned(),
            })
            .collect(),
        ..AwsSaid::default()
    };
    let evidence = builder
        .finish(Kind::DecodedAuthorizationMessage, aws)
        .ok_or_else(|| EvidenceError::incomplete(Vec::new(), vec!["request"], "give the whole output"))?;
    Ok(evidence)
}
