from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "cercle.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from cercle.search import subscribers  # noqa: F401  (follows the domain's events)
