//! The keys of every mode, from the live key maps, each with its name in
//! `config.toml`; then the commands, from the command table.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::Scroll;
use crate::tui::action::{Action, Mode, bindable};
use crate::tui::command;
use crate::tui::component::{Component, Ctx, Handled, Paint};
use crate::tui::keymap::Keymaps;
use crate::tui::text::width;

pub struct HelpPopup {
    scroll: Scroll,
}

/// The help's lines for these key maps.
pub fn lines(keys: &Keymaps) -> Vec<String> {
    let mut lines = Vec::new();
    let key_width = Mode::ALL
        .iter()
        .flat_map(|m| bindable(*m).iter().map(move |a| width(&keys.label(*m, a))))
        .max()
        .unwrap_or(8)
        .max(8);
    let name_width = Mode::ALL
        .iter()
        .flat_map(|m| bindable(*m).iter().filter_map(|a| a.name()))
        .map(|n| n.len())
        .max()
        .unwrap_or(10);
    for mode in Mode::ALL {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!("{} — [{}] in config.toml", mode.title(), mode.table()));
        for action in bindable(mode) {
            let label = keys.label(mode, action);
            let pad = key_width.saturating_sub(width(&label));
            lines.push(format!(
                "{}{label}  {:<name_width$}  {}",
                " ".repeat(pad),
                action.name().unwrap_or_default(),
                action.describe(mode)
            ));
        }
        if mode.takes_text() {
            lines.push(format!(
                "{}  (other characters are typed; a paste is typed at once)",
                " ".repeat(key_width)
            ));
        }
    }
    lines.push(String::new());
    lines.push("In the inspector: enter on a field types into it (Tab completes), enter on a row".to_owned());
    lines.push("opens or closes it, o opens a statement's policy at its line.".to_owned());
    lines.push("Paste what AWS said (in a list, the inspector or :why): an AccessDenied message, a".to_owned());
    lines.push("decoded authorization message or a CloudTrail event becomes the inspector's request;".to_owned());
    lines.push("a box tells where each part came from, whether AWS's words agree, and the fix.".to_owned());
    lines.push("In the CloudTrail view (--cloudtrail FILE, then T or :cloudtrail): enter explains a group.".to_owned());
    lines.push(String::new());
    lines.push("Commands (after :, Tab completes):".to_owned());
    lines.extend(command::help_lines());
    lines.push(String::new());
    lines.push("Keys and theme can be changed in the settings file that `iamscope info` names:".to_owned());
    lines.push("  [keys] quit = [\"q\", \"ctrl-c\"]  — an action's keys, by its name above.".to_owned());
    // a column of room inside the border: a long key (pgdown/ctrl-f/space) does not touch it
    lines
        .into_iter()
        .map(|l| if l.is_empty() { l } else { format!(" {l}") })
        .collect()
}

impl HelpPopup {
    pub fn new(keys: &Keymaps) -> HelpPopup {
        HelpPopup {
            scroll: Scroll::new(lines(keys), 0),
        }
    }
}

impl Component for HelpPopup {
    fn mode(&self) -> Mode {
        Mode::Popup
    }

    fn handle(&mut self, action: &Action, _ctx: &mut Ctx<'_>) -> Handled {
        if self.scroll.scroll(action) {
            return Handled::Consumed;
        }
        match action {
            Action::Help | Action::Cancel | Action::Accept | Action::No => Handled::Close,
            _ => Handled::Ignored,
        }
    }

    fn resize(&mut self, area: Rect) {
        self.scroll.resize(area);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let hint = format!("{} closes", paint.keys.first(Mode::Popup, &Action::Cancel));
        self.scroll.draw(frame, area, paint, "Keys", &hint);
    }
}
