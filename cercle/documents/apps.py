from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "cercle.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from cercle.documents import uses  # noqa: F401  (links in posts and comments)
        from cercle.documents.cards import add_documents
        from cercle.posts.cards import extend_cards

        extend_cards(add_documents)
