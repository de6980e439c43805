//! The catalogue's record types: services, actions, resource types, condition
//! keys, access levels and condition value types. All strings borrow from the
//! embedded asset, so records are cheap to build and never copied.

use std::fmt;

/// The access level AWS assigns to an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The name as the IAM console spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    /// Parses the console spelling (case-insensitive).
    pub fn parse(text: &str) -> Option<AccessLevel> {
        AccessLevel::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(text.trim()))
    }

    pub(super) fn from_code(code: char) -> Option<AccessLevel> {
        match code {
            'L' => Some(AccessLevel::List),
            'R' => Some(AccessLevel::Read),
            'W' => Some(AccessLevel::Write),
            'P' => Some(AccessLevel::PermissionsManagement),
            'T' => Some(AccessLevel::Tagging),
            _ => None,
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The set of access levels the source gives an action. The source uses
/// compound levels such as "Tagging, Write", so one action may have several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct AccessLevels(u8);

impl AccessLevels {
    pub fn contains(self, level: AccessLevel) -> bool {
        self.0 & level.bit() != 0
    }

    pub fn insert(&mut self, level: AccessLevel) {
        self.0 |= level.bit();
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn iter(self) -> impl Iterator<Item = AccessLevel> {
        AccessLevel::ALL.into_iter().filter(move |l| self.contains(*l))
    }
}

impl FromIterator<AccessLevel> for AccessLevels {
    fn from_iter<I: IntoIterator<Item = AccessLevel>>(iter: I) -> Self {
        let mut set = AccessLevels::default();
        for level in iter {
            set.insert(level);
        }
        set
    }
}

/// The value type of a condition key, as the service authorisation reference
/// names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConditionType {
    String,
    ArrayOfString,
    Numeric,
    ArrayOfNumeric,
    Date,
    ArrayOfDate,
    Bool,
    ArrayOfBool,
    Arn,
    ArrayOfArn,
    IpAddress,
    ArrayOfIpAddress,
    Binary,
    ArrayOfBinary,
}

impl ConditionType {
    const NAMES: [(ConditionType, &'static str); 14] = [
        (ConditionType::String, "String"),
        (ConditionType::ArrayOfString, "ArrayOfString"),
        (ConditionType::Numeric, "Numeric"),
        (ConditionType::ArrayOfNumeric, "ArrayOfNumeric"),
        (ConditionType::Date, "Date"),
        (ConditionType::ArrayOfDate, "ArrayOfDate"),
        (ConditionType::Bool, "Bool"),
        (ConditionType::ArrayOfBool, "ArrayOfBool"),
        (ConditionType::Arn, "ARN"),
        (ConditionType::ArrayOfArn, "ArrayOfARN"),
        (ConditionType::IpAddress, "IPAddress"),
        (ConditionType::ArrayOfIpAddress, "ArrayOfIPAddress"),
        (ConditionType::Binary, "Binary"),
        (ConditionType::ArrayOfBinary, "ArrayOfBinary"),
    ];

    /// Parses the reference's spelling ("ArrayOfARN", "IPAddress", …).
    pub fn parse(text: &str) -> Option<ConditionType> {
        Self::NAMES.iter().find(|(_, name)| *name == text).map(|(t, _)| *t)
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(t, _)| *t == self)
            .map_or("", |(_, name)| name)
    }

    /// Whether the key carries a set of values (for ForAllValues/ForAnyValue).
    pub fn is_array(self) -> bool {
        self.as_str().starts_with("ArrayOf")
    }

    /// The type of one value: `ArrayOfString` → `String`; scalars map to themselves.
    pub fn element(self) -> ConditionType {
        match self {
            ConditionType::ArrayOfString => ConditionType::String,
            ConditionType::ArrayOfNumeric => ConditionType::Numeric,
            ConditionType::ArrayOfDate => ConditionType::Date,
            ConditionType::ArrayOfBool => ConditionType::Bool,
            ConditionType::ArrayOfArn => ConditionType::Arn,
            ConditionType::ArrayOfIpAddress => ConditionType::IpAddress,
            ConditionType::ArrayOfBinary => ConditionType::Binary,
            scalar => scalar,
        }
    }
}

impl fmt::Display for ConditionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A condition key definition. The name may be a pattern with a variable
/// part, e.g. `aws:RequestTag/${TagKey}` or `s3:ExistingObjectTag/<key>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionKey {
    pub(super) name: &'static str,
    pub(super) value_type: ConditionType,
    /// `None` for the global list (keys available across services).
    pub(super) service: Option<&'static str>,
}

impl ConditionKey {
    /// The key in its original casing.
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn value_type(&self) -> ConditionType {
        self.value_type
    }

    /// The service whose reference defines the key, or `None` for a key from
    /// the global condition key list.
    pub fn service(&self) -> Option<&'static str> {
        self.service
    }

    pub fn is_global(&self) -> bool {
        self.service.is_none()
    }
}

/// Splits a comma-separated field of the asset; empty means none.
pub(super) fn list(field: &'static str) -> impl Iterator<Item = &'static str> + Clone {
    field.split(',').filter(|s| !s.is_empty())
}

/// A resource type of a service, with the ARN format(s) that identify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    pub(super) service: &'static str,
    pub(super) name: &'static str,
    /// Space-separated ARN formats.
    pub(super) arn_patterns: &'static str,
    /// Comma-separated condition key names.
    pub(super) condition_keys: &'static str,
}

impl ResourceType {
    pub fn service(&self) -> &'static str {
        self.service
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The (first) ARN format, e.g. `arn:${Partition}:s3:::${BucketName}`.
    pub fn arn_pattern(&self) -> &'static str {
        self.arn_patterns().next().unwrap_or("")
    }

    /// All ARN formats; a few resource types have more than one.
    pub fn arn_patterns(&self) -> impl Iterator<Item = &'static str> + Clone {
        self.arn_patterns.split(' ').filter(|s| !s.is_empty())
    }

    pub fn condition_keys(&self) -> impl Iterator<Item = &'static str> + Clone {
        list(self.condition_keys)
    }
}

/// A resource type as one action uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionResource {
    name: &'static str,
    required: bool,
    condition_keys: &'static str,
    dependent_actions: &'static str,
}

impl ActionResource {
    /// Reads one `name|required|keys|dependent actions` entry; missing parts
    /// read as empty (the parser has checked the shape).
    fn decode(entry: &'static str) -> ActionResource {
        let mut parts = entry.split('|');
        let mut next = || parts.next().unwrap_or("");
        ActionResource {
            name: next(),
            required: next() == "1",
            condition_keys: next(),
            dependent_actions: next(),
        }
    }

    /// The resource type's name; look it up with `Service::resource_type`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn required(&self) -> bool {
        self.required
    }

    pub fn condition_keys(&self) -> impl Iterator<Item = &'static str> + Clone {
        list(self.condition_keys)
    }

    pub fn dependent_actions(&self) -> impl Iterator<Item = &'static str> + Clone {
        list(self.dependent_actions)
    }
}

/// One action (permission) of a service. Its lists stay as slices of the
/// asset and are split when asked for, which keeps loading cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub(super) service: &'static str,
    pub(super) name: &'static str,
    pub(super) access_levels: AccessLevels,
    /// `;`-separated `name|required|keys|dependent actions` entries.
    pub(super) resource_types: &'static str,
    pub(super) condition_keys: &'static str,
    pub(super) dependent_actions: &'static str,
}

impl Action {
    /// The service prefix, e.g. `s3`.
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// The action name in its original casing, e.g. `GetObject`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// `service:Name`, e.g. `s3:GetObject`.
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service, self.name)
    }

    /// Every level the source gives the action (e.g. Tagging and Write).
    pub fn access_levels(&self) -> AccessLevels {
        self.access_levels
    }

    /// The single level the IAM console shows. The source joins levels, as in
    /// "Tagging, Write" or "Permissions management, Write", where the console
    /// shows only the more specific one; so Permissions management wins, then
    /// Tagging, then the plain level (Write over Read over List, should the
    /// source ever give several plain ones).
    pub fn access_level(&self) -> AccessLevel {
        use AccessLevel::*;
        [PermissionsManagement, Tagging, Write, Read, List]
            .into_iter()
            .find(|l| self.access_levels.contains(*l))
            // The parser rejects actions without a level; Write is the
            // cautious answer should one ever slip through.
            .unwrap_or(Write)
    }

    /// The resource types the action can be scoped to; none means the action
    /// only accepts `"Resource": "*"`.
    pub fn resource_types(&self) -> impl Iterator<Item = ActionResource> + Clone {
        self.resource_types
            .split(';')
            .filter(|s| !s.is_empty())
            .map(ActionResource::decode)
    }

    /// Condition keys the action supports regardless of resource.
    pub fn condition_keys(&self) -> impl Iterator<Item = &'static str> + Clone {
        list(self.condition_keys)
    }

    pub fn dependent_actions(&self) -> impl Iterator<Item = &'static str> + Clone {
        list(self.dependent_actions)
    }
}

/// One AWS service: its prefix, name, actions, resource types and condition
/// keys. Actions and resource types are sorted by lower-cased name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub(super) prefix: &'static str,
    pub(super) name: &'static str,
    pub(super) actions: Vec<Action>,
    pub(super) resource_types: Vec<ResourceType>,
    pub(super) condition_keys: Vec<ConditionKey>,
}

impl Service {
    /// The lower-case service prefix used in actions, e.g. `s3`.
    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// The service's display name, e.g. `Amazon S3`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// Finds an action by name, case-insensitively.
    pub fn action(&self, name: &str) -> Option<&Action> {
        find_sorted(&self.actions, name, |a| a.name)
    }

    pub fn resource_types(&self) -> &[ResourceType] {
        &self.resource_types
    }

    /// Finds a resource type by name, case-insensitively.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        find_sorted(&self.resource_types, name, |r| r.name)
    }

    /// The condition keys this service's reference defines (exact names only;
    /// `Catalog::condition_key` also resolves patterns and global keys).
    pub fn condition_keys(&self) -> &[ConditionKey] {
        &self.condition_keys
    }

    pub fn condition_key(&self, name: &str) -> Option<&ConditionKey> {
        self.condition_keys.iter().find(|k| k.name.eq_ignore_ascii_case(name))
    }
}

/// Compares like `a.to_ascii_lowercase().cmp(b.to_ascii_lowercase())` without
/// allocating; the asset is sorted in this order.
pub(super) fn cmp_ignore_case(a: &str, b: &str) -> std::cmp::Ordering {
    // A plain loop: the iterator-adaptor version was several times slower,
    // and this runs in every lookup's binary search.
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

fn find_sorted<'a, T>(items: &'a [T], name: &str, key: impl Fn(&T) -> &str) -> Option<&'a T> {
    items
        .binary_search_by(|item| cmp_ignore_case(key(item), name))
        .ok()
        .map(|i| &items[i])
}
