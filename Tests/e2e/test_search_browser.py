"""Infinite scroll in a real browser: a city of 200 posts scrolled to the end shows every post
exactly once; clicking a post and going Back returns to the page it was on."""

import time
from datetime import timedelta

import pytest

from test_search import City, now_utc

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402


def test_scroll_to_the_end_shows_every_post_once(stack, browser):
    c = City(stack)
    now = now_utc()
    for i in range(200):
        c.add(f"Scroll item {i:03d}", "", now - timedelta(minutes=5 * i + 1), 100 * i)
    c.reindex()
    browser.get(stack.url(f"/{c.slug}"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
        if browser.find_elements(By.CSS_SELECTOR, "p.end"):
            break
        time.sleep(0.2)
    ids = [int(li.get_attribute("id")[1:]) for li in browser.find_elements(By.CSS_SELECTOR, "#results > li.post")]
    assert browser.find_elements(By.CSS_SELECTOR, "p.end"), "the list never reached its end"
    assert len(ids) == 200 and len(set(ids)) == 200
    assert set(ids) == set(c.posts)
    assert not browser.find_elements(By.CSS_SELECTOR, "a.more")

    # Open a post from the fourth page, then go Back: the address names that page and the post.
    target = ids[80]
    link = browser.find_element(By.CSS_SELECTOR, f"#p{target} a")
    browser.execute_script("arguments[0].scrollIntoView()", link)
    link.click()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not browser.current_url.endswith(f"/post/{target}"):
        time.sleep(0.05)
    assert browser.current_url.endswith(f"/post/{target}"), f"the click did not open the post: {browser.current_url}"
    browser.back()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and f"#p{target}" not in browser.current_url:
        time.sleep(0.1)
    assert "cursor=" in browser.current_url and browser.current_url.endswith(f"#p{target}")
    assert browser.find_elements(By.ID, f"p{target}")
