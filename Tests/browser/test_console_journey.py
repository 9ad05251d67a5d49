"""The store's side in a real browser, with the customer's phone beside it: a manager
starts an order early, a picker claims it, replaces one product and picks the rest,
stages the totes; the customer's page turns "ready" by itself, the customer says
"I'm here", the counter sees it arrive by itself and hands the order over."""
import datetime
import json
import urllib.request
import uuid
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from creneau_server import demo_account, http_get
from waiting import wait
from test_staff_login import sign_in

STORE = "creneau-rivoli"


def api(url: str, method: str = "GET", body=None, headers=None):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read() or b"null")


def place_order(base: str) -> dict:
    """Through the public API: one chilled product that has same-category neighbours, one ambient, the first open slot."""
    items = []
    for shelf in ("petit-dejeuner", "diner-express", "essentiels-maison"):
        status, _, body = http_get(f"{base}/api/stores/{STORE}/shelves/{shelf}")
        assert status == 200, body
        items += [item["product"] for item in json.loads(body)["items"]]
    chilled = next(p for p in items if p["temperatureZone"] == "chilled" and p["available"] >= 3
                   and sum(1 for q in items if q["category"] == p["category"] and q["temperatureZone"] == "chilled") >= 1)
    ambient = next(p for p in items if p["temperatureZone"] == "ambient" and p["available"] >= 2)
    _, basket = api(f"{base}/api/stores/{STORE}/baskets", "POST", {})
    token = {"X-Basket-Token": basket["token"]}
    api(f"{base}/api/stores/{STORE}/basket/lines/{chilled['productID']}", "PUT", {"quantity": 2}, token)
    api(f"{base}/api/stores/{STORE}/basket/lines/{ambient['productID']}", "PUT", {"quantity": 1}, token)
    for day in range(0, 7):
        date = (datetime.date.today() + datetime.timedelta(days=day)).isoformat()
        status, _, body = http_get(f"{base}/api/stores/{STORE}/slots?date={date}")
        offers = [o for o in json.loads(body) if o["available"]] if status == 200 else []
        if offers:
            api(f"{base}/api/stores/{STORE}/basket/slot", "POST", {"slotId": offers[0]["slotID"]}, token)
            break
    else:
        raise AssertionError("no open slot in the next week")
    _, order = api(f"{base}/api/stores/{STORE}/basket/checkout", "POST", {"name": "Camille Martin", "phone": "06 12 34 56 78"},
                   {**token, "Idempotency-Key": str(uuid.uuid4())})
    order["chilled"] = chilled
    return order


def signed_in(tablet, base: str, seed_output: str, role: str, page: str):
    email, password = demo_account(seed_output, role)
    tablet.get(f"{base}/staff/login?next=/staff/stores/{STORE}/{page}")
    sign_in(tablet, email, password)
    # Not the login page itself: its URL ends with the same path (?next=…) until the sign-in lands.
    wait(tablet).until(lambda driver: "/staff/login" not in driver.current_url
                       and driver.current_url.endswith(f"/staff/stores/{STORE}/{page}"))


def sign_out(tablet):
    tablet.find_element(By.ID, "logout").click()
    wait(tablet).until(lambda driver: "/staff/login" in driver.current_url)


def live(driver):
    """Waits until the page's event stream is open, so no change is missed."""
    wait(driver).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "[data-live]").get_attribute("data-live-state") == "open")


def test_pick_substitute_stage_arrive_hand_over_with_live_pages(seeded_server, phone, tablet):
    base = seeded_server.url
    order = place_order(base)
    number = order["orderNumber"]

    # The customer keeps the order page open.
    phone.get(f"{base}/o/{order['link']}")
    assert phone.find_element(By.ID, "order-status").get_attribute("data-status") == "placed"
    live(phone)

    # The manager starts it now, on the day of its slot (the store's date, not UTC's).
    signed_in(tablet, base, seeded_server.seed_output, "manager", "manager")
    slot_day = datetime.datetime.fromisoformat(order["slotStart"].replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/Paris")).date()
    tablet.get(f"{base}/staff/stores/{STORE}/manager?date={slot_day.isoformat()}")
    wait(tablet).until(lambda d: number in d.find_element(By.ID, "upcoming").text,
                                    message=f"order {number} ({order['slotStart']}) not among the day's orders to come")
    row = next(r for r in tablet.find_elements(By.CSS_SELECTOR, "#upcoming tr") if number in r.text)
    row.find_element(By.CSS_SELECTOR, "button.start-early").click()
    wait(tablet).until(lambda d: "Préparation lancée" in d.find_element(By.ID, "notice").text)
    sign_out(tablet)

    # The picker claims the chilled tote first (zone filter), replaces the chilled product.
    signed_in(tablet, base, seeded_server.seed_output, "picker", "picking")
    assert number in tablet.find_element(By.ID, "queue").text
    Select(tablet.find_element(By.ID, "claim-zone")).select_by_value("chilled")
    tablet.find_element(By.ID, "claim").click()
    wait(tablet).until(lambda d: "/tasks/" in d.current_url)
    line = tablet.find_element(By.CSS_SELECTOR, ".pick-line")
    assert order["chilled"]["name"] in line.text
    substitute = Select(line.find_element(By.CSS_SELECTOR, "select[name=product]"))
    replacement = substitute.first_selected_option.text.split(" — ")[0]
    line.find_element(By.CSS_SELECTOR, "button.substitute").click()
    wait(tablet).until(lambda d: "remplacé par" in d.find_element(By.CSS_SELECTOR, ".pick-line").text)
    tablet.find_element(By.ID, "location").send_keys("F-03")
    tablet.find_element(By.ID, "stage").click()
    wait(tablet).until(lambda d: "déposé en F-03" in d.find_element(By.ID, "notice").text)

    # The customer's page shows the substitution by itself, still in preparation.
    wait(phone).until(lambda d: "remplacé par" in d.find_element(By.ID, "timeline").text)
    assert phone.find_element(By.ID, "order-status").get_attribute("data-status") == "picking"

    # Then the ambient tote: picked in full and staged, which makes the order ready.
    tablet.find_element(By.ID, "claim").click()
    wait(tablet).until(lambda d: "/tasks/" in d.current_url)
    tablet.find_element(By.CSS_SELECTOR, ".pick-line button.pick").click()
    wait(tablet).until(lambda d: d.find_elements(By.ID, "stage-form"))
    tablet.find_element(By.ID, "location").send_keys("A-12")
    tablet.find_element(By.ID, "stage").click()
    wait(tablet).until(lambda d: "est prête" in d.find_element(By.ID, "notice").text)
    sign_out(tablet)

    # Ready, on the customer's phone, without a reload.
    wait(phone).until(lambda d: d.find_element(By.ID, "order-status").get_attribute("data-status") == "ready")
    assert phone.find_element(By.ID, "ready-notice")

    # The counter is open; the customer says "I'm here" with a parking bay.
    signed_in(tablet, base, seeded_server.seed_output, "handover", "handover")
    assert tablet.find_elements(By.ID, "no-arrivals")
    live(tablet)
    phone.find_element(By.ID, "bay").send_keys("B4")
    phone.find_element(By.ID, "arrive").click()
    wait(phone).until(lambda d: d.find_elements(By.ID, "arrived-notice"))

    # The counter sees the arrival by itself, with where each tote waits, and hands over.
    wait(tablet).until(lambda d: number in d.find_element(By.ID, "arrivals").text)
    arrival = tablet.find_element(By.CSS_SELECTOR, f".arrival[data-order='{number}']")
    assert "place B4" in arrival.text and "F-03" in arrival.text and "A-12" in arrival.text
    arrival.find_element(By.CSS_SELECTOR, "button.hand-over").click()
    wait(tablet).until(lambda d: "Commande remise" in d.find_element(By.ID, "notice").text)

    # The customer's page closes the story by itself.
    wait(phone).until(lambda d: d.find_element(By.ID, "order-status").get_attribute("data-status") == "handed_over")
    timeline = phone.find_element(By.ID, "timeline").text
    assert replacement.split(" ")[0] in timeline and "Remise effectuée" in timeline
