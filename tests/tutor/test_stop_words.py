"""tutor/stop_words.py reads scikit-learn's English stop words from the installed package's source, so that start-up
does not import scikit-learn; these tests fail when that reading and scikit-learn's own list part ways."""

import subprocess
import sys

from tests.celery_worker import ROOT
from tutor.stop_words import ENGLISH_STOP_WORDS


def test_the_list_read_equals_scikit_learns_own():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as SKLEARN

    assert ENGLISH_STOP_WORDS == SKLEARN


def test_loading_the_app_and_its_tasks_does_not_import_scikit_learn():
    code = "import django; django.setup(); import config.celery, tutor.services, sys; print('sklearn' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "False"
