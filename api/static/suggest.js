// Suggestions under the header's search box, as you type: the site's own search (the
// /search page's JSON twin), so the box, the page and GraphQL search agree. Links only;
// Enter still submits the form to the full results page.
(function () {
  "use strict";
  var input = document.getElementById("site-search");
  if (!input || !window.fetch) { return; }
  var form = input.form;
  var list = document.createElement("ul");
  var status = document.createElement("p");
  list.id = "site-search-suggestions";
  list.className = "gg-suggestions";
  list.hidden = true;
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  input.setAttribute("aria-describedby", status.id = "site-search-status");
  form.appendChild(list);
  form.appendChild(status);
  var timer = null;
  var latest = 0;

  function close() {
    list.hidden = true;
    list.replaceChildren();
  }

  function item(hit) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    var kind = document.createElement("span");
    a.href = hit.href;
    a.textContent = hit.name;
    kind.className = "gg-small";
    kind.textContent = " " + hit.kind + (hit.matched !== hit.name ? " (" + hit.matched + ")" : "");
    a.appendChild(kind);
    li.appendChild(a);
    return li;
  }

  function suggest() {
    var q = input.value.trim();
    var ticket = ++latest;
    if (q.length < 2) { close(); status.textContent = ""; return; }
    fetch("/search?format=json&first=8&q=" + encodeURIComponent(q), {
      headers: { Accept: "application/json" },
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data || ticket !== latest) { return; }
      list.replaceChildren.apply(list, data.hits.map(item));
      list.hidden = data.hits.length === 0;
      status.textContent = data.hits.length === 0 ? "No suggestions" :
        data.hits.length + " suggestions: press the down arrow to choose one" +
        (data.didYouMean ? ", closest spelling " + data.didYouMean : "");
    }).catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
  form.addEventListener("keydown", function (event) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && links.length) {
      links[Math.min(at + 1, links.length - 1)].focus();
      event.preventDefault();
    } else if (event.key === "ArrowUp" && at >= 0) {
      (at === 0 ? input : links[at - 1]).focus();
      event.preventDefault();
    } else if (event.key === "Escape") {
      close();
      input.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) { close(); }
  });
})();
