"""Background activity that looks like a real network: a few very active authors, many
quiet ones, comments on about half the posts, shares and praise, #topics the words call for.
"""

from __future__ import annotations

from cercle.communities.models import (
    CommunityKind,
)
from cercle.demo.social.builder import SocialBuilder
from cercle.demo.social.plans import (
    PostPlan,
    background_count,
    day_time,
    unique,
)
from cercle.demo.social.texts import (
    BACKGROUND_POSTS,
    CITIES,
    CLIENTS,
    HISTORY_DAYS,
    PRAISE_TEMPLATES,
    PRAISES,
    SHARE_BODIES,
    SHARES,
    TAG_RATE,
    TEMPLATES,
    TOPIC_WORDS,
)


def plan_background(b: SocialBuilder, users: int) -> list[PostPlan]:
    plans: list[PostPlan] = []
    decks: dict[str, list[str]] = {}

    def draw(place: str) -> str:
        if not decks.get(place):
            decks[place] = list(TEMPLATES[place])
            b.rng.shuffle(decks[place])
        return decks[place].pop()

    def moment() -> int:
        return day_time(
            b.rng.randint(1, HISTORY_DAYS - 1),
            b.rng.randint(8, 18),
            b.rng.randint(0, 59),
        )

    for place in BACKGROUND_POSTS:
        if place != "profile" and place not in b.communities:
            continue
        for _ in range(background_count(place, users)):
            author = b.pick_author(place)
            readers = b.readers[place] if place != "profile" else b.people.colleagues(author)
            body = b.fill(draw(place), author=author, readers=readers)
            topics = tags_called_for(place, body)
            if topics and b.rng.random() < TAG_RATE:
                tags = b.rng.sample(topics, min(len(topics), b.rng.randint(1, 2)))
                body += "\n\n" + " ".join(f"#{tag}" for tag in tags)
            elif b.rng.random() < 0.08:
                others = unique(readers, without=[author])
                if others:
                    body += f" cc @{b.rng.choice(others).handle}"
            plan = PostPlan(
                when=moment(),
                author=author,
                body=body,
                community=b.communities.get(place),
            )
            b.discussion(plan, readers, place)
            plans.append(plan)

    for _ in range(PRAISES):
        author = b.pick_author("profile")
        colleagues = b.people.colleagues(author)
        if not colleagues:
            continue
        thanked = b.rng.choice(colleagues)
        template = b.rng.choice(PRAISE_TEMPLATES)
        plan = PostPlan(
            when=moment(),
            author=author,
            praised=[thanked],
            body=template.format(
                handle=thanked.handle,
                client=b.rng.choice(CLIENTS),
                city=b.rng.choice(CITIES),
            ),
        )
        b.discussion(plan, colleagues, "profile")
        plans.append(plan)

    # Shares of posts anyone can read (open communities), a day or two later.
    shareable = [
        plan
        for plan in plans
        if plan.community is not None
        and plan.community.kind == CommunityKind.OPEN
        and plan.when < day_time(3, 0)
    ]
    for original in b.sample_plans(shareable, SHARES):
        sharer = b.pick_author("profile")
        if sharer.pk == original.author.pk:
            continue
        share_day = original.when // 1440 + b.rng.randint(1, 2)
        share = PostPlan(
            when=share_day * 1440 + b.rng.randint(8 * 60, 18 * 60),
            author=sharer,
            share_of=original,
            body=b.rng.choice(SHARE_BODIES),
        )
        share.reactions = [
            (u, b.emoji()) for u in b.sample(b.people.colleagues(sharer), b.rng.randint(0, 4))
        ]
        plans.append(share)
    return plans


def tags_called_for(place: str, body: str) -> list[str]:
    """The #tags a post's own words call for (the watch community always has #veille)."""
    text = body.lower()
    topics = [tag for tag, words in TOPIC_WORDS.items() if any(w in text for w in words)]
    if place in ("veille", "python") and "veille" not in topics:
        topics.append("veille")
    return topics
