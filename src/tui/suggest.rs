//! What the explorer suggests while a request is typed — principals,
//! actions, resources, condition keys — ranked by a fuzzy match. The lists
//! are gathered from the account on first use and forgotten when it changes.

use super::input::Fuzzy;
use crate::analysis::who_can;
use crate::model::Model;

/// A part of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Principal,
    Action,
    Resource,
    Context,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::Principal, Field::Action, Field::Resource, Field::Context];

    pub fn label(self) -> &'static str {
        match self {
            Field::Principal => "Principal",
            Field::Action => "Action",
            Field::Resource => "Resource",
            Field::Context => "Context",
        }
    }
}

/// How many suggestions are shown.
const SHOWN: usize = 8;

/// Condition keys worth offering, with a value to start from.
const CONTEXT_KEYS: [&str; 6] = [
    "aws:MultiFactorAuthPresent=true",
    "aws:SourceIp=203.0.113.7",
    "aws:SecureTransport=false",
    "aws:RequestedRegion=eu-west-1",
    "aws:PrincipalOrgID=o-example",
    "aws:ResourceAccount=111122223333",
];

#[derive(Debug, Default)]
pub struct Suggest {
    fuzzy: Fuzzy,
    actions: Option<Vec<String>>,
    resources: Option<Vec<String>>,
    principals: Option<Vec<String>>,
}

impl Suggest {
    /// The account changed: gather again when next asked.
    pub fn reset(&mut self) {
        self.resources = None;
        self.principals = None;
    }

    /// Suggestions for a field, best first.
    pub fn field(&mut self, model: &Model, field: Field, query: &str) -> Vec<String> {
        let (list, query): (&[String], &str) = match field {
            Field::Action => (
                self.actions.get_or_insert_with(|| {
                    crate::catalog::catalog()
                        .services()
                        .flat_map(|s| s.actions().iter().map(|a| a.full_name()))
                        .collect()
                }),
                query,
            ),
            Field::Resource => (self.resources.get_or_insert_with(|| resources(model)), query),
            Field::Principal => (
                self.principals
                    .get_or_insert_with(|| who_can::principals(model).iter().map(|p| p.to_string()).collect()),
                query,
            ),
            Field::Context => {
                let last = query.rsplit(',').next().unwrap_or("").trim();
                let ranked = self.fuzzy.rank(last, CONTEXT_KEYS.iter().copied());
                return ranked
                    .into_iter()
                    .take(SHOWN)
                    .map(|i| CONTEXT_KEYS[i].to_owned())
                    .collect();
            }
        };
        let ranked = self.fuzzy.rank(query, list.iter().map(String::as_str));
        ranked.into_iter().take(SHOWN).map(|i| list[i].clone()).collect()
    }

    /// The fuzzy matcher, for lists that rank their own rows.
    pub fn fuzzy(&mut self) -> &mut Fuzzy {
        &mut self.fuzzy
    }
}

/// ARNs worth suggesting for a resource: resources with policies, concrete
/// resources named in statements, and the account's roles.
fn resources(model: &Model) -> Vec<String> {
    let a = model.account();
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |s: String| {
        if out.len() < 5000 && seen.insert(s.clone()) {
            out.push(s);
        }
    };
    for p in &a.resource_policies {
        push(p.resource_arn.clone());
    }
    let documents = a
        .policies
        .iter()
        .filter_map(|p| p.default_document())
        .chain(
            a.users
                .iter()
                .flat_map(|u| u.inline_policies.iter().map(|p| &p.document)),
        )
        .chain(
            a.groups
                .iter()
                .flat_map(|g| g.inline_policies.iter().map(|p| &p.document)),
        )
        .chain(
            a.roles
                .iter()
                .flat_map(|r| r.inline_policies.iter().map(|p| &p.document)),
        );
    for document in documents {
        for statement in document.parsed().statements() {
            for pattern in statement.resource.iter().flat_map(|r| &r.patterns) {
                if pattern.text.starts_with("arn:") {
                    push(pattern.text.replace("/*", "/example").replace('*', "example"));
                }
            }
        }
    }
    for r in &a.roles {
        push(r.arn.to_string());
    }
    out
}
