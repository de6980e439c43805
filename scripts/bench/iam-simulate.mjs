// Answer the same requests as `iamscope explain --requests` with the npm
// package @cloud-copilot/iam-simulate (MIT), for a speed comparison and a
// cross-check of decisions. It reads an account export (GAAD JSON) and a
// JSON Lines file of requests in iamscope's request form, resolves each
// principal's identity policies (inline, attached, through groups), its
// permissions boundary, and the resource's policy from the export, and asks
// the simulator. Users and roles of the account only; every request gets the
// same context iamscope assumes for a realistic request.
//
// usage: node iam-simulate.mjs ACCOUNT.json REQUESTS.jsonl > decisions.jsonl
// (run from a folder where `npm install @cloud-copilot/iam-simulate` was done)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(process.cwd() + '/');
const { runSimulation } = require('@cloud-copilot/iam-simulate');

const [accountPath, requestsPath] = process.argv.slice(2);
const account = JSON.parse(readFileSync(accountPath, 'utf8'));
const accountId = (account.UserDetailList?.[0]?.Arn || account.RoleDetailList?.[0]?.Arn || 'arn:aws:iam::000000000000:x').split(':')[4];

const policies = new Map((account.Policies || []).map((p) => [p.Arn, p]));
const defaultDocument = (arn) => {
  const p = policies.get(arn);
  if (!p) return undefined;
  const v = (p.PolicyVersionList || []).find((v) => v.IsDefaultVersion || v.VersionId === p.DefaultVersionId);
  return v && (typeof v.Document === 'string' ? JSON.parse(decodeURIComponent(v.Document)) : v.Document);
};
const groups = new Map((account.GroupDetailList || []).map((g) => [g.GroupName, g]));
const documents = (inline, attached) => [
  ...(inline || []).map((p, i) => ({ name: `inline-${i}-${p.PolicyName}`, policy: p.PolicyDocument })),
  ...(attached || []).map((a) => ({ name: a.PolicyArn, policy: defaultDocument(a.PolicyArn) })).filter((p) => p.policy),
];
const principals = new Map();
for (const u of account.UserDetailList || []) {
  let docs = documents(u.UserPolicyList, u.AttachedManagedPolicies);
  for (const g of u.GroupList || []) {
    const group = groups.get(g);
    if (group) docs = docs.concat(documents(group.GroupPolicyList, group.AttachedManagedPolicies));
  }
  principals.set(`user/${u.UserName}`, { arn: u.Arn, docs, boundary: u.PermissionsBoundary?.PermissionsBoundaryArn });
}
for (const r of account.RoleDetailList || []) {
  principals.set(`role/${r.RoleName}`, {
    arn: `arn:aws:sts::${accountId}:assumed-role/${r.RoleName}/iamscope`,
    docs: documents(r.RolePolicyList, r.AttachedManagedPolicies),
    boundary: r.PermissionsBoundary?.PermissionsBoundaryArn,
  });
}
const resourcePolicies = new Map((account.ResourcePolicies || []).map((p) => [p.ResourceArn, p.Policy]));

const word = { Allowed: 'Allow', ExplicitlyDenied: 'ExplicitDeny', ImplicitlyDenied: 'ImplicitDeny' };
const lines = readFileSync(requestsPath, 'utf8').split('\n').filter((l) => l.trim());
const out = [];
const started = process.hrtime.bigint();
for (const [i, line] of lines.entries()) {
  const request = JSON.parse(line);
  const principal = principals.get(request.principal);
  if (!principal) {
    out.push(JSON.stringify({ line: i + 1, error: 'principal not in the export' }));
    continue;
  }
  const boundary = principal.boundary && defaultDocument(principal.boundary);
  const bucket = request.resource.startsWith('arn:aws:s3:::') ? request.resource.split('/')[0] : undefined;
  const result = await runSimulation(
    {
      request: {
        principal: principal.arn,
        action: request.action,
        resource: { resource: request.resource, accountId },
        contextVariables: { 'aws:SecureTransport': 'true', ...(request.context || {}) },
      },
      identityPolicies: principal.docs,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: resourcePolicies.get(request.resource) || (bucket && resourcePolicies.get(bucket)),
      permissionBoundaryPolicies: boundary ? [{ name: principal.boundary, policy: boundary }] : undefined,
    },
    {},
  );
  const decision = result.resultType === 'error' ? undefined : word[result.overallResult];
  out.push(JSON.stringify(decision ? { line: i + 1, decision } : { line: i + 1, error: result.errors?.message }));
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(out.join('\n') + '\n');
process.stderr.write(`iam-simulate: ${lines.length} requests in ${seconds.toFixed(2)} s = ${Math.round(lines.length / seconds)} decisions/s\n`);
