"""``new_post_audience``: for many users at once, exactly what each one's feed says."""

from __future__ import annotations

import pytest

from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.feed import selectors
from cercle.follows import services as network
from cercle.follows.models import AttentionLevel, SourceKind
from cercle.posts import services as posts
from cercle.posts.models import Hashtag
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_audience_of_a_new_post_is_who_has_it_in_their_feed(
    other, django_assert_num_queries
) -> None:
    author = other
    people = {
        name: UserFactory(first_name=name)
        for name in [
            "follower",
            "member",
            "topic",
            "muted_author",
            "muted_community",
            "muted_topic",
            "digest_author",
            "outsider",
            "inactive",
            "follower_not_member",
        ]
    }
    team = communities.community_create(actor=author, name="Sud-Ouest", kind=CommunityKind.PRIVATE)
    for name in ["member", "muted_community", "inactive"]:
        communities.community_invite(actor=author, community=team, user=people[name])
        communities.community_join(actor=people[name], community=team)
    for name in ["follower", "muted_author", "digest_author", "inactive", "follower_not_member"]:
        network.follow(follower=people[name], followee=author)
    seed = posts.post_create(author=author, body="#appeldoffres #rail")
    tender, rail = Hashtag.objects.get(key="appeldoffres"), Hashtag.objects.get(key="rail")
    network.hashtag_follow(user=people["topic"], hashtag=tender)
    network.hashtag_follow(user=people["muted_topic"], hashtag=tender)

    def mute(name: str, kind: str, source_id: int, level: str = AttentionLevel.MUTE) -> None:
        network.attention_set(user=people[name], source_kind=kind, source_id=source_id, level=level)

    mute("muted_author", SourceKind.PERSON, author.pk)
    mute("muted_community", SourceKind.COMMUNITY, team.pk)
    mute("muted_topic", SourceKind.HASHTAG, rail.pk)
    mute("digest_author", SourceKind.PERSON, author.pk, AttentionLevel.DIGEST)  # out of the feed
    people["inactive"].is_active = False
    people["inactive"].save()

    on_profile = posts.post_create(author=author, body="Retour terrain #appeldoffres #rail")
    in_team = posts.post_create(author=author, community=team, body="Réunion d'équipe")
    everyone = [author.pk, *(p.pk for p in people.values())]
    names = {p.pk: name for name, p in people.items()} | {author.pk: "author"}

    with django_assert_num_queries(3):  # the post, its tags, the audience
        profile_audience = selectors.new_post_audience(on_profile.pk, everyone)
    team_audience = selectors.new_post_audience(in_team.pk, everyone)

    assert {names[pk] for pk in profile_audience} == {"follower", "topic", "follower_not_member"}
    assert {names[pk] for pk in team_audience} == {"member"}  # private: followers outside miss it
    # Exactly what each person's own feed query says (the author's own posts aside).
    for post, audience in [(on_profile, profile_audience), (in_team, team_audience), (seed, None)]:
        found = selectors.new_post_audience(post.pk, everyone) if audience is None else audience
        for pk in everyone[1:]:
            person = next(p for p in people.values() if p.pk == pk)
            in_feed = selectors.feed_queryset(person).filter(pk=post.pk).exists()
            assert (pk in found) == in_feed, (names[pk], post.body)


def test_only_the_users_asked_about_and_nothing_for_a_missing_post(user, other) -> None:
    network.follow(follower=user, followee=other)
    post = posts.post_create(author=other, body="Bonjour")
    assert selectors.new_post_audience(post.pk, [user.pk]) == {user.pk}
    assert selectors.new_post_audience(post.pk, []) == set()
    assert selectors.new_post_audience(post.pk, [other.pk]) == set()  # never the author
    assert selectors.new_post_audience(post.pk + 1000, [user.pk]) == set()


def test_a_lifted_document_reaches_its_followers_live_as_their_feed_says(user, other) -> None:
    """A document's post comes up again: followers outside its community get it live, a
    muted folder keeps it from a member, a followed document beats a muted community."""
    from cercle.documents import services as documents

    club = communities.community_create(actor=other, name="Veille", kind=CommunityKind.OPEN)
    kit = documents.folder_create(actor=other, community=club, name="Kit")
    document = documents.document_add(
        actor=other, community=club, folder=kit, upload=documents.Upload("offre.txt", b"v1")
    )
    people = {
        name: UserFactory(first_name=name)
        for name in ["doc_follower", "folder_follower", "member", "folder_muted", "rescued"]
    }
    for name in ["member", "folder_muted", "rescued"]:
        communities.community_join(actor=people[name], community=club)

    def choose(name: str, kind: str, source_id: int, level: str) -> None:
        network.attention_set(user=people[name], source_kind=kind, source_id=source_id, level=level)

    choose("doc_follower", SourceKind.DOCUMENT, document.pk, AttentionLevel.FEED)
    choose("folder_follower", SourceKind.FOLDER, kit.pk, AttentionLevel.NOTIFY)
    choose("folder_muted", SourceKind.FOLDER, kit.pk, AttentionLevel.MUTE)
    choose("rescued", SourceKind.COMMUNITY, club.pk, AttentionLevel.MUTE)
    choose("rescued", SourceKind.DOCUMENT, document.pk, AttentionLevel.FEED)
    everyone = [p.pk for p in people.values()]
    names = {p.pk: name for name, p in people.items()}
    audience = selectors.new_post_audience(document.post_id, [other.pk, *everyone])
    assert {names[pk] for pk in audience} == {
        "doc_follower",
        "folder_follower",
        "member",
        "rescued",
    }
    for person in people.values():
        in_feed = selectors.feed_queryset(person).filter(pk=document.post_id).exists()
        assert (person.pk in audience) == in_feed, names[person.pk]
