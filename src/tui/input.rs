//! A one-line text input with a cursor, and fuzzy ranking for completion
//! and filtering (nucleo's matcher, as used by helix and television).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    /// Cursor position in characters.
    pub cursor: usize,
    /// The text is a suggestion: typing replaces it, a movement key keeps it.
    pub suggested: bool,
}

/// What a key did to an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Changed,
    Moved,
    Submit,
    Cancel,
    /// A key the input does not use (Tab, Up, Down: the caller's).
    Other,
}

impl LineInput {
    pub fn new(text: &str) -> LineInput {
        LineInput {
            text: text.to_owned(),
            cursor: text.chars().count(),
            suggested: false,
        }
    }

    /// A suggested text, replaced by the first character typed (as a
    /// selected default is); arrows, Home and End keep it for editing.
    pub fn suggest(text: &str) -> LineInput {
        LineInput {
            suggested: !text.is_empty(),
            ..LineInput::new(text)
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text.char_indices().nth(chars).map_or(self.text.len(), |(i, _)| i)
    }

    pub fn set(&mut self, text: &str) {
        self.text = text.to_owned();
        self.cursor = text.chars().count();
    }

    pub fn handle(&mut self, key: &KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if std::mem::take(&mut self.suggested) {
            match key.code {
                KeyCode::Char(_) | KeyCode::Backspace | KeyCode::Delete if !ctrl => {
                    self.text.clear();
                    self.cursor = 0;
                    if !matches!(key.code, KeyCode::Char(_)) {
                        return Edit::Changed;
                    }
                }
                _ => {}
            }
        }
        match key.code {
            KeyCode::Enter => Edit::Submit,
            KeyCode::Esc => Edit::Cancel,
            KeyCode::Char('u') if ctrl => {
                self.text.clear();
                self.cursor = 0;
                Edit::Changed
            }
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                Edit::Moved
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = self.text.chars().count();
                Edit::Moved
            }
            KeyCode::Char('c') if ctrl => Edit::Cancel,
            KeyCode::Char(c) if !ctrl => {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
                Edit::Changed
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
                Edit::Changed
            }
            KeyCode::Delete if self.cursor < self.text.chars().count() => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
                Edit::Changed
            }
            KeyCode::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                Edit::Moved
            }
            KeyCode::Right => {
                self.cursor = (self.cursor + 1).min(self.text.chars().count());
                Edit::Moved
            }
            KeyCode::Home => {
                self.cursor = 0;
                Edit::Moved
            }
            KeyCode::End => {
                self.cursor = self.text.chars().count();
                Edit::Moved
            }
            _ => Edit::Other,
        }
    }
}

/// Ranks candidates against a fuzzy query.
pub struct Fuzzy {
    matcher: Matcher,
}

impl Default for Fuzzy {
    fn default() -> Fuzzy {
        Fuzzy {
            matcher: Matcher::new(Config::DEFAULT),
        }
    }
}

impl Fuzzy {
    /// Positions of the items that match `query`, best first (all, in order,
    /// for an empty query).
    pub fn rank<'a>(&mut self, query: &str, items: impl Iterator<Item = &'a str>) -> Vec<usize> {
        if query.trim().is_empty() {
            return items.enumerate().map(|(i, _)| i).collect();
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut buf = Vec::new();
        let mut scored: Vec<(u32, usize)> = items
            .enumerate()
            .filter_map(|(i, item)| {
                pattern
                    .score(Utf32Str::new(item, &mut buf), &mut self.matcher)
                    .map(|s| (s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, i)| i).collect()
    }

    /// Positions of the items that match (in their order); with `invert`, of those that do not.
    pub fn filter<'a>(&mut self, query: &str, invert: bool, items: impl Iterator<Item = &'a str>) -> Vec<usize> {
        let items: Vec<&str> = items.collect();
        if query.trim().is_empty() {
            return (0..items.len()).collect();
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut buf = Vec::new();
        (0..items.len())
            .filter(|&i| {
                pattern
                    .score(Utf32Str::new(items[i], &mut buf), &mut self.matcher)
                    .is_some()
                    != invert
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_moves_the_cursor_and_edits_in_place() {
        let mut input = LineInput::new("s3:Get");
        input.handle(&key(KeyCode::Left));
        input.handle(&key(KeyCode::Char('X')));
        assert_eq!(input.text, "s3:GeXt");
        input.handle(&key(KeyCode::Backspace));
        input.handle(&key(KeyCode::End));
        input.handle(&key(KeyCode::Char('é')));
        assert_eq!(input.text, "s3:Geté");
        assert_eq!(input.cursor, 7);
        assert_eq!(input.handle(&key(KeyCode::Enter)), Edit::Submit);
        assert_eq!(input.handle(&key(KeyCode::Tab)), Edit::Other);
    }

    #[test]
    fn a_suggestion_is_replaced_by_typing_and_kept_by_moving() {
        let mut typed = LineInput::suggest("alice-2");
        typed.handle(&key(KeyCode::Char('z')));
        assert_eq!(typed.text, "z");
        typed.handle(&key(KeyCode::Char('o')));
        assert_eq!(typed.text, "zo", "only the first key replaces");
        let mut kept = LineInput::suggest("alice-2");
        kept.handle(&key(KeyCode::End));
        kept.handle(&key(KeyCode::Char('b')));
        assert_eq!(kept.text, "alice-2b");
        let mut erased = LineInput::suggest("alice-2");
        assert_eq!(erased.handle(&key(KeyCode::Backspace)), Edit::Changed);
        assert_eq!(erased.text, "");
        let mut accepted = LineInput::suggest("alice-2");
        assert_eq!(accepted.handle(&key(KeyCode::Enter)), Edit::Submit);
        assert_eq!(accepted.text, "alice-2");
    }

    #[test]
    fn fuzzy_ranking_puts_the_closest_first_and_inverts() {
        let items = ["s3:PutObject", "s3:GetObject", "ec2:RunInstances"];
        let mut fuzzy = Fuzzy::default();
        let ranked = fuzzy.rank("getobj", items.iter().copied());
        assert_eq!(ranked.first(), Some(&1));
        assert_eq!(fuzzy.filter("s3", false, items.iter().copied()), [0, 1]);
        assert_eq!(fuzzy.filter("s3", true, items.iter().copied()), [2]);
    }
}
