//! `escalation --dot`: the paths as a Graphviz DOT digraph. Principals that
//! have a path are boxes, the roles a path runs through are ellipses, and
//! every path ends at one "administrator" node, its edge labelled with the
//! pattern and the target. Every ID is a quoted string, escaped.

use std::collections::BTreeSet;

use crate::analysis::escalation::PrincipalEscalation;
use crate::analysis::reach::HopKind;

/// A DOT quoted string: `"` and `\` escaped, line breaks as `\n` (so one
/// statement stays on one line).
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const ADMIN: &str = "administrator";

/// The digraph of the principals' paths (administrators already are left
/// out: they have nothing to gain).
pub fn escalation_dot(reports: &[PrincipalEscalation]) -> String {
    let mut principals = BTreeSet::new();
    let mut roles = BTreeSet::new();
    // (from, to, label), each once, in a stable order.
    let mut edges: BTreeSet<(String, String, String)> = BTreeSet::new();
    for report in reports.iter().filter(|r| !r.admin) {
        if report.findings.is_empty() {
            continue;
        }
        principals.insert(report.principal.clone());
        for finding in &report.findings {
            let mut actor = report.principal.clone();
            for hop in &finding.via {
                let how = match &hop.how {
                    HopKind::AssumeRole => "assumes".to_owned(),
                    HopKind::AssumeRoleWithWebIdentity => "identity pool".to_owned(),
                    HopKind::ViaService { service, .. } => format!("via {service}"),
                };
                roles.insert(hop.role.clone());
                edges.insert((actor.clone(), hop.role.clone(), how));
                actor = hop.role.clone();
            }
            edges.insert((
                actor,
                ADMIN.to_owned(),
                format!("{}\non {}", finding.pattern, finding.target),
            ));
        }
    }
    let mut out = String::from("digraph escalation {\n");
    out.push_str("  rankdir=LR;\n");
    out.push_str("  node [fontname=\"Helvetica\"];\n");
    out.push_str(&format!(
        "  {} [shape=doubleoctagon, style=filled, fillcolor=\"#f4cccc\"];\n",
        quote(ADMIN)
    ));
    for p in &principals {
        out.push_str(&format!("  {} [shape=box];\n", quote(p)));
    }
    for r in roles.difference(&principals) {
        out.push_str(&format!("  {} [shape=ellipse];\n", quote(r)));
    }
    for (from, to, label) in &edges {
        out.push_str(&format!(
            "  {} -> {} [label={}];\n",
            quote(from),
            quote(to),
            quote(label)
        ));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_are_escaped_and_lines_joined() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("x\ny\r"), r#""x\ny""#);
        assert_eq!(quote("bell\u{7}"), "\"bell \"");
    }
}
