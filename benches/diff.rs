//! `iamscope diff` on a max-quota account (5,000 users, 5,000 roles, 300
//! groups, 1,500 customer managed policies; see `iamscope generate`) against
//! a copy that differs by 50 changes of the kinds people make every week:
//! attachments, group memberships, new policy versions, inline policies,
//! boundaries, trust policies, access keys, bucket policies. The copy goes
//! through an export and a load, as a second export would. Target: under 2 s
//! for the diff (loading is `benches/load.rs`); the second case leaves out
//! escalation paths (`--no-escalation`).

use criterion::{Criterion, criterion_group, criterion_main};
use iamscope::analysis::diff::{DiffOptions, diff};
use iamscope::analysis::reach::DEFAULT_MAX_DEPTH;
use iamscope::eval::Context;
use iamscope::io::synthetic::{self, ACCOUNT_ID, Sizes};
use iamscope::io::{ExportFormat, export::export_to_string, load_bytes};
use iamscope::model::change::{Change, apply};
use iamscope::model::{Holder, Model};

fn now() -> jiff::Timestamp {
    "2026-11-01T12:00:00Z".parse().unwrap()
}

fn policy(n: usize) -> String {
    format!("arn:aws:iam::{ACCOUNT_ID}:policy/policy-{n}")
}

/// The `i`th candidate change; some are refused (a quota, a name in use)
/// and skipped.
fn candidate(model: &Model, i: usize) -> Change {
    let document = |service: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": ["{service}:Get*", "{service}:Put*"], "Resource": "*"}}]}}"#
        )
    };
    let user = |k: usize| format!("user-{}", (i * k) % 5000);
    let role = |k: usize| format!("role-{}", (i * k) % 5000);
    match i % 10 {
        0 => Change::AttachPolicy {
            holder: Holder::User(user(37)),
            arn: policy((i * 11) % 1500),
        },
        1 => Change::AddUserToGroup {
            user: user(53),
            group: format!("group-{}", (i * 7) % 300),
        },
        2 => Change::CreatePolicyVersion {
            arn: policy((i * 13) % 1500),
            document: document("dynamodb"),
        },
        3 => Change::PutInlinePolicy {
            holder: Holder::Role(role(41)),
            name: format!("bench-{i}"),
            document: document("sqs"),
        },
        4 => Change::UpdateTrustPolicy {
            role: role(43),
            document: format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{ACCOUNT_ID}:user/{}"}}, "Action": "sts:AssumeRole"}}]}}"#,
                user(3)
            ),
        },
        5 => Change::CreateAccessKey { user: user(59) },
        6 => {
            let name = user(61);
            let arn = model
                .user(&name)
                .and_then(|u| u.attached_policies.first())
                .map_or_else(|| policy(1), |p| p.arn.clone());
            Change::DetachPolicy {
                holder: Holder::User(name),
                arn,
            }
        }
        7 => Change::PutResourcePolicy {
            resource_arn: format!("arn:aws:s3:::data-{i}"),
            document: format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::444455556666:root"}}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-{i}/*"}}]}}"#
            ),
        },
        8 => Change::SetPermissionsBoundary {
            holder: Holder::User(user(67)),
            arn: policy((i * 17) % 1500),
        },
        _ => {
            let name = user(71);
            let group = model
                .user(&name)
                .and_then(|u| u.groups.first().cloned())
                .unwrap_or_else(|| "group-1".to_owned());
            Change::RemoveUserFromGroup { user: name, group }
        }
    }
}

fn diff_bench(c: &mut Criterion) {
    let bytes = synthetic::bytes(&Sizes::MAX_QUOTA);
    let old = load_bytes("old.json", &bytes).unwrap().model;
    let mut changed = old.clone();
    let mut applied = 0;
    let mut i = 1;
    while applied < 50 {
        let change = candidate(&changed, i);
        if apply(&mut changed, &change, now()).is_ok() {
            applied += 1;
        }
        i += 1;
    }
    let new_bytes = export_to_string(changed.account(), ExportFormat::Workspace).into_bytes();
    let new = load_bytes("new.json", &new_bytes).unwrap().model;
    let options = DiffOptions {
        context: Context::new(),
        now: now(),
        max_depth: DEFAULT_MAX_DEPTH,
        escalation: true,
    };
    let without_escalation = DiffOptions {
        escalation: false,
        ..options.clone()
    };
    let started = std::time::Instant::now();
    let first = diff(&old, &new, &options);
    eprintln!("first diff (policies parsed on the way): {:?}", started.elapsed());
    eprintln!(
        "50 changes: {} of {} principals evaluated again; {} with changed permissions, {} requests checked, {} escalation searches, {} trust changes, {} new grants",
        first.recomputed,
        first.principals,
        first.permissions.len(),
        first.requests_checked,
        first.escalation.searched,
        first.trust.len(),
        first.new_grants.len()
    );

    let mut group = c.benchmark_group("diff, max-quota account, 50 changes");
    group.sample_size(10);
    group.bench_function("diff of two loaded exports", |b| {
        b.iter(|| diff(&old, std::hint::black_box(&new), &options))
    });
    group.bench_function("diff of two loaded exports, without escalation paths", |b| {
        b.iter(|| diff(&old, std::hint::black_box(&new), &without_escalation))
    });
    group.finish();
}

criterion_group!(benches, diff_bench);
criterion_main!(benches);
