"""OJK licensed P2P lenders: the current layout (CSV and XLSX), the 2018 XLSX and the 2019 lists,
the live path over a fake page, and the count checks."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date
from functools import partial
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy.engine import Engine

from lendercheck.records import ParseError, RawResponse
from lendercheck.settings import Settings
from scrapers import id_ojk_p2p_licensed as ojk
from scrapers.base import make_client
from scrapers.runner import ingest, run_source

FOLDER = "id/ojk-p2p-licensed-getpinjol-2025/ds_legal_ojk.csv"


def saved(shared: Path, relative: str) -> RawResponse:
    return RawResponse(url=f"https://example.org/{relative}", status=200, content=(shared / relative).read_bytes())


def current_as_xlsx(shared: Path) -> bytes:
    """The current list's rows written into an XLSX, as OJK attaches it, with the date as a real date."""
    rows = list(csv.reader(io.StringIO((shared / FOLDER).read_text(encoding="utf-8"))))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([*row[:3], date.fromisoformat(row[3]), *row[4:]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_current_list_has_97_lenders_seven_of_them_sharia(shared: Path) -> None:
    (run,) = ojk.bundled(shared)
    assert len(run.records) == 97
    assert Counter(r.licence_type for r in run.records) == {
        "P2P lending (fintech lending), Konvensional": 90, "P2P lending (fintech lending), Syariah": 7}
    assert all(r.status == "Berizin (licensed)" and r.lending and r.active for r in run.records)


def test_current_list_records_carry_the_kep_licence(shared: Path) -> None:
    (run,) = ojk.bundled(shared)
    by_number = {r.record_id: r for r in run.records}
    adakami = by_number["KEP-128/D.05/2019"]
    assert (adakami.name, adakami.licence_number, adakami.dates) == (
        "PT Pembiayaan Digital Indonesia", "KEP-128/D.05/2019", {"licensed": "2019-12-13"})
    assert [(n.name, n.kind) for n in adakami.names] == [("AdaKami", "brand")]
    assert adakami.domains == ["https://www.adakami.id/"]
    assert adakami.source_url == ojk.COPY and "31 January 2025" in adakami.note
    danamas = by_number["KEP-49/D.05/2017"]
    assert (danamas.name, danamas.names[0].name, danamas.domains) == (
        "PT Pasar Dana Pinjaman", "Danamas", ["https://p2p.danamas.co.id/"])


def test_websites_without_scheme_or_with_leading_spaces_are_kept_clean(shared: Path) -> None:
    (run,) = ojk.bundled(shared)
    by_number = {r.record_id: r for r in run.records}
    assert by_number["KEP-10/D.05/2021"].domains == ["http://danasyariah.id"]
    assert by_number["KEP-32/D.05/2021"].domains == ["www.duhasyariah.com"]
    boost = by_number["KEP-48/D.05/2019"]
    assert boost.fields["Sistem Operasi"] == "-"
    assert any(r.name == "PT Fintech Bina Bangsa" for r in run.records)  # double space closed up


def test_the_same_list_as_xlsx_gives_the_same_records(shared: Path) -> None:
    from_csv = ojk.parse(saved(shared, FOLDER))
    from_xlsx = ojk.parse(RawResponse(url="https://example.org/list.xlsx", status=200,
                                      content=current_as_xlsx(shared)))
    assert [(r.record_id, r.name, r.dates) for r in from_xlsx] == [(r.record_id, r.name, r.dates) for r in from_csv]


def test_the_2018_ojk_xlsx_reads_excel_dates_and_registration_letters(shared: Path) -> None:
    records = ojk.parse(saved(shared, "id/ojk-fintech-directory-2018-06/Direktori Fintech per Juni 2018.xlsx"))
    assert len(records) == 64
    assert Counter(r.status for r in records) == {"Terdaftar (registered)": 63, "Berizin (licensed)": 1}
    danamas = records[0]
    assert (danamas.name, danamas.record_id, danamas.dates) == (
        "PT Pasar Dana Pinjaman", "KEP-49/D.05/2017", {"licensed": "2017-07-06"})
    koinworks = next(r for r in records if r.names and r.names[0].name == "Koinworks")
    assert (koinworks.record_id, koinworks.dates) == ("S-1862/NB.111/2017", {"registered": "2017-04-27"})


def test_two_lenders_sharing_one_letter_number_in_2018_are_both_kept(shared: Path) -> None:
    records = ojk.parse(saved(shared, "id/ojk-fintech-directory-2018-06/Direktori Fintech per Juni 2018.xlsx"))
    shared_number = [r.record_id for r in records if r.record_id.startswith("S-257/NB.213.2018")]
    assert shared_number == ["S-257/NB.213.2018", "S-257/NB.213.2018 (PT Kredit Pintar Indonesia)"]


@pytest.mark.parametrize(("relative", "first"), [
    ("id/ojk-p2p-pinjollist-2019/feb2019.csv", ("PT Pasar Dana Pinjaman", "KEP-49/D.05/2017", "2017-07-06")),
    ("id/ojk-p2p-pinjollist-2019/jul2019.csv", ("PT Lunaria Annua Teknologi", "S-1862/NB.111/2017", "2017-05-04")),
])
def test_the_2019_lists_read_indonesian_and_us_dates(shared: Path, relative: str, first: tuple[str, str, str]) -> None:
    records = ojk.parse(saved(shared, relative))
    assert len(records) == 99
    assert Counter(r.status for r in records) == {"Terdaftar (registered)": 98, "Berizin (licensed)": 1}
    record = records[0]
    assert (record.name, record.record_id, next(iter(record.dates.values()))) == first


def test_an_unknown_layout_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="unknown OJK list layout"):
        ojk.parse(RawResponse(url="https://example.org/x.csv", status=200, content=b"Nama,Izin\nPT A,KEP-1\n"))


def test_the_live_path_follows_the_page_to_its_spreadsheet(engine: Engine, settings: Settings, shared: Path) -> None:
    xlsx = current_as_xlsx(shared)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url == httpx.URL(ojk.LIST_PAGE):
            html = '<html><a href="/Documents/Pages/list/Lampiran.pdf">PDF</a> <a href="/files/Lampiran.xlsx">XLSX</a>'
            return httpx.Response(200, text=html, headers={"content-type": "text/html; charset=utf-8"})
        if request.url.path == "/files/Lampiran.xlsx":
            return httpx.Response(200, content=xlsx, headers={
                "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
        return httpx.Response(404)

    with make_client(settings, httpx.MockTransport(handler)) as client:
        report = run_source(ojk, engine, settings, client)
    assert (report.state, report.fetched, report.parsed) == ("accepted", 2, 97)


def test_a_page_without_a_spreadsheet_fails_the_run(engine: Engine, settings: Settings) -> None:
    site = httpx.MockTransport(lambda r: httpx.Response(200, text="<html><a href='/x.pdf'>PDF</a></html>",
                                                        headers={"content-type": "text/html"}))
    with make_client(settings, site) as client:
        report = run_source(ojk, engine, settings, client)
    assert report.state == "failed" and "no spreadsheet" in report.reason


def test_a_list_much_shorter_than_the_last_is_rejected(shared: Path, engine: Engine, settings: Settings) -> None:
    (run,) = ojk.bundled(shared)
    first = ingest(engine, settings, ojk.SOURCE, run.raws, partial(list, run.records), now=run.retrieved_at)
    assert first.state == "accepted"
    short = ingest(engine, settings, ojk.SOURCE, run.raws, partial(list, run.records[:50]))
    assert short.state == "rejected" and f"minimum of {ojk.SOURCE.min_records}" in short.reason
