"""The borrower's page at `/`, in a real browser: search, verdict in plain words, evidence, advice."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser, server: str) -> Page:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(f"{server}/")
    return page


def search(page: Page, text: str) -> None:
    page.fill("#q", text)
    page.click("form button[type=submit]")
    page.wait_for_selector("#result:not([hidden]) #verdict[data-verdict]")


def test_page_finds_a_licensed_lender_with_its_evidence(page: Page) -> None:
    search(page, "招联消费金融股份有限公司")
    assert page.get_attribute("#verdict", "data-verdict") == "licensed"
    assert page.inner_text("#verdict").startswith("Licensed")
    record = page.inner_text("#evidence")
    assert "X0007H244030001" in record
    assert "NFRA" in record
    link = page.get_attribute("#evidence a", "href") or ""
    assert link.startswith("https://www.nfra.gov.cn/")
    assert page.is_hidden("#advice")


def test_not_found_is_never_called_safe_and_gives_advice(page: Page) -> None:
    search(page, "七天贷")
    assert page.get_attribute("#verdict", "data-verdict") == "not_found"
    verdict = page.inner_text("#verdict")
    assert "does NOT mean it is safe" in verdict
    advice = page.inner_text("#advice")
    assert "contacts" in advice and "12378" in advice and "Keep evidence" in advice


def test_language_follows_the_browser_and_toggles(browser: Browser, server: str) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server}/")
    assert page.inner_text("h1") == "这家贷款机构有牌照吗？"
    search(page, "七天贷")
    assert "并不说明它是安全的" in page.inner_text("#verdict")
    assert "12378" in page.inner_text("#advice")
    page.click("#lang")
    assert page.inner_text("h1") == "Is this lender licensed?"
    page.wait_for_function("document.querySelector('#summary').textContent.includes('Nothing matching')")
    context.close()


def test_bad_input_shows_the_apis_message(page: Page) -> None:
    page.fill("#q", "x" * 201)
    page.click("form button[type=submit]")
    page.wait_for_selector("#status.error")
    assert "at most 200 characters" in page.inner_text("#status")
