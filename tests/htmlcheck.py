"""The HTML check shared by the tests of every HTML document (worked solutions, sequence layers, the
checker's report): parsed as a browser does with html5lib, strictly (any parse error fails); only the
elements symcnn writes; one self-contained page (no script, no link, no network); maths as
presentation MathML."""

from __future__ import annotations

import re

import html5lib

XHTML, MATHML = "{http://www.w3.org/1999/xhtml}", "{http://www.w3.org/1998/Math/MathML}"
MATH_TAGS = {"math", "mrow", "mi", "mn", "mo", "mfrac", "msub", "msup", "msubsup", "mtext", "mspace", "msqrt",
             "mtable", "mtr", "mtd"}
HTML_TAGS = {"html", "head", "body", "meta", "title", "style", "div", "section", "h1", "h2", "h3", "h4", "p", "br",
             "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "code", "em", "strong", "span"}


def check_page(name: str, text: str, standalone: bool = True):
    """Parse as a browser does, strictly; only the elements symcnn writes; nothing fetched or run. The
    parsed tree (an ElementTree element)."""
    parser = html5lib.HTMLParser(strict=True)
    try:
        root = parser.parse(text) if standalone else parser.parseFragment(text)
    except html5lib.html5parser.ParseError as e:
        line = text.splitlines()[parser.errors[0][0][0] - 1] if parser.errors else ""
        raise AssertionError(f"{name}: {e}: {line[:300]}") from None
    tags = [el.tag for el in root.iter() if isinstance(el.tag, str) and el.tag != "DOCUMENT_FRAGMENT"]
    other = {t for t in tags if not (t.startswith(XHTML) and t[len(XHTML):] in HTML_TAGS)
             and not (t.startswith(MATHML) and t[len(MATHML):] in MATH_TAGS)}
    assert not other, f"{name}: unexpected elements {other}"
    assert not re.search(r"(?i)<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import", text), name
    if standalone:
        assert text.startswith("<!DOCTYPE html>\n<html lang="), name
        assert tags.count(XHTML + "h1") == 1 and XHTML + "title" in tags, name
    return root


def text_of(root, spaces: bool = True) -> str:
    """The text of the body (maths included), a space between elements, whitespace collapsed, or
    (``spaces=False``) removed."""
    body = root.find(f"{XHTML}body")
    words = " ".join((body if body is not None else root).itertext()).split()
    return (" " if spaces else "").join(words)
