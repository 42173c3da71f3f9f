#!/usr/bin/env python3
"""server/ includes only what docs/ARCHITECTURE.md's "may use" column allows.

Usage: include_graph.py SOURCE_DIR

Reads the module table of docs/ARCHITECTURE.md (columns "file | job |
may use") and the #include lines of every server/*.c and server/*.h, and
fails (exit 1, one line per fault) when:
  - a file includes a project header or a library its row does not name;
  - a row names something none of its files includes (the column would
    overstate), or a file that does not exist, or a word that is neither
    a module nor a library;
  - a file of server/ has no row.

Notation (docs/ARCHITECTURE.md says the same):
  file column    one or more `names`, comma-separated: file names, or a
                 glob such as `store*.c` for the files no other row names.
                 A header x.h belongs to the row of x.c unless a row
                 names it.
  may use        `names`, comma-separated, or "nothing": a module is the
                 stem of a server/ header (`store` for "store.h"); a
                 library is one of lws, sqlite3, jansson, zlib, qrencode,
                 nettle. Including net.h counts as lws and including
                 store_private.h as sqlite3 (those headers exist to carry
                 them); a file's own header is always allowed.
Python 3 standard library only.
"""
import fnmatch
import os
import re
import sys

from verdict import usage, verdict

LIBRARIES = {
    "libwebsockets.h": "lws",
    "net.h": "lws",
    "sqlite3.h": "sqlite3",
    "store_private.h": "sqlite3",
    "jansson.h": "jansson",
    "zlib.h": "zlib",
    "qrencode.h": "qrencode",
}
LIBRARY_NAMES = {"lws", "sqlite3", "jansson", "zlib", "qrencode", "nettle"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
NAME = re.compile(r"`([^`]+)`")


def read_table(path):
    """The module table's rows as (files, uses, line number)."""
    rows, in_table = [], False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not in_table:
                in_table = line.startswith("|") and [c.lower() for c in cells] == \
                    ["file", "job", "may use"]
                continue
            if not line.startswith("|"):
                break
            if set(line.strip()) <= set("|-: "):
                continue  # the rule under the header
            if len(cells) != 3:
                raise SystemExit(f"{path}:{number}: a row of the module table "
                                 f"without three cells")
            files = NAME.findall(cells[0])
            uses = NAME.findall(cells[2])
            if not files:
                raise SystemExit(f"{path}:{number}: a row that names no file")
            if not uses and cells[2].lower() != "nothing":
                raise SystemExit(f"{path}:{number}: \"may use\" is neither `names` "
                                 f"nor \"nothing\": {cells[2]!r}")
            rows.append((files, set(uses), number))
    if not rows:
        raise SystemExit(f"{path}: no table with the columns file | job | may use")
    return rows


def used_by(path, headers):
    """The modules and libraries path includes, with its include lines."""
    own = os.path.splitext(os.path.basename(path))[0]
    found = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            name = m.group(2)
            if name in LIBRARIES:
                what = LIBRARIES[name]
            elif name.startswith("nettle/"):
                what = "nettle"
            elif m.group(1) == '"' and name in headers:
                what = os.path.splitext(name)[0]
            elif m.group(1) == '"':
                what = os.path.splitext(name)[0]  # unknown: reported below
            else:
                continue  # the C library and POSIX
            if what == own:
                continue
            found.setdefault(what, []).append(f"{number}: {line.strip()}")
    return found


def row_of(name, rows):
    """The row that names name, else the one whose glob matches it."""
    for row in rows:
        if name in row[0]:
            return row
    for row in rows:
        if any(("*" in p or "?" in p) and fnmatch.fnmatch(name, p) for p in row[0]):
            return row
    return None


def main(argv):
    if len(argv) != 2:
        return usage(__doc__)
    src = argv[1]
    doc = os.path.join(src, "docs", "ARCHITECTURE.md")
    server = os.path.join(src, "server")
    rows = read_table(doc)
    files = sorted(f for f in os.listdir(server) if f.endswith((".c", ".h")))
    headers = {f for f in files if f.endswith(".h")}
    modules = {os.path.splitext(h)[0] for h in headers} - {"net", "store_private"}
    faults, used = [], {id(r): set() for r in rows}

    for files_, uses, number in rows:
        for p in files_:
            if not any(fnmatch.fnmatch(f, p) for f in files):
                faults.append(f"ARCHITECTURE.md:{number}: `{p}` names no file of server/")
        for u in sorted(uses - modules - LIBRARY_NAMES):
            faults.append(f"ARCHITECTURE.md:{number}: `{u}` is neither a module "
                          f"(a server/ header) nor a library")

    for f in files:
        stem, ext = os.path.splitext(f)
        row = row_of(f, rows)
        if row is None and ext == ".h" and stem + ".c" in files:
            row = row_of(stem + ".c", rows)
        if row is None:
            faults.append(f"server/{f}: no row in the module table of ARCHITECTURE.md")
            continue
        for what, lines in sorted(used_by(os.path.join(server, f), headers).items()):
            used[id(row)].add(what)
            if what not in row[1]:
                for line in lines:
                    faults.append(f"server/{f}:{line}: uses `{what}`, which its row "
                                  f"(ARCHITECTURE.md:{row[2]}) does not allow")

    for row in rows:
        for u in sorted(row[1] - used[id(row)]):
            faults.append(f"ARCHITECTURE.md:{row[2]}: allows `{u}`, which no file of "
                          f"the row includes")

    return verdict(faults, f"{len(files)} files of server/ include only what their rows "
                           f"allow ({len(rows)} rows)")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
