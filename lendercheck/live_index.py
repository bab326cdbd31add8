"""The matcher index a worker serves from: built at start-up, rebuilt aside when the data changes, swapped."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from sqlalchemy.engine import Engine

from lendercheck.matcher import MatchIndex
from lendercheck.models import SourceRow
from lendercheck.store import data_version, index_entries, list_sources, session_scope

log = logging.getLogger(__name__)


class AnswerCache:
    """Serialized answers of this worker, for the data version they were made from: browser extensions
    ask the same few domains over and over. Emptied whenever the index is rebuilt."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, ...], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: tuple[str, ...], body: bytes) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = body
            if len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class LiveIndex:
    def __init__(self, engine: Engine, answer_cache_size: int = 4096) -> None:
        self.engine = engine
        self.current: MatchIndex | None = None
        self.version: str | None = None
        # The sources as of `version`; every answer lists them.
        self.sources: list[SourceRow] = []
        self.answers = AnswerCache(answer_cache_size)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def ready(self) -> bool:
        return self.current is not None

    def refresh(self) -> bool:
        """Rebuild if the store's data version moved; lookups keep the old index until the swap."""
        with session_scope(self.engine) as session:
            version = data_version(session)
            if version == self.version and self.current is not None:
                return False
            started = time.perf_counter()
            index = MatchIndex.build(index_entries(session))
            sources = list(list_sources(session))
        self.current, self.version, self.sources = index, version, sources
        self.answers.clear()
        log.info("index built", extra={"version": version, "entries": index.size,
                                       "seconds": round(time.perf_counter() - started, 2)})
        return True

    def start_watching(self, interval: float) -> None:
        if interval <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._watch, args=(interval,), name="index-refresh", daemon=True)
        self._thread.start()

    def _watch(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.refresh()
            except Exception:  # a failed rebuild must not take the served index down
                log.exception("index refresh failed")

    def stop(self) -> None:
        self._stop.set()
