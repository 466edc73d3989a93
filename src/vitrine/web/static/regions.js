// Draw a box on the record image with a mouse, a finger (pointer events) or the keyboard;
// the four corner fields of the form always hold the box in source-image pixels.
(function () {
  "use strict";
  const canvas = document.getElementById("regions-canvas");
  const img = document.getElementById("regions-image");
  const rect = document.getElementById("regions-box");
  const form = document.getElementById("regions-form");
  if (!canvas || !img || !rect || !form) return;
  const fields = {};
  form.querySelectorAll("[data-corner]").forEach(function (input) { fields[input.dataset.corner] = input; });
  let box = null;   // [x0, y0, x1, y1] in source pixels
  let start = null; // where a drag began, source pixels

  function sourceSize() {
    const w = Number(canvas.dataset.width) || img.naturalWidth || img.clientWidth;
    const h = Number(canvas.dataset.height) || img.naturalHeight || img.clientHeight;
    return [w, h];
  }
  function scale() { return sourceSize()[0] / Math.max(img.clientWidth, 1); }
  function clamp(v, lo, hi) { return Math.min(hi, Math.max(lo, v)); }
  function toSource(e) {
    const r = img.getBoundingClientRect(), s = scale(), size = sourceSize();
    return [clamp((e.clientX - r.left) * s, 0, size[0]), clamp((e.clientY - r.top) * s, 0, size[1])];
  }
  function draw() {
    if (!box) { rect.hidden = true; return; }
    const s = scale();
    rect.hidden = false;
    rect.style.left = box[0] / s + "px";
    rect.style.top = box[1] / s + "px";
    rect.style.width = (box[2] - box[0]) / s + "px";
    rect.style.height = (box[3] - box[1]) / s + "px";
  }
  function write() {
    ["x0", "y0", "x1", "y1"].forEach(function (k, i) { fields[k].value = box ? Math.round(box[i] * 10) / 10 : ""; });
  }
  function read() {
    const v = ["x0", "y0", "x1", "y1"].map(function (k) { return parseFloat(fields[k].value); });
    box = v.every(isFinite) && v[2] > v[0] && v[3] > v[1] ? v : null;
    draw();
  }
  function setBox(a, b) {
    box = [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])];
    draw();
    write();
  }

  canvas.addEventListener("pointerdown", function (e) {
    if (e.button !== undefined && e.button !== 0) return;
    e.preventDefault();
    start = toSource(e);
    canvas.setPointerCapture(e.pointerId);
    setBox(start, start);
  });
  canvas.addEventListener("pointermove", function (e) { if (start) setBox(start, toSource(e)); });
  function end(e) {
    if (!start) return;
    setBox(start, toSource(e));
    start = null;
    canvas.classList.add("has-box");
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", function () { start = null; });

  // Keyboard: arrows move the box, Shift+arrows resize it, Enter searches.
  canvas.addEventListener("keydown", function (e) {
    const size = sourceSize();
    const step = Math.max(2, Math.round(Math.min(size[0], size[1]) / 50)) * (e.altKey ? 0.2 : 1);
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (e.key === "Enter") { if (box) form.requestSubmit(); e.preventDefault(); return; }
    if (!(e.key in moves)) return;
    e.preventDefault();
    if (!box) box = [size[0] / 3, size[1] / 3, 2 * size[0] / 3, 2 * size[1] / 3];
    const [dx, dy] = moves[e.key];
    if (e.shiftKey) {
      box = [box[0], box[1], clamp(box[2] + dx, box[0] + 8, size[0]), clamp(box[3] + dy, box[1] + 8, size[1])];
    } else {
      const w = box[2] - box[0], h = box[3] - box[1];
      const x0 = clamp(box[0] + dx, 0, size[0] - w), y0 = clamp(box[1] + dy, 0, size[1] - h);
      box = [x0, y0, x0 + w, y0 + h];
    }
    draw();
    write();
  });
  Object.values(fields).forEach(function (input) { input.addEventListener("input", read); });
  window.addEventListener("resize", draw);
  if (img.complete) read(); else img.addEventListener("load", read);
})();
