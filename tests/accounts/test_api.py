from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cercle.accounts import services
from cercle.accounts.models import User
from tests.conftest import make_image
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {services.api_token_create(user=user, name='t').secret}"}


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_anonymous_gets_a_json_401(client: Client) -> None:
    assert_error_shape(client.get("/api/v1/me"), 401, "not_authenticated")


def test_me_with_a_token(client: Client, user: User) -> None:
    response = client.get("/api/v1/me", headers=bearer(user))
    assert response.status_code == 200
    assert response.json()["email"] == "thomas@example.com"


def test_revoked_token_is_refused(client: Client, user: User) -> None:
    created = services.api_token_create(user=user, name="old")
    services.api_token_revoke(user=user, token_id=created.token.pk)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {created.secret}"})
    assert_error_shape(response, 401, "not_authenticated")


def test_deactivated_users_token_is_refused(client: Client, user: User) -> None:
    headers = bearer(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert_error_shape(client.get("/api/v1/me", headers=headers), 401, "not_authenticated")


def test_session_auth_needs_csrf_for_writes(user: User) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.get("/api/v1/me").status_code == 200
    response = strict.patch("/api/v1/me", data={"job_title": "X"}, content_type="application/json")
    assert response.status_code in (401, 403)
    user.refresh_from_db()
    assert user.job_title == ""


def test_patch_me(client: Client, user: User) -> None:
    response = client.patch(
        "/api/v1/me",
        data={
            "job_title": "Ingénieur commercial",
            "skills": ["Ferroviaire", "ferroviaire"],
            "region": "Sud-Ouest",
        },
        content_type="application/json",
        headers=bearer(user),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["job_title"] == "Ingénieur commercial"
    assert body["skills"] == ["Ferroviaire"]
    assert body["region"] == "Sud-Ouest"


def test_patch_with_invalid_fields_is_422_and_changes_nothing(client: Client, user: User) -> None:
    response = client.patch(
        "/api/v1/me",
        data={"first_name": "", "phone_mobile": "not a phone", "job_title": "Nouveau"},
        content_type="application/json",
        headers={**bearer(user), "Accept-Language": "en"},
    )
    error = assert_error_shape(response, 422, "invalid")
    assert set(error["fields"]) == {"first_name", "phone_mobile"}
    user.refresh_from_db()
    assert user.job_title == ""


def test_schema_errors_share_the_shape(client: Client, user: User) -> None:
    response = client.patch(
        "/api/v1/me",
        data={"job_title": "x" * 500},
        content_type="application/json",
        headers=bearer(user),
    )
    error = assert_error_shape(response, 422, "invalid")
    assert "job_title" in error["fields"]
    bad_json = client.patch(
        "/api/v1/me", data="{nope", content_type="application/json", headers=bearer(user)
    )
    assert bad_json.status_code in (400, 422)
    assert "error" in bad_json.json()


def test_error_messages_are_translated(client: Client, user: User) -> None:
    fr = client.get("/api/v1/people/999999", headers={**bearer(user), "Accept-Language": "fr"})
    en = client.get("/api/v1/people/999999", headers={**bearer(user), "Accept-Language": "en"})
    assert en.json()["error"]["message"] == "Not found."
    assert fr.json()["error"]["message"] == "Introuvable."


def test_editing_another_users_profile_is_forbidden_and_changes_nothing(
    client: Client, user: User, other: User
) -> None:
    response = client.patch(
        f"/api/v1/people/{other.pk}",
        data={"job_title": "Pirate"},
        content_type="application/json",
        headers=bearer(user),
    )
    assert_error_shape(response, 403, "forbidden")
    other.refresh_from_db()
    assert other.job_title == ""


def test_unknown_person_is_404(client: Client, user: User) -> None:
    response = client.patch(
        "/api/v1/people/999999",
        data={"job_title": "x"},
        content_type="application/json",
        headers=bearer(user),
    )
    assert_error_shape(response, 404, "not_found")


def test_staff_edits_anyone_including_manager(
    client: Client, staff: User, user: User, other: User
) -> None:
    response = client.patch(
        f"/api/v1/people/{user.pk}",
        data={"manager_email": other.email},
        content_type="application/json",
        headers=bearer(staff),
    )
    assert response.status_code == 200, response.content
    assert response.json()["manager"]["id"] == other.pk


def test_user_cannot_set_own_manager(client: Client, user: User, other: User) -> None:
    """Security review L3: a field one may not set is a 422 on that field, never a 403."""
    for manager in (other, user):
        response = client.patch(
            "/api/v1/me",
            data={"manager_email": manager.email},
            content_type="application/json",
            headers=bearer(user),
        )
        fields = assert_error_shape(response, 422, "invalid")["fields"]
        assert list(fields) == ["manager_email"]
    user.refresh_from_db()
    assert user.manager is None


def test_unknown_manager_email(client: Client, staff: User, user: User) -> None:
    response = client.patch(
        f"/api/v1/people/{user.pk}",
        data={"manager_email": "x@nowhere.org"},
        content_type="application/json",
        headers=bearer(staff),
    )
    assert "manager_email" in assert_error_shape(response, 422, "invalid")["fields"]


def test_directory_search(
    client: Client, user: User, staff: User, django_assert_max_num_queries
) -> None:
    for i in range(25):
        person = UserFactory(last_name=f"Martin{i:02d}")
        services.profile_update(
            actor=staff, user=person, data={"region": "Sud-Ouest", "skills": ["Soudure"]}
        )
    headers = bearer(user)
    with django_assert_max_num_queries(6):
        response = client.get(
            "/api/v1/people", {"skill": "soudure", "per_page": 10, "page": 2}, headers=headers
        )
    body = response.json()
    assert body["count"] == 25 and body["pages"] == 3 and body["page"] == 2
    assert len(body["results"]) == 10
    bad = client.get("/api/v1/people", {"per_page": 1000}, headers=headers)
    assert_error_shape(bad, 422, "invalid")


def test_org_chart(client: Client, user: User, other: User, staff: User) -> None:
    services.profile_update(actor=staff, user=user, data={"manager": other})
    body = client.get(f"/api/v1/people/{user.pk}/org-chart", headers=bearer(user)).json()
    assert [p["id"] for p in body["chain"]] == [other.pk]
    up = client.get(f"/api/v1/people/{other.pk}/org-chart", headers=bearer(user)).json()
    assert [p["id"] for p in up["reports"]] == [user.pk]


def test_photo_upload(client: Client, user: User) -> None:
    photo = SimpleUploadedFile("me.png", make_image(), content_type="image/png")
    response = client.post("/api/v1/me/photo", {"photo": photo}, headers=bearer(user))
    assert response.status_code == 200, response.content
    assert response.json()["photo_url"].endswith(".webp")
    fake = SimpleUploadedFile("evil.png", b"<svg onload=alert(1)>", content_type="image/png")
    refused = client.post("/api/v1/me/photo", {"photo": fake}, headers=bearer(user))
    assert "photo" in assert_error_shape(refused, 422, "invalid")["fields"]


def test_openapi_schema_and_docs(logged_client: Client) -> None:
    schema = logged_client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert {
        "/api/v1/me",
        "/api/v1/people",
        "/api/v1/people/{user_id}",
        "/api/v1/people/{user_id}/org-chart",
    } <= set(paths)
    docs = logged_client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()  # served from our own static files
