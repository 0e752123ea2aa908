"""Social content for the demo company: communities, conversations, reactions, follows.

A demo with people but no conversation shows an empty feed, and the personas
of DESIGN.md cannot be walked through. This module gives them their stories
(Thomas's tender and his region's tender kit, Alexandra's results and praise,
the Croissance 2015 minutes, Franck's article, the secret executive committee,
Sophie's welcome) plus background activity that looks
like a real network: a few very active authors, many quiet ones, comments on
about half the posts, reactions weighted towards 👍.

Everything is written through the same services as the web app
(``community_create``, ``post_create``, ``comment_create``, ``reaction_set``,
``follow``...) so every invariant holds: member counts, rendered HTML,
hashtags, mentions, permissions, attachment checks. Only the timestamps are
rewritten afterwards (one ``update`` per object), because a service always
stamps "now" and a demo needs six weeks of history.

All choices come from ``random.Random(seed)``; only the anchor of the clock is
"now", so the feed always looks fresh. Content is planned first, then
published in chronological order, so ids follow the story.

The package: ``texts`` (the words), ``plans`` (what is planned), ``builder`` (the
state and publishing), ``communities``, ``stories`` and ``background`` (what happens).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from cercle.demo.social.background import plan_background
from cercle.demo.social.builder import SocialBuilder
from cercle.demo.social.communities import build_communities, build_requests
from cercle.demo.social.libraries import build_libraries
from cercle.demo.social.plans import SocialResult, demo_pdf, social_steps
from cercle.demo.social.stories import plan_stories
from cercle.demo.social.texts import (
    CODIR,
    CROISSANCE,
    RESULTS_PDF,
    SUD_OUEST,
    TENDER_PDF,
    THANKS_REPLY,
    VEILLE,
    WELCOME,
)


def build_social_demo(*, seed: int, progress: Callable[[int], object]) -> SocialResult:
    """Fill the demo company (already saved) with communities, conversations and follows.

    One transaction: the services each open a savepoint, which is cheap inside
    it, and a failure leaves no half-built network.
    """
    with transaction.atomic():
        b = SocialBuilder(seed=seed, progress=progress)
        build_communities(b)
        build_requests(b)
        b.build_follows()
        plans = plan_stories(b) + plan_background(b, len(b.people.all))
        # Chronological order: ids follow the story, and a share comes after its original.
        for plan in sorted(plans, key=lambda plan: plan.when):
            b.publish(plan)
        build_libraries(b)
        b.build_hashtag_follows()
        b.progress.finish()
        return b.result


__all__ = [
    "CODIR",
    "CROISSANCE",
    "RESULTS_PDF",
    "SUD_OUEST",
    "TENDER_PDF",
    "THANKS_REPLY",
    "VEILLE",
    "WELCOME",
    "SocialResult",
    "build_social_demo",
    "demo_pdf",
    "social_steps",
]
