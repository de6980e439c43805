//! The workspace file as `collect` builds it: top-level keys in the order
//! they were collected, GAAD's lists kept as the CLI printed them (never
//! parsed into values: a large account's export stays cheap), and — in the
//! partial file only — which parts are done, under `IamscopeCollect`.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
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

#[derive(Debug, Default)]
pub struct Workspace {
    keys: IndexMap<String, Box<RawValue>>,
    pub state: State,
}

impl Workspace {
    /// Read a partial file written earlier.
    pub fn from_partial(bytes: &[u8]) -> Result<Workspace, String> {
        let mut keys: IndexMap<String, Box<RawValue>> =
            serde_json::from_slice(bytes).map_err(|e| format!("not a partial file of `iamscope collect`: {e}"))?;
        let state = keys
            .shift_remove(STATE_KEY)
            .ok_or_else(|| format!("no `{STATE_KEY}` key: this is not a partial file of `iamscope collect`"))?;
        let state: State = serde_json::from_str(state.get()).map_err(|e| format!("its `{STATE_KEY}` key: {e}"))?;
        Ok(Workspace { keys, state })
    }

    /// The workspace file; with `with_state`, the partial file.
    pub fn to_bytes(&self, with_state: bool) -> Vec<u8> {
        let mut out: IndexMap<&str, &RawValue> = self.keys.iter().map(|(k, v)| (k.as_str(), &**v)).collect();
        let state;
        if with_state {
            state = serde_json::value::to_raw_value(&self.state).expect("the state serialises");
            out.insert(STATE_KEY, &state);
        }
        let mut bytes = serde_json::to_vec_pretty(&out).expect("raw JSON values serialise");
        bytes.push(b'\n');
        bytes
    }

    pub fn is_complete(&self, part: &str) -> bool {
        self.state.parts.get(part).map(String::as_str) == Some(COMPLETE)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    pub fn raw(&self, key: &str) -> Option<&RawValue> {
        self.keys.get(key).map(|v| &**v)
    }

    pub fn set_raw(&mut self, key: &str, value: Box<RawValue>) {
        self.keys.insert(key.to_owned(), value);
    }

    pub fn set(&mut self, key: &str, value: &impl Serialize) {
        let raw = serde_json::value::to_raw_value(value).expect("values serialise");
        self.set_raw(key, raw);
    }

    pub fn remove(&mut self, key: &str) {
        self.keys.shift_remove(key);
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
        if !self.keys.contains_key(key) {
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
        assert_eq!(back.raw("UserDetailList").unwrap().get(), r#"[{"UserName": "alice"}]"#);
        let finished: Value = serde_json::from_slice(&w.to_bytes(false)).unwrap();
        assert!(finished.get(STATE_KEY).is_none());
        assert!(Workspace::from_partial(b"{\"UserDetailList\": []}").is_err());
    }
}
