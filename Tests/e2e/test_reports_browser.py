"""Headless Chromium (issue 9): a viewer writes to a poster through the post page's contact
form and reports a post through its button and form, with no script involved in either."""

import pytest

from posts_support import post_fields, verified_session

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402

from conftest import click_and_wait_for_page  # noqa: E402


def test_contact_and_report_through_the_pages(browser, stack):
    stack.sql("DELETE FROM contact_limits WHERE scope = 'ip'")
    with verified_session(stack) as poster:
        r = poster.post(stack.url("/api/posts"), json=post_fields(), timeout=30)
        assert r.status_code == 201, r.text
        post_id = r.json()["id"]
        poster_email = poster.email
    viewer = stack.new_email("browser")
    mark = stack.mail_mark()
    browser.delete_all_cookies()
    browser.get(stack.url(f"/post/{post_id}"))
    for _ in range(50):   # viewers read a replica: wait until it has the new post
        if browser.find_elements(By.CSS_SELECTOR, f'article[data-post-id="{post_id}"]'):
            break
        browser.refresh()
    form = browser.find_element(By.CSS_SELECTOR, "form.contact")
    form.find_element(By.NAME, "email").send_keys(viewer)
    form.find_element(By.NAME, "message").send_keys("Sent from a real browser.")
    click_and_wait_for_page(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "Message sent" in browser.page_source
    msg = stack.read_mail(poster_email, kind="contact", after=mark, delivered=True, timeout=20)
    assert msg["Reply-To"] == viewer and "Sent from a real browser." in msg.text
    assert poster_email not in browser.page_source

    browser.get(stack.url(f"/post/{post_id}"))
    click_and_wait_for_page(browser, browser.find_element(By.CSS_SELECTOR, "form.report-button button"))
    assert browser.current_url.split("?")[0].endswith(f"/post/{post_id}/report")
    browser.find_element(By.CSS_SELECTOR, 'input[name="reason"][value="other"]').click()
    browser.find_element(By.NAME, "details").send_keys("Reported from a real browser.")
    click_and_wait_for_page(browser, browser.find_element(By.CSS_SELECTOR, "form.report button[type=submit]"))
    assert "Report received" in browser.page_source
    rows = stack.sql("SELECT reason, details FROM post_reports WHERE post_id = %s", post_id)
    assert rows == [["other", "Reported from a real browser."]]
    # The same browser again is a repeat (its reporter cookie, and its address).
    browser.get(stack.url(f"/post/{post_id}/report"))
    browser.find_element(By.CSS_SELECTOR, 'input[name="reason"][value="spam"]').click()
    click_and_wait_for_page(browser, browser.find_element(By.CSS_SELECTOR, "form.report button[type=submit]"))
    assert "already reported" in browser.page_source
