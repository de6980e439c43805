//! The inspector: a principal, an action, a resource and context keys, the
//! engine's answer as a badge, and its explanation as a tree — stages,
//! policies, statements — with deciding statements marked and misses
//! collapsed until opened. Enter on a field types into it, with
//! suggestions; `o` on a statement opens its policy at its line.

use std::collections::HashMap;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::{Action, Mode};
use super::component::{Component, Ctx, Handled, Paint};
use super::input::{Edit, LineInput};
use super::pages::{self, Tone};
use super::paint::{block, clear, input_line, scrolled, tone as style_of};
use super::sections::Target;
use super::suggest::Field;
use super::text::{fit_middle, visible, width};
use crate::analysis::question::first_question;
use crate::eval::outline::{self, Audience, Link, Node};
use crate::eval::{self, Assume, ContextSpec, Decision, Explanation, RequestSpec};
use crate::model::{EntityRef, Model};

/// One line of the explanation tree.
#[derive(Debug, Clone)]
pub struct TreeRow {
    pub depth: usize,
    pub key: String,
    pub spans: Vec<(String, Tone)>,
    /// Some(open?) when the row can be opened and closed.
    pub toggle: Option<bool>,
    /// A statement row: its policy and the statement's line in it.
    pub jump: Option<(Option<EntityRef>, usize)>,
    /// A glossary row: the term Enter opens.
    pub term: Option<String>,
}

/// A field being typed into, with what is suggested for it.
#[derive(Debug, Clone)]
struct Typing {
    field: Field,
    input: LineInput,
    suggestions: Vec<String>,
    choice: usize,
}

/// The fields as they were before a lesson borrowed the inspector.
#[derive(Debug, Clone)]
struct Lent {
    fields: [String; 4],
    follow_selection: bool,
    extras: RequestSpec,
    question_chosen: bool,
}

#[derive(Debug, Clone)]
pub struct Inspector {
    principal: String,
    action: String,
    resource: String,
    /// `key=value, key=[a, b]`, as `ContextSpec::to_line` writes it.
    context: String,
    /// The rest of the last written request asked (time, session policies).
    extras: RequestSpec,
    /// The principal follows the list's selection until one is typed.
    follow_selection: bool,
    /// Whether the action and resource were typed or handed over; until
    /// then they are the principal's own first question
    /// ([`first_question`]), one AWS could receive.
    question_chosen: bool,
    result: Option<Result<Explanation, String>>,
    /// The decision of the same request with nothing filled in (when
    /// something was): what was assumed changed the answer when it differs.
    as_written: Option<Decision>,
    /// Rows the user opened or closed, by key.
    toggled: HashMap<String, bool>,
    /// The tree as it is now opened.
    rows: Vec<TreeRow>,
    /// 0..4 are the fields, then the tree's rows.
    cursor: usize,
    offset: usize,
    height: usize,
    typing: Option<Typing>,
    lent: Option<Lent>,
}

impl Default for Inspector {
    fn default() -> Inspector {
        let mut inspector = Inspector {
            principal: String::new(),
            action: "s3:GetObject".to_owned(),
            resource: String::new(),
            context: String::new(),
            extras: RequestSpec::new("", "", ""),
            follow_selection: true,
            question_chosen: false,
            result: None,
            as_written: None,
            toggled: HashMap::new(),
            rows: Vec::new(),
            cursor: 1,
            offset: 0,
            height: 10,
            typing: None,
            lent: None,
        };
        inspector.rebuild_rows();
        inspector
    }
}

impl Inspector {
    pub fn field(&self, field: Field) -> &str {
        match field {
            Field::Principal => &self.principal,
            Field::Action => &self.action,
            Field::Resource => &self.resource,
            Field::Context => &self.context,
        }
    }

    fn set_field(&mut self, field: Field, value: String) {
        match field {
            Field::Principal => {
                // Claims and a role belong to the principal they came with.
                self.extras.claims = ContextSpec::default();
                self.extras.role = None;
                self.principal = value;
                self.follow_selection = false;
            }
            Field::Action => {
                self.action = value;
                self.question_chosen = true;
            }
            Field::Resource => {
                self.resource = value;
                self.question_chosen = true;
            }
            Field::Context => self.context = value,
        }
    }

    /// Ask about `principal` from now on (a group's member, picked): it
    /// follows the list again when the list selects a principal.
    pub fn set_principal(&mut self, principal: String) {
        self.principal = principal;
        self.follow_selection = true;
    }

    pub fn result(&self) -> Option<&Result<Explanation, String>> {
        self.result.as_ref()
    }

    pub fn rows(&self) -> &[TreeRow] {
        &self.rows
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn follows_selection(&self) -> bool {
        self.follow_selection
    }

    /// `claims sub=…, aud=… · role NAME`, when the request has them (a
    /// lesson or another view handed over a federated principal's request;
    /// no field types them).
    pub fn federation_line(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.extras.claims.is_empty() {
            parts.push(format!("claims {}", self.extras.claims.to_line()));
        }
        if let Some(role) = &self.extras.role {
            parts.push(format!("role {role}"));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }

    /// The fields as a written request.
    pub fn spec(&self) -> Result<RequestSpec, String> {
        let resource = if self.resource.trim().is_empty() {
            "*".to_owned()
        } else {
            self.resource.trim().to_owned()
        };
        let mut spec = self.extras.clone();
        spec.principal = self.principal.trim().to_owned();
        spec.action = self.action.trim().to_owned();
        spec.resource = resource;
        spec.context = ContextSpec::parse_line(&self.context)?;
        // A federated user's role=NAME and sub=…, aud=… go in Context too.
        spec.move_federation_from_context().map_err(|e| e.to_string())?;
        Ok(spec)
    }

    /// The field being typed into, for the footer.
    pub fn typing_line<'a>(&self, theme: &super::theme::Theme) -> Option<Line<'a>> {
        let typing = self.typing.as_ref()?;
        Some(input_line(
            theme,
            &format!("{}: ", typing.field.label()),
            &typing.input,
            "Tab takes the suggestion; enter keeps; esc cancels",
        ))
    }

    /// Ask the engine again with the current fields.
    pub fn evaluate(&mut self, model: &Model, now: Timestamp) {
        if self.principal.is_empty() || self.action.is_empty() {
            self.result = None;
        } else {
            let result = self.spec().and_then(|spec| {
                let request = spec.to_request(now).map_err(|e| e.to_string())?;
                eval::evaluate(model, &request).map_err(|e| e.to_string())
            });
            // asked again as written, to tell whether what was filled in
            // decided the answer
            self.as_written = match (&result, self.spec()) {
                (Ok(e), Ok(spec)) => eval::decision_as_written(model, &spec, e, now),
                _ => None,
            };
            self.result = Some(result);
        }
        self.rebuild_rows();
    }

    /// Opened from the list: the selected principal (while the principal
    /// follows the selection), a resource to start from.
    pub fn open_on(
        &mut self,
        principal: Option<String>,
        first_resource: impl FnOnce() -> Option<String>,
        model: &Model,
        now: Timestamp,
    ) {
        if self.follow_selection || self.principal.is_empty() {
            match principal {
                Some(p) => self.principal = p,
                None if self.principal.is_empty() => self.principal = "user/".to_owned(),
                None => {}
            }
        }
        self.propose(model);
        if self.resource.is_empty() {
            // Only now: ranking the account's ARNs is the slow part of a first open.
            self.resource = first_resource().unwrap_or_else(|| "*".to_owned());
        }
        self.evaluate(model, now);
    }

    /// Until the user chooses an action and a resource, ask what the
    /// principal's own policies name, on a resource that action takes.
    fn propose(&mut self, model: &Model) {
        if self.question_chosen {
            return;
        }
        let Ok(spec) = eval::PrincipalSpec::parse(self.principal.trim()) else {
            return;
        };
        if let Some(question) = first_question(model, &spec) {
            self.action = question.action;
            self.resource = question.resource;
        }
    }

    /// The list's selection moved to another principal.
    pub fn follow(&mut self, principal: String, model: &Model, now: Timestamp) {
        if self.follow_selection && self.principal != principal {
            self.principal = principal;
            self.propose(model);
            self.evaluate(model, now);
        }
    }

    /// A written request, asked as it is (a lesson, the impact preview,
    /// `:explain`, who-can); the principal stops following the selection.
    pub fn ask(&mut self, spec: &RequestSpec, model: &Model, now: Timestamp) {
        self.principal = spec.principal.clone();
        self.action = spec.action.clone();
        self.resource = spec.resource.clone();
        self.context = spec.context.to_line();
        self.extras = spec.clone();
        self.follow_selection = false;
        self.question_chosen = true;
        self.typing = None;
        self.cursor = Field::ALL.len();
        self.offset = 0;
        self.evaluate(model, now);
    }

    /// A lesson asks its question: what was in the fields is kept to be
    /// given back when the lesson is done with it.
    pub fn lend(&mut self, spec: &RequestSpec, model: &Model, now: Timestamp) {
        if self.lent.is_none() {
            self.lent = Some(Lent {
                fields: [
                    self.principal.clone(),
                    self.action.clone(),
                    self.resource.clone(),
                    self.context.clone(),
                ],
                follow_selection: self.follow_selection,
                extras: self.extras.clone(),
                question_chosen: self.question_chosen,
            });
        }
        self.ask(spec, model, now);
    }

    /// Whether a lesson has the inspector.
    pub fn is_lent(&self) -> bool {
        self.lent.is_some()
    }

    /// The lesson is done with the inspector: the fields are as they were.
    pub fn give_back(&mut self, model: &Model, now: Timestamp) {
        if let Some(lent) = self.lent.take() {
            let [principal, action, resource, context] = lent.fields;
            self.principal = principal;
            self.action = action;
            self.resource = resource;
            self.context = context;
            self.follow_selection = lent.follow_selection;
            self.extras = lent.extras;
            self.question_chosen = lent.question_chosen;
            self.typing = None;
            self.cursor = 1;
            self.offset = 0;
            self.evaluate(model, now);
        }
    }

    fn is_open(&self, key: &str, default: bool) -> bool {
        self.toggled.get(key).copied().unwrap_or(default)
    }

    fn rebuild_rows(&mut self) {
        let mut rows = Vec::new();
        match &self.result {
            None => rows.push(text_row(
                "empty",
                "Choose a principal, an action and a resource.",
                Tone::Dim,
            )),
            // Wrapped: an error's end often says what to type.
            Some(Err(message)) => {
                for (i, line) in super::pages::wrap(message, 68).iter().enumerate() {
                    rows.push(text_row(&format!("error/{i}"), line, Tone::Bad));
                }
            }
            Some(Ok(explanation)) => {
                let mut nodes = outline::outline(explanation, Audience::Explorer);
                if let Some(without) = self.as_written {
                    outline::assumptions_decided(&mut nodes, explanation.decision, without);
                }
                for node in nodes {
                    self.node_rows(&node, 0, &mut rows);
                }
                glossary_rows(explanation, &mut rows);
            }
        }
        self.rows = rows;
        self.cursor = self.cursor.min(Field::ALL.len() + self.rows.len().saturating_sub(1));
    }

    /// One outline node and, when open, what is under it.
    fn node_rows(&self, node: &Node, depth: usize, rows: &mut Vec<TreeRow>) {
        let open = node.children.is_empty() || self.is_open(&node.key, node.open);
        let jump = node
            .link
            .as_ref()
            .map(|Link::Statement { policy, line, .. }| (policy.clone(), *line));
        // long prose (a miss's reason, an assumption) wraps; rows stay one line
        let prose = node.children.is_empty() && node.spans.len() == 1 && node.link.is_none() && depth > 0;
        if prose {
            let span = &node.spans[0];
            // under its branch's indentation, inside the pane
            for line in pages::wrap(&visible(&span.text), 70usize.saturating_sub(2 * depth).max(30)) {
                rows.push(TreeRow {
                    depth,
                    key: node.key.clone(),
                    spans: vec![(line, tone(span.tone))],
                    toggle: None,
                    jump: None,
                    term: None,
                });
            }
        } else {
            rows.push(TreeRow {
                depth,
                key: node.key.clone(),
                spans: node.spans.iter().map(|s| (visible(&s.text), tone(s.tone))).collect(),
                toggle: (!node.children.is_empty()).then_some(open),
                jump,
                term: None,
            });
        }
        if open {
            for child in &node.children {
                self.node_rows(child, depth + 1, rows);
            }
        }
    }

    fn row(&self) -> Option<&TreeRow> {
        self.rows.get(self.cursor.checked_sub(Field::ALL.len())?)
    }

    /// Whether the cursor's place `at` is a further row of a wrapped
    /// paragraph (the cursor stops on its first row only).
    fn continues(&self, at: usize) -> bool {
        let Some(i) = at.checked_sub(Field::ALL.len()) else {
            return false;
        };
        i > 0
            && self
                .rows
                .get(i)
                .zip(self.rows.get(i - 1))
                .is_some_and(|(r, before)| r.key == before.key)
    }

    fn move_by(&mut self, delta: isize) {
        let last = (Field::ALL.len() + self.rows.len()).saturating_sub(1);
        let mut at = (self.cursor as isize).saturating_add(delta).clamp(0, last as isize) as usize;
        // down one: past a paragraph's further rows to the next row
        if delta == 1 {
            while self.continues(at) && at < last {
                at += 1;
            }
        }
        while self.continues(at) {
            at -= 1;
        }
        self.cursor = at;
    }

    /// A click on a row of the pane's body.
    pub fn click(&mut self, row: usize) {
        // the fields, then a blank, the badge and a blank, then the tree
        let fields = Field::ALL.len();
        if row < fields {
            self.cursor = row;
        } else if let Some(tree_row) = row.checked_sub(fields + self.badge_height() + 2) {
            self.cursor = (fields + self.offset + tree_row).min(fields + self.rows.len().saturating_sub(1));
        }
    }

    fn badge_height(&self) -> usize {
        match &self.result {
            Some(Ok(_)) => 1,
            _ => 0,
        }
    }

    /// Enter: type into a field, or open/close a row, or look a term up.
    fn enter(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(field) = Field::ALL.get(self.cursor).copied() {
            let input = LineInput::new(self.field(field));
            let suggestions = ctx.suggest.field(ctx.model, field, &input.text);
            self.typing = Some(Typing {
                field,
                input,
                suggestions,
                choice: 0,
            });
            return;
        }
        let Some(row) = self.row().cloned() else {
            return;
        };
        if let Some(term) = row.term {
            ctx.queue.push(Action::Glossary(Some(term)));
        } else if let Some(open) = row.toggle {
            self.toggled.insert(row.key, !open);
            self.rebuild_rows();
        }
    }

    /// `o`: the policy of the statement under the cursor, at its line.
    fn jump(&self, ctx: &mut Ctx<'_>) {
        match self.row().and_then(|r| r.jump.clone()) {
            None => ctx
                .queue
                .status("o opens a statement's policy: put the cursor on a statement"),
            Some((None, _)) => ctx
                .queue
                .status("this policy has no page of its own (a session policy)"),
            Some((Some(entity), line)) => {
                // a managed policy opens at its default version: the document alone
                let entity = match entity {
                    EntityRef::ManagedPolicy { arn, version: None } => {
                        let version = ctx.model.policy(&arn).map(|p| p.default_version_id.clone());
                        EntityRef::ManagedPolicy { arn, version }
                    }
                    other => other,
                };
                ctx.queue.push(Action::ShowAt {
                    target: Target::Entity(entity),
                    line,
                });
            }
        }
    }

    fn type_into(&mut self, mut typing: Typing, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        let count = typing.suggestions.len();
        match action {
            Action::Down if count > 0 => typing.choice = (typing.choice + 1) % count,
            Action::Up if count > 0 => typing.choice = (typing.choice + count - 1) % count,
            Action::Complete => {
                if let Some(s) = typing.suggestions.get(typing.choice).cloned() {
                    if typing.field == Field::Context {
                        let mut parts: Vec<&str> = typing.input.text.split(',').map(str::trim).collect();
                        parts.pop();
                        parts.push(&s);
                        let joined = parts
                            .into_iter()
                            .filter(|p| !p.is_empty())
                            .collect::<Vec<_>>()
                            .join(", ");
                        typing.input.set(&joined);
                    } else {
                        typing.input.set(&s);
                    }
                }
                typing.suggestions = ctx.suggest.field(ctx.model, typing.field, &typing.input.text);
                typing.choice = 0;
            }
            _ => match typing.input.apply(action) {
                Edit::Submit => {
                    self.set_field(typing.field, typing.input.text.trim().to_owned());
                    self.evaluate(ctx.model, ctx.now);
                    return Handled::Consumed;
                }
                Edit::Cancel => return Handled::Consumed,
                Edit::Changed => {
                    typing.suggestions = ctx.suggest.field(ctx.model, typing.field, &typing.input.text);
                    typing.choice = 0;
                }
                Edit::Moved => {}
                Edit::Other => {
                    self.typing = Some(typing);
                    return if matches!(action, Action::Quit) {
                        Handled::Ignored
                    } else {
                        Handled::Consumed
                    };
                }
            },
        }
        self.typing = Some(typing);
        Handled::Consumed
    }

    fn draw_suggestions(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let Some(typing) = &self.typing else {
            return;
        };
        if typing.suggestions.is_empty() {
            return;
        }
        let theme = paint.theme;
        let row = Field::ALL.iter().position(|f| *f == typing.field).unwrap_or(0) as u16;
        let title = " suggestions (Tab takes, ↑↓ choose) ";
        // as wide as the longest suggestion or the title, whichever is wider
        let w = (typing.suggestions.iter().map(|s| width(s)).max().unwrap_or(10) as u16 + 4)
            .max(width(title) as u16 + 2)
            .min(area.width.saturating_sub(4));
        let top = (area.y + 2 + row).min(area.y + area.height.saturating_sub(3));
        let h = (typing.suggestions.len() as u16 + 2).min(area.y + area.height - top);
        let rect = Rect {
            x: area.x + 12.min(area.width.saturating_sub(w)),
            y: top,
            width: w,
            height: h,
        };
        clear(frame, rect);
        let lines: Vec<Line> = typing
            .suggestions
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let style = if i == typing.choice {
                    theme.selection
                } else {
                    theme.text
                };
                Line::from(Span::styled(
                    format!("{} {}", if i == typing.choice { "▶" } else { " " }, visible(s)),
                    style,
                ))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines).block(block(theme, title.to_owned(), true)), rect);
    }
}

impl Component for Inspector {
    fn mode(&self) -> Mode {
        if self.typing.is_some() {
            Mode::Input
        } else {
            Mode::Normal
        }
    }

    fn handle(&mut self, action: &Action, ctx: &mut Ctx<'_>) -> Handled {
        if let Some(typing) = self.typing.take() {
            return self.type_into(typing, action, ctx);
        }
        let page = self.height.max(1) as isize;
        match action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-page),
            Action::PageDown => self.move_by(page),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::Open => self.enter(ctx),
            Action::JumpToStatement => self.jump(ctx),
            Action::ToggleAssume => {
                self.extras.assume = match self.extras.assume {
                    Assume::Realistic => Assume::None,
                    Assume::None => Assume::Realistic,
                };
                ctx.queue.status(match self.extras.assume {
                    Assume::None => "the context as written: no key is filled in, as AWS's policy simulator does",
                    Assume::Realistic => "a realistic request: the keys AWS always sends are filled in and listed",
                });
                self.evaluate(ctx.model, ctx.now);
            }
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }

    fn resize(&mut self, area: Rect) {
        // the border, the fields, a blank, the badge (its summary wraps), a blank
        let inner_width = area.width.saturating_sub(2);
        let summary_lines = match &self.result {
            Some(Ok(e)) => pages::wrap(&visible(&e.summary), inner_width.saturating_sub(18).max(20) as usize)
                .len()
                .max(1),
            _ => 0,
        };
        let extra_lines =
            usize::from(self.extras.assume == Assume::None) + usize::from(self.federation_line().is_some());
        let fixed = Field::ALL.len() + 2 + summary_lines + extra_lines;
        self.height = (area.height.saturating_sub(2) as usize).saturating_sub(fixed).max(1);
        self.offset = match self.cursor.checked_sub(Field::ALL.len()) {
            Some(c) => scrolled(c, self.offset, self.height),
            None => self.offset.min(self.rows.len().saturating_sub(1)),
        };
    }

    fn target(&self) -> Option<Target> {
        None
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, paint: &Paint<'_>) {
        let theme = paint.theme;
        let focused = paint.focused;
        let block = block(theme, " Inspector ".to_owned(), focused);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines: Vec<Line> = Vec::new();
        for (i, field) in Field::ALL.iter().enumerate() {
            let value = self.field(*field);
            // a long value is cut in the middle: an identity pool's
            // principal ends in `:unauthenticated`, an ARN in its name
            let shown = if value.is_empty() {
                "(none — Enter to type)".to_owned()
            } else {
                fit_middle(&visible(value), (inner.width as usize).saturating_sub(12))
            };
            let here = focused && self.cursor == i;
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{} {:<10}", if here { "▶" } else { " " }, field.label()),
                    theme.dim,
                ),
                Span::styled(shown, if here { theme.selection } else { theme.text }),
            ]));
        }
        if self.extras.assume == Assume::None {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<10}", "Assume"), theme.dim),
                Span::styled(
                    "nothing: the context as written (A fills in what AWS sends)",
                    theme.text,
                ),
            ]));
        }
        if let Some(federation) = self.federation_line() {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<10}", "Federated"), theme.dim),
                Span::styled(visible(&federation), theme.dim),
            ]));
        }
        lines.push(Line::from(""));
        if let Some(Ok(e)) = &self.result {
            let style = style_of(theme, decision_tone(e.decision)).add_modifier(Modifier::REVERSED);
            let room = inner.width.saturating_sub(18) as usize;
            let summary = pages::wrap(&visible(&e.summary), room.max(20));
            lines.push(Line::from(vec![
                Span::styled(format!(" {} ", outline::decision_word(e.decision)), style),
                Span::raw(" "),
                Span::styled(summary.first().cloned().unwrap_or_default(), theme.text),
            ]));
            for more in summary.iter().skip(1) {
                lines.push(Line::from(Span::styled(
                    format!("{}{more}", " ".repeat(width(outline::decision_word(e.decision)) + 3)),
                    theme.text,
                )));
            }
        }
        lines.push(Line::from(""));
        let tree_cursor = self.cursor.checked_sub(Field::ALL.len());
        let room = (inner.height as usize).saturating_sub(lines.len());
        for (i, row) in self.rows.iter().enumerate().skip(self.offset).take(room) {
            let selected = focused && tree_cursor == Some(i);
            let toggle = match row.toggle {
                Some(true) => "▾ ",
                Some(false) => "▸ ",
                None => "  ",
            };
            let mut spans = vec![
                if selected {
                    Span::styled("▶", theme.selection)
                } else {
                    Span::raw(" ")
                },
                Span::raw("  ".repeat(row.depth)),
                Span::styled(toggle, theme.dim),
            ];
            spans.extend(
                row.spans
                    .iter()
                    .map(|(s, t)| Span::styled(s.clone(), style_of(theme, *t))),
            );
            let line = Line::from(spans);
            lines.push(if selected {
                line.style(theme.highlight_line)
            } else {
                line
            });
        }
        frame.render_widget(Paragraph::new(lines), inner);
        self.draw_suggestions(frame, area, paint);
    }
}

fn text_row(key: &str, text: &str, tone: Tone) -> TreeRow {
    TreeRow {
        depth: 0,
        key: key.to_owned(),
        spans: vec![(text.to_owned(), tone)],
        toggle: None,
        jump: None,
        term: None,
    }
}

/// An outline's tone as the explorer's.
pub fn tone(tone: outline::Tone) -> Tone {
    match tone {
        outline::Tone::Text => Tone::Text,
        outline::Tone::Heading => Tone::Heading,
        outline::Tone::Dim => Tone::Dim,
        outline::Tone::Good => Tone::Good,
        outline::Tone::Bad => Tone::Bad,
        outline::Tone::Warn => Tone::Warn,
    }
}

pub fn decision_tone(decision: Decision) -> Tone {
    match decision {
        Decision::Allow => Tone::Good,
        Decision::ExplicitDeny => Tone::Bad,
        Decision::ImplicitDeny => Tone::Warn,
    }
}

/// The words of an explanation that people read: its summary, each
/// stage's verdict, what was assumed, the earlier steps'.
fn explanation_text(e: &Explanation, text: &mut String) {
    // the decision is a term too: the badge says it, the sentences may not
    text.push_str(e.decision.as_str());
    text.push(' ');
    text.push_str(&e.summary);
    for stage in &e.stages {
        text.push(' ');
        text.push_str(stage.title);
        text.push(' ');
        text.push_str(&stage.verdict);
    }
    for assumption in &e.assumptions {
        text.push(' ');
        text.push_str(&assumption.describe());
    }
    for hop in &e.hops {
        text.push(' ');
        explanation_text(hop, text);
    }
}

/// The glossary's terms the explanation's sentences use, each a row that
/// Enter opens in the glossary.
fn glossary_rows(e: &Explanation, rows: &mut Vec<TreeRow>) {
    let mut text = String::new();
    explanation_text(e, &mut text);
    let terms = crate::lessons::Glossary::embedded().terms_in(&text);
    if terms.is_empty() {
        return;
    }
    rows.push(text_row(
        "terms",
        "Terms used here (enter opens the glossary)",
        Tone::Heading,
    ));
    for term in terms {
        rows.push(TreeRow {
            depth: 1,
            key: format!("term/{}", term.name),
            spans: vec![(format!("↗ {}", term.name), Tone::Text)],
            toggle: None,
            jump: None,
            term: Some(term.name.clone()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A guest of an identity pool with the enhanced flow only: the
    /// explanation assumes the flow, and the assumption's words lead to
    /// the glossary's terms for it.
    #[test]
    fn the_terms_of_an_explanation_include_those_of_its_assumptions() {
        let lesson = crate::lessons::Lesson::embedded()
            .into_iter()
            .find(|l| l.id == "website-guests")
            .unwrap();
        let now: Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        let model = lesson.start_model(now).unwrap();
        let spec = RequestSpec::new(
            "identity-pool/eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10:unauthenticated",
            "s3:GetObject",
            "arn:aws:s3:::photos/public/banner.jpg",
        );
        let mut inspector = Inspector::default();
        inspector.ask(&spec, &model, now);
        let Some(Ok(e)) = inspector.result() else {
            panic!("the engine answers");
        };
        let said: String = e.assumptions.iter().map(|a| a.describe()).collect();
        assert!(said.contains("enhanced flow"), "{said}");
        let terms: Vec<&str> = inspector.rows().iter().filter_map(|r| r.term.as_deref()).collect();
        assert!(terms.contains(&"enhanced flow"), "{terms:?}");
    }

    /// SCPs attached at the organization root are not about the root
    /// user; an implicit deny is named as a term whatever its sentence says.
    #[test]
    fn the_terms_of_an_implicit_deny_name_it_and_leave_the_root_user_out() {
        let now: Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        let model = crate::io::load_bytes("demo.json", crate::io::DEMO_ACCOUNT)
            .unwrap()
            .model;
        let spec = RequestSpec::new("user/alice", "s3:PutObject", "arn:aws:s3:::photos/cat.jpg");
        let mut inspector = Inspector::default();
        inspector.ask(&spec, &model, now);
        let Some(Ok(e)) = inspector.result() else {
            panic!("the engine answers");
        };
        assert_eq!(e.decision.as_str(), "ImplicitDeny");
        let terms: Vec<&str> = inspector.rows().iter().filter_map(|r| r.term.as_deref()).collect();
        assert!(terms.contains(&"implicit deny"), "{terms:?}");
        // an SCP's place in the organization is not the root user
        let glossary = crate::lessons::Glossary::embedded();
        let said = glossary.terms_in("Denied by RegionGuard (SCP at organization root r-a1b2).");
        let said: Vec<&str> = said.iter().map(|t| t.name.as_str()).collect();
        assert!(
            said.contains(&"organization root") && !said.contains(&"root user"),
            "{said:?}"
        );
        let root = glossary.terms_in("the root user may do this; root may not be limited");
        assert_eq!(root.first().map(|t| t.name.as_str()), Some("root user"));
    }
}
