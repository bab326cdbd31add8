"""Indonesia: OJK's list of licensed P2P lenders (penyelenggara fintech lending / LPBBTI berizin).

OJK publishes the list a few times a year as a page per date ("…-per-31-Januari-2025.aspx") with a
spreadsheet or PDF attached. Three layouts are known, all read here:
- current (2021 on): company, electronic-system (app/platform) name, KEP licence number and date,
  conventional/sharia, website, operating system;
- the 2018 "Direktori Fintech" XLSX: No, company, platform, letter number, date (Excel serial),
  legal form, conventional/sharia, address;
- the 2019 conversions of that directory (Feb: Indonesian month names; Jul: US dates, address).
Before 2022 most lenders were only "Terdaftar" (registered, letter S-…); a KEP-… number is a licence.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from lendercheck.records import NameKind, ParseError, RawResponse, Record, RecordName, Source
from scrapers.base import BundledRun, get, saved_copy

log = logging.getLogger(__name__)

# The newest list page known; OJK answers 403 outside Indonesia, so its HTML has not been captured.
LIST_PAGE = (
    "https://ojk.go.id/id/kanal/iknb/data-dan-statistik/direktori/fintech/Pages/"
    "Penyelenggara-Fintech-Lending-Berizin-di-OJK-per-31-Januari-2025.aspx"
)

SOURCE = Source(
    id="id-ojk-p2p-licensed",
    name="Penyelenggara Fintech Lending Berizin di OJK",
    regulator="Otoritas Jasa Keuangan (OJK)",
    jurisdiction="ID",
    kind="licence",
    url=LIST_PAGE,
    covers=["P2P lending platforms (pinjol) licensed by OJK, conventional and sharia"],
    # 97 lenders in 2025 and a steady fall since 2021 (149 → 96): far fewer means a broken list.
    min_records=60,
    description=(
        "OJK's list of licensed peer-to-peer lending platforms: company, app/platform name, KEP licence "
        "number and date, conventional or sharia, website. Banks, multifinance and pawn companies are "
        "licensed under other OJK lists, not covered here."
    ),
)

CURRENT = ["Nama Perusahaan", "Nama Sistem Elektronik", "Surat Tanda Berizin/Terdaftar",
           "Tanggal Berizin/Terdaftar", "Jenis Usaha", "Alamat Website", "Sistem Operasi"]
DIRECTORY_2018 = ["No", "Nama Perusahaan", "Nama Platform", "Nomor Surat Terdaftar atau Izin",
                  "Tanggal Terdaftar atau Izin", "Badan Hukum", "Jenis Usaha", "Alamat"]
LIST_FEB_2019 = ["Surat Tanda Berizin/Terdaftar", "Nama Platform", "Website", "Nama Perusahaan", "Tanggal", "Jenis"]
LIST_JUL_2019 = LIST_FEB_2019 + ["Badan Hukum", "Syariah", "Alamat"]

# header → (company, platform, number, date, kind of business, website) column names
LAYOUTS: dict[tuple[str, ...], tuple[str, str, str, str, str | None, str | None]] = {
    tuple(CURRENT): ("Nama Perusahaan", "Nama Sistem Elektronik", "Surat Tanda Berizin/Terdaftar",
                     "Tanggal Berizin/Terdaftar", "Jenis Usaha", "Alamat Website"),
    tuple(DIRECTORY_2018): ("Nama Perusahaan", "Nama Platform", "Nomor Surat Terdaftar atau Izin",
                            "Tanggal Terdaftar atau Izin", "Jenis Usaha", None),
    tuple(LIST_FEB_2019): ("Nama Perusahaan", "Nama Platform", "Surat Tanda Berizin/Terdaftar", "Tanggal",
                           None, "Website"),
    tuple(LIST_JUL_2019): ("Nama Perusahaan", "Nama Platform", "Surat Tanda Berizin/Terdaftar", "Tanggal",
                           "Syariah", "Website"),
}

MONTHS = {"januari": 1, "februari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
          "agustus": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12}
_SPACES = re.compile(r"\s+")
# A KEP-… decision is a licence (izin); an S-… letter was a registration (tanda terdaftar).
_LICENCE = re.compile(r"^KEP-", re.IGNORECASE)
_NO_VALUE = {"", "-"}


def fetch(client: httpx.Client) -> list[RawResponse]:
    """The list page, then the spreadsheet it attaches (a page with only a PDF fails the run)."""
    page = get(client, LIST_PAGE, "list page")
    if page.status != 200:
        return [page]
    links = spreadsheet_links(page.text(), page.url)
    if not links:
        raise ParseError(f"no spreadsheet linked from {page.url}")
    return [page, get(client, links[0], "list")]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(value for key, value in attrs if key == "href" and value)


def spreadsheet_links(html: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return [urljoin(base, href) for href in parser.hrefs
            if href.lower().split("?")[0].endswith((".xlsx", ".csv"))]


def parse_run(raws: Sequence[RawResponse]) -> list[Record]:
    lists = [raw for raw in raws if not raw.content_type.startswith("text/html")]
    if len(lists) != 1:
        raise ParseError(f"expected one list among {len(raws)} responses, found {len(lists)}")
    return parse(lists[0])


def parse(raw: RawResponse, *, note: str = "") -> list[Record]:
    """One record per row, in any of the known layouts (XLSX or CSV)."""
    if raw.status != 200:
        raise ParseError(f"HTTP {raw.status} from {raw.url}")
    header, rows = read_table(raw.content)
    layout = LAYOUTS.get(tuple(header))
    if layout is None:
        raise ParseError(f"unknown OJK list layout: {header}")
    records: dict[str, Record] = {}
    for row in rows:
        record = lender_record(row, layout, raw, note)
        if record is None:
            continue
        if record.record_id in records:
            # The 2018 directory gives PT Perlu Fintech Indonesia and PT Kredit Pintar Indonesia the same
            # letter number: two lenders, one typo. The company keeps the second row's id apart.
            log.warning("repeated licence number", extra={"source": SOURCE.id, "number": record.record_id})
            record = record.model_copy(update={"record_id": f"{record.record_id} ({record.name})"})
        if record.record_id in records:
            continue
        records[record.record_id] = record
    return list(records.values())


def read_table(content: bytes) -> tuple[list[str], list[dict[str, Any]]]:
    if content.startswith(b"PK"):
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        table: list[list[Any]] = [list(row) for row in sheet.iter_rows(values_only=True)]
    else:
        text = content.decode("utf-8-sig")
        if text.lstrip().startswith("<"):
            raise ParseError("an HTML page where the list was expected")
        table = [list(row) for row in csv.reader(io.StringIO(text))]
    if not table:
        raise ParseError("empty list")
    # The 2018 XLSX has two empty columns after "Alamat".
    header = [str(cell).strip() for cell in table[0] if cell not in (None, "")]
    rows = []
    for cells in table[1:]:
        if not any(cell not in (None, "") for cell in cells):
            continue
        rows.append(dict(zip(header, cells, strict=False)))
    return header, rows


def lender_record(
    row: dict[str, Any], layout: tuple[str, str, str, str, str | None, str | None], raw: RawResponse, note: str
) -> Record | None:
    company_col, platform_col, number_col, date_col, kind_col, website_col = layout
    company = _clean(row.get(company_col))
    number = _clean(row.get(number_col))
    if not company or not number:
        log.warning("row without company or number", extra={"source": SOURCE.id, "row": _jsonable(row)})
        return None
    platform = _clean(row.get(platform_col))
    website = _clean(row.get(website_col)) if website_col else ""
    licensed = bool(_LICENCE.match(number))
    published_status = _clean(row.get("Jenis"))  # the 2019 lists say it outright
    status = published_status or ("Berizin" if licensed else "Terdaftar")
    kind = _clean(row.get(kind_col)) if kind_col else ""
    issued = parse_date(row.get(date_col))
    return Record(
        source_id=SOURCE.id,
        record_id=number,
        name=company,
        names=[RecordName(name=platform, kind=NameKind.brand)] if platform and platform != company else [],
        domains=[website] if website not in _NO_VALUE else [],
        licence_type="P2P lending (fintech lending)" + (f", {kind}" if kind else ""),
        licence_number=number,
        status=f"{status} ({'licensed' if status == 'Berizin' else 'registered'})",
        dates={"licensed" if licensed else "registered": issued.isoformat()} if issued else {},
        fields=_jsonable(row),
        source_url=raw.url,
        retrieved_at=raw.retrieved_at,
        note=note,
    )


def parse_date(value: Any) -> date | None:
    """ISO dates, Excel serials and datetimes, "06 Juli 2017", and the US-style "5/31/2017"."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int | float):
        converted = from_excel(value)
        return converted.date() if isinstance(converted, datetime) else None
    text = _clean(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    parts = text.split()
    if len(parts) == 3 and parts[1].lower() in MONTHS:
        try:
            return date(int(parts[2]), MONTHS[parts[1].lower()], int(parts[0]))
        except ValueError:
            return None
    log.warning("unreadable date", extra={"source": SOURCE.id, "value": text})
    return None


def _clean(value: Any) -> str:
    return _SPACES.sub(" ", str(value)).strip() if value is not None else ""


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in row.items()}


# --- the saved copy --------------------------------------------------------------------------

COPY = ("https://github.com/GetPinjol-Website/get_pinjol/blob/078e6dbff45902fad476e878ad7be7cfd1457d49/"
        "ml/dataset/ds_legal_ojk.csv")
COPY_NOTE = (
    "OJK's table 'Penyelenggara Fintech Lending Berizin di OJK' as uploaded by a third party (2025-06-04); "
    "the list's own date is not stated. Its 97 lenders, 7 of them sharia, match OJK's list per "
    "31 January 2025."
)


def bundled(shared: Path) -> list[BundledRun]:
    """Only the current list: the 2018–2019 copies come from other publications, so comparing them with it
    would invent removals."""
    path = shared / "id" / "ojk-p2p-licensed-getpinjol-2025" / "ds_legal_ojk.csv"
    if not path.exists():
        return []
    copied = datetime(2025, 6, 4, tzinfo=UTC)
    raw = saved_copy(path, COPY, copied, "list")
    return [BundledRun(raws=[raw], records=parse(raw, note=COPY_NOTE), retrieved_at=copied)]

