//! Where resource-based policies are read from: for each kind of resource,
//! the AWS CLI command that lists the resources, the one that prints one
//! resource's policy, where the policy and the resource's ARN sit in their
//! output, the error codes that mean "this resource has no policy", and the
//! IAM action each command needs (said when it is denied).

use serde_json::Value;

/// One resource named by a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What the get command takes (a name, an id, a URL or an ARN).
    pub key: String,
    /// The resource's ARN, when the listing says it.
    pub arn: Option<String>,
}

/// A get command's policy text and the resource's ARN, when it gives them.
pub type Found = (Option<String>, Option<String>);

#[derive(Debug)]
pub struct PolicySource {
    /// The service part of the resources' ARNs, and the part's key.
    pub service: &'static str,
    /// `S3 bucket policies`.
    pub title: &'static str,
    /// `bucket`: what one item is, in messages.
    pub noun: &'static str,
    /// Whether the listing is per region (all but S3's).
    pub regional: bool,
    pub list: &'static [&'static str],
    pub list_permission: &'static str,
    pub items: fn(&Value, &str) -> Vec<Item>,
    /// The get command; `{}` stands for the item's key.
    pub get: &'static [&'static str],
    /// What `{}` is, for `--dry-run`.
    pub placeholder: &'static str,
    pub get_permission: &'static str,
    /// The policy text and the resource's ARN, from the get command's output.
    pub policy: fn(&Item, &Value) -> Found,
    /// Error codes that mean the resource has no policy (not a failure).
    pub no_policy: &'static [&'static str],
}

/// Sources are told apart by their service.
impl PartialEq for PolicySource {
    fn eq(&self, other: &PolicySource) -> bool {
        self.service == other.service
    }
}

impl Eq for PolicySource {}

fn strings(value: &Value, list: &str, key: &str) -> Vec<String> {
    value
        .get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| item.get(key).and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn text(value: &Value, path: &[&str]) -> Option<String> {
    let mut at = value;
    for key in path {
        at = at.get(key)?;
    }
    at.as_str().map(str::to_owned)
}

fn pairs(value: &Value, list: &str, key: &str, arn: &str) -> Vec<Item> {
    value
        .get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| {
            Some(Item {
                key: item.get(key)?.as_str()?.to_owned(),
                arn: item.get(arn).and_then(Value::as_str).map(str::to_owned),
            })
        })
        .collect()
}

pub static SOURCES: [PolicySource; 7] = [
    PolicySource {
        service: "s3",
        title: "S3 bucket policies",
        noun: "bucket",
        regional: false,
        list: &["s3api", "list-buckets"],
        list_permission: "s3:ListAllMyBuckets",
        items: |v, partition| {
            strings(v, "Buckets", "Name")
                .into_iter()
                .map(|name| Item {
                    arn: Some(format!("arn:{partition}:s3:::{name}")),
                    key: name,
                })
                .collect()
        },
        get: &["s3api", "get-bucket-policy", "--bucket", "{}"],
        placeholder: "BUCKET",
        get_permission: "s3:GetBucketPolicy",
        policy: |item, v| (text(v, &["Policy"]), item.arn.clone()),
        no_policy: &["NoSuchBucketPolicy", "NoSuchBucket"],
    },
    PolicySource {
        service: "kms",
        title: "KMS key policies",
        noun: "key",
        regional: true,
        list: &["kms", "list-keys"],
        list_permission: "kms:ListKeys",
        items: |v, _| pairs(v, "Keys", "KeyId", "KeyArn"),
        get: &["kms", "get-key-policy", "--key-id", "{}", "--policy-name", "default"],
        placeholder: "KEY_ID",
        get_permission: "kms:GetKeyPolicy",
        policy: |item, v| (text(v, &["Policy"]), item.arn.clone()),
        no_policy: &["NotFoundException"],
    },
    PolicySource {
        service: "sqs",
        title: "SQS queue policies",
        noun: "queue",
        regional: true,
        list: &["sqs", "list-queues"],
        list_permission: "sqs:ListQueues",
        items: |v, _| {
            v.get("QueueUrls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|u| u.as_str())
                .map(|url| Item {
                    key: url.to_owned(),
                    arn: None,
                })
                .collect()
        },
        get: &[
            "sqs",
            "get-queue-attributes",
            "--queue-url",
            "{}",
            "--attribute-names",
            "Policy",
            "QueueArn",
        ],
        placeholder: "QUEUE_URL",
        get_permission: "sqs:GetQueueAttributes",
        policy: |_, v| (text(v, &["Attributes", "Policy"]), text(v, &["Attributes", "QueueArn"])),
        no_policy: &["AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"],
    },
    PolicySource {
        service: "sns",
        title: "SNS topic policies",
        noun: "topic",
        regional: true,
        list: &["sns", "list-topics"],
        list_permission: "sns:ListTopics",
        items: |v, _| pairs(v, "Topics", "TopicArn", "TopicArn"),
        get: &["sns", "get-topic-attributes", "--topic-arn", "{}"],
        placeholder: "TOPIC_ARN",
        get_permission: "sns:GetTopicAttributes",
        policy: |item, v| (text(v, &["Attributes", "Policy"]), item.arn.clone()),
        no_policy: &["NotFound", "NotFoundException"],
    },
    PolicySource {
        service: "lambda",
        title: "Lambda function policies",
        noun: "function",
        regional: true,
        list: &["lambda", "list-functions"],
        list_permission: "lambda:ListFunctions",
        items: |v, _| pairs(v, "Functions", "FunctionName", "FunctionArn"),
        get: &["lambda", "get-policy", "--function-name", "{}"],
        placeholder: "FUNCTION_NAME",
        get_permission: "lambda:GetPolicy",
        policy: |item, v| (text(v, &["Policy"]), item.arn.clone()),
        no_policy: &["ResourceNotFoundException"],
    },
    PolicySource {
        service: "secretsmanager",
        title: "Secrets Manager secret policies",
        noun: "secret",
        regional: true,
        list: &["secretsmanager", "list-secrets"],
        list_permission: "secretsmanager:ListSecrets",
        items: |v, _| pairs(v, "SecretList", "ARN", "ARN"),
        get: &["secretsmanager", "get-resource-policy", "--secret-id", "{}"],
        placeholder: "SECRET_ARN",
        get_permission: "secretsmanager:GetResourcePolicy",
        policy: |item, v| (text(v, &["ResourcePolicy"]), item.arn.clone()),
        no_policy: &["ResourceNotFoundException"],
    },
    PolicySource {
        service: "ecr",
        title: "ECR repository policies",
        noun: "repository",
        regional: true,
        list: &["ecr", "describe-repositories"],
        list_permission: "ecr:DescribeRepositories",
        items: |v, _| pairs(v, "repositories", "repositoryName", "repositoryArn"),
        get: &["ecr", "get-repository-policy", "--repository-name", "{}"],
        placeholder: "REPOSITORY_NAME",
        get_permission: "ecr:GetRepositoryPolicy",
        policy: |item, v| (text(v, &["policyText"]), item.arn.clone()),
        no_policy: &["RepositoryPolicyNotFoundException", "RepositoryNotFoundException"],
    },
];

/// Whether `arn` belongs to `service` in `region` (any region when `None`):
/// what a part asked again replaces.
pub fn arn_in(arn: &str, service: &str, region: Option<&str>) -> bool {
    let mut parts = arn.splitn(5, ':');
    let (Some("arn"), Some(_partition), Some(s), Some(r)) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    s == service && region.is_none_or(|region| r == region)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_command_names_an_action_of_the_catalogue() {
        let catalog = crate::catalog::catalog();
        for source in &SOURCES {
            for action in [source.list_permission, source.get_permission] {
                assert!(catalog.action(action).is_some(), "{action} of {}", source.title);
            }
            assert!(source.get.contains(&"{}"), "{}", source.title);
        }
    }

    #[test]
    fn listings_give_items_and_gets_give_policies() {
        let s3 = &SOURCES[0];
        let items = (s3.items)(&json!({"Buckets": [{"Name": "photos"}]}), "aws");
        assert_eq!(items[0].arn.as_deref(), Some("arn:aws:s3:::photos"));
        let sqs = &SOURCES[2];
        let items = (sqs.items)(
            &json!({"QueueUrls": ["https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"]}),
            "aws",
        );
        let (policy, arn) = (sqs.policy)(
            &items[0],
            &json!({"Attributes": {"Policy": "{}", "QueueArn": "arn:aws:sqs:eu-west-1:111122223333:jobs"}}),
        );
        assert_eq!(policy.as_deref(), Some("{}"));
        assert_eq!(arn.as_deref(), Some("arn:aws:sqs:eu-west-1:111122223333:jobs"));
        // an empty listing prints nothing, or an object without the list
        assert!((sqs.items)(&json!({}), "aws").is_empty());
    }

    #[test]
    fn a_part_owns_the_arns_of_its_service_and_region() {
        assert!(arn_in(
            "arn:aws:kms:eu-west-1:111122223333:key/1",
            "kms",
            Some("eu-west-1")
        ));
        assert!(!arn_in(
            "arn:aws:kms:us-east-1:111122223333:key/1",
            "kms",
            Some("eu-west-1")
        ));
        assert!(arn_in("arn:aws:kms:us-east-1:111122223333:key/1", "kms", None));
        assert!(arn_in("arn:aws-cn:s3:::photos", "s3", None));
        assert!(!arn_in("not an arn", "s3", None));
    }
}
