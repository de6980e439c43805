//! The Findings view: what the linter says about every policy of the
//! account, worst first, each row opening its policy at the finding's line.

use std::sync::Arc;

use super::app::{App, Focus, View};
use super::sections::Target;
use crate::analysis::lint::{AccountLint, PolicySource, lint_account};
use crate::model::Holder;
use crate::policy::{Diagnostic, Severity};

/// One row: the policy a finding is about and the finding.
#[derive(Debug, Clone)]
pub struct FindingRow {
    pub locator: String,
    pub source: PolicySource,
    pub finding: Diagnostic,
}

/// The account's findings, errors first, then warnings, then notes; in
/// each severity, in the order of the policies.
pub fn rows(lint: &AccountLint) -> Vec<FindingRow> {
    let mut rows: Vec<FindingRow> = lint
        .findings()
        .map(|(policy, finding)| FindingRow {
            locator: policy.source.locator(),
            source: policy.source.clone(),
            finding: finding.clone(),
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.finding.severity));
    rows
}

impl App {
    /// The lint of the account as it is now, computed on first use.
    pub fn lint(&mut self) -> Arc<Vec<FindingRow>> {
        if self.findings.is_none() {
            self.findings = Some(Arc::new(rows(&lint_account(&self.model))));
        }
        Arc::clone(self.findings.as_ref().expect("just computed"))
    }

    /// `:findings` / `f`: show the Findings view.
    pub fn show_findings(&mut self) {
        let rows = self.lint();
        self.stack.retain(|v| !matches!(v, View::Findings { .. }));
        self.stack.push(View::Findings { cursor: 0, offset: 0 });
        self.focus = Focus::Right;
        let count = |s: Severity| rows.iter().filter(|r| r.finding.severity == s).count();
        self.status = Some(format!(
            "{} errors, {} warnings, {} notes; enter opens the policy at the finding",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        ));
    }

    /// Enter on a finding: the policy's page, the cursor on its line.
    pub fn open_finding(&mut self, index: usize) {
        let rows = self.lint();
        let Some(row) = rows.get(index) else {
            return;
        };
        let Some(target) = self.lint_target(&row.source) else {
            self.status = Some(format!("{} has no page of its own", row.locator));
            return;
        };
        let doc = super::detail::doc(&self.model, &target, self.now);
        let cursor = match row.source {
            // the quota of all inline policies together: the entity's page
            PolicySource::InlinePolicies { .. } => 0,
            _ => super::detail::document_offset(&doc) + row.finding.line.saturating_sub(1),
        };
        self.stack.push(View::Detail {
            target,
            cursor,
            offset: cursor.saturating_sub(3),
        });
        self.status = Some(match &row.finding.help {
            Some(help) => format!("{}: {} — {help}", row.finding.code, row.finding.message),
            None => format!("{}: {}", row.finding.code, row.finding.message),
        });
    }

    fn lint_target(&self, source: &PolicySource) -> Option<Target> {
        let a = self.model.account();
        let holder = |entity: &str| -> Option<Holder> {
            Some(match entity.split_once('/')? {
                ("user", n) => Holder::User(n.to_owned()),
                ("group", n) => Holder::Group(n.to_owned()),
                ("role", n) => Holder::Role(n.to_owned()),
                _ => return None,
            })
        };
        Some(match source {
            PolicySource::ManagedPolicy { arn, .. } => Target::PolicyDocument {
                arn: arn.clone(),
                version: None,
            },
            PolicySource::Inline { entity, name } => Target::Inline {
                holder: holder(entity)?,
                name: name.clone(),
            },
            PolicySource::InlinePolicies { entity } => match holder(entity)? {
                Holder::User(n) => Target::User(n),
                Holder::Group(n) => Target::Group(n),
                Holder::Role(n) => Target::Role(n),
            },
            PolicySource::TrustPolicy { role } => Target::Trust(role.clone()),
            PolicySource::ResourcePolicy { resource } => {
                Target::ResourcePolicy(a.resource_policies.iter().position(|p| &p.resource_arn == resource)?)
            }
            PolicySource::Scp { name, .. } => {
                Target::Scp(a.service_control_policies.iter().position(|p| &p.name == name)?)
            }
            PolicySource::Rcp { name, .. } => {
                Target::Rcp(a.resource_control_policies.iter().position(|p| &p.name == name)?)
            }
        })
    }
}
