"""Lists a person downloads by hand: provincial 小额贷款公司 / 网络小额贷款公司 lists, 失联/空壳 lists.

Provinces publish them as notice pages with an HTML table, or as XLS(X)/CSV attachments, in no fixed
layout, often behind WAFs, so a person saves the file and `lendercheck import` reads it. The reader finds
its columns by their Chinese or English headers, checks each 统一社会信用代码, and hands the records to
the same runner (`ingest`) as every scraper, under a `Source` built from the command's options.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path

from openpyxl import load_workbook

import scrapers
from lendercheck import uscc
from lendercheck.records import ParseError, RawResponse, Record, Source, SourceKind
from scrapers.cn_html import clean_text, decode_html, html_tables

log = logging.getLogger(__name__)

# Header wording seen in provincial notices varies; each list is matched whole (after spaces and a
# trailing unit such as "（万元）" are dropped), so 名称 never swallows 法定代表人名称.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("机构名称", "企业名称", "公司名称", "名称", "单位名称", "机构全称", "公司全称", "企业全称",
             "name", "companyname", "company", "institutionname", "entityname"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码",
             "uscc", "unifiedsocialcreditcode", "creditcode"),
    "address": ("注册地址", "住所", "地址", "注册地", "经营地址", "办公地址", "address", "registeredaddress"),
    "status": ("状态", "经营状态", "登记状态", "机构状态", "status"),
    "legal_rep": ("法定代表人", "法人代表", "法定代表人姓名", "legalrepresentative"),
    "type": ("机构类型", "类型", "公司类型", "业务类型", "type"),
    "region": ("所在区县", "区县", "所在地区", "地区", "所在地", "辖区", "region", "district"),
    "capital": ("注册资本", "registeredcapital"),
    "seq": ("序号", "编号", "no.", "no", "#"),
}
_ALIASES = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
# A header naming some kind of 名称 (e.g. 小额贷款公司名称) when no exact name header is present.
_NAME_LIKE = re.compile(r"(名称|全称)$")
_UNIT = re.compile(r"[（(][^）)]*[）)]$")
# Statuses in a licence list that say the licence is gone; anything else counts as live.
INACTIVE = ("注销", "吊销", "撤销", "取消", "退出", "终止", "停业", "歇业")
# Rows under the table that are totals or footnotes, not companies.
_NOT_A_ROW = re.compile(r"^(合计|总计|小计|注[:：]|备注|说明)")
HEADER_SEARCH_ROWS = 15
_ID = re.compile(r"^cn-[a-z0-9]+(-[a-z0-9]+)*$")
CONTENT_TYPES = {".csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ".xlsm": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ".html": "text/html", ".htm": "text/html"}


def import_source(source_id: str, kind: str, url: str, regulator: str, name: str | None = None) -> Source:
    """The `Source` an import runs under, from the command's options."""
    if not _ID.match(source_id):
        raise ValueError(f"source id {source_id!r} must look like cn-<province>-<list>, e.g. cn-cq-microloan")
    if source_id in scrapers.by_id():  # an import would replace that source's scraped rows
        raise ValueError(f"source id {source_id!r} belongs to a built-in scraper; choose another")
    if kind not in (SourceKind.licence, SourceKind.warning):
        raise ValueError(f"kind must be licence or warning, not {kind!r}")
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"url must be the web address the file was downloaded from, not {url!r}")
    title = name or source_id
    return Source(id=source_id, name=title, regulator=regulator, jurisdiction="CN", kind=SourceKind(kind), url=url,
                  covers=[title], min_records=1,
                  description=f"Imported by hand from a file downloaded from {url}.")


def raw_of_file(path: Path, url: str) -> RawResponse:
    """The saved file as a raw response: its bytes, the URL it came from, its modification time."""
    stat = path.stat()
    return RawResponse(url=url, status=200, content=path.read_bytes(),
                       content_type=CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"),
                       retrieved_at=datetime.fromtimestamp(stat.st_mtime, UTC), label=path.name)


def read_rows(content: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of the file's list, keyed by the file's own header texts, with its title rows dropped."""
    return _rows_under_header(_cells(content, filename), filename)


def _cells(content: bytes, filename: str) -> list[list[list[str]]]:
    """The file's tables (one per sheet or <table>), as rows of cell texts."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xls" or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ParseError(f"{filename}: old Excel (.xls) is not read; open it and save it as .xlsx")
    if suffix in (".xlsx", ".xlsm") or content.startswith(b"PK"):
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            return [[[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
                    for sheet in workbook.worksheets]
        finally:
            workbook.close()
    if suffix in (".html", ".htm") or content.lstrip()[:1] == b"<":
        return [[row.cells for row in table.rows] for table in html_tables(decode_html(content))]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("gb18030")  # CSV saved by Excel on a Chinese Windows
    return [[[clean_text(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""))]]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):  # spreadsheets store dates as datetimes at midnight
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return clean_text(str(value))


def header_key(text: str) -> str:
    """`统一社会信用代码 ` → uscc; `注册资本（万元）` → capital; an unknown header → ''."""
    plain = _UNIT.sub("", "".join(text.split())).lower()
    return _ALIASES.get(plain, "")


def _rows_under_header(tables: Sequence[list[list[str]]], filename: str) -> list[dict[str, str]]:
    for table in tables:
        for number, cells in enumerate(table[:HEADER_SEARCH_ROWS]):
            keys = [header_key(c) for c in cells]
            if "name" not in keys:
                like = [i for i, c in enumerate(cells) if _NAME_LIKE.search("".join(c.split()))]
                if not like:
                    continue
                keys[like[0]] = "name"
            return _rows(table[number + 1:], cells, keys, filename)
    raise ParseError(f"{filename}: no table with a name column (机构名称/企业名称/公司名称/名称 …)")


def _rows(body: Sequence[list[str]], header: list[str], keys: list[str], filename: str) -> list[dict[str, str]]:
    leftover = [h for h, k in zip(header, keys, strict=True) if h and not k]
    if leftover:
        log.info("columns kept as raw fields only", extra={"file": filename, "columns": leftover})
    name_at = keys.index("name")
    rows = []
    for cells in body:
        name = cells[name_at].strip() if name_at < len(cells) else ""
        if not name or name == header[name_at] or _NOT_A_ROW.match(name):
            continue
        row = {h or f"列{i + 1}": (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}
        row.update({f"_{k}": (cells[i] if i < len(cells) else "") for i, k in enumerate(keys) if k})
        rows.append(row)
    return rows


def parse_import(raw: RawResponse, source: Source) -> list[Record]:
    """Records of a saved list (pure: the file's bytes and name, and the source, decide everything)."""
    rows = read_rows(raw.content, raw.label)
    if not rows:
        raise ParseError(f"{raw.label}: the table has no rows")
    base_note = (f"Imported by hand from the file '{raw.label}', downloaded from {raw.url}; retrieved_at is the "
                 "file's modification time.")
    records: list[Record] = []
    seen: set[str] = set()
    for row in rows:
        name, code_text = row["_name"], row.get("_uscc", "")
        code = uscc.normalize(code_text) if code_text else None
        note = base_note
        if code_text and code is None:
            # Kept, because the row is what the regulator published; not linked, because a wrong code
            # would tie it to another company.
            log.warning("统一社会信用代码 fails its check; row kept without a registration",
                        extra={"source": source.id, "company": name, "code": code_text})
            note += f" Its 统一社会信用代码 '{code_text}' fails the GB 32100-2015 check, so it is not linked by code."
        record_id = code or name
        if record_id in seen:
            log.warning("row repeats in the list; first kept", extra={"source": source.id, "record_id": record_id})
            continue
        seen.add(record_id)
        status = row.get("_status") or "listed"
        records.append(Record(
            source_id=source.id, record_id=record_id, name=name,
            registration=f"CN-USCC:{code}" if code else None,
            licence_type=row.get("_type") or None,
            status=status,
            active=source.kind == SourceKind.warning or not any(word in status for word in INACTIVE),
            fields={k: v for k, v in row.items() if not k.startswith("_")},
            source_url=raw.url, retrieved_at=raw.retrieved_at, note=note,
        ))
    return records
