//! Recovery: every journal of unsaved work that other sessions of this
//! account left (or are writing), newest first, with what each holds, when
//! it was written and whether its process still runs. One is recovered, or
//! thrown away, at a time; Esc leaves them all for later.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::Scroll;
use crate::model::change;
use crate::session::Found;
use crate::tui::action::{Action, Mode};
use crate::tui::component::{Component, Ctx, Handled, Paint};
use crate::tui::keymap::Keymaps;

/// One journal offered.
#[derive(Debug, Clone)]
pub struct Offer {
    pub found: Found,
    /// The account's files changed since it was written.
    pub stale: bool,
}

pub struct RecoveryPopup {
    offers: Vec<Offer>,
    cursor: usize,
    scroll: Scroll,
    /// Yes, no, later, quit.
    keys: (String, String, String, String),
}

fn when(text: &str) -> String {
    text.parse::<jiff::Timestamp>()
        .map_or_else(|_| text.to_owned(), |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
}

impl RecoveryPopup {
    pub fn new(offers: Vec<Offer>, keys: &Keymaps) -> RecoveryPopup {
        let key = |a: &Action| keys.first(Mode::Popup, a);
        let mut popup = RecoveryPopup {
            offers,
            cursor: 0,
            scroll: Scroll::default(),
            keys: (
                key(&Action::Yes),
                key(&Action::No),
                key(&Action::Cancel),
                key(&Action::Quit),
            ),
        };
        popup.refresh();
        popup
    }

    pub fn offers(&self) -> &[Offer] {
        &self.offers
    }

    /// The journal was recovered or thrown away: it is no longer offered.
    pub fn remove(&mut self, journal: &PathBuf) -> bool {
        self.offers.retain(|o| &o.found.path != journal);
        self.cursor = self.cursor.min(self.offers.len().saturating_sub(1));
        self.refresh();
        !self.offers.is_empty()
    }

    fn refresh(&mut self) {
        let mut lines = vec![if self.offers.len() == 1 {
            "A session of this account ended with unsaved work:".to_owned()
        } else {
            format!(
                "{} sessions of this account left unsaved work (newest first):",
                self.offers.len()
            )
        }];
        for (i, offer) in self.offers.iter().enumerate() {
            let f = &offer.found;
            let process = if f.running {
                format!("process {} still runs: its journal stays", f.header.pid)
            } else {
                format!("process {} has ended", f.header.pid)
            };
            let mark = if i == self.cursor && self.offers.len() > 1 {
                "▶"
            } else {
                " "
            };
            lines.push(format!(
                "{mark} {}, written {} ({process})",
                f.holds(),
                when(&f.header.updated)
            ));
            if i != self.cursor && self.offers.len() > 1 {
                continue;
            }
            for c in f.changes.iter().take(12) {
                lines.push(format!("    • {}", change::describe(c)));
            }
            if f.changes.len() > 12 {
                lines.push(format!("    … and {} more", f.changes.len() - 12));
            }
            if f.unreadable > 0 {
                lines.push(format!(
                    "    ({} line(s) of the journal were cut off and cannot be used)",
                    f.unreadable
                ));
            }
            if offer.stale {
                lines.push("    The account's files changed since then: some changes may no longer apply.".to_owned());
            }
        }
        lines.push(String::new());
        let (yes, no, later, quit) = &self.keys;
        lines.push(if self.offers.len() == 1 {
            format!("{yes} recovers it, {no} throws it away, {later} or {quit} decides later (it is kept)")
        } else {
            format!(
                "{yes} recovers the one chosen, {no} throws it away, {later} or {quit} decides later (they are kept)"
            )
        });
        self.scroll.set(lines);
    }
}

impl Component for RecoveryPopup {
    fn mode(&self) -> Mode {
        Mode::Popup
    }

    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        let chosen = self.offers.get(self.cursor).map(|o| o.found.path.clone());
        match action {
            Action::Down if self.offers.len() > 1 => {
                self.cursor = (self.cursor + 1).min(self.offers.len() - 1);
                self.refresh();
            }
            Action::Up if self.offers.len() > 1 => {
                self.cursor = self.cursor.saturating_sub(1);
                self.refresh();
            }
            Action::Yes | Action::Accept => {
                if let Some(journal) = chosen {
                    ctx.queue.push(Action::Recover { journal, recover: true });
                }
                return Handled::Close;
            }
            Action::No => {
                if let Some(journal) = chosen {
                    ctx.queue.push(Action::Recover {
                        journal: journal.clone(),
                        recover: false,
                    });
                    if !self.remove(&journal) {
                        return Handled::Close;
                    }
                }
            }
            // q and ctrl-c, the first keys a stranger tries, dismiss it as
            // esc does: the journal is kept and offered again
            Action::Cancel | Action::Quit => {
                ctx.queue.status(format!(
                    "the unsaved work is kept and offered again at the next start (:recover offers it now); {} again quits",
                    self.keys.3
                ));
                return Handled::Close;
            }
            other => {
                if !self.scroll.scroll(other) {
                    return Handled::Ignored;
                }
            }
        }
        Handled::Consumed
    }

    fn resize(&mut self, area: Rect) {
        self.scroll.resize(area);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let key = |a: &Action| paint.keys.first(Mode::Popup, a);
        let hint = format!(
            "{}, {} or {}",
            key(&Action::Yes),
            key(&Action::No),
            key(&Action::Cancel)
        );
        self.scroll.draw(frame, area, paint, "Recover unsaved work?", &hint);
    }
}
