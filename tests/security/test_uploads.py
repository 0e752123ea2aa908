"""Finding M1: uploads kept the sender's extension whatever the content, and photos their EXIF.

A ``%PDF-`` file sent as ``facture.bat`` was stored and served as ``facture.bat``;
a phone's photo reached every reader with its GPS position.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cercle.accounts import services as account_services
from cercle.accounts.models import User
from cercle.communities import services as community_services
from cercle.core.uploads import served_name
from cercle.posts import services
from cercle.posts.models import Attachment, Post
from tests.accounts.test_api import bearer

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
GPS, MAKE, ORIENTATION = 0x8825, 0x010F, 0x0112
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>Secret GPS 43.6N</rdf:Description></x:xmpmeta>'


def phone_photo(fmt: str = "JPEG") -> bytes:
    """A 300×200 picture as a phone takes it: GPS position, device, turned (orientation 6)."""
    image = Image.new("RGB", (300, 200), (200, 40, 40))
    image.paste((40, 40, 200), (0, 0, 30, 200))  # a blue band on the left
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker X"
    exif[ORIENTATION] = 6
    exif.get_ifd(GPS).update({1: "N", 2: (43.0, 36.0, 0.0), 3: "E", 4: (1.0, 26.0, 0.0)})
    buffer = io.BytesIO()
    extra = {"xmp": XMP} if fmt in ("JPEG", "PNG", "WEBP") else {}
    image.save(buffer, format=fmt, exif=exif.tobytes(), **extra)
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _api_post(client: Client, user: User, *files: SimpleUploadedFile):
    return client.post(
        "/api/v1/posts", {"body": "Pièces", "files": list(files)}, headers=bearer(user)
    )


@pytest.mark.parametrize("sent_as", ["facture.bat", "facture.hta", "facture.exe", "facture"])
def test_a_pdf_is_stored_and_served_as_a_pdf_whatever_its_name(
    client: Client, user: User, sent_as: str
) -> None:
    response = _api_post(client, user, SimpleUploadedFile(sent_as, PDF, "application/pdf"))
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.name == "facture.pdf"
    assert attachment.file.name.endswith(".pdf")
    assert response.json()["attachments"][0]["name"] == "facture.pdf"
    served = client.get(f"/api/v1/files/{attachment.pk}", headers=bearer(user))
    assert served["Content-Disposition"] == 'inline; filename="facture.pdf"'
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_names_that_already_fit_the_content_are_kept() -> None:
    from cercle.core.uploads import UploadKind

    jpeg = UploadKind("image", "image/jpeg", ".jpg")
    assert served_name("Photo chantier.JPEG", jpeg) == "Photo chantier.JPEG"
    assert served_name("scan.png", jpeg) == "scan.jpg"
    assert served_name("../../etc/passwd", jpeg) == "passwd.jpg"


@pytest.mark.parametrize(
    ("name", "data", "declared"),
    [
        ("photo.png", PDF, "image/png"),
        ("facture.pdf", PDF, "application/x-msdownload"),
        (
            "rapport.docx",
            PDF,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("plan.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 10, "application/pdf"),
    ],
)
def test_a_declared_type_that_contradicts_the_content_is_refused(
    client: Client, user: User, name: str, data: bytes, declared: str
) -> None:
    if data.startswith(b"\x89PNG"):
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, format="PNG")
        data = buffer.getvalue()
    en = {**bearer(user), "Accept-Language": "en"}
    response = client.post(
        "/api/v1/posts",
        {"body": "Pièce", "files": [SimpleUploadedFile(name, data, declared)]},
        headers=en,
    )
    assert response.status_code == 422
    message = " ".join(response.json()["error"]["fields"]["attachments"])
    assert "says it is" in message and declared in message
    assert not Post.objects.exists() and not Attachment.objects.exists()
    fr = client.post(
        "/api/v1/posts",
        {"body": "Pièce", "files": [SimpleUploadedFile(name, data, declared)]},
        headers={**bearer(user), "Accept-Language": "fr"},
    )
    assert "se présente comme" in " ".join(fr.json()["error"]["fields"]["attachments"])


@pytest.mark.parametrize(
    "declared", ["", "application/octet-stream", "application/zip", "application/pdf; charset=x"]
)
def test_generic_or_equivalent_declared_types_are_accepted(
    client: Client, user: User, declared: str
) -> None:
    data, name = (_docx(), "cr.docx") if "zip" in declared else (PDF, "cr.pdf")
    assert _api_post(client, user, SimpleUploadedFile(name, data, declared)).status_code == 201


def test_office_and_text_files_download_as_attachments(client: Client, user: User) -> None:
    _api_post(
        client,
        user,
        SimpleUploadedFile("cr.docx", _docx(), "application/octet-stream"),
        SimpleUploadedFile("notes.txt", b"<script>alert(1)</script>", "text/plain"),
    )
    c = Client()
    c.force_login(user)
    for attachment in Attachment.objects.all():
        served = c.get(attachment.get_absolute_url())
        assert served.status_code == 200
        assert served["Content-Disposition"].startswith("attachment;"), attachment.name
        assert served["X-Content-Type-Options"] == "nosniff"
        assert served["Content-Security-Policy"] == "sandbox"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_attachment_loses_its_gps_and_device_but_stands_upright(
    user: User, fmt: str
) -> None:
    sent = phone_photo(fmt)
    assert b"PhoneMaker" in sent  # the test photo carries them (and XMP, where Pillow writes it)
    post = services.post_create(
        author=user, body="Chantier", uploads=[services.Upload(f"p.{fmt.lower()}", sent)]
    )
    stored = post.attachments.get().file.read()
    assert b"PhoneMaker" not in stored and b"Secret GPS" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        exif = image.getexif()
        assert GPS not in exif and MAKE not in exif and exif.get(ORIENTATION, 1) == 1
        assert image.size == (200, 300)  # turned as it was shot
        assert "xmp" not in image.info and "XML:com.adobe.xmp" not in image.info
        # The blue band (left when stored turned) is now at the top.
        top = image.convert("RGB").getpixel((100, 5))
        assert top[2] > 150 and top[0] < 100


def test_an_upright_jpeg_keeps_its_quality_without_its_metadata(user: User) -> None:
    image = Image.new("RGB", (64, 48), (10, 120, 30))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker X"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, exif=exif.tobytes())
    post = services.post_create(
        author=user, body="x", uploads=[services.Upload("a.jpg", buffer.getvalue())]
    )
    stored = post.attachments.get().file.read()
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as again, Image.open(buffer) as before:
        assert again.quantization == before.quantization  # no re-compression loss


def test_an_animated_gif_stays_animated(user: User) -> None:
    frames = [Image.new("RGB", (20, 20), c) for c in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=100,
        loop=0,
        comment=b"PhoneMaker X",
    )
    post = services.post_create(
        author=user, body="x", uploads=[services.Upload("a.gif", buffer.getvalue())]
    )
    stored = post.attachments.get().file.read()
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as gif:
        assert gif.n_frames == 3


def test_profile_photos_and_community_avatars_keep_no_metadata(user: User) -> None:
    account_services.profile_update(actor=user, user=user, data={}, photo=phone_photo())
    user.refresh_from_db()
    community = community_services.community_create(actor=user, name="Rail", kind="open")
    community_services.community_update(
        actor=user,
        community=community,
        name="Rail",
        description="",
        kind="open",
        avatar=phone_photo(),
    )
    community.refresh_from_db()
    pictures = [user.photo, user.photo_thumb]
    pictures += [
        getattr(community, f.name)
        for f in community._meta.fields
        if f.get_internal_type() in ("FileField", "ImageField") and getattr(community, f.name)
    ]
    assert len(pictures) >= 3
    for field in pictures:
        stored = field.read()
        assert b"PhoneMaker" not in stored and b"Secret GPS" not in stored
        with Image.open(io.BytesIO(stored)) as image:
            assert not image.getexif()
