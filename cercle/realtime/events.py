"""What the rest of Cercle calls to announce a change: after commit, as a hint.

An event says only *who* should look again (these users' notifications) or
*what* appeared (this post).  The content always comes from the database,
read through the visibility rules when the stream sends it: a hint lost or
duplicated costs nothing, and nothing can leak through the broker.

Published with ``transaction.on_commit`` (``robust``: a broker that is down
is logged and never fails the write that happened).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from cercle.realtime.broker import Message, broker


def _after_commit(message: Message) -> None:
    transaction.on_commit(lambda: broker().publish(message), robust=True)


def notifications_changed(user_ids: Iterable[int]) -> None:
    """These users have a new or updated notification (called by ``notifications.services``)."""
    users = sorted(set(user_ids))
    if users:
        _after_commit({"kind": "notifications", "users": users})


def post_published(post_id: int) -> None:
    """A new post: each web process finds which of its connected users have it in their feed."""
    _after_commit({"kind": "post", "post": post_id})
