//! Policy text → located syntax tree, with diagnostics for everything AWS's
//! grammar ("Grammar of the IAM JSON policy language") would refuse.
//!
//! Parsing never fails: a broken document yields diagnostics and, where the
//! JSON itself is sound, the statements that could be read. Statements too
//! broken to evaluate are kept but marked invalid.

use std::collections::HashSet;
use std::sync::Arc;

use base64::Engine;
use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::Ranged;

use super::ast::*;
use super::diagnostics::{Diagnostic, LineIndex, Severity};
use super::glob::{Case, Glob};
use super::variables::Template;

/// The result of parsing: the tree (when the text is a JSON object) and
/// everything worth telling the author.
#[derive(Debug, Clone)]
pub struct ParsedPolicy {
    pub policy: Option<Policy>,
    pub diagnostics: Vec<Diagnostic>,
    pub lines: LineIndex,
}

impl ParsedPolicy {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn statements(&self) -> &[Statement] {
        self.policy.as_ref().map_or(&[], |p| p.statements.as_slice())
    }
}

/// The policy grammar nests five levels (policy, Statement list, statement,
/// Condition, operator, key, values); anything far deeper is refused before
/// the recursive JSON parser could run out of stack.
pub const POLICY_DEPTH: crate::json::DepthLimit = crate::json::DepthLimit {
    levels: 32,
    why: "the policy grammar nests at most seven levels (Statement, Condition, operator, key, values)",
};

pub fn parse_policy(text: &str) -> ParsedPolicy {
    let mut parser = Parser {
        text,
        lines: LineIndex::new(text),
        diagnostics: Vec::new(),
        variables_enabled: false,
    };
    let hard = crate::model::quotas::HARD_DOCUMENT_SIZE;
    if text.len() > hard {
        // Nothing AWS accepts comes near (its largest quota is a role's
        // 10,240 characters of inline policy; the biggest AWS managed
        // policies are a few hundred KB), and reading it would only take time.
        parser.error(
            "policy-too-large",
            Span::new(0, 1),
            "",
            format!(
                "the document is {} bytes, more than the {} MB iamscope reads as one policy; \
                 AWS accepts none larger than {} characters (a role's inline policies together)",
                text.len(),
                hard >> 20,
                crate::model::quotas::INLINE_ROLE
            ),
            Some("check that this file is one policy document"),
        );
        return ParsedPolicy {
            policy: None,
            diagnostics: parser.diagnostics,
            lines: parser.lines,
        };
    }
    let policy = match crate::json::check(text.as_bytes(), POLICY_DEPTH) {
        Err(e @ crate::json::StrictError::TooDeep { .. }) => {
            let at = e.location().offset;
            parser.error(
                "json-too-deep",
                Span::new(at, at + 1),
                "",
                e.to_string(),
                Some("a policy is a JSON object with Version and Statement; remove the extra nesting"),
            );
            None
        }
        // Repeated keys are reported by the parse itself, element by element.
        _ => parser.document(),
    };
    ParsedPolicy {
        policy,
        diagnostics: parser.diagnostics,
        lines: parser.lines,
    }
}

const STATEMENT_ELEMENTS: [&str; 10] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    // Not valid in a statement, but named here so the message can say where it goes.
    "Version",
];

struct Parser<'t> {
    text: &'t str,
    lines: LineIndex,
    diagnostics: Vec<Diagnostic>,
    variables_enabled: bool,
}

fn span_of(node: &impl Ranged) -> Span {
    let range = node.range();
    Span::new(range.start, range.end)
}

fn kind_name(value: &Value<'_>) -> &'static str {
    match value {
        Value::StringLit(_) => "a string",
        Value::NumberLit(_) => "a number",
        Value::BooleanLit(_) => "a boolean",
        Value::Object(_) => "an object",
        Value::Array(_) => "a list",
        Value::NullKeyword(_) => "null",
    }
}

impl<'t> Parser<'t> {
    fn report(
        &mut self,
        severity: Severity,
        code: &'static str,
        span: Span,
        path: &str,
        message: String,
        help: Option<String>,
    ) {
        let (line, column) = self.lines.locate(self.text, span.start as usize);
        self.diagnostics.push(Diagnostic {
            severity,
            code,
            message,
            help,
            span,
            line,
            column,
            path: path.to_owned(),
        });
    }

    fn error(&mut self, code: &'static str, span: Span, path: &str, message: impl Into<String>, help: Option<&str>) {
        self.report(
            Severity::Error,
            code,
            span,
            path,
            message.into(),
            help.map(str::to_owned),
        );
    }

    fn document(&mut self) -> Option<Policy> {
        let options = jsonc_parser::ParseOptions {
            allow_comments: false,
            allow_loose_object_property_names: false,
            allow_trailing_commas: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            ..Default::default()
        };
        let parsed = match jsonc_parser::parse_to_ast(self.text, &Default::default(), &options) {
            Ok(parsed) => parsed,
            Err(error) => {
                let range = error.range();
                let help = match error.kind() {
                    jsonc_parser::errors::ParseErrorKind::CommentsNotAllowed => {
                        "JSON has no comments: AWS refuses a policy that contains one; delete it"
                    }
                    _ => "fix the JSON syntax at this place",
                };
                self.error(
                    "json-syntax",
                    Span::new(range.start, range.end.max(range.start)),
                    "",
                    error.kind().to_string(),
                    Some(help),
                );
                return None;
            }
        };
        let Some(root) = parsed.value else {
            self.error(
                "json-empty",
                Span::default(),
                "",
                "the document is empty",
                Some("a policy is a JSON object with Version and Statement"),
            );
            return None;
        };
        let Value::Object(root) = root else {
            let message = format!("a policy must be a JSON object, not {}", kind_name(&root));
            self.error(
                "policy-not-object",
                span_of(&root),
                "",
                message,
                Some("write {\"Version\": \"2012-10-17\", \"Statement\": [...]}"),
            );
            return None;
        };
        self.duplicate_keys(&root, "");

        // Version first: it decides whether `${…}` is a variable anywhere below.
        let mut version = PolicyVersion::Missing;
        if let Some(prop) = root.properties.iter().find(|p| p.name.as_str() == "Version") {
            match &prop.value {
                Value::StringLit(s) if s.value == "2012-10-17" => version = PolicyVersion::V2012_10_17,
                Value::StringLit(s) if s.value == "2008-10-17" => version = PolicyVersion::V2008_10_17,
                other => {
                    let found = match other {
                        Value::StringLit(s) => s.value.to_string(),
                        other => kind_name(other).to_owned(),
                    };
                    version = PolicyVersion::Other(found.clone());
                    self.error(
                        "version-invalid",
                        span_of(&prop.value),
                        "Version",
                        format!("Version must be \"2012-10-17\" or \"2008-10-17\", not {found}"),
                        Some("use \"2012-10-17\", the current version of the policy language"),
                    );
                }
            }
        }
        self.variables_enabled = version == PolicyVersion::V2012_10_17;

        let mut id = None;
        let mut statements = Vec::new();
        let mut saw_statement = false;
        for prop in &root.properties {
            let name = prop.name.as_str();
            match name {
                "Version" => {}
                "Id" => id = self.string(&prop.value, "Id"),
                "Statement" => {
                    saw_statement = true;
                    match &prop.value {
                        Value::Object(o) => statements.push(self.statement(o, 0, "Statement")),
                        Value::Array(a) => {
                            for (i, element) in a.elements.iter().enumerate() {
                                let path = format!("Statement[{i}]");
                                match element {
                                    Value::Object(o) => statements.push(self.statement(o, i, &path)),
                                    other => {
                                        let message =
                                            format!("a statement must be an object, not {}", kind_name(other));
                                        self.error("statement-not-object", span_of(other), &path, message, None);
                                    }
                                }
                            }
                        }
                        other => {
                            let message = format!(
                                "Statement must be an object or a list of objects, not {}",
                                kind_name(other)
                            );
                            self.error("statement-not-object", span_of(other), "Statement", message, None);
                        }
                    }
                }
                _ => {
                    let help = if STATEMENT_ELEMENTS.contains(&name) {
                        format!("{name} belongs inside a statement")
                    } else {
                        "a policy's top level has only Version, Id and Statement".to_owned()
                    };
                    self.report(
                        Severity::Error,
                        "unknown-element",
                        span_of(&prop.name_range()),
                        name,
                        format!("unknown top-level element `{name}`"),
                        Some(help),
                    );
                }
            }
        }
        if !saw_statement {
            self.error(
                "statement-missing",
                span_of(&root),
                "",
                "the policy has no Statement",
                Some("add \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"…\", \"Resource\": \"…\"}]"),
            );
        }
        Some(Policy {
            version,
            id,
            services: ServiceSet::of(&statements),
            statements,
            span: span_of(&root),
        })
    }

    fn duplicate_keys(&mut self, object: &Object<'_>, path: &str) {
        let mut seen = HashSet::new();
        for prop in &object.properties {
            let name = prop.name.as_str();
            if !seen.insert(name.to_owned()) {
                let at = if path.is_empty() {
                    name.to_owned()
                } else {
                    format!("{path}.{name}")
                };
                self.report(
                    Severity::Error,
                    "duplicate-key",
                    span_of(&prop.name_range()),
                    &at,
                    format!("`{name}` appears twice here; AWS refuses duplicate keys"),
                    Some("merge the two into one".to_owned()),
                );
            }
        }
    }

    fn string(&mut self, value: &Value<'_>, path: &str) -> Option<String> {
        match value {
            Value::StringLit(s) => Some(s.value.to_string()),
            other => {
                let message = format!("{path} must be a string, not {}", kind_name(other));
                self.error("not-a-string", span_of(other), path, message, None);
                None
            }
        }
    }

    /// A string or a list of strings (Action, Resource, principal values).
    fn strings(&mut self, value: &Value<'_>, path: &str) -> Vec<(String, Span)> {
        match value {
            Value::StringLit(s) => vec![(s.value.to_string(), span_of(s))],
            Value::Array(a) => {
                if a.elements.is_empty() {
                    self.report(
                        Severity::Warning,
                        "empty-list",
                        span_of(a),
                        path,
                        format!("{path} is an empty list: it matches nothing"),
                        None,
                    );
                }
                let mut out = Vec::with_capacity(a.elements.len());
                for (i, element) in a.elements.iter().enumerate() {
                    match element {
                        Value::StringLit(s) => out.push((s.value.to_string(), span_of(s))),
                        other => {
                            let message = format!("{path}[{i}] must be a string, not {}", kind_name(other));
                            self.error("not-a-string", span_of(other), &format!("{path}[{i}]"), message, None);
                        }
                    }
                }
                out
            }
            other => {
                let message = format!("{path} must be a string or a list of strings, not {}", kind_name(other));
                self.error("not-a-string", span_of(other), path, message, None);
                Vec::new()
            }
        }
    }

    fn statement(&mut self, object: &Object<'_>, index: usize, path: &str) -> Statement {
        self.duplicate_keys(object, path);
        let mut statement = Statement {
            index,
            sid: None,
            effect: Effect::Allow,
            principal: None,
            action: None,
            resource: None,
            conditions: Vec::new(),
            span: span_of(object),
            line: self.lines.locate(self.text, span_of(object).start as usize).0,
            label: Arc::from(""),
            services: ServiceFilter::ANY,
            valid: true,
        };
        let mut saw_effect = false;
        for prop in &object.properties {
            let name = prop.name.as_str();
            let at = format!("{path}.{name}");
            match name {
                "Sid" => statement.sid = self.string(&prop.value, &at).map(Into::into),
                "Effect" => {
                    saw_effect = true;
                    match self.string(&prop.value, &at).as_deref() {
                        Some("Allow") => statement.effect = Effect::Allow,
                        Some("Deny") => statement.effect = Effect::Deny,
                        Some(other) => {
                            statement.valid = false;
                            let help = if other.eq_ignore_ascii_case("allow") || other.eq_ignore_ascii_case("deny") {
                                "Effect is case-sensitive: write Allow or Deny"
                            } else {
                                "Effect is either Allow or Deny"
                            };
                            self.error(
                                "effect-invalid",
                                span_of(&prop.value),
                                &at,
                                format!("Effect must be \"Allow\" or \"Deny\", not \"{other}\""),
                                Some(help),
                            );
                        }
                        None => statement.valid = false,
                    }
                }
                "Principal" | "NotPrincipal" => {
                    if statement.principal.is_some() {
                        self.error(
                            "principal-and-notprincipal",
                            span_of(&prop.name_range()),
                            &at,
                            "a statement has Principal or NotPrincipal, not both",
                            None,
                        );
                        statement.valid = false;
                    }
                    statement.principal = Some(self.principal(&prop.value, name == "NotPrincipal", &at));
                }
                "Action" | "NotAction" => {
                    if statement.action.is_some() {
                        self.error(
                            "action-and-notaction",
                            span_of(&prop.name_range()),
                            &at,
                            "a statement has Action or NotAction, not both",
                            Some("keep one of them"),
                        );
                        statement.valid = false;
                    }
                    statement.action = Some(self.actions(&prop.value, name == "NotAction", &at));
                }
                "Resource" | "NotResource" => {
                    if statement.resource.is_some() {
                        self.error(
                            "resource-and-notresource",
                            span_of(&prop.name_range()),
                            &at,
                            "a statement has Resource or NotResource, not both",
                            Some("keep one of them"),
                        );
                        statement.valid = false;
                    }
                    statement.resource = Some(self.resources(&prop.value, name == "NotResource", &at));
                }
                "Condition" => {
                    let (conditions, ok) = self.conditions(&prop.value, &at);
                    statement.conditions = conditions;
                    statement.valid &= ok;
                }
                _ => {
                    statement.valid = false;
                    let help = STATEMENT_ELEMENTS
                        .iter()
                        .find(|e| e.eq_ignore_ascii_case(name))
                        .map(|e| format!("element names are case-sensitive: write {e}"))
                        .unwrap_or_else(|| {
                            "a statement has Sid, Effect, Principal, Action, Resource and Condition (or their Not… forms)".to_owned()
                        });
                    self.report(
                        Severity::Error,
                        "unknown-element",
                        span_of(&prop.name_range()),
                        &at,
                        format!("unknown statement element `{name}`"),
                        Some(help),
                    );
                }
            }
        }
        statement.services = ServiceFilter::of(statement.action.as_ref());
        statement.set_label();
        if !saw_effect {
            statement.valid = false;
            self.error(
                "effect-missing",
                statement.span,
                path,
                "the statement has no Effect",
                Some("add \"Effect\": \"Allow\" or \"Effect\": \"Deny\""),
            );
        }
        if statement.action.is_none() {
            statement.valid = false;
            self.error(
                "action-missing",
                statement.span,
                path,
                "the statement has no Action or NotAction",
                Some("add \"Action\": \"service:ActionName\""),
            );
        }
        statement
    }

    fn principal(&mut self, value: &Value<'_>, negated: bool, path: &str) -> PrincipalClause {
        let mut clause = PrincipalClause {
            negated,
            any: false,
            entries: Vec::new(),
            span: span_of(value),
        };
        match value {
            Value::StringLit(s) if s.value == "*" => clause.any = true,
            Value::Object(o) => {
                self.duplicate_keys(o, path);
                for prop in &o.properties {
                    let name = prop.name.as_str();
                    let kind = match name {
                        "AWS" => PrincipalKind::Aws,
                        "Service" => PrincipalKind::Service,
                        "Federated" => PrincipalKind::Federated,
                        "CanonicalUser" => PrincipalKind::CanonicalUser,
                        _ => {
                            self.report(
                                Severity::Error,
                                "principal-type-invalid",
                                span_of(&prop.name_range()),
                                &format!("{path}.{name}"),
                                format!("unknown principal type `{name}`"),
                                Some("use AWS, Service, Federated or CanonicalUser".to_owned()),
                            );
                            continue;
                        }
                    };
                    for (value, span) in self.strings(&prop.value, &format!("{path}.{name}")) {
                        if kind == PrincipalKind::Aws && value == "*" {
                            clause.any = true;
                        }
                        clause.entries.push(PrincipalEntry { kind, value, span });
                    }
                }
            }
            other => {
                let message = format!(
                    "{} must be \"*\" or an object such as {{\"AWS\": \"arn:…\"}}, not {}",
                    if negated { "NotPrincipal" } else { "Principal" },
                    kind_name(other)
                );
                self.error("principal-invalid", span_of(other), path, message, None);
            }
        }
        clause
    }

    fn actions(&mut self, value: &Value<'_>, negated: bool, path: &str) -> ActionClause {
        let mut patterns = Vec::new();
        for (i, (text, span)) in self.strings(value, path).into_iter().enumerate() {
            if text != "*" && !text.contains(':') {
                self.error(
                    "action-format",
                    span,
                    &format!("{path}[{i}]"),
                    format!("`{text}` is not an action: actions are written service:ActionName"),
                    Some("for example s3:GetObject, or s3:* for every S3 action"),
                );
            }
            patterns.push(ActionPattern::new(text, span));
        }
        let by_service = (patterns.len() >= ServiceIndex::MIN_PATTERNS).then(|| ServiceIndex::build(&patterns));
        ActionClause {
            negated,
            patterns,
            span: span_of(value),
            by_service,
        }
    }

    fn resources(&mut self, value: &Value<'_>, negated: bool, path: &str) -> ResourceClause {
        let mut patterns = Vec::new();
        for (i, (text, span)) in self.strings(value, path).into_iter().enumerate() {
            if text != "*" && !text.starts_with("arn:") {
                self.report(
                    Severity::Error,
                    "resource-format",
                    span,
                    &format!("{path}[{i}]"),
                    format!("`{text}` is not an ARN: resources are ARNs (arn:partition:service:region:account:resource) or \"*\""),
                    None,
                );
            }
            let template = Template::parse(&text, self.variables_enabled);
            let glob = template.static_glob(Case::Sensitive);
            patterns.push(ResourcePattern {
                text: text.into(),
                template,
                glob,
                span,
            });
        }
        ResourceClause {
            negated,
            patterns,
            span: span_of(value),
        }
    }

    /// Returns the conditions and whether they are all usable.
    fn conditions(&mut self, value: &Value<'_>, path: &str) -> (Vec<Condition>, bool) {
        let Value::Object(block) = value else {
            let message = format!("Condition must be an object of operators, not {}", kind_name(value));
            self.error("condition-invalid", span_of(value), path, message, None);
            return (Vec::new(), false);
        };
        self.duplicate_keys(block, path);
        let mut ok = true;
        let mut conditions = Vec::new();
        for op_prop in &block.properties {
            let operator_text = op_prop.name.as_str().to_owned();
            let op_path = format!("{path}.{operator_text}");
            let Some(operator) = Operator::parse(&operator_text) else {
                ok = false;
                let help = BaseOperator::ALL
                    .iter()
                    .find(|op| operator_text.to_ascii_lowercase().contains(&op.name().to_ascii_lowercase()))
                    .map(|op| format!("operator names are case-sensitive; did you mean {}?", op.name()))
                    .unwrap_or_else(|| "see the condition operators: StringEquals, StringLike, ArnLike, IpAddress, Bool, DateLessThan, Null, …".to_owned());
                self.report(
                    Severity::Error,
                    "condition-operator-unknown",
                    span_of(&op_prop.name_range()),
                    &op_path,
                    format!("unknown condition operator `{operator_text}`"),
                    Some(help),
                );
                continue;
            };
            let Value::Object(keys) = &op_prop.value else {
                ok = false;
                let message = format!(
                    "{operator_text} must map condition keys to values, not be {}",
                    kind_name(&op_prop.value)
                );
                self.error("condition-invalid", span_of(&op_prop.value), &op_path, message, None);
                continue;
            };
            self.duplicate_keys(keys, &op_path);
            for key_prop in &keys.properties {
                let key = key_prop.name.as_str().to_owned();
                let key_path = format!("{op_path}.{key}");
                let values = self.condition_values(&key_prop.value, operator, &key_path);
                conditions.push(Condition {
                    operator,
                    operator_text: operator_text.as_str().into(),
                    key_lower: key.to_ascii_lowercase(),
                    key: key.into(),
                    values,
                    span: Span::new(key_prop.range.start, key_prop.range.end),
                });
            }
        }
        (conditions, ok)
    }

    fn condition_values(&mut self, value: &Value<'_>, operator: Operator, path: &str) -> Vec<ConditionValue> {
        let raw: Vec<(String, Span)> = match value {
            Value::Array(a) => a
                .elements
                .iter()
                .enumerate()
                .filter_map(|(i, e)| self.scalar(e, &format!("{path}[{i}]")))
                .collect(),
            other => self.scalar(other, path).into_iter().collect(),
        };
        raw.into_iter()
            .map(|(text, span)| self.condition_value(text, span, operator, path))
            .collect()
    }

    fn scalar(&mut self, value: &Value<'_>, path: &str) -> Option<(String, Span)> {
        match value {
            Value::StringLit(s) => Some((s.value.to_string(), span_of(s))),
            Value::NumberLit(n) => Some((n.value.to_owned(), span_of(n))),
            Value::BooleanLit(b) => Some((b.value.to_string(), span_of(b))),
            other => {
                let message = format!(
                    "a condition value must be a string, number or boolean, not {}",
                    kind_name(other)
                );
                self.error("condition-value-invalid", span_of(other), path, message, None);
                None
            }
        }
    }

    fn condition_value(&mut self, text: String, span: Span, operator: Operator, path: &str) -> ConditionValue {
        let base = operator.base;
        let family = base.family();
        let invalid = |parser: &mut Parser<'_>, expected: &str| {
            parser.report(
                Severity::Error,
                "condition-value-type",
                span,
                path,
                format!("`{text}` is not {expected}, which {} compares", operator.name()),
                None,
            );
            ParsedValue::Invalid
        };
        let parsed = match family {
            OperatorFamily::String | OperatorFamily::Arn => ParsedValue::Text,
            OperatorFamily::Numeric => match text.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => ParsedValue::Number(n),
                _ => invalid(self, "a number"),
            },
            OperatorFamily::Date => match parse_condition_date(&text) {
                Some(ts) => ParsedValue::Date(ts),
                None => invalid(self, "a date (ISO 8601, e.g. 2026-01-31T00:00:00Z, or epoch seconds)"),
            },
            OperatorFamily::Bool | OperatorFamily::Null => match text.to_ascii_lowercase().as_str() {
                "true" => ParsedValue::Bool(true),
                "false" => ParsedValue::Bool(false),
                _ if family == OperatorFamily::Bool && self.variables_enabled && text.contains("${") => {
                    ParsedValue::Text
                }
                _ => invalid(self, "true or false"),
            },
            OperatorFamily::Ip => match parse_ip(&text) {
                Some(net) => ParsedValue::Ip(net),
                None => invalid(self, "an IP address or CIDR range"),
            },
            OperatorFamily::Binary => match base64::engine::general_purpose::STANDARD.decode(text.trim()) {
                Ok(bytes) => ParsedValue::Binary(bytes),
                Err(_) => invalid(self, "base64-encoded bytes"),
            },
        };
        let template = if base.takes_variables() {
            Some(Template::parse(&text, self.variables_enabled)).filter(|t| !t.is_plain())
        } else {
            None
        };
        let glob = match (base.positive(), &template) {
            (BaseOperator::StringLike, None) => Some(Glob::new(&text, Case::Sensitive)),
            (BaseOperator::StringLike, Some(t)) => t.static_glob(Case::Sensitive),
            _ => None,
        };
        ConditionValue {
            text: text.into(),
            template,
            glob,
            parsed,
            span,
        }
    }
}

/// Dates in conditions: ISO 8601 forms, or seconds since the epoch.
pub fn parse_condition_date(text: &str) -> Option<jiff::Timestamp> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<i64>()
            .ok()
            .and_then(|s| jiff::Timestamp::from_second(s).ok());
    }
    parse_date(text)
}

/// Parse a date in any of the forms exports and conditions use:
/// `2019-12-18T19:10:08Z`, `…+00:00`, `2019-12-18 19:10:08+00:00` (as Python
/// tools write it) and a bare day (midnight UTC).
pub fn parse_date(text: &str) -> Option<jiff::Timestamp> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Some(ts);
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return jiff::tz::TimeZone::UTC
            .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
            .ok();
    }
    // A time with no offset: exports mean UTC.
    if let Ok(datetime) = text.parse::<jiff::civil::DateTime>() {
        return jiff::tz::TimeZone::UTC.to_timestamp(datetime).ok();
    }
    None
}

/// An address is a one-address range (`/32` or `/128`).
pub fn parse_ip(text: &str) -> Option<ipnet::IpNet> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .ok()
        .or_else(|| text.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
}

trait NameRange {
    fn name_range(&self) -> jsonc_parser::common::Range;
}

impl NameRange for jsonc_parser::ast::ObjectProp<'_> {
    fn name_range(&self) -> jsonc_parser::common::Range {
        match &self.name {
            jsonc_parser::ast::ObjectPropName::String(s) => s.range,
            jsonc_parser::ast::ObjectPropName::Word(w) => w.range,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ParsedPolicy {
        parse_policy(text)
    }

    fn codes(parsed: &ParsedPolicy) -> Vec<&'static str> {
        parsed.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_statement_may_be_one_object_or_a_list() {
        let one =
            parse(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#);
        assert_eq!(one.statements().len(), 1);
        assert!(one.diagnostics.is_empty(), "{:?}", one.diagnostics);
        let many = parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:List*"],"Resource":"*"},{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:s3:::b"}]}"#,
        );
        assert_eq!(many.statements().len(), 2);
        assert!(many.statements()[1].action.as_ref().unwrap().negated);
        assert!(many.statements()[1].resource.as_ref().unwrap().negated);
    }

    #[test]
    fn every_element_keeps_its_line_and_column() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:Get\", \"Resource\": \"*\",\n     \"Condition\": {\"Bogus\": {}}}\n  ]\n}";
        let parsed = parse(text);
        let statement = &parsed.statements()[0];
        assert_eq!(parsed.lines.locate(text, statement.span.start as usize), (4, 5));
        let action = &statement.action.as_ref().unwrap().patterns[0];
        assert_eq!(parsed.lines.locate(text, action.span.start as usize), (4, 35));
        let d = parsed
            .diagnostics
            .iter()
            .find(|d| d.code == "condition-operator-unknown")
            .unwrap();
        assert_eq!((d.line, d.column), (5, 20));
        assert_eq!(d.path, "Statement[0].Condition.Bogus");
        assert!(!statement.valid);
    }

    #[test]
    fn json_errors_are_located() {
        let parsed = parse("{\n  \"Version\": \"2012-10-17\"\n  \"Statement\": []\n}");
        assert!(parsed.policy.is_none());
        let d = &parsed.diagnostics[0];
        assert_eq!(d.code, "json-syntax");
        assert_eq!(d.line, 2, "the comma belongs at the end of line 2");
    }

    #[test]
    fn comments_are_refused_with_advice() {
        let parsed = parse("{\n// note\n\"Version\": \"2012-10-17\", \"Statement\": []}");
        assert_eq!(parsed.diagnostics[0].code, "json-syntax");
        assert!(parsed.diagnostics[0].help.as_deref().unwrap().contains("delete it"));
    }

    #[test]
    fn effect_is_case_sensitive() {
        let parsed =
            parse(r#"{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}}"#);
        assert_eq!(codes(&parsed), ["effect-invalid"]);
        assert!(
            parsed.diagnostics[0]
                .help
                .as_deref()
                .unwrap()
                .contains("case-sensitive")
        );
        assert!(!parsed.statements()[0].valid);
    }

    #[test]
    fn action_and_notaction_together_is_an_error() {
        let parsed = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Delete*","Resource":"*"}}"#,
        );
        assert!(codes(&parsed).contains(&"action-and-notaction"));
        assert!(!parsed.statements()[0].valid);
    }

    #[test]
    fn principals_of_every_kind_are_read() {
        let parsed = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:user/a"],"Service":"ec2.amazonaws.com","Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a5"},"Action":"sts:AssumeRole"}}"#,
        );
        let principal = parsed.statements()[0].principal.as_ref().unwrap();
        let kinds: Vec<PrincipalKind> = principal.entries.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                PrincipalKind::Aws,
                PrincipalKind::Aws,
                PrincipalKind::Service,
                PrincipalKind::Federated,
                PrincipalKind::CanonicalUser
            ]
        );
        assert!(!principal.any);
        let star = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"}}"#,
        );
        assert!(star.statements()[0].principal.as_ref().unwrap().any);
    }

    #[test]
    fn condition_operators_and_values_are_typed() {
        let parsed = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{
                "ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["team*"]},
                "NumericLessThan":{"s3:max-keys":10},
                "DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"},
                "IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32","198.51.100.7"]},
                "Bool":{"aws:SecureTransport":true},
                "BinaryEquals":{"k":"QmluYXJ5"},
                "Null":{"aws:TokenIssueTime":"false"}}}}"#,
        );
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let c = &parsed.statements()[0].conditions;
        assert_eq!(c[0].operator.qualifier, Some(SetQualifier::ForAnyValue));
        assert!(c[0].operator.if_exists);
        assert_eq!(c[0].key_lower, "aws:tagkeys");
        assert_eq!(c[1].values[0].parsed, ParsedValue::Number(10.0));
        assert!(matches!(c[2].values[0].parsed, ParsedValue::Date(_)));
        assert_eq!(c[3].values.len(), 3);
        assert!(matches!(c[3].values[2].parsed, ParsedValue::Ip(net) if net.prefix_len() == 32));
        assert_eq!(c[4].values[0].parsed, ParsedValue::Bool(true));
        assert_eq!(c[5].values[0].parsed, ParsedValue::Binary(b"Binary".to_vec()));
    }

    #[test]
    fn values_of_the_wrong_type_are_errors() {
        let parsed = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericEquals":{"k":"ten"},"IpAddress":{"aws:SourceIp":"nowhere"}}}}"#,
        );
        assert_eq!(codes(&parsed), ["condition-value-type", "condition-value-type"]);
    }

    #[test]
    fn null_if_exists_and_misspelt_operators_are_unknown() {
        let parsed = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"k":"true"},"stringequals":{"k":"v"}}}}"#,
        );
        assert_eq!(
            codes(&parsed),
            ["condition-operator-unknown", "condition-operator-unknown"]
        );
        assert!(parsed.diagnostics[1].help.as_deref().unwrap().contains("StringEquals"));
    }

    #[test]
    fn variables_depend_on_the_version() {
        let with = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#,
        );
        assert!(
            with.statements()[0].resource.as_ref().unwrap().patterns[0]
                .template
                .has_variables()
        );
        let without =
            parse(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#);
        assert!(
            !without.statements()[0].resource.as_ref().unwrap().patterns[0]
                .template
                .has_variables()
        );
        let old = parse(
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#,
        );
        assert_eq!(old.policy.as_ref().unwrap().version, PolicyVersion::V2008_10_17);
        assert!(
            !old.statements()[0].resource.as_ref().unwrap().patterns[0]
                .template
                .has_variables()
        );
    }

    #[test]
    fn unknown_and_duplicate_elements_are_errors() {
        let parsed = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","action":"s3:*","Action":"s3:*","Action":"s3:Get*","Resource":"*"}}"#,
        );
        let codes = codes(&parsed);
        assert!(codes.contains(&"unknown-element"));
        assert!(codes.contains(&"duplicate-key"));
        let help = parsed
            .diagnostics
            .iter()
            .find(|d| d.code == "unknown-element")
            .unwrap()
            .help
            .clone()
            .unwrap();
        assert!(help.contains("write Action"), "{help}");
    }

    #[test]
    fn a_document_that_is_not_an_object_or_lacks_statements_says_so() {
        assert_eq!(codes(&parse("[]")), ["policy-not-object"]);
        assert_eq!(codes(&parse(r#"{"Version":"2012-10-17"}"#)), ["statement-missing"]);
        assert_eq!(
            codes(&parse(r#"{"Version":"2012-10-18","Statement":[]}"#)),
            ["version-invalid"]
        );
    }
}
