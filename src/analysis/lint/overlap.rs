//! Statements against each other: a statement whose actions × resources
//! (× principals) another unconditional statement of the same effect already
//! covers is redundant; an Allow that an unconditional Deny covers never
//! takes effect, because an explicit Deny overrides every Allow ("Policy
//! evaluation logic").
//!
//! Coverage is decided on the patterns as written: `s3:Get*` covers
//! `s3:GetObject` and `s3:Get?bject`; a list covers another when each of
//! the other's patterns falls under one of its own. That is sufficient, not
//! complete (two patterns that together cover a third are not noticed), so
//! the check can miss overlaps but never reports a false one.

use super::Lint;
use crate::policy::{ActionClause, Effect, PrincipalClause, ResourceClause, Severity, Statement};

pub(super) fn check_policy(lint: &mut Lint<'_>) {
    let policy = lint.policy;
    let statements: Vec<&Statement> = policy.statements.iter().filter(|s| s.valid).collect();
    if statements.len() < 2 {
        return;
    }
    for a in &statements {
        if a.effect == Effect::Allow
            && let Some(deny) = statements
                .iter()
                .find(|b| b.effect == Effect::Deny && b.conditions.is_empty() && covers(b, a))
        {
            let path = lint.statement_path(a);
            lint.push(
                Severity::Warning,
                "shadowed-statement",
                a.span,
                path,
                format!(
                    "everything statement {} allows is denied by statement {}, which has no condition, so it never takes effect",
                    describe(a),
                    describe(deny)
                ),
                Some("remove the Allow, or narrow the Deny if the Allow is meant to work".to_owned()),
            );
            continue;
        }
        let other = statements.iter().find(|b| {
            b.index != a.index
                && b.effect == a.effect
                && b.conditions.is_empty()
                && covers(b, a)
                // Two identical statements: report only the later one.
                && !(a.conditions.is_empty() && b.index > a.index && covers(a, b))
        });
        if let Some(other) = other {
            let verb = if a.effect == Effect::Allow { "allows" } else { "denies" };
            let path = lint.statement_path(a);
            lint.push(
                Severity::Info,
                "redundant-statement",
                a.span,
                path,
                format!(
                    "statement {} {verb} nothing that statement {} does not already {}",
                    describe(a),
                    describe(other),
                    if a.effect == Effect::Allow { "allow" } else { "deny" },
                ),
                Some("remove it, or merge the two statements".to_owned()),
            );
        }
    }
}

fn describe(statement: &Statement) -> String {
    match statement.sid.as_deref() {
        Some(sid) if !sid.is_empty() => format!("`{sid}`"),
        _ => format!("#{}", statement.index + 1),
    }
}

/// Whether every request `inner` applies to (ignoring its conditions) is one
/// `outer` applies to.
fn covers(outer: &Statement, inner: &Statement) -> bool {
    actions_cover(outer.action.as_ref(), inner.action.as_ref())
        && resources_cover(outer.resource.as_ref(), inner.resource.as_ref())
        && principals_cover(outer.principal.as_ref(), inner.principal.as_ref())
}

fn actions_cover(outer: Option<&ActionClause>, inner: Option<&ActionClause>) -> bool {
    let (Some(outer), Some(inner)) = (outer, inner) else {
        return false;
    };
    if outer.negated || inner.negated || inner.patterns.is_empty() {
        return false;
    }
    inner.patterns.iter().all(|p| {
        outer
            .patterns
            .iter()
            .any(|q| pattern_covers(q.text.as_bytes(), p.text.as_bytes(), true))
    })
}

fn resources_cover(outer: Option<&ResourceClause>, inner: Option<&ResourceClause>) -> bool {
    match (outer, inner) {
        (None, None) => true,
        (Some(outer), Some(inner)) => {
            !outer.negated
                && !inner.negated
                && !inner.patterns.is_empty()
                && inner.patterns.iter().all(|p| {
                    outer
                        .patterns
                        .iter()
                        .any(|q| pattern_covers(q.text.as_bytes(), p.text.as_bytes(), false))
                })
        }
        _ => false,
    }
}

fn principals_cover(outer: Option<&PrincipalClause>, inner: Option<&PrincipalClause>) -> bool {
    match (outer, inner) {
        (None, None) => true,
        (Some(outer), Some(inner)) => {
            if outer.negated || inner.negated {
                return false;
            }
            if outer.any {
                return true;
            }
            !inner.any
                && !inner.entries.is_empty()
                && inner
                    .entries
                    .iter()
                    .all(|e| outer.entries.iter().any(|o| o.kind == e.kind && o.value == e.value))
        }
        _ => false,
    }
}

/// Whether every string the IAM wildcard pattern `inner` matches is also
/// matched by `outer`: `outer`'s `*` may take any run of `inner`'s
/// characters and wildcards, its `?` one character or `?`, its literals only
/// the same literal.
pub(super) fn pattern_covers(outer: &[u8], inner: &[u8], ignore_case: bool) -> bool {
    if outer == b"*" {
        return true;
    }
    if !outer.contains(&b'*') && !outer.contains(&b'?') {
        return if ignore_case {
            outer.eq_ignore_ascii_case(inner)
        } else {
            outer == inner
        };
    }
    let m = inner.len();
    // reach[j]: outer[..i] can produce inner[..j].
    let mut reach = vec![false; m + 1];
    reach[0] = true;
    for &q in outer {
        let mut next = vec![false; m + 1];
        match q {
            b'*' => {
                let mut on = false;
                for j in 0..=m {
                    on |= reach[j];
                    next[j] = on;
                }
            }
            _ => {
                for j in 0..m {
                    if !reach[j] {
                        continue;
                    }
                    let p = inner[j];
                    let ok = match q {
                        b'?' => p != b'*',
                        _ => {
                            p != b'*'
                                && p != b'?'
                                && if ignore_case {
                                    q.eq_ignore_ascii_case(&p)
                                } else {
                                    q == p
                                }
                        }
                    };
                    if ok {
                        next[j + 1] = true;
                    }
                }
            }
        }
        reach = next;
    }
    reach[m]
}
