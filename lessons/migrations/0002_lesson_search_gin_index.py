"""A GIN index over the lessons' weighted full-text vector, on PostgreSQL only.

It lives outside the model state (no Meta.indexes entry) because SQLite cannot build it: SQLite rebuilds a table
from its model state on many schema changes and would try to. The expression must stay equal to
lessons.search.search_vector(), or the planner will not use the index; tests/lessons/test_search.py checks that.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "lessons_lesson_search_gin"


def _index() -> GinIndex:
    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("description", weight="C", config="english")
    )
    return GinIndex(vector, name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("lessons", "Lesson"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("lessons", "Lesson"), _index())


class Migration(migrations.Migration):
    dependencies = [("lessons", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
