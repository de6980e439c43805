//! `iamscope report --html` through the real binary: one self-contained
//! page (nothing fetched, no script) with the summary's counts, the lint
//! findings, a graph per escalating principal and the who-can tables, and
//! every text from the account escaped.

use std::path::Path;

use serde_json::{Value, json};

mod cli_support;
use cli_support::{iamscope, ok};

const HOSTILE_USER: &str = "<script>alert(1)</script>";

/// A user whose name, policy name and Sid are markup, that can put a policy
/// on itself (an escalation path) and read S3.
fn write_hostile_account(dir: &Path) -> String {
    let account = json!({
        "UserDetailList": [{
            "UserName": HOSTILE_USER, "UserId": "AIDAHOSTILE", "Path": "/",
            "Arn": format!("arn:aws:iam::111122223333:user/{HOSTILE_USER}"),
            "UserPolicyList": [{
                "PolicyName": "<img src=x onerror=alert(2)>",
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Sid": "\"><script>alert(3)</script>", "Effect": "Allow",
                    "Action": ["iam:PutUserPolicy", "s3:GetObject"], "Resource": "*"
                }]}
            }]
        }],
        "GroupDetailList": [],
        "RoleDetailList": [{
            "RoleName": "ops", "RoleId": "AROAOPS", "Path": "/",
            "Arn": "arn:aws:iam::111122223333:role/ops",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"AWS": format!("arn:aws:iam::111122223333:user/{HOSTILE_USER}")}
            }]},
            "RolePolicyList": [], "AttachedManagedPolicies": [],
        }],
        "Policies": [],
    });
    let path = dir.join("hostile.json");
    std::fs::write(&path, account.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

/// Nothing in the page is fetched or run: every tag is one the report
/// writes (so no script, no external style sheet, font, picture or frame,
/// and no markup from the account), a link only goes to the page itself,
/// and the only url() is the page's own arrow marker.
#[track_caller]
fn self_contained(html: &str) {
    const TAGS: &[&str] = &[
        "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "svg", "defs", "marker", "path", "g", "line",
        "rect", "text", "h1", "h2", "h3", "p", "nav", "a", "table", "tr", "th", "td", "code", "span", "br", "ul", "li",
        "div", "details", "summary", "ol",
    ];
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("a tag is closed") + start;
        let tag = &rest[start + 1..end];
        let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap_or("");
        assert!(TAGS.contains(&name), "a tag the report does not write: <{tag}>");
        // Attributes: name="value" (values escape `"`, so they end at the next one).
        let mut attributes = tag[name.len() + usize::from(tag.starts_with('/'))..].trim();
        while let Some(eq) = attributes.find("=\"") {
            let attribute = attributes[..eq].trim().to_ascii_lowercase();
            let close = attributes[eq + 2..].find('"').expect("a value is closed") + eq + 2;
            let value = &attributes[eq + 2..close];
            assert!(!attribute.starts_with("on") && attribute != "src", "<{tag}>");
            if attribute == "href" {
                assert!(value.starts_with('#'), "<{tag}>");
            }
            if value.contains("url(") {
                assert_eq!(value, "url(#arrow)", "<{tag}>");
            }
            attributes = &attributes[close + 1..];
        }
        rest = &rest[end + 1..];
    }
    assert!(!html.contains("@import") && !html.contains("http://") && !html.contains("https://"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn the_report_escapes_every_text_from_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_hostile_account(dir.path());
    let out = dir.path().join("report.html");
    let said = ok(&iamscope(&[
        "report",
        "--account",
        &account,
        "--html",
        &out.to_string_lossy(),
    ]));
    assert!(said.starts_with("wrote "), "{said}");
    let html = std::fs::read_to_string(&out).unwrap();
    self_contained(&html);
    // The hostile user is in the escalation graph and the who-can table, escaped.
    assert!(
        html.contains("<h3>user/&lt;script&gt;alert(1)&lt;/script&gt;: 1 path</h3>"),
        "{html}"
    );
    assert!(
        html.contains("<td>user/&lt;script&gt;alert(1)&lt;/script&gt;</td>"),
        "{html}"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"), "{html}");
    assert!(
        html.contains("&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"),
        "{html}"
    );
    assert_eq!(
        html.matches("<svg viewBox").count(),
        1,
        "one graph: one escalating principal"
    );
    // The role that trusts the user by name: its trust policy alone allows it.
    let assume = &html[html
        .find("<h3>sts:AssumeRole on each role of the account</h3>")
        .expect("the table")..];
    assert!(
        assume.contains("<tr><td>user/&lt;script&gt;alert(1)&lt;/script&gt;</td><td>role/ops</td><td>statement #1 in trust policy of role ops (line "),
        "{assume}"
    );
}

#[test]
fn the_report_has_the_summary_counts_findings_paths_and_who_can_tables() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo.html");
    let out = out.to_string_lossy().into_owned();
    ok(&iamscope(&["report", "--html", &out]));
    let html = std::fs::read_to_string(&out).unwrap();
    self_contained(&html);
    // The same counts as `iamscope summary`: each of its count lines
    // ("  users              6") is a row of the table.
    let summary = ok(&iamscope(&["summary"]));
    let mut rows = 0;
    for line in summary
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("  - "))
    {
        let (label, value) = line.trim().split_once("  ").expect("a count line");
        let (label, value) = (label.trim(), value.trim());
        assert!(
            html.contains(&format!("<tr><th>{label}</th><td>{value}</td></tr>")),
            "{label} = {value}"
        );
        rows += 1;
    }
    assert_eq!(rows, 13, "{summary}");
    assert_eq!(
        html.matches("<tr><th>").count()
            - html.matches("<tr><th>principal</th>").count()
            - html.matches("<tr><th>severity</th>").count(),
        13
    );
    // The lint finding the text output shows, with its id.
    let lint: Value = serde_json::from_str(&ok(&iamscope(&["lint", "--json"]))).unwrap();
    for finding in lint["findings"].as_array().unwrap() {
        assert!(html.contains(finding["id"].as_str().unwrap()), "{finding}");
    }
    // Who-can tables, with the demo's administrator in the iam:* one.
    for title in [
        "iam:* — any IAM action, on any resource",
        "sts:AssumeRole on each role of the account",
        "iam:PassRole on any role",
        "s3:GetObject on every object (*)",
    ] {
        assert!(html.contains(&format!("<h3>{title}</h3>")), "{title}");
    }
    assert!(html.contains("<td>user/ana</td>"));
    // The demo has no escalation path: its administrator is said, no graph drawn.
    assert!(
        html.contains("0 of 16 principals can become administrators; 1 already is (user/ana)."),
        "{html}"
    );
    assert!(!html.contains("<svg viewBox"));
}

#[test]
fn the_report_replaces_the_file_whole_and_applies_exclusions() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_hostile_account(dir.path());
    let out = dir.path().join("report.html");
    std::fs::write(&out, "old").unwrap();
    let exclusions = dir.path().join("x.toml");
    std::fs::write(
        &exclusions,
        "[[principal]]\nmatch = \"user/<script>*\"\nreason = \"test <b>reason</b>\"\n",
    )
    .unwrap();
    ok(&iamscope(&[
        "report",
        "--account",
        &account,
        "--html",
        &out.to_string_lossy(),
        "--exclusions",
        &exclusions.to_string_lossy(),
    ]));
    let html = std::fs::read_to_string(&out).unwrap();
    self_contained(&html);
    assert!(
        !html.contains("<svg viewBox"),
        "the only escalating principal is excluded"
    );
    assert!(
        html.contains("suppressed: 1 (1 by principal user/&lt;script&gt;* (line 1): test &lt;b&gt;reason&lt;/b&gt;)")
    );
    // Only the report is left in the folder: the temporary file was renamed.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["hostile.json", "report.html", "x.toml"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }
    // A folder that does not exist: a clear error, status 2.
    let missing = dir.path().join("no/such/dir/r.html");
    let failed = iamscope(&["report", "--html", &missing.to_string_lossy()]);
    assert_eq!(failed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("cannot write"));
}
