"""A real browser: headless Chromium (Debian's chromium + chromium-driver) through Selenium."""

import pytest

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402


def test_home_page_in_a_browser(browser, stack):
    from test_site import SEEDED_CITIES
    browser.get(stack.url("/"))
    assert "Corkboard" in browser.title
    # The city list only: the header's /account and /login links are not cities.
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ul.cities a[href]")}
    for slug, name in SEEDED_CITIES.items():
        assert links.get(name) == f"{stack.https_url}/{slug}", f"{name} is not listed: {links}"
    # The stylesheet reached the browser (served by nginx) and applies: the page takes its
    # paper colour (var(--paper) in corkboard.css), not the browser's white.
    background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(255, 253, 248)", background
    # Following a city link shows that city's page.
    browser.find_element(By.LINK_TEXT, "Seoul").click()
    assert browser.current_url == f"{stack.https_url}/seoul" and "Seoul" in browser.title, browser.current_url
