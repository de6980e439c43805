//! Who a resource-based policy (or a role's trust policy) lets in from
//! outside the account: anyone, or another account.
//!
//! A statement that allows `"Principal": "*"` (or `{"AWS": "*"}`, or an
//! Allow with `NotPrincipal`) is public unless a condition pins it to fixed
//! values of a key that names who or where the caller is — the keys Amazon
//! S3 counts for this in "Blocking public access to your Amazon S3 storage"
//! (section "The meaning of public"): `aws:PrincipalOrgID`,
//! `aws:PrincipalAccount`, `aws:SourceAccount`, `aws:SourceArn`,
//! `aws:SourceOwner`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceIp`,
//! `aws:userid`, `s3:DataAccessPointArn`, `s3:DataAccessPointAccount`.
//! A value with a wildcard pins nothing, nor does `aws:SourceIp` `0.0.0.0/0`.

use serde::Serialize;

use crate::model::Arn;
use crate::policy::{Effect, PolicyDocument, PrincipalKind, Statement};

/// Condition keys that make a `*` principal non-public when fixed.
const RESTRICTING: [&str; 11] = [
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:userid",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GrantKind {
    /// Anyone at all, signed in to any account or not.
    Public,
    /// Anyone whose request meets conditions that name who or where they are.
    PublicWithConditions,
    /// Another AWS account (its own policies then decide who in it).
    CrossAccount,
}

impl GrantKind {
    pub fn describe(&self) -> &'static str {
        match self {
            GrantKind::Public => "public",
            GrantKind::PublicWithConditions => "public under conditions",
            GrantKind::CrossAccount => "cross-account",
        }
    }
}

/// One grant to the outside.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Grant {
    /// The resource's ARN.
    pub resource: String,
    pub kind: GrantKind,
    /// `*`, `account 444455556666`, or the principal as written.
    pub principal: String,
    /// The statement's actions as written (`NotAction` ones start with `not `).
    pub actions: Vec<String>,
    /// The condition keys the statement tests.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
}

fn restricts(statement: &Statement) -> bool {
    statement.conditions.iter().any(|c| {
        RESTRICTING.contains(&c.key_lower.as_str())
            && !c.operator.base.is_negated()
            && !c.operator.if_exists
            && !c.values.is_empty()
            && c.values
                .iter()
                .all(|v| !v.text.contains(['*', '?']) && &*v.text != "0.0.0.0/0" && &*v.text != "::/0")
    })
}

fn account_of(value: &str) -> Option<String> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value.to_owned());
    }
    Arn::parse(value).ok().map(|a| a.account().to_owned())
}

/// Every grant to anyone or to another account in `document`, attached to `resource`.
pub fn grants(document: &PolicyDocument, resource: &str, own_account: &str) -> Vec<Grant> {
    let mut out = Vec::new();
    for statement in document.parsed().statements() {
        if statement.effect != Effect::Allow || !statement.valid {
            continue;
        }
        let Some(principal) = &statement.principal else {
            continue;
        };
        let actions: Vec<String> = statement
            .action
            .iter()
            .flat_map(|a| {
                a.patterns.iter().map(move |p| {
                    if a.negated {
                        format!("not {}", p.text)
                    } else {
                        p.text.to_string()
                    }
                })
            })
            .collect();
        let mut conditions: Vec<String> = statement.conditions.iter().map(|c| c.key.to_string()).collect();
        conditions.sort();
        conditions.dedup();
        let public_kind = if restricts(statement) {
            GrantKind::PublicWithConditions
        } else {
            GrantKind::Public
        };
        let mut push = |kind: GrantKind, who: String| {
            out.push(Grant {
                resource: resource.to_owned(),
                kind,
                principal: who,
                actions: actions.clone(),
                conditions: conditions.clone(),
            })
        };
        if principal.negated {
            push(public_kind.clone(), "everyone but those NotPrincipal names".to_owned());
            continue;
        }
        if principal.any {
            push(public_kind.clone(), "*".to_owned());
            continue;
        }
        for entry in &principal.entries {
            if entry.kind != PrincipalKind::Aws {
                continue;
            }
            if entry.value == "*" {
                push(public_kind.clone(), "*".to_owned());
                continue;
            }
            match account_of(&entry.value) {
                Some(account) if account != own_account && !account.is_empty() => {
                    push(GrantKind::CrossAccount, entry.value.clone())
                }
                _ => {}
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(statement: &str) -> PolicyDocument {
        PolicyDocument::from_json_text(format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#))
    }

    #[test]
    fn a_star_principal_is_public_unless_a_condition_pins_the_caller() {
        let open = grants(
            &doc(r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}"#),
            "arn:aws:s3:::photos",
            "111122223333",
        );
        assert_eq!(open[0].kind, GrantKind::Public);
        let org = grants(
            &doc(
                r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}"#,
            ),
            "arn:aws:s3:::photos",
            "111122223333",
        );
        assert_eq!(org[0].kind, GrantKind::PublicWithConditions);
        assert_eq!(org[0].conditions, ["aws:PrincipalOrgID"]);
        let wildcard = grants(
            &doc(
                r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringLike": {"aws:PrincipalOrgID": "o-*"}}}"#,
            ),
            "arn:aws:s3:::photos",
            "111122223333",
        );
        assert_eq!(wildcard[0].kind, GrantKind::Public, "a wildcard pins nothing");
    }

    #[test]
    fn another_account_is_cross_account_and_the_own_account_is_not_a_grant() {
        let g = grants(
            &doc(
                r#"{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::444455556666:root", "111122223333", "arn:aws:iam::111122223333:user/alice"]},
                "Action": ["kms:Decrypt"], "Resource": "*"}"#,
            ),
            "arn:aws:kms:eu-west-1:111122223333:key/1",
            "111122223333",
        );
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].kind, GrantKind::CrossAccount);
        assert_eq!(g[0].principal, "arn:aws:iam::444455556666:root");
        assert_eq!(g[0].actions, ["kms:Decrypt"]);
        let deny = grants(
            &doc(r#"{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}"#),
            "x",
            "111122223333",
        );
        assert!(deny.is_empty());
    }
}
