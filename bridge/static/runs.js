// Sync Back admin panel, runs: Manual Sync with Jira, Preview (dry run), the progress bar,
// the summary, and Revert this run. Used on the board page and on a run's page.
"use strict";

(() => {
  const { api, el, setStatus, showError, pollRun, renderProgress, refreshSections, busy, on, queuedHint } =
    window.SyncBack;

  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const boardUrl = (suffix = "") =>
    `/api/boards/${encodeURIComponent(document.getElementById("board-page").dataset.board)}${suffix}`;
  // Jira field id -> the sync field's name, where the page lists the fields (board page).
  const fieldNames = () => {
    const data = document.getElementById("board-fields");
    const fields = data ? JSON.parse(data.textContent) : [];
    return Object.fromEntries(fields.filter((f) => f.tracker_field).map((f) => [f.tracker_field, f.name]));
  };

  // Manual Sync with Jira / Preview: start a run, follow its progress bar, then show the summary.
  on("click", "sync", async (button) => {
    const dryRun = button.dataset.dryRun === "true";
    busy(button, true);
    setStatus("sync-status", "busy", dryRun ? "Starting the preview…" : "Starting the sync…");
    try {
      const answer = await api("POST", boardUrl("/syncs"), { dry_run: dryRun });
      await watchRun(answer.run_id, "sync-status", "sync-result");
    } catch (err) {
      showError("sync-status", err);
    } finally {
      if (button.isConnected) busy(button, false);
    }
  });

  // Run page: Revert this run (a run of its own, followed like a sync).
  on("click", "revert", async (button) => {
    busy(button, true);
    setStatus("revert-status", "busy", "Starting the revert…");
    try {
      const answer = await api("POST", `/api/syncs/${encodeURIComponent(button.dataset.run)}/revert`);
      // The revert is a run of its own: its page follows the progress and shows the outcome.
      location.assign(`/admin/runs/${encodeURIComponent(answer.run_id)}`);
    } catch (err) {
      showError("revert-status", err);
      busy(button, false);
    }
  });

  async function watchRun(runId, statusId, resultId) {
    const link = el("a", { href: `/admin/runs/${encodeURIComponent(runId)}` }, "View run");
    const run = await pollRun(runId, (r, elapsed) => {
      renderProgress(r);
      const what = r.dry_run ? "Preview" : r.trigger === "revert" ? "Revert" : "Sync";
      const where = r.state === "queued" ? "waiting for a worker" : `${r.progress.done} of ${r.progress.total} issues`;
      if (statusId) setStatus(statusId, "busy", `${what} running: ${where}…${queuedHint(r.state, elapsed)}`);
    });
    const c = run.counts;
    const what = run.dry_run ? "Preview" : run.trigger === "revert" ? "Revert" : "Sync";
    const summary = run.dry_run
      ? `${what} ${run.state}: ${plural(run.changes_total, "change")} would be written (${c.in_scope} in scope). Nothing was written.`
      : `${what} ${run.state}: ${c.written} written, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.failed} failed.`;
    const kind = run.state === "succeeded" ? "ok" : "error";
    await refreshSections(); // first: the status and the progress bar may sit in a refreshed part
    renderProgress(run);
    const errors = run.errors.slice(0, 5).map((e) => ({ message: `${e.issue || ""} ${e.message}`.trim() }));
    if (run.errors_total > errors.length) errors.push({ message: `…and ${run.errors_total - errors.length} more errors.` });
    const onRunPage = Boolean(document.getElementById("run-page"));
    if (statusId) setStatus(statusId, kind, summary, errors, onRunPage ? null : el("span", {}, " ", link));
    if (resultId) renderRunResult(resultId, run);
    return run;
  }

  // The changes of a finished run: a preview shows them; a sync folds them away.
  const SHOWN_CHANGES = 20;
  function renderRunResult(id, run) {
    const box = document.getElementById(id);
    if (!box) return;
    const names = fieldNames();
    const byIssue = (a, b) => a.issue.localeCompare(b.issue, "en", { numeric: true }) || a.field.localeCompare(b.field);
    const shown = [...run.changes].sort(byIssue).slice(0, SHOWN_CHANGES);
    const show = (v) => (v === null || v === undefined || v === "" ? el("span", { class: "empty-value", text: "empty" }) : el("code", { text: String(v) }));
    const title = run.dry_run ? `Changes a sync would make (${run.changes_total})` : `Changes written (${run.changes_total})`;
    const table = shown.length
      ? el("table", { class: "data-table changes", id: `changes-${run.id}` },
          el("caption", { class: "visually-hidden", text: title }),
          el("thead", {}, el("tr", {}, ["Issue", "Field", "Old", "", "New"].map((h) => el("th", { scope: "col", text: h })))),
          el("tbody", {}, shown.map((c) => el("tr", { "data-issue": c.issue, "data-field": c.field },
            el("td", { text: c.issue }), el("td", { text: names[c.field] || c.field }), el("td", {}, show(c.old)),
            el("td", { "aria-hidden": "true", text: "→" }), el("td", {}, show(c.new))))))
      : el("p", { class: "muted", text: "No changes: Jira already holds the desired values." });
    const more = run.changes_total > shown.length
      ? el("p", {}, `…and ${run.changes_total - shown.length} more. `, el("a", { href: `/admin/runs/${run.id}` }, "See every change"))
      : null;
    if (run.dry_run || !shown.length) {
      box.replaceChildren(el("h3", { text: title }), table, more);
    } else {
      box.replaceChildren(el("details", { class: "run-changes" }, el("summary", { text: title }), table, more));
    }
  }

  // A run already in progress when the page loads (board page or run page): follow it.
  document.addEventListener("DOMContentLoaded", () => {
    const watched = document.querySelector("[data-watch-run]");
    if (!watched) return;
    const onBoard = Boolean(document.getElementById("sync-status"));
    watchRun(watched.dataset.watchRun, onBoard ? "sync-status" : "run-status", onBoard ? "sync-result" : null).catch((err) =>
      console.error(err),
    );
  });
})();
