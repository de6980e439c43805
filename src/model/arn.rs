//! Typed Amazon Resource Names: `arn:partition:service:region:account:resource`.
//!
//! The text is kept whole (display and hashing are the text itself) and the
//! five colon positions that split it are remembered, so taking a part is a
//! slice, never a copy.

use std::fmt;
use std::str::FromStr;

/// A parsed ARN. Wildcards (`*`, `?`) are allowed in any part, because policies
/// name resources with them; whether a part must be concrete is the caller's rule.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    text: String,
    /// Byte offsets of the five separating colons.
    colons: [u32; 5],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an ARN: {reason} (expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)")]
pub struct ArnError {
    pub input: String,
    pub reason: &'static str,
}

impl Arn {
    pub fn parse(text: &str) -> Result<Arn, ArnError> {
        let error = |reason| ArnError {
            input: text.to_owned(),
            reason,
        };
        if !text.starts_with("arn:") {
            return Err(error("it does not start with `arn:`"));
        }
        if text.len() > u32::MAX as usize {
            return Err(error("it is too long"));
        }
        let mut colons = [0u32; 5];
        let mut found = 0;
        for (i, b) in text.bytes().enumerate() {
            if b == b':' {
                colons[found] = i as u32;
                found += 1;
                if found == 5 {
                    break;
                }
            }
        }
        if found < 5 {
            return Err(error("it has fewer than six colon-separated parts"));
        }
        let arn = Arn {
            text: text.to_owned(),
            colons,
        };
        if arn.partition().is_empty() {
            return Err(error("the partition is empty"));
        }
        if arn.service().is_empty() {
            return Err(error("the service is empty"));
        }
        Ok(arn)
    }

    /// The ARN of an IAM entity: `arn:aws:iam::ACCOUNT:KIND/PATH/NAME`.
    pub fn iam(partition: &str, account: &str, kind: &str, path: &str, name: &str) -> Arn {
        let path = normalise_path(path);
        let text = format!("arn:{partition}:iam::{account}:{kind}{path}{name}");
        Arn::parse(&text).expect("an IAM ARN built from parts always has six parts")
    }

    fn part(&self, index: usize) -> &str {
        let start = self.colons[index] as usize + 1;
        let end = if index + 1 < 5 {
            self.colons[index + 1] as usize
        } else {
            self.text.len()
        };
        &self.text[start..end]
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
    pub fn partition(&self) -> &str {
        self.part(0)
    }
    pub fn service(&self) -> &str {
        self.part(1)
    }
    pub fn region(&self) -> &str {
        self.part(2)
    }
    pub fn account(&self) -> &str {
        self.part(3)
    }
    pub fn resource(&self) -> &str {
        self.part(4)
    }

    /// The resource's type where the ARN names one: `user` in `user/dev/alice`,
    /// `table` in `table/Orders`, `function` in `function:f`. Empty when the
    /// resource part is a bare name (S3 buckets, SQS queues).
    pub fn resource_type(&self) -> &str {
        let resource = self.resource();
        match resource.find(['/', ':']) {
            Some(i) => &resource[..i],
            None => "",
        }
    }

    /// The last path element of the resource: the entity name for IAM ARNs
    /// (`alice` in `user/dev/alice`).
    pub fn resource_name(&self) -> &str {
        let resource = self.resource();
        match resource.rfind(['/', ':']) {
            Some(i) => &resource[i + 1..],
            None => resource,
        }
    }

    /// The IAM path of an IAM entity ARN: `/dev/` in `user/dev/alice`, `/` for `user/alice`.
    pub fn iam_path(&self) -> &str {
        let resource = self.resource();
        let Some(first) = resource.find('/') else {
            return "/";
        };
        let last = resource.rfind('/').unwrap_or(first);
        &resource[first..=last]
    }

    pub fn into_string(self) -> String {
        self.text
    }
}

/// IAM paths always begin and end with `/`; exports sometimes omit the path.
pub fn normalise_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 2);
    if !path.starts_with('/') {
        out.push('/');
    }
    out.push_str(path);
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

impl FromStr for Arn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Arn, ArnError> {
        Arn::parse(s)
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Arn({})", self.text)
    }
}

impl AsRef<str> for Arn {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_an_iam_user_arn() {
        let arn = Arn::parse("arn:aws:iam::111122223333:user/division/alice").unwrap();
        assert_eq!(arn.partition(), "aws");
        assert_eq!(arn.service(), "iam");
        assert_eq!(arn.region(), "");
        assert_eq!(arn.account(), "111122223333");
        assert_eq!(arn.resource(), "user/division/alice");
        assert_eq!(arn.resource_type(), "user");
        assert_eq!(arn.resource_name(), "alice");
        assert_eq!(arn.iam_path(), "/division/");
        assert_eq!(arn.to_string(), "arn:aws:iam::111122223333:user/division/alice");
    }

    #[test]
    fn resource_part_keeps_its_own_colons() {
        let arn = Arn::parse("arn:aws:lambda:eu-west-1:111122223333:function:orders:prod").unwrap();
        assert_eq!(arn.resource(), "function:orders:prod");
        assert_eq!(arn.resource_type(), "function");
        assert_eq!(arn.resource_name(), "prod");
    }

    #[test]
    fn s3_arns_have_no_region_or_account() {
        let arn = Arn::parse("arn:aws:s3:::photos/cat.jpg").unwrap();
        assert_eq!(arn.service(), "s3");
        assert_eq!(arn.account(), "");
        assert_eq!(arn.resource(), "photos/cat.jpg");
        assert_eq!(arn.resource_type(), "photos");
    }

    #[test]
    fn malformed_arns_say_why() {
        let err = Arn::parse("arn:aws:s3").unwrap_err();
        assert!(err.to_string().contains("fewer than six"), "{err}");
        let err = Arn::parse("user/alice").unwrap_err();
        assert!(err.to_string().contains("does not start with `arn:`"), "{err}");
        assert!(Arn::parse("arn::s3:::b").is_err());
    }

    #[test]
    fn building_iam_arns_normalises_the_path() {
        assert_eq!(
            Arn::iam("aws", "111122223333", "role", "service-role", "x").as_str(),
            "arn:aws:iam::111122223333:role/service-role/x"
        );
        assert_eq!(
            Arn::iam("aws", "111122223333", "user", "/", "bob").as_str(),
            "arn:aws:iam::111122223333:user/bob"
        );
    }
}
