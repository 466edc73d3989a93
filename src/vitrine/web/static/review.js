// The review queue from the keyboard: a accept, r reject, e edit, s skip, u undo, j/k next/previous,
// ? the keys. Each decision is one fetch to /api/suggestions (no page reload); without this script
// every item's forms post to /review/{id}/{action} and the server shows the queue again.
(() => {
  "use strict";
  const items = [...document.querySelectorAll(".review-item")];
  const status = document.getElementById("review-status");
  const help = document.getElementById("review-help");
  const WORDS = { accepted: "accepted", edited: "accepted", rejected: "rejected" };
  const decided = []; // ids of this page's decisions, newest last: what u undoes
  let current = 0;
  let busy = false;

  function say(text, problem) {
    status.textContent = text;
    status.classList.toggle("problem", Boolean(problem));
  }

  function select(index) {
    if (!items.length) return;
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach((item, i) => item.classList.toggle("current", i === current));
    items[current].focus({ preventScroll: true });
    items[current].scrollIntoView({ block: "nearest" });
  }

  function nextProposed(from) {
    for (let i = from + 1; i < items.length; i++) if (items[i].dataset.status === "proposed") return i;
    return -1;
  }

  function headers() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": meta ? meta.content : "" };
  }

  async function post(url, body) {
    const response = await fetch(url, { method: "POST", headers: headers(), body: JSON.stringify(body) });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw Object.assign(new Error(error.message || `the server answered ${response.status}`),
        { status: response.status, code: error.code });
    }
    return data;
  }

  // Bring an item's marks and forms in line with the suggestion as the server has it now.
  function show(item, s) {
    item.dataset.status = s.status;
    item.dataset.revision = String(s.revision);
    item.dataset.stale = s.stale ? "1" : "0";
    item.dataset.staleReason = s.stale_reason || "";
    item.classList.remove("status-proposed", "status-accepted", "status-edited", "status-rejected");
    item.classList.add("status-" + s.status);
    item.classList.toggle("stale", s.stale);
    for (const input of item.querySelectorAll('input[name="revision"]')) input.value = String(s.revision);
    const state = item.querySelector(".state");
    if (state) {
      state.textContent = s.status === "proposed" ? "Proposed"
        : `${s.status[0].toUpperCase()}${s.status.slice(1)} by ${s.decided_by}` +
          (s.final_label ? ` as ‘${s.final_label}’` : "");
    }
    const accept = item.querySelector(".decide-form.accept button");
    if (accept) accept.disabled = s.stale;
  }

  async function refresh(item) {
    try {
      const response = await fetch(`/api/suggestions/${item.dataset.id}`, { headers: { Accept: "application/json" } });
      if (response.ok) show(item, await response.json());
    } catch (err) { /* the message already shown says what went wrong */ }
  }

  async function decide(item, action, value, note) {
    if (busy || !item) return;
    if (item.dataset.status !== "proposed") {
      say(`This one is ${item.dataset.status} already — u to undo.`, true);
      return;
    }
    if (action !== "reject" && item.dataset.stale === "1") {
      say(`Stale: ${item.dataset.staleReason}. It can be rejected (r), not accepted.`, true);
      return;
    }
    busy = true;
    const body = { action, revision: Number(item.dataset.revision), note: note || "" };
    if (value !== undefined) body.value = value;
    try {
      const s = await post(`/api/suggestions/${item.dataset.id}/decision`, body);
      show(item, s);
      decided.push(item.dataset.id);
      const next = nextProposed(items.indexOf(item));
      say(`${WORDS[s.status]} ${s.kind} ‘${s.label}’${s.final_label ? ` as ‘${s.final_label}’` : ""} — u to undo` +
        (next < 0 ? ". That was the last one on this page: load the queue again for more." : "."));
      const details = item.querySelector(".edit-details");
      if (details) details.open = false;
      select(next < 0 ? items.indexOf(item) : next);
    } catch (err) {
      say(err.message ? err.message[0].toUpperCase() + err.message.slice(1) + "." : String(err), true);
      if (err.status === 409) await refresh(item);
    } finally {
      busy = false;
    }
  }

  async function undo() {
    if (busy) return;
    const id = decided.pop();
    if (id === undefined) { say("Nothing to undo on this page.", true); return; }
    const item = items.find((i) => i.dataset.id === id);
    busy = true;
    try {
      const s = await post(`/api/suggestions/${id}/undo`, { revision: Number(item.dataset.revision) });
      show(item, s);
      say(`Undone: ${s.kind} ‘${s.label}’ is proposed again.`);
      select(items.indexOf(item));
    } catch (err) {
      say(err.message[0].toUpperCase() + err.message.slice(1) + ".", true);
      if (err.status === 409) await refresh(item);
    } finally {
      busy = false;
    }
  }

  // The value an edit form holds: its JSON text, or the suggestion's value with each field put in.
  function formValue(form, item) {
    const text = form.querySelector('textarea[name="value_json"]');
    if (text) return JSON.parse(text.value);
    const value = JSON.parse(item.dataset.value);
    for (const input of form.querySelectorAll('input[name^="value."]')) {
      const key = input.name.slice(6);
      const typed = input.value.trim();
      if (!typed) delete value[key];
      else value[key] = input.dataset.type === "int" && /^-?\d{1,9}$/.test(typed) ? Number(typed) : typed;
    }
    return value;
  }

  function edit(item) {
    const details = item.querySelector(".edit-details");
    if (!details || item.dataset.status !== "proposed") return;
    details.open = true;
    const field = details.querySelector("input:not([type=hidden]), textarea");
    if (field) field.focus();
  }

  function submitted(event) {
    const form = event.target.closest(".decide-form");
    if (!form) return;
    event.preventDefault();
    const item = form.closest(".review-item");
    select(items.indexOf(item));
    const action = form.dataset.action;
    if (action === "undo") {
      const at = decided.lastIndexOf(item.dataset.id);
      if (at >= 0) decided.splice(at, 1);
      decided.push(item.dataset.id);
      undo();
      return;
    }
    let value;
    if (action === "edit") {
      try {
        value = formValue(form, item);
      } catch (err) {
        say(`The value is not valid JSON: ${err.message}.`, true);
        return;
      }
    }
    const note = form.querySelector('input[name="note"]');
    decide(item, action, value, note ? note.value : "");
  }

  function toggleHelp(open) {
    help.hidden = !open;
    if (open) document.getElementById("review-help-close").focus();
    else if (items.length) items[current].focus({ preventScroll: true });
  }

  const KEYS = {
    a: () => decide(items[current], "accept"),
    r: () => decide(items[current], "reject"),
    e: () => edit(items[current]),
    s: () => { const next = nextProposed(current); select(next < 0 ? current + 1 : next); },
    u: () => undo(),
    j: () => select(current + 1),
    k: () => select(current - 1),
    ArrowDown: () => select(current + 1),
    ArrowUp: () => select(current - 1),
    "?": () => toggleHelp(help.hidden),
  };

  function keydown(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
    if (event.key === "Escape") {
      if (!help.hidden) { toggleHelp(false); return; }
      const details = typing && target.closest(".edit-details");
      if (details) { details.open = false; items[current].focus({ preventScroll: true }); }
      return;
    }
    if (typing || (!help.hidden && event.key !== "?")) return;
    const action = KEYS[event.key];
    if (action && (items.length || event.key === "?")) { event.preventDefault(); action(); }
  }

  document.addEventListener("keydown", keydown);
  document.addEventListener("submit", submitted);
  document.getElementById("review-help-close").addEventListener("click", () => toggleHelp(false));
  items.forEach((item, i) => item.addEventListener("click", (event) => {
    if (!event.target.closest("a, button, input, textarea, summary")) select(i);
  }));
  if (items.length) select(0);
})();
