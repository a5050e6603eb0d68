"""Printable documents: a Jinja template rendered in one language, then laid out as a tagged PDF by WeasyPrint.

Templates live in ``templates/documents/`` and get plain data only (dicts, strings, numbers), never database
objects. WeasyPrint may read the project's ``static/`` files and nothing else: no network, no other file.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .i18n import html_language, text_direction

logger = logging.getLogger(__name__)

#: Base address of every document while it is laid out. The ``.invalid`` domain never resolves (RFC 2606):
#: the fetcher answers for it from the static folder, so nothing is asked of the network.
DOCUMENT_BASE_URL = "https://documents.invalid/"


class RefusedURL(ValueError):
    """A document asked for something outside the project's static files."""


class StaticFilesFetcher(URLFetcher):
    """Serves the files of ``static_folder`` (``<base>/static/...``) and ``data:`` URIs; refuses everything else.

    Every address asked for is kept in ``requested``, and the refused ones in ``refused``.
    """

    def __init__(
        self, static_folder: str | Path, *, base_url: str = DOCUMENT_BASE_URL, static_path: str = "/static/"
    ):
        # Only data: URIs ever reach the parent class's opener; other schemes are answered (or refused) here.
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self.static_folder = Path(static_folder).resolve()
        self.base_url = base_url
        self.static_path = static_path if static_path.endswith("/") else static_path + "/"
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        self.requested.append(url)
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        path = self.static_file(url)
        if path is None:
            self.refused.append(url)
            logger.warning("A document asked for %s, which is not a static file of the toolkit", url)
            raise RefusedURL(f"Only the toolkit's static files can be used in a document, not {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def static_file(self, url: str) -> Path | None:
        """The file under the static folder that ``url`` names, or None if it names anything else."""
        try:
            parts = urlsplit(urljoin(self.base_url, url))
            base = urlsplit(self.base_url)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(url2pathname(parts.path))
            elif (parts.scheme, parts.netloc) == (base.scheme, base.netloc) and parts.path.startswith(
                self.static_path
            ):
                path = self.static_folder / unquote(parts.path[len(self.static_path) :])
            else:
                return None
            path = path.resolve()  # follows "..", percent-encoded or not, and symbolic links
        except (ValueError, OSError):
            return None
        if not path.is_relative_to(self.static_folder) or not path.is_file():
            return None
        return path


@dataclass(frozen=True)
class RenderedPDF:
    pdf: bytes
    pages: int


def render_document(template: str, *, language: str, **context) -> bytes:
    """The PDF (PDF/UA-1, tagged, language set) of ``templates/<template>`` with its interface in ``language``.

    ``context`` is plain data. Works in a request and in a bare application context.
    """
    return render_pdf(template, language=language, **context).pdf


def render_pdf(template: str, *, language: str, **context) -> RenderedPDF:
    """:func:`render_document`, with the number of pages."""
    return html_to_pdf(document_html(template, language=language, **context))


def document_html(template: str, *, language: str, **context) -> str:
    """The HTML of a document, before WeasyPrint lays it out."""
    if has_request_context():
        return _html(template, language, context)
    with current_app.test_request_context():
        return _html(template, language, context)


def _html(template: str, language: str, context: dict) -> str:
    with force_locale(language):
        return render_template(
            template,
            document_language=html_language(language),
            document_direction=text_direction(language),
            **context,
        )


def html_to_pdf(html: str) -> RenderedPDF:
    """Lay ``html`` out as a tagged PDF, reading nothing but the static files."""
    if has_request_context():
        static_path = url_for("static", filename="")
    else:
        with current_app.test_request_context():
            static_path = url_for("static", filename="")
    fetcher = StaticFilesFetcher(current_app.static_folder, static_path=static_path)
    document = HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=fetcher).render(
        pdf_variant="pdf/ua-1"
    )
    return RenderedPDF(document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages))
