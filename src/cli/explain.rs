//! `iamscope explain` (one request, or many from a JSON Lines file) and
//! `iamscope who-can`.

use std::io::{BufRead, Write};
use std::path::Path;

use serde::Serialize;

use super::Failure;
use super::render::{self, Paint};
use crate::eval::{self, Assume, Assumption, ContextSpec, Decision, RequestSpec, RequestWarning};
use crate::model::Model;

/// How an answer for a request AWS would never receive is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Answer, with the warning.
    Warn,
    /// Answer, with the warning, and exit with status 2.
    Strict,
}

/// The engine's request from command-line pieces (as `explain` checks them),
/// at the caller's clock.
pub fn request(principal: &str, action: &str, resource: &str, context: &[String]) -> Result<eval::Request, Failure> {
    spec(principal, action, resource, context, Assume::Realistic)?
        .to_request(jiff::Timestamp::now())
        .map_err(|e| Failure::bad_input(format!("--{e}")))
}

/// One `--requests` line answered as the batch answers it: the JSON line, or
/// why the line cannot be answered.
pub fn evaluate_line(model: &Model, line: &str, explain: bool, now: jiff::Timestamp) -> Result<String, String> {
    let mut out = Vec::new();
    answer_line(model, 1, line, now, explain, &mut WarningsCache::default(), &mut out)?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Build the written request from command-line pieces.
pub fn spec(
    principal: &str,
    action: &str,
    resource: &str,
    context: &[String],
    assume: Assume,
) -> Result<RequestSpec, Failure> {
    let mut spec = RequestSpec::new(principal, action, resource);
    spec.context = ContextSpec::from_assignments(context).map_err(|e| Failure::bad_input(format!("--context: {e}")))?;
    spec.assume = assume;
    Ok(spec)
}

/// `iamscope explain` for one request.
pub fn explain_one(
    model: &Model,
    spec: &RequestSpec,
    now: jiff::Timestamp,
    json: bool,
    strictness: Strictness,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let request = spec.to_request(now).map_err(|e| {
        // `claims.sub` was given as `--claim sub=…`, `context.KEY` as `--context KEY=…`.
        let flag = match e.field.split_once('.') {
            Some(("claims", key)) => format!("--claim {key}"),
            Some(("context", key)) => format!("--context {key}"),
            _ if e.field == "claims" => "--claim".to_owned(),
            _ => format!("--{}", e.field),
        };
        Failure::bad_input(format!("{flag}: {}", e.message))
    })?;
    let explanation = eval::evaluate(model, &request).map_err(Failure::bad_input)?;
    if json {
        serde_json::to_writer_pretty(&mut *out, &explanation).map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render::explanation(&explanation, Paint::for_stdout()))?;
    }
    Ok(status_for(&explanation.warnings, strictness))
}

fn status_for(warnings: &[RequestWarning], strictness: Strictness) -> u8 {
    if strictness == Strictness::Strict && !warnings.is_empty() {
        super::EXIT_BAD_INPUT
    } else {
        0
    }
}

/// One line of a `--requests` answer, fast form.
#[derive(Serialize)]
struct BatchAnswer<'a> {
    line: usize,
    principal: &'a str,
    action: &'a str,
    resource: &'a str,
    decision: Decision,
    rule: &'static str,
    deciding: Option<Deciding>,
    assumptions: Vec<Assumption>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<RequestWarning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<eval::Explanation>,
}

/// The statement that decided, in brief.
#[derive(Serialize)]
struct Deciding {
    policy: String,
    statement: std::sync::Arc<str>,
    line: usize,
}

#[derive(Serialize)]
struct BatchError<'a> {
    line: usize,
    error: &'a str,
}

/// How many lines a worker takes at a time: large enough that handing
/// work over costs nothing, small enough that output starts at once.
const CHUNK: usize = 16_384;

/// Evaluate every line of a JSON Lines file (one [`RequestSpec`] per line),
/// writing one JSON answer per line, in the input's order. A bad line gets
/// an `error` answer and makes the exit status 2; so does a warning under
/// `--strict`.
pub fn explain_many(
    model: &Model,
    path: &Path,
    now: jiff::Timestamp,
    explain: bool,
    strictness: Strictness,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let file: Box<dyn std::io::Read + Send> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(path)
                .map_err(|e| Failure::bad_input(format!("cannot read {}: {e}", path.display())))?,
        )
    };
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let name = path.display().to_string();
    explain_stream(model, reader, &name, now, explain, strictness, out)
}

/// The batch pipeline over any reader: one thread reads chunks of lines,
/// one worker per core answers them, and the answers are written in the
/// input's order as they complete. Memory stays bounded: at most a few
/// chunks per worker are in flight.
pub fn explain_stream(
    model: &Model,
    reader: impl BufRead + Send,
    name: &str,
    now: jiff::Timestamp,
    explain: bool,
    strictness: Strictness,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    use std::sync::{Mutex, mpsc};
    type Chunk = (usize, Vec<(usize, String)>);
    type Answered = (usize, Vec<u8>, u8, Vec<String>);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).max(1);
    let (chunks_tx, chunks_rx) = mpsc::sync_channel::<Chunk>(workers * 2);
    let (answers_tx, answers_rx) = mpsc::sync_channel::<Answered>(workers * 2);
    let chunks_rx = Mutex::new(chunks_rx);
    let mut status = 0;
    let mut failure: Option<Failure> = None;
    std::thread::scope(|scope| {
        let read_failure = scope.spawn(move || -> Option<String> {
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut sequence = 0;
            for (n, line) in reader.lines().enumerate() {
                match line {
                    Ok(line) if line.trim().is_empty() => {}
                    Ok(line) => chunk.push((n + 1, line)),
                    Err(e) => return Some(format!("{name}:{}: cannot read: {e}", n + 1)),
                }
                if chunk.len() == CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                    if chunks_tx.send((sequence, full)).is_err() {
                        return None;
                    }
                    sequence += 1;
                }
            }
            if !chunk.is_empty() {
                let _ = chunks_tx.send((sequence, chunk));
            }
            None
        });
        for _ in 0..workers {
            let answers_tx = answers_tx.clone();
            let chunks_rx = &chunks_rx;
            scope.spawn(move || {
                let mut warnings_cache = WarningsCache::default();
                loop {
                    let next = chunks_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((sequence, lines))) = next else {
                        return;
                    };
                    let (bytes, worst, errors) =
                        answer_lines(model, &lines, now, explain, strictness, &mut warnings_cache);
                    if answers_tx.send((sequence, bytes, worst, errors)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(answers_tx);
        // Write in order: hold answers that arrive early.
        let mut pending = std::collections::BTreeMap::new();
        let mut next = 0;
        for answered in answers_rx {
            pending.insert(answered.0, answered);
            while let Some((_, bytes, worst, errors)) = pending.remove(&next) {
                next += 1;
                if failure.is_some() {
                    continue;
                }
                if let Err(e) = out.write_all(&bytes) {
                    failure = Some(e.into());
                    continue;
                }
                status = status.max(worst);
                for error in errors {
                    eprintln!("error: {name}: {}", render::visible(&error));
                }
            }
        }
        if let Ok(Some(message)) = read_failure.join() {
            failure.get_or_insert(Failure::bad_input(message));
        }
    });
    match failure {
        Some(f) => Err(f),
        None => Ok(status),
    }
}

/// A worker's memory of the warnings of (action, resource) pairs it has seen.
#[derive(Default)]
struct WarningsCache(rustc_hash::FxHashMap<(String, String), Vec<RequestWarning>>);

impl WarningsCache {
    fn get(&mut self, request: &crate::eval::Request) -> Vec<RequestWarning> {
        if let Some(w) = self.0.get(&(request.action.clone(), request.resource.clone())) {
            return w.clone();
        }
        let w = eval::request_warnings(request);
        if self.0.len() < 200_000 {
            self.0
                .insert((request.action.clone(), request.resource.clone()), w.clone());
        }
        w
    }
}

/// Answer some lines; the output bytes, the worst status, and error messages.
fn answer_lines(
    model: &Model,
    lines: &[(usize, String)],
    now: jiff::Timestamp,
    explain: bool,
    strictness: Strictness,
    warnings_cache: &mut WarningsCache,
) -> (Vec<u8>, u8, Vec<String>) {
    let mut out = Vec::with_capacity(lines.len() * 256);
    let mut status = 0;
    let mut errors = Vec::new();
    // Decide the chunk's requests grouped by principal — their policies stay
    // in the cache from one to the next — then write the answers back in the
    // input's order.
    let mut order: Vec<(&str, usize)> = lines
        .iter()
        .enumerate()
        .map(|(i, (_, line))| (principal_of(line), i))
        .collect();
    order.sort_unstable();
    let mut answers: Vec<(usize, Vec<u8>, Result<bool, String>)> = Vec::with_capacity(lines.len());
    for (_, i) in order {
        let (number, line) = &lines[i];
        let mut bytes = Vec::with_capacity(256);
        let result = answer_line(model, *number, line, now, explain, warnings_cache, &mut bytes);
        answers.push((i, bytes, result));
    }
    answers.sort_unstable_by_key(|(i, _, _)| *i);
    for (i, bytes, result) in answers {
        let number = &lines[i].0;
        out.extend_from_slice(&bytes);
        match result {
            Ok(true) if strictness == Strictness::Strict => status = super::EXIT_BAD_INPUT,
            Ok(_) => {}
            Err(message) => {
                status = super::EXIT_BAD_INPUT;
                let _ = serde_json::to_writer(
                    &mut out,
                    &BatchError {
                        line: *number,
                        error: &message,
                    },
                );
                out.push(b'\n');
                errors.push(format!("{number}: {message}"));
            }
        }
    }
    (out, status, errors)
}

/// The principal a request line names, found without parsing the line (only
/// to group lines; a line it misreads is still answered correctly).
fn principal_of(line: &str) -> &str {
    line.split_once("\"principal\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or("", |(principal, _)| principal)
}

/// Answer one line into `out`; whether it carried a warning.
fn answer_line(
    model: &Model,
    number: usize,
    line: &str,
    now: jiff::Timestamp,
    explain: bool,
    warnings_cache: &mut WarningsCache,
    out: &mut Vec<u8>,
) -> Result<bool, String> {
    let spec: RequestSpec = serde_json::from_str(line).map_err(|e| {
        format!("{e} (each line is {{\"principal\": …, \"action\": …, \"resource\": …, \"context\": {{…}}}})")
    })?;
    let request = spec.to_request(now).map_err(|e| e.to_string())?;
    let warnings = warnings_cache.get(&request);
    let warned = !warnings.is_empty();
    let answer = if explain {
        let explanation = eval::evaluate(model, &request).map_err(|e| e.to_string())?;
        BatchAnswer {
            line: number,
            principal: &spec.principal,
            action: &spec.action,
            resource: &spec.resource,
            decision: explanation.decision,
            rule: explanation.basis.code(),
            deciding: explanation.deciding.first().map(|s| Deciding {
                policy: s.policy.clone(),
                statement: s.statement.clone(),
                line: s.line,
            }),
            assumptions: explanation.assumptions.clone(),
            warnings,
            summary: Some(explanation.summary.clone()),
            trace: Some(explanation),
        }
    } else {
        let noted = eval::decide_noting(model, &request).map_err(|e| e.to_string())?;
        BatchAnswer {
            line: number,
            principal: &spec.principal,
            action: &spec.action,
            resource: &spec.resource,
            decision: noted.outcome.decision,
            rule: noted.outcome.basis.code(),
            deciding: noted
                .outcome
                .deciding
                .and_then(|at| eval::explain::statement_info(model, at))
                .map(|s| Deciding {
                    policy: s.policy,
                    statement: s.statement,
                    line: s.line,
                }),
            assumptions: noted.assumptions,
            warnings,
            summary: None,
            trace: None,
        }
    };
    serde_json::to_writer(&mut *out, &answer).map_err(|e| e.to_string())?;
    out.push(b'\n');
    Ok(warned)
}

pub fn who_can(
    loaded: &crate::io::Loaded,
    action: &str,
    resource: &str,
    context: &[String],
    json: bool,
    filter: &super::exclude::Filter,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let probe = RequestSpec::new("root", action, resource);
    if let Err(e) = probe.to_request(jiff::Timestamp::now()) {
        return Err(Failure::bad_input(format!("--{e}")));
    }
    let ctx = ContextSpec::from_assignments(context)
        .map_err(|e| Failure::bad_input(format!("--context: {e}")))?
        .to_context();
    let options = crate::analysis::AnalysisOptions {
        context: ctx,
        ..crate::analysis::AnalysisOptions::at(jiff::Timestamp::now())
    };
    let mut result = super::progress::with_progress("who-can", |progress| {
        crate::analysis::who_can::who_can(&loaded.model, action, resource, &options, progress)
    });
    let mut suppressor = filter.suppressor();
    result.allowed.retain(|a| {
        let principal = crate::analysis::exclusions::PrincipalRef {
            principal: &a.principal,
            arn: a.arn.as_deref(),
        };
        !suppressor.principal(&loaded.model, principal)
    });
    let suppressed = suppressor.suppressed();
    if json {
        let mut answer = render::with_assumed_by(
            &loaded.model,
            serde_json::to_value(&result).map_err(std::io::Error::other)?,
        );
        super::exclude::add_fields(&mut answer, &suppressed);
        super::analysis::write_json_noting(out, &answer, &loaded.report)?;
    } else {
        write!(
            out,
            "{}{}",
            render::who_can_in(&result, Some(&loaded.model), Paint::for_stdout()),
            super::exclude::text_line(&suppressed)
        )?;
    }
    Ok(0)
}
