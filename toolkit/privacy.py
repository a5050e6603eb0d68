"""Keeping people's network addresses and browser details out of the logs.

Participants must not be identifiable from anything the toolkit keeps, logs included. The development server
(Werkzeug) writes each request as ``203.0.113.7 - - [date] "GET /w/K7MQ3P?x HTTP/1.1" 200 -``; this filter drops the
address and the query string (where a return code may travel) before any handler sees the line. Gunicorn, in
production, is configured without an access log (``toolkit/gunicorn_conf.py``).
"""

from __future__ import annotations

import logging
import re

#: The client's address at the start of a request line, and the query string of the requested path.
_ADDRESS = re.compile(r"^\S+ - - ")
_QUERY = re.compile(r'("[A-Z]+ [^"?\s]*)\?[^"\s]*')


class RedactRequestLines(logging.Filter):
    """Remove the client address and the query string from request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = _QUERY.sub(r"\1", _ADDRESS.sub("- - - ", message))
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install() -> None:
    """Add the filter to Werkzeug's request logger (once)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactRequestLines) for f in logger.filters):
        logger.addFilter(RedactRequestLines())
