"""RBI directory of digital lending apps: the 2026-09-25 export, its cleaning, and how the apps link to
their regulated entities' lenders in a store filled with the NBFC list and the directory."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from lendercheck.models import Lender, LenderDomain, LenderName, RecordRow
from lendercheck.records import Record
from lendercheck.settings import Settings
from lendercheck.store import create_schema, make_engine, records_of, session_scope
from lendercheck.verdict import lender_verdict
from scrapers import in_rbi_dla as dla
from scrapers import in_rbi_nbfc as nbfc
from scrapers.base import make_client
from scrapers.runner import ingest, run_source

SHARED = Path(__file__).resolve().parents[3] / "shared" / "fixtures"


@pytest.fixture(scope="module")
def app_records() -> list[Record]:
    if not SHARED.is_dir():
        pytest.skip(f"real captures not present: {SHARED}")
    (run,) = dla.bundled(SHARED)
    return run.records


def record(records: list[Record], record_id: str) -> Record:
    (found,) = [r for r in records if r.record_id == record_id]
    return found


def test_2758_rows_give_1617_entity_app_pairs(app_records: list[Record]) -> None:
    assert len(app_records) == 1617
    assert Counter(r.segment for r in app_records) == {"NBFC": 1362, "BANK": 252, "HOUSING FINANCE COMPANY": 3}
    assert all(r.status == "listed in RBI DLA directory" and r.source_url == dla.VIEWER for r in app_records)


def test_an_app_row_links_to_its_entity_by_legal_name(app_records: list[Record]) -> None:
    kreditbee = record(app_records, "KRAZYBEE SERVICES PRIVATE LIMITED | Kreditbee")
    assert (kreditbee.name, kreditbee.links_to, kreditbee.app_ids) == (
        "Kreditbee", "KRAZYBEE SERVICES PRIVATE LIMITED", ["com.kreditbee.android"])
    assert kreditbee.domains == ["https://www.kreditbee.in/", "https://www.kbnbfc.in/"]
    assert kreditbee.fields["owner"] == ["Finnovation Tech Solutions Private Limited"]
    assert kreditbee.fields["sr_no"] == ["1401", "1402", "1403", "1404", "1405", "1406", "1407", "1408"]


def test_the_entity_name_is_carried_down_to_follow_on_rows(app_records: list[Record]) -> None:
    gem = record(app_records, "121 FINANCE PRIVATE LIMITED (OLD NAME YERROW FINANCE AND INVESTMENTS PRIVATE LIMITED)"
                              " | GeM Sahay")
    assert gem.fields["sr_no"] == ["1", "2", "3"]  # the entity name is blank on rows 2 and 3
    assert gem.links_to == "121 FINANCE PRIVATE LIMITED"
    assert gem.fields["entity_former_name"] == "YERROW FINANCE AND INVESTMENTS PRIVATE LIMITED"
    assert gem.app_ids == ["com.gemsahay.perfios"]


def test_shifted_and_numbered_rows_are_read_for_what_they_say(app_records: list[Record]) -> None:
    kvb = [r.name for r in app_records if r.links_to == "KARUR VYSYA BANK LTD"]
    assert "KVB - Dlite & Mobile Banking" in kvb and "1" not in kvb
    manappuram = sorted(r.name for r in app_records if r.links_to == "MANAPPURAM FINANCE LIMITED"
                        and r.fields["sr_no"][0] in {"1541", "1542", "1543"})
    assert manappuram == ["com.interstellarz.personalloanapp", "com.manappuram.ogl", "com.mgc.og"]


def test_placeholder_and_pasted_header_rows_are_not_apps(app_records: list[Record]) -> None:
    entities = {r.links_to for r in app_records}
    for no_app in ("SPICEBULLS INVESTMENTS LIMITED", "TITEC FINANCE PRIVATE LIMITED",
                   "THE MIZORAM CO-OPERATIVE APEX BANK LTD.", "VYANKATESHWARA SAH BANK LTD"):
        assert no_app not in entities
    assert not any(r.name in ("Sr.No", "NA", "Nill", "NONE", "0") for r in app_records)


@pytest.mark.parametrize(("cell", "links"), [
    ("\u200bhttps://play.google.com/store/apps/details?id=com.portal.hcin",
     ["https://play.google.com/store/apps/details?id=com.portal.hcin"]),
    ("?https://apps.apple.com/in/app/gem-sahay/id6502699944", ["https://apps.apple.com/in/app/gem-sahay/id6502699944"]),
    ("TATA Capithttps://www.tatacapital.com/tchfl.htmlal Loan & Wealth App on the App?Store",
     ["https://www.tatacapital.com/tchfl.htmlal"]),
    ("https://a.example.in/x https://b.example.in/y", ["https://a.example.in/x", "https://b.example.in/y"]),
    ("https://play.google.com/store/apps/details?id=com.sm.mahilamoney&amp;amp;hl=en",
     ["https://play.google.com/store/apps/details?id=com.sm.mahilamoney&hl=en"]),
])
def test_dirty_link_cells_give_clean_links(cell: str, links: list[str]) -> None:
    assert dla.links_in(cell) == links


@pytest.mark.parametrize(("link", "package"), [
    ("oaps://mk/dt?pkg=com.kreditbee.android&style=1", "com.kreditbee.android"),
    ("vivomarket://details?id=com.kreditbee.android", "com.kreditbee.android"),
    ("https://apps.samsung.com/appquery/appDetail.as?appId=com.kreditbee.android", "com.kreditbee.android"),
    ("https://global.app.mi.com/details?lo=IN&la=en_US&id=com.kreditbee.android", "com.kreditbee.android"),
    ("https://apps.apple.com/in/app/easy-personal-loan-kreditbee/id1488736283", None),
    ("https://www.kreditbee.in/?id=com.example.app", None),
])
def test_store_links_give_android_package_ids(link: str, package: str | None) -> None:
    assert dla.package_of(link) == package


def test_the_live_path_says_why_it_cannot_run(engine: Engine, settings: Settings) -> None:
    with make_client(settings, httpx.MockTransport(lambda r: httpx.Response(500))) as client:
        report = run_source(dla, engine, settings, client)
    assert report.state == "skipped" and "BusinessObjects" in report.reason


def test_a_directory_much_shorter_than_the_minimum_is_rejected(
    app_records: list[Record], engine: Engine, settings: Settings
) -> None:
    report = ingest(engine, settings, dla.SOURCE, [], partial(list, app_records[:900]))
    assert report.state == "rejected" and "minimum of 1000" in report.reason


# --- the done-when checks over a store filled with the bundled runs --------------------------


@pytest.fixture(scope="module")
def in_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if not SHARED.is_dir():
        pytest.skip(f"real captures not present: {SHARED}")
    settings = Settings(data_dir=tmp_path_factory.mktemp("in-store"), database_url="")
    engine = make_engine(settings)
    create_schema(engine)
    for module in (nbfc, dla):  # licence list first, then the aliases that link to it
        (run,) = module.bundled(SHARED)
        report = ingest(engine, settings, module.SOURCE, run.raws, partial(list, run.records), now=run.retrieved_at)
        assert report.state == "accepted", report.reason
    yield engine
    engine.dispose()


def test_bajaj_finance_resolves_to_the_rbi_record_with_its_cin(in_store: Engine) -> None:
    with session_scope(in_store) as session:
        lender_ids = set(session.exec(select(LenderName.lender_id).where(LenderName.name == "Bajaj Finance Ltd.")))
        (lender_id,) = lender_ids
        lender = session.get(Lender, lender_id)
        rows = records_of(session, [lender_id], with_fields=True)[lender_id]
    assert lender is not None and lender.registration == "IN-CIN:L65910MH1987PLC042961"
    (licence,) = [r for r in rows if r.kind == "licence"]
    assert (licence.record_id, licence.licence_type) == (
        "L65910MH1987PLC042961", "NBFC-ICC (Investment and Credit Company), Upper layer")
    assert lender_verdict(rows) == "licensed"


def test_kreditbee_lands_on_its_regulated_entity_with_the_directory_as_evidence(in_store: Engine) -> None:
    with session_scope(in_store) as session:
        app = session.exec(select(RecordRow).where(
            RecordRow.record_id == "KRAZYBEE SERVICES PRIVATE LIMITED | Kreditbee")).one()
        lender = session.get(Lender, app.lender_id)
        rows = records_of(session, [app.lender_id], with_fields=True)[app.lender_id]
        by_package = set(session.exec(select(LenderDomain.lender_id).where(
            LenderDomain.domain == "com.kreditbee.android")))
    assert lender is not None and lender.registration == "IN-CIN:U65100KA2016PTC086990"
    kinds = {(r.kind, r.source_id) for r in rows}
    assert {("licence", "in-rbi-nbfc"), ("alias", "in-rbi-dla")} <= kinds
    assert lender_verdict(rows) == "licensed"
    # The package id finds the app's entity, and the other entities that report the same app.
    assert app.lender_id in by_package and len(by_package) > 5


def test_a_bank_outside_the_nbfc_list_becomes_its_own_lender(in_store: Engine) -> None:
    with session_scope(in_store) as session:
        app = session.exec(select(RecordRow).where(
            RecordRow.record_id == "KARUR VYSYA BANK LTD | KVB - Dlite & Mobile Banking")).one()
        lender = session.get(Lender, app.lender_id)
    assert lender is not None and (lender.name, lender.registration) == ("KARUR VYSYA BANK LTD", None)
