// Optional enhancement only: every page works without it.
// Quick exit: replace this history entry so "back" does not return to Amparo.
(function () {
  var exit = document.getElementById('quick-exit');
  if (!exit) return;
  exit.addEventListener('click', function (e) {
    e.preventDefault();
    window.location.replace(exit.href);
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && e.shiftKey) window.location.replace(exit.href);
  });
})();

// Installable app (pwa): register the service worker (wwwroot/sw.js) that shows the offline page when the network
// fails. It is told the page's language, so the offline page it keeps is in that language; a change of language
// registers it again and it fetches the page anew.
(function () {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  var lang = document.documentElement.getAttribute('lang') || 'en';
  navigator.serviceWorker.register('/sw.js?lang=' + encodeURIComponent(lang), { scope: '/' }).catch(function () {});
})();

// Panic part (issue 9): "Use my location" fills the latitude and longitude fields from the browser's location.
// The button is hidden in the page and shown only here, where it can work; typing the coordinates always works.
(function () {
  var buttons = document.querySelectorAll('[data-use-location]');
  if (!buttons.length || !navigator.geolocation) return;
  Array.prototype.forEach.call(buttons, function (button) {
    var lat = document.getElementById(button.getAttribute('data-latitude'));
    var lon = document.getElementById(button.getAttribute('data-longitude'));
    var status = document.getElementById(button.getAttribute('data-status'));
    if (!lat || !lon || !status) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      button.disabled = true;
      status.textContent = status.getAttribute('data-finding');
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        status.textContent = status.getAttribute('data-found').replace('{0}', Math.round(position.coords.accuracy));
        button.disabled = false;
      }, function (error) {
        // 1: the person or the browser refused; 2 and 3: no fix, or not in time.
        status.textContent = status.getAttribute(error.code === 1 ? 'data-denied' : 'data-unavailable');
        button.disabled = false;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  });
})();

// Open alerts refresh themselves (the element with data-refresh: the home page's alert list, the whereabouts board).
// Every 30 s the page fetches its fragment URL and replaces, by id, the parts marked data-part. In the alert list (a
// polite live region) only new or changed alerts are put in, so a screen reader announces those and nothing else.
// No form is inside a part: nothing half-written is lost. Signed out (a redirect) or refused: it stops.
(function () {
  var box = document.querySelector('[data-refresh]');
  if (!box || !window.fetch || !window.DOMParser) return;
  var url = box.getAttribute('data-refresh');
  var busy = false, last = Date.now(), timer;
  var each = function (list, f) { Array.prototype.slice.call(list).forEach(f); };
  var sig = function (el) { return el.id + '|' + (el.getAttribute('data-v') || ''); };
  function merge(old, fresh) {
    var ol = old.querySelector('ul'), nl = fresh.querySelector('ul');
    if (!ol || !nl) { if (old.innerHTML !== fresh.innerHTML) old.innerHTML = fresh.innerHTML; return; }
    var want = {}, have = {};
    each(nl.children, function (n) { want[n.id] = n; });
    each(ol.children, function (li) {
      var n = want[li.id];
      if (!n) { ol.removeChild(li); return; }
      if (sig(n) !== sig(li)) { var c = document.importNode(n, true); ol.replaceChild(c, li); li = c; }
      have[li.id] = li;
    });
    each(nl.children, function (n, i) {
      var cur = ol.children[i], node = have[n.id] || document.importNode(n, true);
      if (cur !== node) ol.insertBefore(node, cur || null);
    });
  }
  function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/html' } })
      .then(function (r) {
        if (!r.ok || r.redirected) throw new Error('stop');
        return r.text();
      })
      .then(function (html) {
        var parts = new DOMParser().parseFromString(html, 'text/html').querySelectorAll('[data-part]');
        if (!parts.length) throw new Error('stop');
        each(parts, function (p) {
          var old = document.getElementById(p.id);
          if (!old) return;
          if (old.hasAttribute('aria-live')) merge(old, p);
          else if (old.innerHTML !== p.innerHTML) old.innerHTML = p.innerHTML;
        });
        last = Date.now();
      })
      .catch(function (e) { if (e && e.message === 'stop') clearInterval(timer); })
      .then(function () { busy = false; });
  }
  timer = setInterval(refresh, 30000);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && Date.now() - last > 30000) refresh();
  });
})();

// Time zone suggestion (issue 9, words): on a sign-up form, pick the device's zone in the visible list, once, before
// the person has chosen; they see it and can change it. Without this script the default stays UTC.
(function () {
  var select = document.querySelector('select[data-suggest-zone]');
  if (!select || !window.Intl || !Intl.DateTimeFormat) return;
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) { select.value = zone; return; }
  }
})();
