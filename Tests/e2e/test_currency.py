"""Each city's currency (issue 11, defect 5) and query parameters that are not UTF-8 (defect 6),
through nginx: prices are typed, stored, filtered and shown in the city's own units and symbol
(KRW has no minor unit, EUR and USD two), the API names the currency next to every minor-unit
price, and any query parameter with invalid UTF-8 is a 400 naming it."""

import re
import time

import pytest

from test_search import City, api

PRICE = re.compile(r'class="price">([^<]*)<')


@pytest.fixture
def poster(stack):
    email, password = stack.create_user(verified=True)
    s = stack.api_login(stack.session(), email, password)
    s.headers.pop("X-Requested-With", None)   # a browser form sends no API header
    yield s
    s.close()


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def post_form(poster, stack, city, price, path="/post/new", **fields):
    """Submits the HTML post form (multipart, as a browser without JavaScript does)."""
    page = poster.get(stack.url(path), timeout=30).text
    base = {"csrf_token": csrf(page), "photos_sent": "1", "title": f"Currency test {time.time()}", "price": price,
            "city": city, "neighbourhood": "", "category": "furniture", "location_text": "",
            "description": "Priced in the city's own money."}
    base.update(fields)
    return poster.post(stack.url(path), files=[(k, (None, v)) for k, v in base.items()], allow_redirects=False,
                       timeout=30)


def api_get(stack, poster, path):
    return poster.get(stack.url(path), headers={"X-Requested-With": "corkboard"}, timeout=30).json()


def test_seoul_price_is_in_won_everywhere(stack, poster):
    r = post_form(poster, stack, "seoul", "300000")
    assert r.status_code == 303, r.text
    post_url = r.headers["Location"]
    post_id = int(post_url.rsplit("/", 1)[1])
    page = poster.get(stack.url(post_url), timeout=30).text
    assert PRICE.findall(page) == ["₩300,000"], PRICE.findall(page)
    mine = poster.get(stack.url("/account/posts"), timeout=30).text
    assert f'<a href="{post_url}">' in mine and "₩300,000" in mine and "$" not in "".join(PRICE.findall(mine))
    # The API: the minor unit of KRW is the won itself, and the currency says so.
    got = api_get(stack, poster, f"/api/posts/{post_id}")
    assert got["price_minor"] == 300000 and got["currency"] == "KRW"
    # The edit form comes back in won, not as 3000.00.
    edit = poster.get(stack.url(post_url + "/edit"), timeout=30).text
    assert 'name="price" inputmode="numeric" placeholder="free" value="300000"' in edit
    assert "(₩, KRW)" in edit and '<option value="seoul" selected>Seoul (KRW)</option>' in edit
    # An edit typed with a symbol and grouping is read in won too.
    r = post_form(poster, stack, "seoul", "₩1,250,000", path=post_url + "/edit")
    assert r.status_code == 303, r.text
    assert api_get(stack, poster, f"/api/posts/{post_id}")["price_minor"] == 1250000


def test_seoul_price_with_decimals_is_refused_and_the_form_refilled(stack, poster):
    title = f"Half a won {time.time()}"
    r = post_form(poster, stack, "seoul", "300000.50", title=title)
    assert r.status_code == 400
    assert "whole amount in KRW" in r.text and 'data-field="price"' in r.text
    assert 'value="300000.50"' in r.text and f'value="{title}"' in r.text
    # A decimal comma in a euro city is refused, not read as 1250 euros.
    r = post_form(poster, stack, "lisbon", "12,50", title=title)
    assert r.status_code == 400 and "amount in EUR" in r.text and 'value="12,50"' in r.text


def test_lisbon_price_is_in_euros(stack, poster):
    r = post_form(poster, stack, "lisbon", "12.50")
    assert r.status_code == 303, r.text
    post_url = r.headers["Location"]
    assert PRICE.findall(poster.get(stack.url(post_url), timeout=30).text) == ["€12.50"]
    got = api_get(stack, poster, "/api" + post_url.replace("/post/", "/posts/"))
    assert got["price_minor"] == 1250 and got["currency"] == "EUR"
    edit = poster.get(stack.url(post_url + "/edit"), timeout=30).text
    assert 'inputmode="decimal" placeholder="free" value="12.50"' in edit


@pytest.fixture(scope="module")
def won_city(stack):
    c = City(stack, time_zone="Asia/Seoul", currency="KRW")
    for price in (250000, 300000, 450000, 1000000, None):
        c.add(f"Won lamp {price}", "A lamp priced in won.", price=price)
    c.reindex()
    return c


@pytest.fixture(scope="module")
def euro_city(stack):
    """A Paris-like city: a fresh slug whose currency is EUR."""
    c = City(stack, time_zone="Europe/Paris", currency="EUR")
    for price in (999, 1250, 4000):
        c.add(f"Euro lamp {price}", "A lamp priced in euros.", price=price)
    c.reindex()
    return c


def test_list_and_filters_use_the_citys_units(stack, won_city, euro_city):
    with stack.session() as s:
        page = s.get(stack.url(f"/{won_city.slug}"), timeout=10).text
        shown = PRICE.findall(page)
        assert sorted(shown) == sorted(["₩250,000", "₩300,000", "₩450,000", "₩1,000,000", "free"]), shown
        assert 'Lowest price (KRW)' in page and 'inputmode="numeric" name="min_price" value="" placeholder="₩"' in page
        # Filters typed in won, and written back in won in the refilled form and the links.
        page = s.get(stack.url(f"/{won_city.slug}/search"), params={"min_price": "300000", "max_price": "₩450,000"},
                     timeout=10).text
        assert sorted(PRICE.findall(page)) == ["₩300,000", "₩450,000"]
        assert 'name="min_price" value="300000"' in page and 'name="max_price" value="450000"' in page
        body = api(stack, s, city=won_city.slug, min_price="300000", max_price="450000").json()
        assert sorted(p["price_minor"] for p in body["posts"]) == [300000, 450000]
        assert {p["currency"] for p in body["posts"]} == {"KRW"}
        r = api(stack, s, city=won_city.slug, min_price="3000.5")
        assert r.status_code == 400 and r.json()["field"] == "min_price" and "KRW" in r.json()["error"]

        page = s.get(stack.url(f"/{euro_city.slug}"), timeout=10).text
        assert sorted(PRICE.findall(page)) == ["€12.50", "€40", "€9.99"] and 'placeholder="€"' in page
        assert "$" not in "".join(PRICE.findall(page))
        body = api(stack, s, city=euro_city.slug, min_price="12.50").json()
        assert sorted(p["price_minor"] for p in body["posts"]) == [1250, 4000]
        assert {p["currency"] for p in body["posts"]} == {"EUR"}


@pytest.mark.parametrize("name", ["q", "category", "min_price", "sort"])
def test_invalid_utf8_in_any_query_parameter_is_a_400_naming_it(stack, won_city, name):
    with stack.session() as s:
        r = s.get(stack.url(f"/{won_city.slug}/search?{name}=lamp%FF"), timeout=10)
        assert r.status_code == 400
        assert f"The query parameter `{name}` is not valid UTF-8." in r.text
        assert "\ufffd" not in r.text and "lamp" not in r.text
        r = s.get(stack.url(f"/api/search?city={won_city.slug}&{name}=%C3"), timeout=10)
        assert r.status_code == 400 and r.json()["field"] == name and "not valid UTF-8" in r.json()["error"]
