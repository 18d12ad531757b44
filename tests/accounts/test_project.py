"""Project-level guarantees: stdlib `platform` is not shadowed, and production settings pass the deploy check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_standard_library_platform_module_is_not_shadowed_from_the_repository_root():
    result = subprocess.run(
        [sys.executable, "-c", "import platform, uuid; print(platform.system()); print(platform.__file__)"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    system, module_file = result.stdout.split()
    assert system
    assert not module_file.startswith(str(ROOT))


def test_deploy_check_is_clean_under_production_variables(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "DJANGO_", "SECRET_"))
    }
    env.update(
        DJANGO_DEBUG="0",
        SECRET_KEY="k8#q2v!x7t@production-secret-that-is-long-and-random-9f3a1c5e7b",
        ALLOWED_HOSTS="learn.example.com",
        SITE_URL="https://learn.example.com",
        VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_flags_a_missing_secret_key(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SECRET_", "DJANGO_", "SECURE_"))}
    env.update(DJANGO_DEBUG="0", ALLOWED_HOSTS="learn.example.com", VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr
