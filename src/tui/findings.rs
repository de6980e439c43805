//! The findings pane: what the linter says about every policy of the
//! account, worst first; Enter opens the policy at the finding's line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Action;
use super::component::{Component, Ctx, Handled, Paint};
use super::paint::{block, scrolled};
use super::sections::Target;
use super::text::{fit, visible, width};
use crate::analysis::lint::{AccountLint, PolicySource, lint_account};
use crate::model::{EntityRef, Holder, Model};
use crate::policy::{Diagnostic, Severity};

/// One row: the policy a finding is about and the finding.
#[derive(Debug, Clone)]
pub struct FindingRow {
    pub locator: String,
    pub source: PolicySource,
    pub finding: Diagnostic,
}

/// The account's findings, errors first, then warnings, then notes; in
/// each severity, in the order of the policies.
pub fn rows(lint: &AccountLint) -> Vec<FindingRow> {
    let mut rows: Vec<FindingRow> = lint
        .findings()
        .map(|(policy, finding)| FindingRow {
            locator: policy.source.locator(),
            source: policy.source.clone(),
            finding: finding.clone(),
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.finding.severity));
    rows
}

#[derive(Debug, Clone, Default)]
pub struct FindingsPane {
    rows: Vec<FindingRow>,
    cursor: usize,
    offset: usize,
    height: usize,
}

impl FindingsPane {
    pub fn new(model: &Model) -> FindingsPane {
        FindingsPane {
            rows: rows(&lint_account(model)),
            ..FindingsPane::default()
        }
    }

    pub fn rows(&self) -> &[FindingRow] {
        &self.rows
    }

    /// `E errors, W warnings, N notes; …` for the status line.
    pub fn summary(&self) -> String {
        let count = |s: Severity| self.rows.iter().filter(|r| r.finding.severity == s).count();
        format!(
            "{} errors, {} warnings, {} notes; enter opens the policy at the finding",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        )
    }

    pub fn account_changed(&mut self, model: &Model) {
        self.rows = rows(&lint_account(model));
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
    }

    /// A click on a row of the pane's body.
    pub fn click(&mut self, row: usize) {
        self.cursor = (self.offset + row).min(self.rows.len().saturating_sub(1));
    }

    fn open(&self, ctx: &mut Ctx<'_>) {
        let Some(row) = self.rows.get(self.cursor) else {
            return;
        };
        let Some(entity) = entity(&row.source) else {
            ctx.queue.status(format!("{} has no page of its own", row.locator));
            return;
        };
        match row.source {
            // the quota of all inline policies together: the entity's page
            PolicySource::InlinePolicies { .. } => ctx.queue.push(Action::Show(Target::Entity(entity))),
            _ => {
                let entity = match entity {
                    EntityRef::ManagedPolicy { arn, version: None } => {
                        let version = ctx.model.policy(&arn).map(|p| p.default_version_id.clone());
                        EntityRef::ManagedPolicy { arn, version }
                    }
                    other => other,
                };
                ctx.queue.push(Action::ShowAt {
                    target: Target::Entity(entity),
                    line: row.finding.line,
                });
            }
        }
        ctx.queue.status(match &row.finding.help {
            Some(help) => format!("{}: {} — {help}", row.finding.code, row.finding.message),
            None => format!("{}: {}", row.finding.code, row.finding.message),
        });
    }
}

/// The page of the policy a finding is about.
fn entity(source: &PolicySource) -> Option<EntityRef> {
    let holder = |entity: &str| -> Option<Holder> {
        Some(match entity.split_once('/')? {
            ("user", n) => Holder::User(n.to_owned()),
            ("group", n) => Holder::Group(n.to_owned()),
            ("role", n) => Holder::Role(n.to_owned()),
            _ => return None,
        })
    };
    Some(match source {
        PolicySource::ManagedPolicy { arn, .. } => EntityRef::managed_policy(arn.clone()),
        PolicySource::Inline { entity, name } => EntityRef::InlinePolicy {
            holder: holder(entity)?,
            name: name.clone(),
        },
        PolicySource::InlinePolicies { entity } => EntityRef::from(holder(entity)?),
        PolicySource::TrustPolicy { role } => EntityRef::TrustPolicy { role: role.clone() },
        PolicySource::ResourcePolicy { resource } => EntityRef::ResourcePolicy {
            resource_arn: resource.clone(),
        },
        PolicySource::Scp { name, .. } => EntityRef::Scp {
            name: name.clone(),
            target: None,
        },
        PolicySource::Rcp { name, .. } => EntityRef::Rcp {
            name: name.clone(),
            target: None,
        },
    })
}

impl Component for FindingsPane {
    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        let last = self.rows.len().saturating_sub(1) as isize;
        let page = self.height.max(1) as isize;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            Action::Open => {
                self.open(ctx);
                return Handled::Consumed;
            }
            _ => return Handled::Ignored,
        };
        self.cursor = (self.cursor as isize).saturating_add(delta).clamp(0, last.max(0)) as usize;
        Handled::Consumed
    }

    fn resize(&mut self, area: Rect) {
        self.height = area.height.saturating_sub(2) as usize;
        self.offset = scrolled(self.cursor, self.offset, self.height);
    }

    fn target(&self) -> Option<Target> {
        self.rows
            .get(self.cursor)
            .and_then(|r| entity(&r.source))
            .map(Target::Entity)
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let title = format!(" Findings ({}; enter opens the policy) ", self.rows.len());
        let block = block(theme, title, paint.focused);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines: Vec<Line> = Vec::new();
        if self.rows.is_empty() {
            lines.push(Line::from(Span::styled(
                "The linter finds nothing to say about this account's policies.",
                theme.dim,
            )));
        }
        let locator_width = self
            .rows
            .iter()
            .map(|r| width(&r.locator))
            .max()
            .unwrap_or(0)
            .min(inner.width as usize / 2);
        for (i, row) in self
            .rows
            .iter()
            .enumerate()
            .skip(self.offset)
            .take(inner.height as usize)
        {
            let selected = paint.focused && i == self.cursor;
            let (mark, style) = match row.finding.severity {
                Severity::Error => ("E", theme.explicit_deny),
                Severity::Warning => ("W", theme.warning),
                Severity::Info => ("i", theme.dim),
            };
            let text = format!(
                "{:<lw$} {:>4}:{:<3} {}",
                fit(&visible(&row.locator), locator_width),
                row.finding.line,
                row.finding.column,
                visible(&row.finding.message),
                lw = locator_width
            );
            let text = fit(&text, (inner.width as usize).saturating_sub(4));
            lines.push(Line::from(vec![
                Span::styled(if selected { "▶ " } else { "  " }, theme.text),
                Span::styled(format!("{mark} "), style),
                Span::styled(text, if selected { theme.selection } else { theme.text }),
            ]));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
