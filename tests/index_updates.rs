//! The model's index follows every change in place instead of being rebuilt:
//! after any sequence of edits, undos and redos (refused ones included) it
//! equals an index built afresh from the account, and undoing everything
//! gives back the account that was loaded.

use iamscope::io::synthetic::{self, Shape, Sizes};
use iamscope::model::change::{Change, History, OrgKind, RoleTemplate};
use iamscope::model::{Holder, Index, Model};
use proptest::prelude::*;

fn now() -> jiff::Timestamp {
    "2026-11-01T00:00:00Z".parse().unwrap()
}

fn demo() -> Model {
    iamscope::io::load(&[], None).unwrap().model
}

fn generated() -> Model {
    let sizes = Sizes {
        users: 12,
        roles: 8,
        groups: 4,
        policies: 6,
        seed: 5,
        shape: Shape::Realistic,
    };
    iamscope::io::load_bytes("small.json", &synthetic::bytes(&sizes))
        .unwrap()
        .model
}

const DOC: &str =
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
const TRUST: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
/// An AWS managed policy the demo's export lacks: attaching it brings it in
/// from the built-in library (a policy added to the account).
const LIBRARY: &str = "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess";

/// One step of a session, with entities chosen by position in whatever the
/// account holds at that moment.
#[derive(Debug, Clone)]
enum Op {
    CreateUser(u8),
    DeleteUser(u8),
    RenameUser(u8, u8),
    CloneUser(u8, u8),
    CreateGroup(u8),
    DeleteGroup(u8),
    RenameGroup(u8, u8),
    Join(u8, u8),
    Leave(u8, u8),
    CreateRole(u8),
    DeleteRole(u8),
    Attach(u8, u8, u8),
    Detach(u8, u8, u8),
    Boundary(u8, u8, u8),
    ClearBoundary(u8, u8),
    PutInline(u8, u8),
    DeleteInline(u8, u8),
    CreatePolicy(u8),
    NewVersion(u8),
    DeletePolicy(u8),
    Trust(u8),
    ResourcePolicy(u8),
    Scp,
    AccessKey(u8),
    Undo,
    Redo,
}

fn op() -> impl Strategy<Value = Op> {
    let n = || any::<u8>();
    prop_oneof![
        n().prop_map(Op::CreateUser),
        n().prop_map(Op::DeleteUser),
        (n(), n()).prop_map(|(a, b)| Op::RenameUser(a, b)),
        (n(), n()).prop_map(|(a, b)| Op::CloneUser(a, b)),
        n().prop_map(Op::CreateGroup),
        n().prop_map(Op::DeleteGroup),
        (n(), n()).prop_map(|(a, b)| Op::RenameGroup(a, b)),
        (n(), n()).prop_map(|(a, b)| Op::Join(a, b)),
        (n(), n()).prop_map(|(a, b)| Op::Leave(a, b)),
        n().prop_map(Op::CreateRole),
        n().prop_map(Op::DeleteRole),
        (n(), n(), n()).prop_map(|(a, b, c)| Op::Attach(a, b, c)),
        (n(), n(), n()).prop_map(|(a, b, c)| Op::Detach(a, b, c)),
        (n(), n(), n()).prop_map(|(a, b, c)| Op::Boundary(a, b, c)),
        (n(), n()).prop_map(|(a, b)| Op::ClearBoundary(a, b)),
        (n(), n()).prop_map(|(a, b)| Op::PutInline(a, b)),
        (n(), n()).prop_map(|(a, b)| Op::DeleteInline(a, b)),
        n().prop_map(Op::CreatePolicy),
        n().prop_map(Op::NewVersion),
        n().prop_map(Op::DeletePolicy),
        n().prop_map(Op::Trust),
        n().prop_map(Op::ResourcePolicy),
        Just(Op::Scp),
        n().prop_map(Op::AccessKey),
        Just(Op::Undo),
        Just(Op::Undo),
        Just(Op::Redo),
    ]
}

fn pick<T>(items: &[T], i: u8) -> Option<&T> {
    (!items.is_empty()).then(|| &items[i as usize % items.len()])
}

/// A user, group or role by position (`kind` picks which).
fn holder(model: &Model, kind: u8, i: u8) -> Option<Holder> {
    let a = model.account();
    match kind % 3 {
        0 => pick(&a.users, i).map(|u| Holder::User(u.name.clone())),
        1 => pick(&a.groups, i).map(|g| Holder::Group(g.name.clone())),
        _ => pick(&a.roles, i).map(|r| Holder::Role(r.name.clone())),
    }
}

fn policy_arn(model: &Model, i: u8) -> String {
    // Now and then a policy the account lacks, or one named in an attachment
    // that resolves to nothing.
    match i % 11 {
        0 => LIBRARY.to_owned(),
        1 => "arn:aws:iam::111122223333:policy/p3".to_owned(),
        _ => pick(&model.account().policies, i).map_or_else(|| LIBRARY.to_owned(), |p| p.arn.to_string()),
    }
}

fn change(model: &Model, op: &Op) -> Option<Change> {
    let a = model.account();
    let user = |i: u8| pick(&a.users, i).map(|u| u.name.clone());
    let group = |i: u8| pick(&a.groups, i).map(|g| g.name.clone());
    let role = |i: u8| pick(&a.roles, i).map(|r| r.name.clone());
    let policy = |i: u8| pick(&a.policies, i).map(|p| p.arn.to_string());
    Some(match *op {
        Op::CreateUser(n) => Change::CreateUser {
            name: format!("u{}", n % 8),
            path: "/".into(),
        },
        Op::DeleteUser(i) => Change::DeleteUser { name: user(i)? },
        Op::RenameUser(i, n) => Change::RenameUser {
            name: user(i)?,
            new_name: format!("u{}", n % 8),
        },
        Op::CloneUser(i, n) => Change::CloneUser {
            source: user(i)?,
            name: format!("u{}", n % 8),
        },
        // Named like groups users of the generated account list but the
        // account lacks, now and then.
        Op::CreateGroup(n) => Change::CreateGroup {
            name: format!("g{}", n % 6),
            path: "/".into(),
        },
        Op::DeleteGroup(i) => Change::DeleteGroup {
            name: group(i)?,
            remove_members: i % 2 == 0,
        },
        Op::RenameGroup(i, n) => Change::RenameGroup {
            name: group(i)?,
            new_name: format!("g{}", n % 6),
        },
        Op::Join(u, g) => Change::AddUserToGroup {
            user: user(u)?,
            group: group(g)?,
        },
        Op::Leave(u, g) => {
            let user = pick(&a.users, u)?;
            Change::RemoveUserFromGroup {
                user: user.name.clone(),
                group: pick(&user.groups, g)?.clone(),
            }
        }
        Op::CreateRole(n) => Change::CreateRole {
            name: format!("r{}", n % 6),
            path: "/".into(),
            template: if n % 2 == 0 {
                RoleTemplate::Ec2
            } else {
                RoleTemplate::Lambda
            },
        },
        Op::DeleteRole(i) => Change::DeleteRole { name: role(i)? },
        Op::Attach(k, i, p) => Change::AttachPolicy {
            holder: holder(model, k, i)?,
            arn: policy_arn(model, p),
        },
        Op::Detach(k, i, p) => {
            let holder = holder(model, k, i)?;
            let attached = match &holder {
                Holder::User(n) => &model.user(n)?.attached_policies,
                Holder::Group(n) => &model.group(n)?.attached_policies,
                Holder::Role(n) => &model.role(n)?.attached_policies,
            };
            Change::DetachPolicy {
                arn: pick(attached, p)?.arn.clone(),
                holder,
            }
        }
        Op::Boundary(k, i, p) => Change::SetPermissionsBoundary {
            holder: holder(model, k, i)?,
            arn: policy_arn(model, p),
        },
        Op::ClearBoundary(k, i) => Change::ClearPermissionsBoundary {
            holder: holder(model, k, i)?,
        },
        Op::PutInline(k, i) => Change::PutInlinePolicy {
            holder: holder(model, k, i)?,
            name: format!("inline{}", i % 2),
            document: DOC.into(),
        },
        Op::DeleteInline(k, i) => Change::DeleteInlinePolicy {
            holder: holder(model, k, i)?,
            name: format!("inline{}", i % 2),
        },
        Op::CreatePolicy(n) => Change::CreatePolicy {
            name: format!("p{}", n % 5),
            path: "/".into(),
            document: DOC.into(),
        },
        Op::NewVersion(i) => Change::CreatePolicyVersion {
            arn: policy(i)?,
            document: DOC.into(),
        },
        Op::DeletePolicy(i) => Change::DeletePolicy { arn: policy(i)? },
        Op::Trust(i) => Change::UpdateTrustPolicy {
            role: role(i)?,
            document: TRUST.into(),
        },
        Op::ResourcePolicy(i) => Change::PutResourcePolicy {
            resource_arn: match pick(&a.resource_policies, i) {
                Some(p) if i % 2 == 0 => p.resource_arn.clone(),
                _ => format!("arn:aws:sqs:us-east-1:111122223333:queue{}", i % 3),
            },
            document: r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]}"#.into(),
        },
        Op::Scp => Change::UpdateOrgPolicy {
            kind: OrgKind::Scp,
            name: a.service_control_policies.first()?.name.clone(),
            document: DOC.into(),
        },
        Op::AccessKey(i) => Change::CreateAccessKey { user: user(i)? },
        Op::Undo | Op::Redo => return None,
    })
}

fn check_session(mut model: Model, ops: &[Op]) -> Result<(), TestCaseError> {
    let loaded = model.account().clone();
    let mut history = History::default();
    for op in ops {
        let what = format!("{op:?}");
        match op {
            Op::Undo => drop(history.undo(&mut model)),
            Op::Redo => drop(history.redo(&mut model, now())),
            other => {
                if let Some(change) = change(&model, other) {
                    // Refused changes count too: they must leave everything as it was.
                    let _ = history.apply(&mut model, change, now());
                }
            }
        }
        prop_assert!(
            *model.index() == Index::build(model.account()),
            "after {what}, the index differs from a fresh one"
        );
    }
    while history.undo(&mut model).is_some() {}
    prop_assert!(*model.index() == Index::build(model.account()));
    prop_assert!(
        model.account() == &loaded,
        "undoing everything gives back the loaded account"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_index_follows_every_edit_and_undo_on_the_demo(ops in proptest::collection::vec(op(), 1..40)) {
        check_session(demo(), &ops)?;
    }

    #[test]
    fn the_index_follows_every_edit_and_undo_on_a_generated_account(ops in proptest::collection::vec(op(), 1..40)) {
        check_session(generated(), &ops)?;
    }
}

/// An account in which two users share a name (IAM never allows it, and
/// the loader keeps the first of two, but a program can build one) is
/// rebuilt after each change instead, and still right.
#[test]
fn an_account_with_a_shared_name_is_rebuilt_and_still_right() {
    let mut account = demo().into_account();
    let mut twin = account.users[0].clone();
    twin.id = "AIDATWIN".into();
    account.users.insert(1, twin);
    let first = account.users[0].name.clone();
    let mut model = Model::new(account);
    assert!(!model.index().updates_in_place());
    let last = model.account().users.last().unwrap().name.clone();
    let mut history = History::default();
    history
        .apply(&mut model, Change::DeleteUser { name: last.clone() }, now())
        .unwrap();
    assert!(*model.index() == Index::build(model.account()));
    assert_eq!(model.index().user(&first), Some(0));
    history.undo(&mut model).unwrap();
    assert!(*model.index() == Index::build(model.account()));
    assert_eq!(model.index().user(&last), Some(model.account().users.len() - 1));
}
