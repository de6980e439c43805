//! Editing in the explorer, driven through the app's own key handling and
//! drawn on a `TestBackend`: the policy editor with its diagnostics, the
//! impact preview, refusals, undo, versions, saving (and refusing to save
//! over a file changed on disk), read-only mode, leaving with unsaved
//! changes, and recovering a session from its journal.

mod support;

use support::{ctrl, keys, press, screen};

use crossterm::event::KeyCode;
use iamscope::io::export::export_to_string;
use iamscope::io::{AccountSource, ExportFormat};
use iamscope::model::Holder;
use iamscope::tui::App;
use iamscope::tui::app::{Overlay, View};
use iamscope::tui::config::Settings;

const DEV_POLICY: &str = "arn:aws:iam::111122223333:policy/DevelopersS3Read";

fn app_from(paths: &[std::path::PathBuf]) -> App {
    let sources: Vec<AccountSource> = paths.iter().cloned().map(AccountSource::File).collect();
    let loaded = iamscope::io::load(&sources, None).unwrap();
    let mut app = App::new(
        loaded.model,
        loaded.report,
        "demo account".to_owned(),
        Settings::default(),
        "2026-11-01T00:00:00Z".parse().unwrap(),
    );
    for path in paths {
        app.files.push(path.clone());
        app.fingerprints
            .push(iamscope::io::save::Fingerprint::of(path).unwrap());
    }
    app
}

fn app() -> App {
    app_from(&[])
}

/// The whole account as a workspace file: equal text, equal account.
fn snapshot_of(app: &App) -> String {
    export_to_string(app.model.account(), ExportFormat::Workspace)
}

/// Select a row of a section by filtering its list.
fn select(app: &mut App, section: char, name: &str) {
    press(app, KeyCode::Char(section));
    press(app, KeyCode::Char('/'));
    keys(app, name);
    press(app, KeyCode::Enter);
}

/// Open DevelopersS3Read in the editor and add an action after `s3:List*`.
fn edit_developers_policy(app: &mut App, added: &str) {
    select(app, '4', "DevelopersS3Read");
    press(app, KeyCode::Char('e'));
    assert!(app.editor.is_some(), "e opens the editor");
    for _ in 0..8 {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::End);
    keys(app, ",");
    press(app, KeyCode::Enter);
    keys(app, added);
}

#[test]
fn the_editor_flags_a_typo_with_a_suggestion_while_typing() {
    let mut app = app();
    edit_developers_policy(&mut app, "\"s3:DeleteObjekt\"");
    let editor = app.editor.as_ref().unwrap();
    let typo = editor
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-action")
        .expect("the typo is flagged");
    assert_eq!((typo.line, typo.column), (10, 17), "auto-indent put it under s3:List*");
    assert!(
        typo.help.as_deref().unwrap_or("").contains("s3:DeleteObject"),
        "{typo:?}"
    );
    insta::assert_snapshot!("editor_with_a_typo", screen(&mut app, 120, 40));
}

#[test]
fn saving_an_edit_previews_the_flipped_decisions_then_keeps_a_new_version() {
    let mut app = app();
    let before = snapshot_of(&app);
    edit_developers_policy(&mut app, "\"s3:DeleteObject\"");
    assert_eq!(app.editor.as_ref().unwrap().errors(), 0);
    ctrl(&mut app, 's');
    let Some(Overlay::Preview { flips, .. }) = &app.overlay else {
        panic!("ctrl-s shows the impact first: {:?}", app.status);
    };
    let lines: Vec<String> = flips.iter().map(|f| f.line()).collect();
    assert!(
        lines.contains(&"user/alice  s3:DeleteObject  arn:aws:s3:::photos/*  ImplicitDeny → Allow".to_owned()),
        "{lines:#?}"
    );
    assert!(
        lines.iter().all(|l| l.contains("s3:DeleteObject")),
        "nothing else flips: {lines:#?}"
    );
    insta::assert_snapshot!("impact_preview", screen(&mut app, 120, 40));

    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none() && app.editor.is_none());
    let policy = app.model.policy(DEV_POLICY).unwrap();
    assert_eq!(
        policy.default_version().unwrap().id,
        "v3",
        "saving makes a new default version"
    );
    assert_eq!(app.unsaved(), 1);
    assert!(screen(&mut app, 120, 40).contains("● 1 unsaved"));

    press(&mut app, KeyCode::Char('u'));
    assert_eq!(snapshot_of(&app), before, "undo restores the exact account");
    ctrl(&mut app, 'r');
    assert_eq!(
        app.model.policy(DEV_POLICY).unwrap().default_version().unwrap().id,
        "v3"
    );
}

#[test]
fn leaving_the_editor_with_typed_text_asks_first() {
    let mut app = app();
    edit_developers_policy(&mut app, "\"s3:DeleteObject\"");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Some(Overlay::Confirm { .. })));
    press(&mut app, KeyCode::Char('n'));
    assert!(app.editor.is_some(), "n stays in the editor");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert!(app.editor.is_none());
    assert_eq!(app.unsaved(), 0, "nothing was kept");
}

#[test]
fn the_eleventh_managed_policy_is_refused_with_aws_s_quota() {
    let mut app = app();
    select(&mut app, '1', "build-bot");
    let wanted = [
        "AmazonS3ReadOnlyAccess",
        "AmazonEC2ReadOnlyAccess",
        "AmazonSQSReadOnlyAccess",
        "AmazonSNSReadOnlyAccess",
        "AmazonDynamoDBReadOnlyAccess",
        "CloudWatchReadOnlyAccess",
        "AmazonRDSReadOnlyAccess",
        "AmazonVPCReadOnlyAccess",
        "IAMReadOnlyAccess",
        "AWSLambda_ReadOnlyAccess",
    ];
    let attached = |app: &App| app.model.user("build-bot").unwrap().attached_policies.len();
    assert_eq!(attached(&app), 1);
    for (i, name) in wanted.iter().enumerate() {
        press(&mut app, KeyCode::Char('a'));
        assert!(
            matches!(app.overlay, Some(Overlay::Picker { .. })),
            "a opens the picker"
        );
        keys(&mut app, name);
        press(&mut app, KeyCode::Enter);
        if matches!(app.overlay, Some(Overlay::Preview { .. })) {
            press(&mut app, KeyCode::Enter);
        }
        if i < 9 {
            assert_eq!(attached(&app), i + 2, "{name}: {:?}", app.status);
        }
    }
    assert_eq!(attached(&app), 10, "the tenth was kept, the eleventh refused");
    let status = app.status.clone().unwrap_or_default();
    assert!(status.starts_with("refused:") && status.contains("10"), "{status}");
    insta::assert_snapshot!("quota_refusal", screen(&mut app, 120, 40));
}

#[test]
fn a_version_is_compared_with_the_default_and_made_the_default() {
    let mut app = app();
    select(&mut app, '4', "DevelopersS3Read");
    press(&mut app, KeyCode::Char('v'));
    let Some(Overlay::Picker { items, .. }) = &app.overlay else {
        panic!("v lists the versions: {:?}", app.status);
    };
    assert_eq!(items.len(), 2);
    assert!(items[0].label.starts_with("v2") && items[0].label.contains("default"));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Version { lines, version, .. }) = &app.overlay else {
        panic!("enter compares the version");
    };
    assert_eq!(version, "v1");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with('+') && l.contains("\"Action\": \"s3:GetObject\"")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with('-') && l.contains("\"s3:List*\"")),
        "{lines:#?}"
    );
    press(&mut app, KeyCode::Char('d'));
    // Going back to v1 takes listing away: the preview says so.
    let Some(Overlay::Preview { flips, .. }) = &app.overlay else {
        panic!("making a version the default previews it: {:?}", app.status);
    };
    assert!(
        flips
            .iter()
            .any(|f| f.action == "s3:ListBucket" && f.principal == "user/alice")
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.model.policy(DEV_POLICY).unwrap().default_version().unwrap().id,
        "v1"
    );
}

#[test]
fn the_findings_view_opens_the_policy_at_the_finding() {
    let mut app = app();
    press(&mut app, KeyCode::Char('f'));
    assert!(matches!(app.stack.last(), Some(View::Findings { .. })));
    let rows = app.lint();
    let first = rows.first().expect("the demo has something to say");
    assert_eq!(first.locator, "user/carol/inline/ContractorWork");
    press(&mut app, KeyCode::Enter);
    let text = screen(&mut app, 120, 40);
    // the right pane's cursor row
    let cursor_line = text
        .lines()
        .filter_map(|l| l.split("││").nth(1))
        .find(|right| right.contains('▶'))
        .unwrap_or("");
    assert!(
        cursor_line.contains("\"s3:*\""),
        "the cursor is on the finding's line:\n{text}"
    );
    assert!(app.status.as_deref().unwrap().starts_with("sensitive-wildcard"));
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten_and_save_as_is_offered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("account.json");
    std::fs::write(&path, iamscope::io::DEMO_ACCOUNT).unwrap();
    let mut app = app_from(std::slice::from_ref(&path));
    select(&mut app, '1', "dave");
    press(&mut app, KeyCode::Char('r'));
    keys(&mut app, "david");
    press(&mut app, KeyCode::Enter);
    assert!(app.model.user("david").is_some(), "{:?}", app.status);

    // someone else changes the file meanwhile
    let mut theirs = iamscope::io::DEMO_ACCOUNT.to_vec();
    theirs.push(b'\n');
    std::fs::write(&path, &theirs).unwrap();
    ctrl(&mut app, 's');
    let Some(Overlay::Prompt { title, input, .. }) = &app.overlay else {
        panic!("save-as is offered: {:?}", app.status);
    };
    assert!(title.contains("changed on disk"), "{title}");
    assert!(input.text.ends_with("account.edited.json"));
    assert_eq!(std::fs::read(&path).unwrap(), theirs, "their file is intact");
    press(&mut app, KeyCode::Enter);
    let saved = dir.path().join("account.edited.json");
    let reloaded = iamscope::io::load(&[AccountSource::File(saved)], None).unwrap();
    assert!(reloaded.model.user("david").is_some());
    assert_eq!(app.unsaved(), 0);

    // the workspace file remembers the change, for the script
    let log = iamscope::io::change_log::read_log(reloaded.model.account()).unwrap();
    assert_eq!(log.len(), 1);
    assert!(
        log[0].commands[0].starts_with("aws iam update-user --user-name dave --new-user-name david"),
        "{log:?}"
    );
}

#[test]
fn the_demo_is_never_overwritten() {
    let mut app = app();
    select(&mut app, '1', "dave");
    press(&mut app, KeyCode::Char('d'));
    if matches!(app.overlay, Some(Overlay::Confirm { .. })) {
        press(&mut app, KeyCode::Char('y'));
    }
    if matches!(app.overlay, Some(Overlay::Preview { .. })) {
        press(&mut app, KeyCode::Enter);
    }
    assert!(app.model.user("dave").is_none(), "{:?}", app.status);
    ctrl(&mut app, 's');
    assert!(
        app.status.as_deref().unwrap().contains("never overwritten"),
        "{:?}",
        app.status
    );
    assert_eq!(app.unsaved(), 1);
}

#[test]
fn read_only_refuses_every_edit_and_says_so() {
    let mut app = app();
    app.readonly = true;
    let before = snapshot_of(&app);
    select(&mut app, '4', "DevelopersS3Read");
    for key in ['e', 'n', 'd', 'a', 'x'] {
        press(&mut app, KeyCode::Char(key));
        assert!(app.editor.is_none() && app.overlay.is_none(), "{key}");
        assert!(
            app.status.as_deref().unwrap_or("").contains("read-only"),
            "{key}: {:?}",
            app.status
        );
    }
    assert_eq!(snapshot_of(&app), before);
    assert!(screen(&mut app, 120, 40).contains("READ-ONLY"));
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let mut app = app();
    select(&mut app, '2', "Developers");
    press(&mut app, KeyCode::Char('r'));
    keys(&mut app, "Devs");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.unsaved(), 1, "{:?}", app.status);
    press(&mut app, KeyCode::Char('q'));
    assert!(matches!(app.overlay, Some(Overlay::QuitUnsaved)));
    assert!(!app.quit);
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none() && !app.quit, "esc stays");
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit, "q again quits and discards");
}

#[test]
fn a_session_that_ended_without_saving_is_recovered_from_its_journal() {
    let data = tempfile::tempdir().unwrap();
    let mut first = app();
    first.set_journal_dir(Some(data.path().to_owned()));
    select(&mut first, '1', "bob");
    press(&mut first, KeyCode::Char('m'));
    keys(&mut first, "Admins");
    press(&mut first, KeyCode::Enter);
    if matches!(first.overlay, Some(Overlay::Preview { .. })) {
        press(&mut first, KeyCode::Enter);
    }
    assert!(
        first.model.user("bob").unwrap().groups.iter().any(|g| g == "Admins"),
        "{:?}",
        first.status
    );
    let expected = snapshot_of(&first);
    // the process dies: nothing runs after this point
    std::mem::forget(first);

    let mut second = app();
    second.set_journal_dir(Some(data.path().to_owned()));
    second.check_recovery();
    assert!(matches!(second.overlay, Some(Overlay::Recover { .. })));
    insta::assert_snapshot!("recovery_prompt", screen(&mut second, 120, 40));
    press(&mut second, KeyCode::Esc);
    assert!(
        matches!(second.overlay, Some(Overlay::Recover { .. })),
        "esc does not throw the work away"
    );
    press(&mut second, KeyCode::Char('y'));
    assert_eq!(snapshot_of(&second), expected);
    assert_eq!(second.unsaved(), 1);
    assert!(
        second.model.user("bob").unwrap().groups.iter().any(|g| g == "Admins"),
        "{:?}",
        Holder::User("bob".into())
    );
}

#[test]
fn e_on_a_role_offers_its_trust_policy_or_a_new_inline_policy() {
    let mut app = app();
    select(&mut app, '3', "WebServerRole");
    press(&mut app, KeyCode::Char('e'));
    let Some(Overlay::Picker { items, .. }) = &app.overlay else {
        panic!("e on a role asks which policy: {:?}", app.status);
    };
    assert_eq!(items.len(), 2);
    press(&mut app, KeyCode::Enter);
    let editor = app.editor.as_ref().expect("the trust policy opens");
    assert!(editor.text().contains("ec2.amazonaws.com"), "{}", editor.text());
    press(&mut app, KeyCode::Esc);

    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "ReadArtifacts");
    press(&mut app, KeyCode::Enter);
    let editor = app.editor.as_ref().expect("a new inline policy opens");
    assert!(
        editor
            .target
            .title()
            .contains("inline policy ReadArtifacts of role WebServerRole")
    );
}
