"""Production settings for gunicorn::

    gunicorn -c python:toolkit.gunicorn_conf "toolkit:create_app()"

Sized for a small machine (two cores) with SQLite; ``make bench`` measures them. Environment variables:

- ``GUNICORN_BIND``: address to listen on (default ``127.0.0.1:8000``; keep gunicorn behind a reverse proxy);
- ``GUNICORN_WORKERS`` and ``GUNICORN_THREADS``: processes, and threads in each (default 2 and 4);
- ``FORWARDED_ALLOW_IPS``: addresses of the reverse proxies whose ``X-Forwarded-Proto`` gunicorn may trust
  (default: none; the application reads the proxy's headers itself with ``PROXY_COUNT``).

Participants are anonymous: no access log, and the error log never shows a client's address or a query string.
"""

from __future__ import annotations

import logging
import os
import re

from gunicorn.glogging import Logger

bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# One process per core. SQLite takes one writer at a time whatever the number of processes, so more processes
# only add memory; threads let a worker go on while another request waits for a disk sync or a write lock.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# Phones poll every 2 seconds: a connection kept open a little longer serves every poll of one phone.
keepalive = 5
# A request never takes this long; a worker stuck longer is restarted (SQLite waits at most 5 s for a lock).
timeout = 30
graceful_timeout = 30
# Restart each worker now and then (at different moments) so that a slow leak never grows. Not too often: a new
# worker takes about a second of CPU to start, and 200 phones make 100 requests a second.
max_requests = 20000
max_requests_jitter = 2000
# The worker heartbeat file lives in memory, so a slow disk cannot make gunicorn kill healthy workers.
_SHARED_MEMORY = "/dev/shm"  # noqa: S108 (gunicorn makes its own private file in it)
worker_tmp_dir = _SHARED_MEMORY if os.path.isdir(_SHARED_MEMORY) else None

# No control socket (gunicornc): restarts go through the service manager's signals, and two servers on one
# machine would otherwise share the same socket path in $HOME.
control_socket_disable = True

# Trust forwarded headers only from the proxies named in the environment (none by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")

# No access log: it would hold participants' addresses and browsers. Errors go to stderr.
accesslog = None
errorlog = "-"
loglevel = "info"

#: An IPv4 address, or an IPv6 one (full, or shortened with "::"), and the query string of a logged path.
_ADDRESS = re.compile(
    r"(?<![\w:.])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}"
    r"|(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?::\d{1,3}(?:\.\d{1,3}){3})?"
    r"|(?:\d{1,3}\.){3}\d{1,3})(?![\w.])",
    re.IGNORECASE,
)
_QUERY = re.compile(r"(/[^\s?\"']*)\?\S*")


class _Redact(logging.Filter):
    """Remove network addresses and query strings (where a return code may travel) from a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO:
            return True  # gunicorn's own news: its listening address, worker pids
        message = record.getMessage()
        cleaned = _QUERY.sub(r"\1", _ADDRESS.sub("-", message))
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class PrivateLogger(Logger):
    """gunicorn's logger, with its error log redacted ("Invalid request from ip=...", request URIs)."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, _Redact) for f in self.error_log.filters):
            self.error_log.addFilter(_Redact())


logger_class = PrivateLogger
