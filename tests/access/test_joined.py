"""CommunityPolicy.joined: a person's own communities, secret ones included, and only those."""

from __future__ import annotations

import pytest

from cercle.access.communities import CommunityPolicy
from cercle.communities import selectors
from cercle.communities import services as communities
from cercle.communities.models import Community, CommunityKind

pytestmark = pytest.mark.django_db


def test_my_communities_are_those_i_belong_to(user, other, staff) -> None:
    secret = communities.community_create(actor=other, name="Codir", kind=CommunityKind.SECRET)
    open_one = communities.community_create(actor=other, name="Veille", kind=CommunityKind.OPEN)
    communities.community_invite(actor=other, community=secret, user=user)
    communities.community_join(actor=user, community=secret)
    mine = set(CommunityPolicy.joined(user, Community.objects.all()))
    assert mine == {secret}  # the open one is visible, but not mine
    assert open_one not in set(selectors.directory(viewer=user, mine=True))
    assert [c.name for c in selectors.directory(viewer=user, mine=True)] == ["Codir"]
    # A site administrator sees every community, but "mine" are still their own.
    assert set(CommunityPolicy.joined(staff, Community.objects.all())) == set()
    user.is_active = False
    assert not CommunityPolicy.joined(user, Community.objects.all()).exists()
