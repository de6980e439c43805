//! Changes as a reviewable shell script: each AWS API call a change needs
//! ([`AwsStep`]) as an `aws …` command line, quoted for a POSIX shell.
//! iamscope never runs them.

use super::change_log::Logged;
use crate::model::Account;
use crate::model::change::{AwsStep, describe};

/// Changes as a reviewable shell script of AWS CLI commands.
pub fn script(changes: &[Logged], account: &Account) -> String {
    let mut out = String::new();
    out.push_str("#!/bin/sh\n");
    out.push_str(&format!(
        "# The changes made in iamscope to account {}, as AWS CLI commands.\n",
        account.display_name()
    ));
    out.push_str("# iamscope never runs them: read every line, then run it yourself.\n");
    if changes.is_empty() {
        out.push_str("# (no changes)\n");
    }
    out.push_str("set -eu\n");
    for logged in changes {
        out.push('\n');
        out.push_str(&format!("# {}\n", describe(&logged.change)));
        for note in &logged.notes {
            out.push_str(&format!("# note: {note}\n"));
        }
        for command in &logged.commands {
            out.push_str(command);
            out.push('\n');
        }
    }
    out
}

/// Each step as a line of the script: a command, or a `#` comment.
pub fn command_lines(steps: &[AwsStep]) -> Vec<String> {
    steps.iter().map(command_line).collect()
}

/// `aws iam attach-user-policy --user-name alice --policy-arn …`.
pub fn command_line(step: &AwsStep) -> String {
    let call = match step {
        AwsStep::Note(text) => return format!("# {text}"),
        AwsStep::Call(call) => call,
    };
    let mut words = vec![
        "aws".to_owned(),
        cli_service(call.service).to_owned(),
        kebab(&call.operation),
    ];
    for (name, value) in &call.parameters {
        words.push(format!("--{}", kebab(name)));
        words.push(value.clone());
    }
    for flag in &call.flags {
        words.push(format!("--{}", kebab(flag)));
    }
    words.iter().map(|w| shell_word(w)).collect::<Vec<_>>().join(" ")
}

/// The AWS CLI's command for a service's API (S3's low-level API is `s3api`).
fn cli_service(service: &str) -> &str {
    match service {
        "s3" => "s3api",
        other => other,
    }
}

/// `AttachUserPolicy` → `attach-user-policy`; a run of capitals is one word
/// (`DeactivateMFADevice` → `deactivate-mfa-device`), as the AWS CLI names them.
fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let after_lower = chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit();
            let ends_run =
                chars[i - 1].is_ascii_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if after_lower || ends_run {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Quote a word for a POSIX shell when it needs it.
pub fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_and_parameter_names_become_the_clis_words() {
        assert_eq!(kebab("AttachUserPolicy"), "attach-user-policy");
        assert_eq!(kebab("DeactivateMFADevice"), "deactivate-mfa-device");
        assert_eq!(kebab("QueueUrl"), "queue-url");
        assert_eq!(kebab("SetAsDefault"), "set-as-default");
        let step = AwsStep::call(
            "s3",
            "PutBucketPolicy",
            &[("Bucket", "photos"), ("Policy", r#"{"a": 1}"#)],
            &[],
        );
        assert_eq!(
            command_line(&step),
            r#"aws s3api put-bucket-policy --bucket photos --policy '{"a": 1}'"#
        );
        assert_eq!(command_line(&AwsStep::Note("by hand".into())), "# by hand");
    }
}
