//! `:why` and the CloudTrail view in the explorer, driven through its own
//! loop: what AWS said, pasted, becomes the inspector's request, with the
//! words `iamscope why` prints (each field's origin, the cross-check with
//! AWS's words, the fix); a CloudTrail file's denied events are listed by
//! principal and action with their counts and explained on Enter.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use iamscope::eval::Decision;
use iamscope::evidence::{self, Input};
use iamscope::tui::app::View;
use iamscope::tui::suggest::Field;
use support::{Explorer, now};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/why").join(name)
}

fn text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

fn decision(e: &Explorer) -> Option<Decision> {
    match e.app.inspector().result() {
        Some(Ok(explanation)) => Some(explanation.decision),
        _ => None,
    }
}

/// Rename dave to david: one unsaved change (as the quit-guard scenario makes it).
fn one_unsaved_change(e: &mut Explorer) {
    e.keys("1 /")
        .type_text("dave")
        .keys("enter r")
        .type_text("david")
        .keys("enter");
    assert!(e.app.session().unsaved(), "{}", e.status());
}

/// An explicit deny in an identity-based policy ("Troubleshoot access
/// denied error messages"), pasted while the inspector has the keys.
#[test]
fn a_message_pasted_into_the_inspector_becomes_its_request_and_shows_the_deciding_statement() {
    let mut e = Explorer::demo();
    e.keys("i");
    e.paste(&text("messages/explicit-identity-based.txt"));
    let screen = e.text();
    for said in [
        "Why: EXPLICIT DENY",
        "with an explicit deny in an identity-based policy",
        "from the message (after \"User:\")",
        "from the message (after \"on resource:\")",
        "assumed: the message carries no time",
        "Cross-check with AWS's words: agrees",
        "Fix",
        "- statement NoProdData in DenyProdTables (inline, group Developers) (line 4)",
    ] {
        assert!(screen.contains(said), "{said:?} is not on the screen:\n{screen}");
    }
    let inspector = e.app.inspector();
    assert_eq!(
        inspector.field(Field::Principal),
        "arn:aws:iam::111122223333:user/alice"
    );
    assert_eq!(inspector.field(Field::Action), "dynamodb:GetItem");
    assert_eq!(
        inspector.field(Field::Resource),
        "arn:aws:dynamodb:eu-west-1:111122223333:table/prod-orders"
    );
    assert_eq!(decision(&e), Some(Decision::ExplicitDeny));
    // the box closes onto the inspector, whose tree marks the deciding statement
    e.keys("esc");
    assert_eq!(e.app.popups(), 0);
    let screen = e.text();
    assert!(screen.contains("▶ decides Deny NoProdData"), "{screen}");
    assert!(screen.contains("EXPLICIT DENY"), "{screen}");
}

/// A list ignores a paste, unless it is what AWS said: then it is as the
/// inspector takes it.
#[test]
fn evidence_pasted_on_a_list_is_explained_and_other_text_is_ignored() {
    let mut e = Explorer::demo();
    e.paste("alice");
    assert_eq!(e.app.popups(), 0);
    assert!(e.app.views().is_empty());
    e.paste(&text("decoded/decoded-text.json"));
    assert!(
        e.text().contains("From a decoded authorization message"),
        "{}",
        e.text()
    );
    assert!(matches!(e.app.views().last(), Some(View::Inspector)));
}

/// Whatever the form — an error message, a decoded authorization message,
/// one CloudTrail event — the explorer asks the request `iamscope why`
/// rebuilds from the same text, and the engine answers as it does.
#[test]
fn every_single_piece_of_evidence_in_the_corpus_pasted_asks_what_iamscope_why_asks() {
    let mut checked = 0;
    for dir in ["messages", "decoded", "cloudtrail"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(fixture(dir))
            .unwrap()
            .flatten()
            .map(|f| f.path())
            .collect();
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            let Ok(Input::One(evidence)) = evidence::read(&bytes, now()) else {
                continue;
            };
            let mut e = Explorer::demo();
            // the fix is not compared here: brief is the answer without it
            let answer = evidence::brief(e.app.model(), &evidence);
            e.keys("i").paste(std::str::from_utf8(&bytes).unwrap());
            let name = file.display();
            let screen = e.text();
            match &answer.explanation {
                Some(explanation) => {
                    assert_eq!(
                        e.app.inspector().spec().unwrap(),
                        answer.evidence.request.spec(),
                        "{name}"
                    );
                    assert_eq!(decision(&e), Some(explanation.decision), "{name}");
                    let title = format!("Why: {}", iamscope::eval::outline::decision_word(explanation.decision));
                    assert!(screen.contains(&title), "{name}:\n{screen}");
                }
                None => assert!(screen.contains("Why: not evaluated"), "{name}:\n{screen}"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked} pieces of evidence");
}

/// The fix `iamscope why` proposes (checked on a copy of the account) is
/// made from the box, through the impact preview, as any change is.
#[test]
fn the_fix_is_made_from_the_box_and_the_inspector_then_allows() {
    let mut e = Explorer::demo();
    e.keys("i").paste(&text("messages/implicit-identity-based.txt"));
    assert!(e.text().contains("y applies the fix, esc closes"), "{}", e.text());
    e.keys("y");
    let screen = e.text();
    assert!(screen.contains("impact of the change"), "{screen}");
    assert!(
        screen.contains("ImplicitDeny → Allow  user/alice  s3:PutObject  arn:aws:s3:::photos/cat.jpg"),
        "{screen}"
    );
    assert!(
        !e.app.session().unsaved(),
        "nothing is changed before the preview is answered"
    );
    e.keys("enter");
    assert!(e.app.session().unsaved());
    assert_eq!(e.app.popups(), 0);
    assert_eq!(decision(&e), Some(Decision::Allow), "the inspector asks again");
    assert!(e.text().contains("decides Allow"), "{}", e.text());
    // a fix that is a deny to remove names no change to make
    let mut e = Explorer::demo();
    e.keys("i").paste(&text("messages/explicit-identity-based.txt"));
    assert!(!e.text().contains("applies the fix"), "{}", e.text());
    e.keys("y");
    assert_eq!(e.app.popups(), 1);
    assert!(!e.app.session().unsaved());
}

#[test]
fn text_that_is_no_evidence_says_why_and_stays_to_be_corrected() {
    let mut e = Explorer::demo();
    e.command("why");
    assert_eq!(e.app.popups(), 1);
    e.paste("Access Denied for alice on the photos bucket");
    e.keys("enter");
    let screen = e.text();
    assert!(
        screen.contains("Not read: found no principal, action and resource"),
        "{screen}"
    );
    assert!(
        screen.contains("Access Denied for alice on the photos bucket"),
        "{screen}"
    );
    assert_eq!(e.app.popups(), 1, "the box stays open");
    // JSON is read as JSON, and its error says where in what was pasted
    e.keys("ctrl-u")
        .paste("{\"Records\": [\n  {\"eventSource\": }\n]}")
        .keys("enter");
    let screen = e.text();
    assert!(
        screen.contains("not valid JSON at line 2, column 19: expected value"),
        "{screen}"
    );
    assert!(
        !screen.contains("expected value at line"),
        "the place is said once:\n{screen}"
    );
    assert!(screen.contains("  {\"eventSource\": }"), "{screen}");
    // corrected in place, it is answered
    e.keys("ctrl-u")
        .paste(&text("messages/implicit-identity-based.txt"))
        .keys("enter");
    assert!(e.text().contains("Why: IMPLICIT DENY"), "{}", e.text());
    assert_eq!(decision(&e), Some(Decision::ImplicitDeny));
    // the fix is the one `iamscope why` proposes, checked by the engine
    assert!(
        e.text().contains("add an inline policy AllowS3PutObject to user alice"),
        "{}",
        e.text()
    );
}

#[test]
fn why_takes_the_message_on_its_command_line() {
    let mut e = Explorer::demo();
    e.command(
        "why User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::photos/cat.jpg",
    );
    assert!(e.text().contains("Why: IMPLICIT DENY"), "{}", e.text());
    assert_eq!(e.app.inspector().field(Field::Action), "s3:PutObject");
}

#[test]
fn a_cloudtrail_file_lists_denied_groups_with_counts_and_enter_explains_one() {
    let file = fixture("cloudtrail/log-file.json");
    let mut e = Explorer::demo().with_cloudtrail(&file);
    // the groups are those `iamscope why FILE` lists
    let Ok(Input::Trail(trail)) = evidence::read(&std::fs::read(&file).unwrap(), now()) else {
        panic!("a trail");
    };
    let expected = evidence::group(e.app.model(), &trail, false);
    let Some(View::Trail(pane)) = e.app.views().last() else {
        panic!("the CloudTrail view opens");
    };
    let shown: Vec<(String, String, usize)> = pane
        .grouped()
        .groups
        .iter()
        .map(|g| (g.principal.clone(), g.action.clone(), g.events.len()))
        .collect();
    let wanted: Vec<(String, String, usize)> = expected
        .groups
        .iter()
        .map(|g| (g.principal.clone(), g.action.clone(), g.events.len()))
        .collect();
    assert_eq!(shown, wanted);
    assert_eq!(pane.grouped().skipped.len(), 1, "the console sign-in is no request");
    let screen = e.text();
    for said in [
        "CloudTrail (4 groups)",
        "#1 3 events arn:aws:iam::111122223333:user/alice  s3:PutObject",
        "AWS: denied 3 · iamscope: ImplicitDeny 3",
        "#2 2 events arn:aws:iam::111122223333:role/DeployRole  ec2:RunInstances",
        "AWS: denied 2 · iamscope: ExplicitDeny 2",
    ] {
        assert!(screen.contains(said), "{said:?} is not on the screen:\n{screen}");
    }
    assert!(
        e.status().contains("9 events, 7 denied by AWS, 1 skipped, in 4 groups"),
        "{}",
        e.status()
    );

    // enter on the first group: its first event in full, the others in brief
    e.keys("enter");
    let screen = e.text();
    assert!(screen.contains("Group 1, event 1: IMPLICIT DENY"), "{screen}");
    assert!(screen.contains("The group's other events"), "{screen}");
    assert!(
        screen.contains("event 3  2026-10-28T09:01:00Z  arn:aws:s3:::photos/dog.jpg  ImplicitDeny"),
        "{screen}"
    );
    e.keys("esc esc");
    assert!(matches!(e.app.views().last(), Some(View::Trail(_))));

    // enter on the second group: its first event, explained
    e.keys("j enter");
    assert!(e.text().contains("Group 2, event 2: EXPLICIT DENY"), "{}", e.text());
    assert!(e.text().contains("from the event (userIdentity.arn)"), "{}", e.text());
    e.keys("esc");
    let inspector = e.app.inspector();
    assert_eq!(inspector.field(Field::Action), "ec2:RunInstances");
    assert_eq!(
        inspector.field(Field::Principal),
        "arn:aws:sts::111122223333:assumed-role/DeployRole/release"
    );
    assert_eq!(decision(&e), Some(Decision::ExplicitDeny));
    assert!(
        e.text().contains("▶ decides Deny DenyOutsideAllowedRegions"),
        "{}",
        e.text()
    );

    // back from the inspector to the listing; s lists the allowed events too
    e.keys("esc");
    assert!(matches!(e.app.views().last(), Some(View::Trail(_))));
    e.keys("s");
    let Some(View::Trail(pane)) = e.app.views().last() else {
        panic!("the CloudTrail view");
    };
    assert!(pane.lists_allowed());
    let all = evidence::group(e.app.model(), &trail, true);
    assert_eq!(pane.grouped().groups.len(), all.groups.len());
    assert!(all.groups.len() > expected.groups.len());
    assert!(e.text().contains("Events by principal and action"), "{}", e.text());
    e.keys("s");
    assert!(
        e.text().contains("Denied events by principal and action"),
        "{}",
        e.text()
    );
}

/// The listing is worked out again when the account changes: an edit says
/// at once what it does to the events.
#[test]
fn the_cloudtrail_view_follows_changes_to_the_account() {
    let mut e = Explorer::demo().with_cloudtrail(&fixture("cloudtrail/log-file.json"));
    let alice = |e: &Explorer| {
        let Some(View::Trail(pane)) = e.app.views().last() else {
            panic!("the CloudTrail view");
        };
        let group = pane
            .grouped()
            .groups
            .iter()
            .find(|g| g.action == "s3:PutObject")
            .unwrap();
        (group.iamscope.implicit_deny, group.iamscope.not_evaluated)
    };
    assert_eq!(alice(&e), (3, 0));
    // alice renamed: the events' user is no longer in the account
    e.keys("esc 1 /")
        .type_text("alice")
        .keys("enter r")
        .type_text("alicia")
        .keys("enter T");
    assert_eq!(alice(&e), (0, 3), "{}", e.text());
    assert!(e.text().contains("not evaluated 3"), "{}", e.text());
    e.keys("u");
    assert_eq!(alice(&e), (3, 0), "{}", e.text());
}

#[test]
fn the_cloudtrail_view_is_a_key_and_a_command_and_says_when_there_is_none() {
    let mut e = Explorer::demo();
    e.keys("T");
    assert!(e.status().starts_with("no CloudTrail events"), "{}", e.status());
    let mut e = Explorer::demo().with_cloudtrail(&fixture("cloudtrail/log-file.json"));
    e.keys("esc");
    assert!(!matches!(e.app.views().last(), Some(View::Trail(_))));
    e.keys("T");
    assert!(matches!(e.app.views().last(), Some(View::Trail(_))));
    e.keys("esc").command("cloudtrail");
    assert!(matches!(e.app.views().last(), Some(View::Trail(_))));
    // a log pasted into :why opens the view on it
    let mut e = Explorer::demo();
    e.command("why")
        .paste(&text("cloudtrail/lookup-events.json"))
        .keys("enter");
    assert!(matches!(e.app.views().last(), Some(View::Trail(_))));
    assert!(e.status().starts_with("pasted events:"), "{}", e.status());
}

#[test]
fn ways_out_of_the_paste_box_and_the_answer_behave_as_other_boxes() {
    // esc leaves the paste box; q is a character there; ctrl-c quits
    let mut e = Explorer::demo();
    e.command("why").keys("esc");
    assert_eq!(e.app.popups(), 0);
    assert!(!e.quit());
    e.command("why").keys("q");
    assert_eq!(e.app.popups(), 1);
    assert!(!e.quit());
    assert!(e.text().contains("— 1 character "), "{}", e.text());
    e.keys("ctrl-c");
    assert!(e.quit(), "nothing unsaved: ctrl-c quits");

    // in the answer, q quits as in any box to read
    let mut e = Explorer::demo();
    e.command("why").paste(&text("messages/root.txt")).keys("enter q");
    assert!(e.quit());

    // with unsaved work, q and ctrl-c ask first, from the paste box and the answer
    let mut e = Explorer::demo();
    one_unsaved_change(&mut e);
    e.command("why").keys("ctrl-c");
    assert!(!e.quit());
    assert!(e.text().contains("1 unsaved change"), "{}", e.text());
    e.keys("esc");
    e.paste(&text("messages/root.txt")).keys("enter");
    assert!(e.text().contains("Why:"), "{}", e.text());
    e.keys("q");
    assert!(!e.quit());
    assert!(e.text().contains("1 unsaved change"), "{}", e.text());
    e.keys("esc esc");
    assert_eq!(e.app.popups(), 0);
}

/// A click on a group selects it, as in the other views.
#[test]
fn a_click_selects_a_group_of_the_cloudtrail_view() {
    use crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut e = Explorer::demo().with_cloudtrail(&fixture("cloudtrail/log-file.json"));
    let row = e
        .text()
        .lines()
        .position(|l| l.contains("#2 2 events"))
        .expect("group 2 is on the screen");
    let right = e.app.layout().right;
    // a row of the group under its heading
    e.event(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: right.x + 10,
        row: row as u16 + 1,
        modifiers: KeyModifiers::NONE,
    }));
    e.keys("enter");
    assert!(e.text().contains("Group 2, event 2"), "{}", e.text());
}

#[test]
fn ways_out_of_the_cloudtrail_view_behave_as_other_views() {
    let file = fixture("cloudtrail/log-file.json");
    let mut e = Explorer::demo().with_cloudtrail(&file);
    e.keys("q");
    assert!(e.quit());
    let mut e = Explorer::demo().with_cloudtrail(&file);
    e.keys("ctrl-c");
    assert!(e.quit());
    let mut e = Explorer::demo().with_cloudtrail(&file);
    one_unsaved_change(&mut e);
    e.keys("T q");
    assert!(!e.quit());
    assert!(e.text().contains("1 unsaved change"), "{}", e.text());
    e.keys("esc ctrl-c");
    assert!(!e.quit());
    e.keys("esc esc");
    assert!(!matches!(e.app.views().last(), Some(View::Trail(_))));
}

fn explorer_with(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("XDG_CONFIG_HOME", std::env::temp_dir().join("iamscope-why-tui-none"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// A bad `--cloudtrail` file is said before the terminal is taken: what,
/// where, and what to do.
#[test]
fn a_bad_cloudtrail_file_is_a_clear_error_before_the_terminal_is_taken() {
    let out = explorer_with(&["--cloudtrail", "tests/why/messages/root.txt"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--cloudtrail tests/why/messages/root.txt: this is an error message, not CloudTrail events"),
        "{err}"
    );
    assert!(err.contains("iamscope why tests/why/messages/root.txt"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"Records\": [\n  {\"eventSource\": }\n]}").unwrap();
    let out = explorer_with(&["--cloudtrail", broken.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("broken.json: the input (it starts like JSON) is not valid JSON at line 2"),
        "{err}"
    );

    let out = explorer_with(&["--cloudtrail", "/nowhere/trail.json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot read /nowhere/trail.json"), "{err}");
    // a good file goes on to the explorer, which needs a terminal
    let out = explorer_with(&["--cloudtrail", "tests/why/cloudtrail/log-file.json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the explorer needs a terminal"), "{err}");
}
