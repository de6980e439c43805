//! What the AWS CLI prints when a call fails, read into a kind: denied,
//! throttled, a resource without a policy, a stop for every call (no
//! credentials, an expired session, no region), a CLI too old for the
//! command, or anything else.
//!
//! The CLI writes a service's error as
//! `An error occurred (CODE) when calling the OPERATION operation[ (reached max retries: N)]: MESSAGE`
//! on stderr and exits with a non-zero status (255 in version 1; 254 in
//! version 2, 252 for a command line it cannot parse).

/// One finished run of the `aws` executable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// The exit status; `None` when a signal ended the process.
    pub status: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Output {
    pub fn success(&self) -> bool {
        self.status == Some(0)
    }
}

/// The service error inside the CLI's message, when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub code: String,
    pub operation: String,
    pub message: String,
}

/// Reads `An error occurred (CODE) when calling the OP operation…: MESSAGE`.
pub fn service_error(stderr: &str) -> Option<ServiceError> {
    const START: &str = "An error occurred (";
    let at = stderr.find(START)?;
    let rest = &stderr[at + START.len()..];
    let (code, rest) = rest.split_once(')')?;
    let rest = rest.strip_prefix(" when calling the ")?;
    let (operation, rest) = rest.split_once(" operation")?;
    // ` (reached max retries: N)` sits between the operation and the message
    let rest = match rest.strip_prefix(" (reached max retries") {
        Some(retries) => retries.split_once(')').map_or("", |(_, r)| r),
        None => rest,
    };
    let message = rest.split_once(": ").map_or("", |(_, m)| m);
    let message = message.lines().next().unwrap_or_default().trim();
    Some(ServiceError {
        code: code.to_owned(),
        operation: operation.to_owned(),
        message: message.to_owned(),
    })
}

/// What a failed call means for collecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// The caller lacks the permission: skip what needs it, say which.
    Denied,
    /// Too many requests: wait and ask again.
    Throttled,
    /// A passing failure of the service or the network: ask again, as for throttling.
    Transient,
    /// Every further call would fail the same way: stop, keep what was collected.
    Stop { advice: &'static str },
    /// The installed CLI does not know the command or one of its options.
    UnknownToCli,
    /// Anything else: reported, and the item is skipped.
    Other,
}

/// Codes services use for a missing permission.
const DENIED: [&str; 8] = [
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "AuthorizationErrorException",
    "Forbidden",
    "UnauthorizedException",
    "AccessDeniedForDependencyException",
];

/// Codes services use to ask callers to slow down.
const THROTTLED: [&str; 10] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "PriorRequestNotComplete",
    "BandwidthLimitExceeded",
];

const TRANSIENT: [&str; 6] = [
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "InternalError",
    "InternalFailure",
    "InternalServerError",
    "RequestTimeout",
];

/// Codes that mean the credentials themselves are not accepted.
const BAD_CREDENTIALS: [&str; 8] = [
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "RequestExpired",
    "InvalidToken",
];

const LOGIN_AGAIN: &str = "the credentials of this profile are missing, expired or not accepted: sign in again (`aws sso login`, or fresh keys), then run the same command with --resume";

/// The kind of a failed call, from its stderr.
pub fn classify(output: &Output) -> FailureKind {
    let stderr = &output.stderr;
    if let Some(error) = service_error(stderr) {
        let code = error.code.as_str();
        if DENIED.contains(&code) {
            return FailureKind::Denied;
        }
        if THROTTLED.contains(&code) {
            return FailureKind::Throttled;
        }
        if TRANSIENT.contains(&code) {
            return FailureKind::Transient;
        }
        if BAD_CREDENTIALS.contains(&code) {
            return FailureKind::Stop { advice: LOGIN_AGAIN };
        }
        return FailureKind::Other;
    }
    let lower = stderr.to_ascii_lowercase();
    if lower.contains("unable to locate credentials")
        || lower.contains("token has expired")
        || lower.contains("error when retrieving token from sso")
        || lower.contains("sso session associated with this profile has expired")
        || lower.contains("error loading sso token")
    {
        return FailureKind::Stop { advice: LOGIN_AGAIN };
    }
    if lower.contains("config profile") && lower.contains("could not be found") {
        return FailureKind::Stop {
            advice: "the AWS CLI has no such profile: check the name given to --profile (`aws configure list-profiles`)",
        };
    }
    if lower.contains("you must specify a region") {
        return FailureKind::Stop {
            advice: "the AWS CLI has no region for this profile: give one or more with --region",
        };
    }
    if lower.contains("invalid choice") || lower.contains("unknown options") || lower.contains("usage: aws") {
        return FailureKind::UnknownToCli;
    }
    if lower.contains("could not connect to the endpoint url")
        || lower.contains("connect timeout")
        || lower.contains("read timeout")
        || lower.contains("connection was closed")
    {
        return FailureKind::Transient;
    }
    FailureKind::Other
}

/// The first line of stderr worth showing.
pub fn brief(stderr: &str) -> String {
    stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("(nothing on stderr)")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(stderr: &str) -> Output {
        Output {
            status: Some(254),
            stdout: Vec::new(),
            stderr: stderr.to_owned(),
        }
    }

    #[test]
    fn the_cli_s_error_line_is_read_with_and_without_retry_information() {
        let e = service_error(
            "\nAn error occurred (AccessDenied) when calling the GetAccountAuthorizationDetails operation: User: arn:aws:iam::111122223333:user/x is not authorized\n",
        )
        .unwrap();
        assert_eq!(e.code, "AccessDenied");
        assert_eq!(e.operation, "GetAccountAuthorizationDetails");
        assert!(e.message.starts_with("User: arn:aws:iam::111122223333:user/x"));
        let e = service_error(
            "An error occurred (Throttling) when calling the ListKeys operation (reached max retries: 4): Rate exceeded",
        )
        .unwrap();
        assert_eq!(e.code, "Throttling");
        assert_eq!(e.operation, "ListKeys");
        assert_eq!(e.message, "Rate exceeded");
        assert_eq!(service_error("Unable to locate credentials."), None);
    }

    #[test]
    fn failures_are_sorted_by_what_collecting_does_next() {
        let kind = |s: &str| classify(&failed(s));
        assert_eq!(
            kind(
                "An error occurred (AccessDeniedException) when calling the ListPolicies operation: You don't have permissions to access this resource."
            ),
            FailureKind::Denied
        );
        assert_eq!(
            kind("An error occurred (TooManyRequestsException) when calling the ListPolicies operation: slow down"),
            FailureKind::Throttled
        );
        assert_eq!(
            kind("An error occurred (RequestLimitExceeded) when calling the X operation: x"),
            FailureKind::Throttled
        );
        assert!(matches!(
            kind(
                "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired"
            ),
            FailureKind::Stop { .. }
        ));
        assert!(matches!(
            kind("Unable to locate credentials. You can configure credentials by running \"aws configure\"."),
            FailureKind::Stop { .. }
        ));
        assert!(matches!(
            kind("The config profile (prod) could not be found"),
            FailureKind::Stop { .. }
        ));
        assert_eq!(
            kind(
                "usage: aws [options] <command> <subcommand>\naws: error: argument operation: Invalid choice, valid choices are:"
            ),
            FailureKind::UnknownToCli
        );
        assert_eq!(
            kind("Could not connect to the endpoint URL: \"https://kms.eu-west-9.amazonaws.com/\""),
            FailureKind::Transient
        );
        assert_eq!(
            kind(
                "An error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist"
            ),
            FailureKind::Other
        );
    }
}
