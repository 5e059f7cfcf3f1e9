// Digitallotse – "Wissenslücken" on the advisors' page: the questions the sources did not answer,
// grouped by topic (GET /v1/reports/gaps), with size, label, typical questions, organisations and
// first/last seen: what the competence centre should write next. Report text is only ever
// inserted as text (textContent / text nodes), never as HTML.

let ui = null; // helpers of app.js: $, el, api, state, showSources (setupGaps)
let request = 0; // only the latest report request renders

function day(iso) {
  return new Date(iso).toLocaleDateString("de-DE", { dateStyle: "medium" });
}

/** Show the view switch to advisors and admins only (called at start and when the key changes). */
export async function loadGapsAccess() {
  let me = null;
  try {
    me = await ui.api("/web/api/me");
  } catch {
    me = null;
  }
  const allowed = Boolean(me && (me.scopes.includes("advise") || me.scopes.includes("admin")));
  ui.$("view-gaps").hidden = !allowed;
  if (!allowed && ui.$("main").dataset.view === "gaps") showAsk();
}

function showAsk() {
  ui.$("main").dataset.view = "ask";
  ui.showSources(ui.state.turns.length - 1);
  ui.$("view-gaps").focus();
}

function showGaps() {
  ui.$("main").dataset.view = "gaps";
  loadGaps();
  ui.$("gaps-heading").focus();
}

function outcomes(group) {
  const o = group.outcomes;
  return `keine Antwort ${o.abstain} · nur Fundstellen ${o.candidates} · nicht hilfreich ${group.thumbs_down}`;
}

function groupRow(group, index) {
  const { el } = ui;
  const label = group.single ? "Einzelfragen – keine ähnliche Frage" : group.label;
  return el(
    "tr",
    {
      dataset: { gap: String(index), single: String(Boolean(group.single)) },
      class: group.single ? "gap-singles" : null,
    },
    el("td", { class: "num", text: String(group.size) }),
    el(
      "td",
      {},
      el("strong", { class: "gap-label", text: label }),
      el("br"),
      el("span", { class: "hint", text: outcomes(group) }),
    ),
    el("td", {}, el("ul", { class: "gap-examples" }, ...group.examples.map((q) => el("li", { text: q })))),
    el("td", { text: group.organisations.join(", ") || "–" }),
    el("td", {}, `${day(group.first_seen)} –`, el("br"), day(group.last_seen)),
  );
}

async function loadGaps() {
  const { $, el } = ui;
  const status = $("gaps-status");
  const params = new URLSearchParams({
    since: $("gaps-since").value,
    min_size: $("gaps-min-size").value,
  });
  status.textContent = "Lade Wissenslücken …";
  const mine = ++request;
  try {
    const report = await ui.api(`/v1/reports/gaps?${params.toString()}`);
    if (mine !== request) return;
    const groups = report.groups;
    const topics = groups.filter((g) => !g.single).length;
    const singles = groups.filter((g) => g.single).reduce((sum, g) => sum + g.size, 0);
    const table = el(
      "table",
      { class: "gaps-table" },
      el("caption", { class: "visually-hidden", text: "Wissenslücken nach Thema, größte zuerst" }),
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ...["Fragen", "Thema", "Typische Fragen", "Organisationen", "Erstmals – zuletzt"].map((h) =>
            el("th", { scope: "col", text: h }),
          ),
        ),
      ),
      el("tbody", {}, ...groups.map(groupRow)),
    );
    $("gaps-list").replaceChildren(
      groups.length ? table : el("p", { text: "Keine offenen Fragen im Zeitraum – keine Wissenslücken." }),
    );
    const rest = singles ? ` und ${singles} ${singles === 1 ? "Einzelfrage" : "Einzelfragen"}` : "";
    status.textContent =
      `${report.questions} Fragen ohne Antwort, nur mit Fundstellen oder als nicht hilfreich ` +
      `bewertet: ${topics} ${topics === 1 ? "Thema" : "Themen"}${rest}.`;
  } catch (error) {
    if (mine === request) status.textContent = `Wissenslücken nicht geladen: ${error.message}`;
  }
}

export function setupGaps(helpers) {
  ui = helpers;
  const { $ } = ui;
  $("view-gaps").addEventListener("click", showGaps);
  $("gaps-back").addEventListener("click", showAsk);
  $("gaps-reload").addEventListener("click", loadGaps);
  $("gaps-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    loadGaps();
  });
  loadGapsAccess();
}
