//! `iamscope screenshots` (hidden): drives the real explorer on the demo
//! account with its own key presses, draws each screen into an off-screen
//! terminal and writes it as an SVG picture. The pictures in the README come
//! from here, so they always show what the program really does.

use std::path::{Path, PathBuf};

use ratatui::buffer::Buffer;

use crate::session::{Options, Session};
use crate::tui::App;
use crate::tui::config::Settings;
use crate::tui::driver::{self, TestDriver};
use crate::tui::sections::Target;

/// The date the pictures pretend it is, so ages and "last used" never move.
pub const NOW: &str = "2026-11-01T00:00:00Z";

/// One picture: its file name (without `.svg`) and the screen.
pub struct Shot {
    pub name: &'static str,
    pub screen: Buffer,
}

/// The explorer on an off-screen terminal, run by the program's own loop
/// with scripted keys.
pub struct Driver {
    pub app: App,
    screen: TestDriver,
}

impl Driver {
    /// A fresh explorer on the demo account, with the default settings (never
    /// the user's file), no journal, and always in colour.
    pub fn new(width: u16, height: u16) -> Result<Driver, String> {
        let loaded = crate::io::load(&[], None).map_err(|e| e.to_string())?;
        let now = NOW.parse().map_err(|e| format!("{NOW}: {e}"))?;
        let session = Session::new(loaded, &[], Options::default(), now).map_err(|e| e.to_string())?;
        let mut app = App::new(session, Settings::default(), now);
        // NO_COLOR is for the user's terminal, not for pictures
        app.force_colour();
        let mut driver = Driver {
            app,
            screen: TestDriver::new(width, height, now),
        };
        driver.run()?;
        Ok(driver)
    }

    /// Let the loop handle what was sent, and any background work finish.
    fn run(&mut self) -> Result<(), String> {
        driver::run(&mut self.app, &mut self.screen).map_err(|e| e.to_string())
    }

    /// Keys, written as in the settings file: `j`, `enter`, `ctrl-u`, `?`.
    pub fn press(&mut self, key: &str) -> Result<(), String> {
        self.screen.keys(key)?;
        self.run()
    }

    pub fn keys(&mut self, keys: &[&str]) -> Result<(), String> {
        keys.iter().try_for_each(|k| self.press(k))
    }

    /// Characters typed one by one.
    pub fn type_text(&mut self, text: &str) -> Result<(), String> {
        self.screen.type_text(text);
        self.run()
    }

    /// Press `j` until `reached` holds (at most 200 times).
    pub fn down_until(&mut self, what: &str, reached: impl Fn(&App) -> bool) -> Result<(), String> {
        for _ in 0..200 {
            if reached(&self.app) {
                return Ok(());
            }
            self.press("j")?;
        }
        Err(format!("pressing j never reached {what}"))
    }

    /// Move the list's selection down to `target`.
    pub fn select(&mut self, target: &Target) -> Result<(), String> {
        self.down_until(&format!("{target:?}"), |app| app.selection().as_ref() == Some(target))
    }

    /// Background work (who-can) is done when the loop returns.
    pub fn settle(&mut self) -> Result<(), String> {
        self.run()
    }

    pub fn screen(&self) -> Buffer {
        self.screen.buffer().clone()
    }

    /// Set an inspector field by the keys a user presses: move to it, enter,
    /// clear, type, enter. `from` and `to` are field rows (0 principal … 3 context).
    fn set_field(&mut self, from: usize, to: usize, value: &str) -> Result<(), String> {
        let step = if to > from { "j" } else { "k" };
        for _ in 0..from.abs_diff(to) {
            self.press(step)?;
        }
        self.keys(&["enter", "ctrl-u"])?;
        self.type_text(value)?;
        self.press("enter")
    }
}

/// The inspector asked whether alice may get the cat picture.
fn alice_get_object(d: &mut Driver) -> Result<(), String> {
    d.select(&Target::user("alice"))?;
    d.press("i")?;
    // The inspector opens with its cursor on the action field.
    d.set_field(1, 1, "s3:GetObject")?;
    d.set_field(1, 2, "arn:aws:s3:::photos/cat.jpg")
}

fn users(d: &mut Driver) -> Result<(), String> {
    d.select(&Target::user("alice"))
}

fn inspector_allow(d: &mut Driver) -> Result<(), String> {
    alice_get_object(d)
}

fn inspector_implicit_deny(d: &mut Driver) -> Result<(), String> {
    alice_get_object(d)?;
    d.set_field(2, 1, "s3:PutObject")
}

fn role(d: &mut Driver) -> Result<(), String> {
    d.press("3")?;
    d.select(&Target::role("DeployRole"))?;
    d.press("enter")
}

/// From the deciding statement in the inspector, `o` opens the policy at it.
fn policy_document(d: &mut Driver) -> Result<(), String> {
    alice_get_object(d)?;
    d.down_until("the deciding statement", |app| {
        let rows = app.inspector().rows();
        app.inspector()
            .cursor()
            .checked_sub(crate::tui::suggest::Field::ALL.len())
            .and_then(|i| rows.get(i))
            .is_some_and(|row| row.spans.first().is_some_and(|(text, _)| text.contains("decides")))
    })?;
    d.press("o")
}

fn who_can(d: &mut Driver) -> Result<(), String> {
    d.press(":")?;
    d.type_text("who-can s3:GetObject arn:aws:s3:::photos/cat.jpg")?;
    d.press("enter")?;
    d.settle()
}

fn help(d: &mut Driver) -> Result<(), String> {
    d.select(&Target::user("alice"))?;
    d.press("?")
}

fn identity_pool(d: &mut Driver) -> Result<(), String> {
    d.press("6")?;
    d.press("enter")
}

fn high_contrast(d: &mut Driver) -> Result<(), String> {
    d.select(&Target::user("alice"))?;
    d.press(":")?;
    d.type_text("theme high-contrast")?;
    d.press("enter")
}

/// DevelopersS3Read in the editor, with a misspelt action added.
fn edit_developers_policy(d: &mut Driver, added: &str) -> Result<(), String> {
    d.press("4")?;
    d.select(&Target::policy("arn:aws:iam::111122223333:policy/DevelopersS3Read"))?;
    d.press("e")?;
    for _ in 0..8 {
        d.press("down")?;
    }
    d.keys(&["end"])?;
    d.type_text(",")?;
    d.press("enter")?;
    d.type_text(added)
}

fn editor(d: &mut Driver) -> Result<(), String> {
    edit_developers_policy(d, "\"s3:DeleteObjekt\"")
}

/// ctrl-s on a change: the decisions it flips, before it is kept.
fn impact_preview(d: &mut Driver) -> Result<(), String> {
    edit_developers_policy(d, "\"s3:DeleteObject\"")?;
    d.press("ctrl-s")
}

/// The root-user lesson at its task, half done.
fn lesson(d: &mut Driver) -> Result<(), String> {
    d.press(":")?;
    d.type_text("lesson root-user")?;
    d.keys(&[
        "enter", "esc", "]", "]", "enter", "]", "]", "down", "enter", "]", "H", "1", "n",
    ])?;
    d.type_text("admin-you")?;
    d.press("enter")
}

/// What alice can do, from `p` on her row.
fn permissions(d: &mut Driver) -> Result<(), String> {
    d.select(&Target::user("alice"))?;
    d.press("p")
}

/// An AccessDenied message pasted into alice's inspector.
fn why(d: &mut Driver) -> Result<(), String> {
    d.select(&Target::user("alice"))?;
    d.press("i")?;
    d.screen.paste(
        "An error occurred (AccessDenied) when calling the PutObject operation: User: arn:aws:iam::111122223333:user/alice \
         is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::photos/cat.jpg\" because no \
         identity-based policy allows the s3:PutObject action",
    );
    d.run()
}

type Script = fn(&mut Driver) -> Result<(), String>;

/// Every picture: name, terminal size, and the keys that lead to it.
pub const SHOTS: [(&str, u16, u16, Script); 15] = [
    ("users", 120, 40, users),
    ("inspector-allow", 120, 40, inspector_allow),
    ("inspector-implicit-deny", 120, 40, inspector_implicit_deny),
    ("role", 120, 40, role),
    ("policy-document", 120, 40, policy_document),
    ("who-can", 120, 40, who_can),
    ("help", 120, 40, help),
    ("identity-pool", 120, 40, identity_pool),
    ("users-80x24", 80, 24, users),
    ("high-contrast", 120, 40, high_contrast),
    ("editor", 120, 40, editor),
    ("impact-preview", 120, 40, impact_preview),
    ("lesson", 120, 40, lesson),
    ("permissions", 120, 40, permissions),
    ("why", 120, 40, why),
];

/// Drive the explorer to every screen and keep what it drew.
pub fn take_all() -> Result<Vec<Shot>, String> {
    SHOTS
        .iter()
        .map(|(name, width, height, script)| {
            let mut driver = Driver::new(*width, *height)?;
            script(&mut driver).map_err(|e| format!("{name}: {e}"))?;
            Ok(Shot {
                name,
                screen: driver.screen(),
            })
        })
        .collect()
}

/// Write every picture into `dir` (made if missing); returns the files written.
pub fn write_all(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let shots = take_all()?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for shot in shots {
        let path = dir.join(format!("{}.svg", shot.name));
        std::fs::write(&path, crate::tui::svg::render(&shot.screen))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(screen: &Buffer) -> String {
        let area = screen.area;
        (area.top()..area.bottom())
            .map(|y| {
                (area.left()..area.right())
                    .map(|x| screen[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn every_script_reaches_its_screen() {
        let shots = take_all().unwrap();
        let expect: [(&str, &[&str]); 15] = [
            (
                "users",
                // every list column, as 80×24 shows them; the ARN wraps beside
                &["iamscope-demo", "user alice", "PASSWORD  LAST USED", "3333:user/alice"],
            ),
            (
                "inspector-allow",
                &["ALLOW", "decides Allow ReadPhotos", "arn:aws:s3:::photos/cat.jpg"],
            ),
            (
                "inspector-implicit-deny",
                &["IMPLICIT DENY", "Closest: statement", "s3:PutObject"],
            ),
            ("role", &["role DeployRole", "Who may assume it"]),
            ("policy-document", &["DevelopersS3Read v2", "\"Sid\": \"ReadPhotos\""]),
            (
                "who-can",
                &["Who can s3:GetObject", "principals may do it", "user/alice"],
            ),
            ("help", &[" Keys ", "show or hide this help"]),
            ("identity-pool", &["PhotoAppIdentities", "Cognito identity pool"]),
            ("users-80x24", &["alice", "LAST USED"]),
            ("high-contrast", &["user alice"]),
            ("editor", &["Edit DevelopersS3Read", "did you mean `s3:DeleteObject`"]),
            (
                "impact-preview",
                &["impact of the change", "user/alice  s3:DeleteObject"],
            ),
            ("lesson", &["Step 4/5 do", "✓ done    user admin-you exists", "hint 1:"]),
            ("permissions", &["What user/alice can do", "Amazon S3"]),
            (
                "why",
                &[
                    "Why: IMPLICIT DENY",
                    "from the message (after \"User:\")",
                    "Cross-check",
                ],
            ),
        ];
        assert_eq!(shots.len(), expect.len());
        for (shot, (name, needles)) in shots.iter().zip(expect) {
            assert_eq!(shot.name, name);
            let screen = text(&shot.screen);
            for needle in needles {
                assert!(screen.contains(needle), "{name} lacks {needle:?}:\n{screen}");
            }
        }
        let narrow = &shots[8].screen;
        assert_eq!((narrow.area.width, narrow.area.height), (80, 24));
        // The theme command changed the colours of the same screen.
        let colours = |b: &Buffer| b.content().iter().map(|c| c.fg).collect::<Vec<_>>();
        assert_ne!(colours(&shots[0].screen), colours(&shots[9].screen));
    }

    #[test]
    fn the_pictures_are_written_as_svg_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new");
        let written = write_all(&out).unwrap();
        assert_eq!(written.len(), SHOTS.len());
        let allow = std::fs::read_to_string(out.join("inspector-allow.svg")).unwrap();
        assert!(
            allow.starts_with("<svg ") && allow.contains(">ALLOW<"),
            "{}",
            &allow[..200]
        );
    }
}
