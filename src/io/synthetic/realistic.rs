//! The realistic shape: an account laid out the way large real ones are, so
//! that whole-account analyses meet their hard case.
//!
//! * Most roles trust the account itself (`arn:aws:iam::ACCOUNT:root`, some
//!   only with MFA), so anyone whose own policies allow `sts:AssumeRole` on
//!   them can assume them; the others trust AWS services, other roles of the
//!   account (chains), partner accounts, a SAML provider or GitHub's OIDC
//!   provider.
//! * Users share a few groups: everyone is in one that lets them manage
//!   their own password; a few are administrators or power users; most are
//!   in one or two team groups, the first teams the largest (the smaller
//!   teams are the ones that switch roles and deploy).
//! * Policies reuse AWS managed ones (from the built-in library, with AWS's
//!   own documents); customer policies are mostly application access to
//!   named resources, with a few that deploy (pass roles, assume deploy
//!   roles), a few that serve as boundaries, and a few risky ones.

use serde_json::{Value, json};

use super::{ACCOUNT_ID, Generator, REGIONS, Sizes, aws_policy_arn};
use crate::catalog;

/// AWS managed policies people get in read-only groups and roles.
const READ: [&str; 8] = [
    "ReadOnlyAccess",
    "ViewOnlyAccess",
    "SecurityAudit",
    "AmazonS3ReadOnlyAccess",
    "AmazonEC2ReadOnlyAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "CloudWatchReadOnlyAccess",
    "IAMReadOnlyAccess",
];
/// AWS managed policies for day-to-day work on a few services.
const WORK: [&str; 8] = [
    "AmazonS3FullAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "AWSLambda_FullAccess",
    "CloudWatchLogsFullAccess",
    "AmazonEC2ContainerRegistryPowerUser",
    "SecretsManagerReadWrite",
];
/// AWS services that run code as a role, with the managed policies such roles carry.
const SERVICES: [(&str, &str, &[&str]); 6] = [
    (
        "lambda",
        "lambda.amazonaws.com",
        &["AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole"],
    ),
    (
        "ec2",
        "ec2.amazonaws.com",
        &["AmazonSSMManagedInstanceCore", "CloudWatchAgentServerPolicy"],
    ),
    ("ecs", "ecs-tasks.amazonaws.com", &["AmazonECSTaskExecutionRolePolicy"]),
    ("glue", "glue.amazonaws.com", &["AWSGlueServiceRole"]),
    ("states", "states.amazonaws.com", &["AWSXRayDaemonWriteAccess"]),
    (
        "codebuild",
        "codebuild.amazonaws.com",
        &["AmazonEC2ContainerRegistryReadOnly"],
    ),
];
const PARTNERS: [&str; 5] = [
    "210987654321",
    "345678901234",
    "456789012345",
    "567890123456",
    "678901234567",
];
/// Services application policies use, with the resources they name.
const DATA: [&str; 8] = [
    "s3",
    "dynamodb",
    "sqs",
    "sns",
    "logs",
    "kms",
    "secretsmanager",
    "lambda",
];

/// What a customer managed policy is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Application,
    Deploy,
    Assume,
    Boundary,
    SelfService,
    Risky,
}

fn purpose(n: usize) -> Purpose {
    match n % 100 {
        0..=84 => Purpose::Application,
        85..=89 => Purpose::Deploy,
        90..=92 => Purpose::Assume,
        93..=95 => Purpose::Boundary,
        96..=97 => Purpose::SelfService,
        _ => Purpose::Risky,
    }
}

struct Realistic {
    g: Generator,
    /// AWS managed policies attached somewhere, in first-use order.
    aws_used: Vec<&'static str>,
    /// Customer policies by purpose (their numbers).
    by_purpose: Vec<(Purpose, Vec<usize>)>,
}

impl Realistic {
    fn aws(&mut self, name: &'static str) -> Option<Value> {
        catalog::managed::aws_managed_policies().get_by_name(name)?;
        if !self.aws_used.contains(&name) {
            self.aws_used.push(name);
        }
        Some(json!({"PolicyName": name, "PolicyArn": aws_policy_arn(name)}))
    }

    fn customer(&mut self, purpose: Purpose) -> Option<Value> {
        let list = &self.by_purpose.iter().find(|(p, _)| *p == purpose)?.1;
        if list.is_empty() {
            return None;
        }
        // The first policies of each purpose are the most used.
        let pick = skewed(&mut self.g, list.len());
        let n = list[pick];
        Some(
            json!({"PolicyName": format!("{}-{n}", prefix(purpose)), "PolicyArn": format!("arn:aws:iam::{ACCOUNT_ID}:policy/{}-{n}", prefix(purpose))}),
        )
    }

    fn boundary(&mut self) -> Option<Value> {
        let arn = self.customer(Purpose::Boundary)?["PolicyArn"].clone();
        Some(json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}))
    }

    fn data_statement(&mut self, sid: usize) -> Value {
        let service = *self.g.rng.pick(&DATA);
        let actions: &[&str] = match service {
            "s3" => &["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"],
            "dynamodb" => &[
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
            ],
            "sqs" => &["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
            "sns" => &["sns:Publish"],
            "logs" => &["logs:CreateLogStream", "logs:PutLogEvents"],
            "kms" => &["kms:Decrypt", "kms:GenerateDataKey"],
            "secretsmanager" => &["secretsmanager:GetSecretValue"],
            _ => &["lambda:InvokeFunction"],
        };
        let count = 1 + self.g.rng.below(actions.len());
        let chosen: Vec<&str> = actions[..count].to_vec();
        let resources: Vec<String> = (0..1 + self.g.rng.below(2)).map(|_| self.g.resource(service)).collect();
        let mut statement =
            json!({"Sid": format!("App{sid}"), "Effect": "Allow", "Action": chosen, "Resource": resources});
        if self.g.rng.chance(10) {
            statement["Condition"] = match self.g.rng.below(3) {
                0 => json!({"StringEquals": {"aws:RequestedRegion": *self.g.rng.pick(&REGIONS)}}),
                1 => json!({"StringEquals": {"aws:PrincipalTag/team": format!("team-{}", self.g.rng.below(20))}}),
                _ => json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
            };
        }
        statement
    }

    fn document(&mut self, purpose: Purpose, n: usize) -> Value {
        let role = |name: String| format!("arn:aws:iam::{ACCOUNT_ID}:role/{name}");
        let statements: Vec<Value> = match purpose {
            Purpose::Application => (0..1 + self.g.rng.below(4)).map(|i| self.data_statement(i)).collect(),
            Purpose::Deploy => {
                let (kind, service, _) = *self.g.rng.pick(&SERVICES);
                vec![
                    json!({"Sid": "PassServiceRoles", "Effect": "Allow", "Action": "iam:PassRole",
                        "Resource": role(format!("svc-{kind}-*")),
                        "Condition": {"StringEquals": {"iam:PassedToService": service}}}),
                    json!({"Sid": "Deploy", "Effect": "Allow",
                        "Action": ["lambda:CreateFunction", "lambda:UpdateFunctionCode", "cloudformation:CreateStack", "cloudformation:UpdateStack", "ecs:RegisterTaskDefinition"],
                        "Resource": "*"}),
                    json!({"Sid": "AssumeDeployRoles", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role(format!("deploy-{}-*", n % 100))}),
                ]
            }
            Purpose::Assume => vec![
                json!({"Sid": "SwitchRoles", "Effect": "Allow", "Action": "sts:AssumeRole",
                "Resource": [role(format!("team-{}-*", self.g.rng.below(200))), role(format!("team-{}-*", self.g.rng.below(200)))]}),
            ],
            Purpose::Boundary => vec![
                json!({"Sid": "Workloads", "Effect": "Allow", "Action": ["s3:*", "dynamodb:*", "sqs:*", "sns:*", "logs:*", "lambda:*", "cloudwatch:*", "sts:AssumeRole"], "Resource": "*"}),
                json!({"Sid": "NoIdentityChanges", "Effect": "Deny", "Action": ["iam:*", "organizations:*"], "Resource": "*"}),
            ],
            Purpose::SelfService => vec![
                json!({"Sid": "OwnKeys", "Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey"],
                    "Resource": format!("arn:aws:iam::{ACCOUNT_ID}:user/${{aws:username}}")}),
                json!({"Sid": "OwnMfa", "Effect": "Allow", "Action": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice"],
                    "Resource": [format!("arn:aws:iam::{ACCOUNT_ID}:mfa/${{aws:username}}"), format!("arn:aws:iam::{ACCOUNT_ID}:user/${{aws:username}}")]}),
            ],
            // What the published escalation paths are made of.
            Purpose::Risky => match self.g.rng.below(5) {
                0 => vec![
                    json!({"Sid": "ManageAppRoles", "Effect": "Allow", "Action": ["iam:AttachRolePolicy", "iam:PutRolePolicy"], "Resource": role("app-*".into())}),
                ],
                1 => vec![
                    json!({"Sid": "EditPolicies", "Effect": "Allow", "Action": "iam:CreatePolicyVersion",
                    "Resource": format!("arn:aws:iam::{ACCOUNT_ID}:policy/app-*")}),
                ],
                2 => vec![
                    json!({"Sid": "Launch", "Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}),
                ],
                3 => vec![
                    json!({"Sid": "Groups", "Effect": "Allow", "Action": "iam:AddUserToGroup", "Resource": format!("arn:aws:iam::{ACCOUNT_ID}:group/team-*")}),
                ],
                _ => vec![json!({"Sid": "Keys", "Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"})],
            },
        };
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    fn trust(&mut self, principal: Value, action: &str, condition: Option<Value>) -> Value {
        let mut statement = json!({"Effect": "Allow", "Principal": principal, "Action": action});
        if let Some(condition) = condition {
            statement["Condition"] = condition;
        }
        json!({"Version": "2012-10-17", "Statement": [statement]})
    }
}

fn prefix(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Application => "app",
        Purpose::Deploy => "deploy",
        Purpose::Assume => "switch-roles",
        Purpose::Boundary => "boundary",
        Purpose::SelfService => "self-service",
        Purpose::Risky => "ops",
    }
}

/// Attachments without repeats (IAM attaches a policy to an entity once).
fn unique(attached: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(attached.len());
    for a in attached {
        if !out.iter().any(|o| o["PolicyArn"] == a["PolicyArn"]) {
            out.push(a);
        }
    }
    out
}

/// A position in `0..n`, the first ones much more often (as team sizes are).
fn skewed(g: &mut Generator, n: usize) -> usize {
    let x = g.rng.below(1_000_000) as f64 / 1_000_000.0;
    ((x * x * x) * n as f64) as usize % n.max(1)
}

/// The account as a GAAD JSON value.
pub fn account(sizes: &Sizes) -> Value {
    let purposes = [
        Purpose::Application,
        Purpose::Deploy,
        Purpose::Assume,
        Purpose::Boundary,
        Purpose::SelfService,
        Purpose::Risky,
    ];
    let by_purpose = purposes
        .iter()
        .map(|&p| (p, (0..sizes.policies).filter(|&n| purpose(n) == p).collect()))
        .collect();
    let mut r = Realistic {
        g: Generator::new(sizes.seed),
        aws_used: Vec::new(),
        by_purpose,
    };

    // Groups: everyone, administrators, power users, read-only groups, then teams.
    let fixed = [
        "AllUsers",
        "Administrators",
        "PowerUsers",
        "PowerUsers-Data",
        "Auditors",
        "ReadOnly",
    ];
    let group_names: Vec<String> = (0..sizes.groups)
        .map(|n| match fixed.get(n) {
            Some(name) => (*name).to_owned(),
            None => format!("team-{}", n - fixed.len()),
        })
        .collect();
    let teams = sizes.groups.saturating_sub(fixed.len());
    let mut groups = Vec::with_capacity(sizes.groups);
    for (n, name) in group_names.iter().enumerate() {
        let attached: Vec<Value> = match n {
            0 => [r.aws("IAMUserChangePassword"), r.customer(Purpose::SelfService)]
                .into_iter()
                .flatten()
                .collect(),
            1 => r.aws("AdministratorAccess").into_iter().collect(),
            2 | 3 => r.aws("PowerUserAccess").into_iter().collect(),
            4 => r.aws("SecurityAudit").into_iter().collect(),
            5 => r.aws("ReadOnlyAccess").into_iter().collect(),
            _ => {
                let mut list: Vec<Value> = (0..1 + r.g.rng.below(3))
                    .filter_map(|_| r.customer(Purpose::Application))
                    .collect();
                if r.g.rng.chance(40) {
                    let name = *r.g.rng.pick(&WORK);
                    list.extend(r.aws(name));
                }
                // Smaller teams switch roles and deploy; the largest ones only work.
                if n >= fixed.len() + 10 && r.g.rng.chance(8) {
                    list.extend(r.customer(Purpose::Assume));
                }
                if n >= fixed.len() + 10 && r.g.rng.chance(5) {
                    list.extend(r.customer(Purpose::Deploy));
                }
                list
            }
        };
        let inline = if n >= fixed.len() && r.g.rng.chance(20) {
            vec![json!({"PolicyName": "team-access", "PolicyDocument": r.document(Purpose::Application, n)})]
        } else {
            Vec::new()
        };
        groups.push(json!({
            "Path": "/",
            "GroupName": name,
            "GroupId": r.g.rng.id("AGPA"),
            "Arn": format!("arn:aws:iam::{ACCOUNT_ID}:group/{name}"),
            "CreateDate": r.g.date(),
            "GroupPolicyList": inline,
            "AttachedManagedPolicies": unique(attached),
        }));
    }

    let mut users = Vec::with_capacity(sizes.users);
    for n in 0..sizes.users {
        let mut member_of: Vec<&str> = Vec::new();
        let mut join = |i: usize| {
            if let Some(name) = group_names.get(i)
                && !member_of.contains(&name.as_str())
            {
                member_of.push(name);
            }
        };
        join(0);
        let kind = r.g.rng.below(1000);
        match kind {
            0..=4 => join(1),
            5..=24 => join(2 + r.g.rng.below(2)),
            25..=39 => join(4),
            40..=119 => join(5),
            _ => {}
        }
        if teams > 0 {
            // One team, a quarter of people two; listed in the teams' order.
            let mut picked = vec![skewed(&mut r.g, teams)];
            if r.g.rng.chance(25) {
                picked.push(skewed(&mut r.g, teams));
            }
            picked.sort_unstable();
            for team in picked {
                join(fixed.len() + team);
            }
        }
        let mut attached = Vec::new();
        if r.g.rng.chance(8) {
            let name = *r.g.rng.pick(&READ);
            attached.extend(r.aws(name));
        }
        if r.g.rng.chance(4) {
            attached.extend(r.customer(Purpose::Application));
        }
        if r.g.rng.chance(1) {
            attached.extend(r.customer(Purpose::Risky));
        }
        let inline = if r.g.rng.chance(5) {
            vec![json!({"PolicyName": "personal", "PolicyDocument": r.document(Purpose::Application, n)})]
        } else {
            Vec::new()
        };
        let mut user = json!({
            "Path": "/",
            "UserName": format!("user-{n}"),
            "UserId": r.g.rng.id("AIDA"),
            "Arn": format!("arn:aws:iam::{ACCOUNT_ID}:user/user-{n}"),
            "CreateDate": r.g.date(),
            "UserPolicyList": inline,
            "GroupList": member_of,
            "AttachedManagedPolicies": unique(attached),
            "Tags": [{"Key": "team", "Value": format!("team-{}", r.g.rng.below(20))}],
        });
        if r.g.rng.chance(3)
            && let Some(boundary) = r.boundary()
        {
            user["PermissionsBoundary"] = boundary;
        }
        users.push(user);
    }

    let mut roles = Vec::with_capacity(sizes.roles);
    let mut role_names: Vec<String> = Vec::with_capacity(sizes.roles);
    for n in 0..sizes.roles {
        let kind = r.g.rng.below(100);
        let mut attached = Vec::new();
        let mut profile = false;
        let (name, trust) = match kind {
            // Assumable by the account's own principals.
            0..=44 => {
                let mfa = r.g.rng.chance(25);
                let condition = mfa.then(|| json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}));
                let trust = r.trust(
                    json!({"AWS": format!("arn:aws:iam::{ACCOUNT_ID}:root")}),
                    "sts:AssumeRole",
                    condition,
                );
                let access = r.g.rng.below(100);
                match access {
                    0..=1 => attached.extend(r.aws("AdministratorAccess")),
                    2..=4 => attached.extend(r.aws("PowerUserAccess")),
                    5..=44 => {
                        let name = *r.g.rng.pick(&READ);
                        attached.extend(r.aws(name));
                    }
                    45..=69 => {
                        let name = *r.g.rng.pick(&WORK);
                        attached.extend(r.aws(name));
                    }
                    _ => {
                        for _ in 0..1 + r.g.rng.below(3) {
                            attached.extend(r.customer(Purpose::Application));
                        }
                    }
                }
                if r.g.rng.chance(10) {
                    attached.extend(r.customer(Purpose::Deploy));
                }
                let name = if r.g.rng.chance(15) {
                    format!("deploy-{}-{n}", r.g.rng.below(100))
                } else if r.g.rng.chance(50) {
                    format!("team-{}-{n}", r.g.rng.below(200))
                } else {
                    format!("app-{n}")
                };
                (name, trust)
            }
            // Run by an AWS service.
            45..=74 => {
                let (short, service, managed) = *r.g.rng.pick(&SERVICES);
                for name in managed.iter().take(1 + r.g.rng.below(managed.len())) {
                    attached.extend(r.aws(name));
                }
                for _ in 0..r.g.rng.below(3) {
                    attached.extend(r.customer(Purpose::Application));
                }
                if r.g.rng.chance(3) {
                    attached.extend(r.customer(Purpose::Risky));
                }
                profile = short == "ec2";
                (
                    format!("svc-{short}-{n}"),
                    r.trust(json!({"Service": service}), "sts:AssumeRole", None),
                )
            }
            // Assumed from other roles of the account (chains).
            75..=82 => {
                let count = if n > 0 { 1 + r.g.rng.below(2) } else { 0 };
                let from: Vec<String> = (0..count)
                    .map(|_| format!("arn:aws:iam::{ACCOUNT_ID}:role/{}", role_names[r.g.rng.below(n)]))
                    .collect();
                let principal = if from.is_empty() {
                    json!({"AWS": format!("arn:aws:iam::{ACCOUNT_ID}:root")})
                } else {
                    json!({"AWS": from})
                };
                if r.g.rng.chance(20) {
                    attached.extend(r.aws("PowerUserAccess"));
                } else {
                    let name = *r.g.rng.pick(&WORK);
                    attached.extend(r.aws(name));
                }
                (format!("chain-{n}"), r.trust(principal, "sts:AssumeRole", None))
            }
            // Partner accounts.
            83..=89 => {
                let partner = *r.g.rng.pick(&PARTNERS);
                let condition =
                    r.g.rng
                        .chance(60)
                        .then(|| json!({"StringEquals": {"sts:ExternalId": format!("ext-{n}")}}));
                let name = *r.g.rng.pick(&READ);
                attached.extend(r.aws(name));
                (
                    format!("xacct-{n}"),
                    r.trust(
                        json!({"AWS": format!("arn:aws:iam::{partner}:root")}),
                        "sts:AssumeRole",
                        condition,
                    ),
                )
            }
            // Single sign-on through a SAML provider.
            90..=96 => {
                match r.g.rng.below(10) {
                    0 => attached.extend(r.aws("AdministratorAccess")),
                    1 => attached.extend(r.aws("PowerUserAccess")),
                    _ => {
                        let name = *r.g.rng.pick(&READ);
                        attached.extend(r.aws(name));
                    }
                }
                (
                    format!("sso-{n}"),
                    r.trust(
                        json!({"Federated": format!("arn:aws:iam::{ACCOUNT_ID}:saml-provider/Okta")}),
                        "sts:AssumeRoleWithSAML",
                        Some(json!({"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}})),
                    ),
                )
            }
            // CI through GitHub's OIDC provider.
            _ => {
                attached.extend(r.customer(Purpose::Deploy));
                if r.g.rng.chance(30) {
                    attached.extend(r.aws("PowerUserAccess"));
                }
                (
                    format!("ci-{n}"),
                    r.trust(
                        json!({"Federated": format!("arn:aws:iam::{ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com")}),
                        "sts:AssumeRoleWithWebIdentity",
                        Some(json!({"StringLike": {"token.actions.githubusercontent.com:sub": format!("repo:example/app-{}:*", n % 50)}})),
                    ),
                )
            }
        };
        let inline = if r.g.rng.chance(25) {
            vec![json!({"PolicyName": "inline-access", "PolicyDocument": r.document(Purpose::Application, n)})]
        } else {
            Vec::new()
        };
        let created = r.g.date();
        let mut role = json!({
            "Path": "/",
            "RoleName": name,
            "RoleId": r.g.rng.id("AROA"),
            "Arn": format!("arn:aws:iam::{ACCOUNT_ID}:role/{name}"),
            "CreateDate": created,
            "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": [],
            "RolePolicyList": inline,
            "AttachedManagedPolicies": unique(attached),
            "Tags": [],
            "RoleLastUsed": {},
        });
        if profile {
            role["InstanceProfileList"] = json!([{
                "Path": "/", "InstanceProfileName": name, "InstanceProfileId": r.g.rng.id("AIPA"),
                "Arn": format!("arn:aws:iam::{ACCOUNT_ID}:instance-profile/{name}"), "CreateDate": created, "Roles": []
            }]);
        }
        if r.g.rng.chance(4)
            && let Some(boundary) = r.boundary()
        {
            role["PermissionsBoundary"] = boundary;
        }
        role_names.push(name);
        roles.push(role);
    }

    let mut policies = Vec::with_capacity(sizes.policies + r.aws_used.len());
    for n in 0..sizes.policies {
        let purpose = purpose(n);
        let version_count = if r.g.rng.chance(70) { 1 } else { 2 + r.g.rng.below(3) };
        let versions: Vec<Value> = (0..version_count)
            .map(|v| {
                json!({
                    "Document": r.document(purpose, n),
                    "VersionId": format!("v{}", v + 1),
                    "IsDefaultVersion": v + 1 == version_count,
                    "CreateDate": r.g.date(),
                })
            })
            .collect();
        let created = r.g.date();
        let name = format!("{}-{n}", prefix(purpose));
        policies.push(json!({
            "PolicyName": name,
            "PolicyId": r.g.rng.id("ANPA"),
            "Arn": format!("arn:aws:iam::{ACCOUNT_ID}:policy/{name}"),
            "Path": "/",
            "DefaultVersionId": format!("v{version_count}"),
            "AttachmentCount": 0,
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": true,
            "CreateDate": created,
            "UpdateDate": created,
            "PolicyVersionList": versions,
        }));
    }
    for name in r.aws_used.clone() {
        if let Some(p) = catalog::managed::aws_managed_policies().get_by_name(name) {
            policies.push(super::library_entry(&mut r.g, p));
        }
    }
    json!({
        "UserDetailList": users,
        "GroupDetailList": groups,
        "RoleDetailList": roles,
        "Policies": policies,
        "IsTruncated": false,
    })
}
