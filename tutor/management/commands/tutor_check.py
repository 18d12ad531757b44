"""manage.py tutor_check: what the configured model server (or --base-url) can do, one tiny request per capability."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tutor.backends.chat_check import server_check


class Command(BaseCommand):
    help = (
        "Ask the OpenAI-compatible model server once per capability (chat, streaming, usage, json_schema, "
        "json_object) and print what it supports and how fast it writes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default=settings.TUTOR_BASE_URL, help="default: TUTOR_BASE_URL")
        parser.add_argument("--model", default=settings.TUTOR_MODEL, help="default: TUTOR_MODEL")
        parser.add_argument("--timeout", type=float, default=settings.TUTOR_TIMEOUT_SECONDS)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["model"]:
            raise CommandError("No model: set TUTOR_MODEL or pass --model.")
        if not options["base_url"] and not settings.TUTOR_API_KEY:
            raise CommandError("No server: set TUTOR_BASE_URL (or TUTOR_API_KEY for OpenAI itself) or pass --base-url.")
        report = server_check(
            base_url=options["base_url"] or None,
            api_key=settings.TUTOR_API_KEY,
            model=options["model"],
            timeout=options["timeout"],
        )
        self.stdout.write(f"Server {report.base_url}, model {report.model}")
        for probe in report.probes:
            mark = "yes" if probe.supported else "no "
            timing = f" ({probe.seconds:.1f} s)" if probe.seconds else ""
            self.stdout.write(f"  {probe.capability:<12} {mark}  {probe.detail}{timing}")
        first = f", first token after {report.first_token_seconds:.2f} s" if report.first_token_seconds else ""
        self.stdout.write(f"Speed: {report.tokens_per_second:.1f} tokens/s{first}")
        self.stdout.write(f"The tutor will ask for: {report.best_form}")
        if not report.supports("chat"):
            raise CommandError("The server did not answer a plain chat request: the openai backend cannot use it.")
