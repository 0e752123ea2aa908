"""The one place that decides who may see and do what.

Every shareable type gets a policy answering three questions (after Wagtail's
permission policies):

* ``can(viewer, action, obj)``: may this viewer do this action on this object?
* ``visible(viewer, queryset)``: which objects of this queryset may the viewer
  see, as a filter usable inside any larger query (feed, search, API lists);
* ``audience(obj)``: who may see this object (user ids, for notifications).

Views, the API, file downloads, search and notifications call these and never
re-implement a rule.  "Missing" and "forbidden" must look the same from the
outside: selectors return ``None`` for both, and views and the API answer 404.
"""

from cercle.access.base import is_active_viewer

__all__ = ["is_active_viewer"]
