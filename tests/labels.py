#!/usr/bin/env python3
"""Every ctest test of a build carries exactly one label, from the list.

Usage: labels.py CTEST BUILD_DIR LABEL...

Asks `ctest --show-only=json-v1` for the tests of BUILD_DIR and fails
(exit 1, one line per culprit) when a test has no label, more than one,
or one outside the LABELs given (tests/CMakeLists.txt passes its
ATELIER_TEST_LABELS). Python 3 standard library only.
"""
import json
import subprocess
import sys

from verdict import usage, verdict


def problems(tests, allowed):
    """One sentence per test whose labels are not exactly one allowed."""
    out = []
    for test in tests:
        labels = []
        for prop in test.get("properties", []):
            if prop.get("name") == "LABELS":
                labels = prop.get("value") or []
        name = test.get("name", "?")
        if not labels:
            out.append(f"{name}: no label")
        elif len(labels) > 1:
            out.append(f"{name}: {len(labels)} labels ({', '.join(labels)}), one is wanted")
        elif labels[0] not in allowed:
            out.append(f"{name}: label {labels[0]!r} is not one of {', '.join(allowed)}")
    return out


def main(argv):
    if len(argv) < 4:
        return usage(__doc__)
    ctest, build, allowed = argv[1], argv[2], argv[3:]
    run = subprocess.run([ctest, "--show-only=json-v1"], cwd=build,
                         capture_output=True, text=True, check=False)
    if run.returncode:
        print(f"ctest --show-only failed: {run.stderr.strip()}", file=sys.stderr)
        return 1
    tests = json.loads(run.stdout).get("tests", [])
    found = problems(tests, allowed) if tests else ["no test found: nothing was checked"]
    return verdict(found, f"{len(tests)} tests, each with one label of {', '.join(allowed)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
