"""HTML mail turned into plain text, safely: parsed as data by Beautiful Soup with Python's own HTML parser.

Nothing is fetched, run or rendered: scripts, styles and other non-content elements are dropped before the text is
taken, block elements become line breaks, and links keep their address beside their text so an operator sees where
a link really points.
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from bs4.element import Tag

_DROP = ("script", "style", "head", "title", "template", "noscript", "iframe", "object", "embed", "svg", "math")
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "br",
        "tr",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "section",
        "article",
        "header",
        "footer",
        "hr",
    ]
)
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "html.parser")
    for element in soup(list(_DROP)):
        element.decompose()
    for link in soup.find_all("a", href=True):
        href = str(link.get("href", "")).strip()
        text = link.get_text(" ", strip=True)
        if href.lower().startswith(("http://", "https://")) and href != text:
            link.append(f" <{href}>")
    for tag in soup.find_all(True):
        if isinstance(tag, Tag) and tag.name in _BLOCKS:
            tag.insert_before("\n")
            tag.insert_after("\n")
    text = soup.get_text()
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
