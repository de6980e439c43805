//! A question answered with a line of text (a name, a file); its answer
//! goes back as [`Action::Answer`] with what was asked. An answer that is
//! refused (a name IAM does not allow, or one taken) comes back as a new
//! prompt with the text as typed and why it was refused.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::action::{Action, Mode};
use crate::tui::ask::Ask;
use crate::tui::component::{Component, Ctx, Handled, Paint};
use crate::tui::input::{Edit, LineInput};
use crate::tui::pages::wrap;
use crate::tui::paint::{block, centred, clear, input_line};
use crate::tui::text::{visible, width};

pub struct PromptPopup {
    title: String,
    input: LineInput,
    ask: Ask,
    /// Why the answer given before was refused.
    error: Option<String>,
}

impl PromptPopup {
    pub fn new(title: impl Into<String>, ask: Ask) -> PromptPopup {
        PromptPopup::suggesting(title, "", ask)
    }

    /// With a suggested answer, replaced by the first character typed.
    pub fn suggesting(title: impl Into<String>, suggestion: &str, ask: Ask) -> PromptPopup {
        PromptPopup {
            title: title.into(),
            input: LineInput::suggest(suggestion),
            ask,
            error: None,
        }
    }

    /// The same question again after `text` was refused: the text stays,
    /// ready to correct, with why it was refused.
    pub fn refused(title: impl Into<String>, ask: Ask, text: &str, error: impl Into<String>) -> PromptPopup {
        PromptPopup {
            title: title.into(),
            input: LineInput::new(text),
            ask,
            error: Some(error.into()),
        }
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn text(&self) -> &str {
        &self.input.text
    }

    fn lines(&self, room: usize) -> Vec<String> {
        wrap(&visible(&self.title), room.max(20))
    }
}

impl Component for PromptPopup {
    fn mode(&self) -> Mode {
        Mode::Input
    }

    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        match self.input.apply(action) {
            Edit::Submit => {
                let text = self.input.text.trim().to_owned();
                if !text.is_empty() {
                    ctx.queue.push(Action::Answer {
                        ask: self.ask.clone(),
                        text,
                        question: self.title.clone(),
                    });
                }
                Handled::Close
            }
            Edit::Cancel => Handled::Close,
            Edit::Other if matches!(action, Action::Quit) => Handled::Ignored,
            _ => Handled::Consumed,
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let w = (width(&self.title) as u16 + 6).clamp(60, area.width.saturating_sub(2).max(10));
        let room = w.saturating_sub(4) as usize;
        let title = self.lines(room);
        let error = self
            .error
            .as_deref()
            .map(|e| wrap(&visible(e), room.max(20)))
            .unwrap_or_default();
        let rect = centred(area, w, (title.len() + error.len()) as u16 + 3);
        clear(frame, rect);
        let hint = if self.input.suggested {
            "enter ok, type to replace, → to edit, esc cancel"
        } else {
            "enter ok, esc cancel"
        };
        let mut lines: Vec<Line> = title
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme.text)))
            .collect();
        lines.push(input_line(theme, "› ", &self.input, hint));
        lines.extend(
            error
                .into_iter()
                .map(|l| Line::from(Span::styled(l, theme.explicit_deny))),
        );
        let name = format!(" {} ", self.ask.title());
        frame.render_widget(Paragraph::new(lines).block(block(theme, name, true)), rect);
    }
}
