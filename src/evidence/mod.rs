//! Evidence of a denied (or allowed) request, as AWS reported it, turned back
//! into the request iamscope can evaluate.
//!
//! This module owns reading what a person has when something was denied:
//! an AccessDenied error message in any of the forms AWS, the AWS CLI and the
//! SDKs print ([`message`]), the output of `aws sts
//! decode-authorization-message` ([`decoded`]), and CloudTrail events — one
//! event, a delivered log file (also gzip) or `aws cloudtrail lookup-events`
//! output ([`cloudtrail`]). Each becomes an [`Evidence`]: the reconstructed
//! [`Request`] with the origin of every field (from the message, from the
//! event, assumed), and what AWS's own words said (the policy type, the
//! policy ARN, an implicit or explicit deny). [`answer`] then evaluates it,
//! checks the explanation against AWS's words and proposes the fix, checked
//! by the engine on a copy of the account.
//!
//! No terminal code, no wall clock: a message without a time takes `now`
//! from the caller; a CloudTrail event's `eventTime` is its request time.

pub(crate) mod answer;
pub mod cloudtrail;
pub(crate) mod decoded;
pub(crate) mod message;
pub mod report;

use std::io::Read;

use jiff::Timestamp;
use serde::Serialize;

use crate::eval::{Context, Request};

pub use answer::{
    Answer, CrossCheck, Fix, Group, Grouped, Missing, ProposedChange, Skipped, Tally, Verdict, answer, brief, group,
};
pub use cloudtrail::{Trail, TrailEvent};

/// What kind of text the evidence came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An AccessDenied (or UnauthorizedOperation, AccessDeniedException) message.
    ErrorMessage,
    /// `aws sts decode-authorization-message` output.
    DecodedAuthorizationMessage,
    /// One CloudTrail event.
    CloudTrailEvent,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::ErrorMessage => "an error message",
            Kind::DecodedAuthorizationMessage => "a decoded authorization message",
            Kind::CloudTrailEvent => "a CloudTrail event",
        }
    }
}

/// Where one field of the reconstructed request came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum Origin {
    /// The error message; `part` says which words.
    Message { part: String },
    /// The decoded authorization message; `part` is its JSON path.
    DecodedMessage { part: String },
    /// The CloudTrail event; `part` is its JSON path (`userIdentity.arn`).
    Event { part: String },
    /// Not in the evidence: iamscope assumed it, for the reason given.
    Assumed { why: String },
    /// Given by the person asking (it replaces what the evidence said).
    Given { part: String },
}

impl Origin {
    pub fn message(part: impl Into<String>) -> Origin {
        Origin::Message { part: part.into() }
    }
    pub fn decoded(part: impl Into<String>) -> Origin {
        Origin::DecodedMessage { part: part.into() }
    }
    pub fn event(part: impl Into<String>) -> Origin {
        Origin::Event { part: part.into() }
    }
    pub fn assumed(why: impl Into<String>) -> Origin {
        Origin::Assumed { why: why.into() }
    }

    /// `from the message (after "User:")`, `assumed: …`.
    pub fn describe(&self) -> String {
        match self {
            Origin::Message { part } => format!("from the message ({part})"),
            Origin::DecodedMessage { part } => format!("from the decoded message ({part})"),
            Origin::Event { part } => format!("from the event ({part})"),
            Origin::Assumed { why } => format!("assumed: {why}"),
            Origin::Given { part } => format!("given ({part})"),
        }
    }
}

/// One field of the reconstructed request: `principal`, `action`,
/// `resource`, `time`, or a condition key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: String,
    /// The value as shown (several values joined by `, `).
    pub value: String,
    pub origin: Origin,
    /// More to know about it (an action whose name differs from the API's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What AWS did with the request, as far as the evidence says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AwsOutcome {
    /// AWS refused it for lack of permission.
    #[default]
    Denied,
    /// The request succeeded (a CloudTrail event without an error).
    Allowed,
    /// It failed for another reason (a CloudTrail `errorCode` that is not an
    /// authorization error): whether it was authorised is not known.
    OtherError,
}

/// An explicit deny (a Deny statement) or an implicit one (nothing allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Denial {
    Implicit,
    Explicit,
}

/// The kinds of policy AWS's access-denied messages name ("Troubleshoot
/// access denied error messages", IAM User Guide).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyType {
    IdentityBased,
    ResourceBased,
    PermissionsBoundary,
    SessionPolicy,
    ServiceControlPolicy,
    ResourceControlPolicy,
    VpcEndpointPolicy,
}

impl PolicyType {
    /// AWS's words for the type, longest first where one begins another.
    pub const PHRASES: [(&'static str, PolicyType); 8] = [
        ("identity-based policy", PolicyType::IdentityBased),
        ("resource-based policy", PolicyType::ResourceBased),
        ("permissions boundary policy", PolicyType::PermissionsBoundary),
        ("permissions boundary", PolicyType::PermissionsBoundary),
        ("session policy", PolicyType::SessionPolicy),
        ("service control policy", PolicyType::ServiceControlPolicy),
        ("resource control policy", PolicyType::ResourceControlPolicy),
        ("vpc endpoint policy", PolicyType::VpcEndpointPolicy),
    ];

    /// `a service control policy`.
    pub fn with_article(self) -> &'static str {
        match self {
            PolicyType::IdentityBased => "an identity-based policy",
            PolicyType::ResourceBased => "a resource-based policy",
            PolicyType::PermissionsBoundary => "a permissions boundary",
            PolicyType::SessionPolicy => "a session policy",
            PolicyType::ServiceControlPolicy => "a service control policy",
            PolicyType::ResourceControlPolicy => "a resource control policy",
            PolicyType::VpcEndpointPolicy => "a VPC endpoint policy",
        }
    }

    /// `service control policy`.
    pub fn name(self) -> &'static str {
        let words = self.with_article();
        words.split_once(' ').map_or(words, |(_, name)| name)
    }
}

/// A statement the decoded authorization message says matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedStatement {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// `ALLOW` or `DENY`, as AWS writes it.
    pub effect: String,
}

/// What AWS's own words said about the request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AwsSaid {
    pub outcome: AwsOutcome,
    /// `AccessDenied`, `UnauthorizedOperation`, `AccessDeniedException`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The API operation (`GetObject`), from the CLI's wrapper or the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denial: Option<Denial>,
    /// The policy type the message names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_type: Option<PolicyType>,
    /// The ARN of the denying policy, when the message gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_arn: Option<String>,
    /// AWS's reason, as written (after `because` or `with`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// An encoded authorization failure message that was not decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoded_message: Option<String>,
    /// Statements the decoded message says matched.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matched_statements: Vec<MatchedStatement>,
    /// The event's `errorMessage`, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A Cognito identity pool the request may have come through; resolved
/// against the account by [`answer`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolHint {
    /// `cognito-identity.amazonaws.com:aud`, when the evidence gives it.
    pub pool_id: Option<String>,
    /// The role the identity's session is of (or asked for).
    pub role_arn: Option<String>,
}

/// Where a CloudTrail event sat and what it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventInfo {
    /// 1-based position in the file.
    pub number: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub time: String,
    pub source: String,
    pub name: String,
    /// Who, for grouping: a role session's role, a user, a service.
    pub principal: String,
}

/// The request reconstructed from evidence, and what AWS said about it.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub kind: Kind,
    pub request: Request,
    /// The request's time (the event's, or `now` for a message).
    pub time: Timestamp,
    /// Every field of the request, with its origin, in order: principal,
    /// action, resource, time, then condition keys.
    pub fields: Vec<Field>,
    pub aws: AwsSaid,
    /// What else a reader should know (an encoded message to decode, a
    /// principal of another account).
    pub notes: Vec<String>,
    pub pool: Option<PoolHint>,
    pub event: Option<EventInfo>,
}

impl Evidence {
    /// The origin of a field by name (condition keys case-insensitively).
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// Replace the principal (a person's `--principal`), noting the origin.
    pub fn set_principal(&mut self, principal: crate::eval::PrincipalSpec, origin: Origin, note: Option<String>) {
        self.request.principal = principal;
        let value = self.request.principal.to_string();
        set_field(&mut self.fields, "principal", value, origin, note);
        self.pool = None;
    }
}

fn set_field(fields: &mut Vec<Field>, name: &str, value: String, origin: Origin, note: Option<String>) {
    let field = Field {
        name: name.to_owned(),
        value,
        origin,
        note,
    };
    match fields.iter_mut().find(|f| f.name.eq_ignore_ascii_case(name)) {
        Some(existing) => *existing = field,
        None => fields.push(field),
    }
}

/// Builds an [`Evidence`] field by field, keeping each origin.
pub(crate) struct Builder {
    pub principal: Option<(crate::eval::PrincipalSpec, Origin, Option<String>)>,
    pub action: Option<(String, Origin, Option<String>)>,
    pub resource: Option<(String, Origin, Option<String>)>,
    pub time: Option<(Timestamp, Origin)>,
    pub context: Context,
    pub context_fields: Vec<Field>,
}

impl Builder {
    pub fn new() -> Builder {
        Builder {
            principal: None,
            action: None,
            resource: None,
            time: None,
            context: Context::new(),
            context_fields: Vec::new(),
        }
    }

    /// A condition key with its values and origin (a second call replaces).
    pub fn key(&mut self, key: &str, values: Vec<String>, origin: Origin, note: Option<String>) {
        if values.is_empty() {
            return;
        }
        set_field(&mut self.context_fields, key, values.join(", "), origin, note);
        self.context.set(key, values);
    }

    pub fn has_key(&self, key: &str) -> bool {
        self.context.get(key).is_some()
    }

    /// The evidence, once principal, action, resource and time are known.
    pub fn finish(self, kind: Kind, aws: AwsSaid) -> Option<Evidence> {
        let (principal, principal_origin, principal_note) = self.principal?;
        let (action, action_origin, action_note) = self.action?;
        let (resource, resource_origin, resource_note) = self.resource?;
        let (time, time_origin) = self.time?;
        let mut fields = vec![
            Field {
                name: "principal".to_owned(),
                value: principal.to_string(),
                origin: principal_origin,
                note: principal_note,
            },
            Field {
                name: "action".to_owned(),
                value: action.clone(),
                origin: action_origin,
                note: action_note,
            },
            Field {
                name: "resource".to_owned(),
                value: resource.clone(),
                origin: resource_origin,
                note: resource_note,
            },
            Field {
                name: "time".to_owned(),
                value: time.to_string(),
                origin: time_origin,
                note: None,
            },
        ];
        fields.extend(self.context_fields);
        let mut request = Request::new(principal, action, resource, time);
        request.context = self.context;
        request.time_given = true;
        Some(Evidence {
            kind,
            request,
            time,
            fields,
            aws,
            notes: Vec::new(),
            pool: None,
            event: None,
        })
    }
}

/// Text that could not be read as evidence: what was recognised, what was
/// missing, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incomplete {
    pub found: Vec<String>,
    pub missing: Vec<String>,
    pub hint: String,
}

impl std::fmt::Display for Incomplete {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let missing = join_and(&self.missing);
        if self.found.is_empty() {
            write!(f, "found no {missing}: {}", self.hint)
        } else {
            write!(f, "found {}, but no {missing}: {}", join_and(&self.found), self.hint)
        }
    }
}

/// `a, b and c`.
pub(crate) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("{0}")]
    Incomplete(Incomplete),
    #[error("the input is not UTF-8 text (byte {at}): give the message, event or log file as text, or a gzip of one")]
    NotText { at: usize },
    #[error("the input is larger than {limit} bytes{after}: split the log, or give one event")]
    TooLarge { limit: u64, after: &'static str },
    #[error("the input starts like gzip but cannot be decompressed: {0}")]
    Gzip(String),
    #[error("{what} is not valid JSON at line {line}, column {column}: {message}")]
    Json {
        what: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{what}: {why}")]
    Unsupported { what: String, why: String },
}

impl EvidenceError {
    pub(crate) fn incomplete(found: Vec<String>, missing: Vec<&str>, hint: impl Into<String>) -> EvidenceError {
        EvidenceError::Incomplete(Incomplete {
            found,
            missing: missing.into_iter().map(str::to_owned).collect(),
            hint: hint.into(),
        })
    }

    pub(crate) fn json(what: impl Into<String>, error: &serde_json::Error) -> EvidenceError {
        // serde_json ends its message with the place, which this error says already
        let message = error.to_string();
        let place = format!(" at line {} column {}", error.line(), error.column());
        EvidenceError::Json {
            what: what.into(),
            line: error.line(),
            column: error.column(),
            message: message.strip_suffix(&place).unwrap_or(&message).to_owned(),
        }
    }
}

/// What a piece of text turned out to be.
#[derive(Debug, Clone)]
pub enum Input {
    /// One request: a message, a decoded message, or one CloudTrail event.
    One(Box<Evidence>),
    /// Many CloudTrail events (a log file, lookup-events output).
    Trail(Trail),
}

/// The most input [`read`] takes, before and after decompression. CloudTrail
/// delivers log files of a few megabytes; this leaves room for merged ones.
pub const MAX_INPUT: u64 = 512 * 1024 * 1024;

/// Read evidence from what a person pasted or saved: an error message, a
/// decoded authorization message, a CloudTrail event, log file (gzip too) or
/// lookup-events output. `now` is the time of asking, used for a message
/// that carries none.
pub fn read(bytes: &[u8], now: Timestamp) -> Result<Input, EvidenceError> {
    read_at_most(bytes, now, MAX_INPUT)
}

/// [`read`] with another limit than [`MAX_INPUT`] (the CLI's
/// `--max-input-size`), before and after decompression.
pub fn read_at_most(bytes: &[u8], now: Timestamp, limit: u64) -> Result<Input, EvidenceError> {
    if bytes.len() as u64 > limit {
        return Err(EvidenceError::TooLarge { limit, after: "" });
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut text = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes)
            .take(limit.saturating_add(1))
            .read_to_end(&mut text)
            .map_err(|e| EvidenceError::Gzip(e.to_string()))?;
        if text.len() as u64 > limit {
            return Err(EvidenceError::TooLarge {
                limit,
                after: " once decompressed",
            });
        }
        return read_at_most(&text, now, limit);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| EvidenceError::NotText { at: e.valid_up_to() })?;
    read_text(text, now)
}

/// [`read`] for text already in memory (the explorer's paste).
pub fn read_text(text: &str, now: Timestamp) -> Result<Input, EvidenceError> {
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.starts_with('{') || text.starts_with('[') {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| EvidenceError::json("the input (it starts like JSON)", &e))?;
        return read_json(&value, now);
    }
    message::parse(text, now, None).map(|e| Input::One(Box::new(e)))
}

fn read_json(value: &serde_json::Value, now: Timestamp) -> Result<Input, EvidenceError> {
    use serde_json::Value;
    if let Some(trail) = cloudtrail::trail(value, now)? {
        return Ok(Input::Trail(trail));
    }
    let Value::Object(object) = value else {
        return Err(not_evidence(value));
    };
    if cloudtrail::is_event(object) {
        return cloudtrail::event(value, 1, now).map(|e| Input::One(Box::new(e)));
    }
    if let Some(Value::String(inner)) = object.get("CloudTrailEvent") {
        let event: Value =
            serde_json::from_str(inner).map_err(|e| EvidenceError::json("CloudTrailEvent (a JSON string)", &e))?;
        return cloudtrail::event(&event, 1, now).map(|e| Input::One(Box::new(e)));
    }
    if decoded::is_decoded(object) {
        return decoded::parse(value, now).map(|e| Input::One(Box::new(e)));
    }
    // An error body of a JSON-protocol service, or the CLI's JSON error.
    let error = object.get("Error").and_then(Value::as_object).unwrap_or(object);
    let text = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| error.get(*k).and_then(Value::as_str))
            .map(str::to_owned)
    };
    if let Some(message) = text(&["message", "Message", "errorMessage"]) {
        let code =
            text(&["__type", "Code", "code", "errorCode"]).map(|c| c.rsplit('#').next().unwrap_or(&c).to_owned());
        return message::parse(&message, now, code).map(|e| Input::One(Box::new(e)));
    }
    Err(not_evidence(value))
}

fn not_evidence(value: &serde_json::Value) -> EvidenceError {
    let keys = match value {
        serde_json::Value::Object(o) => {
            let keys: Vec<String> = o.keys().take(8).cloned().collect();
            format!("its top-level keys are {}", keys.join(", "))
        }
        serde_json::Value::Array(a) => format!("it is a list of {} items that are not CloudTrail events", a.len()),
        _ => "it is a single value".to_owned(),
    };
    EvidenceError::Unsupported {
        what: "JSON that is no evidence iamscope knows".to_owned(),
        why: format!(
            "{keys}; give a CloudTrail event or log file, `aws cloudtrail lookup-events` output, `aws sts decode-authorization-message` output, or an error body with a message"
        ),
    }
}

/// The request as JSON, in the one written request form.
pub(crate) fn request_json(request: &Request) -> serde_json::Value {
    serde_json::to_value(request.spec()).unwrap_or_default()
}

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Evidence", 7)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("request", &request_json(&self.request))?;
        s.serialize_field("fields", &self.fields)?;
        s.serialize_field("aws", &self.aws)?;
        s.serialize_field("notes", &self.notes)?;
        if let Some(event) = &self.event {
            s.serialize_field("event", event)?;
        }
        s.end()
    }
}
