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
