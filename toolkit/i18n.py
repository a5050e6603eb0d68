"""Interface languages and how the language of a request is chosen."""

from __future__ import annotations

from typing import NamedTuple

from flask import current_app, g, has_app_context, request
from flask_babel import get_locale, get_translations
from flask_login import current_user

#: Interface languages, each named in its own language and script, with its writing direction.
LANGUAGES: dict[str, dict[str, str]] = {
    "it": {"name": "Italiano", "dir": "ltr"},
    "en": {"name": "English", "dir": "ltr"},
    "fr": {"name": "Français", "dir": "ltr"},
    "es": {"name": "Español", "dir": "ltr"},
    "ar": {"name": "العربية", "dir": "rtl"},
    "sq": {"name": "Shqip", "dir": "ltr"},
    "ro": {"name": "Română", "dir": "ltr"},
    "uk": {"name": "Українська", "dir": "ltr"},
    "zh": {"name": "中文（简体）", "dir": "ltr", "tag": "zh-Hans"},
    "bn": {"name": "বাংলা", "dir": "ltr"},
}

#: Cookie that remembers the language of a visitor without an account.
LANGUAGE_COOKIE = "lang"

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "ku", "ckb"})


def text_direction(locale: str) -> str:
    """``rtl`` or ``ltr`` for a language code (also for languages the interface does not ship)."""
    return "rtl" if locale.split("-")[0].split("_")[0] in RTL_LANGUAGES else "ltr"


def html_language(locale: str) -> str:
    """The BCP 47 tag for HTML ``lang``: Chinese is tagged as simplified so that fonts pick the right glyphs."""
    return LANGUAGES.get(locale, {}).get("tag", locale.replace("_", "-"))


def language_choices() -> list[tuple[str, str, dict[str, str]]]:
    """Choices of a language select: each language in its own name, tagged so it is read in its own voice."""
    return list(_LANGUAGE_CHOICES)


_LANGUAGE_CHOICES = tuple(
    (code, language["name"], {"lang": html_language(code), "dir": language["dir"]})
    for code, language in LANGUAGES.items()
)


def select_locale() -> str:
    """The person's choice, then the browser's languages, then the territory's language, then the default."""
    chosen = None
    if current_user and current_user.is_authenticated:
        chosen = current_user.locale
    chosen = chosen or request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    from_browser = request.accept_languages.best_match(LANGUAGES)
    if from_browser:
        return from_browser
    territory = g.get("territory")
    if territory is not None and territory.default_locale in LANGUAGES:
        return territory.default_locale
    return current_app.config["DEFAULT_LOCALE"]


class PageLocale(NamedTuple):
    """The language a page is drawn in: its locale, its code and its translations."""

    locale: object
    domain: object
    code: str
    translations: object


def page_locale() -> PageLocale:
    """The language of this page, worked out once for each locale the request takes (``force_locale`` switches it
    for a while). A phone's page asks for it at every translated word and name, and asking flask_babel costs
    several look-ups of the request's context each time."""
    # flask_babel keeps the request's locale and translations domain there.
    state = g.get("_flask_babel") if has_app_context() else None
    known = getattr(state, "toolkit_page_locale", None)
    if (
        known is not None
        and known.locale is getattr(state, "babel_locale", None)
        and known.domain is getattr(state, "babel_domain", None)
    ):
        return known
    translations = get_translations()
    locale = get_locale()
    state = g.get("_flask_babel") if has_app_context() else None
    known = PageLocale(locale, getattr(state, "babel_domain", None), str(locale), translations)
    if state is not None and getattr(state, "babel_locale", None) is locale:
        state.toolkit_page_locale = known
    return known


def install_template_gettext(app) -> None:
    """Templates translate with :func:`page_locale`'s translations (what flask_babel installs, looked up once
    for each locale of a request instead of at every word)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: page_locale().translations.ugettext(string),
        ngettext=lambda singular, plural, n: page_locale().translations.ungettext(singular, plural, n),
        pgettext=lambda context, string: page_locale().translations.upgettext(context, string),
        npgettext=lambda context, singular, plural, n: page_locale().translations.unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
