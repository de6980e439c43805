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

/// An account whose roles share a long beginning, as AWS Quick Setup names
/// them, one per region; written where the test can open it.
fn quick_setup_account(dir: &std::path::Path) -> std::path::PathBuf {
    let regions = [
        "ap-northeast-1",
        "ap-northeast-2",
        "eu-west-1",
        "eu-west-2",
        "us-east-1",
        "us-east-2",
    ];
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let names = regions
        .iter()
        .map(|region| format!("AWS-QuickSetup-EnableCRecording-1clff_{region}"))
        .chain(["AWSServiceRoleForSSO".to_owned()]);
    let roles: Vec<serde_json::Value> = names
        .enumerate()
        .map(|(i, name)| {
            serde_json::json!({"RoleName": name, "RoleId": format!("AROAQUICKSETUP{i}"),
                "Path": "/", "Arn": format!("arn:aws:iam::111122223333:role/{name}"),
                "AssumeRolePolicyDocument": trust, "RolePolicyList": [], "AttachedManagedPolicies": []})
        })
        .collect();
    let account =
        serde_json::json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": roles, "Policies": []});
    let path = dir.join("quick-setup.json");
    std::fs::write(&path, account.to_string()).unwrap();
    path
}

#[test]
fn look_alike_names_get_room_are_cut_in_the_middle_and_the_selected_one_is_named_whole() {
    let dir = tempfile::tempdir().unwrap();
    let file = quick_setup_account(dir.path());
    let mut e = Explorer::open(
        &[file],
        support::no_journal(),
        iamscope::tui::config::Settings::default(),
    );
    let screen = e.keys("3").text();
    // every row tells its region
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("AWS-QuickSetup")).collect();
    for region in [
        "ap-northeast-1",
        "ap-northeast-2",
        "eu-west-1",
        "eu-west-2",
        "us-east-1",
        "us-east-2",
    ] {
        assert!(
            rows.iter().any(|r| r.contains(&format!("{region} "))),
            "no row ends in {region}:\n{screen}"
        );
    }
    // the list is wider than its old 44% share (52 columns) now that names need it
    let list_width = e.app.layout().list.width;
    assert!(list_width > 52, "{list_width}\n{screen}");
    // the selected row's whole name: in the trail above, and under the list
    // with the room of the whole border when its row cuts it
    let header = screen.lines().next().unwrap();
    assert!(
        header.contains("AWS-QuickSetup-EnableCRecording-1clff_ap-northeast-1"),
        "{header}"
    );
    assert!(
        screen.contains("└ AWS-QuickSetup-EnableCRecording-1clff_ap-northeast-1 ─"),
        "{screen}"
    );
    insta::assert_snapshot!("look_alike_roles", screen);
}

#[test]
fn the_filter_matches_what_holds_the_query_and_selects_the_best_match() {
    let dir = tempfile::tempdir().unwrap();
    let file = quick_setup_account(dir.path());
    let mut e = Explorer::open(
        &[file],
        support::no_journal(),
        iamscope::tui::config::Settings::default(),
    );
    // every role is trusted by ssm.amazonaws.com: s, s and o are in every row
    let screen = e.keys("3 / s s o").text();
    assert!(screen.contains("Roles (1 of 7) /sso"), "{screen}");
    // the cursor goes to the best match, and i inspects it
    let mut e = Explorer::demo();
    e.keys("1 G / a enter i");
    assert_eq!(
        e.app.inspector().field(iamscope::tui::suggest::Field::Principal),
        "user/ana",
        "{}",
        e.text()
    );
    // esc clears the filter and keeps the row selected
    e.keys("esc esc");
    let screen = e.keys("/ ctrl-u c a r o l enter esc").text();
    assert!(screen.contains("Users (6)") && screen.contains("▶ carol"), "{screen}");
}

#[test]
fn a_picker_moves_with_j_and_k_ignores_a_second_lesson_key_and_says_when_nothing_matches() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = Explorer::demo().with_lessons(&dir.path().join("progress.json"));
    e.command("lesson root-user").keys("esc ] ]");
    assert!(e.text().contains("Predict:"), "{}", e.text());
    // a third ] is not filter text
    let screen = e.keys("]").text();
    assert!(!screen.contains("filter › ]"), "{screen}");
    assert!(screen.contains("] is not a choice"), "{screen}");
    // j moves down, k back up
    // (the box's choice, not the list's selection behind it at column 0)
    let choice = |screen: String| {
        screen
            .lines()
            .find(|l| l.match_indices("│▶").any(|(i, _)| i > 3))
            .unwrap_or_default()
            .to_owned()
    };
    let first = choice(e.text());
    let chosen = choice(e.keys("j").text());
    let back = choice(e.keys("k").text());
    assert_eq!(first, back);
    assert_ne!(chosen, back, "j and k move the choice");
    // nothing matches: enter keeps the box open and says so
    e.type_text("zzz").keys("enter");
    let screen = e.text();
    assert!(screen.contains("nothing matches `zzz`"), "{screen}");
    assert!(screen.contains("Predict:"), "the box stays: {screen}");
    e.keys("esc");
    assert!(!e.text().contains("Predict:"), "esc closes it");
}

#[test]
fn esc_from_the_inspector_gives_the_keys_back_to_the_list_and_the_trail_names_the_inspector_s_principal() {
    let mut e = Explorer::demo();
    e.keys("1 i");
    assert!(
        e.text().lines().next().unwrap().contains("Users › inspector: user/ana"),
        "{}",
        e.text()
    );
    e.keys("esc j");
    assert_eq!(e.app.focus(), iamscope::tui::app::Focus::List);
    assert!(e.text().contains("▶ alice"), "j moves the list after esc: {}", e.text());
}

#[test]
fn i_on_a_group_says_a_group_is_not_a_principal_and_offers_its_members() {
    let mut e = Explorer::demo();
    // first a user, so an old principal is there to be wrongly reused
    e.keys("1 i esc 2");
    let screen = e.keys("/ ctrl-u D e v enter i").text();
    assert!(screen.contains("A group is not a principal"), "{screen}");
    assert!(screen.contains("user/alice") && screen.contains("user/bob"), "{screen}");
    e.keys("j enter");
    assert_eq!(
        e.app.inspector().field(iamscope::tui::suggest::Field::Principal),
        "user/bob"
    );
    assert!(
        e.text().lines().next().unwrap().contains("inspector: user/bob"),
        "{}",
        e.text()
    );
}

/// A copy of the demo in a folder with a journal, a session on it killed
/// with one unsaved rename, and the explorer started again on it.
fn after_a_crash(dir: &std::path::Path) -> (std::path::PathBuf, Explorer) {
    let file = dir.join("account.json");
    std::fs::write(&file, iamscope::io::DEMO_ACCOUNT).unwrap();
    let options = |pid| iamscope::session::Options {
        readonly: false,
        journal_dir: Some(dir.join("journal")),
        pid,
    };
    let mut e = Explorer::open(std::slice::from_ref(&file), options(4_194_301), Default::default());
    e.keys("1 / ctrl-u")
        .type_text("dave")
        .keys("enter r")
        .type_text("david")
        .keys("enter");
    assert!(e.app.model().user("david").is_some(), "{}", e.status());
    std::mem::forget(e);
    let next = Explorer::open(std::slice::from_ref(&file), options(4_194_302), Default::default());
    assert!(next.text().contains("Recover unsaved work?"), "{}", next.text());
    (dir.join("journal"), next)
}

fn journals(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn the_recovery_prompt_is_dismissed_by_q_esc_and_ctrl_c_and_the_journal_stays() {
    for keys in ["q", "esc", "ctrl-c"] {
        let dir = tempfile::tempdir().unwrap();
        let (journal, mut e) = after_a_crash(dir.path());
        let before = journals(&journal);
        assert!(before >= 1);
        e.keys(keys);
        assert!(
            !e.text().contains("Recover unsaved work?"),
            "{keys} closes it: {}",
            e.text()
        );
        assert!(!e.quit(), "{keys} only closes the prompt");
        assert!(
            e.status().contains("the unsaved work is kept"),
            "{keys}: {}",
            e.status()
        );
        // quitting now leaves the other session's journal where it was
        e.keys("q");
        assert!(e.quit());
        assert!(journals(&journal) >= 1, "{keys}: the journal is kept");
        let dir_path = dir.path().to_owned();
        let file = dir_path.join("account.json");
        let again = Explorer::open(
            &[file],
            iamscope::session::Options {
                readonly: false,
                journal_dir: Some(journal.clone()),
                pid: 4_194_303,
            },
            Default::default(),
        );
        assert!(again.text().contains("Recover unsaved work?"), "{keys}: offered again");
    }
}

#[test]
fn recovered_work_on_the_demo_is_saved_as_a_copy_and_the_status_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let options = |pid| iamscope::session::Options {
        readonly: false,
        journal_dir: Some(dir.path().join("journal")),
        pid,
    };
    let mut e = Explorer::open(&[], options(4_194_301), Default::default());
    e.keys("1 / ctrl-u")
        .type_text("dave")
        .keys("enter r")
        .type_text("david")
        .keys("enter");
    std::mem::forget(e);
    let mut next = Explorer::open(&[], options(4_194_302), Default::default());
    next.keys("y");
    let status = next.status();
    assert!(status.starts_with("recovered 1 unsaved change"), "{status}");
    assert!(
        status.contains(":saveas FILE") && !status.contains("ctrl-s"),
        "{status}"
    );
}

#[test]
fn a_lesson_s_task_stays_on_screen_while_the_editor_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = Explorer::demo().with_lessons(&dir.path().join("progress.json"));
    e.command("lesson root-user").keys("esc");
    let lesson = e.app.layout().lesson;
    assert!(lesson.height > 0, "{}", e.text());
    let pane: Vec<String> = e
        .text()
        .lines()
        .skip(lesson.y as usize)
        .take(lesson.height as usize)
        .map(str::to_owned)
        .collect();
    e.keys("4 e");
    assert!(e.app.editor().is_some(), "{}", e.text());
    let screen = e.text();
    let lines: Vec<&str> = screen.lines().collect();
    assert!(e.app.layout().lesson.height > 0, "{screen}");
    // the lesson pane's first lines (its title and task) are still there
    for line in pane.iter().take(3) {
        assert!(
            lines.contains(&line.as_str()),
            "`{line}` is gone while editing:\n{screen}"
        );
    }
}

#[test]
fn the_first_screen_points_a_learner_to_the_lessons_and_always_shows_the_way_out() {
    let mut e = Explorer::demo();
    for (w, h) in [(120, 40), (80, 24), (60, 20)] {
        let screen = e.screen(w, h);
        let footer = screen.lines().last().unwrap();
        assert!(footer.contains("q/ctrl-c quit"), "{w}×{h}: {footer}");
        if w >= 80 {
            assert!(footer.contains(":lessons"), "{w}×{h}: {footer}");
        }
    }
}

#[test]
fn escalation_says_path_found_or_no_path_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let arn = |name: &str| format!("arn:aws:iam::111122223333:user/{name}");
    let user = |name: &str, statement: serde_json::Value| {
        serde_json::json!({"UserName": name, "UserId": format!("AIDA{}", name.to_uppercase()), "Path": "/",
            "Arn": arn(name), "UserPolicyList": [{"PolicyName": "p",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}}]})
    };
    let account = serde_json::json!({
        "UserDetailList": [
            // iam:PutUserPolicy on itself: it can write itself any permission
            user("mallory", serde_json::json!({"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": arn("mallory")})),
            user("clerk", serde_json::json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})),
        ],
        "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
    });
    let file = dir.path().join("account.json");
    std::fs::write(&file, account.to_string()).unwrap();
    let mut e = Explorer::open(&[file], support::no_journal(), Default::default());
    let screen = e.keys("1 / ctrl-u").type_text("mallory").keys("enter p").text();
    assert!(screen.contains("path found: "), "{screen}");
    let screen = e.keys("esc / ctrl-u").type_text("clerk").keys("enter p").text();
    assert!(screen.contains("no path among the"), "{screen}");
    assert!(!screen.contains('✓') && !screen.contains('✗'), "{screen}");
}

/// The help box's rows: what is between its side borders.
fn help_rows(screen: &str) -> Vec<String> {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let Some((top, left)) = lines.iter().enumerate().find_map(|(y, l)| {
        let s: String = l.iter().collect();
        s.find("┌ Keys").map(|byte| (y, s[..byte].chars().count()))
    }) else {
        return Vec::new();
    };
    lines[top + 1..]
        .iter()
        .take_while(|l| l.get(left) == Some(&'│'))
        .map(|l| l[left + 1..].iter().collect())
        .collect()
}

#[test]
fn the_help_scrolls_to_its_end_with_g_and_end_and_back_with_g_and_home_and_stays_open() {
    let mut e = Explorer::demo();
    e.keys("?");
    let first = help_rows(&e.text());
    assert!(first[0].contains("Browsing"), "{}", e.text());
    for (to_end, to_top) in [("G", "g"), ("end", "home")] {
        let screen = e.keys(to_end).text();
        let rows = help_rows(&screen);
        assert!(!rows.is_empty(), "{to_end} keeps the help open:\n{screen}");
        assert!(
            rows.iter().any(|r| r.contains("an action's keys, by its name above")),
            "{to_end} shows the help's last line:\n{screen}"
        );
        let (shown, total) = screen
            .split("Keys — ")
            .nth(1)
            .and_then(|t| t.split_once(' '))
            .and_then(|(n, _)| n.split_once('/'))
            .unwrap();
        assert_eq!(shown, total, "{screen}");
        e.keys(to_top);
        assert_eq!(help_rows(&e.text()), first, "{to_top} goes back to the top");
    }
}

#[test]
fn the_help_keeps_a_column_of_room_inside_its_border() {
    let mut e = Explorer::demo();
    e.keys("?");
    let mut rows = Vec::new();
    for _ in 0..12 {
        rows.extend(help_rows(&e.text()));
        e.keys("pgdown");
    }
    assert!(rows.iter().any(|r| r.contains("pgdown/ctrl-f/space")), "{rows:#?}");
    for row in &rows {
        assert!(row.starts_with(' '), "`{row}` touches the border");
    }
}

#[test]
fn a_user_pool_s_settings_read_as_words_not_json() {
    let screen = Explorer::demo().keys("7").text();
    let line = |label: &str| {
        screen
            .lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("no `{label}`:\n{screen}"))
            .to_owned()
    };
    assert!(line("sign in with ").contains("  email"), "{screen}");
    assert!(line("auto-verified ").contains("  email"), "{screen}");
    assert!(line("MFA ").contains("OPTIONAL"), "{screen}");
    assert!(!screen.contains("[\"") && !screen.contains("Attributes"), "{screen}");
}

/// The rows under a page's `Versions` heading.
fn version_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.contains("│ Versions "))
        .skip(1)
        .map(|l| l.rsplit("││").next().unwrap_or(l).to_owned())
        .take_while(|l| l.contains('→'))
        .collect()
}

#[test]
fn a_policy_s_versions_are_listed_newest_first_also_after_a_new_one() {
    let mut e = Explorer::demo();
    e.keys("4 / ctrl-u").type_text("DevelopersS3Read").keys("enter");
    let rows = version_rows(&e.text());
    assert!(rows[0].contains("v2") && rows[0].contains("(default)"), "{rows:#?}");
    assert!(rows[1].contains("v1"), "{rows:#?}");
    // a saved edit makes v3, the new default
    e.keys("e ctrl-n ctrl-s enter esc");
    let rows = version_rows(&e.text());
    let ids: Vec<&str> = rows.iter().filter_map(|r| r.split_whitespace().nth(1)).collect();
    assert_eq!(ids, ["v3", "v2", "v1"], "{}", e.text());
    assert!(rows[0].contains("(default)"), "{rows:#?}");
}

#[test]
fn the_access_key_picker_offers_no_third_key_and_says_why() {
    let mut e = Explorer::demo();
    e.keys("1 / ctrl-u").type_text("dave").keys("enter");
    e.keys("K");
    assert!(
        e.text().contains("create a new access key (1 of at most 2)"),
        "{}",
        e.text()
    );
    e.keys("enter K enter");
    let screen = e.keys("K").text();
    assert!(!screen.contains("create a new access key"), "{screen}");
    assert!(!screen.contains("3 of at most 2"), "{screen}");
    assert!(
        screen.contains("it has 2, the most IAM allows a user; delete one to create a new"),
        "{screen}"
    );
}

#[test]
fn a_name_prompt_is_titled_with_what_it_does() {
    let mut e = Explorer::demo();
    let screen = e.keys("1 r").text();
    assert!(screen.contains("┌ Rename user ─"), "{screen}");
    let screen = e.keys("esc n").text();
    assert!(screen.contains("┌ New user ─"), "{screen}");
    let screen = e.keys("esc 4 n").text();
    assert!(screen.contains("┌ New managed policy ─"), "{screen}");
}

#[test]
fn a_refused_name_keeps_the_prompt_open_with_the_name_and_why() {
    let mut e = Explorer::demo();
    e.keys("1 r").type_text("bob").keys("enter");
    let screen = e.text();
    assert!(screen.contains("┌ Rename user ─"), "the prompt stays: {screen}");
    assert!(screen.contains("refused: a user named bob exists already"), "{screen}");
    assert!(screen.contains("› bob "), "the name stays to correct: {screen}");
    // corrected, it is taken
    e.type_text("by").keys("enter");
    assert!(e.app.model().user("bobby").is_some(), "{}", e.text());
    assert!(!e.text().contains("┌ Rename user ─"), "{}", e.text());
    // a name IAM does not allow, for a policy that opens in the editor
    e.keys("4 n").type_text("my policy").keys("enter");
    let screen = e.text();
    assert!(e.app.editor().is_none(), "{screen}");
    assert!(screen.contains("┌ New managed policy ─"), "{screen}");
    assert!(screen.contains("is not allowed in a policy name"), "{screen}");
    e.keys("ctrl-u").type_text("MyPolicy").keys("enter");
    assert!(e.app.editor().is_some(), "{}", e.text());
}

#[test]
fn the_suggestion_box_shows_its_whole_title() {
    let mut e = Explorer::demo();
    e.keys("1 i enter ctrl-u").type_text("s3:Get");
    for (w, h) in [(120, 40), (80, 24)] {
        let screen = e.screen(w, h);
        assert!(
            screen.contains("┌ suggestions (Tab takes, ↑↓ choose) ┐")
                || screen.contains("┌ suggestions (Tab takes, ↑↓ choose) ─"),
            "{w}×{h}:\n{screen}"
        );
    }
}

#[test]
fn the_policies_kind_column_says_a_short_word_that_fits() {
    let mut e = Explorer::demo();
    let screen = e.keys("4").text();
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| l.split("││").next().unwrap_or(l))
        .filter(|l| l.contains("DevelopersS3Read") || l.contains("AdministratorAccess"))
        .collect();
    assert_eq!(rows.len(), 2, "{screen}");
    assert!(rows[0].contains(" customer "), "{screen}");
    assert!(rows[1].contains(" AWS "), "{screen}");
    // filtered, the list is narrower: the word still fits
    let screen = e.keys("/ ctrl-u").type_text("DevelopersS3Read").keys("enter").text();
    let row = screen.lines().find(|l| l.contains("▶ DevelopersS3Read")).unwrap();
    let list = row.split("││").next().unwrap();
    assert!(list.contains(" customer ") && !list.contains('…'), "{screen}");
}

#[test]
fn lesson_descriptions_wrap_instead_of_ending_in_an_ellipsis() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = Explorer::demo().with_lessons(&dir.path().join("progress.json"));
    e.command("lessons");
    let screen = e.text();
    let right: Vec<&str> = screen.lines().filter_map(|l| l.split("││").nth(1)).collect();
    assert!(right.iter().all(|l| !l.contains('…')), "{screen}");
    // the first lesson's summary, whole, over the rows under its title
    let summary = &iamscope::lessons::Lesson::embedded()[0].summary;
    let text: String = right
        .iter()
        .skip(1)
        .take_while(|l| !l.contains(" 2. "))
        .map(|l| l.trim_end_matches('│').trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(text.trim(), summary.as_str(), "{screen}");
}

/// An account with one user whose inline policy has twelve statements; the
/// sixth allows `s3:*` on `*` (a finding), below the first screen.
fn long_policy_account(dir: &std::path::Path) -> std::path::PathBuf {
    let mut statements: Vec<serde_json::Value> = (1..=12)
        .map(|n| {
            serde_json::json!({"Sid": format!("ReadBucket{n}"), "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [format!("arn:aws:s3:::bucket-{n}"), format!("arn:aws:s3:::bucket-{n}/*")]})
        })
        .collect();
    statements[5] = serde_json::json!({"Sid": "Everything", "Effect": "Allow", "Action": ["s3:*"], "Resource": "*"});
    let account = serde_json::json!({
        "UserDetailList": [{"UserName": "reader", "UserId": "AIDAREADER", "Path": "/",
            "Arn": "arn:aws:iam::111122223333:user/reader",
            "UserPolicyList": [{"PolicyName": "ManyBuckets",
                "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]}],
        "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
    });
    let file = dir.join("account.json");
    std::fs::write(&file, account.to_string()).unwrap();
    file
}

#[test]
fn a_finding_opens_its_policy_at_the_statement_from_its_first_line_and_keeps_the_top_when_it_can() {
    // the demo's finding is on line 8 of a short policy: nothing is scrolled away
    let mut e = Explorer::demo();
    let screen = e.keys("f enter").text();
    assert!(screen.contains("Inline policy of user carol"), "{screen}");
    assert!(screen.contains("  1 │ {"), "{screen}");
    // far down a long policy: its statement shows from its `{`, the line before it too
    let dir = tempfile::tempdir().unwrap();
    let file = long_policy_account(dir.path());
    let mut e = Explorer::open(&[file], support::no_journal(), Default::default());
    let screen = e.keys("f enter").text();
    let right: Vec<&str> = screen.lines().filter_map(|l| l.split("││").nth(1)).collect();
    let cursor = right
        .iter()
        .position(|l| l.starts_with('▶'))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(right[cursor].contains("\"s3:*\""), "{screen}");
    let sid = right
        .iter()
        .position(|l| l.contains("\"Sid\": \"Everything\""))
        .unwrap_or_else(|| panic!("the statement's Sid is shown: {screen}"));
    assert!(
        right[sid - 1].trim_end_matches('│').trim_end().ends_with('{'),
        "{screen}"
    );
    assert!(right[sid - 2].contains("},"), "the line before the statement: {screen}");
    // and not more of what is above than that
    assert_eq!(sid, 2, "{screen}");
}

#[test]
fn summary_in_the_explorer_shows_what_iamscope_summary_prints() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .arg("summary")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.contains("users              6"), "{printed}");
    let mut e = Explorer::demo();
    let screen = e.command("summary").text();
    for line in printed.lines() {
        assert!(screen.contains(line.trim_end()), "`{line}` is not shown:\n{screen}");
    }
    // of the account as it is now: a new user is counted
    e.keys("esc 1 n").type_text("newcomer").keys("enter");
    assert!(e.app.model().user("newcomer").is_some(), "{}", e.text());
    let screen = e.command("summary").text();
    assert!(screen.contains("users              7"), "{screen}");
}

/// The inspector's rows (the right pane), without the borders.
fn right_pane(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|l| l.split("││").nth(1))
        .map(|l| l.trim_end_matches('│').to_owned())
        .collect()
}

#[test]
fn an_identity_pool_guest_s_two_steps_are_labelled_and_assumptions_that_decide_are_open() {
    let mut e = Explorer::demo();
    e.keys("6 i");
    let rows = right_pane(&e.text());
    let step1 = rows
        .iter()
        .position(|r| r.contains("Step 1: ALLOW  sts:AssumeRoleWithWebIdentity"));
    let step2 = rows.iter().position(|r| r.contains("Step 2: ALLOW  s3:"));
    assert!(step1.is_some() && step2 > step1, "{rows:#?}");
    // the region and the flow were filled in, and without them the guest
    // is denied: the branch is open, says so, and names the Context field
    let assumed = rows
        .iter()
        .position(|r| r.contains("▾ Assumed (2) — they change the answer; without them: IMPLICIT DENY"))
        .unwrap_or_else(|| panic!("{rows:#?}"));
    let under: String = rows[assumed + 1..]
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(under.contains("aws:RequestedRegion = us-east-1"), "{rows:#?}");
    assert!(under.contains("in the Context"), "{rows:#?}");
    assert!(!under.contains("--context"), "{rows:#?}");
    // A toggles to the context as written: nothing is assumed, nothing to open
    e.keys("A");
    let rows = right_pane(&e.text());
    assert!(!rows.iter().any(|r| r.contains("Assumed")), "{rows:#?}");
}

#[test]
fn assumptions_that_do_not_change_the_answer_stay_closed() {
    let mut e = Explorer::demo();
    // alice reads a photo in the region the SCP allows: what is still
    // filled in (the time, the transport) decides nothing
    e.keys("1 j i j j enter")
        .type_text("aws:RequestedRegion=eu-west-1")
        .keys("enter");
    let rows = right_pane(&e.text());
    assert!(rows.iter().any(|r| r.contains("ALLOW  Allowed")), "{rows:#?}");
    let assumed = rows
        .iter()
        .find(|r| r.contains("Assumed ("))
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert!(assumed.contains("▸ Assumed"), "{assumed}");
    assert!(!assumed.contains("change the answer"), "{assumed}");
}

/// The list's column titles on a screen (whole ones: a cut title ends in …).
fn list_columns(screen: &str) -> Vec<String> {
    let header = screen.lines().nth(3).unwrap_or_default();
    let list = header.split("││").next().unwrap_or(header);
    list.trim_matches('│')
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty() && !c.ends_with('…'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_wider_screen_shows_every_list_column_a_narrow_one_shows() {
    for section in ["1", "2", "3", "4", "5", "6", "7", "8", "9"] {
        let mut e = Explorer::demo();
        e.keys(section);
        let narrow = list_columns(&e.screen(80, 24));
        assert!(narrow.len() >= 2, "{section}: {narrow:?}");
        for (w, h) in [(120, 40), (200, 50)] {
            let screen = e.screen(w, h);
            let wide = list_columns(&screen);
            for column in &narrow {
                assert!(
                    wide.contains(column),
                    "{section} at {w}×{h} lacks {column} (80×24 shows {narrow:?}):\n{screen}"
                );
            }
            // and the page of the selection is beside it
            assert!(
                screen.lines().nth(2).unwrap().contains("┐┌"),
                "{section} {w}×{h}:\n{screen}"
            );
        }
    }
    // the users' credentials, by name
    let mut e = Explorer::demo();
    let columns = list_columns(&e.screen(120, 40));
    for column in ["KEYS", "PASSWORD", "LAST USED"] {
        assert!(columns.iter().any(|c| c == column), "{columns:?}");
    }
}

/// The right pane's row with the cursor, and whether a line is one of a
/// policy's (numbered) or a link.
fn cursor_row(screen: &str) -> Option<String> {
    right_pane(screen).into_iter().find(|r| r.starts_with('▶'))
}

#[test]
fn the_page_cursor_stops_only_on_links_and_policy_lines_and_the_text_between_scrolls_into_view() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut e = Explorer::demo();
        e.resize(w, h);
        // alice's page, then her group's: prose, fields, links and blank lines
        e.keys("j enter enter");
        let screen = e.text();
        assert!(screen.contains("group Developers"), "{screen}");
        let mut seen = std::collections::BTreeSet::new();
        let mut stops = Vec::new();
        for _ in 0..30 {
            let screen = e.text();
            // at 80 columns one pane shows at a time: the whole row is the pane
            let row = if w < 100 {
                screen.lines().find(|l| l.starts_with("│▶")).map(|l| l[3..].to_owned())
            } else {
                cursor_row(&screen)
            }
            .unwrap_or_else(|| panic!("no cursor:\n{screen}"));
            let text = row.trim_start_matches('▶').trim();
            assert!(
                text.starts_with('→') || text.chars().next().is_some_and(|c| c.is_ascii_digit()),
                "{w}×{h}: the cursor is on `{row}`:\n{screen}"
            );
            stops.push(text.to_owned());
            seen.extend(screen.lines().map(str::to_owned));
            e.keys("j");
        }
        // every link of the page was a stop, in order, none twice in a row
        let links: Vec<&String> = stops.iter().filter(|s| s.starts_with('→')).collect();
        assert!(links.first().is_some_and(|l| l.contains("alice")), "{stops:?}");
        assert!(links.iter().any(|l| l.contains("DenyProdTables")), "{stops:?}");
        // and the prose at the top and the end was on the screen on the way
        let all = seen.into_iter().collect::<Vec<_>>().join("\n");
        assert!(all.contains("A group is a way to give"), "{all}");
        // back up: the top of the page comes into view
        for _ in 0..40 {
            e.keys("k");
        }
        let screen = e.text();
        assert!(screen.contains("│ Group "), "{w}×{h}:\n{screen}");
        assert!(
            cursor_row(&screen).is_some_and(|r| r.contains("→ alice")) || w < 100,
            "{screen}"
        );
    }
}

#[test]
fn a_page_with_nothing_to_act_on_scrolls_with_j_and_k() {
    let mut e = Explorer::demo();
    // ana is an administrator: a long page of services
    e.keys("p");
    let first = right_pane(&e.text());
    assert!(!first.iter().any(|r| r.starts_with('▶')), "no cursor: {first:#?}");
    // a line at a time (a wrapped paragraph is one line)
    e.keys("j");
    let moved = right_pane(&e.text());
    assert_eq!(moved[0], first[1], "a line down");
    e.keys("j");
    assert_eq!(right_pane(&e.text())[0], first[5], "the paragraph's four rows went by");
    e.keys("k k");
    assert_eq!(right_pane(&e.text()), first);
}

#[test]
fn the_inspector_s_cursor_stops_on_a_wrapped_paragraph_once() {
    let mut e = Explorer::demo();
    e.keys("6 i");
    let mut stops = Vec::new();
    for _ in 0..40 {
        if let Some(row) = cursor_row(&e.text()) {
            stops.push(row);
        }
        e.keys("j");
    }
    assert!(
        stops.iter().any(|r| r.contains("aws:RequestedRegion = us-east-1")),
        "{stops:#?}"
    );
    for further in [
        "region, so the default",
        "the Context field to try",
        "in which a guest assumes",
    ] {
        assert!(!stops.iter().any(|r| r.contains(further)), "`{further}`: {stops:#?}");
    }
    // and back up, the same
    for _ in 0..10 {
        e.keys("k");
        let row = cursor_row(&e.text()).unwrap_or_default();
        assert!(!row.contains("the Context field to try"), "{row}");
    }
}
