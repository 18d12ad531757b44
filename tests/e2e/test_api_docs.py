"""/api/v1/docs in a real browser under the production Content Security Policy: it renders, and nothing is refused."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_api_docs_page_renders_the_operations_with_no_csp_violation(page):
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto("/api/v1/docs")
    expect(page.get_by_text("/api/v1/lessons/{slug}/unlock").first).to_be_visible()
    assert refused == []
