"""What every page shares: the territory or network in the URL, login, security headers, error pages."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from flask import Flask, abort, current_app, g, render_template, request, url_for
from flask_babel import format_date, format_datetime, format_number, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.routing import IntegerConverter

from .access import Permission, can
from .database import is_busy_error
from .extensions import db, login_manager
from .forms import DATABASE_INT_MAX, drawn_once
from .i18n import LANGUAGES, html_language, install_template_gettext, text_direction

ERROR_MESSAGES = {
    400: (_l("Something was wrong with the request"), _l("Please go back and try again.")),
    403: (_l("You cannot open this page"), _l("Your account does not have access to it.")),
    404: (_l("Page not found"), _l("The page does not exist, or it was removed.")),
    405: (_l("This action is not possible here"), _l("Please go back and use the buttons on the page.")),
    413: (_l("What you sent is too large"), _l("Please send less text or a smaller file.")),
    429: (_l("Too many attempts"), _l("Please wait a few minutes and try again.")),
    500: (_l("Something went wrong on our side"), _l("Nothing you did caused this. Please try again later.")),
    503: (_l("The service is busy"), _l("Please try again in a moment.")),
}
CSRF_MESSAGE = (
    _l("This page was open for too long"),
    _l("For your safety the form expired. Go back, reload the page and send it again."),
)


#: The host names served when no site address is configured: this machine's own (a name starting with a dot
#: also stands for its subdomains).
LOOPBACK_HOSTS = (".localhost", "127.0.0.1")


class DatabaseIntegerConverter(IntegerConverter):
    """``<int:...>`` in a URL: ASCII digits without leading zeros, at most what an id column holds; anything
    else does not match the route (404), so no lookup ever overflows."""

    regex = r"(?:0|[1-9][0-9]{0,9})"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits, min, DATABASE_INT_MAX if max is None else max, signed)


def register_web(app: Flask) -> None:
    """Give ``app`` what every page shares: URL converters, login, the place named in the URL, template
    filters and context, security headers and error pages."""
    # Before any blueprint is registered: a rule takes its converters when it is added.
    app.url_map.converters["int"] = DatabaseIntegerConverter
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.before_request(refuse_untrusted_host)
    app.before_request(refuse_nul_characters)
    app.url_value_preprocessor(load_place)
    app.url_defaults(add_place)
    _register_filters(app)
    install_template_gettext(app)
    # A global rather than page context, so that imported macros see it too.
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["Permission"] = Permission  # for can(Permission.RUN_WORKSHOPS) in every template
    app.jinja_env.globals["page_direction"] = lambda: text_direction(str(get_locale()))
    app.jinja_env.globals["drawn_once"] = drawn_once
    app.context_processor(page_context)
    app.after_request(security_headers)
    app.register_error_handler(CSRFError, csrf_refused)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(OperationalError, database_busy)
    app.register_error_handler(500, server_error)


def load_user(session_id: str):
    """The account of a login session; checked on every request, so that a session or stay-logged-in cookie
    of an ended login opens nothing."""
    from .accounts.sessions import user_for_session

    return user_for_session(session_id)


def refuse_untrusted_host():
    """A Host header outside TRUSTED_HOSTS: answered before anything builds a link (there is no URL adapter
    to build one with), in plain text."""
    if isinstance(request.routing_exception, SecurityError):
        text = _l("This site is not served at this address.")
        return str(text), 400, {"Content-Type": "text/plain; charset=utf-8"}
    return None


def refuse_nul_characters() -> None:
    """No browser sends a NUL character, and PostgreSQL cannot hold one even in a lookup: a query string or form
    with one is refused (an address with one is not found, see load_place)."""
    for values in (request.args, request.form):
        if any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
            abort(400)


def load_place(_endpoint, values) -> None:
    """Turn ``territory_slug`` / ``network_slug`` in the URL into ``g.territory`` / ``g.network``, and a
    ``workshop_code`` into the workshop it opens."""
    from .territories.models import Network, Territory

    if not values:
        return
    if any("\x00" in value for value in values.values() if isinstance(value, str)):
        abort(404)  # no record has one, and PostgreSQL cannot even look for it
    if "territory_slug" in values:
        slug = values.pop("territory_slug")
        g.territory = db.session.scalar(db.select(Territory).where(Territory.slug == slug)) or abort(404)
    if "network_slug" in values:
        slug = values.pop("network_slug")
        g.network = db.session.scalar(db.select(Network).where(Network.slug == slug)) or abort(404)
    if "workshop_code" in values:
        from .workshops.phones import load_workshop

        load_workshop(values.pop("workshop_code"))


def add_place(endpoint, values) -> None:
    """Fill in the territory, network and workshop of the page being built, for links to routes that name
    them."""
    url_map = current_app.url_map
    for name, place in (("territory_slug", g.get("territory")), ("network_slug", g.get("network"))):
        if name not in values and place is not None and url_map.is_endpoint_expecting(endpoint, name):
            values[name] = place.slug
    workshop = g.get("workshop")
    if (
        "workshop_code" not in values
        and workshop is not None
        and url_map.is_endpoint_expecting(endpoint, "workshop_code")
    ):
        # The code the workshop was found by (its join code): after a commit, reading the workshop's own would
        # load its row again, for a link.
        values["workshop_code"] = g.get("workshop_code") or workshop.join_code


def page_context() -> dict:
    """What every template may read: the language, its direction, ``can`` and the place of the page."""
    locale = str(get_locale())
    return {
        "current_locale": locale,
        "page_lang": html_language(locale),
        "text_direction": text_direction(locale),
        "can": can,
        "territory": g.get("territory"),
        "network": g.get("network"),
    }


def security_headers(response):
    """The headers every answer carries unless its view set its own; pages are never cached."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint != "static":
        headers.setdefault("Cache-Control", "no-store")
    return response


def csrf_refused(error):
    """A form sent without its token, or after it expired."""
    title, advice = CSRF_MESSAGE
    return render_template("errors/error.html", title=title, advice=advice, code=400), 400


def http_error(error: HTTPException):
    """An error page in the person's language for every 4xx and 5xx answer."""
    if error.code is None or error.code < 400 or error.response is not None:
        return error  # redirects, and answers already made (e.g. the login form at its rate limit)
    title, advice = ERROR_MESSAGES.get(error.code, ERROR_MESSAGES[400 if error.code < 500 else 500])
    return render_template("errors/error.html", title=title, advice=advice, code=error.code), error.code


def database_busy(error: OperationalError):
    """A lock held too long by another writer: nothing was saved; say so in the person's language. Forms that
    commit through :func:`toolkit.forms.saving` answer this themselves, with what was typed."""
    db.session.rollback()
    if not is_busy_error(error):
        raise error
    title, advice = ERROR_MESSAGES[503]
    page = render_template("errors/error.html", title=title, advice=advice, code=503)
    return page, 503, {"Retry-After": "2"}


def server_error(error):
    """An unexpected error: whatever the request began is rolled back."""
    db.session.rollback()
    title, advice = ERROR_MESSAGES[500]
    return render_template("errors/error.html", title=title, advice=advice, code=500), 500


def _register_filters(app: Flask) -> None:
    from .answers.labels import ANSWER_STATUSES, STANDINGS
    from .answers.models import AnswerStatus
    from .barriers.labels import BARRIER_STATUSES, EVIDENCE_KINDS, FREQUENCIES, SEVERITIES
    from .codesign.labels import EFFORT_LEVELS, FEASIBILITY, IMPACT_LEVELS, PROPOSAL_STATUSES
    from .content import localize, missing_languages, territory_text
    from .markup import render_markdown
    from .processes.labels import PHASES, STEP_KINDS
    from .recommendations.labels import PRINCIPLES, PRIORITIES
    from .services.labels import DIMENSIONS, LEVELS, SECTORS
    from .territories.labels import ORGANISATION_KINDS, ROLE_NAMES
    from .translating.display import reading
    from .translating.labels import ITEM_STATES
    from .translating.sources import SOURCES
    from .workshops.labels import PARTICIPANT_ROLES, WORKSHOP_STATES

    app.jinja_env.globals["reading"] = reading
    app.jinja_env.filters.update(
        role_name=ROLE_NAMES.get,
        organisation_kind=ORGANISATION_KINDS.get,
        sector_name=SECTORS.get,
        level_name=LEVELS.get,
        dimension_name=DIMENSIONS.get,
        phase_name=PHASES.get,
        workshop_state=WORKSHOP_STATES.get,
        step_kind=STEP_KINDS.get,
        frequency_name=FREQUENCIES.get,
        severity_name=SEVERITIES.get,
        evidence_kind=EVIDENCE_KINDS.get,
        barrier_status=BARRIER_STATUSES.get,
        participant_role=PARTICIPANT_ROLES.get,
        feasibility_name=FEASIBILITY.get,
        proposal_status=PROPOSAL_STATUSES.get,
        impact_level=IMPACT_LEVELS.get,
        effort_level=EFFORT_LEVELS.get,
        translation_state=ITEM_STATES.get,
        priority_name=PRIORITIES.get,
        principle_name=PRINCIPLES.get,
        answer_status=lambda status: ANSWER_STATUSES.get(AnswerStatus(status)) if status else None,
        answer_standing=STANDINGS.get,
        markdown=render_markdown,
        source_kind=lambda kind: SOURCES[kind].label,
        direction=text_direction,
        html_lang=html_language,
        translated=localize,
        territory_text=territory_text,
        missing_languages=missing_languages,
        format_number=format_number,
        format_date=format_date,
        format_datetime=format_datetime,
        format_time=format_time,
        language_names=language_names,
        language_name=lambda code: language_names([code]),
        format_list=lambda items: format_list([str(item) for item in items], locale=get_locale()),
    )


def language_names(codes) -> str:
    """Language codes as names in the interface language, e.g. ``["it", "ar"]`` -> "italiano, arabo"."""
    names = []
    for code in codes or ():
        try:
            names.append(Locale.parse(code).get_display_name(get_locale()) or code)
        except (ValueError, UnknownLocaleError):
            names.append(code)
    return format_list(names, locale=get_locale()) if names else ""


#: Longest address accepted as a place to return to.
MAX_TARGET_LENGTH = 2000


def safe_target(target) -> str | None:
    """``target`` when it is a path on this site (``/...``, with its query string), else None.

    Browsers drop tabs and newlines inside an address, read ``\\`` as ``/`` and ``//host`` as another site, and a
    header cannot carry control characters. So the address may hold no blank, control or invisible character and
    no backslash, and neither it nor its percent-decoded forms (``%2F%2F``, ``%09``, ``%5C``, decoded once or
    twice) may start with two slashes or hold a control character or a backslash.
    """
    if not isinstance(target, str) or not target.startswith("/") or len(target) > MAX_TARGET_LENGTH:
        return None
    if any(unicodedata.category(char)[0] in "CZ" for char in target):
        return None
    decoded = target
    for _round in range(3):
        if (
            "\\" in decoded
            or decoded.startswith("//")
            or any(unicodedata.category(c)[0] == "C" for c in decoded)
        ):
            return None
        decoded = unquote(decoded)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return target


def safe_next(default_endpoint: str = "main.index") -> str:
    """The ``next`` address to return to after a form when it is on this site (:func:`safe_target`), else the
    default page: never another site, never a header with a control character."""
    return safe_target(request.values.get("next")) or url_for(default_endpoint)
