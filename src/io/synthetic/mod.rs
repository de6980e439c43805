//! A deterministic generator of large accounts, for benchmarks and load
//! tests: `iamscope generate --users 5000 --roles 5000 …` writes one.
//!
//! The same sizes, shape and seed always give the same bytes. Two shapes:
//! [`Shape::Realistic`] (the default, see [`realistic`]) lays the account out
//! as large real ones are, most roles trusting the account itself, so that
//! whole-account analyses meet their hard case; [`Shape::Uniform`] is the
//! first generator's output, kept so that older benchmark figures stay
//! comparable: actions drawn from the catalogue, random memberships and
//! attachments, trust policies naming services, the account or one user.

mod realistic;

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
    pub shape: Shape,
}

/// How the generated account is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shape {
    /// As large real accounts are (see [`realistic`]).
    #[default]
    Realistic,
    /// The first generator's output, byte for byte.
    Uniform,
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
        shape: Shape::Realistic,
    };
}

pub const ACCOUNT_ID: &str = "123456789012";
pub(crate) const REGIONS: [&str; 4] = ["eu-west-1", "us-east-1", "us-west-2", "ap-southeast-2"];
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
    match sizes.shape {
        Shape::Realistic => realistic::account(sizes),
        Shape::Uniform => uniform(sizes),
    }
}

/// An AWS managed policy as GAAD lists it, with AWS's own document.
fn library_entry(g: &mut Generator, p: &catalog::managed::LibraryPolicy) -> Value {
    let document: Value = serde_json::from_str(p.document).unwrap_or(Value::Null);
    json!({
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
    })
}

fn uniform(sizes: &Sizes) -> Value {
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
            policies.push(library_entry(&mut g, p));
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
        for shape in [Shape::Realistic, Shape::Uniform] {
            let small = Sizes {
                users: 20,
                roles: 10,
                groups: 4,
                policies: 8,
                seed: 7,
                shape,
            };
            assert_eq!(bytes(&small), bytes(&small));
            assert_ne!(bytes(&small), bytes(&Sizes { seed: 8, ..small }));
        }
    }

    /// FNV-1a, to pin a file's bytes without a hashing dependency.
    fn fnv(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    #[test]
    fn the_uniform_shape_writes_what_the_first_generator_wrote() {
        let sizes = Sizes {
            users: 50,
            roles: 30,
            groups: 6,
            policies: 12,
            seed: 3,
            shape: Shape::Uniform,
        };
        let out = bytes(&sizes);
        assert_eq!((out.len(), fnv(&out)), (555_862, 0x6950_b183_8911_4aa9));
    }

    #[test]
    fn a_generated_account_loads_with_the_requested_sizes_and_no_dangling_references() {
        for shape in [Shape::Realistic, Shape::Uniform] {
            let sizes = Sizes {
                users: 50,
                roles: 30,
                groups: 6,
                policies: 12,
                seed: 3,
                shape,
            };
            a_generated_account_loads(&sizes);
        }
    }

    /// The realistic shape has what makes whole-account analysis hard: most
    /// roles trust the account itself, users share a few groups, and AWS
    /// managed policies are reused.
    #[test]
    fn the_realistic_shape_looks_like_a_large_real_account() {
        let sizes = Sizes {
            users: 600,
            roles: 600,
            groups: 40,
            policies: 200,
            seed: 9,
            shape: Shape::Realistic,
        };
        let model = crate::io::load_bytes("realistic.json", &bytes(&sizes)).unwrap().model;
        let a = model.account();
        let root = format!("arn:aws:iam::{ACCOUNT_ID}:root");
        let trusting = |needle: &str| {
            a.roles
                .iter()
                .filter(|r| r.trust_policy.as_ref().is_some_and(|t| t.text().contains(needle)))
                .count()
        };
        let own_account = trusting(&root);
        assert!(
            own_account * 100 >= a.roles.len() * 40,
            "{own_account} of {}",
            a.roles.len()
        );
        for other in [
            ".amazonaws.com",
            ":role/",
            "saml-provider",
            "oidc-provider",
            "arn:aws:iam::210987654321:root",
        ] {
            assert!(trusting(other) > 0, "no role trusts {other}");
        }
        // Everyone is in AllUsers; group lists repeat.
        assert!(
            a.users
                .iter()
                .all(|u| u.groups.first().map(String::as_str) == Some("AllUsers"))
        );
        let distinct: std::collections::BTreeSet<&Vec<String>> = a.users.iter().map(|u| &u.groups).collect();
        assert!(
            distinct.len() * 3 < a.users.len(),
            "{} distinct group lists",
            distinct.len()
        );
        let aws_attached = a
            .roles
            .iter()
            .flat_map(|r| &r.attached_policies)
            .filter(|p| p.arn.starts_with("arn:aws:iam::aws:policy/"))
            .count();
        assert!(
            aws_attached * 2 > a.roles.len(),
            "{aws_attached} AWS managed attachments"
        );
        assert!(model.policy("arn:aws:iam::aws:policy/AdministratorAccess").is_some());
    }

    fn a_generated_account_loads(sizes: &Sizes) {
        let loaded = crate::io::load_bytes("synthetic.json", &bytes(sizes)).unwrap();
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
