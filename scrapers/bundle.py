"""Build the bundled snapshot in `data/snapshot/` from saved copies of the sources.

Reads: the saved copies under `--shared` (default `../shared`: `fixtures/<cc>/…`, see each SOURCE.md).
Writes: `data/snapshot/*.jsonl`, sorted. Rerun after a parser changes or a newer copy is saved:
`lendercheck snapshot build`.
Each source goes through the same runner and checks as a live scrape, in the order of
`scrapers.MODULES`, so the history between two saved copies (e.g. two NFRA lists) becomes change events.
"""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

from lendercheck.settings import Settings
from lendercheck.snapshot import export_snapshot
from lendercheck.store import create_schema, make_engine, session_scope
from scrapers import MODULES
from scrapers.runner import RunReport, ingest


def build_snapshot(shared: Path, out: Path) -> tuple[str, list[RunReport]]:
    reports: list[RunReport] = []
    with tempfile.TemporaryDirectory(prefix="lendercheck-build-") as work:
        settings = Settings(data_dir=Path(work), database_url="")
        engine = make_engine(settings)
        create_schema(engine)
        for module in MODULES:
            bundled = getattr(module, "bundled", None)
            if bundled is None:
                continue
            applied_at = None
            for run in bundled(shared):
                # A newer list may have been saved before an older one; the store's clock must not run
                # backwards, so a later run is applied no earlier than the one before it.
                applied_at = max(run.retrieved_at, applied_at or run.retrieved_at)
                reports.append(
                    ingest(engine, settings, module.SOURCE, run.raws, partial(list, run.records), now=applied_at)
                )
        with session_scope(engine) as session:
            version = export_snapshot(session, out)
        engine.dispose()
    return version, reports
