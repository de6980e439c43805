//! `iamscope what-can`, `iamscope reach`, `iamscope escalation`, and
//! `iamscope who-can` for action sets (wildcards, services, access levels).
//! Each prints the core's answer as text or JSON; nothing here decides.

use std::io::Write;

use super::Failure;
use super::render::{Paint, visible};
use crate::analysis::what_can::{self, Access, WhatCan, WhatCanOptions};
use crate::analysis::who_can::{self, WhoCanAny};
use crate::catalog::AccessLevel;
use crate::eval::{Context, PrincipalSpec};
use crate::model::Model;

/// Read `--context KEY=VALUE` assignments.
pub fn context(assignments: &[String]) -> Result<Context, Failure> {
    let mut ctx = Context::new();
    for assignment in assignments {
        ctx.add_assignment(assignment).map_err(Failure::bad_input)?;
    }
    Ok(ctx)
}

/// `--access-level`: list, read, write, permissions-management, tagging.
pub fn parse_access_level(text: &str) -> Result<AccessLevel, String> {
    what_can::parse_level(text).ok_or_else(|| {
        format!("`{text}` is not an access level: use list, read, write, permissions-management or tagging")
    })
}

fn write_json(out: &mut impl Write, value: &impl serde::Serialize) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::other)?;
    writeln!(out)?;
    Ok(())
}

pub fn what_can(
    model: &Model,
    principal: &str,
    service: Option<String>,
    context: &[String],
    json: bool,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let spec = PrincipalSpec::parse(principal).map_err(Failure::bad_input)?;
    let options = WhatCanOptions {
        service,
        context: self::context(context)?,
        now: None,
    };
    let result = what_can::what_can(model, &spec, &options).map_err(Failure::bad_input)?;
    if json {
        write_json(out, &result)?;
    } else {
        write!(out, "{}", render_what_can(&result, Paint::for_stdout()))?;
    }
    Ok(0)
}

pub fn render_what_can(w: &WhatCan, p: Paint) -> String {
    let mut out = String::new();
    let who = match &w.arn {
        Some(arn) => format!("{} ({})", visible(&w.principal), visible(arn)),
        None => visible(&w.principal),
    };
    out.push_str(&match w.services.len() {
        0 => format!("{who} is allowed no action\n"),
        1 => format!("{who} is allowed actions of 1 service\n"),
        n => format!("{who} is allowed actions of {n} services\n"),
    });
    for s in &w.services {
        out.push_str(&format!(
            "\n{}  {}  ({} of {} actions)\n",
            p.bold(s.service),
            s.name,
            s.allowed,
            s.total
        ));
        for l in &s.levels {
            let access = format!("{:<7}", l.access.as_str());
            let access = match l.access {
                Access::Full => p.green(&access),
                Access::Limited => p.yellow(&access),
                Access::None => p.dim(&access),
            };
            let mut line = format!("  {:<22}  {access}  {:>4}/{:<4}", l.label, l.allowed, l.total);
            if !l.examples.is_empty() && l.access == Access::Limited {
                line.push_str(&format!("  e.g. {}", l.examples.join(", ")));
            }
            if !l.resources.is_empty() && l.resources != ["*"] {
                line.push_str(&format!("  on {}", visible(&l.resources.join(", "))));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// `who-can` for an action set; `None` when the question is a single action
/// (the caller keeps the single-action output).
#[allow(clippy::too_many_arguments)]
pub fn who_can_set(
    model: &Model,
    action: Option<&str>,
    service: Option<&str>,
    level: Option<AccessLevel>,
    resource: &str,
    context: &[String],
    json: bool,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let ctx = self::context(context)?;
    let (query, actions) = who_can::expand_query(action, service, level).map_err(Failure::bad_input)?;
    let result = who_can::who_can_any(model, &query, &actions, resource, &ctx, &|| false);
    if json {
        write_json(out, &result)?;
    } else {
        write!(out, "{}", render_who_can_any(&result, Paint::for_stdout()))?;
    }
    Ok(0)
}

pub fn render_who_can_any(w: &WhoCanAny, p: Paint) -> String {
    let mut out = format!(
        "{} of {} principals may do at least one of {} action{} ({}) on {}\n",
        w.allowed.len(),
        w.evaluated,
        w.actions,
        if w.actions == 1 { "" } else { "s" },
        visible(&w.query),
        visible(&w.resource)
    );
    let width = w.allowed.iter().map(|a| a.principal.chars().count()).max().unwrap_or(0);
    for a in &w.allowed {
        let because = match &a.deciding {
            Some(s) => format!(
                "statement {} in {} (line {})",
                visible(&s.statement),
                visible(&s.policy),
                s.line
            ),
            None => a.rule.replace('-', " "),
        };
        out.push_str(&format!(
            "  {}  {}/{}  e.g. {}  — first by {because}\n",
            p.green(&format!("{:<width$}", visible(&a.principal))),
            a.allowed,
            w.actions,
            a.examples.join(", ")
        ));
    }
    out
}
