"""``{% url %}`` (``cercle.core.template_urls``) gives exactly what Django's tag gives."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "args", "expected"),
    [
        ("{% url 'home' %}", {}, reverse("home")),
        ("{% url 'posts:detail' 12 %}", {}, reverse("posts:detail", args=[12])),
        ("{% url 'posts:detail' pk %}", {"pk": 7}, reverse("posts:detail", args=[7])),
        # Arguments reverse() would quote go through reverse() itself.
        (
            "{% url 'posts:attachment' 3 name %}",
            {"name": "compte rendu é.pdf"},
            reverse("posts:attachment", args=[3, "compte rendu é.pdf"]),
        ),
        (
            "{% url 'communities:detail' slug=slug %}",
            {"slug": "qualite"},
            reverse("communities:detail", kwargs={"slug": "qualite"}),
        ),
        ("{% url 'home' as there %}[{{ there }}]", {}, f"[{reverse('home')}]"),
        ("{% url 'nowhere' as there %}[{{ there }}]", {}, "[]"),
    ],
)
def test_url_tag_gives_what_reverse_gives(source: str, args: dict, expected: str) -> None:
    assert render(source, **args) == expected


def test_every_template_gets_the_fast_tag_and_unknown_names_still_fail() -> None:
    from cercle.core.template_urls import FastURLNode

    assert isinstance(Template("{% url 'home' %}").nodelist[0], FastURLNode)
    with pytest.raises(NoReverseMatch):
        render("{% url 'nowhere' %}")
