//! The session's rules: ids and the save point, the journal per file and
//! per process, drafts, recovery newest first, saving and its refusals.

use super::*;

/// Above the kernel's largest process id: processes that cannot run, so
/// their journals are what a killed process leaves.
const GONE_A: u32 = 4_194_301;
const GONE_B: u32 = 4_194_302;

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_793_491_200 + seconds).unwrap()
}

fn create(name: &str) -> Change {
    Change::CreateUser {
        name: name.to_owned(),
        path: "/".to_owned(),
    }
}

struct Place {
    dir: tempfile::TempDir,
}

impl Place {
    fn new() -> Place {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("account.json"), crate::io::DEMO_ACCOUNT).unwrap();
        Place { dir }
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("account.json")
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

    fn open(&self, pid: u32, now: Timestamp) -> Session {
        Session::open(&[self.file()], None, self.options(pid), now).unwrap()
    }
}

fn users(session: &Session) -> Vec<String> {
    session.model().account().users.iter().map(|u| u.name.clone()).collect()
}

#[test]
fn save_then_undo_then_a_new_change_is_unsaved_and_journaled_whole() {
    let place = Place::new();
    let mut session = place.open(GONE_A, at(0));
    session.apply(create("eve"), at(1)).unwrap();
    session.save(at(2)).unwrap();
    assert!(!session.unsaved());
    assert!(
        session.journal_path().is_some_and(|p| !p.exists()),
        "nothing unsaved, no journal"
    );
    session.undo(at(3)).unwrap();
    session.apply(create("mallory"), at(4)).unwrap();
    assert!(session.unsaved(), "the file has eve, the account has mallory");
    assert_eq!(session.changes().unsaved_count(), 2);
    let expected = users(&session);
    std::mem::forget(session); // killed

    let mut next = place.open(GONE_B, at(10));
    let found = next.recoverable();
    assert_eq!(found.len(), 1);
    assert!(
        found[0].account.is_some(),
        "the account is kept whole: the file cannot be undone"
    );
    let recovered = next.recover(&found[0], at(11)).unwrap();
    assert!(recovered.replaced);
    assert_eq!(users(&next), expected);
    assert!(next.unsaved(), "what was recovered is not on disk yet");
    assert!(!found[0].path.exists(), "the dead process's journal is taken in");
}

#[test]
fn changes_on_top_of_the_save_are_journaled_as_changes_and_recovered() {
    let place = Place::new();
    let mut session = place.open(GONE_A, at(0));
    session.apply(create("eve"), at(1)).unwrap();
    session.save(at(2)).unwrap();
    session.apply(create("mallory"), at(3)).unwrap();
    let journal = session.journal_path().unwrap().to_owned();
    let found = journal::read(&journal).unwrap().unwrap();
    assert_eq!(found.changes, [create("mallory")], "only what the file lacks");
    std::mem::forget(session);

    let mut next = place.open(GONE_B, at(10));
    let found = next.recoverable();
    assert!(!next.stale(&found[0]), "the file is as the journal expects");
    let recovered = next.recover(&found[0], at(11)).unwrap();
    assert_eq!((recovered.applied, recovered.replaced), (1, false));
    assert!(users(&next).contains(&"eve".to_owned()) && users(&next).contains(&"mallory".to_owned()));
    assert_eq!(next.changes().unsaved_count(), 1);
}

#[test]
fn two_processes_on_one_file_journal_apart_and_both_come_back_newest_first() {
    let place = Place::new();
    let mut first = place.open(GONE_A, at(0));
    let mut second = place.open(std::process::id(), at(1));
    assert!(
        second.elsewhere().is_empty(),
        "a process that no longer runs does not have the file open"
    );
    first.apply(create("eve"), at(2)).unwrap();
    second.apply(create("mallory"), at(3)).unwrap();
    assert_ne!(first.journal_path(), second.journal_path());
    std::mem::forget(first);
    std::mem::forget(second);

    let next = place.open(GONE_B, at(10));
    let found = next.recoverable();
    assert_eq!(found.len(), 2, "every journal is offered");
    assert_eq!(found[0].header.pid, std::process::id(), "newest first");
    assert_eq!(found[0].changes, [create("mallory")]);
    assert!(found[0].running, "that process still runs");
    assert_eq!(found[1].changes, [create("eve")]);
    assert!(!found[1].running);
}

#[test]
fn a_second_process_is_told_the_file_is_open_elsewhere() {
    let place = Place::new();
    // pid 1 always runs: another iamscope on the same file
    let _other = place.open(1, at(0));
    let second = place.open(GONE_A, at(1));
    assert_eq!(second.elsewhere(), [1]);
    let alone = Place::new().open(GONE_A, at(1));
    assert!(alone.elsewhere().is_empty());
}

#[test]
fn a_draft_is_journaled_at_most_every_interval_and_when_the_editor_closes() {
    let place = Place::new();
    let mut session = place.open(GONE_A, at(0));
    let draft = |text: &str| Draft {
        target: EditTarget::Trust { role: "app".into() },
        text: text.to_owned(),
        original: "{}".to_owned(),
    };
    let journaled = |session: &Session| {
        session
            .journal_path()
            .and_then(|p| journal::read(p).unwrap())
            .and_then(|f| f.draft)
            .map(|d| d.text)
    };
    let t0 = at(100);
    session.set_draft(Some(draft("a")), t0);
    assert_eq!(
        journaled(&session).as_deref(),
        Some("a"),
        "the first keystroke is written"
    );
    let soon = t0.checked_add(jiff::SignedDuration::from_millis(200)).unwrap();
    session.set_draft(Some(draft("ab")), soon);
    assert_eq!(journaled(&session).as_deref(), Some("a"), "held back: too soon");
    session.tick(soon);
    assert_eq!(journaled(&session).as_deref(), Some("a"));
    let later = t0
        .checked_add(jiff::SignedDuration::from_millis(DRAFT_INTERVAL_MS))
        .unwrap();
    session.tick(later);
    assert_eq!(journaled(&session).as_deref(), Some("ab"), "written once due");
    session.set_draft(None, later);
    assert!(
        !session.journal_path().unwrap().exists(),
        "the editor closed: nothing left"
    );

    // a draft left by a killed session comes back with the recovery
    session.set_draft(Some(draft("{\"Version\"")), at(200));
    std::mem::forget(session);
    let mut next = place.open(GONE_B, at(300));
    let found = next.recoverable();
    assert_eq!(found[0].holds(), "a draft of trust policy of role app");
    let recovered = next.recover(&found[0], at(301)).unwrap();
    assert_eq!(recovered.draft.map(|d| d.text).as_deref(), Some("{\"Version\""));
}

#[test]
fn closing_discards_or_keeps_the_journal_as_asked() {
    let place = Place::new();
    let mut session = place.open(GONE_A, at(0));
    session.apply(create("eve"), at(1)).unwrap();
    let journal = session.journal_path().unwrap().to_owned();
    session.close(false);
    drop(session);
    assert!(journal.exists(), "kept for the next start");
    let mut session = place.open(GONE_A, at(2));
    let found = session.recoverable();
    assert!(found.is_empty(), "its own journal is not offered to itself");
    session.apply(create("eve"), at(3)).unwrap();
    session.close(true);
    assert!(!journal.exists());
}

#[test]
fn the_demo_and_a_lesson_are_never_overwritten_and_save_as_moves_the_journal() {
    let place = Place::new();
    let loaded = crate::io::load(&[], None).unwrap();
    let mut demo = Session::new(loaded, &[], place.options(GONE_A), at(0)).unwrap();
    demo.apply(create("eve"), at(1)).unwrap();
    assert!(matches!(demo.save(at(2)), Err(SessionError::Demo)));
    let demo_journal = demo.journal_path().unwrap().to_owned();
    assert!(demo_journal.exists());
    let copy = place.dir.path().join("copy.json");
    demo.save_as(&copy, at(3)).unwrap();
    assert!(!demo.unsaved());
    assert!(!demo_journal.exists(), "the work is in the file now");
    assert_eq!(demo.files(), std::slice::from_ref(&copy));
    demo.apply(create("mallory"), at(4)).unwrap();
    demo.save(at(5)).expect("the copy is the account's file now");

    let model = crate::io::load(&[], None).unwrap().model;
    let mut lesson = Session::lesson(model, "root-user", "The root user", at(0));
    lesson.apply(create("admin-you"), at(1)).unwrap();
    assert!(matches!(lesson.save(at(2)), Err(SessionError::Lesson)));
    assert!(lesson.unsaved(), "until the lesson's progress keeps it");
    lesson.mark_kept(at(3));
    assert!(!lesson.unsaved());
}

#[test]
fn a_file_changed_on_disk_is_never_overwritten() {
    let place = Place::new();
    let mut session = place.open(GONE_A, at(0));
    session.apply(create("eve"), at(1)).unwrap();
    let mut theirs = crate::io::DEMO_ACCOUNT.to_vec();
    theirs.push(b'\n');
    std::fs::write(place.file(), &theirs).unwrap();
    assert!(matches!(session.save(at(2)), Err(SessionError::ChangedOnDisk { .. })));
    assert_eq!(std::fs::read(place.file()).unwrap(), theirs);
    assert!(session.unsaved());
}

#[test]
fn read_only_refuses_every_change() {
    let place = Place::new();
    let mut options = place.options(GONE_A);
    options.readonly = true;
    let mut session = Session::open(&[place.file()], None, options, at(0)).unwrap();
    assert!(matches!(
        session.apply(create("eve"), at(1)),
        Err(SessionError::ReadOnly)
    ));
    assert!(!session.unsaved());
    assert!(session.journal_path().is_none(), "nothing to journal");
}

#[test]
fn export_writes_the_script_of_the_changes() {
    let place = Place::new();
    let mut session = place.open(GONE_A, at(0));
    session.apply(create("eve"), at(1)).unwrap();
    let path = place.dir.path().join("changes.sh");
    let said = session.export(ExportKind::Script, &path).unwrap();
    assert!(said.contains("1 change"), "{said}");
    let script = std::fs::read_to_string(&path).unwrap();
    assert!(script.contains("aws iam create-user --user-name eve"), "{script}");
}
