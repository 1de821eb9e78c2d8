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
