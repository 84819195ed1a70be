/* govgraph map: draws the embedded JSON with vis-network and wires the legend filters,
   search, tooltips and details panel.
   Safety: every string from the data is written with textContent or drawn on the canvas
   as a vis label; nothing is ever parsed as HTML (no innerHTML anywhere). */
(function () {
  "use strict";

  const started = performance.now();
  const data = JSON.parse(document.getElementById("govgraph-map-data").textContent);
  const N = data.nodes;
  const E = data.edges;
  const count = N.label.length;
  const groupOn = data.groups.map(function () { return true; });
  const kindOn = data.kinds.map(function () { return true; });
  const api = { data: data, drawn: false, drawnAt: null, stable: !data.physics, timings: { script: started } };
  window.govgraphMap = api;

  // --- DOM helpers -------------------------------------------------------------------
  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // --- adjacency ---------------------------------------------------------------------
  const adjacent = new Array(count);
  for (let i = 0; i < count; i++) adjacent[i] = [];
  for (let j = 0; j < E.from.length; j++) {
    adjacent[E.from[j]].push(j);
    if (E.to[j] !== E.from[j]) adjacent[E.to[j]].push(j);
  }

  // --- vis data ------------------------------------------------------------------------
  function darker(hex) {
    const v = parseInt(hex.slice(1), 16);
    const f = function (c) { return Math.max(0, Math.round(c * 0.7)); };
    const r = f(v >> 16), g = f((v >> 8) & 255), b = f(v & 255);
    return "#" + ((1 << 24) + (r << 16) + (g << 8) + b).toString(16).slice(1);
  }
  // Labels by importance: nodes ranked by weight; at the fitted overview only the top
  // ones are labelled, more as the user zooms in (see fitLabels below).
  const order = Array.from({ length: count }, function (_, i) { return i; });
  order.sort(function (a, b) { return N.w[b] - N.w[a] || a - b; });
  const rank = new Array(count);
  order.forEach(function (i, r) { rank[i] = r; });
  const allLabels = count <= 150 || data.shape === "box";

  // Colours travel as vis groups (one options object per legend entry, not per node), and
  // only labelled nodes carry a label: vis parses per-node options, and at 10,000 nodes
  // that parsing is most of the time to the first frame.
  const visGroups = {};
  data.groups.forEach(function (g, n) {
    const colour = {
      background: g.colour, border: darker(g.colour),
      highlight: { background: g.colour, border: "#000000" },
      hover: { background: g.colour, border: "#000000" }
    };
    visGroups["g" + n] = data.shape === "box" ? { color: colour, font: { color: g.text } } : { color: colour };
  });
  data.options.groups = visGroups;
  const visNodes = new Array(count);
  for (let i = 0; i < count; i++) {
    const node = { id: i, group: "g" + N.group[i] };
    if (N.x[i] !== null) { node.x = N.x[i]; node.y = N.y[i]; }
    if (data.shape !== "box") node.value = N.w[i];
    if (allLabels || rank[i] < 40) {
      node.label = N.label[i];
      if (data.shape !== "box") node.font = { size: 14 };
    }
    visNodes[i] = node;
  }
  const edgeCount = E.from.length;
  const visEdges = new Array(edgeCount);
  // Big maps: opaque pre-lightened colours (vis recomputes an rgba string per edge per
  // frame when opacity is set) and no arrowheads, which together save a third of a frame.
  const bigEdges = edgeCount > 3000;
  function lighter(hex, f) {
    const v = parseInt(hex.slice(1), 16);
    const mix = function (c) { return Math.round(c + (255 - c) * f); };
    const r = mix(v >> 16), g = mix((v >> 8) & 255), b = mix(v & 255);
    return "#" + ((1 << 24) + (r << 16) + (g << 8) + b).toString(16).slice(1);
  }
  const edgeStyle = data.kinds.map(function (k) {
    return {
      color: { color: lighter(k.colour, bigEdges ? 0.55 : 0.25), highlight: "#000000", hover: k.colour },
      arrows: k.directed && !bigEdges ? { to: { enabled: true, scaleFactor: 0.45 } } : undefined
    };
  });
  for (let j = 0; j < edgeCount; j++) {
    const style = edgeStyle[E.kind[j]];
    visEdges[j] = { id: j, from: E.from[j], to: E.to[j], color: style.color, arrows: style.arrows };
  }
  api.timings.prepared = performance.now();
  const nodes = new vis.DataSet(visNodes);
  const edges = new vis.DataSet(visEdges);
  const container = document.getElementById("map");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  api.network = network;
  api.timings.network = performance.now();
  api.nodes = nodes;
  api.edges = edges;

  network.once("afterDrawing", function () {
    api.drawn = true;
    api.drawnAt = performance.now();
    if (data.focus !== null) {
      network.selectNodes([data.focus]);
      if (data.kind === "landscape") focusNode(data.focus, false);
    }
  });
  // Readable labels at every zoom: a label is drawn at a steady on-screen size (16 px for
  // the most connected nodes, 12-13 px for the rest), and only the K most connected nodes
  // are labelled, K growing as the user zooms in from the fitted view; the others get a
  // font below vis's drawThreshold. (vis 9.1.9's scaling.label.maxVisible does not cap
  // zoomed-in labels.) Only nodes whose font changes are updated, once per zoom band.
  const bands = [1, 1.6, 3, 6, 12, 24];
  const labelled = [40, 160, 640, 2500, 10000, Infinity];
  let fitScale = null;
  let labelBand = -1;
  const font = visNodes.map(function (n) { return n.label ? 14 : 0; });
  function fitLabels() {
    if (data.shape === "box") return;
    const scale = network.getScale();
    if (fitScale === null) fitScale = scale;
    const z = scale / fitScale;
    let band = 0;
    while (band + 1 < bands.length && z >= bands[band + 1]) band++;
    if (band === labelBand) return;
    labelBand = band;
    const unit = fitScale * bands[band];
    const updates = [];
    for (let i = 0; i < count; i++) {
      const r = rank[i];
      let size = 1;
      if (allLabels || r < labelled[band]) {
        const px = r < 8 ? 16 : r < 40 ? 13 : 12;
        size = Math.round((px / unit) * 10) / 10;
      }
      if (size !== font[i]) {
        const update = { id: i, font: { size: size } };
        if (!font[i] && size > 1) update.label = N.label[i];
        font[i] = size;
        updates.push(update);
      }
    }
    if (updates.length) nodes.update(updates);
  }
  api.fitLabels = fitLabels;
  network.on("afterDrawing", fitLabels);
  network.on("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    api.stable = true;
  });

  // --- filters -----------------------------------------------------------------------
  function applyFilters() {
    const nodeUpdates = [];
    for (let i = 0; i < count; i++) {
      const hidden = !groupOn[N.group[i]];
      if (visNodes[i].hidden !== hidden) {
        visNodes[i].hidden = hidden;
        nodeUpdates.push({ id: i, hidden: hidden });
      }
    }
    const edgeUpdates = [];
    for (let j = 0; j < edgeCount; j++) {
      const hidden = !kindOn[E.kind[j]];
      if (visEdges[j].hidden !== hidden) {
        visEdges[j].hidden = hidden;
        edgeUpdates.push({ id: j, hidden: hidden });
      }
    }
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
  }
  const boxes = document.querySelectorAll("input[data-filter]");
  function sync() {
    boxes.forEach(function (box) {
      const on = box.dataset.filter === "group" ? groupOn : kindOn;
      on[Number(box.dataset.key)] = box.checked;
    });
    applyFilters();
  }
  boxes.forEach(function (box) { box.addEventListener("change", sync); });
  document.querySelectorAll("button[data-all], button[data-none]").forEach(function (button) {
    button.addEventListener("click", function () {
      const which = button.dataset.all || button.dataset.none;
      const value = Boolean(button.dataset.all);
      boxes.forEach(function (box) { if (box.dataset.filter === which) box.checked = value; });
      sync();
    });
  });
  function showGroup(g) {
    if (groupOn[g]) return;
    boxes.forEach(function (box) {
      if (box.dataset.filter === "group" && Number(box.dataset.key) === g) box.checked = true;
    });
    sync();
  }

  // --- cards (tooltip and details) -------------------------------------------------------
  function relationships(i, perKind) {
    const byVerb = new Map();
    adjacent[i].forEach(function (j) {
      if (!kindOn[E.kind[j]]) return;
      const k = data.kinds[E.kind[j]];
      const out = E.from[j] === i;
      const verb = out ? k.label : k.inverse;
      const other = out ? E.to[j] : E.from[j];
      if (!byVerb.has(verb)) byVerb.set(verb, []);
      byVerb.get(verb).push(other);
    });
    const lines = [];
    byVerb.forEach(function (others, verb) {
      const names = others.slice(0, perKind).map(function (o) { return N.label[o]; });
      const more = others.length - names.length;
      lines.push(verb + ": " + names.join("; ") + (more > 0 ? " (+" + more + " more)" : ""));
    });
    return lines;
  }
  function card(i, full) {
    const box = el("div", null, "card");
    box.appendChild(el("div", N.label[i], "name"));
    box.appendChild(el("div", data.typeLabels[N.type[i]], "type"));
    if (N.aliases[i].length) box.appendChild(el("div", "Also: " + N.aliases[i].join("; "), "aka"));
    const desc = N.desc[i];
    if (desc) box.appendChild(el("div", full || desc.length < 240 ? desc : desc.slice(0, 237) + "…", "desc"));
    N.notes[i].forEach(function (note) { box.appendChild(el("div", note, "note")); });
    const rels = relationships(i, full ? 60 : 3);
    if (rels.length) {
      const list = el("ul", null, "rels");
      rels.slice(0, full ? rels.length : 6).forEach(function (line) { list.appendChild(el("li", line)); });
      box.appendChild(list);
    }
    const srcs = N.src[i].map(function (s) { return data.sourceTitles[s]; });
    if (srcs.length) box.appendChild(el("div", "Sources: " + srcs.join("; "), "src"));
    if (full && N.url && typeof N.url[i] === "string" && /^\/id\/[a-z0-9][a-z0-9\/-]*$/.test(N.url[i])) {
      const link = el("a", "Open entity page");
      link.setAttribute("href", N.url[i]);
      box.appendChild(link);
    }
    if (!full) box.appendChild(el("div", "Click for details", "src"));
    return box;
  }
  function edgeCard(j) {
    const k = data.kinds[E.kind[j]];
    const box = el("div", null, "card");
    box.appendChild(el("div", N.label[E.from[j]] + " — " + k.label + " — " + N.label[E.to[j]], "name"));
    const when = [E.start[j] ? "from " + E.start[j] : "", E.end[j] ? "until " + E.end[j] : ""].join(" ").trim();
    if (when) box.appendChild(el("div", when, "type"));
    const srcs = E.src[j].map(function (s) { return data.sourceTitles[s]; });
    if (srcs.length) box.appendChild(el("div", "Sources: " + srcs.join("; "), "src"));
    return box;
  }

  const tooltip = document.getElementById("tooltip");
  function showTooltip(content, pointer) {
    clear(tooltip);
    tooltip.appendChild(content);
    tooltip.hidden = false;
    const rect = container.getBoundingClientRect();
    let left = rect.left + pointer.x + 14;
    let top = rect.top + pointer.y + 14;
    const w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    if (left + w > window.innerWidth - 4) left = Math.max(4, rect.left + pointer.x - w - 14);
    if (top + h > window.innerHeight - 4) top = Math.max(4, rect.top + pointer.y - h - 14);
    tooltip.style.left = left + "px";
    tooltip.style.top = top + "px";
  }
  function hideTooltip() { tooltip.hidden = true; clear(tooltip); }
  network.on("hoverNode", function (p) { showTooltip(card(p.node, false), p.pointer.DOM); });
  network.on("blurNode", hideTooltip);
  network.on("hoverEdge", function (p) { showTooltip(edgeCard(p.edge), p.pointer.DOM); });
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  const details = document.getElementById("details");
  function showDetails(i) {
    clear(details);
    const close = el("button", "×", "close");
    close.type = "button";
    close.setAttribute("aria-label", "Close details");
    close.addEventListener("click", function () { details.hidden = true; network.unselectAll(); });
    details.appendChild(close);
    details.appendChild(card(i, true));
    details.hidden = false;
  }
  network.on("click", function (p) {
    hideTooltip();
    if (p.nodes.length) showDetails(p.nodes[0]);
    else details.hidden = true;
  });

  // --- search ------------------------------------------------------------------------
  function norm(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  const names = [];
  for (let i = 0; i < count; i++) {
    names.push([norm(N.label[i]), i, null]);
    N.aliases[i].forEach(function (a) { names.push([norm(a), i, a]); });
  }
  function search(query, limit) {
    const q = norm(query);
    if (!q) return [];
    const best = new Map();
    for (let n = 0; n < names.length; n++) {
      const entry = names[n];
      const at = entry[0].indexOf(q);
      if (at < 0) continue;
      let score = entry[0] === q ? 0 : at === 0 ? 1 : entry[0].charAt(at - 1) === " " ? 2 : 3;
      if (entry[2] !== null) score += 0.5;
      const old = best.get(entry[1]);
      if (!old || score < old.score) best.set(entry[1], { node: entry[1], score: score, alias: entry[2] });
    }
    return Array.from(best.values()).sort(function (a, b) {
      return a.score - b.score || N.label[a.node].length - N.label[b.node].length ||
        (N.label[a.node] < N.label[b.node] ? -1 : 1);
    }).slice(0, limit || 12);
  }
  function focusNode(i, animate) {
    showGroup(N.group[i]);
    network.selectNodes([i]);
    network.focus(i, {
      scale: Math.max(network.getScale(), 0.9),
      animation: animate === false ? false : { duration: 450, easingFunction: "easeInOutQuad" }
    });
    showDetails(i);
    api.focused = i;
  }
  api.search = search;
  api.focusNode = focusNode;
  api.selectedLabels = function () {
    return network.getSelectedNodes().map(function (i) { return N.label[i]; });
  };

  const input = document.getElementById("map-search");
  const results = document.getElementById("map-results");
  let shown = [];
  let active = 0;
  function renderResults() {
    clear(results);
    if (!input.value.trim()) { results.hidden = true; return; }
    if (!shown.length) {
      results.appendChild(el("li", "No match", "empty"));
    }
    shown.forEach(function (r, n) {
      const item = el("li", N.label[r.node]);
      item.setAttribute("role", "option");
      if (n === active) item.className = "active";
      const sub = data.typeLabels[N.type[r.node]] + (r.alias ? " · also " + r.alias : "");
      item.appendChild(el("span", sub, "sub"));
      item.addEventListener("mousedown", function (ev) {
        ev.preventDefault();
        choose(n);
      });
      results.appendChild(item);
    });
    results.hidden = false;
  }
  function choose(n) {
    if (!shown[n]) return;
    focusNode(shown[n].node);
    results.hidden = true;
  }
  input.addEventListener("input", function () {
    shown = search(input.value);
    active = 0;
    renderResults();
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); shown = search(input.value); choose(active); }
    else if (ev.key === "ArrowDown") { ev.preventDefault(); active = Math.min(active + 1, shown.length - 1); renderResults(); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); active = Math.max(active - 1, 0); renderResults(); }
    else if (ev.key === "Escape") { results.hidden = true; }
  });
  input.addEventListener("blur", function () { results.hidden = true; });
})();
