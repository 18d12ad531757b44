"""Every environment variable the settings read is documented in README.md, where an operator looks for it."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "config" / "settings").glob("*.py")), ROOT / "platform" / "gunicorn.conf.py"]
# django-environ's readers (env.str("NAME", ...), env("NAME")) and the standard library's (os.environ.get, os.getenv).
ENV_READERS = {"str", "int", "float", "bool", "list", "tuple", "dict", "json", "url", "db_url", "cache_url", "path"}


def _name_of(node: ast.expr) -> str:
    """`os.environ.get` for an Attribute chain, `env` for a Name, `environ.Env()` for a call."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name_of(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_name_of(node.func)}()"
    return "?"


def environment_reads(source: str) -> set[str]:
    """The names of the environment variables `source` reads with a literal name."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and _name_of(node.value) == "os.environ":
            key = node.slice
        elif isinstance(node, ast.Call) and node.args:
            reader = _name_of(node.func)
            receiver, _, method = reader.rpartition(".")
            is_environ = reader in {"os.environ.get", "os.getenv", "os.environ.setdefault", "env"} or (
                method in ENV_READERS and receiver in {"env", "environ.Env()"}
            )
            if not is_environ:
                continue
            key = node.args[0]
        else:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
    return names


def read_by_the_settings() -> dict[str, set[str]]:
    """{variable: the files that read it} over the settings package and gunicorn's configuration."""
    found: dict[str, set[str]] = {}
    for path in SOURCES:
        for name in environment_reads(path.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_scan_finds_the_reads_of_every_kind():
    source = """
import os, environ
env = environ.Env()
VAR = Path(environ.Env().str("VAR_DIR", default="var"))
A = env.str("A_STR", default="")
B = env.int("B_INT", default=1)
C = env("C_CALL")
D = env.db_url("D_URL")
E = os.environ.get("E_GET", "1")
F = os.environ["F_ITEM"]
G = os.getenv("G_GETENV")
H = settings.get("NOT_AN_ENV_READ")
"""
    assert environment_reads(source) == {"VAR_DIR", "A_STR", "B_INT", "C_CALL", "D_URL", "E_GET", "F_ITEM", "G_GETENV"}


def test_the_settings_read_the_variables_everyone_knows():
    found = read_by_the_settings()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "TUTOR_BACKEND", "GUNICORN_WORKERS"} <= found.keys()


def test_every_environment_variable_read_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    undocumented = {
        name: sorted(files)
        for name, files in read_by_the_settings().items()
        if not re.search(rf"(?<![A-Z0-9_]){re.escape(name)}(?![A-Z0-9_])", readme)
    }
    assert undocumented == {}, "Add these to README.md's configuration section"
