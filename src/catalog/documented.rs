//! Resource types that AWS documents in a service's own guide but the
//! Service Authorization Reference (and so the catalogue's source) leaves
//! out. Each is added to the catalogue when it is parsed, with the page that
//! documents it, so that the linter and the request warnings read it as any
//! other fact instead of silencing a check.

use super::model::{ResourceType, Service, cmp_ignore_case};

/// One documented resource type and the actions that take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addition {
    pub service: &'static str,
    pub resource_type: &'static str,
    pub arn_format: &'static str,
    /// Action names (without the prefix) that take it, as an alternative to
    /// the types the reference lists (never required).
    pub actions: &'static [&'static str],
    /// Where AWS documents it.
    pub source: &'static str,
}

pub const ADDITIONS: &[Addition] = &[Addition {
    service: "cloudformation",
    resource_type: "transform",
    // AWS-owned: the account field is `aws`.
    arn_format: "arn:${Partition}:cloudformation:${Region}:aws:transform/${TransformName}",
    actions: &["CreateChangeSet"],
    source: "AWS CloudFormation User Guide, \"Control access with AWS Identity and Access Management\": \
             a template with a transform (AWS::Serverless, AWS::Include) needs cloudformation:CreateChangeSet \
             on arn:aws:cloudformation:REGION:aws:transform/NAME",
}];

/// Adds [`ADDITIONS`] to the parsed services. An addition whose service,
/// action or type is missing, or already there, is skipped: the reference
/// may come to list it.
pub(super) fn apply(services: &mut [Service]) {
    for addition in ADDITIONS {
        let Some(service) = services.iter_mut().find(|s| s.prefix == addition.service) else {
            continue;
        };
        let Err(at) = service
            .resource_types
            .binary_search_by(|t| cmp_ignore_case(t.name, addition.resource_type))
        else {
            continue;
        };
        service.resource_types.insert(
            at,
            ResourceType {
                service: service.prefix,
                name: addition.resource_type,
                arn_patterns: addition.arn_format,
                condition_keys: "",
            },
        );
        for name in addition.actions {
            if let Some(action) = service.actions.iter_mut().find(|a| a.name == *name) {
                // The action's types stay a `;`-separated slice (see
                // `Action::resource_types`); the joined one is made once per
                // catalogue, for a handful of actions.
                let joined = format!("{};{}|0||", action.resource_types, addition.resource_type);
                action.resource_types = Box::leak(joined.into_boxed_str());
            }
        }
    }
}
