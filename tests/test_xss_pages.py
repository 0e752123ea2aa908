"""Known XSS payloads typed anywhere a person can type: none runs on any page.

Each payload becomes a community name and description, a post, a comment, a
file name and profile fields; then every page that shows them is parsed like
a browser would and checked for executable markup that is not ours.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from cercle.accounts import services as accounts
from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts import services as posts
from tests.core.test_xss import href_is_safe
from tests.factories import UserFactory
from tests.xss_corpus import XSS_PAYLOADS

pytestmark = pytest.mark.django_db
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "hx-get", "hx-post"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "frame", "frameset", "base", "meta", "style", "img"}


class PageCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.problems.append(f"inline script {attrs}")
        if tag == "img" and not re.match(r"^/(media|files|static)/", values.get("src") or ""):
            self.problems.append(f"foreign image {attrs}")
        elif tag in FORBIDDEN_TAGS - {"img", "meta"}:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in values:
            self.problems.append(f"meta refresh {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"handler {name}={value!r} on <{tag}>")
            if (
                name in URL_ATTRIBUTES
                and value
                and not value.startswith(("?", "#"))
                and not href_is_safe(value)
            ):
                self.problems.append(f"unsafe {name}={value!r} on <{tag}>")
            if name == "style" and "expression" in (value or "").lower():
                self.problems.append(f"css expression on <{tag}>")
        if tag == "svg":
            self.in_svg += 1
            if values.get("aria-hidden") != "true":  # our only SVGs are decorative icons
                self.problems.append(f"svg {attrs}")


def assert_page_is_harmless(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    collector = PageCollector()
    collector.feed(page)
    collector.close()
    assert not collector.problems, f"{url}: {collector.problems}"
    return page


@pytest.mark.parametrize("index", range(len(XSS_PAYLOADS)))
def test_payload_is_inert_everywhere(index: int, client_for) -> None:
    payload = XSS_PAYLOADS[index]
    owner = UserFactory(first_name="Alexandra", last_name="Girard")
    reader = UserFactory(first_name="Thomas", last_name="Lefebvre")
    if _profile_safe(payload):
        accounts.profile_update(
            actor=owner,
            user=owner,
            data={
                "display_name": payload[:120],
                "job_title": payload[:120],
                "bio": payload[:1000],
                "ask_me_about": payload[:300],
                "site": payload[:120],
                "languages": payload[:200],
                "skills": [payload[:60]],
            },
        )
    community = communities.community_create(
        actor=owner, name=payload[:120] or "x", description=payload, kind=CommunityKind.OPEN
    )
    post = posts.post_create(
        author=owner,
        community=community,
        body=f"{payload} #sujet",
        uploads=[posts.Upload(f"{payload[:100]}.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    posts.comment_create(author=reader, post=post, body=payload)
    client = client_for(reader)
    if post.hashtags.exists():  # "#sujet" right after some payloads is code, not a tag
        assert_page_is_harmless(client, "/tags/sujet/")
    for url in (
        community.get_absolute_url(),
        post.get_absolute_url(),
        owner.get_absolute_url(),
        f"/communities/?q={payload[:20]}",
        "/communities/",
        f"/people/?q={payload[:20]}",
        f"/communities/{community.slug}/members/",
    ):
        assert_page_is_harmless(client, url)


def _profile_safe(payload: str) -> bool:
    """Profile fields are plain labels: a payload the service refuses is fine too."""
    from django.core.exceptions import ValidationError

    try:
        accounts.normalize_skills([payload[:60]])
    except ValidationError:
        return False
    return bool(html.unescape(payload).strip())
