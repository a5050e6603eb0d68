"""Interface languages and how the language of a request is chosen."""

from __future__ import annotations

from flask import current_app, g, request
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
