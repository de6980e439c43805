//! A deterministic generator of large, realistic accounts, for benchmarks and
//! load tests: `iamscope generate --users 5000 --roles 5000 …` writes one.
//!
//! The same sizes and seed always give the same bytes. Actions come from the
//! action catalogue, so policies look like real ones; resources, conditions,
//! trust policies, group memberships and attachments follow the shapes real
//! exports have.

use std::io::Write;

use serde_json::{Value, json};

use crate::catalog;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub users: usize,
    pub roles: usize,
    pub groups: usize,
    /// Customer managed policies.
    pub policies: usize,
    pub seed: u64,
}

impl Sizes {
    /// IAM's default quotas: 5,000 users, 1,000 roles (raised to 5,000 here,
    /// as large organisations do), 300 groups, 1,500 customer managed policies.
    pub const MAX_QUOTA: Sizes = Sizes {
        users: 5000,
        roles: 5000,
        groups: 300,
        policies: 1500,
        seed: 1,
    };
}

pub const ACCOUNT_ID: &str = "123456789012";
const REGIONS: [&str; 4] = ["eu-west-1", "us-east-1", "us-west-2", "ap-southeast-2"];
const SERVICES: [&str; 14] = [
    "s3",
    "dynamodb",
    "ec2",
    "lambda",
    "sqs",
    "sns",
    "logs",
    "kms",
    "secretsmanager",
    "cloudwatch",
    "iam",
    "sts",
    "ecr",
    "rds",
];
const AWS_POLICIES: [&str; 8] = [
    "ReadOnlyAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonEC2ReadOnlyAccess",
    "AWSLambdaBasicExecutionRole",
    "AmazonDynamoDBReadOnlyAccess",
    "CloudWatchReadOnlyAccess",
    "AmazonSQSFullAccess",
    "PowerUserAccess",
];

/// A small, fast, seedable generator (SplitMix64), so output never depends on
/// a library's choice of algorithm.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn id(&mut self, prefix: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let mut id = prefix.to_owned();
        while id.len() < 21 {
            id.push(ALPHABET[self.below(ALPHABET.len())] as char);
        }
        id
    }
}

struct Generator {
    rng: Rng,
    /// Real action names per service, from the catalogue.
    actions: Vec<(&'static str, Vec<String>)>,
}

impl Generator {
    fn new(seed: u64) -> Generator {
        let catalog = catalog::catalog();
        let actions = SERVICES
            .iter()
            .map(|&prefix| {
                let names = catalog
                    .service(prefix)
                    .map(|s| s.actions().iter().map(|a| a.full_name()).collect())
                    .unwrap_or_else(|| vec![format!("{prefix}:Get*")]);
                (prefix, names)
            })
            .collect();
        Generator {
            rng: Rng(seed),
            actions,
        }
    }

    fn date(&mut self) -> String {
        let day = self.rng.below(28) + 1;
        let month = self.rng.below(12) + 1;
        let year = 2015 + self.rng.below(11);
        format!(
            "{year}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            self.rng.below(24),
            self.rng.below(60),
            self.rng.below(60)
        )
    }

    fn resource(&mut self, service: &str) -> String {
        let region = *self.rng.pick(&REGIONS);
        let n = self.rng.below(400);
        match service {
            "s3" => match self.rng.below(3) {
                0 => format!("arn:aws:s3:::data-{n}"),
                1 => format!("arn:aws:s3:::data-{n}/*"),
                _ => format!("arn:aws:s3:::data-{n}/team-{}/*", self.rng.below(20)),
            },
            "dynamodb" => format!("arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/table-{n}"),
            "lambda" => format!("arn:aws:lambda:{region}:{ACCOUNT_ID}:function:fn-{n}"),
            "sqs" => format!("arn:aws:sqs:{region}:{ACCOUNT_ID}:queue-{n}"),
            "sns" => format!("arn:aws:sns:{region}:{ACCOUNT_ID}:topic-{n}"),
            "logs" => format!("arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:/app/{n}:*"),
            "kms" => format!("arn:aws:kms:{region}:{ACCOUNT_ID}:key/{}", self.rng.id("k")),
            "secretsmanager" => format!("arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:app-{n}-*"),
            "iam" => format!("arn:aws:iam::{ACCOUNT_ID}:role/app-role-{n}"),
            "ecr" => format!("arn:aws:ecr:{region}:{ACCOUNT_ID}:repository/repo-{n}"),
            "rds" => format!("arn:aws:rds:{region}:{ACCOUNT_ID}:db:db-{n}"),
            _ => "*".to_owned(),
        }
    }

    fn statement(&mut self, sid: usize) -> Value {
        let service_index = self.rng.below(self.actions.len());
        let service = self.actions[service_index].0;
        let count = 1 + self.rng.below(8);
        let mut actions = Vec::with_capacity(count);
        for _ in 0..count {
            let names = &self.actions[service_index].1;
            let action = if self.rng.chance(10) {
                format!("{service}:{}*", ["Get", "List", "Describe", "Put"][self.rng.below(4)])
            } else {
                names[self.rng.below(names.len())].clone()
            };
            actions.push(Value::String(action));
        }
        let resources: Vec<Value> = (0..1 + self.rng.below(3))
            .map(|_| Value::String(self.resource(service)))
            .collect();
        let mut statement = json!({
            "Sid": format!("Statement{sid}"),
            "Effect": if self.rng.chance(8) { "Deny" } else { "Allow" },
            "Action": actions,
            "Resource": resources,
        });
        if self.rng.chance(25) {
            statement["Condition"] = match self.rng.below(4) {
                0 => {
                    json!({"StringEquals": {"aws:RequestedRegion": [*self.rng.pick(&REGIONS), *self.rng.pick(&REGIONS)]}})
                }
                1 => json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
                2 => {
                    json!({"IpAddress": {"aws:SourceIp": [format!("10.{}.0.0/16", self.rng.below(255)), "203.0.113.0/24"]}})
                }
                _ => json!({"StringLike": {"aws:PrincipalTag/team": format!("team-{}*", self.rng.below(20))}}),
            };
        }
        statement
    }

    fn document(&mut self) -> Value {
        let statements: Vec<Value> = (0..2 + self.rng.below(6)).map(|i| self.statement(i)).collect();
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    fn trust(&mut self, users: usize) -> Value {
        let principal = match self.rng.below(4) {
            0 => json!({"Service": "ec2.amazonaws.com"}),
            1 => json!({"Service": "lambda.amazonaws.com"}),
            2 => json!({"AWS": format!("arn:aws:iam::{ACCOUNT_ID}:root")}),
            _ => json!({"AWS": format!("arn:aws:iam::{ACCOUNT_ID}:user/user-{}", self.rng.below(users.max(1)))}),
        };
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})
    }

    fn attached(&mut self, sizes: &Sizes, max: usize) -> Vec<Value> {
        (0..self.rng.below(max + 1))
            .map(|_| {
                if sizes.policies > 0 && self.rng.chance(80) {
                    let n = self.rng.below(sizes.policies);
                    json!({"PolicyName": format!("policy-{n}"), "PolicyArn": format!("arn:aws:iam::{ACCOUNT_ID}:policy/policy-{n}")})
                } else {
                    let name = *self.rng.pick(&AWS_POLICIES);
                    json!({"PolicyName": name, "PolicyArn": aws_policy_arn(name)})
                }
            })
            .collect()
    }

    fn inline(&mut self, chance: u64) -> Vec<Value> {
        if self.rng.chance(chance) {
            vec![json!({"PolicyName": "inline-access", "PolicyDocument": self.document()})]
        } else {
            Vec::new()
        }
    }
}

fn aws_policy_arn(name: &str) -> String {
    match catalog::managed::aws_managed_policies().get_by_name(name) {
        Some(p) => p.arn.to_owned(),
        None => format!("arn:aws:iam::aws:policy/{name}"),
    }
}

/// The account as a GAAD JSON value.
pub fn account(sizes: &Sizes) -> Value {
    let mut g = Generator::new(sizes.seed);
    let mut groups = Vec::with_capacity(sizes.groups);
    for n in 0..sizes.groups {
        let attached = g.attached(sizes, 4);
        let inline = g.inline(30);
        groups.push(json!({
            "Path": "/",
            "GroupName": format!("group-{n}"),
            "GroupId": g.rng.id("AGPA"),
            "Arn": format!("arn:aws:iam::{ACCOUNT_ID}:group/group-{n}"),
            "CreateDate": g.date(),
            "GroupPolicyList": inline,
            "AttachedManagedPolicies": attached,
        }));
    }
    let mut users = Vec::with_capacity(sizes.users);
    for n in 0..sizes.users {
        let group_list: Vec<Value> = (0..g.rng.below(4))
            .filter(|_| sizes.groups > 0)
            .map(|_| Value::String(format!("group-{}", g.rng.below(sizes.groups))))
            .collect();
        let attached = g.attached(sizes, 3);
        let inline = g.inline(20);
        let mut user = json!({
            "Path": "/",
            "UserName": format!("user-{n}"),
            "UserId": g.rng.id("AIDA"),
            "Arn": format!("arn:aws:iam::{ACCOUNT_ID}:user/user-{n}"),
            "CreateDate": g.date(),
            "UserPolicyList": inline,
            "GroupList": group_list,
            "AttachedManagedPolicies": attached,
            "Tags": [{"Key": "team", "Value": format!("team-{}", g.rng.below(20))}],
        });
        if sizes.policies > 0 && g.rng.chance(5) {
            let b = g.rng.below(sizes.policies);
            user["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": format!("arn:aws:iam::{ACCOUNT_ID}:policy/policy-{b}")});
        }
        users.push(user);
    }
    let mut roles = Vec::with_capacity(sizes.roles);
    for n in 0..sizes.roles {
        let trust = g.trust(sizes.users);
        let attached = g.attached(sizes, 4);
        let inline = g.inline(40);
        let created = g.date();
        let mut role = json!({
            "Path": "/",
            "RoleName": format!("role-{n}"),
            "RoleId": g.rng.id("AROA"),
            "Arn": format!("arn:aws:iam::{ACCOUNT_ID}:role/role-{n}"),
            "CreateDate": created,
            "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": [],
            "RolePolicyList": inline,
            "AttachedManagedPolicies": attached,
            "Tags": [],
            "RoleLastUsed": {},
        });
        if sizes.policies > 0 && g.rng.chance(10) {
            let b = g.rng.below(sizes.policies);
            role["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": format!("arn:aws:iam::{ACCOUNT_ID}:policy/policy-{b}")});
        }
        if g.rng.chance(30) {
            role["RoleLastUsed"] = json!({"LastUsedDate": g.date(), "Region": *g.rng.pick(&REGIONS)});
        }
        roles.push(role);
    }
    let mut policies = Vec::with_capacity(sizes.policies + AWS_POLICIES.len());
    for n in 0..sizes.policies {
        let version_count = 1 + g.rng.below(5);
        let versions: Vec<Value> = (0..version_count)
            .map(|v| {
                json!({
                    "Document": g.document(),
                    "VersionId": format!("v{}", v + 1),
                    "IsDefaultVersion": v + 1 == version_count,
                    "CreateDate": g.date(),
                })
            })
            .collect();
        let created = g.date();
        policies.push(json!({
            "PolicyName": format!("policy-{n}"),
            "PolicyId": g.rng.id("ANPA"),
            "Arn": format!("arn:aws:iam::{ACCOUNT_ID}:policy/policy-{n}"),
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
    // The AWS managed policies the account attaches, with AWS's own documents.
    for name in AWS_POLICIES {
        if let Some(p) = catalog::managed::aws_managed_policies().get_by_name(name) {
            let document: Value = serde_json::from_str(p.document).unwrap_or(Value::Null);
            policies.push(json!({
                "PolicyName": p.name,
                "PolicyId": g.rng.id("ANPA"),
                "Arn": p.arn,
                "Path": p.path,
                "DefaultVersionId": p.default_version_id,
                "AttachmentCount": 0,
                "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": true,
                "CreateDate": p.create_date,
                "UpdateDate": p.update_date,
                "PolicyVersionList": [{"Document": document, "VersionId": p.default_version_id, "IsDefaultVersion": true, "CreateDate": p.update_date}],
            }));
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

/// Write the account as the AWS CLI prints it (four-space indentation).
pub fn write(sizes: &Sizes, out: &mut impl Write) -> std::io::Result<()> {
    use serde::Serialize;
    let value = account(sizes);
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, formatter);
    value.serialize(&mut serializer).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

pub fn bytes(sizes: &Sizes) -> Vec<u8> {
    let mut out = Vec::new();
    write(sizes, &mut out).expect("writing to memory cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_sizes_and_seed_give_the_same_bytes_and_another_seed_does_not() {
        let small = Sizes {
            users: 20,
            roles: 10,
            groups: 4,
            policies: 8,
            seed: 7,
        };
        assert_eq!(bytes(&small), bytes(&small));
        assert_ne!(bytes(&small), bytes(&Sizes { seed: 8, ..small }));
    }

    #[test]
    fn a_generated_account_loads_with_the_requested_sizes_and_no_dangling_references() {
        let sizes = Sizes {
            users: 50,
            roles: 30,
            groups: 6,
            policies: 12,
            seed: 3,
        };
        let loaded = crate::io::load_bytes("synthetic.json", &bytes(&sizes)).unwrap();
        let account = loaded.model.account();
        assert_eq!(account.users.len(), 50);
        assert_eq!(account.roles.len(), 30);
        assert_eq!(account.groups.len(), 6);
        assert_eq!(account.policies.iter().filter(|p| !p.is_aws_managed()).count(), 12);
        assert!(
            loaded.model.index().dangling().is_empty(),
            "{:?}",
            loaded.model.index().dangling()
        );
        // and its policies parse cleanly
        for p in &account.policies {
            let parsed = p.default_document().unwrap().parsed();
            assert!(!parsed.has_errors(), "{}: {:?}", p.name, parsed.diagnostics);
        }
    }
}
