//! `:why` (or a paste where no text is typed): a box to paste what AWS said —
//! an AccessDenied error message, `aws sts decode-authorization-message`
//! output, or one CloudTrail event — and then what iamscope makes of it,
//! in the words `iamscope why` prints ([`crate::evidence::report`]): what
//! AWS said, the request rebuilt with each field's origin, the cross-check
//! with AWS's words and the fix. The rebuilt request goes to the inspector
//! behind the box, whose tree shows the explanation.
//!
//! Text that is no evidence leaves the box open with the reason under the
//! text, which stays to be corrected. A CloudTrail log (many events) opens
//! the CloudTrail view instead.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::evidence::{self, Answer, Fix, Input};
use crate::model::change::Change;
use crate::tui::action::{Action, Mode};
use crate::tui::component::{Component, Ctx, Handled, Paint};
use crate::tui::input::{Edit, LineInput};
use crate::tui::inspector::tone;
use crate::tui::pages::{Tone, wrap};
use crate::tui::paint::{block, centred, clear, fit_spans, wrap_spans};
use crate::tui::text::{visible, width};

const ASK: &str = "Paste what AWS said: an AccessDenied error message (as the CLI or an SDK prints it), \
    the output of `aws sts decode-authorization-message`, or one CloudTrail event. \
    A CloudTrail log opens the CloudTrail view.";

/// The box while the text is pasted or typed.
struct Paste {
    input: LineInput,
    /// Why the text is no evidence, from the core, shown under it.
    error: Option<String>,
    /// Text rows shown, from the last resize.
    rows: usize,
    width: usize,
}

/// A toned line of the answer.
pub type Toned = Vec<(String, Tone)>;

/// The box once the evidence is answered: its lines, in their tones,
/// wrapped to the box and scrolled.
struct Answered {
    title: String,
    lines: Vec<Toned>,
    rows: Vec<Toned>,
    offset: usize,
    /// Rows the box shows, from the last resize.
    body: usize,
    /// The width the rows were wrapped for.
    width: u16,
    /// The fix, when it is one change.
    fix: Option<Change>,
}

impl Answered {
    fn new(title: String, lines: Vec<Toned>, fix: Option<Change>) -> Answered {
        Answered {
            title,
            rows: lines.clone(),
            lines,
            offset: 0,
            body: 10,
            width: 0,
            fix,
        }
    }

    /// Move for a scrolling action; whether it was one.
    fn scroll(&mut self, action: &Action) -> bool {
        super::scroll_offset(&mut self.offset, self.body, self.rows.len(), action)
    }

    fn box_width(&self, main: Rect) -> u16 {
        let widest = self
            .lines
            .iter()
            .map(|l| l.iter().map(|(t, _)| width(t)).sum::<usize>())
            .max()
            .unwrap_or(40)
            .max(40);
        (widest as u16 + 4).min(main.width.saturating_sub(4))
    }

    fn area(&self, main: Rect) -> Rect {
        centred(
            main,
            self.box_width(main),
            self.rows.len().min(u16::MAX as usize - 2) as u16 + 2,
        )
    }

    fn resize(&mut self, main: Rect) {
        let w = self.box_width(main);
        if w != self.width {
            self.width = w;
            let room = w.saturating_sub(2) as usize;
            self.rows = self.lines.iter().flat_map(|l| wrap_spans(l.clone(), room)).collect();
        }
        self.body = self.area(main).height.saturating_sub(2) as usize;
        self.offset = self.offset.min(self.rows.len().saturating_sub(self.body));
    }

    fn draw(&self, frame: &mut Frame<'_>, main: Rect, paint: &Paint<'_>, hint: &str) {
        let theme = paint.theme;
        let area = self.area(main);
        clear(frame, area);
        let room = area.width.saturating_sub(2) as usize;
        let shown: Vec<Line> = self
            .rows
            .iter()
            .skip(self.offset)
            .take(self.body)
            .map(|row| Line::from(fit_spans(theme, row, room, false)))
            .collect();
        let first = |action: &Action| paint.keys.first(Mode::Popup, action);
        let title = if self.rows.len() > self.body {
            format!(
                " {} — {}/{} ({}/{} scroll, {hint}) ",
                self.title,
                self.offset + self.body.min(self.rows.len()),
                self.rows.len(),
                first(&Action::Down),
                first(&Action::Up)
            )
        } else {
            format!(" {} ({hint}) ", self.title)
        };
        frame.render_widget(Paragraph::new(shown).block(block(theme, title, true)), area);
    }
}

pub struct WhyPopup {
    paste: Paste,
    answered: Option<Answered>,
    keys: Keys,
}

impl WhyPopup {
    /// The paste box, with `text` in it; `keys` are named in the answer.
    pub fn new(text: &str, keys: Keys) -> WhyPopup {
        let mut input = LineInput::default();
        paste(&mut input, text);
        WhyPopup {
            paste: Paste {
                input,
                error: None,
                rows: 4,
                width: 60,
            },
            answered: None,
            keys,
        }
    }

    /// An answer already worked out (a CloudTrail group's first event;
    /// `more` lists the group's other events).
    pub fn answered(title: String, answer: &Answer, more: &[Toned], keys: Keys) -> WhyPopup {
        let mut popup = WhyPopup::new("", keys);
        popup.answer(title, answer, more);
        popup
    }

    fn answer(&mut self, title: String, answer: &Answer, more: &[Toned]) {
        self.answered = Some(Answered::new(
            title,
            lines(answer, &self.keys, more),
            the_change(answer),
        ));
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Handled {
        let text = self.paste.input.text.trim().to_owned();
        if text.is_empty() {
            self.paste.error = Some("nothing to read yet: paste the message or the event first".to_owned());
            return Handled::Consumed;
        }
        match evidence::read_text(&text, ctx.now) {
            Err(e) => {
                self.paste.error = Some(e.to_string());
                Handled::Consumed
            }
            Ok(Input::Trail(_)) => {
                ctx.queue.push(Action::CloudTrailText(text));
                Handled::Close
            }
            Ok(Input::One(e)) => {
                let answer = evidence::answer(ctx.model, &e);
                self.answer(title(&answer), &answer, &[]);
                if let Some(spec) = inspector_request(&answer) {
                    ctx.queue.push(Action::Explain(spec));
                }
                Handled::Consumed
            }
        }
    }
}

/// `Why: IMPLICIT DENY`.
pub fn title(answer: &Answer) -> String {
    match answer.decision() {
        Some(d) => format!("Why: {}", crate::eval::outline::decision_word(d)),
        None => "Why: not evaluated".to_owned(),
    }
}

/// The request the inspector asks: the one rebuilt from the evidence (and
/// refined against the account), when the engine could evaluate it.
pub fn inspector_request(answer: &Answer) -> Option<crate::eval::RequestSpec> {
    answer.explanation.as_ref()?;
    Some(answer.evidence.request.spec())
}

/// The answer as the box shows it: the sections `iamscope why` prints,
/// the conclusion first (the box opens at its top, where a terminal shows
/// the CLI's last lines): what AWS said, iamscope's decision (the inspector
/// behind the box has its tree), the cross-check, the fix, then the request
/// with each field's origin.
/// `more` goes before the request (a CloudTrail group's other events).
pub fn lines(answer: &Answer, keys: &Keys, more: &[Toned]) -> Vec<Toned> {
    let report = evidence::report::report(answer);
    let mut out: Vec<Toned> = toned(&report.said);
    out.push(Vec::new());
    out.push(vec![("iamscope's answer".to_owned(), Tone::Heading)]);
    match (&answer.explanation, &answer.not_evaluated) {
        (Some(e), _) => {
            out.push(vec![
                ("  ".to_owned(), Tone::Text),
                (
                    e.decision.as_str().to_owned(),
                    tone(crate::eval::outline::decision_tone(e.decision)),
                ),
                (format!(": {}", visible(&e.summary)), Tone::Text),
            ]);
            out.push(vec![(
                "  the inspector behind this box shows why, statement by statement".to_owned(),
                Tone::Dim,
            )]);
        }
        (None, Some(why)) => out.push(vec![(format!("  not evaluated: {}", visible(why)), Tone::Warn)]),
        (None, None) => {}
    }
    out.push(Vec::new());
    out.extend(toned(&report.cross_check));
    if !report.fix.is_empty() {
        out.push(Vec::new());
        out.extend(toned(&report.fix));
        if the_change(answer).is_some() {
            out.push(vec![(
                format!(
                    "  {} makes this change (what else it changes is shown first)",
                    keys.apply_fix
                ),
                Tone::Dim,
            )]);
        }
    }
    if !more.is_empty() {
        out.push(Vec::new());
        out.extend(more.iter().cloned());
    }
    out.push(Vec::new());
    out.extend(toned(&report.request));
    out
}

/// The report's lines in the explorer's tones, escaped for the terminal.
pub fn toned(lines: &[evidence::report::Line]) -> Vec<Toned> {
    lines
        .iter()
        .map(|l| l.iter().map(|s| (visible(&s.text), tone(s.tone))).collect())
        .collect()
}

/// The keys the box's text names.
pub struct Keys {
    pub apply_fix: String,
}

impl Keys {
    pub fn of(keys: &crate::tui::keymap::Keymaps) -> Keys {
        Keys {
            apply_fix: keys.first(Mode::Popup, &Action::Yes),
        }
    }
}

/// The fix as one change the explorer can make (the engine checked it on a
/// copy); a fix of several changes is left to the editor.
fn the_change(answer: &Answer) -> Option<Change> {
    match &answer.fix {
        Some(Fix::Allow { changes, .. }) if changes.len() == 1 => Some(changes[0].change.clone()),
        _ => None,
    }
}

/// The text as rows of at most `room` characters, broken at its line
/// breaks too, and the row and column of the cursor (a character index).
fn rows(text: &str, cursor: usize, room: usize) -> (Vec<String>, (usize, usize)) {
    let room = room.max(1);
    let mut rows = vec![String::new()];
    let mut at = (0, 0);
    let mut column = 0;
    for (i, c) in text.chars().enumerate() {
        if i == cursor {
            at = (rows.len() - 1, column);
        }
        if c == '\n' {
            rows.push(String::new());
            column = 0;
            continue;
        }
        if column == room {
            rows.push(String::new());
            column = 0;
            if i == cursor {
                at = (rows.len() - 1, 0);
            }
        }
        if let Some(row) = rows.last_mut() {
            row.push(c);
        }
        column += 1;
    }
    if cursor >= text.chars().count() {
        at = (rows.len() - 1, column);
        if column == room {
            rows.push(String::new());
            at = (rows.len() - 1, 0);
        }
    }
    (rows, at)
}

/// Pasted text, with its line breaks kept (a JSON error's line and column
/// then point into what was pasted); other control characters become spaces.
/// Many terminals send a pasted line break as a carriage return.
fn paste(input: &mut LineInput, text: &str) {
    let clean: String = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect();
    let at = input
        .text
        .char_indices()
        .nth(input.cursor)
        .map_or(input.text.len(), |(i, _)| i);
    input.text.insert_str(at, &clean);
    input.cursor += clean.chars().count();
}

impl Component for WhyPopup {
    fn mode(&self) -> Mode {
        if self.answered.is_some() {
            Mode::Popup
        } else {
            Mode::Input
        }
    }

    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        if let Some(answered) = &mut self.answered {
            if answered.scroll(action) {
                return Handled::Consumed;
            }
            return match action {
                Action::Accept | Action::Cancel | Action::No => Handled::Close,
                Action::Yes => match answered.fix.take() {
                    Some(change) => {
                        ctx.queue.push(Action::Propose {
                            change,
                            from_editor: false,
                        });
                        Handled::Close
                    }
                    None => {
                        ctx.queue
                            .status("no change to make: the fix names none iamscope can make here");
                        Handled::Consumed
                    }
                },
                _ => Handled::Ignored,
            };
        }
        if let Action::Paste(text) = action {
            paste(&mut self.paste.input, text);
            self.paste.error = None;
            return Handled::Consumed;
        }
        match self.paste.input.apply(action) {
            Edit::Submit => self.submit(ctx),
            Edit::Cancel => Handled::Close,
            Edit::Changed => {
                self.paste.error = None;
                Handled::Consumed
            }
            Edit::Other if matches!(action, Action::Quit) => Handled::Ignored,
            _ => Handled::Consumed,
        }
    }

    fn resize(&mut self, area: Rect) {
        if let Some(answered) = &mut self.answered {
            answered.resize(area);
        }
        let w = area.width.saturating_sub(4).min(100);
        self.paste.width = w.saturating_sub(4) as usize;
        self.paste.rows = (area.height as usize / 3).clamp(3, 12);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let keys = |a: &Action| paint.keys.first(Mode::Input, a);
        if let Some(answered) = &self.answered {
            let close = paint.keys.first(Mode::Popup, &Action::Cancel);
            let hint = match answered.fix {
                Some(_) => format!("{} applies the fix, {close} closes", self.keys.apply_fix),
                None => format!("{close} closes"),
            };
            answered.draw(frame, area, paint, &hint);
            return;
        }
        let room = self.paste.width.max(20);
        let mut lines: Vec<Line> = wrap(ASK, room)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme.text)))
            .collect();
        lines.push(Line::from(""));
        // the rows around the cursor, the cursor in reverse video
        let input = &self.paste.input;
        let (text_rows, (cursor_row, cursor_col)) = rows(&input.text, input.cursor, room);
        let first = cursor_row.saturating_sub(self.paste.rows.saturating_sub(1));
        for (i, row) in text_rows.iter().enumerate().skip(first).take(self.paste.rows) {
            let row = visible(row);
            if i == cursor_row {
                let before: String = row.chars().take(cursor_col).collect();
                let at: String = row.chars().nth(cursor_col).map_or(" ".to_owned(), |c| c.to_string());
                let after: String = row.chars().skip(cursor_col + 1).collect();
                lines.push(Line::from(vec![
                    Span::styled(before, theme.text),
                    Span::styled(at, theme.selection),
                    Span::styled(after, theme.text),
                ]));
            } else {
                lines.push(Line::from(Span::styled(row, theme.text)));
            }
        }
        if let Some(error) = &self.paste.error {
            lines.push(Line::from(""));
            for l in wrap(&format!("Not read: {}", visible(error)), room) {
                lines.push(Line::from(Span::styled(l, theme.explicit_deny)));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!(
                "{} explains · {} leaves · {} clears",
                keys(&Action::Submit),
                keys(&Action::Cancel),
                keys(&Action::ClearLine)
            ),
            theme.dim,
        )));
        let w = (room + 4).min(area.width.saturating_sub(2) as usize) as u16;
        let h = (lines.len() as u16 + 2).min(area.height);
        let rect = centred(area, w, h);
        clear(frame, rect);
        let chars = input.text.chars().count();
        let title = if chars > 0 {
            format!(
                " Why was it denied? — {chars} character{} ",
                if chars == 1 { "" } else { "s" }
            )
        } else {
            " Why was it denied? ".to_owned()
        };
        frame.render_widget(Paragraph::new(lines).block(block(theme, title, true)), rect);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_breaks_rows_at_line_breaks_and_at_its_width_and_finds_the_cursor() {
        let (r, at) = rows("ab\ncdefg", 0, 3);
        assert_eq!(r, ["ab", "cde", "fg"]);
        assert_eq!(at, (0, 0));
        assert_eq!(rows("ab\ncdefg", 2, 3).1, (0, 2), "on the line break");
        assert_eq!(rows("ab\ncdefg", 3, 3).1, (1, 0));
        assert_eq!(
            rows("ab\ncdefg", 6, 3).1,
            (2, 0),
            "the first character of a wrapped row"
        );
        assert_eq!(rows("ab\ncdefg", 8, 3).1, (2, 2), "at the end");
        let (r, at) = rows("abc", 3, 3);
        assert_eq!((r.len(), at), (2, (1, 0)), "a full row: the cursor starts the next");
        assert_eq!(rows("", 0, 3), (vec![String::new()], (0, 0)));
    }

    #[test]
    fn a_paste_keeps_its_line_breaks_and_turns_other_controls_to_spaces() {
        let mut input = LineInput::new("[]");
        input.cursor = 1;
        paste(&mut input, "{\r\n\t\"a\": 1\u{1b}\r}");
        assert_eq!(input.text, "[{\n \"a\": 1 \n}]");
        assert_eq!(input.cursor, 1 + "{\n \"a\": 1 \n}".chars().count());
    }
}
