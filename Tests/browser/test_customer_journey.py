"""A customer's whole journey on a phone: poster scan to confirmation with a pickup QR."""
import json
import re
import subprocess

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from creneau_server import http_get
from waiting import wait

STORE = "creneau-rivoli"


def euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d} €"


def decode_qr(svg: str, directory) -> list[str]:
    """The page's own SVG, rendered and read by a real decoder."""
    svg_path, png_path = directory / "qr.svg", directory / "qr.png"
    svg_path.write_text(svg)
    subprocess.run(["rsvg-convert", "-z", "4", "-b", "white", "-o", str(png_path), str(svg_path)], check=True)
    out = subprocess.run(["zbarimg", "--raw", "-q", str(png_path)], capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line]


def choose_first_open_slot(phone):
    """Today's slots may be over; walk the day links until a slot can be booked."""
    for _ in range(7):
        radios = [r for r in phone.find_elements(By.CSS_SELECTOR, "input[name=slot_id]") if r.is_enabled()]
        if radios:
            radios[0].click()
            phone.find_element(By.ID, "choose-slot").click()
            return
        days = phone.find_elements(By.CSS_SELECTOR, "nav.days a")
        current = phone.current_url
        following = [d for d in days if d.get_attribute("href") not in current]
        following[0].click()
        # Late in the day today has no slot left: wait for the next day's page, not the one left behind.
        wait(phone).until(EC.staleness_of(following[0]))
    raise AssertionError("no bookable slot in the next seven days")


def test_scan_to_confirmation_on_a_phone(seeded_server, phone, tmp_path):
    status, _, body = http_get(f"{seeded_server.url}/api/stores/{STORE}/shelves/petit-dejeuner")
    assert status == 200, body
    shelf = json.loads(body)
    item = next(i for i in shelf["items"] if i["product"]["available"] >= 3)
    product = item["product"]

    # The poster's QR opens the product page.
    phone.get(f"{seeded_server.url}/s/{item['code']}")
    assert phone.find_element(By.CSS_SELECTOR, "h1.product-name").text == product["name"]
    assert phone.find_element(By.CSS_SELECTOR, "main > p.muted").text.startswith(shelf["store"]["name"] + " · ")
    assert euros(product["priceCents"]) in phone.find_element(By.CSS_SELECTOR, ".price").text
    phone.find_element(By.ID, "quantity").clear()
    phone.find_element(By.ID, "quantity").send_keys("2")
    phone.find_element(By.ID, "add").click()
    # Each form answers with a redirect: wait for the page it leads to, not the one left behind.
    wait(phone).until(lambda driver: driver.find_element(By.ID, "basket-count").text != "0")
    assert phone.find_element(By.ID, "basket-count").text == "2"

    # The basket shows the fee and the grand total before checkout.
    phone.find_element(By.ID, "basket-link").click()
    fee = int(shelf["store"]["slotFeeCents"])
    total = 2 * product["priceCents"] + fee
    assert phone.find_element(By.ID, "fee").text == euros(fee)
    assert phone.find_element(By.ID, "total").text == euros(total)
    phone.find_element(By.ID, "checkout").click()

    choose_first_open_slot(phone)
    assert phone.find_element(By.ID, "chosen-slot").text
    phone.find_element(By.ID, "name").send_keys("Camille Martin")
    phone.find_element(By.ID, "phone").send_keys("06 12 34 56 78")
    phone.find_element(By.ID, "place-order").click()
    wait(phone).until(lambda driver: "/o/" in driver.current_url)

    # Confirmation: number, total unchanged, pickup code and a QR a counter can scan.
    assert "/o/" in phone.current_url
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}", phone.find_element(By.ID, "order-number").text)
    assert phone.find_element(By.ID, "order-total").text == euros(total)
    code = phone.find_element(By.ID, "pickup-code").text
    assert re.fullmatch(r"\d{6}", code)
    svg = phone.find_element(By.CSS_SELECTOR, "#pickup-qr svg").get_attribute("outerHTML")
    decoded = decode_qr(svg, tmp_path)
    assert decoded == [f"{seeded_server.url}/staff/stores/{STORE}/pickup/{code}"]
    assert "Commande passée" in phone.find_element(By.ID, "timeline").text
    phone.save_screenshot(str(tmp_path / "confirmation.png"))

    # Reloading the confirmation never places a second order.
    confirmation = phone.current_url
    phone.refresh()
    assert phone.current_url == confirmation
    assert phone.find_element(By.ID, "order-number").text


def test_unknown_code_gives_a_friendly_page(seeded_server, phone):
    phone.get(f"{seeded_server.url}/s/ZZZZZZZZZZ")
    assert "plus sur nos affiches" in phone.find_element(By.TAG_NAME, "h1").text
    assert phone.find_element(By.LINK_TEXT, "Nos magasins")
