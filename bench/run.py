"""Matcher benchmark: index build time and memory, lookup latency by method, HTTP throughput of
`GET /lenders` against a hello-world route of the same app, and the same fuzzy queries through
PostgreSQL pg_trgm, all measured in one run on one machine (report the ratios: the machine is shared).

    python bench/run.py                      # 200,000 names, a few minutes
    python bench/run.py --size 1000000       # the figures quoted in the README
    python bench/run.py --no-http --no-pg    # the in-process part only

The index holds the real records (the bundled snapshot when `data/snapshot/records.jsonl` exists,
else the real captures in ../shared/fixtures: NFRA, OJK, RBI DLA) plus synthetic names up to
`--size`. Synthetic lenders have ids `synthetic-…`, jurisdiction `ZZ`, and exist only in memory:
nothing is written to data/. Queries are drawn from real names, their brand cores, pinyin, domains,
and one-character typos of real and synthetic names.

Writes `bench/results.json` and `bench/results.md`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import platform
import random
import shutil
import socket
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lendercheck.matcher import IndexEntry, MatchIndex  # noqa: E402
from lendercheck.matcher.evaluate import DEFAULT_SHARED, fixture_entries  # noqa: E402
from lendercheck.matcher.names import name_key, normalize_name  # noqa: E402

HERE = Path(__file__).resolve().parent
SNAPSHOT = ROOT / "data" / "snapshot"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
PG_BENCH_DB = "lendercheck_bench"

# -- data ----------------------------------------------------------------------------------------

REGIONS = ["北京", "上海", "重庆", "天津", "广东省", "浙江", "江苏省", "四川", "湖北", "山东", "深圳市", "厦门", ""]
CN_GENERIC = ["小额贷款", "网络小额贷款", "消费金融", "融资担保", "科技", "信息科技", "网络科技", "典当", "金融服务",
              "商业保理", "资产管理", "投资咨询"]
CN_FORMS = ["有限公司", "股份有限公司", "有限责任公司"]
SYLLABLES = ["ka", "ri", "mo", "da", "nu", "sa", "ta", "lo", "pi", "ne", "ba", "ru", "me", "ko", "ji", "wa",
             "su", "ge", "fi", "la", "zo", "vi", "ha", "de", "tu", "yo", "bi", "ma", "ke", "no", "ra", "si"]
LATIN_GENERIC = ["Finance", "Kredit", "Dana", "Capital", "Fintech", "Lending", "Loans", "Pinjaman", "Teknologi",
                 "Digital", "Investama", "Cash", "Money", "Credit"]
LATIN_FORMS = ["PT {} Indonesia", "{} Private Limited", "{} Ltd", "{} Sdn Bhd", "PT {} Tbk", "{} Inc"]
TLDS = ["com", "co.id", "id", "in", "co.in", "cn", "com.cn", "net"]


def real_entries(shared: Path) -> tuple[list[IndexEntry], str, Path | None]:
    """The real records: from the bundled snapshot's store if it exists, else from the captures."""
    if (SNAPSHOT / "records.jsonl").exists():
        from lendercheck.settings import Settings
        from lendercheck.snapshot import ensure_store
        from lendercheck.store import index_entries, session_scope

        data_dir = Path(tempfile.mkdtemp(prefix="lendercheck-bench-"))
        shutil.copytree(SNAPSHOT, data_dir / "snapshot")
        engine = ensure_store(Settings(data_dir=data_dir, database_url=""))
        with session_scope(engine) as session:
            entries = list(index_entries(session))
        engine.dispose()
        return entries, "bundled snapshot (data/snapshot)", data_dir
    entries, _names = fixture_entries(shared)
    return entries, f"real captures in {shared} (NFRA 2025-06-30, OJK 2025, RBI DLA 2026-09-25)", None


def han_pool(entries: list[IndexEntry]) -> list[str]:
    """Characters real Chinese lender names use, without those of company forms and generic words."""
    skip = set("".join(CN_GENERIC + CN_FORMS + ["银行", "农村", "商业", "信用", "合作", "联社", "村镇", "中国"]))
    pool = Counter(ch for e in entries for ch in e.text if "\u4e00" <= ch <= "\u9fff" and ch not in skip)
    return [ch for ch, _ in pool.most_common(1500)]


def synthetic_entries(count: int, pool: list[str], seed: int = 20260101) -> Iterator[IndexEntry]:
    """`count` synthetic entries: legal names (about 60 % Chinese, 40 % Latin), some app names and domains."""
    rng = random.Random(seed)
    made = 0
    n = 0
    while made < count:
        n += 1
        lender = f"synthetic-{n:07d}"
        if rng.random() < 0.6:
            brand = "".join(rng.choice(pool) for _ in range(rng.choice((2, 2, 3, 4))))
            legal = f"{rng.choice(REGIONS)}{brand}{rng.choice(CN_GENERIC)}{rng.choice(CN_FORMS)}"
            label = None
        else:
            brand = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4)))).capitalize()
            legal = rng.choice(LATIN_FORMS).format(f"{brand} {rng.choice(LATIN_GENERIC)}")
            label = brand.lower()
        yield IndexEntry(lender, legal, "legal", "ZZ")
        made += 1
        if made < count and rng.random() < 0.3:
            yield IndexEntry(lender, brand + (rng.choice(["贷", "花", "借"]) if label is None else ""), "app", "ZZ")
            made += 1
        if made < count and label and rng.random() < 0.5:
            yield IndexEntry(lender, f"{label}.{rng.choice(TLDS)}", "domain", "ZZ")
            made += 1


def typo(text: str, rng: random.Random) -> str:
    key = name_key(text)
    if len(key) < 6:
        return key
    i = rng.randrange(1, len(key) - 1)
    return key[:i] + key[i + 1:]


def query_sets(real: list[IndexEntry], synthetic_sample: list[IndexEntry], per_set: int) -> dict[str, list[dict]]:
    rng = random.Random(7)
    names = [e for e in real if e.kind not in ("domain", "app_id")]
    domains = [e for e in real if e.kind == "domain"]
    cores, pinyin = [], []
    for e in names:
        forms = normalize_name(e.text)
        if forms.core and forms.core != forms.key:
            cores.append(forms.core)
        if forms.pinyin and len(forms.regional) <= 8 and forms.is_han:
            pinyin.append(forms.pinyin[0])

    def pick(items: list, k: int) -> list:
        return rng.sample(items, min(k, len(items))) if items else []

    synthetic_names = [e for e in synthetic_sample if e.kind == "legal"]
    return {
        "exact_name": [{"name": e.text} for e in pick(names, per_set)],
        "domain": [{"domain": f"https://www.{e.text}/"} for e in pick(domains, per_set)],
        "brand": [{"name": c} for c in pick(sorted(set(cores)), per_set)],
        "pinyin": [{"name": p} for p in pick(sorted(set(pinyin)), per_set)],
        "fuzzy": [{"name": typo(e.text, rng)} for e in pick(names, per_set // 2) + pick(synthetic_names, per_set // 2)],
    }


# -- measurements --------------------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def build(entries: list[IndexEntry], trace: bool) -> tuple[MatchIndex, dict[str, float]]:
    gc.collect()
    before = rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    index = MatchIndex.build(entries)
    seconds = time.perf_counter() - started
    figures = {"build_seconds": round(seconds, 2)}
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures["tracemalloc_peak_mb"] = round(peak / 2**20, 1)
    gc.collect()
    figures["rss_before_build_mb"] = round(before, 1)
    figures["rss_after_build_mb"] = round(rss_mb(), 1)
    figures["index_rss_mb"] = round(figures["rss_after_build_mb"] - before, 1)
    return index, figures


def latency(index: MatchIndex, queries: dict[str, list[dict]]) -> dict[str, dict[str, Any]]:
    for q in [q for qs in queries.values() for q in qs][:200]:
        index.lookup(**q)  # warm the code paths; distinct queries are measured below
    results: dict[str, dict[str, Any]] = {}
    for kind, qs in queries.items():
        times: list[float] = []
        methods: Counter[str] = Counter()
        for q in qs:
            # A query text is measured once, uncached: the warm-up used other texts.
            started = time.perf_counter()
            _forms, matches = index.lookup(**q)
            times.append((time.perf_counter() - started) * 1000)
            methods[matches[0].method if matches else "none"] += 1
        results[kind] = {
            "queries": len(qs),
            "p50_ms": round(percentile(times, 50), 3),
            "p99_ms": round(percentile(times, 99), 3),
            "mean_ms": round(statistics.fmean(times), 3) if times else None,
            "top_method": dict(methods.most_common()),
        }
    return results


def answer_cost(index: MatchIndex, queries: dict[str, list[dict]], data_dir: Path) -> dict[str, Any]:
    """Where a request's time goes: the whole answer (`lendercheck.verdict.lookup`: matcher, evidence
    queries, sources, summary) against the matcher alone, in process, on the same store."""
    from lendercheck.settings import Settings
    from lendercheck.snapshot import ensure_store
    from lendercheck.store import session_scope
    from lendercheck.verdict import lookup

    engine = ensure_store(Settings(data_dir=data_dir, database_url=""))
    qs = [q for kind in ("exact_name", "domain", "brand") for q in queries[kind]][:600]
    whole: list[float] = []
    matcher: list[float] = []
    with session_scope(engine) as session:
        for q in qs[:50]:
            lookup(index, session, **q)
        for q in qs:
            started = time.perf_counter()
            lookup(index, session, **q)
            whole.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            index.lookup(**q)
            matcher.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return {
        "queries": len(qs),
        "answer_p50_ms": round(percentile(whole, 50), 3),
        "matcher_p50_ms": round(percentile(matcher, 50), 3),
        "matcher_share_of_answer": round(statistics.fmean(matcher) / statistics.fmean(whole), 3) if whole else None,
    }


# -- HTTP ----------------------------------------------------------------------------------------

_SERVED: MatchIndex | None = None


def _serve(port: int, data_dir: str, answer_cache_size: int) -> None:
    import uvicorn

    from api.main import create_app
    from lendercheck.settings import Settings

    settings = Settings(data_dir=Path(data_dir), database_url="", index_refresh_interval=0,
                        answer_cache_size=answer_cache_size)
    app = create_app(settings)

    @app.get("/bench/hello", include_in_schema=False)
    def hello() -> dict[str, bool]:
        return {"ok": True}

    original = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> Any:
        async with original(application):
            # The benchmark's index (real + synthetic names), built before the fork, replaces the one
            # built from the store; the store still answers the evidence queries.
            application.state.live.current = _SERVED
            yield

    app.router.lifespan_context = lifespan
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(port: int, paths: list[str], seconds: float, connections: int, once: bool = False) -> tuple[int, int]:
    done = errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal done, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = offset
        while time.perf_counter() < deadline and not (once and i >= len(paths)):
            path = paths[i % len(paths)]
            i += connections
            writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nAccept: application/json\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            if status == 200:
                done += 1
            else:
                errors += 1
        writer.close()

    await asyncio.gather(*(worker(k) for k in range(connections)))
    return done, errors


def http_ratio(index: MatchIndex, queries: dict[str, list[dict]], data_dir: Path, seconds: float,
               connections: int, answer_cache_size: int) -> dict[str, Any]:
    global _SERVED
    _SERVED = index
    port = _free_port()
    context = multiprocessing.get_context("fork")  # the child inherits the built index
    server = context.Process(target=_serve, args=(port, str(data_dir), answer_cache_size), daemon=True)
    server.start()
    try:
        for _ in range(600):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    pass
                if asyncio.run(_load(port, ["/readyz"], 0.2, 1))[0]:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        lookups = []
        for kind in ("exact_name", "domain", "brand"):
            for q in queries[kind]:
                field, value = next(iter(q.items()))
                lookups.append(f"/lenders?{field}={quote(value)}")
        random.Random(3).shuffle(lookups)
        fuzzy = [f"/lenders?name={quote(q['name'])}" for q in queries["fuzzy"]]
        asyncio.run(_load(port, ["/bench/hello"] + lookups[:50], 2, connections))  # warm-up
        if answer_cache_size:
            # Every query asked once before timing: the cached rounds measure repeat traffic only.
            asyncio.run(_load(port, lookups + fuzzy, 3600, connections, once=True))
        rounds: dict[str, list[float]] = {"hello": [], "lookup": [], "fuzzy": []}
        errors = 0
        # Interleaved rounds, so a noisy neighbour slows both sides of the ratio alike.
        for _ in range(3):
            for name, paths in (("hello", ["/bench/hello"]), ("lookup", lookups), ("fuzzy", fuzzy)):
                ok, bad = asyncio.run(_load(port, paths, seconds, connections))
                rounds[name].append(ok / seconds)
                errors += bad
        hello = statistics.fmean(rounds["hello"])
        lookup = statistics.fmean(rounds["lookup"])
        fuzzy_rps = statistics.fmean(rounds["fuzzy"])
        return {
            "server": "uvicorn, 1 worker process, same app (api.main:create_app) with a hello-world route added",
            "answer_cache_size": answer_cache_size,
            "connections": connections,
            "seconds_per_round": seconds,
            "hello_rps": round(hello, 1),
            "lookup_exact_domain_brand_rps": round(lookup, 1),
            "lookup_fuzzy_rps": round(fuzzy_rps, 1),
            "ratio_lookup_to_hello": round(lookup / hello, 3) if hello else None,
            "ratio_fuzzy_to_hello": round(fuzzy_rps / hello, 3) if hello else None,
            "non_200": errors,
        }
    finally:
        server.terminate()
        server.join(10)


# -- pg_trgm -------------------------------------------------------------------------------------


def pg_trgm(index: MatchIndex, queries: list[dict], ours: dict[str, Any]) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_BENCH_DB,)).fetchone():
            admin.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    forms = list(index._fuzzy_forms)
    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={PG_BENCH_DB}", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        conn.execute("DROP TABLE IF EXISTS bench_names")
        conn.execute("CREATE UNLOGGED TABLE bench_names (id integer, name text)")
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY bench_names (id, name) FROM STDIN") as copy:
            for i, form in enumerate(forms):
                copy.write_row((i, form))
        conn.execute("CREATE INDEX bench_names_trgm ON bench_names USING gin (name gin_trgm_ops)")
        conn.execute("ANALYZE bench_names")
        load_seconds = time.perf_counter() - started
        sql = ("SELECT id, name, similarity(name, %(q)s) AS s FROM bench_names WHERE name %% %(q)s "
               "ORDER BY s DESC LIMIT 10")
        texts = [name_key(q["name"]) for q in queries]
        for text in texts[:20]:
            conn.execute(sql, {"q": text}).fetchall()
        times = []
        for text in texts:
            started = time.perf_counter()
            conn.execute(sql, {"q": text}).fetchall()
            times.append((time.perf_counter() - started) * 1000)
        conn.execute("DROP TABLE bench_names")
    p50, p99 = percentile(times, 50), percentile(times, 99)
    return {
        "rows": len(forms),
        "load_and_gin_index_seconds": round(load_seconds, 1),
        "query": "similarity() with the % operator (threshold 0.3) on the GIN trigram index, top 10",
        "p50_ms": round(p50, 3),
        "p99_ms": round(p99, 3),
        "mean_ms": round(statistics.fmean(times), 3),
        "ratio_p50_pg_to_ours": round(p50 / ours["p50_ms"], 1) if ours["p50_ms"] else None,
        "ratio_mean_pg_to_ours": round(statistics.fmean(times) / ours["mean_ms"], 1) if ours["mean_ms"] else None,
    }


# -- report --------------------------------------------------------------------------------------


def markdown(results: dict[str, Any]) -> str:
    b = results["build"]
    lines = [
        "# Matcher benchmark",
        "",
        f"Run `{results['command']}` on {results['machine']} at {results['date']}.",
        f"Index: {results['entries']:,} entries ({results['real_entries']:,} real from {results['real_source']}, "
        f"{results['synthetic_entries']:,} synthetic), {results['index_size']:,} indexed.",
        "",
        "| build | seconds | RSS of the index | tracemalloc peak |",
        "|---|---|---|---|",
        f"| MatchIndex.build | {b['build_seconds']} | {b['index_rss_mb']} MB "
        f"| {b.get('tracemalloc_peak_mb', 'not traced')} |",
        "",
        "| in-process lookup | queries | p50 ms | p99 ms | mean ms | top match method |",
        "|---|---|---|---|---|---|",
    ]
    for kind, row in results["latency"].items():
        methods = ", ".join(f"{k} {v}" for k, v in row["top_method"].items())
        lines.append(
            f"| {kind} | {row['queries']} | {row['p50_ms']} | {row['p99_ms']} | {row['mean_ms']} | {methods} |"
        )
    for key, title in (("http", "every answer computed (answer cache off)"),
                       ("http_cached", "answers cached per worker and data version, queries repeating")):
        if key not in results:
            continue
        h = results[key]
        lines += [
            "",
            f"HTTP, {title} ({h['server']}, {h['connections']} keep-alive connections, 3 interleaved rounds of "
            f"{h['seconds_per_round']} s):",
            "",
            "| route | requests/s | ratio to hello-world |",
            "|---|---|---|",
            f"| hello-world | {h['hello_rps']} | 1 |",
            f"| GET /lenders (exact name, domain, brand) | {h['lookup_exact_domain_brand_rps']} | "
            f"{h['ratio_lookup_to_hello']} |",
            f"| GET /lenders (fuzzy) | {h['lookup_fuzzy_rps']} | {h['ratio_fuzzy_to_hello']} |",
        ]
    if "answer_cost" in results:
        a = results["answer_cost"]
        lines += [
            "",
            f"In process, one whole answer (lendercheck.verdict.lookup: matcher, evidence queries, sources, "
            f"summary) takes p50 {a['answer_p50_ms']} ms, of which the matcher p50 {a['matcher_p50_ms']} ms "
            f"(share of the mean: {a['matcher_share_of_answer']}).",
        ]
    if "pg_trgm" in results:
        p = results["pg_trgm"]
        lines += [
            "",
            f"PostgreSQL pg_trgm on the same {p['rows']:,} normalized names ({p['query']}): p50 {p['p50_ms']} ms, "
            f"p99 {p['p99_ms']} ms, mean {p['mean_ms']} ms; ours is {p['ratio_p50_pg_to_ours']}× faster at p50, "
            f"{p['ratio_mean_pg_to_ours']}× on the mean.",
        ]
    lines += ["", "Synthetic names exist only in memory during the run (ids `synthetic-…`, jurisdiction ZZ)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=200_000, help="entries in the index: names, domains, app ids")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--queries", type=int, default=1000, help="queries per method")
    parser.add_argument("--trace", action="store_true", help="also measure the tracemalloc peak (slower build)")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--http-seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)

    real, source, store_dir = real_entries(args.shared)
    pool = han_pool(real)
    synthetic = list(synthetic_entries(max(0, args.size - len(real)), pool))
    entries = real + synthetic
    print(f"{len(real):,} real + {len(synthetic):,} synthetic entries", flush=True)
    index, build_figures = build(entries, args.trace)
    print(f"build {build_figures}", flush=True)
    queries = query_sets(real, synthetic[:: max(1, len(synthetic) // 20000)] if synthetic else [], args.queries)
    results: dict[str, Any] = {
        "command": "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "real_source": source,
        "real_entries": len(real),
        "synthetic_entries": len(synthetic),
        "entries": len(entries),
        "index_size": index.size,
        "build": build_figures,
        "latency": latency(index, queries),
    }
    print(json.dumps(results["latency"], ensure_ascii=False), flush=True)
    del entries, synthetic
    gc.collect()
    if not args.no_pg:
        try:
            results["pg_trgm"] = pg_trgm(index, queries["fuzzy"], results["latency"]["fuzzy"])
            print(f"pg_trgm {results['pg_trgm']}", flush=True)
        except Exception as error:  # a missing server is reported, not fatal
            results["pg_trgm_error"] = repr(error)
    if not args.no_http:
        data_dir = store_dir or Path(tempfile.mkdtemp(prefix="lendercheck-bench-"))
        try:
            results["answer_cost"] = answer_cost(index, queries, data_dir)
            print(f"answer {results['answer_cost']}", flush=True)
            # Computed: every answer made afresh (cache off). Cached: the same queries again, as repeat
            # traffic from browser extensions sees them (answers kept per worker and data version).
            results["http"] = http_ratio(index, queries, data_dir, args.http_seconds, args.connections, 0)
            results["http_cached"] = http_ratio(index, queries, data_dir, args.http_seconds, args.connections,
                                                1_000_000)
            print(f"http {results['http']}", flush=True)
        except Exception as error:
            results["http_error"] = repr(error)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
    args.out.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
