//! What is asked: who (a principal), does what (an action), to what (a
//! resource), in which circumstances (context keys).

use std::fmt;

use jiff::Timestamp;

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
    /// An ARN: a user, role, assumed-role session or root of this or another account.
    Arn(String),
}

impl PrincipalSpec {
    /// Read `user/NAME`, `role/NAME`, `role/NAME/SESSION`, `root`,
    /// `identity-pool/ID:authenticated|unauthenticated`, `service/NAME` or an ARN.
    pub fn parse(text: &str) -> Result<PrincipalSpec, String> {
        let text = text.trim();
        if text == "root" {
            return Ok(PrincipalSpec::Root);
        }
        if text.starts_with("arn:") {
            crate::model::Arn::parse(text).map_err(|e| e.to_string())?;
            return Ok(PrincipalSpec::Arn(text.to_owned()));
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
        Err(format!(
            "`{text}` is not a principal: use user/NAME, role/NAME, root, identity-pool/ID:authenticated|unauthenticated, service/NAME.amazonaws.com, or an ARN"
        ))
    }
}

impl fmt::Display for PrincipalSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrincipalSpec::Root => f.write_str("root"),
            PrincipalSpec::User(name) => write!(f, "user/{name}"),
            PrincipalSpec::Role {
                name,
                session: None,
            } => write!(f, "role/{name}"),
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
        self.get_lower(&key.to_ascii_lowercase())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries
            .iter()
            .map(|e| (e.key.as_str(), e.values.as_slice()))
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Read `KEY=VALUE` as typed on a command line.
    pub fn add_assignment(&mut self, assignment: &str) -> Result<(), String> {
        match assignment.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                self.add(key.trim(), value);
                Ok(())
            }
            _ => Err(format!(
                "`{assignment}` is not KEY=VALUE (for example aws:SourceIp=203.0.113.7)"
            )),
        }
    }
}

/// One question for the engine.
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
    /// The time of the request (`aws:CurrentTime`); now when not set.
    pub time: Option<Timestamp>,
}

impl Request {
    pub fn new(
        principal: PrincipalSpec,
        action: impl Into<String>,
        resource: impl Into<String>,
    ) -> Request {
        Request {
            principal,
            action: action.into(),
            resource: resource.into(),
            context: Context::new(),
            session_policies: Vec::new(),
            time: None,
        }
    }

    pub fn with_context(mut self, key: &str, value: impl Into<String>) -> Request {
        self.context.add(key, value);
        self
    }

    /// The service prefix of the action, lower-cased (`s3` for `S3:GetObject`).
    pub fn service(&self) -> String {
        self.action
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        ] {
            let spec = PrincipalSpec::parse(text).unwrap();
            assert_eq!(spec.to_string(), text);
        }
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
}
