"""NFRA 金融许可证信息查询 (https://xkz.nfra.gov.cn/jr/): one name at a time, never crawled as a list.

The site lists ~200k licences (mostly bank branches), throttles hard ("您的操作过于频繁，请五分钟后再试。")
and hides its list endpoint behind a 6-letter path token (`/jr/<TOKEN>/getLicence.do`) that changes over
time and whose origin is not known. So `confirm` asks about one name, with a token the deployer supplies,
and keeps each answer on disk with its retrieval time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import httpx
from pydantic import BaseModel, Field

from lendercheck.records import ParseError, RawResponse, Source
from scrapers.base import SourceSkipped, raw_of
from scrapers.cn_html import clean_text, decode_html, html_tables

log = logging.getLogger(__name__)

SOURCE = Source(
    id="cn-nfra-licence",
    name="金融许可证信息查询 (NFRA financial licence lookup)",
    regulator="国家金融监督管理总局 (NFRA)",
    jurisdiction="CN",
    kind="licence",
    url="https://xkz.nfra.gov.cn/jr/",
    covers=["金融许可证（银行及其分支机构、非银行金融机构，按名称逐一查询）"],
    on_demand=True,
    description=(
        "NFRA's register of financial licences (金融许可证), queried one name at a time: licences held "
        "(useState=3) and licences that exited (useState=7), each with its 机构编码 and 流水号."
    ),
)

BASE = "https://xkz.nfra.gov.cn/jr/"
TOKEN_PATTERN = re.compile(r"^[A-Za-z]{6}$")
THROTTLE_TEXT = "操作过于频繁"
# useState as the site's own tabs use it: 3 = 机构持有列表 (held), 7 = 退出列表 (exited).
HELD, EXITED = "3", "7"
# The list endpoint's query string, as the site's own page sends it; only useState and fullName vary.
LIST_QUERY = ("useState", "organNo", "fatherOrganNo", "province", "orgAddress", "organType", "branchType",
              "fullName", "address", "flowNo", "jrOrganPreproty")
HEADERS = {"X-Requested-With": "XMLHttpRequest", "Referer": BASE}
# Details fetched per name: the exact-name hits, at most this many (a bank's name matches all its branches).
MAX_DETAILS = 3


class Throttled(ParseError):
    """The site asked us to wait ("您的操作过于频繁，请五分钟后再试。"): not an answer about the name."""


class Licence(BaseModel):
    id: str
    cert_code: str = Field(description="机构编码")
    flow_no: str = Field(description="流水号 (the certificate's serial number)")
    full_name: str = Field(description="机构名称")
    set_date: str = Field("", description="批准成立日期")
    print_date: str = Field("", description="发证日期")
    state: Literal["held", "exited"]
    detail_url: str = ""
    detail: dict[str, str] = Field(default_factory=dict, description="The detail page's fields, by its labels")


class ListPage(BaseModel):
    total: int
    licences: list[Licence]


class Confirmation(BaseModel):
    """What the licence register said about one name, and when."""

    query: str
    state: Literal["found", "not_found", "throttled", "needs_token", "error"]
    message: str = ""
    held_total: int = 0
    exited_total: int = 0
    licences: list[Licence] = Field(default_factory=list)
    retrieved_at: datetime
    source_url: str = BASE
    from_cache: bool = False


def fetch(client: httpx.Client) -> list[RawResponse]:
    raise SourceSkipped(
        "cn-nfra-licence is an on-demand lookup (lendercheck confirm NAME), never crawled as a list: "
        "the site throttles and holds ~200k licences, mostly bank branches"
    )


def list_url(token: str, use_state: str, full_name: str) -> str:
    params = dict.fromkeys(LIST_QUERY, "") | {"useState": use_state, "fullName": full_name}
    return str(httpx.URL(f"{BASE}{token}/getLicence.do", params=params))


def detail_url(token: str, licence_id: str) -> str:
    return str(httpx.URL(f"{BASE}{token}/showLicenceInfo.do", params={"id": licence_id}))


def parse_list(raw: RawResponse, use_state: str = HELD) -> ListPage:
    """`{"success", "msg", "total", "datas": [{id, certCode, flowNo, fullName, setDate, printDate}]}`."""
    text = decode_html(raw.content, raw.content_type)
    if THROTTLE_TEXT in text:
        raise Throttled(_throttle_message(text))
    if raw.status != 200:
        raise ParseError(f"HTTP {raw.status} from the licence list")
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"the licence list answered with something other than JSON: {text[:80]!r}") from error
    if not isinstance(answer, dict) or answer.get("success") is False:
        raise ParseError(f"the licence list refused the query: {answer.get('msg') if isinstance(answer, dict) else ''}")
    datas = answer.get("datas")
    if not isinstance(datas, list) or "total" not in answer:
        raise ParseError(f"no total/datas in the licence list answer: {sorted(answer)}")
    state: Literal["held", "exited"] = "exited" if use_state == EXITED else "held"
    licences = [
        Licence(id=str(row["id"]), cert_code=str(row.get("certCode") or ""), flow_no=str(row.get("flowNo") or ""),
                full_name=clean_text(str(row.get("fullName") or "")), set_date=str(row.get("setDate") or ""),
                print_date=str(row.get("printDate") or ""), state=state)
        for row in datas
    ]
    return ListPage(total=int(answer["total"]), licences=licences)


def parse_detail(raw: RawResponse) -> dict[str, str]:
    """The detail page's `table.trw-table-s1 > tr.a0` rows: label `…：` then value; a one-cell row is the
    business-scope line. GBK (older pages) and UTF-8 both decode."""
    text = decode_html(raw.content, raw.content_type)
    if THROTTLE_TEXT in text:
        raise Throttled(_throttle_message(text))
    if raw.status != 200:
        raise ParseError(f"HTTP {raw.status} from the licence detail page")
    tables = [t for t in html_tables(text) if "trw-table-s1" in t.attrs.get("class", "").split()]
    if len(tables) != 1:
        raise ParseError(f"expected one licence table (table.trw-table-s1), found {len(tables)}")
    fields: dict[str, str] = {}
    for row in tables[0].rows:
        if "a0" not in row.attrs.get("class", "").split() and not row.attrs.get("id", "").startswith("td"):
            continue
        if len(row.cells) == 2 and row.cells[0].endswith(("：", ":")):
            fields[row.cells[0].rstrip("：:").strip()] = row.cells[1]
        elif len(row.cells) == 1 and row.cells[0]:
            fields.setdefault("业务范围", row.cells[0])
    if "机构编码" not in fields or "流水号" not in fields:
        raise ParseError(f"the detail page has no 机构编码/流水号: {sorted(fields)}")
    return fields


def _throttle_message(text: str) -> str:
    found = re.search(r"[^\"<>{}]*操作过于频繁[^\"<>{}]*", text)
    return clean_text(found.group(0)) if found else THROTTLE_TEXT


def cache_path(cache_dir: Path, name: str) -> Path:
    return cache_dir / f"{hashlib.sha256(clean_text(name).encode()).hexdigest()[:24]}.json"


def confirm(
    name: str,
    client: httpx.Client,
    cache_dir: Path,
    token: str | None = None,
    max_age: timedelta = timedelta(days=7),
    now: datetime | None = None,
) -> Confirmation:
    """Ask the licence register about one legal name: held licences, then exits, then the exact-name
    details. A fresh cached answer is returned without a request; throttles and errors are never cached."""
    name = clean_text(name)
    now = now or datetime.now(UTC)
    path = cache_path(cache_dir, name)
    if path.exists():
        cached = Confirmation.model_validate_json(path.read_text(encoding="utf-8"))
        if now - cached.retrieved_at <= max_age:
            return cached.model_copy(update={"from_cache": True})
    if not token or not TOKEN_PATTERN.match(token):
        return Confirmation(query=name, state="needs_token", retrieved_at=now, message=(
            "needs token: the list endpoint is https://xkz.nfra.gov.cn/jr/<TOKEN>/getLicence.do, where TOKEN is "
            "a 6-letter path part the site changes over time; copy it from the requests the /jr/ page makes "
            "and set LENDERCHECK_NFRA_XKZ_TOKEN"))
    try:
        result = _ask(name, client, token, now)
    except Throttled as throttled:
        log.warning("licence lookup throttled", extra={"source": SOURCE.id, "query": name})
        return Confirmation(query=name, state="throttled", retrieved_at=now,
                            message=f"NFRA asked us to wait, so nothing is known about this name yet: {throttled}")
    except (ParseError, httpx.HTTPError) as error:
        log.warning("licence lookup failed", extra={"source": SOURCE.id, "query": name, "error": str(error)})
        hint = " (a 404 usually means the path token has changed)" if "HTTP 404" in str(error) else ""
        return Confirmation(query=name, state="error", retrieved_at=now, message=f"{error}{hint}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(result.model_dump_json(indent=1), encoding="utf-8")
    return result


def _ask(name: str, client: httpx.Client, token: str, now: datetime) -> Confirmation:
    pages: dict[str, ListPage] = {}
    urls: dict[str, str] = {}
    for use_state in (HELD, EXITED):
        urls[use_state] = list_url(token, use_state, name)
        response = client.post(urls[use_state], data={"start": "0", "limit": "10"}, headers=HEADERS)
        pages[use_state] = parse_list(raw_of(response, f"list useState={use_state}"), use_state)
    licences = pages[HELD].licences + pages[EXITED].licences
    exact = [licence for licence in licences if licence.full_name == name][:MAX_DETAILS]
    for licence in exact:
        licence.detail_url = detail_url(token, licence.id)
        licence.detail = parse_detail(raw_of(client.get(licence.detail_url, headers=HEADERS), "detail"))
    found = bool(exact)
    message = (
        f"{len(exact)} licence(s) under exactly this name" if found
        else f"no licence under exactly this name ({len(licences)} similar name(s) on the first page)"
    )
    return Confirmation(query=name, state="found" if found else "not_found", message=message, licences=licences,
                        held_total=pages[HELD].total, exited_total=pages[EXITED].total, retrieved_at=now,
                        source_url=urls[HELD])

