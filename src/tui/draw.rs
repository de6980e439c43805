//! Drawing the app's state. Wide terminals show the list and the right pane
//! side by side; under 100 columns one pane at a time; below the minimum a
//! message says how much room is needed. Selections are reverse video with
//! a marker, so they show without colour.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::app::{App, Focus, Mode, Overlay, View};
use super::detail::Tone;
use super::inspector::{Field, decision_tone, decision_word};
use super::keymap::Action;
use super::sections::Section;
use super::text::{fit, pad, visible, width};

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;
/// Below this width the list and the right pane share the screen in turn.
pub const SIDE_BY_SIDE: u16 = 100;

fn tone(app: &App, tone: Tone) -> Style {
    let t = &app.theme;
    match tone {
        Tone::Text => t.text,
        Tone::Dim => t.dim,
        Tone::Heading => t.title,
        Tone::Link => t.link,
        Tone::Good => t.allow,
        Tone::Bad => t.explicit_deny,
        Tone::Warn => t.warning,
        Tone::JsonKey => t.json_key,
        Tone::JsonString => t.json_string,
        Tone::JsonNumber => t.json_number,
        Tone::JsonPunct => t.json_punct,
    }
}

/// Tab labels in three widths, the widest that fits.
fn tab_title(section: Section, tier: usize) -> &'static str {
    match (tier, section) {
        (0, s) => s.title(),
        (1, Section::IdentityPools) => "IdPools",
        (1, Section::UserPools) => "UserPools",
        (1, Section::ResourcePolicies) => "Resources",
        (1, Section::OrgPolicies) => "Org",
        (_, Section::Policies) if tier > 1 => "Pols",
        (_, Section::IdentityPools) => "IdP",
        (_, Section::UserPools) => "UsrP",
        (_, Section::ResourcePolicies) => "Res",
        (_, Section::OrgPolicies) => "Org",
        (_, s) => s.title(),
    }
}

pub fn draw(frame: &mut Frame<'_>, app: &mut App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let message = format!(
            "iamscope needs at least {MIN_WIDTH}×{MIN_HEIGHT} characters; this terminal is {}×{}. Enlarge the window (q quits).",
            area.width, area.height
        );
        let lines: Vec<Line> = super::detail::wrap(&message, area.width.max(10) as usize - 2)
            .into_iter()
            .map(Line::from)
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let [header, tabs, main, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(frame, app, header);
    draw_tabs(frame, app, tabs);
    app.narrow = area.width < SIDE_BY_SIDE;
    // a lesson's pane sits under the panes it talks about
    let main = if app.lesson_session.is_some() && app.editor.is_none() {
        let (head, tail) = app.lesson_lines(main.width.saturating_sub(2) as usize);
        let most = (main.height * 2 / 5).clamp(8, 14);
        let height = (head.len() as u16 + tail.len() as u16 + 2).clamp(6, most);
        let [top, pane] = Layout::vertical([Constraint::Min(3), Constraint::Length(height)]).areas(main);
        draw_lesson_pane(frame, app, pane);
        top
    } else {
        main
    };
    if app.editor.is_some() {
        draw_editor(frame, app, main);
        draw_footer(frame, app, footer);
        if let Some(overlay) = app.overlay.clone() {
            draw_overlay(frame, app, main, &overlay);
        }
        return;
    }
    if app.narrow {
        app.areas.list = Rect::default();
        app.areas.right = Rect::default();
        match app.focus {
            Focus::List => draw_list(frame, app, main),
            Focus::Right => draw_right(frame, app, main),
        }
    } else {
        // The inspector and who-can need the room more than the list.
        let list_share = if matches!(
            app.stack.last(),
            Some(View::Inspector | View::WhoCan | View::Lessons { .. } | View::Findings { .. })
        ) {
            36
        } else {
            44
        };
        let [left, right] = Layout::horizontal([
            Constraint::Percentage(list_share),
            Constraint::Percentage(100 - list_share),
        ])
        .areas(main);
        draw_list(frame, app, left);
        draw_right(frame, app, right);
    }
    draw_footer(frame, app, footer);
    if let Mode::EditField { field, input, .. } = &app.mode {
        let suggestions = app.field_suggestions(*field, &input.text.clone());
        draw_suggestions(frame, app, main, &suggestions);
    }
    if let Some(overlay) = app.overlay.clone() {
        draw_overlay(frame, app, main, &overlay);
    }
}

fn breadcrumbs(app: &App) -> String {
    let mut crumbs = vec![app.section.title().to_owned()];
    // who-can is about its action and resource, not the list's selection
    let about_selection = !matches!(
        app.stack.first(),
        Some(View::WhoCan | View::Findings { .. } | View::Changes { .. } | View::Lessons { .. })
    );
    if let (true, Some(target)) = (about_selection, app.selection()) {
        crumbs.push(target.label(&app.model));
    }
    for view in &app.stack {
        crumbs.push(match view {
            View::Detail { target, .. } => target.label(&app.model),
            View::Inspector => "inspector".to_owned(),
            View::WhoCan => "who can".to_owned(),
            View::Changes { .. } => "changes".to_owned(),
            View::Findings { .. } => "findings".to_owned(),
            View::Lessons { .. } => "lessons".to_owned(),
        });
    }
    // Long trails keep their first step and their last two.
    if crumbs.len() > 4 {
        let tail = crumbs.split_off(crumbs.len() - 2);
        crumbs.truncate(1);
        crumbs.push("…".to_owned());
        crumbs.extend(tail);
    }
    crumbs.join(" › ")
}

fn draw_header(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let account = app.model.account();
    let name = account.alias.clone().unwrap_or_else(|| account.id.clone());
    let left = format!(" iamscope · {}  ›  {}", visible(&name), visible(&breadcrumbs(app)));
    let mut flags = String::new();
    if app.readonly {
        flags.push_str("READ-ONLY  ");
    }
    let unsaved = app.unsaved();
    if unsaved > 0 {
        flags.push_str(&format!("● {unsaved} unsaved  "));
    }
    let right = format!("{flags}{}  ? help ", visible(&app.source));
    let room = (area.width as usize).saturating_sub(width(&right) + 1);
    let line = Line::from(vec![
        Span::styled(pad(&left, room), app.theme.title),
        Span::raw(" "),
        Span::styled(right, app.theme.dim),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_tabs(frame: &mut Frame<'_>, app: &mut App, area: Rect) {
    let tier = (0..3)
        .find(|&tier| {
            Section::ALL
                .iter()
                .map(|s| tab_title(*s, tier).len() + 5)
                .sum::<usize>()
                <= area.width as usize
        })
        .unwrap_or(2);
    let mut spans = Vec::new();
    let mut x = area.x;
    app.areas.tabs.clear();
    app.areas.tabs_row = area.y;
    for (i, section) in Section::ALL.iter().enumerate() {
        let title = tab_title(*section, tier);
        let label = format!(" {} {title} ", i + 1);
        let w = width(&label) as u16;
        app.areas.tabs.push((x, x + w, *section));
        x += w + 1;
        let style = if *section == app.section {
            app.theme.tab_active
        } else {
            app.theme.tab
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn block<'a>(app: &App, title: String, focused: bool) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            app.theme.border_focus
        } else {
            app.theme.border
        })
        .title(Span::styled(
            title,
            if focused { app.theme.title } else { app.theme.text },
        ))
}

fn draw_list(frame: &mut Frame<'_>, app: &mut App, area: Rect) {
    let section = app.section;
    let focused = app.focus == Focus::List;
    let list = app.list().clone();
    let total = app.rows(section).len();
    let filter = if list.filter.is_empty() {
        String::new()
    } else {
        format!(" /{}", visible(&list.filter))
    };
    let title = format!(
        " {} ({}{}){filter} ",
        section.title(),
        list.visible.len(),
        if list.visible.len() == total {
            String::new()
        } else {
            format!(" of {total}")
        }
    );
    let block = block(app, title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    app.areas.list = area;
    app.areas.list_first_row = inner.y + 1;
    if inner.height < 2 {
        return;
    }
    let columns = section.columns();
    let body_height = (inner.height - 1) as usize;
    // keep the selection in view
    let mut offset = list.offset;
    if list.selected < offset {
        offset = list.selected;
    } else if list.selected >= offset + body_height {
        offset = list.selected + 1 - body_height;
    }
    if let Some(state) = app.lists.get_mut(&section) {
        state.offset = offset;
    }
    let rows = app.rows(section).to_vec();
    let shown: Vec<&super::sections::Row> = list
        .visible
        .iter()
        .skip(offset)
        .take(body_height)
        .filter_map(|&i| rows.get(i))
        .collect();
    // column widths from what is visible, the first column flexible
    let available = inner.width.saturating_sub(2) as usize;
    let mut widths: Vec<usize> = columns.iter().map(|c| width(c)).collect();
    for row in &shown {
        for (i, cell) in row.cells.iter().enumerate().take(widths.len()) {
            widths[i] = widths[i].max(width(&visible(cell)).min(40));
        }
    }
    fit_columns(&mut widths, available);
    let spacing = widths.len().saturating_sub(1) * 2;
    let used: usize = widths.iter().sum::<usize>() + spacing;
    if used < available && !widths.is_empty() {
        let last = widths.len() - 1;
        widths[last] += available - used;
    }
    let render_cells = |cells: &[String]| -> String {
        widths
            .iter()
            .enumerate()
            .map(|(i, w)| pad(&visible(cells.get(i).map_or("", String::as_str)), *w))
            .collect::<Vec<_>>()
            .join("  ")
    };
    let header_cells: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let mut lines = vec![Line::from(Span::styled(
        format!("  {}", render_cells(&header_cells)),
        app.theme.header,
    ))];
    for (i, row) in shown.iter().enumerate() {
        let selected = offset + i == list.selected;
        let text = render_cells(&row.cells);
        if selected {
            let style = if focused {
                app.theme.selection
            } else {
                app.theme.text.add_modifier(Modifier::BOLD)
            };
            lines.push(Line::from(Span::styled(format!("▶ {text}"), style)));
        } else {
            lines.push(Line::from(Span::styled(format!("  {text}"), app.theme.text)));
        }
    }
    if shown.is_empty() {
        let empty = if total == 0 {
            "nothing of this kind in the account"
        } else {
            "no row matches the filter (esc clears it)"
        };
        lines.push(Line::from(Span::styled(format!("  {empty}"), app.theme.dim)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Make column widths fit. Long columns other than the name shrink to 12
/// first; the name keeps 24 while the least important columns (on the
/// right) are dropped; only then does the name shrink further.
fn fit_columns(widths: &mut Vec<usize>, available: usize) {
    const SHORTEST: usize = 12;
    const NAME: usize = 24;
    loop {
        let spacing = widths.len().saturating_sub(1) * 2;
        let total: usize = widths.iter().sum::<usize>() + spacing;
        if total <= available {
            return;
        }
        let excess = total - available;
        let widest_other = (1..widths.len())
            .filter(|&i| widths[i] > SHORTEST)
            .max_by_key(|&i| widths[i]);
        if let Some(i) = widest_other {
            widths[i] = widths[i].saturating_sub(excess).max(SHORTEST);
        } else if widths.first().is_some_and(|&w| w > NAME) {
            widths[0] = widths[0].saturating_sub(excess).max(NAME);
        } else if widths.len() > 2 {
            widths.pop();
        } else if widths.first().is_some_and(|&w| w > SHORTEST) {
            widths[0] = widths[0].saturating_sub(excess).max(SHORTEST);
        } else if widths.len() > 1 {
            widths.pop();
        } else {
            if let Some(first) = widths.first_mut() {
                *first = available;
            }
            return;
        }
    }
}

fn draw_right(frame: &mut Frame<'_>, app: &mut App, area: Rect) {
    app.areas.right = area;
    let focused = app.focus == Focus::Right;
    match app.stack.last().cloned() {
        Some(View::Inspector) => draw_inspector(frame, app, area, focused),
        Some(View::WhoCan) => draw_who_can(frame, app, area, focused),
        Some(View::Changes { .. }) => draw_changes(frame, app, area, focused),
        Some(View::Findings { .. }) => draw_findings(frame, app, area, focused),
        Some(View::Lessons { .. }) => draw_lessons(frame, app, area, focused),
        _ => draw_doc(frame, app, area, focused),
    }
}

fn scrolled(cursor: usize, offset: usize, height: usize) -> usize {
    if cursor < offset {
        cursor
    } else if height > 0 && cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    }
}

fn draw_doc(frame: &mut Frame<'_>, app: &mut App, area: Rect, focused: bool) {
    let Some(doc) = app.right_doc() else {
        let block = block(app, " Detail ".to_owned(), focused);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(Paragraph::new(Span::styled("Nothing selected.", app.theme.dim)), inner);
        return;
    };
    let block = block(app, format!(" {} ", visible(&doc.title)), focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    app.page = height.saturating_sub(1).max(1);
    let (cursor, offset) = match app.stack.last_mut() {
        Some(View::Detail { cursor, offset, .. }) => {
            *cursor = (*cursor).min(doc.lines.len().saturating_sub(1));
            *offset = scrolled(*cursor, *offset, height);
            (*cursor, *offset)
        }
        _ => {
            app.live.0 = app.live.0.min(doc.lines.len().saturating_sub(1));
            app.live.1 = scrolled(app.live.0, app.live.1, height);
            app.live
        }
    };
    let room = inner.width as usize;
    let lines: Vec<Line> = doc
        .lines
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, line)| {
            let selected = focused && i == cursor;
            let mut spans = vec![if selected {
                Span::styled("▶", app.theme.selection)
            } else {
                Span::raw(" ")
            }];
            spans.extend(fit_spans(app, &line.spans, room.saturating_sub(1), selected));
            let line = Line::from(spans);
            if selected {
                line.style(app.theme.highlight_line)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Toned spans cut to `room` columns, ending in `…` when cut; a selected
/// row is padded so its highlight spans the pane.
fn fit_spans(app: &App, spans: &[(String, Tone)], room: usize, selected: bool) -> Vec<Span<'static>> {
    let mut out = Vec::with_capacity(spans.len() + 1);
    let mut used = 0;
    for (text, t) in spans {
        let w = width(text);
        if used + w > room {
            out.push(Span::styled(fit(text, room.saturating_sub(used)), tone(app, *t)));
            used = room;
            break;
        }
        out.push(Span::styled(text.clone(), tone(app, *t)));
        used += w;
    }
    if selected && used < room {
        out.push(Span::raw(" ".repeat(room - used)));
    }
    out
}

fn draw_inspector(frame: &mut Frame<'_>, app: &mut App, area: Rect, focused: bool) {
    let block = block(app, " Inspector ".to_owned(), focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = app.inspector.rows();
    let cursor = app.inspector.cursor;
    let mut lines: Vec<Line> = Vec::new();
    for (i, field) in Field::ALL.iter().enumerate() {
        let value = app.inspector.field(*field);
        let shown = if value.is_empty() {
            "(none — Enter to type)".to_owned()
        } else {
            visible(value)
        };
        let mark = if focused && cursor == i { "▶" } else { " " };
        let style = if focused && cursor == i {
            app.theme.selection
        } else {
            app.theme.text
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} {:<10}", field.label()), app.theme.dim),
            Span::styled(shown, style),
        ]));
    }
    let badge_line = match &app.inspector.result {
        Some(Ok(e)) => {
            let style = tone(app, decision_tone(e.decision)).add_modifier(Modifier::REVERSED);
            let mut spans = vec![
                Span::styled(format!(" {} ", decision_word(e.decision)), style),
                Span::raw(" "),
            ];
            let summary_room = inner.width.saturating_sub(18) as usize;
            let summary = super::detail::wrap(&visible(&e.summary), summary_room.max(20));
            spans.push(Span::styled(
                summary.first().cloned().unwrap_or_default(),
                app.theme.text,
            ));
            let mut out = vec![Line::from(spans)];
            for more in summary.iter().skip(1) {
                out.push(Line::from(Span::styled(
                    format!("{}{more}", " ".repeat(width(decision_word(e.decision)) + 3)),
                    app.theme.text,
                )));
            }
            out
        }
        _ => Vec::new(),
    };
    lines.push(Line::from(""));
    lines.extend(badge_line);
    lines.push(Line::from(""));
    let fixed = lines.len();
    let height = (inner.height as usize).saturating_sub(fixed);
    app.page = height.max(1);
    let tree_cursor = cursor.checked_sub(Field::ALL.len());
    let offset = match tree_cursor {
        Some(c) => scrolled(c, app.inspector.offset, height),
        None => app.inspector.offset.min(rows.len().saturating_sub(1)),
    };
    app.inspector.offset = offset;
    for (i, row) in rows.iter().enumerate().skip(offset).take(height) {
        let selected = focused && tree_cursor == Some(i);
        let toggle = match row.toggle {
            Some(true) => "▾ ",
            Some(false) => "▸ ",
            None => "  ",
        };
        let mut spans = vec![
            if selected {
                Span::styled("▶", app.theme.selection)
            } else {
                Span::raw(" ")
            },
            Span::raw("  ".repeat(row.depth)),
            Span::styled(toggle, app.theme.dim),
        ];
        spans.extend(row.spans.iter().map(|(s, t)| Span::styled(s.clone(), tone(app, *t))));
        let line = Line::from(spans);
        lines.push(if selected {
            line.style(app.theme.highlight_line)
        } else {
            line
        });
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_who_can(frame: &mut Frame<'_>, app: &mut App, area: Rect, focused: bool) {
    let Some(job) = &app.who_can else {
        return;
    };
    let title = format!(
        " Who can {} on {} ",
        visible(&job.action),
        fit(&visible(&job.resource), 50)
    );
    let block = block(app, title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    let mut lines: Vec<Line> = Vec::new();
    match &job.result {
        None => {
            let done = job.progress.done().min(job.total);
            let bar_width = inner.width.saturating_sub(4).min(50) as usize;
            let filled = (done * bar_width).checked_div(job.total).unwrap_or(bar_width);
            lines.push(Line::from(Span::styled(
                if job.cancelled {
                    "cancelled".to_owned()
                } else {
                    format!("evaluating {done} of {} principals…  (esc cancels)", job.total)
                },
                app.theme.text,
            )));
            lines.push(Line::from(Span::styled(
                format!("[{}{}]", "█".repeat(filled), "·".repeat(bar_width - filled)),
                app.theme.title,
            )));
        }
        Some(result) => {
            lines.push(Line::from(Span::styled(
                format!(
                    "{} of {} principals may do it.  Enter asks the inspector about one.",
                    result.allowed.len(),
                    result.evaluated
                ),
                app.theme.dim,
            )));
            let body = height.saturating_sub(1);
            let (cursor, offset) = (job.cursor, scrolled(job.cursor, job.offset, body));
            let names: Vec<String> = result
                .allowed
                .iter()
                .map(|a| principal_name(app, &a.principal))
                .collect();
            let name_width = names.iter().map(|n| width(n)).max().unwrap_or(10).min(30);
            for (i, allowed) in result.allowed.iter().enumerate().skip(offset).take(body) {
                let because = match &allowed.deciding {
                    Some(s) => format!("{} in {}", s.statement, s.policy),
                    None => allowed.rule.replace('-', " "),
                };
                let selected = focused && i == cursor;
                let text = format!(
                    "{} {}  {}",
                    if selected { "▶" } else { " " },
                    pad(&visible(&names[i]), name_width),
                    visible(&because)
                );
                lines.push(Line::from(Span::styled(
                    text,
                    if selected { app.theme.selection } else { app.theme.text },
                )));
            }
            if let Some(job) = &mut app.who_can {
                job.offset = offset;
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `identity-pool/ID:unauthenticated` reads better as `guests of PhotoAppIdentities`.
fn principal_name(app: &App, principal: &str) -> String {
    let Some(rest) = principal.strip_prefix("identity-pool/") else {
        return principal.to_owned();
    };
    let Some((id, kind)) = rest.rsplit_once(':') else {
        return principal.to_owned();
    };
    let pool = app.model.identity_pool(id).map_or(id, |p| p.name.as_str());
    match kind {
        "unauthenticated" => format!("guests of {pool}"),
        _ => format!("signed-in users of {pool}"),
    }
}

fn draw_footer(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let line = match &app.mode {
        Mode::Filter(input) => input_line(
            app,
            "/",
            &input.text,
            input.cursor,
            "fuzzy; start with ! to invert; enter keeps, esc clears",
        ),
        Mode::Command(input) => input_line(app, ":", &input.text, input.cursor, "Tab completes; enter runs"),
        Mode::EditField { field, input, .. } => input_line(
            app,
            &format!("{}: ", field.label()),
            &input.text,
            input.cursor,
            "Tab takes the suggestion; enter keeps; esc cancels",
        ),
        Mode::Normal if app.editor.is_some() => {
            let message = app.editor.as_ref().and_then(|e| e.message.clone());
            match message {
                Some(m) => Line::from(Span::styled(format!(" {}", visible(&m)), app.theme.warning)),
                None => Line::from(Span::styled(
                    " ctrl-s save (shows what changes)  Tab complete  ctrl-f format  ctrl-n new statement  ctrl-g next problem  ctrl-z undo  esc leave",
                    app.theme.dim,
                )),
            }
        }
        Mode::Normal => {
            let keys = &app.settings.keymap;
            let lesson_hints = [
                (Action::LessonNext, "next step"),
                (Action::LessonBack, "back"),
                (Action::LessonHint, "hint"),
                (Action::Help, "help"),
                (Action::Command, "command (:lesson quit leaves)"),
            ];
            let hints = [
                (Action::Help, "help"),
                (Action::Command, "command"),
                (Action::Filter, "filter"),
                (Action::Inspect, "inspect"),
                (Action::WhoCan, "who can"),
                (Action::RawJson, "json"),
                (Action::Quit, "quit"),
            ];
            let hints: &[(Action, &str)] = if app.lesson_session.is_some() {
                &lesson_hints
            } else {
                &hints
            };
            let hint_text: String = hints
                .iter()
                .map(|(a, label)| format!("{} {label}  ", keys.label(*a)))
                .collect();
            match &app.status {
                Some(status) => Line::from(vec![Span::styled(format!(" {}", visible(status)), app.theme.warning)]),
                None => Line::from(Span::styled(format!(" {hint_text}"), app.theme.dim)),
            }
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn input_line<'a>(app: &App, prompt: &str, text: &str, cursor: usize, hint: &str) -> Line<'a> {
    let before: String = text.chars().take(cursor).collect();
    let at: String = text.chars().nth(cursor).map_or(" ".to_owned(), |c| c.to_string());
    let after: String = text.chars().skip(cursor + 1).collect();
    Line::from(vec![
        Span::styled(prompt.to_owned(), app.theme.title),
        Span::styled(visible(&before), app.theme.text),
        Span::styled(visible(&at), app.theme.selection),
        Span::styled(visible(&after), app.theme.text),
        Span::styled(format!("   {hint}"), app.theme.dim),
    ])
}

fn draw_suggestions(frame: &mut Frame<'_>, app: &App, main: Rect, suggestions: &[String]) {
    if suggestions.is_empty() {
        return;
    }
    let Mode::EditField { choice, .. } = app.mode else {
        return;
    };
    let Mode::EditField { field, .. } = &app.mode else {
        return;
    };
    // Under the field being edited, in the inspector's pane.
    let pane = if app.areas.right.width > 0 {
        app.areas.right
    } else {
        main
    };
    let row = Field::ALL.iter().position(|f| f == field).unwrap_or(0) as u16;
    let w = (suggestions.iter().map(|s| width(s)).max().unwrap_or(10) as u16 + 4).min(pane.width.saturating_sub(4));
    let top = (pane.y + 2 + row).min(main.y + main.height.saturating_sub(3));
    let h = (suggestions.len() as u16 + 2).min(main.y + main.height - top);
    let area = Rect {
        x: pane.x + 12.min(pane.width.saturating_sub(w)),
        y: top,
        width: w,
        height: h,
    };
    frame.render_widget(Clear, area);
    let lines: Vec<Line> = suggestions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let style = if i == choice {
                app.theme.selection
            } else {
                app.theme.text
            };
            Line::from(Span::styled(
                format!("{} {}", if i == choice { "▶" } else { " " }, visible(s)),
                style,
            ))
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block(app, " suggestions (Tab takes, ↑↓ choose) ".to_owned(), true)),
        area,
    );
}

/// A centred box of `w`×`h` (clamped to `main`), cleared.
fn popup(frame: &mut Frame<'_>, main: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(main.width.saturating_sub(2)).max(10.min(main.width));
    let h = h.min(main.height).max(3.min(main.height));
    let area = Rect {
        x: main.x + (main.width - w) / 2,
        y: main.y + (main.height - h) / 2,
        width: w,
        height: h,
    };
    frame.render_widget(Clear, area);
    area
}

fn text_box(frame: &mut Frame<'_>, app: &App, main: Rect, title: &str, lines: &[String], offset: usize) {
    text_box_with(frame, app, main, title, lines, offset, "esc closes");
}

/// A scrolling box of text; `hint` says how it closes.
fn text_box_with(
    frame: &mut Frame<'_>,
    app: &App,
    main: Rect,
    title: &str,
    lines: &[String],
    offset: usize,
    hint: &str,
) {
    let w = (lines.iter().map(|l| width(l)).max().unwrap_or(20).max(40) as u16 + 4).min(main.width.saturating_sub(4));
    let area = popup(frame, main, w, lines.len() as u16 + 2);
    let body = (area.height as usize).saturating_sub(2);
    let offset = offset.min(lines.len().saturating_sub(body));
    let shown: Vec<Line> = lines
        .iter()
        .skip(offset)
        .take(body)
        .map(|l| Line::from(Span::styled(fit(l, area.width as usize - 2), app.theme.text)))
        .collect();
    let more = if lines.len() > body {
        format!(
            " {title} — {}/{} (j/k scroll, {hint}) ",
            offset + body.min(lines.len()),
            lines.len()
        )
    } else {
        format!(" {title} ({hint}) ")
    };
    frame.render_widget(Paragraph::new(shown).block(block(app, more, true)), area);
}

fn draw_overlay(frame: &mut Frame<'_>, app: &App, main: Rect, overlay: &Overlay) {
    match overlay {
        Overlay::Help { offset } => text_box(frame, app, main, "Keys", &help_lines(app), *offset),
        Overlay::Text { title, lines, offset } => text_box(frame, app, main, title, lines, *offset),
        Overlay::Version {
            version, lines, offset, ..
        } => text_box(
            frame,
            app,
            main,
            &format!("{version} — d makes it the default"),
            lines,
            *offset,
        ),
        Overlay::Prompt { title, input, .. } => {
            let w = (width(title) as u16 + 6).max(60);
            let area = popup(frame, main, w, 4);
            let line = if input.suggested {
                // a suggestion shows selected: typing replaces it
                Line::from(vec![
                    Span::styled("› ", app.theme.title),
                    Span::styled(visible(&input.text), app.theme.selection),
                    Span::styled("   enter ok, type to replace, → to edit, esc cancel", app.theme.dim),
                ])
            } else {
                input_line(app, "› ", &input.text, input.cursor, "enter ok, esc cancel")
            };
            let lines = vec![Line::from(Span::styled(visible(title), app.theme.text)), line];
            frame.render_widget(Paragraph::new(lines).block(block(app, " ".to_owned(), true)), area);
        }
        Overlay::Picker {
            title,
            items,
            shown,
            filter,
            cursor,
            ..
        } => {
            let area = popup(
                frame,
                main,
                90,
                (items.len() as u16 + 4).clamp(8, main.height.saturating_sub(2).max(8)),
            );
            let body = (area.height as usize).saturating_sub(4);
            let offset = scrolled(*cursor, cursor.saturating_sub(body / 2), body);
            let mut lines = vec![
                Line::from(Span::styled(visible(title), app.theme.title)),
                input_line(
                    app,
                    "filter › ",
                    &filter.text,
                    filter.cursor,
                    "↑↓ choose, enter takes, esc cancels",
                ),
            ];
            for (row, &i) in shown.iter().enumerate().skip(offset).take(body) {
                let selected = row == *cursor;
                let label = items.get(i).map_or("", |item| item.label.as_str());
                lines.push(Line::from(Span::styled(
                    format!(
                        "{} {}",
                        if selected { "▶" } else { " " },
                        fit(&visible(label), area.width as usize - 4)
                    ),
                    if selected { app.theme.selection } else { app.theme.text },
                )));
            }
            if shown.is_empty() {
                lines.push(Line::from(Span::styled("  nothing matches", app.theme.dim)));
            }
            let count = format!(" {} of {} ", shown.len(), items.len());
            frame.render_widget(Paragraph::new(lines).block(block(app, count, true)), area);
        }
        Overlay::Confirm { message, .. } => {
            let area = popup(frame, main, width(message) as u16 + 6, 3);
            frame.render_widget(
                Paragraph::new(Span::styled(visible(message), app.theme.warning)).block(block(
                    app,
                    " confirm ".to_owned(),
                    true,
                )),
                area,
            );
        }
        Overlay::QuitUnsaved => {
            let n = app.unsaved();
            let message = format!(
                "{n} unsaved change{}: w saves and quits, q quits and discards {}, esc stays",
                if n == 1 { "" } else { "s" },
                if n == 1 { "it" } else { "them" }
            );
            let area = popup(frame, main, width(&message) as u16 + 6, 3);
            frame.render_widget(
                Paragraph::new(Span::styled(message, app.theme.warning)).block(block(app, " quit ".to_owned(), true)),
                area,
            );
        }
        Overlay::Recover { recovered, stale } => {
            let mut lines = vec![format!(
                "The last session ended with {} unsaved change{} (started {}):",
                recovered.changes.len(),
                if recovered.changes.len() == 1 { "" } else { "s" },
                recovered.header.started.parse::<jiff::Timestamp>().map_or_else(
                    |_| recovered.header.started.clone(),
                    |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string()
                )
            )];
            lines.extend(
                recovered
                    .changes
                    .iter()
                    .take(12)
                    .map(|c| format!("  • {}", crate::model::change::describe(c))),
            );
            if recovered.changes.len() > 12 {
                lines.push(format!("  … and {} more", recovered.changes.len() - 12));
            }
            if recovered.unreadable > 0 {
                lines.push(format!(
                    "  ({} line(s) of the journal were cut off and cannot be used)",
                    recovered.unreadable
                ));
            }
            if *stale {
                lines.push("The account's files changed since then: some changes may no longer apply.".to_owned());
            }
            lines.push(String::new());
            lines.push("y recovers them, n discards them".to_owned());
            text_box_with(frame, app, main, "Recover unsaved changes?", &lines, 0, "y or n");
        }
        Overlay::Preview {
            change,
            flips,
            checked,
            cursor,
            ..
        } => {
            let mut lines = vec![
                format!("{}", crate::model::change::describe(change)),
                if flips.is_empty() {
                    format!("No decision changes among the {checked} requests checked.")
                } else {
                    format!("{} of the {checked} requests checked change:", flips.len())
                },
                String::new(),
            ];
            let body = (main.height as usize).saturating_sub(8);
            let offset = cursor.saturating_sub(body.saturating_sub(1));
            for (i, flip) in flips.iter().enumerate().skip(offset).take(body) {
                lines.push(format!("{} {}", if i == *cursor { "▶" } else { " " }, flip.line()));
            }
            lines.push(String::new());
            lines
                .push("enter keeps the change, i keeps it and inspects the selected request, esc goes back".to_owned());
            let w = (lines.iter().map(|l| width(l)).max().unwrap_or(40) as u16 + 4).min(main.width.saturating_sub(2));
            let area = popup(frame, main, w, lines.len() as u16 + 2);
            let styled: Vec<Line> = lines
                .iter()
                .enumerate()
                .map(|(row, l)| {
                    let style = if row == 0 {
                        app.theme.title
                    } else if l.starts_with('▶') {
                        app.theme.selection
                    } else if l.contains("→ Allow") {
                        app.theme.allow
                    } else if l.contains("→ ExplicitDeny") || l.contains("→ ImplicitDeny") {
                        app.theme.implicit_deny
                    } else {
                        app.theme.text
                    };
                    Line::from(Span::styled(fit(&visible(l), area.width as usize - 2), style))
                })
                .collect();
            frame.render_widget(
                Paragraph::new(styled).block(block(app, " impact of the change ".to_owned(), true)),
                area,
            );
        }
    }
}

fn draw_lessons(frame: &mut Frame<'_>, app: &mut App, area: Rect, focused: bool) {
    let title = format!(" Lessons ({}; enter starts or resumes one) ", app.lessons.len());
    let block = block(app, title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    let (cursor, offset) = match app.stack.last() {
        Some(View::Lessons { cursor, offset }) => (*cursor, scrolled(*cursor, *offset, height / 2)),
        _ => (0, 0),
    };
    let open = app.lesson_session.as_ref().map(|s| s.index);
    let mut lines: Vec<Line> = Vec::new();
    for (i, lesson) in app.lessons.iter().enumerate().skip(offset) {
        if lines.len() + 2 > height {
            break;
        }
        let selected = focused && i == cursor;
        let progress = app.progress_line(lesson);
        let mark = if open == Some(i) { " (open)" } else { "" };
        let head = format!(
            "{} {:>2}. {}{mark}",
            if selected { "▶" } else { " " },
            i + 1,
            lesson.title
        );
        let w = inner.width as usize;
        let head = fit(&head, w.saturating_sub(width(&progress) + 1));
        let pad = w.saturating_sub(width(&head) + width(&progress));
        lines.push(Line::from(vec![
            Span::styled(head, if selected { app.theme.selection } else { app.theme.text }),
            Span::raw(" ".repeat(pad)),
            Span::styled(progress, app.theme.dim),
        ]));
        lines.push(Line::from(Span::styled(
            fit(&format!("      {}", lesson.summary), w),
            app.theme.dim,
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_lesson_pane(frame: &mut Frame<'_>, app: &mut App, area: Rect) {
    let Some(session) = &app.lesson_session else {
        return;
    };
    let Some(lesson) = app.lessons.get(session.index) else {
        return;
    };
    let step = lesson.steps.get(session.step);
    let title = format!(
        " Step {}/{}{} · {} (lesson {} of {}) ",
        session.step + 1,
        lesson.steps.len(),
        step.map_or(String::new(), |s| format!(" {}", s.kind())),
        lesson.title,
        session.index + 1,
        app.lessons.len(),
    );
    let block = block(app, fit(&title, area.width.saturating_sub(2) as usize), false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (mut head, tail) = app.lesson_lines(inner.width as usize);
    // a short pane keeps the answer, the checks and the hints; the text is cut
    let room = (inner.height as usize).saturating_sub(tail.len()).max(1);
    if head.len() > room {
        head.truncate(room);
        if let Some(last) = head.last_mut() {
            last.0 = format!("{} … (:lesson text)", last.0);
        }
    }
    let lines: Vec<Line> = head
        .into_iter()
        .chain(tail)
        .map(|(text, tone)| {
            let style = match tone {
                super::lesson::LessonTone::Text => app.theme.text,
                super::lesson::LessonTone::Dim => app.theme.dim,
                super::lesson::LessonTone::Pass => app.theme.allow,
                super::lesson::LessonTone::Fail => app.theme.warning,
            };
            Line::from(Span::styled(fit(&visible(&text), inner.width as usize), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_findings(frame: &mut Frame<'_>, app: &mut App, area: Rect, focused: bool) {
    let rows = app.lint();
    let title = format!(" Findings ({}; enter opens the policy) ", rows.len());
    let block = block(app, title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    let (cursor, offset) = match app.stack.last() {
        Some(View::Findings { cursor, offset }) => (*cursor, scrolled(*cursor, *offset, height)),
        _ => (0, 0),
    };
    let mut lines: Vec<Line> = Vec::new();
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            "The linter finds nothing to say about this account's policies.",
            app.theme.dim,
        )));
    }
    let locator_width = rows
        .iter()
        .map(|r| width(&r.locator))
        .max()
        .unwrap_or(0)
        .min(inner.width as usize / 2);
    for (i, row) in rows.iter().enumerate().skip(offset).take(height) {
        let selected = focused && i == cursor;
        let (mark, style) = match row.finding.severity {
            crate::policy::Severity::Error => ("E", app.theme.explicit_deny),
            crate::policy::Severity::Warning => ("W", app.theme.warning),
            crate::policy::Severity::Info => ("i", app.theme.dim),
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
            Span::styled(if selected { "▶ " } else { "  " }, app.theme.text),
            Span::styled(format!("{mark} "), style),
            Span::styled(text, if selected { app.theme.selection } else { app.theme.text }),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_changes(frame: &mut Frame<'_>, app: &mut App, area: Rect, focused: bool) {
    let done = app.history.done();
    let title = format!(" Changes this session ({}, {} unsaved) ", done.len(), app.unsaved());
    let block = block(app, title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    let (cursor, offset) = match app.stack.last() {
        Some(View::Changes { cursor, offset }) => (*cursor, scrolled(*cursor, *offset, height)),
        _ => (0, 0),
    };
    let mut lines: Vec<Line> = Vec::new();
    if done.is_empty() {
        lines.push(Line::from(Span::styled(
            "No change yet. u undoes, ctrl-r redoes, :export script FILE writes them as AWS CLI commands.",
            app.theme.dim,
        )));
    }
    for (i, applied) in done.iter().enumerate().skip(offset).take(height) {
        let saved = if i < app.saved_at { "saved  " } else { "unsaved" };
        let selected = focused && i == cursor;
        let text = format!(
            "{} {:>3}. {saved}  {}",
            if selected { "▶" } else { " " },
            i + 1,
            crate::model::change::describe(&applied.change)
        );
        lines.push(Line::from(Span::styled(
            fit(&visible(&text), inner.width as usize),
            if selected { app.theme.selection } else { app.theme.text },
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_editor(frame: &mut Frame<'_>, app: &mut App, area: Rect) {
    // taken out for the frame so the theme can be read while the scroll is updated
    let Some(mut editor) = app.editor.take() else {
        return;
    };
    draw_editor_with(frame, app, &mut editor, area);
    app.editor = Some(editor);
}

fn draw_editor_with(frame: &mut Frame<'_>, app: &App, editor: &mut super::editor::Editor, area: Rect) {
    let modified = if editor.is_modified() { " ● modified" } else { "" };
    let title = format!(" Edit {}{modified} ", visible(&editor.target.title()));
    let border = block(app, title, true);
    let inner = border.inner(area);
    frame.render_widget(border, area);
    let diagnostics_rows = editor.diagnostics.len().min(5) as u16;
    let [text_area, list_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(diagnostics_rows + 1)]).areas(inner);
    let lines = editor.area.lines();
    let ratatui_textarea::DataCursor(row, col) = editor.area.cursor();
    let gutter = lines.len().to_string().len() + 3;
    let height = text_area.height as usize;
    let text_width = (text_area.width as usize).saturating_sub(gutter).max(1);
    // keep the cursor in view
    let (mut top, mut left) = editor.scroll;
    if row < top {
        top = row;
    } else if row >= top + height {
        top = row + 1 - height;
    }
    if col < left {
        left = col;
    } else if col >= left + text_width {
        left = col + 1 - text_width;
    }
    editor.scroll = (top, left);
    let mut out: Vec<Line> = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(top).take(height) {
        let mark = match editor
            .diagnostics
            .iter()
            .filter(|d| d.line == i + 1)
            .map(|d| d.severity)
            .max()
        {
            Some(crate::policy::Severity::Error) => Span::styled("E", app.theme.explicit_deny),
            Some(crate::policy::Severity::Warning) => Span::styled("W", app.theme.warning),
            Some(crate::policy::Severity::Info) => Span::styled("i", app.theme.dim),
            None => Span::raw(" "),
        };
        let mut spans = vec![
            mark,
            Span::styled(format!("{:>w$} ", i + 1, w = gutter - 2), app.theme.dim),
        ];
        // highlighted, scrolled horizontally; the cursor cell in reverse video
        let chars: Vec<char> = line.chars().collect();
        let shown: String = chars.iter().skip(left).take(text_width).collect();
        let mut col_at = left;
        for (text, t) in super::detail::highlight_spans(&shown) {
            let style = tone(app, t);
            if i == row && col >= col_at && col < col_at + text.chars().count() {
                let k = col - col_at;
                let before: String = text.chars().take(k).collect();
                let at: String = text.chars().nth(k).map(String::from).unwrap_or_default();
                let after: String = text.chars().skip(k + 1).collect();
                spans.push(Span::styled(before, style));
                spans.push(Span::styled(at, app.theme.selection));
                spans.push(Span::styled(after, style));
            } else {
                spans.push(Span::styled(text.clone(), style));
            }
            col_at += text.chars().count();
        }
        if i == row && col >= col_at {
            spans.push(Span::styled(" ", app.theme.selection));
        }
        out.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(out), text_area);
    // the diagnostics list
    let mut list: Vec<Line> = vec![Line::from(Span::styled(
        match editor.diagnostics.len() {
            0 => "no problems".to_owned(),
            n => format!(
                "{n} problem{} (ctrl-g jumps to the next):",
                if n == 1 { "" } else { "s" }
            ),
        },
        app.theme.dim,
    ))];
    for d in editor.diagnostics.iter().take(5) {
        let style = match d.severity {
            crate::policy::Severity::Error => app.theme.explicit_deny,
            _ => app.theme.warning,
        };
        let help = d.help.as_deref().map(|h| format!(" — {h}")).unwrap_or_default();
        list.push(Line::from(Span::styled(
            fit(
                &format!("{}:{} {}{help}", d.line, d.column, visible(&d.message)),
                list_area.width as usize,
            ),
            style,
        )));
    }
    frame.render_widget(Paragraph::new(list), list_area);
    // completion choices, under the cursor line
    if let Some(completion) = &editor.completion {
        let y = text_area.y + (row - top) as u16 + 1;
        let h = (completion.items.len() as u16 + 2)
            .min(text_area.y + text_area.height - y.min(text_area.y + text_area.height));
        if h >= 3 {
            let w = completion.items.iter().map(|i| width(i)).max().unwrap_or(10) as u16 + 4;
            let x = (text_area.x + gutter as u16 + (col.saturating_sub(left)) as u16)
                .min(text_area.x + text_area.width.saturating_sub(w));
            let popup_area = Rect {
                x,
                y,
                width: w.min(text_area.width),
                height: h,
            };
            frame.render_widget(Clear, popup_area);
            let items: Vec<Line> = completion
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    Line::from(Span::styled(
                        item.clone(),
                        if i == completion.choice {
                            app.theme.selection
                        } else {
                            app.theme.text
                        },
                    ))
                })
                .collect();
            frame.render_widget(
                Paragraph::new(items).block(block(app, " Tab: next ".to_owned(), true)),
                popup_area,
            );
        }
    }
}

/// The help overlay, from the live keymap.
pub fn help_lines(app: &App) -> Vec<String> {
    let keys = &app.settings.keymap;
    let mut lines = Vec::new();
    let width = Action::ALL
        .iter()
        .map(|a| keys.label(*a).len())
        .max()
        .unwrap_or(8)
        .max(8);
    for action in Action::ALL {
        lines.push(format!("{:>width$}  {}", keys.label(action), action.describe()));
    }
    lines.push(String::new());
    lines.push("In the inspector: enter on a field types into it (Tab completes), enter on a row".to_owned());
    lines.push("opens or closes it, o opens a statement's policy at its line.".to_owned());
    lines.push("Commands: :users :groups :roles :policies :root :pools :userpools :resources :org".to_owned());
    lines.push("  :explain PRINCIPAL ACTION RESOURCE [K=V…]   :who-can ACTION RESOURCE".to_owned());
    lines.push("  :open FILE…   :theme dark|light|high-contrast|colour-blind   :summary   :quit".to_owned());
    lines.push("Keys and theme can be changed in the settings file that `iamscope info` names.".to_owned());
    lines
}
