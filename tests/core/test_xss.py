"""Every known XSS payload comes out of ``render`` as harmless HTML.

The output is parsed the way a browser tokenises it (``html.parser``) rather
than searched for strings, so an escaped "&lt;script&gt;" passes and a real
tag, handler or URL fails whatever its spelling.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from django.utils.html import escape

from cercle.core.rendering import extract_hashtags, extract_mentions, render, render_plain
from tests.xss_corpus import XSS_PAYLOADS

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "class", "rel"}, "code": {"class"}}
SAFE_SCHEMES = {"http", "https", "mailto"}
FORBIDDEN_SNIPPETS = ("<script", "<iframe", "<svg", "<img", "<object", "<embed", "<style")
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


class Collector(HTMLParser):
    """Records every tag, attribute and non-text node of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.start_tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.end_tags: list[str] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start_tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.end_tags.append(tag)

    def handle_comment(self, data: str) -> None:
        self.other.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"declaration {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"processing instruction {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"unknown declaration {data!r}")


def href_is_safe(href: str) -> bool:
    """What a browser would follow: http(s), mailto, or a path on this site.

    Browsers ignore white space and control characters inside a scheme, so
    they are removed before looking at it, after one more round of unescaping
    in case something was escaped twice.
    """
    url = "".join(
        ch for ch in html.unescape(href) if not ch.isspace() and unicodedata.category(ch)[0] != "C"
    )
    scheme = SCHEME.match(url)
    if scheme is not None:
        return scheme.group(1).lower() in SAFE_SCHEMES
    return url.startswith("/")


def assert_harmless(output: str) -> None:
    lowered = output.lower()
    for snippet in FORBIDDEN_SNIPPETS:
        assert snippet not in lowered, f"{snippet} in {output!r}"
    collector = Collector()
    collector.feed(output)
    collector.close()
    assert not collector.other, collector.other
    for tag in collector.end_tags:
        assert tag in ALLOWED_TAGS, f"</{tag}> in {output!r}"
    for tag, attrs in collector.start_tags:
        assert tag in ALLOWED_TAGS, f"<{tag}> in {output!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"{name} in {output!r}"
            assert name != "style", output
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()), f"{tag} {name} in {output!r}"
            if name == "href":
                assert value is not None and href_is_safe(value), f"href {value!r} in {output!r}"


def hashtag_url(key: str) -> str:
    return f"/tags/{key}/"


def mention_url(handle: str) -> str | None:
    """Everybody exists, so that every mention in a payload becomes a link."""
    return f"/people/{handle}/"


def test_the_corpus_is_large_and_has_no_duplicates() -> None:
    assert len(XSS_PAYLOADS) >= 60
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_render_neutralises_the_payload(payload: str) -> None:
    assert_harmless(render(payload, hashtag_url=hashtag_url, mention_url=mention_url))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_render_neutralises_the_payload_inside_a_post(payload: str) -> None:
    """The same payload amid ordinary text, a list and a quote: context must not help it."""
    text = f"Bonjour @thomas, voir #veille :\n\n- {payload}\n\n> {payload}\n\n*{payload}* fin"
    assert_harmless(render(text, hashtag_url=hashtag_url, mention_url=mention_url))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_plain_excerpt_is_inert_once_escaped(payload: str) -> None:
    assert "<" not in escape(render_plain(payload))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_extracted_tags_and_handles_carry_no_markup(payload: str) -> None:
    """Tags and handles end up in URLs and notifications: only word characters get through."""
    for tag in extract_hashtags(payload):
        assert re.fullmatch(r"\w+", tag), tag
    for handle in extract_mentions(payload):
        assert re.fullmatch(r"[a-z0-9._-]+", handle), handle


def test_the_checker_catches_what_it_should() -> None:
    """A checker that never fails proves nothing: feed it real attacks."""
    for bad in (
        '<img src="x">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href=" data:text/html,x">x</a>',
        '<p onclick="x">y</p>',
        '<p style="color:red">y</p>',
        "<div>x</div>",
        "<!-- x -->",
    ):
        with pytest.raises(AssertionError):
            assert_harmless(bad)
    assert_harmless('<p><a href="/tags/x/" class="hashtag" rel="noopener nofollow">#x</a></p>')
