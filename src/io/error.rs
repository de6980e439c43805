//! Errors a person sees when a file cannot be loaded. Each says what was
//! wrong, where (file, line:column, JSON path) and what to do about it.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path} is {} — larger than any real export or policy: iamscope reads files up to {} (an account at every IAM quota exports about 100 MB); if it is meant to be read, raise the limit with --max-input-size, e.g. --max-input-size {}", super::limits::show_size(*size), super::limits::show_size(*limit), super::limits::suggest_size(*size))]
    TooLarge { path: PathBuf, size: u64, limit: u64 },

    #[error("{path} is empty: expected the JSON that `aws iam get-account-authorization-details` prints")]
    Empty { path: PathBuf },

    #[error("{path} is not UTF-8 text: {detail}")]
    Encoding { path: PathBuf, detail: String },

    #[error("{path}:{line}:{column}: {message}{}\n{excerpt}", json_path.as_ref().map(|p| format!(" (at {p})")).unwrap_or_default())]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        /// Where in the document, e.g. `UserDetailList[3].CreateDate`.
        json_path: Option<String>,
        /// The offending line with a caret under the column.
        excerpt: Excerpt,
    },

    #[error("{path} {looks_like}: {advice}")]
    WrongKind {
        path: PathBuf,
        looks_like: String,
        advice: String,
    },

    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },

    #[error("these files describe different accounts ({first} and {second}): load one account at a time")]
    MixedAccounts { first: String, second: String },
}

/// One line of a file with a caret under a column, for error messages.
#[derive(Debug, Clone, Default)]
pub struct Excerpt(pub String);

impl Excerpt {
    pub fn at(text: &[u8], line: usize, column: usize) -> Excerpt {
        let Some(content) = text.split(|&b| b == b'\n').nth(line.saturating_sub(1)) else {
            return Excerpt::default();
        };
        let content = String::from_utf8_lossy(content);
        let content = content.trim_end_matches('\r');
        // Long lines (minified exports) are cut around the column.
        let chars: Vec<char> = content.chars().collect();
        let column = column.max(1) - 1;
        let start = column.saturating_sub(60);
        let end = (column + 20).min(chars.len());
        let shown: String = chars[start.min(chars.len())..end]
            .iter()
            .map(|&c| if c.is_control() { ' ' } else { c })
            .collect();
        let prefix = if start > 0 { "…" } else { "" };
        let caret_at = column - start + prefix.chars().count();
        Excerpt(format!("  | {prefix}{shown}\n  | {}^", " ".repeat(caret_at)))
    }
}

impl fmt::Display for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
