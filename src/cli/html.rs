//! `iamscope report --html OUT.html`: one self-contained HTML page about an
//! account — the summary (`iamscope summary`'s counts), the lint findings,
//! the escalation paths drawn as graphs (inline SVG, laid out here), and
//! who-can tables for a few sensitive actions. No script, no external style
//! sheet, font or picture: it opens offline. Every text from the account
//! is HTML-escaped ([`esc`]). The file is written to a temporary file
//! beside it, then renamed over it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::exclude::{ExclusionArgs, Filter};
use super::progress::with_progress;
use super::render::visible;
use super::{AccountArgs, Failure};
use crate::analysis::AnalysisOptions;
use crate::analysis::escalation::{self, PrincipalEscalation};
use crate::analysis::exclusions::{self, PrincipalRef, Suppressed};
use crate::analysis::lint::{self, Finding};
use crate::analysis::reach::HopKind;
use crate::analysis::summary::AccountSummary;
use crate::analysis::who_can::{self, SetQuery};
use crate::eval::explain::StatementInfo;
use crate::io::Loaded;
use crate::policy::Severity;

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub account: AccountArgs,

    /// Write the report to this HTML file (replaced if it exists)
    #[arg(long, value_name = "OUT.html")]
    pub html: PathBuf,

    #[command(flatten)]
    pub exclusions: ExclusionArgs,

    /// List service-linked roles too (left out by default: only AWS can change them)
    #[arg(long)]
    pub include_service_linked: bool,
}

/// The who-can tables: an action or action set, the resource (none: any
/// resource — `*`, every resource of each type, the ARNs the policies
/// name), and the title's end.
const WHO_CAN: [(&str, Option<&str>, &str); 3] = [
    ("iam:*", None, "— any IAM action, on any resource"),
    ("iam:PassRole", None, "on any role"),
    ("s3:GetObject", Some("*"), "on every object (*)"),
];

/// Text from the account, safe in HTML text and in attribute values:
/// control characters made visible, then `& < > " '` escaped.
pub fn esc(text: &str) -> String {
    let text = visible(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One lint finding with its policy.
struct LintRow {
    locator: String,
    description: String,
    finding: Finding,
    id: String,
}

/// One who-can table.
struct WhoCanTable {
    title: String,
    evaluated: usize,
    /// (principal, how many of the set or empty, decided by)
    rows: Vec<(String, String, String)>,
    suppressed: Suppressed,
}

/// What the page shows, gathered from the core.
struct Page {
    summary: AccountSummary,
    generated: String,
    lint: Vec<LintRow>,
    lint_skipped: usize,
    lint_suppressed: Suppressed,
    admins: Vec<String>,
    evaluated: usize,
    paths: Vec<PrincipalEscalation>,
    escalation_suppressed: Suppressed,
    escalation_complete: bool,
    who_can: Vec<WhoCanTable>,
}

pub fn run(args: &ReportArgs, out: &mut impl Write) -> Result<u8, Failure> {
    let filter = Filter::new(&args.exclusions, &args.account.accounts, args.include_service_linked)?;
    let loaded = args.account.load_noting()?;
    let page = gather(&loaded, &filter, jiff::Timestamp::now())?;
    let html = render(&page);
    super::write_atomically(&args.html, html.as_bytes(), ".iamscope-report-", true)
        .map_err(|e| Failure::bad_input(format!("cannot write {}: {e}", args.html.display())))?;
    writeln!(
        out,
        "wrote {} ({} bytes): {} lint findings, {} principals with escalation paths, {} who-can tables",
        args.html.display(),
        html.len(),
        page.lint.len(),
        page.paths.len(),
        page.who_can.len()
    )?;
    Ok(0)
}

fn because(deciding: Option<&StatementInfo>, rule: &str) -> String {
    match deciding {
        Some(s) => format!("statement {} in {} (line {})", s.statement, s.policy, s.line),
        None => rule.replace('-', " "),
    }
}

fn gather(loaded: &Loaded, filter: &Filter, now: jiff::Timestamp) -> Result<Page, Failure> {
    let model = &loaded.model;
    let options = AnalysisOptions::at(now);

    let mut suppressor = filter.suppressor();
    let account_lint = lint::lint_account(model);
    let lint_skipped = account_lint.aws_managed_skipped;
    let mut lint_rows = Vec::new();
    for policy in account_lint.policies {
        let key = exclusions::lint_policy_key(&policy.source);
        let ids = exclusions::LintIds::of_policy(&policy);
        for finding in policy.findings {
            let id = ids.id(finding.code, &key, &finding.path);
            if suppressor.lint(Some(&policy.source), &key, &id, finding.code) {
                continue;
            }
            lint_rows.push(LintRow {
                locator: policy.source.locator(),
                description: policy.source.describe(),
                id,
                finding,
            });
        }
    }
    // The most severe first; within a severity, the account's order.
    lint_rows.sort_by_key(|r| std::cmp::Reverse(r.finding.severity));
    let lint_suppressed = suppressor.suppressed();

    let mut suppressor = filter.suppressor();
    let mut admins = Vec::new();
    let mut paths = Vec::new();
    let summary = with_progress("escalation", |progress| {
        escalation::stream(model, None, &options, progress, &mut |mut report| {
            if !super::analysis::suppress(&mut suppressor, model, &mut report) {
                return;
            }
            if report.admin {
                admins.push(report.principal);
            } else if !report.findings.is_empty() {
                paths.push(report);
            }
        })
    })
    .map_err(Failure::bad_input)?;
    let escalation_suppressed = suppressor.suppressed();

    let mut tables = Vec::new();
    for (pattern, resource, title) in WHO_CAN {
        let (query, actions) = who_can::expand_query(Some(pattern), None, None).map_err(Failure::bad_input)?;
        let single = actions.len() == 1;
        let set = with_progress("who-can", |progress| {
            who_can::who_can_any_of(
                model,
                &query,
                &actions,
                SetQuery {
                    resource,
                    // one action: which resource it was allowed on
                    every_action: single,
                },
                &options,
                progress,
            )
        });
        let mut suppressor = filter.suppressor();
        let rows = set
            .allowed
            .iter()
            .filter(|a| {
                !suppressor.principal(
                    model,
                    PrincipalRef {
                        principal: &a.principal,
                        arn: a.arn.as_deref(),
                    },
                )
            })
            .map(|a| {
                let detail = if single {
                    a.actions
                        .first()
                        .map_or_else(String::new, |x| format!("on {}", x.resource))
                } else {
                    format!("{} of {} (e.g. {})", a.allowed, set.actions, a.examples.join(", "))
                };
                (a.principal.clone(), detail, because(a.deciding.as_ref(), a.rule))
            })
            .collect();
        tables.push(WhoCanTable {
            title: format!("{pattern} {title}"),
            evaluated: set.evaluated,
            rows,
            suppressed: suppressor.suppressed(),
        });
    }
    tables.insert(1, assume_role_table(model, filter, &options));

    Ok(Page {
        summary: AccountSummary::of(model, &loaded.report),
        generated: now.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        lint: lint_rows,
        lint_skipped,
        lint_suppressed,
        admins,
        evaluated: summary.evaluated,
        paths,
        escalation_suppressed,
        escalation_complete: summary.complete,
        who_can: tables,
    })
}

/// Who may assume each role of the account: the engine asked about every
/// role's ARN (a trust policy alone can allow it, so "any resource" is not
/// enough here).
fn assume_role_table(model: &crate::model::Model, filter: &Filter, options: &AnalysisOptions) -> WhoCanTable {
    let mut suppressor = filter.suppressor();
    let mut rows = Vec::new();
    let mut evaluated = 0;
    // One progress display for all roles (each shows for a moment after its work).
    let results = with_progress("who-can", |progress| {
        let roles = &model.account().roles;
        roles
            .iter()
            .map(|role| {
                let result = who_can::who_can(model, "sts:AssumeRole", role.arn.as_ref(), options, progress);
                (role, result)
            })
            .collect::<Vec<_>>()
    });
    for (role, result) in results {
        evaluated = evaluated.max(result.evaluated);
        for a in &result.allowed {
            let principal = PrincipalRef {
                principal: &a.principal,
                arn: a.arn.as_deref(),
            };
            if !suppressor.principal(model, principal) {
                rows.push((
                    a.principal.clone(),
                    format!("role/{}", role.name),
                    because(a.deciding.as_ref(), a.rule),
                ));
            }
        }
    }
    WhoCanTable {
        title: "sts:AssumeRole on each role of the account".to_owned(),
        evaluated,
        rows,
        suppressed: suppressor.suppressed(),
    }
}

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 2rem; color: #1f2328; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; margin-top: 2.5rem; }
nav a { margin-right: 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
code, .id { font-family: ui-monospace, 'SF Mono', Menlo, Consolas, monospace; font-size: .85em; }
.id { color: #57606a; white-space: nowrap; }
.sev-error { color: #cf222e; font-weight: 600; } .sev-warning { color: #9a6700; font-weight: 600; } .sev-info { color: #0969da; }
.note { color: #57606a; } .warn { background: #fff8c5; padding: .5rem; border: 1px solid #d4a72c; }
.principal { margin: 1.5rem 0; } .principal h3 { margin-bottom: .3rem; font-size: 1.05rem; }
svg { max-width: 100%; height: auto; background: #fbfcfd; border: 1px solid #eaeef2; }
svg text { font-family: system-ui, sans-serif; font-size: 12px; }
details { margin: .3rem 0 .3rem 1rem; } summary { cursor: pointer; }
";

fn render(page: &Page) -> String {
    let s = &page.summary;
    let name = match &s.account_alias {
        Some(alias) => format!("{} ({alias})", s.account_id),
        None => s.account_id.clone(),
    };
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(h, "<title>iamscope report: account {}</title>", esc(&name));
    let _ = writeln!(h, "<style>{STYLE}</style>\n</head>\n<body>");
    // The arrow head every graph's edges share (one id in the page).
    h.push_str("<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#57606a\"/></marker></defs></svg>\n");
    let _ = writeln!(h, "<h1>Account {}</h1>", esc(&name));
    let _ = writeln!(
        h,
        "<p class=\"note\">From {}; made by iamscope {} at {} from the exports alone (no AWS call).</p>",
        esc(&s.sources.join(", ")),
        env!("CARGO_PKG_VERSION"),
        esc(&page.generated)
    );
    h.push_str("<nav><a href=\"#summary\">Summary</a><a href=\"#lint\">Lint findings</a><a href=\"#escalation\">Escalation paths</a><a href=\"#who-can\">Who can</a></nav>\n");
    render_summary(page, &mut h);
    render_lint(page, &mut h);
    render_escalation(page, &mut h);
    render_who_can(page, &mut h);
    h.push_str("</body>\n</html>\n");
    h
}

fn render_summary(page: &Page, h: &mut String) {
    let s = &page.summary;
    h.push_str("<h2 id=\"summary\">Summary</h2>\n");
    if s.partial {
        h.push_str("<p class=\"warn\">PARTIAL EXPORT: more pages exist (IsTruncated: true); answers below may miss what is on them.</p>\n");
    }
    // The same rows as `iamscope summary`.
    let rows = s.rows();
    h.push_str("<table class=\"counts\">\n");
    for (label, value) in rows {
        let _ = writeln!(h, "<tr><th>{label}</th><td>{}</td></tr>", esc(&value));
    }
    h.push_str("</table>\n");
    for (title, items) in [
        ("What the loader noticed", &s.warnings),
        ("Unresolved references", &s.unresolved),
    ] {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(h, "<h3>{title} ({})</h3>\n<ul>", items.len());
        for item in items {
            let _ = writeln!(h, "<li>{}</li>", esc(item));
        }
        h.push_str("</ul>\n");
    }
}

fn suppressed_note(s: &Suppressed, h: &mut String) {
    let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(&s.line()));
}

fn render_lint(page: &Page, h: &mut String) {
    let count = |sev: Severity| page.lint.iter().filter(|r| r.finding.severity == sev).count();
    let _ = writeln!(
        h,
        "<h2 id=\"lint\">Lint findings</h2>\n<p>{} errors, {} warnings, {} infos in the account's own policies ({} AWS managed policies not linted).</p>",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        page.lint_skipped
    );
    suppressed_note(&page.lint_suppressed, h);
    if page.lint.is_empty() {
        return;
    }
    h.push_str(
        "<table>\n<tr><th>severity</th><th>code</th><th>policy</th><th>where</th><th>finding</th><th>id</th></tr>\n",
    );
    for row in &page.lint {
        let f = &row.finding;
        let severity = f.severity.as_str();
        let _ = write!(
            h,
            "<tr><td class=\"sev-{severity}\">{severity}</td><td><code>{}</code></td><td title=\"{}\">{}</td><td>{}:{}<br><code>{}</code></td><td>{}",
            esc(f.code),
            esc(&row.description),
            esc(&row.locator),
            f.line,
            f.column,
            esc(&f.path),
            esc(&f.message)
        );
        if let Some(help) = &f.help {
            let _ = write!(h, "<br><span class=\"note\">help: {}</span>", esc(help));
        }
        let _ = writeln!(h, "</td><td class=\"id\">{}</td></tr>", esc(&row.id));
    }
    h.push_str("</table>\n");
}

fn render_escalation(page: &Page, h: &mut String) {
    let _ = writeln!(
        h,
        "<h2 id=\"escalation\">Escalation paths</h2>\n<p>{} of {} principals can become administrators; {} already {}{}.</p>",
        page.paths.len(),
        page.evaluated,
        page.admins.len(),
        if page.admins.len() == 1 { "is" } else { "are" },
        if page.admins.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                page.admins.iter().map(|a| esc(a)).collect::<Vec<_>>().join(", ")
            )
        }
    );
    if !page.escalation_complete {
        h.push_str("<p class=\"warn\">The search stopped early: what is below is what was found until then.</p>\n");
    }
    suppressed_note(&page.escalation_suppressed, h);
    for report in &page.paths {
        let _ = writeln!(
            h,
            "<div class=\"principal\"><h3>{}: {} path{}</h3>",
            esc(&report.principal),
            report.findings.len(),
            if report.findings.len() == 1 { "" } else { "s" }
        );
        h.push_str(&paths_svg(report));
        for f in &report.findings {
            let _ = writeln!(
                h,
                "<details><summary><code>{}</code> {} — target {} <span class=\"id\">{}</span></summary>\n<p>gain: {}</p>\n<ol>",
                esc(f.pattern),
                esc(f.name),
                esc(&f.target),
                esc(&exclusions::escalation_id(&report.principal, f)),
                esc(&f.gain)
            );
            for hop in &f.via {
                for step in &hop.steps {
                    let _ = writeln!(h, "<li>{}: {}</li>", esc(&step.by), esc(&step.describe()));
                }
            }
            for step in &f.steps {
                let _ = write!(h, "<li>{}: {}", esc(&step.by), esc(&step.describe()));
                if let Some(note) = &step.note {
                    let _ = write!(h, " <span class=\"note\">({})</span>", esc(note));
                }
                h.push_str("</li>\n");
            }
            h.push_str("</ol>\n");
            for a in &f.assumptions {
                let _ = writeln!(h, "<p class=\"note\">assumes: {}</p>", esc(a));
            }
            h.push_str("</details>\n");
        }
        h.push_str("</div>\n");
    }
}

fn render_who_can(page: &Page, h: &mut String) {
    h.push_str("<h2 id=\"who-can\">Who can</h2>\n<p class=\"note\">Every principal the engine allows, and the statement that allowed it; the root user always may.</p>\n");
    for table in &page.who_can {
        let principals: std::collections::BTreeSet<&str> = table.rows.iter().map(|r| r.0.as_str()).collect();
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<p>{} of {} principals.</p>",
            esc(&table.title),
            principals.len(),
            table.evaluated
        );
        suppressed_note(&table.suppressed, h);
        if table.rows.is_empty() {
            continue;
        }
        let set = table.rows.iter().any(|r| !r.1.is_empty());
        h.push_str("<table>\n<tr><th>principal</th>");
        if set {
            h.push_str("<th>allowed</th>");
        }
        h.push_str("<th>allowed by</th></tr>\n");
        for (principal, actions, by) in &table.rows {
            let _ = write!(h, "<tr><td>{}</td>", esc(principal));
            if set {
                let _ = write!(h, "<td>{}</td>", esc(actions));
            }
            let _ = writeln!(h, "<td>{}</td></tr>", esc(by));
        }
        h.push_str("</table>\n");
    }
}

// The graph of one principal's paths, in layers: the principal, then the
// roles at each hop, then "administrator"; an edge per hop and per path
// (the paths from one node to the administrator share one edge, labelled
// with their patterns).
const NODE_W: usize = 230;
const NODE_H: usize = 34;
const COL_GAP: usize = 150;
const ROW_GAP: usize = 22;
const PAD: usize = 16;
/// The lane above the nodes that edges skipping a layer arc through.
const LANE: usize = 40;
/// Characters that fit in a node at 12px (about 7px a character).
const NODE_CHARS: usize = 31;
const LABEL_CHARS: usize = 24;

fn cut(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(chars.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// A node's place: (layer, index in the layer).
type Slot = (usize, usize);

/// An inline SVG of the principal's paths (no script, no external reference).
pub fn paths_svg(report: &PrincipalEscalation) -> String {
    // layers[i] = node names in that layer, in first-seen order
    let mut layers: Vec<Vec<String>> = vec![vec![report.principal.clone()]];
    let mut edges: BTreeMap<(Slot, Slot), Vec<String>> = BTreeMap::new();
    let depth = report.findings.iter().map(|f| f.via.len()).max().unwrap_or(0);
    let admin_layer = depth + 1;
    layers.resize(admin_layer + 1, Vec::new());
    layers[admin_layer].push("administrator".to_owned());
    let place = |layers: &mut Vec<Vec<String>>, layer: usize, name: &str| -> usize {
        match layers[layer].iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                layers[layer].push(name.to_owned());
                layers[layer].len() - 1
            }
        }
    };
    for f in &report.findings {
        let mut from = (0, 0);
        for (i, hop) in f.via.iter().enumerate() {
            let at = (i + 1, place(&mut layers, i + 1, &hop.role));
            let how = match &hop.how {
                HopKind::AssumeRole => "assumes".to_owned(),
                HopKind::AssumeRoleWithWebIdentity => "identity pool".to_owned(),
                HopKind::ViaService { service, .. } => format!("via {service}"),
            };
            let labels = edges.entry((from, at)).or_default();
            if !labels.contains(&how) {
                labels.push(how);
            }
            from = at;
        }
        let labels = edges.entry((from, (admin_layer, 0))).or_default();
        let label = f.pattern.to_owned();
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    let rows = layers.iter().map(Vec::len).max().unwrap_or(1).max(1);
    // Edges that skip a layer arc through a lane above the nodes, so that
    // they never cross a node.
    let lane = if edges.keys().any(|(from, to)| to.0 - from.0 > 1) {
        LANE
    } else {
        0
    };
    let width = PAD * 2 + layers.len() * NODE_W + (layers.len() - 1) * COL_GAP;
    let height = lane + PAD * 2 + rows * NODE_H + (rows - 1) * ROW_GAP;
    // Each layer centred vertically below the lane.
    let pos = |layers: &Vec<Vec<String>>, (layer, i): (usize, usize)| -> (usize, usize) {
        let n = layers[layer].len();
        let column_height = n * NODE_H + n.saturating_sub(1) * ROW_GAP;
        let top = lane + PAD + (height - lane - 2 * PAD - column_height) / 2;
        (PAD + layer * (NODE_W + COL_GAP), top + i * (NODE_H + ROW_GAP))
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"escalation paths of {}\">",
        esc(&report.principal)
    );
    for ((from, to), labels) in &edges {
        let (x1, y1) = pos(&layers, *from);
        let (x2, y2) = pos(&layers, *to);
        let (x1, y1) = (x1 + NODE_W, y1 + NODE_H / 2);
        let y2 = y2 + NODE_H / 2;
        let full = labels.join(", ");
        let shown = if labels.len() > 2 {
            format!("{} patterns", labels.len())
        } else {
            cut(&full, LABEL_CHARS)
        };
        let (line, label_x, label_y) = if to.0 - from.0 == 1 {
            (
                format!("<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\""),
                (x1 + x2) / 2,
                (y1 + y2) / 2 - 5,
            )
        } else {
            // Both control points at the top. The label sits on the curve
            // near its start, where arcs from different nodes are apart.
            let bend = 60.min((x2 - x1) / 3);
            let (c1, c2) = (x1 + bend, x2 - bend);
            let at = |t: f64, a: usize, b: usize, c: usize, d: usize| {
                let u = 1.0 - t;
                (u * u * u * a as f64 + 3.0 * u * u * t * b as f64 + 3.0 * u * t * t * c as f64 + t * t * t * d as f64)
                    .round() as usize
            };
            (
                format!("<path d=\"M {x1} {y1} C {c1} 0, {c2} 0, {x2} {y2}\" fill=\"none\""),
                at(0.3, x1, c1, c2, x2),
                at(0.3, y1, 0, 0, y2).saturating_sub(4).max(12),
            )
        };
        let _ = writeln!(
            s,
            "<g><title>{}</title>{line} stroke=\"#57606a\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/><text x=\"{}\" y=\"{label_y}\" text-anchor=\"middle\" fill=\"#cf222e\" stroke=\"#fbfcfd\" stroke-width=\"4\" paint-order=\"stroke\">{}</text></g>",
            esc(&full),
            label_x,
            esc(&shown)
        );
    }
    for (layer, names) in layers.iter().enumerate() {
        for (i, name) in names.iter().enumerate() {
            let (x, y) = pos(&layers, (layer, i));
            let (fill, stroke) = if layer == admin_layer {
                ("#ffebe9", "#cf222e")
            } else if layer == 0 {
                ("#ddf4ff", "#0969da")
            } else {
                ("#f6f8fa", "#8c959f")
            };
            let rx = if layer == 0 || layer == admin_layer { 4 } else { 16 };
            let _ = writeln!(
                s,
                "<g><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"{rx}\" fill=\"{fill}\" stroke=\"{stroke}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
                esc(name),
                x + NODE_W / 2,
                y + NODE_H / 2 + 4,
                esc(&cut(name, NODE_CHARS))
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_escapes_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
