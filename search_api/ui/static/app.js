// Small progressive enhancement; every page works without it.
(function () {
  "use strict";
  function boxesFor(path) {
    return document.querySelectorAll('svg.boxes rect[data-field="' + CSS.escape(path) + '"]');
  }
  function highlight(path, on) {
    boxesFor(path).forEach(function (r) { r.classList.toggle("active", on); });
  }
  // Field rows highlight their box on the page image (hover and keyboard focus).
  document.querySelectorAll("#fields tr[data-field]").forEach(function (row) {
    var path = row.dataset.field;
    ["mouseenter", "focus"].forEach(function (e) { row.addEventListener(e, function () { highlight(path, true); }); });
    ["mouseleave", "blur"].forEach(function (e) { row.addEventListener(e, function () { highlight(path, false); }); });
    row.addEventListener("click", function () { pickField(path, row.dataset.raw || ""); });
  });
  // Images whose size the catalog did not record: size the overlay from the image.
  document.querySelectorAll(".page-frame").forEach(function (frame) {
    var img = frame.querySelector("img"), svg = frame.querySelector("svg");
    if (svg && !svg.getAttribute("viewBox")) {
      img.addEventListener("load", function () {
        svg.setAttribute("viewBox", "0 0 " + img.naturalWidth + " " + img.naturalHeight);
      });
    }
  });
  var fieldSelect = document.getElementById("correct-field");
  var valueInput = document.getElementById("correct-value");
  function pickField(path, raw) {
    if (!fieldSelect) { return; }
    fieldSelect.value = path;
    if (valueInput) { valueInput.value = raw; }
  }
  if (fieldSelect) {
    fieldSelect.addEventListener("change", function () {
      var row = document.querySelector('#fields tr[data-field="' + CSS.escape(fieldSelect.value) + '"]');
      if (valueInput && row) { valueInput.value = row.dataset.raw || ""; }
      highlight(fieldSelect.value, true);
    });
  }
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA");
  }
  // Review queue: j/k next/previous, e or Enter open, v verify.
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.queue-row"));
  var current = 0;
  function select(i) {
    if (!rows.length) { return; }
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, j) { r.classList.toggle("active", j === current); });
    rows[current].focus();
  }
  if (rows.length) { select(0); }
  document.addEventListener("keydown", function (e) {
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (rows.length) {
      if (e.key === "j") { select(current + 1); e.preventDefault(); }
      else if (e.key === "k") { select(current - 1); e.preventDefault(); }
      else if (e.key === "e" || e.key === "Enter") { window.location = rows[current].dataset.href + "#correction-form"; }
      else if (e.key === "v") { rows[current].querySelector("form.verify-form").submit(); }
      return;
    }
    if (e.key === "e" && fieldSelect) { fieldSelect.focus(); e.preventDefault(); }
    else if (e.key === "v" && document.getElementById("verify-form")) { document.getElementById("verify-form").submit(); }
    else if (e.key === "/" && document.getElementById("q")) { document.getElementById("q").focus(); e.preventDefault(); }
  });
})();
