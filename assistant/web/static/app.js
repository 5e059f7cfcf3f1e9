// Digitallotse – advisors' page. Vanilla JS, no build step, no external assets.
// Text from documents and answers is only ever inserted as text (textContent / text nodes),
// never as HTML.

import { handOff, loadMe, setupCases } from "./cases.js";
import { loadGapsAccess, setupGaps } from "./gaps.js";

const KEY_STORE = "lotse.apiKey";
const CONVERSATION_STORE = "lotse.conversation";
const QUOTE_LIMIT = 3000;

// Domain names and their labels come from the server (GET /web/api/vocabulary), defined once
// in assistant/domain.py; until they arrive, the raw values are shown.
let DOC_TYPES = {};
let FEEDBACK_TAGS = { up: [], down: [] };
let TAG_LABELS = {};
let VOCABULARY = {};

async function loadVocabulary() {
  try {
    const response = await fetch("/web/api/vocabulary", { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const vocabulary = await response.json();
    VOCABULARY = vocabulary;
    DOC_TYPES = vocabulary.doc_types;
    TAG_LABELS = vocabulary.feedback_tags;
    FEEDBACK_TAGS = Object.fromEntries(
      Object.entries(vocabulary.feedback_tags_for).map(([rating, tags]) => [
        rating,
        tags.map((tag) => [tag, TAG_LABELS[tag] || tag]),
      ]),
    );
  } catch {
    // labels stay raw values; everything else works
  }
}

const $ = (id) => document.getElementById(id);

/** Create an element; string children become text nodes (never parsed as HTML). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

const THUMB_PATH =
  "M2 10h4v12H2zM22 11.5c0-1.1-.9-2-2-2h-6.3l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L13.17 2" +
  " 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09" +
  "-.23.14-.47.14-.73v-1.5z";

function thumb(down) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", THUMB_PATH);
  if (down) path.setAttribute("transform", "rotate(180 12 12)");
  svg.append(path);
  return svg;
}

// ---------------------------------------------------------------- API access

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function apiKey() {
  return sessionStorage.getItem(KEY_STORE) || "";
}

function authHeaders() {
  const key = apiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

async function toError(response) {
  let code = "http_error";
  let message = `Fehler ${response.status}`;
  try {
    const body = await response.json();
    if (body && body.error) {
      code = String(body.error.code || code);
      message = String(body.error.message || message);
    }
  } catch {
    // not JSON
  }
  if (response.status === 401 || response.status === 403) {
    showKeyForm(
      response.status === 401
        ? `Bitte API-Schlüssel eingeben (${message}).`
        : `Der Schlüssel hat nicht die nötige Berechtigung (${message}).`,
    );
  } else if (response.status === 429) {
    message = "Zu viele Anfragen – bitte einen Moment warten.";
  }
  return new ApiError(response.status, code, message);
}

async function api(path, { method = "GET", body, raw = false } = {}) {
  const headers = { Accept: "application/json", ...authHeaders() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "Der Server ist nicht erreichbar.");
  }
  if (!response.ok) throw await toError(response);
  return raw ? response : response.json();
}

/** Parse a text/event-stream body into {event, data} objects. */
async function* sseEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const parse = (block) => {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (!data.length) return null;
    try {
      return { event, data: JSON.parse(data.join("\n")) };
    } catch {
      return null;
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer = (buffer + decoder.decode(value, { stream: true })).replace(/\r\n?/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const parsed = parse(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      if (parsed) yield parsed;
    }
  }
  buffer += decoder.decode();
  if (buffer.trim()) {
    const parsed = parse(buffer.trim());
    if (parsed) yield parsed;
  }
}

// ---------------------------------------------------------------- state

function loadConversation() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(CONVERSATION_STORE) || "null");
    if (saved && Array.isArray(saved.turns)) return saved;
  } catch {
    // ignore broken state
  }
  return { conversationId: null, turns: [] };
}

const state = loadConversation();
let busy = false;
let active = { turn: null, n: null };
let contextRequest = 0;
let draftTurn = null;

function saveConversation() {
  try {
    sessionStorage.setItem(CONVERSATION_STORE, JSON.stringify(state));
  } catch {
    // storage full or disabled: the page still works for this view
  }
}

// ---------------------------------------------------------------- helpers

function formatStand(stand) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(stand || "");
  return match ? `${match[3]}.${match[2]}.${match[1]}` : null;
}

function citationLabel(c) {
  if (c.law && c.section) {
    if (!c.heading) return `${c.law} ${c.section}`;
    // a § the law gives no title (VwGO § 70) shows the heading it stands under in brackets
    return c.heading_above ? `${c.law} ${c.section} (${c.heading})` : `${c.law} ${c.section} ${c.heading}`;
  }
  let label = c.title || c.doc_id;
  if (c.heading && c.heading !== c.title) label += ` › ${c.heading}`;
  else if (c.section) label += `, ${c.section}`;
  if (c.page) label += `, S. ${c.page}`;
  if (c.ocr) label += " (OCR)";
  return label;
}

// outcome of an answer (older stored answers only know "abstained")
function outcomeOf(answer) {
  return answer.outcome || (answer.abstained ? "abstain" : "answer");
}

const BAND_TEXT = { hoch: "Sicherheit hoch", mittel: "Sicherheit mittel", niedrig: "Sicherheit niedrig" };

function bandOf(answer) {
  if (answer.confidence_band) return answer.confidence_band;
  const c = answer.confidence || 0;
  return c >= 0.75 ? "hoch" : c >= 0.5 ? "mittel" : "niedrig";
}

function safeHttpUrl(value) {
  if (!value) return null;
  try {
    const url = new URL(String(value), window.location.href);
    if (url.protocol === "https:" || url.protocol === "http:") return url.href;
  } catch {
    // not a URL
  }
  return null;
}

function setStatus(text) {
  $("status").textContent = text;
}

function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.hidden = !text;
}

// "Rechtsstand am": TT.MM.JJJJ or JJJJ-MM-TT → JJJJ-MM-TT; "" when empty, null when no real day
function asOfValue() {
  const raw = $("filter-as-of").value.trim();
  if (!raw) return "";
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(raw);
  const iso = german ? `${german[3]}-${german[2].padStart(2, "0")}-${german[1].padStart(2, "0")}` : raw;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return null;
  const day = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === iso ? iso : null;
}

function currentFilters() {
  const filters = {};
  const docType = $("filter-doc-type").value;
  const jurisdiction = $("filter-jurisdiction").value;
  if (docType) filters.doc_type = [docType];
  if (jurisdiction) filters.jurisdiction = [jurisdiction];
  const asOf = asOfValue(); // the versions in force on that day (checked before asking)
  if (asOf) filters.as_of = asOf;
  return Object.keys(filters).length ? filters : null;
}

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

// ---------------------------------------------------------------- API key

function showKeyForm(message) {
  const section = $("key-section");
  $("key-message").textContent = message;
  const wasHidden = section.hidden;
  section.hidden = false;
  if (wasHidden) $("api-key").focus();
}

function setupKeyForm() {
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("api-key").value.trim();
    if (value) sessionStorage.setItem(KEY_STORE, value);
    $("api-key").value = "";
    $("key-section").hidden = true;
    showError("");
    loadFilters();
    loadMe();
    loadGapsAccess();
    $("question").focus();
  });
  $("key-forget").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORE);
    $("api-key").value = "";
    $("key-message").textContent = "Schlüssel entfernt.";
  });
}

// ---------------------------------------------------------------- filters

async function loadFilters() {
  try {
    const data = await api("/web/api/filters");
    const select = $("filter-jurisdiction");
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "", text: "Alle Rechtsräume" }));
    for (const item of data.jurisdictions) {
      select.append(el("option", { value: item.value, text: `${item.value} (${item.count})` }));
    }
    select.value = chosen;
    for (const option of $("filter-doc-type").options) {
      const found = data.doc_types.find((t) => t.value === option.value);
      if (found) option.textContent = `${found.label} (${found.count})`;
    }
    $("corpus-info").textContent = `${data.documents} Dokumente im Bestand`;
  } catch (error) {
    if (error.status !== 401 && error.status !== 403) showError(error.message);
  }
}

// ---------------------------------------------------------------- answers and markers

function answerContent(text, citations, turnIndex) {
  const known = new Map(citations.map((c) => [c.n, c]));
  const nodes = [];
  for (const part of String(text).split(/(\[\d+\])/)) {
    const match = /^\[(\d+)\]$/.exec(part);
    const citation = match ? known.get(Number(match[1])) : undefined;
    if (!citation) {
      if (part) nodes.push(document.createTextNode(part));
      continue;
    }
    nodes.push(
      el("button", {
        type: "button",
        class: "marker",
        "aria-label": `Quelle ${citation.n}: ${citationLabel(citation)}`,
        "aria-expanded": "false",
        "aria-controls": "sources",
        dataset: { turn: String(turnIndex), n: String(citation.n) },
        text: `[${citation.n}]`,
        onclick: (event) => openSource(turnIndex, citation.n, event.currentTarget),
      }),
    );
  }
  return nodes;
}

function feedbackForm(turn, index, article) {
  const form = el("form", { class: "feedback-form", hidden: true });
  const legend = el("legend");
  const choices = el("div", { class: "choices" });
  const comment = el("textarea", { id: `fb-comment-${index}`, rows: "2", maxlength: "2000" });
  form.append(
    el("fieldset", {}, legend, choices),
    el("label", { for: `fb-comment-${index}`, class: "field-label", text: "Kommentar (optional)" }),
    comment,
    el(
      "div",
      { class: "form-row" },
      el("button", { type: "submit", class: "primary", text: "Rückmeldung senden" }),
      el("button", {
        type: "button",
        text: "Abbrechen",
        onclick: () => {
          form.hidden = true;
          article.querySelector(`.rate[data-rating="${form.dataset.rating}"]`)?.focus();
        },
      }),
    ),
  );
  form.open = (rating) => {
    form.dataset.rating = rating;
    legend.textContent = rating === "up" ? "Was war gut?" : "Was stimmt nicht?";
    choices.replaceChildren(
      ...FEEDBACK_TAGS[rating].map(([value, label]) => {
        const id = `fb-${index}-${rating}-${value}`;
        return el(
          "span",
          {},
          el("input", { type: "checkbox", id, value, checked: rating === "up" && value === "helpful" }),
          " ",
          el("label", { for: id, text: label }),
        );
      }),
    );
    form.hidden = false;
    choices.querySelector("input")?.focus();
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const rating = form.dataset.rating;
    const tags = [...choices.querySelectorAll("input:checked")].map((input) => input.value);
    const text = comment.value.trim();
    const body = { answer_id: turn.answer.answer_id, rating, tags };
    if (text) body.comment = text;
    try {
      await api("/v1/feedback", { method: "POST", body });
      turn.feedback = { rating, tags, comment: text || null };
      saveConversation();
      form.hidden = true;
      for (const button of article.querySelectorAll(".rate")) {
        button.setAttribute("aria-pressed", String(button.dataset.rating === rating));
      }
      article.querySelector(".feedback-status").textContent =
        "Danke! Ihre Rückmeldung wurde gespeichert.";
      article.querySelector(`.rate[data-rating="${rating}"]`)?.focus();
      if ($("recent").childElementCount) loadRecent();
    } catch (error) {
      article.querySelector(".feedback-status").textContent =
        `Rückmeldung nicht gespeichert: ${error.message}`;
    }
  });
  return form;
}

function renderTurn(turn, index, latest) {
  const answer = turn.answer;
  const number = index + 1;
  const article = el("article", {
    class: latest ? "card turn" : "card turn older",
    id: `turn-${index}`,
    "aria-labelledby": `turn-q-${index}`,
  });
  const outcome = outcomeOf(answer);
  const answerBox = el("div", {
    class: `answer ${outcome === "abstain" ? "abstained" : outcome === "candidates" ? "candidates" : ""}`.trim(),
    "aria-live": "polite",
  });
  answerBox.append(...answerContent(answer.answer, answer.citations, index));
  const band = bandOf(answer);
  const mode = answer.mode === "llm" ? "formuliert (LLM)" : "wörtlich aus den Quellen";
  const sources = answer.citations.length;
  const form = feedbackForm(turn, index, article);
  const rated = turn.feedback ? turn.feedback.rating : null;
  const handoff = handOff(turn, index); // "An die Beratung übergeben" (cases.js)
  const rateButton = (rating, label) =>
    el(
      "button",
      {
        type: "button",
        class: "rate",
        "aria-pressed": String(rated === rating),
        dataset: { rating },
        onclick: () => form.open(rating),
      },
      thumb(rating === "down"),
      label,
    );
  article.append(
    ...[
    el("p", { class: "turn-label", text: latest ? `Frage ${number} – aktuell` : `Frage ${number}` }),
    el("h3", { class: "turn-question", id: `turn-q-${index}`, text: turn.question }),
    answerBox,
    answer.notice ? el("p", { class: "notice", text: answer.notice }) : null,
    turn.filters && turn.filters.as_of
      ? el("p", { class: "resolved", text: `Rechtsstand am ${formatStand(turn.filters.as_of)}` })
      : null,
    verifiedOffer(answer),
    answer.followup && answer.resolved_question && answer.resolved_question !== turn.question
      ? el("p", { class: "resolved", text: `Verstanden als: ${answer.resolved_question}` })
      : null,
    el(
      "p",
      { class: "meta" },
      outcome === "abstain"
        ? "Keine belastbare Fundstelle – die Frage geht an die Beratung; bitte anders formulieren oder Filter lockern."
        : outcome === "candidates"
          ? `${sources} Fundstellen zum Prüfen · keine zusammengesetzte Antwort · `
          : `${sources} ${sources === 1 ? "Quelle" : "Quellen"} · ${mode} · `,
      outcome === "abstain" ? null : el("span", { class: `band band-${band}`, text: BAND_TEXT[band] }),
    ),
    el(
      "div",
      { class: "turn-actions" },
      el("button", {
        type: "button",
        class: "draft-button",
        text: "Entwurf erstellen",
        onclick: () => openDraft(index),
      }),
      handoff.button,
      el("span", { class: "spacer" }),
      rateButton("up", "Hilfreich"),
      rateButton("down", "Nicht hilfreich"),
    ),
    form,
    el("p", {
      class: "feedback-status",
      role: "status",
      "aria-live": "polite",
      text: turn.feedback ? "Rückmeldung gespeichert." : "",
    }),
    handoff.panel,
    ].filter(Boolean),
  );
  return article;
}

// A verified answer of the advisors to a similar question: shown with the question it answers,
// for the asker to judge (a verified answer to the same question is the answer itself).
function verifiedOffer(answer) {
  const offer = answer.verified_answer;
  if (!offer || answer.verified) return null;
  const day = new Date(offer.published_at * 1000).toLocaleDateString("de-DE");
  return el(
    "aside",
    { class: "verified-offer", "aria-label": "Geprüfte Antwort zu einer ähnlichen Frage" },
    el("p", { class: "verified-offer-head", text: `Geprüfte Antwort der Beratung vom ${day} zu der ähnlichen Frage „${offer.question}“ – passt sie zu Ihrer Frage?` }),
    el("p", { class: "verified-offer-text", text: offer.text }),
  );
}

function renderThread() {
  const thread = $("thread");
  const items = state.turns.map((turn, index) =>
    renderTurn(turn, index, index === state.turns.length - 1),
  );
  thread.replaceChildren(...items.reverse());
  $("empty-state").hidden = state.turns.length > 0;
  const count = state.turns.length;
  $("conversation-info").textContent = count
    ? `Laufendes Gespräch: ${count} ${count === 1 ? "Frage" : "Fragen"}`
    : "";
  markActiveMarkers();
}

// ---------------------------------------------------------------- sources panel

function markActiveMarkers() {
  for (const button of document.querySelectorAll("button.marker")) {
    const on = button.dataset.turn === String(active.turn) && Number(button.dataset.n) === active.n;
    button.setAttribute("aria-expanded", String(on));
  }
  for (const button of $("source-list").querySelectorAll("button")) {
    button.setAttribute("aria-current", String(Number(button.dataset.n) === active.n));
  }
}

// Citations the sources panel can show besides the turns' (a case's draft or answer), by key.
const sourceSets = new Map();

function registerSources(key, citations, hint) {
  sourceSets.set(String(key), { citations, hint });
}

function sourceSet(key) {
  if (typeof key === "number") {
    const turn = state.turns[key];
    return turn ? { citations: turn.answer.citations, hint: `Quellen zu Frage ${key + 1}.` } : null;
  }
  return key === null || key === undefined ? null : sourceSets.get(String(key)) || null;
}

function showSources(turnIndex) {
  const list = $("source-list");
  const set = sourceSet(turnIndex);
  if (!set) {
    list.replaceChildren();
    $("sources-hint").textContent =
      "Wählen Sie eine Quellenmarke wie [1] in der Antwort, um die Fundstelle zu sehen.";
    $("source-detail").hidden = true;
    active = { turn: null, n: null };
    return;
  }
  if (active.turn !== turnIndex) {
    active = { turn: turnIndex, n: null };
    $("source-detail").hidden = true;
  }
  const citations = set.citations;
  $("sources-hint").textContent = citations.length
    ? `${set.hint} Wählen Sie eine Quelle, um die Fundstelle zu sehen.`
    : "Diese Antwort hat keine Quellen.";
  list.replaceChildren(
    ...citations.map((c) => {
      const stand = formatStand(c.stand);
      return el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            dataset: { n: String(c.n) },
            "aria-current": "false",
            onclick: (event) => openSource(turnIndex, c.n, event.currentTarget),
          },
          el("span", { class: "n", text: `[${c.n}]` }),
          el("span", { class: "label", text: citationLabel(c) }),
          el("span", {
            class: "stand",
            text: [
              stand ? `Stand ${stand}` : "Stand nicht angegeben",
              c.law && c.title ? c.title : null,
            ]
              .filter(Boolean)
              .join(" · "),
          }),
          c.validity_note ? el("span", { class: "validity warn", text: `⚠ ${c.validity_note}` }) : null,
        ),
      );
    }),
  );
  markActiveMarkers();
}

function fact(list, term, value, warn = false) {
  if (value === null || value === undefined || value === "") return;
  list.append(el("dt", { text: term }), el("dd", { class: warn ? "warn" : null, text: String(value) }));
}

function renderFacts(c, context) {
  const facts = $("source-facts");
  facts.replaceChildren();
  const doc = context ? context.document : {};
  const cited = context ? context.passages.find((p) => p.role === "cited") : null;
  if (c.law && c.section) {
    const title = cited && cited.section_title ? ` – ${cited.section_title}` : "";
    fact(facts, "Fundstelle", `${c.law} ${c.section}${title}`);
  } else if (c.section) {
    fact(facts, "Abschnitt", c.section);
  }
  fact(facts, "Seite", c.page);
  const stand = formatStand(c.stand || doc.stand);
  fact(facts, "Stand", stand || "nicht angegeben – Aktualität prüfen", !stand);
  fact(facts, "Fassung", c.version);
  fact(facts, "Gültigkeit", c.validity_note, true);
  fact(facts, "Rechtsraum", doc.jurisdiction);
  fact(facts, "Dokumenttyp", DOC_TYPES[c.doc_type || doc.doc_type] || c.doc_type);
  fact(facts, "Datei", doc.file_name);
}

function passageWhere(passage) {
  if (passage.section) return [passage.section, passage.section_title].filter(Boolean).join(" ");
  if (passage.page) return `Seite ${passage.page}`;
  const crumbs = String(passage.breadcrumb || "").split("›");
  return crumbs.length > 1 ? crumbs[crumbs.length - 1].trim() : "";
}

function renderContext(context, c) {
  const box = $("source-context");
  const nodes = [];
  for (const passage of context.passages) {
    const p = el("p", { class: `passage ${passage.role}`, dataset: { chunk: passage.chunk_id } });
    const role = { before: "Davor", cited: "Zitierte Stelle", after: "Danach" }[passage.role];
    p.append(el("span", { class: "passage-label", text: [role, passageWhere(passage)].filter(Boolean).join(" · ") }));
    for (const segment of passage.segments) {
      p.append(segment.mark ? el("mark", { text: segment.text }) : segment.text);
    }
    nodes.push(p);
  }
  if (!context.highlighted && c.quote) {
    nodes.push(
      el("p", { class: "hint", text: "Der zitierte Wortlaut ist im Abschnitt nicht exakt auffindbar:" }),
      el("blockquote", { text: c.quote }),
    );
  }
  box.replaceChildren(...nodes);
  // Scroll the cited passage into view inside the box (not the page); keep the mark visible.
  const cited = box.querySelector(".passage.cited");
  const first = box.querySelector("mark");
  let top = cited ? cited.offsetTop - 8 : 0;
  if (first && first.offsetTop + first.offsetHeight - top > box.clientHeight - 16) {
    top = first.offsetTop - 48;
  }
  box.scrollTop = Math.max(0, top);

  const links = $("source-links");
  links.replaceChildren();
  if (context.file_available) {
    const pdf = context.file_kind === "pdf";
    const href = pdf && c.page ? `${context.file_url}#page=${c.page}` : context.file_url;
    links.append(
      el("a", {
        href,
        target: "_blank",
        rel: "noopener noreferrer",
        class: "original-link",
        text: pdf
          ? c.page
            ? `Original-PDF öffnen (Seite ${c.page})`
            : "Original-PDF öffnen"
          : "Originaldatei öffnen",
      }),
    );
  }
  const online = safeHttpUrl(context.document.source_url || c.source_url);
  if (online) {
    links.append(
      el("a", { href: online, target: "_blank", rel: "noopener noreferrer", text: "Online-Quelle" }),
    );
  }
}

async function openSource(turnIndex, n, trigger) {
  const set = sourceSet(turnIndex);
  const citation = set && set.citations.find((c) => c.n === n);
  if (!citation) return;
  if (active.turn !== turnIndex) showSources(turnIndex);
  active = { turn: turnIndex, n, trigger };
  markActiveMarkers();
  $("source-detail").hidden = false;
  $("source-title").textContent = `[${n}] ${citationLabel(citation)}`;
  $("source-doc").textContent = citation.title || citation.doc_id;
  renderFacts(citation, null);
  $("source-context").replaceChildren(el("p", { class: "hint", text: "Fundstelle wird geladen …" }));
  $("source-links").replaceChildren();
  $("source-title").focus();
  const request = ++contextRequest;
  const params = new URLSearchParams({ quote: (citation.quote || "").slice(0, QUOTE_LIMIT), around: "1" });
  try {
    const context = await api(
      `/web/api/chunks/${encodeURIComponent(citation.chunk_id)}?${params.toString()}`,
    );
    if (request !== contextRequest) return;
    renderFacts(citation, context);
    renderContext(context, citation);
  } catch (error) {
    if (request !== contextRequest) return;
    $("source-context").replaceChildren(
      el("p", { class: "hint", text: `Fundstelle nicht verfügbar: ${error.message}` }),
      el("blockquote", { text: citation.quote || "" }),
    );
  }
}

function backToAnswer() {
  const selector = `button.marker[data-turn="${active.turn}"][data-n="${active.n}"]`;
  const target =
    active.trigger && active.trigger.isConnected && !active.trigger.closest("#sources")
      ? active.trigger
      : document.querySelector(selector);
  (target || $("question")).focus();
}

// ---------------------------------------------------------------- asking

function pendingTurn(question) {
  const index = state.turns.length;
  const answerBox = el("div", {
    class: "answer streaming",
    "aria-live": "polite",
    "aria-busy": "true",
  });
  const article = el(
    "article",
    { class: "card turn", id: "turn-pending", "aria-labelledby": "turn-q-pending" },
    el("p", { class: "turn-label", text: `Frage ${index + 1} – wird beantwortet` }),
    el("h3", { class: "turn-question", id: "turn-q-pending", text: question }),
    answerBox,
  );
  $("thread").prepend(article);
  $("empty-state").hidden = true;
  return { article, answerBox };
}

async function ask(question) {
  busy = true;
  $("ask-button").disabled = true;
  showError("");
  setStatus("Suche in den Quellen …");
  const body = { question };
  if (state.conversationId) body.conversation_id = state.conversationId;
  const filters = currentFilters();
  if (filters) body.filters = filters;
  const { article, answerBox } = pendingTurn(question);
  let text = "";
  let final = null;
  try {
    let response;
    try {
      response = await fetch("/v1/ask/stream", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream", ...authHeaders() },
        body: JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "network", "Der Server ist nicht erreichbar.");
    }
    if (!response.ok) throw await toError(response);
    for await (const { event, data } of sseEvents(response)) {
      if (event === "sources") {
        const found = (data.sources || []).length;
        setStatus(found ? `${found} passende Abschnitte gefunden – Antwort wird erstellt …` : "Antwort wird erstellt …");
      } else if (event === "delta") {
        text += data.text || "";
        answerBox.textContent = text;
      } else if (event === "reset") {
        text = "";
        answerBox.textContent = "";
        if (data.notice) setStatus(data.notice);
      } else if (event === "done") {
        final = data;
      } else if (event === "error") {
        const err = data.error || {};
        throw new ApiError(500, err.code || "error", err.message || "Fehler bei der Antwort");
      }
    }
    if (!final) throw new ApiError(0, "incomplete", "Die Antwort wurde unvollständig übertragen.");
    state.conversationId = final.conversation_id;
    state.turns.push({ question, answer: final, feedback: null, filters });
    saveConversation();
    renderThread();
    showSources(state.turns.length - 1);
    $("question").value = "";
    const count = final.citations.length;
    const finalOutcome = outcomeOf(final);
    setStatus(
      finalOutcome === "abstain"
        ? "Die Quellen beantworten diese Frage nicht."
        : finalOutcome === "candidates"
          ? `Keine eindeutige Antwort: ${count} Fundstellen zum Prüfen. Mit Tab erreichen Sie die Quellenmarken.`
          : `Antwort fertig mit ${count} ${count === 1 ? "Quelle" : "Quellen"}. Mit Tab erreichen Sie die Quellenmarken.`,
    );
  } catch (error) {
    article.remove();
    $("empty-state").hidden = state.turns.length > 0;
    setStatus("");
    showError(`Keine Antwort: ${error.message}`);
  } finally {
    busy = false;
    $("ask-button").disabled = false;
  }
}

function setupAsk() {
  const form = $("ask-form");
  const question = $("question");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = question.value.trim();
    if (busy) return;
    if (!text) {
      showError("Bitte geben Sie eine Frage ein.");
      question.focus();
      return;
    }
    if (asOfValue() === null) {
      showError("Rechtsstand am: kein gültiges Datum (TT.MM.JJJJ).");
      $("filter-as-of").focus();
      return;
    }
    ask(text);
  });
  question.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  $("new-conversation").addEventListener("click", () => {
    state.conversationId = null;
    state.turns = [];
    saveConversation();
    renderThread();
    showSources(null);
    closeDraft(false);
    setStatus("Neues Gespräch begonnen.");
    question.focus();
  });
}

// ---------------------------------------------------------------- draft

function buildDraft(turn) {
  const answer = turn.answer;
  const lines = ["Sehr geehrte Damen und Herren,", ""];
  lines.push(`vielen Dank für Ihre Anfrage („${turn.question}“).`, "");
  if (outcomeOf(answer) === "abstain") {
    lines.push(
      "Zu dieser Frage liegen uns derzeit keine belastbaren Quellen vor. Wir prüfen den " +
        "Sachverhalt und melden uns mit einer Antwort.",
    );
  } else if (outcomeOf(answer) === "candidates") {
    lines.push(
      "Die folgenden Fundstellen kommen für Ihre Frage in Betracht; wir prüfen sie und melden uns " +
        "mit einer abschließenden Antwort.",
    );
  } else {
    lines.push("Nach den uns vorliegenden Quellen gilt Folgendes:", "", answer.answer.trim());
  }
  const stands = [];
  let unknown = 0;
  if (answer.citations.length) {
    lines.push("", "Quellen:");
    for (const c of answer.citations) {
      let line = `- [${c.n}] ${citationLabel(c)}`;
      if (c.law && c.title) line += ` (${c.title})`;
      const stand = formatStand(c.stand);
      if (stand) {
        line += `, Stand ${stand}`;
        stands.push(c.stand);
      } else {
        unknown += 1;
      }
      if (c.validity_note) line += ` – Hinweis: ${c.validity_note}`;
      lines.push(line);
    }
  }
  lines.push("");
  if (stands.length) {
    const oldest = formatStand(stands.sort()[0]);
    lines.push(
      `Hinweis: Diese Auskunft gibt den Stand der genannten Quellen wieder (ältester Stand: ${oldest}` +
        `${unknown ? "; für einige Quellen ist kein Stand angegeben" : ""}). Bitte prüfen Sie ` +
        "vor einer Entscheidung, ob sich die Rechtslage seitdem geändert hat.",
    );
  } else if (answer.citations.length) {
    lines.push(
      "Hinweis: Für die genannten Quellen ist kein Stand angegeben. Bitte prüfen Sie vor einer " +
        "Entscheidung die aktuelle Fassung.",
    );
  }
  lines.push("", "Mit freundlichen Grüßen", "", "[Name]");
  return lines.join("\n");
}

function openDraft(index) {
  const turn = state.turns[index];
  if (!turn) return;
  draftTurn = index;
  const textarea = $("draft-text");
  textarea.value = buildDraft(turn);
  $("draft-section").hidden = false;
  $("draft-status").textContent = `Entwurf zu Frage ${index + 1} erstellt – Sie können ihn bearbeiten.`;
  textarea.focus();
  textarea.setSelectionRange(0, 0);
  textarea.scrollTop = 0;
}

function closeDraft(returnFocus = true) {
  $("draft-section").hidden = true;
  if (returnFocus && draftTurn !== null) {
    document.querySelector(`#turn-${draftTurn} .draft-button`)?.focus();
  }
  draftTurn = null;
}

function setupDraft() {
  const textarea = $("draft-text");
  const status = $("draft-status");
  $("draft-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(textarea.value);
      status.textContent = "Entwurf in die Zwischenablage kopiert.";
    } catch {
      textarea.select();
      const ok = document.execCommand && document.execCommand("copy");
      status.textContent = ok
        ? "Entwurf in die Zwischenablage kopiert."
        : "Kopieren nicht möglich – bitte markieren und mit Strg + C kopieren.";
    }
  });
  $("draft-md").addEventListener("click", () => {
    download(new Blob([textarea.value], { type: "text/markdown;charset=utf-8" }), "Antwortentwurf.md");
    status.textContent = "Markdown-Datei erstellt.";
  });
  $("draft-docx").addEventListener("click", async () => {
    const text = textarea.value;
    if (!text.trim()) {
      status.textContent = "Der Entwurf ist leer.";
      return;
    }
    const turn = state.turns[draftTurn];
    status.textContent = "Word-Datei wird erstellt …";
    try {
      const body = { text };
      if (turn) body.title = `Antwortentwurf: ${turn.question}`.slice(0, 200);
      const response = await api("/v1/drafts/docx", { method: "POST", body, raw: true });
      download(await response.blob(), "Antwortentwurf.docx");
      status.textContent = "Word-Datei erstellt.";
    } catch (error) {
      status.textContent = `Word-Datei nicht erstellt: ${error.message}`;
    }
  });
  $("draft-close").addEventListener("click", () => closeDraft(true));
}

// ---------------------------------------------------------------- recent questions

function ratingSummary(ratings) {
  const up = ratings.filter((r) => r === "up").length;
  const down = ratings.filter((r) => r === "down").length;
  const parts = [];
  if (up) parts.push(el("span", { class: "rating-up", text: `${up} × hilfreich` }));
  if (down) parts.push(el("span", { class: "rating-down", text: `${down} × nicht hilfreich` }));
  if (!parts.length) return ["–"];
  return parts.flatMap((part, i) => (i ? [", ", part] : [part]));
}

async function loadRecent() {
  const status = $("recent-status");
  status.textContent = "Lade letzte Fragen …";
  try {
    const data = await api("/web/api/recent?limit=30");
    const rows = data.questions.map((item) => {
      const when = new Date(item.created_at * 1000).toLocaleString("de-DE", {
        dateStyle: "short",
        timeStyle: "short",
      });
      const notes = [
        item.tags.map((t) => TAG_LABELS[t] || t).join(", "),
        ...item.comments.map((comment) => `„${comment}“`),
      ].filter(Boolean);
      return el(
        "tr",
        { dataset: { answer: item.answer_id } },
        el("td", { text: when }),
        el("td", { class: "q", text: item.question }),
        el("td", {}, ...ratingSummary(item.ratings)),
        el("td", { text: notes.join(" · ") || "–" }),
        el(
          "td",
          {},
          el("button", {
            type: "button",
            text: "Frage übernehmen",
            "aria-label": `Frage übernehmen: ${item.question}`,
            onclick: () => {
              $("question").value = item.question;
              $("question").focus();
            },
          }),
        ),
      );
    });
    const table = el(
      "table",
      {},
      el("caption", { class: "visually-hidden", text: "Letzte Fragen mit Rückmeldungen" }),
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ...["Zeitpunkt", "Frage", "Bewertung", "Gründe und Kommentare", "Aktion"].map((h) =>
            el("th", { scope: "col", text: h }),
          ),
        ),
      ),
      el("tbody", {}, ...rows),
    );
    $("recent").replaceChildren(rows.length ? table : el("p", { text: "Noch keine Fragen gestellt." }));
    status.textContent = `${rows.length} Fragen geladen.`;
  } catch (error) {
    status.textContent = `Letzte Fragen nicht geladen: ${error.message}`;
  }
}

// ---------------------------------------------------------------- start

async function start() {
  await loadVocabulary();
  setupKeyForm();
  setupAsk();
  setupDraft();
  setupCases({
    $, el, api, state, vocabulary: VOCABULARY, answerContent, openSource, showSources,
    registerSources, citationLabel, saveConversation, renderThread,
  });
  setupGaps({ $, el, api, state, showSources });
  $("source-back").addEventListener("click", backToAnswer);
  $("sources").addEventListener("keydown", (event) => {
    if (event.key === "Escape" && active.n !== null) {
      event.preventDefault();
      backToAnswer();
    }
  });
  $("recent-load").addEventListener("click", loadRecent);
  renderThread();
  if (state.turns.length) showSources(state.turns.length - 1);
  loadFilters();
  document.documentElement.dataset.ready = "true";
}

start();
