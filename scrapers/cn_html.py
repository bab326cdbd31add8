"""HTML as Chinese government sites serve it: GBK or UTF-8 bytes, and tables of key/value or list rows.

Shared by the NFRA licence lookup (a key/value detail page) and the manual importer (a pasted or saved
notice page with a list table). Standard library only: the pages are small and their tables simple.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def decode_html(content: bytes, content_type: str = "") -> str:
    """Decode by the HTTP charset, else the page's own <meta> charset, else UTF-8, else GB18030.

    Old NFRA/CBIRC pages declare `charset=GBK` only in a <meta> tag and newer ones are UTF-8, so the
    bytes decide. GB18030 is a superset of GBK and GB2312, so it reads all three."""
    charset = _http_charset(content_type)
    if not charset:
        found = _META_CHARSET.search(content[:4096])
        charset = found.group(1).decode("ascii") if found else ""
    if charset.lower().replace("-", "") in {"gbk", "gb2312", "gb18030"}:
        charset = "gb18030"
    if charset:
        try:
            return content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("gb18030", errors="replace")


def _http_charset(content_type: str) -> str:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"'")
    return ""


def clean_text(text: str) -> str:
    """Collapse whitespace (incl. &nbsp; and the full-width space U+3000) and trim."""
    return _SPACE.sub(" ", text.replace("\xa0", " ").replace("\u3000", " ")).strip()


@dataclass
class HtmlRow:
    attrs: dict[str, str]
    cells: list[str] = field(default_factory=list)


@dataclass
class HtmlTable:
    attrs: dict[str, str]
    rows: list[HtmlRow] = field(default_factory=list)


class _TableCollector(HTMLParser):
    """Collects every table's rows and cell texts; nested tables become tables of their own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[HtmlTable] = []
        self._open: list[HtmlTable] = []
        self._cell: list[str] | None = None
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._open.append(HtmlTable(values))
            self.tables.append(self._open[-1])
        elif tag == "tr" and self._open:
            self._finish_cell()
            self._open[-1].rows.append(HtmlRow(values))
        elif tag in ("td", "th") and self._open:
            self._finish_cell()
            if not self._open[-1].rows:
                self._open[-1].rows.append(HtmlRow({}))
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th", "tr"):
            self._finish_cell()
        elif tag == "table" and self._open:
            self._finish_cell()
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)

    def _finish_cell(self) -> None:
        if self._cell is not None and self._open and self._open[-1].rows:
            self._open[-1].rows[-1].cells.append(clean_text("".join(self._cell)))
        self._cell = None


def html_tables(text: str) -> list[HtmlTable]:
    """Every <table> of a page, in document order, as rows of cell texts (comments are ignored)."""
    collector = _TableCollector()
    collector.feed(text)
    collector.close()
    return collector.tables
