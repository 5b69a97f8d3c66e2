// The installable station app: registers the service worker (/sw.js) on the screens that
// work without a signal (station, driver, look-up: <body data-offline-app>) and keeps the
// screen of a first visit (later ones the worker keeps itself). Once nobody is
// logged in (the log-in page, after log-out) the kept copies of the screens behind log-in
// are forgotten; the public look-up stays.
(function () {
  "use strict";
  var body = document.body;
  if (!("serviceWorker" in navigator) || !body) return;
  if (body.hasAttribute("data-signed-out") && "caches" in window) {
    caches.open("countyexpress-screens").then(function (cache) {
      return cache.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) {
          return new URL(k.url).pathname !== "/lookup";
        }).map(function (k) { return cache.delete(k); }));
      });
    }).catch(function () {});
  }
  if (body.hasAttribute("data-offline-app")) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    // The first visit, before the worker answers for the page: keep this screen for later.
    if (!navigator.serviceWorker.controller && navigator.onLine && "caches" in window) {
      caches.open("countyexpress-screens").then(function (c) {
        return c.add(location.pathname + location.search);
      }).catch(function () {});
    }
  }
})();
