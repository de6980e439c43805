//! Findings about a policy's text: where (span, line:column, JSON path), how
//! bad, what is wrong and what to do. The parser, the linter and the editor
//! all speak this type.

use serde::Serialize;

use super::ast::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong.
    Info,
    /// Legal, but likely not what the author meant, or risky.
    Warning,
    /// AWS would refuse the policy, or a part of it can never work.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable short name for the kind of finding, e.g. `json-syntax`.
    pub code: &'static str,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    #[serde(skip)]
    pub span: Span,
    /// 1-based line and column (in characters) of the span's start.
    pub line: usize,
    pub column: usize,
    /// Where in the document, e.g. `Statement[1].Action[0]`.
    pub path: String,
}

/// Converts byte offsets in a text to 1-based line and column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based (line, column); the column counts characters, not bytes.
    pub fn locate(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        (line, column)
    }

    /// Byte offset where 1-based line `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let text = "ab\ncé d\n";
        let index = LineIndex::new(text);
        assert_eq!(index.locate(text, 0), (1, 1));
        assert_eq!(index.locate(text, 3), (2, 1));
        // 'd' is after a two-byte character
        assert_eq!(index.locate(text, text.find('d').unwrap()), (2, 4));
        assert_eq!(index.line_count(), 3);
    }
}
