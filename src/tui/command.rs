//! The `:` command line's commands, in one table: each command's name, its
//! aliases, its arguments and a line of help. The table parses a line into
//! an [`Action`], completes what is typed, and lists the commands in help,
//! so the three can never disagree.

use super::action::Action;
use super::sections::Target;
use super::suggest::Field;
use super::theme::ThemeName;
use crate::eval::{ContextSpec, RequestSpec};
use crate::session::ExportKind;

/// What an argument is, for completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    Principal,
    Action,
    Resource,
    Theme,
    Export,
    /// `:lesson`'s word: a lesson id or what to do in the lesson.
    Lesson,
    File,
    Words,
}

pub struct Command {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub args: &'static [Arg],
    /// How the arguments are written, for help and errors.
    pub usage: &'static str,
    pub help: &'static str,
    /// The words after the name, and the rest of the line after the words
    /// the command takes one by one.
    parse: fn(&[&str], &str) -> Result<Action, String>,
}

impl Command {
    /// `:explain PRINCIPAL ACTION …`
    pub fn synopsis(&self) -> String {
        if self.usage.is_empty() {
            format!(":{}", self.name)
        } else {
            format!(":{} {}", self.name, self.usage)
        }
    }
}

macro_rules! simple {
    ($action:expr) => {
        |_, _| Ok($action)
    };
}

const LESSON_WORDS: [&str; 7] = ["quit", "next", "back", "hint", "concept", "text", "reset"];

/// Every command.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "users",
        aliases: &["user", "u"],
        args: &[],
        usage: "",
        help: "the users",
        parse: simple!(Action::Users),
    },
    Command {
        name: "groups",
        aliases: &["group", "g"],
        args: &[],
        usage: "",
        help: "the groups",
        parse: simple!(Action::Groups),
    },
    Command {
        name: "roles",
        aliases: &["role", "r"],
        args: &[],
        usage: "",
        help: "the roles",
        parse: simple!(Action::Roles),
    },
    Command {
        name: "policies",
        aliases: &["policy", "p"],
        args: &[],
        usage: "",
        help: "the managed policies",
        parse: simple!(Action::Policies),
    },
    Command {
        name: "root",
        aliases: &[],
        args: &[],
        usage: "",
        help: "the root user",
        parse: simple!(Action::RootUser),
    },
    Command {
        name: "pools",
        aliases: &["identity-pools"],
        args: &[],
        usage: "",
        help: "the Cognito identity pools",
        parse: simple!(Action::IdentityPools),
    },
    Command {
        name: "userpools",
        aliases: &["user-pools"],
        args: &[],
        usage: "",
        help: "the Cognito user pools",
        parse: simple!(Action::UserPools),
    },
    Command {
        name: "resources",
        aliases: &["resource-policies"],
        args: &[],
        usage: "",
        help: "the resource-based policies",
        parse: simple!(Action::ResourcePolicies),
    },
    Command {
        name: "org",
        aliases: &["scps", "rcps"],
        args: &[],
        usage: "",
        help: "the SCPs and RCPs",
        parse: simple!(Action::OrganizationPolicies),
    },
    Command {
        name: "explain",
        aliases: &[],
        args: &[Arg::Principal, Arg::Action, Arg::Resource],
        usage: "PRINCIPAL ACTION [RESOURCE] [KEY=VALUE, KEY=[A, B]…]",
        help: "ask the inspector",
        parse: explain,
    },
    Command {
        name: "inspector",
        aliases: &["inspect"],
        args: &[],
        usage: "",
        help: "the inspector, on the selected principal",
        parse: simple!(Action::Inspect),
    },
    Command {
        name: "who-can",
        aliases: &[],
        args: &[Arg::Action, Arg::Resource],
        usage: "ACTION RESOURCE",
        help: "every principal that may do ACTION on RESOURCE",
        parse: who_can,
    },
    Command {
        name: "what-can",
        aliases: &["permissions"],
        args: &[Arg::Principal],
        usage: "[PRINCIPAL]",
        help: "what a principal can do, by service and access level; escalation paths",
        parse: what_can,
    },
    Command {
        name: "why",
        aliases: &["denied"],
        args: &[Arg::Words],
        usage: "[MESSAGE]",
        help: "why was it denied? paste an AccessDenied message, a decoded authorization message or a CloudTrail event",
        parse: why,
    },
    Command {
        name: "cloudtrail",
        aliases: &["trail", "ct"],
        args: &[],
        usage: "",
        help: "the CloudTrail events given with --cloudtrail FILE (or pasted into :why), denied ones grouped",
        parse: simple!(Action::CloudTrail),
    },
    Command {
        name: "findings",
        aliases: &["lint"],
        args: &[],
        usage: "",
        help: "what the linter says about every policy",
        parse: simple!(Action::Findings),
    },
    Command {
        name: "summary",
        aliases: &["warnings"],
        args: &[],
        usage: "",
        help: "what the account holds, counted, and what the loader noticed (as `iamscope summary` prints it)",
        parse: simple!(Action::Summary),
    },
    Command {
        name: "edit",
        aliases: &[],
        args: &[],
        usage: "",
        help: "edit the policy under the cursor",
        parse: simple!(Action::Edit),
    },
    Command {
        name: "versions",
        aliases: &[],
        args: &[],
        usage: "",
        help: "the versions of the selected managed policy",
        parse: simple!(Action::Versions),
    },
    Command {
        name: "undo",
        aliases: &[],
        args: &[],
        usage: "",
        help: "undo the last change",
        parse: simple!(Action::Undo),
    },
    Command {
        name: "redo",
        aliases: &[],
        args: &[],
        usage: "",
        help: "redo the change undone last",
        parse: simple!(Action::Redo),
    },
    Command {
        name: "changes",
        aliases: &["log"],
        args: &[],
        usage: "",
        help: "this session's changes, saved or not",
        parse: simple!(Action::Changes),
    },
    Command {
        name: "write",
        aliases: &["w", "save"],
        args: &[],
        usage: "",
        help: "save the account to its file",
        parse: simple!(Action::Save),
    },
    Command {
        name: "saveas",
        aliases: &["save-as"],
        args: &[Arg::File],
        usage: "[FILE]",
        help: "save the account as a workspace file (asks for the name without FILE)",
        parse: save_as,
    },
    Command {
        name: "export",
        aliases: &[],
        args: &[Arg::Export, Arg::File],
        usage: "gaad|workspace|script FILE",
        help: "write the account, or its changes as `aws iam` commands, to FILE",
        parse: export,
    },
    Command {
        name: "open",
        aliases: &[],
        args: &[Arg::File],
        usage: "FILE [FILE…]",
        help: "open another account (asks first when there is unsaved work)",
        parse: open,
    },
    Command {
        name: "recover",
        aliases: &[],
        args: &[],
        usage: "",
        help: "the journals of unsaved work other sessions left for this account",
        parse: simple!(Action::Recovery),
    },
    Command {
        name: "lessons",
        aliases: &[],
        args: &[],
        usage: "",
        help: "the lessons, with your progress",
        parse: simple!(Action::Lessons),
    },
    Command {
        name: "lesson",
        aliases: &[],
        args: &[Arg::Lesson, Arg::Lesson],
        usage: "ID|next|back|hint|concept|text|quit|reset [ID]",
        help: "start a lesson, move in it, or leave it",
        parse: lesson,
    },
    Command {
        name: "glossary",
        aliases: &[],
        args: &[Arg::Words],
        usage: "[TERM]",
        help: "every term the lessons and the inspector use",
        parse: glossary,
    },
    Command {
        name: "theme",
        aliases: &[],
        args: &[Arg::Theme],
        usage: "dark|light|high-contrast|colour-blind",
        help: "change the colours",
        parse: theme,
    },
    Command {
        name: "help",
        aliases: &[],
        args: &[],
        usage: "",
        help: "every key and command",
        parse: simple!(Action::Help),
    },
    Command {
        name: "quit",
        aliases: &["q"],
        args: &[],
        usage: "",
        help: "quit (asks first when there is unsaved work)",
        parse: simple!(Action::Quit),
    },
    Command {
        name: "quit!",
        aliases: &["q!"],
        args: &[],
        usage: "",
        help: "quit and throw away unsaved work",
        parse: simple!(Action::QuitNow { discard: true }),
    },
];

/// The command a name or an alias stands for.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name || c.aliases.contains(&name))
}

/// Split off up to `n` words; the rest of the line, trimmed.
fn words(line: &str, n: usize) -> (Vec<&str>, &str) {
    let mut words = Vec::new();
    let mut rest = line.trim_start();
    while words.len() < n && !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        words.push(&rest[..end]);
        rest = rest[end..].trim_start();
    }
    (words, rest.trim_end())
}

/// A command line as an action; an error says what is wrong and how to write it.
pub fn parse(line: &str) -> Result<Option<Action>, String> {
    let (first, rest) = words(line, 1);
    let Some(name) = first.first() else {
        return Ok(None);
    };
    let Some(command) = find(name) else {
        return Err(format!("unknown command :{name} (Tab completes; :help lists them)"));
    };
    let (args, remainder) = words(rest, command.args.len());
    (command.parse)(&args, remainder).map(Some).map_err(|e| {
        if e.is_empty() {
            format!("usage: {}", command.synopsis())
        } else {
            e
        }
    })
}

fn explain(args: &[&str], rest: &str) -> Result<Action, String> {
    let [principal, action, resource @ ..] = args else {
        return Err(String::new());
    };
    let mut spec = RequestSpec::new(*principal, *action, resource.first().copied().unwrap_or("*"));
    spec.context = ContextSpec::parse_line(rest)?;
    Ok(Action::Explain(spec))
}

fn who_can(args: &[&str], _: &str) -> Result<Action, String> {
    match args {
        [action, resource] => Ok(Action::WhoCanFor {
            action: action.to_string(),
            resource: resource.to_string(),
        }),
        _ => Err(String::new()),
    }
}

fn what_can(args: &[&str], _: &str) -> Result<Action, String> {
    match args.first() {
        None => Ok(Action::WhatCan),
        Some(principal) => {
            crate::eval::PrincipalSpec::parse(principal)?;
            Ok(Action::Show(Target::Permissions(principal.to_string())))
        }
    }
}

fn save_as(args: &[&str], rest: &str) -> Result<Action, String> {
    let path = args.first().map(|first| format!("{first} {rest}").trim().to_owned());
    Ok(Action::SaveAs { path, quit: false })
}

fn export(args: &[&str], rest: &str) -> Result<Action, String> {
    let [kind, path] = args else {
        return Err(String::new());
    };
    let kind = ExportKind::parse(kind).ok_or_else(String::new)?;
    Ok(Action::Export {
        kind,
        path: format!("{path} {rest}").trim().to_owned(),
    })
}

fn open(args: &[&str], rest: &str) -> Result<Action, String> {
    let mut files: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    files.extend(rest.split_whitespace().map(str::to_owned));
    if files.is_empty() {
        return Err(String::new());
    }
    Ok(Action::OpenFiles(files))
}

fn lesson(args: &[&str], _: &str) -> Result<Action, String> {
    Ok(match args {
        [] => Action::Lessons,
        ["quit" | "leave" | "exit"] => Action::LeaveLesson,
        ["next"] => Action::LessonNext,
        ["back"] => Action::LessonBack,
        ["hint"] => Action::LessonHint,
        ["concept"] => Action::LessonConcept,
        ["text"] => Action::LessonText,
        ["reset"] => Action::ResetLesson(None),
        ["reset", id] => Action::ResetLesson(Some(id.to_string())),
        [id] => Action::StartLesson(id.to_string()),
        _ => return Err(String::new()),
    })
}

fn why(args: &[&str], rest: &str) -> Result<Action, String> {
    let text = format!("{} {rest}", args.join(" ")).trim().to_owned();
    Ok(Action::Why((!text.is_empty()).then_some(text)))
}

fn glossary(args: &[&str], rest: &str) -> Result<Action, String> {
    let term = format!("{} {rest}", args.join(" ")).trim().to_owned();
    Ok(Action::Glossary((!term.is_empty()).then_some(term)))
}

fn theme(args: &[&str], _: &str) -> Result<Action, String> {
    args.first()
        .and_then(|n| ThemeName::parse(n))
        .map(Action::Theme)
        .ok_or_else(|| "themes: dark, light, high-contrast, colour-blind".to_owned())
}

/// What completes the word being typed: a command name, or an argument of
/// the kind the command takes there. `field` gives suggestions for request
/// parts; `lessons` the lesson ids.
pub fn complete(line: &str, lessons: &[String], field: &mut dyn FnMut(Field, &str) -> Vec<String>) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let ends_with_space = line.ends_with(' ');
    match (words.as_slice(), ends_with_space) {
        ([], _) => None,
        ([partial], false) => {
            let name = COMMANDS
                .iter()
                .find(|c| c.name.starts_with(partial))
                .map(|c| c.name)
                .or_else(|| {
                    COMMANDS
                        .iter()
                        .find(|c| c.aliases.iter().any(|a| a.starts_with(partial)))
                        .map(|c| c.name)
                })?;
            Some(format!("{name} "))
        }
        ([name, rest @ ..], _) => {
            let command = find(name)?;
            let (done, partial) = if ends_with_space {
                (rest, "")
            } else {
                (&rest[..rest.len() - 1], rest[rest.len() - 1])
            };
            let best = match command.args.get(done.len())? {
                Arg::Principal => field(Field::Principal, partial).into_iter().next(),
                Arg::Action => field(Field::Action, partial).into_iter().next(),
                Arg::Resource => field(Field::Resource, partial).into_iter().next(),
                Arg::Theme => ThemeName::ALL
                    .iter()
                    .map(|t| t.as_str().to_owned())
                    .find(|t| t.starts_with(partial)),
                Arg::Export => ["gaad", "workspace", "script"]
                    .iter()
                    .map(|s| s.to_string())
                    .find(|k| k.starts_with(partial)),
                Arg::Lesson => LESSON_WORDS
                    .iter()
                    .map(|s| s.to_string())
                    .chain(lessons.iter().cloned())
                    .find(|w| w.starts_with(partial)),
                Arg::File | Arg::Words => None,
            }?;
            let mut out = vec![command.name.to_owned()];
            out.extend(done.iter().map(|s| s.to_string()));
            out.push(best);
            Some(format!("{} ", out.join(" ")))
        }
    }
}

/// The commands for the help overlay: synopsis, aliases, what it does.
pub fn help_lines() -> Vec<String> {
    let width = COMMANDS
        .iter()
        .map(|c| c.synopsis().chars().count())
        .max()
        .unwrap_or(20);
    COMMANDS
        .iter()
        .map(|c| {
            let aliases = if c.aliases.is_empty() {
                String::new()
            } else {
                format!(
                    " (also {})",
                    c.aliases.iter().map(|a| format!(":{a}")).collect::<Vec<_>>().join(" ")
                )
            };
            format!("  {:<width$}  {}{aliases}", c.synopsis(), c.help)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_and_alias_is_one_command_and_parses() {
        let mut seen = std::collections::HashSet::new();
        for c in COMMANDS {
            for name in std::iter::once(&c.name).chain(c.aliases) {
                assert!(seen.insert(*name), ":{name} is given twice");
            }
        }
        for line in [
            "summary", "lessons", "glossary", "changes", "saveas", "recover", "lint", "q!",
        ] {
            assert!(parse(line).unwrap().is_some(), ":{line}");
        }
    }

    #[test]
    fn completion_offers_every_command_of_the_table() {
        let mut no_field = |_: Field, _: &str| Vec::new();
        for c in COMMANDS {
            let typed = &c.name[..c.name.len().min(4)];
            let completed = complete(typed, &[], &mut no_field).unwrap();
            assert!(
                COMMANDS
                    .iter()
                    .any(|d| format!("{} ", d.name) == completed && d.name.starts_with(typed)),
                "{typed} → {completed}"
            );
        }
        assert_eq!(complete("summ", &[], &mut no_field).as_deref(), Some("summary "));
        assert_eq!(
            complete("lesson ro", &["root-user".into()], &mut no_field).as_deref(),
            Some("lesson root-user ")
        );
        assert_eq!(
            complete("export sc", &[], &mut no_field).as_deref(),
            Some("export script ")
        );
    }

    #[test]
    fn the_help_lists_every_command() {
        let help = help_lines().join("\n");
        for c in COMMANDS {
            assert!(help.contains(&c.synopsis()), "{}", c.name);
        }
    }

    #[test]
    fn explain_keeps_a_context_with_lists_and_spaces_whole() {
        let Some(Action::Explain(spec)) = parse(
            "explain user/alice s3:GetObject arn:aws:s3:::photos/cat.jpg aws:SourceIp=[10.0.0.1, 10.0.0.2], aws:UserAgent=my agent",
        )
        .unwrap() else {
            panic!("an explain action");
        };
        assert_eq!(spec.context.to_context().get("aws:SourceIp").map(|v| v.len()), Some(2));
        assert_eq!(
            spec.context.to_context().get("aws:UserAgent").map(|v| v.to_vec()),
            Some(vec!["my agent".to_owned()])
        );
        let err = parse("explain user/alice").unwrap_err();
        assert!(err.starts_with("usage: :explain PRINCIPAL ACTION"), "{err}");
        assert!(parse("nonsense").unwrap_err().contains("unknown command :nonsense"));
    }
}
