"""Validate docker-compose.yml offline (no Docker engine here): YAML parses and every service is wired sensibly."""

import sys
from pathlib import Path

import yaml

REQUIRED = {"web", "worker", "beat", "postgres", "redis"}


def compose_problems(path: Path) -> list[str]:
    document = yaml.safe_load(path.read_text())
    services = document.get("services", {})
    problems = [f"missing service: {name}" for name in sorted(REQUIRED - services.keys())]
    for name in ("web", "worker", "beat"):
        service = services.get(name, {})
        if service.get("build", {}).get("dockerfile") != "platform/Dockerfile":
            problems.append(f"{name} is not built from platform/Dockerfile")
        for dependency in ("postgres", "redis"):
            if service.get("depends_on", {}).get(dependency, {}).get("condition") != "service_healthy":
                problems.append(f"{name} does not wait for a healthy {dependency}")
    for name in ("web", "worker", "postgres", "redis"):
        if "healthcheck" not in services.get(name, {}):
            problems.append(f"{name} has no health check")
    for name, service in services.items():
        for volume in service.get("volumes", []):
            named = str(volume).split(":", 1)[0]
            if not named.startswith((".", "/")) and named not in (document.get("volumes") or {}):
                problems.append(f"{name} uses undeclared volume {named}")
    return problems


if __name__ == "__main__":
    problems = compose_problems(Path(sys.argv[1] if len(sys.argv) > 1 else "docker-compose.yml"))
    for problem in problems:
        print(problem)
    print("docker-compose.yml: ok" if not problems else f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)
