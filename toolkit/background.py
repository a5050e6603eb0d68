"""Work that runs outside the web request, in threads of the application's own process.

A page that starts slow work (asking a machine translator, rendering a large document) records what it asked
for, commits, and hands the work to :func:`submit`; the page answers at once, and the work writes its outcome to
the database, where the next page view reads it. Each job runs in its own application context and database
session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from flask import Flask, current_app

from .extensions import db


class BackgroundJobs:
    """A small pool of worker threads for one application."""

    def __init__(self, app: Flask):
        self.app = app
        self._executor = ThreadPoolExecutor(
            max_workers=app.config["BACKGROUND_WORKERS"], thread_name_prefix="toolkit-job"
        )
        self._running: set[Future] = set()
        self._lock = threading.Lock()

    def submit(self, job: Callable, *args) -> Future:
        future = self._executor.submit(self._run, job, args)
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._forget)
        return future

    def _run(self, job: Callable, args: tuple) -> None:
        with self.app.app_context():
            try:
                job(*args)
            except Exception:
                db.session.rollback()
                self.app.logger.exception("background job %s failed", getattr(job, "__name__", job))
                raise
            finally:
                db.session.remove()

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._running.discard(future)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every job submitted so far has ended; False if some still run after ``timeout``."""
        with self._lock:
            running = set(self._running)
        _done, pending = wait(running, timeout=timeout)
        return not pending


def init_app(app: Flask) -> None:
    app.extensions["background_jobs"] = BackgroundJobs(app)


def submit(job: Callable, *args) -> Future:
    """Run ``job(*args)`` in a worker thread of this process, in an application context of its own."""
    return current_app.extensions["background_jobs"].submit(job, *args)


def wait_for_jobs(app: Flask, timeout: float | None = None) -> bool:
    return app.extensions["background_jobs"].wait(timeout)
