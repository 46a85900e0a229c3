// Sync Back admin panel, board pages: the four setup steps, schedule, syncs, previews, reverts.
"use strict";

(() => {
  const { api, el, setStatus, showError, pollJob, refreshSections, markInvalid, busy, on, queuedHint } =
    window.SyncBack;

  const page = () => document.getElementById("board-page");
  const boardId = () => page().dataset.board;
  const boardUrl = (suffix = "") => `/api/boards/${encodeURIComponent(boardId())}${suffix}`;
  const currentFields = () => JSON.parse(document.getElementById("board-fields").textContent);
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

  // Boards list: create a board, then open it.
  on("submit", "create-board", async (form) => {
    const data = new FormData(form);
    const body = {
      id: data.get("id").trim(),
      name: data.get("name").trim(),
      emoji: data.get("emoji").trim(),
      jira_board_id: Number.parseInt(data.get("jira_board_id"), 10) || data.get("jira_board_id"),
      project_keys: data.get("project_keys").split(",").map((k) => k.trim()).filter(Boolean),
    };
    const jql = data.get("jql").trim();
    if (jql) body.jql = jql;
    const button = form.querySelector("[type=submit]");
    busy(button, true);
    setStatus("create-board-status", "busy", "Creating the board…");
    try {
      const board = await api("POST", "/api/boards", body);
      location.assign(`/admin/boards/${encodeURIComponent(board.id)}`);
    } catch (err) {
      markInvalid(form, err.details);
      showError("create-board-status", err);
      busy(button, false);
    }
  });

  // Steps 1 and 2: every change PUTs the whole field list (DESIGN §5), then re-renders.
  async function putFields(fields, statusId, doneText) {
    setStatus(statusId, "busy", "Saving…");
    try {
      await api("PUT", boardUrl("/fields"), { fields });
      await refreshSections();
      setStatus(statusId, "ok", doneText);
      return true;
    } catch (err) {
      showError(statusId, err);
      return false;
    }
  }

  on("submit", "add-fields", async (form) => {
    const chosen = [...form.querySelectorAll("input[name=source]:checked")].map((i) => i.value);
    form.closest("dialog").close();
    if (!chosen.length) return setStatus("fields-status", "error", "Choose at least one field to add.");
    const fields = [...currentFields(), ...chosen.map((source) => ({ source }))];
    await putFields(fields, "fields-status", `Added ${plural(chosen.length, "field")}. Next: create them in Jira (Step 2).`);
  });

  on("click", "delete-field", async (button) => {
    const source = button.dataset.source;
    const gone = currentFields().find((f) => f.source === source);
    const fields = currentFields().filter((f) => f.source !== source);
    await putFields(fields, "fields-status", `Deleted “${gone ? gone.name : source}”. Add it back with Add Fields.`);
  });

  on("click", "save-mapping", async (button) => {
    const source = button.dataset.source;
    const select = button.closest("tr").querySelector("select[name=tracker_field]");
    const value = select.value || null;
    const fields = currentFields().map((f) => (f.source === source ? { ...f, tracker_field: value } : f));
    const statusId = `mapping-status-${source.replace(":", "-")}`;
    const label = value ? select.options[select.selectedIndex].textContent : null;
    await putFields(fields, statusId, value ? `Saved: writes into ${label}.` : "Saved: not mapped.");
  });

  // Field names with the emoji or, for Jira on MySQL utf8, with [board-id] (fields not yet in Jira).
  on("submit", "name-style", async (form) => {
    const style = form.field_name_style.value;
    setStatus("name-style-status", "busy", "Saving…");
    try {
      await api("PATCH", boardUrl(), { options: { field_name_style: style } });
      await refreshSections();
      setStatus("name-style-status", "ok", style === "ascii" ? "Saved: names use the board id." : "Saved: names use the emoji.");
    } catch (err) {
      showError("name-style-status", err);
    }
  });

  // Job buttons (Create in Jira, Refresh): enqueue, poll /api/jobs/<id>, re-render, report.
  on("click", "job", async (button) => {
    const statusId = button.dataset.status;
    const resultId = button.dataset.result;
    busy(button, true);
    setStatus(statusId, "busy", button.dataset.busy || "Working…");
    try {
      const { job_id: jobId } = await api("POST", button.dataset.url);
      const result = await pollJob(jobId, (job, elapsed) =>
        setStatus(statusId, "busy", `${button.dataset.busy || "Working…"} (${job.status})${queuedHint(job.status, elapsed)}`),
      );
      await refreshSections();
      const [kind, text] = jobOutcome(button, result);
      setStatus(statusId, kind, text);
      if (resultId) renderJobResult(resultId, result);
    } catch (err) {
      await refreshSections().catch(() => {});
      showError(statusId, err);
    } finally {
      if (button.isConnected) busy(button, false); // a re-rendered button keeps the server's state
    }
  });

  // What a finished setup job means: its result may still report problems to fix.
  function jobOutcome(button, result) {
    if (result && Array.isArray(result.fields)) {
      const failed = result.fields.filter((f) => f.action === "failed");
      if (failed.length) return ["error", `${plural(failed.length, "field")} could not be created: ${failed[0].error}`];
    }
    if (result && typeof result.ok === "boolean" && !result.ok) {
      const n = (result.problems || []).length;
      return ["warn", `Refreshed from Jira: ${plural(n, "problem")} to fix before activating (listed in Step 4).`];
    }
    if (result && typeof result.ok === "boolean") return ["ok", "Refreshed from Jira: ready to activate."];
    return ["ok", button.dataset.done || "Done."];
  }

  // Create in Jira's result: per field what happened, and the screens it is on.
  const ACTIONS = { created: "created", reused: "existing field reused", already_mapped: "already mapped", failed: "failed" };
  function renderJobResult(id, result) {
    const box = document.getElementById(id);
    if (!box || !result || !result.fields) return;
    const failed = result.fields.filter((f) => f.action === "failed").length;
    box.replaceChildren(
      el("div", { class: "report", id: "create-result" },
        el("h3", { text: failed ? `Created in Jira, with ${plural(failed, "failure")}` : "Created in Jira" }),
        el("ul", { class: "report-list" }, result.fields.map((f) =>
          el("li", { "data-source": f.source },
            el("strong", { text: f.name }), " ",
            f.field_id ? el("code", { text: f.field_id }) : null, " ",
            el("span", { class: `lozenge lozenge-${f.action === "failed" ? "removed" : f.action === "created" ? "success" : "default"}`, text: ACTIONS[f.action] || f.action }),
            f.error ? el("div", { class: "status-error", text: f.error }) : null,
            f.screens && f.screens.length
              ? el("div", { class: "muted" }, "On screens: ", f.screens.map((s) => s.name).join(", "))
              : null,
          ),
        )),
        result.screens_not_found && result.screens_not_found.length
          ? el("p", { class: "status-error", text: `Screens not found in Jira: ${result.screens_not_found.join(", ")}` })
          : null,
      ),
    );
  }

  // Step 3: save the card-layout and sort options, then apply them to the Jira board (a job).
  on("submit", "board-config", async (form) => {
    const button = form.querySelector("[type=submit]");
    const options = {
      card_layout: { backlog: form.backlog.checked, active_sprint: form.active_sprint.checked },
      sort_board_by: form.sort_board_by.value || null,
    };
    busy(button, true);
    setStatus("board-config-status", "busy", "Saving the options…");
    try {
      await api("PATCH", boardUrl(), { options });
      setStatus("board-config-status", "busy", "Updating the Jira board's card layout and filter…");
      const { job_id: jobId } = await api("POST", boardUrl("/board-config"));
      await pollJob(jobId);
      await refreshSections();
      setStatus("board-config-status", "ok", "The Jira board is updated.");
    } catch (err) {
      await refreshSections().catch(() => {});
      showError("board-config-status", err);
    } finally {
      if (button.isConnected) busy(button, false);
    }
  });

  // Step 4: Activate Sync Back (the API runs the preflight; 422 explains what to fix).
  on("click", "toggle-active", async (button) => {
    const activate = button.getAttribute("aria-checked") !== "true";
    busy(button, true);
    setStatus("activate-status", "busy", activate ? "Activating…" : "Deactivating…");
    try {
      await api("POST", boardUrl(activate ? "/activate" : "/deactivate"));
      await refreshSections();
      setStatus("activate-status", "ok", activate ? "Sync Back is active." : "Sync Back is off. You can change the fields now.");
    } catch (err) {
      showError("activate-status", activationError(err));
      busy(button, false);
    }
  });

  // A refused activation in the panel's words: the report above already lists the problems.
  function activationError(err) {
    if (err.status !== 422) return err;
    const stale = (err.details || []).find((d) => /out of date|never been refreshed/.test(d.message));
    if (stale) return { message: `Click Refresh first: ${stale.message.replace("preflight", "the last check")}.` };
    const n = (err.details || []).length || 1;
    return { message: `Not activated: ${plural(n, "problem")} to fix (listed above). Fix them, click Refresh, then activate again.` };
  }

  on("submit", "options", async (form) => {
    const options = {
      notify_users: form.notify_users.checked,
      notify_fallback: form.notify_fallback.checked,
      unscored: form.unscored.value,
      out_of_scope: form.out_of_scope.value,
    };
    setStatus("options-status", "busy", "Saving…");
    try {
      await api("PATCH", boardUrl(), { options });
      await refreshSections();
      setStatus("options-status", "ok", "Options saved: the next sync uses them.");
    } catch (err) {
      showError("options-status", err);
    }
  });

  // Schedule: "By sprint end date" / "By custom period".
  on("change", "schedule", (form) => {
    document.getElementById("custom-period").hidden = form.mode.value !== "custom";
  });
  on("submit", "schedule", async (form) => {
    const mode = form.mode.value;
    const body = mode === "custom"
      ? { mode, weekday: form.weekday.value, time: form.time.value, timezone: form.timezone.value }
      : { mode };
    setStatus("schedule-status", "busy", "Saving the schedule…");
    try {
      await api("PUT", boardUrl("/schedule"), body);
      await refreshSections();
      const label = document.getElementById("schedule-current").textContent;
      setStatus("schedule-status", "ok", `Saved: ${label}.`);
    } catch (err) {
      markInvalid(document.getElementById("schedule-form"), err.details);
      showError("schedule-status", err);
    }
  });

  on("submit", "copy-schedule", async (form) => {
    const to = [...form.querySelectorAll("input[name=to]:checked")].map((i) => i.value);
    form.closest("dialog").close();
    if (!to.length) return setStatus("copy-status", "error", "Choose at least one board to copy to.");
    setStatus("copy-status", "busy", `Copying to ${plural(to.length, "board")}…`);
    try {
      const answer = await api("POST", boardUrl("/schedule/copy"), { to });
      setStatus("copy-status", "ok", `Copied to ${plural(answer.copied, "board")}.`);
      document.getElementById("copy-result").replaceChildren(copyTable(answer.results));
    } catch (err) {
      showError("copy-status", err);
    }
  });

  const boardLabel = (id) => {
    const label = document.querySelector(`label[for="copy-to-${CSS.escape(id)}"]`);
    return label ? label.textContent.replace(/\s+/g, " ").trim() : id;
  };

  function copyTable(results) {
    const labels = { copied: "Copied", unchanged: "Already had this schedule", not_found: "No such board", skipped: "Skipped" };
    return el("table", { class: "data-table", id: "copy-results" },
      el("caption", { class: "visually-hidden", text: "Copy result per board" }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Board" }), el("th", { scope: "col", text: "Result" }))),
      el("tbody", {}, results.map((r) =>
        el("tr", { "data-board": r.board },
          el("td", { text: boardLabel(r.board) }),
          el("td", {}, el("span", { class: `lozenge lozenge-${r.status === "copied" ? "success" : r.status === "not_found" ? "removed" : "default"}`, text: labels[r.status] || r.status }),
            r.message && r.status !== "not_found" ? ` ${r.message}` : ""),
        ),
      )),
    );
  }
})();
