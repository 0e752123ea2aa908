"""What happens to libraries, for whoever subscribes (``cercle.core.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from cercle.accounts.models import User
from cercle.core.events import Event
from cercle.documents.models import Document, DocumentVersion


@dataclass(frozen=True, eq=False)
class VersionAdded(Event):
    """A document was added (its version 1), updated or restored (a new version)."""

    actor: User
    document: Document
    version: DocumentVersion


@dataclass(frozen=True, eq=False)
class VersionRead(Event):
    """The text and pictures of a version were worked out (or found impossible to)."""

    version: DocumentVersion


@dataclass(frozen=True, eq=False)
class DocumentChanged(Event):
    """Renamed, described, moved or marked as reference material."""

    actor: User
    document: Document


@dataclass(frozen=True, eq=False)
class DocumentDeleted(Event):
    actor: User
    document_id: int
