"""Chinese sources from the command line: `lendercheck import` (a list saved by hand) and
`lendercheck confirm` (one name against NFRA's 金融许可证 register)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lendercheck.settings import get_settings
from lendercheck.snapshot import ensure_store
from scrapers import cn_nfra_licence
from scrapers.base import make_client
from scrapers.manual_import import import_source, parse_import, raw_of_file
from scrapers.runner import ingest

console = Console()


def import_list(
    file: Annotated[Path, typer.Argument(help="The saved list: .csv, .xlsx or .html", exists=True, dir_okay=False)],
    source: Annotated[str, typer.Option(help="Source id, e.g. cn-cq-microloan")],
    kind: Annotated[str, typer.Option(help="licence (a list of licensed firms) or warning (失联/空壳, blacklists)")],
    url: Annotated[str, typer.Option(help="The web address the file was downloaded from")],
    regulator: Annotated[str, typer.Option(help="Who published it, e.g. 重庆市地方金融管理局")],
    name: Annotated[str | None, typer.Option(help="The list's title, e.g. 重庆市小额贷款公司名单")] = None,
) -> None:
    """Import a list a person downloaded, through the same checks and history as a scrape."""
    try:
        chosen = import_source(source, kind, url, regulator, name)
    except ValueError as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(2) from error
    settings = get_settings()
    engine = ensure_store(settings)
    raw = raw_of_file(file, url)
    try:
        report = ingest(engine, settings, chosen, [raw], partial(parse_import, raw, chosen))
    finally:
        engine.dispose()
    table = Table("source", "parsed", "result", "added", "removed", "changed", "reason")
    style = "green" if report.state == "accepted" else "red"
    table.add_row(report.source_id, str(report.parsed), f"[{style}]{report.state}[/]", str(report.added),
                  str(report.removed), str(report.changed), report.reason)
    console.print(table)
    if report.state != "accepted":
        raise typer.Exit(1)


def confirm(
    name: Annotated[str, typer.Argument(help="The legal name to look up, e.g. 招联消费金融股份有限公司")],
) -> None:
    """Ask NFRA's 金融许可证 register about one name (cached; needs LENDERCHECK_NFRA_XKZ_TOKEN)."""
    settings = get_settings()
    token = settings.nfra_xkz_token
    with make_client(settings) as client:
        result = cn_nfra_licence.confirm(name, client, settings.data_dir / "cache" / cn_nfra_licence.SOURCE.id,
                                         token=token)
    style = {"found": "green", "not_found": "yellow"}.get(result.state, "red")
    cached = " (cached)" if result.from_cache else ""
    console.print(f"[{style}]{result.state}[/]{cached}: {result.message}")
    when = f"{result.retrieved_at:%Y-%m-%d %H:%M} UTC"
    console.print(f"held {result.held_total}, exited {result.exited_total}; retrieved {when}")
    if result.licences:
        table = Table("机构名称", "机构编码", "流水号", "state", "批准成立日期", "发证日期")
        for licence in result.licences:
            table.add_row(licence.full_name, licence.cert_code, licence.flow_no, licence.state, licence.set_date,
                          licence.print_date)
        console.print(table)
    if result.state in ("throttled", "needs_token", "error"):
        raise typer.Exit(1)
