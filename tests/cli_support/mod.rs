//! Running the real binary from the command-line test suites: the call,
//! and its output read as text or JSON. Each suite uses some of these.
#![allow(dead_code)]

use std::process::{Command, Output};

use serde_json::Value;

/// `iamscope ARGS…`, without colour.
pub fn iamscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// Standard output of a run that must have succeeded.
#[track_caller]
pub fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

/// Standard output, whatever the exit status.
pub fn text(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Standard output as JSON, whatever the exit status.
#[track_caller]
pub fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(output)
        )
    })
}

/// Standard output of a run that must have succeeded, as JSON.
#[track_caller]
pub fn json_ok(output: &Output) -> Value {
    serde_json::from_str(&ok(output)).expect("JSON output")
}
