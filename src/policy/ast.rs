//! The typed syntax tree of a policy document. Every statement and element
//! keeps its byte span in the document text, so the editor, the linter and the
//! inspector can point at it. Matchers are compiled once, here, so evaluation
//! does no parsing.

use std::sync::Arc;

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
    /// The services any statement can concern: evaluation skips a policy
    /// that cannot apply to the request's service without reading it.
    pub services: ServiceSet,
}

/// A hash of a service prefix, ignoring case (`S3` and `s3` are one service).
pub fn service_hash(service: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    for b in service.bytes() {
        hasher.write_u8(b.to_ascii_lowercase());
    }
    hasher.finish()
}

/// The services a statement's Action names, kept inline so a statement about
/// another service is passed over without following any pointer. Statements
/// with NotAction, wildcard services or many services are marked `any`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServiceFilter {
    any: bool,
    len: u8,
    hashes: [u64; 4],
}

impl ServiceFilter {
    pub const ANY: ServiceFilter = ServiceFilter {
        any: true,
        len: 0,
        hashes: [0; 4],
    };

    pub fn of(clause: Option<&ActionClause>) -> ServiceFilter {
        let Some(clause) = clause else {
            return ServiceFilter::ANY;
        };
        if clause.negated {
            return ServiceFilter::ANY;
        }
        let mut filter = ServiceFilter::default();
        for pattern in &clause.patterns {
            let Some(service) = &pattern.service else {
                return ServiceFilter::ANY;
            };
            let hash = service_hash(service);
            if filter.hashes[..filter.len as usize].contains(&hash) {
                continue;
            }
            if filter.len as usize == filter.hashes.len() {
                return ServiceFilter::ANY;
            }
            filter.hashes[filter.len as usize] = hash;
            filter.len += 1;
        }
        filter
    }

    /// False only when the statement certainly cannot match the service.
    #[inline]
    pub fn may_match(&self, service_hash: u64) -> bool {
        self.any || self.hashes[..self.len as usize].contains(&service_hash)
    }
}

/// The union of a policy's statement filters.
#[derive(Debug, Clone, Default)]
pub struct ServiceSet {
    any: bool,
    hashes: Vec<u64>,
}

impl ServiceSet {
    pub fn of(statements: &[Statement]) -> ServiceSet {
        let mut set = ServiceSet::default();
        for statement in statements {
            let f = statement.services;
            set.any |= f.any;
            set.hashes.extend_from_slice(&f.hashes[..f.len as usize]);
        }
        set.hashes.sort_unstable();
        set.hashes.dedup();
        set
    }

    #[inline]
    pub fn may_match(&self, service_hash: u64) -> bool {
        self.any || self.hashes.binary_search(&service_hash).is_ok()
    }
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
    pub sid: Option<Arc<str>>,
    pub effect: Effect,
    pub principal: Option<PrincipalClause>,
    pub action: Option<ActionClause>,
    pub resource: Option<ResourceClause>,
    pub conditions: Vec<Condition>,
    pub span: Span,
    /// The line the statement starts on (1-based), for explanations.
    pub line: usize,
    /// `Sid`, or `#2` for the second statement when it has none (see `label()`).
    pub(crate) label: Arc<str>,
    pub services: ServiceFilter,
    /// False when the statement breaks the grammar badly enough that AWS
    /// would refuse the policy; the engine skips such statements.
    pub valid: bool,
}

impl Statement {
    /// `Sid` when there is one, else its position: `#2`.
    pub fn label(&self) -> Arc<str> {
        Arc::clone(&self.label)
    }

    /// Fix the label once the statement is read.
    pub(crate) fn set_label(&mut self) {
        self.label = match &self.sid {
            Some(sid) if !sid.is_empty() => Arc::clone(sid),
            _ => format!("#{}", self.index + 1).into(),
        };
    }
}

#[derive(Debug, Clone)]
pub struct ActionClause {
    /// `NotAction` rather than `Action`.
    pub negated: bool,
    pub patterns: Vec<ActionPattern>,
    pub span: Span,
    /// For long lists (AWS's ReadOnlyAccess names thousands of actions): the
    /// patterns of each literal service prefix, so matching looks only at the
    /// request's service. Patterns whose prefix has a wildcard are always tried.
    pub by_service: Option<ServiceIndex>,
}

#[derive(Debug, Clone, Default)]
pub struct ServiceIndex {
    /// Lower-cased service prefix → positions in `patterns`, sorted by prefix.
    pub services: Vec<(Box<str>, Vec<u32>)>,
    pub wildcard: Vec<u32>,
}

impl ServiceIndex {
    /// Worth building only for long lists.
    pub const MIN_PATTERNS: usize = 12;

    pub fn build(patterns: &[ActionPattern]) -> ServiceIndex {
        let mut index = ServiceIndex::default();
        for (i, p) in patterns.iter().enumerate() {
            let prefix = p.text.split(':').next().unwrap_or_default();
            if prefix.contains(['*', '?']) || !p.text.contains(':') {
                index.wildcard.push(i as u32);
                continue;
            }
            let prefix = prefix.to_ascii_lowercase();
            match index
                .services
                .binary_search_by(|(s, _)| s.as_ref().cmp(prefix.as_str()))
            {
                Ok(at) => index.services[at].1.push(i as u32),
                Err(at) => index.services.insert(at, (prefix.into_boxed_str(), vec![i as u32])),
            }
        }
        index
    }

    /// Positions of the patterns that could match an action of `service`.
    pub fn candidates<'a>(&'a self, service: &str) -> impl Iterator<Item = usize> + 'a {
        let own = self
            .services
            .binary_search_by(|(s, _)| cmp_ignore_ascii_case(s, service))
            .ok()
            .map(|at| self.services[at].1.as_slice())
            .unwrap_or_default();
        own.iter().chain(&self.wildcard).map(|&i| i as usize)
    }
}

/// Compare a lower-cased string with another, ignoring ASCII case in the other.
fn cmp_ignore_ascii_case(lower: &str, other: &str) -> std::cmp::Ordering {
    lower.bytes().cmp(other.bytes().map(|b| b.to_ascii_lowercase()))
}

#[derive(Debug, Clone)]
pub struct ActionPattern {
    pub text: Arc<str>,
    /// Case-insensitive: `s3:getobject` is `s3:GetObject`.
    pub glob: Glob,
    /// The service prefix when it has no wildcard: a cheap first test.
    pub service: Option<Box<str>>,
    pub span: Span,
}

impl ActionPattern {
    pub fn new(text: String, span: Span) -> ActionPattern {
        let service = text
            .split_once(':')
            .map(|(service, _)| service)
            .filter(|s| !s.contains(['*', '?']))
            .map(Into::into);
        ActionPattern {
            glob: Glob::new(&text, super::glob::Case::Insensitive),
            service,
            text: text.into(),
            span,
        }
    }

    /// Does this pattern match `action`, whose service prefix is `service`?
    #[inline]
    pub fn matches(&self, action: &str, service: &str) -> bool {
        match &self.service {
            Some(own) if !own.eq_ignore_ascii_case(service) => false,
            _ => self.glob.is_match(action),
        }
    }
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
    pub text: Arc<str>,
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
    pub text: Arc<str>,
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
    pub operator_text: Arc<str>,
    /// As written in the policy.
    pub key: Arc<str>,
    /// Key names are case-insensitive.
    pub key_lower: String,
    pub values: Vec<ConditionValue>,
    pub span: Span,
}
