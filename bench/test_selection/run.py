#!/usr/bin/env python3
"""Test selection measured against mutants (docs/mcp.md "Test selection").

For a tree with its own test suite: index it, run the suite once (the
whole suite), then for N functions of the code (not the tests) make the
function return at once with a wrong value, run the suite again, and
compare the tests that fail with the tests POST /diff-impact-analysis
selects for the mutation's diff. Prints one line per mutant and the
summary: recall (failing tests selected / failing tests, pooled and
averaged over the mutants some test caught) and the share of the suite
selected.

usage: run.py PARSELTONGUE python|go TREE [N] [HOPS]
The tree is copied to a temporary folder; TREE itself is not changed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def sh(cmd, cwd, env=None, timeout=900):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout + p.stderr


class Python:
    """toolz (Debian's toolz) and its pytest suite, run by Debian's
    python3 (which has python3-pytest)."""
    code_prefix = "toolz/"
    python = "/usr/bin/python3"

    def prepare(self, src, dst):
        shutil.copytree(src, dst, dirs_exist_ok=True)

    def run_suite(self, root):
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        _, out = sh([self.python, "-m", "pytest", "-q", "-rA", "-p",
                     "no:cacheprovider", "toolz"], root, env, timeout=300)
        run, failed = set(), set()
        for m in re.finditer(r"^(PASSED|FAILED|ERROR) (\S+?\.py)::(\S+)", out,
                             re.M):
            tid = (m.group(2), m.group(3).split("::")[-1].split("[")[0])
            run.add(tid)
            if m.group(1) != "PASSED":
                failed.add(tid)
        if not run:
            raise SystemExit("pytest ran nothing:\n" + out[-2000:])
        return run, failed

    @staticmethod
    def entity_id(t):
        return (t["file_path"], t["name"].split(".")[-1])

    def mutate(self, path, line):
        import ast
        text = open(path).read()
        tree = ast.parse(text)
        for n in ast.walk(tree):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    n.lineno == line:
                first = n.body[0]
                lines = text.split("\n")
                indent = " " * first.col_offset
                lines.insert(first.lineno - 1, indent + "return None  # mutant")
                open(path, "w").write("\n".join(lines))
                return True
        return False


class Go:
    """go-cmp (Debian's golang-github-google-go-cmp) and its go test suite."""
    code_prefix = "cmp/"

    def prepare(self, src, dst):
        shutil.copytree(src, dst, dirs_exist_ok=True)

    def run_suite(self, root):
        env = dict(os.environ, GOFLAGS="-mod=mod", GOPROXY="off",
                   GOTOOLCHAIN="local")
        # a mutant may loop: the test running then fails by its timeout
        _, out = sh(["go", "test", "-json", "-count=1", "-timeout=60s",
                     "./..."], root, env)
        run, failed = set(), set()
        for line in out.splitlines():
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if not ev.get("Test") or ev.get("Action") not in ("pass", "fail"):
                continue
            tid = self.test_id(ev["Package"], ev["Test"])
            run.add(tid)
            if ev["Action"] == "fail":
                failed.add(tid)
        if not run and "build failed" not in out and "FAIL" not in out:
            raise SystemExit("go test ran nothing:\n" + out[-2000:])
        return run, failed

    @staticmethod
    def test_id(pkg, test):
        rel = pkg.split("github.com/google/go-cmp", 1)[1].lstrip("/")
        return (rel, test.split("/")[0])

    @staticmethod
    def entity_id(t):
        return (os.path.dirname(t["file_path"]), t["name"])

    def mutate(self, path, line):
        tool = os.path.join(os.path.dirname(path.split("/tree/")[0] + "/"),
                            "mutate")
        if not os.path.exists(tool):
            subprocess.run(["go", "build", "-o", tool,
                            os.path.join(HERE, "mutate.go")], check=True,
                           env=dict(os.environ, GOTOOLCHAIN="local",
                                    GO111MODULE="off"))
        return subprocess.run([tool, path, str(line)]).returncode == 0


def api(base, path, body=None):
    req = urllib.request.Request(base + path, data=body)
    if body is not None:
        req.add_header("Content-Type", "text/x-diff")
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.load(r)


def serve(pt, root):
    log = open(os.path.join(root, "..", "serve.log"), "w")
    p = subprocess.Popen([pt, "serve", "--db", "mem", "--root", root,
                          "--no-watch", "--port", "0"], stdout=log,
                         stderr=subprocess.STDOUT)
    for _ in range(600):
        time.sleep(0.1)
        m = re.search(r"^Ready: listening on ([\d.]+:\d+)",
                      open(log.name).read(), re.M)
        if m:
            return p, "http://" + m.group(1)
    p.kill()
    raise SystemExit("server not ready: " + open(log.name).read())


def pick(base, prefix, n):
    """n functions of the code, spread over it in key order: at least three
    lines long, so the mutation has a body to cut short."""
    ents = api(base, "/code-entities-list-all?limit=10000")["data"]["entities"]
    fns = [e for e in ents if e["entity_type"] in ("function", "method")
           and e["file_path"].startswith(prefix)
           and e["line_end"] - e["line_start"] >= 2]
    step = max(1, len(fns) // n)
    return fns[::step][:n]


def main():
    pt, kind, tree = sys.argv[1], sys.argv[2], sys.argv[3]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    hops = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    lang = Python() if kind == "python" else Go()
    work = tempfile.mkdtemp(prefix="pt-testsel-")
    root = os.path.join(work, "tree")
    lang.prepare(tree, root)
    t0 = time.time()
    suite, failing0 = lang.run_suite(root)
    print(f"suite: {len(suite)} tests, {len(failing0)} failing before any "
          f"mutation, {time.time() - t0:.1f} s")
    srv, base = serve(pt, root)
    try:
        funcs = pick(base, lang.code_prefix, n)
        pooled_f = pooled_hit = 0
        recalls, shares, caught = [], [], 0
        for e in funcs:
            path = os.path.join(root, e["file_path"])
            orig = open(path).read()
            if not lang.mutate(path, e["line_start"]):
                print(f"skip {e['key']}: no function at line {e['line_start']}")
                continue
            p = subprocess.run(["diff", "-u", "--label", "a/" + e["file_path"],
                                "--label", "b/" + e["file_path"], "/dev/stdin",
                                path], input=orig, capture_output=True,
                               text=True)
            diff = p.stdout
            _, failing = lang.run_suite(root)
            open(path, "w").write(orig)
            failing -= failing0
            sel = api(base, f"/diff-impact-analysis?hops={hops}&limit=10000",
                      diff.encode())["data"]
            selected = {lang.entity_id(t) for t in sel["tests"]} & suite
            hit = failing & selected
            share = len(selected) / len(suite) if suite else 0
            shares.append(share)
            line = (f"{e['qualified_name']:40} changed={sel['changed_count']} "
                    f"failing={len(failing):4} selected={len(selected):4} "
                    f"hit={len(hit):4} share={share:6.1%}")
            if failing:
                caught += 1
                recalls.append(len(hit) / len(failing))
                pooled_f += len(failing)
                pooled_hit += len(hit)
                line += f" recall={len(hit) / len(failing):6.1%}"
                missed = sorted(failing - selected)[:3]
                if missed:
                    line += f" missed e.g. {missed}"
            print(line, flush=True)
        print(f"mutants: {len(shares)}, caught by the suite: {caught}")
        if recalls:
            print(f"recall: pooled {pooled_hit / pooled_f:.1%} "
                  f"({pooled_hit}/{pooled_f}), mean over mutants "
                  f"{sum(recalls) / len(recalls):.1%}")
        if shares:
            print(f"share of the suite selected: mean "
                  f"{sum(shares) / len(shares):.1%}, max {max(shares):.1%}")
    finally:
        srv.terminate()
        srv.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
