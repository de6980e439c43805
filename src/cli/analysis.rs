//! `iamscope what-can`, `iamscope reach`, `iamscope escalation`, and
//! `iamscope who-can` for action sets (wildcards, services, access levels).
//! Each prints the core's answer as text or JSON; nothing here decides.

use std::io::Write;

use super::Failure;
use super::exclude::{self, Filter};
use super::progress::with_progress;
use super::render::{Paint, visible};
use crate::analysis::AnalysisOptions;
use crate::analysis::escalation::{self, Escalation, EscalationSummary, Finding, PrincipalEscalation};
use crate::analysis::exclusions::{self, PrincipalRef, Suppressor};
use crate::analysis::federation;
use crate::analysis::probe::Step;
use crate::analysis::reach::{self, Hop, HopKind, Reach, ReachQuery, ReachSummary, RolePath};
use crate::analysis::what_can::{self, Access, WhatCan, WhatCanOptions};
use crate::analysis::who_can::{self, WhoCanAny};
use crate::catalog::AccessLevel;
use crate::eval::{Context, FederatedSpec, PrincipalSpec};
use crate::io::{ImportReport, Loaded};
use crate::model::Model;

/// Read `--context KEY=VALUE` assignments.
pub fn context(assignments: &[String]) -> Result<Context, Failure> {
    let mut ctx = Context::new();
    for assignment in assignments {
        ctx.add_assignment(assignment).map_err(Failure::bad_input)?;
    }
    Ok(ctx)
}

/// The options every analysis question carries: the `--context`, requests
/// made now (the one place the wall clock is read), and the depth.
fn options(assignments: &[String], max_depth: usize) -> Result<AnalysisOptions, Failure> {
    Ok(AnalysisOptions {
        context: context(assignments)?,
        max_depth,
        ..AnalysisOptions::at(jiff::Timestamp::now())
    })
}

/// `--access-level`: list, read, write, permissions-management, tagging.
pub fn parse_access_level(text: &str) -> Result<AccessLevel, String> {
    what_can::parse_level(text).ok_or_else(|| {
        format!("`{text}` is not an access level: use list, read, write, permissions-management or tagging")
    })
}

/// An answer as JSON, with the loader's warnings that may make it wrong as
/// its `warnings` field (the same ones printed on stderr).
pub fn write_json_noting(
    out: &mut impl Write,
    value: &impl serde::Serialize,
    report: &ImportReport,
) -> Result<(), Failure> {
    let mut value = serde_json::to_value(value).map_err(std::io::Error::other)?;
    if let serde_json::Value::Object(object) = &mut value {
        object.insert("warnings".to_owned(), report.answer_warnings().into());
    }
    serde_json::to_writer_pretty(&mut *out, &value).map_err(std::io::Error::other)?;
    writeln!(out)?;
    Ok(())
}

/// `"warnings": [...]` for the JSON objects written piece by piece.
fn warnings_field(report: &ImportReport) -> Result<String, Failure> {
    let warnings = serde_json::to_string(&report.answer_warnings()).map_err(std::io::Error::other)?;
    Ok(format!("\"warnings\": {warnings}"))
}

pub fn what_can(
    loaded: &Loaded,
    principal: &str,
    service: Option<String>,
    context: &[String],
    json: bool,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let spec = PrincipalSpec::parse(principal).map_err(Failure::bad_input)?;
    refuse_federated(&spec, "what-can")?;
    let options = WhatCanOptions {
        service,
        context: self::context(context)?,
        ..WhatCanOptions::at(jiff::Timestamp::now())
    };
    let result = what_can::what_can(&loaded.model, &spec, &options).map_err(Failure::bad_input)?;
    if json {
        write_json_noting(out, &result, &loaded.report)?;
    } else {
        write!(out, "{}", render_what_can(&result, Paint::for_stdout()))?;
    }
    Ok(0)
}

/// A federated user holds nothing of its own until its token or assertion
/// gets it a role's session, and which one depends on the claims: these
/// commands, which take none, ask about the role instead.
fn refuse_federated(spec: &PrincipalSpec, command: &str) -> Result<(), Failure> {
    match spec {
        PrincipalSpec::Federated(_) => Err(Failure::bad_input(format!(
            "{command} --principal {spec}: a federated user acts only through the role its claims get it; ask about that role (role/NAME; `iamscope reach --principal {spec}` lists the roles that trust it), or ask one request with `iamscope explain --principal {spec} --claim KEY=VALUE`"
        ))),
        _ => Ok(()),
    }
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
    loaded: &Loaded,
    action: Option<&str>,
    service: Option<&str>,
    level: Option<AccessLevel>,
    resource: Option<&str>,
    context: &[String],
    json: bool,
    filter: &Filter,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let options = options(context, reach::DEFAULT_MAX_DEPTH)?;
    let (query, actions) = who_can::expand_query(action, service, level).map_err(Failure::bad_input)?;
    let model = &loaded.model;
    let set = who_can::SetQuery {
        resource,
        every_action: json,
    };
    let mut result = with_progress("who-can", |progress| {
        who_can::who_can_any_of(model, &query, &actions, set, &options, progress)
    });
    let mut suppressor = filter.suppressor();
    result.allowed.retain(|a| {
        let principal = PrincipalRef {
            principal: &a.principal,
            arn: a.arn.as_deref(),
        };
        !suppressor.principal(model, principal)
    });
    let suppressed = suppressor.suppressed();
    if json {
        let mut answer =
            super::render::with_assumed_by(model, serde_json::to_value(&result).map_err(std::io::Error::other)?);
        exclude::add_fields(&mut answer, &suppressed);
        write_json_noting(out, &answer, &loaded.report)?;
    } else {
        write!(
            out,
            "{}{}",
            render_who_can_any(&result, model, Paint::for_stdout()),
            exclude::text_line(&suppressed, filter)
        )?;
    }
    Ok(0)
}

pub fn render_who_can_any(w: &WhoCanAny, model: &Model, p: Paint) -> String {
    let mut out = format!(
        "{} of {} principals may do at least one of {} action{} ({}) on {}\n",
        w.allowed.len(),
        w.evaluated,
        w.actions,
        if w.actions == 1 { "" } else { "s" },
        visible(&w.query),
        if w.any_resource {
            "any resource".to_owned()
        } else {
            visible(&w.resource)
        }
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
        if !a.needs.is_empty() {
            out.push_str(&format!(
                "  {:width$}  some only in a request it shapes itself: {}\n",
                "",
                visible(&a.needs.join("; "))
            ));
        }
        for assumption in &a.assumptions {
            out.push_str(&format!("  {:width$}  assumes: {}\n", "", visible(assumption)));
        }
        out.push_str(&super::render::assumed_by(
            model,
            &a.principal,
            &format!("  {:width$}  ", ""),
        ));
    }
    out
}

pub fn reach(
    loaded: &Loaded,
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
    let options = options(context, max_depth)?;
    let model = &loaded.model;
    if !matches!(query, ReachQuery::All) {
        let result = with_progress("reach", |progress| {
            let mut paths = Vec::new();
            reach::stream(model, &query, &options, progress, &mut |p| paths.push(p)).map(|s| (s, paths))
        });
        let (summary, paths) = result.map_err(Failure::bad_input)?;
        let result = Reach {
            max_depth: summary.max_depth,
            principals: summary.principals,
            paths,
        };
        let federated = federated_reach(model, &query);
        if json {
            let mut answer = serde_json::to_value(&result).map_err(std::io::Error::other)?;
            answer["federated"] = serde_json::to_value(&federated).map_err(std::io::Error::other)?;
            write_json_noting(out, &answer, &loaded.report)?;
        } else {
            // The search does not start from a federated principal: its
            // roles come from the trust policies alone.
            if !matches!(query, ReachQuery::From(PrincipalSpec::Federated(_))) {
                write!(out, "{}", render_reach(&result, &query, Paint::for_stdout()))?;
                if !summary.complete {
                    writeln!(out, "(stopped: only part of the account was searched)")?;
                }
            }
            write!(
                out,
                "{}",
                render_federated_reach(&federated, &query, Paint::for_stdout())
            )?;
        }
        return Ok(0);
    }
    // Every principal: the paths are written as they are found, so that
    // memory stays bounded however many there are; the totals come last.
    let p = Paint::for_stdout();
    let mut failed: Option<std::io::Error> = None;
    let mut first = true;
    if json {
        write!(out, "{{\"max_depth\": {max_depth}, \"paths\": [")?;
    } else {
        writeln!(
            out,
            "Paths from every principal (the root user is left out) to the roles it can reach, at most {max_depth} hops each:"
        )?;
    }
    let summary = with_progress("reach", |progress| {
        reach::stream(model, &query, &options, progress, &mut |path| {
            if failed.is_some() {
                return;
            }
            let written = if json {
                let comma = if first { "" } else { "," };
                writeln!(out, "{comma}")
                    .and_then(|()| serde_json::to_writer_pretty(&mut *out, &path).map_err(std::io::Error::other))
            } else {
                let mut text = String::new();
                render_path(&path, p, &mut text);
                out.write_all(text.as_bytes())
            };
            first = false;
            if let Err(e) = written {
                // A closed pipe or a full disk: stop the search too.
                failed = Some(e);
                progress.cancel();
            }
        })
    })
    .map_err(Failure::bad_input)?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    let federated = federated_reach(model, &query);
    if json {
        writeln!(
            out,
            "\n], \"principals\": {}, \"searched\": {}, \"complete\": {}, \"federated\": {}, {}}}",
            summary.principals,
            summary.searched,
            summary.complete,
            serde_json::to_string_pretty(&federated).map_err(std::io::Error::other)?,
            warnings_field(&loaded.report)?
        )?;
    } else {
        writeln!(out, "\n{}", reach_totals(&summary))?;
        write!(out, "{}", render_federated_reach(&federated, &query, p))?;
    }
    Ok(0)
}

fn reach_totals(s: &ReachSummary) -> String {
    let mut text = format!(
        "{} path{} from {} principals to roles (at most {} hops each; the root user is left out)",
        s.paths,
        if s.paths == 1 { "" } else { "s" },
        s.principals,
        s.max_depth
    );
    if !s.complete {
        text.push_str(&format!(
            "; stopped after {} of {} principals: what is above is what was found until then",
            s.searched, s.principals
        ));
    }
    text
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
        render_path(path, p, &mut out);
    }
    out
}

/// The federated populations that come to act as roles: those a role's
/// trust admits (`--role`), those of a federated principal (`--principal
/// saml/…`, `oidc/…`, `web/…`), or all. Reach's own search does not start
/// from federated principals; these come from the trust policies
/// (`analysis::federation`).
fn federated_reach(model: &Model, query: &ReachQuery) -> Vec<federation::FederatedTrust> {
    match query {
        ReachQuery::ToRole(name) => model
            .index()
            .role(name)
            .map(|r| federation::role_populations(model, r))
            .unwrap_or_default(),
        ReachQuery::From(PrincipalSpec::Federated(spec)) => {
            let principal = PrincipalSpec::Federated(FederatedSpec {
                arn: None,
                ..spec.clone()
            })
            .to_string();
            federation::populations(model)
                .into_iter()
                .filter(|t| t.principal.eq_ignore_ascii_case(&principal))
                .collect()
        }
        ReachQuery::From(_) => Vec::new(),
        ReachQuery::All => federation::populations(model),
    }
}

fn render_federated_reach(trusts: &[federation::FederatedTrust], query: &ReachQuery, p: Paint) -> String {
    let mut out = match query {
        ReachQuery::From(spec @ PrincipalSpec::Federated(_)) => format!(
            "{} is trusted by {} role{} (the claims of its token or assertion decide which it gets)\n",
            visible(&spec.to_string()),
            trusts.len(),
            if trusts.len() == 1 { "" } else { "s" }
        ),
        _ if trusts.is_empty() => return String::new(),
        _ => "\nFederated users who can assume roles (from the trust policies):\n".to_owned(),
    };
    for t in trusts {
        out.push_str(&format!(
            "\n{} → {}  (trust statement {})\n    {}\n",
            p.bold(&visible(&t.principal)),
            p.bold(&visible(&t.role)),
            visible(&t.statement),
            visible(&t.population)
        ));
    }
    out
}

fn render_path(path: &RolePath, p: Paint, out: &mut String) {
    out.push_str(&format!(
        "\n{} → {}  ({} hop{})\n",
        p.bold(&visible(&path.principal)),
        p.bold(&visible(&path.role)),
        path.hops.len(),
        if path.hops.len() == 1 { "" } else { "s" }
    ));
    render_hops(&path.hops, "  ", out);
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

/// How `escalation` prints its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Dot,
}

/// What settles or drops escalation paths: `--inventory`, `--certain-only`.
#[derive(Debug, Clone, Default)]
pub struct Settle {
    pub inventory: Option<std::sync::Arc<crate::analysis::inventory::Inventory>>,
    pub certain_only: bool,
}

impl Settle {
    /// Read the inventory file, if one is given.
    pub fn read(inventory: Option<&std::path::Path>, certain_only: bool) -> Result<Settle, Failure> {
        let inventory = match inventory {
            None => None,
            Some(path) => {
                let bytes = crate::io::limits::read_limited(path, super::max_input()).map_err(|e| match e {
                    crate::io::LoadError::Read { source, .. } => {
                        Failure::bad_input(format!("{}: cannot read the inventory: {source}", path.display()))
                    }
                    other => Failure::bad_input(other),
                })?;
                let parsed = crate::analysis::inventory::Inventory::from_json(&path.display().to_string(), &bytes)
                    .map_err(Failure::bad_input)?;
                Some(std::sync::Arc::new(parsed))
            }
        };
        Ok(Settle {
            inventory,
            certain_only,
        })
    }
}

#[allow(clippy::too_many_arguments)]
pub fn escalation(
    loaded: &Loaded,
    principal: Option<&str>,
    why: bool,
    max_depth: usize,
    context: &[String],
    format: Format,
    settle: &Settle,
    filter: &Filter,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let spec = principal
        .map(|p| PrincipalSpec::parse(p).map_err(Failure::bad_input))
        .transpose()?;
    if let Some(spec) = &spec {
        refuse_federated(spec, "escalation")?;
    }
    let mut options = options(context, max_depth)?;
    options.inventory = settle.inventory.clone();
    options.certain_only = settle.certain_only;
    let model = &loaded.model;
    if matches!(format, Format::Sarif | Format::Dot) {
        return escalation_sarif_or_dot(loaded, spec.as_ref(), &options, filter, format, out);
    }
    let json = format == Format::Json;
    if spec.is_none() {
        return escalation_of_every_principal(loaded, &options, json, filter, out);
    }
    let mut suppressor = filter.suppressor();
    // Paths of the principal asked about that the exclusions took out.
    let mut hidden = 0;
    let result = with_progress("escalation", |progress| {
        let mut result = Escalation {
            patterns: crate::analysis::patterns::PATTERNS.len(),
            evaluated: 0,
            admins: Vec::new(),
            principals: Vec::new(),
            certain: 0,
            conditional: 0,
            make_others_admins: 0,
        };
        escalation::stream(model, spec.as_ref(), &options, progress, &mut |mut report| {
            let before = report.findings.len();
            if !suppress(&mut suppressor, model, &mut report) && report.admin {
                return;
            }
            hidden += before - report.findings.len();
            if report.admin {
                result.admins.push(report.principal.clone());
            }
            result.principals.push(report);
        })
        .map(|summary| {
            result.evaluated = summary.evaluated;
            result.count();
            result
        })
    })
    .map_err(Failure::bad_input)?;
    let why_not = match (&spec, why) {
        (Some(spec), true) => Some(escalation::why_not(model, spec, &options).map_err(Failure::bad_input)?),
        _ => None,
    };
    let suppressed = suppressor.suppressed();
    if json {
        let mut value = serde_json::to_value(&result).map_err(std::io::Error::other)?;
        value["principals"] = result
            .principals
            .iter()
            .map(exclude::report_json)
            .collect::<Result<Vec<_>, _>>()?
            .into();
        if let Some(why_not) = why_not {
            value["not_found"] = why_not
                .into_iter()
                .map(|(id, reasons)| serde_json::json!({"pattern": id, "reasons": reasons}))
                .collect();
        }
        exclude::add_fields(&mut value, &suppressed);
        write_json_noting(out, &value, &loaded.report)?;
    } else {
        let mut text = render_escalation(&result, hidden, Paint::for_stdout());
        text.push_str(&exclude::text_line(&suppressed, filter));
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

/// The paths as SARIF (one result per path found, at the principal that
/// has it; administrators already are not results) or as a DOT graph.
fn escalation_sarif_or_dot(
    loaded: &Loaded,
    spec: Option<&PrincipalSpec>,
    options: &AnalysisOptions,
    filter: &Filter,
    format: Format,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let mut reports = Vec::new();
    let mut suppressor = filter.suppressor();
    with_progress("escalation", |progress| {
        escalation::stream(&loaded.model, spec, options, progress, &mut |mut report| {
            // SARIF has the changes that make others administrators too; DOT draws paths.
            if suppress(&mut suppressor, &loaded.model, &mut report)
                && !report.admin
                && (!report.findings.is_empty() || (format == Format::Sarif && !report.makes_others_admins.is_empty()))
            {
                reports.push(report);
            }
        })
    })
    .map_err(Failure::bad_input)?;
    let suppressed = suppressor.suppressed();
    if format == Format::Dot {
        // DOT has comments: what was suppressed is said there, and on stderr.
        writeln!(out, "// {}", visible(&suppressed.line().replace(['\n', '\r'], " ")))?;
        if suppressed.total > 0 {
            eprintln!("{}", visible(&suppressed.line()));
        }
        out.write_all(super::dot::escalation_dot(&reports).as_bytes())?;
        return Ok(0);
    }
    let file = loaded.report.sources.first().map_or("account", String::as_str);
    let invocation = super::sarif::Invocation::new(&loaded.report.answer_warnings(), &[]).with_note(suppressed.line());
    let log = super::sarif::escalation_log(crate::analysis::patterns::PATTERNS, &reports, file, invocation);
    serde_json::to_writer_pretty(&mut *out, &log).map_err(std::io::Error::other)?;
    writeln!(out)?;
    Ok(0)
}

/// Every principal: each one with a path is written as it is found, so that
/// memory stays bounded; the totals and the administrators come last.
fn escalation_of_every_principal(
    loaded: &Loaded,
    options: &AnalysisOptions,
    json: bool,
    filter: &Filter,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let p = Paint::for_stdout();
    let mut suppressor = filter.suppressor();
    // What the exclusions took out of the totals.
    let mut hidden = [0usize; 5];
    let mut admins: Vec<String> = Vec::new();
    let mut failed: Option<std::io::Error> = None;
    let mut first = true;
    if json {
        write!(out, "{{\"principals\": [")?;
    } else {
        writeln!(
            out,
            "Privilege-escalation paths of every principal that is not an administrator ({} patterns looked for):",
            crate::analysis::patterns::PATTERNS.len()
        )?;
    }
    let summary = with_progress("escalation", |progress| {
        escalation::stream(
            &loaded.model,
            None,
            options,
            progress,
            &mut |mut report: PrincipalEscalation| {
                let before = tally(&report);
                let shown = suppress(&mut suppressor, &loaded.model, &mut report);
                let after = if shown { tally(&report) } else { [0; 5] };
                for (h, (b, a)) in hidden.iter_mut().zip(before.iter().zip(after)) {
                    *h += b - a;
                }
                if !shown {
                    return;
                }
                if report.admin {
                    admins.push(report.principal);
                    return;
                }
                if failed.is_some() {
                    return;
                }
                let written = if json {
                    let comma = if first { "" } else { "," };
                    writeln!(out, "{comma}").and_then(|()| {
                        let value = exclude::report_json(&report)?;
                        serde_json::to_writer_pretty(&mut *out, &value).map_err(std::io::Error::other)
                    })
                } else {
                    let mut text = String::from("\n");
                    render_report(&report, 0, p, &mut text);
                    out.write_all(text.as_bytes())
                };
                first = false;
                if let Err(e) = written {
                    failed = Some(e);
                    progress.cancel();
                }
            },
        )
    })
    .map_err(Failure::bad_input)?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    let mut summary = summary;
    summary.admins -= hidden[0];
    summary.escalating -= hidden[1];
    summary.certain -= hidden[2];
    summary.conditional -= hidden[3];
    summary.make_others_admins -= hidden[4];
    let suppressed = suppressor.suppressed();
    if summary.complete {
        exclude::note_stale(filter, &suppressor, "esc-");
    }
    if json {
        write!(out, "\n], \"admins\": ")?;
        serde_json::to_writer(&mut *out, &admins).map_err(std::io::Error::other)?;
        writeln!(
            out,
            ", \"patterns\": {}, \"evaluated\": {}, \"escalating\": {}, \"certain\": {}, \"conditional\": {}, \"make_others_admins\": {}, \"complete\": {}, {}, {}}}",
            summary.patterns,
            summary.evaluated,
            summary.escalating,
            summary.certain,
            summary.conditional,
            summary.make_others_admins,
            summary.complete,
            exclude::fields_text(&suppressed)?,
            warnings_field(&loaded.report)?
        )?;
    } else {
        writeln!(out, "\n{}", escalation_totals(&summary))?;
        write!(out, "{}", exclude::text_line(&suppressed, filter))?;
    }
    Ok(0)
}

/// "N of M principals can become administrators: X certain, Y only under assumptions".
fn escalating_line(escalating: usize, evaluated: usize, certain: usize, conditional: usize) -> String {
    format!(
        "{escalating} of {evaluated} principals can become administrators: {certain} certain, {conditional} only under assumptions"
    )
}

fn escalation_totals(s: &EscalationSummary) -> String {
    let mut text = format!(
        "{} ({} patterns looked for; {} already {}); {} can make others administrators",
        escalating_line(s.escalating, s.evaluated, s.certain, s.conditional),
        s.patterns,
        s.admins,
        if s.admins == 1 { "is" } else { "are" },
        s.make_others_admins
    );
    if !s.complete {
        text.push_str(&format!(
            "; stopped after {} of {} principals: what is above is what was found until then",
            s.evaluated, s.principals
        ));
    }
    text
}

/// `hidden`: paths the exclusions took out (said for a principal with none
/// left, which otherwise reads as having none at all).
pub fn render_escalation(e: &Escalation, hidden: usize, p: Paint) -> String {
    let escalating = e.principals.iter().filter(|r| !r.findings.is_empty()).count();
    let mut out = format!(
        "{} ({} patterns looked for; {} already {}); {} can make others administrators\n",
        escalating_line(escalating, e.evaluated, e.certain, e.conditional),
        e.patterns,
        e.admins.len(),
        if e.admins.len() == 1 { "is" } else { "are" },
        e.make_others_admins
    );
    for report in &e.principals {
        out.push('\n');
        render_report(report, hidden, p, &mut out);
    }
    out
}

fn render_report(report: &PrincipalEscalation, hidden: usize, p: Paint, out: &mut String) {
    if report.admin {
        out.push_str(&format!(
            "{} is an administrator already\n",
            p.bold(&visible(&report.principal))
        ));
        return;
    }
    if report.findings.is_empty() {
        let none = if hidden > 0 {
            format!("no escalation path shown ({hidden} suppressed, see below)")
        } else {
            "no escalation path found".to_owned()
        };
        out.push_str(&format!("{}: {none}\n", p.bold(&visible(&report.principal))));
        render_makes_admins(report, p, out);
        return;
    }
    out.push_str(&format!(
        "{}: {} path{} ({} certain, {} only under assumptions)\n",
        p.bold(&visible(&report.principal)),
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" },
        report.certain,
        report.conditional
    ));
    for finding in &report.findings {
        render_finding(&report.principal, finding, p, out);
    }
    render_makes_admins(report, p, out);
}

/// The changes it may make that make other principals administrators,
/// whether or not it can use them itself: per kind of change, the first
/// with its steps and the other targets named (`--json` has every one's steps).
fn render_makes_admins(report: &PrincipalEscalation, p: Paint, out: &mut String) {
    const NAMED: usize = 8;
    if report.makes_others_admins.is_empty() {
        return;
    }
    out.push_str(&format!(
        "  can make others administrators ({} change{}):\n",
        report.makes_others_admins.len(),
        if report.makes_others_admins.len() == 1 { "" } else { "s" }
    ));
    let mut grants: Vec<&str> = Vec::new();
    for m in &report.makes_others_admins {
        if !grants.contains(&m.grant) {
            grants.push(m.grant);
        }
    }
    for grant in grants {
        let all: Vec<&escalation::MakesAdmin> =
            report.makes_others_admins.iter().filter(|m| m.grant == grant).collect();
        let m = all[0];
        out.push_str(&format!(
            "  {} {} — target {}\n",
            p.red(&format!("[{}]", m.grant)),
            m.name,
            visible(&m.target)
        ));
        out.push_str(&format!(
            "    id: {}\n",
            p.dim(&exclusions::makes_admin_id(&report.principal, m))
        ));
        out.push_str(&format!(
            "    makes administrators: {}\n",
            visible(&m.administrators.join(", "))
        ));
        out.push_str("    steps:\n");
        for (i, step) in m.steps.iter().enumerate() {
            out.push_str(&format!("      {}. ", i + 1));
            let mut line = String::new();
            render_step(step, "", &mut line);
            out.push_str(&line.replace("\n  (", "\n         ("));
        }
        for n in &m.needs {
            out.push_str(&format!("    needs: {}\n", visible(n)));
        }
        for a in &m.assumptions {
            out.push_str(&format!("    assumes: {}\n", visible(a)));
        }
        if all.len() > 1 {
            let rest: Vec<&str> = all[1..].iter().take(NAMED).map(|m| m.target.as_str()).collect();
            let more = all.len() - 1 - rest.len();
            out.push_str(&format!(
                "    and the same on {} other target{}: {}{}\n",
                all.len() - 1,
                if all.len() == 2 { "" } else { "s" },
                visible(&rest.join(", ")),
                if more > 0 {
                    format!(", … ({more} more; --json lists them with their ids)")
                } else {
                    " (--json has their ids)".to_owned()
                }
            ));
        }
    }
}

/// Apply the exclusions to one principal's report (its paths and the
/// principals it can make administrators, or the whole principal), and
/// count its certain and conditional paths again; false when nothing of it
/// is left to show.
pub(super) fn suppress(suppressor: &mut Suppressor<'_>, model: &Model, report: &mut PrincipalEscalation) -> bool {
    let principal = PrincipalRef {
        principal: &report.principal,
        arn: report.arn.as_deref(),
    };
    if report.admin {
        return !suppressor.principal(model, principal);
    }
    let had = !report.findings.is_empty() || !report.makes_others_admins.is_empty();
    suppressor.escalation(model, principal, &mut report.findings, &mut report.makes_others_admins);
    report.certain = report.findings.iter().filter(|f| f.certain).count();
    report.conditional = report.findings.len() - report.certain;
    !had || !report.findings.is_empty() || !report.makes_others_admins.is_empty()
}

/// What one principal adds to the totals: administrator, escalating,
/// certain, only conditional, can make others administrators (as
/// `escalation::stream` counts them).
fn tally(r: &PrincipalEscalation) -> [usize; 5] {
    [
        usize::from(r.admin),
        usize::from(!r.findings.is_empty()),
        usize::from(r.certain > 0),
        usize::from(r.certain == 0 && r.conditional > 0),
        usize::from(!r.makes_others_admins.is_empty()),
    ]
}

fn render_finding(principal: &str, f: &Finding, p: Paint, out: &mut String) {
    out.push_str(&format!(
        "  {} {} — target {}  ({}){}\n",
        p.red(&format!("[{}]", f.pattern)),
        f.name,
        visible(&f.target),
        f.known_as,
        if f.certain { "" } else { " — conditional" }
    ));
    out.push_str(&format!(
        "    id: {}\n",
        p.dim(&exclusions::escalation_id(principal, f))
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
    for n in &f.needs {
        out.push_str(&format!("    needs: {}\n", visible(n)));
    }
    for a in &f.assumptions {
        out.push_str(&format!("    assumes: {}\n", visible(a)));
    }
    if !f.inventory.is_empty() {
        out.push_str(&format!("    inventory lists: {}\n", visible(&f.inventory.join(", "))));
    }
}
