//! SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format) for `lint
//! --sarif` and `escalation --sarif`, so that code review tools show the
//! findings beside the lines they concern. Only the properties these two
//! commands fill are modelled; names are the standard's.

use serde::Serialize;

use crate::analysis::escalation::PrincipalEscalation;
use crate::analysis::lint::Check;
use crate::analysis::patterns::Pattern;
use crate::policy::Severity;

pub const VERSION: &str = "2.1.0";
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Debug, Serialize)]
pub struct Log {
    pub version: &'static str,
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    /// iamscope counts columns in characters, not UTF-16 code units.
    pub column_kind: &'static str,
    pub invocations: Vec<Invocation>,
    pub results: Vec<SarifResult>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: &'static str,
    pub version: &'static str,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: &'static str,
    pub short_description: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_description: Option<Message>,
    pub default_configuration: Configuration,
}

#[derive(Debug, Serialize)]
pub struct Configuration {
    pub level: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Message {
    pub text: String,
}

impl Message {
    fn new(text: impl Into<String>) -> Message {
        Message { text: text.into() }
    }
}

/// Whether the run finished, and what the loader or the reader noticed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    pub execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
}

#[derive(Debug, Serialize)]
pub struct Notification {
    pub level: &'static str,
    pub message: Message,
}

impl Invocation {
    /// `warnings` (the loader's) as warnings, `errors` (unreadable input) as
    /// errors; the run succeeded when there is no error.
    pub fn new(warnings: &[String], errors: &[String]) -> Invocation {
        let notes = |level: &'static str, texts: &[String]| {
            texts
                .iter()
                .map(move |t| Notification {
                    level,
                    message: Message::new(t.clone()),
                })
                .collect::<Vec<_>>()
        };
        let mut tool_execution_notifications = notes("error", errors);
        tool_execution_notifications.extend(notes("warning", warnings));
        Invocation {
            execution_successful: errors.is_empty(),
            tool_execution_notifications,
        }
    }

    /// Add a note (`suppressed: N (…)`, so that what the exclusions left out
    /// is said in the log too).
    pub fn with_note(mut self, text: String) -> Invocation {
        self.tool_execution_notifications.push(Notification {
            level: "note",
            message: Message::new(text),
        });
        self
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: &'static str,
    pub rule_index: usize,
    pub level: &'static str,
    pub message: Message,
    pub locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<Location>,
    /// The finding's stable id (what an exclusions file's [[finding]]
    /// names), so that review tools follow a result from run to run.
    pub partial_fingerprints: Fingerprints,
    /// SARIF's property bag: for an escalation path, whether it is certain
    /// or rests on what the export cannot show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<ResultProperties>,
}

#[derive(Debug, Serialize)]
pub struct ResultProperties {
    pub certain: bool,
    /// For a change that makes others administrators: the change
    /// (`attach-role-policy`) and who would then be administrators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub administrators: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Fingerprints {
    #[serde(rename = "iamscope/v1")]
    pub id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

#[derive(Debug, Serialize)]
pub struct ArtifactLocation {
    pub uri: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogicalLocation {
    pub fully_qualified_name: String,
    pub kind: &'static str,
}

/// SARIF's level for a finding's severity (`note` is its informational level).
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file path as a URI reference: forward slashes, and the characters a
/// URI reserves (and white space, and anything not ASCII) percent-encoded.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn log(rules: Vec<Rule>, invocation: Invocation, results: Vec<SarifResult>) -> Log {
    Log {
        version: VERSION,
        schema: SCHEMA,
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "iamscope",
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            invocations: vec![invocation],
            results,
        }],
    }
}

/// Where a lint finding is: a policy file at line:column, or a policy of an
/// account (whose lines are those of the policy as iamscope shows it, not
/// of the export, so only the file and the policy's place are given).
pub enum LintPlace<'a> {
    File { file: &'a str },
    AccountPolicy { file: &'a str, locator: &'a str },
}

/// One lint finding with its place.
pub struct LintFinding<'a> {
    pub place: LintPlace<'a>,
    pub finding: &'a crate::analysis::lint::Finding,
    /// Its stable id.
    pub id: String,
}

/// The lint run as SARIF: every check a rule, every finding a result.
pub fn lint_log<'a>(checks: &[Check], findings: impl Iterator<Item = LintFinding<'a>>, invocation: Invocation) -> Log {
    let rules = checks
        .iter()
        .map(|c| Rule {
            id: c.code,
            short_description: Message::new(c.summary),
            full_description: None,
            default_configuration: Configuration {
                level: level(c.severity),
            },
        })
        .collect();
    let results = findings
        .map(|LintFinding { place, finding: f, id }| {
            let rule_index = checks.iter().position(|c| c.code == f.code).unwrap_or(0);
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            let (physical, logical) = match place {
                LintPlace::File { file } => (
                    PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: uri(file) },
                        region: Some(Region {
                            start_line: f.line,
                            start_column: f.column,
                        }),
                    },
                    (!f.path.is_empty()).then(|| f.path.clone()),
                ),
                LintPlace::AccountPolicy { file, locator } => {
                    text.push_str(&format!(
                        "\n(at line {}, column {} of {locator} as iamscope shows it)",
                        f.line, f.column
                    ));
                    (
                        PhysicalLocation {
                            artifact_location: ArtifactLocation { uri: uri(file) },
                            region: None,
                        },
                        Some(if f.path.is_empty() {
                            locator.to_owned()
                        } else {
                            format!("{locator}/{}", f.path)
                        }),
                    )
                }
            };
            SarifResult {
                rule_id: f.code,
                rule_index,
                level: level(f.severity),
                message: Message::new(text),
                locations: vec![Location {
                    physical_location: Some(physical),
                    logical_locations: logical
                        .map(|name| LogicalLocation {
                            fully_qualified_name: name,
                            kind: "property",
                        })
                        .into_iter()
                        .collect(),
                    message: None,
                }],
                related_locations: Vec::new(),
                partial_fingerprints: Fingerprints { id },
                properties: None,
            }
        })
        .collect();
    log(rules, invocation, results)
}

/// The rule of the changes by which a principal could make others
/// administrators (its own: the changes share ids with the patterns, as
/// `attach-role-policy` is both).
pub const MAKES_OTHERS_ADMINS: &str = "makes-others-admins";

/// Escalation paths as SARIF: every pattern a rule, every path found a
/// result at the principal that has it, with the statements that allow
/// its steps as related locations; and every change by which a principal
/// could make others administrators a result of [`MAKES_OTHERS_ADMINS`],
/// with the statement that allows the change.
pub fn escalation_log(
    patterns: &[Pattern],
    reports: &[PrincipalEscalation],
    file: &str,
    invocation: Invocation,
) -> Log {
    let mut rules: Vec<Rule> = patterns
        .iter()
        .map(|p| Rule {
            id: p.id,
            short_description: Message::new(p.name),
            full_description: Some(Message::new(format!("{} ({}): {}", p.name, p.known_as, p.gain))),
            default_configuration: Configuration { level: "error" },
        })
        .collect();
    let makes_admins_index = rules.len();
    rules.push(Rule {
        id: MAKES_OTHERS_ADMINS,
        short_description: Message::new("Can make other principals administrators"),
        full_description: Some(Message::new(
            "The principal may attach or write an administrator policy on another user, group or role, or \
             write a new version of a policy others have, making them administrators, whether or not it \
             can use them itself.",
        )),
        default_configuration: Configuration { level: "error" },
    });
    let artifact = || ArtifactLocation { uri: uri(file) };
    let at_principal = |principal: &str| Location {
        physical_location: Some(PhysicalLocation {
            artifact_location: artifact(),
            region: None,
        }),
        logical_locations: vec![LogicalLocation {
            fully_qualified_name: principal.to_owned(),
            kind: "object",
        }],
        message: None,
    };
    // The statements that allow the steps; a simulated step's statement is
    // in the changed copy of the account, not in the file.
    let statements = |steps: &[crate::analysis::probe::Step]| -> Vec<Location> {
        steps
            .iter()
            .filter(|s| !s.is_simulated())
            .filter_map(|s| s.statement.as_ref())
            .map(|s| Location {
                physical_location: Some(PhysicalLocation {
                    artifact_location: artifact(),
                    region: None,
                }),
                logical_locations: vec![LogicalLocation {
                    fully_qualified_name: format!("{}/{}", s.policy, s.statement),
                    kind: "member",
                }],
                message: Some(Message::new(format!(
                    "statement {} (line {}) in {}",
                    s.statement, s.line, s.policy
                ))),
            })
            .collect()
    };
    let mut results = Vec::new();
    for report in reports {
        for finding in &report.findings {
            let rule_index = patterns.iter().position(|p| p.id == finding.pattern).unwrap_or(0);
            let mut text = format!(
                "{} can become an administrator: {} (target {}). Gain: {}",
                report.principal, finding.name, finding.target, finding.gain
            );
            for (i, step) in finding.steps.iter().enumerate() {
                text.push_str(&format!("\n{}. {}: {}", i + 1, step.by, step.describe()));
            }
            for a in &finding.assumptions {
                text.push_str(&format!("\nassumes: {a}"));
            }
            results.push(SarifResult {
                rule_id: finding.pattern,
                rule_index,
                // A path that rests on an assumption is a warning: review
                // tools show it, but it is not yet a certain finding.
                level: if finding.certain { "error" } else { "warning" },
                message: Message::new(text),
                locations: vec![at_principal(&report.principal)],
                related_locations: statements(&finding.steps),
                partial_fingerprints: Fingerprints {
                    id: crate::analysis::exclusions::escalation_id(&report.principal, finding),
                },
                properties: Some(ResultProperties {
                    certain: finding.certain,
                    change: None,
                    administrators: Vec::new(),
                }),
            });
        }
        for change in &report.makes_others_admins {
            let mut text = format!(
                "{} can make others administrators: {} (target {}). Then administrators: {}",
                report.principal,
                change.name,
                change.target,
                change.administrators.join(", ")
            );
            for (i, step) in change.steps.iter().enumerate() {
                text.push_str(&format!("\n{}. {}: {}", i + 1, step.by, step.describe()));
            }
            for n in &change.needs {
                text.push_str(&format!("\nneeds: {n}"));
            }
            for a in &change.assumptions {
                text.push_str(&format!("\nassumes: {a}"));
            }
            let certain = change.assumptions.is_empty();
            results.push(SarifResult {
                rule_id: MAKES_OTHERS_ADMINS,
                rule_index: makes_admins_index,
                level: if certain { "error" } else { "warning" },
                message: Message::new(text),
                locations: vec![at_principal(&report.principal)],
                related_locations: statements(&change.steps),
                partial_fingerprints: Fingerprints {
                    id: crate::analysis::exclusions::makes_admin_id(&report.principal, change),
                },
                properties: Some(ResultProperties {
                    certain,
                    change: Some(change.grant),
                    administrators: change.administrators.clone(),
                }),
            });
        }
    }
    log(rules, invocation, results)
}
