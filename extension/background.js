// Keeps a local copy of the known domains (refreshed with If-None-Match, so an unchanged list costs a
// 304) and sets the toolbar badge for each tab from it. Page addresses never leave the browser here.
"use strict";

importScripts("domains.js");

const REFRESH_MINUTES = 360;
const BADGES = {
  licensed: { text: "✓", color: "#17693a", title: "Licensed: on a regulator's list" },
  warning: { text: "!", color: "#a4161a", title: "Warning: named on a regulator's warning list" },
  formerly_licensed: { text: "–", color: "#8a5a00", title: "Formerly licensed: no longer on the regulator's list" },
};

async function refreshDomains() {
  const { apiBase: saved } = await chrome.storage.sync.get("apiBase");
  const { domainsEtag, domainsApi } = await chrome.storage.local.get(["domainsEtag", "domainsApi"]);
  const base = apiBase(saved);
  const headers = domainsEtag && domainsApi === base ? { "If-None-Match": domainsEtag } : {};
  try {
    const response = await fetch(`${base}/exports/domains.json`, { headers });
    if (response.status === 304 || !response.ok) return;
    const table = domainTable(await response.json());
    await chrome.storage.local.set({ domains: table, domainsEtag: response.headers.get("ETag"), domainsApi: base });
  } catch (error) {
    console.warn("lendercheck: could not refresh the domain list", error);
  }
}

async function updateBadge(tabId, pageUrl) {
  const key = pageUrl ? siteKey(pageUrl) : null;
  const { domains } = await chrome.storage.local.get("domains");
  const badge = key && domains && domains[key] ? BADGES[domains[key].verdict] : null;
  await chrome.action.setBadgeText({ tabId, text: badge ? badge.text : "" });
  await chrome.action.setTitle({ tabId, title: badge ? `lendercheck: ${badge.title}` : "lendercheck" });
  if (badge) await chrome.action.setBadgeBackgroundColor({ tabId, color: badge.color });
}

chrome.runtime.onInstalled.addListener(() => {
  chrome.alarms.create("refresh", { periodInMinutes: REFRESH_MINUTES });
  refreshDomains();
});
chrome.runtime.onStartup.addListener(refreshDomains);
chrome.alarms.onAlarm.addListener(refreshDomains);
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "sync" && changes.apiBase) refreshDomains();
});
chrome.tabs.onUpdated.addListener((tabId, change, tab) => {
  if (change.url || change.status === "complete") updateBadge(tabId, tab.url);
});
chrome.tabs.onActivated.addListener(async ({ tabId }) => {
  const tab = await chrome.tabs.get(tabId);
  updateBadge(tabId, tab.url);
});
