"""The one place that decides who may see and do what.

Every shareable type gets a policy answering three questions (after Wagtail's
permission policies):

* ``can(viewer, action, obj)``: may this viewer do this action on this object?
* ``visible(viewer, queryset)``: which objects of this queryset may the viewer
  see, as a filter usable inside any larger query (feed, search, API lists);
* ``audience(obj)``: who may see this object (user ids, for notifications).

Views, the API, file downloads, search and notifications call these and never
re-implement a rule.  "Missing" and "not for you" must look the same from the
outside: selectors return ``None`` for both; services ask ``require(viewer,
action, obj)``, which raises ``NotFound`` for both and ``Forbidden`` for what
the viewer sees but may not do; pages and the API answer 404 and 403.
"""

from cercle.access.base import is_active_viewer
from cercle.access.errors import Forbidden, NotFound
from cercle.access.require import found, require

__all__ = ["Forbidden", "NotFound", "found", "is_active_viewer", "require"]
