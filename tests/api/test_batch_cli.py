"""`lendercheck check FILE.csv` and `lendercheck export`: the batch and the exports from the command line,
on the local store or against a server, giving the same files as the API."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from lendercheck import cli
from lendercheck.commands import journalists
from lendercheck.settings import Settings, get_settings
from tests.stores import PDF_URL, fill

NAMES = "name,ref\n招联消费金融股份有限公司,r1\n七天贷,r2\n,r3\n"


@pytest.fixture
def local_store(settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The small store, as the CLI's own settings (it reads LENDERCHECK_* from the environment)."""
    fill(engine, settings)
    monkeypatch.setenv("LENDERCHECK_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def run(*args: str) -> str:
    result = CliRunner().invoke(cli.app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_check_writes_one_row_per_name_from_the_local_store(local_store: Settings, tmp_path: Path) -> None:
    source, out = tmp_path / "names.csv", tmp_path / "out.csv"
    source.write_text(NAMES, encoding="utf-8")
    output = run("check", str(source), "--column", "name", "--id-column", "ref", "-o", str(out))
    assert "3 rows written" in output
    rows = read_csv(out)
    assert [r["id"] for r in rows] == ["r1", "r2", "r3"]
    assert (rows[0]["verdict"], rows[0]["licence_number"], rows[0]["source_url"]) == (
        "licensed", "X0007H244030001", PDF_URL)
    assert rows[1]["verdict"] == "not_found"
    assert rows[2]["error"] == "name: must not be empty"


def test_check_reads_gb18030_files_and_keeps_their_columns(local_store: Settings, tmp_path: Path) -> None:
    source, out = tmp_path / "names.csv", tmp_path / "out.csv"
    source.write_bytes(NAMES.encode("gb18030"))
    run("check", str(source), "--keep-columns", "-o", str(out))
    rows = read_csv(out)
    assert rows[0]["ref"] == "r1" and rows[0]["id"] == "1" and rows[0]["verdict"] == "licensed"


def test_check_tells_urls_from_names_when_asked(local_store: Settings, tmp_path: Path) -> None:
    source, out = tmp_path / "sites.csv", tmp_path / "out.csv"
    source.write_text("site\nhttps://m.uangmudah.example.id/apply\n招联消费金融股份有限公司\n", encoding="utf-8")
    run("check", str(source), "--column", "site", "--by", "auto", "-o", str(out))
    assert [r["verdict"] for r in read_csv(out)] == ["warning", "licensed"]


def test_check_names_the_columns_when_the_column_is_missing(local_store: Settings, tmp_path: Path) -> None:
    source = tmp_path / "names.csv"
    source.write_text(NAMES, encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["check", str(source), "--column", "company"])
    assert result.exit_code == 2
    assert "no column 'company'" in result.output and "name, ref" in result.output


def test_check_against_a_server_gives_the_same_rows_as_the_api(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def server_client(**options: Any) -> AbstractContextManager[TestClient]:
        """The app in-process instead of over the network; it stays open for the fixture to close."""
        client.headers.update(options.get("headers", {}))
        return nullcontext(client)

    monkeypatch.setattr(journalists.httpx, "Client", server_client)
    source, out = tmp_path / "names.csv", tmp_path / "out.csv"
    source.write_text(NAMES, encoding="utf-8")
    run("check", str(source), "--server", "http://testserver", "-o", str(out))
    queries = [{"id": "1", "name": "招联消费金融股份有限公司"}, {"id": "2", "name": "七天贷"}, {"id": "3", "name": ""}]
    api = client.post("/lenders/batch", params={"format": "csv"}, json={"queries": queries})
    assert out.read_bytes().decode("utf-8") == api.text


@pytest.mark.parametrize("what", ["lenders.csv", "records.jsonl", "domains.json"])
def test_export_from_the_local_store_matches_the_api(
    local_store: Settings, client: TestClient, tmp_path: Path, what: str
) -> None:
    out = tmp_path / what
    run("export", what, "-o", str(out))
    api = client.get(f"/exports/{what}").text
    if what == "domains.json":
        mine, theirs = json.loads(out.read_text(encoding="utf-8")), json.loads(api)
        assert mine["data"] == theirs["data"] and mine["data_version"] == theirs["data_version"]
    else:
        assert out.read_bytes().decode("utf-8") == api
