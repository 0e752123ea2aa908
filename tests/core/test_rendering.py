"""Markdown, hashtags and mentions in posts: what is recognised and how it is shown."""

from __future__ import annotations

import pytest

from cercle.core.rendering import (
    HASHTAG_RE,
    MENTION_RE,
    extract_hashtags,
    extract_mentions,
    hashtag_key,
    render,
    render_plain,
)

KNOWN = {"thomas", "alexandra.girard", "jean-pierre"}


def hashtag_url(key: str) -> str:
    return f"/tags/{key}/"


def mention_url(handle: str) -> str | None:
    return f"/people/{handle}/" if handle in KNOWN else None


def html(text: str) -> str:
    return render(text, hashtag_url=hashtag_url, mention_url=mention_url)


# Hashtags


def test_accents_and_case_make_one_tag_spelled_as_first_written() -> None:
    assert hashtag_key("Réseau") == hashtag_key("reseau") == hashtag_key("RÉSEAU") == "reseau"
    assert extract_hashtags("#Réseau puis #reseau et #RESEAU") == ["Réseau"]


def test_a_decomposed_accent_is_part_of_the_tag() -> None:
    """macOS types "é" as "e" + combining accent: the tag must not stop at the accent."""
    assert extract_hashtags("#Re\u0301seau") == ["Réseau"]


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("Les #appelsdoffres de la semaine", ["appelsdoffres"]),
        ("#veille, #veille. (#innovation) #RH!", ["veille", "innovation", "RH"]),
        ("#2026", []),
        ("#2026 et #JO2026", ["JO2026"]),
        ("#_2026", []),
        ("#qualité_totale", ["qualité_totale"]),
        ("Je code en C# et a#b", []),
        ("L&#39;équipe", []),
        ("Voir http://x.example/y#frag et /page#x et example.com/#x", []),
        ("##double", []),
        ("\\#pas_un_tag", []),
        ("#" + "a" * 50, ["a" * 50]),
        ("#" + "a" * 51, []),
        ("#" + "ß" * 25, ["ß" * 25]),
        ("#" + "ß" * 26, []),
        ("Fin de ligne #un\n#deux", ["un", "deux"]),
        ("**#gras** et *#italique*", ["gras", "italique"]),
    ],
)
def test_extract_hashtags(text: str, tags: list[str]) -> None:
    assert extract_hashtags(text) == tags


def test_hashtags_in_code_and_links_are_not_tags() -> None:
    text = (
        "`#inline` et #vrai\n\n"
        "```\n#fenced\n```\n\n"
        "    #indented\n\n"
        "[#lien](https://example.com) ![#image](https://example.com/a.png)"
    )
    assert extract_hashtags(text) == ["vrai"]


def test_hashtag_regex_on_its_own() -> None:
    found = [m.group(1) for m in HASHTAG_RE.finditer("#un, C#, &#39; #2026 /p#q #deux_2")]
    assert found == ["un", "deux_2"]


# Mentions


@pytest.mark.parametrize(
    ("text", "handles"),
    [
        ("Merci @Thomas et @thomas !", ["thomas"]),
        ("Écrivez à thomas@example.com", []),
        ("cc @alexandra.girard.", ["alexandra.girard"]),
        ("cc @jean-pierre- et @x-", ["jean-pierre", "x"]),
        ("@a_b, @c.d-e_", ["a_b", "c.d-e_"]),
        ("@_x @.x @-x", []),
        ("@" + "a" * 64, ["a" * 64]),
        ("@" + "a" * 65, []),
        ("medium.com/@auteur", []),
        ("(@thomas)", ["thomas"]),
    ],
)
def test_extract_mentions(text: str, handles: list[str]) -> None:
    assert extract_mentions(text) == handles


def test_mentions_in_code_and_links_are_not_mentions() -> None:
    text = "`@inline` @vrai\n\n```\n@fenced\n```\n\n    @indented\n\n[@lien](https://example.com)"
    assert extract_mentions(text) == ["vrai"]


def test_mention_regex_on_its_own() -> None:
    found = [m.group(1) for m in MENTION_RE.finditer("@Ana, a@b.c @bob. @\u212aelvin")]
    assert found == ["Ana", "bob"]


# Rendering: Markdown


def test_paragraphs_and_line_breaks() -> None:
    assert html("un\ndeux\n\ntrois") == "<p>un<br>\ndeux</p>\n<p>trois</p>"


def test_emphasis_and_strong() -> None:
    assert html("*un* _deux_ **trois** __quatre__") == (
        "<p><em>un</em> <em>deux</em> <strong>trois</strong> <strong>quatre</strong></p>"
    )


def test_lists() -> None:
    assert html("- a\n- b") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    assert html("1. a\n2. b") == "<ol>\n<li>a</li>\n<li>b</li>\n</ol>"


def test_links_carry_rel_and_no_target() -> None:
    out = html("[le site](https://example.com/a?b=1&c=2)")
    assert out == (
        '<p><a href="https://example.com/a?b=1&amp;c=2" rel="noopener nofollow">le site</a></p>'
    )
    assert "target" not in out


def test_bare_urls_and_addresses_become_links() -> None:
    assert html("https://example.com et www.example.org") == (
        '<p><a href="https://example.com" rel="noopener nofollow">https://example.com</a> et '
        '<a href="http://www.example.org" rel="noopener nofollow">www.example.org</a></p>'
    )
    assert html("thomas@example.com") == (
        '<p><a href="mailto:thomas@example.com" rel="noopener nofollow">thomas@example.com</a></p>'
    )


def test_site_paths_are_links_but_other_relative_urls_are_not() -> None:
    assert html("[ici](/communities/rh/)") == (
        '<p><a href="/communities/rh/" rel="noopener nofollow">ici</a></p>'
    )
    assert "<a" not in html("[x](//evil.example/) [y](page.html) [z](ftp://example.com)")


def test_inline_code_and_fenced_code() -> None:
    assert html("`a < b`") == "<p><code>a &lt; b</code></p>"
    assert html("```python\nif a < b:\n    pass\n```") == (
        '<pre><code class="language-python">if a &lt; b:\n    pass\n</code></pre>'
    )


def test_a_strange_language_name_loses_its_class_not_its_code() -> None:
    assert html('```py"x onclick=y\ncode\n```') == "<pre><code>code\n</code></pre>"


def test_blockquote() -> None:
    assert html("> cité\n> encore") == "<blockquote>\n<p>cité<br>\nencore</p>\n</blockquote>"


def test_raw_html_is_shown_as_text() -> None:
    assert html("<b>gras</b>") == "<p>&lt;b&gt;gras&lt;/b&gt;</p>"


def test_headings_tables_and_rules_are_not_produced() -> None:
    out = html("# Titre\n\nSous-titre\n===\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n\n***")
    for tag in ("<h1", "<h2", "<table", "<hr"):
        assert tag not in out
    assert "<p># Titre</p>" in out
    assert "Sous-titre" in out


def test_images_become_links_never_img() -> None:
    assert html("![le plan](https://example.com/plan.png)") == (
        '<p><a href="https://example.com/plan.png" rel="noopener nofollow">le plan</a></p>'
    )
    assert html("![](https://example.com/plan.png)") == (
        '<p><a href="https://example.com/plan.png" rel="noopener nofollow">'
        "https://example.com/plan.png</a></p>"
    )
    assert "<img" not in html("![x](/a.png) ![y](data:image/png;base64,AAAA)")


# Rendering: hashtags and mentions


def test_hashtags_link_to_their_key_and_keep_their_spelling() -> None:
    assert html("Vive le #Réseau") == (
        '<p>Vive le <a href="/tags/reseau/" class="hashtag" rel="noopener nofollow">#Réseau</a></p>'
    )


def test_known_mentions_link_to_the_profile() -> None:
    assert html("Merci @Thomas.") == (
        '<p>Merci <a href="/people/thomas/" class="mention" rel="noopener nofollow">'
        "@Thomas</a>.</p>"
    )


def test_unknown_mentions_stay_plain_text() -> None:
    assert html("Merci @personne") == "<p>Merci @personne</p>"


def test_mention_url_receives_lower_case_handles() -> None:
    seen: list[str] = []

    def remember(handle: str) -> str | None:
        seen.append(handle)
        return None

    render("@Jean-Pierre et @ALEXANDRA.GIRARD", hashtag_url=hashtag_url, mention_url=remember)
    assert seen == ["jean-pierre", "alexandra.girard"]


def test_no_hashtag_or_mention_inside_code_or_links() -> None:
    out = html("`#a @thomas` [#b @thomas](https://example.com) https://example.com/#c")
    assert 'class="hashtag"' not in out
    assert 'class="mention"' not in out
    assert "<a" not in out.split("</code>")[0]


def test_email_addresses_are_mailto_links_not_mentions() -> None:
    assert 'class="mention"' not in html("thomas@example.com")


def test_hashtags_and_mentions_inside_markdown() -> None:
    out = html("- **#urgent** pour @thomas\n> #veille")
    assert '<strong><a href="/tags/urgent/" class="hashtag"' in out
    assert '<a href="/people/thomas/" class="mention"' in out
    assert '<a href="/tags/veille/" class="hashtag"' in out


# Plain excerpts


def test_render_plain_drops_markup_and_collapses_space() -> None:
    text = "**Gros** titre\n\n- [le lien](https://example.com) et `code`\n- #tag @thomas\n\n```\nx = 1\n```"
    assert render_plain(text) == "Gros titre le lien et code #tag @thomas x = 1"


def test_render_plain_keeps_short_text_whole() -> None:
    assert render_plain("Bonjour à tous", limit=14) == "Bonjour à tous"


def test_render_plain_cuts_at_a_word_boundary() -> None:
    out = render_plain("Une réunion importante, demain matin", limit=24)
    assert out == "Une réunion importante…"
    assert len(out) <= 24


def test_render_plain_cut_exactly_before_a_space_keeps_the_last_word() -> None:
    assert render_plain("abc def ghi", limit=8) == "abc def…"


def test_render_plain_hard_cuts_a_single_long_word() -> None:
    assert render_plain("a" * 50, limit=10) == "a" * 9 + "…"


def test_render_plain_returns_text_not_html() -> None:
    """Callers escape it: "<" stays "<" here rather than becoming "&lt;" twice."""
    assert render_plain("a < b & <b>c</b>") == "a < b & <b>c</b>"
