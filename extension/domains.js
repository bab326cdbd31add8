// Shared by the background worker and the popup: the API base, the site's registrable domain, and the
// local table of known domains from GET /exports/domains.json.
"use strict";

const DEFAULT_API = "http://127.0.0.1:8000";

// Registrable domain, kept simple and honest: this is NOT the Public Suffix List. It takes the last two
// labels of the host (so "www." and "m." fall away), or the last three under the few two-part suffixes
// below, which are common in the countries the bundled lists cover. Other multi-part suffixes
// (e.g. "gov.uk" hosts of unrelated bodies) may come out one label too short; the server's answer, which
// uses the full list, is the one to trust.
const MULTI_PART_SUFFIXES = new Set([
  "co.id", "or.id", "web.id", "my.id", "biz.id", "ac.id",
  "co.in", "net.in", "org.in", "firm.in", "gen.in", "ind.in",
  "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk",
  "com.cn", "net.cn", "org.cn",
  "com.hk", "com.sg", "com.my", "com.ph",
]);

function registrableDomain(host) {
  const labels = host.toLowerCase().replace(/\.$/, "").split(".").filter(Boolean);
  if (labels.length < 2 || /^\d+$/.test(labels[labels.length - 1]) || host.includes(":")) return null;
  const lastTwo = labels.slice(-2).join(".");
  if (MULTI_PART_SUFFIXES.has(lastTwo)) return labels.length >= 3 ? labels.slice(-3).join(".") : null;
  return lastTwo;
}

// What to look up for a page: an app page on Google Play gives the app's package id, anything else its
// registrable domain.
function siteKey(pageUrl) {
  let url;
  try {
    url = new URL(pageUrl);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.hostname === "play.google.com" && url.searchParams.get("id")) {
    return url.searchParams.get("id").toLowerCase();
  }
  return registrableDomain(url.hostname);
}

// domains.json ({data: [{domain, kind, verdict, lenders}]}) as a lookup table.
function domainTable(body) {
  const table = {};
  for (const entry of body.data || []) table[entry.domain] = { verdict: entry.verdict, lenders: entry.lenders };
  return table;
}

function apiBase(value) {
  return (value || DEFAULT_API).replace(/\/+$/, "");
}
