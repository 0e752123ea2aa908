"""The social demo: the personas' stories exist with their markers, invariants hold, and
the same seed writes the same conversations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from cercle.access.posts import PostPolicy
from cercle.accounts.models import User
from cercle.communities.models import (
    Community,
    CommunityKind,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from cercle.core.uploads import classify_upload
from cercle.demo.build import build_demo_company
from cercle.demo.company import ALEXANDRA, CEO, FRANCK, SOPHIE, THOMAS
from cercle.demo.social import (
    CODIR,
    CROISSANCE,
    RESULTS_PDF,
    SUD_OUEST,
    TENDER_PDF,
    THANKS_REPLY,
    VEILLE,
    WELCOME,
    demo_pdf,
    social_steps,
)
from cercle.follows.models import Follow, HashtagFollow
from cercle.posts.models import Attachment, Comment, Emoji, Mention, Post, PostKind, Reaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return build_demo_company(users=60, seed=2015)


def person(persona) -> User:
    return User.objects.get(email=persona.email)


def owner_of(community: Community) -> User:
    return Membership.objects.get(community=community, role=Role.OWNER).user


def member_ids(community: Community) -> set[int]:
    return set(Membership.objects.filter(community=community).values_list("user_id", flat=True))


def assert_valid_pdf(data: bytes) -> None:
    """Every cross-reference entry points at its object: readers open it without repair."""
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\n(\d+)\n", data).group(1))
    assert data[start:].startswith(b"xref\n0 ")
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n ", data[start:])]
    assert offsets
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(b"%d 0 obj" % number)
    length = int(re.search(rb"/Length (\d+)", data).group(1))
    stream = data.index(b"stream\n") + len(b"stream\n")
    assert data[stream + length :].startswith(b"\nendstream")


def test_counts_and_invariants(demo) -> None:
    social = demo.social
    assert social is not None
    assert social.communities == Community.objects.count() >= 9
    # The libraries' documents have posts of their own (their feed items), not counted.
    assert social.posts == Post.objects.exclude(kind=PostKind.DOCUMENT).count() >= 30
    assert social.comments == Comment.objects.count() > 0
    assert social.reactions == Reaction.objects.count() > 0
    assert social.attachments == Attachment.objects.count() == 2
    # The services kept the counters right.
    for community in Community.objects.annotate(n=Count("memberships")):
        assert community.member_count == community.n, community.name
        assert community.posts.count() >= 2, community.name
    for post in Post.objects.annotate(n=Count("comments")):
        assert post.comment_count == post.n
        assert post.body_html or post.kind in (PostKind.SHARE, PostKind.DOCUMENT)
    # Six weeks of history, in story order, never in the future.
    now = timezone.now()
    conversations = Post.objects.exclude(kind=PostKind.DOCUMENT)  # documents: by last version
    times = list(conversations.order_by("id").values_list("created_at", flat=True))
    assert times == sorted(times)
    assert now - timedelta(days=50) < times[0] and times[-1] < now
    assert not Post.objects.filter(created_at__gt=now).exists()
    for comment in Comment.objects.select_related("post"):
        assert comment.post.created_at < comment.created_at <= comment.post.last_activity_at < now
    assert not Reaction.objects.filter(created_at__gt=now).exists()


def test_welcome_community_teaches_the_newcomer(demo) -> None:
    sophie = person(SOPHIE)
    welcome = Community.objects.get(name=WELCOME)
    assert welcome.kind == CommunityKind.OPEN and owner_of(welcome) == sophie
    assert welcome.member_count == User.objects.count()
    pinned = Post.objects.get(community=welcome, pinned_at__isnull=False)
    assert pinned.author == sophie
    for words in ("communautés", "Suivre", "hashtag", "#bienvenue", f"@{sophie.handle}"):
        assert words in pinned.body
    assert 'class="hashtag"' in pinned.body_html and 'class="mention"' in pinned.body_html


def test_story_a_thomas_gets_a_reusable_brief_from_his_region(demo) -> None:
    thomas = person(THOMAS)
    assert thomas.handle == "thomas.lefebvre"
    manager = thomas.manager
    team = Community.objects.get(name=SUD_OUEST)
    assert team.kind == CommunityKind.PRIVATE
    assert owner_of(team) == manager
    sellers = User.objects.filter(department__name="Ventes", region__name="Sud-Ouest")
    assert set(sellers.values_list("pk", flat=True)) <= member_ids(team)
    request = JoinRequest.objects.get(community=team, status=RequestStatus.PENDING)
    assert request.user.department.name == "Ingénierie"
    assert request.user_id not in member_ids(team)

    post = Post.objects.get(author=thomas, community=team, kind=PostKind.POST)
    assert "appel d'offres" in post.body and "#appeldoffres" in post.body
    assert "mémoire technique" in post.body and "maintenance ferroviaire" in post.body
    assert f"@{manager.handle}" in post.body
    assert Mention.objects.filter(post=post, comment=None, user=manager).exists()
    assert post.hashtags.filter(key="appeldoffres").exists()

    attachment = Attachment.objects.get(name=TENDER_PDF)
    assert attachment.kind == "pdf" and attachment.post == post
    helpful = attachment.comment
    assert helpful is not None and helpful.parent is None and helpful.author != thomas
    assert helpful.author.pk in member_ids(team)
    assert Reaction.objects.filter(comment=helpful, user=thomas, emoji=Emoji.LIKE).exists()
    reply = Comment.objects.get(post=post, author=thomas)
    assert reply.body == THANKS_REPLY and reply.parent == helpful
    assert post.comments.exclude(author=thomas).values("author").distinct().count() == 2

    with attachment.file.open("rb") as handle:
        data = handle.read()
    assert classify_upload(attachment.name, data, max_bytes=10**6).kind == "pdf"
    assert_valid_pdf(data)
    assert b"maintenance ferroviaire" in data


def test_story_b_alexandra_publishes_the_quarterly_results(demo) -> None:
    alexandra, franck, ceo = person(ALEXANDRA), person(FRANCK), person(CEO)
    croissance = Community.objects.get(name=CROISSANCE)
    assert croissance.kind == CommunityKind.PRIVATE and owner_of(croissance) == alexandra
    assert {franck.pk, ceo.pk} <= member_ids(croissance)
    assert 6 <= croissance.member_count <= 16
    departments = User.objects.filter(pk__in=member_ids(croissance)).values("department")
    assert departments.distinct().count() >= 4
    post = Post.objects.get(author=alexandra, community=croissance, hashtags__key="resultats")
    assert "#résultats" in post.body
    attachment = post.attachments.get()
    assert attachment.name == RESULTS_PDF and attachment.kind == "pdf"
    assert attachment.comment is None
    assert post.reactions.filter(comment=None).count() >= 3
    assert post.comments.values("author").distinct().count() >= 2


def test_story_c_franck_article_and_alexandra_praise(demo) -> None:
    alexandra, franck = person(ALEXANDRA), person(FRANCK)
    assert franck.handle == "franck.bernard"
    veille = Community.objects.get(name=VEILLE)
    assert veille.kind == CommunityKind.OPEN and owner_of(veille) == franck
    article = Post.objects.get(
        author=franck, community=veille, body__contains="nouvelles technologies de développement"
    )
    assert {"veille", "python", "kubernetes"} <= set(article.hashtags.values_list("key", flat=True))
    praise = Post.objects.get(author=alexandra, kind=PostKind.PRAISE)
    assert praise.community is None
    assert praise.body == (
        "Merci @franck.bernard pour ton excellent article sur les nouvelles technologies "
        "de développement !"
    )
    assert list(praise.praise_recipients.values_list("user", flat=True)) == [franck.pk]
    assert Mention.objects.filter(post=praise, user=franck).exists()
    assert praise.created_at > article.created_at
    assert Post.objects.filter(kind=PostKind.SHARE, shared_post=article).exists()


def test_story_d_codir_stays_secret(demo) -> None:
    thomas, alexandra, ceo = person(THOMAS), person(ALEXANDRA), person(CEO)
    codir = Community.objects.get(name=CODIR)
    assert codir.kind == CommunityKind.SECRET and owner_of(codir) == ceo
    directors = set(User.objects.filter(manager=ceo).values_list("pk", flat=True))
    assert member_ids(codir) == directors | {ceo.pk}
    assert alexandra.pk in member_ids(codir) and thomas.pk not in member_ids(codir)
    tagged = Post.objects.filter(hashtags__key="codir")
    assert tagged.exists()
    assert set(tagged.values_list("community", flat=True)) == {codir.pk}
    confidential = tagged.get(author=ceo)
    assert confidential.comments.filter(author=alexandra).exists()
    assert not PostPolicy.visible(thomas, tagged).exists()
    assert PostPolicy.visible(alexandra, tagged).count() == tagged.count()


def test_story_e_thomas_field_feedback(demo) -> None:
    thomas = person(THOMAS)
    post = Post.objects.get(author=thomas, community=None)
    assert "#retourterrain" in post.body and len(post.body) < 280
    assert post.hashtags.filter(key="retourterrain").exists()


def test_network_follows(demo) -> None:
    thomas, alexandra, franck = person(THOMAS), person(ALEXANDRA), person(FRANCK)
    with_manager = User.objects.filter(manager__isnull=False)
    for user in with_manager:
        assert Follow.objects.filter(follower=user, followee=user.manager).exists()
    followed = Follow.objects.values("follower").annotate(n=Count("id"))
    assert min(row["n"] for row in followed) >= 3
    assert Follow.objects.filter(follower=alexandra, followee=franck).exists()
    assert {"appeldoffres", "ferroviaire"} <= set(
        HashtagFollow.objects.filter(user=thomas).values_list("hashtag__key", flat=True)
    )
    assert {"veille", "python"} <= set(
        HashtagFollow.objects.filter(user=franck).values_list("hashtag__key", flat=True)
    )


@pytest.mark.parametrize("users", [20, 40])
def test_small_companies_still_have_every_story(users: int) -> None:
    build_demo_company(users=users, seed=3)
    thomas = person(THOMAS)
    assert Post.objects.filter(author=thomas, community__name=SUD_OUEST).exists()
    assert Attachment.objects.filter(name=TENDER_PDF, comment__isnull=False).exists()
    assert Attachment.objects.filter(name=RESULTS_PDF).exists()
    assert Post.objects.filter(
        kind=PostKind.PRAISE, praise_recipients__user__email=FRANCK.email
    ).exists()
    assert Post.objects.filter(hashtags__key="codir", community__name=CODIR).exists()
    assert Post.objects.filter(author=thomas, hashtags__key="retourterrain").exists()
    assert Post.objects.filter(community__name=WELCOME, pinned_at__isnull=False).exists()


@pytest.mark.django_db(transaction=True)  # flush between builds needs real transactions
def test_same_seed_same_conversations() -> None:
    def snapshot() -> tuple[list[str], list[str]]:
        return (
            list(Post.objects.order_by("id").values_list("body", flat=True)),
            list(Comment.objects.order_by("id").values_list("body", flat=True)),
        )

    build_demo_company(users=60, seed=2015)
    first = snapshot()
    call_command("flush", interactive=False, verbosity=0)
    build_demo_company(users=60, seed=2015)
    assert snapshot() == first
    call_command("flush", interactive=False, verbosity=0)
    build_demo_company(users=60, seed=2016)
    assert snapshot() != first


def test_full_size_company() -> None:
    steps: list[int] = []
    result = build_demo_company(users=300, seed=2015, progress=steps.append)
    assert sum(steps) == 300 + social_steps(300)  # the progress bar ends at 100 %
    social = result.social
    assert social is not None and social.communities == 11
    assert Post.objects.count() >= 100 and Comment.objects.count() >= 100
    authors = Post.objects.values("author").distinct().count()
    assert 30 <= authors <= 80
    assert set(Reaction.objects.values_list("emoji", flat=True)) == set(Emoji.values)
    tagged = Post.objects.filter(hashtags__isnull=False).distinct().count()
    assert 0.15 <= tagged / Post.objects.count() <= 0.45
    assert Comment.objects.filter(parent__isnull=False).count() >= 10
    assert Post.objects.filter(kind=PostKind.SHARE).count() >= 2
    assert 30 <= Community.objects.get(name=VEILLE).member_count <= 45


@pytest.mark.django_db(transaction=True)  # --reset flushes, which needs real transactions
def test_command_summary_and_no_social(capsys) -> None:
    call_command("demo", users=40, no_social=True)
    assert User.objects.count() == 40
    assert not Post.objects.exists() and not Community.objects.exists()
    call_command("demo", users=40, reset=True, no_input=True)
    assert "Social content: 11 communities" in capsys.readouterr().out


def test_demo_pdf_escapes_and_encodes_french() -> None:
    data = demo_pdf("Éléments (confidentiels)", ["Coût : 12 €, voir \\ annexe (B)."])
    assert_valid_pdf(data)
    assert b"(\xc9l\xe9ments \\(confidentiels\\))" in data
    assert b"\x80" in data  # the euro sign in WinAnsiEncoding


def test_story_f_the_tender_kit_and_the_project_minutes_are_real_files(demo) -> None:
    from cercle.documents.models import Document, ReferenceKind
    from cercle.tasks.worker import run_pending

    team = Community.objects.get(name=SUD_OUEST)
    kit = Document.objects.filter(community=team, folder__name="Kit appel d'offres")
    offer = kit.get(title="Offre type maintenance.docx")
    assert offer.reference == ReferenceKind.TEMPLATE and offer.version_count == 4
    authors = set(offer.versions.values_list("uploaded_by_id", flat=True))
    assert len(authors) == 2 and authors <= member_ids(team)
    dates = list(offer.versions.order_by("number").values_list("created_at", flat=True))
    assert dates == sorted(dates) and offer.updated_at == dates[-1]
    assert {d.reference for d in kit} == {ReferenceKind.TEMPLATE, ReferenceKind.REFERENCE}
    assert {d.current.kind for d in kit} == {"office", "pdf"}

    project = Community.objects.get(name=CROISSANCE)
    minutes = Document.objects.get(community=project, title="Compte rendu comité 3 décembre.docx")
    assert minutes.version_count == 2 and minutes.current.note
    assert minutes.created_by.pk in member_ids(project)

    run_pending()  # what the worker does once Cercle runs: every file reads
    for document in Document.objects.select_related("current"):
        assert document.current.preview == "ready", (document.title, document.current.problem)
    assert "Taux horaire technicien : 66" in " ".join(
        offer.current.pages.values_list("text", flat=True)
    )
