// The moderation queue from the keyboard: j/k move between photos, a approves, r rejects.
(function () {
  "use strict";
  const items = Array.from(document.querySelectorAll(".moderation-item"));
  if (!items.length) return;
  let current = 0;

  function select(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("current", i === current); });
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }

  function decide(kind) {
    const form = items[current].querySelector("form." + kind);
    if (form) form.requestSubmit();
  }

  items.forEach(function (item, i) { item.addEventListener("click", function () { select(i); }); });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
    const actions = {
      j: function () { select(current + 1); },
      k: function () { select(current - 1); },
      a: function () { decide("approve"); },
      r: function () { decide("reject"); },
    };
    const action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });
  select(0);
})();
