//! CloudTrail events ("CloudTrail record contents", "CloudTrail
//! userIdentity element", AWS CloudTrail User Guide): one event, a
//! delivered log file (`{"Records": [...]}`), and `aws cloudtrail
//! lookup-events` output (`{"Events": [{"CloudTrailEvent": "<JSON text>"}]}`).
//!
//! The event's `userIdentity` becomes the principal, `eventSource` and
//! `eventName` the IAM action (through the catalogue's operation table),
//! `resources` (or, lacking them, `requestParameters`) the resource, and the
//! rest condition keys: `sourceIPAddress` → aws:SourceIp, `awsRegion` →
//! aws:RequestedRegion, `vpcEndpointId` → aws:SourceVpce, `tlsDetails` →
//! aws:SecureTransport, `eventTime` → aws:CurrentTime, the session's MFA,
//! creation date, source identity and web identity data. An `errorCode` of
//! AccessDenied and its kin marks the event denied.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{AwsOutcome, AwsSaid, Builder, EventInfo, Evidence, EvidenceError, Kind, Origin, PoolHint};
use crate::catalog::operations;
use crate::eval::PrincipalSpec;

/// Error codes that mean "not authorised" (with or without EC2's `Client.`).
const DENIED_CODES: [&str; 5] = [
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "AuthorizationErrorException",
];

const COGNITO_PROVIDER: &str = "cognito-identity.amazonaws.com";

/// Whether an event's `errorCode` means the request was not authorised.
pub fn is_denied_code(code: &str) -> bool {
    let code = code.strip_prefix("Client.").unwrap_or(code);
    DENIED_CODES.iter().any(|c| c.eq_ignore_ascii_case(code))
}

/// The shape the events came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrailShape {
    /// A delivered log file: `{"Records": [...]}`.
    LogFile,
    /// `aws cloudtrail lookup-events` output: `{"Events": [...]}`.
    LookupEvents,
    /// A JSON list of events.
    List,
}

/// One event of a trail: its evidence, or why it gives none.
#[derive(Debug, Clone)]
pub struct TrailEvent {
    /// 1-based position in the file.
    pub number: usize,
    pub id: Option<String>,
    pub name: Option<String>,
    pub evidence: Result<Evidence, EvidenceError>,
}

/// Many events, in file order.
#[derive(Debug, Clone)]
pub struct Trail {
    pub shape: TrailShape,
    pub events: Vec<TrailEvent>,
}

pub(crate) fn is_event(object: &Map<String, Value>) -> bool {
    object.contains_key("eventSource") && object.contains_key("eventName")
}

/// A log file, lookup-events output or list of events; `None` for other JSON.
pub fn trail(value: &Value, now: Timestamp) -> Result<Option<Trail>, EvidenceError> {
    let (shape, items) = match value {
        Value::Object(o) => match (o.get("Records"), o.get("Events")) {
            (Some(Value::Array(records)), _) => (TrailShape::LogFile, records),
            (_, Some(Value::Array(events))) => (TrailShape::LookupEvents, events),
            (Some(_), _) => {
                return Err(EvidenceError::Unsupported {
                    what: "the log file".to_owned(),
                    why: "its Records is not a list of events".to_owned(),
                });
            }
            _ => return Ok(None),
        },
        Value::Array(items)
            if items
                .first()
                .and_then(Value::as_object)
                .is_some_and(|o| is_event(o) || o.contains_key("CloudTrailEvent")) =>
        {
            (TrailShape::List, items)
        }
        _ => return Ok(None),
    };
    let events = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let number = i + 1;
            let parsed;
            let event = match item.get("CloudTrailEvent") {
                Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                    Ok(v) => {
                        parsed = v;
                        &parsed
                    }
                    Err(e) => {
                        return TrailEvent {
                            number,
                            id: item.get("EventId").and_then(Value::as_str).map(str::to_owned),
                            name: item.get("EventName").and_then(Value::as_str).map(str::to_owned),
                            evidence: Err(EvidenceError::json(
                                format!("Events[{i}].CloudTrailEvent (a JSON string)"),
                                &e,
                            )),
                        };
                    }
                },
                _ => item,
            };
            TrailEvent {
                number,
                id: text(event, &["eventID"]).map(str::to_owned),
                name: text(event, &["eventName"]).map(str::to_owned),
                evidence: self::event(event, number, now),
            }
        })
        .collect();
    Ok(Some(Trail { shape, events }))
}

fn text<'v>(value: &'v Value, path: &[&str]) -> Option<&'v str> {
    let mut at = value;
    for key in path {
        at = at.get(key)?;
    }
    at.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// One CloudTrail event as evidence; `number` is its place in its file.
pub fn event(event: &Value, number: usize, now: Timestamp) -> Result<Evidence, EvidenceError> {
    let name = text(event, &["eventName"]);
    let what = || match name {
        Some(name) => format!("event {number} ({name})"),
        None => format!("event {number}"),
    };
    if let Some(kind) = text(event, &["eventType"])
        && kind != "AwsApiCall"
    {
        return Err(EvidenceError::Unsupported {
            what: what(),
            why: format!("its eventType is {kind}, not AwsApiCall: no request of a principal was authorised"),
        });
    }
    let (Some(source), Some(name)) = (text(event, &["eventSource"]), name) else {
        return Err(EvidenceError::incomplete(
            Vec::new(),
            vec!["eventSource and eventName"],
            format!("{} is not a whole CloudTrail event", what()),
        ));
    };
    let Some(prefix) = operations::service_prefix(source) else {
        return Err(EvidenceError::Unsupported {
            what: what(),
            why: format!("its eventSource {source} is no service the catalogue knows"),
        });
    };
    let operation = operations::action_for(prefix, name);
    let action = operation.action.clone();

    let time_text = text(event, &["eventTime"]);
    let time = match time_text {
        Some(t) => Some(t.parse::<Timestamp>().map_err(|e| EvidenceError::Unsupported {
            what: what(),
            why: format!("its eventTime `{t}` is not an RFC 3339 time ({e})"),
        })?),
        None => None,
    };
    let region = text(event, &["awsRegion"]).unwrap_or("us-east-1");
    let identity = event.get("userIdentity").unwrap_or(&Value::Null);
    let arn_text = text(identity, &["arn"]);
    let partition = arn_text
        .and_then(|a| a.split(':').nth(1))
        .filter(|p| !p.is_empty())
        .unwrap_or("aws");
    let account = text(event, &["recipientAccountId"])
        .or_else(|| text(identity, &["accountId"]))
        .unwrap_or("");

    let mut b = Builder::new();
    b.action = Some((
        action.clone(),
        Origin::event("eventSource + eventName"),
        operation.note(),
    ));
    let (principal_label, pool) =
        self::identity(identity, event, &mut b, time).map_err(|why| EvidenceError::Unsupported {
            what: format!("{}: its userIdentity", what()),
            why,
        })?;
    let place = Place {
        partition,
        region,
        account,
    };
    b.resource = Some(resource(event, &action, prefix, &place));
    b.time = Some(match time {
        Some(t) => (t, Origin::event("eventTime")),
        None => (
            now,
            Origin::assumed("the event has no eventTime: the time of asking is taken"),
        ),
    });
    if let Some(t) = time {
        b.key("aws:CurrentTime", vec![t.to_string()], Origin::event("eventTime"), None);
        b.key(
            "aws:EpochTime",
            vec![t.as_second().to_string()],
            Origin::event("eventTime"),
            None,
        );
    }
    context(event, prefix, &action, &mut b);

    let error_code = text(event, &["errorCode"]).map(str::to_owned);
    let error_message = text(event, &["errorMessage"]).map(str::to_owned);
    let mut aws = AwsSaid {
        outcome: match &error_code {
            None => AwsOutcome::Allowed,
            Some(code) if is_denied_code(code) => AwsOutcome::Denied,
            Some(_) => AwsOutcome::OtherError,
        },
        error_code,
        operation: Some(name.to_owned()),
        message: error_message.clone(),
        ..AwsSaid::default()
    };
    if let Some(message) = &error_message {
        let words = super::message::words(message);
        aws.denial = words.denial;
        aws.policy_type = words.policy_type;
        aws.policy_arn = words.policy_arn;
        aws.reason = words.reason;
        aws.encoded_message = words.encoded;
    }
    let mut evidence = b
        .finish(Kind::CloudTrailEvent, aws)
        .ok_or_else(|| EvidenceError::incomplete(Vec::new(), vec!["request"], format!("{} is incomplete", what())))?;
    if evidence.aws.encoded_message.is_some() {
        evidence.notes.push(super::message::ENCODED_NOTE.to_owned());
    }
    if let Some(ip) = text(event, &["sourceIPAddress"])
        && ip.parse::<std::net::IpAddr>().is_err()
    {
        evidence.notes.push(format!(
            "sourceIPAddress is `{ip}`, not an address: an AWS service made the call, so the request has no aws:SourceIp"
        ));
    }
    evidence.pool = pool;
    evidence.event = Some(EventInfo {
        number,
        id: text(event, &["eventID"]).map(str::to_owned),
        time: time_text.unwrap_or("").to_owned(),
        source: source.to_owned(),
        name: name.to_owned(),
        principal: principal_label,
    });
    Ok(evidence)
}

/// The principal, from `userIdentity`; returns the label to group by and a
/// Cognito identity pool the session may have come through.
fn identity(
    identity: &Value,
    event: &Value,
    b: &mut Builder,
    time: Option<Timestamp>,
) -> Result<(String, Option<PoolHint>), String> {
    let kind = text(identity, &["type"]).ok_or("it has no type")?;
    let arn = text(identity, &["arn"]);
    let account = text(identity, &["accountId"]);
    let issuer = text(identity, &["sessionContext", "sessionIssuer", "arn"]);
    let from = |part: &str| Origin::event(format!("userIdentity.{part}"));
    let arn_spec = |arn: &str| PrincipalSpec::parse(arn).map_err(|e| format!("userIdentity.arn: {e}"));
    let mut pool = None;
    let label = match kind {
        "IAMUser" | "Role" => {
            let arn = arn.ok_or("it has no arn")?;
            b.principal = Some((arn_spec(arn)?, from("arn"), None));
            arn.to_owned()
        }
        "AssumedRole" => {
            let arn = arn.ok_or("it has no arn")?;
            b.principal = Some((
                arn_spec(arn)?,
                from("arn"),
                Some("a role session: evaluated as a session of its role".to_owned()),
            ));
            let web = identity
                .get("sessionContext")
                .and_then(|s| s.get("webIdFederationData"));
            if web
                .and_then(|w| text(w, &["federatedProvider"]))
                .is_some_and(|p| p.eq_ignore_ascii_case(COGNITO_PROVIDER))
            {
                pool = Some(PoolHint {
                    pool_id: web
                        .and_then(|w| w.get("attributes"))
                        .and_then(|a| a.get("cognito-identity.amazonaws.com:aud"))
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    role_arn: issuer.map(str::to_owned),
                });
            }
            issuer.unwrap_or(arn).to_owned()
        }
        "FederatedUser" => {
            let arn = arn.ok_or("it has no arn")?;
            let issuer = issuer.ok_or(
                "a federated user without sessionContext.sessionIssuer: the IAM user that made it is not named",
            )?;
            b.principal = Some((
                arn_spec(issuer)?,
                from("sessionContext.sessionIssuer.arn"),
                Some(format!(
                    "{arn} is a federated user made by GetFederationToken: evaluated as the IAM user that made it; the session policy passed then is not in the event, so it may be allowed less"
                )),
            ));
            arn.to_owned()
        }
        "Root" => {
            let root = match (arn, account) {
                (Some(arn), _) => arn.to_owned(),
                (None, Some(account)) => format!("arn:aws:iam::{account}:root"),
                (None, None) => return Err("a Root identity without arn or accountId".to_owned()),
            };
            b.principal = Some((
                arn_spec(&root)?,
                from("arn"),
                Some("the account's root user".to_owned()),
            ));
            root
        }
        "AWSService" => {
            let service = text(identity, &["invokedBy"]).ok_or("an AWSService identity without invokedBy")?;
            b.principal = Some((PrincipalSpec::Service(service.to_owned()), from("invokedBy"), None));
            service.to_owned()
        }
        "AWSAccount" => {
            let account = account.ok_or("an AWSAccount identity without accountId")?;
            let root = format!("arn:aws:iam::{account}:root");
            b.principal = Some((
                arn_spec(&root)?,
                Origin::assumed(format!(
                    "the event names only the calling account (userIdentity.accountId {account}), not which of its principals called"
                )),
                None,
            ));
            format!("account {account}")
        }
        "WebIdentityUser"
            if text(identity, &["identityProvider"]).is_some_and(|p| p.eq_ignore_ascii_case(COGNITO_PROVIDER)) =>
        {
            let role = text(event, &["requestParameters", "roleArn"]);
            b.principal = Some((
                PrincipalSpec::IdentityPool {
                    id: String::new(),
                    authenticated: false,
                },
                from("identityProvider"),
                None,
            ));
            pool = Some(PoolHint {
                pool_id: None,
                role_arn: role.map(str::to_owned),
            });
            format!(
                "Cognito identity ({})",
                text(identity, &["userName"]).unwrap_or("unnamed")
            )
        }
        other => {
            return Err(format!(
                "type {other}: iamscope evaluates IAM users, role sessions, federated users, the root user, AWS services, other accounts and Cognito identities; give the principal to evaluate as with --principal"
            ));
        }
    };

    // The session's facts ("AWS global condition context keys").
    let session = identity.get("sessionContext");
    let attributes = session.and_then(|s| s.get("attributes"));
    let mfa = attributes.and_then(|a| text(a, &["mfaAuthenticated"]));
    if let Some(mfa) = mfa {
        b.key(
            "aws:MultiFactorAuthPresent",
            vec![mfa.to_ascii_lowercase()],
            from("sessionContext.attributes.mfaAuthenticated"),
            None,
        );
    }
    let created = attributes.and_then(|a| text(a, &["creationDate"]));
    if let Some(created) = created {
        b.key(
            "aws:TokenIssueTime",
            vec![created.to_owned()],
            from("sessionContext.attributes.creationDate"),
            None,
        );
        if mfa.is_some_and(|m| m.eq_ignore_ascii_case("true"))
            && let (Ok(created), Some(time)) = (created.parse::<Timestamp>(), time)
        {
            let age = time.as_second() - created.as_second();
            if age >= 0 {
                b.key(
                    "aws:MultiFactorAuthAge",
                    vec![age.to_string()],
                    Origin::assumed(
                        "MFA is taken to have been used when the session was made: eventTime minus sessionContext.attributes.creationDate",
                    ),
                    None,
                );
            }
        }
    }
    if let Some(source) = session.and_then(|s| text(s, &["sourceIdentity"])) {
        b.key(
            "aws:SourceIdentity",
            vec![source.to_owned()],
            from("sessionContext.sourceIdentity"),
            None,
        );
    }
    if let Some(web) = session.and_then(|s| s.get("webIdFederationData")) {
        if let Some(provider) = text(web, &["federatedProvider"]) {
            b.key(
                "aws:FederatedProvider",
                vec![provider.to_owned()],
                from("sessionContext.webIdFederationData.federatedProvider"),
                None,
            );
        }
        if let Some(Value::Object(attributes)) = web.get("attributes") {
            for (key, value) in attributes {
                if let Some(value) = value.as_str() {
                    b.key(
                        key,
                        vec![value.to_owned()],
                        from(&format!("sessionContext.webIdFederationData.attributes.{key}")),
                        None,
                    );
                }
            }
        }
    }
    if kind != "AWSService"
        && let Some(service) = text(identity, &["invokedBy"])
        && service.ends_with(".amazonaws.com")
    {
        b.key(
            "aws:ViaAWSService",
            vec!["true".to_owned()],
            from("invokedBy"),
            Some(format!("{service} made the call with the principal's credentials")),
        );
    }
    Ok((label, pool))
}

/// The condition keys the event's other fields give.
fn context(event: &Value, prefix: &str, action: &str, b: &mut Builder) {
    let vpce = text(event, &["vpcEndpointId"]);
    if let Some(ip) = text(event, &["sourceIPAddress"])
        && ip.parse::<std::net::IpAddr>().is_ok()
    {
        // Through a VPC endpoint, AWS gives aws:VpcSourceIp, not aws:SourceIp
        // ("AWS global condition context keys", aws:SourceIp).
        let key = if vpce.is_some() {
            "aws:VpcSourceIp"
        } else {
            "aws:SourceIp"
        };
        b.key(key, vec![ip.to_owned()], Origin::event("sourceIPAddress"), None);
    }
    if let Some(region) = text(event, &["awsRegion"]) {
        b.key(
            "aws:RequestedRegion",
            vec![region.to_owned()],
            Origin::event("awsRegion"),
            None,
        );
    }
    if let Some(vpce) = vpce {
        b.key(
            "aws:SourceVpce",
            vec![vpce.to_owned()],
            Origin::event("vpcEndpointId"),
            None,
        );
        if let Some(account) = text(event, &["vpcEndpointAccountId"]) {
            b.key(
                "aws:VpceAccount",
                vec![account.to_owned()],
                Origin::event("vpcEndpointAccountId"),
                None,
            );
        }
    }
    if let Some(tls) = event.get("tlsDetails").filter(|t| t.is_object()) {
        b.key(
            "aws:SecureTransport",
            vec!["true".to_owned()],
            Origin::event("tlsDetails"),
            None,
        );
        if prefix == "s3"
            && let Some(version) = text(tls, &["tlsVersion"])
        {
            let number = version.trim_start_matches("TLSv");
            b.key(
                "s3:TlsVersion",
                vec![number.to_owned()],
                Origin::event("tlsDetails.tlsVersion"),
                None,
            );
        }
    }
    if let Some(agent) = text(event, &["userAgent"]) {
        b.key(
            "aws:UserAgent",
            vec![agent.to_owned()],
            Origin::event("userAgent"),
            None,
        );
    }
    if prefix == "s3" {
        let extra = event.get("additionalEventData");
        if let Some(version) = extra.and_then(|e| text(e, &["SignatureVersion"])) {
            // s3:signatureversion takes the signing algorithm's name.
            let value = match version {
                "SigV4" => "AWS4-HMAC-SHA256",
                "SigV2" => "AWS",
                other => other,
            };
            b.key(
                "s3:signatureversion",
                vec![value.to_owned()],
                Origin::event("additionalEventData.SignatureVersion"),
                None,
            );
        }
        if let Some(method) = extra.and_then(|e| text(e, &["AuthenticationMethod"])) {
            let value = match method {
                "AuthHeader" => "REST-HEADER",
                "QueryString" => "REST-QUERY-STRING",
                other => other,
            };
            b.key(
                "s3:authType",
                vec![value.to_owned()],
                Origin::event("additionalEventData.AuthenticationMethod"),
                None,
            );
        }
        if action.eq_ignore_ascii_case("s3:ListBucket") || action.eq_ignore_ascii_case("s3:ListBucketVersions") {
            for (param, key) in [
                ("prefix", "s3:prefix"),
                ("delimiter", "s3:delimiter"),
                ("max-keys", "s3:max-keys"),
            ] {
                let value = event.get("requestParameters").and_then(|p| p.get(param));
                let value = match value {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                };
                if let Some(value) = value {
                    b.key(
                        key,
                        vec![value],
                        Origin::event(format!("requestParameters.{param}")),
                        None,
                    );
                }
            }
        }
    }
}

/// Where in AWS the event happened, for ARNs built from names.
struct Place<'a> {
    partition: &'a str,
    region: &'a str,
    account: &'a str,
}

/// The resource: from `resources`, else from `requestParameters`, else `*`.
fn resource(event: &Value, action: &str, prefix: &str, place: &Place<'_>) -> (String, Origin, Option<String>) {
    let catalog = crate::catalog::catalog();
    let listed: Vec<(usize, &str)> = event
        .get("resources")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .enumerate()
                .filter_map(|(i, r)| Some((i, text(r, &["ARN"]).or_else(|| text(r, &["arn"]))?)))
                .collect()
        })
        .unwrap_or_default();
    if let Some(&(i, arn)) = listed
        .iter()
        .find(|(_, arn)| catalog.accepts(action, arn))
        .or(listed.first())
    {
        let note = (!catalog.accepts(action, arn))
            .then(|| format!("the catalogue does not expect {action} on this kind of resource"));
        return (arn.to_owned(), Origin::event(format!("resources[{i}].ARN")), note);
    }
    let params = event.get("requestParameters").unwrap_or(&Value::Null);
    if let Some((arn, part, note)) = from_parameters(params, prefix, place) {
        return (arn, Origin::event(format!("requestParameters.{part}")), note);
    }
    let why = if super::message::takes_no_resource(action) {
        format!("{action} acts on no particular resource")
    } else {
        "the event names no resource iamscope can read: `*` stands for it".to_owned()
    };
    ("*".to_owned(), Origin::assumed(why), None)
}

/// An ARN built from the names the common services put in
/// `requestParameters`: (ARN, parameter, note).
fn from_parameters(params: &Value, prefix: &str, place: &Place<'_>) -> Option<(String, String, Option<String>)> {
    let Place {
        partition,
        region,
        account,
    } = *place;
    let get = |key: &str| text(params, &[key]);
    let named = |key: &str, build: &dyn Fn(&str) -> String| {
        get(key).map(|v| {
            let arn = if v.starts_with("arn:") { v.to_owned() } else { build(v) };
            (arn, key.to_owned(), None)
        })
    };
    let found = match prefix {
        "s3" => get("bucketName").map(|bucket| match get("key") {
            Some(key) => (
                format!("arn:{partition}:s3:::{bucket}/{key}"),
                "bucketName + key".to_owned(),
                None,
            ),
            None => (format!("arn:{partition}:s3:::{bucket}"), "bucketName".to_owned(), None),
        }),
        "iam" => {
            let iam = |kind: &'static str| move |name: &str| format!("arn:{partition}:iam::{account}:{kind}/{name}");
            named("roleName", &iam("role"))
                .or_else(|| named("userName", &iam("user")))
                .or_else(|| named("groupName", &iam("group")))
                .or_else(|| named("policyArn", &iam("policy")))
                .or_else(|| named("instanceProfileName", &iam("instance-profile")))
        }
        "sts" => get("roleArn").map(|arn| (arn.to_owned(), "roleArn".to_owned(), None)),
        "kms" => named("keyId", &|id| match id.strip_prefix("alias/") {
            Some(alias) => format!("arn:{partition}:kms:{region}:{account}:alias/{alias}"),
            None => format!("arn:{partition}:kms:{region}:{account}:key/{id}"),
        }),
        "lambda" => named("functionName", &|name| {
            format!("arn:{partition}:lambda:{region}:{account}:function:{name}")
        }),
        "dynamodb" => named("tableName", &|name| {
            format!("arn:{partition}:dynamodb:{region}:{account}:table/{name}")
        }),
        "sqs" => get("queueUrl").and_then(|url| {
            let mut parts = url.trim_end_matches('/').rsplit('/');
            let name = parts.next()?;
            let owner = parts.next()?;
            Some((
                format!("arn:{partition}:sqs:{region}:{owner}:{name}"),
                "queueUrl".to_owned(),
                None,
            ))
        }),
        "sns" => get("topicArn").map(|arn| (arn.to_owned(), "topicArn".to_owned(), None)),
        "secretsmanager" => get("secretId").map(|id| {
            if id.starts_with("arn:") {
                (id.to_owned(), "secretId".to_owned(), None)
            } else {
                (
                    format!("arn:{partition}:secretsmanager:{region}:{account}:secret:{id}"),
                    "secretId".to_owned(),
                    Some("a secret's ARN ends in six random characters the event does not give".to_owned()),
                )
            }
        }),
        "ssm" => named("name", &|name| {
            format!(
                "arn:{partition}:ssm:{region}:{account}:parameter/{}",
                name.trim_start_matches('/')
            )
        }),
        "logs" => named("logGroupName", &|name| {
            format!("arn:{partition}:logs:{region}:{account}:log-group:{name}")
        }),
        "ec2" => get("instanceId")
            .map(|id| (id, "instanceId"))
            .or_else(|| {
                params
                    .get("instancesSet")
                    .and_then(|s| s.get("items"))
                    .and_then(Value::as_array)
                    .and_then(|items| items.first())
                    .and_then(|item| text(item, &["instanceId"]))
                    .map(|id| (id, "instancesSet.items[0].instanceId"))
            })
            .map(|(id, part)| {
                (
                    format!("arn:{partition}:ec2:{region}:{account}:instance/{id}"),
                    part.to_owned(),
                    None,
                )
            }),
        _ => None,
    };
    found.or_else(|| {
        // Any parameter that is an ARN, such as `resourceArn`.
        let Value::Object(params) = params else {
            return None;
        };
        params.iter().find_map(|(key, value)| {
            let arn = value.as_str()?;
            (arn.starts_with("arn:") && key.to_ascii_lowercase().ends_with("arn"))
                .then(|| (arn.to_owned(), key.clone(), None))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denied_codes_include_ec2s_client_prefix() {
        assert!(is_denied_code("Client.UnauthorizedOperation"));
        assert!(is_denied_code("AccessDenied"));
        assert!(!is_denied_code("NoSuchKey"));
        assert!(!is_denied_code("NotAuthorizedException"));
    }
}
