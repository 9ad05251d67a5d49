// Live updates, as progressive enhancement: the element marked data-live names
// its event stream; on each "change" the page is fetched again and that
// element's content replaced. Without JavaScript the page works the same,
// reloaded by hand. A form being filled in is never replaced under the user.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var running = false, again = false;

  function editing() {
    var active = document.activeElement;
    return active && root.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName) && active.type !== "submit";
  }

  function refresh() {
    if (running || editing()) { again = true; return; }
    running = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var next = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live]");
        if (next && !editing()) {
          root.innerHTML = next.innerHTML;
          root.setAttribute("data-refreshed", String(Date.now()));
        } else if (next) {
          again = true;
        }
      })
      .catch(function () { again = true; })
      .then(function () {
        running = false;
        if (again && !editing()) { again = false; refresh(); }
      });
  }

  root.addEventListener("focusout", function () { if (again) { setTimeout(refresh, 0); } });
  var source = new EventSource(root.getAttribute("data-live"));
  source.addEventListener("change", refresh);
  var opened = 0;
  source.addEventListener("open", function () {
    root.setAttribute("data-live-state", "open");
    // After a reconnection, changes made in between were not announced.
    if (opened++ > 0) refresh();
  });
})();
