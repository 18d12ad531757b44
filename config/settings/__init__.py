"""Settings for every environment, read from the environment (12-factor); defaults give the embedded local setup.

One module per concern: `base` (Django's core), `cache` (Redis, page caches, sessions), `celery`, `auth` (allauth,
social sign-in, mail), `storage` (static and media files), `csp` (security headers), `economy`, `tutor`, `ingest`,
`practice`.
A module imports what it reads from the module that sets it, and no name is set twice, so the order below does not
matter. DJANGO_SETTINGS_MODULE is `config.settings` everywhere except the test suite (`config.settings.test`).
"""

from config.settings.auth import *  # noqa: F403
from config.settings.base import *  # noqa: F403
from config.settings.cache import *  # noqa: F403
from config.settings.celery import *  # noqa: F403
from config.settings.csp import *  # noqa: F403
from config.settings.economy import *  # noqa: F403
from config.settings.ingest import *  # noqa: F403
from config.settings.practice import *  # noqa: F403
from config.settings.storage import *  # noqa: F403
from config.settings.tutor import *  # noqa: F403
