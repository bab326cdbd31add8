"use strict";

document.addEventListener("DOMContentLoaded", async () => {
  const input = document.getElementById("api");
  const { apiBase: saved } = await chrome.storage.sync.get("apiBase");
  input.value = apiBase(saved);
  document.getElementById("options").addEventListener("submit", async (event) => {
    event.preventDefault();
    await chrome.storage.sync.set({ apiBase: apiBase(input.value.trim()) });
    document.getElementById("saved").textContent = "Saved.";
  });
});
