"""What both benchmarks say of the machine: its CPU and software, and how busy other programs keep it."""

from __future__ import annotations

import datetime
import os
import platform
import sqlite3
import time
from pathlib import Path

#: Share of the CPU used by other programs above which the figures would not be ours; how long to wait.
BUSY = 0.15
QUIET_WAIT = 120


def machine_busy() -> float:
    """CPU seconds used by every program since the machine started (Linux; 0 elsewhere)."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of the machine's CPU used by any program during ``seconds``."""
    before = machine_busy()
    time.sleep(seconds)
    return (machine_busy() - before) / (seconds * (os.cpu_count() or 1))


class OtherPrograms:
    """Share of the machine's CPU that programs other than the benchmark (and its child processes, once they
    have exited) used meanwhile."""

    def __init__(self):
        self.start = (time.monotonic(), machine_busy(), self.ours())

    @staticmethod
    def ours() -> float:
        times = os.times()
        return times.user + times.system + times.children_user + times.children_system

    def share(self) -> float:
        wall, machine, ours = self.start
        capacity = (time.monotonic() - wall) * (os.cpu_count() or 1)
        return max(0.0, (machine_busy() - machine) - (self.ours() - ours)) / capacity


def wait_until_quiet(effect: str) -> float:
    """Wait (a while) for other programs to leave the CPU; how busy it was in the last second. ``effect``
    says what a busy machine does to the figures."""
    busy = cpu_busy()
    deadline = time.monotonic() + QUIET_WAIT
    while busy > BUSY and time.monotonic() < deadline:
        print(f"CPU {busy:.0%} busy with other programs: waiting for it to calm down ...", flush=True)
        busy = cpu_busy(5)
    if busy > BUSY:
        print(f"Other programs use the CPU: {effect}", flush=True)
    return busy


def description(*software: str) -> list[str]:
    """Date, CPU, memory and software versions, a line each."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return [
        f"date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"CPU: {os.cpu_count()} x {model or platform.processor() or 'unknown'}, memory {memory:.1f} GiB",
        ", ".join([f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}", *software])
        + f", {platform.platform()}",
    ]
