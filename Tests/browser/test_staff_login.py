"""A member of staff signs in with the password the demo seed printed, sees their store, signs out."""
from creneau_server import demo_account
from selenium.webdriver.common.by import By
from waiting import wait

STORE = "creneau-rivoli"


def sign_in(phone, email: str, password: str):
    phone.find_element(By.ID, "email").clear()
    phone.find_element(By.ID, "email").send_keys(email)
    phone.find_element(By.ID, "password").send_keys(password)
    phone.find_element(By.ID, "login").click()


def test_picker_signs_in_sees_the_store_and_signs_out(seeded_server, phone):
    email, password = demo_account(seeded_server.seed_output, "picker")
    # A staff page asked for while signed out leads to the login form, in French.
    phone.get(f"{seeded_server.url}/staff/stores/{STORE}")
    assert "/staff/login" in phone.current_url
    assert "Espace du personnel" in phone.page_source

    sign_in(phone, email, "not the password at all")
    assert "E-mail ou mot de passe incorrect" in phone.find_element(By.ID, "login-error").text

    sign_in(phone, email, password)
    # Sign-in runs bcrypt on purpose: wait for the redirect rather than reading the URL at once.
    wait(phone).until(lambda driver: not driver.current_url.endswith("/staff/login"))
    assert phone.current_url.endswith(f"/staff/stores/{STORE}")
    assert phone.find_element(By.ID, "store-name").text == "Créneau Rivoli"
    assert phone.find_element(By.ID, "role").text == "préparateur"
    # The session cookie cannot be read by scripts.
    assert phone.execute_script("return document.cookie") == ""

    phone.get(f"{seeded_server.url}/staff")
    assert STORE in phone.find_element(By.ID, "stores").get_attribute("innerHTML")
    phone.find_element(By.ID, "logout").click()
    wait(phone).until(lambda driver: "/staff/login" in driver.current_url)
    assert "/staff/login" in phone.current_url
    phone.get(f"{seeded_server.url}/staff")
    assert "/staff/login" in phone.current_url
