"""`make bench`: the toolkit under gunicorn with its production settings on SQLite, measured from loopback.

(a) 200 phones poll the live endpoint every 2 s; (b) participants send barriers through the phone's form as fast as
they can; (c) the same form flow against a minimal Flask app (``baseline_app.py``) served the same way. Prints
requests/s, p50/p95/p99 and errors for each, the ratio (b)/(c), and exits non-zero when a target is missed::

    python -m tests.bench.run [--synchronous FULL] [--workers N --threads N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from . import baseline_app, client
from .machine import BUSY, OtherPrograms, description, wait_until_quiet

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GUNICORN_CONFIG = "python:toolkit.gunicorn_conf"


#: Targets of the issue.
POLL_P95_MS = 100
MIN_RATIO = 0.25


def prepare_workshop() -> dict:
    """One territory, one process and one open workshop on its barrier round; what the clients need to know."""
    from sqlalchemy import select

    from toolkit import create_app
    from toolkit.extensions import db
    from toolkit.processes.models import Phase, Process, StepKind, StepTemplate
    from toolkit.territories.operations import create_territory
    from toolkit.workshops import operations
    from toolkit.workshops.models import Workshop

    app = create_app()
    with app.app_context():
        territory = create_territory("bench", "Comune di Prova", region="Toscana", default_locale="it")
        db.session.flush()
        services = sorted(territory_services(territory.id), key=lambda s: s.id)[:3]
        process = Process(
            territory_id=territory.id,
            title="Servizi più accessibili",
            phase=Phase.BARRIERS,
            services=services,
        )
        workshop = Workshop(
            territory_id=territory.id, process=process, title="Che cosa ci ferma?", phase=Phase.BARRIERS
        )
        db.session.add_all([process, workshop])
        db.session.flush()
        templates = db.session.scalars(
            select(StepTemplate)
            .where(StepTemplate.territory_id == territory.id)
            .order_by(StepTemplate.position)
        ).all()
        operations.build_agenda(workshop, list(templates))
        operations.open_workshop(workshop)
        for _ in workshop.steps:
            if workshop.current_step.kind is StepKind.BARRIER_ROUND:
                break
            operations.go_to_step(workshop, 1)
        if workshop.current_step.kind is not StepKind.BARRIER_ROUND:
            raise SystemExit("The default agenda has no barrier round")
        db.session.commit()
        prepared = {
            "workshop_id": workshop.id,
            "code": workshop.join_code,
            "service_ids": [s.id for s in services],
            "category_ids": [c.id for c in territory_categories(territory.id)],
        }
        db.engine.dispose()
    return prepared


def territory_services(territory_id: int):
    from toolkit.extensions import db
    from toolkit.services.models import Service

    return db.session.scalars(db.select(Service).where(Service.territory_id == territory_id)).all()


def territory_categories(territory_id: int):
    from toolkit.extensions import db
    from toolkit.services.models import BarrierCategory

    return db.session.scalars(
        db.select(BarrierCategory)
        .where(BarrierCategory.territory_id == territory_id)
        .order_by(BarrierCategory.position)
    ).all()


def count_rows(database: Path, sql: str, *parameters) -> int:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql, parameters).fetchone()[0]
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, env: dict, log: Path):
    """gunicorn with the production settings on a free loopback port; yields its base URL once it answers."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", GUNICORN_CONFIG, app_spec],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url, server, log)
            yield url
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_until_up(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2):  # noqa: S310 (our own loopback server)
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer at {url} within {seconds:.0f} s:\n{log.read_text()}")


def machine() -> list[str]:
    busy = wait_until_quiet("the figures will be low")
    return [*description(), f"CPU busy in the second before the run: {busy:.0%}"]


def row(name: str, result: client.Result) -> str:
    return (
        f"{name:<34} {len(result.latencies):>8} {result.rate:>9.1f} {result.percentile(50):>8.1f} "
        f"{result.percentile(95):>8.1f} {result.percentile(99):>8.1f} {result.error_count:>7}"
    )


def report(results: dict, stored: dict, settings: str, phones: int) -> bool:
    """Print the table and the targets; true when every target is met."""
    polling, toolkit, baseline = results["a"], results["b"], results["c"]
    ratio = toolkit.rate / baseline.rate if baseline.rate else 0.0
    print()
    print(
        f"{'scenario':<34} {'requests':>8} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    print(row(f"(a) {phones} phones polling /live (GET)", polling))
    print(row("(b) toolkit barrier form (POST)", toolkit))
    print(row("(c) minimal Flask form (POST)", baseline))
    print()
    print(
        "(b) and (c) count the POST only (rate and latency); each POST follows the GET of a fresh form, as in a"
    )
    print(
        "browser. The form's GET: "
        f"(b) p50 {toolkit.percentile(50, True):.1f} ms, p95 {toolkit.percentile(95, True):.1f} ms; "
        f"(c) p50 {baseline.percentile(50, True):.1f} ms, p95 {baseline.percentile(95, True):.1f} ms."
    )
    for result in results.values():
        for what, count in result.errors.most_common(5):
            print(f"  {result.name} error x{count}: {what}")
    print()
    print(f"ratio (b)/(c): {ratio:.1%}   ({settings})")
    targets = [
        ("zero errors", sum(r.error_count for r in results.values()) == 0, ""),
        (
            f"(a) p95 under {POLL_P95_MS} ms",
            polling.percentile(95) < POLL_P95_MS,
            f"{polling.percentile(95):.1f} ms",
        ),
        (f"(b)/(c) at least {MIN_RATIO:.0%}", ratio >= MIN_RATIO, f"{ratio:.1%}"),
        (
            "every accepted barrier stored once",
            stored["toolkit"] == len(toolkit.latencies),
            f"{stored['toolkit']} rows for {len(toolkit.latencies)} POSTs",
        ),
        (
            "every accepted baseline form stored once",
            stored["baseline"] == len(baseline.latencies),
            f"{stored['baseline']} rows for {len(baseline.latencies)} POSTs",
        ),
    ]
    for name, passed, detail in targets:
        print(f"{'PASS' if passed else 'FAIL'}  {name}{f': {detail}' if detail else ''}")
    return all(passed for _, passed, _ in targets)


def server_problems(log: Path) -> list[str]:
    """Tracebacks and error lines of a server log, and any line that shows a client's loopback address."""
    problems = []
    for line in log.read_text(errors="replace").splitlines():
        if "Listening at" in line:
            continue
        if "Traceback" in line or "ERROR" in line or "[CRITICAL]" in line or "127.0.0.1" in line:
            problems.append(line)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--phones", type=int, default=200, help="phones polling in (a)")
    parser.add_argument("--poll-seconds", type=float, default=20)
    parser.add_argument("--writers", type=int, default=24, help="concurrent participants sending in (b), (c)")
    parser.add_argument(
        "--barriers", type=int, default=600, help="barriers sent in (b): a room of 200 phones writing 3 each"
    )
    parser.add_argument("--baseline-seconds", type=float, default=15, help="duration of (c)")
    parser.add_argument("--synchronous", choices=("NORMAL", "FULL"), default="NORMAL")
    parser.add_argument("--workers", type=int, help="override GUNICORN_WORKERS of the settings")
    parser.add_argument("--threads", type=int, help="override GUNICORN_THREADS of the settings")
    parser.add_argument("--keep", action="store_true", help="keep the databases and server logs")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="toolkit-bench-"))
    database = workdir / "bench.sqlite"
    baseline_database = workdir / "baseline.sqlite"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": secrets.token_hex(32),
        "BASELINE_DATABASE": str(baseline_database),
        "BASELINE_SYNCHRONOUS": args.synchronous,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    for name in ("PROXY_COUNT", "SERVER_NAME", "SESSION_COOKIE_SECURE", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)  # plain HTTP on loopback
    workers = env.get("GUNICORN_WORKERS", "2")
    threads = env.get("GUNICORN_THREADS", "4")
    settings = (
        f"gunicorn gthread {workers} workers x {threads} threads, SQLite WAL synchronous={args.synchronous}"
    )
    toolkit_app = "tests.bench.durable:create_app()" if args.synchronous == "FULL" else "toolkit:create_app()"
    try:
        print("\n".join(machine()))
        print(settings)
        print(f"working folder: {workdir}")
        subprocess.run(
            [str(BIN / "flask"), "--app", "toolkit", "db", "upgrade"],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        os.environ.update(
            {name: env[name] for name in ("DATABASE_URL", "SECRET_KEY", "RATELIMIT_STORAGE_URI")}
        )
        workshop = prepare_workshop()
        baseline_app.init_db(str(baseline_database))
        results = {}
        others = OtherPrograms()
        toolkit_log, baseline_log = workdir / "toolkit.log", workdir / "baseline.log"
        with (
            gunicorn(toolkit_app, env, toolkit_log) as toolkit_url,
            gunicorn("tests.bench.baseline_app:create_app()", env, baseline_log) as baseline_url,
        ):
            print(f"(a) {args.phones} phones join, then poll for {args.poll_seconds:.0f} s ...", flush=True)
            results["a"] = asyncio.run(
                client.poll_live(toolkit_url, workshop["code"], args.phones, args.poll_seconds)
            )
            print(f"(b) {args.writers} participants send {args.barriers} barriers ...", flush=True)
            results["b"] = asyncio.run(
                client.submit_barriers(
                    toolkit_url,
                    workshop["code"],
                    args.writers,
                    args.barriers,
                    workshop["service_ids"],
                    workshop["category_ids"],
                )
            )
            print(
                f"(c) {args.writers} clients send the minimal app's form for {args.baseline_seconds:.0f} s ..."
            )
            results["c"] = asyncio.run(
                client.submit_baseline(baseline_url, args.writers, args.baseline_seconds)
            )
        busy = others.share()
        print(
            f"\nother programs used {busy:.0%} of the CPU during the run"
            + ("  (the figures are lower than on a quiet machine)" if busy > BUSY else "")
        )
        stored = {
            "toolkit": count_rows(
                database, "SELECT count(*) FROM barriers WHERE workshop_id = ?", workshop["workshop_id"]
            ),
            "baseline": count_rows(baseline_database, "SELECT count(*) FROM barriers"),
        }
        passed = report(results, stored, settings, args.phones)
        for name, log in (("toolkit", toolkit_log), ("baseline", baseline_log)):
            problems = server_problems(log)
            if problems:
                passed = False
                print(f"FAIL  {name} server log ({log}):")
                print("\n".join(f"    {line}" for line in problems[:40]))
        if not passed:
            args.keep = True
        return 0 if passed else 1
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
