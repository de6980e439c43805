#!/usr/bin/env python3
"""Write N requests (JSON Lines, iamscope's request form) for an account
export, for timing `iamscope explain --requests` against another tool.

Each request names a user or role of the account, an action one of that
principal's own policies names (so the engine has statements to match), and
a resource that policy names where it names a concrete one. The same
account, N and seed always give the same file.

usage: requests.py ACCOUNT.json N [SEED] > requests.jsonl
"""
import json
import random
import sys


def statements(document):
    body = document.get("Statement", [])
    return body if isinstance(body, list) else [body]


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def main():
    path, count = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = random.Random(seed)
    account = json.load(open(path))
    policies = {p["Arn"]: p for p in account.get("Policies", [])}
    groups = {g["GroupName"]: g for g in account.get("GroupDetailList", [])}

    def default_document(arn):
        policy = policies.get(arn)
        if not policy:
            return None
        for version in policy.get("PolicyVersionList", []):
            if version.get("IsDefaultVersion") or version.get("VersionId") == policy.get("DefaultVersionId"):
                return version.get("Document")
        return None

    def documents(inline, attached):
        docs = [p.get("PolicyDocument") for p in inline]
        docs += [default_document(a["PolicyArn"]) for a in attached]
        return [d for d in docs if isinstance(d, dict)]

    principals = []
    for user in account.get("UserDetailList", []):
        docs = documents(user.get("UserPolicyList", []), user.get("AttachedManagedPolicies", []))
        for name in user.get("GroupList", []):
            group = groups.get(name, {})
            docs += documents(group.get("GroupPolicyList", []), group.get("AttachedManagedPolicies", []))
        principals.append(("user/" + user["UserName"], docs))
    for role in account.get("RoleDetailList", []):
        docs = documents(role.get("RolePolicyList", []), role.get("AttachedManagedPolicies", []))
        principals.append(("role/" + role["RoleName"], docs))

    fallback = [("s3:GetObject", "arn:aws:s3:::data/report.csv"), ("iam:ListUsers", "*"), ("sts:GetCallerIdentity", "*")]
    out = sys.stdout
    for _ in range(count):
        principal, docs = rng.choice(principals)
        pairs = []
        for doc in docs:
            for statement in statements(doc):
                actions = [a for a in as_list(statement.get("Action")) if "*" not in a and "?" not in a]
                resources = [r for r in as_list(statement.get("Resource")) if "*" not in r and "$" not in r]
                if actions:
                    pairs.append((actions, resources or ["*"]))
        if pairs and rng.random() < 0.9:
            actions, resources = rng.choice(pairs)
            action, resource = rng.choice(actions), rng.choice(resources)
        else:
            action, resource = rng.choice(fallback)
        out.write(json.dumps({"principal": principal, "action": action, "resource": resource}) + "\n")


if __name__ == "__main__":
    main()
