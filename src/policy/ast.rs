//! The typed syntax tree of a policy document. Every statement and element
//! keeps its byte span in the document text, so the editor, the linter and the
//! inspector can point at it. Matchers are compiled once, here, so evaluation
//! does no parsing.

use jiff::Timestamp;

use super::glob::Glob;
use super::variables::Template;

/// A byte range in the policy text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyVersion {
    V2012_10_17,
    V2008_10_17,
    /// No `Version` element: policy variables are literal text.
    Missing,
    Other(String),
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub version: PolicyVersion,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
    pub span: Span,
}

impl Policy {
    /// Policy variables are substituted only under Version 2012-10-17; under
    /// 2008-10-17 or with no Version, `${…}` is literal text (IAM "Version"
    /// element and "Policy variables" pages).
    pub fn variables_enabled(&self) -> bool {
        self.version == PolicyVersion::V2012_10_17
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Statement {
    /// Position in the policy's statement list (0-based).
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<PrincipalClause>,
    pub action: Option<ActionClause>,
    pub resource: Option<ResourceClause>,
    pub conditions: Vec<Condition>,
    pub span: Span,
    /// False when the statement breaks the grammar badly enough that AWS
    /// would refuse the policy; the engine skips such statements.
    pub valid: bool,
}

impl Statement {
    /// `Sid` when there is one, else its position: `#2`.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => sid.clone(),
            _ => format!("#{}", self.index + 1),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ActionClause {
    /// `NotAction` rather than `Action`.
    pub negated: bool,
    pub patterns: Vec<ActionPattern>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ActionPattern {
    pub text: String,
    /// Case-insensitive: `s3:getobject` is `s3:GetObject`.
    pub glob: Glob,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ResourceClause {
    /// `NotResource` rather than `Resource`.
    pub negated: bool,
    pub patterns: Vec<ResourcePattern>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ResourcePattern {
    pub text: String,
    pub template: Template,
    /// Compiled once when the pattern has no policy variable.
    pub glob: Option<Glob>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum PrincipalKind {
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct PrincipalClause {
    /// `NotPrincipal` rather than `Principal`.
    pub negated: bool,
    /// `"Principal": "*"`.
    pub any: bool,
    pub entries: Vec<PrincipalEntry>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum BaseOperator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// The kind of value an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum OperatorFamily {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

impl BaseOperator {
    pub const ALL: [BaseOperator; 27] = [
        BaseOperator::StringEquals,
        BaseOperator::StringNotEquals,
        BaseOperator::StringEqualsIgnoreCase,
        BaseOperator::StringNotEqualsIgnoreCase,
        BaseOperator::StringLike,
        BaseOperator::StringNotLike,
        BaseOperator::NumericEquals,
        BaseOperator::NumericNotEquals,
        BaseOperator::NumericLessThan,
        BaseOperator::NumericLessThanEquals,
        BaseOperator::NumericGreaterThan,
        BaseOperator::NumericGreaterThanEquals,
        BaseOperator::DateEquals,
        BaseOperator::DateNotEquals,
        BaseOperator::DateLessThan,
        BaseOperator::DateLessThanEquals,
        BaseOperator::DateGreaterThan,
        BaseOperator::DateGreaterThanEquals,
        BaseOperator::Bool,
        BaseOperator::BinaryEquals,
        BaseOperator::IpAddress,
        BaseOperator::NotIpAddress,
        BaseOperator::ArnEquals,
        BaseOperator::ArnLike,
        BaseOperator::ArnNotEquals,
        BaseOperator::ArnNotLike,
        BaseOperator::Null,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BaseOperator::StringEquals => "StringEquals",
            BaseOperator::StringNotEquals => "StringNotEquals",
            BaseOperator::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            BaseOperator::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            BaseOperator::StringLike => "StringLike",
            BaseOperator::StringNotLike => "StringNotLike",
            BaseOperator::NumericEquals => "NumericEquals",
            BaseOperator::NumericNotEquals => "NumericNotEquals",
            BaseOperator::NumericLessThan => "NumericLessThan",
            BaseOperator::NumericLessThanEquals => "NumericLessThanEquals",
            BaseOperator::NumericGreaterThan => "NumericGreaterThan",
            BaseOperator::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            BaseOperator::DateEquals => "DateEquals",
            BaseOperator::DateNotEquals => "DateNotEquals",
            BaseOperator::DateLessThan => "DateLessThan",
            BaseOperator::DateLessThanEquals => "DateLessThanEquals",
            BaseOperator::DateGreaterThan => "DateGreaterThan",
            BaseOperator::DateGreaterThanEquals => "DateGreaterThanEquals",
            BaseOperator::Bool => "Bool",
            BaseOperator::BinaryEquals => "BinaryEquals",
            BaseOperator::IpAddress => "IpAddress",
            BaseOperator::NotIpAddress => "NotIpAddress",
            BaseOperator::ArnEquals => "ArnEquals",
            BaseOperator::ArnLike => "ArnLike",
            BaseOperator::ArnNotEquals => "ArnNotEquals",
            BaseOperator::ArnNotLike => "ArnNotLike",
            BaseOperator::Null => "Null",
        }
    }

    pub fn from_name(name: &str) -> Option<BaseOperator> {
        BaseOperator::ALL.into_iter().find(|op| op.name() == name)
    }

    pub fn family(self) -> OperatorFamily {
        use BaseOperator::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => OperatorFamily::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => OperatorFamily::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => OperatorFamily::Date,
            Bool => OperatorFamily::Bool,
            BinaryEquals => OperatorFamily::Binary,
            IpAddress | NotIpAddress => OperatorFamily::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => OperatorFamily::Arn,
            Null => OperatorFamily::Null,
        }
    }

    /// Negated operators are true when the request value matches none of the
    /// policy values, and true when the key is missing ("Condition operators").
    pub fn is_negated(self) -> bool {
        use BaseOperator::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// The positive operator a negated one negates.
    pub fn positive(self) -> BaseOperator {
        use BaseOperator::*;
        match self {
            StringNotEquals => StringEquals,
            StringNotEqualsIgnoreCase => StringEqualsIgnoreCase,
            StringNotLike => StringLike,
            NumericNotEquals => NumericEquals,
            DateNotEquals => DateEquals,
            NotIpAddress => IpAddress,
            ArnNotEquals => ArnEquals,
            ArnNotLike => ArnLike,
            other => other,
        }
    }

    /// Whether policy variables are substituted in this operator's values.
    pub fn takes_variables(self) -> bool {
        matches!(
            self.family(),
            OperatorFamily::String | OperatorFamily::Arn | OperatorFamily::Bool
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Operator {
    pub qualifier: Option<SetQualifier>,
    pub base: BaseOperator,
    pub if_exists: bool,
}

impl Operator {
    /// Parse `ForAnyValue:StringLikeIfExists` and the like.
    pub fn parse(text: &str) -> Option<Operator> {
        let (qualifier, rest) = if let Some(rest) = text.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else if let Some(rest) = text.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else {
            (None, text)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (BaseOperator::from_name(base)?, true),
            None => (BaseOperator::from_name(rest)?, false),
        };
        // There is no NullIfExists: Null already asks whether the key exists.
        if if_exists && base == BaseOperator::Null {
            return None;
        }
        Some(Operator {
            qualifier,
            base,
            if_exists,
        })
    }

    pub fn name(&self) -> String {
        let mut name = String::new();
        match self.qualifier {
            Some(SetQualifier::ForAllValues) => name.push_str("ForAllValues:"),
            Some(SetQualifier::ForAnyValue) => name.push_str("ForAnyValue:"),
            None => {}
        }
        name.push_str(self.base.name());
        if self.if_exists {
            name.push_str("IfExists");
        }
        name
    }
}

/// A condition value, read once in the form its operator compares.
#[derive(Debug, Clone, PartialEq)]
pub enum ParsedValue {
    /// String and ARN operators compare the (possibly templated) text.
    Text,
    Number(f64),
    Date(Timestamp),
    Bool(bool),
    Ip(ipnet::IpNet),
    Binary(Vec<u8>),
    /// Not a value of the operator's type: it never matches.
    Invalid,
}

#[derive(Debug, Clone)]
pub struct ConditionValue {
    pub text: String,
    /// Present when the value has policy variables to substitute.
    pub template: Option<Template>,
    /// For `StringLike`/`ArnLike` values with no variable, compiled once.
    pub glob: Option<Glob>,
    pub parsed: ParsedValue,
    pub span: Span,
}

/// One key tested by one operator: `"StringEquals": {"aws:username": ["a", "b"]}`
/// gives one `Condition` with two values.
#[derive(Debug, Clone)]
pub struct Condition {
    pub operator: Operator,
    /// As written in the policy.
    pub operator_text: String,
    /// As written in the policy.
    pub key: String,
    /// Key names are case-insensitive.
    pub key_lower: String,
    pub values: Vec<ConditionValue>,
    pub span: Span,
}
