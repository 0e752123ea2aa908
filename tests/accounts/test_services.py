from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from cercle.accounts import services
from cercle.accounts.models import ApiToken, Skill, User, UserSkill
from tests.conftest import make_image
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_profile_update_sets_fields_department_region_and_skills(user: User) -> None:
    services.profile_update(
        actor=user,
        user=user,
        data={
            "job_title": "  Ingénieur   commercial ",
            "department": "Ventes",
            "region": "Sud-Ouest",
            "skills": ["Appels d'offres", "appels d’offres ", "Ferroviaire", ""],
            "phone_mobile": "+33 6 12 34 56 78",
        },
    )
    user.refresh_from_db()
    assert user.job_title == "Ingénieur commercial"
    assert user.department is not None and user.department.name == "Ventes"
    assert user.region is not None and user.region.name == "Sud-Ouest"
    assert sorted(s.name for s in user.skills.all()) == ["Appels d'offres", "Ferroviaire"]


def test_skills_are_shared_by_folded_name(user: User, other: User) -> None:
    services.profile_update(actor=user, user=user, data={"skills": ["Réseaux"]})
    services.profile_update(actor=other, user=other, data={"skills": ["reseaux"]})
    assert Skill.objects.count() == 1
    assert UserSkill.objects.filter(skill__key="reseaux").count() == 2


def test_skills_update_replaces_the_list(user: User) -> None:
    services.profile_update(actor=user, user=user, data={"skills": ["Python", "Java"]})
    services.profile_update(actor=user, user=user, data={"skills": ["Python", "Rust"]})
    assert sorted(user.skills.values_list("name", flat=True)) == ["Python", "Rust"]


def test_invalid_fields_change_nothing(user: User) -> None:
    before = (user.first_name, user.phone_work, user.job_title)
    with pytest.raises(ValidationError) as exc:
        services.profile_update(
            actor=user,
            user=user,
            data={"first_name": "", "phone_work": "call me maybe", "job_title": "Nouveau"},
        )
    assert set(exc.value.message_dict) == {"first_name", "phone_work"}
    user.refresh_from_db()
    assert (user.first_name, user.phone_work, user.job_title) == before


def test_too_many_skills_is_refused(user: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.profile_update(
            actor=user, user=user, data={"skills": [f"skill {i}" for i in range(31)]}
        )
    assert "skills" in exc.value.message_dict
    assert not UserSkill.objects.exists()


def test_someone_else_cannot_edit_a_profile(user: User, other: User) -> None:
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=user, user=other, data={"job_title": "Pirate"})
    other.refresh_from_db()
    assert other.job_title == ""


def test_staff_can_edit_anyone_and_set_the_manager(staff: User, user: User, other: User) -> None:
    services.profile_update(actor=staff, user=user, data={"manager": other, "job_title": "X"})
    user.refresh_from_db()
    assert user.manager == other
    assert user.job_title == "X"


def test_a_non_staff_user_cannot_change_their_manager(user: User, other: User) -> None:
    """An invalid field (422), not a forbidden request: the rest of the form is judged too."""
    with pytest.raises(ValidationError) as caught:
        services.profile_update(actor=user, user=user, data={"manager": other, "job_title": "X"})
    assert list(caught.value.message_dict) == ["manager"]
    user.refresh_from_db()
    assert user.manager is None and user.job_title != "X"


def test_oneself_as_manager_is_an_invalid_field_for_everyone(user: User, staff: User) -> None:
    for actor in (user, staff):
        with pytest.raises(ValidationError) as caught:
            services.profile_update(actor=actor, user=user, data={"manager": user})
        assert list(caught.value.message_dict) == ["manager"]
    user.refresh_from_db()
    assert user.manager is None


def test_manager_loops_are_refused(staff: User) -> None:
    top = UserFactory()
    middle = UserFactory(manager=top)
    bottom = UserFactory(manager=middle)
    with pytest.raises(ValidationError) as exc:
        services.profile_update(actor=staff, user=top, data={"manager": bottom})
    assert "manager" in exc.value.message_dict
    top.refresh_from_db()
    assert top.manager is None
    with pytest.raises(ValidationError):
        services.profile_update(actor=staff, user=top, data={"manager": top})


def test_deactivated_manager_is_refused(staff: User, user: User, other: User) -> None:
    other.is_active = False
    other.save()
    with pytest.raises(ValidationError):
        services.profile_update(actor=staff, user=user, data={"manager": other})


def test_photo_is_reencoded_into_square_webp_renditions(user: User) -> None:
    services.profile_update(actor=user, user=user, data={}, photo=make_image("JPEG", (800, 600)))
    user.refresh_from_db()
    assert user.photo.name.endswith("-512.webp")
    assert user.photo_thumb.name.endswith("-96.webp")
    from PIL import Image

    with Image.open(user.photo.path) as image:
        assert image.size == (512, 512)
        assert image.format == "WEBP"


def test_replacing_a_photo_deletes_the_old_files(
    user: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(actor=user, user=user, data={}, photo=make_image())
    user.refresh_from_db()
    old_path = user.photo.path
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(actor=user, user=user, data={}, photo=make_image("PNG", (64, 64)))
    user.refresh_from_db()
    import os

    assert not os.path.exists(old_path)
    assert os.path.exists(user.photo.path)


@pytest.mark.parametrize(
    ("payload", "message_part"),
    [
        (b"%PDF-1.4 not an image at all", "image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image"),
        (b"GIF89a" + b"\x00" * 20, "image"),  # truncated, disguised as GIF
        (b"", "image"),
    ],
)
def test_non_images_are_refused_and_change_nothing(
    user: User, payload: bytes, message_part: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.profile_update(actor=user, user=user, data={"job_title": "Y"}, photo=payload)
    assert message_part in " ".join(exc.value.message_dict["photo"]).lower()
    user.refresh_from_db()
    assert not user.photo
    assert user.job_title == ""


@override_settings(CERCLE_MAX_PHOTO_BYTES=1000)
def test_oversized_photo_is_refused(user: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.profile_update(
            actor=user, user=user, data={}, photo=make_image("PNG", (400, 400)) + b"\0" * 2000
        )
    assert exc.value.message_dict["photo"]
    user.refresh_from_db()
    assert not user.photo


def test_remove_photo(user: User) -> None:
    services.profile_update(actor=user, user=user, data={}, photo=make_image())
    services.profile_update(actor=user, user=user, data={}, remove_photo=True)
    user.refresh_from_db()
    assert not user.photo and not user.photo_thumb


def test_deactivation_keeps_the_person_and_revokes_tokens(staff: User, user: User) -> None:
    created = services.api_token_create(user=user, name="script")
    services.user_deactivate(actor=staff, user=user)
    user.refresh_from_db()
    assert not user.is_active and user.deactivated_at is not None
    assert User.objects.filter(pk=user.pk).exists()
    assert services.api_token_authenticate(created.secret) is None


def test_a_user_cannot_deactivate_someone(user: User, other: User) -> None:
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=user, user=other)


def test_api_token_lifecycle(user: User, other: User) -> None:
    created = services.api_token_create(user=user, name="  Reporting  ")
    assert created.secret.startswith("ccl_")
    assert created.token.name == "Reporting"
    assert created.secret not in created.token.digest  # only the hash is stored
    assert services.api_token_authenticate(created.secret) == user
    assert services.api_token_authenticate(created.secret + "x") is None
    with pytest.raises(ValidationError):
        services.api_token_revoke(user=other, token_id=created.token.pk)  # not theirs
    services.api_token_revoke(user=user, token_id=created.token.pk)
    services.api_token_revoke(user=user, token_id=created.token.pk)  # idempotent
    assert services.api_token_authenticate(created.secret) is None
    assert ApiToken.objects.get().revoked_at is not None


def test_api_token_use_is_recorded_at_most_once_a_minute(
    user: User, django_assert_num_queries: Any
) -> None:
    created = services.api_token_create(user=user, name="script")
    with django_assert_num_queries(2):  # the lookup, then the first use is recorded
        found = services.api_token_authenticate(created.secret)
    assert found == user and found.email == user.email and found.is_active
    first_use = ApiToken.objects.get().last_used_at
    assert first_use is not None
    with django_assert_num_queries(1):  # seen a moment ago: nothing to write
        assert services.api_token_authenticate(created.secret) == user
    assert ApiToken.objects.get().last_used_at == first_use
    ApiToken.objects.update(last_used_at=first_use - timedelta(minutes=2))
    assert services.api_token_authenticate(created.secret) == user
    assert ApiToken.objects.get().last_used_at > first_use


def test_api_token_of_another_shape_is_refused_without_a_query(
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(0):
        assert services.api_token_authenticate("Bearer nothing") is None


def test_api_token_needs_a_name(user: User) -> None:
    with pytest.raises(ValidationError):
        services.api_token_create(user=user, name="   ")
    assert not ApiToken.objects.exists()


def test_email_is_stored_lowercase_and_unique_case_insensitively(db) -> None:
    from django.db import IntegrityError, transaction

    UserFactory(email="Marie.Curie@Example.com")
    assert User.objects.filter(email="marie.curie@example.com").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("MARIE.CURIE@example.com", first_name="M", last_name="C")


def test_handles_come_from_the_email_and_stay_unique(db) -> None:
    first = UserFactory(email="jean.dupont@hexagone.fr")
    second = UserFactory(email="Jean.Dupont@filiale.fr")
    assert (first.handle, second.handle) == ("jean.dupont", "jean.dupont2")
    # A dotted handle is valid: the profile still saves (regression: SlugField refused dots).
    services.profile_update(actor=first, user=first, data={"job_title": "Soudeur"})
    first.refresh_from_db()
    assert first.job_title == "Soudeur"
