// The popup: the verdict for the site in the current tab, with the lender, the regulator and a link to
// the regulator's own record, from GET /lenders?domain=. Only the site's registrable domain (or app id)
// is sent, never the page address.
//
// It also runs as a plain page, for trying it out and for tests: popup.html?api=BASE&url=PAGE_URL.
"use strict";

const WORDS = {
  licensed: "Licensed: on a regulator's list of licensed lenders",
  formerly_licensed: "Formerly licensed: no longer on the regulator's list",
  warning: "Warning: named on a regulator's warning list",
  registered_only: "A registered company, but no licence to lend was found",
  not_found: "Not found in the lists checked. This does NOT mean it is safe.",
};
const params = new URLSearchParams(location.search);
const inExtension = typeof chrome !== "undefined" && !!(chrome.storage && chrome.tabs);

function show(id, text) {
  const node = document.getElementById(id);
  node.textContent = text;
  node.hidden = !text;
  return node;
}

function safeUrl(url) {
  return /^https?:\/\//i.test(url || "") ? url : "#";
}

async function settings() {
  if (params.has("api") || !inExtension) return apiBase(params.get("api") || location.origin);
  const { apiBase: saved } = await chrome.storage.sync.get("apiBase");
  return apiBase(saved);
}

async function pageUrl() {
  if (params.has("url") || !inExtension) return params.get("url") || "";
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab && tab.url ? tab.url : "";
}

async function knownDomains(base) {
  if (inExtension && !params.has("api")) {
    const { domains } = await chrome.storage.local.get("domains");
    if (domains) return domains;
  }
  const response = await fetch(`${base}/exports/domains.json`);
  return response.ok ? domainTable(await response.json()) : {};
}

function renderAnswer(answer, base, key) {
  const verdict = show("verdict", WORDS[answer.verdict] || answer.verdict);
  verdict.dataset.verdict = answer.verdict;
  const details = document.getElementById("details");
  details.replaceChildren();
  const list = document.createElement("dl");
  const add = (label, value) => {
    if (!value) return;
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    if (value instanceof Node) dd.append(value);
    else dd.textContent = value;
    list.append(dt, dd);
  };
  if (answer.best) add("Lender", answer.best.lender_name);
  const evidence = answer.evidence[0];
  if (evidence) {
    add("Regulator", evidence.regulator);
    add("List", evidence.source_name);
    add("Record", [evidence.licence_type, evidence.licence_number || evidence.record_id].filter(Boolean).join(" "));
    add("Status", evidence.status);
    const link = document.createElement("a");
    link.href = safeUrl(evidence.source_url);
    link.target = "_blank";
    link.rel = "noopener";
    link.id = "evidence";
    link.textContent = "the regulator's record";
    add("Evidence", link);
    add("Retrieved", String(evidence.retrieved_at || "").slice(0, 10));
  }
  details.append(list);
  const summary = document.createElement("p");
  summary.textContent = answer.summary;
  details.append(summary);
  const more = document.getElementById("more");
  more.href = `${base}/?q=${encodeURIComponent(key)}`;
  more.hidden = false;
}

async function ask(base, key) {
  show("status", "Checking…");
  try {
    const response = await fetch(`${base}/lenders?${new URLSearchParams({ domain: key })}`);
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || response.statusText);
    show("status", "");
    renderAnswer(body, base, key);
  } catch (error) {
    show("status", `The server could not be reached or refused: ${error.message}`);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  const base = await settings();
  const key = siteKey(await pageUrl());
  if (!key) {
    show("status", "Open a web page to check its site.");
    return;
  }
  show("site", key);
  let known = {};
  try {
    known = await knownDomains(base);
  } catch (error) {
    show("status", `The server could not be reached: ${error.message}`);
  }
  if (known[key]) {
    await ask(base, key);
    return;
  }
  // Not in the local list: say so, and ask the server only if the person wants to (it may still find the
  // lender by the name in the domain, e.g. qitiandai.com for 七天贷).
  show("status", "This site is not in the known lists. That does not mean it is safe.");
  const button = document.getElementById("ask");
  button.hidden = false;
  button.addEventListener("click", () => {
    button.hidden = true;
    ask(base, key);
  });
});
