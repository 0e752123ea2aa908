from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "cercle.tasks"
    label = "tasks"
    verbose_name = _("Background tasks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cercle.tasks import retries  # noqa: F401 - connects the retry of failed tasks
