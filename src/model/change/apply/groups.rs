//! Groups and their members: create, delete, rename; add and remove users.

use jiff::Timestamp;

use super::*;
use crate::model::Arn;
use crate::model::change::record::{Kind, Recorder};
use crate::model::change::rules::*;
use crate::model::entities::*;

pub(super) fn create_group(rec: &mut Recorder<'_>, name: &str, path: &str, now: Timestamp) -> Result<(), Refusal> {
    let partition = rec.account.partition.clone();
    let account_id = rec.account.id.clone();
    check_name("group", name, quota::GROUP_NAME)?;
    check_path(path)?;
    if taken(rec.account.groups.iter().map(|g| g.name.clone()), name) {
        return refuse(format!("a group named {name} exists already"));
    }
    rec.account.groups.push(Group {
        name: name.to_owned(),
        id: next_id("AGPA", &format!("{account_id}/{name}")),
        arn: Arn::iam(&partition, &account_id, "group", path, name),
        path: path.to_owned(),
        created: Some(now),
        attached_policies: Vec::new(),
        inline_policies: Vec::new(),
        extra: Extra::new(),
    });
    let index = rec.account.groups.len() - 1;
    rec.added(Kind::Group, index);
    rec.call("iam", "CreateGroup", &[("GroupName", name), ("Path", path)]);
    Ok(())
}

pub(super) fn delete_group(rec: &mut Recorder<'_>, name: &str, remove_members: &bool) -> Result<(), Refusal> {
    let g = group_index(rec.account, name)?;
    let members: Vec<usize> = (0..rec.account.users.len())
        .filter(|&u| rec.account.users[u].groups.iter().any(|x| x == name))
        .collect();
    if !members.is_empty() && !remove_members {
        let names: Vec<&str> = members.iter().map(|&u| rec.account.users[u].name.as_str()).collect();
        return refuse(format!(
            "group {name} still has members ({}); AWS deletes only empty groups — remove them first, or delete with their removal",
            names.join(", ")
        ));
    }
    for u in members {
        rec.touch(Kind::User, u);
        let user = &mut rec.account.users[u];
        user.groups.retain(|x| x != name);
        let user_name = user.name.clone();
        rec.call(
            "iam",
            "RemoveUserFromGroup",
            &[("UserName", &user_name), ("GroupName", name)],
        );
    }
    let group = rec.account.groups[g].clone();
    for p in &group.attached_policies {
        rec.call(
            "iam",
            "DetachGroupPolicy",
            &[("GroupName", name), ("PolicyArn", &p.arn)],
        );
    }
    for p in &group.inline_policies {
        rec.call(
            "iam",
            "DeleteGroupPolicy",
            &[("GroupName", name), ("PolicyName", &p.name)],
        );
    }
    rec.deleted(Kind::Group, g);
    rec.call("iam", "DeleteGroup", &[("GroupName", name)]);
    Ok(())
}

pub(super) fn rename_group(rec: &mut Recorder<'_>, name: &str, new_name: &str) -> Result<(), Refusal> {
    let partition = rec.account.partition.clone();
    let account_id = rec.account.id.clone();
    check_name("group", new_name, quota::GROUP_NAME)?;
    let g = group_index(rec.account, name)?;
    if !name.eq_ignore_ascii_case(new_name) && taken(rec.account.groups.iter().map(|g| g.name.clone()), new_name) {
        return refuse(format!("a group named {new_name} exists already"));
    }
    rec.touch(Kind::Group, g);
    let group = &mut rec.account.groups[g];
    group.arn = Arn::iam(&partition, &account_id, "group", &group.path, new_name);
    group.name = new_name.to_owned();
    for u in 0..rec.account.users.len() {
        if rec.account.users[u].groups.iter().any(|x| x == name) {
            rec.touch(Kind::User, u);
            for x in &mut rec.account.users[u].groups {
                if x == name {
                    *x = new_name.to_owned();
                }
            }
        }
    }
    rec.call("iam", "UpdateGroup", &[("GroupName", name), ("NewGroupName", new_name)]);
    Ok(())
}

pub(super) fn add_user_to_group(rec: &mut Recorder<'_>, user: &str, group: &str) -> Result<(), Refusal> {
    let u = user_index(rec.account, user)?;
    group_index(rec.account, group)?;
    let groups = &rec.account.users[u].groups;
    if groups.iter().any(|g| g == group) {
        return refuse(format!("user {user} is already in group {group}"));
    }
    if groups.len() >= quota::GROUPS_PER_USER {
        return refuse(format!(
            "user {user} is in {} groups already; IAM allows at most {} per user",
            groups.len(),
            quota::GROUPS_PER_USER
        ));
    }
    rec.touch(Kind::User, u);
    rec.account.users[u].groups.push(group.to_owned());
    rec.call("iam", "AddUserToGroup", &[("UserName", user), ("GroupName", group)]);
    Ok(())
}

pub(super) fn remove_user_from_group(rec: &mut Recorder<'_>, user: &str, group: &str) -> Result<(), Refusal> {
    let u = user_index(rec.account, user)?;
    if !rec.account.users[u].groups.iter().any(|g| g == group) {
        return refuse(format!("user {user} is not in group {group}"));
    }
    rec.touch(Kind::User, u);
    rec.account.users[u].groups.retain(|g| g != group);
    rec.call(
        "iam",
        "RemoveUserFromGroup",
        &[("UserName", user), ("GroupName", group)],
    );
    Ok(())
}
