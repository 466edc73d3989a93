// Ask the collection: sends the question to POST /api/ask and shows the answer as it streams
// (JSON lines: sources, checked sentences, a retraction if the model cited a record it was not given,
// then the answer). Without JavaScript the form's GET gets the whole answer from the server.
(function () {
  "use strict";
  const form = document.getElementById("ask-form");
  if (!form || !window.fetch || !window.TextDecoder) return;
  const input = document.getElementById("ask-q");
  const conv = document.getElementById("ask-c");
  const section = document.getElementById("ask-answer");
  const busy = document.getElementById("ask-busy");
  const error = document.getElementById("ask-error");
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function card(w) {
    const li = el("li", "card");
    li.id = "work-" + w.number;
    const a = el("a", "card-link");
    a.href = w.url;
    if (w.thumbnail_url) {
      const img = el("img");
      img.src = w.thumbnail_url; img.loading = "lazy"; img.width = 256; img.height = 256;
      img.alt = [w.title || "Untitled work", w.creators.length ? "by " + w.creators.join(", ") : "", w.date || ""]
        .filter(Boolean).join(", ");
      a.appendChild(img);
    }
    const title = el("span", "card-title");
    title.appendChild(el("span", "card-number", w.number + "."));
    title.appendChild(document.createTextNode(" " + (w.title || "Untitled")));
    a.appendChild(title);
    li.appendChild(a);
    const meta = [w.creators.join(", ") || "Unknown maker", w.date, w.museum].filter(Boolean).join(" · ");
    li.appendChild(el("span", "card-meta", meta));
    li.appendChild(el("span", "card-why", w.why.join("; ")));
    return li;
  }

  function fresh(id, tag, cls) {
    let node = document.getElementById(id);
    const next = el(tag, cls);
    next.id = id;
    if (node) node.replaceWith(next); else section.appendChild(next);
    return next;
  }

  function statement(s) {
    const p = el("p", null, s.text);
    s.cites.forEach(function (c) {
      if (c.number === null) return;
      p.appendChild(document.createTextNode(" "));
      const a = el("a", "cite", "[" + c.number + "]");
      a.href = "#work-" + c.number; a.title = c.identifier;
      p.appendChild(a);
    });
    return p;
  }

  function finish(answer) {
    const text = fresh("ask-text", "div", "ask-text" + (answer.refused ? " refused" : ""));
    text.lang = answer.language;
    answer.statements.forEach(function (s) { text.appendChild(statement(s)); });
    section.querySelectorAll(".ask-note, .ask-how").forEach(function (n) { n.remove(); });
    answer.notes.forEach(function (n) { section.insertBefore(el("p", "ask-note", n), text.nextSibling); });
    const how = answer.mode === "model"
      ? "Written by a language model from the records below; every citation was checked against them."
      : "Composed from the records below, without a language model.";
    section.insertBefore(el("p", "ask-how", how), document.getElementById("ask-cards"));
  }

  function handle(event, state) {
    if (event.type === "sources") {
      conv.value = event.conversation || "";
      const list = fresh("ask-cards", "ol", "grid ask-cards");
      event.sources.forEach(function (w) { list.appendChild(card(w)); });
      state.text = fresh("ask-text", "div", "ask-text");
      section.insertBefore(state.text, list);
    } else if (event.type === "text") {
      state.text.appendChild(el("p", "draft", event.text));
    } else if (event.type === "retract") {
      state.text.textContent = "";
    } else if (event.type === "answer") {
      finish(event.answer);
    }
  }

  async function send(question) {
    const response = await fetch("/api/ask", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/x-ndjson"},
      body: JSON.stringify({question: question, conversation: conv.value}),
    });
    if (!response.ok) {
      let message = "The question could not be answered (" + response.status + ").";
      try { message = (await response.json()).error.message || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const state = {text: document.getElementById("ask-text")};
    let pending = "";
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      pending += decoder.decode(chunk.value, {stream: true});
      let cut;
      while ((cut = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, cut).trim();
        pending = pending.slice(cut + 1);
        if (line) handle(JSON.parse(line), state);
      }
    }
  }

  form.addEventListener("submit", function (e) {
    const question = input.value.trim();
    if (!question) return;
    e.preventDefault();
    section.hidden = false;
    busy.hidden = false;
    error.hidden = true;
    send(question).catch(function (err) {
      error.textContent = err.message;
      error.hidden = false;
    }).finally(function () { busy.hidden = true; });
  });
}());
