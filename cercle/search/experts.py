"""The expert finder, "Qui sait ?": colleagues ranked by evidence, each with the reasons.

For a subject (typed like a search: "appel d'offres ferroviaire", "#kubernetes"),
the evidence for a person is:

* the skills they declared that match it, and how many colleagues endorse them;
* their posts and comments that match it (the search index);
* their answers: comments in conversations whose post matches it;
* the reactions those posts, comments and answers received;
* the communities where all of that happened.

Only what the asker may see counts.  Content evidence comes from the search
index filtered by the posts' visibility rule inside the same statement as the
match, so activity in a secret community never reaches someone outside it,
not even as a number.  Declared skills and endorsements are profile facts,
as visible as the profile itself.

A person can hide a subject (``HiddenTopic``): their activity on it then
stops counting; the skills they declared still do, since they chose to
show them.

Cost: the content evidence reads at most ``EVIDENCE_WINDOW`` matching entries
(the most recent), so a subject that half the company writes about costs the
same as a rare one; for such a subject the counts are those of recent activity.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cercle.access.base import Viewer, viewer_pk
from cercle.access.people import ProfilePolicy
from cercle.access.posts import post_q
from cercle.accounts.models import Department, Region, Skill, User, UserSkill
from cercle.communities.models import Community
from cercle.core.sql import in_ids
from cercle.core.text import fold
from cercle.posts.models import Comment, Reaction
from cercle.search import engine
from cercle.search.models import EntryKind, HiddenTopic, SearchEntry
from cercle.search.text import SearchQuery, parse, words

# Matching posts and comments read, the most recent first.  500 recent items
# tell who is active on a subject as well as 1,000 did, and at 1M posts on
# PostgreSQL reading 1,000 (and their comments and reactions) cost a fifth
# more for every subject that common.
EVIDENCE_WINDOW = 500
LIMIT = 20
SHOWN_COMMUNITIES = 2

# What each kind of evidence weighs.  Counts go through log2(1 + n): the tenth
# post on a subject says less than the first, and nobody wins by volume alone.
# Having helped on the subject (answers) weighs most; a declared skill weighs
# by how much of the subject it covers ("Ferroviaire" is a third of "appel
# d'offres ferroviaire").
WEIGHT_SKILL = 4.0
WEIGHT_ENDORSEMENTS = 2.0
WEIGHT_POSTS = 3.0
WEIGHT_COMMENTS = 2.0
WEIGHT_ANSWERS = 5.0
WEIGHT_REACTIONS = 1.5


@dataclass(frozen=True, slots=True)
class ExpertFilters:
    """Where the expert should be: all optional."""

    region: Region | None = None
    department: Department | None = None
    site: str = ""

    def people_q(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}is_active": True})
        if self.region is not None:
            q &= Q(**{f"{prefix}region": self.region})
        if self.department is not None:
            q &= Q(**{f"{prefix}department": self.department})
        if self.site:
            q &= Q(**{f"{prefix}site__iexact": self.site})
        return q


@dataclass(frozen=True, slots=True)
class SkillEvidence:
    name: str
    key: str
    endorsements: int
    coverage: float = 1.0  # the share of the subject's words the skill names


@dataclass(slots=True)
class Tally:
    """The evidence gathered for one person, before they are looked up."""

    skills: list[SkillEvidence] = field(default_factory=list)
    posts: int = 0
    comments: int = 0
    answers: int = 0
    reactions: int = 0

    @property
    def score(self) -> float:
        return (
            sum(
                s.coverage * (WEIGHT_SKILL + WEIGHT_ENDORSEMENTS * _weight(s.endorsements))
                for s in self.skills
            )
            + WEIGHT_POSTS * _weight(self.posts)
            + WEIGHT_COMMENTS * _weight(self.comments)
            + WEIGHT_ANSWERS * _weight(self.answers)
            + WEIGHT_REACTIONS * _weight(self.reactions)
        )


def _weight(count: int) -> float:
    return math.log2(1 + count)


@dataclass(slots=True)
class Expert:
    """A suggested person with everything that explains the suggestion."""

    person: User
    score: float
    skills: list[SkillEvidence]
    posts: int
    comments: int
    answers: int
    reactions: int
    communities: list[Community]

    @property
    def reasons(self) -> list[str]:
        """The evidence in words, strongest kind first (translated)."""
        out: list[str] = []
        for skill in self.skills:
            if skill.endorsements:
                out.append(
                    ngettext(
                        "Skill “%(skill)s”, endorsed by %(count)d colleague",
                        "Skill “%(skill)s”, endorsed by %(count)d colleagues",
                        skill.endorsements,
                    )
                    % {"skill": skill.name, "count": skill.endorsements}
                )
            else:
                out.append(_("Skill “%(skill)s” on their profile") % {"skill": skill.name})
        written = []
        if self.posts:
            written.append(
                ngettext("%(count)d post", "%(count)d posts", self.posts) % {"count": self.posts}
            )
        if self.comments:
            written.append(
                ngettext("%(count)d comment", "%(count)d comments", self.comments)
                % {"count": self.comments}
            )
        if written:
            out.append(_("%(what)s on the subject") % {"what": _(" and ").join(written)})
        if self.answers:
            out.append(
                ngettext(
                    "%(count)d answer in conversations on the subject",
                    "%(count)d answers in conversations on the subject",
                    self.answers,
                )
                % {"count": self.answers}
            )
        if self.reactions:
            out.append(
                ngettext(
                    "%(count)d reaction from colleagues",
                    "%(count)d reactions from colleagues",
                    self.reactions,
                )
                % {"count": self.reactions}
            )
        if self.communities:
            out.append(
                _("active in %(communities)s")
                % {"communities": ", ".join(c.name for c in self.communities)}
            )
        return out

    @property
    def explanation(self) -> str:
        return ", ".join(self.reasons)


# --- Subjects -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subject:
    """What a query, a skill or a hidden topic is about, as comparable stems."""

    key: str  # folded words without spaces: "appelsdoffres"
    fr: frozenset[str]
    en: frozenset[str]

    def within(self, other: Subject) -> bool:
        """Every word of this subject is in ``other`` (by its French or English stem)."""
        return bool(self.fr) and (self.fr <= other.fr or self.en <= other.en)


_CAMEL = re.compile(r"(?<=[^\W\d_])(?=[A-Z][a-z])|(?<=[a-z])(?=[A-Z])")


@lru_cache(maxsize=16384)
def subject_of(text: str) -> Subject:
    """The subject of a query, a skill's name or a hidden topic.

    Stems leave stop words out (as search does); the key keeps every word, so
    "#AppelsDOffres" and "appels d'offres" share the key "appelsdoffres".  A
    CamelCase #topic counts as its words: "#AppelsDOffres" is "appels d offres".
    """
    positive = parse(_CAMEL.sub(" ", text)).positive
    return Subject(
        key="".join(w for token in text.split() if not token.startswith("-") for w in words(token)),
        fr=frozenset(s for t in positive for s in t.fr),
        en=frozenset(s for t in positive for s in t.en),
    )


def skill_matches(skill: Subject, query: Subject) -> bool:
    """A skill matches when it covers the query or the query covers it.

    "Appels d'offres" answers "appel d'offres ferroviaire"; "Soudure" answers
    "soudure"; "Maintenance ferroviaire" does not answer "appel d'offres".
    """
    return skill.key == query.key or skill.within(query) or query.within(skill)


def hides(topic: HiddenTopic, query: Subject) -> bool:
    """A hidden topic covers the query when the query contains all its words."""
    hidden = Subject(
        key=topic.key,
        fr=frozenset(topic.stems_fr.split()),
        en=frozenset(topic.stems_en.split()),
    )
    return hidden.key == query.key or hidden.within(query)


def excluded_by(query: SearchQuery, label: str) -> bool:
    """``-word`` in the query rules out a skill containing that word."""
    subject = subject_of(label)
    return any(
        all(s in subject.fr for s in t.fr) or all(s in subject.en for s in t.en)
        for t in query.terms
        if t.excluded
    )


# --- The finder --------------------------------------------------------------------------


def coverage(skill: Subject, query: Subject) -> float:
    """How much of the query a matching skill covers, from 0 to 1."""
    if skill.key == query.key or query.within(skill):
        return 1.0
    share_fr = len(skill.fr & query.fr) / (len(query.fr) or 1)
    share_en = len(skill.en & query.en) / (len(query.en) or 1)
    return max(share_fr, share_en)


def _matching_skills(query: SearchQuery, wanted: Subject) -> dict[int, float]:
    """Skill id -> coverage, for the skills that match the query."""
    found = {}
    for pk, name in Skill.objects.values_list("pk", "name"):
        subject = subject_of(name)
        if skill_matches(subject, wanted) and not excluded_by(query, name):
            found[pk] = coverage(subject, wanted)
    return found


def find_experts(
    *,
    viewer: Viewer,
    q: str,
    filters: ExpertFilters | None = None,
    limit: int = LIMIT,
) -> list[Expert]:
    """People who know about the subject ``q``, best first, the asker left out.

    A constant number of queries (9 at most) whatever the subject and the
    number of people found.
    """
    filters = filters or ExpertFilters()
    query = parse(q[:200])
    if not query:
        return []
    wanted = subject_of(q[:200])
    me = viewer_pk(viewer)
    found: dict[int, Tally] = defaultdict(Tally)

    # 1. Declared skills, with their endorsements.
    skills = _matching_skills(query, wanted)
    if skills:
        for user_id, skill_id, name, key, endorsements in (
            UserSkill.objects.filter(filters.people_q("user__"), skill_id__in=skills)
            .annotate(endorsed=Count("endorsements"))
            .values_list("user_id", "skill_id", "skill__name", "skill__key", "endorsed")
        ):
            found[user_id].skills.append(
                SkillEvidence(name, key, endorsements, coverage=skills[skill_id])
            )

    # 2. What they wrote that matches, within what the asker may read (visibility in
    # the query: a burst where the asker cannot read pushes nothing out).  The asker's
    # own posts stay: the answers others gave them there are evidence (step 3).
    visible = SearchEntry.objects.filter(
        Q(kind=EntryKind.POST) | Q(kind=EntryKind.COMMENT),
        post_q(viewer, "post__"),
        filters.people_q("person__"),
    )
    # Recent activity: the newest matches of the whole company, then those of the
    # people wanted (a region, a department, a site) that the asker may read.
    window, _complete = engine.newest(
        visible,
        query,
        size=EVIDENCE_WINDOW,
        columns=("id", "kind", "post_id", "comment_id", "person_id", "community_id"),
    )
    matched_posts: dict[int, int] = {}  # post id -> its author, for the posts that match
    matched_comments: set[int] = set()
    activity: dict[int, Counter[int]] = defaultdict(Counter)  # person -> community -> count
    author_of: dict[tuple[str, int], int] = {}  # ("p"|"c", id) -> author, for reactions
    for _id, kind, post_id, comment_id, person_id, community_id in window:
        e = found[person_id]
        if kind == EntryKind.POST:
            e.posts += 1
            matched_posts[post_id] = person_id
            author_of["p", post_id] = person_id
        else:
            e.comments += 1
            matched_comments.add(comment_id)
            author_of["c", comment_id] = person_id
        if community_id is not None:
            activity[person_id][community_id] += 1

    # 3. Answers: their comments in the conversations that match (the post is visible).
    if matched_posts:
        for comment_id, author_id, community_id in (
            Comment.objects.filter(
                filters.people_q("author__"), in_ids(Comment, "post_id", matched_posts)
            )
            .exclude(author_id=F("post__author_id"))
            .values_list("pk", "author_id", "post__community_id")
        ):
            if comment_id in matched_comments:
                continue  # already counted as a comment on the subject
            found[author_id].answers += 1
            author_of["c", comment_id] = author_id
            if community_id is not None:
                activity[author_id][community_id] += 1

    # 4. Reactions received on all of it (not one's own).
    if author_of:
        comment_ids = [pk for (kind, pk) in author_of if kind == "c"]
        post_ids = [pk for (kind, pk) in author_of if kind == "p"]
        reactions = Reaction.objects.filter(
            Q(in_ids(Reaction, "comment_id", comment_ids))
            | Q(in_ids(Reaction, "post_id", post_ids), comment__isnull=True)
        ).values_list("post_id", "comment_id", "user_id")
        for post_id, comment_id, user_id in reactions:
            target = ("c", comment_id) if comment_id is not None else ("p", post_id)
            author = author_of.get(target)
            if author is not None and author != user_id:
                found[author].reactions += 1

    found.pop(me or 0, None)
    if not found:
        return []

    # 5. Hidden subjects: their activity on it no longer counts.
    for topic in HiddenTopic.objects.filter(in_ids(HiddenTopic, "user_id", found)):
        e = found[topic.user_id]
        if hides(topic, wanted):
            e.posts = e.comments = e.answers = e.reactions = 0
            activity.pop(topic.user_id, None)

    scores = {pk: tally.score for pk, tally in found.items()}
    ranked = sorted((pk for pk in found if scores[pk] > 0), key=lambda pk: -scores[pk])

    # 6. The people themselves (listed ones only), then 7. the communities named.
    shortlist = ranked[: limit * 2]
    people = ProfilePolicy.listed(viewer, User.objects.select_related("department", "region"))
    by_pk = people.in_bulk(shortlist)
    chosen = [pk for pk in shortlist if pk in by_pk][:limit]
    top_communities = {
        pk: [c for c, _n in activity[pk].most_common(SHOWN_COMMUNITIES)] if pk in activity else []
        for pk in chosen
    }
    communities = Community.objects.in_bulk({c for cs in top_communities.values() for c in cs})
    experts = [
        Expert(
            person=by_pk[pk],
            score=scores[pk],
            skills=sorted(found[pk].skills, key=lambda s: (-s.coverage, -s.endorsements, s.name)),
            posts=found[pk].posts,
            comments=found[pk].comments,
            answers=found[pk].answers,
            reactions=found[pk].reactions,
            communities=[communities[c] for c in top_communities[pk] if c in communities],
        )
        for pk in chosen
    ]
    experts.sort(key=lambda e: (-e.score, fold(e.person.name), e.person.pk))
    return experts
