"""For journalists, from the command line: `lendercheck check FILE.csv` (a column of names, each answered as
`POST /lenders/batch` would) and `lendercheck export lenders.csv|records.jsonl|domains.json`. Both work on
the local store, or against a running server with `--server URL`."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from api.routes.batch import BOM, CSV_COLUMNS, BatchItem, BatchQuery, answer_queries, csv_row
from api.routes.exports import KnownDomains, known_domains, lenders_csv, records_jsonl
from lendercheck.live_index import LiveIndex
from lendercheck.settings import get_settings
from lendercheck.snapshot import ensure_store
from lendercheck.store import data_version, session_scope, utcnow

console = Console(stderr=True)

# Requests to a server carry this many queries: small enough for a steady progress bar, far below the
# API's limit of 1,000.
CHUNK = 100
_HAN = re.compile(r"[\u3400-\u9fff]")


class By(StrEnum):
    name = "name"
    domain = "domain"
    url = "url"
    auto = "auto"


class Export(StrEnum):
    lenders = "lenders.csv"
    records = "records.jsonl"
    domains = "domains.json"


def query_of(value: str, by: By, row_id: str, jurisdiction: str | None) -> BatchQuery:
    """The cell as a lookup. `auto` takes text with `://` as a URL, a dotted word without spaces or Han
    characters as a domain, anything else as a name."""
    if by == By.auto:
        text = value.strip()
        if "://" in text:
            by = By.url
        elif "." in text and " " not in text and not _HAN.search(text):
            by = By.domain
        else:
            by = By.name
    return BatchQuery(id=row_id, jurisdiction=jurisdiction, **{by.value: value})


def read_rows(file: Path) -> tuple[list[str], list[dict[str, str]]]:
    """UTF-8 (with or without BOM); spreadsheet programs in China often save GB18030, so that is tried next."""
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
        console.print(f"[yellow]{file} is not UTF-8; read it as GB18030[/]")
    reader = csv.DictReader(text.splitlines())
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _local_answers(queries: Sequence[BatchQuery], lang: str, progress: Progress, task: TaskID) -> Iterator[BatchItem]:
    settings = get_settings()
    engine = ensure_store(settings)
    live = LiveIndex(engine)
    progress.update(task, description="loading the matcher index")
    live.refresh()
    assert live.current is not None
    progress.update(task, description="checking")
    with session_scope(engine) as session:
        for position, query in enumerate(queries):
            item = answer_queries(live.current, session, [query], lang=lang, settings=settings)[0]
            progress.advance(task)
            yield item.model_copy(update={"index": position})


def _server_answers(server: str, queries: Sequence[BatchQuery], lang: str, progress: Progress,
                    task: TaskID) -> Iterator[BatchItem]:
    with httpx.Client(base_url=server, timeout=300, headers={"Accept-Language": lang}) as client:
        for start in range(0, len(queries), CHUNK):
            chunk = queries[start:start + CHUNK]
            response = client.post("/lenders/batch", json={"queries": [q.model_dump() for q in chunk]})
            if response.status_code != 200:
                console.print(f"[red]{server} answered {response.status_code}: {response.text[:300]}[/]")
                raise typer.Exit(1)
            for item in response.json()["data"]:
                yield BatchItem.model_validate({**item, "index": start + item["index"]})
            progress.advance(task, len(chunk))


def check(
    file: Annotated[Path, typer.Argument(help="A CSV file with a header row", exists=True, dir_okay=False)],
    column: Annotated[str, typer.Option(help="The column to look up")] = "name",
    by: Annotated[By, typer.Option(help="What the column holds; auto tells URLs and domains from names")] = By.name,
    id_column: Annotated[str | None, typer.Option(help="A column to copy into `id` (default: the row number)")]
    = None,
    jurisdiction: Annotated[str | None, typer.Option(help="ISO country code to search in, e.g. CN")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the answers (CSV)")] = Path(
        "lendercheck-check.csv"),
    server: Annotated[str | None, typer.Option(help="A lendercheck server's URL instead of the local store")] = None,
    lang: Annotated[str, typer.Option(help="Language of the summaries: en or zh")] = "en",
    keep_columns: Annotated[bool, typer.Option(help="Copy the input's columns in front of the answers")] = False,
) -> None:
    """Look up every row of a CSV column, with a progress bar, and write one row per query: id, query,
    verdict, best match, score, method, regulator, licence number, status, source URL and retrieval time
    (UTF-8 with BOM, so spreadsheet programs read Chinese). The same rows as `POST /lenders/batch` in CSV."""
    columns, rows = read_rows(file)
    for wanted in (column, id_column):
        if wanted is not None and wanted not in columns:
            console.print(f"[red]no column {wanted!r} in {file}; columns: {', '.join(columns)}[/]")
            raise typer.Exit(2)
    queries = [
        query_of(row.get(column) or "", by, row[id_column] if id_column else str(number), jurisdiction)
        for number, row in enumerate(rows, start=1)
    ]
    out_columns = [c for c in columns if c not in CSV_COLUMNS] + CSV_COLUMNS if keep_columns else CSV_COLUMNS
    counts: dict[str, int] = {}
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=console)
    with progress, output.open("w", encoding="utf-8", newline="") as out:
        task = progress.add_task("checking", total=len(queries))
        out.write(BOM)
        writer = csv.DictWriter(out, fieldnames=out_columns, lineterminator="\r\n", extrasaction="ignore")
        writer.writeheader()
        answers = (_server_answers(server.rstrip("/"), queries, lang, progress, task) if server
                   else _local_answers(queries, lang, progress, task))
        for item in answers:
            row = csv_row(queries[item.index], item)
            counts[row["verdict"] or "error"] = counts.get(row["verdict"] or "error", 0) + 1
            writer.writerow({**rows[item.index], **row} if keep_columns else row)
    console.print(f"{len(queries)} rows written to {output}: "
                  + ", ".join(f"{n} {verdict}" for verdict, n in sorted(counts.items())))


def export(
    what: Annotated[Export, typer.Argument(help="lenders.csv, records.jsonl or domains.json")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: WHAT)")] = None,
    server: Annotated[str | None, typer.Option(help="A lendercheck server's URL instead of the local store")] = None,
) -> None:
    """Write a full export, the same file as `GET /exports/WHAT`: every lender with its verdict (CSV), every
    record as published (JSON lines), or every known domain and app id with its verdict (JSON)."""
    target = output or Path(what.value)
    if server:
        with httpx.stream("GET", f"{server.rstrip('/')}/exports/{what.value}", timeout=300) as response:
            if response.status_code != 200:
                console.print(f"[red]{server} answered {response.status_code}[/]")
                raise typer.Exit(1)
            with target.open("wb") as out:
                for chunk in response.iter_bytes():
                    out.write(chunk)
            version = response.headers.get("X-Data-Version", "?")
    else:
        engine = ensure_store(get_settings())
        with session_scope(engine) as session:
            version = data_version(session)
            if what == Export.domains:
                domains = known_domains(session)
                body = KnownDomains(data=domains, count=len(domains), data_version=version, generated_at=utcnow())
                target.write_text(body.model_dump_json(), encoding="utf-8")
        if what != Export.domains:
            lines = lenders_csv(engine) if what == Export.lenders else records_jsonl(engine)
            with target.open("w", encoding="utf-8", newline="") as out:
                out.writelines(lines)
    console.print(f"{what.value} (data version {version}) written to {target}")
