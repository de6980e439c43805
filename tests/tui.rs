//! The explorer's screens, driven through its own loop with terminal events
//! and compared with snapshots, at 120×40 and at 80×24.

mod support;

use support::{Explorer, no_journal};

use crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use iamscope::tui::app::{Focus, View};
use iamscope::tui::config::Settings;
use iamscope::tui::sections::{Section, Target};
use ratatui::style::Modifier;

/// Replace the inspector field under the cursor: enter, clear, type, enter.
fn set_field(e: &mut Explorer, text: &str) {
    e.keys("enter ctrl-u").type_text(text).keys("enter");
}

fn both_sizes(name: &str, e: &mut Explorer) {
    insta::assert_snapshot!(format!("{name}_120x40"), e.screen(120, 40));
    insta::assert_snapshot!(format!("{name}_80x24"), e.screen(80, 24));
    e.resize(120, 40);
}

#[test]
fn users_list_with_the_detail_of_the_selection() {
    let mut e = Explorer::demo();
    e.keys("j");
    both_sizes("users", &mut e);
}

#[test]
fn every_section_has_a_screen() {
    for (key, name) in [
        ("2", "groups"),
        ("3", "roles"),
        ("4", "policies"),
        ("5", "root"),
        ("6", "identity_pools"),
        ("7", "user_pools"),
        ("8", "resource_policies"),
        ("9", "org_policies"),
    ] {
        let mut e = Explorer::demo();
        e.keys(key);
        both_sizes(name, &mut e);
    }
}

#[test]
fn following_links_from_a_user_to_a_group_to_a_policy_and_back() {
    let mut e = Explorer::demo();
    e.keys("j enter"); // alice; into the detail pane: the cursor is on the first link
    let page = e.app.page().unwrap();
    assert!(
        page.doc().unwrap().lines[page.cursor()]
            .plain()
            .contains("→ Developers")
    );
    e.keys("enter");
    assert!(matches!(e.app.views().last(), Some(View::Detail(_))));
    let group = e.text();
    assert!(group.contains("group Developers"), "{group}");
    // (prose wraps to the pane: its words are on the page, its rows on the screen)
    let page = e.app.page().unwrap().doc().unwrap();
    assert!(
        page.lines.iter().any(|l| l
            .plain()
            .contains("A group is a way to give many users the same permissions")),
        "{group}"
    );
    assert!(group.contains("A group is a way to give many users the"), "{group}");
    // open the group's policy: its document is shown highlighted with line
    // numbers; the cursor goes from link to link
    let lines = &e.app.page().unwrap().doc().unwrap().lines;
    let at = lines
        .iter()
        .position(|l| l.plain().contains("→ DevelopersS3Read"))
        .unwrap();
    let links_before = lines[..at].iter().filter(|l| l.stop).count();
    e.keys("g");
    for _ in 1..links_before + 1 {
        e.keys("j");
    }
    e.keys("enter");
    both_sizes("policy_document", &mut e);
    // breadcrumbs, then back twice to the user
    let text = e.text();
    assert!(
        text.contains("user alice › group Developers › DevelopersS3Read"),
        "{text}"
    );
    e.keys("esc esc");
    assert!(e.app.views().is_empty());
    e.keys("esc");
    assert_eq!(e.app.focus(), Focus::List);
}

#[test]
fn the_inspector_explains_an_allow_and_an_implicit_deny_live() {
    let mut e = Explorer::demo();
    e.keys("j i"); // alice
    // the cursor starts on the action field; go to the resource field
    e.keys("j");
    set_field(&mut e, "arn:aws:s3:::photos/cat.jpg");
    let allow = e.text();
    assert!(allow.contains("ALLOW"), "{allow}");
    assert!(allow.contains("▶ decides Allow ReadPhotos"), "{allow}");
    both_sizes("inspector_allow", &mut e);

    e.keys("k");
    set_field(&mut e, "s3:PutObject");
    let deny = e.text();
    assert!(deny.contains("IMPLICIT DENY"), "{deny}");
    let summary = &e.app.inspector().result().unwrap().as_ref().unwrap().summary;
    assert!(summary.contains("Closest: statement ReadPhotos"), "{summary}");
    assert!(
        deny.contains("· no      Allow ReadPhotos — action not matched"),
        "the closest statement's policy is open: {deny}"
    );
    both_sizes("inspector_implicit_deny", &mut e);

    // the inspector follows the list's selection: bob is denied as well
    e.keys("tab j");
    assert_eq!(
        e.app.inspector().field(iamscope::tui::suggest::Field::Principal),
        "user/bob"
    );
}

#[test]
fn the_inspector_opens_a_miss_and_jumps_to_the_statements_line() {
    let mut e = Explorer::demo();
    e.command("explain user/alice s3:PutObject arn:aws:s3:::photos/cat.jpg");
    // the policy holding the closest statement is open; put the cursor on the statement
    let statement = e
        .app
        .inspector()
        .rows()
        .iter()
        .position(|r| r.spans.iter().any(|(s, _)| s.contains("ReadPhotos")))
        .expect("the closest statement is shown");
    for _ in 0..statement {
        e.keys("j");
    }
    e.keys("enter"); // open the miss: its reason in full
    let text = e.text();
    assert!(text.contains("statement covers s3:Get*, s3:List*"), "{text}");
    e.keys("o");
    let text = e.text();
    assert!(
        text.contains("DevelopersS3Read v2 (default)") || text.contains("DevelopersS3Read v2"),
        "{text}"
    );
    assert!(text.contains("▶ 4 │"), "the cursor is on the statement's line: {text}");
}

#[test]
fn who_can_runs_in_the_background_and_lists_principals_with_their_statement() {
    let mut e = Explorer::demo();
    e.command("who-can s3:GetObject arn:aws:s3:::photos/cat.jpg");
    let Some(View::WhoCan(pane)) = e.app.views().last() else {
        panic!("who-can is shown");
    };
    let result = pane.result().expect("the loop waits for background work");
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
    let text = e.text();
    assert!(text.contains("guests of PhotoAppIdentities"), "{text}");
    both_sizes("who_can", &mut e);
    // Enter asks the inspector about the chosen principal
    e.keys("j enter");
    assert!(matches!(e.app.views().last(), Some(View::Inspector)));
    assert!(
        e.app
            .inspector()
            .result()
            .unwrap()
            .as_ref()
            .unwrap()
            .decision
            .is_allowed()
    );
}

#[test]
fn the_filter_is_fuzzy_and_inverts_with_a_bang() {
    let mut e = Explorer::demo();
    e.keys("/").type_text("ali");
    let text = e.text();
    assert!(text.contains("Users (1 of 6) /ali"), "{text}");
    assert!(text.contains("▶ alice"), "{text}");
    e.keys("enter");
    assert_eq!(e.app.selection().unwrap(), Target::user("alice"));
    e.keys("/ ctrl-u").type_text("!dev").keys("enter");
    // "dev" matches alice and bob (group Developers): four users left
    assert_eq!(e.app.list().counts(), (4, 6));
    e.keys("esc");
    assert_eq!(e.app.list().counts(), (6, 6));
}

#[test]
fn help_shows_every_mode_s_keys_and_their_names_in_the_settings_file() {
    let mut e = Explorer::demo();
    e.keys("?");
    both_sizes("help", &mut e);
    let settings =
        Settings::parse("[keys]\nhelp = \"f1\"\nquit = \"Z\"\n[keys.popup]\naccept = [\"enter\", \"o\"]").unwrap();
    let mut e = Explorer::open(&[], no_journal(), settings);
    e.keys("f1");
    // every page of it
    let mut text = e.text();
    for _ in 0..8 {
        text.push_str(&e.keys("pgdown").text());
    }
    assert!(text.contains("f1  help"), "{text}");
    assert!(text.contains("Z  quit"), "{text}");
    for table in ["[keys] in config.toml", "[keys.popup]", "[keys.input]", "[keys.editor]"] {
        assert!(text.contains(table), "{table}: {text}");
    }
    assert!(text.contains("enter/o  accept"), "{text}");
}

#[test]
fn raw_json_of_the_selection() {
    let mut e = Explorer::demo();
    e.keys("j y");
    let text = e.text();
    assert!(text.contains("JSON — user alice"), "{text}");
    assert!(text.contains("\"UserName\": \"alice\""), "{text}");
    e.keys("esc");
    assert_eq!(e.app.popups(), 0);
}

#[test]
fn copy_sends_the_arn_to_the_terminal_clipboard_with_osc52() {
    let mut e = Explorer::demo();
    e.keys("j c");
    let sequence = e.driver.emitted.pop().unwrap();
    assert!(sequence.starts_with("\x1b]52;c;"));
    assert!(e.status().contains("arn:aws:iam::111122223333:user/alice"));
}

#[test]
fn commands_complete_and_switch_views() {
    let mut e = Explorer::demo();
    e.keys(":").type_text("ro").keys("tab");
    let text = e.text();
    assert!(text.contains(":roles"), "{text}");
    e.keys("enter");
    assert_eq!(e.app.section(), Section::Roles);
    e.command("nonsense");
    assert!(e.status().contains("unknown command :nonsense"));
    e.command("open /no/such/file.json");
    assert!(e.status().contains("cannot read /no/such/file.json"), "{}", e.status());
    // what help lists, completion offers
    e.keys(":").type_text("summ").keys("tab");
    assert!(e.text().contains(":summary"), "{}", e.text());
    e.keys("enter");
    assert!(e.text().contains("┌ Summary (esc closes)"));
}

#[test]
fn small_terminals_get_a_message_and_narrow_ones_one_pane() {
    let mut e = Explorer::demo();
    let text = e.screen(40, 10);
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
        e.screen(w, h);
    }
    e.resize(80, 24).keys("tab");
    let narrow = e.text();
    assert!(
        !narrow.contains("NAME"),
        "one pane at a time under 100 columns: {narrow}"
    );
}

#[test]
fn the_selection_shows_without_colour() {
    let e = Explorer::demo();
    let buffer = e.driver.buffer();
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
    let mut e = Explorer::demo();
    let click = |column, row| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let first_row = e.app.layout().list.y + 2;
    e.event(click(5, first_row + 2));
    assert_eq!(e.app.selection().unwrap(), Target::user("bob"));
    let (x, _, _) = e.app.layout().tab_spans[2];
    let tabs = e.app.layout().tabs.y;
    e.event(click(x + 1, tabs));
    assert_eq!(e.app.section(), Section::Roles);
}

#[test]
fn names_with_escape_sequences_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("evil.json");
    std::fs::write(
        &file,
        r#"{"UserDetailList": [{"UserName": "evil\u001b[2Jname", "Arn": "arn:aws:iam::123456789012:user/evil"}]}"#,
    )
    .unwrap();
    let e = Explorer::open(&[file], no_journal(), Settings::default());
    let screen = e.text();
    assert!(screen.contains("evil\\u{1b}[2Jname"), "{screen}");
    assert!(!screen.contains('\x1b'));
}

#[test]
fn p_shows_what_the_selected_principal_can_do_and_whether_it_could_escalate() {
    let mut e = Explorer::demo();
    e.keys("j p");
    let text = e.text();
    assert!(text.contains("What user/alice can do"), "{text}");
    assert!(text.contains("Amazon S3") && text.contains("Limited"), "{text}");
    assert!(text.contains("no path among the"), "{text}");
    insta::assert_snapshot!("what_can_alice", text);
    // ana is an administrator already: Full access, and said so
    e.keys("1 k p");
    let text = e.text();
    assert!(text.contains("What user/ana can do") && text.contains("Full"), "{text}");
    assert!(text.contains("an administrator: every IAM action on *"), "{text}");
}

#[test]
fn who_can_and_a_roles_page_name_the_federated_users_its_trust_admits() {
    // tests/fixtures/federation.json: GhDenyFork trusts myorg's repositories
    // but denies myorg/secret (an explicit deny overrides the allow).
    let fixture = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/federation.json"));
    let mut e = Explorer::open(&[fixture], no_journal(), Settings::default());
    e.resize(320, 40);
    e.command("who-can s3:GetObject arn:aws:s3:::artifacts/app.zip");
    let text = e.text();
    assert!(
        text.contains(
            "↳ assumable by any GitHub Actions workflow of any repository of myorg, except repository myorg/secret"
        ),
        "{text}"
    );
    assert!(
        text.contains("↳ assumable by nobody: the account has no OIDC provider gitlab.example.com"),
        "{text}"
    );
    e.keys("esc 3 /").type_text("GhDeny");
    e.keys("enter");
    let text = e.text();
    assert!(text.contains("assumable by"), "{text}");
    assert!(text.contains("any GitHub Actions workflow of any"), "{text}");
    assert!(text.contains("except repository myorg/secret"), "{text}");
}
