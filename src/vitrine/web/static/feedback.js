// Relevance feedback on the search page: mark works without reloading, refine in place.
// Without this script every mark and "Refine" is a plain form submission that the server handles.
(() => {
  "use strict";

  const form = () => document.getElementById("feedback");

  function marks() {
    const read = (name) => [...form().querySelectorAll(`.marks-state input[name=${name}]`)].map((i) => i.value);
    return { pos: read("pos"), neg: read("neg") };
  }

  function hidden(name, value) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  function write(state) {
    for (const box of document.querySelectorAll(".marks-state")) {
      box.replaceChildren(...state.pos.map((v) => hidden("pos", v)), ...state.neg.map((v) => hidden("neg", v)));
    }
    for (const kind of ["pos", "neg"]) {
      const counter = document.querySelector(`#feedback-status [data-count=${kind}]`);
      if (counter) counter.textContent = String(state[kind].length);
    }
  }

  function toggle(button) {
    const id = button.dataset.id;
    const kind = button.dataset.kind;
    const on = button.getAttribute("aria-pressed") !== "true";
    const state = marks();
    state.pos = state.pos.filter((x) => x !== id);
    state.neg = state.neg.filter((x) => x !== id);
    if (on) state[kind].push(id);
    for (const other of document.querySelectorAll("button.mark")) {
      if (other.dataset.id !== id) continue;
      other.setAttribute("aria-pressed", String(on && other.dataset.kind === kind));
      const card = other.closest(".card");
      if (card) card.dataset.mark = on ? kind : "";
    }
    write(state);
  }

  async function refine(feedback) {
    const params = new URLSearchParams(new FormData(feedback));
    params.set("refined", "1");
    const url = "/search?" + params.toString();
    const status = document.getElementById("feedback-status");
    if (status) status.textContent = "Refining…";
    let response;
    try {
      response = await fetch(url, { headers: { Accept: "text/html" } });
    } catch (err) {
      window.location.assign(url);
      return;
    }
    if (!response.ok) {  // the server's own error page says what went wrong
      window.location.assign(url);
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("results");
    const current = document.getElementById("results");
    if (!fresh || !current) {
      window.location.assign(url);
      return;
    }
    current.replaceWith(document.adoptNode(fresh));
    history.pushState({ refined: true }, "", url + "#results");
    const title = document.getElementById("results-title");
    if (title) title.focus();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.mark");
    if (!button || !button.closest("#feedback")) return;
    event.preventDefault();
    toggle(button);
  });

  document.addEventListener("submit", (event) => {
    if (event.target.id !== "feedback") return;
    event.preventDefault();
    refine(event.target);
  });

  window.addEventListener("popstate", () => window.location.reload());
})();
