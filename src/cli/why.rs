//! `iamscope why`: from an AccessDenied message, a decoded authorization
//! message or CloudTrail events to the statements that decided them. The
//! core (`crate::evidence`) reads and answers; this prints.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::Args;

use super::render::{self, Paint, visible};
use super::{AccountArgs, Failure};
use crate::eval::PrincipalSpec;
use crate::evidence::{self, Answer, Evidence, Input, Origin};

const STDIN: &str = "standard input";

pub const LONG_ABOUT: &str = "Why was a request denied? Give iamscope what AWS said and it \
    rebuilds the request (principal, action, resource, context — each with where it came \
    from), explains AWS's decision from the account's exports, checks that explanation \
    against AWS's own words, and proposes the fix, checked by the engine.\n\n\
    It reads: an AccessDenied / UnauthorizedOperation / AccessDeniedException message as the \
    AWS CLI, the SDKs or S3's XML body print it; the output of `aws sts \
    decode-authorization-message`; one CloudTrail event, a delivered log file (also .gz), or \
    `aws cloudtrail lookup-events` output. A log lists the denied events grouped by principal \
    and action; --group N or --event ID explains one in full.\n\n\
    Exit status: 0 when the request was evaluated (whatever the decision), 2 for input that \
    cannot be read or a request that cannot be evaluated.";

#[derive(Debug, Clone, Args)]
pub struct WhyArgs {
    #[command(flatten)]
    pub account: AccountArgs,

    /// The message, event or log file (gzip too); `-` or none reads standard input
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Print JSON
    #[arg(long)]
    pub json: bool,

    /// With CloudTrail events: list the events AWS allowed too (would they still be allowed?)
    #[arg(long)]
    pub all: bool,

    /// With CloudTrail events: explain group N of the listing in full
    #[arg(long, value_name = "N", conflicts_with = "event")]
    pub group: Option<usize>,

    /// With CloudTrail events: explain one event in full (its eventID, or its position in the file)
    #[arg(long, value_name = "ID|N")]
    pub event: Option<String>,

    /// Evaluate as this principal instead of the one in the evidence (a federated user's IAM user, say)
    #[arg(long)]
    pub principal: Option<String>,
}

pub fn run(args: &WhyArgs, out: &mut impl Write) -> Result<u8, Failure> {
    let (bytes, source) = read_input(args.file.as_ref())?;
    let loaded = args.account.load()?;
    let model = &loaded.model;
    let now = jiff::Timestamp::now();
    let input = evidence::read_at_most(&bytes, now, super::max_input())
        .map_err(|e| Failure::bad_input(visible(&format!("{source}: {e}"))))?;
    let override_principal = match &args.principal {
        Some(text) => Some(PrincipalSpec::parse(text).map_err(Failure::bad_input)?),
        None => None,
    };
    let given = |evidence: &mut Evidence| {
        if let Some(spec) = &override_principal {
            let was = evidence.request.principal.to_string();
            evidence.set_principal(
                spec.clone(),
                Origin::Given {
                    part: "--principal".to_owned(),
                },
                Some(format!("the evidence names {was}")),
            );
        }
    };
    let paint = Paint::for_stdout();
    match input {
        Input::One(mut evidence) => {
            if args.group.is_some() || args.event.is_some() || args.all {
                return Err(Failure::bad_input(format!(
                    "{source} holds one request, not CloudTrail events: --all, --group and --event apply to a log"
                )));
            }
            given(&mut evidence);
            let answer = evidence::answer(model, &evidence);
            print_answer(&answer, args.json, paint, out)
        }
        Input::Trail(mut trail) => {
            for event in &mut trail.events {
                if let Ok(evidence) = &mut event.evidence {
                    given(evidence);
                }
            }
            if let Some(wanted) = &args.event {
                let event = trail
                    .events
                    .iter()
                    .find(|e| e.id.as_deref() == Some(wanted.as_str()) || e.number.to_string() == *wanted)
                    .ok_or_else(|| {
                        Failure::bad_input(format!(
                            "{source} has no event {} (give an eventID or a position from 1 to {})",
                            visible(wanted),
                            trail.events.len()
                        ))
                    })?;
                let evidence = event
                    .evidence
                    .as_ref()
                    .map_err(|e| Failure::bad_input(visible(&format!("{source}: event {}: {e}", event.number))))?;
                let answer = evidence::answer(model, evidence);
                return print_answer(&answer, args.json, paint, out);
            }
            let grouped = evidence::group(model, &trail, args.all);
            if let Some(n) = args.group {
                let group = grouped.groups.iter().find(|g| g.number == n).ok_or_else(|| {
                    Failure::bad_input(format!(
                        "there is no group {n}: the listing has {} (run without --group to see them)",
                        grouped.groups.len()
                    ))
                })?;
                let first = group.events[0];
                let evidence = trail
                    .events
                    .iter()
                    .find(|e| e.number == first)
                    .and_then(|e| e.evidence.as_ref().ok())
                    .ok_or_else(|| Failure::bad_input(format!("event {first} gave no request")))?;
                let answer = evidence::answer(model, evidence);
                if args.json {
                    let value = serde_json::json!({ "group": group, "answer": answer });
                    serde_json::to_writer_pretty(&mut *out, &value).map_err(std::io::Error::other)?;
                    writeln!(out)?;
                    return Ok(status(&answer));
                }
                writeln!(
                    out,
                    "{}",
                    paint.bold(&format!(
                        "Group {n}: {} events of {} doing {}; the first (event {first}) in full:",
                        group.events.len(),
                        visible(&group.principal),
                        visible(&group.action)
                    ))
                )?;
                writeln!(out)?;
                print_answer(&answer, false, paint, out)?;
                let others = evidence::report::other_events(model, &trail, group);
                if !others.is_empty() {
                    let mut text = String::from("\n");
                    push_lines(&mut text, &others, paint);
                    write!(out, "{text}")?;
                }
                return Ok(status(&answer));
            }
            if args.json {
                serde_json::to_writer_pretty(&mut *out, &grouped).map_err(std::io::Error::other)?;
                writeln!(out)?;
                return Ok(0);
            }
            print_listing(&grouped, &trail, &source, args.all, paint, out)?;
            Ok(0)
        }
    }
}

fn status(answer: &Answer) -> u8 {
    if answer.explanation.is_some() {
        0
    } else {
        super::EXIT_BAD_INPUT
    }
}

/// The input's bytes and a name for it in messages.
fn read_input(file: Option<&PathBuf>) -> Result<(Vec<u8>, String), Failure> {
    let limit = super::max_input().saturating_add(1);
    let mut bytes = Vec::new();
    match file.filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| Failure::bad_input(format!("cannot read {}: {e}", path.display())))?;
            file.take(limit)
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::bad_input(format!("cannot read {}: {e}", path.display())))?;
            Ok((bytes, path.display().to_string()))
        }
        None => {
            let stdin = std::io::stdin();
            if file.is_none() && stdin.is_terminal() {
                return Err(Failure::bad_input(
                    "give the message, event or log as a FILE, pipe it in (`pbpaste | iamscope why`), or run `iamscope why -`, paste it and end with Ctrl-D",
                ));
            }
            stdin
                .lock()
                .take(limit)
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::bad_input(format!("cannot read standard input: {e}")))?;
            Ok((bytes, STDIN.to_owned()))
        }
    }
}

/// The events of `--cloudtrail FILE` for the explorer: a log file (gzip
/// too), lookup-events output, or one event. Anything else, or a file that
/// cannot be read, is an error that names the file and what to do.
pub fn read_cloudtrail(
    path: &std::path::Path,
    now: jiff::Timestamp,
) -> Result<crate::tui::trail::LoadedTrail, Failure> {
    let (bytes, source) = read_input(Some(&path.to_path_buf()))?;
    let input = evidence::read_at_most(&bytes, now, super::max_input())
        .map_err(|e| Failure::bad_input(visible(&format!("--cloudtrail {source}: {e}"))))?;
    let trail = match input {
        Input::Trail(trail) => trail,
        Input::One(evidence) if evidence.kind == evidence::Kind::CloudTrailEvent => evidence::Trail {
            shape: evidence::cloudtrail::TrailShape::List,
            events: vec![evidence::TrailEvent {
                number: 1,
                id: evidence.event.as_ref().and_then(|e| e.id.clone()),
                name: evidence.event.as_ref().map(|e| e.name.clone()),
                evidence: Ok(*evidence),
            }],
        },
        Input::One(evidence) => {
            return Err(Failure::bad_input(format!(
                "--cloudtrail {source}: this is {}, not CloudTrail events: run `iamscope why {source}`, or paste it into :why in the explorer",
                evidence.kind.describe()
            )));
        }
    };
    Ok(crate::tui::trail::LoadedTrail { source, trail })
}

fn print_answer(answer: &Answer, json: bool, p: Paint, out: &mut impl Write) -> Result<u8, Failure> {
    if json {
        serde_json::to_writer_pretty(&mut *out, answer).map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", answer_text(answer, p))?;
    }
    if let Some(why) = &answer.not_evaluated {
        return Err(Failure::bad_input(format!("not evaluated: {}", visible(why))));
    }
    Ok(status(answer))
}

/// The whole answer as text: AWS's words, the request with origins, the
/// explanation, the cross-check and the fix (the words are the core's
/// [`evidence::report`], shared with the explorer's `:why`).
pub fn answer_text(answer: &Answer, p: Paint) -> String {
    let report = evidence::report::report(answer);
    let mut out = String::new();
    push_lines(&mut out, &report.said, p);
    out.push('\n');
    push_lines(&mut out, &report.request, p);
    out.push_str(&format!("\n{}\n", p.bold("iamscope's answer")));
    match (&answer.explanation, &answer.not_evaluated) {
        (Some(explanation), _) => {
            for line in render::explanation(explanation, p).lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("  {line}\n"));
                }
            }
        }
        (None, Some(why)) => out.push_str(&format!("  not evaluated: {}\n", visible(why))),
        (None, None) => {}
    }
    out.push('\n');
    push_lines(&mut out, &report.cross_check, p);
    if !report.fix.is_empty() {
        out.push('\n');
        push_lines(&mut out, &report.fix, p);
    }
    out
}

/// Lines of the report, painted; what came from the evidence is escaped.
fn push_lines(out: &mut String, lines: &[evidence::report::Line], p: Paint) {
    for line in lines {
        for span in line {
            out.push_str(&p.tone(span.tone, &visible(&span.text)));
        }
        out.push('\n');
    }
}

fn print_listing(
    grouped: &evidence::answer::Grouped,
    trail: &evidence::Trail,
    source: &str,
    all: bool,
    p: Paint,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let shape = match trail.shape {
        evidence::cloudtrail::TrailShape::LogFile => "CloudTrail log file",
        evidence::cloudtrail::TrailShape::LookupEvents => "lookup-events output",
        evidence::cloudtrail::TrailShape::List => "CloudTrail events",
    };
    writeln!(
        out,
        "{}: {shape}, {} events, {} denied by AWS{}",
        visible(source),
        grouped.events,
        grouped.denied,
        if grouped.skipped.is_empty() {
            String::new()
        } else {
            format!(", {} skipped", grouped.skipped.len())
        }
    )?;
    if grouped.groups.is_empty() {
        writeln!(
            out,
            "{}",
            if all {
                "No event gave a request to evaluate."
            } else {
                "No event was denied (--all lists the allowed ones too)."
            }
        )?;
    } else {
        writeln!(
            out,
            "{}",
            p.bold(if all {
                "Events by principal and action, most first:"
            } else {
                "Denied events by principal and action, most first (--all lists allowed ones too):"
            })
        )?;
    }
    for g in &grouped.groups {
        let mut text = String::from("\n");
        push_lines(&mut text, &evidence::report::group(g), p);
        write!(out, "{text}")?;
    }
    if !grouped.skipped.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.bold("Skipped"))?;
        for evidence::answer::Skipped { event: number, why } in &grouped.skipped {
            // Most reasons name the event already.
            if why.starts_with(&format!("event {number}")) {
                writeln!(out, "  {}", visible(why))?;
            } else {
                writeln!(out, "  event {number}: {}", visible(why))?;
            }
        }
    }
    if !grouped.groups.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Explain one in full: iamscope why {} --group N   (or --event EVENT-ID)",
            if source == STDIN {
                "-".to_owned()
            } else {
                visible(source)
            }
        )?;
    }
    Ok(())
}
