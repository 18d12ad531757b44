"""`{% learner_part "name" arg %}`: a hole in the lesson page's shared body for a part that differs per learner."""

from django import template
from django.utils.safestring import SafeString

from lessons.page_parts import hole

register = template.Library()


@register.simple_tag
def learner_part(name: str, arg: object = "") -> SafeString:
    return hole(name, arg)
