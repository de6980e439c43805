//! Turning files into an [`Account`]: one GAAD file, several pages of one, or a
//! workspace file, plus an optional credential report. Anything odd but usable
//! becomes a warning in the [`ImportReport`]; only what cannot be understood
//! is an error.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::credential_report::{self, CredentialRow};
use super::dates::AwsDate;
use super::detect;
use super::error::{Excerpt, LoadError};
use super::raw::*;
use crate::model::arn::normalise_path;
use crate::model::quotas;
use crate::model::*;
use crate::policy::PolicyDocument;

/// Where an account comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountSource {
    File(PathBuf),
    /// The demo account embedded in the binary.
    Demo,
}

impl AccountSource {
    pub fn describe(&self) -> String {
        match self {
            AccountSource::File(path) => path.display().to_string(),
            AccountSource::Demo => "the built-in demo account".to_owned(),
        }
    }
}

/// Something worth knowing about the loaded files that did not stop loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file it concerns.
    pub source: String,
    pub message: String,
    /// Whether answers about the account may be wrong because of it (a policy
    /// that cannot be evaluated, a reference to nothing, a partial export),
    /// rather than merely something to know: every command shows these.
    pub affects_answers: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub sources: Vec<String>,
    pub warnings: Vec<Warning>,
    /// The export is one page of a longer listing (`IsTruncated: true`).
    pub partial: bool,
}

impl Warning {
    /// `FILE: message`, as every command prints it.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.source, self.message)
    }
}

impl ImportReport {
    /// The warnings every answer about the account carries (on stderr, and as
    /// `warnings` in its JSON): those that may make the answer wrong.
    pub fn answer_warnings(&self) -> Vec<String> {
        self.warnings
            .iter()
            .filter(|w| w.affects_answers)
            .map(Warning::describe)
            .collect()
    }
}

/// A loaded account with what the loader noticed.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub model: Model,
    pub report: ImportReport,
}

pub const DEMO_ACCOUNT: &[u8] = include_bytes!("../../assets/demo/demo-account.json");

/// Load one account from its pages (or the demo) and an optional credential
/// report, reading no file larger than [`super::limits::DEFAULT_MAX_INPUT`].
pub fn load(sources: &[AccountSource], credential_report: Option<&Path>) -> Result<Loaded, LoadError> {
    load_with_limit(sources, credential_report, super::limits::DEFAULT_MAX_INPUT)
}

/// [`load`], reading files of at most `max_input` bytes each.
pub fn load_with_limit(
    sources: &[AccountSource],
    credential_report: Option<&Path>,
    max_input: u64,
) -> Result<Loaded, LoadError> {
    let read = |path: &Path| super::limits::read_limited(path, max_input);
    let mut builder = Builder::default();
    let demo = [AccountSource::Demo];
    let sources = if sources.is_empty() { &demo[..] } else { sources };
    for source in sources {
        let (path, bytes) = match source {
            AccountSource::File(path) => (path.clone(), read(path)?),
            AccountSource::Demo => (PathBuf::from("demo-account.json"), DEMO_ACCOUNT.to_vec()),
        };
        let raw = parse_account_bytes(&path, &bytes)?;
        builder.add_file(&source.describe(), &path, raw)?;
    }
    if let Some(path) = credential_report {
        let bytes = read(path)?;
        let rows = credential_report::parse(path, &bytes)?;
        builder.credential_rows.push((path.display().to_string(), rows));
    }
    Ok(builder.finish())
}

/// Load an account from bytes already in memory (tests, benchmarks, the editor's recovery).
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Loaded, LoadError> {
    let mut builder = Builder::default();
    let path = PathBuf::from(name);
    let raw = parse_account_bytes(&path, bytes)?;
    builder.add_file(name, &path, raw)?;
    Ok(builder.finish())
}

/// Parse the bytes of one account file, turning every failure into an error
/// that names the place and, for files of another kind, what to do instead.
pub fn parse_account_bytes(path: &Path, bytes: &[u8]) -> Result<RawAccountFile, LoadError> {
    let text = detect::check_text(path, bytes)?;
    if let Some(wrong) = detect::wrong_kind_before_parse(path, text) {
        return Err(wrong);
    }
    crate::json::check(text, ACCOUNT_DEPTH).map_err(|e| strict_error(path, text, e))?;
    match serde_json::from_slice::<RawAccountFile>(text) {
        Ok(raw) => {
            if !raw.has_account_keys() {
                return Err(detect::wrong_kind_of_object(path, &raw.extra));
            }
            Ok(raw)
        }
        Err(error) => Err(json_error(path, text, error)),
    }
}

/// An export nests about a dozen levels (file, list, user, inline policy,
/// document, statement, condition, operator, key, values); workspace files
/// keep unknown keys, so leave room for more, but not for a stack's worth.
pub const ACCOUNT_DEPTH: crate::json::DepthLimit = crate::json::DepthLimit {
    levels: 64,
    why: "an account export nests about a dozen levels; this is not one",
};

fn strict_error(path: &Path, text: &[u8], error: crate::json::StrictError) -> LoadError {
    let at = error.location();
    let json_path = match &error {
        crate::json::StrictError::DuplicateKey { path, .. } | crate::json::StrictError::TooDeep { path, .. } => {
            Some(path.clone())
        }
    };
    LoadError::Json {
        path: path.to_owned(),
        line: at.line,
        column: at.column,
        message: error.to_string(),
        json_path,
        excerpt: Excerpt::at(text, at.line, at.column),
    }
}

fn json_error(path: &Path, text: &[u8], error: serde_json::Error) -> LoadError {
    use serde_json::error::Category;
    if error.classify() == Category::Data
        && error.line() == 1
        && text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
    {
        return LoadError::WrongKind {
            path: path.to_owned(),
            looks_like: "is a JSON list".to_owned(),
            advice: "expected the object that `aws iam get-account-authorization-details` prints, with UserDetailList, GroupDetailList, RoleDetailList and Policies".to_owned(),
        };
    }
    // Find the JSON path only now, on the failure path, so loading pays nothing for it.
    let json_path = if error.classify() == Category::Data {
        let mut deserializer = serde_json::Deserializer::from_slice(text);
        match serde_path_to_error::deserialize::<_, RawAccountFile>(&mut deserializer) {
            Err(e) => Some(e.path().to_string()).filter(|p| p != "."),
            Ok(_) => None,
        }
    } else {
        None
    };
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    };
    let advice = match error.classify() {
        Category::Eof => " — the file ends early; was the download or copy cut off?",
        Category::Syntax => " — this is not valid JSON; fix the file or export it again",
        _ => "",
    };
    LoadError::Json {
        path: path.to_owned(),
        line: error.line(),
        column: error.column(),
        message: format!("{message}{advice}"),
        json_path,
        excerpt: Excerpt::at(text, error.line(), error.column()),
    }
}

#[derive(Default)]
struct Builder {
    account: Account,
    report: ImportReport,
    account_id_source: Option<String>,
    truncated_pages: usize,
    pages: usize,
    users: HashSet<String>,
    groups: HashSet<String>,
    roles: HashSet<String>,
    policies: HashSet<String>,
    credential_rows: Vec<(String, Vec<CredentialRow>)>,
    /// Unknown keys per list, reported once per list.
    unknown_keys: Vec<(&'static str, BTreeSet<String>)>,
}

impl Builder {
    fn warn(&mut self, source: &str, message: impl Into<String>) {
        self.report.warnings.push(Warning {
            source: source.to_owned(),
            message: message.into(),
            affects_answers: false,
        });
    }

    fn warn_answers(&mut self, source: &str, message: impl Into<String>) {
        self.warn(source, message);
        if let Some(w) = self.report.warnings.last_mut() {
            w.affects_answers = true;
        }
    }

    fn note_unknown_keys(&mut self, list: &'static str, extra: &Map<String, Value>) {
        if extra.is_empty() {
            return;
        }
        let entry = match self.unknown_keys.iter_mut().find(|(l, _)| *l == list) {
            Some(entry) => entry,
            None => {
                self.unknown_keys.push((list, BTreeSet::new()));
                self.unknown_keys.last_mut().expect("just pushed")
            }
        };
        entry.1.extend(extra.keys().cloned());
    }

    fn add_file(&mut self, source: &str, path: &Path, raw: RawAccountFile) -> Result<(), LoadError> {
        self.report.sources.push(source.to_owned());
        self.pages += 1;
        let RawAccountFile {
            users,
            groups,
            roles,
            policies,
            is_truncated,
            marker: _,
            account_id,
            account_alias,
            resource_policies,
            service_control_policies,
            resource_control_policies,
            identity_pools,
            user_pools,
            saml_providers,
            oidc_providers,
            saml_provider_list,
            oidc_provider_list,
            credential_report,
            inventory,
            extra,
        } = raw;

        if is_truncated == Some(true) {
            self.truncated_pages += 1;
        }
        let invalid = |message: String| LoadError::Invalid {
            path: path.to_owned(),
            message,
        };

        // The account: from AccountId, else from the first ARN that names one.
        let file_account = account_id.clone().or_else(|| {
            let arns = users.iter().flatten().filter_map(|u| u.arn.as_deref());
            let arns = arns.chain(groups.iter().flatten().filter_map(|g| g.arn.as_deref()));
            let arns = arns.chain(roles.iter().flatten().filter_map(|r| r.arn.as_deref()));
            let arns = arns.chain(policies.iter().flatten().filter_map(|p| p.arn.as_deref()));
            let arns = arns.chain(
                [&saml_providers, &saml_provider_list]
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter_map(|p| p.arn.as_deref()),
            );
            let arns = arns.chain(
                [&oidc_providers, &oidc_provider_list]
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter_map(|p| p.arn.as_deref()),
            );
            arns.filter_map(|a| Arn::parse(a).ok())
                .find(|a| a.account() != "aws" && !a.account().is_empty())
                .map(|a| {
                    if self.account.partition.is_empty() {
                        self.account.partition = a.partition().to_owned();
                    }
                    a.account().to_owned()
                })
        });
        if let Some(id) = file_account {
            match &self.account_id_source {
                None => {
                    self.account.id = id;
                    self.account_id_source = Some(source.to_owned());
                }
                Some(_) if self.account.id != id => {
                    return Err(LoadError::MixedAccounts {
                        first: self.account.id.clone(),
                        second: id,
                    });
                }
                Some(_) => {}
            }
        }
        if self.account.partition.is_empty() {
            self.account.partition = "aws".to_owned();
        }
        if let Some(alias) = account_alias {
            self.account.alias = Some(alias);
        }

        for (key, value) in extra {
            self.warn(
                source,
                format!("top-level key `{key}` is not one iamscope uses; it is kept for export"),
            );
            self.account.extra.insert(key, value);
        }

        for (i, raw) in users.into_iter().flatten().enumerate() {
            let at = format!("UserDetailList[{i}]");
            let user = self.user(raw, &at).map_err(invalid)?;
            limits::user(&user, &at).map_err(invalid)?;
            if self.users.insert(user.name.clone()) {
                self.account.users.push(user);
            } else {
                self.warn(
                    source,
                    format!("{at}: user {} appears twice; the first is kept", user.name),
                );
            }
        }
        for (i, raw) in groups.into_iter().flatten().enumerate() {
            let at = format!("GroupDetailList[{i}]");
            let group = self.group(raw, &at).map_err(invalid)?;
            limits::group(&group, &at).map_err(invalid)?;
            if self.groups.insert(group.name.clone()) {
                self.account.groups.push(group);
            } else {
                self.warn(
                    source,
                    format!("{at}: group {} appears twice; the first is kept", group.name),
                );
            }
        }
        for (i, raw) in roles.into_iter().flatten().enumerate() {
            let at = format!("RoleDetailList[{i}]");
            let role = self.role(raw, &at).map_err(invalid)?;
            limits::role(&role, &at).map_err(invalid)?;
            if self.roles.insert(role.name.clone()) {
                self.account.roles.push(role);
            } else {
                self.warn(
                    source,
                    format!("{at}: role {} appears twice; the first is kept", role.name),
                );
            }
        }
        for (i, raw) in policies.into_iter().flatten().enumerate() {
            let at = format!("Policies[{i}]");
            let policy = self.managed_policy(raw, &at).map_err(invalid)?;
            limits::managed_policy(&policy, &at).map_err(invalid)?;
            if self.policies.insert(policy.arn.to_string()) {
                self.account.policies.push(policy);
            } else {
                self.warn(
                    source,
                    format!("{at}: policy {} appears twice; the first is kept", policy.arn),
                );
            }
        }
        for (i, raw) in resource_policies.into_iter().flatten().enumerate() {
            let at = format!("ResourcePolicies[{i}]");
            let resource_arn = raw.resource_arn.ok_or_else(|| {
                invalid(format!(
                    "{at} has no ResourceArn: add the ARN of the resource the policy is attached to"
                ))
            })?;
            Arn::parse(&resource_arn).map_err(|e| invalid(format!("{at}.ResourceArn: {e}")))?;
            let policy = document(raw.policy).ok_or_else(|| invalid(format!("{at} has no Policy")))?;
            limits::document(
                &policy,
                &format!("{at}.Policy"),
                "resource-based policy",
                quotas::HARD_DOCUMENT_SIZE,
                "far beyond any service's quota for resource-based policies",
            )
            .map_err(invalid)?;
            self.account.resource_policies.push(ResourcePolicy {
                resource_arn,
                policy,
                extra: raw.extra,
            });
        }
        for (list, target) in [
            ("ServiceControlPolicies", service_control_policies),
            ("ResourceControlPolicies", resource_control_policies),
        ] {
            for (i, raw) in target.into_iter().flatten().enumerate() {
                let at = format!("{list}[{i}]");
                let policy = document(raw.policy).ok_or_else(|| invalid(format!("{at} has no Policy")))?;
                limits::document(
                    &policy,
                    &format!("{at}.Policy"),
                    "policy",
                    quotas::ORG_POLICY_SIZE,
                    "AWS Organizations quotas: policy document size",
                )
                .map_err(invalid)?;
                let org_policy = OrgPolicy {
                    name: raw.name.unwrap_or_else(|| format!("{list}[{i}]")),
                    target: OrgTarget::parse(raw.target.as_deref()),
                    policy,
                    extra: raw.extra,
                };
                if list == "ServiceControlPolicies" {
                    self.account.service_control_policies.push(org_policy);
                } else {
                    self.account.resource_control_policies.push(org_policy);
                }
            }
        }
        for (i, raw) in identity_pools.into_iter().flatten().enumerate() {
            let at = format!("IdentityPools[{i}]");
            let id = raw.id.ok_or_else(|| invalid(format!("{at} has no IdentityPoolId")))?;
            let roles = raw.roles.unwrap_or_default();
            self.account.identity_pools.push(IdentityPool {
                name: raw.name.unwrap_or_else(|| id.clone()),
                id,
                allow_unauthenticated: raw.allow_unauthenticated.unwrap_or(false),
                allow_classic_flow: raw.allow_classic_flow,
                providers: raw
                    .providers
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|p| {
                        Some(CognitoProvider {
                            provider_name: p.provider_name?,
                            client_id: p.client_id,
                            server_side_token_check: p.server_side_token_check,
                        })
                    })
                    .collect(),
                authenticated_role: roles.authenticated,
                unauthenticated_role: roles.unauthenticated,
                extra: raw.extra,
            });
        }
        for (i, raw) in user_pools.into_iter().flatten().enumerate() {
            let at = format!("UserPools[{i}]");
            let id = raw.id.ok_or_else(|| invalid(format!("{at} has no Id")))?;
            self.account.user_pools.push(UserPool {
                name: raw.name.unwrap_or_else(|| id.clone()),
                id,
                arn: raw.arn,
                extra: raw.extra,
            });
        }
        for (list, raws) in [
            ("SAMLProviders", saml_providers),
            ("SAMLProviderList", saml_provider_list),
        ] {
            let Some(raws) = raws else { continue };
            self.account.saml_providers.get_or_insert_with(Vec::new);
            for (i, raw) in raws.into_iter().enumerate() {
                let at = format!("{list}[{i}]");
                let provider = saml_provider(raw, &at).map_err(invalid)?;
                limits::saml_provider(&provider, &at).map_err(invalid)?;
                self.check_provider_account(source, &at, &provider.arn);
                let providers = self.account.saml_providers.get_or_insert_with(Vec::new);
                match providers.iter_mut().find(|p| p.arn == provider.arn) {
                    // list-saml-providers and get-saml-provider describe one
                    // provider in two places: what one lacks the other gives.
                    Some(known) => merge_saml(known, provider),
                    None => providers.push(provider),
                }
            }
        }
        for (list, raws) in [
            ("OpenIDConnectProviders", oidc_providers),
            ("OpenIDConnectProviderList", oidc_provider_list),
        ] {
            let Some(raws) = raws else { continue };
            self.account.oidc_providers.get_or_insert_with(Vec::new);
            for (i, raw) in raws.into_iter().enumerate() {
                let at = format!("{list}[{i}]");
                let (provider, url_mismatch) = oidc_provider(raw, &at).map_err(invalid)?;
                limits::oidc_provider(&provider, &at).map_err(invalid)?;
                if let Some(given) = url_mismatch {
                    self.warn(
                        source,
                        format!(
                            "{at}.Url `{given}` is not the URL its ARN names (`{}`); the ARN's is used",
                            provider.url
                        ),
                    );
                }
                self.check_provider_account(source, &at, &provider.arn);
                let providers = self.account.oidc_providers.get_or_insert_with(Vec::new);
                match providers.iter_mut().find(|p| p.arn == provider.arn) {
                    Some(known) => merge_oidc(known, provider),
                    None => providers.push(provider),
                }
            }
        }
        if let Some(inventory) = inventory {
            for gap in &inventory.not_listed {
                let region = gap.region.as_ref().map(|r| format!(" in {r}")).unwrap_or_default();
                self.warn(
                    source,
                    format!(
                        "the inventory's {}{region} could not be read in full ({}): escalation paths through them stay conditional",
                        gap.list, gap.reason
                    ),
                );
            }
            if self.account.inventory.is_some() {
                self.warn(source, "a second Inventory is ignored: the first file's is used");
            } else {
                self.account.inventory = Some(inventory);
            }
        }
        if let Some(rows) = credential_report {
            let rows = rows
                .into_iter()
                .enumerate()
                .map(|(i, row)| {
                    CredentialRow::from_json(row).map_err(|m| invalid(format!("CredentialReport[{i}]: {m}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            self.credential_rows.push((source.to_owned(), rows));
        }
        Ok(())
    }

    fn finish(mut self) -> Loaded {
        if self.pages > 0 && self.truncated_pages == self.pages {
            self.report.partial = true;
            let source = self.report.sources.last().cloned().unwrap_or_default();
            self.warn_answers(
                &source,
                "the export is partial (IsTruncated: true): get-account-authorization-details has more pages; \
                 fetch them with the CLI's automatic pagination (omit --max-items) or pass every page with --account",
            );
        }
        if self.account.id.is_empty() {
            self.account.id = "000000000000".to_owned();
            let source = self.report.sources.first().cloned().unwrap_or_default();
            self.warn(
                &source,
                "no AccountId and no ARN naming the account: using 000000000000",
            );
        }
        for (list, keys) in std::mem::take(&mut self.unknown_keys) {
            let keys = keys.into_iter().collect::<Vec<_>>().join(", ");
            let source = self.report.sources.first().cloned().unwrap_or_default();
            self.warn(
                &source,
                format!("{list} entries carry keys iamscope does not use ({keys}); they are kept for export"),
            );
        }
        for (source, rows) in std::mem::take(&mut self.credential_rows) {
            for message in credential_report::merge(&mut self.account, rows) {
                self.warn(&source, message);
            }
        }
        let resolved = resolve_from_library(&mut self.account);
        if !resolved.is_empty() {
            let source = self.report.sources.first().cloned().unwrap_or_default();
            let library = crate::catalog::managed::aws_managed_policies().source();
            // The built-in copy may be another version than the account's.
            self.warn_answers(
                &source,
                format!(
                    "the export refers to AWS managed policies it does not contain ({}); iamscope uses its built-in copies ({library})",
                    resolved.join(", ")
                ),
            );
        }
        for message in missing_default_versions(&self.account) {
            let source = self.report.sources.first().cloned().unwrap_or_default();
            self.warn_answers(&source, message);
        }
        let model = Model::new(self.account);
        let mut report = self.report;
        let first = report.sources.first().cloned().unwrap_or_default();
        for dangling in model.index().dangling() {
            report.warnings.push(Warning {
                source: first.clone(),
                message: format!("unresolved reference: {}", dangling.describe()),
                affects_answers: true,
            });
        }
        Loaded { model, report }
    }

    /// An identity provider of another account than the file's is kept,
    /// but no role of this account can use it.
    fn check_provider_account(&mut self, source: &str, at: &str, arn: &Arn) {
        if !self.account.id.is_empty() && arn.account() != self.account.id {
            let account = self.account.id.clone();
            self.warn(
                source,
                format!(
                    "{at}: provider {arn} belongs to account {}, not to account {account}",
                    arn.account()
                ),
            );
        }
    }

    /// Name and ARN of an IAM entity: either may be missing, not both.
    fn identity(
        &self,
        kind: &str,
        name: Option<String>,
        arn: Option<String>,
        path: &str,
        at: &str,
    ) -> Result<(String, Arn), String> {
        match (name, arn) {
            (_, Some(arn)) => {
                let parsed = Arn::parse(&arn).map_err(|e| format!("{at}.Arn: {e}"))?;
                let name = parsed.resource_name().to_owned();
                Ok((name, parsed))
            }
            (Some(name), None) => Ok((
                name.clone(),
                Arn::iam(&self.account.partition, &self.account.id, kind, path, &name),
            )),
            (None, None) => Err(format!("{at} has neither a name nor an Arn")),
        }
    }

    fn user(&mut self, raw: RawUser, at: &str) -> Result<User, String> {
        self.note_unknown_keys("UserDetailList", &raw.extra);
        let path = normalise_path(raw.path.as_deref().unwrap_or("/"));
        let (arn_name, arn) = self.identity("user", raw.name.clone(), raw.arn, &path, at)?;
        let credentials = workspace_credentials(
            raw.login_profile,
            raw.password_last_used,
            raw.mfa_devices,
            raw.access_keys,
        );
        Ok(User {
            name: raw.name.unwrap_or(arn_name),
            id: raw.id.unwrap_or_default(),
            arn,
            path,
            created: date(raw.created),
            tags: tags(raw.tags),
            groups: raw.groups.unwrap_or_default(),
            attached_policies: attached(raw.attached_policies),
            inline_policies: inline(raw.inline_policies, at)?,
            permissions_boundary: boundary(raw.permissions_boundary),
            credentials,
            extra: raw.extra,
        })
    }

    fn group(&mut self, raw: RawGroup, at: &str) -> Result<Group, String> {
        self.note_unknown_keys("GroupDetailList", &raw.extra);
        let path = normalise_path(raw.path.as_deref().unwrap_or("/"));
        let (arn_name, arn) = self.identity("group", raw.name.clone(), raw.arn, &path, at)?;
        Ok(Group {
            name: raw.name.unwrap_or(arn_name),
            id: raw.id.unwrap_or_default(),
            arn,
            path,
            created: date(raw.created),
            attached_policies: attached(raw.attached_policies),
            inline_policies: inline(raw.inline_policies, at)?,
            extra: raw.extra,
        })
    }

    fn role(&mut self, raw: RawRole, at: &str) -> Result<Role, String> {
        self.note_unknown_keys("RoleDetailList", &raw.extra);
        let path = normalise_path(raw.path.as_deref().unwrap_or("/"));
        let (arn_name, arn) = self.identity("role", raw.name.clone(), raw.arn, &path, at)?;
        Ok(Role {
            name: raw.name.unwrap_or(arn_name),
            id: raw.id.unwrap_or_default(),
            arn,
            path,
            created: date(raw.created),
            description: raw.description,
            trust_policy: document(raw.trust_policy),
            attached_policies: attached(raw.attached_policies),
            inline_policies: inline(raw.inline_policies, at)?,
            permissions_boundary: boundary(raw.permissions_boundary),
            instance_profiles: raw
                .instance_profiles
                .unwrap_or_default()
                .into_iter()
                .map(|p| InstanceProfile {
                    name: p.name.unwrap_or_default(),
                    id: p.id.unwrap_or_default(),
                    arn: p.arn.unwrap_or_default(),
                    path: normalise_path(p.path.as_deref().unwrap_or("/")),
                    created: date(p.created),
                })
                .collect(),
            max_session_duration: raw.max_session_duration,
            last_used: raw.last_used.and_then(|l| {
                let last = RoleLastUsed {
                    date: date(l.date),
                    region: l.region,
                };
                (last.date.is_some() || last.region.is_some()).then_some(last)
            }),
            tags: tags(raw.tags),
            extra: raw.extra,
        })
    }

    fn managed_policy(&mut self, raw: RawManagedPolicy, at: &str) -> Result<ManagedPolicy, String> {
        self.note_unknown_keys("Policies", &raw.extra);
        let path = normalise_path(raw.path.as_deref().unwrap_or("/"));
        let (arn_name, arn) = self.identity("policy", raw.name.clone(), raw.arn, &path, at)?;
        let mut versions = Vec::new();
        for (i, v) in raw.versions.unwrap_or_default().into_iter().enumerate() {
            let Some(document) = document(v.document) else {
                return Err(format!("{at}.PolicyVersionList[{i}] has no Document"));
            };
            versions.push(PolicyVersion {
                id: v.id.unwrap_or_else(|| format!("v{}", i + 1)),
                is_default: v.is_default.unwrap_or(false),
                created: date(v.created),
                document,
            });
        }
        let default_version_id = raw
            .default_version_id
            .or_else(|| versions.iter().find(|v| v.is_default).map(|v| v.id.clone()))
            .unwrap_or_else(|| "v1".to_owned());
        Ok(ManagedPolicy {
            name: raw.name.unwrap_or(arn_name),
            id: raw.id.unwrap_or_default(),
            arn,
            path,
            description: raw.description,
            default_version_id,
            attachment_count: raw.attachment_count,
            boundary_usage_count: raw.boundary_usage_count,
            is_attachable: raw.is_attachable.unwrap_or(true),
            created: date(raw.created),
            updated: date(raw.updated),
            versions,
            tags: tags(raw.tags),
            origin: PolicyOrigin::Export,
            extra: raw.extra,
        })
    }
}

/// Managed policies in use (attached, or a permissions boundary) whose default
/// version the export lacks: the engine cannot read them, so whatever they
/// allow or deny is missing from every answer. One message per policy.
fn missing_default_versions<'a>(account: &'a Account) -> Vec<String> {
    // In the order first met, for stable messages.
    let mut holders: Vec<(&str, Vec<String>)> = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    let mut note = |arn: &'a str, holder: String| match slot.get(arn) {
        Some(&i) => holders[i].1.push(holder),
        None => {
            slot.insert(arn, holders.len());
            holders.push((arn, vec![holder]));
        }
    };
    for u in &account.users {
        for a in &u.attached_policies {
            note(&a.arn, format!("user {}", u.name));
        }
        if let Some(b) = &u.permissions_boundary {
            note(&b.arn, format!("user {} (as its permissions boundary)", u.name));
        }
    }
    for g in &account.groups {
        for a in &g.attached_policies {
            note(&a.arn, format!("group {}", g.name));
        }
    }
    for r in &account.roles {
        for a in &r.attached_policies {
            note(&a.arn, format!("role {}", r.name));
        }
        if let Some(b) = &r.permissions_boundary {
            note(&b.arn, format!("role {} (as its permissions boundary)", r.name));
        }
    }
    let policies: HashMap<&str, &ManagedPolicy> = account.policies.iter().map(|p| (p.arn.as_str(), p)).collect();
    let mut out = Vec::new();
    for (arn, list) in holders {
        let Some(policy) = policies.get(arn) else {
            continue; // a reference to nothing: reported as unresolved
        };
        if policy.default_version().is_some() {
            continue;
        }
        let shown: Vec<&str> = list.iter().take(3).map(String::as_str).collect();
        let more = if list.len() > 3 {
            format!(" and {} more", list.len() - 3)
        } else {
            String::new()
        };
        out.push(format!(
            "managed policy {} is attached to {}{more}, but its default version {} is not in the export: \
             what it allows or denies is left out of every answer — export the account again \
             (get-account-authorization-details lists every version of each policy)",
            policy.name,
            shown.join(", "),
            policy.default_version_id
        ));
    }
    out
}

/// AWS managed policies that users, groups and roles attach (or use as a
/// boundary) but the export lacks — a partial or filtered export — come from
/// the built-in library, marked as such, so evaluation still sees them.
/// Returns their names.
fn resolve_from_library(account: &mut Account) -> Vec<String> {
    let library = crate::catalog::managed::aws_managed_policies();
    let known: HashSet<String> = account.policies.iter().map(|p| p.arn.to_string()).collect();
    let mut wanted: Vec<&str> = Vec::new();
    let attachments = account
        .users
        .iter()
        .flat_map(|u| {
            u.attached_policies
                .iter()
                .map(|a| a.arn.as_str())
                .chain(u.permissions_boundary.iter().map(|b| b.arn.as_str()))
        })
        .chain(
            account
                .groups
                .iter()
                .flat_map(|g| g.attached_policies.iter().map(|a| a.arn.as_str())),
        )
        .chain(account.roles.iter().flat_map(|r| {
            r.attached_policies
                .iter()
                .map(|a| a.arn.as_str())
                .chain(r.permissions_boundary.iter().map(|b| b.arn.as_str()))
        }));
    for arn in attachments {
        if arn.contains(":iam::aws:policy/") && !known.contains(arn) && !wanted.contains(&arn) {
            wanted.push(arn);
        }
    }
    let mut added = Vec::new();
    let mut names = Vec::new();
    for arn in wanted {
        let Some(p) = library.get_by_arn(arn) else {
            continue;
        };
        let Some(policy) = ManagedPolicy::from_library(p) else {
            continue;
        };
        names.push(p.name.to_owned());
        added.push(policy);
    }
    account.policies.extend(added);
    names
}

/// A SAML provider entry; its ARN is required and must name a SAML provider.
fn saml_provider(raw: RawSamlProvider, at: &str) -> Result<SamlProvider, String> {
    let arn = raw.arn.ok_or_else(|| {
        format!(
            "{at} has no Arn: add the provider's ARN as list-saml-providers prints it (arn:aws:iam::ACCOUNT:saml-provider/NAME)"
        )
    })?;
    let arn = Arn::parse(&arn).map_err(|e| format!("{at}.Arn: {e}"))?;
    let named = arn
        .resource()
        .strip_prefix("saml-provider/")
        .is_some_and(|n| !n.is_empty());
    if arn.service() != "iam" || !named {
        return Err(format!(
            "{at}.Arn: {arn} is not a SAML provider's ARN (arn:aws:iam::ACCOUNT:saml-provider/NAME)"
        ));
    }
    Ok(SamlProvider {
        arn,
        metadata_document: raw.metadata_document,
        created: date(raw.created),
        valid_until: date(raw.valid_until),
        tags: tags(raw.tags),
        extra: raw.extra,
    })
}

fn merge_saml(known: &mut SamlProvider, more: SamlProvider) {
    known.metadata_document = known.metadata_document.take().or(more.metadata_document);
    known.created = known.created.or(more.created);
    known.valid_until = known.valid_until.or(more.valid_until);
    if known.tags.is_empty() {
        known.tags = more.tags;
    }
    for (key, value) in more.extra {
        known.extra.entry(key).or_insert(value);
    }
}

/// An OpenID Connect provider entry, and the Url it gave when that differs
/// from the one its ARN names (the ARN's is kept).
fn oidc_provider(raw: RawOidcProvider, at: &str) -> Result<(OidcProvider, Option<String>), String> {
    let arn = raw.arn.ok_or_else(|| {
        format!(
            "{at} has no Arn: add the provider's ARN as list-open-id-connect-providers prints it (arn:aws:iam::ACCOUNT:oidc-provider/URL)"
        )
    })?;
    let arn = Arn::parse(&arn).map_err(|e| format!("{at}.Arn: {e}"))?;
    let url = match OidcProvider::url_from_arn(&arn) {
        Some(url) if arn.service() == "iam" => url.to_owned(),
        _ => {
            return Err(format!(
                "{at}.Arn: {arn} is not an OpenID Connect provider's ARN (arn:aws:iam::ACCOUNT:oidc-provider/URL)"
            ));
        }
    };
    // get-open-id-connect-provider prints the URL without its scheme; a
    // URL copied from elsewhere may carry it.
    let given = raw.url.map(|u| u.trim_start_matches("https://").to_owned());
    let mismatch = given.filter(|g| g != &url);
    Ok((
        OidcProvider {
            arn,
            url,
            client_ids: raw.client_ids.unwrap_or_default(),
            thumbprints: raw.thumbprints.unwrap_or_default(),
            created: date(raw.created),
            tags: tags(raw.tags),
            extra: raw.extra,
        },
        mismatch,
    ))
}

fn merge_oidc(known: &mut OidcProvider, more: OidcProvider) {
    if known.client_ids.is_empty() {
        known.client_ids = more.client_ids;
    }
    if known.thumbprints.is_empty() {
        known.thumbprints = more.thumbprints;
    }
    known.created = known.created.or(more.created);
    if known.tags.is_empty() {
        known.tags = more.tags;
    }
    for (key, value) in more.extra {
        known.extra.entry(key).or_insert(value);
    }
}

fn date(d: Option<AwsDate>) -> Option<jiff::Timestamp> {
    d.map(|d| d.0)
}

fn document(raw: Option<RawDocument>) -> Option<PolicyDocument> {
    match raw? {
        RawDocument::Text(text) => Some(PolicyDocument::from_json_text(text)),
        RawDocument::Value(value) => Some(PolicyDocument::from_value(&value)),
    }
}

fn tags(raw: Option<Vec<RawTag>>) -> Vec<Tag> {
    raw.unwrap_or_default()
        .into_iter()
        .filter_map(|t| {
            Some(Tag {
                key: t.key?,
                value: t.value.unwrap_or_default(),
            })
        })
        .collect()
}

fn attached(raw: Option<OneOrMany<RawAttachedPolicy>>) -> Vec<AttachedPolicy> {
    raw.unwrap_or_default()
        .0
        .into_iter()
        .filter_map(|a| {
            let arn = a.arn?;
            let name = a
                .name
                .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_owned());
            Some(AttachedPolicy { name, arn })
        })
        .collect()
}

fn inline(raw: Option<Vec<RawInlinePolicy>>, at: &str) -> Result<Vec<InlinePolicy>, String> {
    raw.unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let name = p.name.unwrap_or_else(|| format!("inline-{}", i + 1));
            let document =
                document(p.document).ok_or_else(|| format!("{at}: inline policy {name} has no PolicyDocument"))?;
            Ok(InlinePolicy { name, document })
        })
        .collect()
}

fn boundary(raw: Option<RawBoundary>) -> Option<PermissionsBoundary> {
    raw.and_then(|b| b.arn).map(|arn| PermissionsBoundary { arn })
}

/// The workspace file's per-user credential keys (named after the CLI
/// commands that print them), when present.
fn workspace_credentials(
    login_profile: Option<RawLoginProfile>,
    password_last_used: Option<AwsDate>,
    mfa_devices: Option<Vec<RawMfaDevice>>,
    access_keys: Option<Vec<RawAccessKey>>,
) -> Option<Credentials> {
    if login_profile.is_none() && password_last_used.is_none() && mfa_devices.is_none() && access_keys.is_none() {
        return None;
    }
    let mfa_devices: Vec<MfaDevice> = mfa_devices
        .unwrap_or_default()
        .into_iter()
        .map(|d| MfaDevice {
            serial: d.serial.unwrap_or_default(),
            enabled: date(d.enabled),
        })
        .collect();
    Some(Credentials {
        password: login_profile.map(|p| ConsolePassword {
            created: date(p.created),
            last_used: date(password_last_used),
            last_changed: None,
            reset_required: p.reset_required,
        }),
        mfa_active: !mfa_devices.is_empty(),
        mfa_devices,
        access_keys: access_keys
            .unwrap_or_default()
            .into_iter()
            .map(|k| AccessKey {
                id: k.id,
                status: match k.status.as_deref() {
                    Some("Inactive") => AccessKeyStatus::Inactive,
                    _ => AccessKeyStatus::Active,
                },
                created: date(k.created),
                last_used: date(k.last_used),
                last_used_service: k.last_used_service,
                last_used_region: k.last_used_region,
            })
            .collect(),
    })
}

/// What AWS accepts, checked on import: a file past these was not made by
/// AWS (or was edited by hand), and the engine's answers about it would be
/// answers about an account that cannot exist. Each message names the AWS
/// quota and the JSON path. Names, paths, ARNs and single documents are
/// refused past their quota; AWS managed policies and resource-based
/// policies, which AWS's own exports hold at sizes past the customer quota,
/// past a hard limit far beyond any of them.
mod limits {
    use super::quotas;
    use crate::model::{Group, InlinePolicy, ManagedPolicy, OidcProvider, Role, SamlProvider, User};
    use crate::policy::PolicyDocument;

    fn length(at: &str, what: &str, value: &str, limit: usize, quota: &str) -> Result<(), String> {
        let n = value.chars().count();
        if n > limit {
            return Err(format!(
                "{at}: the {what} has {n} characters; AWS allows {limit} ({quota}) — no AWS export holds this; check the file"
            ));
        }
        Ok(())
    }

    pub(super) fn document(
        doc: &PolicyDocument,
        at: &str,
        what: &str,
        limit: usize,
        quota: &str,
    ) -> Result<(), String> {
        let n = doc.size_without_whitespace();
        if n > limit {
            return Err(format!(
                "{at}: the {what} has {n} characters without white space; AWS allows {limit} ({quota}) — no AWS export holds this; check the file"
            ));
        }
        Ok(())
    }

    fn common(
        at: &str,
        name_field: &str,
        kind: &str,
        name: &str,
        name_limit: usize,
        path: &str,
        arn: &str,
    ) -> Result<(), String> {
        length(
            &format!("{at}.{name_field}"),
            &format!("{kind} name"),
            name,
            name_limit,
            &format!("IAM quotas: {kind} name"),
        )?;
        length(&format!("{at}.Path"), "path", path, quotas::PATH, "IAM quotas: path")?;
        length(
            &format!("{at}.Arn"),
            "ARN",
            arn,
            quotas::ARN,
            "the IAM API's longest ARN",
        )
    }

    /// Each inline policy on its own: no entity may hold more than
    /// [`quotas::INLINE_ROLE`] of them together. The smaller totals of users
    /// and groups are `lint --account`'s to report (it lists the policies
    /// that share the quota), so such an account still opens to be fixed.
    fn inline(at: &str, list: &str, policies: &[InlinePolicy]) -> Result<(), String> {
        for (i, p) in policies.iter().enumerate() {
            length(
                &format!("{at}.{list}[{i}].PolicyName"),
                "policy name",
                &p.name,
                quotas::POLICY_NAME,
                "IAM quotas: policy name",
            )?;
            document(
                &p.document,
                &format!("{at}.{list}[{i}].PolicyDocument"),
                "inline policy",
                quotas::INLINE_ROLE,
                "IAM quotas: inline policy size, the largest any entity may hold",
            )?;
        }
        Ok(())
    }

    fn attached(at: &str, arns: impl Iterator<Item = (usize, String)>) -> Result<(), String> {
        for (i, arn) in arns {
            length(
                &format!("{at}.AttachedManagedPolicies[{i}].PolicyArn"),
                "ARN",
                &arn,
                quotas::ARN,
                "the IAM API's longest ARN",
            )?;
        }
        Ok(())
    }

    pub(super) fn user(u: &User, at: &str) -> Result<(), String> {
        common(
            at,
            "UserName",
            "user",
            &u.name,
            quotas::USER_NAME,
            &u.path,
            u.arn.as_str(),
        )?;
        inline(at, "UserPolicyList", &u.inline_policies)?;
        attached(at, u.attached_policies.iter().map(|a| a.arn.clone()).enumerate())
    }

    pub(super) fn group(g: &Group, at: &str) -> Result<(), String> {
        common(
            at,
            "GroupName",
            "group",
            &g.name,
            quotas::GROUP_NAME,
            &g.path,
            g.arn.as_str(),
        )?;
        inline(at, "GroupPolicyList", &g.inline_policies)?;
        attached(at, g.attached_policies.iter().map(|a| a.arn.clone()).enumerate())
    }

    pub(super) fn role(r: &Role, at: &str) -> Result<(), String> {
        common(
            at,
            "RoleName",
            "role",
            &r.name,
            quotas::ROLE_NAME,
            &r.path,
            r.arn.as_str(),
        )?;
        if let Some(d) = &r.description {
            length(
                &format!("{at}.Description"),
                "role description",
                d,
                quotas::ROLE_DESCRIPTION,
                "IAM quotas: role description",
            )?;
        }
        if let Some(trust) = &r.trust_policy {
            document(
                trust,
                &format!("{at}.AssumeRolePolicyDocument"),
                "role trust policy",
                quotas::TRUST_POLICY_SIZE_MAX,
                "IAM quotas: role trust policy length, at its highest after a quota increase",
            )?;
        }
        for (i, p) in r.instance_profiles.iter().enumerate() {
            length(
                &format!("{at}.InstanceProfileList[{i}].InstanceProfileName"),
                "instance profile name",
                &p.name,
                quotas::INSTANCE_PROFILE_NAME,
                "IAM quotas: instance profile name",
            )?;
        }
        inline(at, "RolePolicyList", &r.inline_policies)?;
        attached(at, r.attached_policies.iter().map(|a| a.arn.clone()).enumerate())
    }

    /// IAM API, CreateSAMLProvider: the ARN and the metadata document.
    pub(super) fn saml_provider(p: &SamlProvider, at: &str) -> Result<(), String> {
        length(
            &format!("{at}.Arn"),
            "ARN",
            p.arn.as_str(),
            quotas::ARN,
            "the IAM API's longest ARN",
        )?;
        if let Some(metadata) = &p.metadata_document {
            length(
                &format!("{at}.SAMLMetadataDocument"),
                "metadata document",
                metadata,
                quotas::SAML_METADATA,
                "CreateSAMLProvider: SAMLMetadataDocument",
            )?;
        }
        Ok(())
    }

    /// IAM API, CreateOpenIDConnectProvider: the URL, the client ids and
    /// how many thumbprints.
    pub(super) fn oidc_provider(p: &OidcProvider, at: &str) -> Result<(), String> {
        length(
            &format!("{at}.Arn"),
            "ARN",
            p.arn.as_str(),
            quotas::ARN,
            "the IAM API's longest ARN",
        )?;
        length(
            &format!("{at}.Url"),
            "URL",
            &p.url,
            quotas::OIDC_URL,
            "CreateOpenIDConnectProvider: Url",
        )?;
        for (i, id) in p.client_ids.iter().enumerate() {
            length(
                &format!("{at}.ClientIDList[{i}]"),
                "client id",
                id,
                quotas::OIDC_CLIENT_ID,
                "CreateOpenIDConnectProvider: ClientIDList",
            )?;
        }
        if p.thumbprints.len() > quotas::OIDC_THUMBPRINTS {
            return Err(format!(
                "{at}.ThumbprintList: {} thumbprints; AWS allows {} (CreateOpenIDConnectProvider: ThumbprintList) — no AWS export holds this; check the file",
                p.thumbprints.len(),
                quotas::OIDC_THUMBPRINTS
            ));
        }
        Ok(())
    }

    pub(super) fn managed_policy(p: &ManagedPolicy, at: &str) -> Result<(), String> {
        common(
            at,
            "PolicyName",
            "policy",
            &p.name,
            quotas::POLICY_NAME,
            &p.path,
            p.arn.as_str(),
        )?;
        // AWS managed policies are AWS's own, and larger than the quota it
        // sets its customers; they get the hard limit only.
        let aws_managed = p.arn.account() == "aws";
        let (limit, quota) = if aws_managed {
            (quotas::HARD_DOCUMENT_SIZE, "far beyond the largest AWS managed policy")
        } else {
            (quotas::MANAGED_POLICY_SIZE, "IAM quotas: managed policy size")
        };
        for (i, v) in p.versions.iter().enumerate() {
            document(
                &v.document,
                &format!("{at}.PolicyVersionList[{i}].Document"),
                "managed policy",
                limit,
                quota,
            )?;
        }
        Ok(())
    }
}
