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
