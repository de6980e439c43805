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
    answer_line(model, 1, line, now, explain, &mut Worker::default(), &mut out)?;
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
        let as_written = eval::decision_as_written(model, spec, &explanation, now);
        write!(
            out,
            "{}",
            render::explanation_as_written(&explanation, as_written, Paint::for_stdout())
        )?;
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
    type Chunk = (usize, Block);
    type Answered = (usize, Vec<u8>, u8, Vec<String>);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).max(1);
    let (chunks_tx, chunks_rx) = mpsc::sync_channel::<Chunk>(workers * 2);
    let (answers_tx, answers_rx) = mpsc::sync_channel::<Answered>(workers * 2);
    let chunks_rx = Mutex::new(chunks_rx);
    let mut status = 0;
    let mut failure: Option<Failure> = None;
    std::thread::scope(|scope| {
        let read_failure = scope.spawn(move || -> Option<String> {
            let mut reader = reader;
            let mut chunk = Block::default();
            let mut sequence = 0;
            let mut buf = Vec::with_capacity(256);
            for n in 1.. {
                buf.clear();
                match reader.read_until(b'\n', &mut buf) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => return Some(format!("{name}:{n}: cannot read: {e}")),
                }
                // As `BufRead::lines` reads a line: without "\n" or "\r\n".
                if buf.last() == Some(&b'\n') {
                    buf.pop();
                    if buf.last() == Some(&b'\r') {
                        buf.pop();
                    }
                }
                let Ok(line) = std::str::from_utf8(&buf) else {
                    return Some(format!("{name}:{n}: cannot read: stream did not contain valid UTF-8"));
                };
                if line.trim().is_empty() {
                    continue;
                }
                chunk.push(n, line);
                if chunk.len() == CHUNK {
                    let full = std::mem::take(&mut chunk);
                    if chunks_tx.send((sequence, full)).is_err() {
                        return None;
                    }
                    sequence += 1;
                }
            }
            if chunk.len() > 0 {
                let _ = chunks_tx.send((sequence, chunk));
            }
            None
        });
        for _ in 0..workers {
            let answers_tx = answers_tx.clone();
            let chunks_rx = &chunks_rx;
            scope.spawn(move || {
                let mut worker = Worker::default();
                loop {
                    let next = chunks_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((sequence, lines))) = next else {
                        return;
                    };
                    let (bytes, worst, errors) = answer_lines(model, &lines, now, explain, strictness, &mut worker);
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

/// Lines read for one worker: their text side by side in one string (no
/// allocation per line), each with its line number.
#[derive(Default)]
struct Block {
    text: String,
    lines: Vec<(usize, usize, usize)>,
}

impl Block {
    fn push(&mut self, number: usize, line: &str) {
        if self.lines.is_empty() {
            self.text.reserve(CHUNK * 128);
            self.lines.reserve(CHUNK);
        }
        let start = self.text.len();
        self.text.push_str(line);
        self.lines.push((number, start, self.text.len()));
    }

    fn len(&self) -> usize {
        self.lines.len()
    }

    /// Line `i`: its number in the input and its text.
    fn get(&self, i: usize) -> (usize, &str) {
        let (number, start, end) = self.lines[i];
        (number, &self.text[start..end])
    }
}

/// What one worker remembers between lines: the warnings of (action,
/// resource) pairs and each deciding statement's brief, already written as
/// JSON — both the same for every line that meets them again.
#[derive(Default)]
struct Worker {
    warnings: rustc_hash::FxHashMap<String, rustc_hash::FxHashMap<String, Vec<RequestWarning>>>,
    remembered_warnings: usize,
    deciding: rustc_hash::FxHashMap<eval::StatementRef, Box<[u8]>>,
}

/// How many entries a worker's memories hold at most (memory stays bounded
/// whatever the input).
const REMEMBERED: usize = 200_000;

impl Worker {
    fn warnings(&mut self, request: &crate::eval::Request) -> Vec<RequestWarning> {
        if let Some(w) = self
            .warnings
            .get(request.action.as_str())
            .and_then(|by_resource| by_resource.get(request.resource.as_str()))
        {
            return w.clone();
        }
        let w = eval::request_warnings(request);
        if self.remembered_warnings < REMEMBERED {
            self.remembered_warnings += 1;
            self.warnings
                .entry(request.action.clone())
                .or_default()
                .insert(request.resource.clone(), w.clone());
        }
        w
    }

    /// The deciding statement's brief as JSON (`null` when none decided).
    fn write_deciding(&mut self, model: &Model, at: Option<eval::StatementRef>, out: &mut Vec<u8>) {
        let Some(at) = at else {
            out.extend_from_slice(b"null");
            return;
        };
        if let Some(bytes) = self.deciding.get(&at) {
            out.extend_from_slice(bytes);
            return;
        }
        let mut bytes = Vec::with_capacity(96);
        match eval::explain::statement_info(model, at) {
            Some(s) => {
                let _ = serde_json::to_writer(
                    &mut bytes,
                    &Deciding {
                        policy: s.policy,
                        statement: s.statement,
                        line: s.line,
                    },
                );
            }
            None => bytes.extend_from_slice(b"null"),
        }
        out.extend_from_slice(&bytes);
        // A session policy is the request's own: another line's session
        // policy at the same position is another document.
        if !matches!(at.policy, eval::PolicyRef::Session { .. }) && self.deciding.len() < REMEMBERED {
            self.deciding.insert(at, bytes.into_boxed_slice());
        }
    }
}

/// Answer some lines; the output bytes, the worst status, and error messages.
fn answer_lines(
    model: &Model,
    lines: &Block,
    now: jiff::Timestamp,
    explain: bool,
    strictness: Strictness,
    worker: &mut Worker,
) -> (Vec<u8>, u8, Vec<String>) {
    // Decide the chunk's requests grouped by principal — their policies stay
    // in the cache from one to the next — then write the answers back in the
    // input's order. Grouping needs only equal principals side by side, so
    // lines are sorted by a hash of the principal (a collision only mixes
    // two groups).
    // One u64 a line: the hash's high half above the line's index (a chunk
    // has far fewer than 2^32 lines), so the sort compares plain integers.
    let mut order: Vec<u64> = (0..lines.len())
        .map(|i| (hash_of(principal_of(lines.get(i).1)) & !0xffff_ffff) | i as u64)
        .collect();
    order.sort_unstable();
    // Every answer goes into one buffer; `spans[i]` is where line i's is.
    let mut answered = Vec::with_capacity(lines.len() * 192);
    let mut spans: Vec<(usize, usize, Result<bool, String>)> = Vec::with_capacity(lines.len());
    spans.resize_with(lines.len(), || (0, 0, Ok(false)));
    for key in order {
        let i = key & 0xffff_ffff;
        let (number, line) = lines.get(i as usize);
        let start = answered.len();
        let result = answer_line(model, number, line, now, explain, worker, &mut answered);
        if result.is_err() {
            answered.truncate(start);
        }
        spans[i as usize] = (start, answered.len(), result);
    }
    let mut out = Vec::with_capacity(answered.len() + 64);
    let mut status = 0;
    let mut errors = Vec::new();
    for (i, (start, end, result)) in spans.into_iter().enumerate() {
        let number = lines.get(i).0;
        out.extend_from_slice(&answered[start..end]);
        match result {
            Ok(true) if strictness == Strictness::Strict => status = super::EXIT_BAD_INPUT,
            Ok(_) => {}
            Err(message) => {
                status = super::EXIT_BAD_INPUT;
                let _ = serde_json::to_writer(
                    &mut out,
                    &BatchError {
                        line: number,
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

fn hash_of(text: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(text)
}

/// The principal a request line names, found without parsing the line (only
/// to group lines; a line it misreads is still answered correctly).
fn principal_of(line: &str) -> &str {
    // Most lines start with it: no search then.
    if let Some(rest) = line
        .strip_prefix("{\"principal\": \"")
        .or_else(|| line.strip_prefix("{\"principal\":\""))
        && let Some(end) = rest.find('"')
    {
        return &rest[..end];
    }
    line.split_once("\"principal\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or("", |(principal, _)| principal)
}

/// `text` as a JSON string, as serde_json writes it: quoted, with `"`, `\`
/// and control characters escaped (most texts have none, and are copied).
fn push_json_str(out: &mut Vec<u8>, text: &str) {
    let plain = eval::request::first_json_special(text.as_bytes()).is_none();
    if plain {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        let _ = serde_json::to_writer(&mut *out, text);
    }
}

/// Answer one line into `out`; whether it carried a warning.
fn answer_line(
    model: &Model,
    number: usize,
    line: &str,
    now: jiff::Timestamp,
    explain: bool,
    worker: &mut Worker,
    out: &mut Vec<u8>,
) -> Result<bool, String> {
    // The common line makes its request straight from its text; any other
    // goes through the written request (the same request, a test says).
    let spec;
    let ([principal, action, resource], request) = match RequestSpec::plain_request(line, now) {
        Some((written, request)) => (written, request.map_err(|e| e.to_string())?),
        None => {
            spec = RequestSpec::from_json_line(line).map_err(|e| {
                format!("{e} (each line is {{\"principal\": …, \"action\": …, \"resource\": …, \"context\": {{…}}}})")
            })?;
            let request = spec.to_request(now).map_err(|e| e.to_string())?;
            (
                [spec.principal.as_str(), spec.action.as_str(), spec.resource.as_str()],
                request,
            )
        }
    };
    let warnings = worker.warnings(&request);
    let warned = !warnings.is_empty();
    if explain {
        let explanation = eval::evaluate(model, &request).map_err(|e| e.to_string())?;
        let answer = BatchAnswer {
            line: number,
            principal,
            action,
            resource,
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
        };
        serde_json::to_writer(&mut *out, &answer).map_err(|e| e.to_string())?;
        out.push(b'\n');
        return Ok(warned);
    }
    // The fast form, written field by field in the order and shape
    // `BatchAnswer` serializes to (a test compares the two).
    let noted = eval::decide_noting(model, &request).map_err(|e| e.to_string())?;
    out.extend_from_slice(b"{\"line\":");
    out.extend_from_slice(itoa::Buffer::new().format(number).as_bytes());
    out.extend_from_slice(b",\"principal\":");
    push_json_str(out, principal);
    out.extend_from_slice(b",\"action\":");
    push_json_str(out, action);
    out.extend_from_slice(b",\"resource\":");
    push_json_str(out, resource);
    out.extend_from_slice(b",\"decision\":\"");
    out.extend_from_slice(noted.outcome.decision.as_str().as_bytes());
    out.extend_from_slice(b"\",\"rule\":");
    push_json_str(out, noted.outcome.basis.code());
    out.extend_from_slice(b",\"deciding\":");
    worker.write_deciding(model, noted.outcome.deciding, out);
    out.extend_from_slice(b",\"assumptions\":");
    if noted.assumptions.is_empty() {
        out.extend_from_slice(b"[]");
    } else {
        serde_json::to_writer(&mut *out, &noted.assumptions).map_err(|e| e.to_string())?;
    }
    if warned {
        out.extend_from_slice(b",\"warnings\":");
        serde_json::to_writer(&mut *out, &warnings).map_err(|e| e.to_string())?;
    }
    out.extend_from_slice(b"}\n");
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
            super::exclude::text_line(&suppressed, filter)
        )?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast form, written by hand, is byte for byte what serde writes
    /// for the same answer — escapes, warnings, assumptions and all — and
    /// the worker's remembered briefs change nothing on a second reading.
    #[test]
    fn the_fast_batch_line_is_what_serde_writes() {
        let model = crate::io::load(&[], None).unwrap().model;
        let now: jiff::Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        let lines = [
            r#"{"principal": "user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::photos/cat.jpg"}"#,
            r#"{"principal": "user/bob", "action": "iam:CreateUser", "resource": "*"}"#,
            r#"{"principal": "user/alice", "action": "s3:GetObjekt", "resource": "arn:aws:s3:::photos/\"x\u001b]0;PWNED\u0007"}"#,
            r#"{"principal": "user/alice", "action": "dynamodb:DescribeTable", "resource": "arn:aws:s3:::photos"}"#,
            r#"{"principal": "user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::photos/a", "context": {"aws:SourceIp": "10.0.0.1"}}"#,
            r#"{"principal": "user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::photos/a", "assume": "none"}"#,
            r#"{"principal": "role/DeployRole", "action": "sts:AssumeRole", "resource": "*", "session_policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]}"#,
        ];
        let mut worker = Worker::default();
        let mut compared = 0;
        for _ in 0..2 {
            for (n, line) in lines.iter().enumerate() {
                let mut fast = Vec::new();
                let warned = answer_line(&model, n + 1, line, now, false, &mut worker, &mut fast).unwrap();
                let spec: RequestSpec = serde_json::from_str(line).unwrap();
                let request = spec.to_request(now).unwrap();
                let noted = eval::decide_noting(&model, &request).unwrap();
                let warnings = eval::request_warnings(&request);
                assert_eq!(warned, !warnings.is_empty());
                let slow = BatchAnswer {
                    line: n + 1,
                    principal: &spec.principal,
                    action: &spec.action,
                    resource: &spec.resource,
                    decision: noted.outcome.decision,
                    rule: noted.outcome.basis.code(),
                    deciding: noted
                        .outcome
                        .deciding
                        .and_then(|at| eval::explain::statement_info(&model, at))
                        .map(|s| Deciding {
                            policy: s.policy,
                            statement: s.statement,
                            line: s.line,
                        }),
                    assumptions: noted.assumptions,
                    warnings,
                    summary: None,
                    trace: None,
                };
                let mut slow_bytes = serde_json::to_vec(&slow).unwrap();
                slow_bytes.push(b'\n');
                assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&slow_bytes));
                compared += 1;
            }
        }
        assert_eq!(compared, 2 * lines.len());
    }

    /// Lines come back in the input's order whatever order the worker
    /// decided them in (it groups them by principal).
    #[test]
    fn batch_answers_keep_the_input_order() {
        let model = crate::io::load(&[], None).unwrap().model;
        let now: jiff::Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        let principals = [
            "user/bob",
            "user/alice",
            "role/DeployRole",
            "user/alice",
            "nobody/x",
            "user/bob",
        ];
        let input: String = principals
            .iter()
            .enumerate()
            .map(|(i, p)| {
                // Windows line ends and blank lines read as `BufRead::lines` reads them.
                let end = if i % 2 == 0 { "\r\n" } else { "\n \n" };
                format!("{{\"principal\": \"{p}\", \"action\": \"s3:ListBucket\", \"resource\": \"*\"}}{end}")
            })
            .collect();
        let mut out = Vec::new();
        let status = explain_stream(
            &model,
            std::io::Cursor::new(input),
            "t",
            now,
            false,
            Strictness::Warn,
            &mut out,
        )
        .unwrap();
        assert_eq!(
            status,
            super::super::EXIT_BAD_INPUT,
            "the bad principal makes the status 2"
        );
        let answers: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let lines: Vec<u64> = answers.iter().map(|a| a["line"].as_u64().unwrap()).collect();
        assert_eq!(lines, [1, 2, 4, 5, 7, 8], "numbers count the blank lines");
        assert!(answers[4]["error"].is_string());
        assert_eq!(answers[1]["principal"], "user/alice");
    }

    #[test]
    fn a_line_that_is_not_utf8_stops_the_batch_naming_its_line() {
        let model = crate::io::load(&[], None).unwrap().model;
        let now: jiff::Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        let mut input = b"{\"principal\": \"user/bob\", \"action\": \"s3:ListBucket\", \"resource\": \"*\"}\n".to_vec();
        input.extend_from_slice(b"{\"principal\": \"user/\xff\"}\n");
        let mut out = Vec::new();
        let Err(failure) = explain_stream(
            &model,
            std::io::Cursor::new(input),
            "r.jsonl",
            now,
            false,
            Strictness::Warn,
            &mut out,
        ) else {
            panic!("not UTF-8 must fail");
        };
        assert!(format!("{failure:?}").contains("r.jsonl:2: cannot read"), "{failure:?}");
    }
}
