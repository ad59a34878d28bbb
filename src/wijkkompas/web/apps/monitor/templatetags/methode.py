"""``{% methode_link %}``: the small "Hoe werkt deze score?" link beside every score."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from wijkkompas.web.apps.monitor.selectors.method import current_version

register = template.Library()


@register.simple_tag
def methode_url(anchor: str = "") -> str:
    """The method page of the catalogue this site scores with, at ``anchor`` if given."""
    url = reverse("monitor:methode", args=[current_version()])
    return f"{url}#{anchor}" if anchor else url


@register.simple_tag
def methode_link(anchor: str = "") -> SafeString:
    """A paragraph with the link; every page that shows a score carries one."""
    return format_html(
        '<p class="utrecht-paragraph utrecht-paragraph--small wk-methode-link">'
        '<a class="utrecht-link" href="{}">{}</a></p>',
        methode_url(anchor),
        _("Hoe werkt deze score?"),
    )
