"""The example extension in a real browser: loaded unpacked into headless Chromium, pointed at the local
server through its options page, then its popup and its badge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = pytest.mark.browser


def known_domain(server: str, verdict: str) -> dict[str, Any]:
    """A domain (not an app id) that domains.json lists with this verdict and a single lender."""
    body = httpx.get(f"{server}/exports/domains.json").json()
    return next(e for e in body["data"] if e["kind"] == "domain" and e["verdict"] == verdict
                and len(e["lenders"]) == 1 and "-" not in e["domain"])


def set_api_base(context: BrowserContext, extension_id: str, server: str) -> None:
    options = context.new_page()
    options.goto(f"chrome-extension://{extension_id}/options.html")
    options.fill("#api", server)
    options.click("button[type=submit]")
    options.wait_for_selector("#saved:has-text('Saved')")
    # Saving the base makes the background worker fetch domains.json into local storage.
    options.wait_for_function("chrome.storage.local.get('domains').then(r => !!r.domains)")
    options.close()


def test_popup_shows_the_lender_regulator_and_evidence_link(
    extension_context: tuple[BrowserContext, str], server: str, using_snapshot: bool
) -> None:
    context, extension_id = extension_context
    set_api_base(context, extension_id, server)
    entry = known_domain(server, "licensed" if using_snapshot else "warning")
    popup = context.new_page()
    popup.goto(f"chrome-extension://{extension_id}/popup.html?url=https://www.{entry['domain']}/apply")
    popup.wait_for_selector("#verdict[data-verdict]")
    assert popup.get_attribute("#verdict", "data-verdict") == entry["verdict"]
    details = popup.inner_text("#details")
    assert "Regulator" in details and "Lender" in details
    assert (popup.get_attribute("#evidence", "href") or "").startswith("http")
    answer = httpx.get(f"{server}/lenders", params={"domain": entry["domain"]}).json()
    assert answer["best"]["lender_name"] in details
    assert answer["evidence"][0]["regulator"] in details


def test_popup_for_an_unknown_site_asks_the_server_only_when_told(
    extension_context: tuple[BrowserContext, str], server: str
) -> None:
    context, extension_id = extension_context
    set_api_base(context, extension_id, server)
    popup = context.new_page()
    popup.goto(f"chrome-extension://{extension_id}/popup.html?url=https://qitiandai-unknown-site.example/")
    popup.wait_for_selector("#ask:not([hidden])")
    assert "does not mean it is safe" in popup.inner_text("#status")
    popup.click("#ask")
    popup.wait_for_selector("#verdict[data-verdict]")
    assert popup.get_attribute("#verdict", "data-verdict") == "not_found"


def test_badge_marks_a_known_lenders_site(
    extension_context: tuple[BrowserContext, str], server: str, using_snapshot: bool
) -> None:
    context, extension_id = extension_context
    set_api_base(context, extension_id, server)
    entry = known_domain(server, "licensed" if using_snapshot else "warning")
    port = server.rsplit(":", 1)[1]
    # The host resolves to 127.0.0.1 (see the fixture), so this is the local server under the lender's name.
    tab = context.new_page()
    tab.goto(f"http://www.{entry['domain']}:{port}/")
    worker = context.service_workers[0]
    badge = worker.evaluate(
        """async () => {
            const [tab] = await chrome.tabs.query({ url: "http://*/*" });
            for (let i = 0; i < 50; i++) {
                const text = await chrome.action.getBadgeText({ tabId: tab.id });
                if (text) return text;
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
            return "";
        }"""
    )
    assert badge == ("✓" if entry["verdict"] == "licensed" else "!")
