"""Accounts in a real browser (headless Chromium through Selenium): sign up with the form, read
the verification mail the mailer delivered to the SMTP catcher, open its link, confirm, log in
and log out; the pages load no inline script or style (the CSP would block it)."""


import pytest

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402

from conftest import click_and_wait_for_page  # noqa: E402


def submit(driver, form_class):
    click_and_wait_for_page(driver, driver.find_element(By.CSS_SELECTOR, f"form.{form_class} button[type=submit]"))


def test_signup_verify_login_logout_in_a_browser(browser, stack):
    email, password = stack.new_email("browser"), stack.new_password()
    mark = stack.mail_mark()

    browser.get(stack.url("/signup"))
    browser.find_element(By.NAME, "email").send_keys(email)
    browser.find_element(By.NAME, "password").send_keys("short")
    submit(browser, "signup")
    # Refilled, with the message beside the password field, and the password not kept.
    assert browser.find_element(By.NAME, "email").get_attribute("value") == email
    assert browser.find_element(By.NAME, "password").get_attribute("value") == ""
    assert "at least 12" in browser.find_element(By.ID, "signup-password-error").text
    browser.find_element(By.NAME, "password").send_keys(password)
    submit(browser, "signup")
    assert "Check your inbox" in browser.find_element(By.TAG_NAME, "h1").text

    # The mail as the mailer delivered it to the catcher (.eml), link and all.
    msg = stack.read_mail(email, after=mark, kind="verify", delivered=True, timeout=20)
    browser.get(stack.url(stack.link_in(msg, "/verify")))
    submit(browser, "verify")
    assert email in browser.find_element(By.CSS_SELECTOR, "p.notice").text

    stack.browser_login(browser, email, password)
    assert browser.current_url.endswith("/account")
    assert browser.find_element(By.CSS_SELECTOR, ".account-email").text == email
    cookies = {c["name"]: c for c in browser.get_cookies()}
    session = cookies["__Host-session"]
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Lax"
    # Script cannot read the session cookie.
    assert "__Host-session" not in browser.execute_script("return document.cookie")

    submit(browser, "logout")
    browser.get(stack.url("/account"))
    assert "/login" in browser.current_url
    assert "__Host-session" not in {c["name"] for c in browser.get_cookies()}


def test_wrong_password_in_a_browser_says_nothing_about_the_account(browser, stack):
    email, password = stack.create_user()
    browser.delete_all_cookies()
    stack.browser_login(browser, email, "not-the-password-7")
    text_known = browser.find_element(By.CSS_SELECTOR, "form.login .error").text
    stack.browser_login(browser, stack.new_email("nobody"), "not-the-password-7")
    text_unknown = browser.find_element(By.CSS_SELECTOR, "form.login .error").text
    assert text_known == text_unknown == "That email and password do not match an account."
