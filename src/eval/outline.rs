//! An explanation laid out for people: a tree of short lines — warnings,
//! steps, stages, policies, statements with why each did or did not apply,
//! the keys the request lacked, what was assumed — each line with its tone
//! and, for statements, a link to the line of the policy that holds it.
//!
//! The command line prints the whole tree; the explorer draws it with
//! branches that open and close. Both draw this one outline, so they say
//! the same things in the same words.

use super::explain::{Explanation, MissInfo, Stage, StatementTrace};
use super::{Basis, Decision, PolicySource, StageKind};
use crate::model::EntityRef;
use crate::policy::Effect;

/// How a piece of text should look; meaning never rests on the tone alone
/// (every line carries a word or a mark too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    Text,
    Heading,
    Dim,
    Good,
    Bad,
    Warn,
}

/// A piece of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub tone: Tone,
}

fn span(text: impl Into<String>, tone: Tone) -> Span {
    Span {
        text: text.into(),
        tone,
    }
}

/// Where a line leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// A statement: its policy (when the policy is in the account) and its line there.
    Statement {
        policy: Option<EntityRef>,
        source: PolicySource,
        line: usize,
    },
}

/// One line and the lines under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Stable among redraws of the same explanation: remembers what was opened.
    pub key: String,
    pub spans: Vec<Span>,
    /// Whether the branch starts open (the explorer; the command line opens all).
    pub open: bool,
    pub link: Option<Link>,
    pub children: Vec<Node>,
}

impl Node {
    fn leaf(key: String, spans: Vec<Span>) -> Node {
        Node {
            key,
            spans,
            open: true,
            link: None,
            children: Vec::new(),
        }
    }

    /// The line's text without tones.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// Who reads the outline: the advice on how to try other values differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    CommandLine,
    Explorer,
}

/// The decision in capitals, for badges and step lines.
pub fn decision_word(decision: Decision) -> &'static str {
    match decision {
        Decision::Allow => "ALLOW",
        Decision::ExplicitDeny => "EXPLICIT DENY",
        Decision::ImplicitDeny => "IMPLICIT DENY",
    }
}

pub fn decision_tone(decision: Decision) -> Tone {
    match decision {
        Decision::Allow => Tone::Good,
        Decision::ExplicitDeny => Tone::Bad,
        Decision::ImplicitDeny => Tone::Warn,
    }
}

/// The outline of an explanation.
pub fn outline(e: &Explanation, audience: Audience) -> Vec<Node> {
    let mut nodes = Vec::new();
    for (i, warning) in e.warnings.iter().enumerate() {
        nodes.push(Node::leaf(
            format!("warning{i}"),
            vec![span("⚠ warning: ", Tone::Warn), span(warning.describe(), Tone::Warn)],
        ));
    }
    if e.hops.is_empty() {
        body(e, "", audience, false, &mut nodes);
    } else {
        for (i, hop) in e.hops.iter().enumerate() {
            let mut children = Vec::new();
            body(hop, &format!("hop{i}/"), audience, true, &mut children);
            nodes.push(Node {
                key: format!("hop{i}"),
                spans: step_line(i + 1, hop),
                open: audience == Audience::CommandLine,
                link: None,
                children,
            });
        }
        // The last step's sentence is the answer's own, shown above it.
        let mut children = Vec::new();
        body(e, "last/", audience, false, &mut children);
        nodes.push(Node {
            key: "last".to_owned(),
            spans: step_line(e.hops.len() + 1, e),
            open: true,
            link: None,
            children,
        });
    }
    nodes
}

/// The request asked again without filling anything in decided
/// `without`: when that differs from the answer, what was assumed changed
/// it, so its branch (the last step's) starts open and says so.
pub fn assumptions_decided(nodes: &mut [Node], answer: Decision, without: Decision) {
    if answer == without {
        return;
    }
    for node in nodes.iter_mut() {
        if node.key == "assumed" || node.key == "last/assumed" {
            node.open = true;
            node.spans.push(span(
                format!(" — they change the answer; without them: {}", decision_word(without)),
                Tone::Warn,
            ));
        } else if node.key == "last" {
            assumptions_decided(&mut node.children, answer, without);
        }
    }
}

fn step_line(n: usize, e: &Explanation) -> Vec<Span> {
    vec![
        span(format!("Step {n}: "), Tone::Heading),
        span(decision_word(e.decision), decision_tone(e.decision)),
        span(format!("  {} {}", e.action, e.resource), Tone::Text),
    ]
}

fn body(e: &Explanation, prefix: &str, audience: Audience, with_summary: bool, nodes: &mut Vec<Node>) {
    if with_summary {
        nodes.push(Node::leaf(
            format!("{prefix}summary"),
            vec![span(&e.summary, Tone::Text)],
        ));
    }
    for stage in &e.stages {
        nodes.push(stage_node(e, stage, prefix));
    }
    if !e.missing_context.is_empty() {
        nodes.push(Node::leaf(
            format!("{prefix}missing"),
            vec![
                span("Missing context keys: ", Tone::Warn),
                span(e.missing_context.join(", "), Tone::Warn),
            ],
        ));
    }
    if !e.assumptions.is_empty() {
        let children = e
            .assumptions
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut text = a.describe();
                if let Some(key) = a.key() {
                    text.push_str(&match audience {
                        Audience::CommandLine => format!(" (try another value with --context {key}=VALUE)"),
                        Audience::Explorer => format!(" (type {key}=VALUE in the Context field to try another)"),
                    });
                }
                Node::leaf(format!("{prefix}assumed/{i}"), vec![span(text, Tone::Dim)])
            })
            .collect();
        nodes.push(Node {
            key: format!("{prefix}assumed"),
            spans: vec![
                span("Assumed", Tone::Heading),
                span(format!(" ({})", e.assumptions.len()), Tone::Dim),
            ],
            open: false,
            link: None,
            children,
        });
    }
}

fn stage_node(e: &Explanation, stage: &Stage, prefix: &str) -> Node {
    let key = format!("{prefix}stage/{}", stage.title);
    let children = stage
        .policies
        .iter()
        .map(|policy| {
            let pkey = format!("{key}/{}", policy.label());
            let closest = e.closest.as_ref().is_some_and(|c| c.source == policy.source);
            // A cap that decided a denial shows what it holds.
            let decisive = decisive_stage(e.basis) == Some(stage.kind);
            let applies = policy.statements.iter().any(|s| s.matched || s.deciding);
            let note = if applies {
                String::new()
            } else {
                format!(
                    "  ({} statement{}, none applies)",
                    policy.statements.len(),
                    if policy.statements.len() == 1 { "" } else { "s" }
                )
            };
            let mut children: Vec<Node> = policy
                .statements
                .iter()
                .map(|s| statement_node(&pkey, &policy.source, s))
                .collect();
            if children.is_empty() {
                children.push(Node::leaf(
                    format!("{pkey}/none"),
                    vec![span("(no statements)", Tone::Dim)],
                ));
            }
            Node {
                key: pkey,
                spans: vec![span(policy.label(), Tone::Text), span(note, Tone::Dim)],
                open: closest || applies || decisive,
                link: None,
                children,
            }
        })
        .collect();
    Node {
        key,
        spans: vec![
            span(stage.title, Tone::Heading),
            span(format!(" — {}", stage.verdict), Tone::Dim),
        ],
        open: true,
        link: None,
        children,
    }
}

/// The stage whose policies settled a denial that no statement decided.
fn decisive_stage(basis: Basis) -> Option<StageKind> {
    match basis {
        Basis::BoundaryDoesNotAllow => Some(StageKind::PermissionsBoundary),
        Basis::SessionPolicyDoesNotAllow => Some(StageKind::SessionPolicies),
        Basis::TrustPolicyDoesNotAllow | Basis::KeyPolicyDoesNotAllow | Basis::ResourceAccountDoesNotAllow => {
            Some(StageKind::ResourceBasedPolicies)
        }
        Basis::ScpLevelAllowsNothing { .. } => Some(StageKind::ServiceControlPolicies),
        _ => None,
    }
}

fn statement_node(policy_key: &str, source: &PolicySource, s: &StatementTrace) -> Node {
    let key = format!("{policy_key}/{}", s.index);
    let (mark, tone) = match (s.deciding, s.matched) {
        (true, _) => (
            "▶ decides ",
            if s.effect == Effect::Deny {
                Tone::Bad
            } else {
                Tone::Good
            },
        ),
        (false, true) => ("✓ applies ", Tone::Text),
        (false, false) => ("· no      ", Tone::Dim),
    };
    let reason = s
        .miss
        .as_ref()
        .map(|m| format!(" — {}", short_reason(m)))
        .unwrap_or_default();
    let children = s
        .miss
        .as_ref()
        .map(|m| vec![Node::leaf(format!("{key}/why"), vec![span(m.detail(), Tone::Warn)])])
        .unwrap_or_default();
    Node {
        key,
        spans: vec![
            span(mark, tone),
            span(format!("{} {}", s.effect.as_str(), s.label), tone),
            span(reason, Tone::Dim),
            span(format!("  line {}", s.line), Tone::Dim),
        ],
        open: false,
        link: Some(Link::Statement {
            policy: source.entity(),
            source: source.clone(),
            line: s.line,
        }),
        children,
    }
}

/// The first clause of a miss, for the statement's own line.
pub fn short_reason(miss: &MissInfo) -> &'static str {
    match miss {
        MissInfo::Action { negated: false, .. } => "action not matched",
        MissInfo::Action { negated: true, .. } => "action excluded by NotAction",
        MissInfo::Resource { negated: false, .. } => "resource not matched",
        MissInfo::Resource { negated: true, .. } => "resource excluded by NotResource",
        MissInfo::Principal { .. } => "principal not named",
        MissInfo::Condition {
            request_values: None, ..
        } => "condition key missing",
        MissInfo::Condition { .. } => "condition false",
        MissInfo::Invalid => "invalid statement",
    }
}
