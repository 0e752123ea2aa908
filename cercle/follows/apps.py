from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowsConfig(AppConfig):
    """Who follows whom, which #topics one follows, and what one mutes or reads in a digest.

    The package was ``cercle.network``.  Its label stays ``network``: the label
    names the tables (``network_follow``...) and the migrations' history, and
    renaming those would be a migration with nothing in it for anyone.
    """

    name = "cercle.follows"
    label = "network"
    verbose_name = _("Follows")
