#!/usr/bin/env python3
"""No file of server/ but main.c has a mutable variable at file scope.

Usage: globals.py SOURCE_DIR

main.c says it is "the only file with globals"; a cache or a setting that
lives as long as the process belongs to an object main.c makes and passes
down (docs/ARCHITECTURE.md). Reads every server/*.c and fails (exit 1, one
line per variable) on a declaration at file scope, outside main.c, that is
not const (a pointer to const data counts as mutable unless the pointer
is const too): a line at column 0 that starts with "static" or a type,
holds no "(" (so it is no function) unless it declares a function
pointer, and is not a typedef, an extern declaration, a struct, enum or
union definition alone or a preprocessor line. Python 3 standard library
only.
"""
import os
import re
import sys

from verdict import usage, verdict

SKIP = re.compile(r"^(#|typedef\b|extern\b|struct\s+\w+\s*\{\s*$|enum\b|"
                  r"union\s+\w+\s*\{\s*$|\}|/\*| \*|\s|$)")
DECL = re.compile(r"^(static\s+)?[A-Za-z_][\w\s\*]*[\w\]]\s*(=.*|\[.*|;|\{)$")
FN_POINTER = re.compile(r"^(static\s+)?[\w\s\*]+\(\s*\*\s*\w+\s*\)\s*\(.*\)\s*(=.*|;)$")
COMMENT = re.compile(r"/\*.*?\*/|//.*$")


def mutable(text):
    """1 when a file-scope declaration (comments removed) can be written:
    not const, or const only in what a pointer points to."""
    head = text.split("=", 1)[0]
    if not re.match(r"^(static\s+)?const\b", head):
        return "const" not in head.replace("*const", "* const").split("*")[-1]
    return "*" in head and "const" not in head.replace("*const", "* const").split("*")[-1]


def globals_of(path):
    """The lines of path that declare a mutable variable at file scope."""
    found = []
    with open(path, encoding="utf-8") as f:
        depth = 0
        for number, line in enumerate(f, 1):
            text = COMMENT.sub("", line.rstrip("\n")).rstrip()
            if depth == 0 and not SKIP.match(text) and mutable(text) and (
                    ("(" not in text and DECL.match(text)) or FN_POINTER.match(text)):
                found.append(f"{number}: {text.strip()}")
            depth += text.count("{") - text.count("}")
    return found


def main(argv):
    if len(argv) != 2:
        return usage(__doc__)
    server = os.path.join(argv[1], "server")
    faults = []
    files = sorted(f for f in os.listdir(server) if f.endswith(".c"))
    for name in files:
        if name == "main.c":
            continue
        for line in globals_of(os.path.join(server, name)):
            faults.append(f"server/{name}:{line}: a mutable variable at file scope "
                          f"(only main.c may have one)")
    return verdict(faults, f"{len(files) - 1} files of server/ besides main.c: "
                           f"no mutable variable at file scope")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
