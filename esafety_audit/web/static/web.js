// esafety-audit serve: save each answer as soon as it is given, without a page load.
// The project's own script, no framework. Without it the page's Save button does the
// same through a plain form post. Saves go one at a time, each naming the version of
// the file it was made from, so that a file changed elsewhere is never overwritten.
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form || !window.fetch || !window.FormData) return;
  var queue = Promise.resolve();
  var pending = 0;  // saves asked for and not yet answered

  function track(change) {
    pending += change;
    form.setAttribute("data-pending", String(pending));
  }
  var version = form.querySelector("input[name=version]");
  var conflict = document.getElementById("conflict");
  var note = document.querySelector("[data-status=note]");

  function fieldsOf(section) {
    var data = new FormData();
    data.append("csrf", form.querySelector("input[name=csrf]").value);
    data.append("version", version.value);
    section.querySelectorAll("input, textarea").forEach(function (el) {
      if (!el.name) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data.append(el.name, el.value);
    });
    return data;
  }

  function showErrors(section, errors) {
    var qid = section.getAttribute("data-q");
    section.querySelectorAll("[data-error]").forEach(function (p) {
      var letter = p.getAttribute("data-error");
      var message = errors[letter + "-" + qid] || "";
      p.textContent = message;
      var controls = letter === "v"
        ? section.querySelectorAll("[name='v:" + qid + "']")
        : section.querySelectorAll("[name='" + letter + ":" + qid + "']");
      controls.forEach(function (el) {
        if (message) el.setAttribute("aria-invalid", "true");
        else el.removeAttribute("aria-invalid");
      });
    });
  }

  function showStatus(status, answered) {
    ["answered", "judgement", "safeguarding"].forEach(function (key) {
      var el = document.querySelector("[data-status=" + key + "]");
      if (el) el.textContent = status[key];
    });
    var inPart = 0;
    document.querySelectorAll("section.question").forEach(function (s) {
      var qid = s.getAttribute("data-q");
      if (qid in answered) {
        s.querySelector("[data-state]").textContent = answered[qid] ? "Answered" : "Not answered yet";
        var left = document.querySelector("[data-left='" + qid + "']");
        if (left) left.hidden = answered[qid];
      }
      if (s.querySelector("[data-state]").textContent === "Answered") inPart += 1;
    });
    var count = document.querySelector("[data-part-answered]");
    if (count) count.textContent = inPart;
    var bar = document.querySelector("[data-part-progress]");
    if (bar) bar.value = inPart;
  }

  function save(section) {
    var data = fieldsOf(section);
    return fetch(form.getAttribute("data-save"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return [response.status, body]; });
    }).then(function (pair) {
      var status = pair[0], body = pair[1];
      if (body.failed) {
        note.textContent = body.failed;
        return;
      }
      if (status === 409) {
        conflict.textContent = body.conflict;
        conflict.hidden = false;
        var theirs = body.theirs || {};
        var qid = section.getAttribute("data-q");
        showErrors(section, {});
        var err = section.querySelector("[data-error=v]");
        err.textContent = "Not saved: the file was changed elsewhere. In the file now: " +
          (theirs[qid] || "no answer") + ". Your answer is kept here; reload to carry on.";
        return;
      }
      version.value = body.version;
      showErrors(section, body.errors || {});
      showStatus(body.status, body.answered || {});
      note.textContent = status === 200
        ? (body.saved ? "Saved." : "")
        : "Not saved: the reason is beside the answer.";
    }).catch(function () {
      note.textContent = "Not saved: the app did not answer. Is it still running? Use the Save button.";
    });
  }

  form.addEventListener("change", function (event) {
    var el = event.target;
    var section = el.closest("section.question");
    if (!section) return;
    var qid = section.getAttribute("data-q");
    // A "never / no record" choice empties the value box; a value typed clears it.
    if (el.name === "x:" + qid && el.value) {
      var box = section.querySelector("input[name='v:" + qid + "'][type=text], input[name='v:" + qid + "'][type=date]");
      if (box) box.value = "";
    } else if (el.name === "v:" + qid && el.value && (el.type === "text" || el.type === "date")) {
      var given = section.querySelector("input[name='x:" + qid + "'][value='']");
      if (given) given.checked = true;
    }
    if (el.type === "checkbox" && el.checked) {
      section.querySelectorAll("input[type=checkbox][name='v:" + qid + "']").forEach(function (box) {
        if (box !== el && (el.value === "__none__" || box.value === "__none__")) box.checked = false;
      });
    }
    track(1);
    queue = queue.then(function () { return save(section); }).then(function () { track(-1); });
  });

  // A link followed while an answer is still being saved waits for the save first;
  // closing the tab then asks first.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || !pending || link.getAttribute("href").charAt(0) === "#") return;
    event.preventDefault();
    queue.then(function () { window.location.href = link.href; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (pending) event.preventDefault();
  });
  track(0);
})();
