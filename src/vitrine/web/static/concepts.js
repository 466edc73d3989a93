// Marking works as examples (+) or counter-examples (−) of a concept, one fetch per mark to
// /api/concepts/{name}/labels, without a page reload: on the search results, a saved set's page,
// the map's selection and a concept's page (its "ask" panel, with the keys y, n, j, k).
// Without this script every button submits the #concept-marking form to /review/concepts/label.
// The search page's "Refine" replaces its results (and this form) in place: look them up at each use.
(() => {
  "use strict";
  let busy = false;

  function say(text, problem) {
    const status = document.getElementById("concept-status");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("problem", Boolean(problem));
  }

  function headers() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": meta ? meta.content : "" };
  }

  function concept() {
    const form = document.getElementById("concept-marking");
    const field = form && form.elements.namedItem("concept");
    return field ? field.value : "";
  }

  async function label(identifiers, positive) {
    const name = concept();
    if (!name || !identifiers.length || busy) return null;
    busy = true;
    say("Saving…");
    try {
      const response = await fetch(`/api/concepts/${encodeURIComponent(name)}/labels`, {
        method: "POST", headers: headers(), body: JSON.stringify({ identifiers, positive }) });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        say((data.error && data.error.message) || `The mark was not saved (${response.status}).`, true);
        return null;
      }
      const one = identifiers.length === 1;
      const who = one ? identifiers[0] : `${identifiers.length} works`;
      const as = positive ? (one ? "an example" : "examples") : (one ? "a counter-example" : "counter-examples");
      say(`Marked ${who} as ${as} of “${data.name}” (labels: ${data.labels}, examples: ${data.positives}).`);
      showCounts(data);
      return data;
    } catch (err) {
      say("The mark was not saved: the server could not be reached.", true);
      return null;
    } finally {
      busy = false;
    }
  }

  function showCounts(data) {
    const counts = document.getElementById("concept-counts");
    if (!counts) return;
    const set = (field, value) => {
      const el = counts.querySelector(`[data-field=${field}]`);
      if (el) el.textContent = String(value);
    };
    set("labels", data.labels);
    set("positives", data.positives);
    set("negatives", data.labels - data.positives);
  }

  function showMark(identifier, positive) {
    const kind = positive ? "pos" : "neg";
    for (const button of document.querySelectorAll("button.concept-mark")) {
      if (button.dataset.id !== identifier) continue;
      button.setAttribute("aria-pressed", String(button.dataset.positive === String(positive)));
      const card = button.closest(".card, .concept-card");
      if (card) card.dataset.conceptMark = kind;
    }
  }

  async function mark(button) {
    const positive = button.dataset.positive === "true";
    if (await label([button.dataset.id], positive)) showMark(button.dataset.id, positive);
  }

  async function markSelection(positive) {
    const items = [...document.querySelectorAll("#map-selection-list [data-identifier]")];
    const done = await label([...new Set(items.map((li) => li.dataset.identifier))], positive);
    if (done) for (const li of items) li.dataset.conceptMark = positive ? "pos" : "neg";
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.concept-mark, button[data-concept-selection]");
    if (!button) return;
    event.preventDefault();
    if (button.dataset.conceptSelection) markSelection(button.dataset.conceptSelection === "true");
    else mark(button);
  });

  // The ask panel from the keyboard: y example, n not, j/k next/previous work.
  const asked = [...document.querySelectorAll(".ask-item")];
  function move(item, step) {
    const next = asked[asked.indexOf(item) + step];
    if (next) next.focus();
  }
  document.addEventListener("keydown", async (event) => {
    const item = event.target.closest && event.target.closest(".ask-item");
    if (!item || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === "j" || key === "k") { event.preventDefault(); move(item, key === "j" ? 1 : -1); return; }
    if (key !== "y" && key !== "n") return;
    event.preventDefault();
    const button = item.querySelector(`button.concept-mark[data-positive="${key === "y"}"]`);
    if (button) { await mark(button); move(item, 1); }
  });
})();
