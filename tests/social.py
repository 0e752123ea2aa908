"""Builders for social tests: a small company with communities of each kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cercle.accounts.models import User
from cercle.communities import services as communities
from cercle.communities.models import Community, CommunityKind, Role
from cercle.documents import services as documents
from cercle.documents.models import Document, DocumentPage
from cercle.documents.processing import process_version
from cercle.posts import services as posts
from cercle.posts.models import Post
from cercle.projects import services as projects
from cercle.projects.models import Project
from tests.factories import UserFactory


@dataclass
class World:
    author: User  # owner of every community, author of every post
    manager: User
    member: User
    outsider: User
    requester: User  # pending request to the private community
    ex_member: User  # was a member of every community, then left
    admin: User  # site administrator, member of nothing
    deactivated: User  # was a member of every community, then deactivated
    communities: dict[str, Community]
    posts: dict[str, Post]  # "profile", "open", "private", "secret"
    # "open", "private", "secret": one per library, in a folder, with two versions
    documents: dict[str, Document]
    # "open", "private", "secret": each community is a project with a milestone and an
    # action assigned to the member
    projects: dict[str, Project] = field(default_factory=dict)


def build_world() -> World:
    author = UserFactory(first_name="Alexandra", last_name="Girard")
    manager = UserFactory(first_name="Marc", last_name="Manager")
    member = UserFactory(first_name="Mia", last_name="Member")
    outsider = UserFactory(first_name="Thomas", last_name="Lefebvre")
    requester = UserFactory(first_name="Rémi", last_name="Requester")
    ex_member = UserFactory(first_name="Eva", last_name="Ex")
    admin = UserFactory(first_name="Sophie", last_name="Admin", is_staff=True)
    deactivated = UserFactory(first_name="Denis", last_name="Deactivated")
    made: dict[str, Community] = {}
    for kind in (CommunityKind.OPEN, CommunityKind.PRIVATE, CommunityKind.SECRET):
        community = communities.community_create(
            actor=author, name=f"Communauté {kind}", description=f"Une communauté {kind}", kind=kind
        )
        for person in (manager, member, ex_member, deactivated):
            communities.community_invite(actor=author, community=community, user=person)
            communities.community_join(actor=person, community=community)
        communities.member_set_role(
            actor=author, community=community, user=manager, role=Role.MANAGER
        )
        communities.community_leave(actor=ex_member, community=community)
        made[str(kind)] = community
    communities.community_request(actor=requester, community=made["private"])
    deactivated.is_active = False
    deactivated.save()
    written = {
        "profile": posts.post_create(
            author=author,
            body="Message profile #sujetprofile pour @" + member.handle,
            uploads=[posts.Upload("profile.pdf", b"%PDF-1.4\n% test\n%%EOF\n")],
        )
    }
    posts.comment_create(author=member, post=written["profile"], body="Réponse profile")
    for kind, community in made.items():
        written[kind] = posts.post_create(
            author=author,
            community=community,
            body=f"Message {kind} #sujet{kind} pour @{member.handle}",
            uploads=[posts.Upload(f"{kind}.pdf", b"%PDF-1.4\n% test\n%%EOF\n")],
        )
        posts.comment_create(author=member, post=written[kind], body=f"Réponse {kind}")
    return World(
        author,
        manager,
        member,
        outsider,
        requester,
        ex_member,
        admin,
        deactivated,
        made,
        written,
        {kind: _document(author, community, kind) for kind, community in made.items()},
        {kind: _project(author, member, community, kind) for kind, community in made.items()},
    )


def _project(author: User, member: User, community: Community, kind: str) -> Project:
    """ "Objectif <kind>", with "Jalon <kind>" and "Action <kind>" (the member's)."""
    project = projects.project_set(actor=author, community=community, goal=f"Objectif {kind}")
    projects.milestone_add(
        actor=author, project=project, title=f"Jalon {kind}", due_on=date(2027, 1, 15)
    )
    projects.action_add(actor=author, project=project, title=f"Action {kind}", assignee=member)
    return project


def _document(author: User, community: Community, kind: str) -> Document:
    """A library document: "Dossier <kind>" / "Document <kind>", v1 and v2, read, with a
    page picture (planted: the matrix checks who gets it, not how it is made)."""
    from django.core.files.base import ContentFile

    folder = documents.folder_create(actor=author, community=community, name=f"Dossier {kind}")
    document = documents.document_add(
        actor=author,
        community=community,
        folder=folder,
        title=f"Document {kind}",
        reference="reference",
        upload=documents.Upload(f"{kind}-v1.txt", f"Première version motdoc{kind}".encode()),
    )
    documents.version_add(
        actor=author,
        document=document,
        upload=documents.Upload(f"{kind}-v2.txt", f"Texte motdoc{kind} page deux".encode()),
    )
    for version in document.versions.all():
        process_version.call(version.pk)
    page = DocumentPage.objects.get(version=document.current, number=1)
    page.image.save(f"matrix-{kind}.jpg", ContentFile(b"\xff\xd8\xff picture"), save=True)
    return document
