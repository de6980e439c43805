//! What a newcomer tripped over (issue 17), one test per trip, driven
//! through the explorer's own loop on the demo account at 120×40.

mod support;

use support::Explorer;

/// The editor on the demo's DevelopersS3Read.
fn editor() -> Explorer {
    let mut e = Explorer::demo();
    e.keys("4 e");
    assert!(e.app.editor().is_some(), "{}", e.text());
    e
}

fn editor_text(e: &Explorer) -> String {
    e.app.editor().map(|ed| ed.text()).unwrap_or_default()
}

#[test]
fn the_editor_undoes_with_ctrl_z_redoes_with_ctrl_y_and_its_hints_say_so_and_how_to_leave() {
    let mut e = editor();
    let before = editor_text(&e);
    let screen = e.text();
    let footer = screen.lines().last().unwrap();
    for hint in ["esc leave", "ctrl-s save", "ctrl-z undo", "ctrl-y redo"] {
        assert!(footer.contains(hint), "`{hint}` not in the hint line: {footer}");
    }
    e.type_text("x");
    assert_ne!(editor_text(&e), before);
    e.keys("ctrl-z");
    assert_eq!(editor_text(&e), before, "ctrl-z undoes typing");
    e.keys("ctrl-y");
    assert_ne!(editor_text(&e), before, "ctrl-y redoes it");
    e.keys("ctrl-z ctrl-Z");
    assert_ne!(editor_text(&e), before, "ctrl-shift-z redoes too");
    // the hint line fits an 80-column terminal with the way out first
    e.keys("ctrl-z");
    let screen = e.screen(80, 24);
    let footer = screen.lines().last().unwrap();
    assert!(footer.starts_with(" esc leave"), "{footer}");
}

#[test]
fn ctrl_n_puts_a_statement_in_the_statement_list_and_the_policy_stays_valid() {
    let mut e = editor();
    e.keys("ctrl-n");
    let text = editor_text(&e);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{err}:\n{text}"));
    let sids: Vec<&str> = value["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(sids, ["ReadPhotos", "NewStatement"]);
    let screen = e.text();
    assert!(screen.contains("a new statement in the Statement list"), "{screen}");
    // the cursor is on the new Sid: typing renames it
    e.type_text("Write");
    assert!(editor_text(&e).contains("\"WriteNewStatement\""), "{}", editor_text(&e));
}

#[test]
fn tab_in_a_string_not_yet_closed_completes_the_action() {
    let mut e = editor();
    // a new line inside the Action list of ReadPhotos: `"s3:Get*",` then the new one
    let text = editor_text(&e);
    let row = text.lines().position(|l| l.contains("\"s3:Get*\"")).unwrap();
    e.keys("ctrl-home");
    for _ in 0..row {
        e.keys("down");
    }
    e.keys("end enter").type_text("\"s3:GetObje").keys("tab");
    let text = editor_text(&e);
    assert!(text.contains("\"s3:GetObject\""), "{text}");
    assert!(!text.contains("    \"s3:GetObje    "), "{text}");
}
