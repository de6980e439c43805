//! `iamscope explain` (one request, or many from a JSON Lines file) and
//! `iamscope who-can`.

use std::io::{BufRead, Write};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::Failure;
use super::render::{self, Paint};
use crate::eval::{self, Context, PrincipalSpec, Request};
use crate::model::Model;

/// Build a request from command-line pieces.
pub fn request(principal: &str, action: &str, resource: &str, context: &[String]) -> Result<Request, Failure> {
    let principal = PrincipalSpec::parse(principal).map_err(Failure::bad_input)?;
    check_action(action)?;
    let mut request = Request::new(principal, action, resource);
    for assignment in context {
        request.context.add_assignment(assignment).map_err(Failure::bad_input)?;
    }
    Ok(request)
}

fn check_action(action: &str) -> Result<(), Failure> {
    if action == "*"
        || action
            .split_once(':')
            .is_some_and(|(s, a)| !s.is_empty() && !a.is_empty())
    {
        Ok(())
    } else {
        Err(Failure::bad_input(format!(
            "`{action}` is not an action: write SERVICE:ACTION, for example s3:GetObject"
        )))
    }
}

pub fn explain_one(model: &Model, request: &Request, json: bool, out: &mut impl Write) -> Result<u8, Failure> {
    let explanation = eval::evaluate(model, request).map_err(Failure::bad_input)?;
    if json {
        serde_json::to_writer_pretty(&mut *out, &explanation).map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render::explanation(&explanation, Paint::for_stdout()))?;
    }
    Ok(0)
}

/// One line of a `--requests` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestLine {
    principal: String,
    action: String,
    resource: String,
    #[serde(default)]
    context: serde_json::Map<String, Value>,
}

fn context_from_json(map: serde_json::Map<String, Value>) -> Result<Context, String> {
    let mut context = Context::new();
    for (key, value) in map {
        let scalar = |v: &Value| match v {
            Value::String(s) => Ok(s.clone()),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(format!("context key {key}: {other} is not a string, number or boolean")),
        };
        match &value {
            Value::Array(items) => {
                let values = items.iter().map(scalar).collect::<Result<Vec<_>, _>>()?;
                context.set(&key, values);
            }
            other => context.add(&key, scalar(other)?),
        }
    }
    Ok(context)
}

/// Evaluate every line of a JSON Lines file, writing one JSON result per
/// line, in order. A bad line gets an `error` result and makes the exit status 2.
pub fn explain_many(model: &Model, path: &Path, trace: bool, out: &mut impl Write) -> Result<u8, Failure> {
    let file =
        std::fs::File::open(path).map_err(|e| Failure::bad_input(format!("cannot read {}: {e}", path.display())))?;
    let reader = std::io::BufReader::new(file);
    let mut status = 0;
    let now = jiff::Timestamp::now();
    for (n, line) in reader.lines().enumerate() {
        let number = n + 1;
        let line = line.map_err(|e| Failure::bad_input(format!("{}:{number}: cannot read: {e}", path.display())))?;
        if line.trim().is_empty() {
            continue;
        }
        let result = evaluate_line(model, &line, trace, now);
        let value = match result {
            Ok(value) => value,
            Err(message) => {
                status = super::EXIT_BAD_INPUT;
                eprintln!("error: {}:{number}: {message}", path.display());
                serde_json::json!({ "line": number, "error": message })
            }
        };
        serde_json::to_writer(&mut *out, &value).map_err(std::io::Error::other)?;
        writeln!(out)?;
    }
    Ok(status)
}

fn evaluate_line(model: &Model, line: &str, trace: bool, now: jiff::Timestamp) -> Result<Value, String> {
    let parsed: RequestLine = serde_json::from_str(line).map_err(|e| {
        format!("{e} (each line is {{\"principal\": …, \"action\": …, \"resource\": …, \"context\": {{…}}}})")
    })?;
    let principal = PrincipalSpec::parse(&parsed.principal)?;
    check_action(&parsed.action).map_err(|f| f.message)?;
    let mut request = Request::new(principal, &parsed.action, &parsed.resource);
    request.context = context_from_json(parsed.context)?;
    request.time = Some(now);
    let explanation = eval::evaluate(model, &request).map_err(|e| e.to_string())?;
    let mut value = serde_json::json!({
        "principal": parsed.principal,
        "action": parsed.action,
        "resource": parsed.resource,
        "decision": explanation.decision,
        "summary": explanation.summary,
        "rule": explanation.rule,
    });
    if trace {
        value["trace"] = serde_json::to_value(&explanation).map_err(|e| e.to_string())?;
    }
    Ok(value)
}

pub fn who_can(
    model: &Model,
    action: &str,
    resource: &str,
    context: &[String],
    json: bool,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    check_action(action)?;
    let mut ctx = Context::new();
    for assignment in context {
        ctx.add_assignment(assignment).map_err(Failure::bad_input)?;
    }
    let options = crate::analysis::AnalysisOptions {
        context: ctx,
        ..crate::analysis::AnalysisOptions::at(jiff::Timestamp::now())
    };
    let result = super::progress::with_progress("who-can", |progress| {
        crate::analysis::who_can::who_can(model, action, resource, &options, progress)
    });
    if json {
        serde_json::to_writer_pretty(&mut *out, &result).map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render::who_can(&result, Paint::for_stdout()))?;
    }
    Ok(0)
}
