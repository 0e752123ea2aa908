"""Streams (a community's, a person's, a topic's): the compiled page query and the ORM agree."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from cercle.access import prepared
from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts import selectors
from cercle.posts import services as posts
from cercle.posts.models import Hashtag

pytestmark = pytest.mark.django_db


@contextmanager
def orm_only():
    """Every page query compiled by the ORM for the request, as for a shape not kept."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prepared, "for_viewer", lambda *args, **kwargs: None)
        yield


def pages(source: dict, viewer, limit: int = 4) -> list[list[int]]:
    found, cursor = [], None
    while True:
        page = selectors.stream(viewer=viewer, cursor=cursor, limit=limit, **source)
        found.append([card.pk for card in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return found


def test_compiled_stream_queries_agree_with_the_orm(user, other, staff, caplog) -> None:
    """Each stream's fast path returns what the ORM returns, page by page, for every viewer.

    A shape the compiled SQL cannot serve would fall back to the ORM and agree
    without proving anything: the log says so, and the test fails.
    """
    prepared._prepared.clear()
    caplog.set_level("WARNING", logger="cercle.access.prepared")
    ateliers = communities.community_create(actor=other, name="Ateliers", kind=CommunityKind.OPEN)
    codir = communities.community_create(actor=other, name="Codir", kind=CommunityKind.SECRET)
    made = []
    for i in range(13):
        where = (None, ateliers, codir)[i % 3]
        body = f"Point {i} #veille" if i % 2 else f"Point {i}"
        praised = [user] if i % 5 == 0 else []
        made.append(posts.post_create(author=other, community=where, body=body, praised=praised))
    posts.post_hide(actor=staff, post=made[4])  # in Ateliers: its author still lists it
    communities.community_join(actor=user, community=ateliers)
    posts.post_create(author=user, community=ateliers, body="Moi aussi #veille")
    for post in (made[1], made[7], made[10]):  # in Ateliers
        posts.post_pin(actor=other, post=post, pinned=True)
    tag = Hashtag.objects.get(key="veille")
    sources = [{"community": ateliers}, {"author": other}, {"author": user}, {"hashtag": tag}]
    for viewer in (user, other, staff):
        for source in sources:
            with orm_only():
                expected = pages(source, viewer)
            assert pages(source, viewer) == expected, (viewer, source)
            assert sum(map(len, expected)) > 0
        with orm_only():
            expected_pins = [c.pk for c in selectors.pinned(viewer=viewer, community=ateliers)]
        pins = [c.pk for c in selectors.pinned(viewer=viewer, community=ateliers)]
        assert pins == expected_pins and pins, viewer
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    # Each source's shape was kept, with and without a cursor.
    kept = {key[2:4] for key, query in prepared._prepared.items() if query and key[1] == "stream"}
    assert kept == {(s, c) for s in selectors.Source for c in (False, True)}
    assert any(key[1] == "pinned" and query for key, query in prepared._prepared.items())


def test_a_stream_hides_what_its_viewer_cannot_see(user, other) -> None:
    codir = communities.community_create(actor=other, name="Codir", kind=CommunityKind.SECRET)
    posts.post_create(author=other, community=codir, body="Secret #veille")
    public = posts.post_create(author=other, body="Public #veille")
    tag = Hashtag.objects.get(key="veille")
    for source in ({"author": other}, {"hashtag": tag}):
        assert pages(source, user) == [[public.pk]]
        assert len(pages(source, other)[0]) == 2
