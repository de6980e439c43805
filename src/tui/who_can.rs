//! The who-can pane: every principal that may do an action on a resource,
//! and the statement that lets each, worked out off the explorer's thread
//! with a progress bar; Esc cancels, Enter asks the inspector about one.

use std::sync::Arc;
use std::thread::JoinHandle;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Action;
use super::component::{Component, Ctx, Handled, Paint};
use super::paint::{block, scrolled};
use super::text::{fit, pad, visible, width};
use crate::analysis::who_can::{self, WhoCan};
use crate::eval::{ContextSpec, RequestSpec};
use crate::model::Model;

pub struct WhoCanPane {
    action: String,
    resource: String,
    context: ContextSpec,
    total: usize,
    /// How many principals are done; cancels the question.
    progress: Arc<crate::analysis::Progress>,
    handle: Option<JoinHandle<WhoCan>>,
    result: Option<WhoCan>,
    /// How each allowed principal is shown (`guests of PhotoAppIdentities`).
    names: Vec<String>,
    /// For each allowed role, the federated users its trust admits
    /// (`analysis::federation`), as the CLI's who-can lists them.
    assumed_by: Vec<Vec<String>>,
    failed: bool,
    cursor: usize,
    offset: usize,
    height: usize,
}

impl WhoCanPane {
    /// Start asking, on another thread, with requests made at `now`.
    pub fn start(
        model: &Arc<Model>,
        action: String,
        resource: String,
        context: ContextSpec,
        now: jiff::Timestamp,
    ) -> WhoCanPane {
        let progress = Arc::new(crate::analysis::Progress::new());
        let total = who_can::principals(model).len();
        let p = Arc::clone(&progress);
        let (a, r) = (action.clone(), resource.clone());
        let options = crate::analysis::AnalysisOptions {
            context: context.to_context(),
            ..crate::analysis::AnalysisOptions::at(now)
        };
        let model = Arc::clone(model);
        let handle = std::thread::spawn(move || who_can::who_can(&model, &a, &r, &options, &p));
        WhoCanPane {
            action,
            resource,
            context,
            total,
            progress,
            handle: Some(handle),
            result: None,
            names: Vec::new(),
            assumed_by: Vec::new(),
            failed: false,
            cursor: 0,
            offset: 0,
            height: 10,
        }
    }

    pub fn busy(&self) -> bool {
        self.handle.is_some()
    }

    pub fn result(&self) -> Option<&WhoCan> {
        self.result.as_ref()
    }

    /// Collect the answer once it is there; whether anything changed.
    pub fn tick(&mut self, model: &Model) -> bool {
        if !self.handle.as_ref().is_some_and(|h| h.is_finished()) {
            return false;
        }
        if let Some(handle) = self.handle.take() {
            match handle.join() {
                Ok(result) => {
                    self.names = result
                        .allowed
                        .iter()
                        .map(|a| principal_name(model, &a.principal))
                        .collect();
                    self.assumed_by = result
                        .allowed
                        .iter()
                        .map(|a| federated_populations(model, &a.principal))
                        .collect();
                    self.result = Some(result);
                }
                Err(_) => self.failed = true,
            }
        }
        true
    }

    fn cancel(&mut self) -> bool {
        if self.handle.is_some() {
            self.progress.cancel();
            return true;
        }
        false
    }

    fn len(&self) -> usize {
        self.result.as_ref().map_or(0, |r| r.allowed.len())
    }

    /// A click on a row of the pane's body.
    pub fn click(&mut self, row: usize) {
        if let Some(row) = row.checked_sub(1) {
            self.cursor = (self.offset + row).min(self.len().saturating_sub(1));
        }
    }
}

impl Drop for WhoCanPane {
    fn drop(&mut self) {
        self.cancel();
    }
}

impl Component for WhoCanPane {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        let last = self.len().saturating_sub(1) as isize;
        let page = self.height.max(1) as isize;
        let mut move_by = |delta: isize| {
            self.cursor = (self.cursor as isize).saturating_add(delta).clamp(0, last.max(0)) as usize;
        };
        match action {
            Action::Up => move_by(-1),
            Action::Down => move_by(1),
            Action::PageUp => move_by(-page),
            Action::PageDown => move_by(page),
            Action::Top => move_by(isize::MIN / 2),
            Action::Bottom => move_by(isize::MAX / 2),
            Action::Back => {
                if self.cancel() {
                    ctx.queue.status("who-can cancelled");
                }
                return Handled::Close;
            }
            Action::Open => {
                let Some(chosen) = self.result.as_ref().and_then(|r| r.allowed.get(self.cursor)) else {
                    return Handled::Consumed;
                };
                let mut spec = RequestSpec::new(chosen.principal.clone(), self.action.clone(), self.resource.clone());
                spec.context = self.context.clone();
                ctx.queue.push(Action::Explain(spec));
                return Handled::Close;
            }
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }

    fn resize(&mut self, area: Rect) {
        // the border, then the line that counts them
        self.height = area.height.saturating_sub(3) as usize;
        self.offset = scrolled(self.cursor, self.offset, self.height);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let title = format!(
            " Who can {} on {} ",
            visible(&self.action),
            fit(&visible(&self.resource), 50)
        );
        let block = block(theme, title, paint.focused);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines: Vec<Line> = Vec::new();
        match &self.result {
            None if self.failed => lines.push(Line::from(Span::styled("who-can failed unexpectedly", theme.warning))),
            None => {
                let done = self.progress.done().min(self.total);
                let bar_width = inner.width.saturating_sub(4).min(50) as usize;
                let filled = (done * bar_width).checked_div(self.total).unwrap_or(bar_width);
                lines.push(Line::from(Span::styled(
                    format!("evaluating {done} of {} principals…  (esc cancels)", self.total),
                    theme.text,
                )));
                lines.push(Line::from(Span::styled(
                    format!("[{}{}]", "█".repeat(filled), "·".repeat(bar_width - filled)),
                    theme.title,
                )));
            }
            Some(result) => {
                lines.push(Line::from(Span::styled(
                    format!(
                        "{} of {} principals may do it.  Enter asks the inspector about one.",
                        result.allowed.len(),
                        result.evaluated
                    ),
                    theme.dim,
                )));
                let name_width = self.names.iter().map(|n| width(n)).max().unwrap_or(10).min(30);
                for (i, allowed) in result.allowed.iter().enumerate().skip(self.offset).take(self.height) {
                    let because = match &allowed.deciding {
                        Some(s) => format!("{} in {}", s.statement, s.policy),
                        None => allowed.rule.replace('-', " "),
                    };
                    let selected = paint.focused && i == self.cursor;
                    let name = self.names.get(i).map_or("", String::as_str);
                    let mut text = format!(
                        "{} {}  {}",
                        if selected { "▶" } else { " " },
                        pad(&visible(name), name_width),
                        visible(&because)
                    );
                    for population in self.assumed_by.get(i).into_iter().flatten() {
                        text.push_str(&format!("  ↳ assumable by {}", visible(population)));
                    }
                    lines.push(Line::from(Span::styled(
                        text,
                        if selected { theme.selection } else { theme.text },
                    )));
                }
            }
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// The federated populations whose users can assume `principal`, when it
/// is a role (`↳ assumable by …` in the CLI's who-can).
fn federated_populations(model: &Model, principal: &str) -> Vec<String> {
    principal
        .strip_prefix("role/")
        .and_then(|name| model.index().role(name))
        .map(|role| {
            crate::analysis::federation::role_populations(model, role)
                .into_iter()
                .map(|t| format!("{} ({})", t.population, t.principal))
                .collect()
        })
        .unwrap_or_default()
}

/// `identity-pool/ID:unauthenticated` reads better as `guests of PhotoAppIdentities`.
fn principal_name(model: &Model, principal: &str) -> String {
    let Some(rest) = principal.strip_prefix("identity-pool/") else {
        return principal.to_owned();
    };
    let Some((id, kind)) = rest.rsplit_once(':') else {
        return principal.to_owned();
    };
    let pool = model.identity_pool(id).map_or(id, |p| p.name.as_str());
    match kind {
        "unauthenticated" => format!("guests of {pool}"),
        _ => format!("signed-in users of {pool}"),
    }
}
