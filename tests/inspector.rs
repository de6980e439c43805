//! The inspector's first question, the simulator's literal reading, and
//! the one request time of a session (issue 11), driven through the loop.

mod support;

use iamscope::catalog::{ResourceFit, catalog};
use iamscope::tui::suggest::Field;
use support::Explorer;

#[test]
fn the_first_question_about_each_user_is_one_aws_could_receive() {
    let mut e = Explorer::demo();
    e.keys("1 i");
    for _ in 0..6 {
        let inspector = e.app.inspector();
        let (action, resource) = (inspector.field(Field::Action), inspector.field(Field::Resource));
        assert_eq!(
            catalog().resource_fit(action, resource),
            ResourceFit::Fits,
            "{}: {action} on {resource}",
            inspector.field(Field::Principal)
        );
        match inspector.result() {
            Some(Ok(answer)) => assert!(answer.warnings.is_empty(), "{:?}", answer.warnings),
            other => panic!("{other:?}"),
        }
        // the next user in the list: the inspector follows the selection
        e.keys("tab j tab");
    }
}

#[test]
fn a_typed_action_is_kept_when_the_selection_moves() {
    let mut e = Explorer::demo();
    e.keys("1 i");
    let first = e.app.inspector().field(Field::Principal).to_owned();
    e.command("explain user/alice iam:ListUsers *");
    assert_eq!(e.app.inspector().field(Field::Action), "iam:ListUsers");
    assert_ne!(first, "", "a principal was selected");
    e.keys("esc tab j tab");
    assert_eq!(e.app.inspector().field(Field::Action), "iam:ListUsers");
    assert_eq!(e.app.inspector().field(Field::Resource), "*");
}

#[test]
fn shift_a_takes_the_context_as_written_and_back() {
    let mut e = Explorer::demo();
    e.command("explain user/alice s3:GetObject arn:aws:s3:::photos/cat.jpg");
    // keys filled in (the resource's account is read from the account either way)
    let assumed = |e: &Explorer| match e.app.inspector().result() {
        Some(Ok(answer)) => serde_json::to_value(&answer.assumptions)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["kind"] == "context-key")
            .count(),
        other => panic!("{other:?}"),
    };
    assert!(assumed(&e) > 0, "a realistic request fills in keys and lists them");
    e.keys("A");
    assert!(e.status().contains("as written"), "{}", e.status());
    assert_eq!(assumed(&e), 0, "nothing is filled in");
    assert!(e.text().contains("the context as written"), "{}", e.text());
    e.keys("A");
    assert!(assumed(&e) > 0);
}

#[test]
fn every_answer_of_a_session_is_asked_at_the_same_time() {
    let mut e = Explorer::demo();
    e.keys("1 i");
    let first = e.app.asked_at();
    e.driver.advance(3_600_000);
    e.keys("esc tab j tab i");
    assert_eq!(
        e.app.asked_at(),
        first,
        "an hour later, the same session asks at the same time"
    );
    // another account is another session, asked at the time it opened
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("account.json");
    std::fs::write(&file, iamscope::io::DEMO_ACCOUNT).unwrap();
    e.command(&format!("open {}", file.display()));
    assert!(e.app.asked_at() > first, "{}", e.status());
}

#[test]
fn a_federated_users_role_and_claims_are_typed_in_the_context_field() {
    // tests/fixtures/federation.json: two roles trust GitHub's provider, so
    // the role must be named, as --role does on the command line.
    let fixture = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/federation.json"));
    let mut e = Explorer::open(
        &[fixture],
        support::no_journal(),
        iamscope::tui::config::Settings::default(),
    );
    e.command("explain oidc/token.actions.githubusercontent.com s3:GetObject arn:aws:s3:::artifacts/app.zip");
    match e.app.inspector().result() {
        Some(Err(message)) => assert!(
            message.contains("role=NAME in the inspector's Context field"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    // the whole message is on the screen, wrapped
    let screen = e.screen(120, 40);
    assert!(screen.contains("role=NAME in the inspector's Context"), "{screen}");
    // up from the tree to the Context field, then type into it
    e.keys("k enter");
    e.type_text("role=GhDenyFork, sub=repo:myorg/app:ref:refs/heads/main");
    e.keys("enter");
    assert_eq!(
        e.app.inspector().field(Field::Context),
        "role=GhDenyFork, sub=repo:myorg/app:ref:refs/heads/main"
    );
    match e.app.inspector().result() {
        Some(Ok(answer)) => {
            assert_eq!(answer.decision, iamscope::eval::Decision::Allow, "{}", answer.summary);
            assert!(
                answer.summary.contains("assuming role GhDenyFork"),
                "{}",
                answer.summary
            );
        }
        other => panic!("{other:?}"),
    }
    // the trust's Deny statement turns the secret repository away
    e.keys("enter");
    e.keys("ctrl-u");
    e.type_text("role=GhDenyFork, sub=repo:myorg/secret:ref:refs/heads/main");
    e.keys("enter");
    assert_eq!(
        e.app.inspector().field(Field::Context),
        "role=GhDenyFork, sub=repo:myorg/secret:ref:refs/heads/main"
    );
    match e.app.inspector().result() {
        Some(Ok(answer)) => assert_eq!(
            answer.decision,
            iamscope::eval::Decision::ExplicitDeny,
            "{}",
            answer.summary
        ),
        other => panic!("{other:?}"),
    }
}
