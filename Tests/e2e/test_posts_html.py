"""The HTML side of posts: the form without JavaScript (everything in one multipart POST,
refilled on error naming the failed photo), owner controls, "my posts", and a real browser
posting with per-photo uploads and progress bars."""

import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from posts_support import csrf, form_parts, jpeg


@pytest.fixture
def poster(stack):
    email, password = stack.create_user(verified=True)
    s = stack.api_login(stack.session(), email, password)
    s.headers.pop("X-Requested-With", None)   # a browser form sends no API header
    s.email, s.password = email, password
    yield s
    s.close()


def test_form_without_javascript_posts_everything_at_once(stack, poster):
    page = poster.get(stack.url("/post/new"), timeout=30)
    assert page.status_code == 200 and re.search(r'src="/static/post-form\.[0-9a-f]{12}\.js"', page.text) and "<script>" not in page.text
    parts = form_parts(csrf(page.text)) + [("photo", ("a.jpg", jpeg(1000), "image/jpeg")),
                                           ("photo", ("b.jpg", jpeg(1001), "image/jpeg"))]
    r = poster.post(stack.url("/post/new"), files=parts, allow_redirects=False, timeout=60)
    assert r.status_code == 303, r.text
    post_url = r.headers["Location"]
    page = poster.get(stack.url(post_url), timeout=30).text
    assert "₩12,000" in page and page.count('<li class="slide" id="photo-') == 2   # Seoul prices are in won
    assert f'href="{post_url}/edit"' in page and f'action="{post_url}/delete"' in page
    # Another viewer sees the same post page, without the owner controls.
    title = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    with stack.session() as anon:
        deadline = time.monotonic() + 5
        while (r := anon.get(stack.url(post_url), timeout=30)).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert r.status_code == 200 and f"<h1>{title}</h1>" in r.text, f"not the post page: {r.status_code}"
        assert page.count('<li class="slide" id="photo-') == r.text.count('<li class="slide" id="photo-') == 2
        assert f'href="{post_url}/edit"' not in r.text and f'action="{post_url}/delete"' not in r.text
        assert "/edit" not in r.text
    mine = poster.get(stack.url("/account/posts"), timeout=30).text
    assert post_url in mine
    # Delete through the POST form.
    r = poster.post(stack.url(f"{post_url}/delete"), data={"csrf_token": csrf(page)}, allow_redirects=False, timeout=30)
    assert r.status_code == 303
    assert poster.get(stack.url(post_url), timeout=30).status_code == 410


def test_form_error_refills_fields_and_names_the_failed_photo(stack, poster):
    page = poster.get(stack.url("/post/new"), timeout=30).text
    title = f"Refill me {time.time()}"
    parts = form_parts(csrf(page), title=title, description="Kept <b>text</b>") + [
        ("photo", ("fine.jpg", jpeg(1010), "image/jpeg")), ("photo", ("holiday.jpg", b"not an image at all", "image/jpeg"))]
    r = poster.post(stack.url("/post/new"), files=parts, allow_redirects=False, timeout=60)
    assert r.status_code == 400
    assert "Photo 2 (holiday.jpg) is not a JPEG, PNG or WebP image." in r.text
    assert f'value="{title}"' in r.text and "Kept &lt;b&gt;text&lt;/b&gt;</textarea>" in r.text
    assert '<option value="seoul" selected>' in r.text and '<option value="mapo" data-city="seoul" selected>' in r.text
    # A bad price, likewise.
    r = poster.post(stack.url("/post/new"), files=form_parts(csrf(page), title=title, price="-3"), timeout=30)
    assert r.status_code == 400 and "cannot be negative" in r.text and f'value="{title}"' in r.text
    # And a form without its CSRF token is refused.
    r = poster.post(stack.url("/post/new"), files=form_parts("forged", title=title), timeout=30)
    assert r.status_code == 403


def test_edit_form_keeps_unchecked_photos_out(stack, poster):
    page = poster.get(stack.url("/post/new"), timeout=30).text
    parts = form_parts(csrf(page)) + [("photo", (f"{i}.jpg", jpeg(1020 + i), "image/jpeg")) for i in range(3)]
    post_url = poster.post(stack.url("/post/new"), files=parts, allow_redirects=False, timeout=60).headers["Location"]
    edit = poster.get(stack.url(post_url + "/edit"), timeout=30).text
    ids = re.findall(r'name="photos" value="([0-9a-f]{64})" checked', edit)
    assert len(ids) == 3
    # Keep the third and first (in that order), drop the second, add one new file.
    parts = form_parts(csrf(edit), title="Edited lamp") + [("photos", (None, ids[2])), ("photos", (None, ids[0])),
                                                          ("photo", ("new.jpg", jpeg(1030), "image/jpeg"))]
    r = poster.post(stack.url(post_url + "/edit"), files=parts, allow_redirects=False, timeout=60)
    assert r.status_code == 303, r.text
    got = poster.get(stack.url("/api/posts/" + post_url.rsplit("/", 1)[1]), timeout=30).json()
    assert got["title"] == "Edited lamp" and [p["id"] for p in got["photos"]][:2] == [ids[2], ids[0]]
    assert len(got["photos"]) == 3


def test_browser_posts_with_photos_and_progress_bars(stack, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
    email, password = stack.create_user(verified=True)
    stack.browser_login(browser, email, password)
    WebDriverWait(browser, 15).until(lambda d: "/login" not in d.current_url)
    browser.get(stack.url("/post/new"))
    tmp = Path(tempfile.mkdtemp())
    paths = []
    for i in range(3):
        p = tmp / f"photo{i}.jpg"
        p.write_bytes(jpeg(1100 + i, size=(500 + 50 * i, 400)))
        paths.append(str(p))
    bad = tmp / "broken.jpg"
    bad.write_bytes(b"this is not a photo")
    title = f"Browser lamp {time.time()}"
    browser.find_element(By.NAME, "title").send_keys(title)
    browser.find_element(By.NAME, "price").send_keys("40")
    Select(browser.find_element(By.NAME, "city")).select_by_value("lisbon")
    Select(browser.find_element(By.NAME, "category")).select_by_value("furniture")
    browser.find_element(By.NAME, "description").send_keys("Posted from a real browser.\n\nSecond paragraph.")
    browser.find_element(By.NAME, "photo").send_keys("\n".join(paths + [str(bad)]))
    # One progress bar per photo; the good ones reach 100 and are listed, the bad one fails
    # with its message, and the others are not lost.
    WebDriverWait(browser, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".upload-progress li")) == 4)
    WebDriverWait(browser, 30).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".upload-progress li.done")) == 3
        and len(d.find_elements(By.CSS_SELECTOR, ".upload-progress li.failed")) == 1)
    bars = browser.find_elements(By.CSS_SELECTOR, ".upload-progress li.done progress")
    assert [b.get_attribute("value") for b in bars] == ["100"] * 3
    failed = browser.find_element(By.CSS_SELECTOR, ".upload-progress li.failed .status").text
    assert "not a JPEG, PNG or WebP" in failed
    assert len(browser.find_elements(By.CSS_SELECTOR, ".photo-list li.photo")) == 3
    browser.find_element(By.CSS_SELECTOR, "form.post-form button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda d: re.search(r"/post/\d+$", d.current_url))
    assert title in browser.title
    imgs = browser.find_elements(By.CSS_SELECTOR, "ol.photos img")
    assert len(imgs) == 3
    # The images really loaded (decoded by the browser, served by nginx).
    WebDriverWait(browser, 15).until(
        lambda d: d.execute_script("return Array.from(document.querySelectorAll('ol.photos img')).every(i => i.complete && i.naturalWidth > 0)"))
    # The first large photo links to its display-size file, 500 px wide (the page's <img> picks
    # from srcset, so its naturalWidth is the slot's; the file itself is measured here).
    assert browser.execute_async_script(
        "const done = arguments[0], i = new Image(); i.onload = () => done(i.naturalWidth);"
        "i.src = document.querySelector('.gallery .slides a').href;") == 500
    shutil.rmtree(tmp)
