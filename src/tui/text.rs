//! Text that reaches the terminal: control characters and escape sequences in
//! names, tags and policies are made visible, never sent raw; widths are
//! display widths, so wide and combining characters keep columns aligned.

use unicode_width::UnicodeWidthStr;

/// Show control characters as escapes (`\u{1b}`), keep everything else.
pub fn visible(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Cut `text` to at most `max` columns, ending with `…` when cut.
pub fn fit(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max.saturating_sub(1) {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Cut `text` to at most `max` columns by taking out its middle: names
/// that share a long beginning (`AWS-QuickSetup-…-ap-northeast-1`) stay
/// apart by their ends.
pub fn fit_middle(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    if max < 8 {
        return fit(text, max);
    }
    let head_room = (max - 1) * 2 / 5;
    let tail_room = max - 1 - head_room;
    let char_width = |c: char| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    let mut head = String::new();
    let mut used = 0;
    for c in text.chars() {
        if used + char_width(c) > head_room {
            break;
        }
        head.push(c);
        used += char_width(c);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        if used + char_width(c) > tail_room {
            break;
        }
        tail.push(c);
        used += char_width(c);
    }
    tail.reverse();
    format!("{head}…{}", tail.into_iter().collect::<String>())
}

/// Pad `text` with spaces to exactly `columns` (cutting it if longer).
pub fn pad(text: &str, columns: usize) -> String {
    let cut = fit(text, columns);
    let w = width(&cut);
    format!("{cut}{}", " ".repeat(columns.saturating_sub(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_escapes_are_made_visible() {
        assert_eq!(visible("evil\x1b[31mname"), "evil\\u{1b}[31mname");
        assert_eq!(visible("tab\there"), "tab\\there");
        assert_eq!(visible("plain"), "plain");
    }

    #[test]
    fn wide_and_combining_characters_keep_columns() {
        assert_eq!(width("日本"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width(&pad("日本語のユーザー", 7)), 7);
        assert_eq!(pad("日本語", 7), "日本語 ");
        assert_eq!(fit("abcdef", 4), "abc…");
    }

    #[test]
    fn a_name_cut_in_the_middle_keeps_the_end_that_tells_it_apart() {
        let a = fit_middle("AWS-QuickSetup-EnableCRecording-1clff_ap-northeast-1", 24);
        let b = fit_middle("AWS-QuickSetup-EnableCRecording-1clff_eu-west-2", 24);
        assert_eq!(width(&a), 24);
        assert_eq!(a, "AWS-Quick…ap-northeast-1");
        assert_ne!(a, b);
        assert_eq!(fit_middle("short", 24), "short");
        assert!(width(&fit_middle("日本語のユーザー名前です", 9)) <= 9);
    }
}
