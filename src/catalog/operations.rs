//! API operations and the IAM actions that authorise them.
//!
//! CloudTrail names a call by its `eventSource` (`s3.amazonaws.com`) and
//! `eventName` (the API operation, `ListObjectsV2`); the AWS CLI names it by
//! its operation ("when calling the GetObject operation"). Most operations
//! are authorised by the action of the same name; this module holds the
//! exceptions AWS documents (S3's "Required permissions for Amazon S3 API
//! operations", Lambda's dated operation names, batch calls authorised by
//! their single-item action) and the event sources whose host name is not
//! the service prefix.

use super::catalog;

/// How an operation was turned into an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapping {
    /// The action has the operation's name.
    SameName,
    /// The operation is authorised by an action of another name (documented).
    Renamed { operation: String },
    /// A dated operation name (Lambda's `GetFunction20150331v2`,
    /// CloudFront's `CreateDistribution2020_05_31`) without its date.
    Dated { operation: String },
    /// The catalogue has no action of this name: the name was kept as is.
    NotInCatalogue,
}

/// An operation's action: `s3:ListBucket` for S3's `ListObjectsV2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationAction {
    /// `service:Action`, in the catalogue's spelling when it has the action.
    pub action: String,
    pub mapping: Mapping,
}

impl OperationAction {
    /// A phrase for people, when the action is not simply the operation's name.
    pub fn note(&self) -> Option<String> {
        match &self.mapping {
            Mapping::SameName => None,
            Mapping::Renamed { operation } => Some(format!(
                "the API operation {operation} is authorised by the IAM action {}, whose name differs",
                self.action
            )),
            Mapping::Dated { operation } => Some(format!(
                "the API operation {operation} carries a date; its IAM action is {}",
                self.action
            )),
            Mapping::NotInCatalogue => Some(format!(
                "the catalogue has no action {}; the operation's name was taken as the action's",
                self.action
            )),
        }
    }
}

/// Event sources whose host is not the IAM service prefix.
const SOURCES: &[(&str, &str)] = &[
    ("monitoring", "cloudwatch"),
    ("email", "ses"),
    ("streams.dynamodb", "dynamodb"),
    ("runtime.sagemaker", "sagemaker"),
    ("models.lex", "lex"),
    ("runtime.lex", "lex"),
    ("data.iot", "iot"),
];

/// Operations authorised by an action of another name: (prefix, operation, action name).
const RENAMED: &[(&str, &str, &str)] = &[
    // "Required permissions for Amazon S3 API operations"
    ("s3", "ListObjects", "ListBucket"),
    ("s3", "ListObjectsV2", "ListBucket"),
    ("s3", "HeadBucket", "ListBucket"),
    ("s3", "ListObjectVersions", "ListBucketVersions"),
    ("s3", "ListBuckets", "ListAllMyBuckets"),
    ("s3", "HeadObject", "GetObject"),
    ("s3", "SelectObjectContent", "GetObject"),
    ("s3", "CopyObject", "PutObject"),
    ("s3", "CreateMultipartUpload", "PutObject"),
    ("s3", "UploadPart", "PutObject"),
    ("s3", "UploadPartCopy", "PutObject"),
    ("s3", "CompleteMultipartUpload", "PutObject"),
    ("s3", "ListMultipartUploads", "ListBucketMultipartUploads"),
    ("s3", "ListParts", "ListMultipartUploadParts"),
    ("s3", "DeleteObjects", "DeleteObject"),
    ("s3", "GetBucketLifecycleConfiguration", "GetLifecycleConfiguration"),
    ("s3", "PutBucketLifecycleConfiguration", "PutLifecycleConfiguration"),
    ("s3", "DeleteBucketLifecycle", "PutLifecycleConfiguration"),
    ("s3", "GetBucketEncryption", "GetEncryptionConfiguration"),
    ("s3", "PutBucketEncryption", "PutEncryptionConfiguration"),
    ("s3", "DeleteBucketEncryption", "PutEncryptionConfiguration"),
    ("s3", "GetBucketReplication", "GetReplicationConfiguration"),
    ("s3", "PutBucketReplication", "PutReplicationConfiguration"),
    ("s3", "DeleteBucketReplication", "PutReplicationConfiguration"),
    ("s3", "GetBucketNotificationConfiguration", "GetBucketNotification"),
    ("s3", "PutBucketNotificationConfiguration", "PutBucketNotification"),
    ("s3", "GetPublicAccessBlock", "GetBucketPublicAccessBlock"),
    ("s3", "PutPublicAccessBlock", "PutBucketPublicAccessBlock"),
    ("s3", "DeletePublicAccessBlock", "PutBucketPublicAccessBlock"),
    ("s3", "DeleteBucketCors", "PutBucketCORS"),
    ("s3", "DeleteBucketTagging", "PutBucketTagging"),
    ("s3", "GetBucketAccelerateConfiguration", "GetAccelerateConfiguration"),
    ("s3", "PutBucketAccelerateConfiguration", "PutAccelerateConfiguration"),
    ("s3", "GetBucketAnalyticsConfiguration", "GetAnalyticsConfiguration"),
    ("s3", "PutBucketAnalyticsConfiguration", "PutAnalyticsConfiguration"),
    ("s3", "GetBucketInventoryConfiguration", "GetInventoryConfiguration"),
    ("s3", "PutBucketInventoryConfiguration", "PutInventoryConfiguration"),
    ("s3", "GetBucketMetricsConfiguration", "GetMetricsConfiguration"),
    ("s3", "PutBucketMetricsConfiguration", "PutMetricsConfiguration"),
    (
        "s3",
        "GetBucketIntelligentTieringConfiguration",
        "GetIntelligentTieringConfiguration",
    ),
    (
        "s3",
        "PutBucketIntelligentTieringConfiguration",
        "PutIntelligentTieringConfiguration",
    ),
    ("s3", "GetObjectLockConfiguration", "GetBucketObjectLockConfiguration"),
    ("s3", "PutObjectLockConfiguration", "PutBucketObjectLockConfiguration"),
    // Lambda's Invoke API
    ("lambda", "Invoke", "InvokeFunction"),
    ("lambda", "InvokeWithResponseStream", "InvokeFunction"),
    // batch calls need the single-item permission
    ("sqs", "SendMessageBatch", "SendMessage"),
    ("sqs", "DeleteMessageBatch", "DeleteMessage"),
    ("sqs", "ChangeMessageVisibilityBatch", "ChangeMessageVisibility"),
    ("sns", "PublishBatch", "Publish"),
];

/// The IAM service prefix of a CloudTrail `eventSource` (`s3.amazonaws.com`
/// → `s3`, `monitoring.amazonaws.com` → `cloudwatch`). `None` when the
/// source names no service the catalogue knows.
pub fn service_prefix(event_source: &str) -> Option<&'static str> {
    let host = event_source.trim();
    let host = host.strip_suffix(".amazonaws.com").unwrap_or(host);
    if let Some((_, prefix)) = SOURCES.iter().find(|(source, _)| source.eq_ignore_ascii_case(host)) {
        return Some(prefix);
    }
    let catalog = catalog();
    if let Some(service) = catalog.service(host) {
        return Some(service.prefix());
    }
    // `runtime.SERVICE`, `api.SERVICE`: the service is the last label.
    let last = host.rsplit('.').next()?;
    catalog.service(last).map(|s| s.prefix())
}

/// The action that authorises `operation` of the service with `prefix`.
pub fn action_for(prefix: &str, operation: &str) -> OperationAction {
    let catalog = catalog();
    let operation = operation.trim();
    if let Some(found) = catalog.action(&format!("{prefix}:{operation}")) {
        return OperationAction {
            action: found.full_name(),
            mapping: Mapping::SameName,
        };
    }
    if let Some((_, _, action)) = RENAMED
        .iter()
        .find(|(p, op, _)| p.eq_ignore_ascii_case(prefix) && op.eq_ignore_ascii_case(operation))
    {
        return OperationAction {
            action: format!("{prefix}:{action}"),
            mapping: Mapping::Renamed {
                operation: operation.to_owned(),
            },
        };
    }
    let undated = undated(operation);
    if undated.len() < operation.len() {
        let again = action_for(prefix, undated);
        if again.mapping != Mapping::NotInCatalogue {
            return OperationAction {
                action: again.action,
                mapping: Mapping::Dated {
                    operation: operation.to_owned(),
                },
            };
        }
    }
    OperationAction {
        action: format!("{prefix}:{operation}"),
        mapping: Mapping::NotInCatalogue,
    }
}

/// The operation's name without a trailing API date: `GetFunction20150331v2`,
/// `ListFunctions20150331`, `CreateDistribution2020_05_31`.
fn undated(operation: &str) -> &str {
    let bytes = operation.as_bytes();
    let mut end = bytes.len();
    // an optional `v` and digits after the date (`v2`)
    if let Some(v) = operation.rfind('v')
        && v + 1 < bytes.len()
        && bytes[v + 1..].iter().all(u8::is_ascii_digit)
    {
        end = v;
    }
    let body = &operation[..end];
    let digits = body
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_digit() || *b == b'_')
        .count();
    let date = &body[body.len() - digits..];
    let plain = date.bytes().filter(u8::is_ascii_digit).count();
    if plain == 8 && (date.len() == 8 || date.len() == 10) && digits < body.len() {
        &body[..body.len() - digits]
    } else {
        operation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_renamed_operation_names_a_catalogue_action_and_is_not_one_itself() {
        let catalog = catalog();
        for (prefix, operation, action) in RENAMED {
            assert!(
                catalog.action(&format!("{prefix}:{action}")).is_some(),
                "{prefix}:{action} is not in the catalogue"
            );
            assert!(
                catalog.action(&format!("{prefix}:{operation}")).is_none(),
                "{prefix}:{operation} is an action itself: the table would hide it"
            );
        }
    }

    #[test]
    fn s3_list_objects_v2_is_authorised_by_list_bucket() {
        let found = action_for("s3", "ListObjectsV2");
        assert_eq!(found.action, "s3:ListBucket");
        assert!(found.note().is_some_and(|n| n.contains("ListObjectsV2")));
        assert_eq!(action_for("s3", "GetObject").mapping, Mapping::SameName);
    }

    #[test]
    fn dated_operations_lose_their_date() {
        assert_eq!(undated("GetFunction20150331v2"), "GetFunction");
        assert_eq!(undated("ListFunctions20150331"), "ListFunctions");
        assert_eq!(undated("CreateDistribution2020_05_31"), "CreateDistribution");
        assert_eq!(undated("ListObjectsV2"), "ListObjectsV2");
        assert_eq!(undated("GetObject"), "GetObject");
        let found = action_for("lambda", "UpdateFunctionCode20150331v2");
        assert_eq!(found.action, "lambda:UpdateFunctionCode");
        assert!(matches!(found.mapping, Mapping::Dated { .. }));
    }

    #[test]
    fn event_sources_map_to_prefixes() {
        assert_eq!(service_prefix("s3.amazonaws.com"), Some("s3"));
        assert_eq!(service_prefix("monitoring.amazonaws.com"), Some("cloudwatch"));
        assert_eq!(service_prefix("email.amazonaws.com"), Some("ses"));
        assert_eq!(service_prefix("sts.amazonaws.com"), Some("sts"));
        assert_eq!(service_prefix("nothing-like-it.amazonaws.com"), None);
    }

    #[test]
    fn unknown_operations_keep_their_name_and_say_so() {
        let found = action_for("s3", "MadeUpOperation");
        assert_eq!(found.action, "s3:MadeUpOperation");
        assert_eq!(found.mapping, Mapping::NotInCatalogue);
    }
}
