"""The demo's state while it is built, and how a planned post is published.

Everything goes through the same services as the web app; only timestamps are
rewritten afterwards (a service always stamps "now").
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from django.utils import timezone

from cercle.access.hashtags import HashtagAction, HashtagPolicy
from cercle.accounts.models import User
from cercle.communities import services as communities
from cercle.communities.models import (
    Community,
    CommunityKind,
    Invitation,
    Membership,
    Role,
)
from cercle.core.rendering import hashtag_key
from cercle.demo.social.plans import (
    CommentPlan,
    People,
    PostPlan,
    Progress,
    SocialResult,
    day_time,
    social_steps,
    unique,
)
from cercle.demo.social.texts import (
    CITIES,
    CLIENTS,
    COMMENT_EXTRAS,
    COMMENTS,
    DAYS,
    EMOJI_WEIGHTS,
    EMOJIS,
    HISTORY_DAYS,
    REPLIES,
    TECHS,
)
from cercle.follows.models import Follow, HashtagFollow
from cercle.follows.services import follow, hashtag_follow
from cercle.posts import services as posts
from cercle.posts.models import Attachment, Comment, Emoji, Hashtag, Post, PostHashtag, Reaction


class SocialBuilder:
    """The demo's state while it is built: people, places, clock, randomness, counts."""

    def __init__(self, *, seed: int, progress: Callable[[int], object]) -> None:
        self.rng = random.Random(seed)
        self.people = People()
        self.progress = Progress(progress, social_steps(len(self.people.all)))
        self.result = SocialResult()
        self.now = timezone.now()
        self.midnight = timezone.localtime(self.now).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        self.communities: dict[str, Community] = {}
        self.members: dict[str, list[User]] = {}
        self.readers: dict[str, list[User]] = {}  # members, plus passers-by for open ones
        self.weights = self._author_weights()

    # -- time --------------------------------------------------------------

    def at(self, when: int) -> datetime:
        """The moment ``when`` minutes after today 00:00 (local time), never in the future."""
        return min(self.midnight + timedelta(minutes=when), self.now - timedelta(minutes=1))

    @staticmethod
    def office_hours(moment: datetime) -> datetime:
        """Move a night-time moment to the next morning: people comment at work, not at 3 am.

        Keeps the minute, so moments computed one after the other stay in order.
        """
        local = timezone.localtime(moment)
        if local.hour >= 20:
            local = (local + timedelta(days=1)).replace(hour=7)
        elif local.hour < 7:
            local = local.replace(hour=7)
        return local

    # -- people --------------------------------------------------------------

    def _author_weights(self) -> dict[int, float]:
        """A few very active authors, many quiet ones (personas tell their own stories)."""
        pool = [u for u in self.people.all if u.pk not in self.people.personas]
        self.rng.shuffle(pool)
        weights: dict[int, float] = {}
        for rank, person in enumerate(pool[:38]):
            weights[person.pk] = 10.0 if rank < 3 else 3.0 if rank < 10 else 1.0
        weights[self.people.franck.pk] = 3.0
        weights[self.people.sophie.pk] = 5.0
        return weights

    def pick_author(self, place: str) -> User:
        candidates = [
            u
            for u in self.members.get(place, self.people.all)
            if u.pk not in self.people.personas or u.pk in self.weights
        ]
        if place == "sud_ouest":  # keep Thomas's tender the only one he writes there
            candidates = [u for u in candidates if u.pk != self.people.thomas.pk]
        candidates = candidates or [self.people.sophie]
        weights = [self.weights.get(u.pk, 0.03) for u in candidates]
        return self.rng.choices(candidates, weights=weights)[0]

    def sample(self, people: Sequence[User], k: int, *, without: Sequence[User] = ()) -> list[User]:
        pool = unique(people, without=without)
        return self.rng.sample(pool, max(0, min(k, len(pool))))

    # -- communities ---------------------------------------------------------

    def community(
        self,
        key: str,
        *,
        name: str,
        description: str,
        kind: str,
        owner: User,
        members: Sequence[User],
        managers: Sequence[User] = (),
        days_ago: int,
    ) -> Community:
        community = communities.community_create(
            actor=owner, name=name, description=description, kind=kind
        )
        joined = unique(members, without=[owner])
        for person in joined:
            if kind != CommunityKind.OPEN:
                communities.community_invite(actor=owner, community=community, user=person)
            communities.community_join(actor=person, community=community)
            if key == "welcome":
                self.progress.step()
        for person in managers:
            if person.pk != owner.pk and any(p.pk == person.pk for p in joined):
                communities.member_set_role(
                    actor=owner, community=community, user=person, role=Role.MANAGER
                )
        created = self.at(day_time(days_ago, 9, self.rng.randint(0, 59)))
        Community.objects.filter(pk=community.pk).update(created_at=created)
        Membership.objects.filter(community=community).update(created_at=created)
        Invitation.objects.filter(community=community).update(created_at=created)
        self.communities[key] = community
        self.members[key] = [owner, *joined]
        readers = list(self.members[key])
        if kind == CommunityKind.OPEN:
            readers += self.sample(self.people.all, 8, without=readers)
        self.readers[key] = readers
        self.result.communities += 1
        self.progress.step()
        return community

    # -- network -------------------------------------------------------------

    def build_follows(self) -> None:
        p = self.people
        for person in p.all:
            manager = p.manager(person)
            if manager is not None:
                follow(follower=person, followee=manager)
            for colleague in self.sample(p.colleagues(person), self.rng.randint(3, 10)):
                follow(follower=person, followee=colleague)
            self.progress.step()
        pairs = [
            (p.alexandra, p.franck),
            (p.franck, p.alexandra),
            (p.alexandra, p.ceo),
            (p.thomas, p.alexandra),
            *((p.sophie, u) for u in (p.ceo, p.alexandra, p.franck, p.thomas)),
            *((p.ceo, u) for u in p.directors),
        ]
        for follower, followee in pairs:
            if follower.pk != followee.pk:
                follow(follower=follower, followee=followee)
        Follow.objects.filter(created_at__gte=self.now).update(
            created_at=self.at(day_time(HISTORY_DAYS + 1, 10))
        )

    def hashtag(self, name: str) -> Hashtag:
        tag, _created = Hashtag.objects.get_or_create(
            key=hashtag_key(name), defaults={"name": name}
        )
        return tag

    def build_hashtag_follows(self) -> None:
        p = self.people
        wanted = [
            (p.thomas, "appeldoffres"),
            (p.thomas, "ferroviaire"),
            (p.franck, "veille"),
            (p.franck, "python"),
            (p.alexandra, "résultats"),
            (p.alexandra, "veille"),
        ]
        for person in self.sample(p.in_department("Ingénierie"), 8):
            wanted.append((person, self.rng.choice(["sécurité", "qualité", "ferroviaire"])))
        for person in p.in_department("Ressources humaines"):
            wanted.append((person, "recrutement"))
        for person in self.sample(p.in_department("Services informatiques"), 10):
            wanted.append((person, self.rng.choice(["veille", "python", "innovation"])))
        for person, name in wanted:
            tag = self.hashtag(name)
            # One follows a topic one has seen used (a small company may lack some).
            if HashtagPolicy.can(person, HashtagAction.FOLLOW, tag):
                hashtag_follow(user=person, hashtag=tag)
        HashtagFollow.objects.filter(created_at__gte=self.now).update(
            created_at=self.at(day_time(HISTORY_DAYS - 5, 11))
        )

    # -- conversations: background activity ----------------------------------

    def emoji(self) -> str:
        return self.rng.choices(EMOJIS, weights=EMOJI_WEIGHTS)[0]

    def fill(
        self, template: str, *, author: User, readers: Sequence[User], op: User | None = None
    ) -> str:
        """``template`` with its placeholders; ``{op}`` is the post's author (in comments)."""
        others = unique(readers, without=[author]) or unique(self.people.all, without=[author])
        mention = "@" + self.rng.choice(others).handle
        return template.format(
            op="@" + op.handle if op is not None else mention,
            mention=mention,
            city=self.rng.choice(CITIES),
            client=self.rng.choice(CLIENTS),
            tech=self.rng.choice(TECHS),
            day=self.rng.choice(DAYS),
            n=self.rng.randint(3, 60),
        )

    def discussion(self, plan: PostPlan, readers: Sequence[User], place: str) -> None:
        """Comments on about half the posts (0-5, some replies), and reactions.

        Each comment gets at most one reply, and no text is said twice in a
        thread: repeated lines are what gives generated content away.
        """
        others = unique(readers, without=[plan.author])
        if others and self.rng.random() < 0.55:
            count = self.rng.choices([1, 2, 3, 4, 5], weights=[30, 28, 20, 12, 10])[0]
            pool = [*COMMENTS, *COMMENT_EXTRAS[place]]
            self.rng.shuffle(pool)
            replies = list(REPLIES)
            self.rng.shuffle(replies)
            unanswered: list[int] = []
            for _ in range(count):
                if unanswered and self.rng.random() < 0.3:
                    parent_index = unanswered.pop(self.rng.randrange(len(unanswered)))
                    parent = plan.comments[parent_index]
                    replier = plan.author
                    if parent.author.pk == plan.author.pk:
                        replier = self.rng.choice(others)
                    body = replies.pop().format(handle=parent.author.handle)
                    plan.comments.append(CommentPlan(replier, body, reply_to=parent_index))
                    continue
                author = self.rng.choice(others)
                body = self.fill(pool.pop(), author=author, readers=readers, op=plan.author)
                comment = CommentPlan(author, body)
                if self.rng.random() < 0.25:
                    comment.reactions = [
                        (u, Emoji.LIKE) for u in self.sample(readers, 2, without=[author])
                    ]
                unanswered.append(len(plan.comments))
                plan.comments.append(comment)
        count = self.rng.choices([0, 1, 2, 3, 5, 8, 12], weights=[15, 20, 20, 15, 15, 10, 5])[0]
        plan.reactions = [(u, self.emoji()) for u in self.sample(others, count)]

    def sample_plans(self, plans: Sequence[PostPlan], k: int) -> list[PostPlan]:
        return self.rng.sample(list(plans), min(k, len(plans)))

    # -- publishing -----------------------------------------------------------

    def publish(self, plan: PostPlan) -> None:
        posted_at = self.at(plan.when)
        shared = plan.share_of.post if plan.share_of is not None else None
        post = posts.post_create(
            author=plan.author,
            body=plan.body,
            community=plan.community,
            uploads=plan.uploads,
            praised=plan.praised,
            shared_post=shared,
        )
        plan.post = post
        self.result.posts += 1
        self.result.attachments += len(plan.uploads)
        Post.objects.filter(pk=post.pk).update(created_at=posted_at, last_activity_at=posted_at)
        PostHashtag.objects.filter(post=post).update(created_at=posted_at)
        if plan.uploads:
            Attachment.objects.filter(post=post).update(created_at=posted_at)
        if plan.pin:
            posts.post_pin(actor=plan.author, post=post, pinned=True)
            Post.objects.filter(pk=post.pk).update(pinned_at=posted_at)
        self.progress.step()

        moment, last = posted_at, posted_at
        total = len(plan.comments)
        for index, item in enumerate(plan.comments):
            moment = self.office_hours(
                moment + timedelta(minutes=self.rng.randint(*plan.comment_gap))
            )
            # Strictly increasing, and never later than a few minutes ago.
            moment = min(moment, self.now - timedelta(minutes=2 * (total - index)))
            parent = plan.comments[item.reply_to].comment if item.reply_to is not None else None
            comment = posts.comment_create(
                author=item.author, post=post, body=item.body, parent=parent, uploads=item.uploads
            )
            item.comment = comment
            Comment.objects.filter(pk=comment.pk).update(created_at=moment)
            if item.uploads:
                Attachment.objects.filter(comment=comment).update(created_at=moment)
            self.result.comments += 1
            self.result.attachments += len(item.uploads)
            for user, emoji in item.reactions:
                self.react(post, user, emoji, after=moment, comment=comment)
            last = moment
            self.progress.step()
        Post.objects.filter(pk=post.pk).update(last_activity_at=last)
        for user, emoji in plan.reactions:
            self.react(post, user, emoji, after=posted_at)

    def react(
        self, post: Post, user: User, emoji: str, *, after: datetime, comment: Comment | None = None
    ) -> None:
        posts.reaction_set(user=user, post=post, emoji=emoji, on=True, comment=comment)
        moment = self.office_hours(after + timedelta(minutes=self.rng.randint(3, 900)))
        moment = min(moment, self.now - timedelta(seconds=30))
        Reaction.objects.filter(post=post, comment=comment, user=user, emoji=emoji).update(
            created_at=moment
        )
        self.result.reactions += 1
