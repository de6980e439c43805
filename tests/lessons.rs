//! Lessons: every built-in lesson is checked the way `iamscope lesson check`
//! checks an instructor's file; no lesson can be finished by doing nothing;
//! a learner's way through a whole lesson, driven by the app's keys and
//! drawn on a `TestBackend`; progress that survives a restart; the glossary.

mod support;

use support::{keys, press, screen};

use std::process::Command;

use crossterm::event::KeyCode;
use iamscope::lessons::{Glossary, Lesson, Step};
use iamscope::tui::App;
use iamscope::tui::app::Overlay;
use iamscope::tui::config::Settings;

fn now() -> jiff::Timestamp {
    "2026-11-01T00:00:00Z".parse().unwrap()
}

#[test]
fn every_built_in_lesson_passes_the_lesson_check() {
    let lessons = Lesson::embedded();
    assert_eq!(lessons.len(), Lesson::embedded_files().len());
    for lesson in &lessons {
        let problems = lesson.validate(now());
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            lesson.id,
            problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
        );
    }
    let mut ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), lessons.len(), "lesson ids are unique");
}

#[test]
fn doing_nothing_finishes_no_task_and_the_reference_solution_finishes_all() {
    for lesson in Lesson::embedded() {
        let start = lesson.start_model(now()).unwrap();
        let solved = lesson.solved_model(now()).unwrap();
        for (i, step) in lesson.steps.iter().enumerate() {
            let Step::Do { checks, .. } = step else { continue };
            assert!(
                checks.iter().any(|c| !matches!(c.evaluate(&start, now()), Ok(true))),
                "{} step {}: the starting account already passes every check",
                lesson.id,
                i + 1
            );
            for check in checks {
                assert_eq!(
                    check.evaluate(&solved, now()),
                    Ok(true),
                    "{} step {}: `{}` fails after the reference solution",
                    lesson.id,
                    i + 1,
                    check.describe()
                );
            }
        }
    }
}

#[test]
fn lessons_cover_the_concepts_of_the_workshop() {
    let text: String = Lesson::embedded()
        .iter()
        .map(|l| format!("{} {} {}", l.title, l.concept, l.summary).to_lowercase())
        .collect();
    for concept in [
        "root user",
        "access key",
        "mfa",
        "group",
        "role",
        "instance profile",
        "lambda",
        "identity provider",
        "principal",
        "identity",
        "arn",
        "explicit deny",
        "implicit",
        "permissions boundar",
        "service control polic",
        "resource-based",
        "identity-based",
        "user pool",
        "identity pool",
        "unauthenticated",
    ] {
        assert!(text.contains(concept), "no lesson speaks of {concept}");
    }
}

fn lesson_check(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .arg("lesson")
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn lesson_check_names_the_place_of_a_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let root = Lesson::embedded_files()[0].1;

    let (status, out) = lesson_check(&["--embedded"]);
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("ok  root-user"), "{out}");

    // a typo in a key: the line and column of it
    let typo = dir.path().join("typo.toml");
    std::fs::write(&typo, root.replace("summary =", "sumary =")).unwrap();
    let (status, out) = lesson_check(&[typo.to_str().unwrap()]);
    assert_eq!(status, 2, "{out}");
    let line = root.lines().position(|l| l.starts_with("summary =")).unwrap() + 1;
    assert!(out.contains(&format!("typo.toml:{line}:1")), "{out}");
    assert!(out.contains("sumary"), "{out}");

    // a solution that does not do the task
    let lazy = dir.path().join("lazy.toml");
    std::fs::write(
        &lazy,
        root.replace(
            r#"{ op = "add-user-to-group", user = "admin-you", group = "Admins" },"#,
            "",
        ),
    )
    .unwrap();
    let (status, out) = lesson_check(&[lazy.to_str().unwrap()]);
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("step 4 (do)") && out.contains("still fails"), "{out}");

    // a prediction the engine does not share
    let wrong = dir.path().join("wrong.toml");
    std::fs::write(&wrong, root.replacen(r#"answer = "allow""#, r#"answer = "deny""#, 1)).unwrap();
    let (status, out) = lesson_check(&[wrong.to_str().unwrap()]);
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("the engine decides Allow"), "{out}");
}

#[test]
fn the_glossary_reads_and_finds_terms_in_sentences() {
    let g = Glossary::embedded();
    assert!(g.terms.len() >= 30);
    let found: Vec<&str> = g
        .terms_in("Denied explicitly: an explicit deny in an SCP overrides every allow.")
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert!(found.contains(&"explicit deny"), "{found:?}");
    assert!(found.contains(&"service control policy"), "{found:?}");
    assert!(!found.contains(&"deny"), "the longer term wins: {found:?}");
    let names: Vec<&str> = g
        .terms_in("Allowed: statement ReadPhotos allows s3:GetObject on arn:aws:s3:::photos/cat.jpg for user/alice.")
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert!(names.contains(&"allow") && names.contains(&"statement"), "{names:?}");
    assert!(
        !names.contains(&"ARN") && !names.contains(&"IAM user"),
        "names inside ARNs are not words: {names:?}"
    );
    assert_eq!(g.find("SCPs").unwrap().name, "service control policy");
    for term in [
        "principal",
        "identity",
        "root user",
        "group",
        "role",
        "trust policy",
        "Cognito identity pool",
    ] {
        assert!(g.find(term).is_some(), "{term} is not in the glossary");
    }
}

// ---- the learner's way through a lesson, in the explorer ----

fn app(progress: &std::path::Path) -> App {
    let loaded = iamscope::io::load(&[], None).unwrap();
    let mut app = App::new(
        loaded.model,
        loaded.report,
        "demo account".to_owned(),
        Settings::default(),
        now(),
    );
    app.set_lessons(Lesson::embedded(), Some(progress.to_owned()));
    app
}

fn command(app: &mut App, line: &str) {
    keys(app, ":");
    keys(app, line);
    press(app, KeyCode::Enter);
}

fn step(app: &App) -> usize {
    app.lesson_session.as_ref().map(|s| s.step).unwrap()
}

#[test]
fn a_learner_goes_through_the_root_user_lesson_and_the_engine_confirms_it() {
    let data = tempfile::tempdir().unwrap();
    let progress = data.path().join("lesson-progress.json");
    let mut app = app(&progress);
    let demo = iamscope::io::export::export_to_string(app.model.account(), iamscope::io::ExportFormat::Workspace);

    command(&mut app, "lessons");
    insta::assert_snapshot!("lesson_list", screen(&mut app, 120, 40));
    press(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.overlay, Some(Overlay::Text { .. })),
        "the concept comes first"
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(
        app.selection(),
        Some(iamscope::tui::sections::Target::Root),
        "step 1 looks at the root user"
    );

    // 1 read → 2 predict: the learner says Deny; the engine says Allow and why
    keys(&mut app, "]");
    assert_eq!(step(&app), 1);
    keys(&mut app, "]");
    assert!(
        matches!(app.overlay, Some(Overlay::Picker { .. })),
        "] asks for the prediction"
    );
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .starts_with("not this time: AWS decides Allow"),
        "{:?}",
        app.status
    );
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("✗ You said Deny; AWS decides Allow."), "{text}");
    assert!(text.contains("ALLOW"), "the inspector explains it:\n{text}");
    insta::assert_snapshot!("lesson_prediction_revealed", text);

    // 3 predict: right this time
    keys(&mut app, "]");
    keys(&mut app, "]");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert!(app.status.as_deref().unwrap().starts_with("right"), "{:?}", app.status);

    // 4 do: not done until the checks pass
    keys(&mut app, "]");
    assert_eq!(step(&app), 3);
    keys(&mut app, "]");
    assert_eq!(step(&app), 3, "the task is not done yet");
    assert!(
        app.status.as_deref().unwrap().contains("3 checks to go"),
        "{:?}",
        app.status
    );
    keys(&mut app, "H");
    assert!(screen(&mut app, 120, 40).contains("hint 1: n in the Users list creates a user"));
    keys(&mut app, "1n");
    keys(&mut app, "admin-you");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "/admin-you");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "m");
    keys(&mut app, "Admins");
    press(&mut app, KeyCode::Enter);
    if matches!(app.overlay, Some(Overlay::Preview { .. })) {
        press(&mut app, KeyCode::Enter);
    }
    assert!(app.step_done(), "{:?}", app.status);
    assert!(
        app.status.as_deref().unwrap().starts_with("✓ task done"),
        "{:?}",
        app.status
    );
    insta::assert_snapshot!("lesson_task_done", screen(&mut app, 120, 40));

    // 5 read, then the lesson is complete
    keys(&mut app, "]");
    keys(&mut app, "]");
    assert!(
        app.status.as_deref().unwrap().contains("lesson complete"),
        "{:?}",
        app.status
    );

    // leaving gives back the account that was open, untouched
    command(&mut app, "lesson quit");
    assert!(app.lesson_session.is_none());
    let after = iamscope::io::export::export_to_string(app.model.account(), iamscope::io::ExportFormat::Workspace);
    assert_eq!(after, demo);
    assert!(app.model.user("admin-you").is_none());

    // a new session (a restart) knows the lesson is done
    let mut again = self::app(&progress);
    command(&mut again, "lessons");
    let list = screen(&mut again, 120, 40);
    assert!(list.contains("✓ done"), "{list}");
}

#[test]
fn progress_and_the_learner_s_changes_survive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let progress = data.path().join("lesson-progress.json");
    let mut first = app(&progress);
    command(&mut first, "lesson root-user");
    press(&mut first, KeyCode::Esc);
    for _ in 0..2 {
        keys(&mut first, "]");
    }
    press(&mut first, KeyCode::Enter); // Allow
    keys(&mut first, "]");
    keys(&mut first, "]");
    press(&mut first, KeyCode::Down);
    press(&mut first, KeyCode::Enter); // Deny
    keys(&mut first, "]");
    keys(&mut first, "1n");
    keys(&mut first, "admin-you");
    press(&mut first, KeyCode::Enter);
    assert_eq!(step(&first), 3);
    drop(first); // the terminal closes

    let mut second = app(&progress);
    command(&mut second, "lessons");
    assert!(screen(&mut second, 120, 40).contains("step 4 of 5"));
    press(&mut second, KeyCode::Enter);
    press(&mut second, KeyCode::Esc);
    assert_eq!(step(&second), 3, "resumed at the task");
    assert!(second.model.user("admin-you").is_some(), "the learner's user is back");
    let text = screen(&mut second, 80, 24);
    assert!(text.contains("✓ done    user admin-you exists"), "{text}");
    assert!(text.contains("✗ not yet admin-you is in group Admins"), "{text}");
    insta::assert_snapshot!("lesson_resumed_80x24", text);

    command(&mut second, "lesson reset root-user");
    assert_eq!(step(&second), 0);
    assert!(
        second.model.user("admin-you").is_none(),
        "reset starts the account over"
    );
}

#[test]
fn an_instructor_s_folder_adds_lessons_and_a_broken_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = Lesson::embedded_files()[0].1;
    std::fs::write(
        dir.path().join("mine.toml"),
        root.replace("id = \"root-user\"", "id = \"my-root\"").replace(
            "title = \"The root user, and why to lock it away\"",
            "title = \"My root lesson\"",
        ),
    )
    .unwrap();
    let list = |dir: &std::path::Path| {
        let output = Command::new(env!("CARGO_BIN_EXE_iamscope"))
            .args(["lesson", "list", "--lessons"])
            .arg(dir)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (status, out) = list(dir.path());
    assert_eq!(status, Some(0), "{out}");
    assert!(
        out.contains("my-root") && out.contains("My root lesson") && out.contains("root-user"),
        "{out}"
    );
    assert!(out.contains("(5 steps, 1 task)"), "{out}");

    std::fs::write(dir.path().join("broken.toml"), "id = \"broken\"\ntitle = 3\n").unwrap();
    let (status, out) = list(dir.path());
    assert_eq!(status, Some(2), "{out}");
    assert!(out.contains("broken.toml:2:9"), "{out}");
}
