/* Cercle's own behaviour, on top of htmx: @mention autocomplete in text areas,
   resetting a composer after a successful post, and live updates (Server-Sent
   Events). No framework, no build. */

/* Live updates. The page opens one EventSource on <body data-events-url> and
   turns its events into DOM events on <body> that htmx elements listen to:
   "cercle:notifications" (the bell, the notifications list) and "cercle:feed"
   (the "N new posts" indicator). While the stream is down (no EventSource,
   or the stream refused), slow polls stand in: "cercle:poll-notifications"
   every minute and "cercle:poll-feed" every 30 seconds, dispatched here
   rather than written as htmx trigger filters, which htmx would have to
   eval (the Content-Security-Policy forbids it). */
(function () {
  "use strict";

  var live = false;
  window.cercleLive = function () { return live; };
  function poll(name, every) {
    setInterval(function () {
      if (!live && document.body) document.body.dispatchEvent(new CustomEvent(name));
    }, every);
  }
  poll("cercle:poll-notifications", 60000);
  poll("cercle:poll-feed", 30000);

  function start() {
    var body = document.body;
    var url = body && body.dataset.eventsUrl;
    if (!url || !window.EventSource) return;
    var lastId = "";
    var first = true;

    function announce(text) {
      var status = document.getElementById("live-status");
      if (!status || !text) return;
      status.textContent = "";
      setTimeout(function () { status.textContent = text; }, 50);
    }

    function connect(resumeFrom) {
      var source = new EventSource(resumeFrom ? url + "?last_event_id=" + encodeURIComponent(resumeFrom) : url);
      source.onopen = function () { live = true; };
      source.addEventListener("notifications", function (e) {
        if (e.lastEventId) lastId = e.lastEventId;
        var data = {};
        try { data = JSON.parse(e.data); } catch (err) { return; }
        var fresh = data.notifications || [];
        var initial = first && !resumeFrom;
        first = false;
        if (initial) {
          // The stream is up: catch what came between the page and the stream.
          body.dispatchEvent(new CustomEvent("cercle:feed"));
          var badge = document.getElementById("notification-badge");
          var shown = badge && badge.dataset.unread;
          if (!fresh.length && (shown === undefined || shown === String(data.unread))) return;
        }
        body.dispatchEvent(new CustomEvent("cercle:notifications", { detail: data }));
        if (fresh.length) announce(fresh[fresh.length - 1].text);
      });
      source.addEventListener("feed", function () {
        body.dispatchEvent(new CustomEvent("cercle:feed"));
      });
      source.onerror = function () {
        // Polls resume until the stream is back. The browser reconnects by
        // itself (sending Last-Event-ID) unless the stream was refused or is
        // not served here (a WSGI server): then try again in a minute.
        live = false;
        if (source.readyState === EventSource.CLOSED) {
          setTimeout(function () { connect(lastId); }, 60000);
        }
      };
    }

    connect("");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

(function () {
  "use strict";

  var MENTION = /(^|[^\w@])@([\w.\-]{1,40})$/;

  function setupMentions(area) {
    if (area.dataset.mentionsReady) return;
    area.dataset.mentionsReady = "1";
    var url = area.dataset.mentionUrl;
    var list = document.createElement("ul");
    list.className = "mention-list";
    list.id = area.id + "-mentions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", area.dataset.mentionLabel || "Suggestions");
    list.hidden = true;
    area.insertAdjacentElement("afterend", list);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", list.id);
    var active = -1;
    var pending = null;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      active = -1;
      area.removeAttribute("aria-activedescendant");
    }

    function choose(option) {
      var before = area.value.slice(0, area.selectionStart);
      var after = area.value.slice(area.selectionStart);
      var match = before.match(MENTION);
      if (!match) return close();
      var start = before.length - match[2].length - 1;
      var insert = "@" + option.dataset.handle + " ";
      area.value = before.slice(0, start) + insert + after;
      var caret = start + insert.length;
      area.setSelectionRange(caret, caret);
      close();
      area.focus();
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      area.setAttribute("aria-activedescendant", options[active].id);
    }

    area.addEventListener("input", function () {
      var before = area.value.slice(0, area.selectionStart);
      var match = before.match(MENTION);
      if (!match) return close();
      var term = match[2];
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(term), { signal: pending.signal, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (people) {
          list.innerHTML = "";
          people.forEach(function (p, i) {
            var li = document.createElement("li");
            li.id = list.id + "-" + i;
            li.setAttribute("role", "option");
            li.dataset.handle = p.handle;
            li.textContent = p.name + " — @" + p.handle + (p.job_title ? " · " + p.job_title : "");
            li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(li); });
            list.appendChild(li);
          });
          list.hidden = people.length === 0;
          if (people.length) highlight(0);
        })
        .catch(function () {});
    });

    area.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Enter" || e.key === "Tab") {
        var options = list.querySelectorAll("[role=option]");
        if (active >= 0 && options[active]) { e.preventDefault(); choose(options[active]); }
      } else if (e.key === "Escape") { close(); }
    });
    area.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function init(root) {
    root.querySelectorAll("textarea[data-mention-url]").forEach(setupMentions);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();

/* File uploads that show their progress (forms marked data-upload): the form is sent
   by XMLHttpRequest so that a <progress> inside it follows the bytes.  On success the
   server answers 201 with the page to open (Location); on an error, its page replaces
   <main> (the form with its messages).  Without JavaScript the form posts as usual. */
(function () {
  "use strict";

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload")) return;
    var input = form.querySelector("input[type=file]");
    if (!input || !input.files || !input.files.length || !window.FormData) return;
    e.preventDefault();
    var bar = form.querySelector("progress");
    var button = form.querySelector("button[type=submit]");
    if (bar) { bar.hidden = false; bar.value = 0; }
    if (button) button.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Cercle-Upload", "1");
    xhr.upload.addEventListener("progress", function (ev) {
      if (bar && ev.lengthComputable) bar.value = ev.loaded / ev.total;
    });
    xhr.addEventListener("load", function () {
      var next = xhr.getResponseHeader("Location");
      if (xhr.status === 201 && next) { window.location.assign(next); return; }
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var fresh = page.querySelector("main");
      var main = document.querySelector("main");
      if (fresh && main) {
        main.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
        var error = fresh.querySelector(".errorlist, .has-error");
        if (error) error.scrollIntoView({ block: "center" });
      } else {
        form.submit();
      }
    });
    xhr.addEventListener("error", function () {
      if (button) button.disabled = false;
      if (bar) bar.hidden = true;
      var note = form.querySelector(".upload-failed") || document.createElement("p");
      note.className = "errorlist upload-failed";
      note.setAttribute("role", "alert");
      note.textContent = form.getAttribute("data-upload-failed") || "";
      form.appendChild(note);
    });
    xhr.send(new FormData(form));
  });
})();

/* "Link a library document" (documents/_link_picker.html): a chosen document's link is
   written into the text of the form it sits in, where the cursor is. */
(function () {
  "use strict";

  document.addEventListener("click", function (e) {
    var button = e.target instanceof Element ? e.target.closest("[data-insert]") : null;
    if (!button) return;
    var form = button.closest("form");
    var text = form ? form.querySelector("textarea[name=body]") : null;
    if (!text) return;
    var link = button.getAttribute("data-insert") || "";
    var start = text.selectionStart || 0;
    var end = text.selectionEnd || 0;
    var before = text.value.slice(0, start);
    var spaced = (before && !/\s$/.test(before) ? " " : "") + link + " ";
    text.value = before + spaced + text.value.slice(end);
    var caret = start + spaced.length;
    text.focus();
    text.setSelectionRange(caret, caret);
    var picker = button.closest("details");
    if (picker) picker.open = false;
  });
})();
