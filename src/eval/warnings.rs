//! Questions AWS could never receive. The engine answers any request, but an
//! action the catalogue does not have (a typo, most often) or a resource of
//! a type the action does not take gets a confident answer that means
//! nothing; every answer for such a request carries a warning saying so,
//! with what was probably meant.

use serde::Serialize;

use super::request::Request;
use crate::catalog::{Catalog, ResourceFit};

/// Why a request is not one AWS would receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestWarning {
    /// The service prefix is known but the action is not one of its actions.
    UnknownAction { action: String, suggestions: Vec<String> },
    /// No AWS service has this prefix.
    UnknownService {
        action: String,
        service: String,
        suggestions: Vec<String>,
    },
    /// The action takes resources of other types.
    ResourceTypeMismatch {
        action: String,
        resource: String,
        expected: Vec<&'static str>,
        formats: Vec<&'static str>,
    },
    /// The action takes no resource type: AWS authorizes it on `*`.
    ActionTakesNoResource { action: String, resource: String },
    /// The resource is longer than any ARN AWS accepts.
    ResourceTooLong { action: String, length: usize },
}

/// The longest ARN AWS accepts: the IAM API reference gives its ARN type
/// (`arnType`) a maximum length of 2,048 characters. A longer resource is
/// no resource AWS has, so no type check is needed (nor made: it would walk
/// every character of a hostile, megabytes-long resource).
pub const LONGEST_ARN: usize = 2048;

impl RequestWarning {
    pub fn code(&self) -> &'static str {
        match self {
            RequestWarning::UnknownAction { .. } => "unknown-action",
            RequestWarning::UnknownService { .. } => "unknown-service",
            RequestWarning::ResourceTypeMismatch { .. } => "resource-type-mismatch",
            RequestWarning::ActionTakesNoResource { .. } => "action-takes-no-resource",
            RequestWarning::ResourceTooLong { .. } => "resource-too-long",
        }
    }

    /// One sentence: what is wrong and what was probably meant.
    pub fn describe(&self) -> String {
        // The closest candidate only; JSON lists the others.
        let did_you_mean = |s: &[String]| match s.first() {
            None => String::new(),
            Some(best) => format!("; did you mean {best}?"),
        };
        match self {
            RequestWarning::UnknownAction { action, suggestions } => format!(
                "{action} is not an action in the catalogue, so AWS would never receive this request{}",
                did_you_mean(suggestions)
            ),
            RequestWarning::UnknownService {
                action,
                service,
                suggestions,
            } => format!(
                "no AWS service has the prefix `{service}`, so AWS would never receive {action}{}",
                did_you_mean(suggestions)
            ),
            RequestWarning::ResourceTypeMismatch {
                action,
                resource,
                expected,
                formats,
            } => format!(
                "{action} takes a resource of type {} (such as {}), and {resource} is not one, so AWS would never receive this request",
                join_or(expected),
                formats.last().copied().unwrap_or_default()
            ),
            RequestWarning::ActionTakesNoResource { action, resource } => {
                format!("{action} takes no resource: AWS authorizes it on *, never on {resource}")
            }
            RequestWarning::ResourceTooLong { action, length } => format!(
                "the resource of this {action} request is {length} characters long, and no ARN AWS accepts is longer than {LONGEST_ARN}, so AWS would never receive this request"
            ),
        }
    }
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl Serialize for RequestWarning {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("code", self.code())?;
        match self {
            RequestWarning::UnknownAction { suggestions, .. } | RequestWarning::UnknownService { suggestions, .. } => {
                map.serialize_entry("suggestions", suggestions)?;
            }
            RequestWarning::ResourceTypeMismatch { expected, .. } => {
                map.serialize_entry("expected_resource_types", expected)?;
            }
            RequestWarning::ResourceTooLong { length, .. } => {
                map.serialize_entry("length", length)?;
            }
            RequestWarning::ActionTakesNoResource { .. } => {}
        }
        map.serialize_entry("text", &self.describe())?;
        map.end()
    }
}

/// What is wrong with a request as AWS would see it (nothing, mostly).
pub fn request_warnings(request: &Request) -> Vec<RequestWarning> {
    action_resource_warnings(crate::catalog::catalog(), &request.action, &request.resource)
}

/// The warnings for an action on a resource, against a catalogue.
pub fn action_resource_warnings(catalog: &Catalog, action: &str, resource: &str) -> Vec<RequestWarning> {
    let mut warnings = Vec::new();
    let Some((service, _)) = action.split_once(':') else {
        return warnings;
    };
    if catalog.service(service).is_none() {
        let mut suggestions = catalog.suggest(action, 3);
        if suggestions.is_empty() {
            suggestions = catalog.suggest(service, 3);
        }
        warnings.push(RequestWarning::UnknownService {
            action: action.to_owned(),
            service: service.to_owned(),
            suggestions,
        });
        return warnings;
    }
    if catalog.action(action).is_none() {
        warnings.push(RequestWarning::UnknownAction {
            action: action.to_owned(),
            suggestions: catalog.suggest(action, 3),
        });
        return warnings;
    }
    let length = resource.chars().count();
    if length > LONGEST_ARN {
        warnings.push(RequestWarning::ResourceTooLong {
            action: action.to_owned(),
            length,
        });
        return warnings;
    }
    match catalog.resource_fit(action, resource) {
        ResourceFit::WrongType { expected, formats } => warnings.push(RequestWarning::ResourceTypeMismatch {
            action: action.to_owned(),
            resource: resource.to_owned(),
            expected,
            formats,
        }),
        ResourceFit::TakesNoResource => warnings.push(RequestWarning::ActionTakesNoResource {
            action: action.to_owned(),
            resource: resource.to_owned(),
        }),
        ResourceFit::Fits | ResourceFit::Unknown => {}
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warn(action: &str, resource: &str) -> Vec<RequestWarning> {
        action_resource_warnings(crate::catalog::catalog(), action, resource)
    }

    #[test]
    fn a_misspelt_action_is_flagged_with_what_was_meant() {
        let w = warn("s3:GetObjekt", "arn:aws:s3:::photos/cat.jpg");
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code(), "unknown-action");
        assert!(w[0].describe().contains("s3:GetObject"), "{}", w[0].describe());
    }

    #[test]
    fn an_unknown_service_is_flagged_with_close_prefixes() {
        let w = warn("s4:GetObject", "*");
        assert_eq!(w[0].code(), "unknown-service");
        assert!(w[0].describe().contains("s3"), "{}", w[0].describe());
    }

    #[test]
    fn an_action_on_a_resource_of_another_type_is_a_request_aws_never_receives() {
        let w = warn("s3:GetObject", "arn:aws:iam::111122223333:policy/ReadOnly");
        assert_eq!(w[0].code(), "resource-type-mismatch", "{w:?}");
        assert!(w[0].describe().contains("object"), "{}", w[0].describe());
        let w = warn("dynamodb:DescribeTable", "arn:aws:s3:::photos");
        assert_eq!(w[0].code(), "resource-type-mismatch", "{w:?}");
        let w = warn("s3:DeleteObject", "arn:aws:s3:::photos");
        assert_eq!(
            w[0].code(),
            "resource-type-mismatch",
            "a bucket is not an object: {w:?}"
        );
    }

    #[test]
    fn requests_aws_does_receive_carry_no_warning() {
        for (action, resource) in [
            ("s3:GetObject", "arn:aws:s3:::photos/cat.jpg"),
            ("s3:ListBucket", "arn:aws:s3:::photos"),
            ("S3:getobject", "arn:aws:s3:::photos/*"),
            // The resource type of sts:AssumeRole is an IAM role's ARN.
            ("sts:AssumeRole", "arn:aws:iam::111122223333:role/app"),
            ("iam:PassRole", "arn:aws:iam::111122223333:role/app"),
            ("s3:ListAllMyBuckets", "*"),
            (
                "dynamodb:DescribeTable",
                "arn:aws:dynamodb:us-east-1:111122223333:table/orders",
            ),
        ] {
            assert_eq!(warn(action, resource), [], "{action} on {resource}");
        }
    }

    #[test]
    fn a_resource_longer_than_the_longest_arn_aws_accepts_is_flagged_without_a_type_check() {
        let at_limit = format!("arn:aws:s3:::b/{}", "k".repeat(LONGEST_ARN - "arn:aws:s3:::b/".len()));
        assert_eq!(warn("s3:GetObject", &at_limit), [], "2,048 characters is still an ARN");
        let over = format!("{at_limit}k");
        let w = warn("s3:GetObject", &over);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].code(), "resource-too-long");
        assert!(w[0].describe().contains("2049 characters"), "{}", w[0].describe());
        // A hostile resource is neither copied into the sentence nor walked.
        let hostile = format!("arn:aws:s3:::b/{}", "*?".repeat(5 << 20));
        let w = warn("s3:GetObject", &hostile);
        assert_eq!(w[0].code(), "resource-too-long");
        assert!(w[0].describe().len() < 200);
    }

    #[test]
    fn an_action_that_takes_no_resource_is_authorized_on_star_only() {
        let w = warn("s3:ListAllMyBuckets", "arn:aws:s3:::photos");
        assert_eq!(w[0].code(), "action-takes-no-resource");
    }
}
