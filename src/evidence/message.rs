//! AccessDenied error messages, in the forms AWS documents ("Troubleshoot
//! access denied error messages", IAM User Guide):
//!
//! `User: ARN is not authorized to perform: ACTION [on resource: ARN]`,
//! alone or followed by `because no TYPE allows the ACTION action` or
//! `with an explicit deny in a(n) TYPE[: POLICY-ARN]`; wrapped by the AWS
//! CLI (`An error occurred (CODE) when calling the OP operation: …`), the
//! Go and Java SDKs, S3's XML error body, or a JSON error body; with or
//! without an `Encoded authorization failure message`.

use jiff::Timestamp;

use super::{AwsSaid, Builder, Denial, Evidence, EvidenceError, Kind, Origin, PolicyType};
use crate::eval::PrincipalSpec;

/// Everything recognised in a message, before it becomes a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    /// The wrapper the message came in: `AWS CLI`, `S3 XML error body`, …
    pub wrapper: Option<&'static str>,
    pub code: Option<String>,
    pub operation: Option<String>,
    pub principal: Option<String>,
    pub action: Option<String>,
    pub resource: Option<String>,
    /// AWS's reason as written (after `because` or `with`).
    pub reason: Option<String>,
    pub denial: Option<Denial>,
    pub policy_type: Option<PolicyType>,
    pub policy_arn: Option<String>,
    pub encoded: Option<String>,
}

const NOT_AUTHORIZED: &str = " is not authorized to perform";
const ENCODED: &str = "Encoded authorization failure message:";
const EXPLICIT: &str = "with an explicit deny in ";

/// Read the parts of an error message. Nothing here fails: what was not
/// found stays `None`.
pub fn words(text: &str) -> Words {
    let mut words = Words::default();
    let mut body = normalise(text);

    // S3 (and other REST services) answer with an XML error document.
    if body.starts_with('<') {
        if let Some(message) = xml_element(&body, "Message") {
            words.wrapper = Some("S3 XML error body");
            words.code = xml_element(&body, "Code");
            body = message;
        } else if let Some(code) = xml_element(&body, "Code") {
            words.wrapper = Some("S3 XML error body");
            words.code = Some(code);
            body.clear();
        }
    }
    // The AWS CLI and boto3: `An error occurred (CODE) when calling the OP operation: …`
    if let Some(at) = body.find("An error occurred (") {
        let after = &body[at + "An error occurred (".len()..];
        if let Some(close) = after.find(')') {
            words.wrapper = Some("AWS CLI");
            words.code = Some(after[..close].trim().to_owned());
            let mut tail = &after[close + 1..];
            if let Some(t) = tail.strip_prefix(" when calling the ")
                && let Some(end) = t.find(" operation")
            {
                words.operation = Some(t[..end].trim().to_owned());
                tail = &t[end + " operation".len()..];
            }
            let mut tail = tail.trim_start();
            if tail.starts_with("(reached max retries")
                && let Some(end) = tail.find(')')
            {
                tail = tail[end + 1..].trim_start();
            }
            body = tail.strip_prefix(':').unwrap_or(tail).trim().to_owned();
        }
    }
    // The Go SDK v2: `operation error S3: GetObject, https response error …, api error CODE: …`
    if let Some(at) = body.find("operation error ") {
        let after = &body[at + "operation error ".len()..];
        if let Some((_, rest)) = after.split_once(": ")
            && let Some((operation, _)) = rest.split_once(',')
        {
            words.wrapper = Some("AWS SDK for Go");
            words.operation = Some(operation.trim().to_owned());
        }
        if let Some(api) = body.find("api error ") {
            let after = body[api + "api error ".len()..].to_owned();
            if let Some((code, rest)) = after.split_once(": ") {
                words.code = Some(code.trim().to_owned());
                body = rest.trim().to_owned();
            }
        }
    }
    // The Java SDK: `… (Service: S3, Status Code: 403, Error Code: AccessDenied, Request ID: …)`
    if let Some(at) = body.find("(Service: ") {
        let inside = &body[at + 1..];
        let inside = &inside[..inside.find(')').unwrap_or(inside.len())];
        words.wrapper = Some("AWS SDK for Java");
        for part in inside.split([',', ';']) {
            if let Some(code) = part.trim().strip_prefix("Error Code: ") {
                words.code = Some(code.trim().to_owned());
            }
        }
        body.truncate(at);
        body = body.trim().to_owned();
    }
    // An encoded message (EC2 and others): only STS can decode it.
    if let Some(at) = body.find(ENCODED) {
        let blob = body[at + ENCODED.len()..].trim_start();
        let blob: String = blob.chars().take_while(|c| !c.is_whitespace()).collect();
        if !blob.is_empty() {
            words.encoded = Some(blob);
        }
        body.truncate(at);
    }
    core(&body, &mut words);
    words
}

/// `User: PRINCIPAL is not authorized to perform: ACTION on resource: RESOURCE REASON`.
fn core(body: &str, words: &mut Words) {
    let Some(at) = body.find(NOT_AUTHORIZED) else {
        return;
    };
    if let Some(user) = body[..at].rfind("User: ") {
        let principal = body[user + "User: ".len()..at].trim();
        if !principal.is_empty() {
            words.principal = Some(principal.to_owned());
        }
    }
    let rest = body[at + NOT_AUTHORIZED.len()..].trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let stops = [" on resource", " because ", " with an explicit deny", ". "];
    let end = stops.iter().filter_map(|s| rest.find(s)).min().unwrap_or(rest.len());
    let action = trim_sentence(&rest[..end]);
    if !action.is_empty() {
        words.action = Some(action.to_owned());
    }
    let mut rest = &rest[end..];
    if let Some(after) = rest.strip_prefix(" on resource") {
        let after = after.strip_prefix("(s)").unwrap_or(after);
        let after = after.strip_prefix(':').unwrap_or(after).trim_start();
        let (resource, tail) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(close) => (&quoted[..close], &quoted[close + 1..]),
                None => (quoted, ""),
            }
        } else {
            // An ARN as AWS prints it unquoted has no white space: what
            // follows is the reason, or a tool's own words (`status code:
            // 403, request id: …` from the Go SDK and Terraform). IAM also
            // names a resource in words (`role DeployRole`): those end
            // where the reason begins.
            let end = if after.starts_with("arn:") {
                after.find(char::is_whitespace).unwrap_or(after.len())
            } else {
                [" because ", " with an explicit deny"]
                    .iter()
                    .filter_map(|s| after.find(s))
                    .min()
                    .unwrap_or(after.len())
            };
            (&after[..end], &after[end..])
        };
        let resource = trim_sentence(resource);
        if !resource.is_empty() {
            words.resource = Some(resource.to_owned());
        }
        rest = tail;
    }
    reason(rest.trim(), words);
}

/// `because no TYPE allows the ACTION action`, `with an explicit deny in a TYPE[: ARN]`.
fn reason(text: &str, words: &mut Words) {
    if let Some(because) = text.strip_prefix("because ") {
        let because = trim_sentence(because);
        words.reason = Some(format!("because {because}"));
        words.denial = Some(Denial::Implicit);
        if let Some(after) = because.strip_prefix("no ") {
            words.policy_type = policy_type(after).map(|(t, _)| t);
        }
    } else if let Some(after) = text.strip_prefix(EXPLICIT) {
        let after = trim_sentence(after);
        words.reason = Some(format!("{EXPLICIT}{after}"));
        words.denial = Some(Denial::Explicit);
        let after = ["an ", "a ", "the "]
            .iter()
            .find_map(|a| after.strip_prefix(a))
            .unwrap_or(after);
        if let Some((kind, tail)) = policy_type(after) {
            words.policy_type = Some(kind);
            if let Some(arn) = tail.trim_start().strip_prefix(':') {
                let arn: String = arn.trim_start().chars().take_while(|c| !c.is_whitespace()).collect();
                let arn = trim_sentence(&arn);
                if arn.starts_with("arn:") {
                    words.policy_arn = Some(arn.to_owned());
                }
            }
        }
    }
}

fn policy_type(text: &str) -> Option<(PolicyType, &str)> {
    PolicyType::PHRASES.iter().find_map(|(phrase, kind)| {
        let head = text.get(..phrase.len())?;
        head.eq_ignore_ascii_case(phrase)
            .then(|| (*kind, &text[phrase.len()..]))
    })
}

fn trim_sentence(text: &str) -> &str {
    text.trim().trim_end_matches(['.', ',', ';']).trim()
}

/// Runs of white space (a pasted message wraps) become one space.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn xml_element(text: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find(&close)?;
    Some(unescape_xml(text[start..end].trim()))
}

fn unescape_xml(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The principal as a request names it, or why it cannot be one.
pub(crate) fn principal(text: &str) -> Result<PrincipalSpec, String> {
    if text.eq_ignore_ascii_case("anonymous") {
        return Err(
            "the request was anonymous (not signed): no IAM principal was denied; only a resource-based policy that grants everyone (\"Principal\": \"*\") could allow it"
                .to_owned(),
        );
    }
    PrincipalSpec::parse(text)
}

/// An error message as evidence. `code` is the error code when the caller
/// found it outside the text (a JSON error body's `__type`).
pub fn parse(text: &str, now: Timestamp, code: Option<String>) -> Result<Evidence, EvidenceError> {
    let mut words = words(text);
    if words.code.is_none() {
        words.code = code;
    }
    let mut found = Vec::new();
    if let Some(code) = &words.code {
        found.push(format!("the error code {code}"));
    }
    if let Some(operation) = &words.operation {
        found.push(format!("the operation {operation}"));
    }
    if words.encoded.is_some() {
        found.push("an encoded authorization failure message".to_owned());
    }
    let (Some(principal_text), Some(action)) = (words.principal.clone(), words.action.clone()) else {
        let mut missing = Vec::new();
        if let Some(p) = &words.principal {
            found.push(format!("the principal {p}"));
        } else {
            missing.push("principal");
        }
        if let Some(a) = &words.action {
            found.push(format!("the action {a}"));
        } else {
            missing.push("action");
        }
        if words.resource.is_none() {
            missing.push("resource");
        }
        let hint = if words.encoded.is_some() {
            "decode the encoded message with `aws sts decode-authorization-message --encoded-message MESSAGE` and give its output to iamscope why".to_owned()
        } else if words.code.is_some() {
            "this message does not say who was denied or on what (S3's plain \"Access Denied\" does not); give iamscope why the request's CloudTrail event, or ask `iamscope explain --principal … --action … --resource …`".to_owned()
        } else if words.principal.is_some() || words.action.is_some() {
            "paste the whole message".to_owned()
        } else {
            "paste the whole error message (it starts `An error occurred (…)` or `User: arn:…`), a CloudTrail event or log file, or the output of `aws sts decode-authorization-message`".to_owned()
        };
        return Err(EvidenceError::incomplete(found, missing, hint));
    };
    let spec = principal(&principal_text).map_err(|why| EvidenceError::Unsupported {
        what: format!("the principal `{principal_text}`"),
        why,
    })?;
    if !action.contains(':') {
        found.push("the principal".to_owned());
        return Err(EvidenceError::incomplete(
            found,
            vec!["action of the form SERVICE:ACTION"],
            format!("the message names `{action}`; paste the whole message"),
        ));
    }
    let mut builder = Builder::new();
    builder.principal = Some((
        spec,
        Origin::message("after \"User:\""),
        principal_note(&principal_text),
    ));
    let operation_note = words.operation.as_deref().and_then(|op| {
        let prefix = action.split(':').next().unwrap_or_default();
        let expected = crate::catalog::operations::action_for(prefix, op);
        (!expected.action.eq_ignore_ascii_case(&action)).then(|| {
            format!(
                "the CLI names the operation {op}; AWS's message names the action {action}{}",
                if expected.mapping == crate::catalog::operations::Mapping::NotInCatalogue {
                    String::new()
                } else {
                    format!(" (the operation's own action is {})", expected.action)
                }
            )
        })
    });
    let action_note = match crate::catalog::catalog().action(&action) {
        Some(_) => operation_note,
        None => Some(format!("the catalogue has no action {action}")),
    };
    builder.action = Some((action.clone(), Origin::message("after \"perform:\""), action_note));
    builder.resource = Some(match &words.resource {
        Some(resource) => (resource.clone(), Origin::message("after \"on resource:\""), None),
        None => match takes_no_resource(&action) {
            true => (
                "*".to_owned(),
                Origin::assumed(format!(
                    "the message names no resource, and {action} acts on no particular resource"
                )),
                None,
            ),
            false => {
                return Err(EvidenceError::incomplete(
                    vec!["the principal and action".to_owned()],
                    vec!["resource"],
                    "paste the whole message (the resource follows `on resource:`)",
                ));
            }
        },
    });
    builder.time = Some((
        now,
        Origin::assumed("the message carries no time: the time of asking is taken"),
    ));
    let aws = AwsSaid {
        error_code: words.code.clone(),
        operation: words.operation.clone(),
        denial: words.denial,
        policy_type: words.policy_type,
        policy_arn: words.policy_arn.clone(),
        reason: words.reason.clone(),
        encoded_message: words.encoded.clone(),
        ..AwsSaid::default()
    };
    let mut evidence = builder
        .finish(Kind::ErrorMessage, aws)
        .ok_or_else(|| EvidenceError::incomplete(Vec::new(), vec!["request"], "paste the whole message"))?;
    if let Some(wrapper) = words.wrapper {
        evidence.notes.push(format!("read as {wrapper} output"));
    }
    if words.encoded.is_some() {
        evidence.notes.push(ENCODED_NOTE.to_owned());
    }
    Ok(evidence)
}

pub(crate) const ENCODED_NOTE: &str = "the message carries an encoded authorization failure message: decode it with `aws sts decode-authorization-message --encoded-message MESSAGE` and give iamscope why its output, for AWS's condition context and matched statements";

/// Whether the catalogue says the action takes no resource (only `*`).
pub(crate) fn takes_no_resource(action: &str) -> bool {
    crate::catalog::catalog()
        .action(action)
        .is_some_and(|a| a.resource_types().next().is_none())
}

fn principal_note(arn: &str) -> Option<String> {
    let arn = crate::model::Arn::parse(arn).ok()?;
    match (arn.service(), arn.resource_type()) {
        ("sts", "assumed-role") => Some("a role session: evaluated as a session of its role".to_owned()),
        ("sts", "federated-user") => Some(
            "a federated user (GetFederationToken): its permissions are those of the IAM user that made it, capped by the session policy passed then"
                .to_owned(),
        ),
        ("iam", _) if arn.resource() == "root" => Some("the account's root user".to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_sentence_with_an_implicit_reason() {
        let w = words(
            "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::photos/cat.jpg\" because no identity-based policy allows the s3:PutObject action",
        );
        assert_eq!(w.principal.as_deref(), Some("arn:aws:iam::111122223333:user/alice"));
        assert_eq!(w.action.as_deref(), Some("s3:PutObject"));
        assert_eq!(w.resource.as_deref(), Some("arn:aws:s3:::photos/cat.jpg"));
        assert_eq!(w.denial, Some(Denial::Implicit));
        assert_eq!(w.policy_type, Some(PolicyType::IdentityBased));
    }

    #[test]
    fn an_explicit_deny_with_a_policy_arn() {
        let w = words(
            "User: arn:aws:iam::111122223333:user/Matt is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::111122223333:role/* with an explicit deny in a service control policy: arn:aws:organizations::987654321098:policy/o-a1b2c3d4e5/service_control_policy/p-a1b2c3d4.",
        );
        assert_eq!(w.resource.as_deref(), Some("arn:aws:iam::111122223333:role/*"));
        assert_eq!(w.denial, Some(Denial::Explicit));
        assert_eq!(w.policy_type, Some(PolicyType::ServiceControlPolicy));
        assert_eq!(
            w.policy_arn.as_deref(),
            Some("arn:aws:organizations::987654321098:policy/o-a1b2c3d4e5/service_control_policy/p-a1b2c3d4")
        );
    }

    #[test]
    fn a_wrapped_message_keeps_its_code_and_operation() {
        let w = words(
            "An error occurred (AccessDenied) when calling the GetObject operation (reached max retries: 2): User: arn:aws:sts::111122223333:assumed-role/DeployRole/ci is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::build-artifacts/app.zip\"",
        );
        assert_eq!(w.code.as_deref(), Some("AccessDenied"));
        assert_eq!(w.operation.as_deref(), Some("GetObject"));
        assert_eq!(w.resource.as_deref(), Some("arn:aws:s3:::build-artifacts/app.zip"));
        assert_eq!(w.denial, None);
    }

    #[test]
    fn xml_entities_are_undone() {
        let w = words(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>User: arn:aws:iam::111122223333:user/bob is not authorized to perform: s3:GetObject on resource: &quot;arn:aws:s3:::photos/a&amp;b.jpg&quot; because no resource-based policy allows the s3:GetObject action</Message></Error>",
        );
        assert_eq!(w.resource.as_deref(), Some("arn:aws:s3:::photos/a&b.jpg"));
        assert_eq!(w.policy_type, Some(PolicyType::ResourceBased));
    }

    #[test]
    fn plain_text_recognises_nothing() {
        assert_eq!(words("hello there"), Words::default());
    }
}
