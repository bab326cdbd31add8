"""Satgas PASTI alert list: the 2024-12-08 copy, its cleaning (titles, mangled hosts, wrapped URLs,
package ids), the portal table, the count checks, and the Indonesian lookups over a filled store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from lendercheck.matcher import registrable_domain
from lendercheck.models import LenderDomain, LenderName, RecordRow
from lendercheck.records import Record
from lendercheck.settings import Settings
from lendercheck.store import create_schema, make_engine, records_of, session_scope
from lendercheck.verdict import lender_verdict
from scrapers import id_ojk_p2p_licensed as ojk
from scrapers import id_satgas_illegal as satgas
from scrapers.base import make_client
from scrapers.runner import ingest, run_source

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "id" / "satgas-portal-sample.html"


@pytest.fixture(scope="module")
def alert_records() -> list[Record]:
    shared = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
    if not shared.is_dir():
        pytest.skip(f"real captures not present: {shared}")
    (run,) = satgas.bundled(shared)
    return run.records


def by_title(records: list[Record], title: str, date_: str) -> Record:
    (found,) = [r for r in records if r.name == title and r.dates.get("input_date") == date_]
    return found


def test_9019_rows_give_8910_entries_once_word_for_word_repeats_are_dropped(alert_records: list[Record]) -> None:
    assert len(alert_records) == 8910
    assert Counter(r.segment for r in alert_records) == {
        "Fintech Ilegal": 7471, "Investasi Ilegal": 1226, "Gadai Ilegal": 213}
    assert len({r.record_id for r in alert_records}) == 8910
    assert all(r.as_of == date(2024, 12, 8) and r.source_url == satgas.PORTAL for r in alert_records)


def test_an_app_title_gives_its_brand_package_id_and_press_release(alert_records: list[Record]) -> None:
    uang_mudah = by_title(alert_records, "Uang Mudah - Pinjam Dana Cepat", "2023-02-10")
    assert [(n.name, n.kind) for n in uang_mudah.names] == [("Uang Mudah", "brand")]
    assert uang_mudah.app_ids == ["com.n3th.uang.mudah"]
    assert uang_mudah.status == "illegal pinjol (press release SP 01/SWI/II/2023)"
    assert (uang_mudah.licence_number, uang_mudah.fields["press_release"]) == (None, "SP 01/SWI/II/2023")
    # The IP address and the APK mirror are not the lender's own site.
    assert uang_mudah.domains == []


def test_a_store_link_with_its_host_dots_dropped_still_gives_the_package(alert_records: list[Record]) -> None:
    pinjaman = by_title(alert_records, "Pinjaman Cepat - Dana Rupiah", "2023-11-14")
    assert pinjaman.fields["urls"] == ["https://apksos.com/app/cepat.pin.jaman.man.id.com"]
    assert pinjaman.app_ids == ["cepat.pin.jaman.man.id.com"]
    assert pinjaman.status == "illegal pinjol (press release SP 08/STPASTI/XI/2023)"


def test_the_same_title_in_several_press_releases_stays_several_entries(alert_records: list[Record]) -> None:
    cepat_oke = [r for r in alert_records if r.name == "Cepat oke - Pinjol yang cairnya paling cepat"]
    assert len(cepat_oke) == 5
    latest = by_title(alert_records, "Cepat oke - Pinjol yang cairnya paling cepat", "2024-11-11")
    assert (latest.status, latest.app_ids) == ("illegal pinjol (press release SP6/STPASTI/VIII/2024)",
                                               ["com.cephatoke.pinjol"])


def test_an_investment_warning_keeps_its_own_kind(alert_records: list[Record]) -> None:
    vfx = by_title(alert_records, "VFX aTrader - Forex & Stocks Online Trading", "2022-06-01")
    assert vfx.status == "illegal investment (press release SP 10/XII/SWI/2019)"
    assert vfx.fields["activity_type"] == ["Forex", "Futures"]


def test_warning_domains_never_include_stores_mirrors_or_social_sites(alert_records: list[Record]) -> None:
    domains = Counter(registrable_domain(d) for r in alert_records for d in r.domains)
    for platform in ("google.com", "apple.com", "facebook.com", "instagram.com", "apkcombo.com", "apksos.com",
                     "apkmonk.com", "blogspot.com", None):
        assert platform not in domains
    assert sum(1 for r in alert_records if r.app_ids) > 2000


@pytest.mark.parametrize(("cell", "urls"), [
    ("https://apkcombocom/amancairpinjamanonline/com.aman.cair.ua.ng.kilat/ https://play.google.com/sto "
     "re/apps/details?id=com.am an.cair.ua.ng.kilat",
     ["https://apkcombo.com/amancairpinjamanonline/com.aman.cair.ua.ng.kilat/",
      "https://play.google.com/store/apps/details?id=com.aman.cair.ua.ng.kilat"]),
    ("https://wwwinstagram.com/pinjammandiri dan https://pinjammandiri.com",
     ["https://www.instagram.com/pinjammandiri", "https://pinjammandiri.com"]),
    ("https://playgoogle.com/store/apps/details?id=com.newandromo.dev119717",
     ["https://play.google.com/store/apps/details?id=com.newandromo.dev119717"]),
    ("https://tme/pinjol", ["https://t.me/pinjol"]),
])
def test_wrapped_and_dot_stripped_urls_are_put_back_together(cell: str, urls: list[str]) -> None:
    assert satgas.urls_in([cell]) == urls


@pytest.mark.parametrize(("title", "brand"), [
    ("Uang Mudah - Pinjam Dana Cepat", "Uang Mudah"),
    ("Rupiah Ku – Pinjaman Online", "Rupiah Ku"),
    ("Pomona: Dapat Uang Tambahan Dari Mana & Kapan Saja", "Pomona"),
    ("Ko-Ki", None),
    ("KasPlus", None),
    ("https://www.facebook.com/groups/737644553362012/permalink/1701077713685353/", None),
])
def test_the_brand_is_the_title_before_its_tagline(title: str, brand: str | None) -> None:
    assert satgas.brand_of(title) == brand


def test_alias_notes_are_not_names_but_former_names_and_sites_are_kept() -> None:
    names, domains = satgas.names_of("Dompet Excellent - dana online", ["dahulu Pundi Murni", "Pencatutan",
                                                                          "www.fastinvestasi.id", "NETERO"])
    assert [(n.name, n.kind) for n in names] == [("Dompet Excellent", "brand"), ("Pundi Murni", "former"),
                                                 ("NETERO", "brand")]
    assert domains == ["www.fastinvestasi.id"]
    note = "Duplikasi PT Henan Putihrai Sekuritas yang memiliki izin"  # "copies the licensed PT Henan …"
    names, _ = satgas.names_of("PT Hanan Putihria Sekuritas", [note])
    assert names == []


def test_the_portal_table_reads_into_the_same_records(engine: Engine, settings: Settings) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=SAMPLE.read_bytes(), headers={"content-type": "text/html; charset=utf-8"})

    with make_client(settings, httpx.MockTransport(handler)) as client:
        (raw,) = satgas.fetch(client)
    records = satgas.parse(raw)
    assert [(r.name, r.app_ids, r.status) for r in records] == [
        ("Uang Mudah - Pinjam Dana Cepat", ["com.n3th.uang.mudah"], "illegal pinjol (press release SP 01/SWI/II/2023)"),
        ("Pinjaman Cepat - Dana Rupiah", ["cepat.pin.jaman.man.id.com"],
         "illegal pinjol (press release SP 08/STPASTI/XI/2023)"),
    ]
    # Two rows are far below the minimum: a live run of this page would be rejected, never applied.
    with make_client(settings, httpx.MockTransport(handler)) as client:
        report = run_source(satgas, engine, settings, client)
    assert report.state == "rejected" and "minimum of 5000" in report.reason


# --- the done-when checks over a store filled with the bundled runs --------------------------


@pytest.fixture(scope="module")
def id_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    shared = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
    if not shared.is_dir():
        pytest.skip(f"real captures not present: {shared}")
    settings = Settings(data_dir=tmp_path_factory.mktemp("id-store"), database_url="")
    engine = make_engine(settings)
    create_schema(engine)
    for module in (ojk, satgas):
        (run,) = module.bundled(shared)
        report = ingest(engine, settings, module.SOURCE, run.raws, partial(list, run.records), now=run.retrieved_at)
        assert report.state == "accepted", report.reason
    yield engine
    engine.dispose()


def lenders_named(engine: Engine, name: str) -> dict[str, list[RecordRow]]:
    with session_scope(engine) as session:
        lender_ids = session.exec(select(LenderName.lender_id).where(LenderName.name == name)).all()
        return records_of(session, lender_ids, with_fields=True)


@pytest.mark.parametrize(("name", "number"), [
    ("AdaKami", "KEP-128/D.05/2019"),
    ("Kredit Pintar", "KEP-83/D.05/2019"),
    ("Danamas", "KEP-49/D.05/2017"),
])
def test_licensed_p2p_brands_resolve_to_their_ojk_licence(id_store: Engine, name: str, number: str) -> None:
    (licensed,) = [rows for rows in lenders_named(id_store, name).values() if any(r.kind == "licence" for r in rows)]
    assert [(r.kind, r.licence_number, r.status) for r in licensed] == [("licence", number, "Berizin (licensed)")]
    assert lender_verdict(licensed) == "licensed"


def test_a_clone_app_using_a_licensed_brand_stays_a_separate_warning_lender(id_store: Engine) -> None:
    lenders = lenders_named(id_store, "Kredit Pintar")
    verdicts = sorted(lender_verdict(rows) for rows in lenders.values())
    assert verdicts == ["licensed", "warning"]
    (clone,) = [rows for rows in lenders.values() if rows[0].kind == "warning"]
    assert [(r.name, r.app_ids) for r in clone] == [
        ("Kredit Pintar - Pinjaman Uang Rupiah Mudah & Cepat", ["kre.uangmudah.kreditanlngeteluwh"])]


@pytest.mark.parametrize(("url", "number"), [
    ("https://www.adakami.id/", "KEP-128/D.05/2019"),
    ("https://www.kreditpintar.com/", "KEP-83/D.05/2019"),
    ("https://p2p.danamas.co.id/", "KEP-49/D.05/2017"),
])
def test_licensed_p2p_websites_resolve_to_their_ojk_licence(id_store: Engine, url: str, number: str) -> None:
    domain = registrable_domain(url)
    with session_scope(id_store) as session:
        (lender_id,) = session.exec(select(LenderDomain.lender_id).where(LenderDomain.domain == domain)).all()
        rows = records_of(session, [lender_id], with_fields=True)[lender_id]
    assert [(r.kind, r.licence_number) for r in rows] == [("licence", number)]


def test_an_illegal_app_is_a_warning_with_its_press_release(id_store: Engine) -> None:
    with session_scope(id_store) as session:
        (lender_id,) = session.exec(
            select(LenderDomain.lender_id).where(LenderDomain.domain == "com.n3th.uang.mudah")).all()
        (row,) = records_of(session, [lender_id], with_fields=True)[lender_id]
    assert (row.kind, row.name, row.status) == (
        "warning", "Uang Mudah - Pinjam Dana Cepat", "illegal pinjol (press release SP 01/SWI/II/2023)")
    assert row.fields["press_release"] == "SP 01/SWI/II/2023"
    assert lender_verdict([row]) == "warning"
