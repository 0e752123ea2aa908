"""What the composer's request names, resolved once for the page and the API.

The page names people by @handle, the API by id; both name a community by its
slug and may share a post.  Each is looked up for the author, through the
visibility module: a community, person or post they may not see answers as
one that does not exist.  Everything wrong is told at once, per field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cercle.access.base import Viewer
from cercle.access.people import ProfilePolicy
from cercle.accounts.models import User
from cercle.communities.models import Community
from cercle.communities.selectors import community_get
from cercle.posts.models import Post
from cercle.posts.selectors import post_get


@dataclass(frozen=True, slots=True)
class Targets:
    community: Community | None = None
    praised: list[User] = field(default_factory=list)
    shared_post: Post | None = None


def targets(
    *,
    viewer: Viewer,
    community: str = "",
    praised_ids: list[int] | None = None,
    praised_handles: str = "",
    shared_post_id: int | None = None,
) -> Targets:
    """The community, thanked colleagues and shared post a new post names.

    ``praised_handles``: "@marie, @jean" as typed in the page's composer.
    Raises ``ValidationError`` (``community``, ``praised``, ``shared_post``).
    """
    errors: dict[str, list[str]] = {}
    where = None
    if community:
        where = community_get(viewer=viewer, slug=community)
        if where is None:
            errors["community"] = [_("No such community.")]
    praised: list[User] = []
    if praised_ids:
        praised = list(ProfilePolicy.visible(viewer, User.objects.filter(pk__in=praised_ids)))
        if len(praised) != len(set(praised_ids)):
            errors["praised"] = [_("Some of these people do not exist.")]
    handles = {h.strip().lstrip("@").lower() for h in praised_handles.replace(",", " ").split()}
    handles.discard("")
    if handles:
        found = list(ProfilePolicy.listed(viewer, User.objects.filter(handle__in=handles)))
        unknown = handles - {p.handle for p in found}
        if unknown:
            errors["praised"] = [
                _("Nobody has the handle %(handles)s.")
                % {"handles": ", ".join(f"@{h}" for h in sorted(unknown))}
            ]
        praised += found
    shared = None
    if shared_post_id is not None:
        shared = post_get(viewer=viewer, post_id=shared_post_id)
        if shared is None:
            errors["shared_post"] = [_("No such post.")]
    if errors:
        raise ValidationError(errors)
    return Targets(community=where, praised=praised, shared_post=shared)
