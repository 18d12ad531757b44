"""A learner follows the ⚡ balance in the header to the statement, reads it on a phone, and downloads it as CSV."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from credits.services import hold_capture, hold_place, hold_release
from tests.e2e.conftest import sign_in
from tests.factories import LearnerWithCreditsFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def learner():
    learner = LearnerWithCreditsFactory(credits=100, display_name="Ada", signup_bonus=True)
    unlocked = hold_place(
        user=learner,
        amount=30,
        reason="AI tutor explanation for “Attention Is All You Need”",
        reference="unlock:lesson:1",
        idempotency_key="unlock-1",
    )
    hold_capture(hold=unlocked, reason="Unlocked the AI tutor explanation for “Attention Is All You Need”")
    failed = hold_place(
        user=learner,
        amount=30,
        reason="AI tutor explanation for “Scaling Laws”",
        reference="unlock:lesson:2",
        idempotency_key="unlock-2",
    )
    hold_release(hold=failed, reason="the explanation could not be written")
    hold_place(
        user=learner,
        amount=30,
        reason="AI tutor explanation for “Chinchilla”",
        reference="unlock:lesson:3",
        idempotency_key="unlock-3",
    )
    return learner


def test_a_learner_reads_the_statement_from_the_header_balance(page, learner):
    sign_in(page, learner.email)
    # The header shows what can be spent: the balance of 70 less the 30 held.
    header_balance = page.get_by_role("link", name=re.compile(r"^Your credits: 40 \(see your statement\)$"))
    expect(header_balance).to_have_text(re.compile(r"⚡\s*40"))
    header_balance.click()

    expect(page.get_by_role("heading", name="Your credits")).to_be_visible()
    expect(page.get_by_test_id("available")).to_have_text("⚡40")
    expect(page.get_by_text("⚡30 held for")).to_be_visible()
    table = page.get_by_role("table", name="Every credit in and out, newest first")
    expect(table.get_by_role("row")).to_have_count(1 + 4)
    expect(table.get_by_role("row").nth(1)).to_contain_text("⚡30 returned — the explanation could not be written")
    link = table.get_by_role("link", name="Unlocked the AI tutor explanation for “Attention Is All You Need”")
    expect(link).to_have_attribute("href", "/lessons/id/1/")


def test_the_statement_fits_a_phone_screen(page, learner):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, learner.email)
    page.goto("/credits/")
    expect(page.get_by_role("heading", name="Your credits")).to_be_visible()
    # Nothing wider than the screen, and nothing clipped inside the table's scroll box either.
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    box = page.locator(".statement-scroll")
    assert box.evaluate("element => element.scrollWidth - element.clientWidth") <= 0
    expect(page.get_by_role("row").nth(2)).to_contain_text("−⚡30")


def test_the_statement_downloads_as_csv(page, learner):
    sign_in(page, learner.email)
    page.goto("/credits/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the full history (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("credits-statement-")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [row[1] for row in rows[1:]] == ["Returned", "Spent", "Earned", "Welcome bonus"]
