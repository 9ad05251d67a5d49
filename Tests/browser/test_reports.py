"""The demo manager opens every report from the console and finds its chart."""
from selenium.webdriver.common.by import By
from waiting import wait

from test_staff_login import demo_account, sign_in

STORE = "creneau-rivoli"

# Report slug → the title of its first chart (the <title> of the SVG).
CHARTS = {
    "utilization": "Remplissage des créneaux (réservé / capacité)",
    "traffic": "Fréquentation prévue (p10–p90) et observée, par heure",
    "promises": "Promesses tenues par jour (part des commandes)",
    "waits": "Attente au retrait : histogramme (remises par minute d’attente)",
    "picking": "Lignes préparées par heure de préparateur, par jour",
    "posters": "Scans, paniers et commandes par affiche",
    "capacity": "Personnel nécessaire et au planning, par heure",
}


def test_manager_opens_each_report_and_finds_its_chart(seeded_server, tablet):
    email, password = demo_account(seeded_server.seed_output, "manager")
    # Signed out, the store's console leads to the login form, and back to the console after it.
    tablet.get(f"{seeded_server.url}/staff/stores/{STORE}")
    sign_in(tablet, email, password)
    wait(tablet).until(lambda driver: driver.current_url.endswith(f"/staff/stores/{STORE}"))

    tablet.find_element(By.ID, "tile-reports").click()
    wait(tablet, 10).until(lambda driver: driver.current_url.endswith(f"/staff/stores/{STORE}/reports"))
    links = {slug: tablet.find_element(By.ID, f"report-{slug}").get_attribute("href") for slug in CHARTS}

    for slug, title in CHARTS.items():
        tablet.get(links[slug])
        assert tablet.find_element(By.ID, "report-title").text
        charts = tablet.find_elements(By.CSS_SELECTOR, "figure.chart svg[role='img']")
        titles = [chart.find_element(By.TAG_NAME, "title").get_attribute("textContent") for chart in charts]
        assert title in titles, f"{slug}: charts titled {titles}"
        # Drawn, not just present: the browser laid the SVG out with a size.
        assert charts[0].size["width"] > 100 and charts[0].size["height"] > 40, slug
        # The same numbers as CSV and JSON are one click away.
        assert tablet.find_element(By.ID, "download-json").get_attribute("href").startswith(
            f"{seeded_server.url}/staff/stores/{STORE}/reports/{slug}.json?from=")
        assert tablet.find_elements(By.CSS_SELECTOR, "a.download-csv"), slug

    # A range the other way round: the form again with the reason, no chart.
    tablet.get(f"{seeded_server.url}/staff/stores/{STORE}/reports/waits?from=2026-11-04&to=2026-11-03")
    assert "comes after the end date" in tablet.find_element(By.ID, "error").text
    assert not tablet.find_elements(By.CSS_SELECTOR, "figure.chart svg")
