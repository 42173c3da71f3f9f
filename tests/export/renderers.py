#!/usr/bin/python3
"""renderers.py — user text stays text in the Markdown and HTML syntheses,
as real renderers and a real HTML parser read them.

    renderers.py EXPORT_DOC SOURCE_DIR WORK_DIR

EXPORT_DOC is the helper built from export_doc.c; it writes a synthesis
document in every format through export_write(), as `atelier export` does.

What it feeds. Every payload of tests/hostile/payloads.json (the text as
sent, repeated as the case says, and as stored; cases that cannot be in a
document at all — a NUL, a lone surrogate — are left out), and a generated
family:
  - the things renderers turn into links (URLs of every scheme linkifiers
    know, javascript: and data:, protocol-relative and bare domains, www.,
    the forms of e-mail addresses, Markdown and HTML links and images,
    autolinks, entities), each alone and in contexts that touch its
    delimiters (brackets, quotes, backticks, emphasis, line starts...);
  - every invisible or format character (Unicode category Cf, the bidi
    controls among them, the other white space, invisible letters and
    marks, and the control characters the exports leave out), inserted at
    each position around the delimiters of URLs, e-mail addresses, schemes
    and backticks (one position at a time; the words of one payload share
    the position);
  - texts that show nothing once cleaned, and multi-line texts.

Where. One document (docs/EXPORTS.md) with a notes board of contributions
(text, author label) and an orientations board of orientations (text,
author) with one example action each (text, author): every field a
participant types. The hostile payloads, the links alone and the texts
that show nothing go in all six fields, and are also the title, question,
animators, board title and prompt of one activity each (text a
facilitator types must be just as inert: headings, fields, emphasis, table
cells). The links in their contexts, the invisible characters' family and
the long payloads fill the six fields in turn, one field each, which keeps
the document small enough to be read in well under a minute.

First, each renderer must turn a control text into links and pass raw
HTML through: a renderer that made no links would prove nothing.

How it is read. The Markdown export is rendered by cmark-gfm with every
GFM extension but tagfilter (`--unsafe`: raw HTML passes through, so a
<script> made from user text would show) and by markdown-it (Python) with
HTML, tables, strikethrough and linkify (linkify-it, fuzzy links and
e-mails on). Each rendering, and the HTML export itself, is parsed with
html5lib, as a browser would, and checked:
  - every element and attribute is on the allow-list of what Atelier's own
    markup gives (no a, img, script, iframe, object, embed, form, input,
    svg...; no on*, href, src, style other than a table's alignment). The
    one link Atelier may write is <a href="#id"> to an id of the document;
  - the blocks come in the order and number the document gives (headings,
    fields, prompts, lists, the table's rows and cells), so a payload that
    breaks out of its item, cell or heading is caught;
  - the text of each item, cell, heading, field and prompt equals what the
    export must show: the payload without the characters every rendered
    export leaves out (controls other than tab and line ends, U+202A..202E,
    U+2066..2069), with white space normalised on both sides the same way
    (every run of Unicode white space, line ends included, becomes one
    space; none at either end; a <br> or a block boundary counts as white
    space). A renderer that drops a URL does not pass.

Every export format must be covered here: a format the helper writes that
this script does not know fails the test (CSV and JSON are data formats,
checked by test_export_csv and test_export_json).

Prints the number of payloads and the time taken. Exit status 0 when every
check holds, else 1 with the failures (the first ones of each rendering).
"""
import json
import os
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import html5lib
from markdown_it import MarkdownIt

# ===== The payloads =====

# What renderers turn into links, or what would be markup.
LINKS = [
    "http://evil.example/x?a=1&b=2#f", "https://ville.fr", "HTTPS://VILLE.FR/P",
    "ftp://files.example.org/f", "file:///etc/passwd", "irc://irc.example.org/c",
    "//evil.fr/p", "//localhost/p", "www.evil.fr", "WWW.evil.example", "ville.fr",
    "exemple.com/chemin", "xn--80ak6aa92e.com", "пример.рф", "mairie.gouv.fr.",
    "http://192.168.1.1:8080/", "192.168.1.1", "http://[::1]/", "localhost:8080/x",
    "mail@evil.fr", "prenom.nom+tag@sous.domaine.fr", "MAIL@EVIL.FR",
    "mailto:mail@evil.fr", "MAILTO:x@y.fr", "xmpp:user@evil.fr", "tel:+33612345678",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=", "data:image/png;base64,iVBOR",
    "<http://evil.fr>", "<mail@evil.fr>", "[x](http://evil.fr)",
    "[x](javascript:alert(1))", "![i](http://evil.fr/i.png)", "[x][1]",
    "<a href=\"http://evil.fr\">x</a>", "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>", "<svg onload=alert(1)>", "<iframe src=//evil.fr>",
    "&#104;ttp://evil.fr", "http&#58;//evil.fr", "mail&#64;evil.fr",
    "http\\://evil.fr", "<!-- x -->", "<?php x ?>",
]

# Contexts a payload of LINKS is put in ({} is the link).
CONTEXTS = [
    "{}", "voir {} svp", "({})", "{}.", "{},", "«{}»", "« {} »", "`{}`",
    "``{}``", "x`{}", "*{}*", "**{}**", "_{}_", "~~{}~~", "\\{}", "\"{}\"",
    "'{}'", "{}\n{}", "# {}", "- {}", "> {}", "| {} |", "[{}]", "[x]({})",
    "<{}>", "1. {}\n2. x",
]

# Templates for the invisible characters: each "¦" is a position where
# one is put. Some hold one thing a linkifier looks for, others several.
TEMPLATES = [
    "¦a¦@¦b¦.fr¦", "http¦:¦/¦/¦a¦.¦fr/p", "ville¦.¦fr", "www¦.¦a", "javascript¦:¦alert(1)",
    "mailto¦:¦a@b.fr", "data¦:¦text/html,x", "<¦http://a.fr¦>", "¦`¦a@b.fr¦`¦",
    "x¦http://a.fr¦.", "fin¦.¦", "\\¦*a*¦", "[x¦]¦(¦http://a.fr)",
]

# Invisible characters that are not in category Cf.
OTHER_INVISIBLES = [
    0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180B, 0x180C, 0x180D, 0x180F,
    0xFE0E, 0xFE0F, 0xE0100,
]

# Texts longer than this go in one field only.
LONG = 300

# Texts that show nothing once cleaned, and multi-line texts.
EDGES = [
    "\u202e", "\u2066\u2069", " \u00a0\u3000 ", "\u200b", "a\n\n\nb", "\r\nx\r\n",
    "x\u2028# y", "ligne 1\n  http://a.fr\n- b", "a\u2029\u2029http://b.fr",
    "`", "``", "` `", "a ` b", "http://a.fr`", "`http://a.fr", "``http://a.fr`",
    "|", "\\", "\\`a@b.fr`", "x|y@z.fr|",
]


def invisibles():
    """Every Cf character, the other white space (Zs, Zl, Zp), some
    invisible letters and marks, and the controls the exports drop."""
    chars = [c for c in range(0x110000)
             if unicodedata.category(chr(c)) in ("Cf", "Zs", "Zl", "Zp") and c != 0x20]
    chars += OTHER_INVISIBLES
    chars += [c for c in range(1, 0xA0) if unicodedata.category(chr(c)) == "Cc"
              and chr(c) not in "\t\n\r"]
    return [chr(c) for c in chars]


def placed(template, x, k):
    """template with x at its k-th position (and nothing at the others), or
    None when it has fewer positions."""
    parts = template.split("¦")
    if k >= len(parts) - 1:
        return None
    return "".join(p + (x if i == k else "") for i, p in enumerate(parts))


def hostile_payloads(source_dir):
    """The texts of tests/hostile/payloads.json, as sent and as stored."""
    path = os.path.join(source_dir, "tests", "hostile", "payloads.json")
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    out = []
    for case in cases:
        text = case["text"] if "text" in case else json.loads(case["raw"])
        text *= case.get("repeat", 1)
        for s in (text, case.get("stored")):
            if s is None or "\0" in s or any(0xD800 <= ord(c) <= 0xDFFF for c in s):
                continue
            out.append(s)
    return out


def unique(items):
    """items without repeats, in order."""
    seen = set()
    return [x for x in items if not (x in seen or seen.add(x))]


def payloads(source_dir):
    """(texts for every field, texts for one field each): see Where."""
    hostile = hostile_payloads(source_dir)
    every = unique(p for p in hostile + LINKS + EDGES if len(p) <= LONG)
    links = [c.replace("{}", link) for link in LINKS for c in CONTEXTS]
    family = []
    for x in invisibles():
        for k in range(max(t.count("¦") for t in TEMPLATES)):
            words = [w for w in (placed(t, x, k) for t in TEMPLATES) if w is not None]
            family.append(" ".join(words))
    long = [p for p in hostile if len(p) > LONG]
    one = [p for p in unique(long + links + family) if p not in every]
    return every, one


# ===== What an export must show =====


def dropped(c):
    """The characters every rendered export leaves out (export_text.c)."""
    o = ord(c)
    return ((o < 0x20 and c not in "\t\n\r") or 0x7F <= o <= 0x9F
            or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069)


def norm(s):
    """White space normalised: each run of it one space, none at the ends."""
    return " ".join(s.split())


def shown(s):
    """The text an export must show for the user text s."""
    return norm("".join(c for c in s if not dropped(c)))

# ===== The document =====


def contribution(cid, text, author, actions=()):
    """A visible contribution of the document, with 0 votes."""
    return {"id": cid, "text": text, "author": author, "state": "visible", "votes": 0,
            "created": "2022-10-11T09:00:00Z", "edited": False, "actions": list(actions)}


def document(every, one):
    """The synthesis described in Where. Contributions all have 0 votes and
    the same creation time, in id order: the body and the appendix list
    them in the same order."""
    rows = [(p,) * 6 for p in every]
    rows += [tuple(one[(i + k) % len(one)] for k in range(6)) for i in range(0, len(one), 6)]
    notes, orientations = [], []
    for i, r in enumerate(rows):
        notes.append(contribution(3 * i + 1, r[0], r[1]))
        orientations.append(contribution(3 * i + 2, r[2], r[3],
                                         [contribution(3 * i + 3, r[4], r[5])]))

    def activity(aid, title, boards):
        return {"id": aid, "title": title, "question": title, "template": "open",
                "state": "closed", "vote_budget": 3, "animators": [title, "animateur·rice"],
                "participants": 3, "contributions": 4, "votes": 5, "boards": boards}

    def board(bid, title, kind, contributions):
        return {"id": bid, "title": title, "prompt": title, "kind": kind,
                "contributions": contributions}

    activities = [
        activity("notes", "Contributions", [board("salle", "Salle", "notes", notes)]),
        activity("orient", "Orientations", [board("o", "Propositions", "orientations",
                                                  orientations)]),
    ]
    for i, p in enumerate(every):
        activities.append(activity("f%d" % i, p, [board("b", p, "notes", [])]))
    return {
        "format": "atelier-synthese", "version": 1, "generated": "",
        "seminar": {"id": "hostile", "code": "HOSTILE", "title": "Charges hostiles",
                    "date": "", "venue": "", "description": ""},
        "totals": {"participants": 1, "contributions": 2, "votes": 6},
        "activities": activities,
    }


def expected_blocks(doc, words):
    """The blocks of the rendered document, in order: (kind, value). value
    is the text to find (None: our own words, not checked), a list of item
    texts for a list, the rows' cells for the table."""
    acts = doc["activities"]
    table = [[shown(a["title"]), str(a["participants"]), str(a["contributions"]),
              str(a["votes"])] for a in acts]
    table.append([None, *(str(doc["totals"][k]) for k in
                          ("participants", "contributions", "votes"))])
    out = [("h1", shown(doc["seminar"]["title"])), ("h2", None), ("table", table)]

    def item(c):
        text = shown(c["text"]) + " — " + words["votes0"]
        if shown(c["author"] or ""):
            text += " — " + shown(c["author"])
        if c["actions"]:
            text += " " + words["examples"]
        return (norm(text), [item(a)[0] for a in c["actions"]])

    def contributions(b):
        if b["contributions"]:
            return ("list", [item(c) for c in b["contributions"]])
        return ("p", None)

    for a in acts:
        out += [("h2", shown(a["title"])), ("field", shown(a["question"])),
                ("field", shown(", ".join(n for n in a["animators"] if n)))]
        for b in a["boards"]:
            out.append(("h3", shown(b["title"])))
            if shown(b["prompt"]):
                out.append(("prompt", shown(b["prompt"])))
            out.append(contributions(b))
    out.append(("h2", None))
    for a in acts:
        out.append(("h3", shown(a["title"])))
        for b in a["boards"]:
            out += [("h4", shown(b["title"])), contributions(b)]
    return out

# ===== Reading a rendering =====


# Failures shown per rendering.
SHOWN = 12

# Elements Atelier's own markup gives, once rendered, and their attributes.
ALLOWED = {
    "html": {"lang"}, "head": set(), "body": set(), "title": set(), "style": set(),
    "meta": {"charset", "name", "content", "http-equiv"},
    "header": set(), "footer": set(), "section": {"class", "id"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
    "p": {"class"}, "strong": set(), "em": set(), "span": {"class"}, "br": set(),
    "code": set(), "hr": set(),
    "table": set(), "thead": set(), "tbody": set(), "tr": {"class"},
    "th": {"align", "style"}, "td": {"class", "align", "style"},
    "ul": {"class"}, "ol": {"class", "start"}, "li": {"class"},
    "a": {"href"},
}
ALIGN_STYLES = {"text-align:left", "text-align:right", "text-align:center"}
BLOCKS = {"p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "table", "tr", "td", "th",
          "header", "footer", "section", "hr", "br"}


def text_of(el, skip=()):
    """The text of el: its text nodes in order, a space for each <br> and
    around each block; the subtrees of tags in skip are left out."""
    parts = [el.text or ""]
    for child in el:
        if callable(child.tag):  # a comment: flagged by forbidden()
            pass
        elif child.tag in skip:
            pass
        else:
            inner = text_of(child, skip)
            parts.append(" " + inner + " " if child.tag in BLOCKS else inner)
        parts.append(child.tail or "")
    return "".join(parts)


def forbidden(root):
    """What user text must never make: elements and attributes off the
    allow-list, comments, links other than to the document's own ids.
    Each is given with the text of the block that holds it."""
    ids = {el.get("id") for el in root.iter() if not callable(el.tag) and el.get("id")}
    parent = {child: el for el in root.iter() for child in el}
    bad = []

    def report(el, kind, what):
        block = el
        while block in parent and (callable(block.tag) or block.tag not in BLOCKS):
            block = parent[block]
        bad.append((kind, "%s, in %r" % (what, norm(text_of(block))[:160])))

    for el in root.iter():
        if callable(el.tag):
            report(el, "comment", "a comment <!--%s-->" % el.text)
            continue
        if el.tag not in ALLOWED:
            report(el, "<%s>" % el.tag, "element <%s %s>" % (el.tag, el.attrib))
            continue
        for name, value in el.attrib.items():
            if name not in ALLOWED[el.tag]:
                report(el, name + "=", "attribute %s=%r on <%s>" % (name, value, el.tag))
            elif name == "style" and value.replace(" ", "").rstrip(";") not in ALIGN_STYLES:
                report(el, "style=", "style=%r on <%s>" % (value, el.tag))
            elif name == "href" and not (value.startswith("#") and value[1:] in ids):
                report(el, "<a href>", "link <a href=%r>" % value)
        if el.tag == "a" and "href" not in el.attrib:
            report(el, "<a>", "element <a %s>" % el.attrib)
    return bad


def flat_blocks(el):
    """The blocks of the body in order, header, sections and footer opened."""
    for child in el:
        if callable(child.tag):
            continue
        if child.tag in ("header", "section", "footer"):
            yield from flat_blocks(child)
        else:
            yield child
    # Text directly in the body or a section is checked by the caller.


def stray_text(el):
    """Non-blank text directly inside the body or a section."""
    out = [el.text or ""]
    for child in el:
        if not callable(child.tag) and child.tag in ("header", "section", "footer"):
            out.append(stray_text(child))
        out.append(child.tail or "")
    return norm("".join(out))


def kind_of(el):
    """The kind of block el is: h1..h4, field, prompt, p, list, table, hr."""
    if el.tag == "p":
        kids = [c for c in el if not callable(c.tag)]
        cls = el.get("class", "")
        if cls == "field" or (kids and kids[0].tag == "strong" and not (el.text or "").strip()
                              and cls != "prompt"):
            return "field"
        if cls == "prompt" or (len(kids) == 1 and kids[0].tag == "em"
                               and not norm(el.text or "") and not norm(kids[0].tail or "")):
            return "prompt"
        return "p"
    if el.tag in ("ul", "ol"):
        return "list"
    return el.tag


def check_list(el, want, where, fail):
    """The items of list el against want: [(text, [nested item texts])]."""
    items = [c for c in el if not callable(c.tag)]
    if [c.tag for c in items] != ["li"] * len(items) or norm(el.text or "") or any(
            norm(c.tail or "") for c in items):
        fail(where, "a list holds something else than its items", "structure")
        return
    if len(items) != len(want):
        fail(where, "%d items instead of %d" % (len(items), len(want)), "structure")
    for i, (li, (text, nested)) in enumerate(zip(items, want)):
        got = norm(text_of(li, skip=("ul", "ol")))
        if got != text:
            fail("%s, item %d" % (where, i + 1), "shows %r instead of %r" % (got, text))
            continue
        lists = [c for c in li.iter() if not callable(c.tag) and c.tag in ("ul", "ol")]
        if nested:
            if len(lists) != 1:
                fail("%s, item %d" % (where, i + 1), "%d nested lists" % len(lists),
                     "structure")
            else:
                check_list(lists[0], [(t, []) for t in nested],
                           "%s, item %d" % (where, i + 1), fail)
        elif lists:
            fail("%s, item %d" % (where, i + 1), "a nested list appeared", "structure")


def check_table(el, want, where, fail):
    """The rows of table el after its head against want, a list of cells
    (None: not checked)."""
    rows = [tr for tr in el.iter("tr")][1:]  # the head row is ours
    if len(rows) != len(want):
        fail(where, "%d rows instead of %d" % (len(rows), len(want)), "structure")
    for i, (tr, cells) in enumerate(zip(rows, want)):
        got = [norm(text_of(c)) for c in tr if not callable(c.tag)]
        if len(got) != len(cells) or any(w is not None and g != w
                                         for g, w in zip(got, cells)):
            fail("%s, row %d" % (where, i + 1), "cells %r instead of %r" % (got, cells))


def check_rendering(html, want):
    """The failures of one rendering: (kind, message) pairs."""
    failures = []

    def fail(where, what, kind="text"):
        failures.append((kind, "%s: %s" % (where, what)))

    root = html5lib.parse(html, namespaceHTMLElements=False)
    for kind, bad in forbidden(root):
        fail("user text made markup", bad, kind)
    body = root.find("body")
    if stray_text(body):
        fail("body", "text outside any block: %r" % stray_text(body)[:200], "structure")
    # The document has no "generated" date: no rule, no closing line.
    got = [b for b in flat_blocks(body) if kind_of(b) != "hr"]
    for i, (el, (kind, value)) in enumerate(zip(got, want)):
        where = "block %d <%s>" % (i + 1, el.tag)
        if kind_of(el) != kind:
            fail(where, "a %s where a %s was expected: %r" %
                 (kind_of(el), kind, norm(text_of(el))[:200]), "structure")
            return failures  # everything after is shifted
        if kind == "list":
            check_list(el, value, where, fail)
        elif kind == "table":
            check_table(el, value, where, fail)
        elif value is not None:
            text = norm(text_of(el))
            if kind == "field":  # the value after the label
                label = norm(text_of([c for c in el if not callable(c.tag)][0]))
                text = norm(text[len(label):]) if text.startswith(label) else text
            if text != value:
                fail(where, "shows %r instead of %r" % (text, value))
    if len(got) != len(want):
        fail("body", "%d blocks instead of %d" % (len(got), len(want)), "structure")
    return failures

# ===== Rendering the Markdown =====


def cmark_gfm(md):
    return subprocess.run(
        ["cmark-gfm", "--unsafe", "-e", "autolink", "-e", "table", "-e", "strikethrough",
         "-e", "tasklist"], input=md.encode(), check=True, capture_output=True
    ).stdout.decode()


def markdown_it(md):
    mdit = MarkdownIt("commonmark", {"html": True, "linkify": True})
    mdit.enable(["table", "strikethrough", "linkify"])
    return mdit.render(md)


# Plain text that each renderer must turn into 3 links, and raw HTML it
# must pass through.
CONTROL = "voir http://ville.fr www.ville.fr mail@ville.fr\n\n<b>gras</b>\n"

RENDERERS = {"md, cmark-gfm": cmark_gfm, "md, markdown-it": markdown_it}


def render_and_check(job):
    """Renders the text of job (name, text, want) when it is Markdown, and
    checks the rendering."""
    name, text, want = job
    if name in RENDERERS:
        control = html5lib.parse(RENDERERS[name](CONTROL), namespaceHTMLElements=False)
        if len(list(control.iter("a"))) != 3 or len(list(control.iter("b"))) != 1:
            return [("renderer", "it makes no links or drops raw HTML: %r" %
                     RENDERERS[name](CONTROL))]
        text = RENDERERS[name](text)
    return check_rendering(text, want)

# ===== Main =====


def words(source_dir):
    """The catalogue words the items carry (web/i18n.json, French)."""
    with open(os.path.join(source_dir, "web", "i18n.json"), encoding="utf-8") as f:
        cat = json.load(f)
    return {"votes0": "0 " + cat["export.vote_one"]["fr"],
            "examples": cat["export.examples"]["fr"]}


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: renderers.py EXPORT_DOC SOURCE_DIR WORK_DIR")
    helper, source_dir, work = sys.argv[1:]
    start = time.monotonic()
    every, one = payloads(source_dir)
    doc = document(every, one)
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "document.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    written = subprocess.run([helper, path, work], check=True, capture_output=True,
                             text=True).stdout.split()
    want = expected_blocks(doc, words(source_dir))
    jobs = []
    for out in written:
        ext = out.rsplit(".", 1)[-1]
        with open(out, encoding="utf-8") as f:
            text = f.read()
        if ext == "md":
            jobs += [("md, cmark-gfm", text, want), ("md, markdown-it", text, want)]
        elif ext == "html":
            jobs.append(("html", text, want))
        elif ext not in ("csv", "json"):
            sys.exit("%s: no inertness check for the format %s: add one here" % (out, ext))
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(render_and_check, jobs))
    print("%d payloads (%d in every field, facilitators' included; %d in one field "
          "each), %d renderings, %.1f s" % (len(every) + len(one), len(every), len(one),
                                             len(jobs), time.monotonic() - start))
    for (name, _, _), failures in zip(jobs, results):
        if failures:
            kinds = Counter(kind for kind, _ in failures)
            print("%s: %d failures (%s), the first ones:" % (
                name, len(failures), ", ".join("%s %d" % k for k in sorted(kinds.items()))))
            for _, f in failures[:SHOWN]:
                print("  " + f)
    if any(results):
        sys.exit(1)


if __name__ == "__main__":
    main()
