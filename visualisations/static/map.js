/* govgraph map: draws the embedded JSON with vis-network and wires the legend filters,
   search, tooltips and details panel.
   Safety: every string from the data is written with textContent or drawn on the canvas
   as a vis label; nothing is ever parsed as HTML (no innerHTML anywhere). */
(function () {
  "use strict";

function main() {
  const started = performance.now();
  const data = window.govgraphMapData || JSON.parse(document.getElementById("govgraph-map-data").textContent);
  const N = data.nodes;
  const E = data.edges;
  const count = N.label.length;
  const groupOn = data.groups.map(function () { return true; });
  const kindOn = data.kinds.map(function () { return true; });
  const api = { data: data, drawn: false, drawnAt: null, stable: !data.physics, timings: { script: started } };
  window.govgraphMap = api;
  let restoring = true;  // no URL writes until the state in the URL has been applied

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
  order.sort(function (a, b) {
    return (b === data.focus) - (a === data.focus) || N.w[b] - N.w[a] || a - b;
  });
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
    if (allLabels || rank[i] < 80 || i === data.focus) {
      node.label = N.label[i];
      if (data.shape !== "box") node.font = { size: 14 };
    }
    if (i === data.focus) node.borderWidth = 4;
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
    if (data.focus !== null && (E.from[j] === data.focus || E.to[j] === data.focus)) {
      visEdges[j].width = 2.5;  // the focus's direct lines stand out
      visEdges[j].color = { color: data.kinds[E.kind[j]].colour, highlight: "#000000", hover: "#000000" };
    }
  }
  // A hub's hundreds of lines drawn black on selection would hide the map: emphasise the
  // focus's own lines only when there are few of them.
  const hubby = data.focus !== null && adjacent[data.focus].length > 30;
  if (hubby) {
    data.options.interaction.selectConnectedEdges = false;
    adjacent[data.focus].forEach(function (j) { visEdges[j].width = 1; visEdges[j].color = edgeStyle[E.kind[j]].color; });
  }
  // --- clusters: a hub's long tail as one node that opens on click -----------------------
  // Decided in Python (visualisations/clusters.py) and laid out collapsed. A cluster's
  // members are not given to vis until it opens (so a hub's map draws its first frame from
  // a hundred nodes, not thousands); opened, they sit around the cluster's place and a
  // "close" box takes its centre.
  const clusters = data.clusters || [];
  const memberOf = new Map();
  const clusterOpen = clusters.map(function () { return false; });
  clusters.forEach(function (c, k) { c.members.forEach(function (m) { memberOf.set(m, k); }); });
  const clusterIndex = new Map(clusters.map(function (c, k) { return [c.id, k]; }));
  const memberEdges = clusters.map(function () { return []; });
  for (let j = 0; j < edgeCount; j++) {
    const k = memberOf.has(E.from[j]) ? memberOf.get(E.from[j]) : memberOf.get(E.to[j]);
    if (k !== undefined) memberEdges[k].push(j);
  }
  const nodePresent = new Uint8Array(count);
  const edgePresent = new Uint8Array(edgeCount);
  function clusterFont() { return fitScale ? Math.round((14 / (fitScale * bands[Math.max(labelBand, 0)])) * 10) / 10 : 14; }
  function placeholder(k) {
    const c = clusters[k];
    return {
      id: c.id, label: c.label, group: "g" + c.group, x: (c.at || c).x, y: (c.at || c).y, shape: "dot",
      value: Math.max.apply(null, N.w) + 1, borderWidth: 3, font: { size: clusterFont() },
      shapeProperties: { borderDashes: [4, 3] }
    };
  }
  function placeholderEdges(k) {
    const c = clusters[k];
    const seen = new Map();
    memberEdges[k].forEach(function (j) {
      const other = memberOf.get(E.from[j]) === k ? E.to[j] : E.from[j];
      if (memberOf.has(other)) return;  // a member of another cluster: drawn when both open
      const key = other + "/" + E.kind[j];
      if (!seen.has(key)) {
        const out = E.from[j] === other;
        seen.set(key, {
          id: "ce-" + k + "-" + seen.size, from: out ? other : c.id, to: out ? c.id : other,
          color: edgeStyle[E.kind[j]].color, arrows: edgeStyle[E.kind[j]].arrows,
          width: 2, hidden: !kindOn[E.kind[j]]
        });
      }
    });
    return Array.from(seen.values());
  }
  const shownEdges = {};
  function closeCluster(k) {
    const c = clusters[k];
    if (!clusterOpen[k] && nodes.get(c.id)) return;
    const gone = memberEdges[k].filter(function (j) { return edgePresent[j]; });
    gone.forEach(function (j) { edgePresent[j] = 0; });
    edges.remove(gone);
    nodes.remove(c.members.concat(["close-" + c.id]));
    c.members.forEach(function (m) { nodePresent[m] = 0; });
    nodes.add(placeholder(k));
    shownEdges[k] = placeholderEdges(k);
    edges.add(shownEdges[k]);
    clusterOpen[k] = false;
    api.firstFrameNodes = network.body.nodeIndices.length;
    writeState();
  }
  function openCluster(k) {
    const c = clusters[k];
    if (clusterOpen[k]) return;
    // the members ring the cluster where it now is (physics may have moved it)
    const at = network.getPositions([c.id])[c.id] || { x: c.x, y: c.y };
    c.at = at;
    edges.remove((shownEdges[k] || []).map(function (e) { return e.id; }));
    nodes.remove(c.id);
    nodes.add(c.members.map(function (m) {
      nodePresent[m] = 1;
      visNodes[m].x = N.x[m] - c.x + at.x;
      visNodes[m].y = N.y[m] - c.y + at.y;
      return visNodes[m];
    }));
    const back = memberEdges[k].filter(function (j) { return nodePresent[E.from[j]] && nodePresent[E.to[j]]; });
    back.forEach(function (j) { edgePresent[j] = 1; });
    edges.add(back.map(function (j) { return visEdges[j]; }));
    nodes.add({
      id: "close-" + c.id, label: "close: " + c.label, x: at.x, y: at.y, shape: "box",
      color: { background: "#ffffff", border: "#333333" }, font: { size: clusterFont(), color: "#1b1b1b" },
      borderWidth: 2, physics: false
    });
    clusterOpen[k] = true;
    network.fit({ nodes: c.members.concat([c.hub]), animation: false });
    writeState();
  }
  // vis gets the nodes outside clusters, a node per cluster and their lines
  const firstNodes = [];
  for (let i = 0; i < count; i++) if (!memberOf.has(i)) { nodePresent[i] = 1; firstNodes.push(visNodes[i]); }
  const firstEdges = [];
  for (let j = 0; j < edgeCount; j++) {
    if (nodePresent[E.from[j]] && nodePresent[E.to[j]]) { edgePresent[j] = 1; firstEdges.push(visEdges[j]); }
  }
  let fitScale = null;
  let labelBand = -1;
  const bands = [1, 1.6, 3, 6, 12, 24];
  clusters.forEach(function (_, k) {
    firstNodes.push(placeholder(k));
    shownEdges[k] = placeholderEdges(k);
    Array.prototype.push.apply(firstEdges, shownEdges[k]);
  });
  api.timings.prepared = performance.now();
  const nodes = new vis.DataSet(firstNodes);
  const edges = new vis.DataSet(firstEdges);
  const container = document.getElementById("map");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  api.network = network;
  // Fitted before the first frame (one draw fewer on a big map), with room at the edges
  // for the outermost labels (vis fits the nodes, not their labels).
  if (!data.physics && count > 0) {
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.92, animation: false });
  }
  api.timings.network = performance.now();
  api.nodes = nodes;
  api.edges = edges;
  // updates reach vis only for what it holds; the rest waits in visNodes / visEdges
  function updateNodes(list) {
    const live = [];
    list.forEach(function (u) {
      Object.assign(visNodes[u.id], u);
      if (nodePresent[u.id]) live.push(u);
    });
    if (live.length) nodes.update(live);
  }
  // Font and label changes (the zoom bands, the collision pass) go straight to vis's nodes:
  // a DataSet update re-derives every node's and edge's state (value range, clusters,
  // visible sets), a second or more per pass on a 10,000-node map, where a label's font
  // needs none of it. vis applies a later DataSet update as a delta, so nothing reverts them.
  function updateFonts(list) {
    const body = network.body;
    list.forEach(function (u) {
      Object.assign(visNodes[u.id], u);
      const node = nodePresent[u.id] ? body.nodes[u.id] : null;
      if (node) node.setOptions(u);
    });
    if (list.length) network.body.emitter.emit("_requestRedraw");  // drawn next frame
  }
  function updateEdges(list) {
    const live = list.filter(function (u) { visEdges[u.id].hidden = u.hidden; return edgePresent[u.id]; });
    if (live.length) edges.update(live);
    clusters.forEach(function (_, k) {
      if (clusterOpen[k] || !shownEdges[k]) return;
      const placed = placeholderEdges(k);
      edges.update(placed.map(function (e) { return { id: e.id, hidden: e.hidden }; }));
    });
  }
  api.clusters = clusters;
  api.openCluster = openCluster;
  api.closeCluster = closeCluster;
  api.clusterOpen = clusterOpen;

  // The first frame counts once the labels are placed without collisions (placeLabels).
  network.once("afterDrawing", function () {
    api.firstDrawAt = performance.now();
    if (data.focus !== null) {
      network.selectNodes([data.focus], adjacent[data.focus].length <= 30);
      if (data.kind === "landscape") focusNode(data.focus, false);
    }
  });
  // Readable labels at every zoom: a label is drawn at a steady on-screen size (16 px for
  // the most connected nodes, 12-13 px for the rest), and only the K most connected nodes
  // are labelled, K growing as the user zooms in from the fitted view; the others get a
  // font below vis's drawThreshold. (vis 9.1.9's scaling.label.maxVisible does not cap
  // zoomed-in labels.) Only nodes whose font changes are updated, once per zoom band.
  const labelled = [80, 200, 640, 2500, 10000, Infinity];
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
    suppressed.clear();
    const unit = fitScale * bands[band];
    const updates = [];
    for (let i = 0; i < count; i++) {
      const r = rank[i];
      let size = 1;
      if ((allLabels || r < labelled[band] || i === data.focus) && !suppressed.has(i)) {
        const px = r < 8 ? 16 : r < 40 ? 13 : 12;
        size = Math.round((px / unit) * 10) / 10;
      }
      if (size !== font[i] && !(font[i] === 0 && size === 1)) {  // unlabelled stays so
        const update = { id: i, font: { size: size } };
        if (!font[i] && size > 1) update.label = N.label[i];
        font[i] = size;
        updates.push(update);
      }
    }
    if (updates.length) updateFonts(updates);
    clusters.forEach(function (c, k) {
      const id = clusterOpen[k] ? "close-" + c.id : c.id;
      if (nodes.get(id)) nodes.update({ id: id, font: { size: clusterFont() } });
    });
  }
  api.fitLabels = fitLabels;

  // Labels without collisions: after each draw, the labels vis drew are taken in order of
  // importance (the focus, clusters, then the most connected) and one whose box overlaps a
  // label already kept is hidden until the next zoom band; its name stays on hover.
  const suppressed = new Set();
  function priority(id) {
    if (id === data.focus) return -3;
    if (typeof id === "string") return -2;
    return rank[id];
  }
  function labelBoxes() {
    const out = [];
    const body = network.body;
    body.nodeIndices.forEach(function (id) {
      const node = body.nodes[id];
      if (!node || node.options.hidden || !node.labelModule || !node.labelModule.visible()) return;
      const z = node.labelModule.size;
      out.push({ id: id, left: z.left, top: z.top, right: z.left + z.width, bottom: z.top + z.height });
    });
    return out;
  }
  api.labelBoxes = function () {
    return labelBoxes().map(function (b) {
      const a = network.canvasToDOM({ x: b.left, y: b.top });
      const c = network.canvasToDOM({ x: b.right, y: b.bottom });
      return { id: b.id, label: typeof b.id === "number" ? N.label[b.id] : String(b.id), left: a.x, top: a.y, right: c.x, bottom: c.y };
    });
  };
  function placeLabels() {
    if (data.shape === "box") return false;
    const gap = 6 / network.getScale();  // screen pixels between labels
    const kept = [];
    const hide = [];
    labelBoxes().sort(function (a, b) { return priority(a.id) - priority(b.id); }).forEach(function (b) {
      const hit = kept.some(function (k) {
        return b.left < k.right + gap && k.left < b.right + gap && b.top < k.bottom + gap && k.top < b.bottom + gap;
      });
      if (hit && typeof b.id === "number") hide.push(b.id);
      else kept.push(b);
    });
    if (!hide.length) return false;
    updateFonts(hide.map(function (i) { suppressed.add(i); font[i] = 1; return { id: i, font: { size: 1 } }; }));
    return true;
  }
  api.placeLabels = placeLabels;
  api.labelsSettled = false;
  // A map laid out in Python is already fitted: its zoom band's fonts are set before the
  // first draw, so that draw shows the labels and the collision pass has only to hide.
  if (!data.physics && count > 0) fitLabels();
  // Once the layout has settled: if a label runs past the canvas (vis fits the nodes, so a
  // long name at the edge is cut off), zoom out once to hold every label and node in view;
  // that view is then the overview the zoom bands count from.
  let labelsFitted = false;
  function fitToLabels() {
    if (labelsFitted || !api.stable) return false;
    labelsFitted = true;
    const boxes = labelBoxes();
    if (!boxes.length) return false;
    const pos = network.getPositions();
    let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    boxes.forEach(function (b) {
      left = Math.min(left, b.left); top = Math.min(top, b.top);
      right = Math.max(right, b.right); bottom = Math.max(bottom, b.bottom);
    });
    Object.keys(pos).forEach(function (id) {
      left = Math.min(left, pos[id].x); top = Math.min(top, pos[id].y);
      right = Math.max(right, pos[id].x); bottom = Math.max(bottom, pos[id].y);
    });
    const a = network.canvasToDOM({ x: left, y: top });
    const c = network.canvasToDOM({ x: right, y: bottom });
    const w = container.clientWidth, h = container.clientHeight;
    if (a.x >= 0 && a.y >= 0 && c.x <= w && c.y <= h) return false;
    const scale = network.getScale() * 0.96 * Math.min(w / (c.x - a.x), h / (c.y - a.y));
    network.moveTo({ position: { x: (left + right) / 2, y: (top + bottom) / 2 }, scale: scale, animation: false });
    fitScale = null;
    return true;
  }
  network.on("afterDrawing", function () {
    fitLabels();
    const changed = placeLabels();
    // the labels are final once a draw changes none of them: only then is their extent known
    if (!changed && fitToLabels()) { api.labelsSettled = false; return; }
    api.labelsSettled = !changed;
    if (!changed && !api.drawn) {
      api.drawn = true;
      api.drawnAt = performance.now();
      // the interactive map is drawn: the preview (preview.js) gives way
      ["map-preview", "map-preview-note"].forEach(function (id) {
        const node = document.getElementById(id);
        if (node) node.parentNode.removeChild(node);
      });
    }
  });
  api.firstFrameNodes = network.body.nodeIndices.length;
  network.on("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    fitScale = null;  // the fitted view after settling is the overview the bands count from
    labelBand = -1;
    api.stable = true;
    network.redraw();
  });

  // --- filters -----------------------------------------------------------------------
  function applyFilters() {
    const nodeUpdates = [];
    for (let i = 0; i < count; i++) {
      const hidden = !groupOn[N.group[i]];
      if (Boolean(visNodes[i].hidden) !== hidden) {  // unset means shown: no update
        nodeUpdates.push({ id: i, hidden: hidden });
      }
    }
    const edgeUpdates = [];
    for (let j = 0; j < edgeCount; j++) {
      const hidden = !kindOn[E.kind[j]];
      if (Boolean(visEdges[j].hidden) !== hidden) {
        edgeUpdates.push({ id: j, hidden: hidden });
      }
    }
    if (nodeUpdates.length) updateNodes(nodeUpdates);
    if (edgeUpdates.length) updateEdges(edgeUpdates);
  }
  const boxes = document.querySelectorAll("input[data-filter]");
  // a legend row filters one legend entry, or several (the difference map's rows by status)
  function keysOf(box) { return box.dataset.key.split(",").map(Number); }
  function sync() {
    boxes.forEach(function (box) {
      const on = box.dataset.filter === "group" ? groupOn : kindOn;
      keysOf(box).forEach(function (k) { on[k] = box.checked; });
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
      if (box.dataset.filter === "group" && keysOf(box).indexOf(g) >= 0) box.checked = true;
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
    if (full && E.finding) findingCards(i).forEach(function (f) { box.appendChild(f); });
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
  // The overlap map: each finding a body is named in, with its score, reason, suggested
  // action, evidence count and (served) a link to its row in the report.
  function findingCards(i) {
    const seen = new Set();
    const out = [];
    adjacent[i].forEach(function (j) {
      const n = E.finding[j];
      if (n === null || n === undefined || seen.has(n) || !kindOn[E.kind[j]]) return;
      seen.add(n);
      const f = data.findings[n];
      const other = E.from[j] === i ? E.to[j] : E.from[j];
      const box = el("div", null, "finding");
      box.style.borderLeftColor = data.kinds[E.kind[j]].colour;
      box.appendChild(el("div", f.kind + " — with " + N.label[other], "head"));
      box.appendChild(el("div", "Score " + Number(f.score).toFixed(2) + " · " + f.evidence + " evidence fact" + (f.evidence === 1 ? "" : "s"), "type"));
      box.appendChild(el("div", f.reason, "desc"));
      if (f.action) box.appendChild(el("div", "Suggested: " + f.action, "note"));
      if (data.served && /^\/reports\/overlaps#[a-z0-9-]+$/.test(f.href)) {
        const link = el("a", "See the finding in the report");
        link.setAttribute("href", f.href);
        box.appendChild(link);
      }
      out.push(box);
    });
    return out;
  }
  function edgeCard(j) {
    const k = data.kinds[E.kind[j]];
    const box = el("div", null, "card");
    box.appendChild(el("div", N.label[E.from[j]] + " — " + k.label + " — " + N.label[E.to[j]], "name"));
    const when = [E.start[j] ? "from " + E.start[j] : "", E.end[j] ? "until " + E.end[j] : ""].join(" ").trim();
    if (when) box.appendChild(el("div", when, "type"));
    if (E.finding && E.finding[j] !== null) {
      const f = data.findings[E.finding[j]];
      box.appendChild(el("div", "Score " + Number(f.score).toFixed(2) + ": " + f.reason, "desc"));
    }
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
  function groupCard(id) {
    const box = el("div", null, "card");
    const k = clusterIndex.get(String(id).replace(/^close-/, ""));
    const c = clusters[k];
    box.appendChild(el("div", N.label[c.hub] + ": " + c.label, "name"));
    box.appendChild(el("div", typeof id === "string" && id.indexOf("close-") === 0 ? "Click to close the group" : "Click to open the group", "src"));
    return box;
  }
  network.on("hoverNode", function (p) {
    showTooltip(typeof p.node === "number" ? card(p.node, false) : groupCard(p.node), p.pointer.DOM);
  });
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
    const id = p.nodes.length ? p.nodes[0] : null;
    if (id === null) { details.hidden = true; api.selected = null; writeState(); return; }
    if (typeof id === "string" && id.indexOf("close-") === 0) {
      closeCluster(clusterIndex.get(id.slice(6)));
      details.hidden = true;
    } else if (typeof id === "string" && clusterIndex.has(id)) {
      openCluster(clusterIndex.get(id));
    } else if (typeof id === "number") {
      showDetails(id);
      api.selected = id;
      writeState();
    }
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
    if (memberOf.has(i)) openCluster(memberOf.get(i));
    network.selectNodes([i], adjacent[i].length <= 30);
    network.focus(i, {
      scale: Math.max(network.getScale(), 0.9),
      animation: animate === false ? false : { duration: 450, easingFunction: "easeInOutQuad" }
    });
    showDetails(i);
    api.focused = i;
    api.selected = i;
    writeState();
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
  // Served, the box also asks the site's search (/search: aliases, abbreviations, word
  // order, close spellings) and puts the bodies on this map that it finds first; from disk,
  // or if the server does not answer, the map's own names are searched as below.
  const byId = new Map();
  for (let i = 0; i < count; i++) byId.set(N.id[i], i);
  let asked = 0;
  function siteSearch(query) {
    const ticket = ++asked;
    const q = query.trim();
    if (!data.served || !window.fetch || q.length < 2) return;
    if (!/^https?:$/.test(location.protocol)) return;  // a served map saved to disk
    fetch("/search?format=json&first=100&q=" + encodeURIComponent(q), {
      headers: { Accept: "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (found) {
      if (!found || ticket !== asked) return;
      const seen = new Set();
      const ranked = [];
      found.hits.forEach(function (h) {
        const i = byId.get(h.id);
        if (i === undefined || seen.has(i)) return;
        seen.add(i);
        ranked.push({ node: i, score: -1, alias: h.matched !== h.name ? h.matched : null });
      });
      shown = ranked.concat(search(q).filter(function (r) { return !seen.has(r.node); }))
        .slice(0, 12);
      active = 0;
      renderResults();
    }).catch(function () { /* offline: the local results stay */ });
  }
  api.siteSearch = siteSearch;
  input.addEventListener("input", function () {
    shown = search(input.value);
    active = 0;
    renderResults();
    siteSearch(input.value);
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      ev.preventDefault();
      if (!shown.length) shown = search(input.value);  // keep the site search's answer
      choose(active);
    }
    else if (ev.key === "ArrowDown") { ev.preventDefault(); active = Math.min(active + 1, shown.length - 1); renderResults(); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); active = Math.max(active - 1, 0); renderResults(); }
    else if (ev.key === "Escape") { results.hidden = true; }
  });
  input.addEventListener("blur", function () { results.hidden = true; });
  // --- shareable state: selection, filters, search and open groups in the URL's hash ----
  // (the date and the map's own focus are the query: /maps/ego?focus=...&asOf=2019)
  function localName(key) { return String(key).replace(/^.*[#/]/, ""); }
  function writeState() {
    if (restoring) return;
    const q = new URLSearchParams();
    const sel = api.selected;
    if (typeof sel === "number") q.set("sel", N.id[sel]);
    const hide = data.groups.filter(function (_, n) { return !groupOn[n]; }).map(function (g) { return localName(g.key); });
    if (hide.length) q.set("hide", hide.join(","));
    const hidek = data.kinds.filter(function (_, n) { return !kindOn[n]; }).map(function (k) { return localName(k.key); });
    if (hidek.length) q.set("hidek", hidek.join(","));
    const text = input.value.trim();
    if (text) q.set("q", text);
    const open = clusters.filter(function (_, k) { return clusterOpen[k]; }).map(function (c) { return c.id; });
    if (open.length) q.set("open", open.join(","));
    const hash = q.toString();
    try {
      history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
    } catch (e) { /* a sandboxed frame (the report) keeps no history: nothing to share */ }
    api.state = hash;
  }
  function readState() {
    const q = new URLSearchParams(location.hash.replace(/^#/, ""));
    const hide = new Set((q.get("hide") || "").split(",").filter(Boolean));
    const hidek = new Set((q.get("hidek") || "").split(",").filter(Boolean));
    boxes.forEach(function (box) {
      const list = box.dataset.filter === "group" ? data.groups : data.kinds;
      const off = box.dataset.filter === "group" ? hide : hidek;
      box.checked = !keysOf(box).some(function (k) { return off.has(localName(list[k].key)); });
    });
    sync();
    (q.get("open") || "").split(",").forEach(function (id) {
      if (clusterIndex.has(id)) openCluster(clusterIndex.get(id));
    });
    if (q.get("q")) input.value = q.get("q");
    const sel = q.get("sel");
    const i = sel ? N.id.indexOf(sel) : -1;
    if (i >= 0) network.once("afterDrawing", function () { focusNode(i, false); writeState(); });
  }
  boxes.forEach(function (box) { box.addEventListener("change", writeState); });
  document.querySelectorAll("button[data-all], button[data-none]").forEach(function (b) {
    b.addEventListener("click", writeState);
  });
  input.addEventListener("change", writeState);
  readState();
  restoring = false;
  api.readState = readState;

  // --- downloads: PNG from the canvas, SVG with real text labels ------------------------
  function save(name, href) {
    const a = document.createElement("a");
    a.setAttribute("href", href);
    a.setAttribute("download", name);
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
  }
  function fileName(ext) {
    return "govgraph-" + data.kind + (data.asOf ? "-" + data.asOf : "") + "." + ext;
  }
  function pngData() {
    const canvas = container.querySelector("canvas");
    const out = document.createElement("canvas");
    out.width = canvas.width;
    out.height = canvas.height;
    const ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(canvas, 0, 0);
    return out.toDataURL("image/png");
  }
  function xml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  // What is on screen now, as SVG: the visible nodes and lines where the view shows them,
  // and the labels the map shows (after the collision pass) as <text>.
  function svgText() {
    const rect = container.getBoundingClientRect();
    const w = Math.round(rect.width), h = Math.round(rect.height);
    const body = network.body;
    const pos = {};
    const parts = [];
    body.nodeIndices.forEach(function (id) {
      const node = body.nodes[id];
      if (!node || node.options.hidden) return;
      pos[id] = network.canvasToDOM({ x: node.x, y: node.y });
    });
    body.edgeIndices.forEach(function (id) {
      const edge = body.edges[id];
      if (!edge || edge.options.hidden || !(edge.fromId in pos) || !(edge.toId in pos)) return;
      const a = pos[edge.fromId], b = pos[edge.toId];
      const colour = edge.options.color && edge.options.color.color ? edge.options.color.color : "#999999";
      parts.push('<line x1="' + a.x.toFixed(1) + '" y1="' + a.y.toFixed(1) + '" x2="' + b.x.toFixed(1) + '" y2="' + b.y.toFixed(1) + '" stroke="' + xml(colour) + '" stroke-width="1"/>');
    });
    const scale = network.getScale();
    Object.keys(pos).forEach(function (key) {
      const id = body.nodes[key].id;
      const node = body.nodes[key];
      const p = pos[key];
      const r = Math.max(3, (node.options.size || 10) * scale);
      const bg = node.options.color && node.options.color.background ? node.options.color.background : "#9e9e9e";
      parts.push('<circle cx="' + p.x.toFixed(1) + '" cy="' + p.y.toFixed(1) + '" r="' + r.toFixed(1) + '" fill="' + xml(bg) + '" stroke="#333333" stroke-width="0.6"><title>' + xml(typeof id === "number" ? N.label[id] : node.options.label || "") + "</title></circle>");
      if (node.labelModule && node.labelModule.visible() && node.options.label) {
        const size = Math.min(node.labelModule.fontOptions.size * scale, 30);
        const top = network.canvasToDOM({ x: 0, y: node.labelModule.size.top }).y;
        parts.push('<text x="' + p.x.toFixed(1) + '" y="' + (top + size * 0.85).toFixed(1) + '" font-size="' + size.toFixed(1) + '" text-anchor="middle" stroke="#ffffff" stroke-width="3" paint-order="stroke">' + xml(node.options.label) + "</text>");
      }
    });
    return '<svg xmlns="http://www.w3.org/2000/svg" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + " " + h +
      '" font-family="system-ui, -apple-system, Segoe UI, sans-serif" fill="#1b1b1b"><title>' + xml(data.title + (data.asOf ? " (as of " + data.asOf + ")" : "")) +
      '</title><rect width="100%" height="100%" fill="#ffffff"/>' + parts.join("") + "</svg>";
  }
  api.pngData = pngData;
  api.svgText = svgText;
  document.getElementById("download-png").addEventListener("click", function () { save(fileName("png"), pngData()); });
  document.getElementById("download-svg").addEventListener("click", function () {
    save(fileName("svg"), "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText()));
  });

  // --- the date slider (served maps): the years the data knows, then today -----------------
  const year = document.getElementById("map-year");
  if (year && data.years.length) {
    const shown = document.getElementById("map-year-value");
    const label = function () { return Number(year.value) >= data.years.length ? "today" : String(data.years[Number(year.value)]); };
    if (data.asOf) {
      const at = data.years.indexOf(Number(String(data.asOf).slice(0, 4)));
      if (at >= 0) year.value = String(at);
    }
    shown.textContent = label();
    year.addEventListener("input", function () { shown.textContent = label(); });
    year.addEventListener("change", function () {
      const url = new URL(location.href);
      if (Number(year.value) >= data.years.length) url.searchParams.delete("asOf");
      else url.searchParams.set("asOf", String(data.years[Number(year.value)]));
      location.assign(url.toString());  // the server redraws the map for that date
    });
  }
}

  // A big map's preview (preview.js) is painted first; vis builds after that frame.
  if (window.govgraphPreview) requestAnimationFrame(function () { setTimeout(main, 0); });
  else main();
})();
