"""A real browser: headless Chromium (Debian's chromium + chromium-driver) through Selenium."""

import shutil

import pytest

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser():
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip("chromium and chromium-driver are not installed")
    options = Options()
    # Debian's binaries, named explicitly: otherwise Selenium Manager tries to download a driver.
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--ignore-certificate-errors", "--window-size=1024,768"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


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
