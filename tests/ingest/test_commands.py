"""manage.py source_add and sources_poll: the shapes other scripts rely on."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lessons.models import Lesson, LessonStatus, Source
from tests.factories import CategoryFactory, SourceFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_source_add_prints_the_name_and_is_idempotent_by_feed_url(feed_server):
    category = CategoryFactory(slug="papers")
    args = ("source_add", "--name", "Test arXiv", "--kind", "arxiv", "--feed-url", feed_server.url("/arxiv.atom"))
    out, _ = run(*args, "--category", "papers", "--level", "advanced")
    assert out == "Test arXiv\n"
    again, _ = run(*args)
    assert again == "Test arXiv\n"
    source = Source.objects.get()
    assert (source.feed_format, source.kind, source.default_category, source.default_level) == (
        "arxiv",
        "paper",
        category,
        "advanced",
    )


def test_source_add_gives_a_hand_kept_source_of_that_name_its_feed(feed_server):
    kept = SourceFactory(name="Medium · LLM", kind="article")
    run("source_add", "--name", "Medium · LLM", "--kind", "rss", "--feed-url", feed_server.url("/blog.rss"))
    kept.refresh_from_db()
    assert kept.feed_url == feed_server.url("/blog.rss")
    assert Source.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        ("--kind", "gopher", "--feed-url", "https://example.com/feed"),
        ("--kind", "rss", "--feed-url", "not a url"),
        ("--kind", "rss", "--feed-url", "https://example.com/feed", "--category", "no-such-category"),
    ],
)
def test_source_add_refuses_bad_arguments(bad):
    with pytest.raises(CommandError):
        run("source_add", "--name", "X", *bad)
    assert not Source.objects.exists()


def test_source_add_refuses_a_name_that_reads_another_feed(feed_server):
    run("source_add", "--name", "Blog", "--kind", "rss", "--feed-url", feed_server.url("/blog.rss"))
    with pytest.raises(CommandError, match="already reads"):
        run("source_add", "--name", "Blog", "--kind", "atom", "--feed-url", feed_server.url("/blog.atom"))


def test_sources_poll_prints_one_line_per_source_waits_for_material_and_exits_0_on_a_failure(feed_server):
    run("source_add", "--name", "Blog", "--kind", "rss", "--feed-url", feed_server.url("/blog.rss"))
    run("source_add", "--name", "Broken", "--kind", "rss", "--feed-url", feed_server.url("/missing.rss"))
    out, err = run("sources_poll")
    assert out.splitlines() == [
        "Blog: 2 new, 0 updated, 0 unchanged, 0 failed",
        "Broken: 0 new, 0 updated, 0 unchanged, 1 failed",
    ]
    assert "HTTP 404" in err
    assert all(lesson.material for lesson in Lesson.objects.all())  # fetched before the command returned
    assert set(Lesson.objects.values_list("status", flat=True)) == {LessonStatus.INCOMING}
    out, _ = run("sources_poll", "--name", "Blog")
    assert out == "Blog: not modified\n"


def test_sources_poll_with_an_unknown_name_is_a_usage_error():
    with pytest.raises(CommandError):
        run("sources_poll", "--name", "Nobody")


def test_source_add_with_a_known_feed_url_and_another_name_or_kind_says_so_and_changes_nothing(feed_server):
    url = feed_server.url("/blog.atom")
    run("source_add", "--name", "Blog", "--kind", "rss", "--feed-url", url)
    with pytest.raises(CommandError) as refused:
        run("source_add", "--name", "Notes", "--kind", "atom", "--feed-url", url)
    message = str(refused.value)
    assert "already read by the source “Blog”" in message
    assert "name is “Blog”, not “Notes”" in message
    assert "kind is “rss”, not “atom”" in message
    assert "--update" in message
    source = Source.objects.get()
    assert (source.name, source.feed_format) == ("Blog", "rss")


def test_source_add_with_update_renames_and_changes_the_kind_of_the_source_reading_the_feed(feed_server):
    url = feed_server.url("/blog.atom")
    run("source_add", "--name", "Blog", "--kind", "rss", "--feed-url", url)
    CategoryFactory(slug="papers")
    out, _ = run("source_add", "--name", "Notes", "--kind", "atom", "--feed-url", url, "--category", "papers",
                 "--level", "advanced", "--update")  # fmt: skip
    assert out == "Notes\n"
    source = Source.objects.get()
    assert (source.name, source.feed_format, source.kind) == ("Notes", "atom", "article")
    assert (source.default_category.slug, source.default_level) == ("papers", "advanced")


def test_source_add_with_update_refuses_a_name_another_source_has(feed_server):
    run("source_add", "--name", "Blog", "--kind", "rss", "--feed-url", feed_server.url("/blog.rss"))
    run("source_add", "--name", "Atom", "--kind", "atom", "--feed-url", feed_server.url("/blog.atom"))
    with pytest.raises(CommandError, match="Another source is named “Blog”"):
        run("source_add", "--name", "Blog", "--kind", "atom", "--feed-url", feed_server.url("/blog.atom"), "--update")
    assert Source.objects.get(feed_url=feed_server.url("/blog.atom")).name == "Atom"
