"""Every page and answer carries the security headers; cookies carry their flags;
sign-in is rate limited. Pages are found by following the links of the demo store
(customer side, then the staff console of a signed-in manager)."""
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

from creneau_server import StaffSession, demo_account
from suite import STORE

REQUIRED = {
    "X-Content-Type-Options": lambda v: v == "nosniff",
    "Referrer-Policy": lambda v: v == "no-referrer",
    "X-Frame-Options": lambda v: v == "DENY",
}


def check_csp(value):
    directives = {part.split()[0]: part.split()[1:] for part in value.split(";") if part.strip()}
    return ("'unsafe-inline'" not in directives.get("script-src", ["?"]) and "'unsafe-eval'" not in directives.get("script-src", [])
            and directives.get("frame-ancestors") == ["'none'"] and "script-src" in directives)


def fetch(opener, url, method="GET", data=None, headers=None):
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        response = opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    return response.status if hasattr(response, "status") else response.code, response.headers, response.read().decode(errors="replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def crawl(opener, base, start, limit=150):
    """(url, status, headers) of the pages reachable from `start` by links, within the site."""
    seen, queue, out = set(), list(start), []
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        status, headers, body = fetch(opener, base + url)
        out.append((url, status, headers))
        if "text/html" in (headers.get("Content-Type") or ""):
            for link in re.findall(r'(?:href|src)="(/[^"#]*)"', body):
                if "/logout" not in link and link not in seen:
                    queue.append(link)
    return out


def test_security_headers_on_every_page_and_answer(seeded_server, manager):
    base = seeded_server.url
    anonymous = urllib.request.build_opener()
    # An order of the demo store, so its confirmation page is crawled too.
    _, _, body = fetch(anonymous, f"{base}/api/stores/{STORE}/baskets", "POST", b"{}", {"Content-Type": "application/json"})
    token = json.loads(body)["token"]
    pages = crawl(anonymous, base, ["/", f"/stores/{STORE}", f"/stores/{STORE}/planning", "/openapi.json", "/healthz",
                                    "/no/such/page", "/s/ZZZZZZZZZZ", f"/api/stores/{STORE}/basket", "/static/app.css", "/static/live.js"])
    pages += crawl(manager.opener, base, ["/staff", f"/staff/stores/{STORE}", f"/staff/stores/{STORE}/picking",
                                          f"/staff/stores/{STORE}/handover", f"/staff/stores/{STORE}/manager",
                                          f"/api/staff/stores/{STORE}/queue"])
    failures = []
    for url, status, headers in pages:
        assert status < 500, f"{url}: {status}"
        csp = headers.get("Content-Security-Policy")
        if not csp or not check_csp(csp):
            failures.append(f"{url}: Content-Security-Policy {csp!r}")
        for name, ok in REQUIRED.items():
            if not ok(headers.get(name) or ""):
                failures.append(f"{url}: {name} {headers.get(name)!r}")
    print(f"security headers: {len(pages)} pages and answers tried, {len(failures)} failures")
    assert len(pages) > 20
    assert failures == []
    assert token


def test_cookie_flags(seeded_server):
    base = seeded_server.url
    opener = urllib.request.build_opener(NoRedirect())
    # The basket cookie: HttpOnly, SameSite=Lax (a poster link opened from the camera app must carry it).
    form = urllib.parse.urlencode({"product_id": "1", "quantity": "1"}).encode()
    status, headers, _ = fetch(opener, f"{base}/stores/{STORE}/basket/add", "POST", form, {"Content-Type": "application/x-www-form-urlencoded"})
    basket = [c for c in headers.get_all("Set-Cookie") or [] if c.startswith("basket_")]
    assert basket, (status, headers)
    flags = basket[0].lower()
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    # The staff cookies: HttpOnly, SameSite=Strict, Path=/ (Secure and __Host- on https; loopback http here).
    status, headers, _ = fetch(opener, f"{base}/staff/login")
    login = [c for c in headers.get_all("Set-Cookie") or [] if "creneau_login" in c][0].lower()
    assert "httponly" in login and "samesite=strict" in login and "path=/" in login
    print("cookies: 2 cookies tried, 0 failures")


def test_sign_in_is_rate_limited(seeded_server):
    email, _ = demo_account(seeded_server.seed_output, "handover")
    tries = []
    for _ in range(7):
        try:
            StaffSession(seeded_server.url, email, "not the password " + uuid.uuid4().hex)
            tries.append(200)
        except Exception:  # the form answers 401 then 429; StaffSession fails without a session
            status, headers, body = last_attempt(seeded_server.url, email)
            tries.append((status, headers.get("Retry-After")))
            if status == 429:
                break
    refused = [t for t in tries if isinstance(t, tuple) and t[0] == 429]
    print(f"rate limits: {len(tries)} sign-ins tried, {0 if refused else 1} failures")
    assert refused and int(refused[0][1]) > 0


def last_attempt(base, email):
    """One more sign-in by hand, to read its status and headers."""
    import http.cookiejar
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    _, _, form = fetch(opener, base + "/staff/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrf": token, "email": email, "password": "wrong", "next": "/staff"}).encode()
    return fetch(opener, base + "/staff/login", "POST", body, {"Content-Type": "application/x-www-form-urlencoded"})
