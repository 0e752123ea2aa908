from __future__ import annotations

import pytest

from cercle.communities import services as communities
from cercle.communities.models import CommunityKind


@pytest.fixture
def team(user, other):
    """ "Ventes Sud-Ouest", private: Thomas (user) owns it, Alexandra (other) is a member."""
    community = communities.community_create(
        actor=user, name="Ventes Sud-Ouest", kind=CommunityKind.PRIVATE
    )
    communities.community_invite(actor=user, community=community, user=other)
    communities.community_join(actor=other, community=community)
    return community
