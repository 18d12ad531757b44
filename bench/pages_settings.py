"""Settings for the page benchmark: the project's own, plus a bare view to compare pages with."""

from config.settings import *  # noqa: F403 - the benchmark measures the real configuration

ROOT_URLCONF = "bench.pages_urls"
