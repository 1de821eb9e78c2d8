// Amparo's service worker (optional: every page works without it). When a page cannot be reached, it shows the
// offline page: what still works without the internet (SMS commands, numbers to call).
// It stores ONLY the files listed in PRECACHE, files under STATIC_FOLDERS, and the offline page — never another page,
// never an answer to a POST, never anything that could hold personal data. Everything else goes to the network only.
// Change VERSION whenever this file's behaviour changes: the old caches are then deleted.
'use strict';

var VERSION = 1;
var CACHE = 'offline-v' + VERSION;
var STATIC_FOLDERS = ['/css/', '/js/', '/img/'];
var PRECACHE = ['/css/site.css', '/js/site.js'];
// The offline page in the language of the page that registered this worker (site.js passes ?lang=).
var LANG = (function () {
  var lang = new URL(self.location.href).searchParams.get('lang');
  return lang && /^[a-z]{2}$/.test(lang) ? lang : 'en';
})();
var OFFLINE_PAGE = '/offline?lang=' + LANG;

function isStatic(url) {
  return url.origin === self.location.origin && STATIC_FOLDERS.some(function (folder) { return url.pathname.indexOf(folder) === 0; });
}

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // Without cookies: the offline page is fetched as a stranger would see it, so it cannot hold anything personal.
    return cache.addAll(PRECACHE.concat([OFFLINE_PAGE]).map(function (url) { return new Request(url, { credentials: 'omit' }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// Static files: from the cache when there (their URLs carry a version), else from the network, kept for next time.
// When the network fails, an older version of the same file is better than none.
function staticFile(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (response) {
        if (response.ok && response.type === 'basic') {
          var copy = response.clone();
          cache.delete(request, { ignoreSearch: true }).then(function () { return cache.put(request, copy); });
        }
        return response;
      }, function () {
        return cache.match(request, { ignoreSearch: true }).then(function (old) { return old || Response.error(); });
      });
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.mode === 'navigate') {
    // Pages (GET or a form's POST): always the network, never stored. Only when the network fails: the offline page.
    event.respondWith(fetch(request).catch(function () {
      return caches.match(OFFLINE_PAGE, { ignoreVary: true }).then(function (page) { return page || Response.error(); });
    }));
    return;
  }
  if (request.method === 'GET' && isStatic(new URL(request.url))) event.respondWith(staticFile(request));
  // Anything else is not touched: the browser fetches it as if there were no worker.
});
