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

use std::cell::Cell;
use std::collections::HashSet;

use super::Lint;
use crate::policy::glob::{Case, Glob};
use crate::policy::{Effect, PrincipalClause, Severity, Statement};

pub(super) fn check_policy(lint: &mut Lint<'_>) {
    let policy = lint.policy;
    let statements: Vec<&Statement> = policy.statements.iter().filter(|s| s.valid).collect();
    if statements.len() < 2 {
        return;
    }
    let shapes: Vec<Shape<'_>> = statements.iter().map(|s| Shape::of(s)).collect();
    let pairs: Vec<(&Statement, &Shape<'_>)> = statements.iter().copied().zip(&shapes).collect();
    let budget = Budget::new(WORK_BUDGET);
    let covers = |outer: &Shape<'_>, inner: &Shape<'_>| covers(outer, inner, &budget);
    for &(a, a_shape) in &pairs {
        if budget.spent() {
            // Statements compared so far keep their findings; the rest are
            // not compared (the check may miss an overlap, never invent one).
            let path = lint.statement_path(a);
            lint.push(
                Severity::Info,
                "overlap-not-checked",
                a.span,
                path,
                format!(
                    "statements from {} on were not compared with the others for overlaps: \
                     the policy's {} statements have too many patterns to compare in reasonable time",
                    describe(a),
                    statements.len()
                ),
                Some("split the policy; AWS refuses a policy this large in any case".to_owned()),
            );
            break;
        }
        if a.effect == Effect::Allow
            && let Some(&(deny, _)) = pairs
                .iter()
                .find(|(b, b_shape)| b.effect == Effect::Deny && b.conditions.is_empty() && covers(b_shape, a_shape))
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
        let other = pairs.iter().find(|(b, b_shape)| {
            b.index != a.index
                && b.effect == a.effect
                && b.conditions.is_empty()
                && covers(b_shape, a_shape)
                // Two identical statements: report only the later one.
                && !(a.conditions.is_empty() && b.index > a.index && covers(a_shape, b_shape))
        });
        if let Some(&(other, _)) = other {
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

/// A statement's Action, Resource and Principal, prepared once so that
/// comparing every statement with every other stays cheap however long
/// their lists: every pattern in a set (a pattern written the same way is
/// covered at once), those with wildcards also in a list.
struct Shape<'s> {
    statement: &'s Statement,
    actions: Option<Patterns>,
    resources: Option<Patterns>,
    /// Equal keys: the same actions and resources, written the same way.
    key: u64,
}

/// How much comparing one policy's statements may cost, in bytes of
/// pattern compared: far beyond any policy AWS accepts (a role's inline
/// policies total 10,240 characters), small enough that a crafted policy
/// of thousands of statements is linted in well under a second.
const WORK_BUDGET: u64 = 50_000_000;

struct Budget {
    left: Cell<u64>,
}

impl Budget {
    fn new(units: u64) -> Budget {
        Budget { left: Cell::new(units) }
    }

    /// Take `units`; false once the budget is gone.
    fn take(&self, units: u64) -> bool {
        let left = self.left.get();
        self.left.set(left.saturating_sub(units));
        left >= units
    }

    fn spent(&self) -> bool {
        self.left.get() == 0
    }
}

struct Patterns {
    negated: bool,
    /// Every pattern as compared (lower case for actions).
    all: Vec<String>,
    exact: HashSet<String>,
    wild: Vec<String>,
    ignore_case: bool,
}

impl Patterns {
    fn new<'t>(negated: bool, texts: impl Iterator<Item = &'t str>, ignore_case: bool) -> Patterns {
        let all: Vec<String> = texts
            .map(|t| {
                if ignore_case {
                    t.to_ascii_lowercase()
                } else {
                    t.to_owned()
                }
            })
            .collect();
        Patterns {
            negated,
            exact: all.iter().cloned().collect(),
            wild: all.iter().filter(|t| t.contains(['*', '?'])).cloned().collect(),
            all,
            ignore_case,
        }
    }

    /// Whether every pattern of `inner` falls under one of these.
    fn cover(&self, inner: &Patterns, budget: &Budget) -> bool {
        !self.negated
            && !inner.negated
            && !inner.all.is_empty()
            && budget.take(inner.all.len() as u64)
            && inner.all.iter().all(|p| {
                self.exact.contains(p)
                    || self.wild.iter().any(|q| {
                        let cost = if p.contains(['*', '?']) {
                            (q.len() as u64).saturating_mul(p.len() as u64)
                        } else {
                            (q.len() + p.len()) as u64
                        };
                        budget.take(cost.max(1)) && pattern_covers(q.as_bytes(), p.as_bytes(), self.ignore_case)
                    })
            })
    }
}

impl<'s> Shape<'s> {
    fn of(statement: &'s Statement) -> Shape<'s> {
        use std::hash::{Hash, Hasher};
        let actions = statement
            .action
            .as_ref()
            .map(|c| Patterns::new(c.negated, c.patterns.iter().map(|p| p.text.as_ref()), true));
        let resources = statement
            .resource
            .as_ref()
            .map(|c| Patterns::new(c.negated, c.patterns.iter().map(|p| p.text.as_ref()), false));
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for patterns in [&actions, &resources] {
            match patterns {
                None => 0u8.hash(&mut hasher),
                Some(p) => {
                    (1u8, p.negated).hash(&mut hasher);
                    let mut sorted: Vec<&String> = p.all.iter().collect();
                    sorted.sort();
                    sorted.dedup();
                    sorted.hash(&mut hasher);
                }
            }
        }
        Shape {
            statement,
            actions,
            resources,
            key: hasher.finish(),
        }
    }
}

/// Whether every request `inner` applies to (ignoring its conditions) is one
/// `outer` applies to.
fn covers(outer: &Shape<'_>, inner: &Shape<'_>, budget: &Budget) -> bool {
    let same_lists = outer.key == inner.key
        && outer.actions.as_ref().is_some_and(|o| !o.negated)
        && inner.actions.as_ref().is_some_and(|i| !i.all.is_empty())
        && outer.resources.as_ref().is_none_or(|o| !o.negated && !o.all.is_empty());
    (same_lists || (actions_cover(outer, inner, budget) && resources_cover(outer, inner, budget)))
        && principals_cover(outer.statement.principal.as_ref(), inner.statement.principal.as_ref())
}

fn actions_cover(outer: &Shape<'_>, inner: &Shape<'_>, budget: &Budget) -> bool {
    match (&outer.actions, &inner.actions) {
        (Some(outer), Some(inner)) => outer.cover(inner, budget),
        _ => false,
    }
}

fn resources_cover(outer: &Shape<'_>, inner: &Shape<'_>, budget: &Budget) -> bool {
    match (&outer.resources, &inner.resources) {
        (None, None) => true,
        (Some(outer), Some(inner)) => outer.cover(inner, budget),
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
///
/// (Containment of one pattern in another, not a match of a text, so it is
/// not [`crate::policy::glob`]'s question.) The literal text before
/// `outer`'s first wildcard and after its last must be `inner`'s own, which
/// settles most pairs at once; the rest is dynamic programming over the two,
/// one row at a time.
pub(super) fn pattern_covers(outer: &[u8], inner: &[u8], ignore_case: bool) -> bool {
    if outer == b"*" {
        return true;
    }
    let same = |q: u8, p: u8| {
        if ignore_case {
            q.eq_ignore_ascii_case(&p)
        } else {
            q == p
        }
    };
    let wild = |b: &u8| *b == b'*' || *b == b'?';
    let Some(first) = outer.iter().position(wild) else {
        return outer.len() == inner.len() && outer.iter().zip(inner).all(|(&q, &p)| same(q, p));
    };
    let last = outer.iter().rposition(wild).unwrap_or(first);
    let (head, tail) = (&outer[..first], &outer[last + 1..]);
    let literal_at = |text: &[u8], part: &[u8]| part.iter().zip(text).all(|(&q, &p)| !wild(&p) && same(q, p));
    if inner.len() < head.len() + tail.len()
        || !literal_at(&inner[..head.len()], head)
        || !literal_at(&inner[inner.len() - tail.len()..], tail)
    {
        return false;
    }
    // `outer` without `*` covers only patterns of its own length.
    if !outer.contains(&b'*') && (inner.len() != outer.len() || inner.contains(&b'*')) {
        return false;
    }
    let (outer, inner) = (&outer[first..=last], &inner[head.len()..inner.len() - tail.len()]);
    if !inner.iter().any(wild) {
        // A plain text is covered when the pattern matches it: linear time.
        let case = if ignore_case {
            Case::Insensitive
        } else {
            Case::Sensitive
        };
        return match (std::str::from_utf8(outer), std::str::from_utf8(inner)) {
            (Ok(o), Ok(i)) => Glob::new(o, case).is_match(i),
            _ => false,
        };
    }
    // Two long patterns: the table below would cost their product. The check
    // may miss an overlap (see the module's note), never invent one.
    if outer.len().saturating_mul(inner.len()) > 1 << 20 {
        return false;
    }
    let m = inner.len();
    // reach[j]: outer[..i] can produce inner[..j].
    let mut reach = vec![false; m + 1];
    let mut next = vec![false; m + 1];
    reach[0] = true;
    for &q in outer {
        next.fill(false);
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
                        _ => !wild(&p) && same(q, p),
                    };
                    if ok {
                        next[j + 1] = true;
                    }
                }
            }
        }
        std::mem::swap(&mut reach, &mut next);
        if !reach.contains(&true) {
            return false;
        }
    }
    reach[m]
}

#[cfg(test)]
mod tests {
    use super::pattern_covers;

    fn covers(outer: &str, inner: &str) -> bool {
        pattern_covers(outer.as_bytes(), inner.as_bytes(), false)
    }

    /// Containment by brute force: every text of up to four letters from
    /// {a, b} that `inner` matches, `outer` matches — with `*` and `?` in
    /// `inner` standing also for themselves as literal characters.
    fn reference(outer: &str, inner: &str) -> bool {
        use crate::policy::glob::{Case, Glob};
        let (o, i) = (Glob::new(outer, Case::Sensitive), Glob::new(inner, Case::Sensitive));
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| ["a", "b", "c"].map(|c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
            texts.dedup();
        }
        texts.iter().all(|t| !i.is_match(t) || o.is_match(t))
    }

    #[test]
    fn literal_ends_settle_most_pairs() {
        assert!(covers("s3:Get*", "s3:GetObject"));
        assert!(covers("s3:Get*", "s3:Get?bject"));
        assert!(!covers("s3:Get*", "s3:*"));
        assert!(covers("arn:aws:s3:::b/*", "arn:aws:s3:::b/k/*"));
        assert!(!covers("arn:aws:s3:::b/*.jpg", "arn:aws:s3:::b/*"));
        assert!(covers("a?c", "abc"));
        assert!(!covers("a?c", "a*c"));
        assert!(covers("*a*", "xa*"));
        assert!(pattern_covers(b"S3:GET*", b"s3:getobject", true));
    }

    proptest::proptest! {
        #[test]
        fn never_claims_a_cover_that_is_not_one(outer in "[ab*?]{0,5}", inner in "[ab*?]{0,5}") {
            if covers(&outer, &inner) {
                proptest::prop_assert!(reference(&outer, &inner), "{} covers {}?", outer, inner);
            }
        }
    }
}
