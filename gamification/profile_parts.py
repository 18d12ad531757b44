"""Parts of /me/ that apps beside gamification fill (the tutor's unlocked explanations and questions), so the profile
renders without knowing them. The layer above both adds them at start-up (config/apps.py); a part only shows when its
app is installed."""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class ProfilePart:
    app: str
    template_name: str  # rendered with the profile page's context (`user`, `page`)


_parts: list[ProfilePart] = []


def profile_part_add(*, app: str, template_name: str) -> None:
    """Show `template_name` in /me/'s "where was I", on behalf of the installed app `app`. Idempotent."""
    part = ProfilePart(app=app, template_name=template_name)
    if part not in _parts:
        _parts.append(part)


def profile_part_templates() -> list[str]:
    return [part.template_name for part in _parts if apps.is_installed(part.app)]
