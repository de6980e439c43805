//! Collecting against recorded CLI output (in memory, no process): the
//! shapes are those AWS documents for each command.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};

use super::*;

/// Replays recorded output by command line (without `--output json`); a
/// command with several recordings gives them in turn, then the last again.
#[derive(Default)]
struct Recorded {
    answers: HashMap<String, Vec<Output>>,
    used: HashMap<String, usize>,
    calls: Vec<String>,
    slept: Vec<Duration>,
}

fn ok(value: Value) -> Output {
    Output {
        status: Some(0),
        stdout: serde_json::to_vec(&value).unwrap(),
        stderr: String::new(),
    }
}

fn error(code: &str, operation: &str, message: &str) -> Output {
    Output {
        status: Some(254),
        stdout: Vec::new(),
        stderr: format!("\nAn error occurred ({code}) when calling the {operation} operation: {message}\n"),
    }
}

impl Recorded {
    fn on(&mut self, command: &str, output: Output) -> &mut Self {
        self.answers.entry(command.to_owned()).or_default().push(output);
        self
    }

    fn key(args: &[String]) -> String {
        let mut out = Vec::new();
        let mut skip = false;
        for a in args {
            if skip {
                skip = false;
                continue;
            }
            if a == "--output" {
                skip = true;
                continue;
            }
            out.push(a.as_str());
        }
        out.join(" ")
    }
}

impl Runner for Recorded {
    fn run(&mut self, args: &[String]) -> Result<Output, String> {
        let key = Recorded::key(args);
        self.calls.push(key.clone());
        let Some(answers) = self.answers.get(&key) else {
            return Ok(error("NoRecording", "Test", &key));
        };
        let used = self.used.entry(key).or_default();
        let answer = answers[(*used).min(answers.len() - 1)].clone();
        *used += 1;
        Ok(answer)
    }

    fn sleep(&mut self, wait: Duration) {
        self.slept.push(wait);
    }
}

#[derive(Default)]
struct Kept {
    checkpoints: Vec<Vec<u8>>,
    problems: Vec<String>,
}

impl Progress for Kept {
    fn problem(&mut self, problem: &Problem) {
        self.problems.push(problem.describe());
    }
    fn checkpoint(&mut self, workspace: &Workspace) -> Result<(), String> {
        self.checkpoints.push(workspace.to_bytes(true));
        Ok(())
    }
}

const R: &str = " --region eu-west-1";
const SAML_ARN: &str = "arn:aws:iam::111122223333:saml-provider/CorpIdP";
const OIDC_ARN: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

fn settings() -> Settings {
    Settings {
        regions: vec!["eu-west-1".into()],
        ..Settings::default()
    }
}

fn report_csv() -> String {
    let header = crate::io::credential_report::COLUMNS.join(",");
    let root = "<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
    let alice = "alice,arn:aws:iam::111122223333:user/alice,2024-01-01T00:00:00+00:00,true,N/A,N/A,N/A,false,true,2024-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
    format!("{header}\n{root}\n{alice}\n")
}

/// An account with one of everything, every command answering.
fn account() -> Recorded {
    use base64::Engine;
    let mut r = Recorded::default();
    let policy = |sid: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Sid": sid, "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}).to_string()
    };
    r.on(
        "sts get-caller-identity",
        ok(json!({"UserId": "AIDAEXAMPLE", "Account": "111122223333", "Arn": "arn:aws:iam::111122223333:user/auditor"})),
    )
    .on("iam list-account-aliases", ok(json!({"AccountAliases": ["example-prod"]})))
    .on(
        "iam get-account-authorization-details",
        ok(json!({
            "UserDetailList": [{"UserName": "alice", "UserId": "AIDAALICE", "Arn": "arn:aws:iam::111122223333:user/alice", "Path": "/", "GroupList": [], "AttachedManagedPolicies": [], "UserPolicyList": []}],
            "GroupDetailList": [],
            "RoleDetailList": [{"RoleName": "Guest", "RoleId": "AROAGUEST", "Arn": "arn:aws:iam::111122223333:role/Guest", "Path": "/",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}]},
                "RolePolicyList": [], "AttachedManagedPolicies": []}],
            "Policies": [],
            "IsTruncated": true,
            "Marker": "page-2"
        })),
    )
    .on(
        "iam get-account-authorization-details --marker page-2",
        ok(json!({
            "UserDetailList": [{"UserName": "bob", "UserId": "AIDABOB", "Arn": "arn:aws:iam::111122223333:user/bob", "Path": "/", "GroupList": [], "AttachedManagedPolicies": [], "UserPolicyList": []}],
            "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
            "IsTruncated": false
        })),
    )
    .on("iam generate-credential-report", ok(json!({"State": "STARTED", "Description": "No report exists. Starting a new report generation task"})))
    .on("iam generate-credential-report", ok(json!({"State": "COMPLETE"})))
    .on(
        "iam get-credential-report",
        ok(json!({"Content": base64::engine::general_purpose::STANDARD.encode(report_csv()), "ReportFormat": "text/csv", "GeneratedTime": "2026-11-01T10:00:00Z"})),
    )
    // IAM API Reference: ListSAMLProviders, GetSAMLProvider,
    // ListOpenIDConnectProviders, GetOpenIDConnectProvider (the gets print
    // no Arn).
    .on(
        "iam list-saml-providers",
        ok(json!({"SAMLProviderList": [{"Arn": SAML_ARN, "ValidUntil": "2030-01-01T00:00:00Z", "CreateDate": "2024-01-01T00:00:00Z"}]})),
    )
    .on(
        &format!("iam get-saml-provider --saml-provider-arn {SAML_ARN}"),
        ok(json!({"SAMLMetadataDocument": "<EntityDescriptor/>", "CreateDate": "2024-01-01T00:00:00Z", "ValidUntil": "2030-01-01T00:00:00Z", "Tags": []})),
    )
    .on(
        "iam list-open-id-connect-providers",
        ok(json!({"OpenIDConnectProviderList": [{"Arn": OIDC_ARN}]})),
    )
    .on(
        &format!("iam get-open-id-connect-provider --open-id-connect-provider-arn {OIDC_ARN}"),
        ok(json!({"Url": "token.actions.githubusercontent.com", "ClientIDList": ["sts.amazonaws.com"], "ThumbprintList": [], "CreateDate": "2024-01-01T00:00:00Z", "Tags": []})),
    )
    .on("s3api list-buckets", ok(json!({"Buckets": [{"Name": "photos"}, {"Name": "logs"}], "Owner": {"ID": "x"}})))
    .on("s3api get-bucket-policy --bucket photos", ok(json!({"Policy": policy("PublicRead")})))
    .on(
        "s3api get-bucket-policy --bucket logs",
        error("NoSuchBucketPolicy", "GetBucketPolicy", "The bucket policy does not exist"),
    )
    .on(
        "organizations describe-organization",
        ok(json!({"Organization": {"Id": "o-abc", "MasterAccountId": "999988887777"}})),
    )
    .on(
        "organizations list-parents --child-id 111122223333",
        ok(json!({"Parents": [{"Id": "ou-ab12-prod", "Type": "ORGANIZATIONAL_UNIT"}]})),
    )
    .on(
        "organizations list-parents --child-id ou-ab12-prod",
        ok(json!({"Parents": [{"Id": "r-ab12", "Type": "ROOT"}]})),
    )
    .on(
        "organizations list-policies --filter SERVICE_CONTROL_POLICY",
        ok(json!({"Policies": [
            {"Id": "p-FullAWSAccess", "Name": "FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": true},
            {"Id": "p-denyregions", "Name": "DenyOtherRegions", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": false},
            {"Id": "p-sandbox", "Name": "SandboxOnly", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": false}
        ]})),
    )
    .on(
        "organizations list-targets-for-policy --policy-id p-FullAWSAccess",
        ok(json!({"Targets": [
            {"TargetId": "r-ab12", "Type": "ROOT", "Name": "Root"},
            {"TargetId": "ou-ab12-prod", "Type": "ORGANIZATIONAL_UNIT", "Name": "Prod"},
            {"TargetId": "111122223333", "Type": "ACCOUNT", "Name": "prod"}
        ]})),
    )
    .on(
        "organizations list-targets-for-policy --policy-id p-denyregions",
        ok(json!({"Targets": [{"TargetId": "ou-ab12-prod", "Type": "ORGANIZATIONAL_UNIT", "Name": "Prod"}]})),
    )
    .on(
        "organizations list-targets-for-policy --policy-id p-sandbox",
        ok(json!({"Targets": [{"TargetId": "ou-ab12-sandbox", "Type": "ORGANIZATIONAL_UNIT", "Name": "Sandbox"}]})),
    )
    .on(
        "organizations describe-policy --policy-id p-FullAWSAccess",
        ok(json!({"Policy": {"PolicySummary": {"Id": "p-FullAWSAccess", "Name": "FullAWSAccess"}, "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}})),
    )
    .on(
        "organizations describe-policy --policy-id p-denyregions",
        ok(json!({"Policy": {"PolicySummary": {"Id": "p-denyregions", "Name": "DenyOtherRegions"}, "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":{\"aws:RequestedRegion\":\"eu-west-1\"}}}]}"}})),
    )
    .on(
        "organizations list-policies --filter RESOURCE_CONTROL_POLICY",
        ok(json!({"Policies": []})),
    );
    r.on(&format!("kms list-keys{R}"), ok(json!({"Keys": [{"KeyId": "k1", "KeyArn": "arn:aws:kms:eu-west-1:111122223333:key/k1"}]})))
        .on(
            &format!("kms get-key-policy --key-id k1 --policy-name default{R}"),
            ok(json!({"Policy": policy("KeyAdmins"), "PolicyName": "default"})),
        )
        .on(&format!("sqs list-queues{R}"), Output { status: Some(0), stdout: Vec::new(), stderr: String::new() })
        .on(&format!("sns list-topics{R}"), ok(json!({"Topics": [{"TopicArn": "arn:aws:sns:eu-west-1:111122223333:alerts"}]})))
        .on(
            &format!("sns get-topic-attributes --topic-arn arn:aws:sns:eu-west-1:111122223333:alerts{R}"),
            ok(json!({"Attributes": {"Policy": policy("Publish"), "TopicArn": "arn:aws:sns:eu-west-1:111122223333:alerts"}})),
        )
        // Lambda ListFunctions: asked by the function policies and by the inventory.
        .on(
            &format!("lambda list-functions{R}"),
            ok(json!({"Functions": [{"FunctionName": "nightly", "FunctionArn": "arn:aws:lambda:eu-west-1:111122223333:function:nightly",
                "Role": "arn:aws:iam::111122223333:role/Worker", "Runtime": "python3.12"}]})),
        )
        .on(
            &format!("lambda get-policy --function-name nightly{R}"),
            error("ResourceNotFoundException", "GetPolicy", "The resource you requested does not exist."),
        )
        .on(&format!("secretsmanager list-secrets{R}"), ok(json!({"SecretList": []})))
        .on(&format!("ecr describe-repositories{R}"), ok(json!({"repositories": []})))
        .on(
            &format!("cognito-identity list-identity-pools --max-results 60{R}"),
            ok(json!({"IdentityPools": [{"IdentityPoolId": "eu-west-1:1111", "IdentityPoolName": "site"}], "NextToken": "t2"})),
        )
        .on(
            &format!("cognito-identity list-identity-pools --max-results 60 --next-token t2{R}"),
            ok(json!({"IdentityPools": [{"IdentityPoolId": "eu-west-1:2222", "IdentityPoolName": "app"}]})),
        );
    for (id, name) in [("eu-west-1:1111", "site"), ("eu-west-1:2222", "app")] {
        r.on(
            &format!("cognito-identity describe-identity-pool --identity-pool-id {id}{R}"),
            ok(json!({"IdentityPoolId": id, "IdentityPoolName": name, "AllowUnauthenticatedIdentities": true, "AllowClassicFlow": false})),
        )
        .on(
            &format!("cognito-identity get-identity-pool-roles --identity-pool-id {id}{R}"),
            ok(json!({"IdentityPoolId": id, "Roles": {"unauthenticated": "arn:aws:iam::111122223333:role/Guest"}})),
        );
    }
    r.on(
        &format!("cognito-idp list-user-pools --max-results 60{R}"),
        ok(json!({"UserPools": [{"Id": "eu-west-1_AbC", "Name": "customers"}]})),
    )
    .on(
        &format!("cognito-idp describe-user-pool --user-pool-id eu-west-1_AbC{R}"),
        ok(json!({"UserPool": {"Id": "eu-west-1_AbC", "Name": "customers", "Arn": "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_AbC"}})),
    );
    // What runs as which role, in the shapes the EC2 (DescribeInstances),
    // Systems Manager (DescribeInstanceInformation), Glue (GetDevEndpoints),
    // SageMaker (ListNotebookInstances, DescribeNotebookInstance) and
    // CloudFormation (DescribeStacks) API references give.
    let profile = "arn:aws:iam::111122223333:instance-profile/WebProfile";
    r.on(
        &format!("ec2 describe-instances{R}"),
        ok(json!({"Reservations": [
            {"Instances": [
                {"InstanceId": "i-web", "State": {"Code": 16, "Name": "running"}, "IamInstanceProfile": {"Arn": profile, "Id": "AIPAWEB"}},
                {"InstanceId": "i-old", "State": {"Code": 48, "Name": "terminated"}, "IamInstanceProfile": {"Arn": profile, "Id": "AIPAWEB"}}
            ]},
            {"Instances": [{"InstanceId": "i-bare", "State": {"Code": 80, "Name": "stopped"}}]}
        ]})),
    )
    .on(
        &format!("ssm describe-instance-information{R}"),
        ok(json!({"InstanceInformationList": [{"InstanceId": "i-web", "PingStatus": "Online", "ResourceType": "EC2Instance"}]})),
    )
    .on(&format!("glue get-dev-endpoints{R}"), ok(json!({"DevEndpoints": []})))
    .on(
        &format!("sagemaker list-notebook-instances{R}"),
        ok(json!({"NotebookInstances": [{"NotebookInstanceName": "lab", "NotebookInstanceStatus": "InService"}]})),
    )
    .on(
        &format!("sagemaker describe-notebook-instance --notebook-instance-name lab{R}"),
        ok(json!({"NotebookInstanceName": "lab", "RoleArn": "arn:aws:iam::111122223333:role/Worker", "NotebookInstanceStatus": "InService"})),
    )
    .on(
        &format!("cloudformation describe-stacks{R}"),
        ok(json!({"Stacks": [
            {"StackName": "infra", "StackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/infra/1", "RoleARN": "arn:aws:iam::111122223333:role/Deployer", "StackStatus": "UPDATE_COMPLETE"},
            {"StackName": "plain", "StackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/plain/2", "StackStatus": "CREATE_COMPLETE"}
        ]})),
    );
    r
}

fn run(settings: &Settings, runner: &mut Recorded, workspace: &mut Workspace) -> (Outcome, Kept) {
    let mut kept = Kept::default();
    let outcome = collect(settings, workspace, runner, &mut kept);
    (outcome, kept)
}

fn loads(workspace: &Workspace) -> crate::io::Loaded {
    crate::io::load_bytes("collected.json", &workspace.to_bytes(false)).expect("the collected file loads")
}

#[test]
fn every_part_lands_in_a_workspace_file_that_loads() {
    let settings = settings();
    let mut runner = account();
    let mut w = Workspace::default();
    let (outcome, kept) = run(&settings, &mut runner, &mut w);
    assert!(outcome.problems.is_empty(), "{:#?}", kept.problems);
    assert_eq!(outcome.stopped, None);
    assert!(is_complete(&settings, &w));
    assert_eq!(
        kept.checkpoints.len(),
        parts(&settings).len(),
        "a checkpoint after every part"
    );
    let loaded = loads(&w);
    let a = loaded.model.account();
    assert_eq!(a.id, "111122223333");
    assert_eq!(a.alias.as_deref(), Some("example-prod"));
    assert_eq!(
        a.users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["alice", "bob"],
        "both pages of GAAD"
    );
    let arns: Vec<&str> = a.resource_policies.iter().map(|p| p.resource_arn.as_str()).collect();
    assert_eq!(
        arns,
        [
            "arn:aws:s3:::photos",
            "arn:aws:kms:eu-west-1:111122223333:key/k1",
            "arn:aws:sns:eu-west-1:111122223333:alerts"
        ],
        "a bucket without a policy is no gap"
    );
    // only the policies on the account's path to the root, one entry per target
    let scps: Vec<(String, Option<&str>)> = a
        .service_control_policies
        .iter()
        .map(|p| (p.name.clone(), p.target.as_str()))
        .collect();
    assert_eq!(
        scps,
        [
            ("FullAWSAccess".to_owned(), Some("r-ab12")),
            ("FullAWSAccess".to_owned(), Some("ou-ab12-prod")),
            ("FullAWSAccess".to_owned(), Some("111122223333")),
            ("DenyOtherRegions".to_owned(), Some("ou-ab12-prod")),
        ]
    );
    assert_eq!(a.identity_pools.len(), 2, "both pages of identity pools");
    assert_eq!(
        a.identity_pools[0].unauthenticated_role.as_deref(),
        Some("arn:aws:iam::111122223333:role/Guest")
    );
    assert_eq!(a.identity_pools[0].allow_classic_flow, Some(false));
    assert_eq!(a.user_pools[0].name, "customers");
    assert_eq!(
        a.saml_providers().iter().map(|p| p.name()).collect::<Vec<_>>(),
        ["CorpIdP"]
    );
    let oidc = a.oidc_providers();
    assert_eq!(oidc.len(), 1);
    assert_eq!(oidc[0].url, "token.actions.githubusercontent.com");
    assert_eq!(
        oidc[0].client_ids,
        ["sts.amazonaws.com"],
        "the get's fields merged into the listed entry"
    );
    let alice = &a.users[0];
    assert_eq!(alice.credentials.as_ref().map(|c| c.active_access_keys()), Some(1));
    assert!(a.root.credentials.as_ref().is_some_and(|c| c.mfa_active));
    assert_eq!(runner.slept, [settings.poll], "the report was waited for once");
    assert!(loaded.report.warnings.is_empty(), "{:?}", loaded.report.warnings);

    // What runs as which role, as the inventory reads it.
    let inventory = a.inventory.as_ref().expect("the inventory is in the workspace");
    let functions = inventory.lambda_functions.as_deref().unwrap();
    assert_eq!(
        (functions[0].function_name.as_str(), functions[0].role.as_str()),
        ("nightly", "arn:aws:iam::111122223333:role/Worker")
    );
    assert_eq!(functions[0].extra["Region"], "eu-west-1");
    let instances: Vec<(&str, Option<&str>, Option<bool>)> = inventory
        .ec2_instances
        .as_deref()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i.instance_id.as_str(),
                i.iam_instance_profile.as_ref().map(|p| p.arn.as_str()),
                i.ssm_managed,
            )
        })
        .collect();
    assert_eq!(
        instances,
        [
            (
                "i-web",
                Some("arn:aws:iam::111122223333:instance-profile/WebProfile"),
                Some(true)
            ),
            ("i-bare", None, Some(false)),
        ],
        "a terminated instance runs nothing"
    );
    assert_eq!(
        inventory.glue_dev_endpoints.as_deref(),
        Some(&[][..]),
        "known to be none"
    );
    let notebooks = inventory.sagemaker_notebook_instances.as_deref().unwrap();
    assert_eq!(notebooks[0].role_arn, "arn:aws:iam::111122223333:role/Worker");
    let stacks: Vec<(&str, Option<&str>)> = inventory
        .cloudformation_stacks
        .as_deref()
        .unwrap()
        .iter()
        .map(|s| (s.stack_name.as_str(), s.role_arn.as_deref()))
        .collect();
    assert_eq!(
        stacks,
        [
            ("infra", Some("arn:aws:iam::111122223333:role/Deployer")),
            ("plain", None)
        ]
    );
    assert!(inventory.not_listed.is_empty());
}

#[test]
fn an_inventory_list_that_cannot_be_read_is_not_known_rather_than_empty() {
    let settings = settings();
    let mut runner = account();
    runner.answers.insert(
        format!("glue get-dev-endpoints{R}"),
        vec![error("AccessDeniedException", "GetDevEndpoints", "not authorized")],
    );
    runner.answers.insert(
        format!("ssm describe-instance-information{R}"),
        vec![error(
            "AccessDeniedException",
            "DescribeInstanceInformation",
            "not authorized",
        )],
    );
    runner.answers.insert(
        format!("sagemaker describe-notebook-instance --notebook-instance-name lab{R}"),
        vec![error(
            "ThrottlingException",
            "DescribeNotebookInstance",
            "Rate exceeded",
        )],
    );
    let mut w = Workspace::default();
    let (outcome, kept) = run(&settings, &mut runner, &mut w);
    let permissions: Vec<&str> = outcome.problems.iter().map(|p| p.permission).collect();
    assert_eq!(
        permissions,
        [
            "ssm:DescribeInstanceInformation",
            "glue:GetDevEndpoints",
            "sagemaker:DescribeNotebookInstance"
        ],
        "{:#?}",
        kept.problems
    );
    assert!(!w.is_complete("inventory/eu-west-1"));
    let loaded = loads(&w);
    let inventory = loaded.model.account().inventory.clone().unwrap();
    let not_listed: Vec<(&str, Option<&str>, &str)> = inventory
        .not_listed
        .iter()
        .map(|n| (n.list.as_str(), n.region.as_deref(), n.reason.as_str()))
        .collect();
    assert_eq!(
        not_listed,
        [
            (
                "GlueDevEndpoints",
                Some("eu-west-1"),
                "denied (AccessDeniedException); it needs glue:GetDevEndpoints"
            ),
            (
                "SageMakerNotebookInstances",
                Some("eu-west-1"),
                "still refused after every try (ThrottlingException after 6 tries)"
            ),
        ]
    );
    // Systems Manager could not be asked: whether it manages an instance is unknown.
    assert!(
        inventory
            .ec2_instances
            .as_deref()
            .unwrap()
            .iter()
            .all(|i| i.ssm_managed.is_none())
    );
    // The loader says what the inventory lacks.
    assert!(
        loaded.report.warnings.iter().any(|w| w
            .message
            .contains("GlueDevEndpoints in eu-west-1 could not be read in full")),
        "{:?}",
        loaded.report.warnings
    );

    // Asked again with the permissions granted: the region's lists are
    // replaced, the gaps are gone, nothing is listed twice.
    w.state.parts.remove("inventory/eu-west-1");
    let mut runner = account();
    let (outcome, _) = run(&settings, &mut runner, &mut w);
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    let inventory = loads(&w).model.into_account().inventory.unwrap();
    assert!(inventory.not_listed.is_empty());
    assert_eq!(inventory.lambda_functions.unwrap().len(), 1);
    assert_eq!(inventory.ec2_instances.unwrap().len(), 2);
    assert_eq!(inventory.sagemaker_notebook_instances.unwrap().len(), 1);
}

#[test]
fn a_denied_part_is_said_with_its_permission_and_the_rest_is_collected() {
    let settings = settings();
    let mut runner = account();
    runner.answers.insert(
        format!("kms list-keys{R}"),
        vec![error(
            "AccessDeniedException",
            "ListKeys",
            "User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: kms:ListKeys",
        )],
    );
    runner.answers.insert(
        "organizations list-policies --filter SERVICE_CONTROL_POLICY".into(),
        vec![error(
            "AccessDeniedException",
            "ListPolicies",
            "You don't have permissions to access this resource.",
        )],
    );
    let mut w = Workspace::default();
    let (outcome, _) = run(&settings, &mut runner, &mut w);
    assert_eq!(outcome.stopped, None);
    let denied: Vec<(&str, &str)> = outcome
        .problems
        .iter()
        .map(|p| (p.permission, p.missing.as_str()))
        .collect();
    assert_eq!(
        denied,
        [
            (
                "organizations:ListPolicies",
                "the SCPs and RCPs that apply to the account"
            ),
            ("kms:ListKeys", "the KMS key policies in eu-west-1")
        ]
    );
    assert!(outcome.problems.iter().all(|p| p.kind == ProblemKind::Denied));
    assert!(outcome.problems[1].describe().contains("AccessDeniedException"));
    assert!(!w.is_complete("kms/eu-west-1"));
    assert!(!w.is_complete("organization-policies"));
    assert!(w.is_complete("sns/eu-west-1"));
    assert_eq!(loads(&w).model.account().resource_policies.len(), 2);
}

#[test]
fn a_throttled_call_is_asked_again_after_waits_that_double() {
    let settings = settings();
    let mut runner = account();
    let throttled = error("Throttling", "GetAccountAuthorizationDetails", "Rate exceeded");
    let page = runner.answers["iam get-account-authorization-details"][0].clone();
    runner.answers.insert(
        "iam get-account-authorization-details".into(),
        vec![throttled.clone(), throttled, page],
    );
    let mut w = Workspace::default();
    let (outcome, _) = run(&settings, &mut runner, &mut w);
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert_eq!(&runner.slept[..2], [Duration::from_secs(1), Duration::from_secs(2)]);
    assert_eq!(loads(&w).model.account().users.len(), 2);
}

#[test]
fn a_call_still_throttled_after_every_try_is_a_gap_not_a_stop() {
    let settings = Settings {
        attempts: 3,
        ..settings()
    };
    let mut runner = account();
    runner.answers.insert(
        format!("sns list-topics{R}"),
        vec![error("Throttling", "ListTopics", "Rate exceeded")],
    );
    let mut w = Workspace::default();
    let (outcome, _) = run(&settings, &mut runner, &mut w);
    assert_eq!(outcome.problems.len(), 1);
    assert_eq!(outcome.problems[0].kind, ProblemKind::Throttled);
    assert!(
        outcome.problems[0].detail.contains("after 3 tries"),
        "{:?}",
        outcome.problems[0]
    );
    assert_eq!(
        runner.calls.iter().filter(|c| c.starts_with("sns list-topics")).count(),
        3
    );
    assert!(w.is_complete("lambda/eu-west-1"), "the parts after it still ran");
}

#[test]
fn expired_credentials_stop_everything_and_resume_asks_only_what_is_missing() {
    let settings = settings();
    let mut runner = account();
    let bucket_policy = runner.answers["s3api get-bucket-policy --bucket photos"].clone();
    runner.answers.insert(
        "s3api get-bucket-policy --bucket photos".into(),
        vec![error(
            "ExpiredToken",
            "GetBucketPolicy",
            "The provided token has expired.",
        )],
    );
    let mut w = Workspace::default();
    let (outcome, kept) = run(&settings, &mut runner, &mut w);
    let stopped = outcome.stopped.expect("collecting stops");
    assert!(
        stopped.contains("sign in again") && stopped.contains("--resume"),
        "{stopped}"
    );
    assert!(
        !runner.calls.iter().any(|c| c.starts_with("kms")),
        "nothing after the stop"
    );
    // the partial file has what came before the stop
    let partial = kept.checkpoints.last().unwrap();
    let mut resumed = Workspace::from_partial(partial).unwrap();
    assert!(resumed.is_complete("authorization-details"));
    assert!(!resumed.is_complete("s3"));
    check_resume(&settings, &resumed).unwrap();

    let mut runner = account();
    runner
        .answers
        .insert("s3api get-bucket-policy --bucket photos".into(), bucket_policy);
    let (outcome, _) = run(&settings, &mut runner, &mut resumed);
    assert!(outcome.problems.is_empty() && outcome.stopped.is_none());
    assert_eq!(
        outcome.kept,
        [
            "account id and alias",
            "users, groups, roles and policies",
            "credential report",
            "SAML and OpenID Connect providers"
        ]
    );
    assert!(
        !runner.calls.iter().any(|c| c.starts_with("iam ")),
        "the parts kept are not asked again: {:?}",
        runner.calls
    );
    let loaded = loads(&resumed);
    assert_eq!(loaded.model.account().users.len(), 2);
    assert_eq!(loaded.model.account().resource_policies.len(), 3);

    let other = Settings {
        regions: vec!["us-east-1".into()],
        ..Settings::default()
    };
    assert!(
        check_resume(&other, &resumed)
            .unwrap_err()
            .contains("--region eu-west-1")
    );
}

#[test]
fn a_part_asked_again_replaces_what_it_brought_last_time() {
    let settings = settings();
    let mut runner = account();
    let mut w = Workspace::default();
    run(&settings, &mut runner, &mut w);
    w.state.parts.remove("kms/eu-west-1");
    w.state.parts.remove("cognito-identity/eu-west-1");
    let mut runner = account();
    run(&settings, &mut runner, &mut w);
    let a = loads(&w).model.into_account();
    assert_eq!(a.resource_policies.len(), 3, "the key policy once, not twice");
    assert_eq!(a.identity_pools.len(), 2);
}

#[test]
fn the_management_account_and_an_account_outside_any_organisation_get_no_scps() {
    let settings = settings();
    let mut runner = account();
    runner.answers.insert(
        "organizations describe-organization".into(),
        vec![ok(
            json!({"Organization": {"Id": "o-abc", "MasterAccountId": "111122223333"}}),
        )],
    );
    let mut w = Workspace::default();
    let (outcome, _) = run(&settings, &mut runner, &mut w);
    assert!(outcome.problems.is_empty());
    assert!(loads(&w).model.account().service_control_policies.is_empty());
    assert!(!runner.calls.iter().any(|c| c.starts_with("organizations list")));

    let mut runner = account();
    runner.answers.insert(
        "organizations describe-organization".into(),
        vec![error(
            "AWSOrganizationsNotInUseException",
            "DescribeOrganization",
            "Your account is not a member of an organization.",
        )],
    );
    let mut w = Workspace::default();
    let (outcome, _) = run(&settings, &mut runner, &mut w);
    assert!(outcome.problems.is_empty());
    assert!(w.is_complete("organization-policies"));
}

#[test]
fn a_dry_run_lists_every_command_with_region_and_profile() {
    let settings = Settings {
        profile: Some("audit".into()),
        regions: vec!["eu-west-1".into(), "us-east-1".into()],
        ..Settings::default()
    };
    let planned = plan(&settings);
    let lines: Vec<&str> = planned.iter().map(|p| p.command.as_str()).collect();
    assert_eq!(lines[0], "aws sts get-caller-identity --output json --profile audit");
    assert!(lines.contains(
        &"aws kms get-key-policy --key-id KEY_ID --policy-name default --output json --region us-east-1 --profile audit"
    ));
    assert!(lines.contains(&"aws s3api get-bucket-policy --bucket BUCKET --output json --profile audit"));
    assert!(lines.contains(
        &"aws sagemaker describe-notebook-instance --notebook-instance-name NOTEBOOK_INSTANCE_NAME --output json --region us-east-1 --profile audit"
    ));
    assert!(
        lines.contains(
            &"aws organizations list-policies --filter RESOURCE_CONTROL_POLICY --output json --profile audit"
        )
    );
    // read-only: every command lists, gets, describes or makes the credential report
    for line in &lines {
        let operation = line.split(' ').nth(2).unwrap();
        assert!(
            ["list-", "get-", "describe-", "generate-credential-report"]
                .iter()
                .any(|p| operation.starts_with(p)),
            "{line}"
        );
    }
    assert_eq!(
        lines.iter().filter(|l| l.contains("--region eu-west-1")).count(),
        lines.iter().filter(|l| l.contains("--region us-east-1")).count()
    );
    assert!(command_line(&["--bucket".into(), "a b'c".into()]).ends_with(r"'a b'\''c'"));
}

#[test]
fn a_missing_aws_cli_stops_at_once() {
    struct NoCli;
    impl Runner for NoCli {
        fn run(&mut self, _: &[String]) -> Result<Output, String> {
            Err("No such file or directory (os error 2)".into())
        }
        fn sleep(&mut self, _: Duration) {}
    }
    let mut w = Workspace::default();
    let outcome = collect(&settings(), &mut w, &mut NoCli, &mut Kept::default());
    assert!(outcome.stopped.unwrap().contains("`aws` is on PATH"));
    assert_eq!(outcome.calls, 1);
}

#[test]
fn a_provider_whose_settings_cannot_be_read_is_kept_and_an_unlisted_kind_stays_unknown() {
    // A provider the account has must not look absent: explain would say STS
    // refuses its users. A listing denied leaves the kind unknown, not empty.
    let settings = settings();
    let mut runner = account();
    runner.answers.insert(
        format!("iam get-open-id-connect-provider --open-id-connect-provider-arn {OIDC_ARN}"),
        vec![error("AccessDenied", "GetOpenIDConnectProvider", "not authorized")],
    );
    runner.answers.insert(
        "iam list-saml-providers".to_owned(),
        vec![error("AccessDenied", "ListSAMLProviders", "not authorized")],
    );
    let mut w = Workspace::default();
    let (outcome, kept) = run(&settings, &mut runner, &mut w);
    assert_eq!(outcome.problems.len(), 2, "{:#?}", kept.problems);
    assert!(
        kept.problems.iter().any(|p| p.contains("iam:GetOpenIDConnectProvider")),
        "{:#?}",
        kept.problems
    );
    assert!(
        kept.problems.iter().any(|p| p.contains("iam:ListSAMLProviders")),
        "{:#?}",
        kept.problems
    );
    let loaded = loads(&w);
    let a = loaded.model.account();
    assert!(a.saml_providers.is_none(), "not listed: unknown");
    assert_eq!(a.oidc_providers().len(), 1);
    assert_eq!(
        a.oidc_providers()[0].url,
        "token.actions.githubusercontent.com",
        "from the ARN"
    );
    assert!(a.oidc_providers()[0].client_ids.is_empty());
}
