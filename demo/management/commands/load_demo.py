"""manage.py load_demo: the demo catalog, its courses and the two demo users (safe to run twice)."""

from django.core.management.base import BaseCommand

from demo.load import demo_catalog_load


class Command(BaseCommand):
    help = "Load the demo catalog (categories, sources, lessons, chapters, courses, related lessons) and demo users."

    def handle(self, *args: object, **options: object) -> None:
        loaded = demo_catalog_load()
        self.stdout.write(self.style.SUCCESS(loaded.summary()))
