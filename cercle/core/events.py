"""Domain events: a service says what happened; the sinks subscribe.

Services (posts, communities, network...) ``publish`` a typed event once their
change is made; notifications, the search index and live updates subscribe in
their ``AppConfig.ready`` and never get called by name.  The domain apps do not
import the sinks (``import-linter`` checks it in ``make lint``).

Delivery is synchronous, inside the service's transaction, in the order the
subscribers registered: a subscriber that writes to the database (the search
index, notification rows) is part of the write and rolls back with it; one
that reaches outside (a broker, e-mail) defers itself with
``transaction.on_commit``.  A subscriber that raises fails the write, as any
other part of it would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any


class Event:
    """The base of every domain event (each a frozen dataclass named in the past tense)."""


Handler = Callable[[Any], None]
_subscribers: dict[type[Event], list[Handler]] = defaultdict(list)


def subscribe[E: Event](
    event_type: type[E],
) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Decorator: call the function with every ``event_type`` published from now on."""

    def register(handler: Callable[[E], None]) -> Callable[[E], None]:
        if handler not in _subscribers[event_type]:
            _subscribers[event_type].append(handler)
        return handler

    return register


def publish(event: Event) -> None:
    for handler in _subscribers.get(type(event), ()):
        handler(event)


def subscribers(event_type: type[Event]) -> list[Handler]:
    """Who listens to ``event_type`` (for tests and for the curious)."""
    return list(_subscribers.get(event_type, ()))
