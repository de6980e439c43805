//! A one-line text input with a cursor, edited by actions (characters,
//! pastes, deletions, movements), and fuzzy ranking for completion and
//! filtering (nucleo's matcher, as used by helix and television).

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::action::Action;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    /// Cursor position in characters.
    pub cursor: usize,
    /// The text is a suggestion: typing replaces it, a movement keeps it.
    pub suggested: bool,
}

/// What an action did to an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Changed,
    Moved,
    Submit,
    Cancel,
    /// An action the input does not use (Complete, Up, Down: the owner's).
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
    /// selected default is); movements keep it for editing.
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
        self.suggested = false;
    }

    fn insert(&mut self, text: &str) {
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, text);
        self.cursor += text.chars().count();
    }

    pub fn apply(&mut self, action: &Action) -> Edit {
        if std::mem::take(&mut self.suggested)
            && matches!(
                action,
                Action::Insert(_) | Action::Paste(_) | Action::DeleteBack | Action::DeleteForward
            )
        {
            self.text.clear();
            self.cursor = 0;
            if matches!(action, Action::DeleteBack | Action::DeleteForward) {
                return Edit::Changed;
            }
        }
        let chars = self.text.chars().count();
        match action {
            Action::Submit => Edit::Submit,
            Action::Cancel => Edit::Cancel,
            Action::Insert(c) => {
                let mut buf = [0; 4];
                self.insert(c.encode_utf8(&mut buf));
                Edit::Changed
            }
            Action::Paste(text) => {
                // one line: line breaks and other control characters become spaces
                let line: String = text
                    .trim_end_matches(['\n', '\r'])
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                self.insert(&line);
                Edit::Changed
            }
            Action::ClearLine => {
                self.text.clear();
                self.cursor = 0;
                Edit::Changed
            }
            Action::DeleteBack if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
                Edit::Changed
            }
            Action::DeleteForward if self.cursor < chars => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
                Edit::Changed
            }
            Action::DeleteWord if self.cursor > 0 => {
                let before: Vec<char> = self.text.chars().take(self.cursor).collect();
                let mut start = before.len();
                while start > 0 && before[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && before[start - 1] != ' ' {
                    start -= 1;
                }
                let (from, to) = (self.byte_at(start), self.byte_at(self.cursor));
                self.text.replace_range(from..to, "");
                self.cursor = start;
                Edit::Changed
            }
            Action::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                Edit::Moved
            }
            Action::Right => {
                self.cursor = (self.cursor + 1).min(chars);
                Edit::Moved
            }
            Action::Home => {
                self.cursor = 0;
                Edit::Moved
            }
            Action::End => {
                self.cursor = chars;
                Edit::Moved
            }
            Action::DeleteBack | Action::DeleteForward | Action::DeleteWord => Edit::Moved,
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

impl std::fmt::Debug for Fuzzy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fuzzy")
    }
}

impl Fuzzy {
    /// Positions of the items that match `query`, best first (all, in order,
    /// for an empty query).
    pub fn rank<'a>(&mut self, query: &str, items: impl Iterator<Item = &'a str>) -> Vec<usize> {
        self.rank_named(query, items.map(|item| (item, item)))
    }

    /// Positions of the items that match `query`, best first. An item is
    /// its name and all its text. Tight before loose: the items whose text
    /// holds every word of the query (those whose name starts with it
    /// first, then by where it is found, then the shorter); only when none
    /// does, the names the query's letters spell in order (fuzzy, as fzf).
    /// A loose match over whole rows would let `sso` match any row with an
    /// s, an s and an o in it.
    pub fn rank_named<'a>(&mut self, query: &str, items: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<usize> {
        let items: Vec<(&str, &str)> = items.collect();
        let words = words(query);
        if words.is_empty() {
            return (0..items.len()).collect();
        }
        let mut tight: Vec<((bool, usize, usize), usize)> = items
            .iter()
            .enumerate()
            .filter_map(|(i, (name, text))| {
                let lower = text.to_lowercase();
                let first = lower.find(&words[0])?;
                words.iter().all(|w| lower.contains(w)).then(|| {
                    let starts = name.to_lowercase().starts_with(&words[0]);
                    ((!starts, first, text.len()), i)
                })
            })
            .collect();
        if !tight.is_empty() {
            tight.sort();
            return tight.into_iter().map(|(_, i)| i).collect();
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut buf = Vec::new();
        let mut scored: Vec<(u32, usize)> = items
            .iter()
            .enumerate()
            .filter_map(|(i, (name, _))| {
                pattern
                    .score(Utf32Str::new(name, &mut buf), &mut self.matcher)
                    .map(|s| (s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, i)| i).collect()
    }

    /// Positions of the items that hold every word of `query` (in their
    /// order); with `invert`, of those that do not.
    pub fn filter<'a>(&mut self, query: &str, invert: bool, items: impl Iterator<Item = &'a str>) -> Vec<usize> {
        let words = words(query);
        items
            .enumerate()
            .filter(|(_, item)| {
                let lower = item.to_lowercase();
                words.iter().all(|w| lower.contains(w)) != invert
            })
            .map(|(i, _)| i)
            .collect()
    }
}

/// The words of a query, lower case.
fn words(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_moves_the_cursor_and_edits_in_place() {
        let mut input = LineInput::new("s3:Get");
        input.apply(&Action::Left);
        input.apply(&Action::Insert('X'));
        assert_eq!(input.text, "s3:GeXt");
        input.apply(&Action::DeleteBack);
        input.apply(&Action::End);
        input.apply(&Action::Insert('é'));
        assert_eq!(input.text, "s3:Geté");
        assert_eq!(input.cursor, 7);
        assert_eq!(input.apply(&Action::Submit), Edit::Submit);
        assert_eq!(input.apply(&Action::Complete), Edit::Other);
        input.apply(&Action::DeleteWord);
        assert_eq!(input.text, "");
    }

    #[test]
    fn a_paste_is_one_edit_on_one_line() {
        let mut input = LineInput::new("user/");
        assert_eq!(input.apply(&Action::Paste("alice\n".into())), Edit::Changed);
        assert_eq!(input.text, "user/alice");
        input.apply(&Action::Paste("a\tb\nc".into()));
        assert_eq!(input.text, "user/alicea b c");
    }

    #[test]
    fn a_suggestion_is_replaced_by_typing_and_kept_by_moving() {
        let mut typed = LineInput::suggest("alice-2");
        typed.apply(&Action::Insert('z'));
        assert_eq!(typed.text, "z");
        typed.apply(&Action::Insert('o'));
        assert_eq!(typed.text, "zo", "only the first key replaces");
        let mut kept = LineInput::suggest("alice-2");
        kept.apply(&Action::End);
        kept.apply(&Action::Insert('b'));
        assert_eq!(kept.text, "alice-2b");
        let mut erased = LineInput::suggest("alice-2");
        assert_eq!(erased.apply(&Action::DeleteBack), Edit::Changed);
        assert_eq!(erased.text, "");
        let mut accepted = LineInput::suggest("alice-2");
        assert_eq!(accepted.apply(&Action::Submit), Edit::Submit);
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

    #[test]
    fn the_filter_is_tight_before_it_is_loose() {
        // `sso` is in two rows: the letters s, s, o in other rows do not count
        let rows = [
            (
                "AWS-QuickSetup-EnableCRecording",
                "AWS-QuickSetup-EnableCRecording ssm.amazonaws.com 2",
            ),
            (
                "AWSReservedSSO_ViewOnly",
                "AWSReservedSSO_ViewOnly arn:aws:iam::1:saml-provider/x 2",
            ),
            ("AWSServiceRoleForSSO", "AWSServiceRoleForSSO sso.amazonaws.com 1"),
            ("ssoadmin", "ssoadmin ec2.amazonaws.com 1"),
        ];
        let mut fuzzy = Fuzzy::default();
        assert_eq!(fuzzy.rank_named("sso", rows.iter().copied()), [3, 1, 2]);
        // nothing holds the query: the names it spells, best first
        assert_eq!(fuzzy.rank_named("qsecr", rows.iter().copied()), [0]);
        // every word counts
        assert_eq!(fuzzy.rank_named("sso view", rows.iter().copied()), [1]);
        assert!(fuzzy.rank_named("zzz", rows.iter().copied()).is_empty());
    }
}
