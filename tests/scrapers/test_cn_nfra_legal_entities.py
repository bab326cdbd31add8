"""NFRA 《银行业金融机构法人名单》: discovery through the DocInfo JSON, the PDF table, the two real CSV
conversions, and the history between the 2025-06-30 and 2025-12-31 lists."""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from lendercheck.answers import Verdict
from lendercheck.models import ChangeEvent, RecordRow
from lendercheck.records import ParseError, RawResponse
from lendercheck.settings import Settings
from lendercheck.store import session_scope
from lendercheck.verdict import lender_verdict
from scrapers import cn_nfra_conversions as conversions
from scrapers import cn_nfra_legal_entities as nfra
from scrapers.base import make_client
from scrapers.runner import ingest, run_source

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "cn" / "nfra-legal-entities-2025-12-31"
PDF_URL = "https://www.nfra.gov.cn/chinese/docfile/2026/1dcdad9de86f4d9d889356bb64cb313e.pdf"
AS_OF_DECEMBER = date(2025, 12, 31)

# Counts per type as stated in each copy's SOURCE.md (and, for December, its metadata's included_counts).
JUNE_COUNTS = {
    "开发性金融机构": 1, "政策性银行": 2, "国有大型商业银行": 6, "股份制商业银行": 12, "城市商业银行": 124,
    "民营银行": 19, "外资法人银行": 41, "住房储蓄银行": 1, "直销银行": 2, "农村商业银行": 1505, "农村合作银行": 20,
    "农村信用社": 401, "农村资金互助社": 15, "村镇银行": 1440, "信托公司": 67, "金融资产管理公司": 5,
    "金融租赁公司": 70, "企业集团财务公司": 236, "消费金融公司": 31, "汽车金融公司": 25, "货币经纪公司": 6,
    "其他金融机构": 41,
}
DECEMBER_COUNTS = {
    "国有大型商业银行": 6, "股份制商业银行": 12, "城市商业银行": 123, "民营银行": 19, "外资法人银行": 41,
    "住房储蓄银行": 1, "直销银行": 1, "农村商业银行": 1398, "农村合作银行": 18, "农村信用社": 336, "村镇银行": 1177,
}


def nfra_site(pdf: bytes | None = None) -> httpx.MockTransport:
    """NFRA's site as the fixtures rebuild it: the document list, one document, its PDF."""

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/cbircweb/DocInfo/SelectDocByItemIdAndChild" and request.url.params["itemId"] == "863":
            return httpx.Response(200, content=(HERE / "docs.json").read_bytes(),
                                  headers={"content-type": "application/json;charset=UTF-8"})
        if path == "/cbircweb/DocInfo/SelectByDocId" and request.url.params["docId"] == "1268142":
            return httpx.Response(200, content=(HERE / "doc-1268142.json").read_bytes(),
                                  headers={"content-type": "application/json;charset=UTF-8"})
        if path == "/chinese/docfile/2026/1dcdad9de86f4d9d889356bb64cb313e.pdf":
            body = (HERE / "excerpt.pdf").read_bytes() if pdf is None else pdf
            return httpx.Response(200, content=body, headers={"content-type": "application/pdf"})
        return httpx.Response(404, text="not found")

    return httpx.MockTransport(handler)


def pdf_raw() -> RawResponse:
    return RawResponse(url=PDF_URL, status=200, content=(HERE / "excerpt.pdf").read_bytes(),
                       content_type="application/pdf", label="pdf")


def test_discovery_picks_the_newest_legal_entity_list_and_skips_foreign_bank_lists() -> None:
    real = json.loads((HERE / "docs.json").read_text(encoding="utf-8"))["data"]["rows"][0]
    # Hand-made neighbours (docId 0 and 1 are not real documents) around the one real row.
    rows = [
        {"docId": 0, "docTitle": "外国银行在华分行名单（截至2026年6月末）", "publishDate": "2026-09-01"},
        real,
        {"docId": 1, "docTitle": "银行业金融机构法人名单（截至2025年6月末）", "publishDate": "2025-10-01"},
    ]
    assert nfra.newest_list_document({"rows": rows})["docId"] == 1268142
    assert nfra.list_as_of(real["docTitle"]) == AS_OF_DECEMBER
    assert nfra.list_as_of("银行业金融机构法人名单(截至2025年6月末)") == date(2025, 6, 30)


def test_a_document_list_without_a_legal_entity_list_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no 银行业金融机构法人名单"):
        nfra.newest_list_document({"rows": [{"docId": 0, "docTitle": "外国银行在华分行名单（截至2026年6月末）"}]})


def test_the_attachment_url_is_the_pdf_path_on_the_nfra_site() -> None:
    detail = json.loads((HERE / "doc-1268142.json").read_text(encoding="utf-8"))["data"]
    assert nfra.attachment_url(detail) == PDF_URL


def test_live_run_follows_the_json_to_the_pdf_and_applies_its_rows(engine: Engine, settings: Settings) -> None:
    with make_client(settings, nfra_site()) as client:
        report = run_source(nfra, engine, settings, client)
    # The fixture PDF holds 21 rows, below the live minimum of 3,000: the run is rightly rejected …
    assert (report.state, report.parsed, report.fetched) == ("rejected", 21, 3)
    assert "fewer than the minimum" in report.reason
    # … and goes through with the minimum lowered, as a fixture-sized source.
    small = nfra.SOURCE.model_copy(update={"min_records": 1})
    with make_client(settings, nfra_site()) as client:
        raws = nfra.fetch(client)
    assert [raw.label for raw in raws] == ["docs", "doc 1268142", "pdf"]
    report = ingest(engine, settings, small, raws, lambda: nfra.parse_run(raws))
    assert (report.state, report.added) == ("accepted", 21)
    with session_scope(engine) as session:
        icbc = session.exec(select(RecordRow).where(RecordRow.record_id == "B0001H111000001")).one()
        assert (icbc.name, icbc.licence_number, icbc.status, icbc.source_url, icbc.as_of) == (
            "中国工商银行股份有限公司", "B0001H111000001", "listed", PDF_URL, AS_OF_DECEMBER)
        assert icbc.names == [{"name": "INDUSTRIAL AND COMMERCIAL BANK OF CHINA LIMITED", "kind": "english"}]
        assert icbc.fields["属地监管机构"] == "金融监管总局"
        assert icbc.registration == "CN-NFRA:B0001H111000001"
        assert icbc.dates == {"listed_as_of": "2025-12-31", "published": "2026-08-14"}
        assert "docId 1268142" in icbc.note


def test_pdf_table_gives_every_row_with_chinese_text_extracted() -> None:
    records = nfra.parse(pdf_raw())
    assert len(records) == 21
    assert Counter(r.segment for r in records)["村镇银行"] == 2
    by_code = {r.record_id: r for r in records}
    zhuanghe = by_code["S0001H221020001"]
    assert (zhuanghe.name, zhuanghe.licence_type, zhuanghe.status, zhuanghe.source_url) == (
        "庄河汇通村镇银行股份有限公司", "村镇银行", "listed", PDF_URL)
    assert zhuanghe.fields["属地监管机构"] == "大连金融监管局"
    # 无 in the English column means no English name, not a name "无".
    baixin = by_code["Z0041H111000001"]
    assert (baixin.name, baixin.names, baixin.segment) == ("中信百信银行股份有限公司", [], "直销银行")
    # The second page repeats the header and carries on the numbering.
    assert [r.fields["序号"] for r in records] == [str(n) for n in range(1, 22)]


def test_pdf_alone_takes_its_as_of_date_from_the_printed_title() -> None:
    assert {r.as_of for r in nfra.parse(pdf_raw())} == {AS_OF_DECEMBER}


def test_an_error_page_served_instead_of_the_pdf_is_rejected(engine: Engine, settings: Settings) -> None:
    with make_client(settings, nfra_site(pdf=b"<html><body>403 Forbidden</body></html>")) as client:
        report = run_source(nfra, engine, settings, client)
    assert report.state == "failed" and "not a PDF" in report.reason
    with session_scope(engine) as session:
        assert session.exec(select(RecordRow)).all() == []


HEADER = ["序号", "机构名称", "英文名称", "机构编码", "机构类型", "属地监管机构"]


def test_a_row_cut_by_a_page_break_is_joined_back() -> None:
    icbc = ["1", "中国工商银行股份有", "INDUSTRIAL AND COMMERCIAL", "B0001H111000001",
            "国有大型商业银行", "金融监管总局"]
    abc = ["2", "中国农业银行股份有限公司", "AGRICULTURAL BANK OF\nCHINA LIMITED", "B0002H111000001",
           "国有大型商业银行", "金融监管总局"]
    page1 = [HEADER, icbc]
    page2 = [HEADER, [None, "限公司", "BANK OF CHINA LIMITED", "", "", ""], abc]
    rows = nfra.rows_from_tables([page1, page2])
    assert [(r["机构名称"], r["英文名称"]) for r in rows] == [
        ("中国工商银行股份有限公司", "INDUSTRIAL AND COMMERCIAL BANK OF CHINA LIMITED"),
        ("中国农业银行股份有限公司", "AGRICULTURAL BANK OF CHINA LIMITED"),
    ]


def test_a_changed_table_header_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="unexpected header"):
        nfra.rows_from_tables([[["序号", "机构名称", "机构编码", "机构类型"], ["1", "x", "B0001H111000001", "y"]]])


def row(seq: int, code: str, kind: str = "国有大型商业银行") -> dict[str, str]:
    return {"序号": str(seq), "机构名称": f"某银行{seq}", "英文名称": "无", "机构编码": code, "机构类型": kind,
            "属地监管机构": "金融监管总局"}


def test_a_gap_in_the_numbering_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="序号 is not continuous"):
        nfra.check_rows([row(1, "B0001H111000001"), row(3, "B0002H111000001")])


def test_a_code_of_the_wrong_form_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="do not have the form"):
        nfra.check_rows([row(1, "B0001H11100000")])


def test_a_code_letter_that_disagrees_with_the_type_is_logged_and_kept(caplog: pytest.LogCaptureFixture) -> None:
    # Hand-made disagreement: a consumer-finance code filed under a bank type.
    rows = [row(1, "B0001H111000001"), row(2, "X0007H244030001")]
    with caplog.at_level(logging.WARNING, logger=nfra.__name__):
        records = nfra.records_of(rows, as_of=AS_OF_DECEMBER, source_url=PDF_URL,
                                  retrieved_at=datetime(2026, 9, 27, tzinfo=UTC), note="test")
    assert len(records) == 2
    warned = [r for r in caplog.records if r.getMessage() == "机构编码 letter disagrees with 机构类型"]
    assert [(r.__dict__["code"], r.__dict__["expected"]) for r in warned] == [("X0007H244030001", "B")]


def test_june_conversion_has_4070_entities_with_counts_per_type(shared: Path) -> None:
    run = conversions.bundled_june(shared / conversions.JUNE)
    assert len(run.records) == 4070
    assert Counter(r.segment for r in run.records) == JUNE_COUNTS
    zhaolian = next(r for r in run.records if r.record_id == "X0007H244030001")
    assert (zhaolian.name, zhaolian.licence_type, zhaolian.status, zhaolian.source_url) == (
        "招联消费金融股份有限公司", "消费金融公司", "listed",
        "https://www.nfra.gov.cn/chinese/docfile/2025/86c58b1ad810422c8fa6c6d0107f1626.pdf")
    assert zhaolian.as_of == date(2025, 6, 30)
    assert run.retrieved_at == datetime(2026, 10, 2, 3, 1, 25, tzinfo=UTC)
    assert "Weichenleeeee123/xray" in zhaolian.note and "build time" in zhaolian.note
    assert [(raw.url, raw.content_type) for raw in run.raws] == [(zhaolian.source_url, "text/csv; charset=utf-8")]
    # Money brokers are listed but do not lend.
    assert {r.lending for r in run.records if r.segment == "货币经纪公司"} == {False}


def test_december_conversion_has_3132_bank_class_entities_with_counts_per_type(shared: Path) -> None:
    run = conversions.bundled_december(shared / conversions.DECEMBER)
    assert len(run.records) == 3132
    assert Counter(r.segment for r in run.records) == DECEMBER_COUNTS
    jilin = next(r for r in run.records if r.record_id == "B2139H222010001")
    assert (jilin.licence_type, jilin.status, jilin.source_url, jilin.as_of) == (
        "农村商业银行", "listed", PDF_URL, AS_OF_DECEMBER)
    assert run.retrieved_at == datetime(2026, 9, 27, tzinfo=UTC)
    assert "lys1313013/aio-life-server" in jilin.note
    # The conversion has no English names of its own.
    assert {tuple(r.names) for r in run.records} == {()}


def test_june_then_december_gives_444_no_longer_listed_and_5_added(
    shared: Path, engine: Engine, settings: Settings
) -> None:
    reports = [ingest(engine, settings, nfra.SOURCE, run.raws, partial(list, run.records), now=run.retrieved_at)
               for run in nfra.bundled(shared)]
    assert [(r.state, r.added, r.removed, r.changed) for r in reports] == [
        ("accepted", 4070, 0, 0), ("accepted", 5, 444, 0)]
    with session_scope(engine) as session:
        events = session.exec(select(ChangeEvent).where(ChangeEvent.as_of == AS_OF_DECEMBER)).all()
        assert Counter(e.kind for e in events) == {"removed": 444, "added": 5}
        removed_types = Counter(
            session.exec(select(RecordRow.segment).where(RecordRow.removed_at != None)).all())  # noqa: E711
        assert removed_types == {"城市商业银行": 1, "直销银行": 1, "农村商业银行": 112, "农村合作银行": 2,
                                 "农村信用社": 65, "村镇银行": 263}
        rows = {r.record_id: r for r in session.exec(select(RecordRow)).all()}
    huihe = rows["B1043H365400001"]
    assert (huihe.name, huihe.removed_as_of, huihe.last_listed_as_of) == (
        "新疆汇和银行股份有限公司", AS_OF_DECEMBER, date(2025, 6, 30))
    assert lender_verdict([huihe]) == Verdict.formerly_licensed
    # A class the December list does not cover is untouched by its run.
    zhaolian = rows["X0007H244030001"]
    assert (zhaolian.removed_at, zhaolian.as_of) == (None, date(2025, 6, 30))
    assert lender_verdict([zhaolian]) == Verdict.licensed
    # English names the December conversion dropped are carried over from June, and the note says so.
    cmb = rows["B0011H144030001"]
    assert (cmb.as_of, cmb.names) == (AS_OF_DECEMBER, [{"name": "CHINA MERCHANTS BANK CO., LTD.", "kind": "english"}])
    assert "carried over from the list as of 2025-06-30" in cmb.note
    # A renamed village bank stays one record under its code, with the December name.
    assert rows["S0001H332130001"].name.startswith("江苏宿迁东吴")
