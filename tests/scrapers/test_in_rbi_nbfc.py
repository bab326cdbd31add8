"""RBI list of registered NBFCs: the 2025 copy, its classes, former names, CINs, the XLSX path and the
count checks."""

from __future__ import annotations

import csv
import io
from collections import Counter
from functools import partial
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy.engine import Engine

from lendercheck.records import ParseError, Record
from lendercheck.settings import Settings
from scrapers import in_rbi_nbfc as nbfc
from scrapers.base import make_client
from scrapers.runner import ingest, run_source

COPY = "in/rbi-nbfc-list-2025/RBI - List of NBFCs.csv"


@pytest.fixture(scope="module")
def nbfc_records() -> list[Record]:
    shared = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
    if not shared.is_dir():
        pytest.skip(f"real captures not present: {shared}")
    (run,) = nbfc.bundled(shared)
    return run.records


def by_cin(records: list[Record], cin: str) -> Record:
    (found,) = [r for r in records if r.record_id == cin]
    return found


def test_the_2025_list_has_9291_nbfcs_by_class(nbfc_records: list[Record]) -> None:
    assert len(nbfc_records) == 9291
    counts = Counter(r.segment for r in nbfc_records)
    assert (counts["ICC"], counts["MFI"], counts["P2P"], counts["CIC"]) == (9063, 95, 27, 58)
    assert sum(not r.lending for r in nbfc_records) == 58 + 16 + 1 + 7 + 3 + 1  # CIC, AA, NBFC-AA, PD, NOFHC, MGC


def test_bajaj_finance_is_a_lending_nbfc_with_its_cin(nbfc_records: list[Record]) -> None:
    bajaj = by_cin(nbfc_records, "L65910MH1987PLC042961")
    assert (bajaj.name, bajaj.registration, bajaj.lending) == (
        "Bajaj Finance Ltd.", "IN-CIN:L65910MH1987PLC042961", True)
    assert bajaj.licence_type == "NBFC-ICC (Investment and Credit Company), Upper layer"
    assert bajaj.status == "registered with RBI, may accept public deposits"
    assert bajaj.source_url == nbfc.LIST_URL
    assert "Email ID" not in bajaj.fields and "email" not in str(bajaj.fields).lower()


def test_a_p2p_platform_is_licensed_as_nbfc_p2p(nbfc_records: list[Record]) -> None:
    paisa = by_cin(nbfc_records, "U67120MH2017PLC302564")
    assert (paisa.name, paisa.licence_type, paisa.status, paisa.lending) == (
        "5Paisa P2P Limited", "NBFC-P2P (Peer to Peer Lending Platform), Base layer", "registered with RBI", True)


def test_former_names_in_brackets_become_former_names(nbfc_records: list[Record]) -> None:
    sammaan = by_cin(nbfc_records, "L65922DL2005PLC136029")
    assert sammaan.name == "Sammaan Capital Limited"
    assert [(n.name, n.kind) for n in sammaan.names] == [("Indiabulls Housing Finance Limited", "former")]
    shriram = by_cin(nbfc_records, "L65191TN1979PLC007874")
    assert [n.name for n in shriram.names] == ["Shriram Transport Finance Company Limited"]
    # A quoted name that runs over two lines.
    bajaj_auto = next(r for r in nbfc_records if r.name == "Bajaj Auto Credit Limited")
    assert [n.name for n in bajaj_auto.names] == ["Bajaj Auto Consumer Finance Limited"]


def test_cins_are_read_without_stray_spaces_and_no_break_spaces(nbfc_records: list[Record]) -> None:
    assert all(len(r.record_id) == 21 and r.record_id == r.record_id.strip() for r in nbfc_records)
    assert any(r.record_id == "L35999TN1962PLC004792" for r in nbfc_records)  # published with a trailing U+00A0


@pytest.mark.parametrize(("published", "expected"), [
    ("Geojit Credits (P) Ltd (Formerly Known as A S R Financing & Leasing (P) Ltd)",
     ("Geojit Credits (P) Ltd", "A S R Financing & Leasing (P) Ltd", "formerly")),
    ("Incred Financial Services Limited (Formerly KKR India Financial Services Ltd)*",
     ("Incred Financial Services Limited", "KKR India Financial Services Ltd", "formerly")),
    ("Ambit Finvest Pvt. Ltd. [Formerly - Ambit Retail Finance Pvt. Ltd.]",
     ("Ambit Finvest Pvt. Ltd.", "Ambit Retail Finance Pvt. Ltd.", "formerly")),
    ("ADITYA BIRLA CAPITAL LIMITED (MERGED WITH ADITYA BIRLA FINANCE LIMITED)",
     ("ADITYA BIRLA CAPITAL LIMITED", "ADITYA BIRLA FINANCE LIMITED", "merged with")),
    ("FINDOC FINVEST (P) LTD(FORMALLY AUJLA FINVEST PVT LTD AND NAME CHANGED ON 8.02.2016)",
     ("FINDOC FINVEST (P) LTD", "AUJLA FINVEST PVT LTD AND NAME CHANGED ON 8.02.2016", "formerly")),
    ("Citicorp Finance (India) Limited", ("Citicorp Finance (India) Limited", None, None)),
])
def test_split_former_reads_the_ways_rbi_writes_a_former_name(
    published: str, expected: tuple[str, str | None, str | None]
) -> None:
    assert nbfc.split_former(published) == expected


def test_the_rbi_xlsx_with_title_rows_above_the_header_is_read(shared: Path, settings: Settings) -> None:
    rows = list(csv.reader(io.StringIO((shared / COPY).read_text(encoding="utf-8"))))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["List of NBFCs registered with the Reserve Bank of India"])  # a title row, as RBI's sheets have
    sheet.append([])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url == httpx.URL(nbfc.LIST_URL)
        return httpx.Response(200, content=out.getvalue(), headers={
            "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})

    with make_client(settings, httpx.MockTransport(handler)) as client:
        (raw,) = nbfc.fetch(client)
    records = nbfc.parse(raw)
    assert len(records) == 9291
    assert by_cin(records, "L65910MH1987PLC042961").name == "Bajaj Finance Ltd."


def test_a_captcha_page_instead_of_the_list_fails_the_run(engine: Engine, settings: Settings) -> None:
    site = httpx.MockTransport(lambda r: httpx.Response(200, text="<html><form>captcha</form></html>"))
    with make_client(settings, site) as client:
        report = run_source(nbfc, engine, settings, client)
    assert report.state == "failed" and "HTML page" in report.reason
    with pytest.raises(ParseError, match="header"):
        nbfc.read_rows(b"SR No.,Name\n1,A\n", nbfc.HEADER)


def test_a_list_much_shorter_than_the_minimum_is_rejected(
    nbfc_records: list[Record], engine: Engine, settings: Settings
) -> None:
    report = ingest(engine, settings, nbfc.SOURCE, [], partial(list, nbfc_records[:5000]))
    assert report.state == "rejected" and "minimum of 7000" in report.reason
