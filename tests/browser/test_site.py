"""In headless Chromium: the journey from the home page, and axe-core on the main pages."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import AXE

PAGES = [
    "/",
    "/search?near=B69+3DE&radius=5&kind=meeting",
    "/towns/oldbury",
    "/assets/{id}",
    "/whats-on",
    "/suggest",
    "/about",
    "/about/partners",
    "/embed?town=tipton",
]


@contextmanager
def partner_site(directory: Path) -> Iterator[str]:
    """A second origin on loopback, standing in for a partner's website."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def axe_violations(driver: WebDriver) -> list[dict[str, Any]]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',"
        " 'best-practice']}).then(r => done(r.violations)).catch(e => done([{id: String(e)}]));"
    )
    return list(result)


def test_search_from_the_home_page_shows_results_and_the_map(
    browser: WebDriver, live_server: str
) -> None:
    browser.get(live_server + "/")
    box = browser.find_element(By.ID, "home-near")
    box.send_keys("B69 3DE")
    box.submit()
    wait = WebDriverWait(browser, 10)
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".card")))
    cards = browser.find_elements(By.CSS_SELECTOR, ".card")
    assert len(cards) > 5
    assert "near=B69+3DE" in browser.current_url
    wait.until(
        expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, "#map.map-ready .leaflet-marker-icon")
        )
    )
    markers = browser.find_elements(By.CSS_SELECTOR, "#map .leaflet-marker-icon")
    venues = json.loads(
        browser.find_element(By.ID, "map-data").get_attribute("textContent") or "[]"
    )
    assert len(markers) == len(venues) > 1


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations(browser: WebDriver, live_server: str, path: str) -> None:
    if "{id}" in path:
        first = httpx.get(
            f"{live_server}/api/v1/assets", params={"kind": "meeting", "per_page": 1}
        ).json()
        path = path.format(id=first["items"][0]["id"])
    browser.get(live_server + path)
    violations = axe_violations(browser)
    assert violations == [], [
        (v["id"], v.get("help"), [n["target"] for n in v.get("nodes", [])][:3]) for v in violations
    ]


def test_script_widget_works_on_another_origin(
    browser: WebDriver, live_server: str, tmp_path: Path
) -> None:
    host = tmp_path / "host.html"
    host.write_text(
        "<!doctype html><html lang='en'><head><title>Partner</title></head><body>"
        "<div data-waymark data-town='tipton' data-kind='meeting' data-limit='5'></div>"
        f"<script src='{live_server}/embed.js'></script></body></html>"
    )
    with partner_site(tmp_path) as origin:
        browser.get(f"{origin}/host.html")
        WebDriverWait(browser, 10).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".waymark-list li a"))
        )
        links = browser.find_elements(By.CSS_SELECTOR, ".waymark-list li a")
        assert 0 < len(links) <= 5
        assert all(link.get_attribute("href").startswith(live_server) for link in links)


@pytest.mark.parametrize("path", ["/", "/search?near=B69+3DE", "/towns/oldbury", "/whats-on"])
def test_no_sideways_scrolling_at_320px(browser: WebDriver, live_server: str, path: str) -> None:
    """320 CSS pixels: a small phone, or 640px at 200% zoom (WCAG reflow)."""
    browser.set_window_size(320, 800)
    try:
        browser.get(live_server + path)
        width = browser.execute_script("return document.documentElement.clientWidth")
        scroll = browser.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width, f"{path}: content {scroll}px wide in a {width}px window"
    finally:
        browser.set_window_size(1280, 900)
