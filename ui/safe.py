"""Text from a spreadsheet (or a URL) shown safely in Streamlit Markdown.

Anything a plan says — an activity's name, an office, an observation — is
shown as written: never as a link, an image, a heading, LaTeX ($…$), a
coloured directive (:red[…]) or HTML. Every character Markdown, Streamlit's
directives or LaTeX give a meaning to is backslash-escaped (CommonMark allows
it for any punctuation); plain sentence punctuation (. , ; / % ?) is left
alone so the text stays readable. Line breaks stay line breaks.
"""
from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|~<>$:&=^@])")
# The renderer links "http://…", "www.…" and "a@b.co" by itself, escaped or
# not, and reads ":material/x:" as an icon: an invisible word joiner after
# the ":", "@" and "www" breaks those patterns without changing what people read.
_JOINER = "\u2060"
_WWW = re.compile(r"(?i)\b(www)\.")


def md(text: object) -> str:
    """``text`` as literal Markdown (one paragraph; newlines kept as breaks)."""
    escaped = _SPECIAL.sub(r"\\\1", str(text))
    escaped = escaped.replace("\\:", "\\:" + _JOINER).replace("\\@", "\\@" + _JOINER)
    escaped = _WWW.sub(r"\1" + _JOINER + r"\\.", escaped)
    return "  \n".join(line.strip() for line in escaped.splitlines())


def link(url: object) -> str:
    """A Markdown link for an http(s) evidence address, else the text escaped.

    Only the visible text is escaped; the address goes between <> so that
    spaces or parentheses in it cannot end the link early.
    """
    text = str(url).strip()
    if re.fullmatch(r"https?://[^\s<>]+", text):
        return f"[{md(text)}](<{text}>)"  # the joiners sit in the shown text only
    return md(text)
