//! The one trait every pane and popup of the explorer implements, what it
//! may read and where it sends messages.
//!
//! A part owns its state. It is given actions (a key already turned into an
//! action by the key map of its mode, or a message from another part) and
//! says whether it used them; what it wants from the rest of the explorer it
//! pushes, as actions, onto the one queue. It draws with `&self`: nothing
//! changes while drawing. What drawing needs that depends on the size of
//! the terminal (scrolling, the page size, wrapping) is worked out in
//! `resize`, which the explorer calls with the part's area before it draws.

use std::collections::VecDeque;
use std::sync::Arc;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::action::{Action, Mode};
use super::keymap::Keymaps;
use super::sections::Target;
use super::suggest::Suggest;
use super::theme::Theme;
use crate::model::Model;

/// What a part did with an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Not for this part: the explorer may use it.
    Ignored,
    Consumed,
    /// Consumed, and this popup (or view) is done: close it.
    Close,
}

/// The messages between the parts, in the order they were sent.
#[derive(Debug, Default)]
pub struct Queue(VecDeque<Action>);

impl Queue {
    pub fn push(&mut self, action: Action) {
        self.0.push_back(action);
    }

    pub fn status(&mut self, text: impl Into<String>) {
        self.push(Action::Status(text.into()));
    }

    pub fn pop(&mut self) -> Option<Action> {
        self.0.pop_front()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What a part may use while it handles an action.
pub struct Ctx<'a> {
    pub model: &'a Arc<Model>,
    /// The time requests are asked at.
    pub now: Timestamp,
    pub queue: &'a mut Queue,
    pub suggest: &'a mut Suggest,
}

/// What a part may read while it draws.
pub struct Paint<'a> {
    pub theme: &'a Theme,
    pub keys: &'a Keymaps,
    pub model: &'a Model,
    /// Whether keys go to this part.
    pub focused: bool,
}

impl Paint<'_> {
    /// The same, focused or not.
    pub fn with_focus(&self, focused: bool) -> Paint<'_> {
        Paint {
            theme: self.theme,
            keys: self.keys,
            model: self.model,
            focused,
        }
    }
}

pub trait Component {
    /// An action for this part: used or not; messages go to `ctx.queue`.
    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled;

    /// Draw into `area`, as the part is.
    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>);

    /// The key map the part's keys are looked up in.
    fn mode(&self) -> Mode {
        Mode::Normal
    }

    /// The area the part will be drawn in: keep the cursor in view, note
    /// the page size, wrap.
    fn resize(&mut self, _area: Rect) {}

    /// What the cursor is on, for the keys that act on it (edit, delete, copy).
    fn target(&self) -> Option<Target> {
        None
    }
}
