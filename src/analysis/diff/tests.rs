//! Diffs of the demo account against copies changed as the explorer changes
//! them, read as the IAM rules they show.

use super::*;
use crate::analysis::reach::DEFAULT_MAX_DEPTH;
use crate::model::Holder;
use crate::model::change::{Change, apply};

fn now() -> Timestamp {
    "2026-11-01T12:00:00Z".parse().unwrap()
}

fn options() -> DiffOptions {
    DiffOptions {
        context: Context::new(),
        now: now(),
        max_depth: DEFAULT_MAX_DEPTH,
        escalation: true,
    }
}

fn demo() -> Model {
    crate::io::load(&[], None).unwrap().model
}

fn changed(changes: &[Change]) -> (Model, Model) {
    let old = demo();
    let mut new = old.clone();
    for change in changes {
        apply(&mut new, change, now()).unwrap_or_else(|e| panic!("{change:?}: {e}"));
    }
    (old, new)
}

fn permission<'d>(diff: &'d Diff, principal: &str) -> Option<&'d PermissionChange> {
    diff.permissions.iter().find(|p| p.principal == principal)
}

#[test]
fn the_same_account_has_no_changes_and_nothing_is_recomputed() {
    let old = demo();
    let d = diff(&old, &old.clone(), &options());
    assert!(d.is_empty(), "{d:#?}");
    assert_eq!(d.recomputed, 0);
    assert!(!d.has_gain() && !d.has_escalation() && !d.has_public());
}

#[test]
fn joining_the_admins_group_gains_every_iam_action_and_makes_an_administrator() {
    let (old, new) = changed(&[Change::AddUserToGroup {
        user: "alice".into(),
        group: "Admins".into(),
    }]);
    let d = diff(&old, &new, &options());
    let alice = permission(&d, "user/alice").expect("alice's permissions changed");
    assert_eq!(alice.why, ["joined group Admins"]);
    let iam = alice
        .levels
        .iter()
        .find(|l| l.service == "iam" && l.level == "permissions-management")
        .expect("iam Permissions management changed");
    assert_eq!(iam.before, Access::None);
    assert_eq!(iam.after, Access::Full);
    assert!(iam.gained.contains(&"iam:AttachUserPolicy".to_owned()));
    assert!(iam.lost.is_empty());
    let flip = &iam.flips[0];
    assert_eq!((flip.before, flip.after), (Decision::ImplicitDeny, Decision::Allow));
    assert_eq!(d.escalation.new_administrators, ["user/alice"]);
    assert!(d.has_gain() && d.has_escalation());
    // only alice's inputs changed: nobody else is recomputed
    assert_eq!(d.recomputed, 1);
    assert!(d.permissions.iter().all(|p| p.principal == "user/alice"));
}

#[test]
fn a_changed_group_policy_reaches_every_member_for_its_services_only() {
    let arn = "arn:aws:iam::111122223333:policy/DevelopersS3Read";
    let document = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "ReadPhotos", "Effect": "Allow",
        "Action": ["s3:Get*", "s3:List*", "s3:DeleteObject"], "Resource": ["arn:aws:s3:::photos", "arn:aws:s3:::photos/*"]}]}"#;
    let (old, new) = changed(&[Change::CreatePolicyVersion {
        arn: arn.into(),
        document: document.into(),
    }]);
    let affected = inputs::affected(&old, &new);
    let (_, delta) = &affected.changed["user/alice"];
    assert_eq!(delta.why, ["group Developers: managed policy DevelopersS3Read changed"]);
    assert_eq!(delta.services, Services::Only(BTreeSet::from(["s3".to_owned()])));
    let d = diff(&old, &new, &options());
    let names: Vec<&str> = d.permissions.iter().map(|p| p.principal.as_str()).collect();
    // the demo's SAML role CorpDevelopers has the policy attached too
    assert_eq!(names, ["role/CorpDevelopers", "user/alice", "user/bob"]);
    for p in &d.permissions {
        let gained: Vec<&String> = p.levels.iter().flat_map(|l| &l.gained).collect();
        assert_eq!(gained, ["s3:DeleteObject"], "{}", p.principal);
    }
    assert!(!d.has_escalation());
    assert_eq!(
        d.escalation.searched, 0,
        "no changed statement names an action of an escalation path: nobody is searched"
    );
}

#[test]
fn detaching_a_policy_is_a_loss_not_a_gain() {
    let (old, new) = changed(&[Change::DetachPolicy {
        holder: Holder::Group("Developers".into()),
        arn: "arn:aws:iam::111122223333:policy/DevelopersDynamoDB".into(),
    }]);
    let d = diff(&old, &new, &options());
    let alice = permission(&d, "user/alice").unwrap();
    assert!(alice.lost() > 0 && alice.gained() == 0, "{alice:#?}");
    assert!(alice.levels.iter().all(|l| l.service == "dynamodb"));
    let flip = alice.levels[0]
        .flips
        .iter()
        .find(|f| f.before == Decision::Allow)
        .unwrap();
    assert_eq!(flip.after, Decision::ImplicitDeny);
    assert!(!d.has_gain());
}

#[test]
fn a_trust_policy_that_trusts_another_account_is_a_cross_account_grant() {
    let document = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"}, "Action": "sts:AssumeRole"}]}"#;
    let (old, new) = changed(&[Change::UpdateTrustPolicy {
        role: "DeployRole".into(),
        document: document.into(),
    }]);
    let d = diff(&old, &new, &options());
    let trust = d.trust.iter().find(|t| t.role == "role/DeployRole").unwrap();
    assert!(
        trust
            .trusts_now
            .contains(&"AWS arn:aws:iam::444455556666:root".to_owned())
    );
    assert!(trust.can_now_assume.contains(&"user/bob".to_owned()), "{trust:#?}");
    let grant = d
        .new_grants
        .iter()
        .find(|g| g.kind == GrantKind::CrossAccount)
        .expect("a new cross-account grant");
    assert_eq!(grant.principal, "arn:aws:iam::444455556666:root");
    assert!(d.has_gain());
    assert!(!d.has_public());
}

#[test]
fn a_bucket_made_public_is_a_public_grant_and_its_requests_flip() {
    let document = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::build-artifacts/*"}]}"#;
    let (old, new) = changed(&[Change::PutResourcePolicy {
        resource_arn: "arn:aws:s3:::build-artifacts".into(),
        document: document.into(),
    }]);
    let d = diff(&old, &new, &options());
    assert!(d.has_public(), "{:#?}", d.new_grants);
    assert!(d.requests_checked > 0);
    let carol = d
        .request_flips
        .iter()
        .find(|f| f.action == "s3:GetObject" && f.after == Decision::Allow)
        .expect("someone may now read the objects");
    assert_ne!(carol.before, Decision::Allow);
}

#[test]
fn credentials_a_new_access_key_and_mfa_removed() {
    let (old, mut new) = changed(&[Change::CreateAccessKey { user: "bob".into() }]);
    new.edit(|a| {
        if let Some(ana) = a.users.iter_mut().find(|u| u.name == "ana") {
            let credentials = ana.credentials.get_or_insert_with(Default::default);
            credentials.mfa_active = false;
        }
    });
    let mut old = old;
    old.edit(|a| {
        if let Some(ana) = a.users.iter_mut().find(|u| u.name == "ana") {
            let credentials = ana.credentials.get_or_insert_with(Default::default);
            credentials.mfa_active = true;
        }
    });
    let d = diff(&old, &new, &options());
    let said: Vec<(String, String)> = d
        .credentials
        .iter()
        .map(|c| (c.principal.clone(), c.event.describe()))
        .collect();
    assert!(
        said.contains(&("user/ana".to_owned(), "MFA removed".to_owned())),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|(p, e)| p == "user/bob" && e.starts_with("new access key")),
        "{said:?}"
    );
}

#[test]
fn a_new_escalation_path_is_found_for_the_principal_that_gained_it() {
    // bob may now write new versions of a policy attached to his own group
    let document = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["iam:CreatePolicyVersion"], "Resource": "arn:aws:iam::111122223333:policy/DevelopersDynamoDB"}]}"#;
    let (old, new) = changed(&[Change::PutInlinePolicy {
        holder: Holder::User("bob".into()),
        name: "SelfService".into(),
        document: document.into(),
    }]);
    let d = diff(&old, &new, &options());
    let path = d
        .escalation
        .added
        .iter()
        .find(|p| p.principal == "user/bob")
        .unwrap_or_else(|| panic!("{:#?}", d.escalation));
    assert_eq!(path.pattern, "create-policy-version");
    assert!(d.escalation.removed.is_empty());
    assert!(d.has_escalation());
    assert_eq!(
        permission(&d, "user/bob").unwrap().why,
        ["inline policy SelfService added"]
    );
}

#[test]
fn a_new_user_gains_what_it_can_do_and_a_removed_one_is_listed() {
    let (old, new) = changed(&[
        Change::CloneUser {
            source: "ana".into(),
            name: "ana2".into(),
        },
        Change::DeleteUser { name: "dave".into() },
    ]);
    let d = diff(&old, &new, &options());
    assert_eq!(d.added_principals, ["user/ana2"]);
    assert_eq!(d.removed_principals, ["user/dave"]);
    let ana2 = permission(&d, "user/ana2").unwrap();
    assert_eq!(ana2.why, ["new principal"]);
    assert!(ana2.gained() > 1000, "an administrator gains every action");
    assert!(d.escalation.new_administrators.contains(&"user/ana2".to_owned()));
}

#[test]
fn whoever_can_now_assume_an_administrator_role_has_a_new_path_to_it() {
    let document = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"}, "Action": "sts:AssumeRole"}]}"#;
    let (old, new) = changed(&[
        Change::AttachPolicy {
            holder: Holder::Role("WebServerRole".into()),
            arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
        },
        Change::UpdateTrustPolicy {
            role: "WebServerRole".into(),
            document: document.into(),
        },
    ]);
    // bob's own policies are unchanged: he is not searched, yet the path is found
    let d = diff(&old, &new, &options());
    let trust = d.trust.iter().find(|t| t.role == "role/WebServerRole").unwrap();
    assert!(trust.administrator);
    assert_eq!(trust.can_now_assume, ["user/bob"]);
    assert!(
        d.escalation
            .added
            .iter()
            .any(|p| p.principal == "user/bob" && p.pattern == "assume-role-chain" && p.target == "role/WebServerRole"),
        "{:#?}",
        d.escalation
    );
    assert!(
        d.escalation
            .new_administrators
            .contains(&"role/WebServerRole".to_owned())
    );
}
