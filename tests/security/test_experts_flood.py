"""Finding L2: "Qui sait ?" read the newest ~625 matches, then filtered by visibility.

A burst of 640 secret posts on "quetzal" emptied the results of everyone who
may read none of them.  Visibility is now applied inside the candidate query
when the newest matches leave too few visible ones.
"""

from __future__ import annotations

import pytest

from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts import services as posts
from cercle.search.experts import EVIDENCE_WINDOW, find_experts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_flood_of_secret_activity_does_not_hide_the_visible_expert(user) -> None:
    expert = UserFactory(first_name="Inès", last_name="Expert")
    insider = UserFactory(first_name="Paul", last_name="Secret")
    posts.post_create(author=expert, body="Retour sur le quetzal : la maintenance du quetzal")
    vault = communities.community_create(actor=insider, name="Coffre", kind=CommunityKind.SECRET)
    flood = EVIDENCE_WINDOW + EVIDENCE_WINDOW // 4 + 15  # more than the candidates read
    for i in range(flood):
        posts.post_create(author=insider, community=vault, body=f"quetzal {i}")
    names = [e.person.pk for e in find_experts(viewer=user, q="quetzal")]
    assert names == [expert.pk]  # the insider's secret activity never counts for outsiders
    insiders_view = [e.person.pk for e in find_experts(viewer=expert, q="quetzal")]
    assert insider.pk not in insiders_view
    member = UserFactory(first_name="Léa", last_name="Membre")
    communities.community_invite(actor=insider, community=vault, user=member)
    communities.community_join(actor=member, community=vault)
    member_view = [e.person.pk for e in find_experts(viewer=member, q="quetzal")]
    assert member_view[0] == insider.pk  # a member sees the burst: the newest activity
