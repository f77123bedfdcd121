"""A real browser: headless Chromium (Debian's chromium + chromium-driver) through Selenium."""

import pytest

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402


def test_home_page_in_a_browser(browser, stack):
    browser.get(stack.url("/"))
    assert "Corkboard" in browser.title
    hrefs = [a.get_attribute("href") or "" for a in browser.find_elements(By.CSS_SELECTOR, "a[href]")]
    cities = [h for h in hrefs
              if h.startswith(stack.https_url + "/") and h.count("/") == 3
              and not h.rstrip("/").endswith(("/static", "/images"))
              and len(h) > len(stack.https_url) + 1]
    assert cities, f"no city links on the home page: {hrefs}"
    # The stylesheet reached the browser (served by nginx) and applies.
    sheets = browser.execute_script("return document.styleSheets.length")
    assert sheets >= 1
