/* Điểm Cầu service worker: the scanner station and the roll page reload without a connection.
 * Served by the app at /sw.js (scope /), which fills in VERSION (a digest of static/) and
 * ASSETS (the station's shell), so any change to a static file replaces the cache.
 * - /static/: cache first (the shell is stored at install; anything else on first use).
 * - the scanner page (/sessions/N/scan) and a venue's roll page (/sessions/N/venues/V/roll):
 *   network first, the last good copy when offline.
 * Everything else (other pages, the API) goes to the network untouched.
 */
"use strict";

var VERSION = "__VERSION__";
var CACHE = "diemcau-scanner-" + VERSION;
var ASSETS = ["__ASSETS__"];
var SCANNER_PAGE = /^\/sessions\/\d+\/scan\/?$/;
var ROLL_PAGE = /^\/sessions\/\d+\/venues\/\d+\/roll\/?$/;

/* Pages kept for an offline reload (by path; a query string is kept with the copy). */
function isKeptPage(url) {
  var path = new URL(url).pathname;
  return SCANNER_PAGE.test(path) || ROLL_PAGE.test(path);
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(ASSETS);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    var old = names.filter(function (name) {
      return name.indexOf("diemcau-scanner-") === 0 && name !== CACHE;
    });
    return Promise.all(old.map(function (name) {
      return carryPages(name).then(function () { return caches.delete(name); });
    }));
  }).then(function () { return self.clients.claim(); }));
});

/* Pages kept by an older version stay available offline after an update. */
function carryPages(name) {
  return Promise.all([caches.open(name), caches.open(CACHE)]).then(function (both) {
    return both[0].keys().then(function (requests) {
      return Promise.all(requests.filter(function (request) {
        return isKeptPage(request.url);
      }).map(function (request) {
        return both[0].match(request).then(function (response) {
          return response && both[1].put(request, response);
        });
      }));
    });
  });
}

/* The page asks to keep itself (its first load came before the worker; the roll page asks
 * again after its marks were accepted). One fetch at a time, so the newest copy is put last. */
var keeping = Promise.resolve();
self.addEventListener("message", function (event) {
  var url = event.data && event.data.keep;
  if (url && isKeptPage(url)) {
    keeping = keeping.then(function () {
      return caches.open(CACHE).then(function (cache) { return keep(cache, url); });
    });
    event.waitUntil(keeping);
  }
});

function keep(cache, url) {
  return fetch(url, { credentials: "same-origin" }).then(function (response) {
    if (response.ok && !response.redirected) return putWhole(cache, url, response);
  }).catch(function () {});
}

/* A page's new copy replaces the kept one only once its whole body has arrived: a connection
 * lost in the middle of the download (a phone going offline just then) leaves the last good
 * copy in place, where a put of the streaming response could lose it. */
function putWhole(cache, request, response) {
  return response.blob().then(function (body) {
    return cache.put(request, new Response(body, {
      status: response.status, statusText: response.statusText, headers: response.headers }));
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return putWhole(cache, request, copy); })
        .catch(function () {});
    }
    return response;
  }).catch(function () {
    // ignoreVary: the copy was kept with the cookie of its day (Flask answers "Vary: Cookie"),
    // and the session cookie changes over a morning (a CSRF token added, a refresh).
    return caches.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || caches.match(request, { ignoreSearch: true, ignoreVary: true });
    }).then(function (hit) {
      return hit || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" && isKeptPage(request.url)) {
    event.respondWith(networkFirst(request));
  }
});
