"""The matcher from the command line: `lendercheck matcher-eval`, the evaluation's confusion table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lendercheck.matcher.evaluate import DEFAULT_CASES, DEFAULT_SHARED, NFRA, report


def evaluate(
    shared: Annotated[
        Path, typer.Option(help="The real captures (../shared/fixtures beside the repository)", file_okay=False)
    ] = DEFAULT_SHARED,
    cases: Annotated[Path, typer.Option(help="Hand-written cases (YAML)", dir_okay=False)] = DEFAULT_CASES,
    sample: Annotated[int, typer.Option(min=1, help="Use every N-th generated case")] = 1,
    examples: Annotated[int, typer.Option(min=0, help="Misses and false matches to list")] = 10,
) -> None:
    """How often the matcher finds the right lender for variants of real names, and how often it
    returns a licensed lender for a name that is not one: per-category counts, recall and precision."""
    if not (shared / NFRA).exists():
        typer.echo(f"the real captures are missing: {shared / NFRA} not found (pass --shared)", err=True)
        raise typer.Exit(2)
    typer.echo(report(shared, cases if cases.exists() else None, sample, examples))
