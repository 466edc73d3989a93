// The jobs page follows running jobs: every two seconds it asks GET /api/jobs/{id} for each job not
// finished yet and updates its state, progress bar and counts. Without JavaScript the page refreshes itself.
(function () {
  "use strict";
  const PERIOD = 2000;

  function set(row, field, value) {
    const cell = row.querySelector('[data-field="' + field + '"]');
    if (cell) cell.textContent = value;
  }

  function show(row, job) {
    set(row, "state", job.state);
    set(row, "message", job.message || "");
    set(row, "done", job.done);
    set(row, "failed", job.failed);
    set(row, "made", job.made);
    if (job.total !== null) set(row, "total", job.total);
    const bar = row.querySelector("progress");
    if (bar && job.progress !== null) {
      bar.max = 1;
      bar.value = job.progress;
      bar.textContent = Math.round(job.progress * 100) + "%";
      set(row, "percent", Math.round(job.progress * 100) + "%");
    }
    const state = row.querySelector('[data-field="state"]');
    if (state) state.className = "job-state job-state-" + job.state;
    row.dataset.state = job.state;
    if (job.finished) {
      row.removeAttribute("data-live");
      const cancel = row.querySelector("form.cancel-job");
      if (cancel) cancel.remove();
    }
  }

  function poll() {
    const rows = Array.from(document.querySelectorAll("tr[data-job][data-live]"));
    if (!rows.length) {
      const live = document.getElementById("jobs-live");
      if (live) live.textContent = "No job is running now.";
      return;
    }
    Promise.all(rows.map(function (row) {
      return fetch("/api/jobs/" + row.dataset.job, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (job) { if (job) show(row, job); })
        .catch(function () { /* a missed beat: the next one tries again */ });
    })).then(function () { window.setTimeout(poll, PERIOD); });
  }

  window.setTimeout(poll, PERIOD);
})();
