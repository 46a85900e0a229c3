// Sync Back admin panel, scores page: CSV upload with a preview and line-numbered errors.
"use strict";

(() => {
  const { ApiError, el, setStatus, showError, busy, on, refreshSections } = window.SyncBack;

  const boardId = () => document.getElementById("scores-page").dataset.board;
  const url = (what, replace) =>
    `/admin/boards/${encodeURIComponent(boardId())}/scores/${what}${replace ? "?replace=1" : ""}`;
  let pending = null; // the CSV text the preview accepted, imported by "Import"

  async function postCsv(target, text) {
    const response = await fetch(target, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        Accept: "application/json",
        "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content,
      },
      body: text,
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = data && data.error;
      throw new ApiError(error ? error.message : `The upload failed (HTTP ${response.status}).`, error ? error.details : [], response.status, data);
    }
    return data;
  }

  function readFile(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(new ApiError(`Could not read ${file.name}.`));
      reader.readAsText(file, "utf-8");
    });
  }

  const cell = (v) => (v === null || v === undefined ? "—" : String(v));

  function previewTable(answer) {
    const criteria = [...new Set(answer.preview.flatMap((r) => Object.keys(r.criteria || {})))];
    const head = ["Priority after import", "Issue", "Score", "Status", "Percent", "Alignment", ...criteria, ""];
    return el("div", { class: "preview-table" },
      el("table", { class: "data-table", id: "scores-preview-table" },
        el("caption", { class: "visually-hidden", text: "Rows of the uploaded file" }),
        el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col", text: h })))),
        el("tbody", {}, answer.preview.map((r) =>
          el("tr", { "data-issue": r.issue },
            el("td", { text: cell(r.priority) }), el("td", { text: r.issue }), el("td", { text: cell(r.score) }),
            el("td", { text: r.status }), el("td", { text: cell(r.percent) }), el("td", { text: cell(r.alignment) }),
            criteria.map((c) => el("td", { text: cell((r.criteria || {})[c]) })),
            el("td", {}, r.new ? el("span", { class: "lozenge lozenge-new", text: "new" }) : el("span", { class: "lozenge lozenge-default", text: "update" })),
          ),
        )),
      ),
    );
  }

  function problemList(details) {
    return el("ul", { class: "line-errors", id: "scores-line-errors" }, details.map((d) =>
      el("li", {}, el("span", { class: "line-no", text: `Line ${d.line}` }), d.column ? ` (column ${d.column})` : "", `: ${d.message}`),
    ));
  }

  on("submit", "scores-preview", async (form) => {
    const file = form.file.files[0];
    const result = document.getElementById("scores-preview-result");
    const importButton = document.getElementById("scores-import");
    importButton.disabled = true;
    pending = null;
    result.replaceChildren();
    if (!file) return setStatus("scores-status", "error", "Choose a CSV file first.");
    const button = form.querySelector("[type=submit]");
    busy(button, true);
    setStatus("scores-status", "busy", `Checking ${file.name}…`);
    try {
      const text = await readFile(file);
      const answer = await postCsv(url("preview", form.replace.checked), text);
      pending = { text, replace: form.replace.checked, rows: answer.rows };
      importButton.disabled = false;
      const what = `${answer.rows} row${answer.rows === 1 ? "" : "s"} (${answer.new} new issue${answer.new === 1 ? "" : "s"})`;
      setStatus("scores-status", "ok", `${file.name} is valid: ${what}. ${answer.replace ? "Import replaces all scores" : "Import merges them"}; the board will have ${answer.total_after} scored issues.`);
      result.replaceChildren(
        el("h3", { text: `Preview${answer.rows > answer.preview.length ? ` (first ${answer.preview.length} of ${answer.rows} rows)` : ""}` }),
        previewTable(answer),
      );
    } catch (err) {
      if (err.details && err.details.length && err.details[0].line) {
        setStatus("scores-status", "error", `${file.name} has ${err.details.length} problem${err.details.length === 1 ? "" : "s"}; nothing was imported. Fix them and preview again.`);
        result.replaceChildren(el("div", { class: "message message-error" }, problemList(err.details)));
      } else {
        showError("scores-status", err);
      }
    } finally {
      busy(button, false);
    }
  });

  on("click", "scores-import", async (button) => {
    if (!pending) return;
    busy(button, true);
    setStatus("scores-status", "busy", `Importing ${pending.rows} rows…`);
    try {
      const answer = await postCsv(url("import", pending.replace), pending.text);
      pending = null;
      button.removeAttribute("aria-busy"); // stays disabled until the next preview
      document.getElementById("scores-preview-result").replaceChildren();
      await refreshSections();
      setStatus("scores-status", "ok", `Imported ${answer.stored} score${answer.stored === 1 ? "" : "s"}; the board has ${answer.total} scored issues.`);
    } catch (err) {
      showError("scores-status", err);
      busy(button, false);
    }
  });

  // A different file or option needs a new preview before importing.
  on("change", "scores-preview", () => {
    pending = null;
    document.getElementById("scores-import").disabled = true;
  });
})();
