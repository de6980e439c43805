//! What a change touched, recorded as it is made, so that undo puts the
//! account back bit for bit: each entity's state before it changed, and
//! which entities were added or deleted where.

use super::aws::AwsStep;
use crate::model::entities::*;
use crate::model::index::{Index, Pending, Slot};

/// Which collection an undo record concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    User,
    Group,
    Role,
    Policy,
    Resource,
    Scp,
    Rcp,
    /// The root user (always index 0).
    Root,
}

#[derive(Debug, Clone)]
pub(super) enum Entity {
    Root(Box<RootUser>),
    User(Box<User>),
    Group(Box<Group>),
    Role(Box<Role>),
    Policy(Box<ManagedPolicy>),
    Resource(Box<ResourcePolicy>),
    Org(Box<OrgPolicy>),
}

/// What undo does, one step.
#[derive(Debug, Clone)]
pub(super) enum Restore {
    /// Put back the entity that was at `index`.
    Replace(Kind, usize, Entity),
    /// Re-insert an entity that was deleted from `index`.
    Insert(Kind, usize, Entity),
    /// Remove the entity a change added at `index`.
    Remove(Kind, usize),
}

pub(super) fn snapshot(account: &Account, kind: Kind, index: usize) -> Entity {
    match kind {
        Kind::User => Entity::User(Box::new(account.users[index].clone())),
        Kind::Group => Entity::Group(Box::new(account.groups[index].clone())),
        Kind::Role => Entity::Role(Box::new(account.roles[index].clone())),
        Kind::Policy => Entity::Policy(Box::new(account.policies[index].clone())),
        Kind::Resource => Entity::Resource(Box::new(account.resource_policies[index].clone())),
        Kind::Scp => Entity::Org(Box::new(account.service_control_policies[index].clone())),
        Kind::Rcp => Entity::Org(Box::new(account.resource_control_policies[index].clone())),
        Kind::Root => Entity::Root(Box::new(account.root.clone())),
    }
}

pub(super) fn put(account: &mut Account, kind: Kind, index: usize, entity: Entity, insert: bool) {
    macro_rules! place {
        ($list:expr, $value:expr) => {
            if insert {
                $list.insert(index, *$value)
            } else {
                $list[index] = *$value
            }
        };
    }
    match (kind, entity) {
        (Kind::User, Entity::User(v)) => place!(account.users, v),
        (Kind::Group, Entity::Group(v)) => place!(account.groups, v),
        (Kind::Role, Entity::Role(v)) => place!(account.roles, v),
        (Kind::Policy, Entity::Policy(v)) => place!(account.policies, v),
        (Kind::Resource, Entity::Resource(v)) => place!(account.resource_policies, v),
        (Kind::Scp, Entity::Org(v)) => place!(account.service_control_policies, v),
        (Kind::Rcp, Entity::Org(v)) => place!(account.resource_control_policies, v),
        (Kind::Root, Entity::Root(v)) => account.root = *v,
        _ => unreachable!("undo records pair a kind with its entity"),
    }
}

pub(super) fn remove(account: &mut Account, kind: Kind, index: usize) {
    match kind {
        Kind::User => drop(account.users.remove(index)),
        Kind::Group => drop(account.groups.remove(index)),
        Kind::Role => drop(account.roles.remove(index)),
        Kind::Policy => drop(account.policies.remove(index)),
        Kind::Resource => drop(account.resource_policies.remove(index)),
        Kind::Scp => drop(account.service_control_policies.remove(index)),
        Kind::Rcp => drop(account.resource_control_policies.remove(index)),
        // the root user is never added, so never removed
        Kind::Root => {}
    }
}

/// Where an undo record's entity sits, as the index names it.
fn slot(kind: Kind, index: usize) -> Slot {
    match kind {
        Kind::User => Slot::User(index),
        Kind::Group => Slot::Group(index),
        Kind::Role => Slot::Role(index),
        Kind::Policy => Slot::Policy(index),
        Kind::Resource => Slot::Resource(index),
        Kind::Scp => Slot::Scp(index),
        Kind::Rcp => Slot::Rcp(index),
        Kind::Root => Slot::Root,
    }
}

/// Recording of what a change touches, in order, and the AWS API calls
/// that make the same change to the real account. The account's index
/// follows every edit made through it.
pub(super) struct Recorder<'a> {
    pub account: &'a mut Account,
    index: &'a mut Index,
    pending: Pending,
    pub undo: Vec<Restore>,
    pub steps: Vec<AwsStep>,
    pub notes: Vec<String>,
}

impl<'a> Recorder<'a> {
    pub fn new(account: &'a mut Account, index: &'a mut Index) -> Recorder<'a> {
        Recorder {
            account,
            index,
            pending: Pending::default(),
            undo: Vec::new(),
            steps: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Note an entity's state before modifying it.
    pub fn touch(&mut self, kind: Kind, index: usize) {
        let entity = snapshot(self.account, kind, index);
        self.index.detach(self.account, slot(kind, index), &mut self.pending);
        self.undo.push(Restore::Replace(kind, index, entity));
    }

    pub fn deleted(&mut self, kind: Kind, index: usize) {
        let entity = snapshot(self.account, kind, index);
        self.remove_at(kind, index);
        self.undo.push(Restore::Insert(kind, index, entity));
    }

    /// After an entity was added at the end of its list.
    pub fn added(&mut self, kind: Kind, index: usize) {
        self.index.inserted(self.account, slot(kind, index), &mut self.pending);
        self.undo.push(Restore::Remove(kind, index));
    }

    fn remove_at(&mut self, kind: Kind, index: usize) {
        self.index.removing(self.account, slot(kind, index), &mut self.pending);
        remove(self.account, kind, index);
        self.index.removed(self.account, slot(kind, index), &mut self.pending);
    }

    /// Undo one step (records are undone newest first).
    pub fn restore(&mut self, restore: Restore) {
        match restore {
            Restore::Replace(kind, index, entity) => {
                self.index.detach(self.account, slot(kind, index), &mut self.pending);
                put(self.account, kind, index, entity, false);
            }
            Restore::Insert(kind, index, entity) => {
                self.index.settle(self.account, &mut self.pending);
                put(self.account, kind, index, entity, true);
                self.index.inserted(self.account, slot(kind, index), &mut self.pending);
            }
            Restore::Remove(kind, index) => self.remove_at(kind, index),
        }
    }

    /// Undo everything recorded so far (a change refused half way).
    pub fn roll_back(&mut self) {
        while let Some(restore) = self.undo.pop() {
            self.restore(restore);
        }
        self.finish();
    }

    /// The change is made: the index describes the account again.
    pub fn finish(&mut self) {
        self.index.settle(self.account, &mut self.pending);
    }

    /// An API call with its parameters, in order.
    pub fn call(&mut self, service: &'static str, operation: &str, parameters: &[(&str, &str)]) {
        self.call_with_flags(service, operation, parameters, &[]);
    }
    /// An API call with parameters and boolean options that are set.
    pub fn call_with_flags(
        &mut self,
        service: &'static str,
        operation: &str,
        parameters: &[(&str, &str)],
        flags: &[&str],
    ) {
        self.steps.push(AwsStep::call(service, operation, parameters, flags));
    }
    /// Something to know or do by hand, beside the calls.
    pub fn comment(&mut self, text: String) {
        self.steps.push(AwsStep::Note(text));
    }
}
