"""A seeded server and a real headless Chromium on a phone-sized window."""
import os
import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

import creneau_server

CHROMEDRIVER = os.environ.get("CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture(scope="session")
def seeded_server():
    """One server for the browser suite, with the demo store seeded as `make run` does."""
    with creneau_server.seeded_server() as server:
        yield server


def chromium(window: str):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={window}", "--lang=fr-FR"):
        options.add_argument(argument)
    # Debian's driver, given explicitly: Selenium must never try to download one.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(2)
    return driver


@pytest.fixture
def phone():
    """The customer's phone."""
    driver = chromium("390,844")
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def tablet():
    """The store's tablet: a browser of its own, so its cookies are not the phone's."""
    driver = chromium("1024,768")
    try:
        yield driver
    finally:
        driver.quit()
