//! One version of a managed policy compared with the default version; `d`
//! makes it the default (after the impact preview).

use ratatui::Frame;
use ratatui::layout::Rect;

use super::Scroll;
use crate::model::Model;
use crate::model::change::Change;
use crate::tui::action::{Action, Mode};
use crate::tui::component::{Component, Ctx, Handled, Paint};

pub struct VersionPopup {
    arn: String,
    version: String,
    scroll: Scroll,
}

impl VersionPopup {
    /// `version` of the policy `arn`, as a diff against the default version.
    pub fn new(model: &Model, arn: &str, version: &str) -> Option<VersionPopup> {
        let policy = model.policy(arn)?;
        let text = |id: &str| {
            policy
                .versions
                .iter()
                .find(|v| v.id == id)
                .map(|v| v.document.text().to_owned())
                .unwrap_or_default()
        };
        let default = policy.versions.iter().find(|v| v.is_default).map(|v| v.id.clone());
        let mut lines = Vec::new();
        match &default {
            Some(d) if d == version => {
                lines.push(format!("{version} is the default version:"));
                lines.extend(text(version).lines().map(|l| format!("  {l}")));
            }
            Some(d) => {
                lines.push(format!(
                    "{version} compared with the default {d} (- only in {d}, + only in {version}):"
                ));
                let (old, new) = (text(d), text(version));
                let diff = similar::TextDiff::from_lines(&old, &new);
                for change in diff.iter_all_changes() {
                    let sign = match change.tag() {
                        similar::ChangeTag::Delete => '-',
                        similar::ChangeTag::Insert => '+',
                        similar::ChangeTag::Equal => ' ',
                    };
                    lines.push(format!("{sign} {}", change.value().trim_end_matches('\n')));
                }
            }
            None => lines.extend(text(version).lines().map(str::to_owned)),
        }
        Some(VersionPopup {
            arn: arn.to_owned(),
            version: version.to_owned(),
            scroll: Scroll::new(lines.iter().map(|l| crate::tui::text::visible(l)).collect(), 0),
        })
    }
}

impl Component for VersionPopup {
    fn mode(&self) -> Mode {
        Mode::Popup
    }

    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        if self.scroll.scroll(action) {
            return Handled::Consumed;
        }
        match action {
            Action::MakeDefault => {
                ctx.queue.push(Action::Propose {
                    change: Change::SetDefaultPolicyVersion {
                        arn: self.arn.clone(),
                        version: self.version.clone(),
                    },
                    from_editor: false,
                });
                Handled::Close
            }
            Action::Accept | Action::Cancel | Action::No => Handled::Close,
            _ => Handled::Ignored,
        }
    }

    fn resize(&mut self, area: Rect) {
        self.scroll.resize(area);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let title = format!(
            "{} — {} makes it the default",
            self.version,
            paint.keys.first(Mode::Popup, &Action::MakeDefault)
        );
        let hint = format!("{} closes", paint.keys.first(Mode::Popup, &Action::Cancel));
        self.scroll.draw(frame, area, paint, &title, &hint);
    }
}
