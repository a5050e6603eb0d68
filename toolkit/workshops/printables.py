"""The workshop's poster: an A4 page with the code and the QR code, to hang in the room. Its route sits on the
blueprint of cockpit.py."""

from __future__ import annotations

from datetime import UTC

from flask import abort, g, make_response, url_for
from flask_babel import format_datetime, get_locale

from ..access import Permission, access
from ..i18n import LANGUAGES
from ..qr import qr_data_uri
from .cockpit import bp, join_link, loaded_workshop
from .codes import format_code
from .models import Workshop


def poster_context(workshop: Workshop) -> dict:
    """Everything the poster prints, as plain data (the workshop must have its join code)."""
    link = join_link(workshop)
    return {
        "title": workshop.title,
        "process_title": workshop.process.title,
        "territory_name": g.territory.name,
        "territory_lang": g.territory.default_locale,
        "when": format_datetime(workshop.starts_at.replace(tzinfo=UTC), "medium")
        if workshop.starts_at
        else "",
        "place": workshop.place,
        "code": format_code(workshop.join_code),
        "join_url": link,
        "enter_url": url_for("live.enter_code", _external=True),
        "qr_svg": qr_data_uri(link, scale=10),
        "languages": [(code, language["name"]) for code, language in LANGUAGES.items()],
    }


def pdf_response(data: bytes, filename: str):
    """A PDF shown in the browser, with its file name for saving it."""
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/workshops/<int:workshop_id>/poster.pdf")
@access(Permission.RUN_WORKSHOPS)
def poster(workshop_id: int):
    """The poster; a workshop is given its code when it is planned (or, for older ones, when it opens)."""
    from ..documents import render_document

    workshop = loaded_workshop(workshop_id)
    if not workshop.join_code:
        abort(404)
    pdf = render_document("documents/poster.html", language=str(get_locale()), **poster_context(workshop))
    return pdf_response(pdf, f"poster-{workshop.join_code}.pdf")
