// Dalil's only script of its own. No inline script anywhere (CSP: script-src 'self').
(function () {
  "use strict";

  // Confirmation for irreversible actions: <form data-confirm="what will happen">.
  // With this script a Bootstrap modal asks; without JavaScript the form simply submits.
  var pending = null;

  function dialog() { return document.getElementById("confirm-dialog"); }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var msg = form.getAttribute && form.getAttribute("data-confirm");
    if (!msg || form.getAttribute("data-confirmed") === "yes") { return; }
    ev.preventDefault();
    var el = dialog();
    if (!el || !window.bootstrap) {           // Bootstrap missing: the browser's own dialog
      if (window.confirm(msg)) { form.setAttribute("data-confirmed", "yes"); submit(form, ev.submitter); }
      return;
    }
    pending = { form: form, submitter: ev.submitter || null };
    el.querySelector("#confirm-message").textContent = msg;
    window.bootstrap.Modal.getOrCreateInstance(el).show();
  });

  function submit(form, submitter) {
    if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
    form.removeAttribute("data-confirmed");
  }

  document.addEventListener("click", function (ev) {
    if (!ev.target.closest || !ev.target.closest("#confirm-ok") || !pending) { return; }
    var p = pending;
    pending = null;
    window.bootstrap.Modal.getOrCreateInstance(dialog()).hide();
    p.form.setAttribute("data-confirmed", "yes");
    submit(p.form, p.submitter);
  });

  document.addEventListener("shown.bs.modal", function (ev) {
    if (ev.target.id === "confirm-dialog") { ev.target.querySelector("#confirm-ok").focus(); }
  });
  document.addEventListener("hidden.bs.modal", function (ev) {
    if (ev.target.id === "confirm-dialog") { pending = null; }
  });

  // A choice that makes other fields unnecessary: <select data-hides="id_a id_b">. While a value
  // is chosen their boxes are hidden (not disabled: anything typed is still sent and checked),
  // except a box that shows an error.
  function applyHides(select) {
    (select.getAttribute("data-hides") || "").split(" ").forEach(function (id) {
      var input = id && document.getElementById(id);
      var box = input && input.closest(".mb-3");
      if (box) { box.hidden = !!select.value && !box.querySelector(".invalid-feedback"); }
    });
  }
  document.addEventListener("change", function (ev) {
    if (ev.target.matches && ev.target.matches("select[data-hides]")) { applyHides(ev.target); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-hides]").forEach(applyHides);
  });

  // Language selector in the footer submits on change.
  document.addEventListener("change", function (ev) {
    if (ev.target.id === "lang-select") { ev.target.form.submit(); }
  });
})();
