// The installable station app: registers the service worker (/sw.js) on the screens that
// work without a signal (station, driver, look-up: <body data-offline-app>), and forgets
// the kept copies of screens once nobody is logged in (the log-in page, after log-out).
(function () {
  "use strict";
  var body = document.body;
  if (!("serviceWorker" in navigator) || !body) return;
  if (body.hasAttribute("data-signed-out") && "caches" in window) {
    caches.delete("countyexpress-screens");
  }
  if (body.hasAttribute("data-offline-app")) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }
})();
