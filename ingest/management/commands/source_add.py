"""manage.py source_add: add a source that brings lessons in on its own; idempotent by feed URL."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator

from ingest.exceptions import SourceConflict
from ingest.services import source_add
from lessons.models import Category, FeedFormat, Level


class Command(BaseCommand):
    help = (
        "Add a polled source (a feed); running it again with the same arguments changes nothing. Prints its name. "
        "A feed URL already read under another name or kind is an error that says so, unless --update."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="As learners see it, e.g. “Medium · LLM”.")
        parser.add_argument("--kind", required=True, choices=FeedFormat.values, help="The feed's format.")
        parser.add_argument("--feed-url", required=True)
        parser.add_argument("--category", default="", help="Slug of the category new items get.")
        parser.add_argument("--level", default="", choices=["", *Level.values], help="Level new items get.")
        parser.add_argument(
            "--update",
            action="store_true",
            help="When a source already reads this feed URL, give it this name, kind, category and level.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name or len(name) > 120:
            raise CommandError("--name must be 1 to 120 characters.")
        try:
            URLValidator(schemes=["http", "https"])(options["feed_url"])
        except ValidationError:
            raise CommandError("--feed-url must be an http(s) URL.") from None
        category = None
        if options["category"]:
            category = Category.objects.filter(slug=options["category"]).first()
            if category is None:
                raise CommandError(f"No category with slug {options['category']!r}.")
        try:
            source, _ = source_add(
                name=name,
                feed_format=options["kind"],
                feed_url=options["feed_url"],
                category=category,
                level=options["level"],
                update=options["update"],
            )
        except SourceConflict as error:
            raise CommandError(str(error)) from None
        self.stdout.write(source.name)
