"""Validate docker-compose.yml offline (no Docker engine here): YAML parses and every service is wired sensibly.

Beyond the wiring (one image, healthy dependencies, health checks, declared volumes), it checks the production shape:
migrations are a one-shot release step that everything else waits for and no web container runs; the web's own
health check is the liveness probe; one worker per queue, each with a concurrency and a max-tasks-per-child; and
.dockerignore keeps secrets, local state and history out of the image.
"""

import re
import sys
from pathlib import Path

import yaml

REQUIRED = {"migrate", "web", "beat", "postgres", "redis"}
DOCKERFILE = "platform/Dockerfile"
# What `COPY . .` must never put in the image.
DOCKERIGNORED = (".env", ".venv", "var", ".git", "node_modules")
DEFAULT_QUEUE = "celery"


def _command(service: dict) -> list[str]:
    command = service.get("command") or []
    return command.split() if isinstance(command, str) else [str(part) for part in command]


def _option(command: list[str], *names: str) -> str | None:
    """The value of `--name=value` or `--name value` (or a short `-Q value`) in a command, else None."""
    for index, part in enumerate(command):
        for name in names:
            if part.startswith(f"{name}="):
                return part.split("=", 1)[1]
            if part == name and index + 1 < len(command):
                return command[index + 1]
    return None


def routed_queues(root: Path) -> set[str]:
    """The queues tasks are sent to: the default one and every queue named in the Celery settings' routes."""
    settings = root / "config" / "settings" / "celery.py"
    text = settings.read_text(encoding="utf-8") if settings.exists() else ""
    return {DEFAULT_QUEUE, *re.findall(r"""["']queue["']\s*:\s*["'](\w+)["']""", text)}


def entrypoint_role(root: Path, role: str) -> str:
    """The body of platform/entrypoint.sh's `role)` branch ("" when there is none)."""
    entrypoint = root / "platform" / "entrypoint.sh"
    if not entrypoint.exists():
        return ""
    pattern = rf"^\s*{re.escape(role)}\)(.*?);;"
    match = re.search(pattern, entrypoint.read_text(encoding="utf-8"), re.DOTALL | re.MULTILINE)
    return match.group(1) if match else ""


def entrypoint_web_migrates(root: Path) -> bool:
    return bool(re.search(r"\bmigrate\b", entrypoint_role(root, "web")))


def worker_command(root: Path, service: dict) -> list[str] | None:
    """The Celery worker command a service runs (its own, or the entrypoint's `worker` role's), else None."""
    command = _command(service)
    if command == ["worker"]:
        line = next((ln for ln in entrypoint_role(root, "worker").splitlines() if "celery" in ln), "")
        command = line.split()[1:] if line.split()[:1] == ["exec"] else line.split()
    return command if command[:1] == ["celery"] and "worker" in command else None


def dockerignore_problems(root: Path) -> list[str]:
    path = root / ".dockerignore"
    if not path.exists():
        return [".dockerignore is missing: COPY . . would put .env, .venv, var/ and .git in the image"]
    entries = {line.strip().strip("/") for line in path.read_text(encoding="utf-8").splitlines()}
    return [f".dockerignore does not leave out {name}" for name in DOCKERIGNORED if name not in entries]


def compose_problems(path: Path) -> list[str]:
    root = path.resolve().parent
    document = yaml.safe_load(path.read_text())
    services = document.get("services", {})
    workers = {name: command for name, s in services.items() if (command := worker_command(root, s)) is not None}
    problems = [f"missing service: {name}" for name in sorted(REQUIRED - services.keys())]
    if not workers:
        problems.append("missing service: no Celery worker")

    app_services = ["migrate", "web", "beat", *sorted(workers)]
    for name in app_services:
        if name not in services:
            continue
        service = services[name]
        if service.get("build", {}).get("dockerfile") != DOCKERFILE:
            problems.append(f"{name} is not built from {DOCKERFILE}")
        depends_on = service.get("depends_on", {})
        for dependency in ("postgres", "redis"):
            if depends_on.get(dependency, {}).get("condition") != "service_healthy":
                problems.append(f"{name} does not wait for a healthy {dependency}")
        if name != "migrate" and depends_on.get("migrate", {}).get("condition") != "service_completed_successfully":
            problems.append(f"{name} does not wait for the migrate release step to complete")

    # The release step: runs the migrations once and exits; nothing restarts it.
    migrate = services.get("migrate", {})
    if migrate and "migrate" not in _command(migrate):
        problems.append("migrate does not run manage.py migrate")
    if migrate and str(migrate.get("restart", "no")) not in {"no", "False", "false"}:
        problems.append("migrate is restarted: a release step runs once")
    if "migrate" in _command(services.get("web", {})) or entrypoint_web_migrates(root):
        problems.append("web runs migrations: replicas would race; migrations belong to the release step")

    # The web's own check is liveness: a dependency outage must not get healthy web processes restarted.
    web_check = " ".join(str(part) for part in services.get("web", {}).get("healthcheck", {}).get("test", []))
    if "/readyz" in web_check or ("healthcheck" in services.get("web", {}) and "/healthz" not in web_check):
        problems.append("web's health check is not the liveness probe /healthz")

    # One worker per queue, each sized and recycled.
    served: dict[str, list[str]] = {}
    for name, command in sorted(workers.items()):
        queues = (_option(command, "--queues", "-Q") or DEFAULT_QUEUE).split(",")
        if len(queues) != 1:
            problems.append(f"{name} consumes {len(queues)} queues ({','.join(queues)}): run one worker per queue")
        for queue in queues:
            served.setdefault(queue, []).append(name)
        for option in ("--concurrency", "--max-tasks-per-child"):
            if _option(command, option) is None:
                problems.append(f"{name} does not set {option}")
    for queue in sorted(routed_queues(root)):
        if queue not in served:
            problems.append(f"no worker consumes the {queue} queue")

    for name in ("web", "postgres", "redis", *sorted(workers)):
        if "healthcheck" not in services.get(name, {}):
            problems.append(f"{name} has no health check")
    for name, service in services.items():
        for volume in service.get("volumes", []):
            named = str(volume).split(":", 1)[0]
            if not named.startswith((".", "/")) and named not in (document.get("volumes") or {}):
                problems.append(f"{name} uses undeclared volume {named}")
    return problems + dockerignore_problems(root)


if __name__ == "__main__":
    problems = compose_problems(Path(sys.argv[1] if len(sys.argv) > 1 else "docker-compose.yml"))
    for problem in problems:
        print(problem)
    print("docker-compose.yml: ok" if not problems else f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)
