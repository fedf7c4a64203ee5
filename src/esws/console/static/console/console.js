// The sync page: start a sync without leaving the page, and follow it by
// short polling of the status URL (one request a second while it runs).
(function () {
  "use strict";

  const root = document.getElementById("console");
  if (!root) {
    return;
  }
  const statusUrl = root.dataset.statusUrl;
  const idleMs = Number(root.dataset.idleSeconds) * 1000;
  const form = document.getElementById("sync-form");
  const submit = form && form.querySelector("button[type=submit]");
  const formError = document.getElementById("form-error");
  const toast = document.getElementById("toast");
  const ACTIVE = ["queued", "running"];
  const POLL_MS = 1000;
  let pollTimer = 0;
  let idleTimer = 0;

  // The server ended the session (idle, Done elsewhere, another link): the
  // page itself then says so.
  function sessionEnded() {
    window.location.reload();
  }

  // After the idle time without a request, ask once: the answer ends the page.
  function armIdleCheck() {
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(function () {
      call(statusUrl).catch(function () {});
    }, idleMs + 2000);
  }

  async function call(url, options) {
    const response = await fetch(url, Object.assign({
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    }, options));
    armIdleCheck();
    if (response.status === 403) {
      sessionEnded();
      return null;
    }
    return { status: response.status, body: await response.json() };
  }

  function setBusy(busy) {
    if (submit) {
      submit.disabled = busy;
    }
  }

  function showError(text) {
    if (formError) {
      formError.textContent = text;
      formError.hidden = !text;
    }
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function render(status) {
    if (status.state === "idle") {
      return;
    }
    toast.className = "toast toast--" + status.state;
    toast.querySelector(".toast__title").textContent = status.title;
    toast.querySelector(".toast__message").textContent = status.message;
    const list = toast.querySelector(".toast__terminals");
    list.replaceChildren.apply(list, status.terminals.map(function (terminal) {
      const line = element("li", "term term--" + terminal.status);
      line.append(element("span", "term__name", terminal.name));
      line.append(element("span", "term__text", terminal.text));
      return line;
    }));
    toast.hidden = false;
  }

  function poll() {
    window.clearTimeout(pollTimer);
    pollTimer = window.setTimeout(async function () {
      let answer;
      try {
        answer = await call(statusUrl);
      } catch (error) {
        poll(); // the network hiccuped: try again
        return;
      }
      if (!answer) {
        return;
      }
      render(answer.body);
      if (ACTIVE.includes(answer.body.state)) {
        poll();
      } else {
        setBusy(false);
      }
    }, POLL_MS);
  }

  if (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      setBusy(true);
      showError("");
      let answer;
      try {
        answer = await call(form.action, { method: "POST", body: new FormData(form) });
      } catch (error) {
        setBusy(false);
        showError("The server could not be reached. Try again.");
        return;
      }
      if (!answer) {
        return;
      }
      if (answer.body.error) {
        showError(answer.body.error);
        setBusy(false);
        return;
      }
      render(answer.body);
      poll();
    });
  }

  toast.querySelector(".toast__close").addEventListener("click", function () {
    toast.hidden = true;
  });

  if (ACTIVE.includes(root.dataset.state)) {
    setBusy(true);
    poll();
  }
  armIdleCheck();
})();
