from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """What operators look at: health, readiness, metrics, request ids in the logs."""

    name = "cercle.ops"
    label = "ops"
    verbose_name = _("Operations")
