from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.urls import reverse

from cercle.access import NotFound, prepared
from cercle.accounts import services as accounts
from cercle.communities import services as communities
from cercle.communities.models import CommunityKind, Membership
from cercle.feed import selectors
from cercle.feed.selectors import FeedFilter, FeedOrder
from cercle.follows import services as network
from cercle.posts import services as posts
from cercle.posts.models import Hashtag
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def ids(page) -> list[int]:
    return [p.pk for p in page.items]


@contextmanager
def orm_only():
    """The feed as the ORM compiles it for each request, as for a shape not prepared."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(selectors, "_prepared", lambda *args, **kwargs: None)
        yield


def feed(*, use_compiled: bool = True, **kwargs):
    if use_compiled:
        return selectors.feed(**kwargs)
    with orm_only():
        return selectors.feed(**kwargs)


@pytest.fixture
def scene(user, other):
    """Thomas follows Alexandra and #veille and is in "Sud-Ouest"; strangers post too."""
    stranger = UserFactory()
    sud_ouest = communities.community_create(
        actor=other, name="Sud-Ouest", kind=CommunityKind.PRIVATE
    )
    communities.community_invite(actor=other, community=sud_ouest, user=user)
    communities.community_join(actor=user, community=sud_ouest)
    codir = communities.community_create(actor=other, name="Codir", kind=CommunityKind.SECRET)
    network.follow(follower=user, followee=other)
    seed = posts.post_create(author=stranger, body="Premier #veille")
    network.hashtag_follow(user=user, hashtag=Hashtag.objects.get(key="veille"))
    return {
        "stranger": stranger,
        "sud_ouest": sud_ouest,
        "codir": codir,
        "tagged": seed,
        "followed": posts.post_create(author=other, body="De la personne suivie"),
        "community": posts.post_create(
            author=other, community=sud_ouest, body="Dans la communauté"
        ),
        "secret": posts.post_create(author=other, community=codir, body="Secret"),
        "noise": posts.post_create(author=stranger, body="Rien à voir"),
        "mine": posts.post_create(author=user, body="Le mien"),
    }


def test_feed_gathers_every_source_once_newest_first(user, scene) -> None:
    page = selectors.feed(viewer=user)
    expected = [scene[k].pk for k in ("mine", "community", "followed", "tagged")]
    assert ids(page) == expected  # newest first; no noise, no secret, no duplicate
    reasons = {p.pk: (p.reason.kind, p.reason.label) for p in page.items}
    assert reasons[scene["community"].pk] == ("community", "Sud-Ouest")
    assert reasons[scene["followed"].pk] == ("person", "Alexandra Girard")
    assert reasons[scene["tagged"].pk] == ("hashtag", "veille")
    assert reasons[scene["mine"].pk][0] == "mine"


def test_a_post_matching_several_sources_appears_once(user, other, scene) -> None:
    both = posts.post_create(author=other, community=scene["sud_ouest"], body="Double #veille")
    page = selectors.feed(viewer=user)
    assert ids(page).count(both.pk) == 1


def test_filters(user, scene) -> None:
    assert ids(selectors.feed(viewer=user, feed_filter=FeedFilter.PEOPLE)) == [
        scene["mine"].pk,
        scene["community"].pk,
        scene["followed"].pk,
    ]
    assert ids(selectors.feed(viewer=user, feed_filter=FeedFilter.COMMUNITIES)) == [
        scene["community"].pk
    ]
    assert ids(selectors.feed(viewer=user, feed_filter=FeedFilter.TOPICS)) == [scene["tagged"].pk]


def test_shares_say_who_shared(user, other, scene) -> None:
    share = posts.post_create(author=other, body="À lire", shared_post=scene["noise"])
    item = selectors.feed(viewer=user).items[0]
    assert item.pk == share.pk
    assert (item.reason.kind, item.reason.label) == ("share", "Alexandra Girard")


def test_muting_a_community_keeps_the_membership(user, scene) -> None:
    network.attention_set(
        user=user, source_kind="community", source_id=scene["sud_ouest"].pk, level="mute"
    )
    assert scene["community"].pk not in ids(selectors.feed(viewer=user))
    assert Membership.objects.filter(user=user, community=scene["sud_ouest"]).exists()
    network.attention_set(
        user=user, source_kind="community", source_id=scene["sud_ouest"].pk, level="feed"
    )
    assert scene["community"].pk in ids(selectors.feed(viewer=user))


def test_muting_a_person_and_a_topic(user, other, scene) -> None:
    network.attention_set(user=user, source_kind="person", source_id=other.pk, level="mute")
    tag = Hashtag.objects.get(key="veille")
    network.attention_set(user=user, source_kind="hashtag", source_id=tag.pk, level="mute")
    assert ids(selectors.feed(viewer=user)) == [scene["mine"].pk]


def test_cannot_mute_an_invisible_source(user, scene) -> None:

    with pytest.raises(NotFound):  # a secret community cannot be probed through muting
        network.attention_set(
            user=user, source_kind="community", source_id=scene["codir"].pk, level="mute"
        )


def test_leaving_or_deleting_removes_at_once(user, other, scene) -> None:
    communities.community_leave(actor=user, community=scene["sud_ouest"])
    posts.post_delete(actor=other, post=scene["followed"])
    page = ids(selectors.feed(viewer=user))
    assert scene["community"].pk not in page and scene["followed"].pk not in page


def test_an_edit_dropping_the_followed_topic_takes_the_post_out(user, scene) -> None:
    # Thomas follows #veille, not its author: the tag is the only reason he sees it.
    tagged = scene["tagged"]
    assert tagged.pk in ids(selectors.feed(viewer=user, feed_filter=FeedFilter.TOPICS))
    posts.post_edit(actor=scene["stranger"], post=tagged, body="Premier, sans sujet")
    assert tagged.pk not in ids(selectors.feed(viewer=user))
    assert tagged.pk not in ids(feed(viewer=user, use_compiled=False))
    posts.post_edit(actor=scene["stranger"], post=tagged, body="De retour #Veille")
    assert tagged.pk in ids(selectors.feed(viewer=user))


@pytest.mark.parametrize("use_compiled", [True, False])
def test_hidden_and_moved_posts_leave_the_feed_at_once(
    user, other, staff, scene, use_compiled
) -> None:
    page = lambda viewer: ids(feed(viewer=viewer, use_compiled=use_compiled))  # noqa: E731
    # Hidden by a moderator: out of Thomas's feed, still in its author's (marked).
    posts.post_hide(actor=staff, post=scene["followed"], reason="Hors charte")
    assert scene["followed"].pk not in page(user)
    assert scene["followed"].pk in page(other)
    posts.post_restore(actor=staff, post=scene["followed"])
    assert scene["followed"].pk in page(user)
    # Moved from Sud-Ouest (Thomas is a member) to Codir (secret, he is not): gone.
    posts.post_move(actor=other, post=scene["community"], community=scene["codir"])
    assert scene["community"].pk not in page(user)
    assert scene["community"].pk in page(other)
    # And a post moved into Sud-Ouest arrives in his feed as a community post.
    posts.post_move(actor=other, post=scene["secret"], community=scene["sud_ouest"])
    assert scene["secret"].pk in page(user)


def test_cursor_is_stable_while_others_post(user, other) -> None:
    network.follow(follower=user, followee=other)
    made = [posts.post_create(author=other, body=f"Post {i}").pk for i in range(25)]
    first = selectors.feed(viewer=user, limit=10)
    for i in range(5):  # new posts arrive between two pages
        posts.post_create(author=other, body=f"Nouveau {i}")
    second = selectors.feed(viewer=user, limit=10, cursor=first.next_cursor)
    third = selectors.feed(viewer=user, limit=10, cursor=second.next_cursor)
    seen = ids(first) + ids(second) + ids(third)
    assert seen == list(reversed(made))  # nothing skipped, nothing repeated
    assert third.next_cursor is None


def test_latest_activity_lifts_a_commented_post(user, other, scene) -> None:
    posts.comment_create(author=other, post=scene["tagged"], body="Relance")
    assert ids(selectors.feed(viewer=user, order=FeedOrder.ACTIVITY))[0] == scene["tagged"].pk
    assert ids(selectors.feed(viewer=user, order=FeedOrder.RECENT))[0] == scene["mine"].pk


def test_new_count_respects_visibility(user, other, scene) -> None:
    since = selectors.since(selectors.feed(viewer=user))
    assert selectors.new_count(viewer=user, since=since) == 0
    posts.post_create(author=other, community=scene["codir"], body="Encore secret")
    assert selectors.new_count(viewer=user, since=since) == 0  # not counted: invisible
    posts.post_create(author=other, body="Nouveau visible")
    posts.post_create(author=scene["stranger"], body="Hors de mes sources")
    assert selectors.new_count(viewer=user, since=since) == 1
    assert selectors.new_count(viewer=user, since="garbage") == 0


@pytest.mark.parametrize("count", [5, 30])
def test_constant_queries_per_feed_page(user, other, count, django_assert_num_queries) -> None:
    network.follow(follower=user, followee=other)
    community = communities.community_create(actor=other, name="Grande", kind=CommunityKind.OPEN)
    communities.community_join(actor=user, community=community)
    for i in range(count):
        post = posts.post_create(
            author=other,
            community=community if i % 2 else None,
            body=f"#tag{i % 3} message {i}",
            uploads=[posts.Upload("a.pdf", b"%PDF-1.4\n%%EOF\n")],
            praised=[user] if i % 5 == 0 else (),
        )
        posts.reaction_set(user=user, post=post, emoji="like", on=True)
    # followed documents and folders (none) + page (with the reasons) + cards + files +
    # praise + reactions
    with django_assert_num_queries(6):
        page = selectors.feed(viewer=user, limit=20)
    assert len(page.items) == min(count, 20)


def test_home_page_htmx_fragments_and_api(client_for, user, other, scene) -> None:
    client = client_for(user)
    home = client.get("/")
    assert f'id="post-{scene["community"].pk}"' in home.content.decode()
    assert f'id="post-{scene["noise"].pk}"' not in home.content.decode()
    fragment = client.get(reverse("feed:page"), {"filter": "topics"})
    assert f'id="post-{scene["tagged"].pk}"' in fragment.content.decode()
    since = home.context["since"]
    posts.post_create(author=other, body="Tout frais")
    indicator = client.get(reverse("feed:new_count"), {"since": since})
    assert "1" in indicator.content.decode()
    api = client.get("/api/v1/feed", {"filter": "people", "limit": 2}).json()
    assert len(api["items"]) == 2 and api["next_cursor"]
    assert api["items"][0]["reason"]["kind"] in {"person", "mine"}
    more = client.get("/api/v1/feed", {"filter": "people", "cursor": api["next_cursor"]}).json()
    assert {i["id"] for i in more["items"]}.isdisjoint({i["id"] for i in api["items"]})
    count = client.get("/api/v1/feed/new-count", {"since": api["since"]}).json()
    assert count == {"count": 0}
    assert client.get("/api/v1/feed", {"cursor": "nope"}).status_code == 422
    assert client.get("/api/v1/feed", {"filter": "bogus"}).status_code == 422
    muted = client.put(
        f"/api/v1/attention/community/{scene['sud_ouest'].pk}",
        data={"level": "mute"},
        content_type="application/json",
    )
    assert muted.status_code == 200
    assert (
        client.put(
            f"/api/v1/attention/community/{scene['codir'].pk}",
            data={"level": "mute"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.get("/api/v1/ping").json() == {"ok": True}


def test_what_reaches_me_on_community_page(client_for, user, scene) -> None:
    client = client_for(user)
    for level in ("mute", "digest"):  # both take the community's posts out of the feed
        response = client.post(
            reverse("follows:attention"),
            {"source_kind": "community", "source_id": scene["sud_ouest"].pk, "level": level},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        assert f'<option value="{level}" selected>' in response.content.decode()
        assert scene["community"].pk not in ids(selectors.feed(viewer=user))
    bad = client.post(
        reverse("follows:attention"), {"source_kind": "planet", "source_id": 1, "level": "mute"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize("feed_filter", list(FeedFilter))
@pytest.mark.parametrize("order", list(FeedOrder))
def test_compiled_sql_agrees_with_the_orm(
    user, other, staff, scene, feed_filter, order, caplog
) -> None:
    """The compiled fast path must return exactly what the plain ORM query returns."""
    prepared._prepared.clear()  # compiled here, so that a refused shape is logged here
    caplog.set_level("WARNING", logger="cercle.access.prepared")
    made = [
        posts.post_create(
            author=other,
            community=scene["sud_ouest"] if i % 3 else None,
            body=f"Encore {i} #veille" if i % 4 == 0 else f"Encore {i}",
        )
        for i in range(30)
    ]
    for hidden in made[::5]:  # hidden by a moderator: only their author still lists them
        posts.post_hide(actor=staff, post=hidden)
    posts.comment_create(author=other, post=scene["tagged"], body="Remonte")
    network.attention_set(
        user=user, source_kind="person", source_id=scene["stranger"].pk, level="mute"
    )
    for viewer in (user, other, staff):
        cursor = fast_cursor = None
        for _ in range(4):
            slow = feed(
                viewer=viewer,
                feed_filter=feed_filter,
                order=order,
                cursor=cursor,
                limit=7,
                use_compiled=False,
            )
            # The fast path must really run: a shape the compiled SQL cannot serve
            # falls back to the ORM, and would agree with it without proving anything.
            field = "last_activity_at" if order == FeedOrder.ACTIVITY else "created_at"
            assert selectors.page_sql(viewer, feed_filter, field, fast_cursor, 7) is not None
            fast = selectors.feed(
                viewer=viewer, feed_filter=feed_filter, order=order, cursor=fast_cursor, limit=7
            )
            assert ids(fast) == ids(slow)
            cursor, fast_cursor = slow.next_cursor, fast.next_cursor
            if cursor is None:
                assert fast_cursor is None
                break
        since = selectors.since_now()
        posts.post_create(author=other, body=f"Tout neuf {viewer.pk}")
        slow_page = feed(viewer=viewer, feed_filter=feed_filter, use_compiled=False)
        expected = [
            p
            for p in slow_page.items
            if p.fields["body"] == f"Tout neuf {viewer.pk}" and p.author_id != viewer.pk
        ]
        assert selectors.new_count(viewer=viewer, since=since, feed_filter=feed_filter) == len(
            expected
        )
    # No shape fell back to the ORM (the page's is asserted above, the count's here).
    assert not caplog.records, [r.getMessage() for r in caplog.records]


@pytest.mark.parametrize(
    "raw",
    [
        "2026-03-01T10:00:00+00:00|" + str(2**70),  # an id no database can store
        "2026-03-01T10:00:00+00:00|-1987654321",  # negative: never a real row
        "0001-01-01T00:00:00+05:00|12",  # overflows once adapted
        "2026-03-01T10:00:00|12",  # naive time
    ],
)
def test_forged_cursors_are_refused_not_crashing(client_for, user, raw) -> None:
    import base64

    token = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    client = client_for(user)
    for url, param in (("/api/v1/feed", "cursor"), ("/api/v1/feed/new-count", "since")):
        response = client.get(url, {param: token})
        assert response.status_code == 422, (url, response.content[:200])
        assert param in response.json()["error"]["fields"]


@pytest.mark.parametrize("use_compiled", [True, False])
def test_my_own_new_post_is_not_news_to_me(user, other, scene, use_compiled, monkeypatch) -> None:
    if not use_compiled:  # the ORM path, as for a shape the compiled SQL does not cover
        monkeypatch.setattr(selectors, "_prepared", lambda *args, **kwargs: None)
    since = selectors.since(selectors.feed(viewer=user))
    posts.post_create(author=user, body="Je viens de publier")
    assert selectors.new_count(viewer=user, since=since) == 0
    posts.post_create(author=other, body="Et Alexandra aussi")
    assert selectors.new_count(viewer=user, since=since) == 1


def test_in_latest_activity_order_what_is_shown_is_not_new(client_for, user, other, scene) -> None:
    # An old post lifted to the top by a comment must not make the newer posts
    # shown below it count as "new".
    posts.comment_create(author=other, post=scene["tagged"], body="Relance")
    client = client_for(user)
    home = client.get("/", {"order": "activity"})
    assert home.context["page"].items[0].pk == scene["tagged"].pk
    indicator = client.get(
        reverse("feed:new_count"), {"since": home.context["since"], "order": "activity"}
    )
    assert "new-posts" not in indicator.content.decode()
    api = client.get("/api/v1/feed", {"order": "activity"}).json()
    assert api["items"][0]["id"] == scene["tagged"].pk
    assert client.get("/api/v1/feed/new-count", {"since": api["since"]}).json() == {"count": 0}
    posts.post_create(author=other, body="Vraiment nouveau")
    indicator = client.get(
        reverse("feed:new_count"), {"since": home.context["since"], "order": "activity"}
    )
    assert 'href="?filter=all&amp;order=activity"' in indicator.content.decode()


def test_the_side_column_follows_the_feed_in_its_own_request(
    client_for, user, other, staff, scene, django_assert_max_num_queries
) -> None:
    """The feed page asks for its side column once shown; the column has what it had."""
    colleague = UserFactory()
    for person in (user, colleague):
        accounts.profile_update(
            actor=staff, user=person, data={"department": "Ventes", "region": "Sud-Ouest"}
        )
    invited_to = communities.community_create(
        actor=other, name="Appels d'offres", kind=CommunityKind.PRIVATE
    )
    communities.community_invite(actor=other, community=invited_to, user=user)
    client = client_for(user)
    home = client.get("/").content.decode()
    assert f'hx-get="{reverse("feed:aside")}" hx-trigger="load"' in home
    assert "Sud-Ouest" in home  # the composer's audiences stay on the page itself
    with django_assert_max_num_queries(9):
        aside = client.get(reverse("feed:aside"))
    assert aside.status_code == 200
    html = aside.content.decode()
    assert invited_to.get_absolute_url() in html  # the pending invitation
    assert scene["sud_ouest"].get_absolute_url() in html  # my communities
    assert colleague.get_absolute_url() in html  # a suggestion, with its reason
    assert other.get_absolute_url() not in html  # already followed: not suggested
    assert 'value="33" max="100"' in html  # department and region: 2 of 6
    assert scene["codir"].get_absolute_url() not in html  # secret, not a member


def test_the_first_steps_show_until_one_follows_someone(client_for, user, other) -> None:
    client = client_for(user, language="en")
    assert "Getting started with Cercle" in client.get("/").content.decode()
    network.follow(follower=user, followee=other)
    assert "Getting started with Cercle" not in client.get("/").content.decode()  # nothing posted
    posts.post_create(author=other, body="Bonjour")
    assert "Getting started with Cercle" not in client.get("/").content.decode()  # from the page
