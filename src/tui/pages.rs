//! What each page of the explorer says, for each kind of target: lines of
//! toned text with links. Drawing (and theming) is the detail pane's; this
//! module only decides what to say.

use jiff::Timestamp;

use super::sections::{Target, age, day, trusted_principals};
use crate::model::{AccessKeyStatus, Credentials, EntityRef, Holder, Model, PolicyOrigin, PolicyUse};
use crate::policy::PolicyDocument;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Text,
    Dim,
    Heading,
    Link,
    Good,
    Bad,
    Warn,
    JsonKey,
    JsonString,
    JsonNumber,
    JsonPunct,
}

#[derive(Debug, Clone)]
pub struct DocLine {
    pub spans: Vec<(String, Tone)>,
    /// Enter on this line opens the target.
    pub link: Option<Target>,
    /// Prose and fields wrap to the pane, their next rows starting at this
    /// column; other lines (code, links) are cut.
    pub hang: Option<usize>,
    /// Something can be done on this line (a link to follow, a line of a
    /// policy to edit or jump from): the cursor stops here, and only here.
    pub stop: bool,
}

impl DocLine {
    fn text(spans: Vec<(String, Tone)>) -> DocLine {
        DocLine {
            spans,
            link: None,
            hang: None,
            stop: false,
        }
    }

    fn wrapping(spans: Vec<(String, Tone)>, hang: usize) -> DocLine {
        DocLine {
            hang: Some(hang),
            ..DocLine::text(spans)
        }
    }

    pub fn plain(&self) -> String {
        self.spans.iter().map(|(s, _)| s.as_str()).collect()
    }
}

/// What the detail pane shows.
#[derive(Debug, Clone)]
pub struct Doc {
    pub title: String,
    pub lines: Vec<DocLine>,
    /// The lines (1-based, in the policy text) its statements begin on,
    /// when the page shows a policy document.
    pub statement_lines: Vec<usize>,
}

impl Doc {
    /// The line (1-based, in the policy text) the statement holding `line`
    /// begins on.
    pub fn statement_start(&self, line: usize) -> Option<usize> {
        self.statement_lines.iter().rev().find(|&&start| start <= line).copied()
    }
}

/// Where a field's value starts (two spaces, the label, a space).
const FIELD_VALUE_COLUMN: usize = 20;

struct Builder {
    lines: Vec<DocLine>,
    statement_lines: Vec<usize>,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            lines: Vec::new(),
            statement_lines: Vec::new(),
        }
    }
    fn blank(&mut self) {
        self.lines.push(DocLine::text(Vec::new()));
    }
    fn heading(&mut self, text: &str) {
        if !self.lines.is_empty() {
            self.blank();
        }
        self.lines.push(DocLine::text(vec![(text.to_owned(), Tone::Heading)]));
    }
    fn field(&mut self, name: &str, value: impl Into<String>) {
        self.field_toned(name, value, Tone::Text);
    }
    /// A label and its value; a long value wraps under the value's column.
    fn field_toned(&mut self, name: &str, value: impl Into<String>, tone: Tone) {
        self.lines.push(DocLine::wrapping(
            vec![(format!("  {name:<17} "), Tone::Dim), (value.into(), tone)],
            FIELD_VALUE_COLUMN,
        ));
    }
    /// Prose: one line, wrapped to the pane when drawn.
    fn note(&mut self, text: &str) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        self.lines
            .push(DocLine::wrapping(vec![(format!("  {text}"), Tone::Dim)], 2));
    }
    fn link(&mut self, text: impl Into<String>, suffix: impl Into<String>, target: Target) {
        self.lines.push(DocLine {
            spans: vec![
                ("  → ".to_owned(), Tone::Dim),
                (text.into(), Tone::Link),
                (suffix.into(), Tone::Dim),
            ],
            link: Some(target),
            hang: None,
            stop: true,
        });
    }
    fn none(&mut self, text: &str) {
        self.lines.push(DocLine::text(vec![(format!("  {text}"), Tone::Dim)]));
    }
    fn document(&mut self, document: &PolicyDocument) {
        // each line of a policy is a place to edit at or jump from
        self.lines
            .extend(highlight(document.text()).into_iter().map(|spans| DocLine {
                stop: true,
                ..DocLine::text(spans)
            }));
        let parsed = document.parsed();
        self.statement_lines = parsed.statements().iter().map(|s| s.line).collect();
        if !parsed.diagnostics.is_empty() {
            self.heading("Diagnostics");
            for d in &parsed.diagnostics {
                let tone = match d.severity {
                    crate::policy::Severity::Error => Tone::Bad,
                    _ => Tone::Warn,
                };
                self.lines.push(DocLine::text(vec![(
                    format!("  {}:{} {}: {}", d.line, d.column, d.severity.as_str(), d.message),
                    tone,
                )]));
            }
        }
    }
}

/// A JSON value as words: a string as it is, a list as its items with
/// commas, `(none)` for an empty list.
fn json_words(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) if items.is_empty() => "(none)".to_owned(),
        serde_json::Value::Array(items) => items.iter().map(json_words).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Break text into lines of at most `width` characters, at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// JSON text as toned spans, one line per line of text.
pub fn highlight(text: &str) -> Vec<Vec<(String, Tone)>> {
    let width = text.lines().count().to_string().len();
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let mut spans = vec![(format!("{:>width$} │ ", i + 1), Tone::Dim)];
            spans.extend(highlight_line(line));
            spans
        })
        .collect()
}

/// One line of JSON as toned spans (no line number).
pub fn highlight_spans(line: &str) -> Vec<(String, Tone)> {
    highlight_line(line)
}

fn highlight_line(line: &str) -> Vec<(String, Tone)> {
    let mut spans = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            let s: String = chars[start..i].iter().collect();
            // A string followed by `:` is a key.
            let rest: String = chars[i..].iter().collect();
            let tone = if rest.trim_start().starts_with(':') {
                Tone::JsonKey
            } else {
                Tone::JsonString
            };
            spans.push((super::text::visible(&s), tone));
        } else if c.is_ascii_digit() || c == '-' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | '-' | '+')) {
                i += 1;
            }
            spans.push((chars[start..i].iter().collect(), Tone::JsonNumber));
        } else if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            spans.push((chars[start..i].iter().collect(), Tone::Text));
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            spans.push((chars[start..i].iter().collect(), Tone::JsonNumber));
        } else {
            spans.push((super::text::visible(&c.to_string()), Tone::JsonPunct));
            i += 1;
        }
    }
    spans
}

/// The first line of the document (0-based, in the doc's lines) for a policy text line.
pub fn document_offset(doc: &Doc) -> usize {
    doc.lines
        .iter()
        .position(|l| l.spans.first().is_some_and(|(s, _)| s.trim_start().starts_with("1 │")))
        .unwrap_or(0)
}

fn credentials(b: &mut Builder, c: Option<&Credentials>, now: Timestamp) {
    b.heading("Credentials");
    let Some(c) = c else {
        b.note("Not in this export. Load the credential report (--credential-report) to see passwords, MFA and access keys.");
        return;
    };
    match &c.password {
        Some(p) => b.field(
            "console password",
            format!(
                "yes — last used {}{}",
                day(p.last_used),
                if p.reset_required == Some(true) {
                    ", must be reset"
                } else {
                    ""
                }
            ),
        ),
        None => b.field("console password", "no"),
    }
    if c.mfa_active {
        let devices: Vec<&str> = c.mfa_devices.iter().map(|d| d.serial.as_str()).collect();
        b.field_toned(
            "MFA",
            if devices.is_empty() {
                "active".to_owned()
            } else {
                format!("active ({})", devices.join(", "))
            },
            Tone::Good,
        );
    } else {
        b.field_toned(
            "MFA",
            "not active",
            if c.password.is_some() { Tone::Bad } else { Tone::Warn },
        );
    }
    if c.access_keys.is_empty() {
        b.field("access keys", "none");
    }
    for (i, key) in c.access_keys.iter().enumerate() {
        let status_tone = if key.status == AccessKeyStatus::Active {
            Tone::Text
        } else {
            Tone::Dim
        };
        b.field_toned(
            &format!("access key {}", i + 1),
            format!(
                "{} {} — {} old, last used {}{}",
                key.id.as_deref().unwrap_or("(id not in export)"),
                key.status.as_str(),
                age(key.created, now),
                day(key.last_used),
                key.last_used_service
                    .as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default()
            ),
            status_tone,
        );
    }
    if c.access_keys.len() > 2 {
        b.note("IAM allows at most two access keys per user.");
    }
}

fn attached(b: &mut Builder, model: &Model, list: &[crate::model::AttachedPolicy]) {
    if list.is_empty() {
        b.none("(none)");
    }
    for a in list {
        let note = match model.policy(&a.arn) {
            Some(p) if matches!(p.origin, PolicyOrigin::BuiltInLibrary { .. }) => "  (AWS managed; built-in copy)",
            Some(p) if p.is_aws_managed() => "  (AWS managed)",
            Some(_) => "",
            None => "  (not in the export)",
        };
        b.link(a.name.clone(), note, Target::policy(a.arn.clone()));
    }
}

fn inline(b: &mut Builder, holder: &Holder, list: &[crate::model::InlinePolicy]) {
    if list.is_empty() {
        b.none("(none)");
    }
    for p in list {
        b.link(
            p.name.clone(),
            "",
            Target::Entity(EntityRef::InlinePolicy {
                holder: holder.clone(),
                name: p.name.clone(),
            }),
        );
    }
}

/// The detail page of a target.
pub fn doc(model: &Model, target: &Target, now: Timestamp) -> Doc {
    let a = model.account();
    let mut b = Builder::new();
    let title = target.label(model);
    let entity = match target {
        Target::Permissions(principal) => {
            permissions(&mut b, model, principal, now);
            None
        }
        Target::Entity(entity) => Some(entity),
    };
    match entity {
        None => {}
        Some(EntityRef::Root) => {
            b.heading("The root user");
            b.field("ARN", a.root_arn());
            b.note(
                "The root user is the identity the account was created with. It can do anything in its own account, \
                 and IAM policies cannot limit it: only SCPs (in a member account) and explicit denies in resource \
                 policies can. Use it to create an administrator — an IAM user in an admin group, or better an \
                 Identity Center user — then protect it with MFA, delete its access keys and keep it for the few \
                 tasks only root can do.",
            );
            credentials(&mut b, a.root.credentials.as_ref(), now);
            if let Some(c) = &a.root.credentials {
                b.heading("Advice");
                if !c.mfa_active {
                    b.lines.push(DocLine::text(vec![(
                        "  ✗ turn on MFA for the root user".to_owned(),
                        Tone::Bad,
                    )]));
                } else {
                    b.lines
                        .push(DocLine::text(vec![("  ✓ MFA is on".to_owned(), Tone::Good)]));
                }
                if c.access_keys.is_empty() {
                    b.lines
                        .push(DocLine::text(vec![("  ✓ no root access keys".to_owned(), Tone::Good)]));
                } else {
                    b.lines.push(DocLine::text(vec![(
                        "  ✗ delete the root user's access keys: they cannot be limited by any IAM policy".to_owned(),
                        Tone::Bad,
                    )]));
                }
            }
        }
        Some(EntityRef::User { name }) => {
            if let Some(u) = model.user(name) {
                b.heading("User");
                b.field("ARN", u.arn.to_string());
                b.field("user id", u.id.clone());
                b.field("path", u.path.clone());
                b.field("created", day(u.created));
                for t in &u.tags {
                    b.field("tag", format!("{} = {}", t.key, t.value));
                }
                b.heading("Groups");
                if u.groups.is_empty() {
                    b.none("(none)");
                }
                for g in &u.groups {
                    b.link(g.clone(), "", Target::group(g));
                }
                b.heading("Attached managed policies");
                attached(&mut b, model, &u.attached_policies);
                b.heading("Inline policies");
                inline(&mut b, &Holder::User(u.name.clone()), &u.inline_policies);
                b.heading("Permissions boundary");
                match &u.permissions_boundary {
                    Some(boundary) => {
                        let name = model
                            .policy(&boundary.arn)
                            .map_or_else(|| boundary.arn.clone(), |p| p.name.clone());
                        b.link(
                            name,
                            "  (caps everything the policies above allow)",
                            Target::policy(boundary.arn.clone()),
                        );
                    }
                    None => b.none("(none)"),
                }
                credentials(&mut b, u.credentials.as_ref(), now);
                b.blank();
                b.note("Press i to ask the inspector what this user may do.");
            }
        }
        Some(EntityRef::Group { name }) => {
            if let Some(g) = model.group(name) {
                b.heading("Group");
                b.field("ARN", g.arn.to_string());
                b.field("created", day(g.created));
                b.note(
                    "A group is a way to give many users the same permissions. It is not a principal: it makes no \
                     requests, and naming a group's ARN in a policy's Principal matches nobody.",
                );
                b.heading("Members");
                let members = model.members_of(name);
                if members.is_empty() {
                    b.none("(none)");
                }
                for u in members {
                    b.link(u.name.clone(), "", Target::user(&u.name));
                }
                b.heading("Attached managed policies");
                attached(&mut b, model, &g.attached_policies);
                b.heading("Inline policies");
                inline(&mut b, &Holder::Group(g.name.clone()), &g.inline_policies);
            }
        }
        Some(EntityRef::Role { name }) => {
            if let Some(r) = model.role(name) {
                b.heading(if r.is_service_linked() {
                    "Service-linked role"
                } else {
                    "Role"
                });
                b.field("ARN", r.arn.to_string());
                b.field("role id", r.id.clone());
                b.field("path", r.path.clone());
                b.field("created", day(r.created));
                if let Some(d) = &r.description {
                    b.field("description", d.clone());
                }
                b.field(
                    "max session",
                    r.max_session_duration
                        .map_or_else(|| "—".to_owned(), |s| format!("{} h", s / 3600)),
                );
                b.field(
                    "last used",
                    r.last_used.as_ref().map_or_else(
                        || "never".to_owned(),
                        |l| format!("{} {}", day(l.date), l.region.as_deref().unwrap_or("")),
                    ),
                );
                for t in &r.tags {
                    b.field("tag", format!("{} = {}", t.key, t.value));
                }
                b.note("A role has no password or access keys of its own: whoever its trust policy allows assumes it and gets temporary credentials.");
                if r.is_service_linked() {
                    b.note("Service-linked roles belong to an AWS service; SCPs do not restrict them.");
                }
                b.heading("Who may assume it");
                b.field("trusted", trusted_principals(r.trust_policy.as_ref()));
                // Who a federated trust admits, in words, as who-can and reach say it.
                if let Some(index) = model.index().role(&r.name) {
                    for trust in crate::analysis::federation::role_populations(model, index) {
                        let text = format!(
                            "{} ({}, trust statement {})",
                            trust.population, trust.principal, trust.statement
                        );
                        b.field("assumable by", text);
                    }
                }
                b.link(
                    "trust policy",
                    "",
                    Target::Entity(EntityRef::TrustPolicy { role: r.name.clone() }),
                );
                b.heading("Instance profiles");
                if r.instance_profiles.is_empty() {
                    b.none("(none)");
                }
                for p in &r.instance_profiles {
                    b.field("profile", format!("{} ({})", p.name, p.arn));
                }
                b.heading("Attached managed policies");
                attached(&mut b, model, &r.attached_policies);
                b.heading("Inline policies");
                inline(&mut b, &Holder::Role(r.name.clone()), &r.inline_policies);
                b.heading("Permissions boundary");
                match &r.permissions_boundary {
                    Some(boundary) => {
                        let name = model
                            .policy(&boundary.arn)
                            .map_or_else(|| boundary.arn.clone(), |p| p.name.clone());
                        b.link(name, "", Target::policy(boundary.arn.clone()));
                    }
                    None => b.none("(none)"),
                }
            }
        }
        Some(EntityRef::ManagedPolicy { arn, version: None }) => {
            if let (Some(p), Some(i)) = (model.policy(arn), model.index().policy(arn)) {
                b.heading(if p.is_aws_managed() {
                    "AWS managed policy"
                } else {
                    "Customer managed policy"
                });
                b.field("ARN", p.arn.to_string());
                b.field("path", p.path.clone());
                b.field("default version", p.default_version_id.clone());
                b.field("updated", day(p.updated));
                if let PolicyOrigin::BuiltInLibrary { updated } = &p.origin {
                    b.field_toned(
                        "source",
                        format!("not in the export: iamscope's built-in copy of AWS's policy (as of {updated})"),
                        Tone::Warn,
                    );
                }
                if let Some(d) = &p.description {
                    b.field("description", d.clone());
                }
                b.heading("Attached to");
                let uses = model.index().uses_of(i);
                if uses.is_empty() {
                    b.none("(nothing)");
                }
                for u in uses {
                    match *u {
                        PolicyUse::User { user, boundary } => {
                            let n = &a.users[user].name;
                            b.link(
                                format!("user {n}"),
                                if boundary { "  (as permissions boundary)" } else { "" },
                                Target::user(n),
                            );
                        }
                        PolicyUse::Group { group } => {
                            let n = &a.groups[group].name;
                            b.link(format!("group {n}"), "", Target::group(n));
                        }
                        PolicyUse::Role { role, boundary } => {
                            let n = &a.roles[role].name;
                            b.link(
                                format!("role {n}"),
                                if boundary { "  (as permissions boundary)" } else { "" },
                                Target::role(n),
                            );
                        }
                    }
                }
                b.heading("Versions");
                // newest first, as the versions picker lists them (a new
                // version is appended to the export's order)
                let mut versions: Vec<_> = p.versions.iter().collect();
                versions.sort_by_key(|v| std::cmp::Reverse(crate::model::change::version_number(&v.id)));
                for v in versions {
                    b.link(
                        v.id.clone(),
                        format!("  {}{}", day(v.created), if v.is_default { "  (default)" } else { "" }),
                        Target::Entity(EntityRef::ManagedPolicy {
                            arn: arn.clone(),
                            version: Some(v.id.clone()),
                        }),
                    );
                }
                b.heading("Document (default version)");
                if let Some(d) = p.default_document() {
                    b.document(d);
                }
            }
        }
        Some(EntityRef::ManagedPolicy {
            arn,
            version: Some(version),
        }) => {
            if let Some(p) = model.policy(arn)
                && let Some(v) = p.versions.iter().find(|v| &v.id == version)
            {
                b.heading(&format!(
                    "{} {}{}",
                    p.name,
                    v.id,
                    if v.is_default { " (default)" } else { "" }
                ));
                b.document(&v.document);
            }
        }
        Some(EntityRef::InlinePolicy { holder, name }) => {
            let list = match holder {
                Holder::User(n) => model.user(n).map(|u| &u.inline_policies),
                Holder::Group(n) => model.group(n).map(|g| &g.inline_policies),
                Holder::Role(n) => model.role(n).map(|r| &r.inline_policies),
            };
            if let Some(p) = list.and_then(|l| l.iter().find(|p| &p.name == name)) {
                b.heading(&format!("Inline policy of {}", holder.describe()));
                b.document(&p.document);
            }
        }
        Some(EntityRef::TrustPolicy { role }) => {
            if let Some(r) = model.role(role) {
                b.heading(&format!("Trust policy of role {role}"));
                b.note("The trust policy is the role's resource-based policy: it says who may assume the role.");
                b.blank();
                match &r.trust_policy {
                    Some(d) => b.document(d),
                    None => b.none("(no trust policy in the export)"),
                }
            }
        }
        Some(EntityRef::IdentityPool { id }) => {
            if let Some(p) = model.identity_pool(id) {
                b.heading("Cognito identity pool");
                b.field("id", p.id.clone());
                b.field_toned(
                    "guests",
                    if p.allow_unauthenticated {
                        "allowed: visitors who do not sign in get AWS credentials"
                    } else {
                        "not allowed"
                    },
                    if p.allow_unauthenticated {
                        Tone::Warn
                    } else {
                        Tone::Text
                    },
                );
                b.field(
                    "classic flow",
                    match p.allow_classic_flow {
                        Some(true) => "allowed (apps may assume the roles themselves)",
                        _ => "off (enhanced flow only)",
                    },
                );
                b.note(
                    "An identity pool hands out temporary AWS credentials: it exchanges a sign-in token (or nothing, \
                     for guests) for a session of one of its two roles. The roles' trust policies must name the pool \
                     (cognito-identity.amazonaws.com:aud) and the kind of identity (…:amr).",
                );
                b.heading("Roles");
                for (label, arn) in [
                    ("signed-in users", &p.authenticated_role),
                    ("guests", &p.unauthenticated_role),
                ] {
                    match arn.as_deref().and_then(|arn| model.index().principal_by_arn(arn)) {
                        Some(crate::model::PrincipalEntity::Role(r)) => {
                            let n = &a.roles[r].name;
                            b.link(n.clone(), format!("  ({label})"), Target::role(n));
                        }
                        _ => b.field(label, arn.clone().unwrap_or_else(|| "(none)".to_owned())),
                    }
                }
                b.heading("Identity providers");
                if p.providers.is_empty() {
                    b.none("(none)");
                }
                for provider in &p.providers {
                    match provider
                        .user_pool_id()
                        .filter(|id| a.user_pools.iter().any(|u| u.id == *id))
                    {
                        Some(pool) => b.link(
                            provider.provider_name.clone(),
                            "  (user pool)",
                            Target::Entity(EntityRef::UserPool { id: pool.to_owned() }),
                        ),
                        None => b.field("provider", provider.provider_name.clone()),
                    }
                }
                b.blank();
                b.note("Press i to ask what a guest may do (the inspector's principal ends in :unauthenticated).");
            }
        }
        Some(EntityRef::UserPool { id }) => {
            if let Some(p) = a.user_pools.iter().find(|p| &p.id == id) {
                b.heading("Cognito user pool");
                b.field("id", p.id.clone());
                b.field("ARN", p.arn.clone().unwrap_or_else(|| "—".to_owned()));
                // Cognito's settings, in words: a list reads as its items
                for (key, label) in [
                    ("MfaConfiguration", "MFA"),
                    ("UsernameAttributes", "sign in with"),
                    ("AutoVerifiedAttributes", "auto-verified"),
                ] {
                    if let Some(v) = p.extra.get(key) {
                        b.field(label, json_words(v));
                    }
                }
                b.note(
                    "A user pool is a directory where an app's users sign up and sign in. It grants no AWS \
                     permissions by itself: an identity pool that trusts it turns its sign-in tokens into AWS credentials.",
                );
                b.heading("Identity pools that trust it");
                let mut any = false;
                for pool in &a.identity_pools {
                    if pool.providers.iter().any(|pr| pr.user_pool_id() == Some(id.as_str())) {
                        b.link(
                            pool.name.clone(),
                            "",
                            Target::Entity(EntityRef::IdentityPool { id: pool.id.clone() }),
                        );
                        any = true;
                    }
                }
                if !any {
                    b.none("(none)");
                }
            }
        }
        Some(EntityRef::ResourcePolicy { resource_arn }) => {
            if let Some(p) = a.resource_policies.iter().find(|p| &p.resource_arn == resource_arn) {
                b.heading("Resource-based policy");
                b.field("resource", p.resource_arn.clone());
                b.note("A resource-based policy is attached to the resource and names its principals. In one account, a grant here to a user or session is enough on its own; across accounts, the caller's own policies must allow too.");
                b.blank();
                b.document(&p.policy);
            }
        }
        Some(org @ (EntityRef::Scp { name, target } | EntityRef::Rcp { name, target })) => {
            let scp = matches!(org, EntityRef::Scp { .. });
            let (kind, list) = if scp {
                ("Service control policy", &a.service_control_policies)
            } else {
                ("Resource control policy", &a.resource_control_policies)
            };
            if let Some(p) = crate::model::entity_ref::find_org(list, name, target.as_deref()) {
                b.heading(kind);
                b.field("attached at", p.target.describe());
                b.note(if scp {
                    "An SCP caps what the principals of the accounts below it may do, root user included; it grants nothing. Every level from the organisation's root down to the account must allow a request."
                } else {
                    "An RCP caps what anyone may do to the resources of the accounts below it; it grants nothing."
                });
                b.blank();
                b.document(&p.policy);
            }
        }
    }
    if b.lines.is_empty() {
        b.none("(not found: the account may have changed)");
    }
    Doc {
        title,
        lines: b.lines,
        statement_lines: b.statement_lines,
    }
}

/// A target as JSON, in the export's shape (`y`); pages with no JSON of
/// their own are given as their text.
pub fn raw_json(model: &Model, target: &Target, now: Timestamp) -> String {
    use crate::io::export;
    let a = model.account();
    let value = match target.entity() {
        Some(EntityRef::User { name }) => model.user(name).map(export::user_json),
        Some(EntityRef::Group { name }) => model.group(name).map(export::group_json),
        Some(EntityRef::Role { name } | EntityRef::TrustPolicy { role: name }) => {
            model.role(name).map(export::role_json)
        }
        Some(EntityRef::ManagedPolicy { arn, .. }) => model.policy(arn).map(export::policy_json),
        Some(EntityRef::IdentityPool { id }) => model.identity_pool(id).map(export::identity_pool_json),
        Some(EntityRef::Scp { name, target }) => {
            crate::model::entity_ref::find_org(&a.service_control_policies, name, target.as_deref())
                .map(export::org_policy_json)
        }
        Some(EntityRef::Rcp { name, target }) => {
            crate::model::entity_ref::find_org(&a.resource_control_policies, name, target.as_deref())
                .map(export::org_policy_json)
        }
        Some(EntityRef::ResourcePolicy { resource_arn }) => a
            .resource_policies
            .iter()
            .find(|p| &p.resource_arn == resource_arn)
            .and_then(|p| p.policy.to_value()),
        Some(EntityRef::UserPool { id }) => a.user_pools.iter().find(|p| &p.id == id).map(|p| {
            let mut map = p.extra.clone();
            map.insert("Id".into(), p.id.clone().into());
            map.insert("Name".into(), p.name.clone().into());
            serde_json::Value::Object(map)
        }),
        Some(EntityRef::InlinePolicy { .. } | EntityRef::Root) | None => None,
    };
    match value {
        Some(v) => crate::policy::pretty_json(&v),
        None => doc(model, target, now)
            .lines
            .iter()
            .map(|l| l.plain())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// What a principal can do, per service and access level, as the IAM
/// console's policy summary shows it; then its privilege-escalation paths.
/// Both come from the engine (`iamscope what-can` and `escalation` print the same).
fn permissions(b: &mut Builder, model: &Model, principal: &str, now: Timestamp) {
    use crate::analysis::what_can::{Access, WhatCanOptions, what_can};
    let Ok(spec) = crate::eval::PrincipalSpec::parse(principal) else {
        return;
    };
    let options = WhatCanOptions::at(now);
    let result = match what_can(model, &spec, &options) {
        Ok(r) => r,
        Err(e) => {
            b.heading("Effective permissions");
            b.none(&e.to_string());
            return;
        }
    };
    b.heading(&format!("What {principal} can do"));
    b.note(
        "Per service and access level: Full when every action of the level is allowed, Limited when some are. \
         Each action is asked of the engine, on every resource, resources of its types and the ARNs the policies name.",
    );
    b.heading("Could it become an administrator?");
    match crate::analysis::escalation::escalation(model, Some(&spec), &crate::analysis::AnalysisOptions::at(now)) {
        Err(e) => b.none(&e.to_string()),
        Ok(found) => match found.principals.first() {
            Some(p) if p.admin => b.field_toned("already", "an administrator: every IAM action on *", Tone::Warn),
            Some(p) if !p.findings.is_empty() => {
                for f in &p.findings {
                    b.lines.push(DocLine::wrapping(
                        vec![
                            // words, not marks: ✗ and ✓ read as "bad path" and "good"
                            ("  path found: ".to_owned(), Tone::Bad),
                            (f.name.to_owned(), Tone::Bad),
                            (format!("  on {} — {}", f.target, f.gain), Tone::Text),
                        ],
                        4,
                    ));
                    for step in &f.steps {
                        b.lines.push(DocLine::wrapping(
                            vec![(
                                format!(
                                    "      {} {} on {}: {}",
                                    step.by,
                                    step.action,
                                    step.resource,
                                    step.decision.as_str()
                                ),
                                Tone::Dim,
                            )],
                            8,
                        ));
                    }
                }
            }
            _ => b.lines.push(DocLine::wrapping(
                vec![(
                    format!(
                        "  no path among the {} published patterns iamscope looks for",
                        found.patterns
                    ),
                    Tone::Good,
                )],
                4,
            )),
        },
    }
    b.heading("By service");
    let allowed: Vec<_> = result.services.iter().filter(|s| s.allowed > 0).collect();
    if allowed.is_empty() {
        b.none("nothing: no statement allows this principal any action");
    }
    for service in allowed {
        b.blank();
        b.lines.push(DocLine::text(vec![
            (format!("  {}", service.name), Tone::Heading),
            (
                format!(
                    "  ({}: {} of {} actions)",
                    service.service, service.allowed, service.total
                ),
                Tone::Dim,
            ),
        ]));
        for level in service.levels.iter().filter(|l| l.access != Access::None) {
            let tone = if level.access == Access::Full {
                Tone::Warn
            } else {
                Tone::Text
            };
            b.lines.push(DocLine::text(vec![
                (format!("    {:<24}", level.label), Tone::Dim),
                (format!("{:<8}", level.access.as_str()), tone),
                (format!("{} of {}", level.allowed, level.total), Tone::Dim),
            ]));
            if !level.examples.is_empty() {
                b.lines.push(DocLine::text(vec![(
                    format!("      e.g. {}", level.examples.join(", ")),
                    Tone::Dim,
                )]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_strings_and_numbers_are_told_apart() {
        let line = highlight_line("    \"Effect\": \"Allow\", 12");
        let tones: Vec<Tone> = line
            .iter()
            .filter(|(s, _)| !s.trim().is_empty())
            .map(|(_, t)| *t)
            .collect();
        assert_eq!(
            tones,
            [
                Tone::JsonKey,
                Tone::JsonPunct,
                Tone::JsonString,
                Tone::JsonPunct,
                Tone::JsonNumber
            ]
        );
    }

    #[test]
    fn wrapping_breaks_at_spaces() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
    }
}
