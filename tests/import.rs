//! Importing the files people have: every quirk of real exports, and every
//! kind of bad input, which must give an error that says what, where and
//! what to do.

use std::path::{Path, PathBuf};

use iamscope::io::{self, AccountSource, ExportFormat, LoadError, Loaded};
use iamscope::model::{AccessKeyStatus, OrgTarget};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn load(names: &[&str]) -> Result<Loaded, LoadError> {
    let sources: Vec<_> = names.iter().map(|n| AccountSource::File(fixture(n))).collect();
    io::load(&sources, None)
}

fn load_with_report(name: &str, report: &str) -> Loaded {
    io::load(&[AccountSource::File(fixture(name))], Some(&fixture(report))).unwrap()
}

fn warnings(loaded: &Loaded) -> String {
    loaded
        .report
        .warnings
        .iter()
        .map(|w| w.message.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

fn error_text(names: &[&str]) -> String {
    load(names).expect_err("this input must be refused").to_string()
}

#[test]
fn url_encoded_policy_documents_are_decoded() {
    let loaded = load(&["raw-api-quirks.json"]).unwrap();
    let alice = loaded.model.user("alice").unwrap();
    let text = alice.inline_policies[0].document.text();
    assert!(text.contains("\"Action\": \"s3:GetObject\""), "{text}");
    let policy = loaded
        .model
        .policy("arn:aws:iam::123456789012:policy/ReadPhotos")
        .unwrap();
    assert_eq!(policy.default_version().unwrap().id, "v2");
    assert!(policy.default_document().unwrap().text().contains("photos/*"));
    // the other version was a plain object
    assert!(policy.versions[1].document.text().contains("s3:ListBucket"));
}

#[test]
fn the_three_date_forms_give_the_same_instant() {
    let loaded = load(&["raw-api-quirks.json"]).unwrap();
    let alice = loaded.model.user("alice").unwrap().created; // …Z
    let bob = loaded.model.user("bob").unwrap().created; // 2019-12-18 19:10:08+00:00
    let group = loaded.model.group("Readers").unwrap().created; // …+00:00
    assert!(alice.is_some());
    assert_eq!(alice, bob);
    assert_eq!(alice, group);
}

#[test]
fn attached_managed_policies_given_as_one_object_is_a_list_of_one() {
    let loaded = load(&["raw-api-quirks.json"]).unwrap();
    let readers = loaded.model.group("Readers").unwrap();
    assert_eq!(readers.attached_policies.len(), 1);
    assert_eq!(readers.attached_policies[0].name, "ReadPhotos");
    assert_eq!(loaded.model.user("alice").unwrap().attached_policies.len(), 1);
}

#[test]
fn missing_list_keys_mean_empty_lists() {
    let loaded = load(&["raw-api-quirks.json"]).unwrap(); // no RoleDetailList
    assert!(loaded.model.account().roles.is_empty());
    assert_eq!(loaded.model.account().users.len(), 2);
}

#[test]
fn aws_managed_policies_missing_from_the_export_come_from_the_built_in_library() {
    let loaded = load(&["raw-api-quirks.json"]).unwrap();
    let bob = loaded.model.user("bob").unwrap();
    assert_eq!(
        bob.attached_policies[0].arn,
        "arn:aws:iam::aws:policy/AdministratorAccess"
    );
    let admin = loaded
        .model
        .policy("arn:aws:iam::aws:policy/AdministratorAccess")
        .unwrap();
    assert!(matches!(
        admin.origin,
        iamscope::model::PolicyOrigin::BuiltInLibrary { .. }
    ));
    assert!(admin.default_document().unwrap().text().contains("\"Action\": \"*\""));
    assert!(loaded.model.index().dangling().is_empty());
    assert!(warnings(&loaded).contains("does not contain (AdministratorAccess); iamscope uses its built-in copies"));
    // and they are not written back as if the export had them
    let exported = io::export::export_to_string(loaded.model.account(), ExportFormat::Gaad);
    assert!(!exported.contains("\"PolicyName\": \"AdministratorAccess\",\n            \"PolicyId\""));
}

#[test]
fn customer_policies_missing_from_the_export_are_kept_as_unresolved_references() {
    let text = r#"{"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::123456789012:user/bob",
        "AttachedManagedPolicies": [{"PolicyName": "Gone", "PolicyArn": "arn:aws:iam::123456789012:policy/Gone"}]}]}"#;
    let loaded = io::load_bytes("dangling.json", text.as_bytes()).unwrap();
    assert_eq!(loaded.model.user("bob").unwrap().attached_policies[0].name, "Gone");
    let dangling: Vec<String> = loaded.model.index().dangling().iter().map(|d| d.describe()).collect();
    assert_eq!(
        dangling,
        ["user bob attaches arn:aws:iam::123456789012:policy/Gone, which the export does not contain"]
    );
    assert!(warnings(&loaded).contains("unresolved reference: user bob attaches"));
}

#[test]
fn paths_and_group_membership_are_indexed() {
    let loaded = load(&["raw-api-quirks.json"]).unwrap();
    let bob = loaded.model.user("bob").unwrap();
    assert_eq!(bob.path, "/ops/");
    let members: Vec<&str> = loaded
        .model
        .members_of("Readers")
        .iter()
        .map(|u| u.name.as_str())
        .collect();
    assert_eq!(members, ["alice"]);
    let index = loaded.model.index();
    let policy = index.policy("arn:aws:iam::123456789012:policy/ReadPhotos").unwrap();
    assert_eq!(index.uses_of(policy).len(), 2, "alice directly and group Readers");
}

#[test]
fn pages_of_one_export_merge_and_a_final_page_means_complete() {
    let loaded = load(&["page-1.json", "page-2.json"]).unwrap();
    assert_eq!(loaded.model.account().users.len(), 1);
    assert_eq!(loaded.model.account().roles.len(), 1);
    assert!(!loaded.report.partial);
    let trust = loaded.model.role("web").unwrap().trust_policy.as_ref().unwrap();
    assert!(
        trust.text().contains("ec2.amazonaws.com"),
        "URL-encoded trust policy decoded"
    );
    // an empty RoleLastUsed object means never used
    assert_eq!(loaded.model.role("web").unwrap().last_used, None);
}

#[test]
fn is_truncated_loads_and_warns_that_the_export_is_partial() {
    let loaded = load(&["page-1.json"]).unwrap();
    assert!(loaded.report.partial);
    assert!(warnings(&loaded).contains("the export is partial (IsTruncated: true)"));
}

#[test]
fn pages_of_two_different_accounts_are_refused() {
    let message = error_text(&["page-1.json", "other-account.json"]);
    assert!(
        message.contains("different accounts (123456789012 and 999999999999)"),
        "{message}"
    );
}

#[test]
fn the_workspace_file_keys_all_load() {
    let loaded = load(&["workspace.json"]).unwrap();
    let account = loaded.model.account();
    assert_eq!(account.id, "123456789012");
    assert_eq!(account.alias.as_deref(), Some("example-co"));
    assert_eq!(account.resource_policies[0].resource_arn, "arn:aws:s3:::photos");
    let targets: Vec<&OrgTarget> = account.service_control_policies.iter().map(|p| &p.target).collect();
    assert_eq!(
        targets,
        [
            &OrgTarget::Root("r-ab12".into()),
            &OrgTarget::OrganizationalUnit("ou-ab12-11111111".into()),
            &OrgTarget::Unspecified
        ]
    );
    assert_eq!(
        account.resource_control_policies[0].target,
        OrgTarget::Account("123456789012".into())
    );
    let pool = &account.identity_pools[0];
    assert!(pool.allow_unauthenticated);
    assert_eq!(
        pool.unauthenticated_role.as_deref(),
        Some("arn:aws:iam::123456789012:role/AppGuest")
    );
    assert_eq!(pool.providers[0].user_pool_id(), Some("eu-west-1_Example1"));
    assert_eq!(account.user_pools[0].name, "app-users");
    // a root row in the CredentialReport key describes the root user
    let root = account.root.credentials.as_ref().unwrap();
    assert_eq!(root.access_keys.len(), 1);
    assert!(!root.mfa_active);
    // roles named by the pool are not in this file
    assert!(warnings(&loaded).contains("identity pool eu-west-1:11111111-2222-3333-4444-555555555555 uses role"));
}

#[test]
fn identity_providers_load_from_the_workspace_keys() {
    let loaded = load(&["identity-providers.json"]).unwrap();
    let account = loaded.model.account();
    let saml = account.saml_providers();
    assert_eq!(saml.len(), 1);
    assert_eq!(saml[0].name(), "CorpIdP");
    assert!(saml[0].metadata_document.as_deref().unwrap().contains("entityID"));
    assert_eq!(saml[0].tags[0].value, "identity-team");
    assert!(saml[0].valid_until.is_some());
    let oidc = account.oidc_providers();
    assert_eq!(oidc[0].url, "token.actions.githubusercontent.com");
    assert_eq!(oidc[0].client_ids, ["sts.amazonaws.com"]);
    // the URL with its scheme is the same URL
    assert_eq!(
        oidc[1].url,
        "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    );
    assert!(warnings(&loaded).is_empty(), "{}", warnings(&loaded));
    // keys of get-saml-provider iamscope does not use are kept for export
    let exported = io::export::export_to_string(account, ExportFormat::Workspace);
    assert!(exported.contains("\"SAMLProviderUUID\""), "{exported}");
}

#[test]
fn a_file_without_provider_keys_says_nothing_about_providers() {
    let loaded = load(&["page-1.json"]).unwrap();
    assert_eq!(loaded.model.account().saml_providers, None);
    assert_eq!(loaded.model.account().oidc_providers, None);
    let exported = io::export::export_to_string(loaded.model.account(), ExportFormat::Workspace);
    assert!(!exported.contains("SAMLProviders"), "an unlisted list stays unlisted");
    let counts = iamscope::analysis::summary::Counts::of(&loaded.model);
    assert_eq!((counts.saml_providers, counts.oidc_providers), (None, None));
}

#[test]
fn the_list_commands_output_merges_with_the_workspace_entries() {
    let loaded = load(&["identity-providers.json", "provider-lists.json"]).unwrap();
    let account = loaded.model.account();
    let saml = account.saml_providers();
    assert_eq!(
        saml.iter().map(|p| p.name()).collect::<Vec<_>>(),
        ["CorpIdP", "PartnerIdP"],
        "one provider per ARN"
    );
    assert!(
        saml[0].metadata_document.is_some(),
        "the list entry does not erase the metadata"
    );
    assert_eq!(account.oidc_providers().len(), 2);
    let counts = iamscope::analysis::summary::Counts::of(&loaded.model);
    assert_eq!((counts.saml_providers, counts.oidc_providers), (Some(2), Some(2)));
    // a list-command page alone names the account by its ARNs
    let alone = load(&["provider-lists.json"]).unwrap();
    assert_eq!(alone.model.account().id, "123456789012");
}

#[test]
fn a_provider_without_an_arn_or_with_another_kinds_arn_is_refused_with_its_path() {
    let message = error_text(&["provider-without-arn.json"]);
    assert!(message.contains("OpenIDConnectProviders[0] has no Arn"), "{message}");
    assert!(message.contains("oidc-provider/URL"), "{message}");
    let message = error_text(&["provider-wrong-arn.json"]);
    assert!(message.contains("SAMLProviders[0].Arn"), "{message}");
    assert!(message.contains("is not a SAML provider's ARN"), "{message}");
}

#[test]
fn a_users_credentials_come_from_the_workspace_keys() {
    let loaded = load(&["workspace.json"]).unwrap();
    let alice = loaded.model.user("alice").unwrap();
    let c = alice.credentials.as_ref().unwrap();
    assert!(c.password.is_some());
    assert!(c.mfa_active);
    assert_eq!(c.access_keys[0].id.as_deref(), Some("AKIAEXAMPLEALICE0001"));
    assert_eq!(c.access_keys[0].last_used_service.as_deref(), Some("s3"));
}

#[test]
fn unknown_keys_are_warnings_and_are_kept_on_export() {
    let loaded = load(&["workspace.json"]).unwrap();
    let text = warnings(&loaded);
    assert!(
        text.contains("top-level key `Comments` is not one iamscope uses"),
        "{text}"
    );
    assert!(
        text.contains("UserDetailList entries carry keys iamscope does not use (FavouriteColour)"),
        "{text}"
    );
    let exported = io::export::export_to_string(loaded.model.account(), ExportFormat::Workspace);
    assert!(exported.contains("\"Comments\": \"kept for export\""));
    assert!(exported.contains("\"FavouriteColour\": \"teal\""));
}

#[test]
fn the_credential_report_csv_merges_onto_users_and_the_root_user() {
    let loaded = load_with_report("raw-api-quirks.json", "credential-report.csv");
    let alice = loaded.model.user("alice").unwrap().credentials.clone().unwrap();
    assert!(alice.password.as_ref().unwrap().last_used.is_some());
    assert!(!alice.mfa_active);
    assert_eq!(alice.access_keys.len(), 2, "key 2 was rotated once, so it exists");
    assert_eq!(alice.access_keys[0].status, AccessKeyStatus::Active);
    assert_eq!(alice.access_keys[1].status, AccessKeyStatus::Inactive);
    assert_eq!(alice.access_keys[0].last_used_region.as_deref(), Some("eu-west-1"));
    let bob = loaded.model.user("bob").unwrap().credentials.clone().unwrap();
    assert!(bob.password.is_none() && bob.access_keys.is_empty());
    let root = loaded.model.account().root.credentials.clone().unwrap();
    assert!(root.mfa_active);
    assert!(root.password.is_some(), "the root user always has a password");
    assert!(warnings(&loaded).contains("row for user carol, who is not in the export"));
}

#[test]
fn the_credential_report_is_also_accepted_as_get_credential_report_output() {
    let csv = load_with_report("raw-api-quirks.json", "credential-report.csv");
    let json = load_with_report("raw-api-quirks.json", "get-credential-report.json");
    assert_eq!(csv.model, json.model);
}

#[test]
fn import_then_export_then_import_gives_an_equal_model() {
    for (files, report) in [
        (vec!["raw-api-quirks.json"], Some("credential-report.csv")),
        (vec!["page-1.json", "page-2.json"], None),
        (vec!["workspace.json"], None),
        (vec!["identity-providers.json", "provider-lists.json"], None),
    ] {
        let sources: Vec<_> = files.iter().map(|n| AccountSource::File(fixture(n))).collect();
        let first = io::load(&sources, report.map(fixture).as_deref()).unwrap();
        let exported = io::export::export_to_string(first.model.account(), ExportFormat::Workspace);
        let second = io::load_bytes("exported.json", exported.as_bytes()).unwrap();
        assert_eq!(first.model.account(), second.model.account(), "round trip of {files:?}");
    }
}

#[test]
fn the_demo_account_round_trips_in_both_formats() {
    let demo = io::load(&[], None).unwrap();
    let workspace = io::export::export_to_string(demo.model.account(), ExportFormat::Workspace);
    let again = io::load_bytes("demo-export.json", workspace.as_bytes()).unwrap();
    assert_eq!(demo.model.account(), again.model.account());

    // GAAD keeps the IAM lists only; the account id comes back from the ARNs
    let gaad = io::export::export_to_string(demo.model.account(), ExportFormat::Gaad);
    assert!(!gaad.contains("ServiceControlPolicies"));
    let again = io::load_bytes("demo-gaad.json", gaad.as_bytes()).unwrap();
    assert_eq!(again.model.account().id, "111122223333");
    assert_eq!(
        again.model.account().users,
        demo.model
            .account()
            .users
            .iter()
            .cloned()
            .map(|mut u| {
                u.credentials = None;
                u
            })
            .collect::<Vec<_>>()
    );
    assert_eq!(again.model.account().roles, demo.model.account().roles);
    assert_eq!(again.model.account().policies, demo.model.account().policies);
}

// ---- bad input: what, where, what to do ----

#[test]
fn malformed_json_names_the_file_line_and_column_and_shows_the_line() {
    let message = error_text(&["malformed.json"]);
    assert!(message.contains("malformed.json:3:"), "{message}");
    assert!(message.contains("expected `,` or `}`"), "{message}");
    assert!(message.contains("not valid JSON"), "{message}");
    assert!(
        message.contains("{\"UserName\": \"alice\" \"UserId\""),
        "excerpt: {message}"
    );
    assert!(message.contains('^'), "caret: {message}");
}

#[test]
fn a_file_that_ends_early_says_so() {
    let message = error_text(&["truncated-file.json"]);
    assert!(message.contains("truncated-file.json:"), "{message}");
    assert!(message.contains("ends early"), "{message}");
}

#[test]
fn a_value_of_the_wrong_shape_names_its_json_path() {
    let message = error_text(&["bad-date.json"]);
    assert!(message.contains("UserDetailList[1].CreateDate"), "{message}");
    assert!(message.contains("`last tuesday` is not a date"), "{message}");
}

#[test]
fn a_single_policy_document_is_recognised_and_pointed_to_lint() {
    let message = error_text(&["policy-document.json"]);
    assert!(message.contains("is a single policy document"), "{message}");
    assert!(message.contains("iamscope lint"), "{message}");
}

#[test]
fn a_credential_report_passed_as_an_account_is_pointed_to_the_right_option() {
    for name in ["credential-report.csv", "get-credential-report.json"] {
        let message = error_text(&[name]);
        assert!(message.contains("--credential-report"), "{name}: {message}");
    }
}

#[test]
fn a_json_list_is_not_an_account() {
    let message = error_text(&["list.json"]);
    assert!(message.contains("is a JSON list"), "{message}");
    assert!(message.contains("get-account-authorization-details"), "{message}");
}

#[test]
fn an_empty_file_says_what_was_expected() {
    let message = error_text(&["empty.json"]);
    assert!(message.contains("empty.json is empty"), "{message}");
    assert!(message.contains("get-account-authorization-details"), "{message}");
}

#[test]
fn text_that_is_not_utf8_is_refused_with_the_place_and_a_fix() {
    let message = error_text(&["latin1.json"]);
    assert!(message.contains("is not UTF-8"), "{message}");
    assert!(message.contains("1:38"), "line and column of the bad byte: {message}");
    assert!(message.contains("iconv"), "{message}");
    let message = error_text(&["utf16.json"]);
    assert!(message.contains("UTF-16"), "{message}");
}

#[test]
fn a_missing_file_names_the_file() {
    let message = error_text(&["no-such-file.json"]);
    assert!(message.contains("cannot read"), "{message}");
    assert!(message.contains("no-such-file.json"), "{message}");
}

#[test]
fn a_policy_document_that_is_neither_object_nor_encoded_json_is_refused_with_its_path() {
    let text = r#"{"UserDetailList": [{"UserName": "a", "Arn": "arn:aws:iam::123456789012:user/a",
        "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": 42}]}]}"#;
    let message = io::load_bytes("inline.json", text.as_bytes()).unwrap_err().to_string();
    assert!(
        message.contains("UserDetailList[0].UserPolicyList[0].PolicyDocument"),
        "{message}"
    );
    assert!(
        message.contains("must be a JSON object or a URL-encoded JSON string"),
        "{message}"
    );
}

#[test]
fn an_entity_without_name_or_arn_is_refused_with_its_position() {
    let text = r#"{"RoleDetailList": [{"RoleName": "ok", "Arn": "arn:aws:iam::123456789012:role/ok"}, {"Path": "/"}]}"#;
    let message = io::load_bytes("roles.json", text.as_bytes()).unwrap_err().to_string();
    assert!(
        message.contains("RoleDetailList[1] has neither a name nor an Arn"),
        "{message}"
    );
}

#[test]
fn a_utf8_byte_order_mark_is_accepted() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(br#"{"UserDetailList": []}"#);
    assert!(io::load_bytes("bom.json", &bytes).is_ok());
}

#[test]
fn a_provider_past_what_the_iam_api_accepts_is_refused_with_its_path() {
    // IAM API Reference, CreateOpenIDConnectProvider: at most five thumbprints.
    let account = serde_json::json!({
        "AccountId": "123456789012",
        "OpenIDConnectProviders": [{
            "Arn": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            "ThumbprintList": vec!["6938fd4d98bab03faadb97b34396831e3780aea1"; 6],
        }],
    });
    let err = io::load_bytes("providers.json", account.to_string().as_bytes())
        .expect_err("six thumbprints are refused")
        .to_string();
    assert!(
        err.contains("OpenIDConnectProviders[0].ThumbprintList: 6 thumbprints"),
        "{err}"
    );
}
