"""manage.py sources_poll: poll sources now, in this process, waiting for their material; one line per source."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from ingest.services import DATABASE_OUTAGE, source_poll
from lessons.models import Source


class Command(BaseCommand):
    help = (
        "Poll every enabled source with a feed (or only --name) now, fetching material in this process. Prints "
        "“NAME: N new, M updated, K unchanged, E failed” per source; a failed source exits 0 (its error is on it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="", help="Poll only this source (even when it is turned off).")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = Source.objects.exclude(feed_url="").order_by("name")
        if options["name"]:
            sources = sources.filter(name=options["name"])
            if not sources.exists():
                raise CommandError(f"No source with a feed is named {options['name']!r}.")
        else:
            sources = sources.filter(enabled=True)
        for source_id, name in list(sources.values_list("pk", "name")):
            try:
                result = source_poll(source_id=source_id, material_inline=True)
            except DATABASE_OUTAGE as error:
                # PostgreSQL went away mid-poll: this source failed, the next ones may find it back (exit 0 still).
                self.stdout.write(f"{name}: failed (database unavailable)")
                reason = (str(error).strip().splitlines() or [error.__class__.__name__])[0][:300]
                self.stderr.write(f"  {name}: database unavailable: {reason}")
                close_old_connections()
                continue
            self.stdout.write(result.line())
            if result.error:
                self.stderr.write(f"  {result.source_name}: {result.error}")
