//! Actions: the one vocabulary of the explorer. A key becomes an action by
//! the key map of the mode it is pressed in; a paste is one action; the
//! parts of the explorer tell each other what to do with actions too
//! (explain a request, show an entity, propose a change), never with
//! command strings. The unit variants are what `config.toml` binds.

use serde::{Deserialize, Serialize};

use super::ask::{Ask, Pick, PickValue};
use super::sections::Target;
use super::theme::ThemeName;
use crate::eval::RequestSpec;
use crate::model::change::Change;
use crate::session::{EditTarget, ExportKind};

/// Which key map a key is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Browsing: lists, pages, the inspector.
    Normal,
    /// A box on top that is answered with a key: a confirmation, the
    /// impact preview, a text to read.
    Popup,
    /// Typing a line: a filter, a command, a field, a prompt, a picker's filter.
    Input,
    /// The policy editor.
    Editor,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Normal, Mode::Popup, Mode::Input, Mode::Editor];

    /// The table of `config.toml` that binds this mode's keys.
    pub fn table(self) -> &'static str {
        match self {
            Mode::Normal => "keys",
            Mode::Popup => "keys.popup",
            Mode::Input => "keys.input",
            Mode::Editor => "keys.editor",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Mode::Normal => "Browsing",
            Mode::Popup => "In a box (confirmations, the impact preview, texts)",
            Mode::Input => "Typing a line (filter, command, field, prompt, picker)",
            Mode::Editor => "In the policy editor",
        }
    }

    /// Whether characters typed are text (an unbound character is inserted).
    pub fn takes_text(self) -> bool {
        matches!(self, Mode::Input | Mode::Editor)
    }
}

/// Everything a key, a mouse click, a paste, a command line or a part of
/// the explorer can ask for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    // ---- moving (every mode with a cursor)
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Left,
    Right,
    Home,
    End,
    WordLeft,
    WordRight,

    // ---- browsing
    Quit,
    Help,
    NextPane,
    PreviousPane,
    /// Drill down: open the selection or follow the link under the cursor.
    Open,
    /// Go back one step.
    Back,
    Filter,
    Command,
    RawJson,
    CopyArn,
    /// Ask the inspector about the selected principal.
    Inspect,
    /// Who can do the inspector's action on its resource?
    WhoCan,
    /// From a statement in an explanation, open its policy at its line.
    JumpToStatement,
    /// The inspector: take the context as written (no key filled in, as
    /// AWS's policy simulator does), or fill in what AWS always sends.
    ToggleAssume,
    Users,
    Groups,
    Roles,
    Policies,
    RootUser,
    IdentityPools,
    UserPools,
    ResourcePolicies,
    OrganizationPolicies,
    /// Edit the policy under the cursor (or selected).
    Edit,
    /// Create a user, group, role or policy (by the list shown).
    New,
    Delete,
    Rename,
    CloneUser,
    Attach,
    Detach,
    /// Add the selected user to groups, or remove it.
    Membership,
    Boundary,
    AccessKeys,
    Undo,
    Redo,
    Save,
    /// The versions of a customer managed policy.
    Versions,
    /// The linter's findings over the account.
    Findings,
    LessonNext,
    LessonBack,
    LessonHint,
    /// What the selected principal can do (and its escalation paths).
    WhatCan,
    /// The CloudTrail view of the events given with `--cloudtrail`.
    #[serde(rename = "cloudtrail")]
    CloudTrail,
    /// In the CloudTrail view: list the events AWS allowed too, or not.
    AllEvents,

    // ---- in a box
    Accept,
    Cancel,
    Yes,
    No,
    /// In the impact preview: keep the change and inspect the request.
    InspectFlip,
    /// In a version: make it the default.
    MakeDefault,

    // ---- typing
    /// A character typed.
    Insert(char),
    /// Text pasted: one action, for the text input that has the focus.
    Paste(String),
    DeleteBack,
    DeleteForward,
    DeleteWord,
    DeleteToEnd,
    ClearLine,
    Submit,
    Complete,
    Newline,
    Format,
    Snippet,
    NextProblem,

    // ---- messages between the parts of the explorer
    /// Ask the inspector a written request.
    Explain(RequestSpec),
    /// Show a page: an entity of the account or a view of one.
    Show(Target),
    /// Open the policy page at a line of its document.
    ShowAt {
        target: Target,
        line: usize,
    },
    /// who-can for an action on a resource.
    WhoCanFor {
        action: String,
        resource: String,
    },
    /// Work out what a change would do, and show it before it is kept.
    Propose {
        change: Change,
        from_editor: bool,
    },
    /// Keep a change (it can still be undone).
    Keep {
        change: Change,
        from_editor: bool,
    },
    /// A prompt's answer, and the prompt's question (asked again when the
    /// answer is refused).
    Answer {
        ask: Ask,
        text: String,
        question: String,
    },
    /// A picker's choice.
    Picked {
        pick: Pick,
        value: PickValue,
    },
    /// Open the editor on a policy (at a line of it, 1-based).
    OpenEditor {
        target: EditTarget,
        text: String,
        line: Option<usize>,
    },
    /// Close the editor without keeping its text.
    CloseEditor,
    /// A line for the status bar.
    Status(String),
    /// Ask yes or no; yes does `yes`.
    Confirm {
        message: String,
        yes: Box<Action>,
    },
    /// Quit without asking, discarding unsaved work when `discard`.
    QuitNow {
        discard: bool,
    },
    /// Save, then quit when the save succeeds.
    SaveThenQuit,
    /// `:saveas`: a file name, or a prompt for one.
    SaveAs {
        path: Option<String>,
        quit: bool,
    },
    Export {
        kind: ExportKind,
        path: String,
    },
    /// `:open`: asks first when there is unsaved work.
    OpenFiles(Vec<String>),
    /// `:open` after the question: the unsaved work is left behind.
    OpenFilesNow(Vec<String>),
    Theme(ThemeName),
    /// The loader's warnings.
    Summary,
    /// The session's changes.
    Changes,
    Lessons,
    StartLesson(String),
    /// Start a lesson after the question: what the open one did not keep is lost.
    StartLessonNow(String),
    LeaveLesson,
    /// Leave the lesson after the question: what was not kept is lost.
    LeaveLessonNow,
    ResetLesson(Option<String>),
    LessonConcept,
    LessonText,
    Glossary(Option<String>),
    /// The journals of unsaved work other sessions left.
    Recovery,
    /// Recover the journal at this path; forget it when not `recover`.
    Recover {
        journal: std::path::PathBuf,
        recover: bool,
    },
    /// `:why`: the box to paste what AWS said in, with this text (read at once).
    Why(Option<String>),
    /// Events pasted into `:why`: the CloudTrail view of them.
    #[serde(rename = "cloudtrail-text")]
    CloudTrailText(String),
    /// Explain one event of the CloudTrail view (the first of a group).
    ExplainEvent {
        number: usize,
        group: usize,
    },
    /// Show one version of a managed policy beside the default.
    ShowVersion {
        arn: String,
        version: String,
    },
}

impl Action {
    /// The name `config.toml` uses (unit actions only).
    pub fn name(&self) -> Option<String> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(name)) => Some(name),
            _ => None,
        }
    }

    /// What a bindable action does, in a mode, for the help overlay.
    pub fn describe(&self, mode: Mode) -> &'static str {
        use Action::*;
        match (mode, self) {
            (Mode::Editor, Up) => "cursor up",
            (Mode::Editor, Down) => "cursor down",
            (Mode::Popup, Up) | (Mode::Input, Up) => "choose the one above",
            (Mode::Popup, Down) | (Mode::Input, Down) => "choose the one below",
            (_, Up) => "move up",
            (_, Down) => "move down",
            (_, PageUp) => "page up",
            (_, PageDown) => "page down",
            (_, Top) => "go to the top",
            (_, Bottom) => "go to the bottom",
            (_, Left) => "cursor left",
            (_, Right) => "cursor right",
            (_, Home) => "to the start of the line",
            (_, End) => "to the end of the line",
            (_, WordLeft) => "a word left",
            (_, WordRight) => "a word right",
            (Mode::Popup, Quit) => "quit (asks first when there is unsaved work; in the quit question, quit)",
            (_, Quit) => "quit (asks first when there is unsaved work)",
            (Mode::Popup, Help) => "close this help",
            (_, Help) => "show or hide this help",
            (_, NextPane) => "next pane",
            (_, PreviousPane) => "previous pane",
            (_, Open) => "open the selection / follow the link / expand",
            (_, Back) => "go back",
            (_, Filter) => "filter the list (fuzzy; start with ! to invert)",
            (_, Command) => "command line (:users, :explain …, :who-can …, :open FILE; :help lists them)",
            (_, RawJson) => "raw JSON of the selection",
            (_, CopyArn) => "copy the selection's ARN to the clipboard",
            (_, Inspect) => "inspector: may the selected principal do an action?",
            (_, WhoCan) => "who can do the inspector's action on its resource",
            (_, JumpToStatement) => "open the policy at the statement under the cursor",
            (_, ToggleAssume) => "inspector: the context as written, or filled in as AWS sends it",
            (_, Users) => "users",
            (_, Groups) => "groups",
            (_, Roles) => "roles",
            (_, Policies) => "managed policies",
            (_, RootUser) => "the root user",
            (_, IdentityPools) => "Cognito identity pools",
            (_, UserPools) => "Cognito user pools",
            (_, ResourcePolicies) => "resource-based policies",
            (_, OrganizationPolicies) => "SCPs and RCPs",
            (_, Edit) => "edit the policy under the cursor (AWS managed ones: copy first)",
            (_, New) => "new user, group, role (from a template) or policy",
            (_, Delete) => "delete the selection",
            (_, Rename) => "rename a user or group",
            (_, CloneUser) => "clone a user (same groups, same attached policies)",
            (_, Attach) => "attach a managed policy (every AWS managed policy is offered)",
            (_, Detach) => "detach a managed policy",
            (_, Membership) => "add the user to groups, or remove it",
            (_, Boundary) => "set or clear a permissions boundary",
            (_, AccessKeys) => "create, deactivate or delete an access key",
            (Mode::Editor, Undo) => "undo typing",
            (Mode::Editor, Redo) => "redo typing",
            (_, Undo) => "undo the last change",
            (_, Redo) => "redo",
            (Mode::Editor, Save) => "keep the policy (shows what the change flips first)",
            (Mode::Popup, Save) => "in the quit question: save, then quit",
            (_, Save) => "save the account (:saveas FILE for another file)",
            (_, Versions) => "versions of a managed policy: compare one with the default, make it the default",
            (_, Findings) => "findings: what the linter says about every policy",
            (_, LessonNext) => "lesson: the next step (or answer the prediction)",
            (_, LessonBack) => "lesson: the step before",
            (_, LessonHint) => "lesson: one more hint for the task",
            (_, WhatCan) => "what the selected principal can do, by service and access level; escalation paths",
            (_, CloudTrail) => "CloudTrail events of --cloudtrail FILE, grouped (enter explains)",
            (_, AllEvents) => "in the CloudTrail view: list the events AWS allowed too (or not)",
            (Mode::Input, Accept) | (_, Accept) => "take the choice / close the text",
            (Mode::Editor, Cancel) => "leave the editor (asks first when there is typed text)",
            (_, Cancel) => "cancel / close",
            (_, Yes) => "yes",
            (_, No) => "no",
            (_, InspectFlip) => "in the impact preview: keep the change and inspect the request",
            (_, MakeDefault) => "in a version: make it the default",
            (_, DeleteBack) => "delete the character before the cursor",
            (_, DeleteForward) => "delete the character under the cursor",
            (_, DeleteWord) => "delete the word before the cursor",
            (_, DeleteToEnd) => "delete to the end of the line",
            (_, ClearLine) => "clear the line",
            (_, Submit) => "take the line",
            (Mode::Editor, Complete) => "complete the action, operator or key under the cursor",
            (_, Complete) => "complete (the command, the name, the suggestion)",
            (_, Newline) => "new line, indented",
            (_, Format) => "format the JSON",
            (_, Snippet) => "insert a new statement",
            (_, NextProblem) => "go to the next problem",
            _ => "",
        }
    }
}

/// The actions each mode binds, in the order help lists them.
pub fn bindable(mode: Mode) -> &'static [Action] {
    use Action::*;
    match mode {
        Mode::Normal => &[
            Quit,
            Help,
            NextPane,
            PreviousPane,
            Up,
            Down,
            PageUp,
            PageDown,
            Top,
            Bottom,
            Open,
            Back,
            Filter,
            Command,
            RawJson,
            CopyArn,
            Inspect,
            WhoCan,
            JumpToStatement,
            ToggleAssume,
            WhatCan,
            Findings,
            CloudTrail,
            AllEvents,
            Users,
            Groups,
            Roles,
            Policies,
            RootUser,
            IdentityPools,
            UserPools,
            ResourcePolicies,
            OrganizationPolicies,
            Edit,
            New,
            Delete,
            Rename,
            CloneUser,
            Attach,
            Detach,
            Membership,
            Boundary,
            AccessKeys,
            Versions,
            Undo,
            Redo,
            Save,
            LessonNext,
            LessonBack,
            LessonHint,
        ],
        Mode::Popup => &[
            Accept,
            Cancel,
            Yes,
            No,
            Up,
            Down,
            PageUp,
            PageDown,
            Top,
            Bottom,
            InspectFlip,
            MakeDefault,
            Save,
            Help,
            Quit,
        ],
        Mode::Input => &[
            Submit,
            Cancel,
            Complete,
            Up,
            Down,
            PageUp,
            PageDown,
            Left,
            Right,
            Home,
            End,
            DeleteBack,
            DeleteForward,
            DeleteWord,
            ClearLine,
            Quit,
        ],
        Mode::Editor => &[
            Save,
            Cancel,
            Complete,
            Format,
            Snippet,
            NextProblem,
            Newline,
            Up,
            Down,
            Left,
            Right,
            WordLeft,
            WordRight,
            Home,
            End,
            Top,
            Bottom,
            PageUp,
            PageDown,
            DeleteBack,
            DeleteForward,
            DeleteWord,
            DeleteToEnd,
            Undo,
            Redo,
            Quit,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bindable_action_has_a_name_and_a_description_in_its_mode() {
        for mode in Mode::ALL {
            for action in bindable(mode) {
                let name = action.name().expect("a unit action has a name");
                assert!(!name.is_empty());
                assert!(!action.describe(mode).is_empty(), "{name} in {mode:?}");
            }
        }
        assert_eq!(Action::PageDown.name().as_deref(), Some("page-down"));
        assert_eq!(Action::Insert('x').name(), None);
        // as the command and the flag write it
        assert_eq!(Action::CloudTrail.name().as_deref(), Some("cloudtrail"));
    }

    #[test]
    fn messages_between_parts_are_typed_and_serialise() {
        let mut spec = RequestSpec::new("user/alice", "s3:GetObject", "arn:aws:s3:::photos/cat one.jpg");
        spec.context = crate::eval::ContextSpec::parse_line("aws:SourceIp=[10.0.0.1, 10.0.0.2]").unwrap();
        let action = Action::Explain(spec);
        let json = serde_json::to_string(&action).unwrap();
        assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), action);
    }
}
