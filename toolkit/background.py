"""Work that runs outside the web request, in threads of the application's own process.

A page that starts slow work (asking a machine translator, rendering a large document) records what it asked
for, commits, and hands the work to :func:`submit`; the page answers at once, and the work writes its outcome to
the database, where the next page view reads it. Each job runs in its own application context and database
session.

A process that dies (a restart, a worker killed) takes its running jobs with it. Jobs therefore record which
process runs them (:func:`this_process`), and each process, when it serves its first request, runs the recovery
steps features registered with :func:`at_start`: they mark as interrupted the jobs of processes that
:func:`known_dead` says are gone, and never those of another process that is still alive.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

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
        self._recovered = False

    def submit(self, job: Callable, *args) -> Future:
        future = self._executor.submit(self._run, job, args)
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._forget)
        return future

    def _run(self, job: Callable, args: tuple) -> None:
        _in_job.active = True
        with self.app.app_context():
            try:
                job(*args)
            except Exception:
                db.session.rollback()
                self.app.logger.exception("background job %s failed", getattr(job, "__name__", job))
                raise
            finally:
                db.session.remove()
                _in_job.active = False

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._running.discard(future)

    def recover(self) -> None:
        """Run the start-up recovery steps once in this process (at its first request)."""
        if self._recovered:
            return
        with self._lock:
            if self._recovered:
                return
            self._recovered = True
        for step in _START_STEPS:
            try:
                step()
                db.session.commit()
            except Exception:
                # Never a failed page for this: a missing table before the first migration, a busy database.
                db.session.rollback()
                self.app.logger.exception("start-up recovery %s failed", getattr(step, "__name__", step))

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every job submitted so far has ended; False if some still run after ``timeout``."""
        with self._lock:
            running = set(self._running)
        _done, pending = wait(running, timeout=timeout)
        return not pending


#: Set in the worker threads while they run a job.
_in_job = threading.local()


def in_job() -> bool:
    """True inside a background job (what it records was asked for earlier, by a page)."""
    return getattr(_in_job, "active", False)


def init_app(app: Flask) -> None:
    """Run the start-up recovery at the first request, before anything of that request is read: its commit would
    otherwise expire what the request had loaded (the workshop of a phone's URL), to be read again later under
    another territory scope. Call it before the other URL value preprocessors are registered."""
    jobs = app.extensions["background_jobs"] = BackgroundJobs(app)
    app.url_value_preprocessor(lambda endpoint, values: jobs.recover())


def submit(job: Callable, *args) -> Future:
    """Run ``job(*args)`` in a worker thread of this process, in an application context of its own."""
    return current_app.extensions["background_jobs"].submit(job, *args)


def wait_for_jobs(app: Flask, timeout: float | None = None) -> bool:
    return app.extensions["background_jobs"].wait(timeout)


#: Recovery steps run once by each process at its first request (see :func:`at_start`).
_START_STEPS: list[Callable[[], None]] = []


def at_start(step: Callable[[], None]) -> Callable[[], None]:
    """Register ``step`` to run in an application context when a process serves its first request (after a
    restart, in each new worker); it reads every territory and is committed after it runs."""
    if step not in _START_STEPS:
        _START_STEPS.append(step)
    return step


# --- which process runs a job, and whether it is still alive -----------------------------------------------------


@dataclass(frozen=True)
class ProcessIdentity:
    """A running process, as a job records it: its machine's host name, its pid, and ``boot``, which tells this
    run of the process from another that had the same pid before (``machine/kernel boot/pid namespace/start``
    on Linux; a random token elsewhere)."""

    host: str
    pid: int
    boot: str


_identity: ProcessIdentity | None = None


def this_process() -> ProcessIdentity:
    """The identity of the current process (computed again in a child after a fork, as gunicorn makes)."""
    global _identity
    pid = os.getpid()
    if _identity is None or _identity.pid != pid:
        start = _start_time(pid) or uuid.uuid4().hex
        boot = "/".join((_machine_id(), _read("/proc/sys/kernel/random/boot_id"), _pid_namespace(), start))
        _identity = ProcessIdentity(host=socket.gethostname()[:255], pid=pid, boot=boot)
    return _identity


def known_dead(host: str | None, pid: int | None, boot: str | None) -> bool:
    """True only when the process recorded as (``host``, ``pid``, ``boot``) has certainly ended; False when it is
    alive or when nothing can be told from here (another machine, another container): the caller then waits for
    the job to go silent."""
    me = this_process()
    if not host or pid is None or not boot or host != me.host:
        return False
    theirs, mine = boot.split("/"), me.boot.split("/")
    if len(theirs) != 4 or len(mine) != 4:
        return False
    machine, kernel_boot, namespace, start = theirs
    if machine != mine[0]:
        return False  # another machine with the same name
    if kernel_boot and mine[1] and kernel_boot != mine[1]:
        return True  # this machine started again since: every process of that run has ended
    if namespace != mine[2]:
        return False  # another container on this machine: its process numbers are not ours
    if pid == me.pid:
        return boot != me.boot  # an earlier run of a process that had our number
    if not _running(pid):
        return True
    now_started = _start_time(pid)
    return bool(now_started and start != now_started)  # the number went to a newer process


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, under another user
    except OSError:
        return True  # cannot tell: taken for alive
    return True


def _start_time(pid: int) -> str:
    """When the process started, in clock ticks since the machine booted (Linux), or "" when unknown."""
    stat = _read(f"/proc/{pid}/stat")
    # The command name, in brackets, may hold spaces: the fields after it are counted from its end.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def _machine_id() -> str:
    return _read("/etc/machine-id") or _read("/var/lib/dbus/machine-id")


def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip().replace("/", "")
    except OSError:
        return ""
