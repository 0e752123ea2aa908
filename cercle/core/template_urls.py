"""``{% url %}`` for Django templates at the cost of a string format (``fast_reverse``).

Django's tag calls ``reverse()`` every time: the shell, the composer and the
sidebar of a page show thirty links, about a millisecond of a feed page at
1M posts.  Installed as a template builtin (``settings.TEMPLATES``), this tag
replaces Django's everywhere with the same syntax and results: positional
arguments go through ``cercle.core.urls.fast_reverse``; keyword arguments,
and anything ``fast_reverse`` would not format itself, through ``reverse()``.
"""

from __future__ import annotations

from django.template import Context, Library
from django.template.base import Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from cercle.core.urls import fast_reverse

register = Library()


class FastURLNode(URLNode):
    def render(self, context: Context) -> str:
        if self.kwargs:
            return str(super().render(context))
        name = self.view_name.resolve(context)
        args = [arg.resolve(context) for arg in self.args]
        try:
            url = fast_reverse(name, *args)
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> FastURLNode:
    node = django_url(parser, token)
    return FastURLNode(node.view_name, node.args, node.kwargs, node.asvar)
