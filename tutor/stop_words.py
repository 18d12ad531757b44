"""English stop words: scikit-learn's list (`sklearn.feature_extraction.text.ENGLISH_STOP_WORDS`), read without
importing scikit-learn.

Importing scikit-learn takes about a second (scipy comes with it), and every process that loads the tutor's services
paid it at start-up for this one constant: each web process, each Celery worker, each `manage.py` command. So the list
is read from the installed package's source (its `feature_extraction/_stop_words.py`, a plain literal) with `ast`,
which runs nothing of it. The vectorizers that need scikit-learn itself import it when they run
(tutor/backends/study_guide.py). tests/tutor/test_stop_words.py checks that this equals scikit-learn's own list and
that start-up does not import scikit-learn; an upgrade that moves the list fails there and here, at import, loudly.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_NAME = "ENGLISH_STOP_WORDS"


def _scikit_learn_stop_words() -> frozenset[str]:
    spec = importlib.util.find_spec("sklearn")  # a top-level package is found without being imported
    if spec is None or not spec.submodule_search_locations:
        raise ImproperlyConfigured("scikit-learn is not installed (make install).")
    source = Path(next(iter(spec.submodule_search_locations)), "feature_extraction", "_stop_words.py")
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == _NAME for target in node.targets)
            and isinstance(node.value, ast.Call)
            and node.value.args
        ):
            return frozenset(ast.literal_eval(node.value.args[0]))
    raise ImproperlyConfigured(f"{source} no longer assigns {_NAME} = frozenset([...]): read it another way.")


ENGLISH_STOP_WORDS = _scikit_learn_stop_words()
