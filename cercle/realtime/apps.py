from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "cercle.realtime"
    label = "realtime"
    verbose_name = _("Live updates")

    def ready(self) -> None:
        from cercle.realtime import subscribers  # noqa: F401  (follows the domain's events)
