"""Static and media files: whitenoise serves hashed, compressed static files in production."""

from pathlib import Path

from config.settings.base import BASE_DIR, DEBUG, VAR_DIR, env

# --- Static files --------------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
# STATIC_ROOT: where `collectstatic` writes and whitenoise reads. The image collects them at build time into a folder
# of its own, outside VAR_DIR (platform/Dockerfile), so a read-only, full or mounted VAR_DIR neither stops the web
# from starting nor hides the files. Unset: VAR_DIR/static.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need `collectstatic`; local runs and tests serve the sources as they are.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Later additions ------------------------------------------------------------------------------------------------
# New settings of this concern go below, each in a commented block of its own (and in README.md's configuration).
