"""Text from a spreadsheet (or a URL) shown safely in Streamlit Markdown.

Anything a plan says — an activity's name, an office, an observation — is
shown as written: never as a link, an image, a heading, LaTeX ($…$), a
coloured directive (:red[…]) or HTML. Every character Markdown, Streamlit's
directives or LaTeX give a meaning to is backslash-escaped (CommonMark allows
it for any punctuation); plain sentence punctuation (. , ; / % ?) is left
alone so the text stays readable. Line breaks stay line breaks. Characters
that reorder or hide text (bidirectional controls, zero-width characters) are
dropped: "fdp\u202eexe.pdf" shows as "fdpexe.pdf", not as "fdpfdp.exe".
"""
from __future__ import annotations

import re

from data_layer.normalise.text import visible

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|~<>$:&=^@])")
# The renderer links "http://…", "www.…" and "a@b.co" by itself, escaped or
# not, and reads ":material/x:" as an icon: an invisible word joiner after
# the ":", "@" and "www" breaks those patterns without changing what people read.
_JOINER = "\u2060"
_WWW = re.compile(r"(?i)\b(www)\.")


def md(text: object) -> str:
    """``text`` as literal Markdown (one paragraph; newlines kept as breaks)."""
    escaped = _SPECIAL.sub(r"\\\1", visible(str(text)))
    escaped = escaped.replace("\\:", "\\:" + _JOINER).replace("\\@", "\\@" + _JOINER)
    escaped = _WWW.sub(r"\1" + _JOINER + r"\\.", escaped)
    return "  \n".join(line.strip() for line in escaped.splitlines())


_URL = re.compile(r"https?://[^\s<>]+")
# Punctuation that ends a sentence rather than an address: "(ver https://x.co/acta)."
_TRAILING = ".,;:!?'\"»"


def link(url: object) -> str:
    """A Markdown link for an http(s) evidence address, else the text escaped.

    Only the visible text is escaped; the address goes between <> so that
    spaces or parentheses in it cannot end the link early. Punctuation after
    the address ("…/acta)." at the end of a sentence) is shown after the link,
    not made part of it; a ")" stays when the address opened its "("
    ("…/acta(1).pdf"). Other schemes (javascript:, data:, file:) are text.
    """
    text = visible(str(url)).strip()
    if not _URL.fullmatch(text):
        return md(text)
    address, tail = _split_tail(text)
    if not _URL.fullmatch(address):
        return md(text)
    return f"[{md(address)}](<{address}>)" + (md(tail) if tail else "")


def _split_tail(text: str) -> tuple[str, str]:
    """The address and the punctuation after it."""
    end = len(text)
    while end:
        last = text[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last == ")" and text[:end].count(")") > text[:end].count("("):
            end -= 1
        else:
            break
    return text[:end], text[end:]


def links(text: object) -> str:
    """Evidence text with its web addresses as links; everything else literal."""
    return " ".join(link(word) for word in visible(str(text)).split())
