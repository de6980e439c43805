//! Reads the `catalog.v1` asset (format described in
//! `scripts/catalog/build.py`) into a [`Catalog`].

use std::cmp::Ordering;

use super::model::{
    AccessLevel, AccessLevels, Action, ActionResource, ConditionKey, ConditionType, ResourceType,
    Service, cmp_ignore_case,
};
use super::{Catalog, CatalogError, CatalogSource};

const HEADER: &str = "#iamscope-catalog v1";

struct Reader {
    line: usize,
}

impl Reader {
    fn error(&self, message: impl Into<String>) -> CatalogError {
        CatalogError {
            line: self.line,
            message: message.into(),
        }
    }

    fn fields<const N: usize>(
        &self,
        rest: &'static str,
    ) -> Result<[&'static str; N], CatalogError> {
        let mut out = [""; N];
        let mut parts = rest.split('\t');
        for slot in out.iter_mut() {
            *slot = parts
                .next()
                .ok_or_else(|| self.error(format!("expected {N} fields")))?;
        }
        if parts.next().is_some() {
            return Err(self.error(format!("expected {N} fields")));
        }
        Ok(out)
    }

    fn condition_type(&self, text: &str) -> Result<ConditionType, CatalogError> {
        ConditionType::parse(text)
            .ok_or_else(|| self.error(format!("unknown condition type {text:?}")))
    }

    /// Resolves comma-separated indexes into the service's condition keys.
    fn keys(&self, list: &str, keys: &[ConditionKey]) -> Result<Vec<&'static str>, CatalogError> {
        if list.is_empty() {
            return Ok(Vec::new());
        }
        list.split(',')
            .map(|i| {
                i.parse::<usize>()
                    .ok()
                    .and_then(|i| keys.get(i))
                    .map(|k| k.name)
                    .ok_or_else(|| self.error(format!("bad condition key index {i:?}")))
            })
            .collect()
    }

    fn names(list: &'static str) -> Vec<&'static str> {
        if list.is_empty() {
            Vec::new()
        } else {
            list.split(',').collect()
        }
    }
}

pub(super) fn parse(text: &'static str) -> Result<Catalog, CatalogError> {
    let mut reader = Reader { line: 0 };
    let mut lines = text.lines();
    reader.line = 1;
    if lines.next() != Some(HEADER) {
        return Err(reader.error(format!(
            "not a catalogue asset: first line is not {HEADER:?}"
        )));
    }
    let mut source = None;
    let mut globals = Vec::new();
    let mut services: Vec<Service> = Vec::new();
    for line in lines {
        reader.line += 1;
        let (tag, rest) = line.split_once('\t').unwrap_or((line, ""));
        match tag {
            "@source" => {
                let [package, version, updated] = reader.fields(rest)?;
                source = Some(CatalogSource {
                    package,
                    version,
                    updated,
                });
            }
            "G" => {
                let [kind, name] = reader.fields(rest)?;
                globals.push(ConditionKey {
                    name,
                    value_type: reader.condition_type(kind)?,
                    service: None,
                });
            }
            "S" => {
                let [prefix, name] = reader.fields(rest)?;
                if let Some(last) = services.last()
                    && last.prefix >= prefix
                {
                    return Err(reader.error("services are not sorted by prefix"));
                }
                services.push(Service {
                    prefix,
                    name,
                    actions: Vec::new(),
                    resource_types: Vec::new(),
                    condition_keys: Vec::new(),
                });
            }
            "K" | "R" | "A" => {
                let service = services
                    .last_mut()
                    .ok_or_else(|| reader.error("record before the first service"))?;
                match tag {
                    "K" => {
                        let [kind, name] = reader.fields(rest)?;
                        service.condition_keys.push(ConditionKey {
                            name,
                            value_type: reader.condition_type(kind)?,
                            service: Some(service.prefix),
                        });
                    }
                    "R" => {
                        let [name, arns, keys] = reader.fields(rest)?;
                        if let Some(last) = service.resource_types.last()
                            && cmp_ignore_case(last.name, name) != Ordering::Less
                        {
                            return Err(reader.error("resource types are not sorted"));
                        }
                        service.resource_types.push(ResourceType {
                            service: service.prefix,
                            name,
                            arn_patterns: arns.split(' ').collect(),
                            condition_keys: reader.keys(keys, &service.condition_keys)?,
                        });
                    }
                    _ => {
                        let action = parse_action(&reader, rest, service)?;
                        if let Some(last) = service.actions.last()
                            && cmp_ignore_case(last.name, action.name) != Ordering::Less
                        {
                            return Err(reader.error("actions are not sorted"));
                        }
                        service.actions.push(action);
                    }
                }
            }
            "" => {}
            other => return Err(reader.error(format!("unknown record {other:?}"))),
        }
    }
    let source = source.ok_or_else(|| reader.error("no @source line"))?;
    Ok(Catalog::assemble(source, globals, services))
}

fn parse_action(
    reader: &Reader,
    rest: &'static str,
    service: &Service,
) -> Result<Action, CatalogError> {
    let [name, levels, resources, keys, dependent] = reader.fields(rest)?;
    let access_levels = levels
        .chars()
        .map(|c| {
            AccessLevel::from_code(c).ok_or_else(|| reader.error(format!("bad access level {c:?}")))
        })
        .collect::<Result<AccessLevels, _>>()?;
    if access_levels.is_empty() {
        return Err(reader.error(format!("action {name} has no access level")));
    }
    let mut resource_types = Vec::new();
    for item in resources.split(';').filter(|s| !s.is_empty()) {
        let mut parts = item.split('|');
        let (Some(index), Some(required), Some(keys), Some(dependent), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(reader.error(format!("bad resource entry {item:?}")));
        };
        let rt = index
            .parse::<usize>()
            .ok()
            .and_then(|i| service.resource_types.get(i))
            .ok_or_else(|| reader.error(format!("bad resource type index {index:?}")))?;
        resource_types.push(ActionResource {
            name: rt.name,
            required: required == "1",
            condition_keys: reader.keys(keys, &service.condition_keys)?,
            dependent_actions: Reader::names(dependent),
        });
    }
    Ok(Action {
        service: service.prefix,
        name,
        access_levels,
        resource_types,
        condition_keys: reader.keys(keys, &service.condition_keys)?,
        dependent_actions: Reader::names(dependent),
    })
}
