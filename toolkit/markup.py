"""The small Markdown subset that recommendations are written in: paragraphs, emphasis, lists and links to
http(s) addresses. No raw HTML and no images; the HTML made from it is sanitised again (nh3) before it reaches a
page or a document, so that nothing but these elements and an ``href`` can come out."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

#: What a writer may use.
_parser = MarkdownIt("zero", {"html": False, "breaks": True}).enable(
    ["emphasis", "list", "link", "newline", "escape", "backticks", "entity"]
)
_parser.validateLink = lambda url: url.strip().lower().startswith(("http://", "https://"))

ALLOWED_TAGS = {"p", "em", "strong", "ul", "ol", "li", "a", "br", "code"}
#: ``"*"`` empty: none of the attributes nh3 allows on every element by default (``title``, ``lang``...).
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "*": set()}


def render_markdown(text: str | None) -> Markup:
    """``text`` as safe HTML: only the subset above, links only to http(s) addresses."""
    html = _parser.render(text or "")
    return Markup(  # noqa: S704 (nh3 keeps only the elements and attributes listed above)
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https"},
            link_rel="noopener noreferrer nofollow",
        )
    )
