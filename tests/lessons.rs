//! Lessons: every built-in lesson is checked the way `iamscope lesson check`
//! checks an instructor's file; no lesson can be finished by doing nothing;
//! a learner's way through a whole lesson, driven by the app's keys and
//! drawn on a `TestBackend`; progress that survives a restart; the glossary.

mod support;

use support::Explorer;

use std::process::Command;

use iamscope::lessons::{Glossary, Lesson, Step};
use iamscope::model::EntityRef;
use iamscope::tui::sections::Target;

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
        "enhanced flow",
        "classic flow",
        "amazoncognitounauthedidentitiessessionpolicy",
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
    // the engine's sentences about Cognito's two flows lead to their terms
    let enhanced: Vec<&str> = g
        .terms_in("identity pool PhotoAppIdentities uses the enhanced flow only: Cognito caps guest credentials with the session policy AmazonCognitoUnAuthedIdentitiesSessionPolicy")
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    for term in ["enhanced flow", "session policy", "session policy scope-down"] {
        assert!(enhanced.contains(&term), "{term}: {enhanced:?}");
    }
    let classic: Vec<&str> = g
        .terms_in("identity pool PhotoAppIdentities allows the classic (basic) flow, in which a guest assumes the role itself")
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert!(classic.contains(&"basic flow"), "{classic:?}");
    assert_eq!(g.find("classic flow").unwrap().name, "basic flow");
    assert_eq!(g.find("scope-down").unwrap().name, "session policy scope-down");
}

// ---- the learner's way through a lesson, in the explorer ----

fn explorer(progress: &std::path::Path) -> Explorer {
    Explorer::demo().with_lessons(progress)
}

fn step(e: &Explorer) -> usize {
    e.app.learning().run.as_ref().map(|r| r.step).unwrap()
}

#[test]
fn a_learner_goes_through_the_root_user_lesson_and_the_engine_confirms_it() {
    let data = tempfile::tempdir().unwrap();
    let progress = data.path().join("lesson-progress.json");
    let mut e = explorer(&progress);
    let demo = iamscope::io::export::export_to_string(e.app.model().account(), iamscope::io::ExportFormat::Workspace);

    e.command("lessons");
    insta::assert_snapshot!("lesson_list", e.text());
    e.keys("enter");
    assert!(e.text().contains("Lesson: The root user"), "the concept comes first");
    e.keys("esc");
    assert_eq!(
        e.app.selection(),
        Some(Target::Entity(EntityRef::Root)),
        "step 1 looks at the root user"
    );

    // 1 read → 2 predict: the learner says Deny; the engine says Allow and why
    e.keys("]");
    assert_eq!(step(&e), 1);
    e.keys("]");
    assert!(
        e.text().contains("Predict: will AWS allow"),
        "] asks for the prediction"
    );
    e.keys("down enter");
    assert!(
        e.status().starts_with("not this time: AWS decides Allow"),
        "{}",
        e.status()
    );
    let text = e.text();
    assert!(text.contains("✗ You said Deny; AWS decides Allow."), "{text}");
    assert!(text.contains("ALLOW"), "the inspector explains it:\n{text}");
    insta::assert_snapshot!("lesson_prediction_revealed", text);

    // 3 predict: right this time
    e.keys("] ] down enter");
    assert!(e.status().starts_with("right"), "{}", e.status());

    // 4 do: not done until the checks pass
    e.keys("]");
    assert_eq!(step(&e), 3);
    e.keys("]");
    assert_eq!(step(&e), 3, "the task is not done yet");
    assert!(e.status().contains("3 checks to go"), "{}", e.status());
    e.keys("H");
    assert!(e.text().contains("hint 1: n in the Users list creates a user"));
    e.keys("1 n").type_text("admin-you").keys("enter");
    e.keys("/").type_text("admin-you").keys("enter");
    e.keys("m").type_text("Admins").keys("enter");
    if e.text().contains("impact of the change") {
        e.keys("enter");
    }
    assert!(e.app.learning().step_done(), "{}", e.status());
    assert!(e.status().starts_with("✓ task done"), "{}", e.status());
    insta::assert_snapshot!("lesson_task_done", e.text());

    // 5 read, then the lesson is complete
    e.keys("] ]");
    assert!(e.status().contains("lesson complete"), "{}", e.status());

    // leaving gives back the account that was open, untouched
    e.command("lesson quit");
    assert!(e.app.learning().run.is_none());
    let after = iamscope::io::export::export_to_string(e.app.model().account(), iamscope::io::ExportFormat::Workspace);
    assert_eq!(after, demo);
    assert!(e.app.model().user("admin-you").is_none());

    // a new session (a restart) knows the lesson is done
    let mut again = explorer(&progress);
    again.command("lessons");
    let list = again.text();
    assert!(list.contains("✓ done"), "{list}");
}

#[test]
fn progress_and_the_learner_s_changes_survive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let progress = data.path().join("lesson-progress.json");
    let mut first = explorer(&progress);
    first.command("lesson root-user");
    first.keys("esc ] ] enter"); // Allow
    first.keys("] ] down enter"); // Deny
    first.keys("] 1 n").type_text("admin-you").keys("enter");
    assert_eq!(step(&first), 3);
    drop(first); // the terminal closes

    let mut second = explorer(&progress);
    second.command("lessons");
    assert!(second.text().contains("step 4 of 5"));
    second.keys("enter esc");
    assert_eq!(step(&second), 3, "resumed at the task");
    assert!(
        second.app.model().user("admin-you").is_some(),
        "the learner's user is back"
    );
    let text = second.screen(80, 24);
    assert!(text.contains("✓ done    user admin-you exists"), "{text}");
    assert!(text.contains("✗ not yet admin-you is in group Admins"), "{text}");
    insta::assert_snapshot!("lesson_resumed_80x24", text);

    second.command("lesson reset root-user");
    assert_eq!(step(&second), 0);
    assert!(
        second.app.model().user("admin-you").is_none(),
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

// ---- Cognito's enhanced flow: the website-guests lesson ----

const GUEST: &str = "identity-pool/eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10:unauthenticated";

fn lesson(id: &str) -> Lesson {
    Lesson::embedded().into_iter().find(|l| l.id == id).unwrap()
}

fn request(principal: &str, action: &str, resource: &str) -> iamscope::eval::Request {
    let principal = iamscope::eval::PrincipalSpec::parse(principal).unwrap();
    iamscope::eval::Request::new(principal, action, resource, now())
}

/// "Scope-down policy for unauthenticated identities" (Cognito developer
/// guide, IAM roles): in the enhanced flow Cognito passes the AWS managed
/// session policy AmazonCognitoUnAuthedIdentitiesSessionPolicy with every
/// guest's credentials, and it has no S3 action; the basic (classic) flow has
/// no such cap.
#[test]
fn enhanced_flow_scopes_guest_credentials_down_with_amazon_cognito_un_authed_identities_session_policy() {
    use iamscope::eval::{Decision, StageKind, evaluate};
    use iamscope::model::change::{Change, apply};
    use iamscope::model::index::Holder;

    let lesson = lesson("website-guests");
    let mut model = lesson.start_model(now()).unwrap();
    let pool = &model.account().identity_pools[0];
    assert_eq!(
        pool.allow_classic_flow,
        Some(false),
        "the lesson's pool has the enhanced flow only"
    );

    // the guest role allows everything: the session policy alone decides
    let everything = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let put = Change::PutInlinePolicy {
        holder: Holder::Role("PhotoAppGuestRole".to_owned()),
        name: "Everything".to_owned(),
        document: everything.to_owned(),
    };
    apply(&mut model, &put, now()).unwrap();

    let read = evaluate(
        &model,
        &request(GUEST, "s3:GetObject", "arn:aws:s3:::photos/public/banner.jpg"),
    )
    .unwrap();
    assert_eq!(read.decision, Decision::ImplicitDeny);
    assert_eq!(read.rule(), "session-policy-does-not-allow", "{}", read.summary);
    let session = read
        .stages
        .iter()
        .find(|s| s.kind == StageKind::SessionPolicies)
        .expect("the explanation shows the session policies");
    assert_eq!(
        session.policies.iter().map(|p| p.label()).collect::<Vec<_>>(),
        ["AmazonCognitoUnAuthedIdentitiesSessionPolicy (session policy)"]
    );
    for (action, resource) in [
        ("s3:PutObject", "arn:aws:s3:::photos/public/banner.jpg"),
        (
            "dynamodb:GetItem",
            "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders",
        ),
        (
            "lambda:InvokeFunction",
            "arn:aws:lambda:eu-west-1:111122223333:function:orders",
        ),
    ] {
        let outcome = iamscope::eval::decide(&model, &request(GUEST, action, resource)).unwrap();
        assert_eq!(outcome.decision, Decision::ImplicitDeny, "{action}");
    }
    // the services the lesson names as let through
    for action in [
        "polly:SynthesizeSpeech",
        "translate:TranslateText",
        "transcribe:StartStreamTranscription",
        "comprehend:DetectSentiment",
        "rekognition:DetectLabels",
        "geo:GetMapTile",
        "mobiletargeting:PutEvents",
        "firehose:PutRecord",
        "personalize:GetRecommendations",
        "rum:PutRumEvents",
        "sagemaker:InvokeEndpoint",
        "kms:Decrypt",
    ] {
        let outcome = iamscope::eval::decide(&model, &request(GUEST, action, "*")).unwrap();
        assert_eq!(outcome.decision, Decision::Allow, "{action}");
    }
    // signed-in users get no such cap
    let signed_in = GUEST.replace(":unauthenticated", ":authenticated");
    let own = iamscope::eval::decide(&model, &request(&signed_in, "polly:SynthesizeSpeech", "*")).unwrap();
    assert_eq!(
        own.decision,
        Decision::ImplicitDeny,
        "the authenticated role has no Polly"
    );

    // the same pool with the classic flow on: the guest gets the whole role
    model.edit(|a| a.identity_pools[0].allow_classic_flow = Some(true));
    let classic = iamscope::eval::decide(
        &model,
        &request(GUEST, "s3:GetObject", "arn:aws:s3:::photos/public/banner.jpg"),
    )
    .unwrap();
    assert_eq!(classic.decision, Decision::Allow);

    // and the lesson asks the learner to predict exactly this denial
    let predicted = lesson.steps.iter().any(|s| {
        matches!(s, Step::Predict { request, answer: iamscope::lessons::Answer::Deny, .. }
            if request.principal == GUEST && request.action == "s3:GetObject")
    });
    assert!(predicted, "the lesson has the predict step on the guest's S3 read");
}

#[test]
fn a_lesson_sets_up_its_identity_pools_and_a_wrong_setting_is_named() {
    let with = |start: &str| {
        let text = format!(
            "id = \"pools\"\ntitle = \"t\"\nsummary = \"s\"\nconcept = \"c\"\n{start}\n\
             [[steps]]\nkind = \"predict\"\ntext = \"May a guest read?\"\n\
             request = {{ principal = \"{GUEST}\", action = \"s3:GetObject\", resource = \"arn:aws:s3:::photos/public/banner.jpg\" }}\n\
             answer = \"deny\"\n"
        );
        Lesson::parse(&text, "pools.toml")
    };

    // by name or by id; the setting reaches the engine
    for pool in ["PhotoAppIdentities", "eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10"] {
        let lesson = with(&format!(
            "[start]\nidentity_pools = [{{ pool = \"{pool}\", allow_classic_flow = false }}]"
        ))
        .unwrap();
        let model = lesson.start_model(now()).unwrap();
        assert_eq!(model.account().identity_pools[0].allow_classic_flow, Some(false));
        assert!(lesson.validate(now()).is_empty(), "{:?}", lesson.validate(now()));
    }
    // the demo pool as it is allows the classic flow: the guest reads, and the check says so
    let problems = with("").unwrap().validate(now());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.contains("the engine decides Allow"), "{problems:?}");

    // guests turned off: the guest gets nothing at all
    let lesson =
        with("[start]\nidentity_pools = [{ pool = \"PhotoAppIdentities\", allow_unauthenticated = false }]").unwrap();
    assert!(!lesson.start_model(now()).unwrap().account().identity_pools[0].allow_unauthenticated);

    // a pool the account does not have: where, what, and the pools it has
    let problems = with("[start]\nidentity_pools = [{ pool = \"ShopIdentities\", allow_classic_flow = false }]")
        .unwrap()
        .validate(now());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].place, "pools.toml, start");
    assert!(
        problems[0].message.contains("start.identity_pools[0]")
            && problems[0].message.contains("no identity pool `ShopIdentities`")
            && problems[0].message.contains("it has PhotoAppIdentities"),
        "{problems:?}"
    );
    // a setting that sets nothing
    let problems = with("[start]\nidentity_pools = [{ pool = \"PhotoAppIdentities\" }]")
        .unwrap()
        .validate(now());
    assert!(problems[0].message.contains("sets nothing"), "{problems:?}");
    // a misspelt setting: line and column
    let err =
        with("[start]\nidentity_pools = [{ pool = \"PhotoAppIdentities\", allow_clasic_flow = false }]").unwrap_err();
    assert!(err.place.starts_with("pools.toml:6:"), "{err}");
    assert!(err.message.contains("allow_clasic_flow"), "{err}");
}

#[test]
fn the_website_guests_task_wants_cloudfront_for_the_site_s_distribution_only() {
    use iamscope::model::change::{Change, apply};

    let lesson = lesson("website-guests");
    let (at, checks, solution) = lesson
        .steps
        .iter()
        .enumerate()
        .find_map(|(i, s)| match s {
            Step::Do { checks, solution, .. } if checks.iter().any(|c| c.describe().contains("cloudfront")) => {
                Some((i, checks, solution))
            }
            _ => None,
        })
        .unwrap();
    let mut before = lesson.start_model(now()).unwrap();
    for step in &lesson.steps[..at] {
        if let Step::Do { solution, .. } = step {
            for change in solution {
                apply(&mut before, change, now()).unwrap();
            }
        }
    }
    let Change::PutResourcePolicy { document, .. } = &solution[0] else {
        panic!("the solution writes the bucket policy")
    };
    let failing = |document: String| {
        let mut model = before.clone();
        let change = Change::PutResourcePolicy {
            resource_arn: "arn:aws:s3:::photos".to_owned(),
            document,
        };
        apply(&mut model, &change, now()).unwrap();
        checks
            .iter()
            .filter(|c| c.evaluate(&model, now()) != Ok(true))
            .map(|c| c.describe())
            .collect::<Vec<_>>()
    };
    assert!(failing(document.clone()).is_empty());

    // CloudFront without the condition: any distribution of any account
    let any = document.replace(
        ",\n            \"Condition\": {\"StringEquals\": {\"AWS:SourceArn\": \"arn:aws:cloudfront::111122223333:distribution/EPHOTOSITE1234\"}}",
        "",
    );
    assert_ne!(&any, document);
    let failed = failing(any.clone());
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].contains("cannot s3:GetObject") && failed[0].contains("444455556666:distribution"),
        "{failed:?}"
    );

    // a public bucket: every distribution gets in as well
    let public = any.replace(
        r#""Principal": {"Service": "cloudfront.amazonaws.com"}"#,
        r#""Principal": "*""#,
    );
    assert_ne!(public, any);
    assert_eq!(failing(public), failed);

    // the whole bucket rather than public/
    let whole = document.replace(
        r#""Resource": "arn:aws:s3:::photos/public/*",
            "Condition""#,
        r#""Resource": "arn:aws:s3:::photos/*",
            "Condition""#,
    );
    assert_ne!(&whole, document);
    let failed = failing(whole);
    assert!(failed.len() == 1 && failed[0].contains("photos/users/"), "{failed:?}");

    // only the new statement, the old ones dropped
    let start = document
        .find(
            r#"        {
            "Sid": "SiteDistributionReadsPublic""#,
        )
        .unwrap();
    let alone = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}",
        &document[start..]
    );
    let failed = failing(alone);
    assert!(
        failed
            .iter()
            .any(|c| c.starts_with("a Deny statement stops") && c.contains("aws:SecureTransport = false"))
            && failed.iter().any(|c| c.contains("444455556666:root can")),
        "{failed:?}"
    );
}

#[test]
fn a_learner_predicts_the_guest_s_s3_read_and_the_inspector_shows_the_session_policy() {
    let data = tempfile::tempdir().unwrap();
    let mut e = explorer(&data.path().join("lesson-progress.json"));
    e.command("lesson website-guests");
    e.keys("esc");
    assert_eq!(
        e.app.selection(),
        Some(Target::Entity(EntityRef::IdentityPool {
            id: "eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10".to_owned()
        }))
    );
    assert!(e.text().contains("off (enhanced flow only)"));
    e.keys("] ]");
    assert!(e.text().contains("Predict: will AWS allow"));
    // the recipe's learner expects the role's S3 read to work
    e.keys("enter");
    assert!(
        e.status().starts_with("not this time: AWS decides ImplicitDeny"),
        "{}",
        e.status()
    );
    let text = e.text();
    assert!(text.contains("✗ You said Allow; AWS decides ImplicitDeny."), "{text}");
    assert!(text.contains("AmazonCognitoUnAuthedIdentitiesSessionPolicy"), "{text}");
    insta::assert_snapshot!("lesson_guest_session_policy", text);
}

#[test]
fn a_learner_predicts_a_strangers_workflow_and_the_inspector_shows_both_steps_with_the_claims() {
    // IAM User Guide, "Configuring a role for GitHub OIDC identity
    // provider": a trust without a sub condition admits any repository.
    let data = tempfile::tempdir().unwrap();
    let mut e = explorer(&data.path().join("lesson-progress.json"));
    e.command("lesson roles-instead-of-users");
    e.keys("esc ] ]");
    assert_eq!(step(&e), 2, "the workflow on main");
    e.keys("]");
    assert_eq!(e.app.popups(), 1, "the prediction picker");
    e.keys("enter");
    assert!(e.status().starts_with("right: AWS decides Allow"), "{}", e.status());
    e.keys("]");
    assert_eq!(step(&e), 3, "the stranger's workflow");
    e.keys("]");
    assert_eq!(e.app.popups(), 1, "the prediction picker");
    // the learner expects the stranger to be kept out
    e.keys("down enter");
    assert!(
        e.status().starts_with("not this time: AWS decides Allow"),
        "{}",
        e.status()
    );
    let text = e.screen(120, 40);
    assert!(
        text.contains("claims aud=sts.amazonaws.com, sub=repo:someone-else/photo-app"),
        "{text}"
    );
    assert!(text.contains("Step 1:"), "{text}");
    assert!(text.contains("Step 2:"), "{text}");
    assert!(text.contains("by assuming role GitHubDeployRole"), "{text}");
    assert!(e.app.inspector().federation_line().is_some());
}

#[test]
fn the_trust_task_is_done_only_when_sub_names_the_repository_and_branch() {
    let lesson = lesson("roles-instead-of-users");
    let mut model = lesson.start_model(now()).unwrap();
    let Some(Step::Do { checks, .. }) = lesson.steps.get(4) else {
        panic!("step 5 is the trust task");
    };
    let passes = |model: &iamscope::model::Model| checks.iter().all(|c| c.evaluate(model, now()) == Ok(true));
    assert!(!passes(&model), "the trimmed trust admits the stranger");
    let trust = |sub: &str, operator: &str| {
        let aud = r#""token.actions.githubusercontent.com:aud":"sts.amazonaws.com""#;
        let sub = format!(r#""token.actions.githubusercontent.com:sub":"{sub}""#);
        let condition = if operator == "StringEquals" {
            format!(r#"{{"StringEquals":{{{aud},{sub}}}}}"#)
        } else {
            format!(r#"{{"StringEquals":{{{aud}}},"{operator}":{{{sub}}}}}"#)
        };
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}]}}"#
        )
    };
    let mut set = |document: String| {
        iamscope::model::change::apply(
            &mut model,
            &iamscope::model::change::Change::UpdateTrustPolicy {
                role: "GitHubDeployRole".into(),
                document,
            },
            now(),
        )
        .unwrap();
        passes(&model)
    };
    // every branch of the repository is more than the task asks
    assert!(!set(trust("repo:iamscope-demo/photo-app:*", "StringLike")));
    // an open owner lets the stranger's look-alike names in
    assert!(!set(trust("repo:*/photo-app:ref:refs/heads/main", "StringLike")));
    assert!(!set(trust(
        "repo:iamscope*/photo-app:ref:refs/heads/main",
        "StringLike"
    )));
    assert!(set(trust(
        "repo:iamscope-demo/photo-app:ref:refs/heads/main",
        "StringEquals"
    )));
    assert!(set(trust(
        "repo:iamscope-demo/photo-app:ref:refs/heads/main",
        "StringLike"
    )));
}
