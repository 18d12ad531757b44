"""The browser tab's title: a page's own heading, then the site's name."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter(is_safe=True)
def page_title(heading: str, site_name: str) -> SafeString:
    """ "Heading · Site" for a page that names itself (its `head_title` block, rendered and escaped already), the
    site's name alone for one that does not. Django's templates cannot ask whether a block is empty; this can."""
    heading = heading.strip()
    if not heading:
        return format_html("{}", site_name)
    return format_html("{} · {}", SafeString(heading), site_name)
