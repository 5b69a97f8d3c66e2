// The installable station app: registers the service worker (/sw.js) on the screens that
// work without a signal (station, driver, look-up: <body data-offline-app>). Once nobody is
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
  }
})();
