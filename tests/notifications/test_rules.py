"""Who is told what: the delivery rules of every event, and visibility at reading time."""

from __future__ import annotations

import pytest
from django.utils import translation

from cercle.communities import services as communities
from cercle.communities.models import CommunityKind, Role
from cercle.follows import services as network
from cercle.notifications import selectors, services
from cercle.notifications.describe import target_url, text
from cercle.notifications.models import Event, Notification
from cercle.posts import services as posts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def told(person) -> list[tuple[str, int | None]]:
    """(event, actor id) of what ``person`` may see, newest first."""
    return [(n.event, n.actor_id) for n in selectors.visible(person)]


def english(notification: Notification) -> str:
    with translation.override("en"):
        return text(notification)


def test_a_mention_is_told_once_and_never_to_oneself(user, other) -> None:
    post = posts.post_create(author=other, body=f"Merci @{user.handle} et @{other.handle} !")
    assert told(user) == [(Event.MENTION, other.pk)]
    assert told(other) == []  # mentioning oneself tells nobody
    posts.post_edit(actor=other, post=post, body=f"Merci encore @{user.handle} !")
    assert len(told(user)) == 1  # still mentioned: not told again
    third = UserFactory(first_name="Franck")
    posts.post_edit(actor=other, post=post, body=f"@{user.handle} @{third.handle}")
    assert told(third) == [(Event.MENTION, other.pk)]  # newly mentioned by the edit
    notification = selectors.visible(third).get()
    assert english(notification) == "Alexandra Girard mentioned you in a post"
    assert target_url(notification) == post.get_absolute_url()


def test_a_mention_in_a_secret_community_does_not_reach_an_outsider(user, other) -> None:
    secret = communities.community_create(actor=other, name="Direction", kind=CommunityKind.SECRET)
    posts.post_create(author=other, community=secret, body=f"Faut-il prévenir @{user.handle} ?")
    assert told(user) == []
    assert not Notification.objects.filter(recipient=user).exists()


def test_comments_tell_the_author_and_the_participants_grouped_while_unread(user, other) -> None:
    post = posts.post_create(author=user, body="Qui vient au salon Rail+ ?")
    franck = UserFactory(first_name="Franck", last_name="Morel")
    first = posts.comment_create(author=other, post=post, body="Moi !")
    assert told(user) == [(Event.COMMENT, other.pk)]
    assert told(other) == []  # not told of one's own comment
    second = posts.comment_create(author=franck, post=post, body="Moi aussi.")
    grouped = selectors.visible(user).get()
    assert grouped.actor_count == 2 and grouped.actor_id == franck.pk
    assert grouped.comment_id == second.pk  # the link goes to the latest comment
    assert english(grouped) == "Franck Morel and 1 other person commented on your post"
    assert target_url(grouped).endswith(f"#comment-{second.pk}")
    # Alexandra took part: Franck's comment reaches her, about a conversation she is in.
    assert told(other) == [(Event.COMMENT, franck.pk)]
    assert english(selectors.visible(other).get()) == (
        "Franck Morel replied in a conversation you are in"
    )
    # Once read, the next comment starts a new notification.
    services.mark_all_read(user)
    posts.comment_create(author=other, post=post, body="On part à 8 h.", parent=first)
    assert [n.actor_count for n in selectors.visible(user)] == [1, 2]
    assert selectors.unread_count(user) == 1


def test_someone_mentioned_in_a_comment_gets_the_mention_not_the_comment(user, other) -> None:
    post = posts.post_create(author=user, body="Retour d'expérience chantier Pau")
    posts.comment_create(author=other, post=post, body=f"@{user.handle} tu as les photos ?")
    assert told(user) == [(Event.MENTION, other.pk)]
    assert english(selectors.visible(user).get()) == ("Alexandra Girard mentioned you in a comment")


def test_reactions_are_grouped_and_each_person_counts_once(user, other) -> None:
    post = posts.post_create(author=user, body="Nouveau record de sécurité : 300 jours !")
    posts.reaction_set(user=other, post=post, emoji="like", on=True)
    posts.reaction_set(user=other, post=post, emoji="celebrate", on=True)
    posts.reaction_set(user=other, post=post, emoji="like", on=True)  # repeated: nothing new
    for name in ("Franck", "Chloé", "Karim"):
        posts.reaction_set(user=UserFactory(first_name=name), post=post, emoji="like", on=True)
    posts.reaction_set(user=user, post=post, emoji="like", on=True)  # one's own reaction
    notification = selectors.visible(user).get()
    assert notification.event == Event.REACTION and notification.actor_count == 4
    assert english(notification).endswith("and 3 other people reacted to your post")
    comment = posts.comment_create(author=user, post=post, body="Merci à tous.")
    posts.reaction_set(user=other, post=post, comment=comment, emoji="love", on=True)
    latest = selectors.visible(user).first()
    assert latest is not None and english(latest) == "Alexandra Girard reacted to your comment"


def test_follows_and_thanks(user, other) -> None:
    network.follow(follower=other, followee=user)
    network.follow(follower=other, followee=user)  # idempotent: told once
    network.unfollow(follower=other, followee=user)
    network.follow(follower=other, followee=user)  # again while unread: still one person
    notification = selectors.visible(user).get()
    assert notification.event == Event.FOLLOW and notification.actor_count == 1
    assert target_url(notification) == other.get_absolute_url()
    posts.post_create(author=other, body="Bravo pour l'audit !", praised=[user])
    assert told(user)[0] == (Event.PRAISE, other.pk)


def test_invitations_requests_and_answers(user, other, staff) -> None:
    private = communities.community_create(
        actor=other, name="Sud-Ouest", kind=CommunityKind.PRIVATE
    )
    manager = UserFactory(first_name="Karim")
    communities.community_invite(actor=other, community=private, user=manager)
    assert told(manager) == [(Event.INVITATION, other.pk)]
    communities.community_join(actor=manager, community=private)
    communities.member_set_role(actor=other, community=private, user=manager, role=Role.MANAGER)
    communities.community_request(actor=user, community=private, message="Je couvre Pau")
    assert told(other) == [(Event.JOIN_REQUEST, user.pk)]
    assert told(manager)[0] == (Event.JOIN_REQUEST, user.pk)
    request = private.join_requests.get(user=user)
    communities.request_decide(actor=manager, join_request=request, approve=True)
    assert told(user) == [(Event.REQUEST_APPROVED, manager.pk)]
    # Karim no longer manages the community: the request leaves his notifications.
    communities.member_set_role(actor=other, community=private, user=manager, role=Role.MEMBER)
    assert (Event.JOIN_REQUEST, user.pk) not in told(manager)
    assert (Event.JOIN_REQUEST, user.pk) in told(other)


def test_an_invitation_to_a_secret_community_disappears_once_declined(user, other) -> None:
    secret = communities.community_create(actor=other, name="Codir", kind=CommunityKind.SECRET)
    invitation = communities.community_invite(actor=other, community=secret, user=user)
    assert told(user) == [(Event.INVITATION, other.pk)]
    communities.invitation_decline(actor=user, invitation=invitation)
    assert told(user) == []


def test_what_i_can_no_longer_see_leaves_my_notifications(user, other) -> None:
    private = communities.community_create(actor=other, name="Achats", kind=CommunityKind.PRIVATE)
    communities.community_invite(actor=other, community=private, user=user)
    communities.community_join(actor=user, community=private)
    post = posts.post_create(author=other, community=private, body="Appel d'offres groupé")
    posts.comment_create(author=user, post=post, body="Je prends le lot 2.")
    posts.comment_create(author=other, post=post, body=f"Merci @{user.handle}")
    assert Event.MENTION in [event for event, _ in told(user)]
    assert selectors.unread_count(user) >= 1
    communities.member_remove(actor=other, community=private, user=user)
    # Removed from the community between the event and the reading: nothing left.
    assert told(user) == [(Event.INVITATION, other.pk)]
    assert selectors.unread_count(user) == 1


def test_deleting_a_post_takes_its_notifications(user, other) -> None:
    post = posts.post_create(author=other, body=f"Bienvenue @{user.handle}")
    assert selectors.unread_count(user) == 1
    posts.post_delete(actor=other, post=post)
    assert selectors.unread_count(user) == 0 and not Notification.objects.exists()


def test_sources_set_to_notify_tell_of_every_post_and_muting_wins(user, other) -> None:
    veille = communities.community_create(actor=other, name="Veille", kind=CommunityKind.OPEN)
    communities.community_join(actor=user, community=veille)
    network.attention_set(user=user, source_kind="person", source_id=other.pk, level="notify")
    posts.post_create(author=other, body="Nouvelle offre de formation")
    assert told(user) == [(Event.NEW_POST, other.pk)]
    network.attention_set(user=user, source_kind="community", source_id=veille.pk, level="mute")
    posts.post_create(author=other, community=veille, body="Revue de presse")
    assert len(told(user)) == 1  # the community is muted: no notification for it
    posts.post_create(author=other, body=f"Et toi @{user.handle} ?")
    assert told(user)[0] == (Event.MENTION, other.pk)  # a mention, not also "a new post"
    assert len(told(user)) == 2


def test_the_excerpt_is_the_text_as_read_not_its_markdown(user, other) -> None:
    posts.post_create(author=other, body=f"**Urgent** : @{user.handle} relis le <mémoire> & co")
    (item,) = selectors.items(selectors.for_page(user))
    assert item.excerpt.startswith("Urgent : @") and "**" not in item.excerpt
    assert "<mémoire> & co" in item.excerpt  # unescaped here, escaped by the template


def test_the_excerpt_keeps_words_apart_across_blocks_and_whole_inside_them(user, other) -> None:
    body = f"Ordre du jour\n\n- budget\n- re**cru**tement  \nsuite `<code>` @{user.handle}"
    posts.post_create(author=other, body=body)
    (item,) = selectors.items(selectors.for_page(user))
    assert item.excerpt == f"Ordre du jour budget recrutement suite <code> @{user.handle}"


def test_a_busy_conversation_costs_the_same_queries_as_a_quiet_one(user, other) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cercle.notifications import services as notify

    post = posts.post_create(author=user, body="Sondage : quelle date pour le séminaire ?")

    def cost_of_one_more_comment() -> int:
        comment = posts.comment_create(author=other, post=post, body="Mardi")
        with CaptureQueriesContext(connection) as queries:
            notify.commented(comment=comment)
        return len(queries)

    quiet = cost_of_one_more_comment()
    for n in range(15):
        posts.comment_create(author=UserFactory(first_name=f"P{n}"), post=post, body="Jeudi")
    busy = cost_of_one_more_comment()
    assert busy == quiet
    # Everyone in the conversation heard of it: Thomas, Alexandra and the 15 others.
    told_of_it = Notification.objects.filter(event=Event.COMMENT).values("recipient").distinct()
    assert told_of_it.count() == 17
