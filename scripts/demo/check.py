#!/usr/bin/env python3
"""Check the embedded demo account (assets/demo/demo-account.json) for internal consistency.

Standard library only. Usage:

    python3 scripts/demo/check.py [WORKSPACE.json] [--managed-policies FILE]

Checks that every attached or boundary policy ARN resolves to a `Policies` entry with the same
name, that AttachmentCount / PermissionsBoundaryUsageCount equal the real counts, that group
memberships, instance profiles, identity pools and user pools point at things that exist, that
every Federated principal of a trust policy names a listed SAML or OIDC provider (or one IAM knows
by name) and each provider's ARN and Url agree, that
the credential report agrees with the users' AccessKeys / LoginProfile / PasswordLastUsed /
MFADevices, that unique ids and access key ids are well formed and unique, that every date
parses and is before the cut-off, and that the names lessons and tests rely on are all there.
When the shared AWS managed policy data is found (`--managed-policies`, $IAMSCOPE_SHARED_DATA,
or ../shared/data beside the repository), AWS-managed policy documents are compared with it.

Exit status 0 when everything holds; 1 with one line per problem otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_FILE = REPO / "assets" / "demo" / "demo-account.json"
CUTOFF = datetime(2026, 11, 1, tzinfo=timezone.utc)

ID_PREFIX = {"user": "AIDA", "group": "AGPA", "role": "AROA", "policy": "ANPA", "instance-profile": "AIPA"}
UNIQUE_ID = re.compile(r"^(AIDA|AGPA|AROA|ANPA|AIPA)[A-Z0-9]{17}$")
ACCESS_KEY_ID = re.compile(r"^AKIA[A-Z0-9]{16}$")
Z_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
REPORT_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")
LOOKS_LIKE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T")

REPORT_COLUMNS = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
]

TOP_LEVEL = {
    "AccountId": str, "AccountAlias": str, "UserDetailList": list, "GroupDetailList": list,
    "RoleDetailList": list, "Policies": list, "ResourcePolicies": list,
    "ServiceControlPolicies": list, "ResourceControlPolicies": list, "IdentityPools": list,
    "UserPools": list, "SAMLProviders": list, "OpenIDConnectProviders": list, "CredentialReport": list,
}

# Web identity providers a trust policy names by host, with no provider resource.
WELL_KNOWN_PROVIDERS = {"accounts.google.com", "graph.facebook.com", "www.amazon.com",
                        "cognito-identity.amazonaws.com"}

# The names lessons, tests, screenshots and the README use. Renaming any of them is a breaking change.
STORY = {
    "users": ["ana", "alice", "bob", "build-bot", "carol", "dave"],
    "groups": ["Admins", "Developers"],
    "roles": ["DeployRole", "WebServerRole", "OrdersFunctionRole", "PhotoAppAuthRole",
              "PhotoAppGuestRole", "GitHubDeployRole", "CorpDevelopers", "AWSServiceRoleForSupport"],
    "saml_providers": ["CorpIdP"],
    "oidc_providers": ["token.actions.githubusercontent.com"],
    "policies": ["AdministratorAccess", "PowerUserAccess", "AmazonS3ReadOnlyAccess",
                 "AWSLambdaBasicExecutionRole", "AWSSupportServiceRolePolicy", "DevelopersS3Read",
                 "DevelopersDynamoDB", "BuildArtifactsWrite", "ContractorBoundary"],
    "inline": {("group", "Developers"): ["DenyProdTables"], ("user", "carol"): ["ContractorWork"],
               ("user", "dave"): ["AssumeDeployRole"], ("role", "WebServerRole"): ["ServePhotos"],
               ("role", "OrdersFunctionRole"): ["OrdersTableAccess"]},
    "sids": {"DevelopersS3Read": ["ReadPhotos"], "DevelopersDynamoDB": ["DevTables"],
             "DenyProdTables": ["NoProdData"], "BuildArtifactsWrite": ["WriteArtifacts", "ListArtifacts"],
             "ContractorBoundary": ["PhotosOnly"], "OrdersTableAccess": ["ReadWriteOrders"],
             "arn:aws:s3:::photos": ["DenyInsecureTransport", "BobUploads", "PartnerReadPublic"]},
    "scps": ["FullAWSAccess", "DenyLeaveOrganization", "RegionGuard"],
    "resources": ["arn:aws:s3:::photos", "arn:aws:s3:::build-artifacts",
                  "arn:aws:sqs:eu-west-1:111122223333:orders-queue"],
    "instance_profiles": ["WebServerProfile"],
    "identity_pools": {"PhotoAppIdentities": "eu-west-1:7c1f3a52-2d4e-4b8a-9f61-0a3e5b9c2d10"},
    "user_pools": {"photo-app-users": "eu-west-1_PhT0App01"},
}


class Checker:
    def __init__(self, data: dict):
        self.d = data
        self.problems: list[str] = []

    def fail(self, msg: str) -> None:
        self.problems.append(msg)

    def expect(self, cond: bool, msg: str) -> bool:
        if not cond:
            self.fail(msg)
        return cond

    # ------------------------------------------------------------------ helpers
    @property
    def acct(self) -> str:
        return self.d.get("AccountId", "")

    def users(self):
        return self.d.get("UserDetailList", [])

    def groups(self):
        return self.d.get("GroupDetailList", [])

    def roles(self):
        return self.d.get("RoleDetailList", [])

    def policies(self):
        return self.d.get("Policies", [])

    def principals(self):
        """(kind, name, entity) for every user, group and role."""
        for u in self.users():
            yield "user", u.get("UserName"), u
        for g in self.groups():
            yield "group", g.get("GroupName"), g
        for r in self.roles():
            yield "role", r.get("RoleName"), r

    def inline_list(self, kind, entity):
        return entity.get({"user": "UserPolicyList", "group": "GroupPolicyList",
                           "role": "RolePolicyList"}[kind], [])

    # ------------------------------------------------------------------ checks
    def top_level(self):
        for key, typ in TOP_LEVEL.items():
            if self.expect(key in self.d, f"top level: missing key {key}"):
                self.expect(isinstance(self.d[key], typ), f"top level: {key} should be a {typ.__name__}")
        self.expect(re.fullmatch(r"\d{12}", self.acct) is not None, f"AccountId {self.acct!r} is not 12 digits")

    def documents(self):
        def check_doc(where, doc):
            if not self.expect(isinstance(doc, dict), f"{where}: policy document is not a JSON object"):
                return
            self.expect(doc.get("Version") == "2012-10-17", f"{where}: Version should be 2012-10-17")
            stmts = doc.get("Statement")
            stmts = [stmts] if isinstance(stmts, dict) else stmts
            if not self.expect(isinstance(stmts, list) and stmts, f"{where}: no Statement"):
                return
            sids = [s.get("Sid") for s in stmts if s.get("Sid") is not None]
            self.expect(len(sids) == len(set(sids)), f"{where}: duplicate Sid")
            for s in stmts:
                self.expect(s.get("Effect") in ("Allow", "Deny"), f"{where}: bad Effect {s.get('Effect')!r}")
                self.expect(("Action" in s) != ("NotAction" in s), f"{where}: needs exactly one of Action/NotAction")

        for kind, name, e in self.principals():
            for p in self.inline_list(kind, e):
                check_doc(f"{kind} {name} inline {p.get('PolicyName')}", p.get("PolicyDocument"))
            if kind == "role":
                check_doc(f"role {name} trust policy", e.get("AssumeRolePolicyDocument"))
        for p in self.policies():
            for v in p.get("PolicyVersionList", []):
                check_doc(f"policy {p.get('PolicyName')} {v.get('VersionId')}", v.get("Document"))
        for rp in self.d.get("ResourcePolicies", []):
            check_doc(f"resource policy on {rp.get('ResourceArn')}", rp.get("Policy"))
        for key in ("ServiceControlPolicies", "ResourceControlPolicies"):
            for p in self.d.get(key, []):
                check_doc(f"{key} {p.get('Name')}", p.get("Policy"))
                t = p.get("Target", "")
                self.expect(re.fullmatch(r"r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12}", t)
                            is not None, f"{key} {p.get('Name')}: bad Target {t!r}")

    def arns(self):
        a = self.acct
        for kind, name, e in self.principals():
            path = e.get("Path", "")
            self.expect(path.startswith("/") and path.endswith("/"), f"{kind} {name}: bad Path {path!r}")
            self.expect(e.get("Arn") == f"arn:aws:iam::{a}:{kind}{path}{name}",
                        f"{kind} {name}: Arn {e.get('Arn')!r} does not match account/path/name")
        for p in self.policies():
            arn, name, path = p.get("Arn", ""), p.get("PolicyName"), p.get("Path", "")
            ok = arn in (f"arn:aws:iam::{a}:policy{path}{name}", f"arn:aws:iam::aws:policy{path}{name}")
            self.expect(ok, f"policy {name}: Arn {arn!r} does not match path/name")

    def unique_ids(self):
        seen = Counter()
        def check(kind, ident, owner):
            if self.expect(isinstance(ident, str) and UNIQUE_ID.match(ident) is not None,
                           f"{owner}: malformed unique id {ident!r}"):
                self.expect(ident.startswith(ID_PREFIX[kind]), f"{owner}: {kind} id should start with {ID_PREFIX[kind]}")
            seen[ident] += 1
        for kind, name, e in self.principals():
            check(kind, e.get({"user": "UserId", "group": "GroupId", "role": "RoleId"}[kind]), f"{kind} {name}")
        for p in self.policies():
            check("policy", p.get("PolicyId"), f"policy {p.get('PolicyName')}")
        profiles = {}
        for r in self.roles():
            for ip in r.get("InstanceProfileList", []):
                profiles[ip.get("InstanceProfileId")] = ip  # the same profile may appear under several roles
        for ident, ip in profiles.items():
            check("instance-profile", ident, f"instance profile {ip.get('InstanceProfileName')}")
        for u in self.users():
            for k in u.get("AccessKeys", []):
                kid = k.get("AccessKeyId")
                self.expect(isinstance(kid, str) and ACCESS_KEY_ID.match(kid) is not None,
                            f"user {u.get('UserName')}: malformed access key id {kid!r}")
                seen[kid] += 1
        for ident, n in seen.items():
            self.expect(n == 1, f"unique id {ident} is used {n} times")
        for what, items, key in (("user", self.users(), "UserName"), ("group", self.groups(), "GroupName"),
                                 ("role", self.roles(), "RoleName"), ("policy", self.policies(), "Arn")):
            for name, n in Counter(i.get(key) for i in items).items():
                self.expect(n == 1, f"{what} {name} appears {n} times")

    def policy_entries(self):
        for p in self.policies():
            name = p.get("PolicyName")
            versions = p.get("PolicyVersionList", [])
            defaults = [v for v in versions if v.get("IsDefaultVersion")]
            if self.expect(len(defaults) == 1, f"policy {name}: {len(defaults)} default versions"):
                self.expect(defaults[0].get("VersionId") == p.get("DefaultVersionId"),
                            f"policy {name}: DefaultVersionId {p.get('DefaultVersionId')} is not the default version")
            ids = [v.get("VersionId") for v in versions]
            self.expect(len(ids) == len(set(ids)), f"policy {name}: duplicate VersionId")
            self.expect(all(re.fullmatch(r"v\d+", i or "") for i in ids), f"policy {name}: bad VersionId in {ids}")
            self.expect(isinstance(p.get("IsAttachable"), bool), f"policy {name}: IsAttachable is not a bool")

    def attachments(self):
        by_arn = {p.get("Arn"): p for p in self.policies()}
        attached, bounded = Counter(), Counter()
        for kind, name, e in self.principals():
            for a in e.get("AttachedManagedPolicies", []):
                arn = a.get("PolicyArn")
                attached[arn] += 1
                pol = by_arn.get(arn)
                if self.expect(pol is not None, f"{kind} {name}: attached {arn} is not in Policies"):
                    self.expect(pol.get("PolicyName") == a.get("PolicyName"),
                                f"{kind} {name}: attached PolicyName {a.get('PolicyName')!r} != {pol.get('PolicyName')!r}")
            names = [a.get("PolicyArn") for a in e.get("AttachedManagedPolicies", [])]
            self.expect(len(names) == len(set(names)), f"{kind} {name}: a policy is attached twice")
            inl = [p.get("PolicyName") for p in self.inline_list(kind, e)]
            self.expect(len(inl) == len(set(inl)), f"{kind} {name}: duplicate inline policy name")
            pb = e.get("PermissionsBoundary")
            if pb is not None:
                self.expect(kind != "group", f"group {name}: groups cannot have a permissions boundary")
                self.expect(pb.get("PermissionsBoundaryType") == "PermissionsBoundaryPolicy",
                            f"{kind} {name}: PermissionsBoundaryType should be PermissionsBoundaryPolicy")
                arn = pb.get("PermissionsBoundaryArn")
                bounded[arn] += 1
                self.expect(arn in by_arn, f"{kind} {name}: boundary {arn} is not in Policies")
        for arn, p in by_arn.items():
            self.expect(p.get("AttachmentCount") == attached[arn],
                        f"policy {p.get('PolicyName')}: AttachmentCount {p.get('AttachmentCount')} but attached {attached[arn]} times")
            self.expect(p.get("PermissionsBoundaryUsageCount") == bounded[arn],
                        f"policy {p.get('PolicyName')}: PermissionsBoundaryUsageCount "
                        f"{p.get('PermissionsBoundaryUsageCount')} but used {bounded[arn]} times")
            if attached[arn]:
                self.expect(p.get("IsAttachable") or p.get("Path") == "/aws-service-role/",
                            f"policy {p.get('PolicyName')}: attached but IsAttachable is false")

    def memberships(self):
        groups = {g.get("GroupName") for g in self.groups()}
        for u in self.users():
            gl = u.get("GroupList", [])
            self.expect(len(gl) == len(set(gl)), f"user {u.get('UserName')}: duplicate group in GroupList")
            for g in gl:
                self.expect(g in groups, f"user {u.get('UserName')}: GroupList names unknown group {g!r}")

    def instance_profiles(self):
        roles_by_name = {r.get("RoleName"): r for r in self.roles()}
        for r in self.roles():
            for ip in r.get("InstanceProfileList", []):
                where = f"role {r.get('RoleName')} instance profile {ip.get('InstanceProfileName')}"
                self.expect(ip.get("Arn") == f"arn:aws:iam::{self.acct}:instance-profile{ip.get('Path')}"
                            f"{ip.get('InstanceProfileName')}", f"{where}: Arn does not match path/name")
                inner = ip.get("Roles", [])
                self.expect(any(x.get("RoleName") == r.get("RoleName") for x in inner),
                            f"{where}: Roles does not contain the role it is listed under")
                for x in inner:
                    full = roles_by_name.get(x.get("RoleName"))
                    if not self.expect(full is not None, f"{where}: lists unknown role {x.get('RoleName')!r}"):
                        continue
                    for k in ("Path", "RoleId", "Arn", "CreateDate", "AssumeRolePolicyDocument"):
                        self.expect(x.get(k) == full.get(k), f"{where}: role {x.get('RoleName')} {k} differs from RoleDetailList")
                    self.expect(any(p.get("InstanceProfileId") == ip.get("InstanceProfileId")
                                    for p in full.get("InstanceProfileList", [])),
                                f"{where}: role {x.get('RoleName')} does not list this profile back")

    def cognito(self):
        role_arns = {r.get("Arn"): r for r in self.roles()}
        user_pools = {p.get("Id"): p for p in self.d.get("UserPools", [])}
        for up in user_pools.values():
            region = (up.get("Id") or "_").split("_")[0]
            self.expect(up.get("Arn") == f"arn:aws:cognito-idp:{region}:{self.acct}:userpool/{up.get('Id')}",
                        f"user pool {up.get('Name')}: Arn does not match region/account/Id")
        for pool in self.d.get("IdentityPools", []):
            name, pid = pool.get("IdentityPoolName"), pool.get("IdentityPoolId")
            for key, arn in (pool.get("Roles") or {}).items():
                self.expect(key in ("authenticated", "unauthenticated"), f"identity pool {name}: unknown Roles key {key!r}")
                role = role_arns.get(arn)
                if not self.expect(role is not None, f"identity pool {name}: {key} role {arn} is not in RoleDetailList"):
                    continue
                trust = json.dumps(role.get("AssumeRolePolicyDocument"))
                self.expect("sts:AssumeRoleWithWebIdentity" in trust and pid in trust and f'"{key}"' in trust,
                            f"identity pool {name}: {key} role {role.get('RoleName')} trust does not name this pool and amr {key}")
            if pool.get("AllowUnauthenticatedIdentities"):
                self.expect("unauthenticated" in (pool.get("Roles") or {}),
                            f"identity pool {name}: allows guests but has no unauthenticated role")
            for prov in pool.get("CognitoIdentityProviders", []):
                pn = prov.get("ProviderName", "")
                m = re.fullmatch(r"cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/(\S+)", pn)
                if self.expect(m is not None, f"identity pool {name}: bad ProviderName {pn!r}"):
                    self.expect(m.group(2) in user_pools, f"identity pool {name}: provider {pn} is not in UserPools")

    def providers(self):
        saml = {p.get("Arn") for p in self.d.get("SAMLProviders", [])}
        oidc = {p.get("Arn"): p for p in self.d.get("OpenIDConnectProviders", [])}
        for arn in saml:
            self.expect(re.fullmatch(rf"arn:aws:iam::{self.acct}:saml-provider/[\w.@-]+", arn or "") is not None,
                        f"SAML provider {arn!r}: not a saml-provider ARN of this account")
        for p in self.d.get("SAMLProviders", []):
            created, until = p.get("CreateDate", ""), p.get("ValidUntil", "")
            self.expect(not until or until > created, f"SAML provider {p.get('Arn')}: ValidUntil is not after CreateDate")
        for arn, p in oidc.items():
            prefix = f"arn:aws:iam::{self.acct}:oidc-provider/"
            if self.expect((arn or "").startswith(prefix), f"OIDC provider {arn!r}: not an oidc-provider ARN of this account"):
                self.expect(p.get("Url") == arn[len(prefix):], f"OIDC provider {arn}: Url {p.get('Url')!r} is not the ARN's")
            self.expect(bool(p.get("ClientIDList")), f"OIDC provider {arn}: no ClientIDList")
        for r in self.roles():
            stmts = (r.get("AssumeRolePolicyDocument") or {}).get("Statement", [])
            for s in (stmts if isinstance(stmts, list) else [stmts]):
                fed = (s.get("Principal") or {}).get("Federated") if isinstance(s.get("Principal"), dict) else None
                for f in ([fed] if isinstance(fed, str) else fed or []):
                    self.expect(f in saml or f in oidc or f in WELL_KNOWN_PROVIDERS,
                                f"role {r.get('RoleName')}: trusts {f}, which is neither a listed provider nor one IAM knows by name")

    def credential_report(self):
        rows = self.d.get("CredentialReport", [])
        for i, row in enumerate(rows):
            self.expect(list(row.keys()) == REPORT_COLUMNS,
                        f"credential report row {i} ({row.get('user')}): columns differ from the report's")
            for k, v in row.items():
                self.expect(isinstance(v, str), f"credential report {row.get('user')}.{k}: not a string")
        names = [r.get("user") for r in rows]
        self.expect(names.count("<root_account>") == 1, "credential report: needs exactly one <root_account> row")
        users = {u.get("UserName"): u for u in self.users()}
        self.expect(sorted(n for n in names if n != "<root_account>") == sorted(users),
                    f"credential report users {sorted(names)} != UserDetailList {sorted(users)}")
        for row in rows:
            who = row.get("user")
            if who == "<root_account>":
                self.expect(row.get("arn") == f"arn:aws:iam::{self.acct}:root", "credential report: bad root arn")
                for k in ("password_enabled", "password_last_changed", "password_next_rotation"):
                    self.expect(row.get(k) == "not_supported", f"credential report root {k} should be not_supported")
                continue
            u = users.get(who)
            if u is None:
                continue
            w = f"credential report {who}"
            rd = lambda z: z.replace("Z", "+00:00") if isinstance(z, str) else z  # noqa: E731
            self.expect(row["arn"] == u.get("Arn"), f"{w}: arn differs from the user's")
            self.expect(row["user_creation_time"] == rd(u.get("CreateDate")), f"{w}: user_creation_time != CreateDate")
            lp = u.get("LoginProfile")
            self.expect(row["password_enabled"] == ("true" if lp else "false"), f"{w}: password_enabled disagrees with LoginProfile")
            if lp:
                want = rd(u["PasswordLastUsed"]) if u.get("PasswordLastUsed") else "no_information"
                self.expect(row["password_last_used"] == want, f"{w}: password_last_used disagrees with PasswordLastUsed")
                self.expect(REPORT_DATE.match(row["password_last_changed"]) is not None
                            and row["password_last_changed"] >= rd(lp.get("CreateDate")),
                            f"{w}: password_last_changed should be a date not before LoginProfile.CreateDate")
            else:
                self.expect("PasswordLastUsed" not in u, f"user {who}: PasswordLastUsed without a LoginProfile")
                for k in ("password_last_used", "password_last_changed", "password_next_rotation"):
                    self.expect(row[k] == "N/A", f"{w}: {k} should be N/A without a password")
            self.expect(row["mfa_active"] == ("true" if u.get("MFADevices") else "false"),
                        f"{w}: mfa_active disagrees with MFADevices")
            keys = sorted(u.get("AccessKeys", []), key=lambda k: k.get("CreateDate", ""))
            self.expect(len(keys) <= 2, f"user {who}: more than two access keys")
            for n in (1, 2):
                p = f"access_key_{n}_"
                k = keys[n - 1] if len(keys) >= n else None
                if k is None:
                    self.expect(row[p + "active"] == "false", f"{w}: {p}active should be false (no key)")
                    for c in ("last_rotated", "last_used_date", "last_used_region", "last_used_service"):
                        self.expect(row[p + c] == "N/A", f"{w}: {p}{c} should be N/A (no key)")
                    continue
                self.expect(k.get("Status") in ("Active", "Inactive"), f"user {who}: key {k.get('AccessKeyId')} bad Status")
                self.expect(row[p + "active"] == ("true" if k.get("Status") == "Active" else "false"),
                            f"{w}: {p}active disagrees with key {k.get('AccessKeyId')}")
                self.expect(row[p + "last_rotated"] == rd(k.get("CreateDate")), f"{w}: {p}last_rotated != key CreateDate")
                if k.get("LastUsedDate"):
                    self.expect(row[p + "last_used_date"] == rd(k["LastUsedDate"]), f"{w}: {p}last_used_date differs")
                    self.expect(row[p + "last_used_region"] == k.get("LastUsedRegion"), f"{w}: {p}last_used_region differs")
                    self.expect(row[p + "last_used_service"] == k.get("LastUsedService"), f"{w}: {p}last_used_service differs")
                    self.expect(k["LastUsedDate"] >= k.get("CreateDate", ""), f"user {who}: key used before it was created")
                else:
                    self.expect(k.get("LastUsedService") == "N/A" and k.get("LastUsedRegion") == "N/A",
                                f"user {who}: never-used key should have LastUsedService/Region N/A")
                    for c in ("last_used_date", "last_used_region", "last_used_service"):
                        self.expect(row[p + c] == "N/A", f"{w}: {p}{c} should be N/A (key never used)")
            for mfa in u.get("MFADevices", []):
                self.expect(str(mfa.get("SerialNumber", "")).startswith(f"arn:aws:iam::{self.acct}:mfa/"),
                            f"user {who}: MFA SerialNumber should be an mfa/ ARN in this account")
        for k in (k for r in rows for k in r.items()):
            if k[0] in ("user", "arn"):
                continue
            v = k[1]
            if LOOKS_LIKE_DATE.match(v):
                self.expect(REPORT_DATE.match(v) is not None, f"credential report: {k[0]} {v!r} not in +00:00 form")
            else:
                self.expect(v in ("true", "false", "N/A", "not_supported", "no_information") or k[0].endswith(("_region", "_service")),
                            f"credential report: unexpected value {v!r} in {k[0]}")

    def dates(self):
        def walk(node, where):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k in ("Document", "PolicyDocument", "AssumeRolePolicyDocument", "Policy"):
                        continue  # policy language, not dates
                    if k == "CredentialReport":
                        walk(v, k)
                        continue
                    if isinstance(v, str) and (k.endswith("Date") or k in ("PasswordLastUsed", "ValidUntil")):
                        self.expect(Z_DATE.match(v) is not None, f"{where}.{k}: {v!r} is not an ISO 8601 UTC date ending in Z")
                    if k == "ValidUntil":
                        continue  # the end of a provider's validity lies ahead of the export
                    walk(v, f"{where}.{k}")
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, f"{where}[{i}]")
            elif isinstance(node, str) and LOOKS_LIKE_DATE.match(node):
                try:
                    t = datetime.fromisoformat(node.replace("Z", "+00:00"))
                except ValueError:
                    self.fail(f"{where}: {node!r} does not parse as a date")
                    return
                if self.expect(t.tzinfo is not None, f"{where}: {node!r} has no time zone"):
                    self.expect(t < CUTOFF, f"{where}: {node!r} is not before {CUTOFF.date()}")
        walk(self.d, "$")

    def managed_data(self, path: Path | None):
        aws = [p for p in self.policies() if p.get("Arn", "").startswith("arn:aws:iam::aws:policy/")]
        for p in self.policies():
            if p not in aws:
                self.expect(p.get("Arn", "").startswith(f"arn:aws:iam::{self.acct}:policy/"),
                            f"policy {p.get('PolicyName')}: customer-managed ARN not in account {self.acct}")
        if path is None:
            return "skipped (no managed policy data found)"
        src = {p["Arn"]: p for p in json.loads(path.read_text())}
        norm = lambda s: s.replace(".000Z", "Z")  # noqa: E731
        for p in aws:
            ref = src.get(p["Arn"])
            if not self.expect(ref is not None, f"policy {p['PolicyName']}: {p['Arn']} is not in {path.name}"):
                continue
            for k in ("PolicyName", "Path", "DefaultVersionId"):
                self.expect(p.get(k) == ref[k], f"policy {p['PolicyName']}: {k} {p.get(k)!r} != {ref[k]!r}")
            self.expect(p.get("CreateDate") == norm(ref["CreateDate"]) and p.get("UpdateDate") == norm(ref["UpdateDate"]),
                        f"policy {p['PolicyName']}: dates differ from {path.name}")
            default = [v for v in p.get("PolicyVersionList", []) if v.get("IsDefaultVersion")]
            self.expect(bool(default) and default[0].get("Document") == ref["Document"],
                        f"policy {p['PolicyName']}: default document differs from {path.name}")
        return f"compared {len(aws)} AWS-managed policies with {path}"

    def story(self):
        have = {
            "users": {u.get("UserName") for u in self.users()},
            "groups": {g.get("GroupName") for g in self.groups()},
            "roles": {r.get("RoleName") for r in self.roles()},
            "policies": {p.get("PolicyName") for p in self.policies()},
            "scps": {p.get("Name") for p in self.d.get("ServiceControlPolicies", [])},
            "resources": {p.get("ResourceArn") for p in self.d.get("ResourcePolicies", [])},
            "instance_profiles": {ip.get("InstanceProfileName") for r in self.roles()
                                  for ip in r.get("InstanceProfileList", [])},
            "saml_providers": {(p.get("Arn") or "").rsplit("/", 1)[-1] for p in self.d.get("SAMLProviders", [])},
            "oidc_providers": {p.get("Url") for p in self.d.get("OpenIDConnectProviders", [])},
        }
        for kind, names in have.items():
            for n in STORY[kind]:
                self.expect(n in names, f"story: {kind[:-1].replace('_', ' ')} {n!r} is missing")
        entities = {(k, n): e for k, n, e in self.principals()}
        docs = {}
        for (kind, name), want in STORY["inline"].items():
            e = entities.get((kind, name), {})
            inl = {p.get("PolicyName"): p.get("PolicyDocument") for p in self.inline_list(kind, e)}
            for w in want:
                self.expect(w in inl, f"story: {kind} {name} lacks inline policy {w!r}")
            docs.update(inl)
        for p in self.policies():
            default = [v for v in p.get("PolicyVersionList", []) if v.get("IsDefaultVersion")]
            if default:
                docs[p.get("PolicyName")] = default[0].get("Document")
        for rp in self.d.get("ResourcePolicies", []):
            docs[rp.get("ResourceArn")] = rp.get("Policy")
        for holder, sids in STORY["sids"].items():
            stmts = (docs.get(holder) or {}).get("Statement", [])
            present = {s.get("Sid") for s in (stmts if isinstance(stmts, list) else [stmts])}
            for s in sids:
                self.expect(s in present, f"story: {holder} lacks Sid {s!r}")
        pools = {p.get("IdentityPoolName"): p.get("IdentityPoolId") for p in self.d.get("IdentityPools", [])}
        for n, i in STORY["identity_pools"].items():
            self.expect(pools.get(n) == i, f"story: identity pool {n} should have id {i}")
        ups = {p.get("Name"): p.get("Id") for p in self.d.get("UserPools", [])}
        for n, i in STORY["user_pools"].items():
            self.expect(ups.get(n) == i, f"story: user pool {n} should have id {i}")
        versions = next((p.get("PolicyVersionList", []) for p in self.policies()
                         if p.get("PolicyName") == "DevelopersS3Read"), [])
        self.expect(len(versions) >= 2, "story: DevelopersS3Read should keep an older version")

    def run(self, managed_path):
        self.top_level()
        if self.problems:
            return None
        for step in (self.documents, self.arns, self.unique_ids, self.policy_entries, self.attachments,
                     self.memberships, self.instance_profiles, self.cognito, self.providers, self.credential_report,
                     self.dates, self.story):
            step()
        return self.managed_data(managed_path)


def find_managed(arg: str | None) -> Path | None:
    if arg:
        return Path(arg)
    candidates = []
    if os.environ.get("IAMSCOPE_SHARED_DATA"):
        candidates.append(Path(os.environ["IAMSCOPE_SHARED_DATA"]))
    candidates.append(REPO.parent / "shared" / "data")
    for c in candidates:
        f = c / "managed-policies" / "aws-managed-policies.json"
        if f.is_file():
            return f
    return None


def summary(d: dict) -> str:
    keys = [k for u in d["UserDetailList"] for k in u.get("AccessKeys", [])]
    parts = [
        f"{len(d['UserDetailList'])} users", f"{len(d['GroupDetailList'])} groups",
        f"{len(d['RoleDetailList'])} roles",
        f"{sum(len(r.get('InstanceProfileList', [])) for r in d['RoleDetailList'])} instance profiles",
        f"{len(d['Policies'])} managed policies "
        f"({sum(p['Arn'].startswith('arn:aws:iam::aws:') for p in d['Policies'])} AWS)",
        f"{sum(len(e.get(k, [])) for L, k in (('UserDetailList', 'UserPolicyList'), ('GroupDetailList', 'GroupPolicyList'), ('RoleDetailList', 'RolePolicyList')) for e in d[L])} inline policies",
        f"{len(keys)} access keys", f"{len(d['ResourcePolicies'])} resource policies",
        f"{len(d['ServiceControlPolicies'])} SCPs", f"{len(d['ResourceControlPolicies'])} RCPs",
        f"{len(d['IdentityPools'])} identity pools", f"{len(d['UserPools'])} user pools",
        f"{len(d['SAMLProviders'])} SAML and {len(d['OpenIDConnectProviders'])} OIDC providers",
        f"{len(d['CredentialReport'])} credential report rows",
    ]
    return ", ".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    ap.add_argument("--managed-policies", help="aws-managed-policies.json to compare AWS-managed policies with")
    args = ap.parse_args(argv)
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"{args.file}: cannot read: {e}", file=sys.stderr)
        return 1
    if not isinstance(data, dict):
        print(f"{args.file}: top level is not a JSON object", file=sys.stderr)
        return 1
    c = Checker(data)
    note = c.run(find_managed(args.managed_policies))
    if c.problems:
        for p in c.problems:
            print(f"{args.file}: {p}", file=sys.stderr)
        print(f"{len(c.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{args.file}: OK — {summary(data)}; managed policy data: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
