// The blog's one script, and only an enhancement: every page works without it, except the
// live preview on the write-blog page and the confirm-then-delete buttons of the manage pages.
"use strict";

// POST `data` as JSON; resolve to the JSON answer, or reject with the server's message.
async function postJSON(url, data) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(data),
    credentials: "same-origin",
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): fall back to the status line below.
  }
  if (!response.ok) {
    throw new Error((body && body.message) || `${response.status} ${response.statusText}`);
  }
  return body;
}

// Show an error in the page's [data-js-error] box, or in an alert when the page has none.
function showError(message) {
  const box = document.querySelector("[data-js-error]");
  if (!box) {
    window.alert(message);
    return;
  }
  box.textContent = message;
  box.hidden = false;
}

// Call `fn` once typing has paused for `wait` milliseconds, not on every key.
function debounce(fn, wait) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

// <textarea data-preview-target="ID">: render its markdown into #ID, through the server.
// The server sanitises the HTML; that is why it is safe to insert it as it comes back.
function setUpPreview(textarea) {
  const pane = document.getElementById(textarea.dataset.previewTarget);
  if (!pane) return;
  let latest = 0;
  const refresh = async () => {
    const asked = ++latest;
    try {
      const { html } = await postJSON(pane.dataset.previewUrl, { text: textarea.value });
      if (asked === latest) pane.innerHTML = html; // an older, slower answer must not win
    } catch (error) {
      if (asked === latest) pane.textContent = `Preview unavailable: ${error.message}`;
    }
  };
  textarea.addEventListener("input", debounce(refresh, 300));
  if (textarea.value.trim()) refresh();
}

// <button data-delete-url="URL" data-confirm="Question?">: ask, POST to URL, drop the row.
function setUpDelete(button) {
  button.hidden = false; // hidden in the HTML: without this script it could do nothing
  button.addEventListener("click", async () => {
    if (!window.confirm(button.dataset.confirm || "Delete this?")) return;
    button.disabled = true;
    try {
      await postJSON(button.dataset.deleteUrl, {});
      const row = button.closest("tr");
      if (row) row.remove();
      else window.location.reload();
    } catch (error) {
      button.disabled = false;
      showError(`Could not delete: ${error.message}`);
    }
  });
}

document.querySelectorAll("textarea[data-preview-target]").forEach(setUpPreview);
document.querySelectorAll("[data-delete-url]").forEach(setUpDelete);
