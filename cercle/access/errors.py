"""The domain's two refusals, raised by ``cercle.access.require`` and by services.

Neither is an HTTP exception: domain code knows nothing of requests.  The web
pages (``cercle.core.middleware.DomainErrorsMiddleware``) and the API
(``cercle.api.api``) translate them, each in one place, to 404 and 403.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied


class NotFound(ObjectDoesNotExist):
    """Missing, or there but not for this viewer: the two are never told apart (404)."""


class Forbidden(PermissionDenied):
    """Seen by the viewer, who may not do this to it (403)."""
