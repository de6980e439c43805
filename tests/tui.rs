//! The explorer's screens, driven through the app's own key handling on a
//! `TestBackend` and compared with snapshots, at 120×40 and at 80×24.

mod support;

use support::{ctrl, keys, press, render, screen};

use crossterm::event::{Event, KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use iamscope::tui::App;
use iamscope::tui::app::{Focus, View};
use iamscope::tui::config::Settings;
use ratatui::style::Modifier;

fn app() -> App {
    let loaded = iamscope::io::load(&[], None).unwrap();
    App::new(
        loaded.model,
        loaded.report,
        "demo account".to_owned(),
        Settings::default(),
        "2026-11-01T00:00:00Z".parse().unwrap(),
    )
}

/// Replace an inspector field: Enter, clear, type, Enter.
fn set_field(app: &mut App, text: &str) {
    press(app, KeyCode::Enter);
    ctrl(app, 'u');
    keys(app, text);
    press(app, KeyCode::Enter);
}

fn both_sizes(name: &str, app: &mut App) {
    insta::assert_snapshot!(format!("{name}_120x40"), screen(app, 120, 40));
    insta::assert_snapshot!(format!("{name}_80x24"), screen(app, 80, 24));
}

#[test]
fn users_list_with_the_detail_of_the_selection() {
    let mut app = app();
    press(&mut app, KeyCode::Char('j'));
    both_sizes("users", &mut app);
}

#[test]
fn every_section_has_a_screen() {
    for (key, name) in [
        ('2', "groups"),
        ('3', "roles"),
        ('4', "policies"),
        ('5', "root"),
        ('6', "identity_pools"),
        ('7', "user_pools"),
        ('8', "resource_policies"),
        ('9', "org_policies"),
    ] {
        let mut app = app();
        press(&mut app, KeyCode::Char(key));
        both_sizes(name, &mut app);
    }
}

#[test]
fn following_links_from_a_user_to_a_group_to_a_policy_and_back() {
    let mut app = app();
    keys(&mut app, "j"); // alice
    press(&mut app, KeyCode::Enter); // into the detail pane: the cursor is on the first link
    let doc = app.right_doc().unwrap();
    assert!(doc.lines[app.live.0].plain().contains("→ Developers"));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.stack.last(), Some(View::Detail { .. })));
    let group = screen(&mut app, 120, 40);
    assert!(group.contains("group Developers"), "{group}");
    assert!(
        group.contains("A group is a way to give many users the same permissions"),
        "{group}"
    );
    // open the group's policy: its document is shown highlighted with line numbers
    let doc = app.right_doc().unwrap();
    let at = doc
        .lines
        .iter()
        .position(|l| l.plain().contains("→ DevelopersS3Read"))
        .unwrap();
    press(&mut app, KeyCode::Char('g'));
    for _ in 0..at {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Enter);
    both_sizes("policy_document", &mut app);
    // breadcrumbs, then back twice to the user
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("user alice › group Developers › DevelopersS3Read"),
        "{text}"
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(app.stack.is_empty());
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.focus, Focus::List);
}

#[test]
fn the_inspector_explains_an_allow_and_an_implicit_deny_live() {
    let mut app = app();
    keys(&mut app, "j"); // alice
    keys(&mut app, "i");
    // the cursor starts on the action field; go to the resource field
    press(&mut app, KeyCode::Char('j'));
    set_field(&mut app, "arn:aws:s3:::photos/cat.jpg");
    let allow = screen(&mut app, 120, 40);
    assert!(allow.contains("ALLOW"), "{allow}");
    assert!(allow.contains("▶ decides Allow ReadPhotos"), "{allow}");
    both_sizes("inspector_allow", &mut app);

    press(&mut app, KeyCode::Char('k'));
    set_field(&mut app, "s3:PutObject");
    let deny = screen(&mut app, 120, 40);
    assert!(deny.contains("IMPLICIT DENY"), "{deny}");
    let summary = &app.inspector.result.as_ref().unwrap().as_ref().unwrap().summary;
    assert!(summary.contains("Closest: statement ReadPhotos"), "{summary}");
    assert!(
        deny.contains("· no      Allow ReadPhotos — action not matched"),
        "the closest statement's policy is open: {deny}"
    );
    both_sizes("inspector_implicit_deny", &mut app);

    // the inspector follows the list's selection: bob is denied as well
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.inspector.principal, "user/bob");
}

#[test]
fn the_inspector_opens_a_miss_and_jumps_to_the_statements_line() {
    let mut app = app();
    app.run_command("explain user/alice s3:PutObject arn:aws:s3:::photos/cat.jpg");
    // the policy holding the closest statement is open; put the cursor on the statement
    let rows = app.inspector.rows();
    let statement = rows
        .iter()
        .position(|r| r.spans.iter().any(|(s, _)| s.contains("ReadPhotos")))
        .expect("the closest statement is shown");
    app.inspector.cursor = 4 + statement;
    press(&mut app, KeyCode::Enter); // open the miss: its reason in full
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("statement covers s3:Get*, s3:List*"), "{text}");
    press(&mut app, KeyCode::Char('o'));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("DevelopersS3Read document"), "{text}");
    assert!(text.contains("▶ 4 │"), "the cursor is on the statement's line: {text}");
}

#[test]
fn who_can_runs_in_the_background_and_lists_principals_with_their_statement() {
    let mut app = app();
    app.run_command("who-can s3:GetObject arn:aws:s3:::photos/cat.jpg");
    assert!(matches!(app.stack.last(), Some(View::WhoCan)));
    let started = std::time::Instant::now();
    while app.busy() {
        app.tick();
        assert!(started.elapsed().as_secs() < 30, "who-can did not finish");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    app.tick();
    let result = app.who_can.as_ref().unwrap().result.as_ref().unwrap();
    let alice = result
        .allowed
        .iter()
        .find(|a| a.principal == "user/alice")
        .expect("alice may read photos");
    assert_eq!(&*alice.deciding.as_ref().unwrap().statement, "ReadPhotos");
    assert!(
        result.allowed.iter().all(|a| a.principal != "user/build-bot"),
        "build-bot may not read photos"
    );
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("guests of PhotoAppIdentities"), "{text}");
    both_sizes("who_can", &mut app);
    // Enter asks the inspector about the chosen principal
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.stack.last(), Some(View::Inspector)));
    assert!(
        app.inspector
            .result
            .as_ref()
            .unwrap()
            .as_ref()
            .unwrap()
            .decision
            .is_allowed()
    );
}

#[test]
fn the_filter_is_fuzzy_and_inverts_with_a_bang() {
    let mut app = app();
    keys(&mut app, "/ali");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("Users (1 of 6) /ali"), "{text}");
    assert!(text.contains("▶ alice"), "{text}");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.selection().unwrap(),
        iamscope::tui::sections::Target::User("alice".into())
    );
    keys(&mut app, "/");
    ctrl(&mut app, 'u');
    keys(&mut app, "!dev");
    press(&mut app, KeyCode::Enter);
    // "dev" matches alice and bob (group Developers): four users left
    assert_eq!(app.list().visible.len(), 4);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.list().visible.len(), 6);
}

#[test]
fn help_is_generated_from_the_live_keymap() {
    let mut app = app();
    keys(&mut app, "?");
    both_sizes("help", &mut app);
    let settings = Settings::parse("[keys]\nhelp = \"f1\"\nquit = \"Z\"").unwrap();
    let loaded = iamscope::io::load(&[], None).unwrap();
    let mut app = App::new(
        loaded.model,
        loaded.report,
        "demo".into(),
        settings,
        "2026-11-01T00:00:00Z".parse().unwrap(),
    );
    press(&mut app, KeyCode::F(1));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("f1  show or hide this help"), "{text}");
    assert!(text.contains("Z  quit"), "{text}");
}

#[test]
fn raw_json_of_the_selection() {
    let mut app = app();
    keys(&mut app, "jy");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("JSON — user alice"), "{text}");
    assert!(text.contains("\"UserName\": \"alice\""), "{text}");
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn copy_sends_the_arn_to_the_terminal_clipboard_with_osc52() {
    let mut app = app();
    keys(&mut app, "jc");
    let sequence = app.outbox.pop().unwrap();
    assert!(sequence.starts_with("\x1b]52;c;"));
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .contains("arn:aws:iam::111122223333:user/alice")
    );
}

#[test]
fn commands_complete_and_switch_views() {
    let mut app = app();
    keys(&mut app, ":ro");
    press(&mut app, KeyCode::Tab);
    let text = screen(&mut app, 120, 40);
    assert!(text.contains(":roles"), "{text}");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.section, iamscope::tui::sections::Section::Roles);
    keys(&mut app, ":nonsense");
    press(&mut app, KeyCode::Enter);
    assert!(app.status.as_deref().unwrap().contains("unknown command :nonsense"));
    keys(&mut app, ":open /no/such/file.json");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .contains("cannot read /no/such/file.json")
    );
}

#[test]
fn small_terminals_get_a_message_and_narrow_ones_one_pane() {
    let mut app = app();
    let text = screen(&mut app, 40, 10);
    assert!(text.contains("iamscope needs at least 60×12"), "{text}");
    for (w, h) in [
        (1, 1),
        (0, 0),
        (59, 40),
        (60, 12),
        (61, 13),
        (99, 12),
        (100, 12),
        (200, 60),
    ] {
        // never a panic, whatever the size
        screen(&mut app, w, h);
    }
    press(&mut app, KeyCode::Tab);
    let narrow = screen(&mut app, 80, 24);
    assert!(
        !narrow.contains("NAME"),
        "one pane at a time under 100 columns: {narrow}"
    );
}

#[test]
fn the_selection_shows_without_colour() {
    let mut app = app();
    let terminal = render(&mut app, 120, 40);
    let buffer = terminal.backend().buffer();
    let marked = (0..buffer.area.height)
        .find(|&y| buffer[(1, y)].symbol() == "▶")
        .expect("a marked row");
    assert!(
        buffer[(3, marked)].modifier.contains(Modifier::REVERSED),
        "the selected row is in reverse video"
    );
}

#[test]
fn the_mouse_selects_rows_and_switches_sections() {
    let mut app = app();
    render(&mut app, 120, 40);
    let click = |column, row| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let first_row = app.areas.list_first_row;
    app.handle_event(&click(5, first_row + 2));
    assert_eq!(
        app.selection().unwrap(),
        iamscope::tui::sections::Target::User("bob".into())
    );
    let (x, _, _) = app.areas.tabs[2];
    app.handle_event(&click(x + 1, app.areas.tabs_row));
    assert_eq!(app.section, iamscope::tui::sections::Section::Roles);
}

#[test]
fn names_with_escape_sequences_are_shown_escaped() {
    let text =
        r#"{"UserDetailList": [{"UserName": "evil\u001b[2Jname", "Arn": "arn:aws:iam::123456789012:user/evil"}]}"#;
    let loaded = iamscope::io::load_bytes("evil.json", text.as_bytes()).unwrap();
    let mut app = App::new(
        loaded.model,
        loaded.report,
        "evil.json".into(),
        Settings::default(),
        "2026-11-01T00:00:00Z".parse().unwrap(),
    );
    let screen = screen(&mut app, 120, 40);
    assert!(screen.contains("evil\\u{1b}[2Jname"), "{screen}");
    assert!(!screen.contains('\x1b'));
}

#[test]
fn p_shows_what_the_selected_principal_can_do_and_whether_it_could_escalate() {
    let mut app = app();
    keys(&mut app, "j");
    keys(&mut app, "p");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("What user/alice can do"), "{text}");
    assert!(text.contains("Amazon S3") && text.contains("Limited"), "{text}");
    assert!(text.contains("✓ no path among the"), "{text}");
    insta::assert_snapshot!("what_can_alice", text);
    // ana is an administrator already: Full access, and said so
    keys(&mut app, "1kp");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("What user/ana can do") && text.contains("Full"), "{text}");
    assert!(text.contains("an administrator: every IAM action on *"), "{text}");
}
