"""The API's contract: one error shape, every status documented, limits (security review M6, L3).

``test_schemathesis`` explores the whole API; these name each finding of the
review and the class of bug behind it, so a regression says what broke.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from cercle.accounts.models import User
from cercle.api.api import api
from cercle.api.throttling import parse_rate
from cercle.communities import services as communities
from cercle.posts import services as posts
from cercle.posts.models import Attachment, Post
from tests.accounts.test_api import assert_error_shape, bearer

pytestmark = pytest.mark.django_db


def _json(client: Client, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    return getattr(client, method)(
        path, data=json.dumps(body), content_type="application/json", headers=headers
    )


# --- Bodies that are not what the operation takes --------------------------------------


def test_an_oversized_json_body_answers_a_json_413(client: Client, user: User) -> None:
    """Review L3: 10 MB of JSON answered Django's HTML 400 page."""
    body = json.dumps({"body": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = client.patch(
        f"/api/v1/posts/{posts.post_create(author=user, body='x').pk}",
        data=body,
        content_type="application/json",
        headers={**bearer(user), "Accept-Language": "en"},
    )
    error = assert_error_shape(response, 413, "too_large")
    assert "10 MB" in error["message"]
    assert Post.objects.get().body == "x"


def test_an_oversized_form_body_answers_a_json_413_before_any_view(
    client: Client, user: User
) -> None:
    """The same limit hit while a middleware reads the form (Django's 400 handler)."""
    response = client.post(
        "/api/v1/posts",
        data={"body": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)},
        headers=bearer(user),
    )
    assert_error_shape(response, 413, "too_large")
    assert not Post.objects.exists()


def test_an_oversized_body_nobody_reads_is_still_a_413(client: Client, user: User) -> None:
    """JSON sent to an endpoint that takes a form was never read, and answered as empty (422)."""
    body = json.dumps({"body": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    for language, words in (("fr", "10 Mo"), ("en", "10 MB")):
        response = client.post(
            "/api/v1/posts",
            data=body,
            content_type="application/json",
            headers={**bearer(user), "Accept-Language": language},
        )
        assert words in assert_error_shape(response, 413, "too_large")["message"]
    assert not Post.objects.exists()


def test_an_oversized_form_on_a_page_answers_413_in_html(logged_client: Client) -> None:
    response = logged_client.post(
        "/posts/new/", data={"body": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "10 Mo" in response.content.decode()


@pytest.mark.parametrize("body", [[None, None], "texte", 12, None])
def test_a_body_that_is_not_an_object_is_refused(client: Client, user: User, body: Any) -> None:
    """Review L3: ``PATCH /me`` with a list answered 200 (Ninja read it as an empty object)."""
    headers = bearer(user)
    for method, path in (("patch", "/api/v1/me"), ("put", "/api/v1/notifications/settings")):
        response = _json(Client(), method, path, body, headers)
        assert response.status_code in (400, 422), (path, response.content)
        assert set(response.json()) == {"error"}
    user.refresh_from_db()
    assert user.first_name == "Thomas"


def test_malformed_json_is_a_translated_400(client: Client, user: User) -> None:
    response = client.patch(
        "/api/v1/me", data="{oops", content_type="application/json", headers=bearer(user)
    )
    assert "JSON" in assert_error_shape(response, 400, "bad_request")["message"]


def test_schema_errors_are_said_in_the_callers_language(client: Client, user: User) -> None:
    """Pydantic speaks English; the API's field messages follow the language."""
    for language, text, length in (
        ("fr", "Saisissez du texte.", "Au plus 8 caractères"),
        ("en", "Enter text.", "At most 8 characters"),
    ):
        response = _json(
            client,
            "patch",
            "/api/v1/me",
            {"job_title": 12, "language": "x" * 20},
            {**bearer(user), "Accept-Language": language},
        )
        fields = assert_error_shape(response, 422, "invalid")["fields"]
        assert fields == {"job_title": [text], "language": [fields["language"][0]]}
        assert fields["language"][0].startswith(length)


def test_a_boolean_must_be_a_json_boolean(client: Client, user: User) -> None:
    """Review L3: the schema says boolean; 0 was taken as false."""
    response = _json(
        client,
        "put",
        "/api/v1/notifications/settings",
        {"channels": [{"event": "mention", "in_app": 0, "email": "immediate"}]},
        bearer(user),
    )
    assert "channels.0.in_app" in assert_error_shape(response, 422, "invalid")["fields"]


@pytest.mark.parametrize("number", [0, -1, 2**63, 10**30])
def test_an_id_out_of_range_is_a_422_not_a_server_error(
    client: Client, user: User, number: int
) -> None:
    """Ids beyond the database's integers reached the driver (OverflowError, 500)."""
    headers = bearer(user)
    level = {"level": "mute"}
    for response in (
        client.get(f"/api/v1/posts/{number}", headers=headers),
        _json(client, "put", f"/api/v1/attention/hashtag/{number}", level, headers),
        client.post("/api/v1/posts", data={"body": "x", "praised": [number]}, headers=headers),
        client.post("/api/v1/posts", data={"shared_post_id": number}, headers=headers),
        _json(client, "post", "/api/v1/communities/x/invitations", {"user_id": number}, headers),
    ):
        assert response.status_code == 422, response.content
    assert not Post.objects.exists()


def test_a_nul_character_in_any_field_never_reaches_the_database(
    client: Client, user: User, other: User
) -> None:
    """PostgreSQL refuses NUL in text: a slug holding one made ``/move`` a 500 (schemathesis).

    Every request shape drops NUL characters, in bodies, lists and queries alike.
    """
    headers = bearer(user)
    ateliers = communities.community_create(actor=other, name="Atelier", description="")
    communities.community_join(actor=user, community=ateliers)
    post = posts.post_create(author=user, body="Bonjour")
    moved = _json(
        client, "post", f"/api/v1/posts/{post.pk}/move", {"community": "ate\x00lier"}, headers
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["community"]["slug"] == "atelier"
    nowhere = _json(
        client, "post", f"/api/v1/posts/{post.pk}/move", {"community": "\x00nulle"}, headers
    )
    assert_error_shape(nowhere, 422, "invalid")
    created = client.post("/api/v1/posts", data={"body": "a\x00b"}, headers=headers)
    assert created.status_code == 201, created.content
    assert Post.objects.get(pk=created.json()["id"]).body == "ab"
    searched = client.get("/api/v1/search", {"q": "Bon\x00jour"}, headers=headers)
    assert searched.status_code == 200, searched.content


@pytest.mark.parametrize(
    "path", ["/api/v1/communities/a%00b", "/api/v1/hashtags/a%00b", "/api/v1/users/a%00b"]
)
def test_a_nul_character_in_a_path_is_a_400(client: Client, user: User, path: str) -> None:
    """A slug holding NUL reached PostgreSQL (500); it is a malformed request."""
    assert_error_shape(client.get(path, headers=bearer(user)), 400, "bad_request")


def test_a_field_that_cannot_be_cleared_refuses_null(client: Client, user: User) -> None:
    """The schema says the kind is one of three values; null was read as "unchanged"."""
    community = communities.community_create(actor=user, name="Atelier", description="")
    response = _json(
        client,
        "patch",
        f"/api/v1/communities/{community.slug}",
        {"kind": None, "description": "Nouvelle description"},
        {**bearer(user), "Accept-Language": "en"},
    )
    assert assert_error_shape(response, 422, "invalid")["fields"] == {
        "kind": ["Leave this field out to keep its value: it cannot be null."]
    }
    community.refresh_from_db()
    assert community.description == ""


def test_files_sent_as_text_are_refused_not_ignored(client: Client, user: User) -> None:
    response = client.post(
        "/api/v1/posts", data={"body": "Voici le devis", "files": "{}"}, headers=bearer(user)
    )
    assert "files" in assert_error_shape(response, 422, "invalid")["fields"]
    assert not Post.objects.exists()


def test_a_file_missing_from_storage_is_a_404(client: Client, user: User, caplog: Any) -> None:
    post = posts.post_create(
        author=user, body="Devis", uploads=[posts.Upload("devis.pdf", b"%PDF-1.4\n%%EOF\n")]
    )
    attachment = Attachment.objects.get(post=post)
    attachment.file.storage.delete(attachment.file.name)
    with caplog.at_level(logging.ERROR, logger="cercle.posts.files"):
        response = client.get(f"/api/v1/files/{attachment.pk}", headers=bearer(user))
    assert_error_shape(response, 404, "not_found")
    assert "missing from the storage" in caplog.text


def test_sharing_a_post_that_cannot_be_shared_is_a_field_error(
    client: Client, user: User, other: User
) -> None:
    """Was a 404 raised inside the service, undocumented for ``POST /posts``."""
    original = posts.post_create(author=other, body="Résultats du trimestre")
    original.hidden_at = original.created_at
    original.save(update_fields=["hidden_at"])
    response = client.post(
        "/api/v1/posts", data={"shared_post_id": original.pk}, headers=bearer(user)
    )
    assert "shared_post_id" in assert_error_shape(response, 422, "invalid")["fields"]
    assert Post.objects.count() == 1


# --- Who is asking ----------------------------------------------------------------------


def test_a_write_without_credentials_is_a_401_not_a_csrf_complaint(client: Client) -> None:
    assert_error_shape(client.post("/api/v1/posts", data={"body": "x"}), 401, "not_authenticated")


def test_a_session_write_without_csrf_token_is_a_translated_403(user: User) -> None:
    browser = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    browser.force_login(user)
    response = browser.post("/api/v1/posts", data={"body": "x"})
    assert "X-CSRFToken" in assert_error_shape(response, 403, "csrf_failed")["message"]
    assert not Post.objects.exists()


# --- Every status the API answers is in its OpenAPI document ----------------------------


def test_every_operation_documents_its_error_answers() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    assert "ErrorOut" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {401, 429} <= documented, (method, path)
            if "{" in path:
                assert 404 in documented, (method, path)
            if "requestBody" in operation:
                assert {400, 413, 422} <= documented, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert 403 in documented, (method, path)


# --- Rate limits (review M6) -------------------------------------------------------------


@pytest.fixture
def rates(settings: Any) -> Any:
    settings.CERCLE_API_RATES = {"person": "3/min", "address": "5/min"}
    return settings


def test_a_person_past_their_rate_gets_429_with_retry_after(
    rates: Any, client: Client, user: User, other: User, caplog: Any
) -> None:
    headers = {**bearer(user), "Accept-Language": "en"}
    for _ in range(3):
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    with caplog.at_level(logging.WARNING, logger="cercle.security"):
        refused = client.get("/api/v1/me", headers=headers)
    error = assert_error_shape(refused, 429, "throttled")
    assert error["message"] == "Too many requests: wait a moment, then try again."
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "API rate limit person" in caplog.text
    # Someone else, from the same address, still has their own allowance.
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200


def test_a_persons_tokens_and_session_share_one_allowance(
    rates: Any, client: Client, user: User
) -> None:
    browser = Client()
    browser.force_login(user)
    assert browser.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me", headers=bearer(user)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(user)).status_code == 200
    assert_error_shape(browser.get("/api/v1/me"), 429, "throttled")


def test_an_address_past_its_rate_is_refused_whoever_signs_in(
    rates: Any, client: Client, user: User, other: User, staff: User
) -> None:
    for person in (user, user, other, other, staff):
        assert client.get("/api/v1/me", headers=bearer(person)).status_code == 200
    refused = client.get("/api/v1/me", headers=bearer(staff))
    assert_error_shape(refused, 429, "throttled")
    # Another address is not concerned.
    elsewhere = client.get("/api/v1/me", headers=bearer(staff), REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 200


def test_a_forged_forwarded_header_does_not_make_a_new_address(
    rates: Any, client: Client, user: User, other: User, staff: User
) -> None:
    """The address is REMOTE_ADDR (set by the server from trusted proxies only)."""
    people = (user, user, other, other, staff, staff)
    answers = [
        client.get(
            "/api/v1/me", headers={**bearer(p), "X-Forwarded-For": f"203.0.113.{i}"}
        ).status_code
        for i, p in enumerate(people)
    ]
    assert answers == [200] * 5 + [429]


def test_limits_can_be_lifted(settings: Any, client: Client, user: User) -> None:
    settings.CERCLE_API_RATES = {"person": None, "address": None}
    headers = bearer(user)
    assert all(client.get("/api/v1/ping", headers=headers).status_code == 200 for _ in range(50))


def test_rates_are_read_like_ninjas() -> None:
    assert parse_rate("600/min") == (600, 60)
    assert parse_rate("20/5s") == (20, 5)
    assert parse_rate("1000/day") == (1000, 86400)
    for wrong in ("600", "abc/min", "0/min", "10/fortnight", "-1/s"):
        with pytest.raises(ValueError, match="Invalid rate"):
            parse_rate(wrong)
