// Digitallotse – cases on the advisors' page: hand an answer to the advisors, the staff's own
// cases with the advisors' answers, the advisors' queue and case view. Text from cases is only
// ever inserted as text (textContent / text nodes), never as HTML.

let ui = null; // helpers of app.js: $, el, api, answerContent, showSources, … (setupCases)
let me = null; // the key's scopes and organisation (GET /web/api/me)
let current = null; // the case open in the case view
let draftCitations = []; // the citations offered as checkboxes in the case view
const organisations = new Set(); // seen in the queue: suggestions for the filter
let listRequest = 0; // only the latest list request renders

const can = (scope) => Boolean(me && me.scopes.includes(scope));
const statusLabel = (status) => (ui.vocabulary.case_statuses || {})[status] || status;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function when(seconds) {
  return new Date(seconds * 1000).toLocaleString("de-DE", { dateStyle: "short", timeStyle: "short" });
}

function age(seconds) {
  const minutes = Math.max(0, Math.floor((Date.now() / 1000 - seconds) / 60));
  if (minutes < 1) return "gerade eben";
  if (minutes < 60) return `vor ${minutes} Min.`;
  if (minutes < 24 * 60) return `vor ${Math.floor(minutes / 60)} Std.`;
  const days = Math.floor(minutes / (24 * 60));
  return days === 1 ? "vor 1 Tag" : `vor ${days} Tagen`;
}

function badge(status) {
  return ui.el("span", { class: `case-badge status-${status}`, text: statusLabel(status) });
}

// ---------------------------------------------------------------- who is asking

export async function loadMe() {
  try {
    me = await ui.api("/web/api/me");
  } catch {
    me = null;
  }
  const { $ } = ui;
  $("view-cases").hidden = !(can("ask") || can("advise"));
  $("case-filters").hidden = !can("advise");
  $("cases-intro").textContent = can("advise")
    ? "Warteschlange der Beratung, älteste Fälle zuerst. Filtern Sie nach Status, Organisation, Alter oder Thema."
    : "Ihre an die Beratung übergebenen Fragen mit Status und – sobald vorhanden – der Antwort der Beratung.";
  if ($("view-cases").hidden && $("main").dataset.view === "cases") showView("ask");
  ui.renderThread(); // with or without the hand-off buttons
}

// ---------------------------------------------------------------- hand-off from an answer

/** The button "An die Beratung übergeben" and its panel (note, status) for one answer. */
export function handOff(turn, index) {
  if (!ui || !can("ask") || !turn.answer.answer_id) return { button: null, panel: null };
  const { el } = ui;
  const formId = `handoff-form-${index}`;
  const note = el("textarea", { id: `handoff-note-${index}`, rows: "2", maxlength: "4000" });
  const status = el("p", { class: "handoff-status", role: "status", "aria-live": "polite" });
  const form = el("form", { class: "handoff-form", id: formId, hidden: true });
  const button = el("button", {
    type: "button",
    class: "handoff-button",
    "aria-expanded": "false",
    "aria-controls": formId,
    text: "An die Beratung übergeben",
    disabled: Boolean(turn.case),
    onclick: () => {
      form.hidden = false;
      button.setAttribute("aria-expanded", "true");
      note.focus();
    },
  });
  const showCase = (created) => {
    const goto = el("button", {
      type: "button",
      class: "handoff-open",
      text: "In „Fälle“ ansehen",
      onclick: () => showView("cases"),
    });
    status.replaceChildren(
      `An die Beratung übergeben: Fall ${created.case_id} · Status: ${statusLabel(created.status)} `,
      goto,
    );
    return goto;
  };
  form.append(
    el("label", {
      for: note.id,
      class: "field-label",
      text: "Notiz an die Beratung (optional), z. B. was noch unklar ist",
    }),
    note,
    el(
      "div",
      { class: "form-row" },
      el("button", { type: "submit", class: "primary", text: "Übergeben" }),
      el("button", {
        type: "button",
        text: "Abbrechen",
        onclick: () => {
          form.hidden = true;
          button.setAttribute("aria-expanded", "false");
          button.focus();
        },
      }),
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { answer_id: turn.answer.answer_id };
    if (note.value.trim()) body.note = note.value.trim();
    status.textContent = "Wird übergeben …";
    try {
      const created = await ui.api("/v1/cases", { method: "POST", body });
      turn.case = { case_id: created.case_id, status: created.status };
      ui.saveConversation();
      form.hidden = true;
      button.disabled = true;
      button.setAttribute("aria-expanded", "false");
      showCase(created).focus();
    } catch (error) {
      status.textContent = `Nicht übergeben: ${error.message}`;
    }
  });
  if (turn.case) showCase(turn.case);
  return { button, panel: el("div", { class: "handoff" }, form, status) };
}

// ---------------------------------------------------------------- views

function showView(view) {
  const { $ } = ui;
  $("main").dataset.view = view;
  if (view === "cases") {
    closeCase(false);
    loadCases();
    $("cases-heading").focus();
  } else {
    ui.showSources(ui.state.turns.length - 1);
    $("view-cases").focus();
  }
}

// ---------------------------------------------------------------- case lists

function queryParams() {
  const { $ } = ui;
  const params = new URLSearchParams({ limit: "200" });
  if (!can("advise")) return params;
  const fields = {
    status: $("case-filter-status").value,
    organisation: $("case-filter-org").value.trim(),
    older_than_days: $("case-filter-age").value,
    q: $("case-filter-q").value.trim(),
  };
  for (const [name, value] of Object.entries(fields)) if (value) params.set(name, value);
  return params;
}

async function loadCases() {
  const { $ } = ui;
  const status = $("cases-status");
  status.textContent = "Lade Fälle …";
  const request = ++listRequest;
  try {
    const data = await ui.api(`/v1/cases?${queryParams().toString()}`);
    if (request !== listRequest) return;
    const cases = data.cases;
    $("cases-list").replaceChildren(
      !cases.length
        ? ui.el("p", { text: "Keine Fälle gefunden." })
        : can("advise")
          ? queueTable(cases)
          : ui.el("div", { class: "my-cases" }, ...cases.map(myCase)),
    );
    status.textContent = `${cases.length} ${cases.length === 1 ? "Fall" : "Fälle"} geladen.`;
  } catch (error) {
    if (request === listRequest) status.textContent = `Fälle nicht geladen: ${error.message}`;
  }
}

function queueTable(cases) {
  const { el } = ui;
  for (const c of cases) if (c.organisation) organisations.add(c.organisation);
  ui.$("case-orgs").replaceChildren(
    ...[...organisations].sort().map((name) => el("option", { value: name })),
  );
  const rows = cases.map((c) =>
    el(
      "tr",
      { dataset: { case: c.case_id } },
      el("td", {}, when(c.created_at), el("br"), el("span", { class: "hint", text: age(c.created_at) })),
      el("td", { class: "q", text: c.question }),
      el("td", { text: (c.topics || []).join(", ") || "–" }),
      el("td", { text: c.organisation || "–" }),
      el("td", {}, badge(c.status)),
      el("td", { text: c.assignee || "–" }),
      el(
        "td",
        {},
        el("button", {
          type: "button",
          class: "case-open",
          text: "Öffnen",
          "aria-label": `Fall öffnen: ${c.question}`,
          onclick: () => openCase(c.case_id),
        }),
      ),
    ),
  );
  return el(
    "table",
    {},
    el("caption", { class: "visually-hidden", text: "Fälle, älteste zuerst" }),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ...["Eingang", "Frage", "Thema", "Organisation", "Status", "Bearbeitung", "Aktion"].map((h) =>
          el("th", { scope: "col", text: h }),
        ),
      ),
    ),
    el("tbody", {}, ...rows),
  );
}

function sourceButtons(key, citations) {
  const { el } = ui;
  return el(
    "ol",
    { class: "source-list case-sources" },
    ...citations.map((c) =>
      el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            dataset: { n: String(c.n) },
            onclick: (event) => ui.openSource(key, c.n, event.currentTarget),
          },
          el("span", { class: "n", text: `[${c.n}]` }),
          el("span", { class: "label", text: ui.citationLabel(c) }),
        ),
      ),
    ),
  );
}

/** A staff member's own case: status and, once answered, the advisors' answer with sources. */
function myCase(c) {
  const { el } = ui;
  const item = el(
    "article",
    { class: "case-item", dataset: { case: c.case_id }, "aria-labelledby": `case-q-${c.case_id}` },
    el("p", { class: "meta" }, `Fall ${c.case_id} · ${when(c.created_at)} · `, badge(c.status)),
    el("h3", { class: "turn-question", id: `case-q-${c.case_id}`, text: c.question }),
  );
  if (!c.answer) {
    item.append(el("p", { class: "hint", text: "Noch keine Antwort – die Beratung meldet sich." }));
    return item;
  }
  const key = `answer:${c.case_id}`;
  const citations = c.answer.citations || [];
  ui.registerSources(key, citations, `Quellen der Antwort zu Fall ${c.case_id}.`);
  item.append(
    el("h4", { text: `Antwort der Beratung vom ${when(c.answer.created_at)}` }),
    el("div", { class: "answer case-answer" }, ...ui.answerContent(c.answer.text, citations, key)),
    citations.length ? el("h4", { text: "Quellen" }) : null,
    citations.length ? sourceButtons(key, citations) : null,
  );
  return item;
}

// ---------------------------------------------------------------- the advisors' case view

async function openCase(caseId) {
  const { $ } = ui;
  $("cases-status").textContent = "Lade Fall …";
  try {
    const found = await ui.api(`/v1/cases/${encodeURIComponent(caseId)}`);
    renderCase(found, true);
    $("cases-section").hidden = true;
    $("case-section").hidden = false;
    $("cases-status").textContent = "";
    $("case-status").textContent = "";
    $("case-heading").focus();
  } catch (error) {
    $("cases-status").textContent = `Fall nicht geladen: ${error.message}`;
  }
}

function closeCase(reload = true) {
  const { $ } = ui;
  const open = current;
  current = null;
  $("case-section").hidden = true;
  $("cases-section").hidden = false;
  if (!reload) return;
  loadCases().then(() => {
    const row = open && document.querySelector(`tr[data-case="${CSS.escape(open.case_id)}"] .case-open`);
    (row || $("cases-heading")).focus();
  });
}

function fact(list, term, value) {
  if (value === null || value === undefined || value === "") return;
  list.append(ui.el("dt", { text: term }), ui.el("dd", {}, value));
}

function renderCase(c, fresh) {
  const { $, el } = ui;
  current = c;
  const draft = c.draft || {};
  const key = `case:${c.case_id}`;
  ui.registerSources(key, draft.citations || [], `Quellen des Entwurfs zu Fall ${c.case_id}.`);
  $("case-heading").textContent = `Fall ${c.case_id}`;
  $("case-question").textContent = c.question;
  const facts = $("case-facts");
  facts.replaceChildren();
  fact(facts, "Status", badge(c.status));
  fact(facts, "Organisation", c.organisation || "keine Angabe");
  fact(facts, "Kanal", c.channel);
  fact(facts, "Eingang", `${when(c.created_at)} (${age(c.created_at)})`);
  fact(facts, "Bearbeitet von", c.assignee || "niemand");
  fact(facts, "Notiz der Fragenden", c.note);
  const contact = Object.entries(c.contact || {}).map(([k, v]) => `${k}: ${v}`).join(", ");
  fact(facts, "Kontakt", contact);
  if (c.verified && c.verified.state) {
    const states = ui.vocabulary.verified_states || {};
    fact(facts, "Geprüfte Antwort", states[c.verified.state] || c.verified.state);
  }

  $("case-draft").replaceChildren(
    ...(draft.answer
      ? ui.answerContent(draft.answer, draft.citations || [], key)
      : [el("span", { class: "hint", text: "Kein Entwurf: der Fall wurde direkt mit einer Frage angelegt." })]),
  );
  $("case-draft-sources").replaceChildren(
    ...((draft.citations || []).length ? [sourceButtons(key, draft.citations)] : []),
  );
  ui.showSources(key);

  $("case-notes").replaceChildren(
    ...(c.notes || []).map((n) =>
      el("li", {}, el("span", { class: "hint", text: `${n.author} · ${when(n.created_at)}: ` }), n.text),
    ),
  );
  $("case-notes-empty").hidden = Boolean((c.notes || []).length);

  const statuses = [c.status, ...((ui.vocabulary.case_transitions || {})[c.status] || [])];
  $("case-move-status").replaceChildren(
    ...statuses.map((s, i) =>
      el("option", { value: s, text: i === 0 ? `${statusLabel(s)} (aktuell)` : statusLabel(s) }),
    ),
  );
  $("case-move-assignee").value = c.assignee || "";

  if (fresh) {
    const answer = c.answer;
    $("case-answer-text").value = answer ? answer.text : draft.answer || "";
    draftCitations = [...(draft.citations || [])];
    for (const cited of answer ? answer.citations : []) {
      if (!draftCitations.some((d) => d.n === cited.n && d.chunk_id === cited.chunk_id)) {
        draftCitations.push(cited);
      }
    }
    const kept = (d) =>
      !answer || answer.citations.some((a) => a.n === d.n && a.chunk_id === d.chunk_id);
    $("case-answer-citations").replaceChildren(
      ...draftCitations.map((d, i) =>
        el(
          "span",
          {},
          el("input", { type: "checkbox", id: `case-cite-${i}`, value: String(i), checked: kept(d) }),
          " ",
          el("label", { for: `case-cite-${i}`, text: `[${d.n}] ${ui.citationLabel(d)}` }),
        ),
      ),
    );
    $("case-answer-sources").hidden = !draftCitations.length;
    $("case-publish").checked = Boolean(answer && answer.publish);
  }

  const deliveries = c.deliveries || [];
  $("case-deliveries").replaceChildren(
    ...(deliveries.length
      ? deliveries.map((d) =>
          el(
            "li",
            { class: d.delivered ? "delivery-ok" : "delivery-failed" },
            el("strong", { text: d.delivered ? "zugestellt" : "fehlgeschlagen" }),
            ` · ${d.channel} · ${when(d.at)}: ${d.detail}`,
          ),
        )
      : [el("li", { class: "hint", text: "Noch keine Zustellung (erst nach „Antwort senden“)." })]),
  );
}

async function caseCall(method, path, body, done) {
  const { $ } = ui;
  const id = current.case_id;
  $("case-status").textContent = "Wird gespeichert …";
  try {
    const result = await ui.api(`/v1/cases/${encodeURIComponent(id)}${path}`, { method, body });
    renderCase(result, false);
    $("case-status").textContent = done(result);
    return result;
  } catch (error) {
    $("case-status").textContent = `Nicht gespeichert: ${error.message}`;
    return null;
  }
}

async function refreshDeliveries(caseId) {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    await sleep(500);
    if (!current || current.case_id !== caseId) return;
    try {
      const found = await ui.api(`/v1/cases/${encodeURIComponent(caseId)}`);
      if (!current || current.case_id !== caseId) return;
      renderCase(found, false);
      if ((found.deliveries || []).length) return;
    } catch {
      return;
    }
  }
}

function setupCaseView() {
  const { $ } = ui;
  $("case-back").addEventListener("click", () => closeCase(true));
  $("case-reload").addEventListener("click", async () => {
    try {
      renderCase(await ui.api(`/v1/cases/${encodeURIComponent(current.case_id)}`), false);
      $("case-status").textContent = "Fall aktualisiert.";
    } catch (error) {
      $("case-status").textContent = `Fall nicht geladen: ${error.message}`;
    }
  });
  $("case-note-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("case-note-text").value.trim();
    if (!text) {
      $("case-status").textContent = "Bitte eine Notiz eingeben.";
      return;
    }
    if (await caseCall("POST", "/notes", { text }, () => "Notiz gespeichert.")) $("case-note-text").value = "";
  });
  $("case-move-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    const status = $("case-move-status").value;
    const assignee = $("case-move-assignee").value.trim();
    if (status && status !== current.status) body.status = status;
    if (assignee && assignee !== (current.assignee || "")) body.assignee = assignee;
    if (!Object.keys(body).length) {
      $("case-status").textContent = "Keine Änderung.";
      return;
    }
    await caseCall("PATCH", "", body, (c) => `Gespeichert: Status ${statusLabel(c.status)}, bearbeitet von ${c.assignee || "niemand"}.`);
  });
  $("case-answer-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("case-answer-text").value.trim();
    if (!text) {
      $("case-status").textContent = "Bitte eine Antwort eingeben.";
      $("case-answer-text").focus();
      return;
    }
    const citations = [...$("case-answer-citations").querySelectorAll("input:checked")].map(
      (input) => draftCitations[Number(input.value)],
    );
    const body = { text, citations, publish: $("case-publish").checked };
    $("case-send").disabled = true;
    const sent = await caseCall("POST", "/answer", body, (c) =>
      `Antwort gesendet – Status: ${statusLabel(c.status)}${body.publish ? " (zur Veröffentlichung als geprüfte Antwort)" : ""}.`,
    );
    $("case-send").disabled = false;
    if (sent && !(sent.deliveries || []).length) refreshDeliveries(sent.case_id);
  });
}

// ---------------------------------------------------------------- start

export function setupCases(helpers) {
  ui = helpers;
  const { $, el } = ui;
  $("case-filter-status").append(
    ...Object.entries(ui.vocabulary.case_statuses || {}).map(([value, label]) =>
      el("option", { value, text: label, selected: value === "open" }),
    ),
  );
  $("view-ask").addEventListener("click", () => showView("ask"));
  $("view-cases").addEventListener("click", () => showView("cases"));
  $("cases-reload").addEventListener("click", loadCases);
  $("case-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    loadCases();
  });
  setupCaseView();
  loadMe();
}
