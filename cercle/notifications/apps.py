from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "cercle.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from cercle.notifications import (
            checks,  # noqa: F401  (registers the deploy checks)
            subscribers,  # noqa: F401  (follows the domain's events)
        )
