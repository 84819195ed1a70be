/* govgraph map preview: the first frame of a big map, drawn on a plain canvas from the
   positions computed in Python, before vis-network has been parsed or has built its
   thousands of nodes (about two seconds at 10,000). The lines, the nodes in their legend
   colours and the most important labels, placed without collisions by the same rule as
   map.js (focus, then weight; 6 screen pixels apart), at the view vis will fit. map.js
   takes over when vis has drawn the interactive map, and removes this canvas.
   Safety: names are drawn on the canvas with fillText, never parsed as HTML. */
(function () {
  "use strict";

  const MIN_NODES = 2000;  // smaller maps build in vis quickly enough to draw at once
  const source = document.getElementById("govgraph-map-data");
  const container = document.getElementById("map");
  if (!source || !container) return;
  const data = JSON.parse(source.textContent);
  window.govgraphMapData = data;  // map.js reads it from here rather than parse it twice
  const N = data.nodes;
  const E = data.edges;
  const count = N.label.length;
  if (data.physics || data.shape === "box" || count < MIN_NODES) return;

  const started = performance.now();
  const rect = container.getBoundingClientRect();
  const W = Math.round(rect.width), H = Math.round(rect.height);
  if (!W || !H) return;
  const members = new Set();
  (data.clusters || []).forEach(function (c) { c.members.forEach(function (m) { members.add(m); }); });

  // node radius in canvas units: vis's linear scaling of value between scaling.min and max
  const scaling = (data.options.nodes && data.options.nodes.scaling) || { min: 10, max: 30 };
  let wmin = Infinity, wmax = -Infinity;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < count; i++) {
    if (members.has(i) || N.x[i] === null) continue;
    wmin = Math.min(wmin, N.w[i]); wmax = Math.max(wmax, N.w[i]);
    minX = Math.min(minX, N.x[i]); maxX = Math.max(maxX, N.x[i]);
    minY = Math.min(minY, N.y[i]); maxY = Math.max(maxY, N.y[i]);
  }
  if (minX === Infinity) return;
  function radius(i) {
    const f = wmax === wmin ? 0.5 : (N.w[i] - wmin) / (wmax - wmin);
    return scaling.min + f * (scaling.max - scaling.min);
  }
  // the view vis fits (the nodes' extent with a tenth to spare), then the 8% map.js adds
  let scale = Math.min(W / ((maxX - minX + 2 * scaling.max) * 1.1), H / ((maxY - minY + 2 * scaling.max) * 1.1));
  scale = Math.min(scale, 1) * 0.92;
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
  function sx(x) { return (x - cx) * scale + W / 2; }
  function sy(y) { return (y - cy) * scale + H / 2; }

  const canvas = document.createElement("canvas");
  const ratio = window.devicePixelRatio || 1;
  canvas.width = W * ratio;
  canvas.height = H * ratio;
  canvas.id = "map-preview";
  canvas.setAttribute("aria-hidden", "true");
  canvas.style.cssText = "position:absolute;left:0;top:0;width:" + W + "px;height:" + H + "px;z-index:5;pointer-events:none;background:#fff";
  container.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, W, H);

  function lighter(hex, f) {
    const v = parseInt(hex.slice(1), 16);
    const mix = function (c) { return Math.round(c + (255 - c) * f); };
    return "rgb(" + mix(v >> 16) + "," + mix((v >> 8) & 255) + "," + mix(v & 255) + ")";
  }
  // lines: one path per relationship kind
  const bigEdges = E.from.length > 3000;
  ctx.lineWidth = 1;
  data.kinds.forEach(function (k, n) {
    ctx.beginPath();
    for (let j = 0; j < E.from.length; j++) {
      if (E.kind[j] !== n || members.has(E.from[j]) || members.has(E.to[j])) continue;
      ctx.moveTo(sx(N.x[E.from[j]]), sy(N.y[E.from[j]]));
      ctx.lineTo(sx(N.x[E.to[j]]), sy(N.y[E.to[j]]));
    }
    ctx.strokeStyle = lighter(k.colour, bigEdges ? 0.55 : 0.25);
    ctx.stroke();
  });
  // nodes: one path per legend colour
  data.groups.forEach(function (g, n) {
    ctx.beginPath();
    for (let i = 0; i < count; i++) {
      if (N.group[i] !== n || members.has(i)) continue;
      const x = sx(N.x[i]), y = sy(N.y[i]), r = Math.max(1, radius(i) * scale);
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    ctx.fillStyle = g.colour;
    ctx.fill();
  });
  // labels: the 80 most important candidates, kept when clear of those already kept
  const order = [];
  for (let i = 0; i < count; i++) if (!members.has(i)) order.push(i);
  order.sort(function (a, b) { return (b === data.focus) - (a === data.focus) || N.w[b] - N.w[a] || a - b; });
  const font = (data.options.nodes && data.options.nodes.font) || {};
  const face = font.face || "system-ui, sans-serif";
  const kept = [];
  const gap = 6;
  order.slice(0, 80).forEach(function (i, r) {
    const px = r < 8 ? 16 : r < 40 ? 13 : 12;
    ctx.font = px + "px " + face;
    const w = ctx.measureText(N.label[i]).width;
    const x = sx(N.x[i]);
    const top = sy(N.y[i]) + radius(i) * scale + 4 * scale + px / 2;
    const box = { i: i, px: px, left: x - w / 2, right: x + w / 2, top: top, bottom: top + px };
    const hit = kept.some(function (k) {
      return box.left < k.right + gap && k.left < box.right + gap && box.top < k.bottom + gap && k.top < box.bottom + gap;
    });
    if (!hit) kept.push(box);
  });
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.lineJoin = "round";
  kept.forEach(function (b) {
    ctx.font = b.px + "px " + face;
    const x = (b.left + b.right) / 2;
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#ffffff";
    ctx.strokeText(N.label[b.i], x, b.top);
    ctx.fillStyle = font.color || "#1b1b1b";
    ctx.fillText(N.label[b.i], x, b.top);
  });
  const note = document.createElement("div");
  note.id = "map-preview-note";
  note.textContent = "Preparing the interactive map…";
  note.style.cssText = "position:absolute;left:8px;top:8px;z-index:6;padding:2px 6px;background:#fff;border:1px solid #bbb;border-radius:4px;font-size:13px";
  container.appendChild(note);
  window.govgraphPreview = {
    drawnAt: performance.now(),
    took: performance.now() - started,
    labels: kept.map(function (b) { return { id: b.i, label: N.label[b.i], left: b.left, top: b.top, right: b.right, bottom: b.bottom }; })
  };
  // the frame is on screen once the browser has painted it (the next animation frame)
  requestAnimationFrame(function () { window.govgraphPreview.paintedAt = performance.now(); });
})();
