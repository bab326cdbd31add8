"""The bundled NFRA history, from the two public CSV conversions of the 《银行业金融机构法人名单》 PDF.

They feed the bundled snapshot (`cn_nfra_legal_entities.bundled`); the live path parses the PDF. Both
readers are pure and give rows keyed by the PDF's own column names, so one record builder serves the
PDF and both conversions.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from lendercheck.records import ParseError, Record
from scrapers.base import BundledRun, saved_copy
from scrapers.cn_nfra_legal_entities import CODE, NAME, NAME_EN, SEQ, SUPERVISOR, TYPE, records_of

# Not a PDF column: the page of the PDF the December conversion says the row is on.
PDF_PAGE = "PDF页码"

# Weichenleeeee123/xray backend/data/licensed_institutions.csv (all classes, with English names).
XRAY_COLUMNS = {"seq": SEQ, "name": NAME, "name_en": NAME_EN, "code": CODE, "type": TYPE, "regulator": SUPERVISOR}
# lys1313013/aio-life-server sql/reference/banks/nfra-2025-12-31.csv (bank classes only, no English names).
AIO_COLUMNS = {"institution_code": CODE, "name": NAME, "institution_type": TYPE, "page": PDF_PAGE}


def read_xray_csv(content: bytes) -> list[dict[str, str]]:
    """`seq,name,name_en,code,type,regulator`; `name_en` is kept as converted (incl. `无` and empty)."""
    return _read(content, XRAY_COLUMNS)


def read_aio_csv(content: bytes) -> list[dict[str, str]]:
    """`institution_code,name,institution_type,page`: no 序号, English name or supervising office."""
    return _read(content, AIO_COLUMNS)


def _read(content: bytes, columns: dict[str, str]) -> list[dict[str, str]]:
    # The converters write `utf-8-sig`; stored copies may have lost the BOM, so accept both.
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    if set(reader.fieldnames or []) != set(columns):
        raise ParseError(f"unexpected CSV header {reader.fieldnames}, expected {list(columns)}")
    rows: list[dict[str, str]] = []
    for line, row in enumerate(reader, start=2):
        if None in row or any(value is None for value in row.values()):
            raise ParseError(f"line {line}: {len(row)} fields where {len(columns)} were expected")
        rows.append({columns[key]: value.strip() for key, value in row.items() if key is not None})
    return rows


# The two saved conversions, oldest first (see each folder's SOURCE.md under fixtures/cn/).
JUNE = "cn/nfra-legal-entities-2025-06-30"
DECEMBER = "cn/nfra-legal-entities-2025-12-31-banks"


def bundled_runs(shared: Path) -> list[BundledRun]:
    """The bundled history: the 2025-06-30 list (all classes), then the 2025-12-31 list (bank classes only:
    its run removes only rows of the classes it contains)."""
    june = bundled_june(shared / JUNE)
    return [june, bundled_december(shared / DECEMBER, june.records)]


def bundled_june(folder: Path) -> BundledRun:
    meta = json.loads((folder / "licensed_institutions.meta.json").read_text(encoding="utf-8"))
    # The conversion records when it was built (local time, zone not stated), not when the PDF was fetched.
    built = datetime.fromisoformat(meta["built_at"]).replace(tzinfo=UTC)
    note = (
        "Rows taken from a third-party CSV conversion of this NFRA PDF (GitHub Weichenleeeee123/xray, "
        "backend/data/licensed_institutions.csv, commit d212b1e2dd5236f65c53bfb36fd80820dab159f5, made with "
        f"pdfplumber), not parsed from the PDF by lendercheck. retrieved_at is the conversion's build time "
        f"({meta['built_at']}, time zone not stated, taken as UTC); when the PDF itself was downloaded is not recorded."
    )
    raw = saved_copy(folder / "licensed_institutions.csv", meta["url"], built, "xray licensed_institutions.csv")
    records = records_of(read_xray_csv(raw.content), as_of=date.fromisoformat(meta["as_of"]), source_url=meta["url"],
                         retrieved_at=built, note=note)
    if len(records) != meta["count"]:
        raise ParseError(f"{len(records)} rows where the conversion's meta says {meta['count']}")
    return BundledRun(raws=[raw], records=records, retrieved_at=built)


def bundled_december(folder: Path, earlier: Sequence[Record] = ()) -> BundledRun:
    """`earlier`: records of an older list; English names of the same code and Chinese name are carried over
    (with a note), because this conversion dropped the 英文名称 column and the matcher needs them."""
    meta = json.loads((folder / "nfra-2025-12-31.metadata.json").read_text(encoding="utf-8"))
    retrieved = datetime.fromisoformat(meta["retrieved_at"]).replace(tzinfo=UTC)
    note = (
        f"Rows taken from a third-party CSV conversion of this NFRA PDF (《{meta['title']}》, published "
        f"{meta['published_at']}; GitHub lys1313013/aio-life-server, sql/reference/banks/nfra-2025-12-31.csv, "
        "commit 6b9324e2dae1973a1ddcb5b67244c8457df248d5), not parsed from the PDF by lendercheck. The conversion "
        "kept bank classes only and has no English names or supervising offices. retrieved_at is the date that "
        f"conversion gives for its download ({meta['retrieved_at']}, day only)."
    )
    raw = saved_copy(folder / "nfra-2025-12-31.csv", meta["pdf_url"], retrieved, "aio-life-server nfra-2025-12-31.csv")
    records = records_of(read_aio_csv(raw.content), as_of=date.fromisoformat(meta["as_of"]), source_url=meta["pdf_url"],
                         retrieved_at=retrieved, note=note, published=meta["published_at"])
    english = {(r.record_id, r.name): r.names for r in earlier if r.names}
    for record in records:
        if (record.record_id, record.name) in english:
            carried = f" 英文名称 carried over from the list as of {earlier[0].as_of} (same 机构编码 and 机构名称)."
            record.names = list(english[(record.record_id, record.name)])
            record.note += carried
    counts = Counter(record.segment for record in records)
    if counts != Counter(meta["included_counts"]):
        raise ParseError(f"counts per type {dict(counts)} differ from the conversion's {meta['included_counts']}")
    return BundledRun(raws=[raw], records=records, retrieved_at=retrieved)
