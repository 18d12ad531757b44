"""Turn an explanation's Markdown into safe HTML whose links only lead to the lesson itself or to our own pages."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from urllib.parse import unquote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {"a", "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote"}
    | {"strong", "em", "code", "pre", "del", "s"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "target", "rel"}, "ol": {"start"}}
EXTERNAL_LINK_ATTRIBUTES = {"target": "_blank", "rel": "noopener noreferrer"}
# A prefix ending in one of these already ends at a boundary; otherwise the href must continue with one of them,
# so that ".../watch?v=abc" does not let ".../watch?v=abcdef" (another video) through.
_BOUNDARIES = "/?#&"


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML in the Markdown is shown as text, never passed through.
    return MarkdownIt("commonmark", {"html": False})


def markdown_render(markdown: str, *, allowed_link_prefixes: Iterable[str]) -> str:
    """Render Markdown to sanitised HTML; a link whose href starts with none of the prefixes becomes plain text."""
    md = _markdown()
    prefixes = tuple(md.normalizeLink(prefix) for prefix in allowed_link_prefixes if prefix)
    tokens = md.parse(markdown)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _links_filter(token.children, prefixes)
    html = md.renderer.render(tokens, md.options, {})
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        link_rel=None,  # rel is set above, on external links only
        url_schemes={"http", "https", "mailto"},
    )


def link_allowed(href: str, prefixes: Iterable[str]) -> bool:
    """Whether href points inside one of the prefixes (and cannot climb out of it with "..")."""
    if any(character in href for character in "\\\n\r\t ") or ".." in urlsplit(unquote(href)).path.split("/"):
        return False
    for prefix in prefixes:
        if href.startswith(prefix):
            rest = href[len(prefix) :]
            if not rest or prefix[-1] in _BOUNDARIES or rest[0] in _BOUNDARIES:
                return True
    return False


def _links_filter(children: list[Token], prefixes: tuple[str, ...]) -> list[Token]:
    kept: list[Token] = []
    dropped: list[bool] = []  # for each open link, whether its opening tag was dropped
    for token in children:
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            allowed = link_allowed(href, prefixes)
            dropped.append(not allowed)
            if allowed:
                if href.startswith(("http://", "https://")):
                    for name, value in EXTERNAL_LINK_ATTRIBUTES.items():
                        token.attrSet(name, value)
                kept.append(token)
        elif token.type == "link_close":
            if not (dropped and dropped.pop()):
                kept.append(token)
        elif token.type == "image":
            # Images would load from anywhere the text names; their description is shown instead.
            text = Token("text", "", 0)
            text.content = token.content
            kept.append(text)
        else:
            kept.append(token)
    return kept
