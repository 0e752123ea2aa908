from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from cercle.accounts import services
from cercle.accounts.models import User
from tests.conftest import make_image
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_pages_need_a_signed_in_user(client) -> None:
    for url in ["/", "/people/", "/communities/", "/settings/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_directory_lists_filters_and_paginates(logged_client, staff: User) -> None:
    for i in range(30):
        person = UserFactory(last_name=f"Durand{i:02d}")
        services.profile_update(
            actor=staff,
            user=person,
            data={"department": "Ventes" if i % 2 else "Finance", "region": "Sud-Ouest"},
        )
    response = logged_client.get("/people/", {"department": "Ventes"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 15
    page2 = logged_client.get("/people/", {"page": 2})
    assert page2.status_code == 200
    assert page2.context["page"].number == 2
    assert logged_client.get("/people/", {"page": "zzz"}).status_code == 200  # bad input: page 1
    # The "Next" link itself leads to page 2 (it once rendered "??page=2").
    first = logged_client.get("/people/", {"region": "Sud-Ouest"}).content.decode()
    link = re.search(r'href="([^"]*)" rel="next"', first)
    assert link is not None and link.group(1).startswith("?")
    followed = logged_client.get("/people/" + unescape(link.group(1)))
    assert followed.context["page"].number == 2
    assert followed.context["filters"].region == "Sud-Ouest"


def test_directory_leads_to_who_knows(logged_client) -> None:
    html = logged_client.get("/people/").content.decode()
    assert re.search(r'<a class="btn" href="/experts/"[^>]*>Qui sait \?</a>', html), html


def test_directory_htmx_request_renders_only_the_results(logged_client, other: User) -> None:
    response = logged_client.get(
        "/people/", {"q": "girard"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="results"' in body
    assert "<html" not in body
    assert "Alexandra Girard" in body


def test_directory_query_count_is_constant(
    logged_client, django_assert_max_num_queries, staff
) -> None:
    for _ in range(30):
        person = UserFactory()
        services.profile_update(
            actor=staff, user=person, data={"skills": ["Python", "Java"], "department": "IT"}
        )
    with django_assert_max_num_queries(9):
        response = logged_client.get("/people/")
    assert response.status_code == 200


def test_profile_page_shows_the_person_and_team(
    logged_client, user: User, other: User, staff
) -> None:
    services.profile_update(
        actor=staff, user=user, data={"manager": other, "skills": ["Ferroviaire"]}
    )
    response = logged_client.get(f"/people/{user.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Thomas Lefebvre" in body and "Alexandra Girard" in body and "Ferroviaire" in body


def test_unknown_profile_is_404(logged_client) -> None:
    assert logged_client.get("/people/999999/").status_code == 404
    assert logged_client.get("/people/999999/org/").status_code == 404
    assert logged_client.get("/people/999999/edit/").status_code == 404


def test_org_chart_page(logged_client, user: User, other: User, staff) -> None:
    services.profile_update(actor=staff, user=user, data={"manager": other})
    response = logged_client.get(f"/people/{user.pk}/org/")
    assert response.status_code == 200
    assert [u.pk for u in response.context["chart"].chain] == [other.pk]


def test_edit_own_profile_with_photo(logged_client, user: User) -> None:
    photo = SimpleUploadedFile("moi.jpg", make_image("JPEG"), content_type="image/jpeg")
    response = logged_client.post(
        f"/people/{user.pk}/edit/",
        {
            "first_name": "Thomas",
            "last_name": "Lefebvre",
            "job_title": "Ingénieur commercial",
            "skills": "Appels d'offres, Ferroviaire",
            "region": "Sud-Ouest",
            "photo": photo,
            "language": "en",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.job_title == "Ingénieur commercial"
    assert user.photo and user.language == "en"
    assert sorted(user.skills.values_list("name", flat=True)) == ["Appels d'offres", "Ferroviaire"]
    # The photo is served to signed-in colleagues only, never sniffed as something else.
    served = logged_client.get(user.photo.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_photo_needs_a_signed_in_user(client, user: User) -> None:
    services.profile_update(actor=user, user=user, data={}, photo=make_image())
    user.refresh_from_db()
    assert client.get(user.photo.url).status_code == 302


def test_media_outside_photos_is_404(logged_client) -> None:
    assert logged_client.get("/media/../secret_key").status_code == 404
    assert logged_client.get("/media/other/x.txt").status_code == 404


def test_invalid_edit_keeps_the_text_and_changes_nothing(logged_client, user: User) -> None:
    fake = SimpleUploadedFile(
        "photo.png", b"<html><script>alert(1)</script>", content_type="image/png"
    )
    response = logged_client.post(
        f"/people/{user.pk}/edit/",
        {
            "first_name": "Thomas",
            "last_name": "",
            "job_title": "Mon nouveau titre",
            "phone_work": "abc",
            "photo": fake,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mon nouveau titre" in body  # the user's text is kept
    form = response.context["form"]
    assert {"last_name", "photo", "phone_work"} <= set(form.errors)
    user.refresh_from_db()
    assert user.job_title == "" and user.last_name == "Lefebvre" and not user.photo


@override_settings(CERCLE_MAX_PHOTO_BYTES=10_000)
def test_oversized_upload_is_refused_with_a_clear_message(client_for, user: User) -> None:
    big = SimpleUploadedFile(
        "big.png", make_image("PNG", (50, 50)) + b"\0" * 20_000, content_type="image/png"
    )
    response = client_for(user, language="en").post(
        f"/people/{user.pk}/edit/",
        {
            "first_name": "Thomas",
            "last_name": "Lefebvre",
            "photo": big,
        },
    )
    assert response.status_code == 200
    assert "too large" in " ".join(response.context["form"].errors["photo"])


def test_cannot_edit_someone_elses_profile(logged_client, other: User) -> None:
    response = logged_client.post(
        f"/people/{other.pk}/edit/", {"first_name": "X", "last_name": "Y"}
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.first_name == "Alexandra"


def test_staff_edits_anyone_including_the_manager(
    client_for, staff: User, user: User, other: User
) -> None:
    response = client_for(staff).post(
        f"/people/{user.pk}/edit/",
        {
            "first_name": "Thomas",
            "last_name": "Lefebvre",
            "manager": other.email,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.manager == other


def test_unknown_manager_email_is_an_inline_error(client_for, staff: User, user: User) -> None:
    response = client_for(staff, language="en").post(
        f"/people/{user.pk}/edit/",
        {
            "first_name": "Thomas",
            "last_name": "Lefebvre",
            "manager": "nobody@example.com",
        },
    )
    assert response.status_code == 200
    assert "Nobody has this e-mail" in " ".join(response.context["form"].errors["manager"])


def test_settings_token_create_show_once_and_revoke(logged_client, user: User) -> None:
    response = logged_client.post(reverse("accounts:token_create"), {"name": "Reporting"})
    assert response.status_code == 302
    page = logged_client.get(reverse("accounts:settings"))
    secret = page.context["new_secret"]
    assert secret.startswith("ccl_")
    again = logged_client.get(reverse("accounts:settings"))
    assert again.context["new_secret"] is None  # shown once
    token = user.api_tokens.get()
    logged_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_cannot_revoke_someone_elses_token(logged_client, other: User) -> None:
    created = services.api_token_create(user=other, name="theirs")
    response = logged_client.post(reverse("accounts:token_revoke", args=[created.token.pk]))
    assert response.status_code == 404
    created.token.refresh_from_db()
    assert created.token.revoked_at is None


def test_empty_token_name_is_refused(logged_client, user: User) -> None:
    response = logged_client.post(reverse("accounts:token_create"), {"name": ""})
    assert response.status_code == 400
    assert not user.api_tokens.exists()


def test_autocomplete(logged_client, other: User) -> None:
    response = logged_client.get(reverse("accounts:autocomplete"), {"q": "alex"})
    assert "alexandra@example.com" in response.content.decode()


def test_a_real_20_mb_photo_is_refused(client_for, user: User) -> None:
    huge = SimpleUploadedFile(
        "huge.jpg", make_image("JPEG") + b"\0" * (20 * 1024 * 1024), content_type="image/jpeg"
    )
    response = client_for(user, language="en").post(
        f"/people/{user.pk}/edit/",
        {"first_name": "Thomas", "last_name": "Lefebvre", "photo": huge},
    )
    assert response.status_code == 200
    assert "too large (20.0" in " ".join(response.context["form"].errors["photo"])
    user.refresh_from_db()
    assert not user.photo


def test_admin_deactivate_action_keeps_people(client_for, staff: User, user: User) -> None:
    staff.is_superuser = True
    staff.save()
    token = services.api_token_create(user=user, name="t")
    response = client_for(staff).post(
        "/admin/accounts/user/",
        {"action": "deactivate", "_selected_action": [user.pk, staff.pk]},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    staff.refresh_from_db()
    assert not user.is_active and user.deactivated_at is not None
    assert staff.is_active  # nobody deactivates themselves by accident
    assert services.api_token_authenticate(token.secret) is None
    assert client_for(staff).get(f"/people/{user.pk}/").status_code == 200


def test_a_profile_shows_the_manager_and_the_active_reports(
    client_for, user: User, other: User, staff
) -> None:
    left = UserFactory(last_name="Parti")
    for person in (user, left):
        services.profile_update(actor=staff, user=person, data={"manager": other})
    left.is_active = False
    left.save()
    page = client_for(staff, language="en").get(f"/people/{other.pk}/").content.decode()
    assert "1 direct report" in page and user.get_absolute_url() in page
    assert left.get_absolute_url() not in page  # people who left are not listed
    mine = client_for(staff).get(f"/people/{user.pk}/").content.decode()
    assert other.get_absolute_url() in mine  # "Reports to"
