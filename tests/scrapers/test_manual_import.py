"""Lists saved by hand (provincial 小额贷款公司 and 失联/空壳 lists): CSV, XLSX and HTML tables, found by
their headers, through the same runner as every scraper. All companies here are fictional (see
tests/fixtures/cn/manual-import/SOURCE.md)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
import typer
from openpyxl import Workbook
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import select

from lendercheck.commands import cn as commands
from lendercheck.models import RecordRow, SourceRow
from lendercheck.records import ParseError, RawResponse
from lendercheck.settings import Settings
from lendercheck.store import session_scope
from scrapers.manual_import import import_source, parse_import, raw_of_file, read_rows
from scrapers.runner import ingest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cn" / "manual-import"
URL = "https://jrj.example.gov.cn/notice/1.html"  # a stand-in address for the fictional lists
LICENCES = import_source("cn-test-microloan", "licence", URL, "测试省地方金融管理局", "测试省小额贷款公司名单")
WARNINGS = import_source("cn-test-dormant", "warning", URL, "测试省地方金融管理局", "测试省失联空壳小额贷款公司名单")


def raw(name: str, content: bytes | None = None) -> RawResponse:
    return RawResponse(url=URL, status=200, content=content if content is not None else (FIXTURES / name).read_bytes(),
                       label=name)


def test_csv_list_finds_its_columns_under_a_title_row_and_skips_the_totals_row() -> None:
    records = parse_import(raw("microloan-list.csv"), LICENCES)
    assert len(records) == 4
    first = records[0]
    assert (first.record_id, first.name, first.registration, first.status, first.active, first.source_url) == (
        "91500000MA0000001B", "测试小额贷款有限公司", "CN-USCC:91500000MA0000001B", "正常", True, URL)
    assert first.fields["注册地址"] == "测试市示例区样例路1号" and first.fields["注册资本（万元）"] == "50000"
    assert first.source_id == "cn-test-microloan" and "microloan-list.csv" in first.note


def test_a_row_whose_code_fails_the_check_is_kept_without_a_registration(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        records = parse_import(raw("microloan-list.csv"), LICENCES)
    bad = next(r for r in records if r.name == "样例小额贷款股份有限公司")
    assert (bad.record_id, bad.registration, bad.fields["统一社会信用代码"]) == (
        "样例小额贷款股份有限公司", None, "91120000MA0000003X")
    assert "fails the GB 32100-2015 check" in bad.note
    warned = [r.__dict__["code"] for r in caplog.records if "fails its check" in r.getMessage()]
    assert warned == ["91120000MA0000003X"]


def test_a_row_without_a_code_is_keyed_by_its_listed_name_and_a_cancelled_licence_is_not_live() -> None:
    cancelled = parse_import(raw("microloan-list.csv"), LICENCES)[3]
    assert (cancelled.record_id, cancelled.registration, cancelled.status, cancelled.active) == (
        "演示小额贷款有限公司", None, "已注销", False)


def test_a_gbk_csv_saved_by_excel_reads_the_same() -> None:
    text = (FIXTURES / "microloan-list.csv").read_text(encoding="utf-8")
    as_gbk = parse_import(raw("microloan-list.csv", text.encode("gbk")), LICENCES)
    assert [r.model_dump(exclude={"retrieved_at"}) for r in as_gbk] == [
        r.model_dump(exclude={"retrieved_at"}) for r in parse_import(raw("microloan-list.csv"), LICENCES)]


def test_html_notice_table_of_a_dormant_list_gives_live_warnings() -> None:
    records = parse_import(raw("dormant-list.html"), WARNINGS)
    assert [(r.name, r.registration, r.licence_type, r.active) for r in records] == [
        ("测试小额贷款有限公司", "CN-USCC:91500000MA0000001B", "失联", True),
        ("演示网络小额贷款有限公司", "CN-USCC:91500000MA0000004L", "空壳", True),
        ("模拟小额贷款有限公司", "CN-USCC:91110000MA00000051", "失联", True),
    ]
    assert records[1].fields == {"序号": "2", "机构名称": "演示网络小额贷款有限公司",
                                 "统一社会信用代码": "91500000MA0000004L", "所在区县": "样例县", "类型": "空壳"}


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A1:E1")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_a_merged_title_and_number_cells_reads_like_text() -> None:
    content = xlsx([
        ["测试省网络小额贷款公司名单（测试用，虚构数据）"],
        ["序号", "公司名称", "统一社会信用代码", "注册资本（万元）", "经营状态"],
        [1, "示例网络小额贷款有限公司", "91440300MA0000002P", 100000.0, "存续"],
        [2, "测试小额贷款有限公司", " 9150 0000 MA00 0000 1B ", 50000, "存续"],
        [None, None, None, None, None],
    ])
    records = parse_import(raw("list.xlsx", content), LICENCES)
    assert [(r.name, r.registration, r.status) for r in records] == [
        ("示例网络小额贷款有限公司", "CN-USCC:91440300MA0000002P", "存续"),
        ("测试小额贷款有限公司", "CN-USCC:91500000MA0000001B", "存续"),
    ]
    assert records[0].fields["注册资本（万元）"] == "100000" and records[0].fields["序号"] == "1"


def test_english_headers_are_understood() -> None:
    content = (b"Company Name,Unified Social Credit Code,Status\n"
               b"Demo Microcredit Co. (fictional),91500000MA0000001B,active\n")
    [record] = parse_import(raw("list.csv", content), LICENCES)
    assert (record.name, record.registration, record.status) == (
        "Demo Microcredit Co. (fictional)", "CN-USCC:91500000MA0000001B", "active")


def test_a_header_ending_in_mingcheng_is_the_name_column_when_no_exact_one_exists() -> None:
    rows = read_rows("序号,小额贷款公司名称\n1,测试小额贷款有限公司\n".encode(), "list.csv")
    assert [row["_name"] for row in rows] == ["测试小额贷款有限公司"]


def test_a_file_without_a_name_column_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no table with a name column"):
        parse_import(raw("list.csv", "序号,地址\n1,测试市\n".encode()), LICENCES)


def test_an_old_xls_file_is_refused_with_advice() -> None:
    with pytest.raises(ParseError, match="save it as .xlsx"):
        read_rows(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "list.xls")


def test_source_options_are_checked() -> None:
    with pytest.raises(ValueError, match="cn-<province>-<list>"):
        import_source("Chongqing list", "licence", URL, "x")
    with pytest.raises(ValueError, match="built-in scraper"):
        import_source("cn-nfra-legal-entities", "licence", URL, "x")
    with pytest.raises(ValueError, match="licence or warning"):
        import_source("cn-cq-microloan", "registry", URL, "x")
    with pytest.raises(ValueError, match="web address"):
        import_source("cn-cq-microloan", "licence", "list.xlsx", "x")
    assert (LICENCES.jurisdiction, LICENCES.covers, LICENCES.kind) == ("CN", ["测试省小额贷款公司名单"], "licence")


def test_an_import_goes_through_the_runner_and_a_later_import_records_removals(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    first = raw_of_file(FIXTURES / "microloan-list.csv", URL)
    report = ingest(engine, settings, LICENCES, [first], lambda: parse_import(first, LICENCES))
    assert (report.state, report.added) == ("accepted", 4)
    shorter = tmp_path / "microloan-list-2.csv"
    lines = (FIXTURES / "microloan-list.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    shorter.write_text("".join(line for line in lines if "示例网络" not in line), encoding="utf-8")
    second = raw_of_file(shorter, URL)
    report = ingest(engine, settings, LICENCES, [second], lambda: parse_import(second, LICENCES))
    assert (report.state, report.added, report.removed) == ("accepted", 0, 1)
    with session_scope(engine) as session:
        gone = session.exec(select(RecordRow).where(RecordRow.record_id == "91440300MA0000002P")).one()
        assert gone.removed_at is not None and gone.registration == "CN-USCC:91440300MA0000002P"


def test_import_command_applies_the_list_under_the_given_source(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(commands, "get_settings", lambda: settings)
    monkeypatch.setattr(commands, "console", Console(width=200))
    commands.import_list(FIXTURES / "dormant-list.html", source="cn-test-dormant", kind="warning", url=URL,
                         regulator="测试省地方金融管理局", name="测试省失联空壳小额贷款公司名单")
    assert "accepted" in capsys.readouterr().out
    with session_scope(engine) as session:
        source = session.get(SourceRow, "cn-test-dormant")
        assert source is not None and (source.kind, source.record_count, source.url) == ("warning", 3, URL)
        assert len(list(session.exec(select(RecordRow).where(RecordRow.kind == "warning")))) == 3
    assert list((settings.raw_dir / "cn-test-dormant").rglob("*.html"))  # the file is archived as evidence


def test_import_command_refuses_bad_options(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "get_settings", lambda: settings)
    with pytest.raises(typer.Exit) as exit_info:
        commands.import_list(FIXTURES / "dormant-list.html", source="cn-test-dormant", kind="blacklist", url=URL,
                             regulator="x")
    assert exit_info.value.exit_code == 2
