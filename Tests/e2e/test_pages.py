"""Pages people use (issue 16), in headless Chromium: axe-core finds no serious or critical
violation on the pages the issue lists (light and dark), every page is screenshot at 390 and
1280 px into the test output folder and never scrolls sideways at 390 px, the post gallery
works with the arrow keys and without JavaScript, and a cursor walk of a city in gallery view
shows every post once.

Screenshots and axe results go to $CB_TEST_OUTPUT/pages (default var/test-output/pages)."""

import io
import json
import os
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import REPO, chrome, click_and_wait_for_page
from test_search import City, now_utc

selenium = pytest.importorskip("selenium")
axe_selenium_python = pytest.importorskip("axe_selenium_python")
from PIL import Image, ImageDraw  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

OUT = Path(os.environ.get("CB_TEST_OUTPUT", REPO / "var" / "test-output")) / "pages"
WIDTHS = (390, 1280)
BAD = ("serious", "critical")


def gradient_jpeg(n: int, size=(900, 600)) -> bytes:
    """A small, real photo-like JPEG: a gradient with a number on it."""
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for x in range(0, size[0], 6):
        draw.rectangle([x, 0, x + 6, size[1]], fill=(40 + (x * 150 // size[0]), 60 + 15 * n, 120 - 8 * n))
    draw.ellipse([size[0] // 3, size[1] // 4, size[0] // 3 + 200, size[1] // 4 + 200], fill=(230, 220, 200))
    draw.text((40, 40), f"photo {n}", fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture(scope="module")
def poster(stack):
    email, password = stack.create_user(verified=True)
    s = stack.api_login(stack.session(), email, password)
    s.headers.pop("X-Requested-With", None)
    s.email, s.password = email, password
    yield s
    s.close()


@pytest.fixture(scope="module")
def ten_photo_post(stack, poster):
    """A post with ten photos, made through the no-JavaScript form (one multipart POST)."""
    page = poster.get(stack.url("/post/new"), timeout=30)
    fields = {"csrf_token": csrf(page.text), "photos_sent": "1", "title": f"Ten photos of a bike {time.time_ns()}",
              "price": "250", "city": "lisbon", "neighbourhood": "", "category": "bikes", "location_text": "",
              "description": "A bike, seen from every side.\n\nTen photos.", "contact_sent": "1"}
    parts = [(k, (None, v)) for k, v in fields.items()]
    parts += [("photo", (f"p{i}.jpg", gradient_jpeg(i), "image/jpeg")) for i in range(10)]
    r = poster.post(stack.url("/post/new"), files=parts, allow_redirects=False, timeout=120)
    assert r.status_code == 303, r.text[:2000]
    path = r.headers["Location"]
    City(stack).sync()
    return path


@pytest.fixture(scope="module")
def page_browser(browser):
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def set_width(driver, width: int) -> None:
    """A phone-shaped (390) or laptop-shaped (1280) viewport, as the page sees it."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 844 if width < 600 else 900, "deviceScaleFactor": 1, "mobile": width < 600})


def axe_serious(driver) -> list:
    axe = axe_selenium_python.Axe(driver)
    axe.inject()
    results = axe.run(options="{resultTypes: ['violations']}")
    return [v for v in results["violations"] if v.get("impact") in BAD]


def describe(violations) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations)


def pages(stack, post_path):
    """(name, path, setup) of every page the issue lists; setup runs in the browser after load."""
    def open_filters(driver):
        driver.execute_script("document.querySelector('details.filters').open = true")

    def post_form_error(driver):
        driver.find_element(By.NAME, "title").send_keys("A lamp with a bad price")
        driver.find_element(By.NAME, "price").send_keys("twelve")
        from selenium.webdriver.support.ui import Select
        Select(driver.find_element(By.NAME, "city")).select_by_value("lisbon")
        Select(driver.find_element(By.NAME, "category")).select_by_value("furniture")
        driver.find_element(By.NAME, "description").send_keys("It lights.")
        click_and_wait_for_page(driver, driver.find_element(By.CSS_SELECTOR, "form.post-form button[type=submit]"))
        assert driver.find_elements(By.CSS_SELECTOR, "[aria-invalid=true][name=price]"), "the error is not tied to its field"

    return [
        ("home", "/", None),
        ("listing-list", "/lisbon", None),
        ("listing-gallery", "/lisbon?view=gallery", None),
        ("search-filters", "/lisbon/search?q=table&category=furniture&min_price=10&photos=1", open_filters),
        ("post-10-photos", post_path, None),
        ("post-form-error", "/post/new", post_form_error),
        ("signup", "/signup", None),
        ("login", "/login", None),
        ("account", "/account", None),
    ]


def test_pages_have_no_serious_axe_violation_and_fit_a_phone(stack, page_browser, poster, ten_photo_post):
    driver = page_browser
    OUT.mkdir(parents=True, exist_ok=True)
    driver.get(stack.url("/"))
    driver.delete_all_cookies()
    report, failures = {}, []
    logged_in = False
    for name, path, setup in pages(stack, ten_photo_post):
        if name in ("post-form-error", "account") and not logged_in:
            set_width(driver, 1280)
            stack.browser_login(driver, poster.email, poster.password)
            logged_in = True
        for width in WIDTHS:
            set_width(driver, width)
            driver.get(stack.url(path))
            if setup:
                setup(driver)
            # Lazy images in view load before the picture is taken.
            WebDriverWait(driver, 10).until(lambda d: d.execute_script(
                "return Array.from(document.images).filter(i => i.loading !== 'lazy').every(i => i.complete)"))
            driver.save_screenshot(str(OUT / f"{name}-{width}.png"))
            sideways = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            if width == 390 and sideways > 0:
                failures.append(f"{name} scrolls sideways by {sideways} px at 390 px")
            schemes = ("light", "dark") if width == 1280 else ("light",)
            for scheme in schemes:
                driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                       {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
                bad = axe_serious(driver)
                report[f"{name} {width} {scheme}"] = [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in bad]
                if bad:
                    failures.append(f"{name} at {width} px, {scheme}: {describe(bad)}")
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    (OUT / "axe.json").write_text(json.dumps(report, indent=2, sort_keys=True))
    assert not failures, "\n".join(failures)


def test_gallery_arrow_keys_change_the_photo(stack, page_browser, ten_photo_post):
    driver = page_browser
    set_width(driver, 1280)
    driver.get(stack.url(ten_photo_post))
    status = lambda: driver.find_element(By.CSS_SELECTOR, ".gallery-status").text  # noqa: E731
    WebDriverWait(driver, 10).until(lambda d: status() == "Photo 1 of 10")
    strip = driver.find_element(By.CSS_SELECTOR, ".gallery .slides")
    strip.send_keys(Keys.ARROW_RIGHT)
    WebDriverWait(driver, 10).until(lambda d: status() == "Photo 2 of 10")
    # The strip really moved to the second photo (not just the counter).
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(
        "const s = document.querySelector('.gallery .slides'), p = document.getElementById('photo-2');"
        "return Math.abs(p.offsetLeft - s.offsetLeft - s.scrollLeft) < 2"))
    strip.send_keys(Keys.END)
    WebDriverWait(driver, 10).until(lambda d: status() == "Photo 10 of 10")
    strip.send_keys(Keys.ARROW_LEFT)
    WebDriverWait(driver, 10).until(lambda d: status() == "Photo 9 of 10")
    current = driver.find_elements(By.CSS_SELECTOR, ".thumbs a[aria-current=true]")
    assert [a.get_attribute("href").rsplit("#", 1)[1] for a in current] == ["photo-9"]


def test_gallery_without_javascript_reaches_every_photo(stack, ten_photo_post):
    """The HTML alone: ten large photos in order, each linked to its display-size file, with
    sizes, srcset and alt text, and ten thumbnails linking to anchors that exist."""
    with stack.session() as s:
        html = s.get(stack.url(ten_photo_post), timeout=10).text
        slides = re.findall(r'<li class="slide" id="photo-(\d+)"><a href="(/images/[^"]+)"><img src="([^"]+)" srcset="([^"]+)" '
                            r'sizes="[^"]+" width="(\d+)" height="(\d+)" alt="([^"]+)"', html)
        # The linked files are really there (nginx serves them).
        assert all(s.get(stack.url(href), timeout=10).status_code == 200 for _, href, *_ in slides[:3])
    assert [int(s[0]) for s in slides] == list(range(1, 11))
    for n, href, src, srcset, width, height, alt in slides:
        assert href == src and f"{src} {width}w" in srcset and re.search(r"/images/\S+ \d+w, ", srcset)
        assert alt.endswith(f"photo {n} of 10") and int(width) > 0 and int(height) > 0
    assert len(re.findall(r'loading="lazy"', html.split('<ol class="photos thumbs">')[0])) == 9  # all but the first
    thumbs = re.findall(r'<li><a href="#photo-(\d+)"', html)
    assert [int(t) for t in thumbs] == list(range(1, 11))


def test_gallery_view_cursor_walk_shows_every_post_once(stack):
    c = City(stack)
    now = now_utc()
    for i in range(60):
        c.add(f"Gallery item {i:03d}", "", now - timedelta(minutes=3 * i + 1), 100 * i, photos=i % 3)
    c.reindex()
    ids, pages_seen = [], 0
    with stack.session() as s:
        html = s.get(stack.url(f"/{c.slug}?view=gallery"), timeout=10).text
        while True:
            pages_seen += 1
            assert '<ul class="posts gallery" id="results">' in html
            ids += [int(x) for x in re.findall(r'<li class="post" id="p(\d+)"', html)]
            more = re.search(r'<a class="more" rel="next" href="([^"]+)"', html)
            if not more:
                break
            href = more.group(1).replace("&amp;", "&")
            assert "view=gallery" in href, "the next page forgot the view"
            html = s.get(stack.url(href), timeout=10).text
            assert pages_seen < 10
    assert len(ids) == len(set(ids)) == 60 and set(ids) == set(c.posts)
    assert pages_seen == 3


def test_stylesheet_and_scripts_have_content_hashed_names_with_long_caching(stack, ten_photo_post):
    """Pages link each file by 12 hex digits of its SHA-256 (so a changed file gets a new
    address at once), a copy `corkboard assets` wrote, and nginx serves that name with a year's
    immutable caching."""
    import hashlib
    with stack.session() as s:
        home = s.get(stack.url("/lisbon"), timeout=10).text + s.get(stack.url(ten_photo_post), timeout=10).text
        links = set(re.findall(r'(?:href|src)="(/static/[a-z0-9-]+\.[0-9a-f]{12}\.(?:css|js))"', home))
        assert {re.sub(r"\.[0-9a-f]{12}\.", ".", link).rsplit("/", 1)[1] for link in links} >= {"corkboard.css", "scroll.js", "gallery.js"}
        for link in links:
            plain = re.sub(r"\.([0-9a-f]{12})\.", ".", link).rsplit("/", 1)[1]
            digest = re.search(r"\.([0-9a-f]{12})\.", link).group(1)
            body = (REPO / "public" / "static" / plain).read_bytes()
            assert hashlib.sha256(body).hexdigest()[:12] == digest, link
            r = s.get(stack.url(link), timeout=10)
            assert r.status_code == 200 and r.content == body
            assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        # Only a hashed name whose copy exists is served: another release's name (a host not yet
        # upgraded, asked for the next release's file) is a 404 never cached, not this file's
        # bytes kept for a year under a name they do not match.
        stale = s.get(stack.url("/static/corkboard.000000000000.css"), timeout=10)
        assert stale.status_code == 404 and stale.headers["cache-control"] == "no-store"
        # The plain names change with every release: a short lifetime.
        assert s.get(stack.url("/static/corkboard.css"), timeout=10).headers["cache-control"] == "public, max-age=300"


def test_listing_first_screen_stays_light(stack, page_browser):
    """Bytes a fresh visitor fetches for a list's first screen (lazy images below the fold are
    not fetched), by kind, written to weights.json; CSS and JS stay small."""
    driver = page_browser
    OUT.mkdir(parents=True, exist_ok=True)
    weights = {}
    for view in ("list", "gallery"):
        for width in WIDTHS:
            set_width(driver, width)
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
            driver.get(stack.url("/lisbon" + ("?view=gallery" if view == "gallery" else "")))
            time.sleep(1.0)   # the first screen's lazy images start once laid out
            entries = driver.execute_script(
                "const n = performance.getEntriesByType('navigation')[0];"
                "return [{kind: 'html', bytes: n.encodedBodySize}].concat(performance.getEntriesByType('resource').map(r => ({"
                "kind: r.initiatorType === 'img' ? 'images' : r.name.endsWith('.css') ? 'css' : r.name.endsWith('.js') ? 'js' : r.initiatorType,"
                "bytes: r.encodedBodySize})))")
            totals = {}
            for e in entries:
                totals[e["kind"]] = totals.get(e["kind"], 0) + e["bytes"]
            totals["images_count"] = sum(1 for e in entries if e["kind"] == "images")
            weights[f"{view} {width}"] = totals
            driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
    (OUT / "weights.json").write_text(json.dumps(weights, indent=2, sort_keys=True))
    for totals in weights.values():
        assert totals.get("css", 0) < 20_000 and totals.get("js", 0) < 10_000, weights


def test_gallery_thumbnails_reach_each_photo_without_javascript(stack, ten_photo_post):
    """A browser with JavaScript off: no script ran (no buttons, no counter), and following a
    thumbnail's link brings that photo into the strip."""
    driver = chrome({"profile.managed_default_content_settings.javascript": 2})
    try:
        driver.get(stack.url(ten_photo_post))
        assert not driver.find_elements(By.CSS_SELECTOR, ".gallery-controls"), "the script ran: JavaScript is not off"
        for n in (7, 3, 10):
            driver.find_element(By.CSS_SELECTOR, f'.thumbs a[href="#photo-{n}"]').click()
            WebDriverWait(driver, 10).until(lambda d: d.execute_script(
                f"const s = document.querySelector('.gallery .slides'), p = document.getElementById('photo-{n}');"
                "return Math.abs(p.offsetLeft - s.offsetLeft - s.scrollLeft) < 2"))
            assert driver.current_url.endswith(f"#photo-{n}")
    finally:
        driver.quit()
