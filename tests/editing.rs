//! Editing the account: each change obeys AWS's rules and quotas, undo and
//! redo restore the exact account, and the session's changes become a
//! reviewable script of AWS CLI commands.

use iamscope::model::change::{Change, History, OrgKind, RoleTemplate, apply};
use iamscope::model::{Holder, Model};

fn demo() -> Model {
    iamscope::io::load(&[], None).unwrap().model
}

fn now() -> jiff::Timestamp {
    "2026-11-01T00:00:00Z".parse().unwrap()
}

fn refused(model: &mut Model, change: Change) -> String {
    let before = model.account().clone();
    let message = apply(model, &change, now())
        .expect_err("AWS would refuse this")
        .to_string();
    assert_eq!(model.account(), &before, "a refused change changes nothing");
    message
}

fn ok(model: &mut Model, change: Change) {
    apply(model, &change, now()).unwrap_or_else(|e| panic!("{change:?}: {e}"));
}

const DOC: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::photos/*"}]}"#;

#[test]
fn a_user_is_in_at_most_ten_groups() {
    let mut model = demo();
    for i in 0..9 {
        ok(
            &mut model,
            Change::CreateGroup {
                name: format!("g{i}"),
                path: "/".into(),
            },
        );
        ok(
            &mut model,
            Change::AddUserToGroup {
                user: "alice".into(),
                group: format!("g{i}"),
            },
        );
    }
    assert_eq!(model.user("alice").unwrap().groups.len(), 10);
    ok(
        &mut model,
        Change::CreateGroup {
            name: "g9".into(),
            path: "/".into(),
        },
    );
    let message = refused(
        &mut model,
        Change::AddUserToGroup {
            user: "alice".into(),
            group: "g9".into(),
        },
    );
    assert!(message.contains("at most 10 per user"), "{message}");
}

#[test]
fn at_most_ten_managed_policies_attach_to_one_entity() {
    let mut model = demo();
    for i in 0..10 {
        ok(
            &mut model,
            Change::CreatePolicy {
                name: format!("p{i}"),
                path: "/".into(),
                document: DOC.into(),
            },
        );
        ok(
            &mut model,
            Change::AttachPolicy {
                holder: Holder::User("bob".into()),
                arn: format!("arn:aws:iam::111122223333:policy/p{i}"),
            },
        );
    }
    ok(
        &mut model,
        Change::CreatePolicy {
            name: "p10".into(),
            path: "/".into(),
            document: DOC.into(),
        },
    );
    let message = refused(
        &mut model,
        Change::AttachPolicy {
            holder: Holder::User("bob".into()),
            arn: "arn:aws:iam::111122223333:policy/p10".into(),
        },
    );
    assert!(message.contains("IAM allows 10 by default"), "{message}");
}

#[test]
fn a_policy_keeps_five_versions_and_the_oldest_non_default_goes() {
    let mut model = demo();
    let arn = "arn:aws:iam::111122223333:policy/DevelopersS3Read";
    for _ in 0..4 {
        ok(
            &mut model,
            Change::CreatePolicyVersion {
                arn: arn.into(),
                document: DOC.into(),
            },
        );
    }
    let policy = model.policy(arn).unwrap();
    assert_eq!(policy.versions.len(), 5);
    assert_eq!(policy.default_version_id, "v6");
    let ids: Vec<&str> = policy.versions.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        ids,
        ["v2", "v3", "v4", "v5", "v6"],
        "v1 was the oldest non-default version"
    );
    let mut history = History::default();
    history
        .apply(
            &mut model,
            Change::CreatePolicyVersion {
                arn: arn.into(),
                document: DOC.into(),
            },
            now(),
        )
        .unwrap();
    let script = iamscope::io::script::script(&iamscope::io::change_log::logged(&history), model.account());
    assert!(script.contains("# note: deleted version v2"), "{script}");
    assert!(script.contains(
        "aws iam delete-policy-version --policy-arn arn:aws:iam::111122223333:policy/DevelopersS3Read --version-id v2"
    ));
}

#[test]
fn aws_managed_policies_are_read_only() {
    let mut model = demo();
    let message = refused(
        &mut model,
        Change::CreatePolicyVersion {
            arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
            document: DOC.into(),
        },
    );
    assert!(
        message.contains("copy it as a new customer managed policy"),
        "{message}"
    );
}

#[test]
fn names_follow_iam_rules_and_are_unique_ignoring_case() {
    let mut model = demo();
    let message = refused(
        &mut model,
        Change::CreateUser {
            name: "eve smith".into(),
            path: "/".into(),
        },
    );
    assert!(message.contains("` ` is not allowed in a user name"), "{message}");
    let message = refused(
        &mut model,
        Change::CreateUser {
            name: "x".repeat(65),
            path: "/".into(),
        },
    );
    assert!(message.contains("at most 64 characters"), "{message}");
    let message = refused(
        &mut model,
        Change::CreateUser {
            name: "ALICE".into(),
            path: "/".into(),
        },
    );
    assert!(message.contains("exists already"), "{message}");
    let message = refused(
        &mut model,
        Change::CreateUser {
            name: "eve".into(),
            path: "staff".into(),
        },
    );
    assert!(message.contains("begins and ends with `/`"), "{message}");
    ok(
        &mut model,
        Change::CreateUser {
            name: "eve+ops@example.com".into(),
            path: "/staff/".into(),
        },
    );
    assert_eq!(
        model.user("eve+ops@example.com").unwrap().arn.as_str(),
        "arn:aws:iam::111122223333:user/staff/eve+ops@example.com"
    );
}

#[test]
fn policy_size_and_grammar_are_checked_before_saving() {
    let mut model = demo();
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        (0..400)
            .map(|i| format!("\"s3:GetObject{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let message = refused(
        &mut model,
        Change::CreatePolicy {
            name: "Big".into(),
            path: "/".into(),
            document: big,
        },
    );
    assert!(message.contains("AWS allows 6144"), "{message}");
    let message = refused(
        &mut model,
        Change::CreatePolicy {
            name: "Broken".into(),
            path: "/".into(),
            document: r#"{"Statement": [{"Effect": "allow"}]}"#.into(),
        },
    );
    assert!(message.contains("has an error at line 1"), "{message}");
    // all of a user's inline policies count together: 2,048 characters
    let inline = |n: usize| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
            (0..n).map(|i| format!("\"s3:Get{i}\"")).collect::<Vec<_>>().join(",")
        )
    };
    ok(
        &mut model,
        Change::PutInlinePolicy {
            holder: Holder::User("bob".into()),
            name: "one".into(),
            document: inline(90),
        },
    );
    let message = refused(
        &mut model,
        Change::PutInlinePolicy {
            holder: Holder::User("bob".into()),
            name: "two".into(),
            document: inline(90),
        },
    );
    assert!(message.contains("AWS allows 2048 per user"), "{message}");
}

#[test]
fn a_group_with_members_is_deleted_only_with_their_removal() {
    let mut model = demo();
    let message = refused(
        &mut model,
        Change::DeleteGroup {
            name: "Developers".into(),
            remove_members: false,
        },
    );
    assert!(message.contains("still has members (alice, bob)"), "{message}");
    ok(
        &mut model,
        Change::DeleteGroup {
            name: "Developers".into(),
            remove_members: true,
        },
    );
    assert!(model.group("Developers").is_none());
    assert!(model.user("alice").unwrap().groups.is_empty());
}

#[test]
fn two_access_keys_and_their_status() {
    let mut model = demo();
    ok(
        &mut model,
        Change::SetAccessKeyStatus {
            user: "build-bot".into(),
            key: 2,
            active: false,
        },
    );
    let keys = &model
        .user("build-bot")
        .unwrap()
        .credentials
        .as_ref()
        .unwrap()
        .access_keys;
    assert!(
        keys.iter()
            .all(|k| k.status == iamscope::model::AccessKeyStatus::Inactive)
    );
    ok(
        &mut model,
        Change::DeleteAccessKey {
            user: "build-bot".into(),
            key: 1,
        },
    );
    let message = refused(
        &mut model,
        Change::DeleteAccessKey {
            user: "build-bot".into(),
            key: 2,
        },
    );
    assert!(message.contains("has no access key 2"), "{message}");
}

#[test]
fn a_user_has_at_most_two_access_keys_and_root_gets_none_new() {
    let mut model = demo();
    let keys = |m: &Model| {
        m.user("build-bot")
            .unwrap()
            .credentials
            .as_ref()
            .unwrap()
            .access_keys
            .len()
    };
    assert_eq!(keys(&model), 2);
    let message = refused(
        &mut model,
        Change::CreateAccessKey {
            user: "build-bot".into(),
        },
    );
    assert!(message.contains("IAM allows 2 per user"), "{message}");
    ok(
        &mut model,
        Change::DeleteAccessKey {
            user: "build-bot".into(),
            key: 1,
        },
    );
    ok(
        &mut model,
        Change::CreateAccessKey {
            user: "build-bot".into(),
        },
    );
    assert_eq!(keys(&model), 2);
    let new = &model
        .user("build-bot")
        .unwrap()
        .credentials
        .as_ref()
        .unwrap()
        .access_keys[1];
    assert!(new.id.as_deref().unwrap().starts_with("AKIA") && new.status == iamscope::model::AccessKeyStatus::Active);
    let message = refused(
        &mut model,
        Change::CreateAccessKey {
            user: iamscope::model::change::ROOT.into(),
        },
    );
    assert!(message.contains("root access keys"), "{message}");
    let message = refused(
        &mut model,
        Change::DeleteAccessKey {
            user: iamscope::model::change::ROOT.into(),
            key: 1,
        },
    );
    assert!(message.contains("the root user has no access key 1"), "{message}");
}

#[test]
fn cloning_a_user_copies_groups_and_attached_policies() {
    let mut model = demo();
    ok(
        &mut model,
        Change::CloneUser {
            source: "build-bot".into(),
            name: "build-bot-2".into(),
        },
    );
    let clone = model.user("build-bot-2").unwrap();
    let source = model.user("build-bot").unwrap();
    assert_eq!(clone.groups, source.groups);
    assert_eq!(clone.attached_policies, source.attached_policies);
    assert!(clone.inline_policies.is_empty());
    ok(
        &mut model,
        Change::CloneUser {
            source: "alice".into(),
            name: "alice-2".into(),
        },
    );
    assert_eq!(model.user("alice-2").unwrap().groups, ["Developers"]);
}

#[test]
fn role_templates_give_the_trust_policies_they_name() {
    let mut model = demo();
    ok(
        &mut model,
        Change::CreateRole {
            name: "AppServer".into(),
            path: "/".into(),
            template: RoleTemplate::Ec2,
        },
    );
    let role = model.role("AppServer").unwrap();
    assert!(role.trust_policy.as_ref().unwrap().text().contains("ec2.amazonaws.com"));
    assert_eq!(
        role.instance_profiles.len(),
        1,
        "an EC2 role comes with its instance profile"
    );
    ok(
        &mut model,
        Change::CreateRole {
            name: "Guests".into(),
            path: "/".into(),
            template: RoleTemplate::IdentityPool {
                pool: "eu-west-1:1111".into(),
                authenticated: false,
            },
        },
    );
    let text = model
        .role("Guests")
        .unwrap()
        .trust_policy
        .as_ref()
        .unwrap()
        .text()
        .to_owned();
    assert!(
        text.contains("AssumeRoleWithWebIdentity") && text.contains("unauthenticated"),
        "{text}"
    );
    let message = refused(
        &mut model,
        Change::DeleteRole {
            name: "AWSServiceRoleForSupport".into(),
        },
    );
    assert!(message.contains("service-linked"), "{message}");
}

#[test]
fn a_boundary_belongs_to_users_and_roles_only() {
    let mut model = demo();
    let arn = "arn:aws:iam::111122223333:policy/ContractorBoundary";
    let message = refused(
        &mut model,
        Change::SetPermissionsBoundary {
            holder: Holder::Group("Admins".into()),
            arn: arn.into(),
        },
    );
    assert!(message.contains("only users and roles"), "{message}");
    ok(
        &mut model,
        Change::SetPermissionsBoundary {
            holder: Holder::User("bob".into()),
            arn: arn.into(),
        },
    );
    ok(
        &mut model,
        Change::ClearPermissionsBoundary {
            holder: Holder::User("carol".into()),
        },
    );
    assert!(model.user("carol").unwrap().permissions_boundary.is_none());
}

/// A mixed session: every kind of change, then undo back to the start and
/// redo forward to the end, comparing whole accounts each way.
fn session() -> Vec<Change> {
    vec![
        Change::CreateUser {
            name: "eve".into(),
            path: "/".into(),
        },
        Change::AddUserToGroup {
            user: "eve".into(),
            group: "Developers".into(),
        },
        Change::RenameUser {
            name: "bob".into(),
            new_name: "robert".into(),
        },
        Change::CreateGroup {
            name: "Auditors".into(),
            path: "/".into(),
        },
        Change::RenameGroup {
            name: "Developers".into(),
            new_name: "Engineers".into(),
        },
        Change::AttachPolicy {
            holder: Holder::Group("Auditors".into()),
            arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess".into(),
        },
        Change::CreatePolicy {
            name: "Extra".into(),
            path: "/".into(),
            document: DOC.into(),
        },
        Change::AttachPolicy {
            holder: Holder::Role("WebServerRole".into()),
            arn: "arn:aws:iam::111122223333:policy/Extra".into(),
        },
        Change::CreatePolicyVersion {
            arn: "arn:aws:iam::111122223333:policy/DevelopersS3Read".into(),
            document: DOC.into(),
        },
        Change::SetDefaultPolicyVersion {
            arn: "arn:aws:iam::111122223333:policy/DevelopersS3Read".into(),
            version: "v1".into(),
        },
        Change::PutInlinePolicy {
            holder: Holder::User("eve".into()),
            name: "own".into(),
            document: DOC.into(),
        },
        Change::UpdateTrustPolicy {
            role: "DeployRole".into(),
            document: DOC.replace("s3:GetObject", "sts:AssumeRole").replace(
                r#""Resource": "arn:aws:s3:::photos/*""#,
                r#""Principal": {"AWS": "arn:aws:iam::111122223333:user/robert"}"#,
            ),
        },
        Change::PutResourcePolicy {
            resource_arn: "arn:aws:s3:::photos".into(),
            document: DOC.replace(r#""Effect": "Allow""#, r#""Effect": "Allow", "Principal": "*""#),
        },
        Change::PutResourcePolicy {
            resource_arn: "arn:aws:s3:::new-bucket".into(),
            document: DOC.replace(r#""Effect": "Allow""#, r#""Effect": "Allow", "Principal": "*""#),
        },
        Change::UpdateOrgPolicy {
            kind: OrgKind::Scp,
            name: "RegionGuard".into(),
            document: DOC.replace("Allow", "Deny"),
        },
        Change::SetAccessKeyStatus {
            user: "ana".into(),
            key: 1,
            active: false,
        },
        Change::CloneUser {
            source: "ana".into(),
            name: "ana-2".into(),
        },
        Change::SetPermissionsBoundary {
            holder: Holder::Role("DeployRole".into()),
            arn: "arn:aws:iam::111122223333:policy/ContractorBoundary".into(),
        },
        Change::CreateRole {
            name: "Fn".into(),
            path: "/service-role/".into(),
            template: RoleTemplate::Lambda,
        },
        Change::DeleteUser { name: "dave".into() },
        Change::DeleteRole {
            name: "OrdersFunctionRole".into(),
        },
        Change::DeletePolicy {
            arn: "arn:aws:iam::111122223333:policy/BuildArtifactsWrite".into(),
        },
        Change::DeleteGroup {
            name: "Engineers".into(),
            remove_members: true,
        },
        Change::DeleteAccessKey {
            user: "build-bot".into(),
            key: 1,
        },
    ]
}

#[test]
fn undo_and_redo_over_mixed_edits_restore_the_exact_account() {
    let mut model = demo();
    let start = model.account().clone();
    let mut history = History::default();
    let mut states = vec![start.clone()];
    for change in session() {
        history
            .apply(&mut model, change.clone(), now())
            .unwrap_or_else(|e| panic!("{change:?}: {e}"));
        states.push(model.account().clone());
    }
    for expected in states.iter().rev().skip(1) {
        history.undo(&mut model).unwrap();
        assert_eq!(model.account(), expected);
    }
    assert_eq!(model.account(), &start);
    assert!(history.undo(&mut model).is_none());
    for expected in states.iter().skip(1) {
        history.redo(&mut model, now()).unwrap().unwrap();
        assert_eq!(model.account(), expected);
    }
    assert!(!history.can_redo());
}

#[test]
fn a_new_change_forgets_what_could_be_redone() {
    let mut model = demo();
    let mut history = History::default();
    history
        .apply(
            &mut model,
            Change::CreateUser {
                name: "eve".into(),
                path: "/".into(),
            },
            now(),
        )
        .unwrap();
    history.undo(&mut model);
    assert!(history.can_redo());
    history
        .apply(
            &mut model,
            Change::CreateUser {
                name: "frank".into(),
                path: "/".into(),
            },
            now(),
        )
        .unwrap();
    assert!(!history.can_redo());
}

#[test]
fn the_sessions_changes_as_a_shell_script() {
    let mut model = demo();
    let mut history = History::default();
    for change in session() {
        history.apply(&mut model, change, now()).unwrap();
    }
    insta::assert_snapshot!(iamscope::io::script::script(
        &iamscope::io::change_log::logged(&history),
        model.account()
    ));
}

mod random {
    use proptest::prelude::*;

    use super::*;

    fn change() -> impl Strategy<Value = Change> {
        let users = prop::sample::select(vec!["alice", "bob", "carol", "eve", "ana"]);
        let groups = prop::sample::select(vec!["Admins", "Developers", "Ops"]);
        let policies = prop::sample::select(vec![
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::111122223333:policy/DevelopersS3Read",
            "arn:aws:iam::111122223333:policy/ContractorBoundary",
        ]);
        prop_oneof![
            users.clone().prop_map(|u| Change::CreateUser {
                name: u.into(),
                path: "/".into()
            }),
            users.clone().prop_map(|u| Change::DeleteUser { name: u.into() }),
            groups.clone().prop_map(|g| Change::CreateGroup {
                name: g.into(),
                path: "/".into()
            }),
            (groups.clone(), any::<bool>()).prop_map(|(g, r)| Change::DeleteGroup {
                name: g.into(),
                remove_members: r
            }),
            (users.clone(), groups.clone()).prop_map(|(u, g)| Change::AddUserToGroup {
                user: u.into(),
                group: g.into()
            }),
            (users.clone(), groups.clone()).prop_map(|(u, g)| Change::RemoveUserFromGroup {
                user: u.into(),
                group: g.into()
            }),
            (users.clone(), policies.clone()).prop_map(|(u, p)| Change::AttachPolicy {
                holder: Holder::User(u.into()),
                arn: p.into()
            }),
            (groups.clone(), policies.clone()).prop_map(|(g, p)| Change::DetachPolicy {
                holder: Holder::Group(g.into()),
                arn: p.into()
            }),
            (users.clone(), policies.clone()).prop_map(|(u, p)| Change::SetPermissionsBoundary {
                holder: Holder::User(u.into()),
                arn: p.into()
            }),
            policies.clone().prop_map(|p| Change::CreatePolicyVersion {
                arn: p.into(),
                document: DOC.into()
            }),
            policies.prop_map(|p| Change::DeletePolicy { arn: p.into() }),
            (users.clone(), users).prop_map(|(a, b)| Change::CloneUser {
                source: a.into(),
                name: format!("{b}-copy")
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Whatever sequence of edits (refused ones included), undoing all
        /// that were applied gives back the account exactly.
        #[test]
        fn undoing_every_applied_change_restores_the_account(changes in prop::collection::vec(change(), 1..12)) {
            let mut model = demo();
            let start = model.account().clone();
            let mut history = History::default();
            for change in changes {
                let _ = history.apply(&mut model, change, now());
            }
            while history.undo(&mut model).is_some() {}
            prop_assert!(model.account() == &start);
        }
    }
}

/// IAM DeletePolicy: a managed policy must be detached from every identity
/// and no longer be a permissions boundary before it can be deleted; the
/// delete does both first, including on a user that has it both ways.
#[test]
fn deleting_a_policy_detaches_it_and_clears_it_as_a_boundary_everywhere() {
    let mut model = demo();
    let arn = "arn:aws:iam::111122223333:policy/ContractorBoundary";
    ok(
        &mut model,
        Change::AttachPolicy {
            holder: Holder::User("carol".into()),
            arn: arn.into(),
        },
    );
    let carol = model.user("carol").unwrap();
    assert!(carol.permissions_boundary.is_some() && carol.attached_policies.iter().any(|p| p.arn == arn));
    let mut history = History::default();
    history
        .apply(&mut model, Change::DeletePolicy { arn: arn.into() }, now())
        .unwrap();
    let carol = model.user("carol").unwrap();
    assert!(carol.permissions_boundary.is_none(), "the boundary is cleared too");
    assert!(!carol.attached_policies.iter().any(|p| p.arn == arn));
    assert!(model.policy(arn).is_none());
    let commands = &iamscope::io::script::command_lines(&history.done()[0].steps);
    assert!(
        commands.iter().any(|c| c.contains("detach-user-policy")),
        "{commands:?}"
    );
    assert!(
        commands.iter().any(|c| c.contains("delete-user-permissions-boundary")),
        "{commands:?}"
    );
}

/// The impact preview asks only requests AWS could receive: every action it
/// compares goes with a resource of a type that action takes (Service
/// Authorization Reference), never `dynamodb:DescribeTable` on a bucket.
#[test]
fn the_impact_preview_asks_only_requests_aws_could_receive() {
    let model = demo();
    let change = Change::AttachPolicy {
        holder: Holder::User("bob".into()),
        arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
    };
    let impact = iamscope::analysis::impact::impact(&model, &change, now()).expect("the change is allowed");
    assert!(!impact.flips.is_empty(), "read-only access flips some of bob's reads");
    // well-known services are asked about first, not the first services A to Z
    assert!(
        impact.flips.iter().any(|f| f.action.starts_with("iam:")),
        "{:?}",
        impact.flips.first()
    );
    for flip in &impact.flips {
        let warnings = iamscope::eval::warnings::action_resource_warnings(
            iamscope::catalog::catalog(),
            &flip.action,
            &flip.resource,
        );
        assert!(warnings.is_empty(), "{}: {warnings:?}", flip.line());
    }
}
