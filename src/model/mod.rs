//! The account model: one AWS account's identity and access setup in memory,
//! with typed ARNs and the indices that make the common questions cheap.
//!
//! [`Model`] pairs an [`Account`] with its [`Index`]; every change goes through
//! [`Model::edit`], which keeps the two in step.

pub(crate) mod arn;
pub mod change;
pub(crate) mod entities;
pub(crate) mod entity_ref;
pub mod index;
pub mod inventory;
pub mod quotas;

pub use arn::{Arn, ArnError};
pub use entities::*;
pub use entity_ref::EntityRef;
pub use index::{AppliedPolicy, Dangling, Holder, Index, OrgLevel, PolicyUse, PrincipalEntity};

/// An account and its index, always in step.
#[derive(Debug, Clone)]
pub struct Model {
    account: Account,
    index: Index,
}

impl Model {
    pub fn new(account: Account) -> Model {
        let index = Index::build(&account);
        Model { account, index }
    }

    pub fn account(&self) -> &Account {
        &self.account
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    pub fn into_account(self) -> Account {
        self.account
    }

    /// Change the account; the index is rebuilt afterwards.
    pub fn edit<R>(&mut self, change: impl FnOnce(&mut Account) -> R) -> R {
        let result = change(&mut self.account);
        self.index = Index::build(&self.account);
        result
    }

    pub fn user(&self, name: &str) -> Option<&User> {
        self.index.user(name).map(|i| &self.account.users[i])
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.index.group(name).map(|i| &self.account.groups[i])
    }

    pub fn role(&self, name: &str) -> Option<&Role> {
        self.index.role(name).map(|i| &self.account.roles[i])
    }

    pub fn policy(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.index.policy(arn).map(|i| &self.account.policies[i])
    }

    pub fn identity_pool(&self, id: &str) -> Option<&IdentityPool> {
        self.index.identity_pool(id).map(|i| &self.account.identity_pools[i])
    }

    /// Members of a group, by name.
    pub fn members_of(&self, group: &str) -> Vec<&User> {
        self.index.group(group).map_or_else(Vec::new, |g| {
            self.index
                .members_of(g)
                .iter()
                .map(|&u| &self.account.users[u])
                .collect()
        })
    }
}

impl PartialEq for Model {
    fn eq(&self, other: &Model) -> bool {
        self.account == other.account
    }
}
