//! `iamscope what-can`, `iamscope reach`, `iamscope escalation`, and
//! `iamscope who-can` for action sets (wildcards, services, access levels).
//! Each prints the core's answer as text or JSON; nothing here decides.

use std::io::Write;

use super::Failure;
use super::render::{Paint, visible};
use crate::analysis::escalation::{self, Escalation, Finding};
use crate::analysis::probe::Step;
use crate::analysis::reach::{self, Hop, HopKind, Reach, ReachQuery};
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
    let width = super::render::column_width(w.allowed.iter().map(|a| a.principal.as_str()));
    for a in &w.allowed {
        let because = super::render::because(a.deciding.as_ref(), a.rule);
        out.push_str(&format!(
            "  {}  {}/{}  e.g. {}  — first by {because}\n",
            p.green(&super::render::column(&a.principal, width)),
            a.allowed,
            w.actions,
            a.examples.join(", ")
        ));
    }
    out
}

pub fn reach(
    model: &Model,
    principal: Option<&str>,
    role: Option<String>,
    max_depth: usize,
    context: &[String],
    json: bool,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let query = match (principal, role) {
        (Some(p), _) => ReachQuery::From(PrincipalSpec::parse(p).map_err(Failure::bad_input)?),
        (None, Some(role)) => ReachQuery::ToRole(role),
        (None, None) => ReachQuery::All,
    };
    let result = reach::reach(model, &query, &self::context(context)?, max_depth).map_err(Failure::bad_input)?;
    if json {
        write_json(out, &result)?;
    } else {
        write!(out, "{}", render_reach(&result, &query, Paint::for_stdout()))?;
    }
    Ok(0)
}

pub fn render_reach(r: &Reach, query: &ReachQuery, p: Paint) -> String {
    let mut out = match query {
        ReachQuery::From(spec) => format!(
            "{} can reach {} role{} (paths of at most {} hops)\n",
            visible(&spec.to_string()),
            r.paths.len(),
            if r.paths.len() == 1 { "" } else { "s" },
            r.max_depth
        ),
        ReachQuery::ToRole(name) => format!(
            "{} principal{} can reach role/{} (paths of at most {} hops)\n",
            r.paths.len(),
            if r.paths.len() == 1 { "" } else { "s" },
            visible(name),
            r.max_depth
        ),
        ReachQuery::All => format!(
            "{} path{} from {} principals to roles (at most {} hops each; the root user is left out)\n",
            r.paths.len(),
            if r.paths.len() == 1 { "" } else { "s" },
            r.principals,
            r.max_depth
        ),
    };
    for path in &r.paths {
        out.push_str(&format!(
            "\n{} → {}  ({} hop{})\n",
            p.bold(&visible(&path.principal)),
            p.bold(&visible(&path.role)),
            path.hops.len(),
            if path.hops.len() == 1 { "" } else { "s" }
        ));
        render_hops(&path.hops, "  ", &mut out);
    }
    out
}

fn render_hops(hops: &[Hop], pad: &str, out: &mut String) {
    for (i, hop) in hops.iter().enumerate() {
        let how = match &hop.how {
            HopKind::AssumeRole => "assumes it".to_owned(),
            HopKind::AssumeRoleWithWebIdentity => "gets it from its identity pool".to_owned(),
            HopKind::ViaService { service, pattern } => format!("via service {service} ({pattern})"),
        };
        out.push_str(&format!(
            "{pad}{}. {} → {}: {how}\n",
            i + 1,
            visible(&hop.from),
            visible(&hop.role)
        ));
        for step in &hop.steps {
            render_step(step, &format!("{pad}     "), out);
        }
    }
}

fn render_step(step: &Step, pad: &str, out: &mut String) {
    out.push_str(&format!("{pad}{}: {}\n", visible(&step.by), visible(&step.describe())));
    if let Some(note) = &step.note {
        out.push_str(&format!("{pad}  ({})\n", visible(note)));
    }
}

#[allow(clippy::too_many_arguments)]
pub fn escalation(
    model: &Model,
    principal: Option<&str>,
    why: bool,
    max_depth: usize,
    context: &[String],
    json: bool,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let spec = principal
        .map(|p| PrincipalSpec::parse(p).map_err(Failure::bad_input))
        .transpose()?;
    let ctx = self::context(context)?;
    let result = escalation::escalation(model, spec.as_ref(), &ctx, max_depth).map_err(Failure::bad_input)?;
    let why_not = match (&spec, why) {
        (Some(spec), true) => Some(escalation::why_not(model, spec, &ctx, max_depth).map_err(Failure::bad_input)?),
        _ => None,
    };
    if json {
        match why_not {
            Some(why_not) => {
                let mut value = serde_json::to_value(&result).map_err(std::io::Error::other)?;
                value["not_found"] = why_not
                    .into_iter()
                    .map(|(id, reasons)| serde_json::json!({"pattern": id, "reasons": reasons}))
                    .collect();
                write_json(out, &value)?;
            }
            None => write_json(out, &result)?,
        }
    } else {
        let mut text = render_escalation(&result, Paint::for_stdout());
        if let Some(why_not) = why_not {
            text.push_str("\nPatterns not found for it, and why:\n");
            for (id, reasons) in why_not {
                text.push_str(&format!("  {id}\n"));
                for reason in reasons {
                    text.push_str(&format!("    - {}\n", visible(&reason)));
                }
            }
        }
        write!(out, "{text}")?;
    }
    Ok(0)
}

pub fn render_escalation(e: &Escalation, p: Paint) -> String {
    let escalating = e.principals.iter().filter(|r| !r.findings.is_empty()).count();
    let mut out = format!(
        "{escalating} of {} principals can become administrators ({} patterns looked for; {} already {})\n",
        e.evaluated,
        e.patterns,
        e.admins.len(),
        if e.admins.len() == 1 { "is" } else { "are" }
    );
    for report in &e.principals {
        out.push('\n');
        if report.admin {
            out.push_str(&format!(
                "{} is an administrator already\n",
                p.bold(&visible(&report.principal))
            ));
            continue;
        }
        if report.findings.is_empty() {
            out.push_str(&format!(
                "{}: no escalation path found\n",
                p.bold(&visible(&report.principal))
            ));
            continue;
        }
        out.push_str(&format!(
            "{}: {} path{}\n",
            p.bold(&visible(&report.principal)),
            report.findings.len(),
            if report.findings.len() == 1 { "" } else { "s" }
        ));
        for finding in &report.findings {
            render_finding(finding, p, &mut out);
        }
    }
    out
}

fn render_finding(f: &Finding, p: Paint, out: &mut String) {
    out.push_str(&format!(
        "  {} {} — target {}  ({})\n",
        p.red(&format!("[{}]", f.pattern)),
        f.name,
        visible(&f.target),
        f.known_as
    ));
    out.push_str(&format!("    gain: {}\n", visible(&f.gain)));
    if !f.via.is_empty() {
        out.push_str("    first:\n");
        render_hops(&f.via, "      ", out);
    }
    if !f.steps.is_empty() {
        out.push_str("    steps:\n");
        for (i, step) in f.steps.iter().enumerate() {
            out.push_str(&format!("      {}. ", i + 1));
            let mut line = String::new();
            render_step(step, "", &mut line);
            out.push_str(&line.replace("\n  (", "\n         ("));
        }
    }
    for a in &f.assumptions {
        out.push_str(&format!("    assumes: {}\n", visible(a)));
    }
}
