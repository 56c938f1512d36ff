// Confirmation for irreversible actions: <form data-confirm="…">. No inline script anywhere (CSP).
document.addEventListener("submit", function (ev) {
  var msg = ev.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { ev.preventDefault(); }
});
// Language selector submits on change.
document.addEventListener("change", function (ev) {
  if (ev.target.id === "lang-select") { ev.target.form.submit(); }
});
