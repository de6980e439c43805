//! What is asked: who (a principal), does what (an action), to what (a
//! resource), when, in which circumstances (context keys).
//!
//! A request arrives in one written form, [`RequestSpec`]: the CLI's flags,
//! a `--requests` JSON line, a lesson file, a scenario file and the
//! inspector's fields all become one, and [`RequestSpec::to_request`] is the
//! one place that checks it and turns it into the [`Request`] the engine
//! takes.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::policy::PolicyDocument;

/// The principal of a request, as a person names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrincipalSpec {
    /// The account's root user.
    Root,
    User(String),
    /// A session of a role; the session name defaults to `iamscope`.
    Role {
        name: String,
        session: Option<String>,
    },
    /// The identities a Cognito identity pool hands out: signed-in users
    /// (`authenticated`) or guests.
    IdentityPool {
        id: String,
        authenticated: bool,
    },
    /// An AWS service principal such as `ec2.amazonaws.com` (it assumes roles).
    Service(String),
    /// A user of an external identity provider: SAML, OpenID Connect, or a
    /// well-known web identity provider (Google, Facebook, Login with
    /// Amazon, Cognito). It has no AWS credentials until STS lets it assume
    /// a role.
    Federated(FederatedSpec),
    /// An ARN: a user, role, assumed-role session or root of this or another account.
    Arn(String),
}

/// The kind of identity provider a federated principal comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderKind {
    /// A SAML 2.0 provider of the account (`sts:AssumeRoleWithSAML`).
    Saml,
    /// An OpenID Connect provider of the account (`sts:AssumeRoleWithWebIdentity`).
    Oidc,
    /// A provider IAM knows by name, with no provider resource in the
    /// account (`sts:AssumeRoleWithWebIdentity`).
    WebIdentity,
}

impl ProviderKind {
    /// The STS action its users call to assume a role.
    pub fn assume_action(self) -> &'static str {
        match self {
            ProviderKind::Saml => "sts:AssumeRoleWithSAML",
            ProviderKind::Oidc | ProviderKind::WebIdentity => "sts:AssumeRoleWithWebIdentity",
        }
    }

    /// The principal form's prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            ProviderKind::Saml => "saml",
            ProviderKind::Oidc => "oidc",
            ProviderKind::WebIdentity => "web",
        }
    }
}

/// A federated principal as written: `saml/NAME`, `oidc/URL`, `web/HOST`,
/// or a provider's ARN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FederatedSpec {
    pub kind: ProviderKind,
    /// A SAML provider's name, an OpenID Connect provider's URL without
    /// `https://`, or a well-known provider's host (`accounts.google.com`).
    pub provider: String,
    /// The provider's ARN, when the principal was written as one.
    pub arn: Option<String>,
}

/// What the principal forms are, for messages.
const PRINCIPAL_FORMS: &str = "user/NAME, role/NAME, root, identity-pool/ID:authenticated|unauthenticated, service/NAME.amazonaws.com, saml/PROVIDER, oidc/PROVIDER_URL, web/accounts.google.com|graph.facebook.com|www.amazon.com|cognito-identity.amazonaws.com, or an ARN";

impl PrincipalSpec {
    /// Read `user/NAME`, `role/NAME`, `role/NAME/SESSION`, `root`,
    /// `identity-pool/ID:authenticated|unauthenticated`, `service/NAME`,
    /// `saml/PROVIDER`, `oidc/PROVIDER_URL`, `web/HOST` or an ARN (a SAML
    /// or OIDC provider's ARN is a federated principal).
    pub fn parse(text: &str) -> Result<PrincipalSpec, String> {
        let text = text.trim();
        if text == "root" {
            return Ok(PrincipalSpec::Root);
        }
        if text.starts_with("arn:") {
            let arn = crate::model::Arn::parse(text).map_err(|e| e.to_string())?;
            if arn.service() == "iam" {
                let resource = arn.resource();
                if let Some(name) = resource.strip_prefix("saml-provider/").filter(|n| !n.is_empty()) {
                    return Ok(PrincipalSpec::Federated(FederatedSpec {
                        kind: ProviderKind::Saml,
                        provider: name.to_owned(),
                        arn: Some(text.to_owned()),
                    }));
                }
                if let Some(url) = resource.strip_prefix("oidc-provider/").filter(|u| !u.is_empty()) {
                    return Ok(PrincipalSpec::Federated(FederatedSpec {
                        kind: ProviderKind::Oidc,
                        provider: url.to_owned(),
                        arn: Some(text.to_owned()),
                    }));
                }
            }
            return Ok(PrincipalSpec::Arn(text.to_owned()));
        }
        if let Some(spec) = parse_federated(text)? {
            return Ok(PrincipalSpec::Federated(spec));
        }
        if let Some(name) = text.strip_prefix("user/")
            && !name.is_empty()
        {
            return Ok(PrincipalSpec::User(name.to_owned()));
        }
        if let Some(rest) = text.strip_prefix("role/") {
            let (name, session) = match rest.split_once('/') {
                Some((name, session)) => (name, Some(session.to_owned())),
                None => (rest, None),
            };
            if !name.is_empty() {
                return Ok(PrincipalSpec::Role {
                    name: name.to_owned(),
                    session,
                });
            }
        }
        if let Some(rest) = text.strip_prefix("identity-pool/") {
            if let Some((id, kind)) = rest.rsplit_once(':') {
                let authenticated = match kind {
                    "authenticated" => Some(true),
                    "unauthenticated" => Some(false),
                    _ => None,
                };
                if let Some(authenticated) = authenticated {
                    return Ok(PrincipalSpec::IdentityPool {
                        id: id.to_owned(),
                        authenticated,
                    });
                }
            }
            return Err(format!(
                "`{text}`: an identity-pool principal is identity-pool/POOL_ID:authenticated or identity-pool/POOL_ID:unauthenticated"
            ));
        }
        if let Some(name) = text.strip_prefix("service/")
            && !name.is_empty()
        {
            return Ok(PrincipalSpec::Service(name.to_owned()));
        }
        if text.ends_with(".amazonaws.com") && !text.contains('/') {
            return Ok(PrincipalSpec::Service(text.to_owned()));
        }
        if let Some(group) = text.strip_prefix("group/") {
            // IAM User Guide, "IAM user groups": a group cannot be identified
            // as a Principal; requests are made by its users.
            return Err(format!(
                "`{text}`: a group is never a principal, its users make the requests (ask as user/NAME for a member of {group})"
            ));
        }
        Err(format!("`{text}` is not a principal: use {PRINCIPAL_FORMS}"))
    }
}

/// `saml/NAME`, `oidc/URL`, `web/HOST`; `None` for any other form.
fn parse_federated(text: &str) -> Result<Option<FederatedSpec>, String> {
    let spec = |kind, provider: &str| {
        Ok(Some(FederatedSpec {
            kind,
            provider: provider.to_owned(),
            arn: None,
        }))
    };
    if let Some(name) = text.strip_prefix("saml/") {
        if name.is_empty() || name.contains('/') {
            return Err(format!(
                "`{text}`: a SAML principal is saml/PROVIDER_NAME, the last part of the provider's ARN (arn:aws:iam::ACCOUNT:saml-provider/PROVIDER_NAME)"
            ));
        }
        return spec(ProviderKind::Saml, name);
    }
    if let Some(url) = text.strip_prefix("oidc/") {
        // The provider's URL as get-open-id-connect-provider prints it: no scheme.
        let url = url.trim_start_matches("https://").trim_end_matches('/');
        if url.is_empty() {
            return Err(format!(
                "`{text}`: an OpenID Connect principal is oidc/URL, the provider's URL without https:// (oidc/token.actions.githubusercontent.com)"
            ));
        }
        if let Some(known) = super::federation::well_known(url) {
            return Err(format!(
                "`{text}`: {} is a provider IAM knows by name, with no provider resource; write web/{}",
                known.name, known.host
            ));
        }
        return spec(ProviderKind::Oidc, url);
    }
    let web = text.strip_prefix("web/").or_else(|| text.strip_prefix("federated/"));
    if let Some(host) = web {
        return match super::federation::well_known(host) {
            Some(known) if text.starts_with("web/") => spec(ProviderKind::WebIdentity, known.host),
            Some(known) => Err(format!("`{text}`: write web/{}", known.host)),
            None => Err(format!(
                "`{text}`: web/ names a provider IAM knows without a provider resource ({}); an OpenID Connect provider of the account is oidc/URL and a SAML provider saml/NAME",
                super::federation::WELL_KNOWN
                    .iter()
                    .map(|p| p.host)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
    }
    Ok(None)
}

impl fmt::Display for PrincipalSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrincipalSpec::Root => f.write_str("root"),
            PrincipalSpec::User(name) => write!(f, "user/{name}"),
            PrincipalSpec::Role { name, session: None } => write!(f, "role/{name}"),
            PrincipalSpec::Role {
                name,
                session: Some(session),
            } => write!(f, "role/{name}/{session}"),
            PrincipalSpec::IdentityPool { id, authenticated } => write!(
                f,
                "identity-pool/{id}:{}",
                if *authenticated {
                    "authenticated"
                } else {
                    "unauthenticated"
                }
            ),
            PrincipalSpec::Service(name) => write!(f, "service/{name}"),
            PrincipalSpec::Federated(FederatedSpec { arn: Some(arn), .. }) => f.write_str(arn),
            PrincipalSpec::Federated(FederatedSpec { kind, provider, .. }) => {
                write!(f, "{}/{provider}", kind.prefix())
            }
            PrincipalSpec::Arn(arn) => f.write_str(arn),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ContextEntry {
    key: String,
    key_lower: String,
    values: Vec<String>,
}

/// Condition keys the caller supplies. Keys are case-insensitive; a key given
/// several times has several values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: Vec<ContextEntry>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// Add a value to `key` (a second value makes the key multi-valued).
    pub fn add(&mut self, key: &str, value: impl Into<String>) {
        let key_lower = key.to_ascii_lowercase();
        match self.entries.iter_mut().find(|e| e.key_lower == key_lower) {
            Some(entry) => entry.values.push(value.into()),
            None => self.entries.push(ContextEntry {
                key: key.to_owned(),
                key_lower,
                values: vec![value.into()],
            }),
        }
    }

    /// Replace all values of `key`.
    pub fn set(&mut self, key: &str, values: Vec<String>) {
        let key_lower = key.to_ascii_lowercase();
        self.entries.retain(|e| e.key_lower != key_lower);
        self.entries.push(ContextEntry {
            key: key.to_owned(),
            key_lower,
            values,
        });
    }

    pub fn remove(&mut self, key: &str) {
        let key_lower = key.to_ascii_lowercase();
        self.entries.retain(|e| e.key_lower != key_lower);
    }

    /// Values of a key, by its lower-cased name.
    pub fn get_lower(&self, key_lower: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|e| e.key_lower == key_lower)
            .map(|e| e.values.as_slice())
    }

    pub fn get(&self, key: &str) -> Option<&[String]> {
        // Keys are ASCII-case-insensitive; compared without a lower-cased copy.
        self.entries
            .iter()
            .find(|e| e.key_lower.eq_ignore_ascii_case(key))
            .map(|e| e.values.as_slice())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|e| (e.key.as_str(), e.values.as_slice()))
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Read `KEY=VALUE` as typed on a command line.
    pub fn add_assignment(&mut self, assignment: &str) -> Result<(), String> {
        let (key, value) = split_assignment(assignment)?;
        self.add(key, value);
        Ok(())
    }
}

/// `KEY=VALUE` → (`KEY`, `VALUE`); the value may itself hold `=`.
fn split_assignment(assignment: &str) -> Result<(&str, &str), String> {
    match assignment.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok((key.trim(), value)),
        _ => Err(format!(
            "`{assignment}` is not KEY=VALUE (for example aws:SourceIp=203.0.113.7)"
        )),
    }
}

/// How the request's context is completed before the policies see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Assume {
    /// As a real request: keys AWS derives from the principal and the request
    /// are filled in, and keys every real request carries get a stated
    /// default (each listed among the explanation's assumptions).
    #[default]
    Realistic,
    /// The context exactly as given, no key filled in — what AWS's IAM policy
    /// simulator does with the context entries it is given.
    None,
}

impl Assume {
    pub fn parse(text: &str) -> Result<Assume, String> {
        match text.trim() {
            "realistic" => Ok(Assume::Realistic),
            "none" => Ok(Assume::None),
            other => Err(format!(
                "`{other}` is not an assume mode: realistic (the default) fills in what every real request carries; none takes the context literally"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Assume::Realistic => "realistic",
            Assume::None => "none",
        }
    }

    fn is_realistic(&self) -> bool {
        *self == Assume::Realistic
    }
}

/// One question for the engine, checked.
#[derive(Debug, Clone)]
pub struct Request {
    pub principal: PrincipalSpec,
    /// `service:Action`, matched case-insensitively.
    pub action: String,
    /// The ARN of the resource (or `*` for actions that take none).
    pub resource: String,
    pub context: Context,
    /// Session policies passed when the role session was made.
    pub session_policies: Vec<PolicyDocument>,
    /// For a federated principal: the claims of its token or SAML assertion
    /// (`sub`, `aud`, …), by claim name. They become the provider's
    /// condition keys (`token.actions.githubusercontent.com:sub`, `saml:aud`).
    pub claims: Context,
    /// For a federated principal: the role it assumes (name or ARN) before
    /// it makes the request.
    pub role: Option<String>,
    /// When the request is made: `aws:CurrentTime`, and the clock conditions
    /// and assumed session times follow it. The caller gives it; the core
    /// never reads the wall clock.
    pub time: Timestamp,
    /// The time was given with the request (`time`, `aws:CurrentTime` or
    /// `aws:EpochTime`), rather than being the asker's clock.
    pub time_given: bool,
    pub assume: Assume,
}

impl Request {
    pub fn new(
        principal: PrincipalSpec,
        action: impl Into<String>,
        resource: impl Into<String>,
        time: Timestamp,
    ) -> Request {
        Request {
            principal,
            action: action.into(),
            resource: resource.into(),
            context: Context::new(),
            session_policies: Vec::new(),
            claims: Context::new(),
            role: None,
            time,
            time_given: false,
            assume: Assume::Realistic,
        }
    }

    pub fn with_context(mut self, key: &str, value: impl Into<String>) -> Request {
        self.context.add(key, value);
        self
    }

    /// The service prefix of the action as written (`S3` in `S3:GetObject`).
    pub fn service(&self) -> &str {
        self.action.split(':').next().unwrap_or_default()
    }

    /// Whether the action belongs to `service` (case-insensitive).
    pub fn is_service(&self, service: &str) -> bool {
        self.service().eq_ignore_ascii_case(service)
    }

    /// The written form of this request (for JSON output and for handing a
    /// request from one part of the program to another).
    pub fn spec(&self) -> RequestSpec {
        RequestSpec {
            principal: self.principal.to_string(),
            action: self.action.clone(),
            resource: self.resource.clone(),
            context: ContextSpec::from(&self.context),
            session_policies: self
                .session_policies
                .iter()
                .map(|d| serde_json::from_str(d.text()).unwrap_or(serde_json::Value::String(d.text().to_owned())))
                .collect(),
            claims: ContextSpec::from(&self.claims),
            role: self.role.clone(),
            time: self.time_given.then(|| self.time.to_string()),
            assume: self.assume,
        }
    }
}

/// One value, or several, of a context key as written. Numbers and booleans
/// are accepted and read as the text they are written as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ContextValues {
    One(#[serde(deserialize_with = "scalar")] String),
    Many(#[serde(deserialize_with = "scalars")] Vec<String>),
}

impl ContextValues {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            ContextValues::One(v) => vec![v.clone()],
            ContextValues::Many(vs) => vs.clone(),
        }
    }
}

fn scalar_text(value: serde_json::Value) -> Result<String, String> {
    match value {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("{other} is not a string, number or boolean")),
    }
}

fn scalar<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    scalar_text(value).map_err(serde::de::Error::custom)
}

fn scalars<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let values = Vec::<serde_json::Value>::deserialize(deserializer)?;
    values
        .into_iter()
        .map(scalar_text)
        .collect::<Result<_, _>>()
        .map_err(serde::de::Error::custom)
}

/// Context keys as written: `{"aws:SourceIp": "203.0.113.7", "aws:TagKeys": ["a", "b"]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContextSpec(pub BTreeMap<String, ContextValues>);

impl ContextSpec {
    /// ` with aws:SourceArn = arn:…`: two requests that differ only in a
    /// condition key must not read alike.
    pub fn describe(&self) -> String {
        let keys: Vec<String> = self
            .0
            .iter()
            .map(|(key, values)| match values {
                ContextValues::One(v) => format!("{key} = {v}"),
                ContextValues::Many(vs) => format!("{key} = {}", vs.join(" | ")),
            })
            .collect();
        if keys.is_empty() {
            String::new()
        } else {
            format!(" with {}", keys.join(", "))
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Read `KEY=VALUE` assignments (a key repeated gets several values).
    pub fn from_assignments<S: AsRef<str>>(assignments: &[S]) -> Result<ContextSpec, String> {
        let mut context = Context::new();
        for assignment in assignments {
            context.add_assignment(assignment.as_ref())?;
        }
        Ok(ContextSpec::from(&context))
    }

    pub fn to_context(&self) -> Context {
        let mut context = Context::new();
        for (key, values) in &self.0 {
            context.set(key, values.to_vec());
        }
        context
    }
}

impl ContextSpec {
    /// One line for a text field: `aws:SourceIp=203.0.113.7, aws:TagKeys=[team, "cost, centre"]`.
    /// [`ContextSpec::parse_line`] reads it back exactly.
    pub fn to_line(&self) -> String {
        let quote = |v: &str| {
            let plain = !v.is_empty()
                && v.trim() == v
                && !v.contains([',', '[', ']', '"', '\\'])
                && !v.chars().any(char::is_control);
            if plain {
                v.to_owned()
            } else {
                let mut out = String::with_capacity(v.len() + 2);
                out.push('"');
                for c in v.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        c => out.push(c),
                    }
                }
                out.push('"');
                out
            }
        };
        self.0
            .iter()
            .map(|(key, values)| match values {
                ContextValues::One(v) => format!("{key}={}", quote(v)),
                ContextValues::Many(vs) => {
                    format!("{key}=[{}]", vs.iter().map(|v| quote(v)).collect::<Vec<_>>().join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Read what [`ContextSpec::to_line`] writes (and what people type):
    /// `KEY=VALUE` entries separated by commas; a list is `KEY=[A, B]`; a
    /// value with a comma, bracket or quote is written in double quotes. A
    /// key given twice gets both values.
    pub fn parse_line(line: &str) -> Result<ContextSpec, String> {
        let mut context = Context::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        let skip_space = |i: &mut usize| {
            while *i < chars.len() && chars[*i].is_whitespace() {
                *i += 1;
            }
        };
        // A value: quoted, or plain up to a comma (or `]` inside a list).
        let value = |i: &mut usize, in_list: bool| -> Result<String, String> {
            skip_space(i);
            if chars.get(*i) == Some(&'"') {
                *i += 1;
                let mut out = String::new();
                loop {
                    match chars.get(*i) {
                        None => return Err("a quoted value has no closing \"".to_owned()),
                        Some('"') => {
                            *i += 1;
                            return Ok(out);
                        }
                        Some('\\') => {
                            out.extend(chars.get(*i + 1));
                            *i += 2;
                        }
                        Some(&c) => {
                            out.push(c);
                            *i += 1;
                        }
                    }
                }
            }
            let start = *i;
            while *i < chars.len() && chars[*i] != ',' && !(in_list && chars[*i] == ']') {
                *i += 1;
            }
            Ok(chars[start..*i].iter().collect::<String>().trim().to_owned())
        };
        loop {
            skip_space(&mut i);
            if i >= chars.len() {
                break;
            }
            let start = i;
            while i < chars.len() && chars[i] != '=' && chars[i] != ',' {
                i += 1;
            }
            let key: String = chars[start..i].iter().collect::<String>().trim().to_owned();
            if chars.get(i) != Some(&'=') || key.is_empty() {
                return Err(format!(
                    "`{}` is not KEY=VALUE (for example aws:SourceIp=203.0.113.7; a list is KEY=[A, B])",
                    chars[start..i].iter().collect::<String>().trim()
                ));
            }
            i += 1;
            skip_space(&mut i);
            if chars.get(i) == Some(&'[') {
                i += 1;
                let mut values = Vec::new();
                loop {
                    skip_space(&mut i);
                    if chars.get(i) == Some(&']') {
                        i += 1;
                        break;
                    }
                    values.push(value(&mut i, true)?);
                    skip_space(&mut i);
                    match chars.get(i) {
                        Some(',') => i += 1,
                        Some(']') => {
                            i += 1;
                            break;
                        }
                        _ => return Err(format!("the list of {key} has no closing ]")),
                    }
                }
                let mut all = context.get(&key).map(<[String]>::to_vec).unwrap_or_default();
                all.extend(values);
                context.set(&key, all);
            } else {
                let v = value(&mut i, false)?;
                context.add(&key, v);
            }
            skip_space(&mut i);
            match chars.get(i) {
                Some(',') => i += 1,
                None => break,
                Some(c) => return Err(format!("unexpected `{c}` after the value of {key}")),
            }
        }
        Ok(ContextSpec::from(&context))
    }
}

impl From<&Context> for ContextSpec {
    fn from(context: &Context) -> ContextSpec {
        ContextSpec(
            context
                .iter()
                .map(|(key, values)| {
                    let values = match values {
                        [one] => ContextValues::One(one.clone()),
                        many => ContextValues::Many(many.to_vec()),
                    };
                    (key.to_owned(), values)
                })
                .collect(),
        )
    }
}

/// A request as people and files write it. Every way into the engine goes
/// through this type and [`RequestSpec::to_request`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestSpec {
    /// `user/NAME`, `role/NAME[/SESSION]`, `root`,
    /// `identity-pool/ID:authenticated|unauthenticated`, `service/NAME`,
    /// `saml/PROVIDER`, `oidc/PROVIDER_URL`, `web/HOST`, or an ARN.
    pub principal: String,
    /// `service:Action`.
    pub action: String,
    /// The resource's ARN, or `*` for actions that take none.
    pub resource: String,
    #[serde(default, skip_serializing_if = "ContextSpec::is_empty")]
    pub context: ContextSpec,
    /// Session policies passed when the role session was made (policy JSON).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub session_policies: Vec<serde_json::Value>,
    /// A federated principal's claims, by claim name: `{"sub":
    /// "repo:org/app:ref:refs/heads/main", "aud": "sts.amazonaws.com"}`.
    #[serde(default, skip_serializing_if = "ContextSpec::is_empty")]
    pub claims: ContextSpec,
    /// The role a federated principal assumes, by name or ARN (the SAML
    /// assertion's Role attribute, or AssumeRoleWithWebIdentity's RoleArn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// When the request is made (RFC 3339, e.g. 2026-12-04T10:00:00Z); the
    /// caller's clock when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(default, skip_serializing_if = "Assume::is_realistic")]
    pub assume: Assume,
}

/// What is wrong with a written request, and in which field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct RequestError {
    /// `principal`, `action`, `resource`, `context.KEY`, `time`, `session_policies[N]`.
    pub field: String,
    pub message: String,
}

impl RequestError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> RequestError {
        RequestError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl RequestSpec {
    /// One JSON Lines line, read as serde reads it. The common line —
    /// `principal`, `action` and `resource` once each, plain strings, nothing
    /// else — is read without serde (batches are millions of such lines);
    /// any other line, including every malformed one, goes to serde, so its
    /// error is serde's.
    pub fn from_json_line(line: &str) -> Result<RequestSpec, serde_json::Error> {
        match plain_line(line) {
            Some([principal, action, resource]) => Ok(RequestSpec::new(principal, action, resource)),
            None => serde_json::from_str(line),
        }
    }

    pub fn new(principal: impl Into<String>, action: impl Into<String>, resource: impl Into<String>) -> RequestSpec {
        RequestSpec {
            principal: principal.into(),
            action: action.into(),
            resource: resource.into(),
            context: ContextSpec::default(),
            session_policies: Vec::new(),
            claims: ContextSpec::default(),
            role: None,
            time: None,
            assume: Assume::Realistic,
        }
    }

    /// `user/bob s3:GetObject on arn:aws:s3:::photos/*`, and the request's
    /// condition keys, claims and role when it has some.
    pub fn describe(&self) -> String {
        let claims = self.claims.describe();
        let claims = match claims.strip_prefix(" with ") {
            Some(list) => format!(" with claims {list}"),
            None => claims,
        };
        let role = self.role.as_ref().map(|r| format!(" as role {r}")).unwrap_or_default();
        format!(
            "{}{claims}{role} {} on {}{}",
            self.principal,
            self.action,
            self.resource,
            self.context.describe()
        )
    }

    /// A plain JSON Lines line's request — `principal`, `action` and
    /// `resource`, plain strings, nothing else — made straight from the
    /// line's text with no spec in between (batches are millions of such
    /// lines), with the three values as written. It is the request
    /// `from_json_line(line)?.to_request(now)` makes (a test compares them);
    /// `None` when the line is not plain.
    pub fn plain_request(line: &str, now: Timestamp) -> Option<([&str; 3], Result<Request, RequestError>)> {
        let written = plain_line(line)?;
        let [principal, action, resource] = written;
        let request = checked_parts(principal, action, resource).map(|(principal, action, resource)| Request {
            principal,
            action: action.to_owned(),
            resource: resource.to_owned(),
            context: Context::new(),
            session_policies: Vec::new(),
            claims: Context::new(),
            role: None,
            time: now,
            time_given: false,
            assume: Assume::Realistic,
        });
        Some((written, request))
    }

    /// Check every field and make the engine's request. `now` is the time
    /// used when the spec gives none (a caller's clock, read at the edge).
    pub fn to_request(&self, now: Timestamp) -> Result<Request, RequestError> {
        let (principal, action, resource) = checked_parts(&self.principal, &self.action, &self.resource)?;
        for key in self.context.0.keys() {
            if key.trim().is_empty() || key.contains(char::is_whitespace) {
                return Err(RequestError::new(
                    format!("context.{key}"),
                    "a condition key is one word such as aws:SourceIp",
                ));
            }
        }
        let context = self.context.to_context();
        let (claims, role) = self.federation(&principal)?;
        let (time, time_given) = request_time(self.time.as_deref(), &context, now)?;
        let session_policies = self
            .session_policies
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let text = match value {
                    serde_json::Value::String(text) => text.clone(),
                    other => serde_json::to_string_pretty(other).unwrap_or_default(),
                };
                let document = PolicyDocument::from_json_text(text);
                match document
                    .parsed()
                    .diagnostics
                    .iter()
                    .find(|d| d.severity == crate::policy::Severity::Error)
                {
                    Some(d) => Err(RequestError::new(
                        format!("session_policies[{i}]"),
                        format!("{}:{}: {}", d.line, d.column, d.message),
                    )),
                    None => Ok(document),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Request {
            principal,
            action: action.to_owned(),
            resource: resource.to_owned(),
            context,
            session_policies,
            claims,
            role,
            time,
            time_given,
            assume: self.assume,
        })
    }

    /// For a federated principal, `role=NAME` and claims without a
    /// provider prefix (`sub=…`, `aud=…`) written among the context keys are
    /// the role it assumes and its token's claims (the inspector has one
    /// field for all three); they join those already given. Other keys stay
    /// context; any other principal's context is left as it is.
    pub fn move_federation_from_context(&mut self) -> Result<(), RequestError> {
        if !matches!(PrincipalSpec::parse(&self.principal), Ok(PrincipalSpec::Federated(_))) {
            return Ok(());
        }
        let short: Vec<String> = self.context.0.keys().filter(|k| !k.contains(':')).cloned().collect();
        for key in short {
            let Some(values) = self.context.0.remove(&key) else {
                continue;
            };
            if key.eq_ignore_ascii_case("role") {
                match values.to_vec().as_slice() {
                    [role] => self.role = Some(role.clone()),
                    _ => {
                        return Err(RequestError::new(
                            "role",
                            "a federated user assumes one role: role=NAME",
                        ));
                    }
                }
            } else {
                self.claims.0.insert(key, values);
            }
        }
        Ok(())
    }

    /// The claims and the role, which only a federated principal has; each
    /// claim must be one its provider's tokens or assertions carry.
    fn federation(&self, principal: &PrincipalSpec) -> Result<(Context, Option<String>), RequestError> {
        let federated = match principal {
            PrincipalSpec::Federated(spec) => Some(spec),
            _ => None,
        };
        if federated.is_none() && !self.claims.is_empty() {
            return Err(RequestError::new(
                "claims",
                format!(
                    "{} has no claims: claims are what an identity provider's token or SAML assertion carries, for a saml/, oidc/ or web/ principal (other condition keys go in context)",
                    self.principal.trim()
                ),
            ));
        }
        if federated.is_none() && self.role.is_some() {
            return Err(RequestError::new(
                "role",
                format!(
                    "{} assumes no role: only a federated principal (saml/, oidc/, web/) names the role it assumes; a role's session is role/NAME",
                    self.principal.trim()
                ),
            ));
        }
        let role = match self.role.as_deref().map(str::trim) {
            None => None,
            Some("") => return Err(RequestError::new("role", "no role: give the role's name or ARN")),
            Some(role) if role.starts_with("arn:") => {
                crate::model::Arn::parse(role).map_err(|e| RequestError::new("role", e.to_string()))?;
                Some(role.to_owned())
            }
            Some(role) => Some(role.to_owned()),
        };
        let Some(spec) = federated else {
            return Ok((Context::new(), None));
        };
        let key_prefix = match spec.kind {
            ProviderKind::Saml => "saml",
            ProviderKind::Oidc | ProviderKind::WebIdentity => spec.provider.as_str(),
        };
        for (claim, values) in &self.claims.0 {
            super::federation::check_claim(spec, claim).map_err(|m| RequestError::new(format!("claims.{claim}"), m))?;
            if values.to_vec().is_empty() {
                return Err(RequestError::new(format!("claims.{claim}"), "give at least one value"));
            }
            // The claim is the key's value: a context value for the same
            // key would be a second, contradicting token.
            let twice = self.context.0.keys().find(|key| {
                key.rsplit_once(':').is_some_and(|(prefix, name)| {
                    prefix.eq_ignore_ascii_case(key_prefix) && name.eq_ignore_ascii_case(claim)
                })
            });
            if let Some(key) = twice {
                return Err(RequestError::new(
                    format!("context.{key}"),
                    format!(
                        "{key} is made from the claim {claim}, which the request gives too; give it once, as the claim {claim}=VALUE"
                    ),
                ));
            }
        }
        Ok((self.claims.to_context(), role))
    }
}

/// The principal, action and resource of a request, checked: the
/// principal parsed, the action and resource trimmed.
fn checked_parts<'a>(
    principal: &str,
    action: &'a str,
    resource: &'a str,
) -> Result<(PrincipalSpec, &'a str, &'a str), RequestError> {
    let principal = PrincipalSpec::parse(principal).map_err(|m| RequestError::new("principal", m))?;
    let action = action.trim();
    check_action(action).map_err(|m| RequestError::new("action", m))?;
    let resource = resource.trim();
    if resource.is_empty() {
        return Err(RequestError::new(
            "resource",
            "no resource: give the resource's ARN, or * for an action that takes none",
        ));
    }
    Ok((principal, action, resource))
}

/// An action as a request carries it: `service:Name` (wildcards are for
/// policies; a request names one action).
fn check_action(action: &str) -> Result<(), String> {
    match action.split_once(':') {
        Some((service, name)) if !service.is_empty() && !name.is_empty() && !name.contains(':') => {
            if action.contains(['*', '?']) {
                Err(format!(
                    "`{action}` is a pattern; a request names one action (ask who-can or what-can for patterns)"
                ))
            } else {
                Ok(())
            }
        }
        _ => Err(format!(
            "`{action}` is not an action: write SERVICE:ACTION, for example s3:GetObject"
        )),
    }
}

/// The request's time: the spec's `time`, else a given `aws:CurrentTime`
/// (or `aws:EpochTime`), else `now`. Two that disagree are an error: one
/// request happens at one time.
fn request_time(time: Option<&str>, context: &Context, now: Timestamp) -> Result<(Timestamp, bool), RequestError> {
    let from_spec = match time {
        Some(text) => Some(crate::policy::parse_date(text).ok_or_else(|| {
            RequestError::new("time", format!("`{text}` is not a time such as 2026-12-04T10:00:00Z"))
        })?),
        None => None,
    };
    let single = |key: &str| -> Result<Option<&str>, RequestError> {
        match context.get(key) {
            None => Ok(None),
            Some([one]) => Ok(Some(one.as_str())),
            Some(_) => Err(RequestError::new(
                format!("context.{key}"),
                "a request has one time; give one value",
            )),
        }
    };
    let from_current = match single("aws:CurrentTime")? {
        Some(text) => Some(crate::policy::parse_date(text).ok_or_else(|| {
            RequestError::new(
                "context.aws:CurrentTime",
                format!("`{text}` is not a time such as 2026-12-04T10:00:00Z"),
            )
        })?),
        None => None,
    };
    let from_epoch = match single("aws:EpochTime")? {
        Some(text) => Some(
            text.trim()
                .parse::<i64>()
                .ok()
                .and_then(|s| Timestamp::from_second(s).ok())
                .ok_or_else(|| {
                    RequestError::new(
                        "context.aws:EpochTime",
                        format!("`{text}` is not a number of seconds since 1970-01-01"),
                    )
                })?,
        ),
        None => None,
    };
    let mut chosen: Option<(&str, Timestamp)> = None;
    for (name, candidate) in [
        ("time", from_spec),
        ("context.aws:CurrentTime", from_current),
        ("context.aws:EpochTime", from_epoch),
    ] {
        let Some(candidate) = candidate else { continue };
        match chosen {
            None => chosen = Some((name, candidate)),
            // EpochTime has whole seconds only.
            Some((first, at)) if at.as_second() != candidate.as_second() => {
                return Err(RequestError::new(
                    name,
                    format!("{candidate} disagrees with {first} ({at}); a request happens at one time"),
                ));
            }
            Some(_) => {}
        }
    }
    Ok(chosen.map_or((now, false), |(_, at)| (at, true)))
}

/// The bytes that end or escape a JSON string's plain run: `"`, `\` and
/// control characters (a table: one look per byte).
pub const JSON_SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Where the first byte of [`JSON_SPECIAL`] is in `bytes` (`None`: none
/// is), eight bytes at a time: a word has one when a byte is below 0x20,
/// or equals `"` or a backslash (the classic "has a zero byte" test on the word,
/// on the word XOR the repeated byte, and on the word minus 0x20).
pub fn first_json_special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        let w = u64::from_le_bytes(word);
        // A byte below 0x20: subtracting 0x20 borrows into its high bit,
        // which a byte below 0x80 did not have (bytes from 0x80 up, UTF-8's,
        // are never special: the high bit is masked out by `!w`).
        let low = w.wrapping_sub(0x20 * ONES) & !w & HIGHS;
        if low | has_zero(w ^ (b'"' as u64 * ONES)) | has_zero(w ^ (b'\\' as u64 * ONES)) != 0 {
            // Borrows can flag a byte after the first special one; the
            // first flagged byte is found exactly below.
            break;
        }
        i += 8;
    }
    bytes[i..]
        .iter()
        .position(|&b| JSON_SPECIAL[b as usize])
        .map(|at| i + at)
}

/// The three values of a line that is `{"principal": "…", "action": "…",
/// "resource": "…"}` in any order, strings with no escape or control
/// character; `None` for anything else.
fn plain_line(line: &str) -> Option<[&str; 3]> {
    fn ws(s: &str) -> &str {
        s.trim_start_matches([' ', '\t', '\n', '\r'])
    }
    fn string(s: &str) -> Option<(&str, &str)> {
        let rest = s.strip_prefix('"')?;
        let end = first_json_special(rest.as_bytes())?;
        (rest.as_bytes()[end] == b'"').then(|| (&rest[..end], &rest[end + 1..]))
    }
    let mut values: [Option<&str>; 3] = [None; 3];
    let mut rest = ws(line).strip_prefix('{')?;
    loop {
        let (key, after) = string(ws(rest))?;
        let after = ws(after).strip_prefix(':')?;
        let (value, after) = string(ws(after))?;
        let slot = match key {
            "principal" => 0,
            "action" => 1,
            "resource" => 2,
            _ => return None,
        };
        if values[slot].replace(value).is_some() {
            return None;
        }
        let after = ws(after);
        if let Some(next) = after.strip_prefix(',') {
            rest = next;
        } else {
            let end = after.strip_prefix('}')?;
            if !ws(end).is_empty() {
                return None;
            }
            break;
        }
    }
    Some([values[0]?, values[1]?, values[2]?])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-12-04T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn principal_forms_parse_and_print_back() {
        for text in [
            "root",
            "user/alice",
            "role/DeployRole",
            "role/DeployRole/ci-run-7",
            "identity-pool/eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10:unauthenticated",
            "service/ec2.amazonaws.com",
            "arn:aws:iam::111122223333:user/alice",
            "saml/CorpIdP",
            "oidc/token.actions.githubusercontent.com",
            "oidc/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
            "web/accounts.google.com",
            "web/graph.facebook.com",
            "web/www.amazon.com",
            "web/cognito-identity.amazonaws.com",
            "arn:aws:iam::111122223333:saml-provider/CorpIdP",
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        ] {
            let spec = PrincipalSpec::parse(text).unwrap();
            assert_eq!(spec.to_string(), text);
        }
        // A provider's ARN is a federated principal of its kind.
        assert!(matches!(
            PrincipalSpec::parse("arn:aws:iam::111122223333:saml-provider/CorpIdP").unwrap(),
            PrincipalSpec::Federated(FederatedSpec {
                kind: ProviderKind::Saml,
                ..
            })
        ));
        // The URL may be written with its scheme; it is the same provider.
        assert_eq!(
            PrincipalSpec::parse("oidc/https://token.actions.githubusercontent.com").unwrap(),
            PrincipalSpec::parse("oidc/token.actions.githubusercontent.com").unwrap()
        );
        assert_eq!(
            PrincipalSpec::parse("lambda.amazonaws.com").unwrap(),
            PrincipalSpec::Service("lambda.amazonaws.com".into())
        );
    }

    #[test]
    fn bad_principals_say_what_forms_exist() {
        let err = PrincipalSpec::parse("alice").unwrap_err();
        assert!(err.contains("user/NAME"), "{err}");
        let err = PrincipalSpec::parse("identity-pool/x:guest").unwrap_err();
        assert!(err.contains(":unauthenticated"), "{err}");
        assert!(PrincipalSpec::parse("arn:aws").is_err());
        let err = PrincipalSpec::parse("group/Developers").unwrap_err();
        assert!(err.contains("never a principal"), "{err}");
        let err = PrincipalSpec::parse("alice").unwrap_err();
        assert!(
            err.contains("saml/PROVIDER") && err.contains("web/accounts.google.com"),
            "{err}"
        );
        let err = PrincipalSpec::parse("web/token.actions.githubusercontent.com").unwrap_err();
        assert!(err.contains("oidc/URL"), "{err}");
        let err = PrincipalSpec::parse("oidc/accounts.google.com").unwrap_err();
        assert!(err.contains("web/accounts.google.com"), "{err}");
        let err = PrincipalSpec::parse("federated/accounts.google.com").unwrap_err();
        assert!(err.contains("write web/accounts.google.com"), "{err}");
        assert!(PrincipalSpec::parse("saml/").is_err());
        assert!(PrincipalSpec::parse("saml/a/b").is_err());
    }

    #[test]
    fn a_claim_given_again_as_its_condition_key_is_refused() {
        // "Available keys for AWS STS federation": the key's value is the
        // token's claim; two values would be two tokens.
        let mut spec = RequestSpec::new("oidc/token.actions.githubusercontent.com", "s3:GetObject", "*");
        spec.claims = ContextSpec::from_assignments(&["sub=repo:a/b:ref:refs/heads/main"]).unwrap();
        spec.context =
            ContextSpec::from_assignments(&["token.actions.githubusercontent.com:sub=repo:c/d:ref:refs/heads/main"])
                .unwrap();
        let err = spec.to_request(now()).unwrap_err();
        assert_eq!(err.field, "context.token.actions.githubusercontent.com:sub");
        assert!(err.message.contains("give it once"), "{err}");
        // another key of the provider, or the same claim of SAML's, is no clash
        spec.context = ContextSpec::from_assignments(&["token.actions.githubusercontent.com:repository=a/b"]).unwrap();
        assert!(spec.to_request(now()).is_ok());
        let mut saml = RequestSpec::new("saml/CorpIdP", "s3:GetObject", "*");
        saml.claims = ContextSpec::from_assignments(&["sub=jdoe"]).unwrap();
        saml.context = ContextSpec::from_assignments(&["SAML:sub=other"]).unwrap();
        assert_eq!(saml.to_request(now()).unwrap_err().field, "context.SAML:sub");
    }

    #[test]
    fn role_and_short_claims_among_the_context_keys_are_a_federated_users() {
        let mut spec = RequestSpec::new("oidc/token.actions.githubusercontent.com", "s3:GetObject", "*");
        spec.context = ContextSpec::parse_line("role=Deploy, sub=repo:a/b:*, aws:SourceIp=203.0.113.7").unwrap();
        spec.move_federation_from_context().unwrap();
        assert_eq!(spec.role.as_deref(), Some("Deploy"));
        assert_eq!(spec.claims.to_line(), "sub=repo:a/b:*");
        assert_eq!(spec.context.to_line(), "aws:SourceIp=203.0.113.7");
        let request = spec.to_request(now()).unwrap();
        assert_eq!(request.claims.get("sub").unwrap(), ["repo:a/b:*"]);
        spec.context = ContextSpec::parse_line("role=[A, B]").unwrap();
        assert_eq!(spec.move_federation_from_context().unwrap_err().field, "role");
        // a user's context is its own
        let mut user = RequestSpec::new("user/alice", "s3:GetObject", "*");
        user.context = ContextSpec::parse_line("role=Deploy").unwrap();
        user.move_federation_from_context().unwrap();
        assert_eq!(user.role, None);
        assert_eq!(user.context.to_line(), "role=Deploy");
    }

    #[test]
    fn claims_and_role_belong_to_federated_principals_and_name_their_field() {
        let mut spec = RequestSpec::new("user/alice", "s3:GetObject", "*");
        spec.claims = ContextSpec::from_assignments(&["sub=x"]).unwrap();
        assert_eq!(spec.to_request(now()).unwrap_err().field, "claims");
        spec.claims = ContextSpec::default();
        spec.role = Some("DeployRole".into());
        assert_eq!(spec.to_request(now()).unwrap_err().field, "role");

        let mut spec = RequestSpec::new("oidc/token.actions.githubusercontent.com", "s3:GetObject", "*");
        spec.claims =
            ContextSpec::from_assignments(&["token.actions.githubusercontent.com:sub=repo:o/a:ref:x"]).unwrap();
        let err = spec.to_request(now()).unwrap_err();
        assert_eq!(err.field, "claims.token.actions.githubusercontent.com:sub");
        assert!(err.message.contains("the claim is `sub`"), "{err}");
        spec.claims =
            ContextSpec::from_assignments(&["sub=repo:o/a:ref:refs/heads/main", "job_workflow_ref=x"]).unwrap();
        spec.role = Some("arn:aws:iam::111122223333:role/Deploy".into());
        let request = spec.to_request(now()).unwrap();
        assert_eq!(request.claims.get("sub").unwrap(), ["repo:o/a:ref:refs/heads/main"]);
        // the written form carries the claims and the role back
        let again: RequestSpec = serde_json::from_str(&serde_json::to_string(&request.spec()).unwrap()).unwrap();
        assert_eq!(again.claims, spec.claims);
        assert_eq!(again.role, spec.role);
        spec.role = Some("arn:aws".into());
        assert_eq!(spec.to_request(now()).unwrap_err().field, "role");

        // IAM User Guide, "Available keys for SAML-based AWS STS federation".
        let mut saml = RequestSpec::new("saml/CorpIdP", "s3:GetObject", "*");
        saml.claims =
            ContextSpec::from_assignments(&["aud=https://signin.aws.amazon.com/saml", "eduPersonAffiliation=staff"])
                .unwrap();
        assert!(saml.to_request(now()).is_ok());
        saml.claims = ContextSpec::from_assignments(&["doc=111122223333/CorpIdP"]).unwrap();
        assert!(saml.to_request(now()).unwrap_err().message.contains("AWS makes it"));
        saml.claims = ContextSpec::from_assignments(&["email=a@example.com"]).unwrap();
        assert!(saml.to_request(now()).unwrap_err().message.contains("mail"));

        // "Available keys for AWS web identity federation": Facebook gives app_id and id.
        let mut facebook = RequestSpec::new("web/graph.facebook.com", "s3:GetObject", "*");
        facebook.claims = ContextSpec::from_assignments(&["user_id=1"]).unwrap();
        let err = facebook.to_request(now()).unwrap_err();
        assert!(err.message.contains("graph.facebook.com:app_id"), "{err}");
    }

    #[test]
    fn context_keys_are_case_insensitive_and_repeat_into_several_values() {
        let mut c = Context::new();
        c.add_assignment("aws:TagKeys=team").unwrap();
        c.add_assignment("AWS:tagkeys=cost").unwrap();
        assert_eq!(c.get("aws:tagkeys").unwrap(), ["team", "cost"]);
        assert!(c.add_assignment("novalue").is_err());
        c.add_assignment("k=a=b").unwrap();
        assert_eq!(c.get("k").unwrap(), ["a=b"]);
    }

    #[test]
    fn a_written_request_reads_lists_numbers_and_booleans_and_prints_back() {
        let spec: RequestSpec = serde_json::from_str(
            r#"{"principal": "user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::photos/a b.jpg",
                "context": {"aws:TagKeys": ["team", "cost center"], "aws:MultiFactorAuthPresent": true, "s3:max-keys": 10}}"#,
        )
        .unwrap();
        let request = spec.to_request(now()).unwrap();
        assert_eq!(request.context.get("aws:TagKeys").unwrap(), ["team", "cost center"]);
        assert_eq!(request.context.get("aws:MultiFactorAuthPresent").unwrap(), ["true"]);
        assert_eq!(request.context.get("s3:max-keys").unwrap(), ["10"]);
        assert_eq!(request.time, now());
        let again = request.spec();
        assert_eq!(again.context, spec.context);
        assert_eq!(again.to_request(now()).unwrap().resource, "arn:aws:s3:::photos/a b.jpg");
    }

    #[test]
    fn unknown_fields_and_bad_values_name_the_field() {
        let err = serde_json::from_str::<RequestSpec>(
            r#"{"principal": "root", "action": "s3:GetObject", "resource": "*", "contxt": {}}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("contxt"), "{err}");
        let mut spec = RequestSpec::new("user/alice", "s3GetObject", "*");
        assert_eq!(spec.to_request(now()).unwrap_err().field, "action");
        spec.action = "s3:Get*".into();
        assert!(spec.to_request(now()).unwrap_err().message.contains("pattern"));
        spec.action = "s3:GetObject".into();
        spec.resource = " ".into();
        assert_eq!(spec.to_request(now()).unwrap_err().field, "resource");
    }

    #[test]
    fn the_request_time_follows_a_given_current_time_or_epoch_time() {
        let mut spec = RequestSpec::new("user/alice", "s3:GetObject", "*");
        spec.context = ContextSpec::from_assignments(&["aws:CurrentTime=2020-01-01T00:00:00Z"]).unwrap();
        assert_eq!(spec.to_request(now()).unwrap().time.to_string(), "2020-01-01T00:00:00Z");
        spec.context = ContextSpec::from_assignments(&["aws:EpochTime=1577836800"]).unwrap();
        assert_eq!(spec.to_request(now()).unwrap().time.to_string(), "2020-01-01T00:00:00Z");
        spec.context =
            ContextSpec::from_assignments(&["aws:EpochTime=1577836800", "aws:CurrentTime=2021-01-01T00:00:00Z"])
                .unwrap();
        let err = spec.to_request(now()).unwrap_err();
        assert!(err.message.contains("one time"), "{err}");
        spec.context = ContextSpec::default();
        spec.time = Some("yesterday".into());
        assert_eq!(spec.to_request(now()).unwrap_err().field, "time");
    }

    #[test]
    fn a_context_line_reads_back_lists_spaces_commas_and_quotes() {
        let line =
            r#"aws:SourceIp=203.0.113.7, aws:TagKeys=[team, "cost, centre"], s3:prefix=photos/my cat, q="say \"hi\"""#;
        let spec = ContextSpec::parse_line(line).unwrap();
        let context = spec.to_context();
        assert_eq!(context.get("aws:TagKeys").unwrap(), ["team", "cost, centre"]);
        assert_eq!(context.get("s3:prefix").unwrap(), ["photos/my cat"]);
        assert_eq!(context.get("q").unwrap(), [r#"say "hi""#]);
        assert_eq!(ContextSpec::parse_line(&spec.to_line()).unwrap(), spec);
        // A key given twice has both values.
        let twice = ContextSpec::parse_line("k=a, k=b").unwrap();
        assert_eq!(twice.to_context().get("k").unwrap(), ["a", "b"]);
        assert!(ContextSpec::parse_line("novalue").is_err());
        assert!(ContextSpec::parse_line("k=[a, b").is_err());
        assert!(ContextSpec::parse_line("k=\"open").is_err());
        assert_eq!(ContextSpec::parse_line("  ").unwrap(), ContextSpec::default());
    }

    #[test]
    fn assume_modes_parse_and_default_to_realistic() {
        assert_eq!(Assume::parse("none").unwrap(), Assume::None);
        assert!(Assume::parse("all").is_err());
        let spec: RequestSpec = serde_json::from_str(
            r#"{"principal": "root", "action": "s3:GetObject", "resource": "*", "assume": "none"}"#,
        )
        .unwrap();
        assert_eq!(spec.assume, Assume::None);
        assert_eq!(RequestSpec::new("root", "a:b", "*").assume, Assume::Realistic);
    }

    /// The fast reading of a batch line gives what serde gives, error or
    /// not, for plain lines and for every near miss.
    #[test]
    fn a_json_line_reads_the_same_with_or_without_serde() {
        let lines = [
            r#"{"principal": "user/alice", "action": "s3:GetObject", "resource": "*"}"#,
            r#"{"resource":"*","action":"s3:GetObject","principal":"user/alice"}"#,
            "  {\t\"principal\" :\"user/a\" , \"action\":\"s3:X\", \"resource\": \"arn:aws:s3:::b/k\" }  ",
            r#"{"principal": "user/alice", "action": "s3:GetObject"}"#,
            r#"{"principal": "user/alice", "action": "s3:GetObject", "resource": "*", "resource": "x"}"#,
            r#"{"principal": "user/alice", "action": "s3:GetObject", "resource": "*", "time": "2026-01-01T00:00:00Z"}"#,
            r#"{"principal": "user/alice", "action": "s3:GetObject", "resource": "*", "colour": "red"}"#,
            r#"{"principal": "user/al\"ice", "action": "s3:GetObject", "resource": "*"}"#,
            r#"{"principal": "user/al\u0069ce", "action": "s3:GetObject", "resource": "*"}"#,
            "{\"principal\": \"user/al\u{7}ice\", \"action\": \"s3:GetObject\", \"resource\": \"*\"}",
            r#"{"principal": "user/alice", "action": "s3:GetObject", "resource": "*"} x"#,
            r#"{"principal": "user/alice", "action": "s3:GetObject", "resource": "*",}"#,
            r#"{"principal": 7, "action": "s3:GetObject", "resource": "*"}"#,
            r#"{"principal": "user/ålice", "action": "s3:GetObject", "resource": "*"}"#,
            r#"{"principal": "user/alice", "action": "s3:GetObject", "resource": "*""#,
            r#"["user/alice", "s3:GetObject", "*"]"#,
            "",
        ];
        for line in lines {
            let fast = RequestSpec::from_json_line(line).map_err(|e| e.to_string());
            let serde = serde_json::from_str::<RequestSpec>(line).map_err(|e| e.to_string());
            assert_eq!(fast, serde, "{line}");
            assert_plain_request_is_the_specs(line);
        }
        assert!(plain_line(lines[0]).is_some() && plain_line(lines[2]).is_some());
        assert!(plain_line(lines[7]).is_none() && plain_line(lines[5]).is_none());
    }

    /// The request a plain line makes without a spec is the spec's: the
    /// same values as written, the same request (or the same error).
    fn assert_plain_request_is_the_specs(line: &str) {
        let Some((written, fast)) = RequestSpec::plain_request(line, now()) else {
            return;
        };
        let spec = RequestSpec::from_json_line(line).expect("a plain line reads");
        assert_eq!(
            written,
            [spec.principal.as_str(), spec.action.as_str(), spec.resource.as_str()]
        );
        let slow = spec.to_request(now());
        assert_eq!(
            format!("{:?}", fast.map_err(|e| e.to_string())),
            format!("{:?}", slow.map_err(|e| e.to_string())),
            "{line}"
        );
    }

    proptest::proptest! {
        #[test]
        fn the_word_at_a_time_scan_finds_the_first_special_byte_the_table_does(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            plain in proptest::collection::vec(0x20u8..0x7f, 0..40),
        ) {
            for bytes in [&bytes, &plain] {
                let slow = bytes.iter().position(|&b| JSON_SPECIAL[b as usize]);
                proptest::prop_assert_eq!(first_json_special(bytes), slow, "{:?}", bytes);
            }
        }

        #[test]
        fn any_line_reads_the_same_with_or_without_serde(
            line in r#"[{}"\\:, a-z/*\t]{0,40}"#,
            principal in r#"[a-z/"\\ ]{0,8}"#,
        ) {
            let shaped = format!(r#"{{"principal": "{principal}", "action": "s3:X", "resource": "*"}}"#);
            for line in [line.as_str(), shaped.as_str()] {
                let fast = RequestSpec::from_json_line(line).map_err(|e| e.to_string());
                let serde = serde_json::from_str::<RequestSpec>(line).map_err(|e| e.to_string());
                proptest::prop_assert_eq!(fast, serde, "{}", line);
                assert_plain_request_is_the_specs(line);
            }
        }

        #[test]
        fn a_plain_lines_request_is_the_one_its_spec_makes(
            principal in r"(user|role|saml|oidc|web|root|arn:aws:iam::1:user)?/?[a-z ]{0,6}",
            action in r"[a-z0-9*?: ]{0,12}",
            resource in r"[a-z*: /]{0,10}",
        ) {
            let line = format!(r#"{{"principal": "{principal}", "action": "{action}", "resource": "{resource}"}}"#);
            assert_plain_request_is_the_specs(&line);
        }
    }
}
