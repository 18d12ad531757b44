"""The project's system checks: timings that must keep their order, and folders made where they are used."""

import importlib
import sys

from django.core.checks import run_checks

from config import apps as project_apps


def timing_errors() -> list[str]:
    return [error.msg for error in run_checks() if error.id == "project.E001"]


def test_the_default_timings_keep_their_order():
    assert timing_errors() == []


def test_a_claim_lease_shorter_than_the_task_time_limit_is_refused(settings):
    settings.TUTOR_CLAIM_LEASE_SECONDS = settings.CELERY_TASK_TIME_LIMIT
    assert timing_errors() == ["CELERY_TASK_TIME_LIMIT (600 s) must be shorter than TUTOR_CLAIM_LEASE_SECONDS (600 s)."]


def test_a_visibility_timeout_shorter_than_the_hold_is_refused_on_redis(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60}
    assert timing_errors() == [
        f"TUTOR_HOLD_TTL_SECONDS ({settings.TUTOR_HOLD_TTL_SECONDS} s) must be shorter than "
        "CELERY_VISIBILITY_TIMEOUT (60 s)."
    ]


def settings_reloaded() -> list[str]:
    """Run every module of the settings package again, concern modules first; returns the VAR_DIR they read."""
    import config.settings

    modules = [module for name, module in sorted(sys.modules.items()) if name.startswith("config.settings.")]
    for module in [*modules, config.settings]:
        importlib.reload(module)
    return [str(module.VAR_DIR) for module in modules if hasattr(module, "VAR_DIR")]


def test_importing_the_settings_creates_no_folder(tmp_path, monkeypatch):
    var = tmp_path / "var"
    monkeypatch.setenv("VAR_DIR", str(var))
    try:
        assert str(var) in settings_reloaded()
        assert not var.exists()
    finally:
        monkeypatch.delenv("VAR_DIR")
        settings_reloaded()


def test_loading_the_apps_creates_the_static_root(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path / "static"
    project_apps.local_folders_create()
    assert settings.STATIC_ROOT.is_dir()
