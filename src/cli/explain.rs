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

/// How many lines each worker takes at a time: large enough that starting
/// threads costs nothing, small enough that output starts at once.
const CHUNK: usize = 4096;

/// Evaluate every line of a JSON Lines file (one [`RequestSpec`] per line),
/// writing one JSON answer per line, in the input's order. Lines are decided
/// in parallel on every core. A bad line gets an `error` answer and makes
/// the exit status 2; so does a warning under `--strict`.
pub fn explain_many(
    model: &Model,
    path: &Path,
    now: jiff::Timestamp,
    explain: bool,
    strictness: Strictness,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let file: Box<dyn std::io::Read> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(path)
                .map_err(|e| Failure::bad_input(format!("cannot read {}: {e}", path.display())))?,
        )
    };
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).max(1);
    let mut status = 0;
    let mut lines = reader.lines().enumerate();
    let mut chunk: Vec<(usize, String)> = Vec::with_capacity(CHUNK * workers);
    loop {
        chunk.clear();
        for (n, line) in lines.by_ref() {
            let line =
                line.map_err(|e| Failure::bad_input(format!("{}:{}: cannot read: {e}", path.display(), n + 1)))?;
            if !line.trim().is_empty() {
                chunk.push((n + 1, line));
            }
            if chunk.len() == CHUNK * workers {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let per = chunk.len().div_ceil(workers);
        let results: Vec<(Vec<u8>, u8, Vec<String>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .chunks(per)
                .map(|part| scope.spawn(move || answer_lines(model, part, now, explain, strictness)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| (Vec::new(), 1, vec!["a worker stopped".to_owned()]))
                })
                .collect()
        });
        for (bytes, worst, errors) in results {
            out.write_all(&bytes)?;
            status = status.max(worst);
            for error in errors {
                eprintln!("error: {}: {}", path.display(), render::visible(&error));
            }
        }
    }
    Ok(status)
}

/// Answer some lines; the output bytes, the worst status, and error messages.
fn answer_lines(
    model: &Model,
    lines: &[(usize, String)],
    now: jiff::Timestamp,
    explain: bool,
    strictness: Strictness,
) -> (Vec<u8>, u8, Vec<String>) {
    let mut out = Vec::with_capacity(lines.len() * 256);
    let mut status = 0;
    let mut errors = Vec::new();
    let mut warnings_cache: rustc_hash::FxHashMap<(String, String), Vec<RequestWarning>> = Default::default();
    for (number, line) in lines {
        match answer_line(model, *number, line, now, explain, &mut warnings_cache, &mut out) {
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

/// Answer one line into `out`; whether it carried a warning.
fn answer_line(
    model: &Model,
    number: usize,
    line: &str,
    now: jiff::Timestamp,
    explain: bool,
    warnings_cache: &mut rustc_hash::FxHashMap<(String, String), Vec<RequestWarning>>,
    out: &mut Vec<u8>,
) -> Result<bool, String> {
    let spec: RequestSpec = serde_json::from_str(line).map_err(|e| {
        format!("{e} (each line is {{\"principal\": …, \"action\": …, \"resource\": …, \"context\": {{…}}}})")
    })?;
    let request = spec.to_request(now).map_err(|e| e.to_string())?;
    let key = (request.action.clone(), request.resource.clone());
    let warnings = match warnings_cache.get(&key) {
        Some(w) => w.clone(),
        None => {
            let w = eval::request_warnings(&request);
            if warnings_cache.len() < 100_000 {
                warnings_cache.insert(key, w.clone());
            }
            w
        }
    };
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
    model: &Model,
    action: &str,
    resource: &str,
    context: &[String],
    json: bool,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let probe = RequestSpec::new("root", action, resource);
    if let Err(e) = probe.to_request(jiff::Timestamp::now()) {
        return Err(Failure::bad_input(format!("--{e}")));
    }
    let ctx = ContextSpec::from_assignments(context)
        .map_err(|e| Failure::bad_input(format!("--context: {e}")))?
        .to_context();
    let result = crate::analysis::who_can::who_can(model, action, resource, &ctx, &|| false);
    if json {
        let answer = serde_json::to_value(&result).map_err(std::io::Error::other)?;
        serde_json::to_writer_pretty(&mut *out, &render::with_assumed_by(model, answer))
            .map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render::who_can(&result, model, Paint::for_stdout()))?;
    }
    Ok(0)
}
