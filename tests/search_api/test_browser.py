"""Real headless Chromium against a real waitress server: login, search, open a
record, highlight a field's box, correct a field, see the history.

Screenshots go to test-artifacts/ (gitignored) for a human to look at.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from schemas.settings import Settings
from search_api import create_app, services_of
from search_api.search.feed import sync_index
from tests.search_api.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    """The app served by waitress on a free loopback port, in a thread."""
    from waitress import create_server

    app = create_app(settings)
    services = services_of(app)
    assert services.archive is not None
    sync_index(services.archive, services.search)
    port = free_port()
    wsgi = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    wsgi.close()
    thread.join(timeout=5)
    services.close()


@pytest.fixture
def browser() -> Iterator[object]:
    if not Path(CHROMEDRIVER).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="ma-chromium-")
    options = webdriver.ChromeOptions()
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium") or "chromium"
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def navigate(driver, action) -> None:  # type: ignore[no-untyped-def]
    """Run ``action`` (a click or key press that loads a page) and wait for the new page.

    A click returns before the browser has replaced the page; asserting at once
    races the navigation. The old document going stale is the signal.
    """
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old_page = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, 15).until(expected_conditions.staleness_of(old_page))
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def shot(driver, name: str) -> None:  # type: ignore[no-untyped-def]
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def sign_in(driver, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver.get(base + "/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    shot(driver, "01-login")
    navigate(driver, driver.find_element(By.ID, "login-submit").click)


def test_login_search_open_correct_history(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    sign_in(driver, server, "reviewer")
    assert driver.current_url.endswith("/search")

    box = driver.find_element(By.ID, "q")
    box.send_keys("張偉")
    navigate(driver, driver.find_element(By.ID, "search-submit").click)
    assert driver.find_element(By.ID, "total").text == "4"
    reasons = driver.find_element(By.CSS_SELECTOR, "ol.hits li .reasons").text
    assert "完全一致" in reasons
    shot(driver, "02-search-results")

    navigate(driver, driver.find_element(By.LINK_TEXT, "r1953-trad").click)
    assert driver.find_element(By.ID, "record-id").text == "r1953-trad"
    image = driver.find_element(By.CSS_SELECTOR, "img.page-img")
    assert driver.execute_script("return arguments[0].naturalWidth", image) == 600
    row = driver.find_element(By.CSS_SELECTOR, 'tr[data-field="parties[0].name"]')
    ActionChains(driver).move_to_element(row).perform()
    rect = driver.find_element(By.CSS_SELECTOR, 'rect[data-field="parties[0].name"]')
    assert "active" in (rect.get_attribute("class") or "")
    shot(driver, "03-record-field-highlighted")

    Select(driver.find_element(By.ID, "correct-field")).select_by_value("parties[1].name")
    value = driver.find_element(By.ID, "correct-value")
    assert value.get_attribute("value") == "李秀英"  # pre-filled from the field row
    value.clear()
    value.send_keys("李秀瑛")
    driver.find_element(By.ID, "correct-reason").send_keys("对照原件，末字误识")
    shot(driver, "04-correction-form")
    navigate(driver, driver.find_element(By.ID, "correct-submit").click)
    assert "更正已保存" in driver.find_element(By.CSS_SELECTOR, ".flash").text
    assert "李秀瑛" in driver.find_element(By.ID, "fields").text

    navigate(driver, driver.find_element(By.ID, "history-link").click)
    history = driver.find_element(By.ID, "history").text
    assert "李秀英" in history and "李秀瑛" in history and "reviewer" in history
    assert "对照原件，末字误识" in history
    shot(driver, "05-history")


def test_clerk_sees_masked_ids_and_no_correction_form(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    sign_in(driver, server, "clerk")
    driver.get(server + "/search?q=620722650312101")
    assert "620722******101" in driver.find_element(By.CSS_SELECTOR, "ol.hits").text
    navigate(driver, driver.find_element(By.LINK_TEXT, "r1991-simp").click)
    assert not driver.find_elements(By.ID, "correction-form")
    assert "620722650312101" not in driver.page_source
    shot(driver, "06-clerk-record-masked")


def test_review_queue_keyboard(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    sign_in(driver, server, "reviewer")
    driver.get(server + "/review")
    rows = driver.find_elements(By.CSS_SELECTOR, "tr.queue-row")
    assert len(rows) == 2
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys("j")
    assert "active" in (rows[1].get_attribute("class") or "")
    shot(driver, "07-review-queue")
    navigate(driver, lambda: driver.switch_to.active_element.send_keys("e"))
    assert "/records/r1975-lookalike" in driver.current_url
