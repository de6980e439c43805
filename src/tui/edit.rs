//! Editing in the explorer: the keys that change the account, the prompts and
//! pickers they open, the impact preview before a change is kept, undo and
//! redo, saving (atomically, never over a file changed on disk, never over
//! the demo), exporting, and the journal that lets a crashed session recover.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};

use super::app::{App, Focus, Overlay, View};
use super::editor::{EditTarget, Editor, EditorRequest};
use super::input::{Edit, LineInput};
use super::sections::Target;
use crate::analysis::impact::{self, Flip};
use crate::io::save::{self, Fingerprint, Journal, JournalHeader, Recovered};
use crate::model::Holder;
use crate::model::change::{self, Change, OrgKind, RoleTemplate};

/// What a prompt's text is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    CreateUser,
    CreateGroup,
    CreatePolicy,
    NewInline(Holder),
    RenameUser(String),
    RenameGroup(String),
    CloneUser(String),
    CopyPolicy { arn: String },
    RoleName(RoleTemplate),
    RoleAccount,
    SamlProvider,
    SaveAs,
    Export(ExportKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Gaad,
    Workspace,
    Script,
}

/// What a picker's choice is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    Attach(Holder),
    Detach(Holder),
    Groups(String),
    Boundary(Holder),
    RoleTemplate,
    AccessKeys(String),
    DeleteGroup(String),
    Versions(String),
    Prediction,
    EditRole(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum PickValue {
    Arn(String),
    Group { name: String, member: bool },
    Template(RoleTemplate),
    NeedsAccount,
    NeedsSamlProvider,
    NoBoundary,
    Key { slot: usize, change: KeyChange },
    NewKey,
    RemoveMembersAndDelete,
    Version(String),
    Prediction(crate::lessons::Answer),
    Trust,
    NewInline,
    Cancel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyChange {
    Activate,
    Deactivate,
    Delete,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PickItem {
    pub label: String,
    pub value: PickValue,
}

/// What yes means in a confirmation.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmed {
    Apply(Change),
    LeaveEditor,
}

impl App {
    fn editing_allowed(&mut self) -> bool {
        if self.readonly {
            self.status = Some("read-only (--readonly): editing is off".to_owned());
        }
        !self.readonly
    }

    /// Unsaved changes since the last save (or since loading).
    pub fn unsaved(&self) -> usize {
        if self.lesson_session.is_some() {
            // a lesson's changes live in the lesson progress, saved as they happen
            return 0;
        }
        self.history.done().len().abs_diff(self.saved_at) + usize::from(self.history.done().len() < self.saved_at)
    }

    /// The target the next edit is about: the link under the cursor in the
    /// right pane, the page it shows, or the list's selection.
    fn edit_target(&self) -> Option<Target> {
        if self.focus == Focus::Right {
            let cursor = match self.stack.last() {
                Some(View::Detail { cursor, .. }) => Some(*cursor),
                None => Some(self.live.0),
                _ => None,
            };
            if let Some(cursor) = cursor
                && let Some(link) = self
                    .right_doc()
                    .and_then(|d| d.lines.get(cursor).and_then(|l| l.link.clone()))
            {
                return Some(link);
            }
            if let Some(View::Detail { target, .. }) = self.stack.last() {
                return Some(target.clone());
            }
        }
        self.selection()
    }

    fn holder_of(target: &Target) -> Option<Holder> {
        match target {
            Target::User(n) => Some(Holder::User(n.clone())),
            Target::Group(n) => Some(Holder::Group(n.clone())),
            Target::Role(n) => Some(Holder::Role(n.clone())),
            _ => None,
        }
    }

    fn selected_holder(&mut self, what: &str) -> Option<Holder> {
        let holder = self.selection().as_ref().and_then(App::holder_of);
        if holder.is_none() {
            self.status = Some(format!("{what}: select a user, group or role first"));
        }
        holder
    }

    // ---- the editor ----

    /// `e`: edit the policy under the cursor or selected.
    pub fn edit(&mut self) {
        if !self.editing_allowed() {
            return;
        }
        let Some(target) = self.edit_target() else {
            return;
        };
        let a = self.model.account();
        let opened = match &target {
            Target::Inline { holder, name } => {
                let list = match holder {
                    Holder::User(n) => self.model.user(n).map(|u| &u.inline_policies),
                    Holder::Group(n) => self.model.group(n).map(|g| &g.inline_policies),
                    Holder::Role(n) => self.model.role(n).map(|r| &r.inline_policies),
                };
                list.and_then(|l| l.iter().find(|p| &p.name == name)).map(|p| {
                    (
                        EditTarget::Inline {
                            holder: holder.clone(),
                            name: name.clone(),
                        },
                        p.document.text().to_owned(),
                    )
                })
            }
            Target::Policy(arn) | Target::PolicyDocument { arn, .. } => match self.model.policy(arn) {
                Some(p) if p.is_aws_managed() => {
                    self.overlay = Some(Overlay::Prompt {
                        title: format!(
                            "{} is AWS managed and read-only. Copy it as a new customer managed policy named:",
                            p.name
                        ),
                        input: LineInput::suggest(&format!("{}Copy", p.name)),
                        ask: Ask::CopyPolicy { arn: arn.clone() },
                    });
                    return;
                }
                Some(p) => p.default_document().map(|d| {
                    (
                        EditTarget::Managed {
                            arn: arn.clone(),
                            name: p.name.clone(),
                        },
                        d.text().to_owned(),
                    )
                }),
                None => None,
            },
            Target::Role(role) => {
                let items = vec![
                    PickItem {
                        label: "its trust policy: who may assume the role".to_owned(),
                        value: PickValue::Trust,
                    },
                    PickItem {
                        label: "a new inline policy: what the role may do".to_owned(),
                        value: PickValue::NewInline,
                    },
                ];
                self.open_picker(&format!("Edit role {role}:"), items, Pick::EditRole(role.clone()));
                return;
            }
            Target::Trust(role) => self.model.role(role).map(|r| {
                (
                    EditTarget::Trust { role: role.clone() },
                    r.trust_policy
                        .as_ref()
                        .map_or_else(String::new, |d| d.text().to_owned()),
                )
            }),
            Target::ResourcePolicy(i) => a.resource_policies.get(*i).map(|p| {
                (
                    EditTarget::Resource {
                        arn: p.resource_arn.clone(),
                    },
                    p.policy.text().to_owned(),
                )
            }),
            Target::Scp(i) => a.service_control_policies.get(*i).map(|p| {
                (
                    EditTarget::Org {
                        kind: OrgKind::Scp,
                        name: p.name.clone(),
                    },
                    p.policy.text().to_owned(),
                )
            }),
            Target::Rcp(i) => a.resource_control_policies.get(*i).map(|p| {
                (
                    EditTarget::Org {
                        kind: OrgKind::Rcp,
                        name: p.name.clone(),
                    },
                    p.policy.text().to_owned(),
                )
            }),
            Target::User(_) | Target::Group(_) => {
                let holder = App::holder_of(&target);
                if let Some(holder) = holder {
                    self.overlay = Some(Overlay::Prompt {
                        title: format!("New inline policy for {}; its name:", holder.describe()),
                        input: LineInput::default(),
                        ask: Ask::NewInline(holder),
                    });
                }
                return;
            }
            _ => None,
        };
        match opened {
            Some((target, text)) => {
                let mut editor = Editor::new(target, &text);
                // open where the reader was: the document line under the cursor
                if self.focus == Focus::Right
                    && let Some(View::Detail { cursor, .. }) = self.stack.last()
                    && let Some(doc) = self.right_doc()
                {
                    let start = super::detail::document_offset(&doc);
                    if start > 0 && *cursor >= start {
                        editor.go_to_line(cursor - start + 1);
                    }
                }
                self.editor = Some(editor);
            }
            None => {
                self.status =
                    Some("nothing here can be edited: select a policy, a role or a resource policy".to_owned())
            }
        }
    }

    pub fn editor_key(&mut self, key: &KeyEvent) {
        let Some(editor) = &mut self.editor else {
            return;
        };
        match editor.handle(key) {
            EditorRequest::None => {}
            EditorRequest::Leave => {
                if editor.is_modified() {
                    self.overlay = Some(Overlay::Confirm {
                        message: "Leave the editor and lose what you typed? (y leaves, n stays)".to_owned(),
                        on_yes: Confirmed::LeaveEditor,
                    });
                } else {
                    self.editor = None;
                }
            }
            EditorRequest::Save => {
                if editor.errors() > 0 {
                    editor.message = Some(format!(
                        "{} error{} first (ctrl-g jumps to the next); AWS would refuse this policy",
                        editor.errors(),
                        if editor.errors() == 1 { "" } else { "s" }
                    ));
                    return;
                }
                let change = editor.target.change(editor.text());
                self.propose(change, true);
            }
        }
    }

    // ---- proposing and applying changes ----

    /// Compute what a change would do; show the flips before keeping it.
    pub fn propose(&mut self, change: Change, from_editor: bool) {
        match impact::impact(&self.model, &change, self.now) {
            Err(refusal) => {
                let message = format!("refused: {refusal}");
                match (&mut self.editor, from_editor) {
                    (Some(editor), true) => editor.message = Some(message),
                    _ => self.status = Some(message),
                }
            }
            Ok(result) if result.flips.is_empty() && !from_editor => self.keep(change),
            Ok(result) => {
                self.overlay = Some(Overlay::Preview {
                    change,
                    flips: result.flips,
                    checked: result.checked,
                    cursor: 0,
                    from_editor,
                });
            }
        }
    }

    /// Apply a change for good (it can still be undone).
    pub fn keep(&mut self, change: Change) {
        let mut model = (*self.model).clone();
        match self.history.apply(&mut model, change, self.now) {
            Ok(applied) => {
                let mut status = change::describe(&applied.change).to_string();
                for note in &applied.notes {
                    status.push_str(&format!("; {note}"));
                }
                status.push_str(if self.lesson_session.is_some() {
                    " — kept with your lesson progress"
                } else {
                    " — not yet written to disk (ctrl-s saves)"
                });
                let created = match &applied.change {
                    Change::CreateUser { name, .. } | Change::CloneUser { name, .. } => {
                        Some((super::sections::Section::Users, Target::User(name.clone())))
                    }
                    Change::CreateGroup { name, .. } => {
                        Some((super::sections::Section::Groups, Target::Group(name.clone())))
                    }
                    Change::CreateRole { name, .. } => {
                        Some((super::sections::Section::Roles, Target::Role(name.clone())))
                    }
                    _ => None,
                };
                self.status = Some(status);
                self.model_changed(model);
                // what was just made is selected, ready for the next edit
                if let Some((section, target)) = created {
                    self.reveal(section, Some(target));
                }
            }
            Err(refusal) => self.status = Some(format!("refused: {refusal}")),
        }
    }

    fn model_changed(&mut self, model: crate::model::Model) {
        self.model = Arc::new(model);
        self.reset_views();
        self.record_journal();
        self.lesson_model_changed();
    }

    pub fn undo(&mut self) {
        let mut model = (*self.model).clone();
        match self.history.undo(&mut model) {
            Some(change) => {
                self.status = Some(format!("undone: {}", change::describe(&change)));
                self.model_changed(model);
            }
            None => self.status = Some("nothing to undo".to_owned()),
        }
    }

    pub fn redo(&mut self) {
        let mut model = (*self.model).clone();
        match self.history.redo(&mut model, self.now) {
            Some(Ok(change)) => {
                self.status = Some(format!("redone: {}", change::describe(&change)));
                self.model_changed(model);
            }
            Some(Err(refusal)) => self.status = Some(format!("cannot redo: {refusal}")),
            None => self.status = Some("nothing to redo".to_owned()),
        }
    }

    // ---- structural edits ----

    pub fn create(&mut self) {
        if !self.editing_allowed() {
            return;
        }
        use super::sections::Section;
        let (title, ask) = match self.section {
            Section::Users => ("New user's name:", Ask::CreateUser),
            Section::Groups => ("New group's name:", Ask::CreateGroup),
            Section::Policies => ("New customer managed policy's name:", Ask::CreatePolicy),
            Section::Roles => {
                self.role_templates();
                return;
            }
            _ => {
                self.status =
                    Some("n creates users, groups, roles and policies: switch to one of those lists".to_owned());
                return;
            }
        };
        self.overlay = Some(Overlay::Prompt {
            title: title.to_owned(),
            input: LineInput::default(),
            ask,
        });
    }

    fn role_templates(&mut self) {
        let mut items = vec![
            PickItem {
                label: "EC2: an application on EC2 instances (with an instance profile)".to_owned(),
                value: PickValue::Template(RoleTemplate::Ec2),
            },
            PickItem {
                label: "Lambda: a function's execution role".to_owned(),
                value: PickValue::Template(RoleTemplate::Lambda),
            },
            PickItem {
                label: "Another AWS account…".to_owned(),
                value: PickValue::NeedsAccount,
            },
        ];
        for pool in &self.model.account().identity_pools {
            for authenticated in [true, false] {
                items.push(PickItem {
                    label: format!(
                        "Cognito identity pool {}: {}",
                        pool.name,
                        if authenticated { "signed-in users" } else { "guests" }
                    ),
                    value: PickValue::Template(RoleTemplate::IdentityPool {
                        pool: pool.id.clone(),
                        authenticated,
                    }),
                });
            }
        }
        items.push(PickItem {
            label: "SAML identity provider…".to_owned(),
            value: PickValue::NeedsSamlProvider,
        });
        self.open_picker("New role: who may assume it?", items, Pick::RoleTemplate);
    }

    pub fn delete(&mut self) {
        if !self.editing_allowed() {
            return;
        }
        let Some(target) = self.edit_target() else {
            return;
        };
        let change = match &target {
            Target::User(name) => Change::DeleteUser { name: name.clone() },
            Target::Role(name) => Change::DeleteRole { name: name.clone() },
            Target::Policy(arn) => Change::DeletePolicy { arn: arn.clone() },
            Target::Inline { holder, name } => Change::DeleteInlinePolicy {
                holder: holder.clone(),
                name: name.clone(),
            },
            Target::Group(name) => {
                let members = self.model.members_of(name).len();
                if members > 0 {
                    let items = vec![
                        PickItem {
                            label: format!(
                                "remove its {members} member{} from it, then delete it",
                                if members == 1 { "" } else { "s" }
                            ),
                            value: PickValue::RemoveMembersAndDelete,
                        },
                        PickItem {
                            label: "keep the group".to_owned(),
                            value: PickValue::Cancel,
                        },
                    ];
                    self.open_picker(
                        &format!("Group {name} still has members. AWS deletes only empty groups:"),
                        items,
                        Pick::DeleteGroup(name.clone()),
                    );
                    return;
                }
                Change::DeleteGroup {
                    name: name.clone(),
                    remove_members: false,
                }
            }
            _ => {
                self.status = Some("d deletes users, groups, roles, managed policies and inline policies".to_owned());
                return;
            }
        };
        self.overlay = Some(Overlay::Confirm {
            message: format!("{}? (y/n)", capitalise(&change::describe(&change))),
            on_yes: Confirmed::Apply(change),
        });
    }

    pub fn rename(&mut self) {
        if !self.editing_allowed() {
            return;
        }
        match self.selection() {
            Some(Target::User(n)) => {
                self.overlay = Some(Overlay::Prompt {
                    title: format!("Rename user {n} to:"),
                    input: LineInput::suggest(&n),
                    ask: Ask::RenameUser(n),
                })
            }
            Some(Target::Group(n)) => {
                self.overlay = Some(Overlay::Prompt {
                    title: format!("Rename group {n} to:"),
                    input: LineInput::suggest(&n),
                    ask: Ask::RenameGroup(n),
                })
            }
            Some(Target::Role(_)) => {
                self.status = Some("IAM cannot rename a role: create a new one (n) and delete this one (d)".to_owned())
            }
            _ => self.status = Some("r renames users and groups".to_owned()),
        }
    }

    pub fn clone_user(&mut self) {
        if !self.editing_allowed() {
            return;
        }
        match self.selection() {
            Some(Target::User(n)) => {
                self.overlay = Some(Overlay::Prompt {
                    title: format!("Clone user {n} (same groups and attached policies) as:"),
                    input: LineInput::suggest(&format!("{n}-2")),
                    ask: Ask::CloneUser(n),
                })
            }
            _ => self.status = Some("C clones a user: select one in the Users list".to_owned()),
        }
    }

    pub fn attach(&mut self) {
        if !self.editing_allowed() {
            return;
        }
        let Some(holder) = self.selected_holder("a attaches a managed policy") else {
            return;
        };
        let mut items: Vec<PickItem> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for p in &self.model.account().policies {
            if seen.insert(p.arn.to_string()) {
                let kind = if p.is_aws_managed() {
                    "AWS managed"
                } else {
                    "customer managed"
                };
                items.push(PickItem {
                    label: format!("{}  ({kind})", p.name),
                    value: PickValue::Arn(p.arn.to_string()),
                });
            }
        }
        // Every AWS managed policy, as the IAM console offers them.
        for p in crate::catalog::managed::aws_managed_policies().iter() {
            if seen.insert(p.arn.to_owned()) {
                items.push(PickItem {
                    label: format!("{}  (AWS managed)", p.name),
                    value: PickValue::Arn(p.arn.to_owned()),
                });
            }
        }
        self.open_picker(
            &format!("Attach to {}:", holder.describe()),
            items,
            Pick::Attach(holder),
        );
    }

    pub fn detach(&mut self) {
        if !self.editing_allowed() {
            return;
        }
        let Some(holder) = self.selected_holder("x detaches a managed policy") else {
            return;
        };
        let attached = match &holder {
            Holder::User(n) => self.model.user(n).map(|u| u.attached_policies.clone()),
            Holder::Group(n) => self.model.group(n).map(|g| g.attached_policies.clone()),
            Holder::Role(n) => self.model.role(n).map(|r| r.attached_policies.clone()),
        }
        .unwrap_or_default();
        if attached.is_empty() {
            self.status = Some(format!("{} has no managed policy attached", holder.describe()));
            return;
        }
        let items = attached
            .into_iter()
            .map(|a| PickItem {
                label: a.name,
                value: PickValue::Arn(a.arn),
            })
            .collect();
        self.open_picker(
            &format!("Detach from {}:", holder.describe()),
            items,
            Pick::Detach(holder),
        );
    }

    pub fn membership(&mut self) {
        if !self.editing_allowed() {
            return;
        }
        let Some(Target::User(user)) = self.selection() else {
            self.status = Some("m changes a user's groups: select a user".to_owned());
            return;
        };
        let groups = self.model.user(&user).map(|u| u.groups.clone()).unwrap_or_default();
        let items = self
            .model
            .account()
            .groups
            .iter()
            .map(|g| {
                let member = groups.contains(&g.name);
                PickItem {
                    label: format!("{} {}", if member { "[x]" } else { "[ ]" }, g.name),
                    value: PickValue::Group {
                        name: g.name.clone(),
                        member,
                    },
                }
            })
            .collect();
        self.open_picker(
            &format!("Groups of {user} (Enter adds or removes):"),
            items,
            Pick::Groups(user),
        );
    }

    pub fn boundary(&mut self) {
        if !self.editing_allowed() {
            return;
        }
        let Some(holder) = self.selected_holder("b sets a permissions boundary") else {
            return;
        };
        if matches!(holder, Holder::Group(_)) {
            self.status = Some("a group cannot have a permissions boundary: only users and roles can".to_owned());
            return;
        }
        let mut items = vec![PickItem {
            label: "(no boundary)".to_owned(),
            value: PickValue::NoBoundary,
        }];
        items.extend(self.model.account().policies.iter().map(|p| PickItem {
            label: p.name.clone(),
            value: PickValue::Arn(p.arn.to_string()),
        }));
        self.open_picker(
            &format!("Permissions boundary of {}:", holder.describe()),
            items,
            Pick::Boundary(holder),
        );
    }

    pub fn access_keys(&mut self) {
        if !self.editing_allowed() {
            return;
        }
        let (user, credentials) = match self.selection() {
            Some(Target::User(user)) => {
                let credentials = self.model.user(&user).and_then(|u| u.credentials.clone());
                (user, credentials)
            }
            Some(Target::Root) => (change::ROOT.to_owned(), self.model.account().root.credentials.clone()),
            _ => {
                self.status = Some("K manages access keys: select a user or the root user".to_owned());
                return;
            }
        };
        let keys = credentials.map(|c| c.access_keys).unwrap_or_default();
        let root = user == change::ROOT;
        if root && keys.is_empty() {
            self.status = Some("the root user has no access keys: keep it that way".to_owned());
            return;
        }
        let mut items = Vec::new();
        if !root {
            items.push(PickItem {
                label: format!(
                    "create a new access key ({} of at most {})",
                    keys.len() + 1,
                    change::quota::ACCESS_KEYS_PER_USER
                ),
                value: PickValue::NewKey,
            });
        }
        for (i, key) in keys.iter().enumerate() {
            let id = key.id.clone().unwrap_or_else(|| format!("key {}", i + 1));
            let active = key.status == crate::model::AccessKeyStatus::Active;
            items.push(PickItem {
                label: format!("{id}: {}", if active { "deactivate" } else { "activate" }),
                value: PickValue::Key {
                    slot: i + 1,
                    change: if active {
                        KeyChange::Deactivate
                    } else {
                        KeyChange::Activate
                    },
                },
            });
            items.push(PickItem {
                label: format!("{id}: delete"),
                value: PickValue::Key {
                    slot: i + 1,
                    change: KeyChange::Delete,
                },
            });
        }
        let title = if root {
            "Access keys of the root user (AWS advises having none):".to_owned()
        } else {
            format!("Access keys of {user}:")
        };
        self.open_picker(&title, items, Pick::AccessKeys(user));
    }

    // ---- managed policy versions ----

    /// `v`: list the versions of the selected managed policy.
    pub fn versions(&mut self) {
        let arn = match self.edit_target() {
            Some(Target::Policy(arn) | Target::PolicyDocument { arn, .. }) => arn,
            _ => {
                self.status = Some("versions: select a managed policy first".to_owned());
                return;
            }
        };
        let Some(policy) = self.model.policy(&arn) else {
            return;
        };
        if policy.versions.is_empty() {
            self.status = Some(format!("{} has no versions in this export", policy.name));
            return;
        }
        let mut versions: Vec<_> = policy.versions.iter().collect();
        versions.sort_by_key(|v| std::cmp::Reverse(change::version_number(&v.id)));
        let items = versions
            .iter()
            .map(|v| PickItem {
                label: format!(
                    "{:<4} {:<8} {}",
                    v.id,
                    if v.is_default { "default" } else { "" },
                    v.created.map_or_else(|| "(no date)".to_owned(), |d| d.to_string())
                ),
                value: PickValue::Version(v.id.clone()),
            })
            .collect();
        let title = format!(
            "Versions of {} ({} of at most {}); enter compares one with the default",
            policy.name,
            policy.versions.len(),
            crate::model::change::quota::VERSIONS_PER_POLICY
        );
        self.open_picker(&title, items, Pick::Versions(arn));
    }

    fn show_version(&mut self, arn: &str, version: &str) {
        let Some(policy) = self.model.policy(arn) else {
            return;
        };
        let text = |id: &str| {
            policy
                .versions
                .iter()
                .find(|v| v.id == id)
                .map(|v| v.document.text().to_owned())
                .unwrap_or_default()
        };
        let default = policy.versions.iter().find(|v| v.is_default).map(|v| v.id.clone());
        let mut lines = Vec::new();
        match &default {
            Some(d) if d == version => {
                lines.push(format!("{version} is the default version:"));
                lines.extend(text(version).lines().map(|l| format!("  {l}")));
            }
            Some(d) => {
                lines.push(format!(
                    "{version} compared with the default {d} (- only in {d}, + only in {version}):"
                ));
                let (old, new) = (text(d), text(version));
                let diff = similar::TextDiff::from_lines(&old, &new);
                for change in diff.iter_all_changes() {
                    let sign = match change.tag() {
                        similar::ChangeTag::Delete => '-',
                        similar::ChangeTag::Insert => '+',
                        similar::ChangeTag::Equal => ' ',
                    };
                    lines.push(format!("{sign} {}", change.value().trim_end_matches('\n')));
                }
            }
            None => lines.extend(text(version).lines().map(str::to_owned)),
        }
        self.overlay = Some(Overlay::Version {
            arn: arn.to_owned(),
            version: version.to_owned(),
            lines,
            offset: 0,
        });
    }

    pub fn version_key(&mut self, key: &KeyEvent) {
        let Some(Overlay::Version {
            arn, version, offset, ..
        }) = &mut self.overlay
        else {
            return;
        };
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => *offset += 1,
            KeyCode::Up | KeyCode::Char('k') => *offset = offset.saturating_sub(1),
            KeyCode::PageDown => *offset += 10,
            KeyCode::PageUp => *offset = offset.saturating_sub(10),
            KeyCode::Char('d') => {
                let change = Change::SetDefaultPolicyVersion {
                    arn: arn.clone(),
                    version: version.clone(),
                };
                self.overlay = None;
                if self.editing_allowed() {
                    self.propose(change, false);
                }
            }
            _ => self.overlay = None,
        }
    }

    fn open_picker(&mut self, title: &str, items: Vec<PickItem>, pick: Pick) {
        self.overlay = Some(Overlay::Picker {
            title: title.to_owned(),
            shown: (0..items.len()).collect(),
            items,
            filter: LineInput::default(),
            cursor: 0,
            pick,
        });
    }

    // ---- overlay keys ----

    pub fn prompt_key(&mut self, key: &KeyEvent) {
        let Some(Overlay::Prompt { input, ask, .. }) = &mut self.overlay else {
            return;
        };
        match input.handle(key) {
            Edit::Submit => {
                let text = input.text.trim().to_owned();
                let ask = ask.clone();
                self.overlay = None;
                if !text.is_empty() {
                    self.answer(ask, text);
                }
            }
            Edit::Cancel => self.overlay = None,
            _ => {}
        }
    }

    fn answer(&mut self, ask: Ask, text: String) {
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
                let template = r#"{
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
                self.editor = Some(Editor::new(EditTarget::NewManaged { name: text }, template));
                return;
            }
            Ask::NewInline(holder) => {
                let template = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n    ]\n}";
                self.editor = Some(Editor::new(EditTarget::Inline { holder, name: text }, template));
                return;
            }
            Ask::RenameUser(name) => Change::RenameUser { name, new_name: text },
            Ask::RenameGroup(name) => Change::RenameGroup { name, new_name: text },
            Ask::CloneUser(source) => Change::CloneUser { source, name: text },
            Ask::CopyPolicy { arn } => {
                let document = self
                    .model
                    .policy(&arn)
                    .and_then(|p| p.default_document())
                    .map(|d| d.text().to_owned());
                match document {
                    Some(document) => Change::CreatePolicy {
                        name: text,
                        path: "/".to_owned(),
                        document,
                    },
                    None => return,
                }
            }
            Ask::RoleName(template) => Change::CreateRole {
                name: text,
                path: "/".to_owned(),
                template,
            },
            Ask::RoleAccount => {
                self.overlay = Some(Overlay::Prompt {
                    title: format!("Role for account {text}; its name:"),
                    input: LineInput::default(),
                    ask: Ask::RoleName(RoleTemplate::OtherAccount { account: text }),
                });
                return;
            }
            Ask::SamlProvider => {
                self.overlay = Some(Overlay::Prompt {
                    title: "Role for this SAML provider; its name:".to_owned(),
                    input: LineInput::default(),
                    ask: Ask::RoleName(RoleTemplate::Saml { provider_arn: text }),
                });
                return;
            }
            Ask::SaveAs => {
                self.save_as(Path::new(&text));
                return;
            }
            Ask::Export(kind) => {
                self.export(kind, Path::new(&text));
                return;
            }
        };
        self.propose(change, false);
    }

    pub fn picker_key(&mut self, key: &KeyEvent) {
        let Some(Overlay::Picker {
            items,
            shown,
            filter,
            cursor,
            pick,
            ..
        }) = &mut self.overlay
        else {
            return;
        };
        match key.code {
            KeyCode::Down => *cursor = (*cursor + 1).min(shown.len().saturating_sub(1)),
            KeyCode::Up => *cursor = cursor.saturating_sub(1),
            KeyCode::PageDown => *cursor = (*cursor + 10).min(shown.len().saturating_sub(1)),
            KeyCode::PageUp => *cursor = cursor.saturating_sub(10),
            _ => match filter.handle(key) {
                Edit::Submit => {
                    let choice = shown.get(*cursor).and_then(|&i| items.get(i)).map(|i| i.value.clone());
                    let pick = pick.clone();
                    self.overlay = None;
                    if let Some(choice) = choice {
                        self.picked(pick, choice);
                    }
                }
                Edit::Cancel => self.overlay = None,
                Edit::Changed => {
                    let query = filter.text.clone();
                    let labels: Vec<String> = items.iter().map(|i| i.label.clone()).collect();
                    let ranked = super::input::Fuzzy::default().rank(&query, labels.iter().map(String::as_str));
                    *shown = ranked;
                    *cursor = 0;
                }
                _ => {}
            },
        }
    }

    fn picked(&mut self, pick: Pick, value: PickValue) {
        let change = match (pick, value) {
            (_, PickValue::Cancel) => return,
            (Pick::Attach(holder), PickValue::Arn(arn)) => Change::AttachPolicy { holder, arn },
            (Pick::Detach(holder), PickValue::Arn(arn)) => Change::DetachPolicy { holder, arn },
            (Pick::Boundary(holder), PickValue::Arn(arn)) => Change::SetPermissionsBoundary { holder, arn },
            (Pick::Boundary(holder), PickValue::NoBoundary) => Change::ClearPermissionsBoundary { holder },
            (Pick::Groups(user), PickValue::Group { name, member: false }) => {
                Change::AddUserToGroup { user, group: name }
            }
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
                let text = self
                    .model
                    .role(&role)
                    .and_then(|r| r.trust_policy.as_ref())
                    .map_or_else(String::new, |d| d.text().to_owned());
                self.editor = Some(Editor::new(EditTarget::Trust { role }, &text));
                return;
            }
            (Pick::EditRole(role), PickValue::NewInline) => {
                self.overlay = Some(Overlay::Prompt {
                    title: format!("New inline policy for role {role}; its name:"),
                    input: LineInput::default(),
                    ask: Ask::NewInline(Holder::Role(role)),
                });
                return;
            }
            (Pick::Prediction, PickValue::Prediction(answer)) => {
                self.predicted(answer);
                return;
            }
            (Pick::Versions(arn), PickValue::Version(version)) => {
                self.show_version(&arn, &version);
                return;
            }
            (Pick::RoleTemplate, PickValue::Template(template)) => {
                self.overlay = Some(Overlay::Prompt {
                    title: "New role's name:".to_owned(),
                    input: LineInput::default(),
                    ask: Ask::RoleName(template),
                });
                return;
            }
            (Pick::RoleTemplate, PickValue::NeedsAccount) => {
                self.overlay = Some(Overlay::Prompt {
                    title: "The other account's 12-digit id:".to_owned(),
                    input: LineInput::default(),
                    ask: Ask::RoleAccount,
                });
                return;
            }
            (Pick::RoleTemplate, PickValue::NeedsSamlProvider) => {
                self.overlay = Some(Overlay::Prompt {
                    title: "The SAML provider's ARN (arn:aws:iam::ACCOUNT:saml-provider/NAME):".to_owned(),
                    input: LineInput::default(),
                    ask: Ask::SamlProvider,
                });
                return;
            }
            _ => return,
        };
        self.propose(change, false);
    }

    pub fn confirm_key(&mut self, key: &KeyEvent) {
        let Some(Overlay::Confirm { on_yes, .. }) = &self.overlay else {
            return;
        };
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                let on_yes = on_yes.clone();
                self.overlay = None;
                match on_yes {
                    Confirmed::Apply(change) => self.propose(change, false),
                    Confirmed::LeaveEditor => self.editor = None,
                }
            }
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => self.overlay = None,
            _ => {}
        }
    }

    pub fn preview_key(&mut self, key: &KeyEvent) {
        let Some(Overlay::Preview {
            change,
            flips,
            cursor,
            from_editor,
            ..
        }) = &mut self.overlay
        else {
            return;
        };
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => *cursor = (*cursor + 1).min(flips.len().saturating_sub(1)),
            KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
            KeyCode::Enter | KeyCode::Char('y') => {
                let change = change.clone();
                let from_editor = *from_editor;
                self.overlay = None;
                self.keep(change);
                if from_editor {
                    self.editor = None;
                }
            }
            KeyCode::Char('i') => {
                // Keep the change and ask the inspector about this request.
                let flip: Option<Flip> = flips.get(*cursor).cloned();
                let change = change.clone();
                let from_editor = *from_editor;
                self.overlay = None;
                self.keep(change);
                if from_editor {
                    self.editor = None;
                }
                if let Some(flip) = flip {
                    self.run_command(&format!("explain {} {} {}", flip.principal, flip.action, flip.resource));
                }
            }
            KeyCode::Esc | KeyCode::Char('n') => self.overlay = None,
            _ => {}
        }
    }

    // ---- saving, exporting, the journal ----

    /// ctrl-s / `:w`: write the account back to the file it came from.
    pub fn save(&mut self) {
        if self.lesson_session.is_some() {
            self.status =
                Some("a lesson's account is kept with your lesson progress; :saveas FILE writes a copy".to_owned());
            return;
        }
        if self.files.is_empty() {
            self.status = Some("the demo account is never overwritten: save a copy with :saveas FILE".to_owned());
            return;
        }
        if self.files.len() > 1 {
            self.status = Some(
                "this account came from several files: save it as one workspace file with :saveas FILE".to_owned(),
            );
            return;
        }
        let path = self.files[0].clone();
        let expected = self.fingerprints.first().cloned();
        self.write_to(&path, expected.as_ref());
    }

    pub fn save_as(&mut self, path: &Path) {
        // A new file, or one the user names on purpose: no on-disk check.
        if self.write_to(path, None) {
            self.files = vec![path.to_owned()];
            if let Ok(f) = Fingerprint::of(path) {
                self.fingerprints = vec![f];
            }
            self.source = path.display().to_string();
            self.start_journal();
        }
    }

    /// Every change since the account left AWS: those the loaded workspace
    /// file recorded, then this session's.
    fn change_log(&self) -> Vec<crate::io::change_log::Logged> {
        let mut log = crate::io::change_log::read_log(self.model.account()).unwrap_or_default();
        log.extend(crate::io::change_log::logged(&self.history));
        log
    }

    /// The account as a workspace file, with its change log.
    fn workspace_text(&self) -> String {
        let mut account = self.model.account().clone();
        let log = self.change_log();
        if log.is_empty() {
            account.extra.shift_remove(crate::io::change_log::LOG_KEY);
        } else {
            account.extra.insert(
                crate::io::change_log::LOG_KEY.to_owned(),
                serde_json::to_value(&log).expect("changes serialize"),
            );
        }
        crate::io::export::export_to_string(&account, crate::io::ExportFormat::Workspace)
    }

    fn write_to(&mut self, path: &Path, expected: Option<&Fingerprint>) -> bool {
        let text = self.workspace_text();
        let existed = path.exists();
        match save::save_atomically(path, text.as_bytes(), expected) {
            Ok(fingerprint) => {
                if self.files.first().map(PathBuf::as_path) == Some(path) {
                    self.fingerprints = vec![fingerprint];
                }
                self.saved_at = self.history.done().len();
                self.status = Some(if existed {
                    format!(
                        "saved {} as a workspace file; the previous version is {}",
                        path.display(),
                        save::backup_path(path).display()
                    )
                } else {
                    format!("saved {} as a workspace file", path.display())
                });
                self.record_journal();
                true
            }
            Err(save::SaveError::ChangedOnDisk { .. }) => {
                // Never overwrite someone else's change: offer another file.
                let suggestion = path.with_extension("edited.json");
                self.overlay = Some(Overlay::Prompt {
                    title: format!(
                        "{} changed on disk since iamscope loaded it; save as (esc cancels):",
                        path.display()
                    ),
                    input: LineInput::suggest(&suggestion.display().to_string()),
                    ask: Ask::SaveAs,
                });
                false
            }
            Err(e) => {
                self.status = Some(e.to_string());
                false
            }
        }
    }

    pub fn export(&mut self, kind: ExportKind, path: &Path) {
        let text = match kind {
            ExportKind::Gaad => {
                crate::io::export::export_to_string(self.model.account(), crate::io::ExportFormat::Gaad)
            }
            ExportKind::Workspace => self.workspace_text(),
            ExportKind::Script => crate::io::script::script(&self.change_log(), self.model.account()),
        };
        self.status = Some(match save::save_atomically(path, text.as_bytes(), None) {
            Ok(_) => match kind {
                ExportKind::Script => format!(
                    "wrote {} ({} change{}) — review it; iamscope never runs it",
                    path.display(),
                    self.change_log().len(),
                    if self.change_log().len() == 1 { "" } else { "s" }
                ),
                _ => format!("wrote {}", path.display()),
            },
            Err(e) => e.to_string(),
        });
    }

    fn journal_header(&self) -> JournalHeader {
        JournalHeader {
            iamscope_journal: 1,
            sources: self.files.clone(),
            fingerprints: self.fingerprints.clone(),
            started: self.now.to_string(),
        }
    }

    /// Begin journaling into the data directory; `None` turns it off.
    pub fn set_journal_dir(&mut self, dir: Option<PathBuf>) {
        self.journal_dir = dir;
        self.start_journal();
    }

    fn start_journal(&mut self) {
        if let Some(old) = self.journal.take() {
            let _ = old.remove();
        }
        self.journal_path = self.journal_dir.as_ref().map(|d| Journal::path_for(d, &self.files));
    }

    /// The unsaved part of the history, written after every change.
    fn record_journal(&mut self) {
        let Some(path) = self.journal_path.clone() else {
            return;
        };
        let unsaved: Vec<Change> = self
            .history
            .done()
            .iter()
            .skip(self.saved_at)
            .map(|a| a.change.clone())
            .collect();
        if unsaved.is_empty() && self.history.done().len() >= self.saved_at {
            if let Some(j) = self.journal.take() {
                let _ = j.remove();
            }
            return;
        }
        let header = self.journal_header();
        if self.journal.is_none() {
            match Journal::create(&path, &header) {
                Ok(j) => self.journal = Some(j),
                Err(e) => {
                    self.status = Some(format!(
                        "cannot keep the journal of unsaved changes at {}: {e}",
                        path.display()
                    ));
                    return;
                }
            }
        }
        if let Some(j) = &mut self.journal
            && let Err(e) = j.record(&header, &unsaved)
        {
            self.status = Some(format!(
                "cannot keep the journal of unsaved changes at {}: {e}",
                path.display()
            ));
        }
    }

    /// A journal left by a session that did not end normally, if any.
    pub fn check_recovery(&mut self) {
        let Some(path) = self.journal_path.clone() else {
            return;
        };
        match save::read_journal(&path) {
            Ok(Some(recovered)) => {
                let stale = recovered
                    .header
                    .sources
                    .iter()
                    .zip(&recovered.header.fingerprints)
                    .any(|(s, f)| !f.matches(s));
                self.overlay = Some(Overlay::Recover { recovered, stale });
            }
            Ok(None) => {}
            Err(e) => self.status = Some(format!("cannot read the journal {}: {e}", path.display())),
        }
    }

    pub fn recover_key(&mut self, key: &KeyEvent) {
        let Some(Overlay::Recover { recovered, .. }) = &self.overlay else {
            return;
        };
        match key.code {
            KeyCode::Char('y') | KeyCode::Enter => {
                let recovered: Recovered = recovered.clone();
                self.overlay = None;
                let mut model = (*self.model).clone();
                let mut failed = Vec::new();
                for change in recovered.changes {
                    if let Err(e) = self.history.apply(&mut model, change.clone(), self.now) {
                        failed.push(format!("{}: {e}", change::describe(&change)));
                    }
                }
                let applied = self.history.done().len();
                self.model_changed(model);
                self.status = Some(if failed.is_empty() {
                    format!(
                        "recovered {applied} unsaved change{}; save them with ctrl-s",
                        if applied == 1 { "" } else { "s" }
                    )
                } else {
                    format!(
                        "recovered {applied}; {} could not be applied: {}",
                        failed.len(),
                        failed.join("; ")
                    )
                });
            }
            KeyCode::Char('n') => {
                self.overlay = None;
                if let Some(path) = &self.journal_path {
                    let _ = std::fs::remove_file(path);
                }
                self.status = Some("the unsaved changes of the last session were discarded".to_owned());
            }
            _ => {}
        }
    }

    /// q with unsaved changes asks first.
    pub fn quit_key(&mut self, key: &KeyEvent) {
        match key.code {
            KeyCode::Char('w') => {
                self.overlay = None;
                self.save();
                if self.unsaved() == 0 {
                    self.quit = true;
                }
            }
            KeyCode::Char('q') | KeyCode::Char('y') => {
                self.overlay = None;
                if let Some(j) = self.journal.take() {
                    let _ = j.remove();
                }
                self.quit = true;
            }
            KeyCode::Esc | KeyCode::Char('n') => self.overlay = None,
            _ => {}
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
