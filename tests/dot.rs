//! `escalation --dot` through the real binary: a well-formed Graphviz
//! digraph (balanced braces, closed and escaped quoted strings, one
//! statement a line) with an edge for each hop and each path.

use serde_json::{Value, json};

mod cli_support;
use cli_support::{iamscope, ok as stdout};

/// Checks the DOT grammar's shape as far as these graphs use it: comments,
/// `digraph ID {`, statements ending in `;`, `}`; quoted strings closed on
/// their line, with only `\"`, `\\` and `\n` escapes; braces balanced
/// outside strings. Returns the edges as (from, to, label).
#[track_caller]
fn well_formed(dot: &str) -> Vec<(String, String, String)> {
    let mut depth = 0i32;
    let mut graphs = 0;
    let mut edges = Vec::new();
    for line in dot.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        // Split the line into quoted strings and the rest.
        let mut strings = Vec::new();
        let mut outside = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c != '"' {
                outside.push(c);
                continue;
            }
            let mut s = String::new();
            loop {
                match chars.next() {
                    None => panic!("a quoted string is not closed: {line}"),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(e @ ('"' | '\\')) => s.push(e),
                        Some('n') => s.push('\n'),
                        other => panic!("unexpected escape \\{other:?} in {line}"),
                    },
                    Some(c) => s.push(c),
                }
            }
            outside.push('@');
            strings.push(s);
        }
        depth += outside.matches('{').count() as i32 - outside.matches('}').count() as i32;
        assert!(depth >= 0, "a brace closes nothing: {line}");
        if outside.starts_with("digraph") {
            assert!(outside.ends_with('{'), "{line}");
            graphs += 1;
        } else if outside != "}" {
            assert!(outside.ends_with(';'), "a statement without `;`: {line}");
        }
        if outside.starts_with("@ -> @ [label=@]") {
            edges.push((strings[0].clone(), strings[1].clone(), strings[2].clone()));
        }
    }
    assert_eq!(depth, 0, "unbalanced braces:\n{dot}");
    assert_eq!(graphs, 1, "{dot}");
    edges
}

fn write_account(dir: &std::path::Path) -> String {
    let arn = |kind: &str, name: &str| format!("arn:aws:iam::111122223333:{kind}/{name}");
    let doc = |statements: Value| json!({"Version": "2012-10-17", "Statement": statements});
    let account = json!({
        "UserDetailList": [
            {"UserName": "mallory", "UserId": "AIDAMALLORY", "Path": "/", "Arn": arn("user", "mallory"),
             "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": arn("user", "mallory")}]))}]},
            {"UserName": "dave", "UserId": "AIDADAVE", "Path": "/", "Arn": arn("user", "dave"),
             "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn("role", "ops")}]))}]},
        ],
        "GroupDetailList": [],
        "RoleDetailList": [{
            "RoleName": "ops", "RoleId": "AROAOPS", "Path": "/", "Arn": arn("role", "ops"),
            "AssumeRolePolicyDocument": doc(json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}])),
            "RolePolicyList": [{"PolicyName": "self", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": arn("role", "ops")}]))}],
            "AttachedManagedPolicies": [],
        }],
        "Policies": [],
    });
    let path = dir.join("account.json");
    std::fs::write(&path, account.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn escalation_dot_draws_each_hop_and_each_path() {
    let dir = tempfile::tempdir().unwrap();
    let account = write_account(dir.path());
    let dot = stdout(&iamscope(&["escalation", "--account", &account, "--dot"]));
    let edges = well_formed(&dot);
    let edge = |from: &str, to: &str, label: &str| (from.to_owned(), to.to_owned(), label.to_owned());
    for expected in [
        edge("user/mallory", "administrator", "put-user-policy\non user/mallory"),
        edge("user/dave", "role/ops", "assumes"),
        edge("role/ops", "administrator", "put-role-policy\non role/ops"),
    ] {
        assert!(edges.contains(&expected), "{expected:?} missing from\n{dot}");
    }
    assert!(dot.contains("\"user/dave\" [shape=box];"), "{dot}");
    assert!(dot.starts_with("// suppressed: 0\n"), "{dot}");
    // The same paths as the JSON output: one edge into the administrator
    // node per (last actor, pattern, target).
    let json: Value =
        serde_json::from_str(&stdout(&iamscope(&["escalation", "--account", &account, "--json"]))).unwrap();
    let paths = json["principals"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["findings"].as_array().unwrap())
        .count();
    assert!(paths >= 3, "{json}");
    assert!(edges.iter().filter(|e| e.1 == "administrator").count() <= paths);
}

#[test]
fn escalation_dot_of_the_demo_account_is_a_valid_graph() {
    let dot = stdout(&iamscope(&["escalation", "--dot"]));
    let edges = well_formed(&dot);
    // The demo's only escalation-relevant principal is an administrator already.
    assert!(edges.is_empty(), "{dot}");
    assert!(dot.contains("\"administrator\" [shape=doubleoctagon"), "{dot}");
    assert_eq!(iamscope(&["escalation", "--dot", "--json"]).status.code(), Some(2));
}

#[test]
fn the_checker_refuses_broken_graphs() {
    for broken in [
        "digraph g {\n  \"a\" -> \"b\";\n",
        "digraph g {\n  \"a -> \"b\";\n}\n",
        "digraph g {\n  \"a\" -> \"b\"\n}\n",
        "digraph g {\n  \"a\\q\" -> \"b\";\n}\n",
    ] {
        assert!(std::panic::catch_unwind(|| well_formed(broken)).is_err(), "{broken}");
    }
    assert_eq!(
        well_formed("// c\ndigraph g {\n  \"a\\\"x\" -> \"b{\" [label=\"l\\nm\"];\n}\n"),
        [("a\"x".to_owned(), "b{".to_owned(), "l\nm".to_owned())]
    );
}
