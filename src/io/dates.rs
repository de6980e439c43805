//! Dates as exports write them: `2019-12-18T19:10:08Z`, `…+00:00`, and the
//! `2019-12-18 19:10:08+00:00` form that Python tools (boto3's `str(datetime)`)
//! write. Export always writes the first form.

use std::fmt;

use jiff::Timestamp;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwsDate(pub Timestamp);

pub use crate::policy::parse_date;

/// The form export writes: seconds precision unless the source had more, `Z`.
pub fn format_date(ts: Timestamp) -> String {
    ts.to_string()
}

impl<'de> Deserialize<'de> for AwsDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<AwsDate, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = AwsDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date such as 2019-12-18T19:10:08Z")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<AwsDate, E> {
                parse_date(text).map(AwsDate).ok_or_else(|| {
                    E::custom(format!(
                        "`{text}` is not a date (expected 2019-12-18T19:10:08Z, 2019-12-18T19:10:08+00:00 or 2019-12-18 19:10:08+00:00)"
                    ))
                })
            }
        }
        deserializer.deserialize_str(DateVisitor)
    }
}

impl Serialize for AwsDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_export_forms_are_the_same_instant() {
        let z = parse_date("2019-12-18T19:10:08Z").unwrap();
        assert_eq!(parse_date("2019-12-18T19:10:08+00:00"), Some(z));
        assert_eq!(parse_date("2019-12-18 19:10:08+00:00"), Some(z));
        assert_eq!(format_date(z), "2019-12-18T19:10:08Z");
    }

    #[test]
    fn offsets_are_honoured() {
        let a = parse_date("2019-12-18T20:10:08+01:00").unwrap();
        assert_eq!(format_date(a), "2019-12-18T19:10:08Z");
    }

    #[test]
    fn a_bare_day_is_midnight_utc_and_garbage_is_refused() {
        assert_eq!(format_date(parse_date("2024-02-29").unwrap()), "2024-02-29T00:00:00Z");
        assert_eq!(parse_date("no_information"), None);
        assert_eq!(parse_date("N/A"), None);
    }

    #[test]
    fn a_bad_date_in_json_names_the_accepted_forms() {
        let err = serde_json::from_str::<AwsDate>("\"yesterday\"").unwrap_err();
        assert!(err.to_string().contains("2019-12-18 19:10:08+00:00"), "{err}");
    }
}
