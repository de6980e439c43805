//! Each part of the collection: its commands, how their output becomes
//! workspace keys, and what it replaces when it is asked again.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::sources::{Item, PolicySource, arn_in};
use super::workspace::Workspace;
use super::{Part, Problem, ProblemKind, Session, Stop, parse_json};

const CALLER_IDENTITY: &[&str] = &["sts", "get-caller-identity"];
const ACCOUNT_ALIASES: &[&str] = &["iam", "list-account-aliases"];
const AUTHORIZATION_DETAILS: &[&str] = &["iam", "get-account-authorization-details"];
const GENERATE_REPORT: &[&str] = &["iam", "generate-credential-report"];
const GET_REPORT: &[&str] = &["iam", "get-credential-report"];
const DESCRIBE_ORGANIZATION: &[&str] = &["organizations", "describe-organization"];
const LIST_PARENTS: &[&str] = &["organizations", "list-parents", "--child-id", "{}"];
const LIST_POLICIES: &[&str] = &["organizations", "list-policies", "--filter", "{}"];
const LIST_TARGETS: &[&str] = &["organizations", "list-targets-for-policy", "--policy-id", "{}"];
const DESCRIBE_POLICY: &[&str] = &["organizations", "describe-policy", "--policy-id", "{}"];
const LIST_SAML_PROVIDERS: &[&str] = &["iam", "list-saml-providers"];
const GET_SAML_PROVIDER: &[&str] = &["iam", "get-saml-provider", "--saml-provider-arn", "{}"];
const LIST_OIDC_PROVIDERS: &[&str] = &["iam", "list-open-id-connect-providers"];
const GET_OIDC_PROVIDER: &[&str] = &[
    "iam",
    "get-open-id-connect-provider",
    "--open-id-connect-provider-arn",
    "{}",
];
const LIST_IDENTITY_POOLS: &[&str] = &["cognito-identity", "list-identity-pools", "--max-results", "60"];
const DESCRIBE_IDENTITY_POOL: &[&str] = &["cognito-identity", "describe-identity-pool", "--identity-pool-id", "{}"];
const IDENTITY_POOL_ROLES: &[&str] = &[
    "cognito-identity",
    "get-identity-pool-roles",
    "--identity-pool-id",
    "{}",
];
const LIST_USER_POOLS: &[&str] = &["cognito-idp", "list-user-pools", "--max-results", "60"];
const DESCRIBE_USER_POOL: &[&str] = &["cognito-idp", "describe-user-pool", "--user-pool-id", "{}"];

/// GAAD's lists; the CLI joins its pages itself.
const GAAD_LISTS: [&str; 4] = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"];

/// The organisation's two kinds of authorization policy, as `list-policies --filter` names them.
const ORG_KINDS: [(&str, &str); 2] = [
    ("SERVICE_CONTROL_POLICY", "ServiceControlPolicies"),
    ("RESOURCE_CONTROL_POLICY", "ResourceControlPolicies"),
];

/// Most pages of one listing followed (a guard against a token that never ends).
const MAX_PAGES: usize = 10_000;

pub(super) fn args(template: &[&str], item: &str) -> Vec<String> {
    template
        .iter()
        .map(|a| if *a == "{}" { item.to_owned() } else { (*a).to_owned() })
        .collect()
}

pub(super) fn plain(template: &[&str]) -> Vec<String> {
    template.iter().map(|a| (*a).to_owned()).collect()
}

fn with(mut args: Vec<String>, extra: &[&str]) -> Vec<String> {
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    args
}

/// The commands of a part for `--dry-run`, with when each runs.
pub(super) fn commands(part: &Part) -> Vec<(Vec<String>, Option<String>)> {
    let once = |t: &[&str]| (plain(t), None);
    let each = |t: &[&str], placeholder: &str, when: String| (args(t, placeholder), Some(when));
    match part {
        Part::Account => vec![once(CALLER_IDENTITY), once(ACCOUNT_ALIASES)],
        Part::AuthorizationDetails => vec![(
            plain(AUTHORIZATION_DETAILS),
            Some("every page (the CLI follows Marker; iamscope follows a Marker left with IsTruncated)".to_owned()),
        )],
        Part::CredentialReport => vec![
            (plain(GENERATE_REPORT), Some("until its State is COMPLETE".to_owned())),
            (
                plain(GET_REPORT),
                Some("its Content is the report, base64-encoded".to_owned()),
            ),
        ],
        Part::IdentityProviders => vec![
            once(LIST_SAML_PROVIDERS),
            each(
                GET_SAML_PROVIDER,
                "SAML_PROVIDER_ARN",
                "for each provider listed".to_owned(),
            ),
            once(LIST_OIDC_PROVIDERS),
            each(
                GET_OIDC_PROVIDER,
                "OIDC_PROVIDER_ARN",
                "for each provider listed".to_owned(),
            ),
        ],
        Part::Policies { source, .. } => vec![
            once(source.list),
            each(
                source.get,
                source.placeholder,
                format!("for each {} listed; its absence means no policy", source.noun),
            ),
        ],
        Part::OrganizationPolicies => {
            let mut out = vec![
                (
                    plain(DESCRIBE_ORGANIZATION),
                    Some(
                        "none of the rest when the account is in no organisation or is its management account"
                            .to_owned(),
                    ),
                ),
                each(
                    LIST_PARENTS,
                    "ACCOUNT_ID",
                    "from the account up to the root, each parent in turn".to_owned(),
                ),
            ];
            for (filter, _) in ORG_KINDS {
                out.push(once(
                    &args(LIST_POLICIES, filter)
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>(),
                ));
                out.push(each(LIST_TARGETS, "POLICY_ID", "for each policy listed".to_owned()));
                out.push(each(
                    DESCRIBE_POLICY,
                    "POLICY_ID",
                    "for each policy attached on the account's path to the root".to_owned(),
                ));
            }
            out
        }
        Part::IdentityPools { .. } => vec![
            (
                plain(LIST_IDENTITY_POOLS),
                Some("again with --next-token while there is a NextToken".to_owned()),
            ),
            each(
                DESCRIBE_IDENTITY_POOL,
                "IDENTITY_POOL_ID",
                "for each pool listed".to_owned(),
            ),
            each(
                IDENTITY_POOL_ROLES,
                "IDENTITY_POOL_ID",
                "for each pool listed".to_owned(),
            ),
        ],
        Part::Inventory { .. } => super::inventory::commands(),
        Part::UserPools { .. } => vec![
            (
                plain(LIST_USER_POOLS),
                Some("again with --next-token while there is a NextToken".to_owned()),
            ),
            each(DESCRIBE_USER_POOL, "USER_POOL_ID", "for each pool listed".to_owned()),
        ],
    }
}

/// Drop what the part brought last time (before it is asked again).
pub(super) fn clear(part: &Part, w: &mut Workspace) {
    match part {
        Part::Account => {
            w.remove("AccountId");
            w.remove("AccountAlias");
        }
        Part::AuthorizationDetails => GAAD_LISTS.iter().for_each(|k| w.remove(k)),
        Part::CredentialReport => w.remove("CredentialReport"),
        Part::IdentityProviders => PROVIDER_KINDS.iter().for_each(|kind| w.remove(kind.key)),
        Part::Policies { source, region } => {
            let region = region.as_deref().filter(|_| source.regional);
            w.retain("ResourcePolicies", |p| {
                let arn = p.get("ResourceArn").and_then(Value::as_str).unwrap_or_default();
                !arn_in(arn, source.service, region)
            });
        }
        Part::OrganizationPolicies => ORG_KINDS.iter().for_each(|(_, key)| w.remove(key)),
        Part::IdentityPools { region } => {
            let prefix = region.as_ref().map(|r| format!("{r}:"));
            w.retain("IdentityPools", |p| {
                let id = p.get("IdentityPoolId").and_then(Value::as_str).unwrap_or_default();
                prefix.as_ref().is_some_and(|prefix| !id.starts_with(prefix.as_str()))
            });
        }
        Part::Inventory { region } => super::inventory::clear(region.as_deref(), w),
        Part::UserPools { region } => {
            let prefix = region.as_ref().map(|r| format!("{r}_"));
            w.retain("UserPools", |p| {
                let id = p.get("Id").and_then(Value::as_str).unwrap_or_default();
                prefix.as_ref().is_some_and(|prefix| !id.starts_with(prefix.as_str()))
            });
        }
    }
}

pub(super) fn run(part: &Part, s: &mut Session<'_>, w: &mut Workspace) -> Result<(), Stop> {
    match part {
        Part::Account => account(part, s, w),
        Part::AuthorizationDetails => authorization_details(part, s, w),
        Part::CredentialReport => credential_report(part, s, w),
        Part::IdentityProviders => identity_providers(part, s, w),
        Part::Policies { source, .. } => policies(part, source, s, w),
        Part::OrganizationPolicies => organization_policies(part, s, w),
        Part::IdentityPools { .. } => identity_pools(part, s, w),
        Part::UserPools { .. } => user_pools(part, s, w),
        Part::Inventory { .. } => super::inventory::run(part, s, w),
    }
}

fn account(part: &Part, s: &mut Session<'_>, w: &mut Workspace) -> Result<(), Stop> {
    s.size(part, 2);
    if let Some(identity) = s.json(
        part,
        &plain(CALLER_IDENTITY),
        &|| "the account id".to_owned(),
        "sts:GetCallerIdentity",
    )? {
        if let Some(id) = identity.get("Account").and_then(Value::as_str) {
            w.set("AccountId", &id);
        }
        let partition = identity
            .get("Arn")
            .and_then(Value::as_str)
            .and_then(|arn| arn.split(':').nth(1))
            .filter(|p| !p.is_empty());
        w.state.partition = partition.map(str::to_owned);
    }
    if let Some(aliases) = s.json(
        part,
        &plain(ACCOUNT_ALIASES),
        &|| "the account alias".to_owned(),
        "iam:ListAccountAliases",
    )? && let Some(alias) = aliases
        .get("AccountAliases")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str)
    {
        w.set("AccountAlias", &alias);
    }
    Ok(())
}

fn authorization_details(part: &Part, s: &mut Session<'_>, w: &mut Workspace) -> Result<(), Stop> {
    let missing = || "the users, groups, roles and managed policies".to_owned();
    let mut lists: BTreeMap<&str, Vec<Box<RawValue>>> = BTreeMap::new();
    let mut pages = 0;
    let mut next: Vec<String> = Vec::new();
    loop {
        let command = with(
            plain(AUTHORIZATION_DETAILS),
            &next.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let stdout = match s.call(part, &command)? {
            Ok(stdout) => stdout,
            Err(failed) => {
                s.failed(part, failed, missing(), "iam:GetAccountAuthorizationDetails");
                return Ok(());
            }
        };
        pages += 1;
        let page: BTreeMap<String, Box<RawValue>> = match serde_json::from_slice(&stdout) {
            Ok(page) => page,
            Err(e) => {
                s.not_json(part, &command, e.to_string(), missing());
                return Ok(());
            }
        };
        for key in GAAD_LISTS {
            let Some(raw) = page.get(key) else { continue };
            match serde_json::from_str::<Vec<Box<RawValue>>>(raw.get()) {
                Ok(items) => lists.entry(key).or_default().extend(items),
                Err(e) => {
                    s.not_json(part, &command, format!("{key}: {e}"), missing());
                    return Ok(());
                }
            }
        }
        // A page left by a CLI that did not paginate (IsTruncated with a
        // Marker), or a resume token the CLI printed (NextToken).
        let field = |k: &str| page.get(k).and_then(|v| serde_json::from_str::<Value>(v.get()).ok());
        let truncated = field("IsTruncated").and_then(|v| v.as_bool()) == Some(true);
        next = match (truncated, field("Marker"), field("NextToken")) {
            (true, Some(Value::String(marker)), _) => vec!["--marker".to_owned(), marker],
            (_, _, Some(Value::String(token))) => vec!["--starting-token".to_owned(), token],
            _ => Vec::new(),
        };
        if next.is_empty() || pages >= MAX_PAGES {
            break;
        }
        s.size(part, pages + 1);
    }
    for key in GAAD_LISTS {
        let items = lists.remove(key).unwrap_or_default();
        w.set(key, &items);
    }
    Ok(())
}

fn credential_report(part: &Part, s: &mut Session<'_>, w: &mut Workspace) -> Result<(), Stop> {
    let missing = || "the credential report (passwords, MFA and access keys)".to_owned();
    let (poll, polls) = (s.settings().poll, s.settings().polls);
    let mut looks = 0;
    // Generate until COMPLETE, then get; a report still in progress is waited for.
    let content = 'report: loop {
        loop {
            looks += 1;
            let Some(state) = s.json(part, &plain(GENERATE_REPORT), &missing, "iam:GenerateCredentialReport")? else {
                return Ok(());
            };
            if state.get("State").and_then(Value::as_str) == Some("COMPLETE") {
                break;
            }
            if looks >= polls {
                break;
            }
            s.sleep(poll);
        }
        loop {
            looks += 1;
            match s.call(part, &plain(GET_REPORT))? {
                Ok(stdout) => break 'report stdout,
                Err(failed) if failed.code() == Some("ReportInProgress") && looks < polls => s.sleep(poll),
                Err(failed) if matches!(failed.code(), Some("ReportNotPresent" | "ReportExpired")) && looks < polls => {
                    continue 'report;
                }
                Err(failed) => {
                    s.failed(part, failed, missing(), "iam:GetCredentialReport");
                    return Ok(());
                }
            }
        }
    };
    let bad = |s: &mut Session<'_>, why: String| {
        s.not_json(part, &plain(GET_REPORT), why, missing());
        Ok(())
    };
    let value = match parse_json(&content) {
        Ok(v) => v,
        Err(e) => return bad(s, e),
    };
    let Some(encoded) = value.get("Content").and_then(Value::as_str) else {
        return bad(s, "no Content".to_owned());
    };
    let csv = match base64::engine::general_purpose::STANDARD.decode(encoded.trim()) {
        Ok(csv) => csv,
        Err(e) => return bad(s, format!("Content is not base64: {e}")),
    };
    let rows = match crate::io::credential_report::parse(std::path::Path::new("the credential report"), &csv) {
        Ok(rows) => rows,
        Err(e) => return bad(s, e.to_string()),
    };
    let rows: Vec<_> = rows.iter().map(|r| Value::Object(r.to_json())).collect();
    w.set("CredentialReport", &rows);
    Ok(())
}

/// One kind of identity provider: how it is listed and read, and the
/// workspace key it is kept under (as `import` reads it).
struct ProviderKind {
    list: &'static [&'static str],
    get: &'static [&'static str],
    /// The listing's key: `SAMLProviderList`.
    listed: &'static str,
    key: &'static str,
    noun: &'static str,
    list_permission: &'static str,
    get_permission: &'static str,
}

const PROVIDER_KINDS: [ProviderKind; 2] = [
    ProviderKind {
        list: LIST_SAML_PROVIDERS,
        get: GET_SAML_PROVIDER,
        listed: "SAMLProviderList",
        key: "SAMLProviders",
        noun: "SAML provider",
        list_permission: "iam:ListSAMLProviders",
        get_permission: "iam:GetSAMLProvider",
    },
    ProviderKind {
        list: LIST_OIDC_PROVIDERS,
        get: GET_OIDC_PROVIDER,
        listed: "OpenIDConnectProviderList",
        key: "OpenIDConnectProviders",
        noun: "OpenID Connect provider",
        list_permission: "iam:ListOpenIDConnectProviders",
        get_permission: "iam:GetOpenIDConnectProvider",
    },
];

/// Each provider is its listing's entry merged with what the get command
/// prints (which has no Arn). A provider whose get fails keeps its listed
/// entry: the account has it, and a missing one would make STS's refusal
/// look certain. A listing that fails leaves the key out, so the providers
/// are not known rather than known to be none.
fn identity_providers(part: &Part, s: &mut Session<'_>, w: &mut Workspace) -> Result<(), Stop> {
    let mut size = PROVIDER_KINDS.len();
    s.size(part, size);
    for kind in &PROVIDER_KINDS {
        let Some(listing) = s.json(
            part,
            &plain(kind.list),
            &|| format!("the account's {}s", kind.noun),
            kind.list_permission,
        )?
        else {
            continue;
        };
        let listed: Vec<serde_json::Map<String, Value>> = listing
            .get(kind.listed)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.as_object().cloned())
            .collect();
        size += listed.len();
        s.size(part, size);
        let mut found = Vec::new();
        for mut entry in listed {
            let Some(arn) = entry.get("Arn").and_then(Value::as_str).map(str::to_owned) else {
                continue;
            };
            if let Some(Value::Object(got)) = s.json(
                part,
                &args(kind.get, &arn),
                &|| format!("the settings of {} {arn}", kind.noun),
                kind.get_permission,
            )? {
                for (key, value) in got {
                    entry.insert(key, value);
                }
            }
            found.push(Value::Object(entry));
        }
        w.set(kind.key, &found);
    }
    Ok(())
}

/// A policy as the workspace keeps it: the document itself (the CLI prints it
/// as a JSON string inside its JSON).
fn document(text: &str) -> Result<Value, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err("the policy is not a JSON object".to_owned()),
        Err(e) => Err(format!("the policy is not JSON: {e}")),
    }
}

fn policies(part: &Part, source: &'static PolicySource, s: &mut Session<'_>, w: &mut Workspace) -> Result<(), Stop> {
    let partition = w.state.partition.clone().unwrap_or_else(|| "aws".to_owned());
    let Some(listing) = s.json(
        part,
        &plain(source.list),
        &|| format!("the {}", part.title()),
        source.list_permission,
    )?
    else {
        return Ok(());
    };
    let items: Vec<Item> = (source.items)(&listing, &partition);
    s.size(part, items.len() + 1);
    let mut found = Vec::new();
    for item in &items {
        let missing = || format!("the policy of {} {}", source.noun, item.key);
        let output = match s.call(part, &args(source.get, &item.key))? {
            Ok(stdout) => stdout,
            Err(failed) if failed.code().is_some_and(|c| source.no_policy.contains(&c)) => continue,
            Err(failed) => {
                s.failed(part, failed, missing(), source.get_permission);
                continue;
            }
        };
        let value = match parse_json(&output) {
            Ok(v) => v,
            Err(e) => {
                s.not_json(part, &args(source.get, &item.key), e, missing());
                continue;
            }
        };
        let (Some(text), arn) = (source.policy)(item, &value) else {
            continue; // a resource without a policy
        };
        let Some(arn) = arn else {
            s.not_json(
                part,
                &args(source.get, &item.key),
                "no ARN for the resource".to_owned(),
                missing(),
            );
            continue;
        };
        match document(&text) {
            Ok(policy) => found.push(json!({"ResourceArn": arn, "Policy": policy})),
            Err(e) => s.not_json(part, &args(source.get, &item.key), e, missing()),
        }
    }
    w.extend("ResourcePolicies", found);
    Ok(())
}

/// A listing of pages joined by `--next-token` (for commands given `--max-results`).
fn pages(
    part: &Part,
    s: &mut Session<'_>,
    template: &[&str],
    list: &str,
    missing: &dyn Fn() -> String,
    permission: &'static str,
) -> Result<Option<Vec<Value>>, Stop> {
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut command = plain(template);
        if let Some(token) = &token {
            command.extend(["--next-token".to_owned(), token.clone()]);
        }
        let Some(page) = s.json(part, &command, missing, permission)? else {
            return Ok(None);
        };
        items.extend(page.get(list).and_then(Value::as_array).cloned().unwrap_or_default());
        token = page.get("NextToken").and_then(Value::as_str).map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    Ok(Some(items))
}

fn identity_pools(part: &Part, s: &mut Session<'_>, w: &mut Workspace) -> Result<(), Stop> {
    let Some(listed) = pages(
        part,
        s,
        LIST_IDENTITY_POOLS,
        "IdentityPools",
        &|| "every Cognito identity pool".to_owned(),
        "cognito-identity:ListIdentityPools",
    )?
    else {
        return Ok(());
    };
    let ids: Vec<String> = listed
        .iter()
        .filter_map(|p| p.get("IdentityPoolId").and_then(Value::as_str).map(str::to_owned))
        .collect();
    s.size(part, 1 + 2 * ids.len());
    let mut found = Vec::new();
    for id in &ids {
        let Some(Value::Object(mut pool)) = s.json(
            part,
            &args(DESCRIBE_IDENTITY_POOL, id),
            &|| format!("identity pool {id}"),
            "cognito-identity:DescribeIdentityPool",
        )?
        else {
            continue;
        };
        // `describe-identity-pool` merged with `get-identity-pool-roles`, as the workspace file keeps a pool
        if let Some(roles) = s.json(
            part,
            &args(IDENTITY_POOL_ROLES, id),
            &|| format!("the roles of identity pool {id}"),
            "cognito-identity:GetIdentityPoolRoles",
        )? {
            for key in ["Roles", "RoleMappings"] {
                if let Some(value) = roles.get(key) {
                    pool.insert(key.to_owned(), value.clone());
                }
            }
        }
        found.push(Value::Object(pool));
    }
    w.extend("IdentityPools", found);
    Ok(())
}

fn user_pools(part: &Part, s: &mut Session<'_>, w: &mut Workspace) -> Result<(), Stop> {
    let Some(listed) = pages(
        part,
        s,
        LIST_USER_POOLS,
        "UserPools",
        &|| "every Cognito user pool".to_owned(),
        "cognito-idp:ListUserPools",
    )?
    else {
        return Ok(());
    };
    let ids: Vec<String> = listed
        .iter()
        .filter_map(|p| p.get("Id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    s.size(part, 1 + ids.len());
    let mut found = Vec::new();
    for id in &ids {
        if let Some(described) = s.json(
            part,
            &args(DESCRIBE_USER_POOL, id),
            &|| format!("user pool {id}"),
            "cognito-idp:DescribeUserPool",
        )? && let Some(pool) = described.get("UserPool")
        {
            found.push(pool.clone());
        }
    }
    w.extend("UserPools", found);
    Ok(())
}

fn organization_policies(part: &Part, s: &mut Session<'_>, w: &mut Workspace) -> Result<(), Stop> {
    let missing = || "the SCPs and RCPs that apply to the account".to_owned();
    let Some(account) = w.string("AccountId") else {
        s.problem(Problem {
            part: part.title(),
            command: String::new(),
            kind: ProblemKind::Failed,
            missing: missing(),
            permission: "sts:GetCallerIdentity",
            detail: "the account id is not known (see the account part)".to_owned(),
        });
        return Ok(());
    };
    let organization = match s.call(part, &plain(DESCRIBE_ORGANIZATION))? {
        Ok(stdout) => parse_json(&stdout).unwrap_or_default(),
        // Not in an organisation: no SCP or RCP applies.
        Err(failed) if failed.code() == Some("AWSOrganizationsNotInUseException") => return Ok(()),
        Err(failed) => {
            s.failed(part, failed, missing(), "organizations:DescribeOrganization");
            return Ok(());
        }
    };
    // SCPs and RCPs do not apply to the management account (AWS
    // Organizations User Guide: "Service control policies (SCPs)").
    let management = organization
        .get("Organization")
        .and_then(|o| o.get("MasterAccountId"))
        .and_then(Value::as_str);
    if management == Some(account.as_str()) {
        return Ok(());
    }
    // The account's path to the root: the policies attached there apply.
    let mut path = vec![account.clone()];
    let mut child = account.clone();
    for _ in 0..8 {
        let Some(parents) = s.json(part, &args(LIST_PARENTS, &child), &missing, "organizations:ListParents")? else {
            return Ok(());
        };
        let Some(parent) = parents.get("Parents").and_then(Value::as_array).and_then(|p| p.first()) else {
            break;
        };
        let Some(id) = parent.get("Id").and_then(Value::as_str) else {
            break;
        };
        path.push(id.to_owned());
        if parent.get("Type").and_then(Value::as_str) == Some("ROOT") {
            break;
        }
        child = id.to_owned();
    }
    for (filter, key) in ORG_KINDS {
        let list = args(LIST_POLICIES, filter);
        let Some(listed) = s.json(part, &list, &missing, "organizations:ListPolicies")? else {
            continue;
        };
        let policies: Vec<(String, String)> = listed
            .get("Policies")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| {
                Some((
                    p.get("Id")?.as_str()?.to_owned(),
                    p.get("Name").and_then(Value::as_str).unwrap_or_default().to_owned(),
                ))
            })
            .collect();
        s.size(part, policies.len() * 2 + path.len() + 2);
        let mut found = Vec::new();
        for (id, name) in &policies {
            let Some(targets) = s.json(
                part,
                &args(LIST_TARGETS, id),
                &|| format!("where policy {name} is attached"),
                "organizations:ListTargetsForPolicy",
            )?
            else {
                continue;
            };
            let on_path: Vec<String> = targets
                .get("Targets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|t| t.get("TargetId").and_then(Value::as_str))
                .filter(|t| path.iter().any(|p| p == t))
                .map(str::to_owned)
                .collect();
            if on_path.is_empty() {
                continue;
            }
            let Some(described) = s.json(
                part,
                &args(DESCRIBE_POLICY, id),
                &|| format!("the text of policy {name}"),
                "organizations:DescribePolicy",
            )?
            else {
                continue;
            };
            let content = described
                .get("Policy")
                .and_then(|p| p.get("Content"))
                .and_then(Value::as_str)
                .map(document);
            match content {
                Some(Ok(policy)) => {
                    for target in on_path {
                        found.push(json!({"Name": name, "Policy": policy, "Target": target}));
                    }
                }
                Some(Err(e)) => s.not_json(part, &args(DESCRIBE_POLICY, id), e, format!("policy {name}")),
                None => s.not_json(
                    part,
                    &args(DESCRIBE_POLICY, id),
                    "no Policy.Content".to_owned(),
                    format!("policy {name}"),
                ),
            }
        }
        w.set(key, &found);
    }
    Ok(())
}
