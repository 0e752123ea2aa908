"""Schemathesis over the whole API, against a live server: zero failures (security review L3).

The review found the API off its own contract: statuses it returns but does not
document, requests that violate the schema accepted (``PATCH /me`` with a
list), an oversized body answered in HTML.  This runs the schemathesis command
line, as the reviewer did, with every check on: server errors, status-code,
content-type, header and response-schema conformance, negative data rejection
(schema-violating requests must be refused), positive data acceptance,
unsupported methods, authentication and object-level authorisation checks.

One documented allowance: a request can be valid for the schema and still be
refused with 422 by a rule the schema cannot state (a department that does not
exist, a skill the person does not list, a picture that is not a picture).
``positive_data_acceptance`` therefore accepts 422 besides the usual statuses;
it still fails on a 400 or a 5xx for a valid request.

Schemathesis draws path parameters half of the time from the ids of a real
company (``tests.social.build_world``: people, communities of each kind, posts
with files and comments, a pending request and invitation...), so that
responses are checked on real objects, not only on 404s.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import Client

from cercle.accounts import services as accounts
from cercle.communities import services as communities
from cercle.communities.models import CommunityKind, Invitation, JoinRequest
from cercle.documents.models import Document, Folder
from cercle.notifications.models import Notification
from cercle.posts.models import Attachment, Comment, Emoji, Hashtag
from cercle.projects.models import ActionItem, Milestone
from cercle.search import services as search
from tests.servers import serving
from tests.social import build_world

# Examples per operation and phase.  72 operations; about a minute per database.
MAX_EXAMPLES = 15


def _dictionaries(world: Any) -> dict[str, list[Any]]:
    people = [
        world.author,
        world.manager,
        world.member,
        world.outsider,
        world.requester,
        world.admin,
        world.deactivated,
    ]
    return {
        "people": [p.pk for p in people],
        "posts": [p.pk for p in world.posts.values()],
        "comments": list(Comment.objects.values_list("pk", flat=True)),
        "files": list(Attachment.objects.values_list("pk", flat=True)),
        "communities": [c.slug for c in world.communities.values()] + ["club-du-membre"],
        "requests": list(JoinRequest.objects.values_list("pk", flat=True)),
        "invitations": list(Invitation.objects.values_list("pk", flat=True)),
        "notifications": list(Notification.objects.values_list("pk", flat=True)),
        "hashtags": list(Hashtag.objects.values_list("key", flat=True)),
        "documents": list(Document.objects.values_list("pk", flat=True)),
        "folders": list(Folder.objects.values_list("pk", flat=True)),
        "versions": [1, 2],
        "milestones": list(Milestone.objects.values_list("pk", flat=True)),
        "actions": list(ActionItem.objects.values_list("pk", flat=True)),
        "skills": ["Cloud Azure", "Soudure"],
        "emoji": [e.value for e in Emoji],
    }


def _config(path: Path, dictionaries: dict[str, list[Any]]) -> None:
    """A schemathesis.toml: the allowance above and the dictionaries of real ids."""
    bindings = {
        "path.user_id": "people",
        "path.post_id": "posts",
        "path.comment_id": "comments",
        "path.attachment_id": "files",
        "path.slug": "communities",
        "path.request_id": "requests",
        "path.invitation_id": "invitations",
        "path.notification_id": "notifications",
        "path.key": "hashtags",
        "path.document_id": "documents",
        "path.folder_id": "folders",
        "path.number": "versions",
        "path.milestone_id": "milestones",
        "path.action_id": "actions",
        "path.skill": "skills",
    }
    lines = [
        "[checks.positive_data_acceptance]",
        'expected-statuses = ["2XX", "401", "403", "404", "409", "422", "429"]',
        "",
    ]
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines.append("[parameters]")
    for parameter, dictionary in bindings.items():
        lines.append(f'"{parameter}" = {{ dictionary = "{dictionary}", probability = 0.5 }}')
    path.write_text("\n".join(lines) + "\n")


def test_schemathesis_finds_no_failure_in_the_api(
    transactional_db: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # where the server (data dir tmp_path) reads files
    world = build_world()
    accounts.profile_update(
        actor=world.member, user=world.member, data={"skills": ["Cloud Azure", "Soudure"]}
    )
    club = communities.community_create(
        actor=world.member, name="Club du membre", description="", kind=CommunityKind.SECRET
    )
    communities.community_invite(actor=world.member, community=club, user=world.author)
    search.topic_hide(user=world.author, label="appels d'offres")
    token = accounts.api_token_create(user=world.author, name="schemathesis").secret
    _config(tmp_path / "schemathesis.toml", _dictionaries(world))

    # A production server (cercle serve, granian) in its own process.  Rate limits are tested
    # on their own (tests/api/test_contract.py); here they would only turn the
    # run into a stream of 429s.
    off = {"CERCLE_API_RATE_PERSON": "off", "CERCLE_API_RATE_ADDRESS": "off"}
    with serving(tmp_path, ["api"], pages=True, **off) as [server]:
        # The schema as the live server serves it to a signed-in person.
        browser = Client()
        browser.force_login(world.author)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request(
            "GET",
            "/api/v1/openapi.json",
            headers={"Cookie": f"sessionid={browser.cookies['sessionid'].value}"},
        )
        answer = conn.getresponse()
        assert answer.status == 200
        (tmp_path / "openapi.json").write_bytes(answer.read())
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "--config-file",
                str(tmp_path / "schemathesis.toml"),
                "run",
                str(tmp_path / "openapi.json"),
                "--url",
                server.url,
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                "all",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--max-examples",
                str(MAX_EXAMPLES),
                "--workers",
                "2",
                "--generation-database",
                "none",
                "--no-color",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=900,
        )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-20_000:] + _server_errors(server.log.read_text())
    assert "Selected: 98/98" in report, report[-5_000:]  # every operation was tested


def _server_errors(log: str) -> str:
    """The server's tracebacks, to see at once why a request failed."""
    blocks = [b for b in log.split("\nINFO:") if "Traceback" in b]
    return "\n--- server errors ---\n" + "\n".join(blocks)[-15_000:]
