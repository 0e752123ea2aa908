"""One way to ask, for every type: ``require(viewer, action, obj)``.

It raises ``NotFound`` when the viewer may not see ``obj`` at all (exactly as
if it did not exist) and ``Forbidden`` when they see it but may not do
``action``.  The policy is the one of the action's type, so a new content type
plugs in with one line in ``_POLICIES``.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from cercle.access.base import Viewer
from cercle.access.communities import CommunityAction, CommunityPolicy
from cercle.access.documents import DocumentAction, DocumentPolicy, FolderAction, FolderPolicy
from cercle.access.errors import Forbidden, NotFound
from cercle.access.hashtags import HashtagAction, HashtagPolicy
from cercle.access.people import ProfileAction, ProfilePolicy
from cercle.access.posts import CommentAction, CommentPolicy, PostAction, PostPolicy
from cercle.access.projects import ActionItemAction, ActionItemPolicy, ProjectAction, ProjectPolicy

# Each action type: its policy's ``can`` and the action that means "sees it".
_POLICIES: dict[type[StrEnum], tuple[Callable[[Viewer, Any, Any], bool], StrEnum]] = {
    PostAction: (PostPolicy.can, PostAction.VIEW),
    CommentAction: (CommentPolicy.can, CommentAction.VIEW),
    CommunityAction: (CommunityPolicy.can, CommunityAction.VIEW),
    ProfileAction: (ProfilePolicy.can, ProfileAction.VIEW),
    HashtagAction: (HashtagPolicy.can, HashtagAction.VIEW),
    DocumentAction: (DocumentPolicy.can, DocumentAction.VIEW),
    FolderAction: (FolderPolicy.can, FolderAction.VIEW),
    ProjectAction: (ProjectPolicy.can, ProjectAction.VIEW),
    ActionItemAction: (ActionItemPolicy.can, ActionItemAction.VIEW),
}


def found[T](obj: T | None) -> T:
    """What a selector found, or ``NotFound`` (selectors answer ``None`` for missing and hidden)."""
    if obj is None:
        raise NotFound
    return obj


def require(viewer: Viewer, action: StrEnum, obj: Any) -> None:
    """Go on only if ``viewer`` may do ``action`` to ``obj``; else ``NotFound`` or ``Forbidden``."""
    can, view = _POLICIES[type(action)]
    if not can(viewer, view, obj):
        raise NotFound
    if action is not view and not can(viewer, action, obj):
        raise Forbidden
