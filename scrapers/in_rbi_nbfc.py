"""India: the RBI's list of non-banking financial companies (NBFCs) registered with it.

One XLSX (`List_of_NBFCs_and_ARCs_registered_with_the_RBI.XLSX`, refreshed about monthly), one row per
company: name, regional office, whether it may take public deposits, classification (ICC, MFI, P2P …),
Corporate Identification Number (CIN), layer (Base / Middle / Upper), address, e-mail.
The CIN is the registration that links rows across lists; the e-mail column holds personal addresses
as published and is not kept.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from openpyxl import load_workbook

from lendercheck.records import NameKind, ParseError, RawResponse, Record, RecordName, Source
from scrapers.base import BundledRun, get, saved_copy

log = logging.getLogger(__name__)

LIST_URL = "https://rbidocs.rbi.org.in/rdocs/content/DOCs/List_of_NBFCs_and_ARCs_registered_with_the_RBI.XLSX"

SOURCE = Source(
    id="in-rbi-nbfc",
    name="RBI list of NBFCs registered with the Reserve Bank",
    regulator="Reserve Bank of India (RBI)",
    jurisdiction="IN",
    kind="licence",
    url="https://www.rbi.org.in/Scripts/BS_NBFCList.aspx",
    covers=[
        "non-banking finance companies that lend (investment and credit companies, microfinance institutions, "
        "infrastructure finance, factoring)",
        "peer-to-peer lending platforms (NBFC-P2P)",
        "other registered NBFCs (core investment companies, account aggregators …), kept but not counted as lenders",
    ],
    # 9,291 companies in 2025; the list moves by a few hundred a year.
    min_records=7000,
    description=(
        "Every NBFC holding the RBI's certificate of registration, with its class, layer and CIN. Banks and "
        "housing finance companies are not in it."
    ),
)

HEADER = ["SR No.", "NBFC Name", "Regional Office", "Whether have CoR for holding/ Accepting Public Deposits",
          "Classification", "Corporate Identification Number", "Layer", "Address", "Email ID"]

# RBI's classes of NBFC; the ones that lend count as lending licences.
CLASSES: dict[str, tuple[str, bool]] = {
    "ICC": ("Investment and Credit Company", True),
    "MFI": ("Micro Finance Institution", True),
    "P2P": ("Peer to Peer Lending Platform", True),
    "IFC": ("Infrastructure Finance Company", True),
    "IDF": ("Infrastructure Debt Fund", True),
    "Factor": ("Factor", True),
    "CIC": ("Core Investment Company", False),
    "AA": ("Account Aggregator", False),
    "NBFC-AA": ("Account Aggregator", False),
    "PD": ("Standalone Primary Dealer", False),
    "NOFHC": ("Non-Operative Financial Holding Company", False),
    "MGC": ("Mortgage Guarantee Company", False),
}
# "Sammaan Capital Limited (Formerly Indiabulls Housing Finance Limited)", "Shriram Finance Limited
# [Formerly: …]", "Geojit Credits (P) Ltd (Formerly Known as A S R Financing & Leasing (P) Ltd)",
# "KRAZYBEE SERVICES LIMITED (EARLIER KNOWN AS …)", "… (MERGED WITH …)", "(FORMALLY …)" [sic]; some end
# in RBI's footnote mark "*" or a full stop.
_FORMER = re.compile(
    r"\s*[(\[]\s*(formerly|formally|earlier|old name|previously|merged with|erstwhile)\b[\s:-]*"
    r"(?:known?\s+as\s*:?\s*)?(.*?)[)\]]?[\s.*]*$",
    re.IGNORECASE,
)
_CIN = re.compile(r"^[LU]\d{5}[A-Z]{2}\d{4}[A-Z]{3}\d{6}$")


def fetch(client: httpx.Client) -> list[RawResponse]:
    return [get(client, LIST_URL, "list")]


def split_former(name: str) -> tuple[str, str | None, str | None]:
    """The name, a former (or merged) name in brackets, and the word that introduced it."""
    flat = re.sub(r"\s+", " ", name).strip()
    match = _FORMER.search(flat)
    if not match:
        return flat.rstrip("*").strip(), None, None
    other = match.group(2).strip().lstrip("-:. ").strip('"').strip() or None
    how = match.group(1).lower()
    return flat[: match.start()].strip(), other, "formerly" if how == "formally" else how


def read_rows(content: bytes, header: Sequence[str]) -> list[dict[str, Any]]:
    """Rows under the exact header, from an XLSX (title rows above the header are skipped) or a CSV."""
    if content.startswith(b"PK"):
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        table = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    else:
        text = content.decode("utf-8-sig")
        if text.lstrip().startswith("<"):
            raise ParseError("an HTML page (a CAPTCHA or an error) where the list was expected")
        table = list(csv.reader(io.StringIO(text)))
    for at, cells in enumerate(table):
        found = [cell.strip() for cell in cells]
        while found and not found[-1]:
            found.pop()
        if found == list(header):
            return [dict(zip(header, row, strict=False)) for row in table[at + 1:] if any(c.strip() for c in row)]
        if at > 20:
            break
    raise ParseError(f"the header {list(header)} was not found")


def parse(raw: RawResponse, *, note: str = "") -> list[Record]:
    if raw.status != 200:
        raise ParseError(f"HTTP {raw.status} from {raw.url}")
    records: dict[str, Record] = {}
    for row in read_rows(raw.content, HEADER):
        record = nbfc_record(row, raw, note)
        if record is None:
            continue
        if record.record_id in records:
            log.warning("repeated CIN", extra={"source": SOURCE.id, "cin": record.record_id})
            continue
        records[record.record_id] = record
    return list(records.values())


def nbfc_record(row: dict[str, Any], raw: RawResponse, note: str) -> Record | None:
    # CINs come with stray spaces, tabs and no-break spaces around them.
    cin = re.sub(r"\s+", "", row["Corporate Identification Number"].replace("\xa0", " "))
    published = row["NBFC Name"]
    if not cin or not published.strip():
        log.warning("row without a name or CIN", extra={"source": SOURCE.id, "sr": row.get("SR No.")})
        return None
    if not _CIN.match(cin):
        log.warning("unusual CIN", extra={"source": SOURCE.id, "cin": cin})
    name, former, how = split_former(published)
    code = row["Classification"].strip()
    label, lends = CLASSES.get(code, (code, False))
    if code not in CLASSES:
        log.warning("unknown NBFC class", extra={"source": SOURCE.id, "class": code})
    layer = row["Layer"].strip()
    deposits = row["Whether have CoR for holding/ Accepting Public Deposits"].strip()
    return Record(
        source_id=SOURCE.id,
        record_id=cin,
        name=name,
        names=[RecordName(name=former, kind=NameKind.former)] if former and how != "merged with" else [],
        registration=f"IN-CIN:{cin}",
        licence_type=f"NBFC-{code} ({label})" + (f", {layer} layer" if layer else ""),
        lending=lends,
        status="registered with RBI" + (", may accept public deposits" if deposits == "Yes" else ""),
        segment=code,
        fields={
            "sr_no": row["SR No."].strip(),
            "published_name": published,
            "regional_office": row["Regional Office"].strip(),
            "public_deposits": deposits,
            "classification": code,
            "layer": layer,
            "address": re.sub(r"\s+", " ", row["Address"]).strip(),
        },
        source_url=raw.url,
        retrieved_at=raw.retrieved_at,
        note=note,
    )


# --- the saved copy --------------------------------------------------------------------------

COPY_NOTE = (
    "A CSV conversion of RBI's XLSX, uploaded by a third party (AbhayARao26/DhanVyapar-AI, 2025-07-27); "
    "the list's 'as on' date is not in the copy."
)


def bundled(shared: Path) -> list[BundledRun]:
    path = shared / "in" / "rbi-nbfc-list-2025" / "RBI - List of NBFCs.csv"
    if not path.exists():
        return []
    copied = datetime(2025, 7, 27, tzinfo=UTC)
    raw = saved_copy(path, LIST_URL, copied, "list")
    return [BundledRun(raws=[raw], records=parse(raw, note=COPY_NOTE), retrieved_at=copied)]
