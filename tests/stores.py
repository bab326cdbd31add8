"""Small hand-made stores in the real shapes, for API and runner tests (not real data)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine

from lendercheck.records import RawResponse, Record, RecordName, Source
from lendercheck.settings import Settings
from scrapers.runner import RunReport, ingest

PDF_URL = "https://www.nfra.gov.cn/chinese/docfile/2025/86c58b1ad810422c8fa6c6d0107f1626.pdf"
JUNE = datetime(2025, 10, 2, tzinfo=UTC)
DECEMBER = datetime(2026, 9, 27, tzinfo=UTC)

LICENCES = Source(
    id="cn-test-licences", name="测试法人名单", regulator="国家金融监督管理总局 (NFRA)", jurisdiction="CN",
    kind="licence", url="https://www.nfra.gov.cn/", covers=["消费金融公司", "城市商业银行"], min_records=1,
)
WARNINGS = Source(
    id="id-test-warnings", name="Test alert list", regulator="Satgas PASTI", jurisdiction="ID",
    kind="warning", url="https://sikapiuangmu.ojk.go.id/", covers=["illegal online lenders"], min_records=1,
)

# (code, name, type) as in NFRA's 法人名单; the last one is absent from the "December" list.
ROWS = [
    ("X0007H244030001", "招联消费金融股份有限公司", "消费金融公司"),
    ("X0029H250000001", "重庆蚂蚁消费金融有限公司", "消费金融公司"),
    ("B1043H365400001", "新疆汇和银行股份有限公司", "城市商业银行"),
    ("B0001H111000001", "中国工商银行股份有限公司", "城市商业银行"),
]


def licence_records(rows: list[tuple[str, str, str]], as_of: date, retrieved_at: datetime) -> list[Record]:
    return [
        Record(source_id=LICENCES.id, record_id=code, name=name, registration=f"CN-NFRA:{code}",
               licence_type=kind, licence_number=code, status="listed", segment=kind, as_of=as_of,
               source_url=PDF_URL, retrieved_at=retrieved_at)
        for code, name, kind in rows
    ]


def warning_records() -> list[Record]:
    return [
        Record(source_id=WARNINGS.id, record_id="uang-mudah", name="Uang Mudah - Pinjam Dana Cepat",
               names=[RecordName(name="Uang Mudah", kind="brand")], domains=["uangmudah.example.id"],
               app_ids=["com.uangmudah.pinjam"], status="illegal pinjol", source_url="https://example.org/alerts",
               retrieved_at=JUNE),
    ]


def pdf_raw() -> list[RawResponse]:
    return [RawResponse(url=PDF_URL, status=200, content=b"%PDF-1.7 test", content_type="application/pdf")]


def fill(engine: Engine, settings: Settings) -> list[RunReport]:
    """June list, then a December list without 新疆汇和银行, then a warning list."""
    june = licence_records(ROWS, date(2025, 6, 30), JUNE)
    december = licence_records(ROWS[:2] + ROWS[3:], date(2025, 12, 31), DECEMBER)
    return [
        ingest(engine, settings, LICENCES, pdf_raw(), lambda: june, now=JUNE),
        ingest(engine, settings, LICENCES, pdf_raw(), lambda: december, now=DECEMBER),
        ingest(engine, settings, WARNINGS, [], warning_records, now=JUNE),
    ]
