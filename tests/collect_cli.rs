//! `iamscope collect` through the real binary, against a stand-in `aws`
//! put first on PATH: a bash script that replays recorded output (ours,
//! in the shapes AWS documents) by command line, in turn — so one command
//! can be throttled first and answer next — and logs every call.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

const FAKE_AWS: &str = r#"#!/usr/bin/env bash
# A stand-in for the AWS CLI: replays recorded answers by command line.
dir="$(cd "$(dirname "$0")" && pwd)"
key=""
skip=0
for a in "$@"; do
  if [ "$skip" = 1 ]; then skip=0; continue; fi
  if [ "$a" = "--output" ]; then skip=1; continue; fi
  key="$key $a"
done
key="${key# }"
echo "$key|pager=${AWS_PAGER-unset}" >> "$dir/calls.log"
name=$(printf '%s' "$key" | tr -c 'A-Za-z0-9._-' '_')
n=$(cat "$dir/count.$name" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$dir/count.$name"
base="$dir/answers/$name"
i=$n
while [ "$i" -gt 0 ] && [ ! -e "$base.$i.code" ]; do i=$((i - 1)); done
if [ "$i" = 0 ]; then
  echo "An error occurred (NoRecording) when calling the Test operation: $key" >&2
  exit 254
fi
[ -e "$base.$i.out" ] && cat "$base.$i.out"
[ -e "$base.$i.err" ] && cat "$base.$i.err" >&2
exit "$(cat "$base.$i.code")"
"#;

struct FakeAws {
    dir: tempfile::TempDir,
}

impl FakeAws {
    fn new() -> FakeAws {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        std::fs::create_dir(dir.path().join("bin/answers")).unwrap();
        let script = dir.path().join("bin/aws");
        std::fs::write(&script, FAKE_AWS).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        FakeAws { dir }
    }

    fn bin(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn name(command: &str) -> String {
        command
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }

    /// The `n`th answer (from 1) to `command` (its arguments without `--output json`).
    fn answer(&self, command: &str, n: usize, code: i32, stdout: &str, stderr: &str) -> &FakeAws {
        let base = self.bin().join("answers").join(Self::name(command));
        let file = |ext: &str| PathBuf::from(format!("{}.{n}.{ext}", base.display()));
        std::fs::write(file("out"), stdout).unwrap();
        std::fs::write(file("err"), stderr).unwrap();
        std::fs::write(file("code"), code.to_string()).unwrap();
        self
    }

    fn ok(&self, command: &str, value: Value) -> &FakeAws {
        self.answer(command, 1, 0, &value.to_string(), "")
    }

    fn error(&self, command: &str, n: usize, code: &str, operation: &str) -> &FakeAws {
        self.answer(
            command,
            n,
            254,
            "",
            &format!("\nAn error occurred ({code}) when calling the {operation} operation: recorded\n"),
        )
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.bin().join("calls.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn forget_calls(&self) {
        let _ = std::fs::remove_file(self.bin().join("calls.log"));
    }

    fn collect(&self, args: &[&str]) -> Output {
        let path = format!("{}:{}", self.bin().display(), std::env::var("PATH").unwrap_or_default());
        Command::new(env!("CARGO_BIN_EXE_iamscope"))
            .arg("collect")
            .args(args)
            .args(["--backoff-ms", "10", "--poll-ms", "10"])
            .env("PATH", path)
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs")
    }
}

const R: &str = " --region eu-west-1";

/// One account: two GAAD pages, a credential report that takes a look to
/// be ready, a bucket policy, a key listing throttled once, no SCPs.
fn account() -> FakeAws {
    use base64::Engine;
    let aws = FakeAws::new();
    aws.ok(
        "sts get-caller-identity",
        json!({"UserId": "AIDAX", "Account": "111122223333", "Arn": "arn:aws:iam::111122223333:user/auditor"}),
    )
    .ok("iam list-account-aliases", json!({"AccountAliases": []}))
    .ok(
        "iam get-account-authorization-details",
        json!({"UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice", "GroupList": [], "UserPolicyList": [], "AttachedManagedPolicies": []}],
               "GroupDetailList": [], "RoleDetailList": [], "Policies": [], "IsTruncated": true, "Marker": "m2"}),
    )
    .ok(
        "iam get-account-authorization-details --marker m2",
        json!({"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob", "GroupList": [], "UserPolicyList": [], "AttachedManagedPolicies": []}],
               "GroupDetailList": [], "RoleDetailList": [], "Policies": [], "IsTruncated": false}),
    )
    .answer(
        "iam generate-credential-report",
        1,
        0,
        r#"{"State": "STARTED"}"#,
        "",
    )
    .answer(
        "iam generate-credential-report",
        2,
        0,
        r#"{"State": "COMPLETE"}"#,
        "",
    );
    let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\nalice,arn:aws:iam::111122223333:user/alice,2024-01-01T00:00:00+00:00,true,N/A,N/A,N/A,false,true,2024-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
    aws.ok(
        "iam get-credential-report",
        json!({"Content": base64::engine::general_purpose::STANDARD.encode(csv), "ReportFormat": "text/csv"}),
    )
    .ok("iam list-saml-providers", json!({"SAMLProviderList": []}))
    .ok("iam list-open-id-connect-providers", json!({"OpenIDConnectProviderList": []}))
    .ok("s3api list-buckets", json!({"Buckets": [{"Name": "photos"}]}))
    .ok(
        "s3api get-bucket-policy --bucket photos",
        json!({"Policy": json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::photos/*"}]}).to_string()}),
    )
    .error(
        "organizations describe-organization",
        1,
        "AWSOrganizationsNotInUseException",
        "DescribeOrganization",
    )
    .error(&format!("kms list-keys{R}"), 1, "ThrottlingException", "ListKeys")
    .answer(&format!("kms list-keys{R}"), 2, 0, r#"{"Keys": []}"#, "");
    aws.answer(&format!("sqs list-queues{R}"), 1, 0, "", "")
        .ok(&format!("sns list-topics{R}"), json!({"Topics": []}))
        .ok(&format!("lambda list-functions{R}"), json!({"Functions": []}))
        .error(
            &format!("secretsmanager list-secrets{R}"),
            1,
            "AccessDeniedException",
            "ListSecrets",
        )
        .ok(&format!("ecr describe-repositories{R}"), json!({"repositories": []}))
        .ok(
            &format!("cognito-identity list-identity-pools --max-results 60{R}"),
            json!({"IdentityPools": []}),
        )
        .ok(
            &format!("cognito-idp list-user-pools --max-results 60{R}"),
            json!({"UserPools": []}),
        );
    // What runs as which role: nothing but the listings' empty answers.
    aws.ok(&format!("ec2 describe-instances{R}"), json!({"Reservations": []}))
        .ok(&format!("glue get-dev-endpoints{R}"), json!({"DevEndpoints": []}))
        .ok(
            &format!("sagemaker list-notebook-instances{R}"),
            json!({"NotebookInstances": []}),
        )
        .ok(&format!("cloudformation describe-stacks{R}"), json!({"Stacks": []}));
    aws
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn summary(file: &Path) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(["summary", "--json", "--account"])
        .arg(file)
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).expect("summary prints JSON")
}

#[test]
fn a_denied_part_is_reported_the_rest_is_written_and_resume_asks_only_for_it() {
    let aws = account();
    let output = aws.collect(&["--region", "eu-west-1", "-o", "account.json"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("denied (AccessDeniedException)") && err.contains("secretsmanager:ListSecrets"),
        "{err}"
    );
    assert!(err.contains("throttled: `aws kms list-keys"), "{err}");
    assert!(err.contains("--resume"), "{err}");
    let calls = aws.calls();
    assert!(
        calls.iter().all(|c| c.ends_with("|pager=")),
        "every call runs without a pager: {calls:?}"
    );
    assert_eq!(
        calls.iter().filter(|c| c.starts_with("kms list-keys")).count(),
        2,
        "throttled, then asked again"
    );
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.starts_with("iam generate-credential-report"))
            .count(),
        2
    );
    let file = aws.path("account.json");
    let partial = aws.path("account.json.partial");
    assert!(partial.exists(), "the progress is kept while something is missing");
    let counts = &summary(&file)["counts"];
    assert_eq!(counts["users"], 2, "both pages: {counts}");
    assert_eq!(counts["resource_policies"], 1);
    let written: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written["AccountId"], "111122223333");
    assert!(
        written.get("IamscopeCollect").is_none(),
        "the workspace file has no progress key"
    );
    assert_eq!(written["CredentialReport"][0]["user"], "alice");

    // without --resume, the partial file is not overwritten
    let again = aws.collect(&["--region", "eu-west-1", "-o", "account.json"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--resume"), "{}", stderr(&again));

    // the permission is granted: only the missing part is asked again
    aws.ok(&format!("secretsmanager list-secrets{R}"), json!({"SecretList": []}));
    aws.forget_calls();
    let resumed = aws.collect(&["--region", "eu-west-1", "-o", "account.json", "--resume"]);
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    let calls = aws.calls();
    assert_eq!(calls, [format!("secretsmanager list-secrets{R}|pager=")]);
    assert!(!partial.exists(), "a complete collection leaves no partial file");
    assert_eq!(summary(&file)["counts"]["users"], 2);
}

#[test]
fn expired_credentials_stop_with_the_partial_file_kept() {
    let aws = account();
    aws.answer(
        "s3api list-buckets",
        1,
        255,
        "",
        "\nAn error occurred (ExpiredToken) when calling the ListBuckets operation: The provided token has expired.\n",
    );
    let output = aws.collect(&["--region", "eu-west-1", "-o", "account.json"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("stopped:") && err.contains("sign in again"), "{err}");
    assert!(!aws.path("account.json").exists());
    let partial = aws.path("account.json.partial");
    // the partial file loads too: it is a workspace file with one more key
    assert_eq!(summary(&partial)["counts"]["users"], 2);
    assert!(
        !aws.calls().iter().any(|c| c.starts_with("kms")),
        "nothing runs after the stop"
    );
}

#[test]
fn a_dry_run_lists_the_commands_and_runs_none() {
    let aws = FakeAws::new();
    let output = aws.collect(&["--dry-run", "--profile", "audit", "--region", "eu-west-1"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("aws iam get-account-authorization-details --output json --profile audit"),
        "{text}"
    );
    assert!(
        text.contains(
            "aws lambda get-policy --function-name FUNCTION_NAME --output json --region eu-west-1 --profile audit"
        ),
        "{text}"
    );
    // the account's identity providers (IAM API Reference:
    // ListSAMLProviders, GetSAMLProvider, ListOpenIDConnectProviders,
    // GetOpenIDConnectProvider)
    for line in [
        "aws iam list-saml-providers --output json --profile audit",
        "aws iam get-saml-provider --saml-provider-arn SAML_PROVIDER_ARN --output json --profile audit",
        "aws iam list-open-id-connect-providers --output json --profile audit",
        "aws iam get-open-id-connect-provider --open-id-connect-provider-arn OIDC_PROVIDER_ARN --output json --profile audit",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    assert!(aws.calls().is_empty());
}

#[test]
fn without_an_aws_cli_collect_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(["collect", "-o", "account.json"])
        .env("PATH", dir.path())
        .current_dir(dir.path())
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("`aws` is on PATH"), "{}", stderr(&output));
}

/// eve may update any Lambda function's code; Worker, an administrator,
/// is the role Lambda functions run as. Whether a function runs as Worker
/// is what the inventory collect gathers says.
fn lambda_account(functions: Value) -> FakeAws {
    let aws = account();
    let doc = |statements: Value| json!({"Version": "2012-10-17", "Statement": statements});
    aws.ok(
        "iam get-account-authorization-details",
        json!({
            "UserDetailList": [{"UserName": "eve", "UserId": "AIDAEVE", "Path": "/", "Arn": "arn:aws:iam::111122223333:user/eve", "GroupList": [], "AttachedManagedPolicies": [],
                "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": "*"}]))}]}],
            "GroupDetailList": [],
            "RoleDetailList": [{"RoleName": "Worker", "RoleId": "AROAWORKER", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/Worker", "AttachedManagedPolicies": [],
                "AssumeRolePolicyDocument": doc(json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}])),
                "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))}]}],
            "Policies": [], "IsTruncated": false
        }),
    )
    .ok(&format!("secretsmanager list-secrets{R}"), json!({"SecretList": []}))
    .ok(&format!("lambda list-functions{R}"), json!({"Functions": functions}));
    for f in functions.as_array().unwrap() {
        aws.error(
            &format!(
                "lambda get-policy --function-name {}{R}",
                f["FunctionName"].as_str().unwrap()
            ),
            1,
            "ResourceNotFoundException",
            "GetPolicy",
        );
    }
    aws
}

fn escalation(file: &Path, extra: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(["escalation", "--json", "--principal", "user/eve", "--account"])
        .arg(file)
        .args(extra)
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).expect("escalation prints JSON")
}

fn lambda_paths(value: &Value) -> Vec<(bool, Value)> {
    value["principals"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["pattern"] == "lambda-update-function-code")
        .map(|f| {
            (
                f["certain"].as_bool().unwrap(),
                f.get("inventory").cloned().unwrap_or(Value::Null),
            )
        })
        .collect()
}

#[test]
fn the_inventory_collected_settles_escalation_paths_without_inventory_given() {
    // A function runs as Worker: the path through it is certain.
    let aws = lambda_account(json!([{"FunctionName": "nightly", "Role": "arn:aws:iam::111122223333:role/Worker"}]));
    let output = aws.collect(&["--region", "eu-west-1", "-o", "account.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for command in [
        "lambda list-functions",
        "ec2 describe-instances",
        "glue get-dev-endpoints",
        "sagemaker list-notebook-instances",
        "cloudformation describe-stacks",
    ] {
        assert!(
            aws.calls().iter().any(|c| c.starts_with(&format!("{command}{R}|"))),
            "{command}: {:?}",
            aws.calls()
        );
    }
    let file = aws.path("account.json");
    let written: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        written["Inventory"]["LambdaFunctions"],
        json!([{"FunctionName": "nightly", "Role": "arn:aws:iam::111122223333:role/Worker", "Region": "eu-west-1"}])
    );
    assert_eq!(
        lambda_paths(&escalation(&file, &[])),
        [(true, json!(["Lambda function nightly"]))]
    );
    // --inventory still has the last word.
    let given = aws.path("inventory.json");
    std::fs::write(&given, r#"{"Inventory": {"LambdaFunctions": []}}"#).unwrap();
    assert_eq!(
        lambda_paths(&escalation(&file, &["--inventory", given.to_str().unwrap()])),
        [],
        "no function runs as Worker: no path"
    );

    // No function at all: the inventory rules the path out.
    let aws = lambda_account(json!([]));
    let output = aws.collect(&["--region", "eu-west-1", "-o", "account.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(lambda_paths(&escalation(&aws.path("account.json"), &[])), []);

    // Functions could not be listed: the path stays, conditional.
    let aws = lambda_account(json!([]));
    aws.error(
        &format!("lambda list-functions{R}"),
        1,
        "AccessDeniedException",
        "ListFunctions",
    );
    let output = aws.collect(&["--region", "eu-west-1", "-o", "account.json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("lambda:ListFunctions"), "{}", stderr(&output));
    let file = aws.path("account.json");
    let written: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written["Inventory"]["NotListed"][0]["List"], "LambdaFunctions");
    assert_eq!(lambda_paths(&escalation(&file, &[])), [(false, Value::Null)]);
}
