//! What a policy document is used as. The same text can be fine as one
//! kind and wrong as another; the linter, the engine's explanations, the
//! editor and the evidence readers all name kinds with this one enum.

use serde::Serialize;

use super::ParsedPolicy;

/// What a policy document is used as; the same text can be fine as one kind
/// and wrong as another (a `Principal` belongs in a bucket policy, not in a
/// user's policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    /// Attached to a user, group or role (managed or inline).
    Identity,
    /// Attached to a resource: bucket, key, queue, topic, function…
    Resource,
    /// A role's trust policy (who may assume it).
    Trust,
    /// An AWS Organizations service control policy.
    Scp,
    /// An AWS Organizations resource control policy.
    Rcp,
    /// A managed policy used as a user's or role's permissions boundary.
    Boundary,
    /// A policy passed when a session is created (AssumeRole…, GetFederationToken).
    Session,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 7] = [
        PolicyKind::Identity,
        PolicyKind::Resource,
        PolicyKind::Trust,
        PolicyKind::Scp,
        PolicyKind::Rcp,
        PolicyKind::Boundary,
        PolicyKind::Session,
    ];

    /// The short name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::Trust => "trust",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Session => "session",
        }
    }

    /// A phrase for messages: "identity-based policy".
    pub fn describe(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity-based policy",
            PolicyKind::Resource => "resource-based policy",
            PolicyKind::Trust => "role trust policy",
            PolicyKind::Scp => "service control policy",
            PolicyKind::Rcp => "resource control policy",
            PolicyKind::Boundary => "permissions boundary",
            PolicyKind::Session => "session policy",
        }
    }

    pub fn parse(text: &str) -> Option<PolicyKind> {
        PolicyKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The kind a document most likely is, for when nobody said: a statement
    /// with `Principal` makes it resource-based, or a trust policy when every
    /// action is an `sts:` one and no statement names a resource; anything
    /// else is read as an identity-based policy.
    pub fn guess(parsed: &ParsedPolicy) -> PolicyKind {
        let statements = parsed.statements();
        if !statements.iter().any(|s| s.principal.is_some()) {
            return PolicyKind::Identity;
        }
        let sts_only = statements.iter().all(|s| {
            s.resource.is_none()
                && s.action.as_ref().is_some_and(|a| {
                    !a.negated
                        && !a.patterns.is_empty()
                        && a.patterns.iter().all(|p| {
                            p.text
                                .split_once(':')
                                .is_some_and(|(service, _)| service.eq_ignore_ascii_case("sts"))
                        })
                })
        });
        if sts_only {
            PolicyKind::Trust
        } else {
            PolicyKind::Resource
        }
    }
}

impl std::fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
