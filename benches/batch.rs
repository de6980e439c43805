//! `iamscope explain --requests` as a whole: JSON lines in, one JSON answer
//! per line out, on every core, in order — on the max-quota account with
//! 100,000 requests that each name an action one of the principal's own
//! policies names (so the engine has statements to match), and, for the
//! engine alone, the same requests already parsed.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iamscope::cli::explain::{Strictness, explain_stream};
use iamscope::eval::{self, RequestSpec};
use iamscope::io::synthetic::{self, Sizes};
use iamscope::model::Model;

const REQUESTS: usize = 100_000;

/// A small, fixed generator: the same requests every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

/// Requests like scripts/bench/requests.py writes: a user or role, an action
/// its own policies name, a resource that statement names (or *).
fn requests(model: &Model) -> Vec<RequestSpec> {
    let a = model.account();
    let mut principals: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let pairs = |docs: Vec<&iamscope::policy::PolicyDocument>| {
        let mut pairs = Vec::new();
        for doc in docs {
            for statement in doc.parsed().statements() {
                let actions: Vec<&str> = statement
                    .action
                    .iter()
                    .flat_map(|c| &c.patterns)
                    .map(|p| p.text.as_ref())
                    .filter(|t| !t.contains(['*', '?']))
                    .collect();
                let resources: Vec<&str> = statement
                    .resource
                    .iter()
                    .flat_map(|c| &c.patterns)
                    .map(|p| p.text.as_ref())
                    .filter(|t| !t.contains(['*', '?', '$']))
                    .collect();
                for action in actions {
                    let resource = resources.first().copied().unwrap_or("*");
                    pairs.push((action.to_owned(), resource.to_owned()));
                }
            }
        }
        pairs
    };
    let managed = |arn: &str| model.policy(arn).and_then(|p| p.default_document());
    for user in &a.users {
        let mut docs: Vec<_> = user.inline_policies.iter().map(|p| &p.document).collect();
        docs.extend(user.attached_policies.iter().filter_map(|p| managed(&p.arn)));
        for group in user.groups.iter().filter_map(|g| model.group(g)) {
            docs.extend(group.inline_policies.iter().map(|p| &p.document));
            docs.extend(group.attached_policies.iter().filter_map(|p| managed(&p.arn)));
        }
        principals.push((format!("user/{}", user.name), pairs(docs)));
    }
    for role in &a.roles {
        let mut docs: Vec<_> = role.inline_policies.iter().map(|p| &p.document).collect();
        docs.extend(role.attached_policies.iter().filter_map(|p| managed(&p.arn)));
        principals.push((format!("role/{}", role.name), pairs(docs)));
    }
    let mut rng = Lcg(7);
    (0..REQUESTS)
        .map(|_| {
            let (principal, pairs) = &principals[rng.next(principals.len())];
            let (action, resource) = if pairs.is_empty() || rng.next(10) == 0 {
                ("sts:GetCallerIdentity".to_owned(), "*".to_owned())
            } else {
                pairs[rng.next(pairs.len())].clone()
            };
            RequestSpec::new(principal.clone(), action, resource)
        })
        .collect()
}

fn batch(c: &mut Criterion) {
    let bytes = synthetic::bytes(&Sizes::MAX_QUOTA);
    let model = iamscope::io::load_bytes("max-quota.json", &bytes).unwrap().model;
    let specs = requests(&model);
    let input: String = specs.iter().map(|s| serde_json::to_string(s).unwrap() + "\n").collect();
    let now: jiff::Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
    let parsed: Vec<eval::Request> = specs.iter().map(|s| s.to_request(now).unwrap()).collect();
    // Warm the policies' parses, as the first lines of a real run do.
    for request in &parsed {
        let _ = eval::decide(&model, request);
    }

    let mut group = c.benchmark_group("batch, max-quota account, 100,000 requests");
    group.sample_size(10);
    group.throughput(Throughput::Elements(REQUESTS as u64));
    group.bench_function("explain --requests (JSON in and out, all cores)", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(input.len() * 2);
            explain_stream(
                &model,
                std::io::Cursor::new(input.as_bytes()),
                "bench",
                now,
                false,
                Strictness::Warn,
                &mut out,
            )
            .unwrap();
            out
        })
    });
    group.bench_function("engine alone: decide, one core", |b| {
        b.iter(|| {
            parsed
                .iter()
                .filter(|r| eval::decide(&model, r).unwrap().decision.is_allowed())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
