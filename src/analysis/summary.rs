//! What an account holds, counted, with what the loader noticed.

use serde::Serialize;

use crate::io::ImportReport;
use crate::model::Model;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub users: usize,
    pub groups: usize,
    pub roles: usize,
    pub service_linked_roles: usize,
    pub policies: usize,
    pub aws_managed_policies: usize,
    pub customer_managed_policies: usize,
    pub inline_policies: usize,
    pub resource_policies: usize,
    pub service_control_policies: usize,
    pub resource_control_policies: usize,
    pub identity_pools: usize,
    pub user_pools: usize,
    /// `None` when no loaded file listed the account's SAML providers.
    pub saml_providers: Option<usize>,
    pub oidc_providers: Option<usize>,
    pub access_keys: usize,
    pub active_access_keys: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountSummary {
    pub account_id: String,
    pub account_alias: Option<String>,
    pub sources: Vec<String>,
    pub partial: bool,
    pub counts: Counts,
    pub warnings: Vec<String>,
    pub unresolved: Vec<String>,
}

impl Counts {
    pub fn of(model: &Model) -> Counts {
        let a = model.account();
        let aws_managed = a.policies.iter().filter(|p| p.is_aws_managed()).count();
        let credentials = a
            .users
            .iter()
            .filter_map(|u| u.credentials.as_ref())
            .chain(a.root.credentials.as_ref());
        let (mut keys, mut active) = (0, 0);
        for c in credentials {
            keys += c.access_keys.len();
            active += c.active_access_keys();
        }
        Counts {
            users: a.users.len(),
            groups: a.groups.len(),
            roles: a.roles.len(),
            service_linked_roles: a.roles.iter().filter(|r| r.is_service_linked()).count(),
            policies: a.policies.len(),
            aws_managed_policies: aws_managed,
            customer_managed_policies: a.policies.len() - aws_managed,
            inline_policies: a.users.iter().map(|u| u.inline_policies.len()).sum::<usize>()
                + a.groups.iter().map(|g| g.inline_policies.len()).sum::<usize>()
                + a.roles.iter().map(|r| r.inline_policies.len()).sum::<usize>(),
            resource_policies: a.resource_policies.len(),
            service_control_policies: a.service_control_policies.len(),
            resource_control_policies: a.resource_control_policies.len(),
            identity_pools: a.identity_pools.len(),
            user_pools: a.user_pools.len(),
            saml_providers: a.saml_providers.as_ref().map(Vec::len),
            oidc_providers: a.oidc_providers.as_ref().map(Vec::len),
            access_keys: keys,
            active_access_keys: active,
        }
    }
}

impl AccountSummary {
    pub fn of(model: &Model, report: &ImportReport) -> AccountSummary {
        AccountSummary {
            account_id: model.account().id.clone(),
            account_alias: model.account().alias.clone(),
            sources: report.sources.clone(),
            partial: report.partial,
            counts: Counts::of(model),
            warnings: report
                .warnings
                .iter()
                .filter(|w| !w.message.starts_with("unresolved reference"))
                .map(crate::io::Warning::describe)
                .collect(),
            unresolved: model.index().dangling().iter().map(|d| d.describe()).collect(),
        }
    }
}

/// A count of something the files may not have listed at all.
fn listed(count: Option<usize>) -> String {
    count.map_or_else(|| "not in the files".to_owned(), |n| n.to_string())
}

impl AccountSummary {
    /// The summary as lines of text: what `iamscope summary` prints and
    /// the explorer's `:summary` shows.
    pub fn lines(&self) -> Vec<String> {
        let c = &self.counts;
        let name = match &self.account_alias {
            Some(alias) => format!("{} ({alias})", self.account_id),
            None => self.account_id.clone(),
        };
        let mut lines = vec![format!("Account {name}, from {}", self.sources.join(", "))];
        if self.partial {
            lines.push("  PARTIAL EXPORT: more pages exist (IsTruncated: true)".to_owned());
        }
        let rows = [
            ("users", c.users.to_string()),
            ("groups", c.groups.to_string()),
            (
                "roles",
                format!("{} ({} service-linked)", c.roles, c.service_linked_roles),
            ),
            (
                "managed policies",
                format!(
                    "{} ({} AWS managed, {} customer managed)",
                    c.policies, c.aws_managed_policies, c.customer_managed_policies
                ),
            ),
            ("inline policies", c.inline_policies.to_string()),
            ("resource policies", c.resource_policies.to_string()),
            ("SCPs", c.service_control_policies.to_string()),
            ("RCPs", c.resource_control_policies.to_string()),
            ("identity pools", c.identity_pools.to_string()),
            ("user pools", c.user_pools.to_string()),
            ("SAML providers", listed(c.saml_providers)),
            ("OIDC providers", listed(c.oidc_providers)),
            (
                "access keys",
                format!("{} ({} active)", c.access_keys, c.active_access_keys),
            ),
        ];
        for (label, value) in rows {
            lines.push(format!("  {label:<18} {value}"));
        }
        if !self.warnings.is_empty() {
            lines.push(format!("Warnings ({}):", self.warnings.len()));
            lines.extend(self.warnings.iter().map(|w| format!("  - {w}")));
        }
        if !self.unresolved.is_empty() {
            lines.push(format!("Unresolved references ({}):", self.unresolved.len()));
            lines.extend(self.unresolved.iter().map(|u| format!("  - {u}")));
        }
        lines
    }
}
