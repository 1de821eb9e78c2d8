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
