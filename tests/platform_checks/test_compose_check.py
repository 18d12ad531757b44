"""scripts/compose_check.py (make compose-check) holds the production shape: a release step for migrations, the
liveness probe as the web's health check, one worker per queue, and a .dockerignore that keeps secrets out."""

import shutil
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from compose_check import compose_problems  # noqa: E402 - a script, not a package


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of what the check reads: the compose file, the entrypoint, the Celery settings and .dockerignore."""
    for name in ("docker-compose.yml", ".dockerignore", "platform/entrypoint.sh", "config/settings/celery.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def edit_compose(project: Path, change) -> Path:
    path = project / "docker-compose.yml"
    document = yaml.safe_load(path.read_text())
    change(document["services"])
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_the_repository_s_compose_file_has_no_problem():
    assert compose_problems(ROOT / "docker-compose.yml") == []


def test_a_web_that_does_not_wait_for_the_release_step_is_refused(project):
    def no_wait(services):  # web shares its depends_on with the others through a YAML anchor: replace, not edit
        services["web"]["depends_on"] = {k: v for k, v in services["web"]["depends_on"].items() if k != "migrate"}

    path = edit_compose(project, no_wait)
    assert compose_problems(path) == ["web does not wait for the migrate release step to complete"]


def test_migrating_in_the_web_entrypoint_is_refused(project):
    entrypoint = project / "platform" / "entrypoint.sh"
    text = entrypoint.read_text().replace("  web)\n", "  web)\n    python manage.py migrate --noinput\n")
    entrypoint.write_text(text)
    assert compose_problems(project / "docker-compose.yml") == [
        "web runs migrations: replicas would race; migrations belong to the release step"
    ]


def test_a_release_step_that_restarts_is_refused(project):
    path = edit_compose(project, lambda services: services["migrate"].update(restart="unless-stopped"))
    assert compose_problems(path) == ["migrate is restarted: a release step runs once"]


def test_readiness_as_the_web_s_health_check_is_refused(project):
    def probe_readyz(services):
        test = services["web"]["healthcheck"]["test"]
        services["web"]["healthcheck"]["test"] = [part.replace("/healthz", "/readyz") for part in test]

    assert compose_problems(edit_compose(project, probe_readyz)) == [
        "web's health check is not the liveness probe /healthz"
    ]


def test_one_worker_for_both_queues_is_refused(project):
    def one_worker(services):
        services.pop("worker-tutor")
        command = services["worker-default"]["command"]
        services["worker-default"]["command"] = [
            "--queues=celery,tutor" if part == "--queues=celery" else part for part in command
        ]

    assert compose_problems(edit_compose(project, one_worker)) == [
        "worker-default consumes 2 queues (celery,tutor): run one worker per queue"
    ]


def test_a_worker_without_a_size_or_recycling_and_a_queue_nobody_consumes_are_refused(project):
    def unsized(services):
        services.pop("worker-default")
        services["worker-tutor"]["command"] = ["celery", "-A", "config", "worker", "--queues=tutor"]

    assert compose_problems(edit_compose(project, unsized)) == [
        "worker-tutor does not set --concurrency",
        "worker-tutor does not set --max-tasks-per-child",
        "no worker consumes the celery queue",
    ]


def test_a_dockerignore_that_lets_the_env_file_in_is_refused(project):
    ignore = project / ".dockerignore"
    ignore.write_text("\n".join(line for line in ignore.read_text().splitlines() if line != ".env"))
    assert compose_problems(project / "docker-compose.yml") == [".dockerignore does not leave out .env"]
