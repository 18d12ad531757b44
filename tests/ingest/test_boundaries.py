"""The pipeline writes the catalog's tables only through lessons' services: no ORM write on a lessons model here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

INGEST = Path(__file__).resolve().parents[2] / "ingest"
LESSONS_MODELS = frozenset(
    ("Lesson", "Chapter", "Source", "Category", "RelatedLesson", "Course", "CourseLesson", "IncomingLesson")
)
WRITES = {"create", "bulk_create", "update", "bulk_update", "delete", "get_or_create", "update_or_create"}


def orm_writes_on_lessons_models(path: Path) -> list[str]:
    """`<LessonsModel>.objects….<write>(…)` calls in a module, however the chain is spread over lines."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES):
            continue
        chain: ast.AST = node.func.value
        attributes = []
        while isinstance(chain, ast.Call | ast.Attribute):
            if isinstance(chain, ast.Attribute):
                attributes.append(chain.attr)
                chain = chain.value
            else:
                chain = chain.func
        if isinstance(chain, ast.Name) and chain.id in LESSONS_MODELS and "objects" in attributes:
            found.append(f"{path.name}:{node.lineno} {chain.id}….{node.func.attr}()")
    return found


def test_the_checker_finds_a_write_spread_over_lines(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text("(\n    Lesson.objects.select_for_update()\n    .filter(pk=1)\n    .update(title='x')\n)\n")
    assert orm_writes_on_lessons_models(module) == ["sample.py:2 Lesson….update()"]


@pytest.mark.parametrize("path", sorted(INGEST.rglob("*.py")), ids=lambda path: str(path.relative_to(INGEST)))
def test_ingest_writes_no_lessons_table_through_the_orm(path):
    assert orm_writes_on_lessons_models(path) == []
