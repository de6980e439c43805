//! Recognising files that are not what the user meant to pass: empty files,
//! wrong encodings, and other AWS outputs (a single policy, a credential
//! report, `get-role` output, …), each with advice on what to do instead.

use std::path::Path;

use serde_json::{Map, Value};

use super::error::LoadError;

/// Check that `bytes` is non-empty UTF-8 text, and drop a UTF-8 byte-order mark.
pub fn check_text<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a [u8], LoadError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Empty { path: path.to_owned() });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || bytes.iter().take(64).any(|&b| b == 0) {
        return Err(LoadError::Encoding {
            path: path.to_owned(),
            detail: "it is UTF-16 (Windows PowerShell's `>` writes UTF-16): save it again as UTF-8, \
                     e.g. `aws iam get-account-authorization-details | Out-File -Encoding utf8 account.json`"
                .to_owned(),
        });
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Err(error) = std::str::from_utf8(bytes) {
        let at = error.valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&bytes[line_start..at]).chars().count() + 1;
        return Err(LoadError::Encoding {
            path: path.to_owned(),
            detail: format!(
                "byte 0x{:02X} at {line}:{column} is not UTF-8 (the file may be Latin-1 or Windows-1252): \
                 convert it, e.g. `iconv -f windows-1252 -t utf-8`",
                bytes[at]
            ),
        });
    }
    Ok(bytes)
}

/// Recognise non-JSON files before the JSON parser complains about them.
pub fn wrong_kind_before_parse(path: &Path, text: &[u8]) -> Option<LoadError> {
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    let text = &text[start..];
    let wrong = |looks_like: &str, advice: &str| {
        Some(LoadError::WrongKind {
            path: path.to_owned(),
            looks_like: looks_like.to_owned(),
            advice: advice.to_owned(),
        })
    };
    if text.starts_with(b"user,arn,") {
        return wrong(
            "is a credential report",
            "pass it with --credential-report, next to the account export",
        );
    }
    if text.starts_with(b"<") {
        return wrong(
            "looks like HTML or XML",
            "expected JSON from `aws iam get-account-authorization-details --output json`",
        );
    }
    if text.starts_with(b"---") || text.starts_with(b"UserDetailList:") {
        return wrong("looks like YAML", "run the AWS CLI with `--output json`");
    }
    None
}

/// A JSON object without any account key: say what it looks like instead.
pub fn wrong_kind_of_object(path: &Path, keys: &Map<String, Value>) -> LoadError {
    let has = |k: &str| keys.contains_key(k);
    let (looks_like, advice) = if has("Statement") || (has("Version") && keys.len() <= 3) {
        (
            "is a single policy document".to_owned(),
            format!("use `iamscope lint {}` to check it", path.display()),
        )
    } else if has("Content") && has("ReportFormat") {
        (
            "is the output of `aws iam get-credential-report`".to_owned(),
            "pass it with --credential-report, next to the account export".to_owned(),
        )
    } else if has("AccountUsers") || has("AccountRoles") {
        (
            "is in AirIAM's format (AccountUsers, AccountGroups, AccountRoles, AccountPolicies)".to_owned(),
            "export the account with `aws iam get-account-authorization-details` instead, or rename those keys to UserDetailList, GroupDetailList, RoleDetailList and Policies".to_owned(),
        )
    } else if has("Role") || has("User") || has("Group") {
        (
            "is the output of a single `aws iam get-role`/`get-user`/`get-group`".to_owned(),
            "iamscope needs the whole account: `aws iam get-account-authorization-details > account.json`".to_owned(),
        )
    } else if has("Roles") || has("Users") || has("Groups") {
        (
            "is the output of an `aws iam list-…` command".to_owned(),
            "iamscope needs the whole account: `aws iam get-account-authorization-details > account.json`".to_owned(),
        )
    } else {
        let found: Vec<&str> = keys.keys().take(8).map(String::as_str).collect();
        (
            format!(
                "is not an account export (its keys are: {})",
                if found.is_empty() { "none".to_owned() } else { found.join(", ") }
            ),
            "expected UserDetailList, GroupDetailList, RoleDetailList and Policies, as `aws iam get-account-authorization-details` prints".to_owned(),
        )
    };
    LoadError::WrongKind {
        path: path.to_owned(),
        looks_like,
        advice,
    }
}
