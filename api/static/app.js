// The borrower's page: one search box, answers from GET /lenders on the same server. Everything the API
// returns is inserted as text (never as HTML), since names come from third-party lists.
"use strict";

const TEXT = {
  en: {
    title: "Is this lender licensed?",
    intro: "Check a lending company, app or website against the regulators' own lists.",
    label: "Name, app or web address",
    placeholder: "Company or app name, or web address",
    search: "Check",
    checked: "Lists checked",
    footer: "Answers come only from regulators' published lists, with links to them. A lender that is not on a list is not proven safe or unsafe.",
    toggle: "中文",
    searching: "Checking…",
    failed: "The check failed: ",
    verdict: {
      licensed: "Licensed: found on a regulator's list of licensed lenders",
      formerly_licensed: "Formerly licensed: it was on a regulator's list, but is no longer listed",
      warning: "Warning: a regulator has named it on a warning list",
      registered_only: "A registered company, but no licence to lend was found",
      not_found: "Not found in the lists we checked. This does NOT mean it is safe.",
    },
    record: { regulator: "Regulator", list: "List", name: "Name on the list", licence: "Licence", status: "Status",
      listed: "On the newest list", source: "Source", retrieved: "Retrieved", yes: "yes", no: "no (as of {date})",
      open: "open the regulator's document" },
    similar: "Similar names (not the same lender, check carefully)",
    advice: {
      title: "What to do",
      general: [
        "Do not let a loan app read your contacts, photos or location: some lenders use them to shame and pressure borrowers, their families and friends.",
        "Do not pay any fee before you receive the loan.",
        "Keep evidence: screenshots of the app and website, the contract, chat messages, call records and payment receipts.",
        "Check the name yourself on the regulator's own list (links below, under \"Lists checked\").",
      ],
      CN: ["China", [
        "Complaints about banks, consumer finance companies and other institutions the NFRA supervises: call the 12378 hotline (银行保险消费者投诉维权热线).",
        "Microloan companies are supervised by local financial regulators (地方金融管理部门): ask the one of your province or city.",
        "Fraud, threats or violent debt collection: report to the police (110).",
      ]],
      ID: ["Indonesia", [
        "Call Kontak OJK 157 to check a lender or report an illegal online lender (pinjol ilegal).",
      ]],
      IN: ["India", [
        "Report an unauthorised lender or lending app to the RBI on the Sachet portal: sachet.rbi.org.in",
        "Cyber fraud: call 1930 or report at cybercrime.gov.in",
      ]],
      GB: ["United Kingdom", [
        "Check the firm on the FCA Register (register.fca.org.uk) and report unauthorised firms to the FCA (fca.org.uk).",
        "Fraud in England, Wales and Northern Ireland: report to Action Fraud (actionfraud.police.uk).",
      ]],
    },
  },
  zh: {
    title: "这家贷款机构有牌照吗？",
    intro: "用监管机构公布的名单核对贷款公司、App 或网站。",
    label: "名称、App 或网址",
    placeholder: "公司或 App 名称，或网址",
    search: "查询",
    checked: "已查询的名单",
    footer: "结果只来自监管机构公布的名单，并附原始链接。不在名单上，并不证明安全或不安全。",
    toggle: "English",
    searching: "查询中…",
    failed: "查询失败：",
    verdict: {
      licensed: "持牌：列于监管机构的持牌机构名单",
      formerly_licensed: "曾经持牌：曾列于监管机构名单，现已不再列出",
      warning: "警示：已被监管机构列入警示名单",
      registered_only: "公司已登记，但未找到放贷许可",
      not_found: "在已查询的名单中没有找到。这并不说明它是安全的。",
    },
    record: { regulator: "监管机构", list: "名单", name: "名单上的名称", licence: "许可", status: "状态",
      listed: "在最新名单中", source: "来源", retrieved: "获取日期", yes: "是", no: "否（截至 {date}）",
      open: "打开监管机构的原始文件" },
    similar: "相似的名称（不是同一机构，请仔细核对）",
    advice: {
      title: "建议",
      general: [
        "不要允许贷款 App 读取通讯录、相册或位置：有的放贷者会用它们向借款人及其亲友施压、催收。",
        "放款之前不要支付任何费用。",
        "保留证据：App 和网站截图、合同、聊天记录、通话记录和转账凭证。",
        "到监管机构的官方名单上自己再核对一次（见下方“已查询的名单”中的链接）。",
      ],
      CN: ["中国", [
        "对银行、消费金融公司等国家金融监督管理总局监管的机构投诉：拨打 12378 银行保险消费者投诉维权热线。",
        "小额贷款公司由地方金融管理部门监管：可向所在省市的地方金融管理部门咨询、举报。",
        "遇到诈骗、威胁或暴力催收：向公安机关报案（110）。",
      ]],
      ID: ["印度尼西亚", ["拨打 Kontak OJK 157 核实贷款机构或举报非法网贷（pinjol ilegal）。"]],
      IN: ["印度", [
        "向印度储备银行的 Sachet 平台举报未经授权的贷款机构或 App：sachet.rbi.org.in",
        "网络诈骗：拨打 1930 或在 cybercrime.gov.in 报案。",
      ]],
      GB: ["英国", [
        "在 FCA Register（register.fca.org.uk）核对公司，并向 FCA（fca.org.uk）举报未经授权的公司。",
        "英格兰、威尔士和北爱尔兰的诈骗：向 Action Fraud（actionfraud.police.uk）报案。",
      ]],
    },
  },
};

const state = { lang: initialLanguage(), answer: null };

function initialLanguage() {
  const saved = localStorage.getItem("lendercheck-lang");
  if (saved === "zh" || saved === "en") return saved;
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  return node;
}

function applyLanguage() {
  const t = TEXT[state.lang];
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.title = t.title;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t[node.dataset.i18n];
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
    node.placeholder = t[node.dataset.i18nPlaceholder];
  }
  document.getElementById("lang").textContent = t.toggle;
  if (state.answer) render(state.answer);
}

// What the person typed, as the API's parameter: a URL, a domain or app id (dotted, no spaces, no Han
// characters), or else a name.
function queryParams(text) {
  const value = text.trim();
  if (value.includes("://")) return { url: value };
  if (/^[\w.-]+\.[a-z]{2,}(\/\S*)?$/i.test(value) && !/[\u3400-\u9fff]/.test(value)) {
    return value.includes("/") ? { url: value } : { domain: value };
  }
  return { name: value };
}

async function check(text) {
  const t = TEXT[state.lang];
  const status = document.getElementById("status");
  status.className = "";
  status.textContent = t.searching;
  const params = new URLSearchParams(queryParams(text));
  try {
    const response = await fetch(`/lenders?${params}`, { headers: { "Accept-Language": state.lang } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || response.statusText);
    status.textContent = "";
    state.answer = body;
    render(body);
  } catch (error) {
    status.className = "error";
    status.textContent = t.failed + error.message;
    document.getElementById("result").hidden = true;
  }
}

// Links only to web pages: a list's URL is third-party data and must never become a script link.
function safeUrl(url) {
  return /^https?:\/\//i.test(url || "") ? url : "#";
}

function day(value) {
  return value ? String(value).slice(0, 10) : "?";
}

function recordCard(evidence, t) {
  const card = el("div", null, { class: "record" });
  const list = el("dl");
  const rows = [
    [t.record.regulator, evidence.regulator],
    [t.record.list, evidence.source_name],
    [t.record.name, evidence.name],
    [t.record.licence, [evidence.licence_type, evidence.licence_number].filter(Boolean).join(" ")],
    [t.record.status, evidence.status],
    [t.record.listed, evidence.listed ? t.record.yes : t.record.no.replace("{date}", day(evidence.removed_as_of))],
    [t.record.retrieved, day(evidence.retrieved_at)],
  ];
  for (const [label, value] of rows) {
    if (!value) continue;
    list.append(el("dt", label), el("dd", value));
  }
  const link = el("a", t.record.open, { href: safeUrl(evidence.source_url), target: "_blank", rel: "noopener" });
  const source = el("dd");
  source.append(link);
  list.append(el("dt", t.record.source), source);
  card.append(list);
  return card;
}

function jurisdictionsOf(answer) {
  const found = new Set(answer.coverage.jurisdictions || []);
  for (const match of answer.matches || []) found.add(match.jurisdiction);
  if (found.size === 0) ["CN", "ID", "IN", "GB"].forEach((code) => found.add(code));
  return [...found];
}

function renderAdvice(answer, t) {
  const box = document.getElementById("advice");
  box.replaceChildren(el("h2", t.advice.title));
  const general = el("ul");
  t.advice.general.forEach((line) => general.append(el("li", line)));
  box.append(general);
  for (const code of jurisdictionsOf(answer)) {
    const local = t.advice[code];
    if (!local) continue;
    const list = el("ul");
    local[1].forEach((line) => list.append(el("li", line)));
    box.append(el("h3", local[0]), list);
  }
  box.hidden = false;
}

function render(answer) {
  const t = TEXT[state.lang];
  document.getElementById("result").hidden = false;
  const verdict = document.getElementById("verdict");
  verdict.dataset.verdict = answer.verdict;
  verdict.textContent = t.verdict[answer.verdict] || answer.verdict;
  document.getElementById("summary").textContent = answer.summary;

  const evidence = document.getElementById("evidence");
  evidence.replaceChildren(...answer.evidence.map((e) => recordCard(e, t)));

  const similar = document.getElementById("similar");
  const others = answer.verdict === "not_found" ? answer.matches.slice(0, 3) : [];
  similar.hidden = others.length === 0;
  if (others.length) {
    const list = el("ul");
    others.forEach((m) => list.append(el("li", `${m.lender_name} (${m.jurisdiction}, ${m.verdict}, ${m.score})`)));
    similar.replaceChildren(el("h2", t.similar), list);
  }

  if (answer.verdict === "licensed") document.getElementById("advice").hidden = true;
  else renderAdvice(answer, t);

  const sources = document.getElementById("sources");
  sources.replaceChildren(...answer.sources_checked.map((s) => {
    const item = el("li");
    item.append(el("a", s.name, { href: safeUrl(s.url), target: "_blank", rel: "noopener" }),
      document.createTextNode(` (${s.regulator}, ${day(s.retrieved_at)})`));
    return item;
  }));
  document.getElementById("coverage").textContent = answer.coverage.statement;
}

document.addEventListener("DOMContentLoaded", () => {
  applyLanguage();
  document.getElementById("lang").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localStorage.setItem("lendercheck-lang", state.lang);
    applyLanguage();
    const query = document.getElementById("q").value;
    if (state.answer && query) check(query);
  });
  document.getElementById("search").addEventListener("submit", (event) => {
    event.preventDefault();
    const query = document.getElementById("q").value;
    if (query.trim()) check(query);
  });
  const asked = new URLSearchParams(location.search).get("q");
  if (asked) {
    document.getElementById("q").value = asked;
    check(asked);
  }
});
