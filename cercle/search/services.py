"""Writes of the search app: the subjects someone hides from "Qui sait ?".

Keyword-only, one transaction each; bad input raises a translated
``ValidationError`` and changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from cercle.access import Forbidden
from cercle.accounts.models import User
from cercle.core.errors import invalid
from cercle.core.text import clean_label
from cercle.search.experts import subject_of
from cercle.search.models import HiddenTopic
from cercle.search.text import STOP_WORDS, words

MAX_HIDDEN = 50
MAX_LABEL = 100


@transaction.atomic
def topic_hide(*, user: User, label: str) -> HiddenTopic:
    """Stop suggesting ``user`` as an expert on ``label`` from their activity.

    Hiding the same subject twice (whatever the accents, case or spacing)
    returns the first one.
    """
    if not user.is_active:
        raise Forbidden
    label = clean_label(label or "").lstrip("#").strip()
    if len(label) > MAX_LABEL:
        raise invalid("label", _("A subject has at most 100 characters."), "max_length")
    subject = subject_of(label)
    if not subject.key or all(w in STOP_WORDS for w in words(label)):
        raise invalid("label", _("Type the subject in a few words, e.g. “appels d'offres”."))
    key = subject.key[:MAX_LABEL]
    existing = HiddenTopic.objects.filter(user=user, key=key).first()
    if existing is not None:
        return existing
    if HiddenTopic.objects.filter(user=user).count() >= MAX_HIDDEN:
        raise invalid("label", _("You can hide at most 50 subjects."), "too_many")
    # get_or_create: a double submission finds the first one instead of failing.
    topic, _created = HiddenTopic.objects.get_or_create(
        user=user,
        key=key,
        defaults={
            "label": label,
            "stems_fr": " ".join(sorted(subject.fr)),
            "stems_en": " ".join(sorted(subject.en)),
        },
    )
    return topic


@transaction.atomic
def topic_show(*, user: User, topic_id: int) -> bool:
    """Count the activity on a hidden subject again. False when there was nothing to undo."""
    deleted, _rows = HiddenTopic.objects.filter(user=user, pk=topic_id).delete()
    return bool(deleted)
