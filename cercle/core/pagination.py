"""Django's paginator, for a page that already counted its rows."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator


class CountedPaginator(Paginator[Any]):
    """A ``Paginator`` told its row count: the page that counted (with other figures, in
    one aggregate) does not run a second ``COUNT`` over the same rules."""

    def __init__(self, object_list: Any, per_page: int, count: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # ``count`` is a cached_property: this is its value
