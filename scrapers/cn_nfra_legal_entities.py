"""NFRA 《银行业金融机构法人名单》: every legal entity NFRA supervises (banks, rural institutions,
consumer-finance and auto-finance companies, trusts, leasing, finance companies …), as a PDF table.

Live path: NFRA's public DocInfo JSON (section itemId 863) → the newest "银行业金融机构法人名单（截至…月末）"
document → its PDF attachment → the table, read with pdfplumber. The bundled snapshot is built from two
third-party CSV conversions of that PDF (see `bundled`), with provenance saying so.
"""

from __future__ import annotations

import calendar
import io
import json
import logging
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pdfplumber

from lendercheck.records import NameKind, ParseError, RawResponse, Record, RecordName, Source
from scrapers.base import BundledRun, get

log = logging.getLogger(__name__)

SEQ, NAME, NAME_EN, CODE, TYPE, SUPERVISOR = "序号", "机构名称", "英文名称", "机构编码", "机构类型", "属地监管机构"

SOURCE = Source(
    id="cn-nfra-legal-entities",
    name="银行业金融机构法人名单 (NFRA list of banking-sector legal entities)",
    regulator="国家金融监督管理总局 (NFRA)",
    jurisdiction="CN",
    kind="licence",
    url="https://www.nfra.gov.cn/cn/view/pages/governmentDetail.html?docId=1268142&itemId=863&generaltype=1",
    covers=[
        "银行（国有大型、股份制、城市、农村商业银行，民营银行，外资法人银行，村镇银行等）",
        "农村合作银行、农村信用社、农村资金互助社",
        "消费金融公司",
        "汽车金融公司",
        "信托公司",
        "金融租赁公司",
        "企业集团财务公司",
        "金融资产管理公司",
        "货币经纪公司",
    ],
    # The full list has ~3,600 entities; the bank-class-only conversion alone has 3,132.
    min_records=3000,
    description=(
        "NFRA's semi-annual PDF list of every legal entity it supervises, with each entity's 15-character "
        "机构编码. Published with a long lag (the list as of 2025-12-31 appeared on 2026-08-14). An entity "
        "absent from a newer list is 'no longer listed', not necessarily revoked."
    ),
)

API = "https://www.nfra.gov.cn/cbircweb/DocInfo/"
LIST_URL = f"{API}SelectDocByItemIdAndChild?itemId=863&pageSize=18&pageIndex=1"
DETAIL_URL = f"{API}SelectByDocId?docId={{doc_id}}"
SITE = "https://www.nfra.gov.cn"
DOC_PAGE = "https://www.nfra.gov.cn/cn/view/pages/governmentDetail.html?docId={doc_id}&itemId=863&generaltype=1"

TITLE = re.compile(r"银行业金融机构法人名单\s*[（(]\s*截至\s*(\d{4})\s*年\s*(\d{1,2})\s*月末\s*[）)]")
CODE_PATTERN = re.compile(r"^[A-Z][0-9]{4}[A-Z][0-9]{9}$")
COLUMNS = [SEQ, NAME, NAME_EN, CODE, TYPE, SUPERVISOR]
# The PDF's header wording is inferred from the two conversions, not seen: accept the converters' names too.
HEADER_ALIASES = {
    "序号": SEQ, "机构名称": NAME, "中文全称": NAME, "英文名称": NAME_EN, "英文全称": NAME_EN, "机构编码": CODE,
    "机构类型": TYPE, "属地监管机构": SUPERVISOR, "监管责任单位": SUPERVISOR, "监管机构": SUPERVISOR,
}
# The first letter of 机构编码 for each 机构类型, as seen in every row of the 2025-06-30 and 2025-12-31 lists.
TYPE_LETTERS = {
    "开发性金融机构": "G", "政策性银行": "A", "国有大型商业银行": "B", "股份制商业银行": "B", "城市商业银行": "B",
    "民营银行": "B", "外资法人银行": "B", "住房储蓄银行": "B", "直销银行": "Z", "农村商业银行": "B",
    "农村合作银行": "C", "农村信用社": "E", "农村资金互助社": "F", "村镇银行": "S", "信托公司": "K",
    "金融资产管理公司": "J", "金融租赁公司": "M", "企业集团财务公司": "L", "消费金融公司": "X", "汽车金融公司": "N",
    "货币经纪公司": "P", "其他金融机构": "Z",
}
# Money brokers arrange interbank deals and do not lend.
NOT_LENDING = {"货币经纪公司"}


def fetch(client: httpx.Client) -> list[RawResponse]:
    listing = get(client, LIST_URL, "docs")
    doc = newest_list_document(parse_json(listing))
    detail = get(client, DETAIL_URL.format(doc_id=doc["docId"]), f"doc {doc['docId']}")
    pdf = get(client, attachment_url(parse_json(detail)), "pdf")
    return [listing, detail, pdf]


def parse_json(raw: RawResponse) -> dict[str, Any]:
    if raw.status != 200:
        raise ParseError(f"HTTP {raw.status} from {raw.url}")
    try:
        answer = json.loads(raw.content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ParseError(f"not JSON from {raw.url}: {raw.content[:80]!r}") from error
    if not isinstance(answer, dict) or not isinstance(answer.get("data"), dict):
        raise ParseError(f"no 'data' object in the answer from {raw.url}")
    return answer["data"]


def list_as_of(title: str) -> date | None:
    """The 截至 date of a 法人名单 title (the month's last day), or None for any other document."""
    if "外国银行" in title:  # foreign banks' branches are a separate list
        return None
    found = TITLE.search(title.replace(" ", ""))
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    return date(year, month, calendar.monthrange(year, month)[1])


def newest_list_document(data: dict[str, Any]) -> dict[str, Any]:
    rows = data.get("rows")
    if not isinstance(rows, list):
        raise ParseError("the document list has no data.rows")
    dated = [(as_of, row) for row in rows if (as_of := list_as_of(str(row.get("docTitle", ""))))]
    if not dated:
        raise ParseError(f"no 银行业金融机构法人名单 among {len(rows)} documents of itemId 863")
    return max(dated, key=lambda pair: (pair[0], str(pair[1].get("publishDate", ""))))[1]


def attachment_url(data: dict[str, Any]) -> str:
    pdfs = [str(a.get("urlOtherName") or "") for a in data.get("attachmentInfoVOList") or []]
    pdfs = [p for p in pdfs if p.lower().endswith(".pdf")]
    if len(pdfs) != 1:
        raise ParseError(f"expected one PDF attachment on docId {data.get('docId')}, found {pdfs}")
    return pdfs[0] if pdfs[0].startswith("http") else SITE + "/" + pdfs[0].lstrip("/")


def parse_run(raws: Sequence[RawResponse]) -> list[Record]:
    """The records of one live run: the document list, the chosen document, its PDF."""
    by_label = {raw.label: raw for raw in raws}
    if "docs" not in by_label or "pdf" not in by_label:
        raise ParseError(f"a run needs the document list and the PDF, got {sorted(by_label)}")
    doc = newest_list_document(parse_json(by_label["docs"]))
    detail = by_label.get(f"doc {doc['docId']}")
    if detail is None:
        raise ParseError(f"the detail of docId {doc['docId']} is missing")
    pdf, pdf_url = by_label["pdf"], attachment_url(parse_json(detail))
    if httpx.URL(pdf.url).path != httpx.URL(pdf_url).path:
        raise ParseError(f"the PDF {pdf.url} is not the attachment of docId {doc['docId']}")
    title = str(doc["docTitle"])
    as_of = list_as_of(title)
    published = str(doc.get("publishDate") or "")[:10]
    note = f"Parsed from the NFRA PDF 《{title}》 (docId {doc['docId']}, published {published or 'date not given'})."
    return records_of(parse_pdf(pdf), as_of=as_of, source_url=pdf_url, retrieved_at=pdf.retrieved_at,
                      note=note, published=published)


def parse(raw: RawResponse) -> list[Record]:
    """A PDF alone: the 截至 date is read from the title printed on its first page."""
    rows = parse_pdf(raw)
    with pdfplumber.open(io.BytesIO(raw.content)) as pdf:
        as_of = list_as_of("".join((pdf.pages[0].extract_text() or "").split()))
    if as_of is None:
        raise ParseError("the PDF's first page has no '银行业金融机构法人名单（截至…月末）' title")
    return records_of(rows, as_of=as_of, source_url=raw.url, retrieved_at=raw.retrieved_at,
                      note="Parsed from the NFRA PDF; the as-of date is the one printed in its title.")


def parse_pdf(raw: RawResponse) -> list[dict[str, str]]:
    if raw.status != 200:
        raise ParseError(f"HTTP {raw.status} from {raw.url}")
    if not raw.content.startswith(b"%PDF"):  # an error page served with 200
        raise ParseError(f"not a PDF from {raw.url}: {raw.content[:60]!r}")
    with pdfplumber.open(io.BytesIO(raw.content)) as pdf:
        tables = [page.extract_table() or [] for page in pdf.pages]
    return rows_from_tables(tables)


def rows_from_tables(tables: Sequence[Sequence[Sequence[str | None]]]) -> list[dict[str, str]]:
    """Rows of the PDF's table, one per page; the header repeats on each page.

    A row cut by a page break continues on the next page with an empty 序号: its cells are joined back."""
    rows: list[dict[str, str]] = []
    for page, table in enumerate(tables, start=1):
        order: list[str] | None = None
        for cells in table:
            texts = ["".join((cell or "").split()) for cell in cells]
            if order is None:
                order = [HEADER_ALIASES.get(text, "") for text in texts]
                if sorted(o for o in order if o) != sorted(COLUMNS):
                    raise ParseError(f"page {page}: unexpected header {texts}")
                continue
            row = {key: cell or "" for key, cell in zip(order, cells, strict=False) if key}
            if not "".join(row.values()).strip():
                continue
            if not row[SEQ].strip():
                if not rows:
                    raise ParseError(f"page {page}: a continuation row before any row")
                _continue(rows[-1], row)
                continue
            rows.append(row)
    for row in rows:
        for key in COLUMNS:
            row[key] = " ".join(row[key].split()) if key == NAME_EN else "".join(row[key].split())
    return rows


def _continue(last: dict[str, str], more: dict[str, str]) -> None:
    for key, value in more.items():
        if value.strip():
            last[key] = f"{last[key]}\n{value}"


def check_rows(rows: Sequence[dict[str, str]]) -> None:
    """The list's structural invariants: 序号 runs 1..N when present, codes have the 15-character form and
    repeat nowhere. A type whose code letter disagrees with the letter seen for that type is logged."""
    if not rows:
        raise ParseError("the table has no rows")
    if SEQ in rows[0]:
        seqs = [row[SEQ] for row in rows]
        if seqs != [str(n) for n in range(1, len(rows) + 1)]:
            gaps = [n for n, seq in enumerate(seqs, start=1) if seq != str(n)][:5]
            raise ParseError(f"序号 is not continuous from 1 to {len(rows)}: first breaks at {gaps}")
    bad = [row[CODE] for row in rows if not CODE_PATTERN.match(row[CODE])]
    if bad:
        raise ParseError(f"{len(bad)} 机构编码 do not have the form A0000A000000000, e.g. {bad[:3]}")
    repeated = [code for code, n in Counter(row[CODE] for row in rows).items() if n > 1]
    if repeated:
        raise ParseError(f"{len(repeated)} 机构编码 repeat, e.g. {repeated[:3]}")
    for row in rows:
        expected = TYPE_LETTERS.get(row[TYPE])
        if expected is None:
            log.warning("unknown 机构类型", extra={"source": SOURCE.id, "type": row[TYPE], "code": row[CODE]})
        elif row[CODE][0] != expected:
            log.warning("机构编码 letter disagrees with 机构类型", extra={"source": SOURCE.id, "code": row[CODE],
                        "institution": row[NAME], "type": row[TYPE], "expected": expected})
    log.info("rows per 机构类型", extra={"source": SOURCE.id, "counts": dict(Counter(row[TYPE] for row in rows))})


def record_of(row: dict[str, str], *, as_of: date | None, source_url: str, retrieved_at: datetime, note: str,
              published: str = "") -> Record:
    code, english = row[CODE], row.get(NAME_EN, "").strip()
    dates = {"listed_as_of": as_of.isoformat()} if as_of else {}
    if published:
        dates["published"] = published
    return Record(
        source_id=SOURCE.id,
        record_id=code,
        name=row[NAME],
        names=[RecordName(name=english, kind=NameKind.english)] if english and english != "无" else [],
        registration=f"CN-NFRA:{code}",
        licence_type=row[TYPE],
        licence_number=code,
        lending=row[TYPE] not in NOT_LENDING,
        status="listed",
        segment=row[TYPE],
        as_of=as_of,
        dates=dates,
        fields=dict(row),
        source_url=source_url,
        retrieved_at=retrieved_at,
        note=note,
    )


def records_of(rows: Sequence[dict[str, str]], **provenance: Any) -> list[Record]:
    check_rows(rows)
    return [record_of(row, **provenance) for row in rows]


def bundled(shared: Path) -> list[BundledRun]:
    """The bundled history, from the two saved CSV conversions of the PDF (see `cn_nfra_conversions`)."""
    # Imported here: the conversions module builds its records with this module's `records_of`.
    from scrapers.cn_nfra_conversions import bundled_runs

    return bundled_runs(shared)
