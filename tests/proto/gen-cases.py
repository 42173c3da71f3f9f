#!/usr/bin/env python3
"""Writes the protocol cases that are tedious by hand: texts at and one
past their limits (counted in characters, with multi-byte accents and
emoji), a message of exactly the size limit, and raw bytes that are not
UTF-8. The cases it writes are committed; run it again after changing it:

    tests/proto/gen-cases.py

Every other case under cases/ is written by hand."""
import json
import os

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")

# 4 characters of 2, 1, 3 and 4 bytes: counting bytes instead of
# characters gets every limit below wrong.
UNIT = "éa€🙂"


def chars(n):
    """A text of exactly n characters."""
    return (UNIT * (n // len(UNIT) + 1))[:n]


def write(kind, name, raw, result, re=None):
    folder = os.path.join(HERE, kind, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "input"), "wb") as f:
        f.write(raw if isinstance(raw, bytes) else raw.encode("utf-8"))
    out = "expected" if kind == "valid" else "error"
    with open(os.path.join(folder, out), "w", encoding="utf-8") as f:
        f.write(result + "\n")
    if re is not None:
        with open(os.path.join(folder, "re"), "w", encoding="utf-8") as f:
            f.write(re + "\n")


def msg(**fields):
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def dump(pairs):
    """The runner's dump: field=value lines, "\\" and "\n" escaped."""
    lines = []
    for k, v in pairs:
        lines.append(k + "=" + str(v).replace("\\", "\\\\").replace("\n", "\\n"))
    return "\n".join(lines)


def post(mid, text, **extra):
    return msg(type="post", id=mid, activity="axe-1", board="forces",
               text=text, **extra)


def post_dump(mid, text, extra=()):
    return dump([("type", "post"), ("id", mid), ("activity", "axe-1"),
                 ("board", "forces"), ("text", text)] + list(extra))


# Contribution text: 500 characters.
t500 = chars(500)
write("valid", "text-500-chars", post("long-500", t500), post_dump("long-500", t500))
write("valid", "text-500-chars-padded",
      post("long-500p", " \u00a0\n" + t500 + "\r\n \u3000"),
      post_dump("long-500p", t500))
write("invalid", "text-501-chars", post("long-501", chars(501)), "too_long",
      re="long-501")
write("valid", "edit-500-chars",
      msg(type="edit", id="e500", contribution=9, text=t500),
      dump([("type", "edit"), ("id", "e500"), ("text", t500),
            ("contribution", 9)]))
write("invalid", "edit-501-chars",
      msg(type="edit", id="e501", contribution=9, text=chars(501)), "too_long")

# An example action posted with parent: 300 characters.
t300 = chars(300)
write("valid", "parent-text-300-chars", post("act-300", t300, parent=5),
      post_dump("act-300", t300, [("parent", 5)]))
write("invalid", "parent-text-301-chars", post("act-301", chars(301), parent=5),
      "too_long")

# The example actions of a new orientation: 20 of 300 characters.
acts = [chars(300 - i) for i in range(20)]
write("valid", "actions-20-of-300-chars", post("acts-20", "Orientation", actions=acts),
      post_dump("acts-20", "Orientation",
                [("actions", 20)] + [("actions[%d]" % i, a) for i, a in enumerate(acts)]))
write("invalid", "actions-21", post("acts-21", "Orientation", actions=["action"] * 21),
      "too_long")
write("invalid", "actions-item-301-chars",
      post("acts-301", "Orientation", actions=["action", chars(301)]), "too_long")

# Labels: 80 characters.
write("valid", "author-80-chars", post("au-80", "t", author=chars(80)),
      post_dump("au-80", "t", [("author", chars(80))]))
write("invalid", "author-81-chars", post("au-81", "t", author=chars(81)), "too_long")
write("invalid", "name-81-chars",
      msg(type="join", id="n81", code="X", name=chars(81)), "too_long")

# Identifiers: id 64 of [A-Za-z0-9._:-], token 64, key 128 characters.
id64 = ("abcdefghij" * 7)[:64]
write("valid", "id-64-chars", msg(type="vote", id=id64, contribution=1),
      dump([("type", "vote"), ("id", id64), ("contribution", 1)]))
write("invalid", "id-65-chars", msg(type="vote", id=id64 + "k", contribution=1),
      "bad_field", re="")
write("valid", "token-64-chars", msg(type="join", id="tk", code="X", token=chars(64)),
      dump([("type", "join"), ("id", "tk"), ("code", "X"), ("token", chars(64))]))
write("invalid", "token-65-chars", msg(type="join", id="tk", code="X", token=chars(65)),
      "bad_field")
write("valid", "key-128-chars",
      msg(type="hide", id="k128", code="X", key=chars(128), contribution=2),
      dump([("type", "hide"), ("id", "k128"), ("code", "X"), ("key", chars(128)),
            ("contribution", 2)]))
write("invalid", "key-129-chars",
      msg(type="hide", id="k129", code="X", key=chars(129), contribution=2),
      "bad_field")

# A whole message: 16 384 bytes at most (padded with JSON white space).
small = msg(type="vote", id="big", contribution=1)
write("valid", "message-16384-bytes", small + " " * (16384 - len(small)),
      dump([("type", "vote"), ("id", "big"), ("contribution", 1)]))
write("invalid", "message-16385-bytes", small + " " * (16385 - len(small)), "too_long")

# Bytes that are not UTF-8, and a lone surrogate escape.
head = b'{"type":"post","id":"u8","activity":"a","board":"b","text":"'
write("invalid", "utf8-stray-byte", head + b'caf\xff"}', "bad_json")
write("invalid", "utf8-overlong-slash", head + b'\xc0\xaf"}', "bad_json")
write("invalid", "utf8-truncated", head + b'\xe2\x82"}', "bad_json")
write("invalid", "utf8-raw-surrogate", head + b'\xed\xa0\x80"}', "bad_json")
write("invalid", "lone-surrogate-escape", head + b'\\ud800"}', "bad_json")
write("invalid", "raw-nul-byte", head + b'a\x00b"}', "bad_json")
