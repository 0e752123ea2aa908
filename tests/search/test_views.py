from __future__ import annotations

from html import unescape

import pytest

from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts import services as posts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(user, other):
    sud = communities.community_create(
        actor=other, name="Commerciaux Sud-Ouest", kind=CommunityKind.OPEN
    )
    tender = posts.post_create(
        author=other,
        community=sud,
        body="Notre réponse à l'appel d'offres ferroviaire #appeldoffres",
        uploads=[posts.Upload("Mémoire technique.pdf", b"%PDF-1.4\n")],
    )
    reply = posts.comment_create(author=user, post=tender, body="Bravo pour l'appel d'offres !")
    return {"sud": sud, "tender": tender, "reply": reply}


def test_search_page_tabs_counts_and_highlights(logged_client, scene) -> None:
    page = logged_client.get("/search/", {"q": "appels d'offre"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/posts/{scene['tender'].pk}/" in html
    assert f"#comment-{scene['reply'].pk}" in html
    assert "<mark>appel</mark>" in html and "<mark>offres</mark>" in html
    assert page.context["counts"]["posts"] == 2
    posts_tab = logged_client.get("/search/", {"q": "appel d'offres", "tab": "posts"})
    assert posts_tab.context["page"].paginator.count == 2
    tags = logged_client.get("/search/", {"q": "appeldo", "tab": "hashtags"})
    assert "/tags/appeldoffres/" in tags.content.decode()
    people = logged_client.get("/search/", {"q": "Girard", "tab": "people"})
    assert "Alexandra Girard" in people.content.decode()
    where = logged_client.get("/search/", {"q": "commerciaux", "tab": "communities"})
    assert scene["sud"].get_absolute_url() in where.content.decode()
    fragment = logged_client.get(
        "/search/", {"q": "memoire", "tab": "posts"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.content.decode() and "/posts/" in fragment.content.decode()


def test_suggestions_offer_recent_conversations_as_you_type(logged_client, scene) -> None:
    box = logged_client.get("/search/suggest/", {"q": "appels d'off"}).content.decode()
    # People and topics at once; conversations load on their own, right after.
    assert 'hx-get="/search/suggest/conversations/?q=appels%20d%27off"' in box
    url = "/search/suggest/conversations/"
    html = logged_client.get(url, {"q": "appels d'off"}).content.decode()
    assert "Conversations récentes" in html
    assert f'href="/posts/{scene["tender"].pk}/"' in html
    assert f'href="/posts/{scene["tender"].pk}/#comment-{scene["reply"].pk}"' in html
    assert "<mark>appel</mark>" in html and "Alexandra Girard · Commerciaux Sud-Ouest" in html
    assert "/posts/" not in logged_client.get(url, {"q": "ferroviaire soudure"}).content.decode()
    assert logged_client.get(url, {"q": "ap"}).content.decode().strip() == ""  # too short
    nothing = logged_client.get("/search/suggest/", {"q": "zzqx"}).content.decode()
    assert "Aucune personne, communauté ni sujet de ce nom." in nothing


def test_search_page_filters_and_empty_states(logged_client, user, scene) -> None:
    only = logged_client.get(
        "/search/",
        {"q": "appel", "tab": "posts", "author": user.pk, "community": scene["sud"].slug},
    )
    assert only.status_code == 200
    assert [hit.entry.comment_id for hit in only.context["hits"]] == [scene["reply"].pk]
    # An open community the viewer has not joined is offered while it filters.
    assert only.context["community_choices"][0] == scene["sud"]
    assert f'value="@{user.handle}" ' in only.content.decode()  # the author, as typed back
    assert logged_client.get("/search/").context["q"] == ""
    nothing = logged_client.get("/search/", {"q": "zzzxq"})
    assert "Aucun résultat pour « zzzxq »" in nothing.content.decode()


def test_community_filter_offers_my_communities(logged_client, user, other, scene) -> None:
    mine = communities.community_create(actor=user, name="Achats", kind=CommunityKind.PRIVATE)
    page = logged_client.get("/search/", {"q": "appel"})
    assert page.context["community_choices"] == [mine]
    html = page.content.decode()
    assert f'<option value="{mine.slug}">Achats</option>' in html
    assert "Commerciaux Sud-Ouest</option>" not in html  # not joined, not chosen


@pytest.mark.parametrize("secret", [False, True])
def test_unknown_or_secret_community_filter_is_refused(logged_client, other, scene, secret) -> None:
    codir = communities.community_create(actor=other, name="Codir", kind=CommunityKind.SECRET)
    posts.post_create(author=other, community=codir, body="L'appel d'offres confidentiel")
    slug = codir.slug if secret else "nope"
    response = logged_client.get("/search/", {"q": "appel", "community": slug})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cette communauté n'existe pas." in unescape(html)
    assert "Aucune recherche lancée" in html
    assert "confidentiel" not in html and "Codir" not in html
    assert "counts" not in response.context


def test_written_by_takes_a_name_or_a_handle(logged_client, user, other, scene) -> None:
    by_name = logged_client.get("/search/", {"q": "appel", "tab": "posts", "by": "girard"})
    assert by_name.context["filter_author"] == other
    assert [hit.entry.post_id for hit in by_name.context["hits"]] == [scene["tender"].pk]
    by_handle = logged_client.get("/search/", {"q": "appel", "by": f"@{user.handle}"})
    assert by_handle.context["filter_author"] == user
    assert by_handle.context["counts"]["posts"] == 1
    ignored = logged_client.get("/search/", {"q": "appel", "by": " @ "})
    assert ignored.status_code == 200 and ignored.context["filter_author"] is None


def test_written_by_asks_which_namesake_or_says_nobody(logged_client, scene) -> None:
    first = UserFactory(first_name="Marie", last_name="Martin", job_title="Acheteuse")
    UserFactory(first_name="Marie", last_name="Martineau")
    UserFactory(first_name="Marie", last_name="Dupont")
    exact = logged_client.get("/search/", {"q": "appel", "by": "Marie Martin"})
    assert exact.context["filter_author"] == first  # the exact name wins over Martineau
    several = logged_client.get("/search/", {"q": "appel", "by": "marie"})
    assert several.status_code == 400
    assert len(several.context["namesakes"]) == 3
    html = several.content.decode()
    assert "Plusieurs personnes correspondent" in html
    assert f"author={first.pk}" in html and "Marie Martin · Acheteuse" in html
    nobody = logged_client.get("/search/", {"q": "appel", "by": "Zorglub"})
    assert nobody.status_code == 400
    assert "Personne ne porte ce nom." in nobody.content.decode()
    assert "counts" not in nobody.context
    gone = logged_client.get("/search/", {"q": "appel", "author": 999_999})
    assert gone.status_code == 400 and "Personne ne porte ce nom." in gone.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "appel", "since": "31/02/2026"},
        {"q": "appel", "since": "2026-05-01", "until": "2026-04-01"},
        {"q": "appel", "tab": "planets"},
        {"q": "appel", "page": "0"},
        {"q": "x" * 201},
    ],
)
def test_search_page_bad_input_is_refused_clearly(logged_client, scene, params) -> None:
    response = logged_client.get("/search/", params)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert "counts" not in response.context


def test_search_api(logged_client, scene, user) -> None:
    data = logged_client.get("/api/v1/search", {"q": "appel d'offres"}).json()
    assert data["count"] == 2 and data["pages"] == 1
    kinds = {(hit["kind"], hit["id"]) for hit in data["results"]}
    assert kinds == {("post", scene["tender"].pk), ("comment", scene["reply"].pk)}
    assert all("<mark>" in hit["snippet_html"] for hit in data["results"])
    tender = next(hit for hit in data["results"] if hit["kind"] == "post")
    assert tender["community"]["slug"] == scene["sud"].slug
    assert tender["author"]["name"] == "Alexandra Girard"
    assert (
        logged_client.get("/api/v1/search", {"q": "girard", "type": "people"}).json()["count"] == 1
    )
    bad = logged_client.get(
        "/api/v1/search", {"q": "a", "since": "2026-05-01", "until": "2026-04-01"}
    )
    assert bad.status_code == 422 and "until" in bad.json()["error"]["fields"]
    assert logged_client.get("/api/v1/search", {"q": "a", "community": "nope"}).status_code == 422
    unknown = logged_client.get("/api/v1/search", {"q": "a", "author": 999_999})
    assert unknown.status_code == 422 and "author" in unknown.json()["error"]["fields"]
    assert logged_client.get("/api/v1/search", {"q": "a", "type": "planets"}).status_code == 422
    assert logged_client.get("/api/v1/search", {"q": "a", "page": 0}).status_code == 422


@pytest.mark.parametrize("since", ["-5.737118677251248e-139", "1700000000", "7", "2026-5-1"])
def test_search_api_takes_dates_as_written_not_as_seconds(logged_client, scene, since) -> None:
    """A number was read as seconds since 1970 and answered 200 (found by schemathesis)."""
    bad = logged_client.get(
        "/api/v1/search",
        {"q": "", "type": "communities", "since": since},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert bad.status_code == 422
    assert "since" in bad.json()["error"]["fields"]
    assert "AAAA-MM-JJ" in bad.content.decode()
    good = logged_client.get("/api/v1/search", {"q": "appel", "since": "2020-01-31"})
    assert good.status_code == 200 and good.json()["count"] == 2


def test_people_search_ignores_plurals_and_finds_skills(logged_client, other) -> None:
    from cercle.accounts import services as accounts

    accounts.profile_update(
        actor=other, user=other, data={"job_title": "Développeuse", "skills": ["Soudure TIG"]}
    )
    for q in ("développeuses", "DEVELOPPEUSE", "soudures", "girard soudure"):
        found = logged_client.get("/api/v1/search", {"q": q, "type": "people"}).json()
        assert [hit["id"] for hit in found["results"]] == [other.pk], q
    for q in ("soudure python", "rard", "oudure"):  # every word; word starts only
        nobody = logged_client.get("/api/v1/search", {"q": q, "type": "people"})
        assert nobody.json()["count"] == 0, q
    other.is_active = False  # gone: found neither by name nor by skill
    other.save()
    for q in ("girard", "soudure"):
        gone = logged_client.get("/api/v1/search", {"q": q, "type": "people"})
        assert gone.json()["count"] == 0, q


@pytest.mark.parametrize("tab", ["all", "posts", "people"])
def test_search_page_queries_do_not_grow_with_its_results(logged_client, scene, tab) -> None:
    """Each hit's author, community and files, each person's skills: read per page, not per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cercle.accounts.models import UserSkill
    from cercle.accounts.services import skill_for

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = logged_client.get("/search/", {"q": "chantier", "tab": tab})
        assert page.status_code == 200
        return len(captured)

    def write(n: int) -> None:
        naval = skill_for("Chantier naval")
        for i in range(n):
            author = UserFactory(job_title="Chef de chantier")
            UserSkill.objects.create(user=author, skill=naval)
            posts.post_create(
                author=author,
                body=f"Visite du chantier {i}",
                uploads=[posts.Upload(f"plan-{i}.pdf", b"%PDF-1.4\n")],
            )

    write(1)
    few = queries()
    write(6)
    assert queries() == few
