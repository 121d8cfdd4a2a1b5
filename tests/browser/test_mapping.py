"""In headless Chromium: a mapper signs in, adds a weekly meeting by postcode and finds it in the
review queue; axe-core checks the entry form, the review queue and the import source pages."""

import secrets
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.accounts.models import Role, UserCreate
from app.accounts.service import create_user
from app.imports.models import ImportRun, ImportSource
from tests.browser.test_site import axe_violations

PASSWORD = "correct horse battery staple"


def sign_in(browser: WebDriver, live_server: str, email: str) -> None:
    browser.get(f"{live_server}/login")
    browser.find_element(By.ID, "l-email").send_keys(email)
    browser.find_element(By.ID, "l-password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form.narrow-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_matches(r"/mapper$"))


@pytest.fixture
def mapper_account(engine: Engine) -> Iterator[tuple[str, str]]:
    """A committed account (the browser talks to a separate server process), removed after."""
    email = f"browser-{secrets.token_hex(4)}@example.org"
    name = f"Browser Test Meeting {secrets.token_hex(3)}"
    with Session(engine) as session:
        create_user(session, data=UserCreate(email=email, display_name="Aisha", role=Role.mapper,
                                             password=PASSWORD))  # fmt: skip
        session.commit()
    yield email, name
    with Session(engine) as session:
        found = session.execute(
            text("SELECT id, venue_id FROM asset WHERE name = :n"), {"n": name}
        ).all()
        ids, venues = [a for a, _ in found], [v for _, v in found if v is not None]
        session.execute(
            text("DELETE FROM revision WHERE entity_id = ANY(:i) AND entity_type = 'asset'"),
            {"i": ids},
        )
        session.execute(text("DELETE FROM asset WHERE id = ANY(:i)"), {"i": ids})
        # The venue the form made for the meeting, unless another entry has come to use it.
        session.execute(
            text(
                "DELETE FROM venue WHERE id = ANY(:v) AND name = 'Browser Test Hall' "
                "AND NOT EXISTS (SELECT 1 FROM asset WHERE asset.venue_id = venue.id)"
            ),
            {"v": venues},
        )
        session.execute(
            text('DELETE FROM revision WHERE user_id IN (SELECT id FROM "user" WHERE email = :e)'),
            {"e": email},
        )
        session.execute(text('DELETE FROM "user" WHERE email = :e'), {"e": email})
        session.commit()


def test_mapper_adds_a_weekly_meeting_and_sees_it_waiting(
    browser: WebDriver, live_server: str, mapper_account: tuple[str, str]
) -> None:
    email, name = mapper_account
    sign_in(browser, live_server, email)

    browser.get(f"{live_server}/mapper/assets/new")
    assert axe_violations(browser) == []
    browser.find_element(By.ID, "f-name").send_keys(name)
    browser.find_element(By.ID, "f-fellowship").send_keys("NA")
    browser.find_element(By.ID, "f-venue_name").send_keys("Browser Test Hall")
    browser.find_element(By.ID, "f-venue_postcode").send_keys("B69 3DE")
    browser.find_element(By.ID, "find-pin").click()  # postcode → a pin that can be dragged
    WebDriverWait(browser, 10).until(
        expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, ".leaflet-marker-draggable")
        )
    )
    assert browser.find_element(By.ID, "f-venue_lat").get_attribute("value")
    browser.find_element(By.CSS_SELECTOR, "input[name=s0_days][value=wed]").click()
    browser.execute_script("document.getElementById('f-s0_start').value = '19:00';"
                           "document.getElementById('f-s0_end').value = '20:30';")  # fmt: skip
    browser.find_element(By.CSS_SELECTOR, "button[name=action][value=save]").click()
    saved_or_warned = expected_conditions.any_of(
        expected_conditions.url_contains("/history"),
        expected_conditions.presence_of_element_located((By.NAME, "confirm_different")),
    )
    WebDriverWait(browser, 10).until(saved_or_warned)
    if "/history" not in browser.current_url:  # a similar entry nearby: say it is different
        browser.find_element(By.NAME, "confirm_different").click()
        browser.find_element(By.CSS_SELECTOR, "button[name=action][value=save]").click()
        WebDriverWait(browser, 10).until(expected_conditions.url_contains("/history"))
    # The address changes as the history page starts to load: wait for its text (a busy
    # machine read the page before it).
    WebDriverWait(browser, 10).until(lambda b: "waiting for a coordinator" in b.page_source)

    browser.get(f"{live_server}/mapper/review")
    assert name in browser.page_source
    assert axe_violations(browser) == []


@pytest.fixture
def admin_with_a_source(engine: Engine) -> Iterator[tuple[str, int]]:
    """A committed admin and import source with one failed run (removed after)."""
    email = f"browser-admin-{secrets.token_hex(4)}@example.org"
    with Session(engine) as session:
        create_user(session, data=UserCreate(email=email, display_name="Sam", role=Role.admin,
                                             password=PASSWORD))  # fmt: skip
        source = ImportSource(name=f"Browser source {secrets.token_hex(3)}", type="bmlt",
                              location="http://127.0.0.1:9/feed")  # fmt: skip
        session.add(source)
        session.flush()
        assert source.id is not None
        session.add(ImportRun(source_id=source.id, source_name=source.name, outcome="failed",
                              error="could not fetch; nothing was changed",
                              failures=[{"id": "1", "why": "no start time"}]))  # fmt: skip
        session.commit()
        source_id = source.id
    yield email, source_id
    with Session(engine) as session:
        session.execute(text("DELETE FROM import_run WHERE source_id = :s"), {"s": source_id})
        session.execute(text("DELETE FROM import_source WHERE id = :s"), {"s": source_id})
        session.execute(text('DELETE FROM "user" WHERE email = :e'), {"e": email})
        session.commit()


def test_the_import_source_pages_are_accessible(
    browser: WebDriver, live_server: str, admin_with_a_source: tuple[str, int]
) -> None:
    email, source_id = admin_with_a_source
    sign_in(browser, live_server, email)
    for page in ("/mapper/sources", f"/mapper/sources/{source_id}"):
        browser.get(f"{live_server}{page}")
        assert "Import sources" in browser.page_source or "Last runs" in browser.page_source
        assert axe_violations(browser) == [], page
