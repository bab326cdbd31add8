"""The `lendercheck` command: serve, scrape, lookup, sources, snapshot."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from lendercheck.answers import LookupAnswer
from lendercheck.commands import cn, journalists, matcher
from lendercheck.settings import get_settings
from lendercheck.snapshot import ensure_store

app = typer.Typer(help="Is this lending platform licensed? Answers from regulators' own lists.", no_args_is_help=True)
snapshot_app = typer.Typer(help="The bundled snapshot in data/snapshot/.", no_args_is_help=True)
app.add_typer(snapshot_app, name="snapshot")
console = Console()

VERDICT_STYLE = {
    "licensed": "bold green", "formerly_licensed": "bold yellow", "warning": "bold red",
    "registered_only": "bold cyan", "not_found": "bold",
}


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s %(message)s")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes, each with its own index")] = 1,
) -> None:
    """Serve the API (builds the store from the bundled snapshot on first start)."""
    import uvicorn

    ensure_store(get_settings()).dispose()  # once, before the workers start
    uvicorn.run("api.main:app", host=host, port=port, workers=workers, log_level="info")


@app.command()
def scrape(
    sources: Annotated[list[str] | None, typer.Argument(help="Source ids; all list sources when omitted")] = None,
) -> None:
    """Fetch sources live, archive the raw responses, and apply each run that passes its checks."""
    import scrapers
    from scrapers.base import make_client
    from scrapers.runner import RunReport, run_source

    settings = get_settings()
    engine = ensure_store(settings)
    known = scrapers.by_id()
    unknown = [s for s in sources or [] if s not in known]
    if unknown:
        console.print(f"[red]unknown source(s): {', '.join(unknown)}[/] — known: {', '.join(sorted(known))}")
        raise typer.Exit(2)
    chosen = [known[s] for s in sources] if sources else [m for m in known.values() if not m.SOURCE.on_demand]
    reports: list[RunReport] = []
    with make_client(settings) as client, Progress(console=console) as progress:
        task = progress.add_task("scraping", total=len(chosen))
        for module in chosen:
            progress.update(task, description=module.SOURCE.id)
            reports.append(run_source(module, engine, settings, client))
            progress.advance(task)
    table = Table("source", "fetched", "parsed", "result", "added", "removed", "changed", "reason")
    for r in reports:
        style = {"accepted": "green", "skipped": "yellow"}.get(r.state, "red")
        table.add_row(r.source_id, str(r.fetched), str(r.parsed), f"[{style}]{r.state}[/]", str(r.added),
                      str(r.removed), str(r.changed), r.reason)
    console.print(table)
    if any(r.state in ("rejected", "failed") for r in reports):
        raise typer.Exit(1)


@app.command("lookup")
def lookup_command(
    name: Annotated[str | None, typer.Argument(help="Lender name, brand or app")] = None,
    domain: Annotated[str | None, typer.Option(help="A domain or URL instead of a name")] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="ISO country code, e.g. CN")] = None,
    lang: Annotated[str, typer.Option(help="Summary language: en or zh")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print the full answer as JSON")] = False,
) -> None:
    """Print the verdict and its evidence for a name or a domain."""
    from lendercheck.live_index import LiveIndex
    from lendercheck.store import session_scope
    from lendercheck.verdict import lookup

    if not name and not domain:
        console.print("[red]give a NAME or --domain[/]")
        raise typer.Exit(2)
    settings = get_settings()
    engine = ensure_store(settings)
    live = LiveIndex(engine)
    live.refresh()
    assert live.current is not None
    with session_scope(engine) as session:
        answer = lookup(live.current, session, name=name, domain=domain,
                        jurisdiction=jurisdiction.upper() if jurisdiction else None, lang=lang,
                        min_score=settings.min_score, threshold=settings.match_threshold)
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
        return
    print_answer(answer)


def print_answer(answer: LookupAnswer) -> None:
    console.print(f"[{VERDICT_STYLE[answer.verdict]}]{answer.verdict}[/]  {answer.summary}")
    for evidence in answer.evidence:
        listed = "listed" if evidence.listed else f"no longer listed (as of {evidence.removed_as_of})"
        console.print(f"  • {evidence.regulator} · {evidence.source_name} · {evidence.record_id} · "
                      f"{evidence.status} · {listed}")
        console.print(f"    {evidence.source_url}  (retrieved {evidence.retrieved_at})")
    if answer.matches:
        table = Table("score", "how", "lender", "matched", "verdict")
        for m in answer.matches[:5]:
            table.add_row(f"{m.score:.2f}", m.how, m.lender_name, m.matched_name, m.verdict)
        console.print(table)


@app.command("sources")
def sources_command() -> None:
    """List the sources with their freshness and state."""
    from lendercheck.store import list_sources, session_scope

    engine = ensure_store(get_settings())
    table = Table("id", "regulator", "kind", "records", "retrieved", "state")
    with session_scope(engine) as session:
        for s in list_sources(session):
            table.add_row(s.id, s.regulator, s.kind, str(s.record_count),
                          str(s.retrieved_at.date() if s.retrieved_at else "—"), s.state)
    console.print(table)


@snapshot_app.command("build")
def snapshot_build(
    shared: Annotated[Path, typer.Option(help="Folder of saved source copies (shared/fixtures)")] = Path(
        "../shared/fixtures"
    ),
    out: Annotated[Path | None, typer.Option(help="Where to write the JSONL files")] = None,
) -> None:
    """Rebuild data/snapshot/*.jsonl from saved copies of the sources, through the same runner and checks."""
    from scrapers.bundle import build_snapshot

    if not shared.is_dir():
        console.print(f"[red]{shared} is not a folder[/]")
        raise typer.Exit(2)
    target = out or get_settings().snapshot_dir
    version, reports = build_snapshot(shared, target)
    for r in reports:
        console.print(f"{r.source_id}: {r.state} parsed={r.parsed} added={r.added} removed={r.removed} {r.reason}")
    console.print(f"snapshot {version} written to {target}")
    if any(r.state != "accepted" for r in reports):
        raise typer.Exit(1)


@snapshot_app.command("version")
def snapshot_version_command() -> None:
    """Print the version (content hash) of the bundled snapshot."""
    from lendercheck.snapshot import snapshot_version

    typer.echo(json.dumps({"version": snapshot_version(get_settings().snapshot_dir)}))



app.command("check")(journalists.check)
app.command("export")(journalists.export)
app.command("import")(cn.import_list)
app.command("confirm")(cn.confirm)
app.command("evaluate")(matcher.evaluate)
