#!/usr/bin/env python3
"""Agreement and matching time of release builds over osv-scanner's version
suites (docs/vulnerabilities.md has the figures).

The e2e tests write one target and OSV database per ecosystem when asked to
keep them; this script scans each with every binary given, and prints for
each: lines, lines where "reported" equals "A < B", the osv plugin's busy
time (from --stats; median of the runs) and the whole scan's wall time.

    BULKHEAD_KEEP_SUITE_TARGETS=/tmp/suites-targets \\
        cargo test -p bulkhead --test e2e version_suites
    cargo build --release
    bench/version-suites.py /tmp/suites-targets target/release/bulkhead \\
        [/work/baseline/bulkhead-413aff1 ...] [--runs 3]

A binary that cannot load the lister test plugin (built for a newer
contract) is reported as such for the ecosystems that need it.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
LISTER = os.path.join(
    ROOT, "target", "wasm-plugins", "wasm32-wasip2", "release", "bulkhead_test_plugin_lister.wasm"
)


def scan(binary, work, lister):
    args = [
        binary, "scan", os.path.join(work, "target"), "--format", "json",
        "--severity-threshold", "none", "--db", os.path.join(work, "db"),
        "--max-findings-per-call", "1000000", "--plugin-timeout", "600", "--stats",
    ]
    if lister:
        args += ["--plugin", LISTER]
    started = time.monotonic()
    out = subprocess.run(args, capture_output=True, text=True)
    wall = time.monotonic() - started
    if out.returncode not in (0, 1):
        return None, wall, out.stderr.strip().splitlines()[-1:] or ["failed"]
    result = json.loads(out.stdout)
    for line in out.stderr.splitlines():
        if line.startswith("bulkhead-stats "):
            result["stats"] = json.loads(line[len("bulkhead-stats "):])
    return result, wall, None


def evaluate(result, expected):
    reported = {
        f["package"]["name"]
        for f in result.get("findings", [])
        if f.get("rule_id") == "osv/vulnerability" and f.get("package")
    }
    agree = sum(1 for name, less in expected if (name in reported) == less)
    busy = result.get("stats", {}).get("plugins", {}).get("osv", {}).get("busy_ms")
    return agree, len(result.get("packages", [])), busy


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets")
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("ecosystem | binary | lines | inventoried | agree | % | osv busy ms | scan s")
    totals = {}
    for ecosystem in sorted(os.listdir(args.targets)):
        work = os.path.join(args.targets, ecosystem)
        with open(os.path.join(work, "expected.txt")) as f:
            expected = [(n, v == "1") for n, v in (line.split("\t") for line in f.read().splitlines())]
        with open(os.path.join(work, "needs-lister")) as f:
            lister = f.read().strip() == "1"
        for binary in args.binaries:
            runs = [scan(binary, work, lister) for _ in range(args.runs)]
            failed = [error for _, _, error in runs if error]
            label = os.path.basename(binary)
            if failed:
                print(f"{ecosystem} | {label} | {len(expected)} | - | - | - | - | {failed[0][0]}")
                continue
            agree, inventoried, _ = evaluate(runs[0][0], expected)
            busy = statistics.median(evaluate(r, expected)[2] or 0 for r, _, _ in runs)
            wall = statistics.median(w for _, w, _ in runs)
            share = 100.0 * agree / len(expected)
            print(
                f"{ecosystem} | {label} | {len(expected)} | {inventoried} | {agree} | "
                f"{share:.2f} | {busy:.0f} | {wall:.2f}"
            )
            total = totals.setdefault(label, [0, 0, 0.0, 0.0])
            total[0] += len(expected)
            total[1] += agree
            total[2] += busy
            total[3] += wall
    for label, (lines, agree, busy, wall) in totals.items():
        print(f"all | {label} | {lines} | | {agree} | {100.0 * agree / lines:.2f} | {busy:.0f} | {wall:.2f}")


if __name__ == "__main__":
    sys.exit(main())
