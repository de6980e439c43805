//! The explorer lost work and did things nobody asked for; each test here
//! is one of those bugs, as a new user met it, driven through the program's
//! own loop with terminal events. (Each failed on the explorer before the
//! rebuild: see the tests' names for what they were.)

mod support;

use support::{Explorer, no_journal, now};

use std::path::{Path, PathBuf};

use iamscope::lessons::Lesson;
use iamscope::session::Options;
use iamscope::tui::app::View;
use iamscope::tui::config::Settings;
use iamscope::tui::suggest::Field;

/// Above the kernel's largest process id: processes that no longer run.
const KILLED_A: u32 = 4_194_301;
const KILLED_B: u32 = 4_194_302;

struct Place {
    dir: tempfile::TempDir,
}

impl Place {
    fn new() -> Place {
        let dir = tempfile::tempdir().unwrap();
        for name in ["account.json", "other.json"] {
            std::fs::write(dir.path().join(name), iamscope::io::DEMO_ACCOUNT).unwrap();
        }
        Place { dir }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn journals(&self) -> PathBuf {
        self.dir.path().join("journal")
    }

    fn options(&self, pid: u32) -> Options {
        Options {
            readonly: false,
            journal_dir: Some(self.journals()),
            pid,
        }
    }

    fn journal_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.journals())
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "jsonl"));
        files
    }
}

fn rename_user(e: &mut Explorer, from: &str, to: &str) {
    e.keys("1 /")
        .type_text(from)
        .keys("enter r")
        .type_text(to)
        .keys("enter");
    assert!(e.app.model().user(to).is_some(), "{}", e.status());
    e.keys("esc");
}

#[test]
fn save_then_undo_then_a_new_change_is_unsaved_q_asks_and_the_journal_keeps_it() {
    let place = Place::new();
    let mut e = Explorer::open(
        &[place.file("account.json")],
        place.options(KILLED_A),
        Settings::default(),
    );
    rename_user(&mut e, "dave", "david");
    e.keys("ctrl-s");
    assert!(e.status().starts_with("saved "), "{}", e.status());
    e.keys("u");
    rename_user(&mut e, "bob", "bobby");
    assert!(
        e.app.session().unsaved(),
        "the file has david and bob, the account dave and bobby"
    );
    assert!(e.text().contains("● 2 unsaved"), "{}", e.text());
    e.keys("q");
    assert!(!e.quit(), "q asks first");
    assert!(
        e.text().contains("2 unsaved changes: w saves and quits"),
        "{}",
        e.text()
    );
    assert_eq!(place.journal_files().len(), 1, "the journal keeps the work");
    std::mem::forget(e); // killed at the question

    let mut next = Explorer::open(
        &[place.file("account.json")],
        place.options(KILLED_B),
        Settings::default(),
    );
    next.keys("y");
    let model = next.app.model();
    assert!(model.user("dave").is_some() && model.user("bobby").is_some() && model.user("david").is_none());
}

#[test]
fn q_inside_help_and_raw_json_asks_when_work_is_unsaved() {
    let mut e = Explorer::demo();
    rename_user(&mut e, "dave", "david");
    e.keys("? q");
    assert!(!e.quit(), "q in the help asks first");
    assert!(e.text().contains("1 unsaved change"), "{}", e.text());
    e.keys("esc esc y q");
    assert!(!e.quit(), "q in raw JSON asks first");
    assert!(e.text().contains("1 unsaved change"), "{}", e.text());
    e.keys("q");
    assert!(e.quit(), "q in the question quits");
}

#[test]
fn ctrl_c_in_the_editor_asks_before_the_typed_text_is_lost() {
    let mut e = Explorer::demo();
    e.keys("4 /")
        .type_text("DevelopersS3Read")
        .keys("enter e")
        .type_text("x");
    e.keys("ctrl-c");
    assert!(!e.quit());
    assert!(e.text().contains("text typed in the editor"), "{}", e.text());
}

#[test]
fn the_quit_question_on_the_demo_offers_a_copy_not_a_save_over_it() {
    let place = Place::new();
    let mut e = Explorer::demo();
    rename_user(&mut e, "dave", "david");
    e.keys("q");
    assert!(
        e.text().contains("w saves a copy (asks for a file name) and quits"),
        "{}",
        e.text()
    );
    e.keys("w");
    assert!(e.text().contains("Save the account as"), "{}", e.text());
    let copy = place.file("copy.json");
    e.type_text(&copy.display().to_string()).keys("enter");
    assert!(e.quit(), "saved, then quit: {}", e.status());
    let saved = iamscope::io::load(&[iamscope::io::AccountSource::File(copy)], None).unwrap();
    assert!(saved.model.user("david").is_some());
}

fn instructor_lessons(dir: &Path) -> Vec<Lesson> {
    let root = Lesson::embedded_files()[0].1;
    std::fs::write(
        dir.join("mine.toml"),
        root.replace("id = \"root-user\"", "id = \"my-root\""),
    )
    .unwrap();
    Lesson::from_dir(dir).unwrap().0
}

#[test]
fn open_asks_first_and_keeps_readonly_the_lessons_the_journal_and_the_file() {
    let place = Place::new();
    let lessons = tempfile::tempdir().unwrap();
    let mut e = Explorer::open(
        &[place.file("account.json")],
        place.options(KILLED_A),
        Settings::default(),
    );
    e.app.set_lessons(instructor_lessons(lessons.path()), None);
    rename_user(&mut e, "dave", "david");
    let other = place.file("other.json").display().to_string();
    e.command(&format!("open {other}"));
    assert!(
        e.text().contains("and leave 1 unsaved change"),
        "asks first: {}",
        e.text()
    );
    assert!(e.app.model().user("david").is_some(), "not opened yet");
    e.keys("y");
    assert_eq!(e.app.session().files(), [place.file("other.json")]);
    assert_eq!(
        place.journal_files().len(),
        1,
        "the work left behind stays in its journal"
    );
    // the opened file is the one saved
    rename_user(&mut e, "bob", "bobby");
    e.keys("ctrl-s");
    assert!(e.status().contains("other.json"), "{}", e.status());
    let saved = iamscope::io::load(&[iamscope::io::AccountSource::File(place.file("other.json"))], None).unwrap();
    assert!(saved.model.user("bobby").is_some());
    // the instructor's lessons are still there
    e.command("lesson my-root");
    assert!(e.app.learning().run.is_some(), "{}", e.status());

    // and read-only stays read-only
    let options = Options {
        readonly: true,
        ..no_journal()
    };
    let mut e = Explorer::open(&[place.file("account.json")], options, Settings::default());
    e.command(&format!("open {other}"));
    e.keys("1 e");
    assert!(e.status().contains("read-only"), "{}", e.status());
    assert!(e.text().contains("READ-ONLY"));
}

#[test]
fn a_paste_goes_to_the_text_input_with_the_focus_and_never_to_a_list() {
    let mut e = Explorer::demo();
    e.paste("query");
    assert!(!e.quit(), "pasting `query` in the list quits nothing");
    e.paste("d");
    assert_eq!(e.app.popups(), 0, "a pasted d deletes nothing");
    e.keys("/").paste("ali");
    assert!(e.text().contains("Users (1 of 6) /ali"), "{}", e.text());
    e.keys("enter i k enter ctrl-u").paste("user/bob").keys("enter");
    assert_eq!(e.app.inspector().field(Field::Principal), "user/bob");
}

#[test]
fn a_paste_in_the_editor_is_one_edit() {
    let mut e = Explorer::demo();
    e.keys("4 /").type_text("DevelopersS3Read").keys("enter e");
    let before = e.app.editor().unwrap().text();
    let statement = "{\n    \"Sid\": \"Pasted\",\n    \"Effect\": \"Allow\",\n    \"Action\": \"s3:PutObject\",\n    \"Resource\": \"*\"\n},\n";
    e.paste(statement);
    let after = e.app.editor().unwrap().text();
    assert!(after.contains(statement), "the text arrives as it was: {after}");
    e.keys("ctrl-z");
    assert_eq!(e.app.editor().unwrap().text(), before, "one undo takes the paste back");
}

#[test]
fn two_copies_on_one_file_are_told_journal_apart_and_both_come_back() {
    let place = Place::new();
    let file = place.file("account.json");
    // the first copy still runs (pid 1 always does)
    let mut first = Explorer::open(std::slice::from_ref(&file), place.options(1), Settings::default());
    let mut second = Explorer::open(
        std::slice::from_ref(&file),
        place.options(KILLED_A),
        Settings::default(),
    );
    let told = second.text();
    assert!(
        told.contains("is already open in another iamscope") && told.contains("(process 1)"),
        "{told}"
    );
    second.keys("esc");
    rename_user(&mut first, "dave", "david");
    rename_user(&mut second, "bob", "bobby");
    std::mem::forget(first);
    std::mem::forget(second);

    let mut third = Explorer::open(
        std::slice::from_ref(&file),
        place.options(KILLED_B),
        Settings::default(),
    );
    // told first that the first copy still has the file open, then asked
    assert!(third.text().contains("is already open in another iamscope"));
    let text = third.keys("esc").text();
    assert!(text.contains("2 sessions of this account left unsaved work"), "{text}");
    assert!(text.contains("process 1 still runs"), "{text}");
    third.keys("y");
    third.command("recover");
    third.keys("y");
    let model = third.app.model();
    assert!(
        model.user("david").is_some() && model.user("bobby").is_some(),
        "both copies' work came back"
    );
}

#[test]
fn text_typed_in_the_editor_is_journaled_and_comes_back() {
    let place = Place::new();
    let file = place.file("account.json");
    let mut e = Explorer::open(
        std::slice::from_ref(&file),
        place.options(KILLED_A),
        Settings::default(),
    );
    e.keys("4 /")
        .type_text("DevelopersS3Read")
        .keys("enter e ctrl-end end")
        .type_text("x");
    std::mem::forget(e);

    let mut next = Explorer::open(
        std::slice::from_ref(&file),
        place.options(KILLED_B),
        Settings::default(),
    );
    assert!(next.text().contains("a draft of"), "{}", next.text());
    next.keys("y");
    let editor = next.app.editor().expect("the editor opens again on the draft");
    assert!(editor.text().ends_with("}x"), "{}", editor.text());
}

fn lesson_explorer(progress: Option<&Path>) -> Explorer {
    let mut e = Explorer::demo();
    e.app.set_lessons(Lesson::embedded(), progress.map(Path::to_owned));
    e
}

#[test]
fn declining_to_quit_inside_a_lesson_stays_in_the_lesson() {
    let data = tempfile::tempdir().unwrap();
    let mut e = lesson_explorer(Some(&data.path().join("progress.json")));
    rename_user(&mut e, "dave", "david");
    e.command("lesson root-user");
    e.keys("esc q");
    assert!(e.text().contains("1 unsaved change"), "{}", e.text());
    e.keys("esc");
    assert!(e.app.learning().run.is_some(), "still in the lesson");
    assert!(!e.quit());
}

#[test]
fn leaving_a_lesson_whose_changes_cannot_be_kept_asks_first() {
    // no data folder: the lesson's changes are kept nowhere
    let mut e = lesson_explorer(None);
    e.command("lesson root-user");
    e.keys("esc 1 n").type_text("admin-you").keys("enter");
    e.command("lesson quit");
    assert!(e.text().contains("leave the lesson and lose it?"), "{}", e.text());
    e.keys("n");
    assert!(e.app.learning().run.is_some());
    e.command("lesson quit");
    e.keys("y");
    assert!(e.app.learning().run.is_none());
}

#[test]
fn a_prediction_with_a_list_or_a_space_in_its_context_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("lists.toml"),
        r#"id = "lists"
title = "Lists"
summary = "s"
concept = "c"
[[steps]]
kind = "predict"
text = "May alice read the picture from these places?"
request = { principal = "user/alice", action = "s3:GetObject", resource = "arn:aws:s3:::photos/cat.jpg", context = { "aws:SourceIp" = ["203.0.113.7", "198.51.100.1"], "aws:UserAgent" = "my agent 1.0" } }
answer = "allow"
"#,
    )
    .unwrap();
    let mut e = Explorer::demo();
    e.app.set_lessons(Lesson::from_dir(dir.path()).unwrap().0, None);
    e.command("lesson lists");
    e.keys("esc ] enter");
    assert!(e.status().starts_with("right: AWS decides Allow"), "{}", e.status());
    let spec = e.app.inspector().spec().unwrap();
    assert_eq!(
        spec.context.to_context().get("aws:SourceIp").map(<[String]>::len),
        Some(2)
    );
    assert_eq!(
        spec.context.to_context().get("aws:UserAgent").map(<[String]>::to_vec),
        Some(vec!["my agent 1.0".to_owned()])
    );
    assert!(matches!(e.app.inspector().result(), Some(Ok(_))));
}

#[test]
fn the_inspector_of_a_prediction_closes_on_the_next_step_and_is_given_back() {
    let data = tempfile::tempdir().unwrap();
    let mut e = lesson_explorer(Some(&data.path().join("progress.json")));
    e.command("lesson root-user");
    e.keys("esc ] ] enter"); // the first prediction: Allow
    assert!(matches!(e.app.views().last(), Some(View::Inspector)));
    assert_eq!(e.app.inspector().field(Field::Action), "iam:DeleteUser");
    e.keys("]"); // the next step
    assert!(
        !e.app.views().iter().any(|v| matches!(v, View::Inspector)),
        "the question of the step before is gone"
    );
    // the inspector is the learner's again: it asks about the selection
    e.keys("1 j i");
    assert_eq!(e.app.inspector().field(Field::Principal), "user/alice");
    assert_ne!(e.app.inspector().field(Field::Action), "iam:DeleteUser");
}

#[test]
fn going_back_or_resuming_to_an_answered_prediction_asks_its_question_again() {
    let data = tempfile::tempdir().unwrap();
    let progress = data.path().join("progress.json");
    let mut e = lesson_explorer(Some(&progress));
    e.command("lesson root-user");
    e.keys("esc ] ] enter ]");
    e.keys("[");
    assert!(
        matches!(e.app.views().last(), Some(View::Inspector)),
        "back: the question again"
    );
    assert_eq!(e.app.inspector().field(Field::Action), "iam:DeleteUser");
    assert!(e.text().contains("You said Allow; AWS decides Allow."), "{}", e.text());
    drop(e);

    let mut again = lesson_explorer(Some(&progress));
    again.command("lesson root-user");
    again.keys("esc");
    assert!(
        matches!(again.app.views().last(), Some(View::Inspector)),
        "resumed: the question again"
    );
    assert_eq!(again.app.inspector().field(Field::Action), "iam:DeleteUser");
}

#[test]
fn the_prediction_picker_shows_its_whole_question() {
    let data = tempfile::tempdir().unwrap();
    let mut e = lesson_explorer(Some(&data.path().join("progress.json")));
    e.resize(80, 24);
    e.command("lesson root-user");
    e.keys("esc ] ]");
    let text = e.text();
    let question: String = text
        .lines()
        .filter_map(|l| l.split('│').find(|p| p.contains("Predict") || p.contains("user/alice")))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(question.contains("iam:DeleteUser"), "{text}");
    assert!(question.contains("arn:aws:iam::111122223333:user/alice?"), "{text}");
}

#[test]
fn the_terms_of_an_answer_include_those_its_assumptions_use() {
    let mut e = Explorer::demo();
    e.command("explain user/alice s3:GetObject arn:aws:s3:::photos/cat.jpg");
    let Some(Ok(explanation)) = e.app.inspector().result() else {
        panic!("an answer");
    };
    let assumed: String = explanation.assumptions.iter().map(|a| a.describe()).collect();
    assert!(assumed.contains("ARN"), "{assumed}");
    let terms: Vec<&str> = e
        .app
        .inspector()
        .rows()
        .iter()
        .filter_map(|r| r.term.as_deref())
        .collect();
    assert!(terms.contains(&"ARN"), "{terms:?}");
}

#[test]
fn lesson_checks_wrap_and_the_last_hint_is_shown_when_the_status_says_so() {
    let data = tempfile::tempdir().unwrap();
    let mut e = lesson_explorer(Some(&data.path().join("progress.json")));
    e.resize(80, 24);
    e.command("lesson root-user");
    e.keys("esc ] ] enter ] ] down enter ]");
    let text = e.text();
    assert!(
        text.contains("arn:aws:iam::111122223333:user/someone"),
        "wrapped, not cut: {text}"
    );
    let mut shown = 0;
    for n in 1..=5 {
        e.keys("H");
        let status = e.status();
        if status.starts_with("no more hints") {
            break;
        }
        shown = n;
        if status.contains("shown in the lesson pane") {
            assert!(e.text().contains(&format!("hint {n}:")), "{status}\n{}", e.text());
        } else {
            assert!(status.starts_with(&format!("hint {n} of {n}: ")), "{status}");
        }
    }
    assert!(shown >= 2, "the lesson has hints");
    // at 80×24 the pane makes room for the last one
    assert!(e.text().contains(&format!("hint {shown}:")), "{}", e.text());
}

#[test]
fn user_keys_reach_boxes_and_the_editor() {
    let settings = Settings::parse("[keys.popup]\ncancel = \"x\"\n[keys.editor]\nformat = \"f5\"\n").unwrap();
    let mut e = Explorer::open(&[], no_journal(), settings);
    e.keys("? x");
    assert_eq!(e.app.popups(), 0, "x closes the help");
    e.keys("4 /").type_text("DevelopersS3Read").keys("enter e f5");
    assert_eq!(e.app.editor().unwrap().message(), Some("formatted"));
    e.keys("right ctrl-f");
    assert_ne!(
        e.app.editor().unwrap().message(),
        Some("formatted"),
        "ctrl-f formats no more"
    );
}

#[test]
fn the_command_list_is_what_the_commands_are() {
    let mut e = Explorer::demo();
    e.keys(":").type_text("summ").keys("tab");
    assert!(e.text().contains(":summary"), "{}", e.text());
    e.keys("esc ?");
    let mut help = e.text();
    for _ in 0..10 {
        help.push_str(&e.keys("pgdown").text());
    }
    for command in [":summary", ":lessons", ":glossary", ":changes", ":saveas", ":export"] {
        assert!(help.contains(command), "{command} is in the help");
    }
    let _ = now();
}
