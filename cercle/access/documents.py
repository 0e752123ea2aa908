"""Visibility and permissions of libraries: folders, documents, versions and what they hold.

A document, each of its versions, its preview pages and its extracted text
are readable exactly when the content of its community is
(``CommunityAction.READ``: open communities, one's own, everything for site
administrators).  A library is shared work: every member adds documents,
folders and new versions, restores an earlier version and marks reference
material; the one who added a document or folder and the community's
managers delete it.  An archived community's library is read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from cercle.access.base import Viewer
from cercle.access.communities import (
    CommunityAction,
    CommunityPolicy,
    content_q,
)

if TYPE_CHECKING:
    from cercle.accounts.models import User
    from cercle.documents.models import Document, Folder


class DocumentAction(StrEnum):
    VIEW = "view"  # its page, every version, previews, text, downloads
    EDIT = "edit"  # new version, restore, rename, move, reference, "being edited"
    DELETE = "delete"


class FolderAction(StrEnum):
    VIEW = "view"
    ADD = "add"  # documents and sub-folders into it; rename it
    DELETE = "delete"  # once empty


def library_q(viewer: Viewer, prefix: str = "") -> Q:
    """Documents (or folders, versions, pages: ``prefix`` reaches the document or folder)
    the viewer may read, as a ``Q`` usable inside any query (library, search, API)."""
    return content_q(viewer, prefix)


@dataclass(frozen=True, slots=True)
class DocumentPermissions:
    """What the viewer of a document may do to it (its page's buttons, the API's flags)."""

    edit: bool
    delete: bool

    def as_dict(self) -> dict[str, bool]:
        return {"edit": self.edit, "delete": self.delete}


class DocumentPolicy:
    @staticmethod
    def visible(viewer: Viewer, queryset: QuerySet[Document]) -> QuerySet[Document]:
        return queryset.filter(library_q(viewer))

    @staticmethod
    def permissions(viewer: Viewer, document: Document) -> DocumentPermissions:
        """What ``viewer`` may do to ``document``, assuming they read it (``can`` checks that)."""
        community = document.community
        edit = CommunityPolicy.can(viewer, CommunityAction.POST, community)
        moderates = CommunityPolicy.can(viewer, CommunityAction.MODERATE, community)
        mine = document.created_by_id is not None and document.created_by_id == viewer.pk
        return DocumentPermissions(
            edit=edit, delete=not community.is_archived and (moderates or (mine and edit))
        )

    @staticmethod
    def can(viewer: Viewer, action: DocumentAction, document: Document) -> bool:
        if not CommunityPolicy.can(viewer, CommunityAction.READ, document.community):
            return False
        match action:
            case DocumentAction.VIEW:
                return True
            case DocumentAction.EDIT:
                return DocumentPolicy.permissions(viewer, document).edit
            case DocumentAction.DELETE:
                return DocumentPolicy.permissions(viewer, document).delete

    @staticmethod
    def audience(document: Document) -> QuerySet[User]:
        """Everyone who may read ``document`` (notifications, feed alerts)."""
        return CommunityPolicy.audience(document.community)


class FolderPolicy:
    @staticmethod
    def visible(viewer: Viewer, queryset: QuerySet[Folder]) -> QuerySet[Folder]:
        return queryset.filter(library_q(viewer))

    @staticmethod
    def can(viewer: Viewer, action: FolderAction, folder: Folder) -> bool:
        community = folder.community
        if not CommunityPolicy.can(viewer, CommunityAction.READ, community):
            return False
        match action:
            case FolderAction.VIEW:
                return True
            case FolderAction.ADD:
                return CommunityPolicy.can(viewer, CommunityAction.POST, community)
            case FolderAction.DELETE:
                mine = folder.created_by_id is not None and folder.created_by_id == viewer.pk
                return not community.is_archived and (
                    CommunityPolicy.can(viewer, CommunityAction.MODERATE, community)
                    or (mine and CommunityPolicy.can(viewer, CommunityAction.POST, community))
                )
