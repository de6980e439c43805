//! What each editing key does to what it is pressed on: the prompt or
//! picker it asks with, the editor it opens, the change it proposes. And
//! what the answers to those prompts and pickers then do. These are plain
//! functions of the account: the explorer shows what they return.

use super::action::Action;
use super::ask::{Ask, KeyChange, Pick, PickItem, PickValue};
use super::component::Component;
use super::popup::confirm::ConfirmPopup;
use super::popup::picker::PickerPopup;
use super::popup::prompt::PromptPopup;
use super::sections::{Section, Target};
use crate::model::change::{self, Change, OrgKind, RoleTemplate};
use crate::model::{EntityRef, Holder, Model};
use crate::session::EditTarget;

/// What an editing key leads to.
pub enum Step {
    /// A box that asks (its answer comes back as an action).
    Popup(Box<dyn Component>),
    /// Something to do right away (propose a change, open the editor).
    Do(Action),
    /// Why nothing happens.
    Say(String),
}

fn prompt(title: impl Into<String>, ask: Ask) -> Step {
    Step::Popup(Box::new(PromptPopup::new(title, ask)))
}

fn prompt_with(title: impl Into<String>, suggestion: &str, ask: Ask) -> Step {
    Step::Popup(Box::new(PromptPopup::suggesting(title, suggestion, ask)))
}

fn picker(title: impl Into<String>, items: Vec<PickItem>, pick: Pick) -> Step {
    Step::Popup(Box::new(PickerPopup::new(title, items, pick)))
}

fn say(text: impl Into<String>) -> Step {
    Step::Say(text.into())
}

const NEW_MANAGED: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "NewStatement",
            "Effect": "Allow",
            "Action": "service:Action",
            "Resource": "*"
        }
    ]
}"#;

const NEW_INLINE: &str = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n    ]\n}";

/// `e`: the policy of `target` in the editor (at `line` of its document
/// when given), or the question that comes first.
pub fn edit(model: &Model, target: &Target, line: Option<usize>) -> Step {
    // the editor opens where the reader was
    let open = |target: EditTarget, text: &str| {
        Step::Do(Action::OpenEditor {
            target,
            text: text.to_owned(),
            line,
        })
    };
    let Some(entity) = target.entity() else {
        return say("nothing here can be edited: select a policy, a role or a resource policy");
    };
    match entity {
        EntityRef::InlinePolicy { holder, name } => match entity.document(model) {
            Some(d) => open(
                EditTarget::Inline {
                    holder: holder.clone(),
                    name: name.clone(),
                },
                d.text(),
            ),
            None => say("that inline policy is gone"),
        },
        EntityRef::ManagedPolicy { arn, .. } => match model.policy(arn) {
            Some(p) if p.is_aws_managed() => prompt_with(
                format!(
                    "{} is AWS managed and read-only. Copy it as a new customer managed policy named:",
                    p.name
                ),
                &format!("{}Copy", p.name),
                Ask::CopyPolicy { arn: arn.clone() },
            ),
            Some(p) => match p.default_document() {
                Some(d) => open(
                    EditTarget::Managed {
                        arn: arn.clone(),
                        name: p.name.clone(),
                    },
                    d.text(),
                ),
                None => say(format!("{} has no default version to edit", p.name)),
            },
            None => say("that managed policy is gone"),
        },
        EntityRef::Role { name } => picker(
            format!("Edit role {name}:"),
            vec![
                PickItem::new("its trust policy: who may assume the role", PickValue::Trust),
                PickItem::new("a new inline policy: what the role may do", PickValue::NewInline),
            ],
            Pick::EditRole(name.clone()),
        ),
        EntityRef::TrustPolicy { role } => match model.role(role) {
            Some(r) => open(
                EditTarget::Trust { role: role.clone() },
                r.trust_policy.as_ref().map_or("", |d| d.text()),
            ),
            None => say("that role is gone"),
        },
        EntityRef::ResourcePolicy { resource_arn } => match entity.document(model) {
            Some(d) => open(
                EditTarget::Resource {
                    arn: resource_arn.clone(),
                },
                d.text(),
            ),
            None => say("that resource policy is gone"),
        },
        EntityRef::Scp { name, .. } | EntityRef::Rcp { name, .. } => match entity.document(model) {
            Some(d) => open(
                EditTarget::Org {
                    kind: if matches!(entity, EntityRef::Scp { .. }) {
                        OrgKind::Scp
                    } else {
                        OrgKind::Rcp
                    },
                    name: name.clone(),
                },
                d.text(),
            ),
            None => say("that organisation policy is gone"),
        },
        EntityRef::User { .. } | EntityRef::Group { .. } => {
            let Some(holder) = target.holder() else {
                return say("select a user or group");
            };
            prompt(
                format!("New inline policy for {}; its name:", holder.describe()),
                Ask::NewInline(holder),
            )
        }
        _ => say("nothing here can be edited: select a policy, a role or a resource policy"),
    }
}

/// `n`: what the list shown lets one create.
pub fn create(model: &Model, section: Section) -> Step {
    match section {
        Section::Users => prompt("New user's name:", Ask::CreateUser),
        Section::Groups => prompt("New group's name:", Ask::CreateGroup),
        Section::Policies => prompt("New customer managed policy's name:", Ask::CreatePolicy),
        Section::Roles => role_templates(model),
        _ => say("n creates users, groups, roles and policies: switch to one of those lists"),
    }
}

fn role_templates(model: &Model) -> Step {
    let mut items = vec![
        PickItem::new(
            "EC2: an application on EC2 instances (with an instance profile)",
            PickValue::Template(RoleTemplate::Ec2),
        ),
        PickItem::new(
            "Lambda: a function's execution role",
            PickValue::Template(RoleTemplate::Lambda),
        ),
        PickItem::new("Another AWS account…", PickValue::NeedsAccount),
    ];
    for pool in &model.account().identity_pools {
        for authenticated in [true, false] {
            items.push(PickItem::new(
                format!(
                    "Cognito identity pool {}: {}",
                    pool.name,
                    if authenticated { "signed-in users" } else { "guests" }
                ),
                PickValue::Template(RoleTemplate::IdentityPool {
                    pool: pool.id.clone(),
                    authenticated,
                }),
            ));
        }
    }
    items.push(PickItem::new("SAML identity provider…", PickValue::NeedsSamlProvider));
    picker("New role: who may assume it?", items, Pick::RoleTemplate)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `d`: delete what the cursor is on, after asking.
pub fn delete(model: &Model, target: &Target) -> Step {
    let change = match target.entity() {
        Some(EntityRef::User { name }) => Change::DeleteUser { name: name.clone() },
        Some(EntityRef::Role { name }) => Change::DeleteRole { name: name.clone() },
        Some(EntityRef::ManagedPolicy { arn, version: None }) => Change::DeletePolicy { arn: arn.clone() },
        Some(EntityRef::InlinePolicy { holder, name }) => Change::DeleteInlinePolicy {
            holder: holder.clone(),
            name: name.clone(),
        },
        Some(EntityRef::Group { name }) => {
            let members = model.members_of(name).len();
            if members > 0 {
                return picker(
                    format!("Group {name} still has members. AWS deletes only empty groups:"),
                    vec![
                        PickItem::new(
                            format!(
                                "remove its {members} member{} from it, then delete it",
                                if members == 1 { "" } else { "s" }
                            ),
                            PickValue::RemoveMembersAndDelete,
                        ),
                        PickItem::new("keep the group", PickValue::Cancel),
                    ],
                    Pick::DeleteGroup(name.clone()),
                );
            }
            Change::DeleteGroup {
                name: name.clone(),
                remove_members: false,
            }
        }
        _ => return say("d deletes users, groups, roles, managed policies and inline policies"),
    };
    Step::Popup(Box::new(ConfirmPopup::new(
        format!("{}? (y/n)", capitalise(&change::describe(&change))),
        Action::Propose {
            change,
            from_editor: false,
        },
    )))
}

/// `r`: rename a user or a group.
pub fn rename(target: &Target) -> Step {
    match target.entity() {
        Some(EntityRef::User { name }) => {
            prompt_with(format!("Rename user {name} to:"), name, Ask::RenameUser(name.clone()))
        }
        Some(EntityRef::Group { name }) => {
            prompt_with(format!("Rename group {name} to:"), name, Ask::RenameGroup(name.clone()))
        }
        Some(EntityRef::Role { .. }) => say("IAM cannot rename a role: create a new one (n) and delete this one (d)"),
        _ => say("r renames users and groups"),
    }
}

/// `C`: clone a user.
pub fn clone_user(target: &Target) -> Step {
    match target.entity() {
        Some(EntityRef::User { name }) => prompt_with(
            format!("Clone user {name} (same groups and attached policies) as:"),
            &format!("{name}-2"),
            Ask::CloneUser(name.clone()),
        ),
        _ => say("C clones a user: select one in the Users list"),
    }
}

fn holder(target: &Target, what: &str) -> Result<Holder, Box<Step>> {
    target
        .holder()
        .ok_or_else(|| Box::new(say(format!("{what}: select a user, group or role first"))))
}

/// `a`: attach a managed policy (every AWS managed policy is offered, as
/// the IAM console offers them).
pub fn attach(model: &Model, target: &Target) -> Step {
    let holder = match holder(target, "a attaches a managed policy") {
        Ok(h) => h,
        Err(step) => return *step,
    };
    let mut items: Vec<PickItem> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in &model.account().policies {
        if seen.insert(p.arn.to_string()) {
            let kind = if p.is_aws_managed() {
                "AWS managed"
            } else {
                "customer managed"
            };
            items.push(PickItem::new(
                format!("{}  ({kind})", p.name),
                PickValue::Arn(p.arn.to_string()),
            ));
        }
    }
    for p in crate::catalog::managed::aws_managed_policies().iter() {
        if seen.insert(p.arn.to_owned()) {
            items.push(PickItem::new(
                format!("{}  (AWS managed)", p.name),
                PickValue::Arn(p.arn.to_owned()),
            ));
        }
    }
    picker(format!("Attach to {}:", holder.describe()), items, Pick::Attach(holder))
}

/// `x`: detach a managed policy.
pub fn detach(model: &Model, target: &Target) -> Step {
    let holder = match holder(target, "x detaches a managed policy") {
        Ok(h) => h,
        Err(step) => return *step,
    };
    let attached = match &holder {
        Holder::User(n) => model.user(n).map(|u| u.attached_policies.clone()),
        Holder::Group(n) => model.group(n).map(|g| g.attached_policies.clone()),
        Holder::Role(n) => model.role(n).map(|r| r.attached_policies.clone()),
    }
    .unwrap_or_default();
    if attached.is_empty() {
        return say(format!("{} has no managed policy attached", holder.describe()));
    }
    let items = attached
        .into_iter()
        .map(|a| PickItem::new(a.name, PickValue::Arn(a.arn)))
        .collect();
    picker(
        format!("Detach from {}:", holder.describe()),
        items,
        Pick::Detach(holder),
    )
}

/// `m`: a user's groups, each to add or remove.
pub fn membership(model: &Model, target: &Target) -> Step {
    let Some(EntityRef::User { name: user }) = target.entity() else {
        return say("m changes a user's groups: select a user");
    };
    let groups = model.user(user).map(|u| u.groups.clone()).unwrap_or_default();
    let items = model
        .account()
        .groups
        .iter()
        .map(|g| {
            let member = groups.contains(&g.name);
            PickItem::new(
                format!("{} {}", if member { "[x]" } else { "[ ]" }, g.name),
                PickValue::Group {
                    name: g.name.clone(),
                    member,
                },
            )
        })
        .collect();
    picker(
        format!("Groups of {user} (Enter adds or removes):"),
        items,
        Pick::Groups(user.clone()),
    )
}

/// `b`: a permissions boundary, or none.
pub fn boundary(model: &Model, target: &Target) -> Step {
    let holder = match holder(target, "b sets a permissions boundary") {
        Ok(h) => h,
        Err(step) => return *step,
    };
    if matches!(holder, Holder::Group(_)) {
        return say("a group cannot have a permissions boundary: only users and roles can");
    }
    let mut items = vec![PickItem::new("(no boundary)", PickValue::NoBoundary)];
    items.extend(
        model
            .account()
            .policies
            .iter()
            .map(|p| PickItem::new(p.name.clone(), PickValue::Arn(p.arn.to_string()))),
    );
    picker(
        format!("Permissions boundary of {}:", holder.describe()),
        items,
        Pick::Boundary(holder),
    )
}

/// `K`: a user's (or the root user's) access keys.
pub fn access_keys(model: &Model, target: &Target) -> Step {
    let (user, credentials) = match target.entity() {
        Some(EntityRef::User { name }) => (name.clone(), model.user(name).and_then(|u| u.credentials.clone())),
        Some(EntityRef::Root) => (change::ROOT.to_owned(), model.account().root.credentials.clone()),
        _ => return say("K manages access keys: select a user or the root user"),
    };
    let keys = credentials.map(|c| c.access_keys).unwrap_or_default();
    let root = user == change::ROOT;
    if root && keys.is_empty() {
        return say("the root user has no access keys: keep it that way");
    }
    let mut items = Vec::new();
    let full = keys.len() >= change::quota::ACCESS_KEYS_PER_USER;
    if !root && !full {
        items.push(PickItem::new(
            format!(
                "create a new access key ({} of at most {})",
                keys.len() + 1,
                change::quota::ACCESS_KEYS_PER_USER
            ),
            PickValue::NewKey,
        ));
    }
    for (i, key) in keys.iter().enumerate() {
        let id = key.id.clone().unwrap_or_else(|| format!("key {}", i + 1));
        let active = key.status == crate::model::AccessKeyStatus::Active;
        items.push(PickItem::new(
            format!("{id}: {}", if active { "deactivate" } else { "activate" }),
            PickValue::Key {
                slot: i + 1,
                change: if active {
                    KeyChange::Deactivate
                } else {
                    KeyChange::Activate
                },
            },
        ));
        items.push(PickItem::new(
            format!("{id}: delete"),
            PickValue::Key {
                slot: i + 1,
                change: KeyChange::Delete,
            },
        ));
    }
    let title = if root {
        "Access keys of the root user (AWS advises having none):".to_owned()
    } else if full {
        // IAM's quota: no third key, so none is offered
        format!(
            "Access keys of {user}: it has {}, the most IAM allows a user; delete one to create a new one:",
            keys.len()
        )
    } else {
        format!("Access keys of {user}:")
    };
    picker(title, items, Pick::AccessKeys(user))
}

/// `v`: the versions of a managed policy.
pub fn versions(model: &Model, target: &Target) -> Step {
    let Some(EntityRef::ManagedPolicy { arn, .. }) = target.entity() else {
        return say("versions: select a managed policy first");
    };
    let Some(policy) = model.policy(arn) else {
        return say("that managed policy is gone");
    };
    if policy.versions.is_empty() {
        return say(format!("{} has no versions in this export", policy.name));
    }
    let mut versions: Vec<_> = policy.versions.iter().collect();
    versions.sort_by_key(|v| std::cmp::Reverse(change::version_number(&v.id)));
    let items = versions
        .iter()
        .map(|v| {
            PickItem::new(
                format!(
                    "{:<4} {:<8} {}",
                    v.id,
                    if v.is_default { "default" } else { "" },
                    v.created.map_or_else(|| "(no date)".to_owned(), |d| d.to_string())
                ),
                PickValue::Version(v.id.clone()),
            )
        })
        .collect();
    picker(
        format!(
            "Versions of {} ({} of at most {}); enter compares one with the default",
            policy.name,
            policy.versions.len(),
            change::quota::VERSIONS_PER_POLICY
        ),
        items,
        Pick::Versions(arn.clone()),
    )
}

/// Why a name for a policy that opens in the editor is refused, before
/// anything is typed into the editor (other names are refused when their
/// change is worked out).
pub fn name_refusal(model: &Model, ask: &Ask, text: &str) -> Option<String> {
    let checked = match ask {
        Ask::CreatePolicy => change::rules::check_policy_name(text).and_then(|()| {
            let taken = model
                .account()
                .policies
                .iter()
                .any(|p| p.path == "/" && !p.is_aws_managed() && p.name == text);
            if taken {
                Err(change::Refusal(format!(
                    "a managed policy named {text} exists already: choose another name, or edit it with e"
                )))
            } else {
                Ok(())
            }
        }),
        Ask::NewInline(_) => change::rules::check_inline_policy_name(text),
        _ => Ok(()),
    };
    checked.err().map(|refusal| format!("refused: {refusal}"))
}

/// What a prompt's answer does.
pub fn answer(model: &Model, ask: Ask, text: String) -> Step {
    let change = match ask {
        Ask::CreateUser => Change::CreateUser {
            name: text,
            path: "/".to_owned(),
        },
        Ask::CreateGroup => Change::CreateGroup {
            name: text,
            path: "/".to_owned(),
        },
        Ask::CreatePolicy => {
            return Step::Do(Action::OpenEditor {
                target: EditTarget::NewManaged { name: text },
                text: NEW_MANAGED.to_owned(),
                line: None,
            });
        }
        Ask::NewInline(holder) => {
            return Step::Do(Action::OpenEditor {
                target: EditTarget::Inline { holder, name: text },
                text: NEW_INLINE.to_owned(),
                line: None,
            });
        }
        Ask::RenameUser(name) => Change::RenameUser { name, new_name: text },
        Ask::RenameGroup(name) => Change::RenameGroup { name, new_name: text },
        Ask::CloneUser(source) => Change::CloneUser { source, name: text },
        Ask::CopyPolicy { arn } => match model.policy(&arn).and_then(|p| p.default_document()) {
            Some(d) => Change::CreatePolicy {
                name: text,
                path: "/".to_owned(),
                document: d.text().to_owned(),
            },
            None => return say("that managed policy is gone"),
        },
        Ask::RoleName(template) => Change::CreateRole {
            name: text,
            path: "/".to_owned(),
            template,
        },
        Ask::RoleAccount => {
            return prompt(
                format!("Role for account {text}; its name:"),
                Ask::RoleName(RoleTemplate::OtherAccount { account: text }),
            );
        }
        Ask::SamlProvider => {
            return prompt(
                "Role for this SAML provider; its name:",
                Ask::RoleName(RoleTemplate::Saml { provider_arn: text }),
            );
        }
        Ask::SaveAs { quit } => {
            return Step::Do(Action::SaveAs { path: Some(text), quit });
        }
        Ask::Export(kind) => return Step::Do(Action::Export { kind, path: text }),
    };
    Step::Do(Action::Propose {
        change,
        from_editor: false,
    })
}

/// What a picker's choice does (a prediction is the lesson's, not this).
pub fn picked(model: &Model, pick: Pick, value: PickValue) -> Step {
    let change = match (pick, value) {
        (_, PickValue::Cancel) => return Step::Say(String::new()),
        (Pick::Attach(holder), PickValue::Arn(arn)) => Change::AttachPolicy { holder, arn },
        (Pick::Detach(holder), PickValue::Arn(arn)) => Change::DetachPolicy { holder, arn },
        (Pick::Boundary(holder), PickValue::Arn(arn)) => Change::SetPermissionsBoundary { holder, arn },
        (Pick::Boundary(holder), PickValue::NoBoundary) => Change::ClearPermissionsBoundary { holder },
        (Pick::Groups(user), PickValue::Group { name, member: false }) => Change::AddUserToGroup { user, group: name },
        (Pick::Groups(user), PickValue::Group { name, member: true }) => {
            Change::RemoveUserFromGroup { user, group: name }
        }
        (Pick::DeleteGroup(name), PickValue::RemoveMembersAndDelete) => Change::DeleteGroup {
            name,
            remove_members: true,
        },
        (Pick::AccessKeys(user), PickValue::NewKey) => Change::CreateAccessKey { user },
        (Pick::AccessKeys(user), PickValue::Key { slot, change }) => match change {
            KeyChange::Delete => Change::DeleteAccessKey { user, key: slot },
            KeyChange::Activate | KeyChange::Deactivate => Change::SetAccessKeyStatus {
                user,
                key: slot,
                active: change == KeyChange::Activate,
            },
        },
        (Pick::EditRole(role), PickValue::Trust) => {
            let text = model
                .role(&role)
                .and_then(|r| r.trust_policy.as_ref())
                .map_or_else(String::new, |d| d.text().to_owned());
            return Step::Do(Action::OpenEditor {
                target: EditTarget::Trust { role },
                text,
                line: None,
            });
        }
        (Pick::EditRole(role), PickValue::NewInline) => {
            return prompt(
                format!("New inline policy for role {role}; its name:"),
                Ask::NewInline(Holder::Role(role)),
            );
        }
        (Pick::Versions(arn), PickValue::Version(version)) => {
            return Step::Do(Action::ShowVersion { arn, version });
        }
        (Pick::RoleTemplate, PickValue::Template(template)) => {
            return prompt("New role's name:", Ask::RoleName(template));
        }
        (Pick::RoleTemplate, PickValue::NeedsAccount) => {
            return prompt("The other account's 12-digit id:", Ask::RoleAccount);
        }
        (Pick::RoleTemplate, PickValue::NeedsSamlProvider) => {
            return prompt(
                "The SAML provider's ARN (arn:aws:iam::ACCOUNT:saml-provider/NAME):",
                Ask::SamlProvider,
            );
        }
        _ => return Step::Say(String::new()),
    };
    Step::Do(Action::Propose {
        change,
        from_editor: false,
    })
}
