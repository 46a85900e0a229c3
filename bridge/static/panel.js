// Sync Back admin panel, core: JSON API calls (session cookie + X-CSRFToken header), status
// messages next to each control, job and run polling, and re-rendering page sections in place.
// No framework, no build step. Page actions live in board.js and scores.js.
"use strict";

window.SyncBack = (() => {
  const POLL_MS = 400;
  const FINISHED_JOB = new Set(["finished"]);
  const FAILED_JOB = new Set(["failed", "stopped", "canceled"]);
  const RUNNING = new Set(["queued", "running"]);
  const NO_WORKER_MS = 10_000;
  const NO_WORKER = " No worker has started it yet: is `syncback worker` running?";
  // Appended to a progress message when a job sits in the queue for long.
  const queuedHint = (status, elapsed) => (status === "queued" && elapsed > NO_WORKER_MS ? NO_WORKER : "");

  class ApiError extends Error {
    constructor(message, details = [], status = 0, body = null) {
      super(message);
      this.details = details || [];
      this.status = status;
      this.body = body;
    }
  }

  const csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function api(method, url, body) {
    const init = {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      throw new ApiError(`Sync Back did not answer (${err.message}). Check that the service is running.`);
    }
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (!response.ok) {
      const error = data && data.error;
      if (response.status === 401) {
        throw new ApiError("Your session has expired: reload the page and log in again.", [], 401, data);
      }
      const message = error ? error.message : `The request failed (HTTP ${response.status}).`;
      throw new ApiError(message, error ? error.details : [], response.status, data);
    }
    return data;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // kind: "busy" (spinner), "ok", "error". Errors list the API's details (JSON path: message).
  function setStatus(id, kind, text, details = [], extra = null) {
    const box = document.getElementById(id);
    if (!box) return;
    box.className = `status status-${kind}`;
    box.replaceChildren(
      el("span", { class: "status-text" }, kind === "busy" ? el("span", { class: "spinner", "aria-hidden": "true" }) : null, text),
    );
    if (details && details.length) {
      box.append(el("ul", {}, details.map((d) => el("li", {}, d.path && d.path !== "$" ? `${d.path}: ${d.message}` : d.message))));
    }
    if (extra) box.append(extra);
  }

  function showError(id, err) {
    setStatus(id, "error", err.message || String(err), err.details || []);
  }

  async function pollJob(jobId, onTick) {
    const started = Date.now();
    for (;;) {
      const job = await api("GET", `/api/jobs/${encodeURIComponent(jobId)}`);
      if (FINISHED_JOB.has(job.status)) return job.result;
      if (FAILED_JOB.has(job.status)) {
        // The API gives the exception's last line; the class name helps nobody here.
        const line = typeof job.error === "string" ? job.error : (job.error && job.error.message) || "";
        throw new ApiError(line.replace(/^[\w.]+(Error|Exception)\w*: /, "") || "The job failed.");
      }
      if (onTick) onTick(job, Date.now() - started);
      await sleep(POLL_MS);
    }
  }

  // Follows a run's progress (?limit=0: no change lists while polling, they can be long), then
  // reads it once more with the first `details` errors and changes; *_total give the counts.
  async function pollRun(runId, onTick, details = 50) {
    const started = Date.now();
    const url = (limit) => `/api/syncs/${encodeURIComponent(runId)}?limit=${limit}`;
    for (;;) {
      const run = await api("GET", url(0));
      onTick(run, Date.now() - started);
      if (!RUNNING.has(run.state)) return api("GET", url(details));
      await sleep(POLL_MS);
    }
  }

  function renderProgress(run, id = "sync-progress") {
    const box = document.getElementById(id);
    if (!box) return;
    const { done, total } = run.progress;
    const finished = !RUNNING.has(run.state);
    const percent = total ? Math.min(100, Math.round((done * 100) / total)) : finished ? 100 : 0;
    box.hidden = false;
    box.classList.toggle("complete", finished && run.state !== "failed");
    box.classList.toggle("failed", run.state === "failed");
    const bar = box.querySelector(".progress-bar");
    bar.style.width = `${percent}%`;
    bar.setAttribute("aria-valuenow", String(done));
    bar.setAttribute("aria-valuemax", String(total));
    bar.setAttribute("aria-valuetext", `${done} of ${total} issues (${percent}%)`);
    box.querySelector(".progress-done").textContent = String(done);
    box.querySelector(".progress-total").textContent = String(total);
    box.querySelector(".progress-percent").textContent = String(percent);
  }

  // Re-render the page's [data-refresh] sections from the server, keeping keyboard focus.
  async function refreshSections() {
    const response = await fetch(location.pathname + location.search, { credentials: "same-origin" });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const focused = document.activeElement && document.activeElement.id;
    const around = document.activeElement && document.activeElement.closest("[data-refresh]");
    for (const old of document.querySelectorAll("[data-refresh]")) {
      const fresh = doc.getElementById(old.id);
      if (fresh) old.replaceWith(document.importNode(fresh, true));
    }
    if (focused) {
      // The focused control may be gone (a deleted field's row): keep keyboard users nearby.
      // Its section's heading, not a neighbour (the next row's Delete would be one Enter away).
      const section = around && document.getElementById(around.id);
      let again = document.getElementById(focused);
      if (!again && section) {
        again = section.querySelector("h1, h2, h3");
        if (again) again.setAttribute("tabindex", "-1");
      }
      if (again && document.activeElement !== again) again.focus();
    }
  }

  // Mark the inputs an API error points at ($.name -> [name=name]) as invalid.
  function markInvalid(form, details) {
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    for (const d of details || []) {
      const match = /^\$\.([a-z_]+)/.exec(d.path || "");
      const input = match && form.querySelector(`[name="${match[1]}"]`);
      if (input) input.setAttribute("aria-invalid", "true");
    }
  }

  function busy(button, on) {
    if (!button) return;
    button.disabled = on;
    if (on) button.setAttribute("aria-busy", "true");
    else button.removeAttribute("aria-busy");
  }

  const handlers = { click: {}, submit: {}, change: {} };
  function on(type, action, fn) {
    handlers[type][action] = fn;
  }

  for (const type of Object.keys(handlers)) {
    document.addEventListener(type, (event) => {
      const target = event.target.closest("[data-action]");
      if (!target) return;
      const fn = handlers[type][target.dataset.action];
      if (!fn) return;
      if (type !== "change") event.preventDefault();
      Promise.resolve(fn(target, event)).catch((err) => console.error(err));
    });
  }

  on("click", "open-dialog", (button) => {
    const dialog = document.getElementById(button.dataset.dialog);
    if (dialog) dialog.showModal();
  });
  on("click", "close-dialog", (button) => button.closest("dialog").close());

  // Copy a field name (seed: "copy the custom field name"); works without the Clipboard API on http.
  on("click", "copy", async (button) => {
    const text = button.dataset.text;
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const area = el("textarea", { class: "visually-hidden" }, text);
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    const original = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = original), 1500);
  });

  return {
    ApiError, api, el, setStatus, showError, pollJob, pollRun, renderProgress,
    refreshSections, markInvalid, busy, on, RUNNING, queuedHint,
  };
})();

// A link to a step (#step-2) opens it when it is folded away.
function openTarget() {
  const target = location.hash && document.getElementById(location.hash.slice(1));
  const folded = target && target.querySelector("details.step-collapse");
  if (folded) folded.open = true;
}
window.addEventListener("hashchange", openTarget);
document.addEventListener("DOMContentLoaded", openTarget);
document.addEventListener("click", (event) => {
  if (event.target.closest('a[href^="#step-"]')) setTimeout(openTarget, 0); // same hash: no hashchange
});
// Marks the page as interactive once every deferred script has set up its handlers.
document.addEventListener("DOMContentLoaded", () => (document.documentElement.dataset.ready = "true"));
