"""Every setting lendercheck reads, from `LENDERCHECK_*` environment variables (and `DATABASE_URL`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LENDERCHECK_", extra="ignore")

    # Where the bundled snapshot, the SQLite file and the raw archive live.
    data_dir: Path = Field(PROJECT_DATA_DIR)
    # SQLAlchemy URL of the store; empty means the SQLite file `<data_dir>/lendercheck.db`.
    database_url: str = Field(
        "", validation_alias=AliasChoices("LENDERCHECK_DATABASE_URL", "DATABASE_URL", "database_url")
    )
    # Sent with every request to a regulator's site, so they know who is asking.
    user_agent: str = "lendercheck/0.1 (+https://github.com/lendercheck/lendercheck; licence lookup)"
    # Seconds before an HTTP request to a source gives up.
    http_timeout: float = 30.0
    # Attempts per request (connection errors, 429 and 5xx are retried with exponential backoff).
    http_retries: int = 3
    # Seconds between two requests to the same source: a polite rate.
    http_min_interval: float = 1.0
    # Seconds browsers and extensions may cache a lookup answer.
    cache_max_age: int = 3600
    # Lowest score a match needs to count as evidence for a verdict.
    match_threshold: float = 0.85
    # Matches below this score are not shown at all.
    min_score: float = 0.6
    # Lookup answers each worker keeps, per data version (0: compute every answer).
    answer_cache_size: int = 4096
    # Seconds between checks of the store's data version, to rebuild the matcher index.
    index_refresh_interval: float = 60.0
    # FCA Register API credentials (free sign-up); without them the FCA source is skipped.
    fca_email: str = ""
    fca_key: str = ""
    # The 6-letter path token of NFRA's licence register list endpoint (/jr/<TOKEN>/getLicence.do); the
    # site changes it, so the deployer supplies it for `lendercheck confirm`.
    nfra_xkz_token: str = ""

    @property
    def snapshot_dir(self) -> Path:
        return self.data_dir / "snapshot"

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'lendercheck.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.store_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
