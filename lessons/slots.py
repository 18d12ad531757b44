"""Named places on the lesson page that the apps above `lessons` fill in, so `lessons` renders without knowing them.

An upper app adds a template to a slot in its AppConfig.ready():

    lesson_slot_fill("after_link", app="tutor", template_name="tutor/_lesson_slot.html")

`{% lesson_slot "after_link" %}` (lessons/templatetags/lesson_slots.py) then includes it with the page's context
(`lesson`, the `course` followed, and the lesson's `chapters` as the page lists them), in the order the apps were
loaded. A slot only shows fillers whose app is installed, so the page renders (and tests run) with `tutor` or
`gamification` left out. The lessons admin offers the same kind of hook: `lesson_admin_tool_add` (a link on a
lesson's page) and `lesson_admin_action_add` (an action on the list of lessons).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps

# after_link: under the "open the lesson" button (the tutor's block); after_chapters: the end of the main column
# (checking and completing the lesson).
LESSON_PAGE_SLOTS = ("after_link", "after_chapters")


@dataclass(frozen=True)
class SlotFiller:
    app: str
    template_name: str


_fillers: dict[str, list[SlotFiller]] = {slot: [] for slot in LESSON_PAGE_SLOTS}


def lesson_slot_fill(slot: str, *, app: str, template_name: str) -> None:
    """Add `template_name` to `slot` of the lesson page, on behalf of the installed app `app`. Idempotent."""
    if slot not in _fillers:
        raise ValueError(f"The lesson page has no slot {slot!r}; it has {', '.join(LESSON_PAGE_SLOTS)}.")
    filler = SlotFiller(app=app, template_name=template_name)
    if filler not in _fillers[slot]:
        _fillers[slot].append(filler)


def lesson_slot_templates(slot: str) -> list[str]:
    """The templates that fill `slot` now: those of installed apps only."""
    return [filler.template_name for filler in _fillers[slot] if apps.is_installed(filler.app)]


@dataclass(frozen=True)
class AdminTool:
    app: str
    label: str
    url_name: str  # an admin URL that takes the lesson's pk


_admin_tools: list[AdminTool] = []


def lesson_admin_tool_add(*, app: str, label: str, url_name: str) -> None:
    """Add a link to the lesson's change page in the admin (next to "History"), on behalf of the installed app."""
    tool = AdminTool(app=app, label=label, url_name=url_name)
    if tool not in _admin_tools:
        _admin_tools.append(tool)


def lesson_admin_tools() -> list[AdminTool]:
    return [tool for tool in _admin_tools if apps.is_installed(tool.app)]


@dataclass(frozen=True)
class AdminAction:
    app: str
    action: Callable[..., Any]  # an admin action function (modeladmin, request, queryset), decorated @admin.action


_admin_actions: list[AdminAction] = []


def lesson_admin_action_add(*, app: str, action: Callable[..., Any]) -> None:
    """Add an action to the lessons' list in the admin, on behalf of the installed app. Idempotent."""
    entry = AdminAction(app=app, action=action)
    if entry not in _admin_actions:
        _admin_actions.append(entry)


def lesson_admin_actions() -> list[Callable[..., Any]]:
    return [entry.action for entry in _admin_actions if apps.is_installed(entry.app)]
