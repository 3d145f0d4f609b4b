#!/usr/bin/env python3
"""Recorded version orderings of the reference tools, for the osv plugin's
tests (plugins/osv/src/tests.rs reads tests/data/reference-orders/).

Each table holds lines `A op B` (op one of <, =, >): how the reference tool
orders A against B. The tests always assert every line against the
plugin's own orders, both ways round, so they need none of the tools; this
script is what produced the tables and re-checks them where a tool exists.

    scripts/reference-orders.py            re-check every table whose tool
                                           is installed; say which are not
    scripts/reference-orders.py --write    recompute every table (needs all
                                           three tools) and record their
                                           versions in the headers
    scripts/reference-orders.py --seed     choose the pairs afresh (see
                                           seed_pairs), then --write

Tools: `dpkg --compare-versions` (Debian's dpkg), `rpm.vercmp` through
rpm's Lua interpreter (`apt-get install rpm`), and PyPA `packaging` before
22 (`pip install 'packaging<22'`), whose `parse` still returns a
LegacyVersion for strings PEP 440 does not read.
"""

import argparse
import glob
import json
import os
import random
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TABLES = os.path.join(ROOT, "tests", "data", "reference-orders")
SYMBOL = {-1: "<", 0: "=", 1: ">"}


class Missing(Exception):
    """A reference tool is not installed."""


# --- the tools -------------------------------------------------------------


def dpkg_version():
    try:
        out = subprocess.run(["dpkg", "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as err:
        raise Missing("dpkg (Debian's dpkg package)") from err
    return out.stdout.splitlines()[0]


def dpkg_compare(pairs):
    """dpkg --compare-versions, three-way."""
    results = []
    for a, b in pairs:
        def holds(op):
            return subprocess.run(["dpkg", "--compare-versions", a, op, b]).returncode == 0

        results.append(-1 if holds("lt") else 0 if holds("eq") else 1)
    return results


def rpm_version():
    try:
        out = subprocess.run(["rpm", "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as err:
        raise Missing("rpm (apt-get install rpm)") from err
    return out.stdout.strip()


RPM_SAFE = re.compile(r"[A-Za-z0-9.+~^_:-]+")


def rpm_compare(pairs):
    """rpm.vercmp through rpm's Lua interpreter, in batches (versions are
    limited to characters that neither Lua strings nor rpm macros treat
    specially)."""
    for a, b in pairs:
        if not (RPM_SAFE.fullmatch(a) and RPM_SAFE.fullmatch(b)):
            sys.exit(f"rpm table: {a!r} / {b!r} hold characters rpm --eval would expand")
    results = []
    for start in range(0, len(pairs), 400):
        batch = pairs[start : start + 400]
        script = "".join(
            "%%{lua: print(rpm.vercmp('%s', '%s'))}\n" % (a, b) for a, b in batch
        )
        out = subprocess.run(
            ["rpm", "--eval", script], capture_output=True, text=True, check=True
        ).stdout
        printed = [int(line) for line in out.split("\n") if line.strip()]
        if len(printed) != len(batch):
            sys.exit(f"rpm printed {len(printed)} results for {len(batch)} pairs")
        results.extend(printed)
    return results


def pypa():
    try:
        import packaging
        from packaging import version
    except ImportError as err:
        raise Missing("PyPA packaging before 22 (pip install 'packaging<22')") from err
    if not hasattr(version, "LegacyVersion"):
        raise Missing(
            f"PyPA packaging before 22 (found {packaging.__version__}, which has no "
            "LegacyVersion; pip install 'packaging<22')"
        )
    return packaging, version


def pypa_version():
    packaging, _ = pypa()
    return f"PyPA packaging {packaging.__version__} (packaging.version.parse)"


def pypa_compare(pairs):
    _, version = pypa()
    results = []
    for a, b in pairs:
        x, y = version.parse(a), version.parse(b)
        results.append((x > y) - (x < y))
    return results


TOOLS = {
    "dpkg": (dpkg_version, dpkg_compare),
    "rpm": (rpm_version, rpm_compare),
    "pypa": (pypa_version, pypa_compare),
}

# --- the tables ------------------------------------------------------------

LINE = re.compile(r"^(\S+) ([<=>?]) (\S+)$")


def table_path(name):
    return os.path.join(TABLES, f"{name}.txt")


def read_table(name):
    """(a, op, b) of every line, comments and blank lines skipped."""
    rows = []
    with open(table_path(name), encoding="utf-8") as table:
        for number, line in enumerate(table, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            match = LINE.match(line)
            if not match:
                sys.exit(f"{table_path(name)}:{number}: not `A op B`: {line!r}")
            rows.append(match.groups())
    return rows


def write_table(name, rows, tool):
    with open(table_path(name), "w", encoding="utf-8") as table:
        table.write(f"# {name}: how {tool} orders A against B.\n")
        table.write("# Written by scripts/reference-orders.py --write; do not edit the\n")
        table.write("# operators by hand (add pairs with `?` and run the script).\n")
        for a, op, b in rows:
            table.write(f"{a} {op} {b}\n")


def check(name):
    version, compare = TOOLS[name]
    try:
        tool = version()
    except Missing as missing:
        print(f"{name}: not re-checked, {missing} is not installed")
        return None
    rows = read_table(name)
    results = compare([(a, b) for a, _, b in rows])
    wrong = [
        f"  {a} {op} {b}: {tool} says {SYMBOL[result]}"
        for (a, op, b), result in zip(rows, results)
        if SYMBOL[result] != op
    ]
    if wrong:
        print(f"{name}: {len(wrong)} of {len(rows)} lines disagree with {tool}:")
        print("\n".join(wrong[:50]))
        return False
    print(f"{name}: {len(rows)} lines agree with {tool}")
    return True


def write(name):
    version, compare = TOOLS[name]
    tool = version()
    rows = read_table(name)
    results = compare([(a, b) for a, _, b in rows])
    write_table(name, [(a, SYMBOL[r], b) for (a, _, b), r in zip(rows, results)], tool)
    print(f"{name}: wrote {len(rows)} lines with {tool}")


# --- choosing pairs --------------------------------------------------------

DPKG_ATOMS = """1.0 1.0~rc1 1.0~~ 1.0~ 1.0-1 1.0-1~bpo1 1.0+dfsg-1 1:0.9 0:1.0 1.0a 1.0.0 1.00
1.0-01 2.7.4-1~deb12u1 2.7.4-1 2.7.4-1+b1 3.0.11-1~deb12u2 3.0.13-1~deb12u1 1.2.3a 1.2.3+b1
0.9.8g-15 0.9.8-15 5.2.15-2+b2 5.2.15-2+b10 1.0.0~~a 1.0.0~ 2024a-0+deb12u1 1:2.38.1-5+deb12u3
10.0-1 9.9-1 1.0-1ubuntu1 1.0-1ubuntu0.1 1.0-1build1 1.0+really0.9-1 1.0.is.0.9-1 2:1.0 1.0-1.1
1.0-1a 1.0-1.0""".split()

RPM_ATOMS = """1.0-1 1:1.0-1 2.0-1 1.0-1.el9 1.0-2.el9 1.0~rc1-1 1.0a 1.0 1.10 1.9 3.0.7-25.el9_3
3.0.7-27.el9 1:3.0.7-25.el9_3 1:3.0.7-27.el9 7.76.1-26.el9_3.2 1:7.0.0-1.el9 5.1.8-6.el9_1
1.0^git1-1 1.0.1-1 2.0.1-1 2.0.a-1 1.0-1.fc39 1.0-1.fc39.1 0:1.0-1 1.0~~-1 1.0~-1 1.0^-1
1.0^^-1 1.0_1-1 1.0.01-1 1.0.1 1.01 1 1-1 1- a b 1.0-1.el9~beta 2.34-83.el9.7
2.34-83.el9.12""".split()

PYPA_ATOMS = """1.0.dev456 1.0a1 1.0a2.dev456 1.0a12.dev456 1.0a12 1.0b1.dev456 1.0b2
1.0b2.post345.dev456 1.0b2.post345 1.0rc1.dev456 1.0rc1 1.0 1.0+abc.5 1.0+abc.7 1.0+5
1.0.post456.dev34 1.0.post456 1.0.15 1.1.dev1 1!0.5 2.0 1.0.0 1.0c1 1.0-1 1.0.post1 1.0-r2
1.0beta2 1.0alpha1 v1.0 1.0.0a0 1.0.0.dev0 0.7.4.svn.r2010 2014-01-12T15-52-10 2.0.1rc2-git
1.0-dev-r1234 1.0_1 dev 1.0.final 2.0-beta_3 0.1.2-fix 2.20.0""".split()


def all_pairs(atoms):
    return [(a, b) for i, a in enumerate(atoms) for b in atoms[i + 1 :]]


def spread_pairs(versions, count, seed):
    """Neighbours in text order (close calls) and random partners."""
    versions = sorted(set(versions))
    if len(versions) < 2:
        sys.exit("no real versions to choose pairs from")
    rng = random.Random(seed)
    pairs = [(versions[i], versions[i + 1]) for i in range(len(versions) - 1)]
    pairs = rng.sample(pairs, min(count // 2, len(pairs)))
    pairs += [tuple(rng.sample(versions, 2)) for _ in range(count // 2)]
    return pairs


def installed_debian_versions():
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}\n"], capture_output=True, text=True, check=True
    ).stdout
    return [v for v in out.split() if v]


def pypi_versions(shared):
    """Versions named by the PyPI records of shared/osv (events and lists)."""
    found = set()
    for path in glob.glob(os.path.join(shared, "osv", "PyPI", "*.json")):
        with open(path, encoding="utf-8") as record:
            data = json.load(record)
        for affected in data.get("affected", []):
            found.update(affected.get("versions", []))
            for range_ in affected.get("ranges", []):
                if range_.get("type") == "ECOSYSTEM":
                    for event in range_.get("events", []):
                        found.update(event.values())
    return [v for v in found if v != "0" and " " not in v]


def seed_pairs(shared):
    """The pairs first chosen: every pair of each tool's tricky atoms, plus
    real versions: the Debian versions installed here (dpkg and rpm) and
    the PyPI versions of shared/osv's records (PyPA)."""
    debian = installed_debian_versions()
    rpm_real = [line.split("|") for line in open(os.path.join(ROOT, "tests/fixtures/rpm/expected.txt"))]
    rpm_real = [
        (f"{f[1]}:" if f[1] != "(none)" else "") + f"{f[2]}-{f[3]}" for f in rpm_real if len(f) > 3
    ]
    tables = {
        "dpkg": all_pairs(DPKG_ATOMS) + spread_pairs(debian, 600, 1),
        "rpm": all_pairs(RPM_ATOMS)
        + all_pairs(rpm_real)
        + spread_pairs([v for v in debian if RPM_SAFE.fullmatch(v)], 400, 2),
        "pypa": all_pairs(PYPA_ATOMS) + spread_pairs(pypi_versions(shared), 2000, 3),
    }
    os.makedirs(TABLES, exist_ok=True)
    for name, pairs in tables.items():
        unique = list(dict.fromkeys(pairs))
        write_table(name, [(a, "?", b) for a, b in unique], "nothing yet")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="recompute every table")
    parser.add_argument("--seed", action="store_true", help="choose the pairs afresh, then write")
    parser.add_argument(
        "--shared", default=os.path.join(ROOT, "..", "shared"), help="the shared/ directory"
    )
    args = parser.parse_args()
    if args.seed:
        seed_pairs(args.shared)
    if args.seed or args.write:
        for name in TOOLS:
            try:
                write(name)
            except Missing as missing:
                sys.exit(f"{name}: cannot write without {missing}")
        return
    results = [check(name) for name in TOOLS]
    if False in results:
        sys.exit(1)


if __name__ == "__main__":
    main()
