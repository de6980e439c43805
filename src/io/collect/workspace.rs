//! The workspace file as `collect` builds it: top-level keys in the order
//! they were collected, GAAD's lists kept as the CLI printed them (never
//! parsed into values: a large account's export stays cheap), and — in the
//! partial file only — which parts are done, under `IamscopeCollect`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// The key the partial file keeps its progress under.
pub const STATE_KEY: &str = "IamscopeCollect";

/// What a partial file remembers besides the data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct State {
    pub profile: Option<String>,
    pub regions: Vec<String>,
    /// With `--organization`: the organisation's structure was asked for too.
    #[serde(default)]
    pub organization: bool,
    /// From `sts get-caller-identity`'s ARN (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: Option<String>,
    /// Each part by its key (`kms/eu-west-1`): `complete`, or why not.
    pub parts: BTreeMap<String, String>,
}

pub const COMPLETE: &str = "complete";

/// Top-level keys in the order they came, each value as its JSON text.
#[derive(Debug, Default)]
struct Keys(Vec<(String, Box<RawValue>)>);

impl Keys {
    fn get(&self, key: &str) -> Option<&RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }

    fn insert(&mut self, key: &str, value: Box<RawValue>) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => self.0.push((key.to_owned(), value)),
        }
    }

    fn remove(&mut self, key: &str) -> Option<Box<RawValue>> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(at).1)
    }
}

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Keys, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Keys::default();
                while let Some((key, value)) = map.next_entry::<String, Box<RawValue>>()? {
                    keys.insert(&key, value);
                }
                Ok(keys)
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

/// The keys to write, with the progress key last when there is one.
struct Written<'a>(&'a Keys, Option<&'a RawValue>);

impl Serialize for Written<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in &self.0.0 {
            map.serialize_entry(key, &**value)?;
        }
        if let Some(state) = self.1 {
            map.serialize_entry(STATE_KEY, state)?;
        }
        map.end()
    }
}

#[derive(Debug, Default)]
pub struct Workspace {
    keys: Keys,
    pub state: State,
}

impl Workspace {
    /// Read a partial file written earlier.
    pub fn from_partial(bytes: &[u8]) -> Result<Workspace, String> {
        let mut keys: Keys =
            serde_json::from_slice(bytes).map_err(|e| format!("not a partial file of `iamscope collect`: {e}"))?;
        let state = keys
            .remove(STATE_KEY)
            .ok_or_else(|| format!("no `{STATE_KEY}` key: this is not a partial file of `iamscope collect`"))?;
        let state: State = serde_json::from_str(state.get()).map_err(|e| format!("its `{STATE_KEY}` key: {e}"))?;
        Ok(Workspace { keys, state })
    }

    /// The workspace file; with `with_state`, the partial file.
    pub fn to_bytes(&self, with_state: bool) -> Vec<u8> {
        let state = with_state.then(|| serde_json::value::to_raw_value(&self.state).expect("the state serialises"));
        let mut bytes =
            serde_json::to_vec_pretty(&Written(&self.keys, state.as_deref())).expect("raw JSON values serialise");
        bytes.push(b'\n');
        bytes
    }

    pub fn is_complete(&self, part: &str) -> bool {
        self.state.parts.get(part).map(String::as_str) == Some(COMPLETE)
    }

    pub fn set_raw(&mut self, key: &str, value: Box<RawValue>) {
        self.keys.insert(key, value);
    }

    pub fn set(&mut self, key: &str, value: &impl Serialize) {
        let raw = serde_json::value::to_raw_value(value).expect("values serialise");
        self.set_raw(key, raw);
    }

    pub fn remove(&mut self, key: &str) {
        self.keys.remove(key);
    }

    /// A small key read as a value (not GAAD's lists).
    pub fn value(&self, key: &str) -> Option<Value> {
        self.keys.get(key).and_then(|v| serde_json::from_str(v.get()).ok())
    }

    pub fn string(&self, key: &str) -> Option<String> {
        self.value(key).and_then(|v| v.as_str().map(str::to_owned))
    }

    /// The entries of a list key.
    pub fn list(&self, key: &str) -> Vec<Value> {
        match self.value(key) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        }
    }

    /// Keep only the entries of a list key that `keep` accepts (a part
    /// about to be asked again drops what it brought last time).
    pub fn retain(&mut self, key: &str, keep: impl Fn(&Value) -> bool) {
        if self.keys.get(key).is_none() {
            return;
        }
        let items: Vec<Value> = self.list(key).into_iter().filter(|v| keep(v)).collect();
        self.set(key, &items);
    }

    /// Add entries to a list key, made when missing.
    pub fn extend(&mut self, key: &str, items: Vec<Value>) {
        let mut all = self.list(key);
        all.extend(items);
        self.set(key, &all);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_partial_file_round_trips_its_data_and_its_progress() {
        let mut w = Workspace::default();
        w.set_raw(
            "UserDetailList",
            RawValue::from_string(r#"[{"UserName": "alice"}]"#.to_owned()).unwrap(),
        );
        w.extend(
            "ResourcePolicies",
            vec![json!({"ResourceArn": "arn:aws:s3:::a", "Policy": {}})],
        );
        w.state.parts.insert("s3".into(), COMPLETE.into());
        w.state.regions = vec!["eu-west-1".into()];
        let back = Workspace::from_partial(&w.to_bytes(true)).unwrap();
        assert!(back.is_complete("s3"));
        assert_eq!(back.state.regions, ["eu-west-1"]);
        assert_eq!(back.list("ResourcePolicies").len(), 1);
        assert_eq!(
            back.keys.get("UserDetailList").unwrap().get(),
            r#"[{"UserName": "alice"}]"#
        );
        let finished: Value = serde_json::from_slice(&w.to_bytes(false)).unwrap();
        assert!(finished.get(STATE_KEY).is_none());
        assert!(Workspace::from_partial(b"{\"UserDetailList\": []}").is_err());
    }
}
