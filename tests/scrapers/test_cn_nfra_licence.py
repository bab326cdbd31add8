"""NFRA 金融许可证信息查询: one name at a time, over a fake site; throttles are never "no licence"."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from lendercheck.commands import cn as commands
from lendercheck.records import ParseError, RawResponse
from lendercheck.settings import Settings
from scrapers import cn_nfra_licence as xkz
from scrapers.base import make_client
from scrapers.runner import run_source

DETAIL = "cn/nfra-xkz-licence-detail-2020/showLicenceInfo-B0107S261010077.html"
NAME = "北京银行股份有限公司西安昆明路小微支行"
TOKEN = "TESTTK"  # a stand-in: the real token is six letters the site changes
THROTTLE = "您的操作过于频繁，请五分钟后再试。"
NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


def list_answer(rows: list[dict[str, str]]) -> bytes:
    return json.dumps({"success": True, "msg": "", "total": len(rows), "datas": rows}, ensure_ascii=False).encode()


# The list row for the licence of the real 2020 detail page, rebuilt from that page's values; the list's
# internal `id` of that licence is not known, so "1" stands in for it.
HELD_ROW = {"id": "1", "certCode": "B0107S261010077", "flowNo": "00667993", "fullName": NAME,
            "setDate": "2020-06-28", "printDate": "2020-07-03"}


def licence_site(detail_page: bytes, *, held: bytes | None = None, detail_type: str = "text/html",
                 calls: list[str] | None = None) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if calls is not None:
            calls.append(f"{request.method} {request.url.path}")
        assert request.headers["x-requested-with"] == "XMLHttpRequest"
        if request.url.path == f"/jr/{TOKEN}/getLicence.do":
            assert request.method == "POST" and request.content == b"start=0&limit=10"
            if request.url.params["useState"] == "3":
                assert request.url.params["fullName"] == NAME
                body = held if held is not None else list_answer([HELD_ROW])
            else:
                body = list_answer([])
            return httpx.Response(200, content=body, headers={"content-type": "application/json;charset=UTF-8"})
        if request.url.path == f"/jr/{TOKEN}/showLicenceInfo.do" and request.url.params["id"] == "1":
            return httpx.Response(200, content=detail_page, headers={"content-type": detail_type})
        return httpx.Response(404, text="<html>404</html>")

    return httpx.MockTransport(handler)


@pytest.fixture
def detail_gbk(shared: Path) -> bytes:
    """The real detail page, stored as UTF-8, re-encoded to GBK as the live page served it."""
    return (shared / DETAIL).read_text(encoding="utf-8").encode("gbk")


def test_detail_page_is_read_from_gbk_bytes_by_its_meta_charset(detail_gbk: bytes) -> None:
    fields = xkz.parse_detail(RawResponse(url="https://xkz.nfra.gov.cn/jr/x", status=200, content=detail_gbk,
                                          content_type="text/html"))
    assert (fields["机构编码"], fields["机构名称"], fields["流水号"], fields["发证机关"]) == (
        "B0107S261010077", NAME, "00667993", "陕西银监局")
    assert (fields["批准成立日期"], fields["发证日期"]) == ("2020-06-28", "2020-07-03")
    assert fields["机构所在地"] == "陕西省-西安市"
    assert fields["机构地址"].endswith("中海·昆明路九号1幢2单元1层20101、20102、20103号")
    assert fields["业务范围"].startswith("许可该机构经营中国银行业监督管理委员会")


def test_detail_page_in_utf8_reads_the_same(shared: Path, detail_gbk: bytes) -> None:
    utf8 = (shared / DETAIL).read_bytes()
    as_utf8 = xkz.parse_detail(RawResponse(url="x", status=200, content=utf8, content_type="text/html; charset=utf-8"))
    as_gbk = xkz.parse_detail(RawResponse(url="x", status=200, content=detail_gbk, content_type="text/html"))
    assert as_utf8 == as_gbk


def test_confirm_finds_a_held_licence_and_caches_it_with_its_time(
    detail_gbk: bytes, settings: Settings, tmp_path: Path
) -> None:
    with make_client(settings, licence_site(detail_gbk)) as client:
        result = xkz.confirm(NAME, client, tmp_path, token=TOKEN, now=NOW)
    assert (result.state, result.held_total, result.exited_total, result.from_cache) == ("found", 1, 0, False)
    licence = result.licences[0]
    assert (licence.cert_code, licence.flow_no, licence.state, licence.detail["发证机关"]) == (
        "B0107S261010077", "00667993", "held", "陕西银监局")
    assert licence.detail_url == f"https://xkz.nfra.gov.cn/jr/{TOKEN}/showLicenceInfo.do?id=1"
    cached = json.loads(xkz.cache_path(tmp_path, NAME).read_text(encoding="utf-8"))
    assert (cached["state"], cached["retrieved_at"]) == ("found", "2026-10-01T08:00:00Z")


def test_a_fresh_cached_answer_is_given_without_a_request(
    detail_gbk: bytes, settings: Settings, tmp_path: Path
) -> None:
    with make_client(settings, licence_site(detail_gbk)) as client:
        xkz.confirm(NAME, client, tmp_path, token=TOKEN, now=NOW)
    calls: list[str] = []
    with make_client(settings, licence_site(detail_gbk, calls=calls)) as client:
        again = xkz.confirm(NAME, client, tmp_path, token=TOKEN, now=NOW + timedelta(days=1))
        stale = xkz.confirm(NAME, client, tmp_path, token=TOKEN, now=NOW + timedelta(days=30))
    assert (again.from_cache, again.retrieved_at, again.state) == (True, NOW, "found")
    assert (stale.from_cache, stale.retrieved_at) == (False, NOW + timedelta(days=30))
    assert len(calls) == 3  # only the stale one asked: two lists and one detail


def test_a_throttle_in_the_list_json_is_throttled_never_no_licence(settings: Settings, tmp_path: Path) -> None:
    throttled = json.dumps({"success": False, "msg": THROTTLE}, ensure_ascii=False).encode()
    with make_client(settings, licence_site(b"", held=throttled)) as client:
        result = xkz.confirm(NAME, client, tmp_path, token=TOKEN, now=NOW)
    assert result.state == "throttled" and THROTTLE in result.message
    assert result.licences == [] and not xkz.cache_path(tmp_path, NAME).exists()


def test_a_throttle_page_instead_of_the_detail_is_throttled(settings: Settings, tmp_path: Path) -> None:
    page = f"<html><head><meta charset=GBK></head><body><p>{THROTTLE}</p></body></html>".encode("gbk")
    with make_client(settings, licence_site(page)) as client:
        result = xkz.confirm(NAME, client, tmp_path, token=TOKEN, now=NOW)
    assert result.state == "throttled" and THROTTLE in result.message


def test_a_name_with_no_exact_licence_is_not_found_and_lists_the_near_names(
    detail_gbk: bytes, settings: Settings, tmp_path: Path
) -> None:
    # Hand-made: the search matches a different (branch) name, not the one asked about.
    near = list_answer([{**HELD_ROW, "fullName": "北京银行股份有限公司西安分行"}])
    with make_client(settings, licence_site(detail_gbk, held=near)) as client:
        result = xkz.confirm(NAME, client, tmp_path, token=TOKEN, now=NOW)
    assert (result.state, result.held_total) == ("not_found", 1)
    assert (result.licences[0].full_name, result.licences[0].detail) == ("北京银行股份有限公司西安分行", {})


def test_without_a_token_the_answer_says_it_needs_one_and_asks_nothing(settings: Settings, tmp_path: Path) -> None:
    calls: list[str] = []
    with make_client(settings, licence_site(b"", calls=calls)) as client:
        result = xkz.confirm(NAME, client, tmp_path, token=None, now=NOW)
    assert result.state == "needs_token" and "LENDERCHECK_NFRA_XKZ_TOKEN" in result.message
    assert calls == []


def test_a_changed_token_answers_404_and_says_the_token_may_have_changed(settings: Settings, tmp_path: Path) -> None:
    with make_client(settings, licence_site(b"")) as client:
        result = xkz.confirm(NAME, client, tmp_path, token="OLDTOK", now=NOW)
    assert result.state == "error" and "token has changed" in result.message


def test_a_list_answer_that_is_not_json_is_a_parse_error() -> None:
    raw = RawResponse(url="x", status=200, content=b"<html>WAF</html>", content_type="text/html")
    with pytest.raises(ParseError, match="other than JSON"):
        xkz.parse_list(raw)


def test_the_register_is_on_demand_and_a_scrape_skips_it(engine: Engine, settings: Settings) -> None:
    assert xkz.SOURCE.on_demand
    with make_client(settings, licence_site(b"")) as client:
        report = run_source(xkz, engine, settings, client)
    assert report.state == "skipped" and "on-demand" in report.reason


def test_confirm_command_prints_the_answer_and_fails_on_a_missing_token(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(commands, "get_settings", lambda: settings)
    with pytest.raises(typer.Exit) as exit_info:
        commands.confirm(NAME)
    assert exit_info.value.exit_code == 1
    assert "needs_token" in capsys.readouterr().out


def test_confirm_command_reads_the_token_and_shows_the_licence(
    detail_gbk: bytes, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(commands, "get_settings", lambda: settings.model_copy(update={"nfra_xkz_token": TOKEN}))
    monkeypatch.setattr(commands, "make_client", lambda s: make_client(s, licence_site(detail_gbk)))
    monkeypatch.setattr(commands, "console", Console(width=200))
    commands.confirm(NAME)
    out = capsys.readouterr().out
    assert "found" in out and "B0107S261010077" in out
    assert (settings.data_dir / "cache" / "cn-nfra-licence").is_dir()
