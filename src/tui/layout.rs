//! Where everything goes on a screen of a given size, worked out before
//! drawing (and kept for the mouse). Wide terminals show the list and the
//! right pane side by side; under 100 columns one pane at a time; below
//! the minimum a message says how much room is needed.

use ratatui::layout::{Constraint, Layout as Split, Rect};

use super::sections::Section;
use super::text::width;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;
/// Below this width the list and the right pane share the screen in turn.
pub const SIDE_BY_SIDE: u16 = 100;

/// The columns the right pane keeps when the list would like more.
const RIGHT_ROOM: u16 = 66;
/// The columns the right pane keeps when the list needs more to show
/// every column (as it does on a narrow screen): the pane wraps its prose.
const RIGHT_LEAST: u16 = 40;

/// What the layout depends on besides the size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// The editor takes the panes' room.
    pub editor: bool,
    /// The right pane has the focus (narrow screens show one pane).
    pub right_focused: bool,
    /// The right pane shows the inspector, who-can, findings or lessons,
    /// which need the room more than the list.
    pub wide_right: bool,
    /// A lesson's pane: the rows it wants, and the rows its tail (the
    /// answer, the checks, the hints) needs at least.
    pub lesson: Option<(u16, u16)>,
    /// The columns the list would like (its names whole, every column).
    pub list_wants: u16,
    /// The fewest columns that show every one of the list's columns.
    pub list_needs: u16,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub size: Rect,
    pub too_small: bool,
    pub header: Rect,
    pub tabs: Rect,
    /// The tabs' columns, for the mouse.
    pub tab_spans: Vec<(u16, u16, Section)>,
    /// Which of the three widths of tab labels fits.
    pub tab_tier: usize,
    /// Where the panes (or the editor) go, above the lesson pane.
    pub main: Rect,
    pub list: Rect,
    pub right: Rect,
    pub lesson: Rect,
    pub footer: Rect,
    pub narrow: bool,
}

/// Tab labels in three widths, the widest that fits.
pub fn tab_title(section: Section, tier: usize) -> &'static str {
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

impl Layout {
    pub fn new(size: Rect, shape: Shape) -> Layout {
        let mut layout = Layout {
            size,
            ..Layout::default()
        };
        if size.width < MIN_WIDTH || size.height < MIN_HEIGHT {
            layout.too_small = true;
            return layout;
        }
        let [header, tabs, main, footer] = Split::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(size);
        layout.header = header;
        layout.tabs = tabs;
        layout.footer = footer;
        layout.narrow = size.width < SIDE_BY_SIDE;
        layout.tab_tier = (0..3)
            .find(|&tier| {
                Section::ALL
                    .iter()
                    .map(|s| tab_title(*s, tier).len() + 5)
                    .sum::<usize>()
                    <= tabs.width as usize
            })
            .unwrap_or(2);
        let mut x = tabs.x;
        for (i, section) in Section::ALL.iter().enumerate() {
            let label = format!(" {} {} ", i + 1, tab_title(*section, layout.tab_tier));
            let w = width(&label) as u16;
            layout.tab_spans.push((x, x + w, *section));
            x += w + 1;
        }
        // a lesson's pane sits under the panes it talks about; its tail is
        // never cut while the panes above keep three rows
        let main = match shape.lesson {
            // (also under the editor: a lesson's task is what is being typed for)
            Some((wanted, tail)) => {
                let most = (main.height * 2 / 5).clamp(8, 14).max(tail);
                let height = wanted.clamp(6, most).min(main.height.saturating_sub(3));
                let [top, pane] = Split::vertical([Constraint::Min(3), Constraint::Length(height)]).areas(main);
                layout.lesson = pane;
                top
            }
            _ => main,
        };
        layout.main = main;
        if shape.editor {
            return layout;
        }
        if layout.narrow {
            if shape.right_focused {
                layout.right = main;
            } else {
                layout.list = main;
            }
        } else {
            // the list gets what its names need, between a share it always
            // has and what leaves the right pane its room (its pages wrap
            // prose at 60 columns)
            let (least, most) = if shape.wide_right { (36, 36) } else { (44, 55) };
            let share = |percent: u16| ((u32::from(main.width) * u32::from(percent) + 50) / 100) as u16;
            let least = share(least);
            let most = share(most).min(main.width.saturating_sub(RIGHT_ROOM));
            let mut list = shape.list_wants.clamp(least, most.max(least));
            // while the list has the keys, a wider screen never shows it
            // with fewer columns than a narrow one: it takes what every
            // column needs, down to the right pane's least (a page read
            // with the keys in it gets its room back)
            if !shape.wide_right && !shape.right_focused && list < shape.list_needs {
                list = shape.list_needs.min(main.width.saturating_sub(RIGHT_LEAST)).max(list);
            }
            let [left, right] = Split::horizontal([Constraint::Length(list), Constraint::Min(0)]).areas(main);
            layout.list = left;
            layout.right = right;
        }
        layout
    }
}

/// Whether a point is in an area.
pub fn inside(area: Rect, x: u16, y: u16) -> bool {
    x >= area.x && x < area.x + area.width && y >= area.y && y < area.y + area.height
}
