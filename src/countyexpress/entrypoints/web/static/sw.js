// The station app's service worker (served as /sw.js, scope "/"; see docs/offline.md).
// Workbox is vendored under /static/vendor/workbox/ and loaded from there, never from a CDN.
// - precache: the assets of the station, driver and look-up screens (the list, with a hash
//   of each file, is written in by the server where self.__WB_MANIFEST stands);
// - the screens themselves (behind log-in, so per person) are kept when visited: network
//   first, the kept copy when there is no signal; /station, the installed app's start,
//   falls back to the keeper's kept station screen;
// - Background Sync: the queued scans (offline-queue.js) are uploaded when the browser says
//   the network is back, even with the screen closed.
importScripts("/static/vendor/workbox/workbox-sw.js");
workbox.setConfig({ modulePathPrefix: "/static/vendor/workbox/", debug: false });
importScripts("/static/offline-queue.js");

var SCREENS = "countyexpress-screens";
var SCREEN_PATHS = /^\/(lookup|counties\/[^/]+\/(driver|stations\/[^/]+(\/shelf)?))$/;
var STATION_PAGE = /^\/counties\/[^/]+\/stations\/[^/]+$/;

workbox.core.setCacheNameDetails({ prefix: "countyexpress" });
self.skipWaiting();
workbox.core.clientsClaim();
workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute(self.__WB_MANIFEST);

var keepOk = {
  cacheWillUpdate: function (args) {
    var r = args.response;
    return Promise.resolve(r && r.status === 200 && !r.redirected ? r : null);
  }
};

workbox.routing.registerRoute(
  function (o) { return o.url.origin === self.location.origin && SCREEN_PATHS.test(o.url.pathname); },
  new workbox.strategies.NetworkFirst({ cacheName: SCREENS, networkTimeoutSeconds: 5, plugins: [keepOk] })
);

workbox.routing.registerRoute(
  function (o) { return o.url.origin === self.location.origin && o.url.pathname === "/station"; },
  function (o) {
    return fetch(o.request).catch(function (failed) {
      return caches.open(SCREENS).then(function (cache) {
        return cache.keys().then(function (keys) {
          var kept = keys.filter(function (k) { return STATION_PAGE.test(new URL(k.url).pathname); });
          if (!kept.length) throw failed;
          return cache.match(kept[kept.length - 1]);
        });
      });
    });
  }
);

self.addEventListener("sync", function (event) {
  if (event.tag !== "station-scans") return;
  event.waitUntil(self.CountyOffline.flush().then(function (report) {
    return self.clients.matchAll({ type: "window" }).then(function (windows) {
      windows.forEach(function (w) { w.postMessage({ type: "station-uploaded", report: report }); });
      if (report.status === "offline") throw new Error("still offline: the browser retries");
    });
  }));
});
