"""What the demo plans before it publishes: posts and their conversations, the people index,
the progress report, and the PDF the stories attach.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cercle.accounts.models import User
from cercle.communities.models import (
    Community,
)
from cercle.demo.company import ALEXANDRA, CEO, FRANCK, SOPHIE, THOMAS
from cercle.demo.social.texts import (
    BACKGROUND_POSTS,
    FULL_SCALE,
)
from cercle.posts import services as posts
from cercle.posts.models import Comment, Post


@dataclass(slots=True)
class SocialResult:
    """What the social demo created (printed by ``cercle demo``)."""

    communities: int = 0
    posts: int = 0
    comments: int = 0
    reactions: int = 0
    attachments: int = 0

    def summary(self) -> str:
        return (
            f"{self.communities} communities, {self.posts} posts, {self.comments} comments, "
            f"{self.reactions} reactions, {self.attachments} attachments"
        )


def scale(users: int) -> float:
    return min(1.0, users / FULL_SCALE)


def background_count(place: str, users: int) -> int:
    return max(2, round(BACKGROUND_POSTS[place] * scale(users)))


def social_steps(users: int) -> int:
    """How many ``progress`` steps ``build_social_demo`` reports for ``users`` people.

    One step per community, per person joining the welcome community, per
    person's follows, per post and per comment. The number of comments is only
    known once planned, so the build reports exactly this total: it holds back
    surplus steps and pays any shortfall at the end (the bar ends at 100 %).
    """
    posts_ = sum(background_count(place, users) for place in BACKGROUND_POSTS) + 8
    return 11 + 2 * users + posts_ + round(posts_ * 1.6)


def demo_pdf(title: str, paragraphs: Sequence[str]) -> bytes:
    """A valid one-page PDF 1.4 of French text, written by hand (no PDF library needed).

    Helvetica with WinAnsiEncoding covers French accents; the cross-reference
    table holds the exact byte offset of each object, so readers and text
    extractors open it without repairing it.
    """

    def literal(text: str) -> bytes:
        raw = text.encode("cp1252", errors="replace")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, 88))
        lines.append("")
    operations = [b"BT", b"/F1 16 Tf", b"72 770 Td", literal(title) + b" Tj", b"/F1 11 Tf"]
    operations += [b"15 TL", b"0 -12 Td"]
    operations += [b"T* " + literal(line) + b" Tj" for line in lines[:44]]
    operations.append(b"ET")
    stream = b"\n".join(operations)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Title %s /Producer (Cercle demo) >>" % literal(title),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@dataclass(slots=True)
class CommentPlan:
    author: User
    body: str
    reply_to: int | None = None  # index of a top-level comment of the same post
    uploads: list[posts.Upload] = field(default_factory=list)
    reactions: list[tuple[User, str]] = field(default_factory=list)
    comment: Comment | None = None


@dataclass(slots=True)
class PostPlan:
    """One post to publish, with its conversation; ``when`` is in minutes from today 00:00."""

    when: int
    author: User
    body: str
    community: Community | None = None
    uploads: list[posts.Upload] = field(default_factory=list)
    praised: list[User] = field(default_factory=list)
    share_of: PostPlan | None = None
    pin: bool = False
    comment_gap: tuple[int, int] = (5, 300)  # minutes between two comments
    comments: list[CommentPlan] = field(default_factory=list)
    reactions: list[tuple[User, str]] = field(default_factory=list)
    post: Post | None = None


def day_time(days_ago: int, hour: int, minute: int = 0) -> int:
    return -days_ago * 1440 + hour * 60 + minute


class Progress:
    """Reports exactly ``total`` steps, whatever the real count turns out to be."""

    def __init__(self, callback: Callable[[int], object], total: int) -> None:
        self.callback, self.total, self.sent = callback, total, 0

    def step(self) -> None:
        if self.sent < self.total - 1:
            self.sent += 1
            self.callback(1)

    def finish(self) -> None:
        if self.sent < self.total:
            self.callback(self.total - self.sent)
            self.sent = self.total


class People:
    """Everyone, indexed by what the stories look people up by."""

    def __init__(self) -> None:
        self.all = list(
            User.objects.filter(is_active=True)
            .select_related("department", "region")
            .order_by("pk")
        )
        self.by_pk = {u.pk: u for u in self.all}
        by_email = {u.email: u for u in self.all}
        missing = [p.email for p in (CEO, THOMAS, ALEXANDRA, FRANCK) if p.email not in by_email]
        if missing:
            raise ValueError(f"The social demo needs the demo personas; missing: {missing}.")
        self.ceo = by_email[CEO.email]
        self.thomas = by_email[THOMAS.email]
        self.alexandra = by_email[ALEXANDRA.email]
        self.franck = by_email[FRANCK.email]
        # Sophie animates the network; should she be missing, her department stands in.
        self.sophie = (
            by_email.get(SOPHIE.email)
            or (self.in_department("Marketing et communication") or [self.ceo])[0]
        )
        self.personas = {self.ceo.pk, self.thomas.pk, self.alexandra.pk, self.franck.pk}
        self.personas.add(self.sophie.pk)
        self.directors = [u for u in self.all if u.manager_id == self.ceo.pk]
        self.leads = sorted({u.manager_id for u in self.all if u.manager_id} - {self.ceo.pk})
        self._groups: dict[tuple[str, str], list[User]] = {}
        self._colleagues: dict[int, list[User]] = {}

    def department(self, user: User) -> str:
        return user.department.name if user.department else ""

    def region(self, user: User) -> str:
        return user.region.name if user.region else ""

    def in_department(self, name: str) -> list[User]:
        return [u for u in self.all if self.department(u) == name]

    def in_region(self, name: str) -> list[User]:
        return [u for u in self.all if self.region(u) == name]

    def manager(self, user: User) -> User | None:
        return self.by_pk.get(user.manager_id) if user.manager_id else None

    def colleagues(self, user: User) -> list[User]:
        """Same department or same region: the people one naturally follows.

        Computed once per person (the follows ask for everyone's): a scan of the
        whole company per person would make a 1,000-person demo quadratic.
        """
        if not self._groups:
            for u in self.all:
                self._groups.setdefault(("d", self.department(u)), []).append(u)
                self._groups.setdefault(("r", self.region(u)), []).append(u)
        if user.pk not in self._colleagues:
            same = {
                u.pk
                for key in (("d", self.department(user)), ("r", self.region(user)))
                for u in self._groups.get(key, [])
            }
            same.discard(user.pk)
            self._colleagues[user.pk] = [self.by_pk[pk] for pk in sorted(same)]
        return self._colleagues[user.pk]


def unique(people: Sequence[User], *, without: Sequence[User] = ()) -> list[User]:
    """People in order, each once, leaving out ``without``."""
    seen = {u.pk for u in without}
    out = []
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            out.append(person)
    return out
