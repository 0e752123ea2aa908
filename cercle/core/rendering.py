"""Safe rendering of what people write in posts and comments.

Text is Markdown (a small, safe subset) with ``#hashtags`` and ``@mentions``.
Two independent layers keep it safe:

1. markdown-it-py parses with raw HTML off, links limited to http(s), mailto
   and site paths, images turned into plain links, headings and tables off;
   hashtags and mentions are inline rules of that parser, so they are never
   recognised inside code or inside an existing link.
2. nh3 (ammonia) then sanitises the HTML against a short allow-list, so a bug
   or a surprise in the first layer still cannot produce a script, an event
   handler or a dangerous URL.

Extraction (``extract_hashtags``/``extract_mentions``) walks the same parse as
rendering: what is linked on screen is exactly what gets indexed and notified.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from cercle.core.text import fold

MAX_TAG_LENGTH = 50  # the length of a stored tag and of its key

# "#" + 1..50 letters/digits/underscores with at least one letter. Not after a
# word character ("C#", "a#b"), "&" (entities such as "&#39;"), "#" or "/"
# (URL fragments such as "/page#x"); not followed by more word characters, so a
# 51-character run is not silently truncated into a tag.
HASHTAG_RE: re.Pattern[str] = re.compile(r"(?<![\w&#/])#(?=\w*[^\W\d_])(\w{1,50})(?!\w)")

# "@" + a handle. Explicit ASCII classes rather than re.IGNORECASE, which would
# also let "K" (Kelvin sign) or "ſ" match [a-z]. Not after a word character, so
# "thomas@example.com" is an address, not a mention, nor after "/" ("site/@x"
# is a URL path). A trailing "." or "-" ends the sentence, not the handle; a
# handle longer than 64 characters is not a mention at all.
MENTION_RE: re.Pattern[str] = re.compile(
    r"(?<![\w/])@([A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9_])?)"
    r"(?![A-Za-z0-9_]|[.-][A-Za-z0-9_])"
)

_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LANGUAGE_CLASS_RE = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
_LINK_CLASSES = frozenset({"hashtag", "mention"})
_ENV_KEY = "cercle_links"


def hashtag_key(tag: str) -> str:
    """The identity of a tag: "Réseau", "RESEAU" and "reseau" are one tag."""
    return fold(tag)


@dataclass(frozen=True, slots=True)
class _Links:
    """URL builders for one ``render`` call, carried to the renderer in ``env``."""

    hashtag_url: Callable[[str], str]
    mention_url: Callable[[str], str | None]


def _is_safe_url(url: str) -> bool:
    """Allow-list (not the deny-list markdown-it ships): http(s), mailto and site paths.

    ``url`` is already normalised by markdown-it (entities decoded; spaces,
    control characters and backslashes percent-encoded), so "jav&#x09;ascript:"
    arrives as "jav%09ascript:" and has no acceptable scheme. Site paths must
    start with a single "/": "//host" is another host in disguise.
    """
    if url.startswith("/"):
        return not url.startswith("//")
    scheme = _SCHEME_RE.match(url)
    return scheme is not None and scheme.group(1).lower() in _SAFE_SCHEMES


class _SafeMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        return _is_safe_url(url)


def _hashtag_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule: "#Tag" becomes a ``hashtag`` token, except inside a link's text.

    Folding can lengthen a tag ("ß" -> "ss", "ﬁ" -> "fi"); one whose key would
    not fit the 50 characters a stored key has is left as text.
    """
    if state.src[state.pos] != "#" or state.linkLevel > 0:
        return False
    match = HASHTAG_RE.match(state.src, state.pos, state.posMax)
    if match is None or len(hashtag_key(match.group(1))) > MAX_TAG_LENGTH:
        return False
    if not silent:
        state.push("hashtag", "", 0).content = match.group(1)
    state.pos = match.end()
    return True


def _mention_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule: "@handle" becomes a ``mention`` token, except inside a link's text."""
    if state.src[state.pos] != "@" or state.linkLevel > 0:
        return False
    match = MENTION_RE.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        state.push("mention", "", 0).content = match.group(1)
    state.pos = match.end()
    return True


def _plain_text(tokens: Sequence[Token]) -> str:
    """The readable text of inline tokens, markup left out (alt texts, excerpts)."""
    out: list[str] = []
    for token in tokens:
        if token.type in ("text", "text_special", "code_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "hashtag":
            out.append("#" + token.content)
        elif token.type == "mention":
            out.append("@" + token.content)
        elif token.type == "image":
            out.append(_plain_text(token.children or []))
    return "".join(out)


class _Renderer(RendererHTML):
    """HTML renderer with hashtags, mentions, and images shown as links."""

    def hashtag(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        tag = tokens[idx].content
        links: _Links = env[_ENV_KEY]
        href = escapeHtml(links.hashtag_url(hashtag_key(tag)))
        return f'<a href="{href}" class="hashtag">#{escapeHtml(tag)}</a>'

    def mention(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        handle = tokens[idx].content
        links: _Links = env[_ENV_KEY]
        url = links.mention_url(handle.lower())
        if url is None:
            return escapeHtml("@" + handle)
        return f'<a href="{escapeHtml(url)}" class="mention">@{escapeHtml(handle)}</a>'

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """A link to the picture, never ``<img>``: no tracking pixels, no layout hijack.

        The source was already checked by ``validateLink``; an unsafe one is
        empty and only the alt text remains.
        """
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        alt = escapeHtml(_plain_text(token.children or []))
        if not src:
            return alt
        return f'<a href="{escapeHtml(src)}">{alt or escapeHtml(src)}</a>'


def _build_markdown() -> MarkdownIt:
    md = _SafeMarkdown(
        "commonmark",
        {"html": False, "linkify": True, "breaks": True, "xhtmlOut": False},
        renderer_cls=_Renderer,
    )
    md.enable("linkify")
    # Headings would let a post shout over the page; "hr" has no place in the
    # allow-list. Their source stays visible as ordinary paragraph text.
    md.disable(["heading", "lheading", "hr"])
    md.inline.ruler.push("hashtag", _hashtag_rule)
    md.inline.ruler.push("mention", _mention_rule)
    return md


# Parsers keep no per-document state (that lives in StateCore/StateInline and
# ``env``), so one configured instance is shared by every request.
_MD = _build_markdown()


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep only the classes our own renderer writes; nh3 has vetted everything else."""
    if attribute != "class":
        return value
    if tag == "a":
        return value if value in _LINK_CLASSES else None
    return value if _LANGUAGE_CLASS_RE.fullmatch(value) else None


_CLEANER = nh3.Cleaner(
    tags={"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote"},
    # "*": nothing. Without it nh3 keeps its default generic attributes (title, lang).
    attributes={"*": set(), "a": {"href", "class"}, "code": {"class"}},
    attribute_filter=_filter_attribute,
    url_schemes=set(_SAFE_SCHEMES),
    link_rel="noopener nofollow",
    strip_comments=True,
)


def _normalise(text: str) -> str:
    """NFC, so a decomposed "é" (typed on macOS) is one word character in a tag."""
    return unicodedata.normalize("NFC", text)


def _inline_tokens(text: str) -> Iterator[Token]:
    """Top-level inline tokens of ``text``: code blocks hold none, code spans are one."""
    for block in _MD.parse(_normalise(text)):
        if block.type == "inline" and block.children:
            yield from block.children


def extract_hashtags(text: str) -> list[str]:
    """Tags as first written, one per ``hashtag_key``, in order; never from code or links."""
    tags: dict[str, str] = {}
    for token in _inline_tokens(text):
        if token.type == "hashtag":
            tags.setdefault(hashtag_key(token.content), token.content)
    return list(tags.values())


def extract_mentions(text: str) -> list[str]:
    """Lower-cased handles, once each, in order; never from code or links."""
    handles: dict[str, None] = {}
    for token in _inline_tokens(text):
        if token.type == "mention":
            handles.setdefault(token.content.lower())
    return list(handles)


def render(
    text: str,
    *,
    hashtag_url: Callable[[str], str],
    mention_url: Callable[[str], str | None],
) -> str:
    """Sanitised HTML for ``text``; the caller marks it safe.

    ``hashtag_url`` receives a ``hashtag_key``; ``mention_url`` a lower-cased
    handle and returns None for nobody we know, which leaves "@handle" as text.
    """
    env: EnvType = {_ENV_KEY: _Links(hashtag_url, mention_url)}
    return _CLEANER.clean(_MD.render(_normalise(text), env)).strip()


_TRAILING_PUNCTUATION = " ,;:-–—"


def render_plain(text: str, limit: int = 200) -> str:
    """A one-line excerpt of at most ``limit`` characters, as text (escape it when shown).

    Markup is dropped by reading the parse rather than by regular expressions,
    so link targets, emphasis marks and code fences do not leak into titles
    and notifications. Long text is cut at a word boundary and ends with "…".
    """
    parts: list[str] = []
    for block in _MD.parse(_normalise(text)):
        if block.type == "inline":
            parts.append(_plain_text(block.children or []))
        elif block.type in ("code_block", "fence"):
            parts.append(block.content)
    plain = " ".join(" ".join(parts).split())
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 1]
    if plain[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(_TRAILING_PUNCTUATION) + "…"
