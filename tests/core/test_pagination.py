"""The paginator helpers: a page read in two steps is the page the queryset gives."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from cercle.accounts.models import User
from cercle.core.pagination import CountedPaginator, IdsFirst
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_ids_first_reads_the_rows_the_queryset_gives_in_its_order() -> None:
    for i in (3, 1, 4, 1, 5, 9, 2, 6):
        UserFactory(last_name=f"Durand{i}", first_name=f"P{i}")
    people = User.objects.select_related("department").order_by("-last_name", "first_name", "id")
    both = IdsFirst(people)
    assert len(both) == people.count() == 8
    assert list(both) == list(people)
    assert both[2:5] == list(people[2:5]) and both[0] == people[0] and both[7] == people[7]
    with pytest.raises(IndexError):
        both[8]
    page = Paginator(both, 3).get_page(3)
    assert list(page.object_list) == list(people[6:8]) and page.paginator.num_pages == 3


def test_a_counted_paginator_believes_its_count() -> None:
    paginator = CountedPaginator(list(range(10)), 4, count=10)
    assert paginator.num_pages == 3 and list(paginator.page(3).object_list) == [8, 9]
