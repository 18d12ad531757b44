"""`{% lesson_slot "name" %}`: includes what the apps above lessons put in a named slot of the lesson page."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from lessons.slots import lesson_slot_templates

register = template.Library()


@register.simple_tag(takes_context=True)
def lesson_slot(context: template.Context, slot: str) -> SafeString:
    # As {% include %} does: each filler sees the page's whole context, and what it sets stays inside it.
    engine = context.template.engine if context.template is not None else template.Engine.get_default()
    parts = []
    for template_name in lesson_slot_templates(slot):
        with context.push():
            parts.append(engine.get_template(template_name).render(context))
    return mark_safe("".join(parts))  # noqa: S308 - each part is a template's own autoescaped output
