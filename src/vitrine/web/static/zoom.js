// A small pan and zoom for the record image: wheel, buttons, keys, drag, double-click.
(function () {
  "use strict";
  const box = document.getElementById("zoom");
  const img = document.getElementById("zoom-image");
  if (!box || !img) return;
  let scale = 1, x = 0, y = 0, drag = null;
  const MIN = 1, MAX = 8;

  function apply() {
    img.style.transform = "translate(" + x + "px," + y + "px) scale(" + scale + ")";
    box.classList.toggle("zoomed", scale > 1);
  }
  function zoomAt(factor, cx, cy) {
    const next = Math.min(MAX, Math.max(MIN, scale * factor));
    const rect = img.getBoundingClientRect();
    const px = (cx === undefined ? rect.left + rect.width / 2 : cx) - rect.left;
    const py = (cy === undefined ? rect.top + rect.height / 2 : cy) - rect.top;
    const k = next / scale;
    x -= px * (k - 1);
    y -= py * (k - 1);
    scale = next;
    if (scale === 1) { x = 0; y = 0; }
    apply();
  }
  function reset() { scale = 1; x = 0; y = 0; apply(); }

  box.addEventListener("wheel", function (e) { e.preventDefault(); zoomAt(e.deltaY < 0 ? 1.2 : 1 / 1.2, e.clientX, e.clientY); }, { passive: false });
  box.addEventListener("dblclick", function (e) { if (scale > 1) reset(); else zoomAt(2.5, e.clientX, e.clientY); });
  box.addEventListener("pointerdown", function (e) { if (scale > 1) { drag = { sx: e.clientX - x, sy: e.clientY - y }; box.setPointerCapture(e.pointerId); } });
  box.addEventListener("pointermove", function (e) { if (drag) { x = e.clientX - drag.sx; y = e.clientY - drag.sy; apply(); } });
  box.addEventListener("pointerup", function () { drag = null; });
  box.addEventListener("keydown", function (e) {
    const step = 40;
    const keys = { "+": function () { zoomAt(1.25); }, "=": function () { zoomAt(1.25); }, "-": function () { zoomAt(0.8); },
      "0": reset, ArrowLeft: function () { x += step; apply(); }, ArrowRight: function () { x -= step; apply(); },
      ArrowUp: function () { y += step; apply(); }, ArrowDown: function () { y -= step; apply(); } };
    if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
  });
  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      const what = button.getAttribute("data-zoom");
      if (what === "in") zoomAt(1.5); else if (what === "out") zoomAt(1 / 1.5); else reset();
    });
  });
  document.querySelectorAll(".thumb[data-src]").forEach(function (button) {
    button.addEventListener("click", function () { img.src = button.getAttribute("data-src"); reset(); });
  });
})();
