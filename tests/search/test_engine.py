"""Search relevance: the same corpus, the same answers, on SQLite and on PostgreSQL.

CI runs this file on both databases; each case lists exactly which posts a
query must find (the set, not the order: ranking formulas differ).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts import services as posts
from cercle.posts.models import Post
from cercle.search import engine, selectors
from cercle.search.models import EntryKind, SearchEntry
from cercle.search.text import parse, snippet

pytestmark = pytest.mark.django_db

CORPUS = {
    "tender": "Réponse à l'appel d'offres ferroviaire de la SNCF : mémoire technique joint.",
    "tender2": "Nouvel appel d'offre pour la maintenance des voies à Toulouse.",
    "tenders_en": "We won two rail tenders this quarter.",
    "devs": "Nous recrutons des développeurs Python pour l'équipe data.",
    "devs_en": "Our developers shipped the new monitoring dashboard.",
    "reseau": "Panne du réseau informatique à Bordeaux ce matin.",
    "reseaux": "Les réseaux sociaux d'entreprise facilitent la collaboration.",
    "soudure": "Formation soudure TIG pour les techniciens de maintenance.",
    "kube": "Migration vers Kubernetes terminée, bravo à l'équipe plateforme.",
    "securite": "Rappel sécurité : port des EPI obligatoire sur le chantier.",
    "qualite": "Audit qualité ISO 9001 réussi à Nantes.",
    "contrat": "Le contrat de maintenance ferroviaire a été signé hier.",
    "materiel": "La maintenance du matériel roulant ferroviaire est planifiée.",
    "donnees": "Protection des données personnelles : la formation RGPD est ouverte.",
    "running": "Running the weekly meeting remotely from Lyon.",
    "networks": "Networks and networking events in Lyon next month.",
    "ile": "Ouverture d'une agence en Île-de-France au printemps.",
    "noel": "Le repas de Noël aura lieu le 18 décembre.",
}

CASES = [
    # Stemming and accents, French
    ("appel d'offre", {"tender", "tender2"}),
    ("appels d'offres", {"tender", "tender2"}),
    ("APPEL D'OFFRES", {"tender", "tender2"}),
    ("offres", {"tender", "tender2"}),
    ("reseau", {"reseau", "reseaux"}),
    ("réseaux", {"reseau", "reseaux"}),
    ("developpeurs", {"devs"}),
    ("développeur", {"devs"}),
    ("ferroviaires", {"tender", "contrat", "materiel"}),
    ("securite", {"securite"}),
    ("SÉCURITÉ", {"securite"}),
    ("qualité", {"qualite"}),
    ("donnée", {"donnees"}),
    ("soudure", {"soudure"}),
    ("formations", {"soudure", "donnees"}),
    ("technicien", {"soudure"}),
    ("ile de france", {"ile"}),
    ("noel", {"noel"}),
    ("maintenance", {"tender2", "soudure", "contrat", "materiel"}),
    # Stemming, English
    ("tender", {"tenders_en"}),
    ("developer", {"devs_en"}),  # stemming, not translation
    ("network", {"networks"}),
    ("run", {"running"}),
    ("meetings", {"running"}),
    # Several words: all must be there (in any order)
    ("maintenance ferroviaire", {"contrat", "materiel"}),
    ("ferroviaire maintenance", {"contrat", "materiel"}),
    ("lyon meeting", {"running"}),
    ("appel offres toulouse", {"tender2"}),
    # Phrases: the words in a row
    ('"maintenance ferroviaire"', {"contrat"}),
    ('"appel d\'offres ferroviaire"', {"tender"}),
    ('"réseaux sociaux"', {"reseaux"}),
    ('"sociaux réseaux"', set()),
    # Exclusions
    ("maintenance -ferroviaire", {"tender2", "soudure"}),
    ("lyon -networks", {"running"}),
    ('appel -"appel d\'offre ferroviaire"', {"tender2"}),
    ("reseau -bordeaux", {"reseaux"}),
    # Stop words alone still search; among other words they are ignored
    ("la", {"reseaux", "tender", "materiel", "donnees", "tender2"}),
    ("le contrat", {"contrat"}),
    ("the tenders", {"tenders_en"}),
    # Numbers and mixed tokens
    ("9001", {"qualite"}),
    ("iso 9001", {"qualite"}),
    # Nothing
    ("kubernetess", set()),
    ("zzzz", set()),
    ("", set()),
    ("-maintenance", set()),  # only an exclusion: no search
]


@pytest.fixture
def corpus(user, other):
    return {key: posts.post_create(author=other, body=text).pk for key, text in CORPUS.items()}


def found(viewer, q: str) -> set[int]:
    entries = selectors.conversations(viewer=viewer, query=parse(q))
    return {e.post_id for e in entries}


@pytest.mark.parametrize(("q", "expected"), CASES, ids=[c[0] or "(empty)" for c in CASES])
def test_relevance_corpus(user, corpus, q, expected) -> None:
    assert found(user, q) == {corpus[k] for k in expected}


def test_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def test_prefix_for_suggestions_as_you_type(user, corpus) -> None:
    entries = selectors.conversations(viewer=user, query=parse("ferrov", prefix_last=True))
    assert {e.post_id for e in entries} == {
        corpus["tender"],
        corpus["contrat"],
        corpus["materiel"],
    }
    assert found(user, "ferrov") == set()  # a whole word, not a prefix
    # A whole word typed last is a prefix of its stem: "offres" finds "offre".
    typed = selectors.conversations(viewer=user, query=parse("appels d'offres", prefix_last=True))
    assert {e.post_id for e in typed} == {corpus["tender"], corpus["tender2"]}


def test_relevance_ranks_before_recency(user, other) -> None:
    once = posts.post_create(author=other, body="Un mot sur la soudure parmi beaucoup d'autres.")
    many = posts.post_create(author=other, body="Soudure, soudure : la soudure avant tout.")
    newer = posts.post_create(author=other, body="Encore une mention de soudure.")
    order = [e.post_id for e in selectors.conversations(viewer=user, query=parse("soudure"))]
    assert order[0] == many.pk
    assert set(order) == {once.pk, many.pk, newer.pk}


def test_comments_are_found_and_edits_and_deletions_follow(user, other) -> None:
    post = posts.post_create(author=other, body="Question sur les délais")
    comment = posts.comment_create(author=user, post=post, body="Voir le planning ferroviaire")
    entries = selectors.conversations(viewer=user, query=parse("planning"))
    assert [(e.kind, e.comment_id) for e in entries] == [(EntryKind.COMMENT, comment.pk)]
    posts.comment_edit(actor=user, comment=comment, body="Voir le calendrier")
    assert not selectors.conversations(viewer=user, query=parse("planning")).exists()
    assert selectors.conversations(viewer=user, query=parse("calendrier")).count() == 1
    posts.post_edit(actor=other, post=post, body="Question sur les échéances")
    assert found(user, "délais") == set() and found(user, "echeance") == {post.pk}
    posts.post_delete(actor=other, post=post)
    assert not SearchEntry.objects.filter(post_id=post.pk).exists()
    assert found(user, "calendrier") == set()


def test_file_names_are_searchable(user, other) -> None:
    post = posts.post_create(
        author=other,
        body="Voici notre réponse",
        uploads=[posts.Upload("Mémoire technique - maintenance ferroviaire.pdf", b"%PDF-1.4\n")],
    )
    assert found(user, "memoire technique") == {post.pk}


def test_secret_and_private_content_never_leaks(user, other, staff) -> None:
    secret = communities.community_create(
        actor=other, name="Comité de direction", kind=CommunityKind.SECRET
    )
    private = communities.community_create(
        actor=other, name="Sud-Ouest", kind=CommunityKind.PRIVATE
    )
    hidden = posts.post_create(author=other, community=secret, body="Projet de rachat confidentiel")
    closed = posts.post_create(author=other, community=private, body="Rachat du dépôt de Pau")
    posts.comment_create(author=other, post=hidden, body="Le rachat avance")
    assert found(user, "rachat") == set()  # neither the posts nor the comment
    assert selectors.conversations(viewer=user, query=parse("rachat")).count() == 0
    assert not selectors.communities(viewer=user, query=parse("direction")).exists()
    assert selectors.communities(viewer=user, query=parse("sud ouest")).count() == 1
    assert found(other, "rachat") == {hidden.pk, closed.pk}  # a member finds both
    assert selectors.communities(viewer=other, query=parse("direction")).count() == 1
    communities.community_invite(actor=other, community=private, user=user)
    communities.community_join(actor=user, community=private)
    assert found(user, "rachat") == {closed.pk}
    assert found(staff, "rachat") == {hidden.pk, closed.pk}  # site admins see everything


def test_filters(user, other, staff) -> None:
    veille = communities.community_create(actor=other, name="Veille", kind=CommunityKind.OPEN)
    in_veille = posts.post_create(author=other, community=veille, body="Veille sur l'hydrogène")
    by_staff = posts.post_create(author=staff, body="Notes sur l'hydrogène")
    query = parse("hydrogene")
    assert {e.post_id for e in selectors.conversations(viewer=user, query=query)} == {
        in_veille.pk,
        by_staff.pk,
    }
    only = selectors.Filters(community=veille)
    assert [e.post_id for e in selectors.conversations(viewer=user, query=query, filters=only)] == [
        in_veille.pk
    ]
    mine = selectors.Filters(author=staff)
    assert [e.post_id for e in selectors.conversations(viewer=user, query=query, filters=mine)] == [
        by_staff.pk
    ]
    today = timezone.localdate(in_veille.created_at)  # dates are the site's days, not UTC's
    later = selectors.Filters(since=today.replace(year=today.year + 1))
    assert not selectors.conversations(viewer=user, query=query, filters=later).exists()
    both = selectors.Filters(since=today, until=today)
    assert selectors.conversations(viewer=user, query=query, filters=both).count() == 2


def test_snippets_mark_matches_and_escape_html() -> None:
    text = "Avant. " * 40 + "Le <script>réseau</script> & les Réseaux sociaux, puis la suite."
    html = snippet(text, parse("reseau"))
    assert "<mark>réseau</mark>" in html and "<mark>Réseaux</mark>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.startswith("…")
    assert snippet("Rien à voir", parse("reseau")) == "Rien à voir"


def test_reindex_rebuilds_everything(user, other, corpus) -> None:
    from django.core.management import call_command

    veille = communities.community_create(actor=other, name="Veille techno", kind="open")
    posts.comment_create(author=user, post=Post.objects.get(pk=corpus["kube"]), body="Top")
    before = sorted(SearchEntry.objects.values_list("kind", "object_id", "terms_fr"))
    SearchEntry.objects.all().delete()
    assert found(user, "kubernetes") == set()
    call_command("reindex", "--quiet")
    assert sorted(SearchEntry.objects.values_list("kind", "object_id", "terms_fr")) == before
    assert found(user, "kubernetes") == {corpus["kube"]}
    assert [e.community for e in selectors.communities(viewer=user, query=parse("veille"))] == [
        veille
    ]
    call_command("reindex", "--if-empty", "--quiet")  # already full: nothing to do
    assert len(before) == SearchEntry.objects.count()


def test_a_very_common_word_is_ranked_within_the_newest_matches(
    user, other, logged_client, monkeypatch
) -> None:
    monkeypatch.setattr(engine, "WINDOW", 3)
    made = [posts.post_create(author=other, body=f"Point qualité numéro {n}") for n in range(5)]
    mine = posts.post_create(author=user, body="Qualité, qualité, qualité : mon bilan")
    newest = selectors.conversations(viewer=user, query=parse("qualité"))
    assert not newest.complete and newest.count() == 3
    assert newest[0].post_id == mine.pk  # most relevant of the window first
    assert {e.post_id for e in newest} == {mine.pk, made[4].pk, made[3].pk}
    # Narrowed by author: the newest matches *of that author*, all of them.
    only = selectors.conversations(
        viewer=user, query=parse("qualité"), filters=selectors.Filters(author=other)
    )
    assert only.complete is False and [e.post_id for e in only] == [p.pk for p in made[:1:-1]]
    rare = selectors.conversations(viewer=user, query=parse("bilan"))
    assert rare.complete and [e.post_id for e in rare] == [mine.pk]
    page = logged_client.get("/search/", {"q": "qualité"}).content.decode()
    assert "(3+)" in page
    api = logged_client.get("/api/v1/search", {"q": "qualité"}).json()
    assert api["count"] == 3 and api["complete"] is False


def test_the_window_never_reveals_what_the_viewer_may_not_see(
    user, other, logged_client, monkeypatch
) -> None:
    """Secret matches fill the newest window: the outsider's count and flag ignore them."""
    monkeypatch.setattr(engine, "WINDOW", 2)
    public = posts.post_create(author=other, body="Le projet zorglub démarre")
    secret = communities.community_create(
        actor=other, name="Cellule secrète", kind=CommunityKind.SECRET
    )
    for n in range(6):
        posts.post_create(author=other, community=secret, body=f"zorglub, étape {n}")
    found = selectors.conversations(viewer=user, query=parse("zorglub"))
    assert found.complete and [e.post_id for e in found] == [public.pk]
    api = logged_client.get("/api/v1/search", {"q": "zorglub"}).json()
    assert (api["count"], api["complete"]) == (1, True)
    assert "(1+)" not in logged_client.get("/search/", {"q": "zorglub"}).content.decode()
    member = selectors.conversations(viewer=other, query=parse("zorglub"))
    assert not member.complete and member.count() == 2


def test_rebuild_writes_entries_in_time_order(user, other) -> None:
    """Search takes "the newest" by id: a rebuild must give ids in created_at order."""
    from datetime import timedelta

    from django.utils import timezone

    from cercle.search.index import rebuild

    first = posts.post_create(author=other, body="Premier message")
    second = posts.post_create(author=other, body="Second message")
    posts.comment_create(author=user, post=first, body="Une réponse")
    Post.objects.filter(pk=second.pk).update(created_at=timezone.now() - timedelta(days=30))
    rebuild()
    stamps = list(SearchEntry.objects.order_by("id").values_list("created_at", flat=True))
    assert stamps == sorted(stamps) and len(stamps) == 3


@pytest.mark.parametrize(("q", "expected"), CASES, ids=[c[0] or "(empty)" for c in CASES])
def test_python_matching_agrees_with_the_database(user, corpus, q, expected) -> None:
    """``text.matches`` (used for small sets such as communities) follows the same rules.

    So does its screen: it lets through every entry that matches (and may let others).
    """
    from cercle.search.text import matches

    query = parse(q)
    rows = SearchEntry.objects.filter(kind=EntryKind.POST).values_list(
        "post_id", "terms_fr", "terms_en"
    )
    in_python = {post_id for post_id, fr, en in rows if matches(query, fr, en)}
    screened = {post_id for post_id, _, _ in rows.filter(engine.screen(query))}
    assert in_python == found(user, q) == {corpus[k] for k in expected}
    assert in_python <= screened
    if query and expected:
        assert len(screened) < len(rows)  # it does screen


@pytest.fixture
def share_statistics_reset():
    engine._stats.read_at = float("-inf")
    yield
    engine._stats.read_at = float("-inf")


@pytest.mark.parametrize("way", ["walk", "gin", "gin-recent-first"])
@pytest.mark.parametrize(("q", "expected"), CASES, ids=[c[0] or "(empty)" for c in CASES])
def test_every_way_to_the_newest_matches_agrees(
    user, corpus, q, expected, way, monkeypatch, share_statistics_reset
) -> None:
    """PostgreSQL walks the newest entries or reads the GIN index (the newest ids first,
    then all of them when that is not enough): the same matches every way."""
    if connection.vendor != "postgresql":
        pytest.skip("one way only on SQLite: FTS5 gives its matches by rowid")
    monkeypatch.setattr(engine, "WALK_SHARE", 0.0 if way == "walk" else 2.0)
    if way == "gin-recent-first":
        # A range of the 3 newest ids: enough for one match, rarely for 100.
        monkeypatch.setattr(engine, "recent_span", lambda share, limit: 3)
    query = parse(q)
    newest = engine._newest_matches(query, 100) if query else []
    assert newest == sorted(newest, reverse=True)
    posts_found = set(SearchEntry.objects.filter(pk__in=newest).values_list("post_id", flat=True))
    assert posts_found == {corpus[k] for k in expected}
    if query:  # a limit keeps the newest
        assert engine._newest_matches(query, 1) == newest[:1]


def test_the_newest_ids_first_then_all_of_them(user, monkeypatch, share_statistics_reset) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("one way only on SQLite: FTS5 gives its matches by rowid")
    monkeypatch.setattr(engine, "WALK_SHARE", 2.0)  # through GIN
    monkeypatch.setattr(engine, "recent_span", lambda share, limit: 3)  # the 3 newest ids
    old = posts.post_create(author=user, body="Le projet zorglub démarre")
    for n in range(5):
        posts.post_create(author=user, body=f"Autre sujet, numéro {n}")
    new = posts.post_create(author=user, body="Le projet zorglub avance")
    posts.post_create(author=user, body="Encore un autre sujet")
    entry = dict(SearchEntry.objects.filter(kind="post").values_list("object_id", "id"))
    query = parse("zorglub")
    with CaptureQueriesContext(connection) as one:
        assert engine._newest_matches(query, 1) == [entry[new.pk]]
    assert sum('"id" >' in q["sql"] for q in one.captured_queries) == 1
    with CaptureQueriesContext(connection) as two:  # the range holds one: then all of them
        assert engine._newest_matches(query, 2) == [entry[new.pk], entry[old.pk]]
    assert sum("zorglub" in q["sql"] for q in two.captured_queries) == 2


def test_the_newest_ids_are_looked_in_first_only_for_fairly_common_words(monkeypatch) -> None:
    monkeypatch.setattr(engine._stats, "last_id", 1_670_000)  # 1M posts
    assert engine.recent_span(0.008, 625) == 234_375  # "cloud": 3 x 625 of its entries
    assert engine.recent_span(0.0, 625) is None  # rarer than the statistics know
    assert engine.recent_span(0.003, 625) is None  # 37 % of the entries: all of them


def test_the_share_of_a_query_comes_from_postgresql_statistics(
    user, corpus, share_statistics_reset
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's FTS5 needs no estimate")
    for i in range(40):
        posts.post_create(author=user, body=f"Tournée de maintenance numéro {i}.")
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{SearchEntry._meta.db_table}"')
    maintenance = engine.estimated_share(parse("maintenance"))
    assert 0.5 < maintenance <= 1.0  # most entries are about maintenance now
    assert engine.estimated_share(parse("maint", prefix_last=True)) >= maintenance
    # A query is bounded by its rarest word; unknown words count as rare.
    assert engine.estimated_share(parse("maintenance tournée")) <= maintenance
    assert engine.estimated_share(parse("maintenance zzzunknown")) == 0.0
    assert engine.estimated_share(parse("maintenance -tournée")) == maintenance
    assert engine.estimated_share(parse('"tournée de maintenance"')) <= maintenance


def test_topics_are_suggested_only_from_posts_the_viewer_may_see(user, other, staff) -> None:
    secret = communities.community_create(actor=other, name="Direction", kind=CommunityKind.SECRET)
    open_one = communities.community_create(actor=other, name="Veille", kind=CommunityKind.OPEN)
    posts.post_create(author=other, community=secret, body="Point #rachatpau et #rachatlyon")
    posts.post_create(author=other, community=open_one, body="Revue de #rachatlyon")

    def tags(viewer, q: str) -> list[str]:
        return list(selectors.hashtags(viewer=viewer, q=q).values_list("key", flat=True))

    assert tags(user, "rachat") == ["rachatlyon"]  # #rachatpau lives in a secret community
    assert tags(other, "#Rachat") == ["rachatlyon", "rachatpau"]
    assert tags(staff, "rachat") == ["rachatlyon", "rachatpau"]
    assert tags(user, "r") == []  # too short to suggest
    assert tags(user, "zz") == []
