//! The IAM credential report (`aws iam get-credential-report`): one row per
//! user with password, MFA and access-key facts, and a `<root_account>` row
//! for the root user. Accepted as the decoded CSV, as the command's JSON output
//! (base64 `Content`), or as rows inside a workspace file.

use std::collections::HashMap;
use std::path::Path;

use base64::Engine;
use serde_json::{Map, Value};

use super::dates::{format_date, parse_date};
use super::error::LoadError;
use crate::model::{AccessKey, AccessKeyStatus, Account, ConsolePassword, Credentials};

pub const ROOT_ROW: &str = "<root_account>";

/// The columns AWS writes, in its order.
pub const COLUMNS: [&str; 22] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialRow {
    fields: HashMap<String, String>,
}

impl CredentialRow {
    pub fn get(&self, column: &str) -> Option<&str> {
        self.fields.get(column).map(String::as_str)
    }

    fn is_true(&self, column: &str) -> bool {
        self.get(column) == Some("true")
    }

    /// A date column; `N/A`, `no_information` and `not_supported` mean none.
    fn date(&self, column: &str) -> Option<jiff::Timestamp> {
        self.get(column).and_then(parse_date)
    }

    /// A text column, without the report's placeholders.
    fn text(&self, column: &str) -> Option<String> {
        self.get(column)
            .filter(|v| !matches!(*v, "N/A" | "no_information" | "not_supported" | ""))
            .map(str::to_owned)
    }

    pub fn from_json(row: Map<String, Value>) -> Result<CredentialRow, String> {
        let mut fields = HashMap::new();
        for (key, value) in row {
            let text = match value {
                Value::String(s) => s,
                Value::Bool(b) => b.to_string(),
                Value::Null => continue,
                other => other.to_string(),
            };
            fields.insert(key, text);
        }
        if !fields.contains_key("user") {
            return Err("a credential report row needs a `user` column".to_owned());
        }
        Ok(CredentialRow { fields })
    }

    pub fn to_json(&self) -> Map<String, Value> {
        let mut map = Map::new();
        for column in COLUMNS {
            if let Some(v) = self.get(column) {
                map.insert(column.to_owned(), Value::String(v.to_owned()));
            }
        }
        map
    }
}

/// Parse a credential report file: CSV, or the JSON `get-credential-report` prints.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Vec<CredentialRow>, LoadError> {
    let invalid = |message: String| LoadError::Invalid {
        path: path.to_owned(),
        message,
    };
    let text = super::detect::check_text(path, bytes)?;
    let csv_bytes: Vec<u8>;
    let csv_text: &[u8] = if text.first() == Some(&b'{') {
        let value: Value =
            serde_json::from_slice(text).map_err(|e| invalid(format!("not a credential report: {e}")))?;
        let content = value
            .get("Content")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("this JSON has no `Content` key: expected the output of `aws iam get-credential-report`, or its decoded CSV".to_owned()))?;
        csv_bytes = base64::engine::general_purpose::STANDARD
            .decode(content.trim())
            .map_err(|e| invalid(format!("`Content` is not base64 ({e}): pass the output of `aws iam get-credential-report` unchanged, or its decoded CSV")))?;
        &csv_bytes
    } else {
        text
    };
    if !csv_text.starts_with(b"user,arn") {
        return Err(LoadError::WrongKind {
            path: path.to_owned(),
            looks_like: "is not a credential report".to_owned(),
            advice: "a credential report is a CSV whose header starts with `user,arn,user_creation_time`; make one with `aws iam generate-credential-report` then `aws iam get-credential-report --query Content --output text | base64 -d`".to_owned(),
        });
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(csv_text);
    let headers = reader
        .headers()
        .map_err(|e| invalid(format!("cannot read the CSV header: {e}")))?
        .clone();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        // One row per user and one for the root user: a longer report is
        // not one AWS made, and reading it all would only cost time.
        if i > crate::model::quotas::USERS_PER_ACCOUNT {
            return Err(invalid(format!(
                "line {}: more rows than an account can have (IAM allows {} users per account, plus the root user's row)",
                i + 2,
                crate::model::quotas::USERS_PER_ACCOUNT
            )));
        }
        let record = record.map_err(|e| invalid(format!("line {}: {e}", i + 2)))?;
        let fields = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_owned(), v.to_owned()))
            .collect();
        rows.push(CredentialRow { fields });
    }
    Ok(rows)
}

/// Put the report's facts onto the root user and the users. A fact the account
/// already has (from the workspace file's own keys) is kept. Returns warnings.
pub fn merge(account: &mut Account, rows: Vec<CredentialRow>) -> Vec<String> {
    let mut warnings = Vec::new();
    for row in rows {
        let Some(name) = row.get("user").map(str::to_owned) else {
            continue;
        };
        if name == ROOT_ROW {
            if account.root.created.is_none() {
                account.root.created = row.date("user_creation_time");
            }
            account.root.credentials = Some(apply(account.root.credentials.take(), &row, true));
            continue;
        }
        match account.users.iter_mut().find(|u| u.name == name) {
            Some(user) => user.credentials = Some(apply(user.credentials.take(), &row, false)),
            None => warnings.push(format!(
                "the credential report has a row for user {name}, who is not in the export"
            )),
        }
    }
    warnings
}

fn apply(existing: Option<Credentials>, row: &CredentialRow, root: bool) -> Credentials {
    let mut credentials = existing.unwrap_or_default();
    // The root user always has a password; its row says `not_supported`.
    let has_password =
        row.is_true("password_enabled") || (root && row.get("password_enabled") == Some("not_supported"));
    if has_password {
        let password = credentials.password.get_or_insert(ConsolePassword {
            created: None,
            last_used: None,
            last_changed: None,
            reset_required: None,
        });
        password.last_used = password.last_used.or(row.date("password_last_used"));
        password.last_changed = password.last_changed.or(row.date("password_last_changed"));
    }
    credentials.mfa_active |= row.is_true("mfa_active");
    for slot in 1..=2 {
        let column = |suffix: &str| format!("access_key_{slot}_{suffix}");
        let active = row.is_true(&column("active"));
        let rotated = row.date(&column("last_rotated"));
        if !active && rotated.is_none() {
            continue;
        }
        let reported = AccessKey {
            id: None,
            status: if active {
                AccessKeyStatus::Active
            } else {
                AccessKeyStatus::Inactive
            },
            created: rotated,
            last_used: row.date(&column("last_used_date")),
            last_used_service: row.text(&column("last_used_service")),
            last_used_region: row.text(&column("last_used_region")),
        };
        match credentials.access_keys.get_mut(slot - 1) {
            Some(key) => {
                key.created = key.created.or(reported.created);
                key.last_used = key.last_used.or(reported.last_used);
                key.last_used_service = key.last_used_service.take().or(reported.last_used_service);
                key.last_used_region = key.last_used_region.take().or(reported.last_used_region);
            }
            None => credentials.access_keys.push(reported),
        }
    }
    credentials
}

/// The report row that describes `credentials`, for export.
pub fn row_for(
    user: &str,
    arn: &str,
    created: Option<jiff::Timestamp>,
    credentials: &Credentials,
    root: bool,
) -> CredentialRow {
    let mut fields = HashMap::new();
    let mut set = |k: &str, v: String| {
        fields.insert(k.to_owned(), v);
    };
    let date = |d: Option<jiff::Timestamp>, none: &str| d.map(format_date).unwrap_or_else(|| none.to_owned());
    set("user", user.to_owned());
    set("arn", arn.to_owned());
    set("user_creation_time", date(created, "N/A"));
    let password = credentials.password.as_ref();
    set(
        "password_enabled",
        if root {
            "not_supported".to_owned()
        } else {
            password.is_some().to_string()
        },
    );
    set(
        "password_last_used",
        date(
            password.and_then(|p| p.last_used),
            if password.is_some() { "no_information" } else { "N/A" },
        ),
    );
    set(
        "password_last_changed",
        date(
            password.and_then(|p| p.last_changed),
            if root { "not_supported" } else { "N/A" },
        ),
    );
    set(
        "password_next_rotation",
        if root { "not_supported" } else { "N/A" }.to_owned(),
    );
    set("mfa_active", credentials.mfa_active.to_string());
    for slot in 1..=2 {
        let key = credentials.access_keys.get(slot - 1);
        let column = |suffix: &str| format!("access_key_{slot}_{suffix}");
        set(
            &column("active"),
            key.is_some_and(|k| k.status == AccessKeyStatus::Active).to_string(),
        );
        set(&column("last_rotated"), date(key.and_then(|k| k.created), "N/A"));
        set(&column("last_used_date"), date(key.and_then(|k| k.last_used), "N/A"));
        set(
            &column("last_used_region"),
            key.and_then(|k| k.last_used_region.clone())
                .unwrap_or_else(|| "N/A".to_owned()),
        );
        set(
            &column("last_used_service"),
            key.and_then(|k| k.last_used_service.clone())
                .unwrap_or_else(|| "N/A".to_owned()),
        );
    }
    for slot in 1..=2 {
        set(&format!("cert_{slot}_active"), "false".to_owned());
        set(&format!("cert_{slot}_last_rotated"), "N/A".to_owned());
    }
    CredentialRow { fields }
}
