"""Search reads a stored column instead of computing each lesson's vector per query.

`Lesson.search_vector` is a generated column (lessons/search.py says what it holds on each database). On PostgreSQL
a GIN index over the column replaces 0002's index over the expression; like that one, it is created here on
PostgreSQL only and kept out of the model state, since SQLite rebuilds tables from the model state and cannot build
a GIN index. The old index is dropped first, so that adding the column (which rewrites the table) does not rebuild it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

import lessons.search

OLD_INDEX_NAME = "lessons_lesson_search_gin"
INDEX_NAME = "lessons_lesson_search_vector_gin"


def _old_index() -> GinIndex:
    """0002's index, as it built it, to drop it here and make it again when going back."""
    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("description", weight="C", config="english")
    )
    return GinIndex(vector, name=OLD_INDEX_NAME)


def _index() -> GinIndex:
    return GinIndex(fields=["search_vector"], name=INDEX_NAME)


def _on_postgresql(action):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            action(schema_editor, apps.get_model("lessons", "Lesson"))

    return run


drop_old_index = _on_postgresql(lambda editor, model: editor.remove_index(model, _old_index()))
make_old_index = _on_postgresql(lambda editor, model: editor.add_index(model, _old_index()))
make_index = _on_postgresql(lambda editor, model: editor.add_index(model, _index()))
drop_index = _on_postgresql(lambda editor, model: editor.remove_index(model, _index()))


class Migration(migrations.Migration):
    dependencies = [("lessons", "0005_lesson_progress_opened_clock")]

    operations = [
        migrations.RunPython(drop_old_index, make_old_index, elidable=False),
        migrations.AddField(
            model_name="lesson",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=lessons.search.LessonSearchDocument("title", "summary", "description"),
                output_field=lessons.search.SearchDocumentField(),
            ),
        ),
        migrations.RunPython(make_index, drop_index, elidable=False),
    ]
