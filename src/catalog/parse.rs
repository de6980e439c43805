//! Reads the `catalog.v1` asset (format described in
//! `scripts/catalog/build.py`) into a [`Catalog`]. Records keep borrowed
//! slices of the asset; only their shape is checked here, so loading is one
//! pass over the text without per-action allocation.

use std::cmp::Ordering;

use super::model::{
    AccessLevel, AccessLevels, Action, ConditionKey, ConditionType, ResourceType, Service, cmp_ignore_case,
};
use super::{Catalog, CatalogError, CatalogSource};

const HEADER: &str = "#iamscope-catalog v1";

/// Splits a line's fields (after the tag) on TAB into exactly `N` parts.
/// A plain byte loop: the fields are short, so per-call setup of the
/// library's searchers would cost more than the scan itself.
fn fields<const N: usize>(rest: &'static str) -> Option<[&'static str; N]> {
    let mut out = [""; N];
    let mut start = 0;
    let mut n = 0;
    for (i, b) in rest.bytes().enumerate() {
        if b == b'\t' {
            if n + 1 == N {
                return None;
            }
            out[n] = &rest[start..i];
            n += 1;
            start = i + 1;
        }
    }
    if n + 1 != N {
        return None;
    }
    out[n] = &rest[start..];
    Some(out)
}

/// Checks a `;`-separated list of `name|required|keys|dependent` entries:
/// four parts, a name, and required `0` or `1`.
fn resources_well_formed(field: &str) -> bool {
    field.is_empty()
        || field.as_bytes().split(|&b| b == b';').all(|entry| {
            let mut parts = entry.split(|&b| b == b'|');
            matches!(
                (parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
                (Some(name), Some(b"0" | b"1"), Some(_), Some(_), None) if !name.is_empty()
            )
        })
}

pub(super) fn parse(text: &'static str) -> Result<Catalog, CatalogError> {
    let mut line_no = 0;
    let error = |line: usize, message: String| CatalogError { line, message };
    let mut lines = text.lines();
    line_no += 1;
    if lines.next() != Some(HEADER) {
        return Err(error(1, format!("not a catalogue asset: first line is not {HEADER:?}")));
    }
    let mut source = None;
    let mut globals = Vec::new();
    let mut services: Vec<Service> = Vec::with_capacity(500);
    for line in lines {
        line_no += 1;
        let bad = |what: &str| error(line_no, format!("malformed {what} record"));
        // Tags are one letter (or `@source`); avoid string compares per line.
        let (tag, rest) = match line.as_bytes() {
            [t, b'\t', ..] => (*t, &line[2..]),
            _ => match line.split_once('\t') {
                Some(("@source", rest)) => (b'@', rest),
                _ if line.is_empty() => (b' ', ""),
                _ => return Err(error(line_no, format!("unknown record {line:?}"))),
            },
        };
        match tag {
            b'A' => {
                let service = services.last_mut().ok_or_else(|| bad("action"))?;
                let [name, levels, resources, keys, dependent] = fields(rest).ok_or_else(|| bad("action"))?;
                let access_levels = levels
                    .chars()
                    .map(AccessLevel::from_code)
                    .collect::<Option<AccessLevels>>()
                    .filter(|l| !l.is_empty())
                    .ok_or_else(|| error(line_no, format!("bad access level {levels:?} for {name}")))?;
                let well_formed = resources_well_formed(resources);
                if name.is_empty() || !well_formed {
                    return Err(bad("action"));
                }
                if let Some(last) = service.actions.last()
                    && cmp_ignore_case(last.name, name) != Ordering::Less
                {
                    return Err(error(line_no, format!("actions of {} are not sorted", service.prefix)));
                }
                service.actions.push(Action {
                    service: service.prefix,
                    name,
                    access_levels,
                    resource_types: resources,
                    condition_keys: keys,
                    dependent_actions: dependent,
                });
            }
            b'K' => {
                let service = services.last_mut().ok_or_else(|| bad("condition key"))?;
                let [kind, name] = fields(rest).ok_or_else(|| bad("condition key"))?;
                let value_type = ConditionType::parse(kind)
                    .ok_or_else(|| error(line_no, format!("unknown condition type {kind:?}")))?;
                service.condition_keys.push(ConditionKey {
                    name,
                    value_type,
                    service: Some(service.prefix),
                });
            }
            b'R' => {
                let service = services.last_mut().ok_or_else(|| bad("resource type"))?;
                let [name, arn_patterns, condition_keys] = fields(rest).ok_or_else(|| bad("resource type"))?;
                if let Some(last) = service.resource_types.last()
                    && cmp_ignore_case(last.name, name) != Ordering::Less
                {
                    return Err(error(
                        line_no,
                        format!("resource types of {} are not sorted", service.prefix),
                    ));
                }
                service.resource_types.push(ResourceType {
                    service: service.prefix,
                    name,
                    arn_patterns,
                    condition_keys,
                });
            }
            b'S' => {
                let [prefix, name, keys, rts, actions] = fields(rest).ok_or_else(|| bad("service"))?;
                if services.last().is_some_and(|last| last.prefix >= prefix) {
                    return Err(error(line_no, "services are not sorted by prefix".into()));
                }
                // The counts only size the lists; a wrong one costs a realloc.
                let count = |n: &str| n.parse::<usize>().unwrap_or(0).min(100_000);
                services.push(Service {
                    prefix,
                    name,
                    actions: Vec::with_capacity(count(actions)),
                    resource_types: Vec::with_capacity(count(rts)),
                    condition_keys: Vec::with_capacity(count(keys)),
                });
            }
            b'G' => {
                let [kind, name] = fields(rest).ok_or_else(|| bad("global key"))?;
                let value_type = ConditionType::parse(kind)
                    .ok_or_else(|| error(line_no, format!("unknown condition type {kind:?}")))?;
                globals.push(ConditionKey {
                    name,
                    value_type,
                    service: None,
                });
            }
            b'@' => {
                let [package, version, updated] = fields(rest).ok_or_else(|| bad("source"))?;
                source = Some(CatalogSource {
                    package,
                    version,
                    updated,
                });
            }
            b' ' => {}
            _ => return Err(error(line_no, format!("unknown record {line:?}"))),
        }
    }
    let source = source.ok_or_else(|| error(line_no, "no @source line".into()))?;
    super::documented::apply(&mut services);
    Ok(Catalog::assemble(source, globals, services))
}
