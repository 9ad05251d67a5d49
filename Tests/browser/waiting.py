"""Waiting for what a page shows after a form or a live update.

A form's redirect or a live update replaces elements while a condition reads
them: an element found on the page being left is "stale" a moment later, which
means "not yet", like one not found."""
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait


def wait(driver, seconds: float = 15) -> WebDriverWait:
    return WebDriverWait(driver, seconds, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
