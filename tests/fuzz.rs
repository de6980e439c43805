//! Fuzzing on the stable toolchain: every parser and the engine, fed inputs
//! made from the files in `tests/` and `assets/` — mutated byte by byte,
//! mutated as JSON trees, and generated from a grammar of policies and
//! requests — and checked for panics, for slowness, and for properties
//! (what is exported loads again; the fast decision equals the explained one).
//!
//! `cargo test` runs a small slice (every seed and regression input, plus a
//! few hundred generated inputs per target). The budgeted run is
//! `cargo test --release --test fuzz -- --ignored --nocapture`
//! (`scripts/fuzz SECONDS` runs it; `.ci/run` runs it for 20 s a target): it
//! runs each target for `IAMSCOPE_FUZZ_SECONDS`, times every input (processor
//! time, so a busy machine does not fail it), and fails when any input
//! panics or takes more than a second, writing the input to
//! `target/fuzz-failures/`. A failing input, once fixed, goes into
//! `tests/fuzz-corpus/TARGET/` and is run by every `cargo test` from then on.
//! The run prints its seed (`IAMSCOPE_FUZZ_SEED` repeats it), the number of
//! inputs per target and the slowest input.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use iamscope::analysis::lint::{PolicyKind, lint_account, lint_text};
use iamscope::eval::{Context, PrincipalSpec, Request};
use iamscope::io::ExportFormat;
use iamscope::model::Model;
use proptest::prelude::Rng as _;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

/// The slowest any one input may be, in the budgeted (release) run.
const PER_INPUT: Duration = Duration::from_secs(1);
/// Past this the run is stopped at once, with the input named (a hang).
const HANG: Duration = Duration::from_secs(20);
/// Inputs grow no larger than this by mutation (the hostile seeds are larger).
const MAX_MUTATED: usize = 1 << 20;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn now() -> jiff::Timestamp {
    "2026-11-01T00:00:00Z".parse().expect("a timestamp")
}

// ---------------------------------------------------------------- targets

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Target {
    /// GAAD and workspace files: load, summarise, lint, list who may read
    /// objects, export and load again.
    AccountImport,
    CredentialReport,
    PolicyParse,
    /// A policy linted as one of the kinds.
    Lint,
    /// A `--requests` line against the demo account.
    RequestLine,
    /// `--principal`, `--action` and `--context` as typed on the command line.
    CommandLine,
    Lesson,
    Config,
    /// A policy placed as an identity, resource and boundary policy, and a
    /// request: the fast decision must equal the explained one.
    Evaluate,
    /// A wildcard pattern against a text: agrees with a plain reference.
    Wildcard,
}

const TARGETS: [Target; 10] = [
    Target::AccountImport,
    Target::CredentialReport,
    Target::PolicyParse,
    Target::Lint,
    Target::RequestLine,
    Target::CommandLine,
    Target::Lesson,
    Target::Config,
    Target::Evaluate,
    Target::Wildcard,
];

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::AccountImport => "account-import",
            Target::CredentialReport => "credential-report",
            Target::PolicyParse => "policy-parse",
            Target::Lint => "lint",
            Target::RequestLine => "request-line",
            Target::CommandLine => "command-line",
            Target::Lesson => "lesson",
            Target::Config => "config",
            Target::Evaluate => "evaluate",
            Target::Wildcard => "wildcard",
        }
    }

    /// Run one input; `Err` is a broken property (a panic is caught outside).
    fn run(self, input: &[u8]) -> Result<(), String> {
        let text = String::from_utf8_lossy(input);
        match self {
            Target::AccountImport => account_import(input),
            Target::CredentialReport => {
                let _ = iamscope::io::credential_report::parse(Path::new("report.csv"), input);
                Ok(())
            }
            Target::PolicyParse => {
                let parsed = iamscope::policy::parse_policy(&text);
                let shown = iamscope::policy::PolicyDocument::from_json_text(text.as_ref());
                let _ = shown.parsed();
                let _ = shown.size_without_whitespace();
                for d in &parsed.diagnostics {
                    if d.span.start as usize > text.len() {
                        return Err(format!("diagnostic {} points past the end", d.code));
                    }
                }
                Ok(())
            }
            Target::Lint => {
                // One kind an input, chosen by the input, so each is timed alone.
                let kind = KINDS[input.iter().map(|&b| b as usize).sum::<usize>() % KINDS.len()];
                let _ = lint_text(&text, kind);
                Ok(())
            }
            Target::RequestLine => {
                let _ = iamscope::cli::explain::evaluate_line(demo(), &text, true, now());
                Ok(())
            }
            Target::CommandLine => {
                let mut parts = text.splitn(3, '\n');
                let (principal, action, rest) = (
                    parts.next().unwrap_or(""),
                    parts.next().unwrap_or(""),
                    parts.next().unwrap_or(""),
                );
                let _ = PrincipalSpec::parse(principal);
                let mut context = Context::new();
                let assignments: Vec<String> = rest.lines().map(str::to_owned).collect();
                for a in &assignments {
                    let _ = context.add_assignment(a);
                }
                if let Ok(request) = iamscope::cli::explain::request(principal, action, "*", &assignments) {
                    let _ = iamscope::eval::evaluate(demo(), &request);
                }
                Ok(())
            }
            Target::Lesson => {
                if let Ok(lesson) = iamscope::lessons::Lesson::parse(&text, "fuzz") {
                    let _ = lesson.start_model(now());
                }
                Ok(())
            }
            Target::Config => {
                let _ = iamscope::tui::config::Settings::parse(&text);
                Ok(())
            }
            Target::Evaluate => evaluate_pair(input),
            Target::Wildcard => wildcard(&text),
        }
    }
}

const KINDS: [PolicyKind; 7] = [
    PolicyKind::Identity,
    PolicyKind::Resource,
    PolicyKind::Trust,
    PolicyKind::Scp,
    PolicyKind::Rcp,
    PolicyKind::Boundary,
    PolicyKind::Session,
];

fn demo() -> &'static Model {
    static DEMO: OnceLock<Model> = OnceLock::new();
    DEMO.get_or_init(|| {
        iamscope::io::load_bytes("demo.json", iamscope::io::DEMO_ACCOUNT)
            .expect("the demo account loads")
            .model
    })
}

fn account_import(input: &[u8]) -> Result<(), String> {
    let Ok(loaded) = iamscope::io::load_bytes("fuzz.json", input) else {
        return Ok(());
    };
    let _ = iamscope::analysis::summary::AccountSummary::of(&loaded.model, &loaded.report);
    let _ = lint_account(&loaded.model);
    // Names from the file reach the terminal through the render boundary.
    let who = iamscope::analysis::who_can::who_can(
        &loaded.model,
        "s3:GetObject",
        "*",
        &iamscope::analysis::AnalysisOptions::at(now()),
        &iamscope::analysis::Progress::new(),
    );
    let _ = iamscope::cli::render::who_can(&who, iamscope::cli::render::Paint { enabled: false });
    // What iamscope writes, it reads back as the same account.
    let exported = iamscope::io::export::export_to_string(loaded.model.account(), ExportFormat::Workspace);
    let again = iamscope::io::load_bytes("exported.json", exported.as_bytes())
        .map_err(|e| format!("the exported account does not load: {e}"))?;
    let (a, b) = (loaded.model.account(), again.model.account());
    if a.users.len() != b.users.len() || a.roles.len() != b.roles.len() || a.groups.len() != b.groups.len() {
        return Err("the exported account has other entities".to_owned());
    }
    Ok(())
}

/// The input is a JSON object {"policy": …, "request": …}; other inputs are
/// read as a policy with a fixed request.
fn evaluate_pair(input: &[u8]) -> Result<(), String> {
    let value: Value = serde_json::from_slice(input).unwrap_or(Value::Null);
    let (policy, request) = match &value {
        Value::Object(o) if o.contains_key("policy") => (
            o.get("policy").cloned().unwrap_or(Value::Null),
            o.get("request").cloned().unwrap_or(Value::Null),
        ),
        _ => (
            Value::String(String::from_utf8_lossy(input).into_owned()),
            json!({"principal": "user/fuzz", "action": "s3:GetObject", "resource": "arn:aws:s3:::fuzz/k"}),
        ),
    };
    let document = match &policy {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(v) => v,
            Err(_) => return Ok(()),
        },
        other => other.clone(),
    };
    let account = json!({
        "AccountId": "111122223333",
        "UserDetailList": [{
            "UserName": "fuzz", "Arn": "arn:aws:iam::111122223333:user/fuzz",
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": document}],
            "PermissionsBoundary": {"PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/boundary"}
        }],
        "RoleDetailList": [{
            "RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
            "AssumeRolePolicyDocument": document,
            "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": document}]
        }],
        "Policies": [{
            "PolicyName": "boundary", "Arn": "arn:aws:iam::111122223333:policy/boundary",
            "DefaultVersionId": "v1",
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": document}]
        }],
        "ResourcePolicies": [{"ResourceArn": "arn:aws:s3:::fuzz", "Policy": document}]
    });
    let Ok(loaded) = iamscope::io::load_bytes("pair.json", account.to_string().as_bytes()) else {
        return Ok(());
    };
    let line = request.to_string();
    let _ = iamscope::cli::explain::evaluate_line(&loaded.model, &line, true, now());
    let get = |k: &str| request.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let Ok(principal) = PrincipalSpec::parse(&get("principal")) else {
        return Ok(());
    };
    let mut req = Request::new(principal, get("action"), get("resource"), now());
    if let Some(Value::Object(context)) = request.get("context") {
        for (k, v) in context {
            match v {
                Value::String(s) => req.context.add(k, s.clone()),
                Value::Array(items) => req
                    .context
                    .set(k, items.iter().map(|i| i.as_str().unwrap_or("").to_owned()).collect()),
                other => req.context.add(k, other.to_string()),
            }
        }
    }
    match (
        iamscope::eval::decide(&loaded.model, &req),
        iamscope::eval::evaluate(&loaded.model, &req),
    ) {
        (Ok(fast), Ok(explained)) if fast.decision != explained.decision => Err(format!(
            "decide says {:?}, evaluate says {:?}",
            fast.decision, explained.decision
        )),
        (Ok(_), Err(e)) | (Err(e), Ok(_)) => Err(format!("only one of decide and evaluate fails: {e}")),
        _ => Ok(()),
    }
}

/// `PATTERN\nTEXT`: the one matcher against dynamic programming.
fn wildcard(text: &str) -> Result<(), String> {
    use iamscope::policy::glob::{Case, Glob};
    let (pattern, subject) = text.split_once('\n').unwrap_or((text, ""));
    let fast = Glob::new(pattern, Case::Sensitive).is_match(subject);
    // The reference is quadratic: only on small inputs.
    if pattern.len() * subject.len() > 4_000_000 {
        return Ok(());
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = subject.chars().collect();
    let mut row = vec![false; t.len() + 1];
    row[0] = true;
    for &pc in &p {
        let mut next = vec![false; t.len() + 1];
        for j in 0..=t.len() {
            next[j] = match pc {
                '*' => row[j] || (j > 0 && next[j - 1]),
                '?' => j > 0 && row[j - 1],
                c => j > 0 && row[j - 1] && c == t[j - 1],
            };
        }
        row = next;
    }
    if fast != row[t.len()] {
        return Err(format!(
            "`{pattern}` on `{subject}`: matcher {fast}, reference {}",
            row[t.len()]
        ));
    }
    Ok(())
}

// ------------------------------------------------------------------ seeds

fn read_dir_files(dir: &Path, ext: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(read_dir_files(&path, ext));
        } else if ext.is_empty() || path.extension().is_some_and(|e| ext.iter().any(|x| e == *x)) {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every policy document inside a JSON value.
fn documents_in(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::Object(o) => {
            for (k, v) in o {
                if matches!(
                    k.as_str(),
                    "PolicyDocument" | "Document" | "AssumeRolePolicyDocument" | "Policy"
                ) && v.is_object()
                {
                    out.push(v.clone());
                }
                documents_in(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| documents_in(v, out)),
        _ => {}
    }
}

struct Seeds {
    accounts: Vec<Vec<u8>>,
    policies: Vec<Value>,
    requests: Vec<Value>,
    lessons: Vec<Vec<u8>>,
    reports: Vec<Vec<u8>>,
}

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = root();
        let mut accounts: Vec<Vec<u8>> = vec![iamscope::io::DEMO_ACCOUNT.to_vec()];
        let mut policies = Vec::new();
        let mut requests = Vec::new();
        for path in read_dir_files(&root.join("tests/fixtures/import"), &["json"]) {
            accounts.push(std::fs::read(&path).expect("a fixture"));
        }
        for path in read_dir_files(&root.join("tests/scenarios"), &["json"]) {
            let Ok(scenario) = serde_json::from_slice::<Value>(&std::fs::read(&path).expect("a scenario")) else {
                continue;
            };
            if let Some(account) = scenario.get("account").filter(|a| a.is_object()) {
                accounts.push(account.to_string().into_bytes());
                documents_in(account, &mut policies);
            }
            for case in scenario.get("cases").and_then(Value::as_array).into_iter().flatten() {
                if let Some(r) = case.get("request") {
                    requests.push(r.clone());
                }
            }
        }
        if let Ok(demo) = serde_json::from_slice::<Value>(iamscope::io::DEMO_ACCOUNT) {
            documents_in(&demo, &mut policies);
        }
        let lessons = read_dir_files(&root.join("assets/lessons"), &["toml"])
            .iter()
            .map(|p| std::fs::read(p).expect("a lesson"))
            .collect();
        let reports = read_dir_files(&root.join("tests/fixtures/import"), &["csv"])
            .iter()
            .chain(&[root.join("tests/fixtures/import/get-credential-report.json")])
            .filter_map(|p| std::fs::read(p).ok())
            .collect();
        Seeds {
            accounts,
            policies,
            requests,
            lessons,
            reports,
        }
    })
}

const CONFIG_SEED: &str = "theme = \"high-contrast\"\nmouse = true\n\n[keys]\nquit = \"q\"\nhelp = \"?\"\n";

/// The seed inputs of a target: files from `tests/` and `assets/`, and the
/// target's regression inputs in `tests/fuzz-corpus/TARGET/`.
fn seed_inputs(target: Target) -> Vec<(String, Vec<u8>)> {
    let s = seeds();
    let named = |prefix: &str, items: Vec<Vec<u8>>| -> Vec<(String, Vec<u8>)> {
        items
            .into_iter()
            .enumerate()
            .map(|(i, b)| (format!("{prefix}#{i}"), b))
            .collect()
    };
    let policy_texts = || {
        s.policies
            .iter()
            .map(|p| p.to_string().into_bytes())
            .collect::<Vec<_>>()
    };
    let mut out = match target {
        Target::AccountImport => named("account", s.accounts.clone()),
        Target::CredentialReport => named("report", s.reports.clone()),
        Target::PolicyParse | Target::Lint => named("policy", policy_texts()),
        Target::RequestLine => named(
            "request",
            s.requests.iter().map(|r| r.to_string().into_bytes()).collect(),
        ),
        Target::CommandLine => named(
            "command-line",
            s.requests
                .iter()
                .map(|r| {
                    let mut text = format!(
                        "{}\n{}\n",
                        r["principal"].as_str().unwrap_or(""),
                        r["action"].as_str().unwrap_or("")
                    );
                    if let Some(Value::Object(c)) = r.get("context") {
                        for (k, v) in c {
                            text.push_str(&format!("{k}={}\n", v.as_str().unwrap_or("x")));
                        }
                    }
                    text.into_bytes()
                })
                .collect(),
        ),
        Target::Lesson => named("lesson", s.lessons.clone()),
        Target::Config => named("config", vec![CONFIG_SEED.as_bytes().to_vec()]),
        Target::Evaluate => named(
            "pair",
            s.policies
                .iter()
                .zip(s.requests.iter().cycle())
                .map(|(p, r)| json!({"policy": p, "request": r}).to_string().into_bytes())
                .collect(),
        ),
        Target::Wildcard => named(
            "wildcard",
            vec![
                b"arn:aws:s3:::bucket/*/test/*\narn:aws:s3:::bucket/1/2/test/3".to_vec(),
                b"*a?c*\nxxabcxx".to_vec(),
            ],
        ),
    };
    let corpus = root().join("tests/fuzz-corpus").join(target.name());
    for path in read_dir_files(&corpus, &[]) {
        let name = path.strip_prefix(root()).unwrap_or(&path).display().to_string();
        out.push((name, std::fs::read(&path).expect("a corpus file")));
    }
    out
}

/// Inputs far past every limit, made here rather than kept as files: the
/// budgeted run times each (the cases a robustness pass once found).
fn hostile_inputs(target: Target) -> Vec<(String, Vec<u8>)> {
    let ten_mb_action = format!("s3:{}", "a".repeat(10 << 20));
    let policy = |action: &str| json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]});
    match target {
        Target::AccountImport => vec![
            (
                "10 MB Action in an inline policy".to_owned(),
                json!({"UserDetailList": [{"UserName": "u",
                    "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": policy(&ten_mb_action)}]}]})
                .to_string()
                .into_bytes(),
            ),
            (
                "64 KB user name".to_owned(),
                json!({"UserDetailList": [{"UserName": "n".repeat(64 << 10)}]})
                    .to_string()
                    .into_bytes(),
            ),
            (
                "a million brackets".to_owned(),
                format!("{{\"UserDetailList\": {}", "[".repeat(1_000_000)).into_bytes(),
            ),
            (
                "100,000 keys in one object".to_owned(),
                format!(
                    "{{\"UserDetailList\": [], \"AccountAlias\": \"a\", {}}}",
                    (0..100_000)
                        .map(|i| format!("\"k{i}\": {i}"))
                        .collect::<Vec<_>>()
                        .join(",")
                )
                .into_bytes(),
            ),
        ],
        Target::Lint | Target::PolicyParse => vec![
            (
                "10 MB Action".to_owned(),
                policy(&ten_mb_action).to_string().into_bytes(),
            ),
            (
                "10 MB of wildcards".to_owned(),
                policy(&format!("s3:{}", "*?".repeat(5 << 20))).to_string().into_bytes(),
            ),
            (
                "a million brackets".to_owned(),
                format!("{{\"Statement\": {}", "[".repeat(1_000_000)).into_bytes(),
            ),
        ],
        Target::Wildcard => vec![
            (
                "1 MB pattern, 1 MB text".to_owned(),
                format!("*{}b*\n{}", "a?".repeat(1 << 19), "a".repeat(1 << 20)).into_bytes(),
            ),
            (
                "stars against a long text".to_owned(),
                format!("{}\n{}", "*a".repeat(1 << 18), "a".repeat(1 << 20)).into_bytes(),
            ),
        ],
        Target::Evaluate => vec![(
            "10 MB resource".to_owned(),
            json!({"policy": policy("s3:*"), "request": {"principal": "user/fuzz", "action": "s3:GetObject",
                "resource": format!("arn:aws:s3:::fuzz/{}", "*?".repeat(5 << 20))}})
            .to_string()
            .into_bytes(),
        )],
        _ => Vec::new(),
    }
}

// -------------------------------------------------------------- mutations

struct Rng(TestRng);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        Rng(TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.0.next_u64() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Tokens that reach the corners of JSON, TOML, CSV, ARNs and the policy
/// language.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "\\",
    "\\u0000",
    "\\ud800",
    "*",
    "?",
    "${",
    "}",
    "${*}",
    "${aws:username}",
    "\u{0}",
    "\u{1b}]0;x\u{7}",
    "é",
    "日本",
    "\u{feff}",
    "1e999",
    "-0",
    "18446744073709551616",
    "null",
    "true",
    "\"Effect\"",
    "\"Statement\"",
    "\"Version\"",
    "\"2012-10-17\"",
    "\"Condition\"",
    "\"Principal\"",
    "\"UserDetailList\"",
    "\"Policies\"",
    "arn:aws:iam::111122223333:role/*",
    "arn:aws:s3:::*",
    "::",
    "/",
    "\n",
    "\r\n",
    "=",
    "[keys]",
    "'''",
    "#",
    "user,arn,",
    "ForAllValues:",
    "IfExists",
    "StringLike",
    "aws:SourceIp",
    "0.0.0.0/0",
    "::/0",
    "2026-11-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
];

fn mutate_bytes(rng: &mut Rng, input: &[u8], others: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(6) {
        let len = out.len();
        let at = rng.below(len + 1);
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                out[i] = rng.below(256) as u8;
            }
            2 => {
                let token = rng.pick(TOKENS).as_bytes();
                out.splice(at..at, token.iter().copied());
            }
            3 if len > 0 => {
                let end = (at + 1 + rng.below(64)).min(len);
                out.drain(at.min(len - 1)..end.max(at.min(len - 1)));
            }
            4 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(256)).min(len);
                let chunk = out[start..end].to_vec();
                let most = if rng.chance(10) { 2000 } else { 4 };
                let times = 1 + rng.below(most);
                for _ in 0..times {
                    out.splice(at..at, chunk.iter().copied());
                    if out.len() > MAX_MUTATED {
                        break;
                    }
                }
            }
            5 if !others.is_empty() => {
                let other = &rng.pick(others).1;
                if !other.is_empty() {
                    let start = rng.below(other.len());
                    let end = (start + 1 + rng.below(512)).min(other.len());
                    out.splice(at..at, other[start..end].iter().copied());
                }
            }
            6 => out.truncate(at),
            7 => {
                let c = *rng.pick(b"[{\"*a");
                let n = 1 + rng.below(100_000);
                out.splice(at..at, std::iter::repeat_n(c, n));
            }
            _ => {
                let token = rng.pick(TOKENS).as_bytes();
                out.extend_from_slice(token);
            }
        }
        out.truncate(MAX_MUTATED);
    }
    out
}

/// Strings a field of a policy or an export might hold, sane and not.
fn odd_string(rng: &mut Rng, current: &str) -> String {
    match rng.below(12) {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{current}*"),
        3 => current.replacen(|c: char| c.is_alphanumeric(), "?", 1 + rng.below(3)),
        4 => current.to_uppercase(),
        5 => current.repeat(2 + rng.below(50)),
        6 => rng.pick(TOKENS).to_string(),
        7 => format!("{current}${{aws:username}}"),
        8 => format!(
            "{}{current}",
            rng.pick(&["arn:aws:iam::", "arn:aws:s3:::", "s3:", "iam:", "user/", "role/"])
        ),
        9 => current.chars().rev().collect(),
        10 => "x".repeat(rng.below(5000)),
        _ => {
            let mut s = current.to_owned();
            let token = *rng.pick(TOKENS);
            let at = (0..=s.len())
                .filter(|&i| s.is_char_boundary(i))
                .nth(rng.below(s.len() + 1))
                .unwrap_or(0);
            s.insert_str(at, token);
            s
        }
    }
}

/// Change one place in a JSON tree: a value, a key, an element, a type.
fn mutate_value(rng: &mut Rng, value: &mut Value, depth: usize) {
    let descend = depth < 12 && rng.chance(75);
    match value {
        Value::Object(map) if !map.is_empty() && descend => {
            let key = map.keys().nth(rng.below(map.len())).cloned().unwrap_or_default();
            if let Some(v) = map.get_mut(&key) {
                mutate_value(rng, v, depth + 1);
            }
        }
        Value::Array(items) if !items.is_empty() && descend => {
            let i = rng.below(items.len());
            mutate_value(rng, &mut items[i], depth + 1);
        }
        Value::Object(map) => match rng.below(4) {
            0 if !map.is_empty() => {
                let key = map.keys().nth(rng.below(map.len())).cloned().unwrap_or_default();
                map.remove(&key);
            }
            1 => {
                let key = rng
                    .pick(&[
                        "Effect",
                        "Action",
                        "NotAction",
                        "Resource",
                        "NotResource",
                        "Principal",
                        "Condition",
                        "Sid",
                        "Version",
                        "Statement",
                        "UserName",
                        "Arn",
                        "Path",
                        "PolicyDocument",
                        "AttachedManagedPolicies",
                        "PermissionsBoundary",
                        "aws:SourceIp",
                        "StringLike",
                        "ForAllValues:StringEquals",
                        "Null",
                        "Bool",
                        "DateLessThan",
                        "IpAddress",
                        "ArnLike",
                    ])
                    .to_string();
                let v = rng
                    .pick(&[
                        json!("*"),
                        json!(["*", "s3:Get*"]),
                        json!({"AWS": "*"}),
                        json!(true),
                        json!(null),
                        json!({"aws:username": "${aws:username}"}),
                    ])
                    .clone();
                map.insert(key, v);
            }
            _ => *value = rng.pick(&[json!(null), json!([]), json!("*"), json!(0)]).clone(),
        },
        Value::Array(items) => match rng.below(3) {
            0 if !items.is_empty() => {
                items.remove(rng.below(items.len()));
            }
            1 if !items.is_empty() => {
                let copy = items[rng.below(items.len())].clone();
                let most = if rng.chance(5) { 500 } else { 3 };
                let times = 1 + rng.below(most);
                items.extend(std::iter::repeat_n(copy, times));
            }
            _ => *value = Value::String(odd_string(rng, "x")),
        },
        Value::String(s) => {
            *s = odd_string(rng, s);
            if rng.chance(5) {
                *value = json!([value.clone(), "*"]);
            }
        }
        Value::Number(_) => {
            *value = rng
                .pick(&[json!(0), json!(-1), json!(1e300), json!(u64::MAX), json!("1")])
                .clone()
        }
        Value::Bool(b) => *b = !*b,
        Value::Null => *value = json!("null"),
    }
}

fn mutate_json(rng: &mut Rng, input: &[u8]) -> Option<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(input).ok()?;
    for _ in 0..1 + rng.below(4) {
        mutate_value(rng, &mut value, 0);
    }
    Some(value.to_string().into_bytes())
}

/// Policies from a grammar (proptest strategies): every element, operator
/// and wildcard form, in random combinations.
fn policy_strategy() -> impl Strategy<Value = Value> {
    use proptest::prelude::*;
    let action = prop_oneof![
        Just("*".to_owned()),
        Just("s3:GetObject".to_owned()),
        Just("s3:Get*".to_owned()),
        Just("iam:PassRole".to_owned()),
        Just("sts:AssumeRole".to_owned()),
        "[a-z0-9]{1,8}:[A-Za-z*?]{0,12}",
    ];
    let resource = prop_oneof![
        Just("*".to_owned()),
        Just("arn:aws:s3:::fuzz/*".to_owned()),
        Just("arn:aws:s3:::fuzz/${aws:username}/*".to_owned()),
        Just("arn:aws:iam::111122223333:role/*".to_owned()),
        "arn:aws:[a-z0-9*]{0,5}:[a-z0-9-]{0,10}:[0-9*]{0,12}:[a-zA-Z0-9/*?$:{}.-]{0,30}",
    ];
    let operator = prop_oneof![
        Just("StringEquals"),
        Just("StringLike"),
        Just("StringNotLike"),
        Just("ForAllValues:StringLike"),
        Just("ForAnyValue:StringEquals"),
        Just("StringEqualsIfExists"),
        Just("ArnLike"),
        Just("IpAddress"),
        Just("NotIpAddress"),
        Just("DateGreaterThan"),
        Just("NumericLessThan"),
        Just("Bool"),
        Just("Null"),
        Just("BinaryEquals"),
    ];
    let key = prop_oneof![
        Just("aws:username"),
        Just("aws:SourceIp"),
        Just("aws:CurrentTime"),
        Just("aws:MultiFactorAuthPresent"),
        Just("aws:PrincipalTag/team"),
        Just("s3:prefix"),
        Just("aws:TagKeys"),
    ];
    let value = prop_oneof![
        Just(json!("fuzz")),
        Just(json!("10.0.0.0/8")),
        Just(json!("2026-01-01T00:00:00Z")),
        Just(json!("true")),
        Just(json!(["a*", "${aws:username}"])),
        "[a-z0-9*?$.{}:/]{0,12}".prop_map(Value::from),
    ];
    let condition = prop::collection::vec((operator, key, value), 0..3).prop_map(|items| {
        let mut block = serde_json::Map::new();
        for (op, key, value) in items {
            let entry = block.entry(op.to_owned()).or_insert_with(|| json!({}));
            entry[key] = value;
        }
        Value::Object(block)
    });
    let principal = prop_oneof![
        Just(json!("*")),
        Just(json!({"AWS": "*"})),
        Just(json!({"AWS": "arn:aws:iam::111122223333:user/fuzz"})),
        Just(json!({"AWS": "111122223333"})),
        Just(json!({"Service": "ec2.amazonaws.com"})),
        Just(json!({"Federated": "cognito-identity.amazonaws.com"})),
    ];
    let statement = (
        prop::bool::ANY,
        prop::bool::ANY,
        prop::collection::vec(action, 1..4),
        prop::bool::ANY,
        prop::collection::vec(resource, 1..3),
        prop::option::of(principal),
        condition,
    )
        .prop_map(
            |(allow, not_action, actions, not_resource, resources, principal, condition)| {
                let mut s = json!({"Effect": if allow { "Allow" } else { "Deny" }});
                s[if not_action { "NotAction" } else { "Action" }] = json!(actions);
                s[if not_resource { "NotResource" } else { "Resource" }] = json!(resources);
                if let Some(p) = principal {
                    s["Principal"] = p;
                }
                if condition.as_object().is_some_and(|c| !c.is_empty()) {
                    s["Condition"] = condition;
                }
                s
            },
        );
    prop::collection::vec(statement, 1..4)
        .prop_map(|statements| json!({"Version": "2012-10-17", "Statement": statements}))
}

fn request_strategy() -> impl Strategy<Value = Value> {
    use proptest::prelude::*;
    (
        prop_oneof![
            Just("user/fuzz"),
            Just("role/r"),
            Just("role/r/session"),
            Just("root"),
            Just("arn:aws:iam::999999999999:user/other"),
            Just("service/ec2.amazonaws.com"),
        ],
        prop_oneof![
            Just("s3:GetObject".to_owned()),
            Just("sts:AssumeRole".to_owned()),
            Just("iam:PassRole".to_owned()),
            "[a-z0-9]{1,6}:[A-Za-z]{1,10}",
        ],
        prop_oneof![
            Just("arn:aws:s3:::fuzz/k".to_owned()),
            Just("arn:aws:s3:::fuzz".to_owned()),
            Just("arn:aws:iam::111122223333:role/r".to_owned()),
            Just("*".to_owned()),
            "arn:aws:[a-z0-9]{0,4}:[a-z0-9-]{0,6}:[0-9]{0,12}:[a-zA-Z0-9/*?.-]{0,20}",
        ],
        prop::collection::btree_map(
            prop_oneof![
                Just("aws:username".to_owned()),
                Just("aws:SourceIp".to_owned()),
                Just("aws:CurrentTime".to_owned()),
                Just("aws:MultiFactorAuthPresent".to_owned()),
                Just("aws:TagKeys".to_owned()),
                Just("s3:prefix".to_owned()),
            ],
            "[a-z0-9.:/TZ-]{0,20}",
            0..3,
        ),
    )
        .prop_map(|(principal, action, resource, context)| {
            json!({"principal": principal, "action": action, "resource": resource, "context": context})
        })
}

/// The next input for a target: a seed, a mutated seed, or a generated one.
fn next_input(
    target: Target,
    rng: &mut Rng,
    runner: &mut TestRunner,
    seeds: &[(String, Vec<u8>)],
) -> (String, Vec<u8>) {
    let generated = match target {
        Target::Evaluate if rng.chance(40) => {
            let policy = policy_strategy().new_tree(runner).map(|t| t.current()).ok();
            let request = request_strategy().new_tree(runner).map(|t| t.current()).ok();
            policy.zip(request).map(|(p, r)| json!({"policy": p, "request": r}))
        }
        Target::PolicyParse | Target::Lint if rng.chance(30) => {
            policy_strategy().new_tree(runner).map(|t| t.current()).ok()
        }
        Target::RequestLine if rng.chance(30) => request_strategy().new_tree(runner).map(|t| t.current()).ok(),
        _ => None,
    };
    if let Some(value) = generated {
        return ("generated".to_owned(), value.to_string().into_bytes());
    }
    if seeds.is_empty() {
        return ("empty".to_owned(), Vec::new());
    }
    let (name, seed) = rng.pick(seeds).clone();
    if rng.chance(50)
        && let Some(mutated) = mutate_json(rng, &seed)
    {
        return (format!("{name}, JSON-mutated"), mutated);
    }
    (format!("{name}, byte-mutated"), mutate_bytes(rng, &seed, seeds))
}

// ------------------------------------------------------------------ runner

#[derive(Default)]
struct Report {
    executions: u64,
    slowest: Duration,
    slowest_input: String,
    failures: Vec<String>,
}

/// What is running now, for the watchdog to name if it hangs.
static CURRENT: Mutex<Option<(Target, String, Instant)>> = Mutex::new(None);

fn watchdog() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        std::thread::spawn(|| {
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let current = CURRENT.lock().map(|c| c.clone()).unwrap_or(None);
                if let Some((target, name, started)) = current
                    && started.elapsed() > HANG
                {
                    eprintln!(
                        "FUZZ HANG: target {} has been running {name} for {:?}; stopping",
                        target.name(),
                        started.elapsed()
                    );
                    std::process::exit(101);
                }
            }
        });
    });
}

/// The processor time this thread has used (Linux: `/proc/thread-self/schedstat`).
fn cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

fn failure_dir() -> PathBuf {
    root().join("target/fuzz-failures")
}

fn run_one(target: Target, name: &str, input: &[u8], report: &mut Report, timed: bool) {
    if let Ok(mut c) = CURRENT.lock() {
        *c = Some((target, name.to_owned(), Instant::now()));
    }
    let started = Instant::now();
    let cpu_started = cpu_time();
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| target.run(input)));
    // Processor time where the system says it (a shared machine's load does
    // not count against the input), else the clock.
    let took = match (cpu_started, cpu_time()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => started.elapsed(),
    };
    if let Ok(mut c) = CURRENT.lock() {
        *c = None;
    }
    report.executions += 1;
    if took > report.slowest {
        report.slowest = took;
        report.slowest_input = name.to_owned();
    }
    let problem = match outcome {
        Ok(Ok(())) if timed && took > PER_INPUT => Some(format!("took {took:?} (more than {PER_INPUT:?})")),
        Ok(Ok(())) => None,
        Ok(Err(broken)) => Some(format!("broke a property: {broken}")),
        Err(panic) => Some(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
    };
    if let Some(problem) = problem {
        let dir = failure_dir().join(target.name());
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join(format!("failure-{}", report.failures.len()));
        let _ = std::fs::write(&file, input);
        report.failures.push(format!(
            "{}: {name} {problem} (input kept at {})",
            target.name(),
            file.display()
        ));
    }
}

/// Run every target: its seeds and hostile inputs, then generated inputs
/// until `budget` (or `count` inputs) per target.
fn fuzz(seed: u64, budget: Duration, count: u64, timed: bool, hostile: bool) -> Vec<(Target, Report)> {
    watchdog();
    // Panics are caught and reported; their default message would only repeat it.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut reports = Vec::new();
    for (t, &target) in TARGETS.iter().enumerate() {
        let mut report = Report::default();
        let seeds = seed_inputs(target);
        for (name, input) in &seeds {
            run_one(target, name, input, &mut report, timed);
        }
        if hostile {
            for (name, input) in hostile_inputs(target) {
                run_one(target, &name, &input, &mut report, timed);
            }
        }
        let mut rng = Rng::new(seed.wrapping_add(t as u64));
        let mut runner = TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &[t as u8 + seed as u8; 32]),
        );
        let started = Instant::now();
        let mut generated = 0;
        while generated < count && started.elapsed() < budget {
            let (name, input) = next_input(target, &mut rng, &mut runner, &seeds);
            run_one(target, &name, &input, &mut report, timed);
            generated += 1;
        }
        reports.push((target, report));
    }
    std::panic::set_hook(previous);
    reports
}

fn summary(seed: u64, reports: &[(Target, Report)]) -> String {
    let mut out = format!(
        "fuzz seed {seed}\n{:<18} {:>10} {:>12}  slowest input\n",
        "target", "inputs", "slowest"
    );
    for (target, r) in reports {
        out.push_str(&format!(
            "{:<18} {:>10} {:>10.1}ms  {}\n",
            target.name(),
            r.executions,
            r.slowest.as_secs_f64() * 1000.0,
            r.slowest_input
        ));
    }
    out
}

fn failures(reports: &[(Target, Report)]) -> Vec<String> {
    reports.iter().flat_map(|(_, r)| r.failures.iter().cloned()).collect()
}

/// The always-on slice: every seed and regression input, and 150 generated
/// inputs a target, the same ones every run. Panics and broken properties
/// fail it; time is not judged here (debug build, shared machine).
#[test]
fn fuzz_slice() {
    let reports = fuzz(18, Duration::from_secs(3600), 150, false, false);
    let failed = failures(&reports);
    assert!(failed.is_empty(), "{}\n{}", summary(18, &reports), failed.join("\n"));
}

/// The budgeted run (release build): `IAMSCOPE_FUZZ_SECONDS` per target
/// (default 20), every input timed, hostile inputs included.
#[test]
#[ignore = "budgeted fuzzing: scripts/fuzz, or .ci/run"]
fn fuzz_budget() {
    let seconds: u64 = std::env::var("IAMSCOPE_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("IAMSCOPE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs())
        });
    // Only this run's failures are kept.
    let _ = std::fs::remove_dir_all(failure_dir());
    let reports = fuzz(seed, Duration::from_secs(seconds), u64::MAX, true, true);
    let table = summary(seed, &reports);
    let failed = failures(&reports);
    if failed.is_empty() {
        println!("{table}");
    }
    assert!(
        failed.is_empty(),
        "{table}\n{} failing input(s):\n{}",
        failed.len(),
        failed.join("\n")
    );
}
