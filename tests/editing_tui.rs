//! Editing in the explorer, driven through its own loop with terminal
//! events: the policy editor with its diagnostics, the impact preview,
//! refusals, undo, versions, saving (and refusing to save over a file
//! changed on disk), read-only mode, leaving with unsaved changes, and
//! recovering a session from its journal.

mod support;

use support::{Explorer, no_journal};

use iamscope::io::export::export_to_string;
use iamscope::io::{AccountSource, ExportFormat};
use iamscope::session::Options;
use iamscope::tui::app::View;
use iamscope::tui::config::Settings;

const DEV_POLICY: &str = "arn:aws:iam::111122223333:policy/DevelopersS3Read";
/// Above the kernel's largest process id: a process that no longer runs.
const KILLED: u32 = 4_194_301;

/// The whole account as a workspace file: equal text, equal account.
fn snapshot_of(e: &Explorer) -> String {
    export_to_string(e.app.model().account(), ExportFormat::Workspace)
}

fn unsaved(e: &Explorer) -> usize {
    e.app.session().changes().unsaved_count()
}

/// Select a row of a section by filtering its list.
fn select(e: &mut Explorer, section: &str, name: &str) {
    e.keys(section).keys("/").type_text(name).keys("enter");
}

/// Open DevelopersS3Read in the editor and add an action after `s3:List*`.
fn edit_developers_policy(e: &mut Explorer, added: &str) {
    select(e, "4", "DevelopersS3Read");
    e.keys("e");
    assert!(e.app.editor().is_some(), "e opens the editor");
    e.keys("down down down down down down down down end")
        .type_text(",")
        .keys("enter")
        .type_text(added);
}

/// The lines of the impact preview on the screen.
fn preview_lines(e: &Explorer) -> Vec<String> {
    e.text()
        .lines()
        .filter_map(|l| l.split('│').find(|part| part.contains(" → ")))
        .map(|l| l.trim().trim_start_matches('▶').trim().to_owned())
        .collect()
}

#[test]
fn the_editor_flags_a_typo_with_a_suggestion_while_typing() {
    let mut e = Explorer::demo();
    edit_developers_policy(&mut e, "\"s3:DeleteObjekt\"");
    let editor = e.app.editor().unwrap();
    let typo = editor
        .diagnostics()
        .iter()
        .find(|d| d.code == "unknown-action")
        .expect("the typo is flagged");
    assert_eq!((typo.line, typo.column), (10, 17), "auto-indent put it under s3:List*");
    assert!(
        typo.help.as_deref().unwrap_or("").contains("s3:DeleteObject"),
        "{typo:?}"
    );
    insta::assert_snapshot!("editor_with_a_typo", e.text());
}

#[test]
fn saving_an_edit_previews_the_flipped_decisions_then_keeps_a_new_version() {
    let mut e = Explorer::demo();
    let before = snapshot_of(&e);
    edit_developers_policy(&mut e, "\"s3:DeleteObject\"");
    assert_eq!(e.app.editor().unwrap().errors(), 0);
    e.keys("ctrl-s");
    assert!(
        e.text().contains("impact of the change"),
        "ctrl-s shows the impact first: {}",
        e.text()
    );
    let lines = preview_lines(&e);
    assert!(
        lines.contains(&"ImplicitDeny → Allow  user/alice  s3:DeleteObject  arn:aws:s3:::photos/*".to_owned()),
        "{lines:#?}"
    );
    assert!(
        lines.iter().all(|l| l.contains("s3:DeleteObject")),
        "nothing else flips: {lines:#?}"
    );
    insta::assert_snapshot!("impact_preview", e.text());

    e.keys("enter");
    assert!(e.app.popups() == 0 && e.app.editor().is_none());
    let policy = e.app.model().policy(DEV_POLICY).unwrap();
    assert_eq!(
        policy.default_version().unwrap().id,
        "v3",
        "saving makes a new default version"
    );
    assert_eq!(unsaved(&e), 1);
    assert!(e.text().contains("● 1 unsaved"));

    e.keys("u");
    assert_eq!(snapshot_of(&e), before, "undo restores the exact account");
    e.keys("ctrl-r");
    assert_eq!(
        e.app.model().policy(DEV_POLICY).unwrap().default_version().unwrap().id,
        "v3"
    );
}

#[test]
fn leaving_the_editor_with_typed_text_asks_first() {
    let mut e = Explorer::demo();
    edit_developers_policy(&mut e, "\"s3:DeleteObject\"");
    e.keys("esc");
    assert!(e.text().contains("Leave the editor and lose what you typed?"));
    e.keys("n");
    assert!(e.app.editor().is_some(), "n stays in the editor");
    e.keys("esc y");
    assert!(e.app.editor().is_none());
    assert_eq!(unsaved(&e), 0, "nothing was kept");
}

#[test]
fn the_eleventh_managed_policy_is_refused_with_aws_s_quota() {
    let mut e = Explorer::demo();
    select(&mut e, "1", "build-bot");
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
    let attached = |e: &Explorer| e.app.model().user("build-bot").unwrap().attached_policies.len();
    assert_eq!(attached(&e), 1);
    for (i, name) in wanted.iter().enumerate() {
        e.keys("a");
        assert!(e.text().contains("Attach to user build-bot"), "a opens the picker");
        e.type_text(name).keys("enter");
        if e.text().contains("impact of the change") {
            e.keys("enter");
        }
        if i < 9 {
            assert_eq!(attached(&e), i + 2, "{name}: {}", e.status());
        }
    }
    assert_eq!(attached(&e), 10, "the tenth was kept, the eleventh refused");
    let status = e.status();
    assert!(status.starts_with("refused:") && status.contains("10"), "{status}");
    insta::assert_snapshot!("quota_refusal", e.text());
}

#[test]
fn a_version_is_compared_with_the_default_and_made_the_default() {
    let mut e = Explorer::demo();
    select(&mut e, "4", "DevelopersS3Read");
    e.keys("v");
    let text = e.text();
    assert!(text.contains(" Choose one (2) "), "v lists the versions: {text}");
    assert!(text.contains("▶ v2   default"), "{text}");
    e.keys("down enter");
    let text = e.text();
    assert!(
        text.contains("v1 — d makes it the default"),
        "enter compares the version: {text}"
    );
    let diff = |sign: &str, needle: &str| {
        text.lines()
            .any(|l| l.contains(&format!("│{sign} ")) && l.contains(needle))
    };
    assert!(diff("+", "\"Action\": \"s3:GetObject\""), "{text}");
    assert!(diff("-", "\"s3:List*\""), "{text}");
    e.keys("d");
    // going back to v1 takes listing away: the preview says so (somewhere in it)
    let mut lines = preview_lines(&e);
    for _ in 0..40 {
        lines.extend(preview_lines(e.keys("pgdown")));
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains(" → ImplicitDeny  user/alice  s3:ListBucket")),
        "making a version the default previews it: {lines:#?}"
    );
    e.keys("enter");
    assert_eq!(
        e.app.model().policy(DEV_POLICY).unwrap().default_version().unwrap().id,
        "v1"
    );
}

#[test]
fn the_findings_view_opens_the_policy_at_the_finding() {
    let mut e = Explorer::demo();
    e.keys("f");
    let Some(View::Findings(findings)) = e.app.views().last() else {
        panic!("f shows the findings");
    };
    assert_eq!(findings.rows()[0].locator, "user/carol/inline/ContractorWork");
    e.keys("enter");
    let text = e.text();
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
    assert!(e.status().starts_with("sensitive-wildcard"), "{}", e.status());
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten_and_save_as_is_offered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("account.json");
    std::fs::write(&path, iamscope::io::DEMO_ACCOUNT).unwrap();
    let mut e = Explorer::open(std::slice::from_ref(&path), no_journal(), Settings::default());
    select(&mut e, "1", "dave");
    e.keys("r").type_text("david").keys("enter");
    assert!(e.app.model().user("david").is_some(), "{}", e.status());

    // someone else changes the file meanwhile
    let mut theirs = iamscope::io::DEMO_ACCOUNT.to_vec();
    theirs.push(b'\n');
    std::fs::write(&path, &theirs).unwrap();
    e.keys("ctrl-s");
    let text = e.text();
    assert!(
        text.contains("changed on disk since iamscope loaded it; save as"),
        "{text}"
    );
    assert!(text.contains("account.edited.json"), "{text}");
    assert_eq!(std::fs::read(&path).unwrap(), theirs, "their file is intact");
    e.keys("enter");
    let saved = dir.path().join("account.edited.json");
    let reloaded = iamscope::io::load(&[AccountSource::File(saved.clone())], None).unwrap();
    assert!(reloaded.model.user("david").is_some());
    assert_eq!(unsaved(&e), 0);
    assert_eq!(e.app.session().files(), [saved], "the copy is the account's file now");

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
    let mut e = Explorer::demo();
    select(&mut e, "1", "dave");
    e.keys("d y");
    if e.text().contains("impact of the change") {
        e.keys("enter");
    }
    assert!(e.app.model().user("dave").is_none(), "{}", e.status());
    e.keys("ctrl-s");
    assert!(e.status().contains("never overwritten"), "{}", e.status());
    assert_eq!(unsaved(&e), 1);
}

#[test]
fn read_only_refuses_every_edit_and_says_so() {
    let options = Options {
        readonly: true,
        ..no_journal()
    };
    let mut e = Explorer::open(&[], options, Settings::default());
    let before = snapshot_of(&e);
    select(&mut e, "4", "DevelopersS3Read");
    for key in ["e", "n", "d", "a", "x"] {
        e.keys(key);
        assert!(e.app.editor().is_none() && e.app.popups() == 0, "{key}");
        assert!(e.status().contains("read-only"), "{key}: {}", e.status());
    }
    assert_eq!(snapshot_of(&e), before);
    assert!(e.text().contains("READ-ONLY"));
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let mut e = Explorer::demo();
    select(&mut e, "2", "Developers");
    e.keys("r").type_text("Devs").keys("enter");
    assert_eq!(unsaved(&e), 1, "{}", e.status());
    e.keys("q");
    assert!(
        e.text()
            .contains("1 unsaved change: w saves a copy (asks for a file name) and quits, q quits"),
        "{}",
        e.text()
    );
    assert!(!e.quit());
    e.keys("esc");
    assert!(e.app.popups() == 0 && !e.quit(), "esc stays");
    e.keys("q q");
    assert!(e.quit(), "q again quits and discards");
}

#[test]
fn a_session_that_ended_without_saving_is_recovered_from_its_journal() {
    let data = tempfile::tempdir().unwrap();
    let journal = |pid| Options {
        readonly: false,
        journal_dir: Some(data.path().to_owned()),
        pid,
    };
    let mut first = Explorer::open(&[], journal(KILLED), Settings::default());
    select(&mut first, "1", "bob");
    first.keys("m").type_text("Admins").keys("enter");
    if first.text().contains("impact of the change") {
        first.keys("enter");
    }
    assert!(
        first
            .app
            .model()
            .user("bob")
            .unwrap()
            .groups
            .iter()
            .any(|g| g == "Admins"),
        "{}",
        first.status()
    );
    let expected = snapshot_of(&first);
    // the process dies: nothing runs after this point
    std::mem::forget(first);

    let mut second = Explorer::open(&[], journal(std::process::id()), Settings::default());
    let text = second.text();
    assert!(text.contains("Recover unsaved work?"), "{text}");
    insta::assert_snapshot!("recovery_prompt", text);
    second.keys("y");
    assert_eq!(snapshot_of(&second), expected);
    assert_eq!(unsaved(&second), 1);
}

#[test]
fn e_on_a_role_offers_its_trust_policy_or_a_new_inline_policy() {
    let mut e = Explorer::demo();
    select(&mut e, "3", "WebServerRole");
    e.keys("e");
    assert!(e.text().contains("Edit role WebServerRole:") && e.text().contains(" Choose one (2) "));
    e.keys("enter");
    let editor = e.app.editor().expect("the trust policy opens");
    assert!(editor.text().contains("ec2.amazonaws.com"), "{}", editor.text());
    e.keys("esc");

    e.keys("e down enter").type_text("ReadArtifacts").keys("enter");
    let editor = e.app.editor().expect("a new inline policy opens");
    assert!(
        editor
            .target
            .title()
            .contains("inline policy ReadArtifacts of role WebServerRole")
    );
}
