"""Showing untrusted text (event titles, file names, reasons quoting them) safely.

Streamlit's markdown never renders raw HTML without `unsafe_allow_html`, which this app never
sets; it would still drop an HTML tag silently and turn `[x](url)`, `:red[...]` or `$x$` into
links, colours and maths. Escaping every ASCII punctuation mark makes user text show as typed.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=\"'])")


def md_escape(text: str) -> str:
    """`text` as literal markdown: `<img src=x>` shows as those characters, not as a tag."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))
