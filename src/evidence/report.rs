//! An [`Answer`] (and a CloudTrail [`Group`]) as lines of toned text, in
//! sections, so that `iamscope why` and the explorer's `:why` say the same
//! words: what AWS said, the request with each field's origin, the
//! cross-check with AWS's words, and the fix. The explanation itself is not
//! here: each front-end renders it from [`crate::eval::outline`] (the CLI as
//! text, the explorer as the inspector's tree).
//!
//! Text is as the evidence gave it; a front-end escapes it for its terminal.

use super::AwsOutcome;
use super::answer::{Answer, Fix, Group, Verdict};
use crate::eval::Decision;
use crate::eval::outline::{Span, Tone, decision_tone};

/// One line: pieces with their tone.
pub type Line = Vec<Span>;

/// The answer's sections, each without blank lines around it.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Where the evidence came from and what AWS said (and the banner of a
    /// disagreement that must not be missed).
    pub said: Vec<Line>,
    /// `The request`, each field with its origin, and the evidence's notes.
    pub request: Vec<Line>,
    pub cross_check: Vec<Line>,
    /// `Fix` and what it proposes; empty when there is none.
    pub fix: Vec<Line>,
}

fn piece(text: impl Into<String>, tone: Tone) -> Span {
    Span {
        text: text.into(),
        tone,
    }
}

fn text(text: impl Into<String>) -> Line {
    vec![piece(text, Tone::Text)]
}

/// `ImplicitDeny`, in its decision's tone.
pub fn decision(decision: Decision) -> Span {
    piece(decision.as_str(), decision_tone(decision))
}

/// The cross-check's verdict in a word or two, in its tone.
pub fn verdict(verdict: Verdict) -> Span {
    match verdict {
        Verdict::Agrees => piece("agrees", Tone::Good),
        Verdict::DiffersInWhy => piece("differs in why", Tone::Warn),
        Verdict::AwsDeniedIamscopeAllows => piece("AWS DENIED, IAMSCOPE ALLOWS", Tone::Bad),
        Verdict::AwsAllowedIamscopeDenies => piece("AWS ALLOWED, IAMSCOPE DENIES", Tone::Bad),
        Verdict::Unknown => piece("nothing to compare", Tone::Text),
    }
}

/// The disagreement that must not be missed, as one line.
pub fn banner(answer: &Answer) -> Option<String> {
    match answer.cross_check.verdict {
        Verdict::AwsDeniedIamscopeAllows => Some(
            "!! AWS DENIED this request, but iamscope ALLOWS it from this workspace: the workspace lacks what denied it (see the cross-check)".to_owned(),
        ),
        Verdict::AwsAllowedIamscopeDenies => Some(
            "!! AWS ALLOWED this request, but iamscope DENIES it from this workspace (see the cross-check)".to_owned(),
        ),
        _ => None,
    }
}

/// The answer in sections.
pub fn report(answer: &Answer) -> Report {
    Report {
        said: said(answer),
        request: request(answer),
        cross_check: cross_check(answer),
        fix: fix(answer),
    }
}

fn said(answer: &Answer) -> Vec<Line> {
    let e = &answer.evidence;
    let aws = &e.aws;
    let mut lines = vec![vec![
        piece("From", Tone::Heading),
        piece(format!(" {}", e.kind.describe()), Tone::Text),
    ]];
    let mut said = match aws.outcome {
        AwsOutcome::Denied => "denied".to_owned(),
        AwsOutcome::Allowed => "allowed".to_owned(),
        AwsOutcome::OtherError => "failed otherwise".to_owned(),
    };
    if let Some(code) = &aws.error_code {
        said.push_str(&format!(" ({code})"));
    }
    if let Some(op) = &aws.operation {
        said.push_str(&format!(", operation {op}"));
    }
    lines.push(vec![
        piece("AWS:", Tone::Heading),
        piece(format!(" {said}"), Tone::Text),
    ]);
    if let Some(reason) = &aws.reason {
        lines.push(text(format!("  {reason}")));
    }
    if let Some(message) = aws.message.as_ref().filter(|_| aws.reason.is_none()) {
        lines.push(text(format!("  message: {message}")));
    }
    for s in &aws.matched_statements {
        lines.push(text(format!(
            "  matched statement {} ({})",
            s.sid.as_deref().unwrap_or("without Sid"),
            s.effect
        )));
    }
    if let Some(banner) = banner(answer) {
        lines.push(Vec::new());
        lines.push(vec![piece(banner, Tone::Bad)]);
    }
    lines
}

fn request(answer: &Answer) -> Vec<Line> {
    const MAIN: [&str; 4] = ["principal", "action", "resource", "time"];
    let e = &answer.evidence;
    let mut lines = vec![vec![piece("The request", Tone::Heading)]];
    let mut context_label = "context";
    for f in &e.fields {
        let (label, value) = if MAIN.contains(&f.name.as_str()) {
            (f.name.as_str(), f.value.clone())
        } else {
            let label = context_label;
            context_label = "";
            (label, format!("{} = {}", f.name, f.value))
        };
        lines.push(text(format!("  {label:<9}  {value}")));
        lines.push(vec![
            piece(format!("  {:<9}    ", ""), Tone::Text),
            piece(f.origin.describe(), Tone::Dim),
        ]);
        if let Some(note) = &f.note {
            lines.push(vec![
                piece(format!("  {:<9}    ", ""), Tone::Text),
                piece(format!("note: {note}"), Tone::Dim),
            ]);
        }
    }
    for note in &e.notes {
        lines.push(text(format!("  - {note}")));
    }
    lines
}

fn cross_check(answer: &Answer) -> Vec<Line> {
    let check = &answer.cross_check;
    let mut lines = vec![vec![
        piece("Cross-check with AWS's words:", Tone::Heading),
        piece(" ", Tone::Text),
        verdict(check.verdict),
    ]];
    for finding in &check.findings {
        lines.push(text(format!("  - {finding}")));
    }
    if !check.missing.is_empty() {
        lines.push(vec![
            piece("  ", Tone::Text),
            piece("What the workspace may lack:", Tone::Heading),
        ]);
        for m in &check.missing {
            lines.push(text(format!("  - {}", m.what)));
            if let Some(key) = m.key {
                lines.push(text(format!("    add it under the workspace key `{key}` (see README)")));
            }
            if let Some(how) = &m.how {
                lines.push(text(format!("    get it with: {how}")));
            }
        }
    }
    lines
}

fn fix(answer: &Answer) -> Vec<Line> {
    let Some(fix) = &answer.fix else {
        return Vec::new();
    };
    let mut lines = vec![vec![piece("Fix", Tone::Heading)]];
    match fix {
        Fix::Allow {
            changes,
            decision: after,
            summary,
            blocked,
        } => {
            for change in changes {
                lines.push(text(format!("  {}:", change.description)));
                let json = crate::policy::document::pretty_json(&change.statement);
                for line in json.lines() {
                    lines.push(text(format!("    {line}")));
                }
            }
            lines.push(vec![
                piece("  checked on a copy of the account: ", Tone::Text),
                decision(*after),
                piece(format!(" — {summary}"), Tone::Text),
            ]);
            if let Some(blocked) = blocked {
                lines.push(text(format!("  still blocked: {blocked}")));
            }
        }
        Fix::RemoveDeny { statements } => {
            lines.push(text(
                "  an explicit deny outweighs every allow: remove or narrow the statement (or make the request so its conditions do not hold)",
            ));
            for s in statements {
                lines.push(text(format!(
                    "  - statement {} in {} (line {})",
                    s.statement, s.policy, s.line
                )));
            }
        }
        Fix::Elsewhere { why } => lines.push(text(format!("  no statement iamscope can add: {why}"))),
    }
    lines
}

/// A group of CloudTrail events as the listing shows it: a heading line
/// (`#1 3 events PRINCIPAL  ACTION`), then its resources, the tallies of
/// AWS and iamscope, the first event's summary and the cross-check.
pub fn group(g: &Group) -> Vec<Line> {
    let mut lines = vec![vec![
        piece(format!("#{}", g.number), Tone::Heading),
        piece(
            format!(
                " {} {}  ",
                if g.events.len() == 1 {
                    "1 event ".to_owned()
                } else {
                    format!("{} events", g.events.len())
                },
                g.principal
            ),
            Tone::Text,
        ),
        piece(g.action.clone(), Tone::Heading),
    ]];
    let more = if g.resources.len() > 1 {
        format!(" (and {} more)", g.resources.len() - 1)
    } else {
        String::new()
    };
    let first_resource = g.resources.first().map_or("", String::as_str);
    lines.push(text(format!("    on {first_resource}{more}")));
    let mut aws = Vec::new();
    for (n, word) in [
        (g.aws_denied, "denied"),
        (g.aws_allowed, "allowed"),
        (g.aws_other, "failed otherwise"),
    ] {
        if n > 0 {
            aws.push(format!("{word} {n}"));
        }
    }
    let mut tally = vec![piece(format!("    AWS: {} · iamscope: ", aws.join(", ")), Tone::Text)];
    let mut first = true;
    for (n, d) in [
        (g.iamscope.allow, Some(Decision::Allow)),
        (g.iamscope.explicit_deny, Some(Decision::ExplicitDeny)),
        (g.iamscope.implicit_deny, Some(Decision::ImplicitDeny)),
        (g.iamscope.not_evaluated, None),
    ] {
        if n == 0 {
            continue;
        }
        if !first {
            tally.push(piece(", ", Tone::Text));
        }
        first = false;
        tally.push(d.map_or_else(|| piece("not evaluated", Tone::Text), decision));
        tally.push(piece(format!(" {n}"), Tone::Text));
    }
    lines.push(tally);
    let answer = &g.first;
    match (&answer.explanation, &answer.not_evaluated) {
        (Some(e), _) => lines.push(text(format!("    {}", e.summary))),
        (None, Some(why)) => lines.push(text(format!("    not evaluated: {why}"))),
        _ => {}
    }
    if g.disagreements > 0 {
        lines.push(vec![
            piece("    ", Tone::Text),
            piece(
                format!(
                    "!! iamscope disagrees with AWS on {} of these events ({})",
                    g.disagreements,
                    match answer.cross_check.verdict {
                        Verdict::AwsAllowedIamscopeDenies => "AWS allowed, iamscope denies",
                        _ => "AWS denied, iamscope allows",
                    }
                ),
                Tone::Bad,
            ),
        ]);
    } else {
        let finding = answer
            .cross_check
            .findings
            .first()
            .filter(|_| answer.cross_check.verdict == Verdict::DiffersInWhy)
            .map_or_else(String::new, |f| format!(": {f}"));
        lines.push(vec![
            piece("    cross-check: ", Tone::Text),
            verdict(answer.cross_check.verdict),
            piece(finding, Tone::Text),
        ]);
    }
    lines
}

/// The events of a group after its first, one line each, with iamscope's
/// decision (`The group's other events` and the lines under it); nothing
/// for a group of one event.
pub fn other_events(model: &crate::model::Model, trail: &super::Trail, g: &Group) -> Vec<Line> {
    if g.events.len() < 2 {
        return Vec::new();
    }
    let mut lines = vec![vec![piece("The group's other events", Tone::Heading)]];
    for number in &g.events[1..] {
        let Some(evidence) = trail
            .events
            .iter()
            .find(|e| e.number == *number)
            .and_then(|e| e.evidence.as_ref().ok())
        else {
            continue;
        };
        let brief = super::answer::brief(model, evidence);
        lines.push(vec![
            piece(
                format!(
                    "  event {number}  {}  {}  ",
                    evidence.event.as_ref().map_or("", |e| e.time.as_str()),
                    evidence.request.resource
                ),
                Tone::Text,
            ),
            brief
                .decision()
                .map_or_else(|| piece("not evaluated", Tone::Text), decision),
        ]);
    }
    lines
}
