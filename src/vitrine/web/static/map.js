/* The similarity map: every point drawn with WebGL (canvas 2D fallback), thumbnails from atlas
   sheets loaded as the user zooms in, hover/click details, colour by field, lasso selection, export.
   Performance marks: vitrine-map-data (points fetched), vitrine-map-first-paint (points drawn). */
(() => {
  'use strict';
  const root = document.getElementById('map-root');
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const stage = $('map-stage');
  const pointsCanvas = $('map-points');
  const overlay = $('map-overlay');
  const octx = overlay.getContext('2d');
  const params = new URLSearchParams(location.search);

  const PALETTE = [
    [230, 85, 13], [49, 130, 189], [49, 163, 84], [222, 45, 38], [117, 107, 177], [253, 174, 107],
    [158, 202, 225], [161, 217, 155], [252, 146, 114], [188, 189, 220], [140, 86, 75], [227, 119, 194],
    [188, 189, 34], [23, 190, 207], [255, 215, 0], [120, 198, 121], [214, 97, 107], [99, 121, 57],
    [206, 219, 156], [150, 150, 150]];
  const GRADIENT = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const DEFAULT = [120, 190, 255];
  const UNKNOWN = [90, 90, 96];
  const GRID = 256;

  const map = {
    n: 0, xy: null, ids: null, cells: null, rowOf: new Map(), colors: null, coloring: null,
    cx: 0.5, cy: 0.5, scale: 1, base: 1, width: 0, height: 0, dpr: 1, info: null,
    grid: null, gridStart: null, selection: null, focus: [], set: [], hover: -1, picked: -1,
    atlas: new Map(), loading: 0, renderer: null, frames: 0, painted: false,
  };

  // -- data ---------------------------------------------------------------------------------

  async function load() {
    const info = await (await fetch('/api/map')).json();
    map.info = info;
    const buffer = await (await fetch(info.points_url)).arrayBuffer();
    const n = info.count;
    map.n = n;
    map.xy = new Float32Array(buffer, 0, 2 * n);
    map.ids = new Uint32Array(buffer, 8 * n, n);
    map.cells = new Uint32Array(buffer, 12 * n, n);
    for (let i = 0; i < n; i++) map.rowOf.set(map.ids[i], i);
    performance.mark('vitrine-map-data');
    buildGrid();
    map.colors = new Uint8Array(4 * n);
    paint(null);
    map.focus = rowsOf(JSON.parse(root.dataset.focus || '[]'));
    map.set = rowsOf(JSON.parse(root.dataset.set || '[]'));
  }

  function rowsOf(ids) {
    return ids.map((id) => map.rowOf.get(id)).filter((r) => r !== undefined);
  }

  function buildGrid() {  // counting sort of points into GRID x GRID buckets, for picking and lasso
    const { n, xy } = map;
    const bucket = new Int32Array(n);
    const counts = new Int32Array(GRID * GRID + 1);
    for (let i = 0; i < n; i++) {
      const gx = Math.min(GRID - 1, Math.floor(xy[2 * i] * GRID));
      const gy = Math.min(GRID - 1, Math.floor(xy[2 * i + 1] * GRID));
      bucket[i] = gy * GRID + gx;
      counts[bucket[i] + 1]++;
    }
    for (let c = 0; c < GRID * GRID; c++) counts[c + 1] += counts[c];
    const fill = counts.slice(0, GRID * GRID);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[fill[bucket[i]]++] = i;
    map.grid = order;
    map.gridStart = counts;
  }

  function eachInBox(x0, y0, x1, y1, fn) {
    const g = (v) => Math.max(0, Math.min(GRID - 1, Math.floor(v * GRID)));
    for (let gy = g(y0); gy <= g(y1); gy++) {
      for (let gx = g(x0); gx <= g(x1); gx++) {
        const c = gy * GRID + gx;
        for (let k = map.gridStart[c]; k < map.gridStart[c + 1]; k++) fn(map.grid[k]);
      }
    }
  }

  // -- colours ------------------------------------------------------------------------------

  function paint(coloring) {
    map.coloring = coloring;
    const { n, colors } = map;
    for (let i = 0; i < n; i++) {
      let rgb = DEFAULT;
      if (coloring) {
        const code = coloring.codes[i];
        if (code < 0) rgb = UNKNOWN;
        else rgb = coloring.kind === 'gradient' ? gradient(code / 255) : PALETTE[code % PALETTE.length];
      }
      colors.set([rgb[0], rgb[1], rgb[2], 255], 4 * i);
    }
    if (map.renderer) map.renderer.setColors(colors);
    showLegend(coloring);
    updateSelectionCounts();
    requestDraw();
  }

  function gradient(t) {
    const x = Math.max(0, Math.min(1, t)) * (GRADIENT.length - 1);
    const i = Math.min(GRADIENT.length - 2, Math.floor(x));
    const f = x - i;
    return GRADIENT[i].map((v, k) => Math.round(v + (GRADIENT[i + 1][k] - v) * f));
  }

  const css = (rgb) => `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;

  function showLegend(coloring) {
    const box = $('map-legend-box');
    const list = $('map-legend');
    list.replaceChildren();
    box.hidden = !coloring;
    if (!coloring) return;
    if (coloring.kind === 'gradient') {
      const bar = document.createElement('li');
      bar.className = 'gradient';
      bar.style.background = `linear-gradient(to right, ${GRADIENT.map(css).join(',')})`;
      list.append(bar, legendRow(null, `${coloring.low ?? '?'} – ${coloring.high ?? '?'}`, null));
    } else {
      coloring.legend.forEach((entry, i) => list.append(legendRow(PALETTE[i % PALETTE.length], entry.value, entry.count)));
    }
    if (coloring.unknown) list.append(legendRow(UNKNOWN, 'unknown', coloring.unknown));
  }

  function legendRow(rgb, label, count) {
    const li = document.createElement('li');
    if (rgb) {
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = css(rgb);
      li.append(sw);
    }
    const name = document.createElement('span');
    name.textContent = label;
    li.append(name);
    if (count !== null) {
      const c = document.createElement('span');
      c.className = 'count';
      c.textContent = count.toLocaleString();
      li.append(c);
    }
    return li;
  }

  async function colourBy(field) {
    if (!field) { paint(null); return; }
    const response = await fetch(`/api/map/colors?field=${encodeURIComponent(field)}`);
    const body = await response.json();
    if (!response.ok) { $('map-renderer').textContent = body.error ? body.error.message : 'cannot colour'; return; }
    paint(body);
  }

  // -- view ---------------------------------------------------------------------------------

  function resize() {
    const rect = stage.getBoundingClientRect();
    map.dpr = window.devicePixelRatio || 1;
    map.width = Math.max(1, rect.width);
    map.height = Math.max(1, rect.height);
    for (const c of [pointsCanvas, overlay]) {
      c.width = Math.round(map.width * map.dpr);
      c.height = Math.round(map.height * map.dpr);
    }
    const zoom = map.scale / map.base || 1;
    map.base = 0.94 * Math.min(map.width, map.height);
    map.scale = map.base * zoom;
    if (map.renderer) map.renderer.resize();
    requestDraw();
  }

  const toScreen = (x, y) => [(x - map.cx) * map.scale + map.width / 2, (y - map.cy) * map.scale + map.height / 2];
  const toData = (sx, sy) => [(sx - map.width / 2) / map.scale + map.cx, (sy - map.height / 2) / map.scale + map.cy];

  function zoomAt(factor, sx, sy) {
    const zoom = map.scale / map.base;
    const next = Math.max(0.5, Math.min(4000, zoom * factor));
    const [dx, dy] = toData(sx, sy);
    map.scale = map.base * next;
    map.cx = dx - (sx - map.width / 2) / map.scale;
    map.cy = dy - (sy - map.height / 2) / map.scale;
    requestDraw();
  }

  function setView(cx, cy, zoom) {
    map.cx = cx; map.cy = cy; map.scale = map.base * zoom;
    requestDraw();
  }

  function pointSize() {  // CSS pixels; grows slowly with zoom so dense regions stay legible
    const k = Math.max(2, Math.min(6, 80 / Math.sqrt(map.n + 1)));
    return Math.min(16, k * Math.sqrt(map.scale / map.base));
  }

  function thumbSize() {  // a thumbnail's side in CSS pixels at this zoom
    return map.scale * 0.7 / Math.sqrt(map.n + 1);
  }

  // -- renderers ----------------------------------------------------------------------------

  function webglRenderer() {
    const gl = pointsCanvas.getContext('webgl', { antialias: false, premultipliedAlpha: false });
    if (!gl) return null;
    const vs = `attribute vec2 p; attribute vec4 c; uniform vec2 center; uniform vec2 view; uniform float scale;
      uniform float size; varying vec4 vc;
      void main() { vec2 s = (p - center) * scale / (view * 0.5); gl_Position = vec4(s.x, -s.y, 0.0, 1.0);
        gl_PointSize = size; vc = c; }`;
    const fs = `precision mediump float; varying vec4 vc;
      void main() { vec2 d = gl_PointCoord - 0.5; if (dot(d, d) > 0.25) discard; gl_FragColor = vc; }`;
    const program = gl.createProgram();
    for (const [type, src] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]]) {
      const shader = gl.createShader(type);
      gl.shaderSource(shader, src);
      gl.compileShader(shader);
      if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) return null;
      gl.attachShader(program, shader);
    }
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) return null;
    gl.useProgram(program);
    const loc = (name) => gl.getUniformLocation(program, name);
    const u = { center: loc('center'), view: loc('view'), scale: loc('scale'), size: loc('size') };
    const posBuf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, posBuf);
    gl.bufferData(gl.ARRAY_BUFFER, map.xy, gl.STATIC_DRAW);
    const p = gl.getAttribLocation(program, 'p');
    gl.enableVertexAttribArray(p);
    gl.vertexAttribPointer(p, 2, gl.FLOAT, false, 0, 0);
    const colBuf = gl.createBuffer();
    const c = gl.getAttribLocation(program, 'c');
    gl.bindBuffer(gl.ARRAY_BUFFER, colBuf);
    gl.bufferData(gl.ARRAY_BUFFER, map.colors, gl.DYNAMIC_DRAW);
    gl.enableVertexAttribArray(c);
    gl.vertexAttribPointer(c, 4, gl.UNSIGNED_BYTE, true, 0, 0);
    return {
      name: 'webgl',
      resize() { gl.viewport(0, 0, pointsCanvas.width, pointsCanvas.height); },
      setColors(colors) { gl.bindBuffer(gl.ARRAY_BUFFER, colBuf); gl.bufferSubData(gl.ARRAY_BUFFER, 0, colors); },
      draw() {
        gl.clearColor(0, 0, 0, 0);
        gl.clear(gl.COLOR_BUFFER_BIT);
        gl.uniform2f(u.center, map.cx, map.cy);
        gl.uniform2f(u.view, map.width, map.height);
        gl.uniform1f(u.scale, map.scale);
        gl.uniform1f(u.size, pointSize() * map.dpr);
        gl.drawArrays(gl.POINTS, 0, map.n);
      },
    };
  }

  function softwareWebGL() {  // WebGL emulated on the CPU (SwiftShader, llvmpipe) is slower than canvas 2D here
    const gl = document.createElement('canvas').getContext('webgl');
    if (!gl) return true;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    const lose = gl.getExtension('WEBGL_lose_context');
    if (lose) lose.loseContext();
    return /swiftshader|llvmpipe|softpipe|software/i.test(name);
  }

  function canvasRenderer() {  // writes pixels straight into an ImageData: ~2 ms per 100k points
    const ctx = pointsCanvas.getContext('2d');
    let image = null;
    let pixels = null;
    return {
      name: 'canvas',
      resize() { image = ctx.createImageData(pointsCanvas.width, pointsCanvas.height); pixels = new Uint32Array(image.data.buffer); },
      setColors() {},
      draw() {
        if (!image) this.resize();
        pixels.fill(0);
        const w = image.width, h = image.height, d = map.dpr;
        const size = Math.max(1, Math.round(pointSize() * d * 0.8));
        const half = size >> 1;
        const { xy, colors, n } = map;
        const colors32 = new Uint32Array(colors.buffer);
        const ox = (map.width / 2 - map.cx * map.scale) * d, k = map.scale * d;
        const oy = (map.height / 2 - map.cy * map.scale) * d;
        for (let i = 0; i < n; i++) {
          const x0 = Math.round(xy[2 * i] * k + ox) - half;
          const y0 = Math.round(xy[2 * i + 1] * k + oy) - half;
          if (x0 >= w || y0 >= h || x0 + size <= 0 || y0 + size <= 0) continue;
          const col = colors32[i];
          for (let y = Math.max(0, y0); y < Math.min(h, y0 + size); y++) {
            const row = y * w;
            for (let x = Math.max(0, x0); x < Math.min(w, x0 + size); x++) pixels[row + x] = col;
          }
        }
        ctx.putImageData(image, 0, 0);
      },
    };
  }

  // -- drawing ------------------------------------------------------------------------------

  let pending = false;
  function requestDraw() {
    if (pending || !map.renderer) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  }

  function draw() {
    map.renderer.draw();
    drawOverlay();
    map.frames++;
    if (!map.painted) {
      map.painted = true;
      performance.mark('vitrine-map-first-paint');
      $('map-loading').hidden = true;
    }
  }

  function drawOverlay() {
    octx.setTransform(map.dpr, 0, 0, map.dpr, 0, 0);
    octx.clearRect(0, 0, map.width, map.height);
    drawThumbnails();
    for (const row of map.set) ring(row, '#ffd400', 5);
    if (map.selection) for (const row of map.selection) ring(row, '#ffffff', 3);
    for (const row of map.focus) ring(row, '#ff3b30', 9);
    if (map.picked >= 0) ring(map.picked, '#ff3b30', 7);
    if (map.hover >= 0) ring(map.hover, '#ffffff', 6);
    if (lasso.length > 1) {
      octx.beginPath();
      octx.moveTo(lasso[0][0], lasso[0][1]);
      for (const [x, y] of lasso) octx.lineTo(x, y);
      octx.closePath();
      octx.fillStyle = 'rgba(255,255,255,.12)';
      octx.strokeStyle = '#fff';
      octx.setLineDash([5, 4]);
      octx.fill();
      octx.stroke();
      octx.setLineDash([]);
    }
  }

  function ring(row, colour, radius) {
    const [sx, sy] = toScreen(map.xy[2 * row], map.xy[2 * row + 1]);
    if (sx < -20 || sy < -20 || sx > map.width + 20 || sy > map.height + 20) return;
    const r = Math.max(radius, thumbSize() / 2 + 2);
    octx.beginPath();
    octx.arc(sx, sy, r, 0, 2 * Math.PI);
    octx.lineWidth = 2;
    octx.strokeStyle = colour;
    octx.stroke();
  }

  function visibleRows(limit) {
    const [x0, y0] = toData(0, 0);
    const [x1, y1] = toData(map.width, map.height);
    const rows = [];
    let over = false;
    eachInBox(x0, y0, x1, y1, (i) => {
      const x = map.xy[2 * i], y = map.xy[2 * i + 1];
      if (x < x0 || x > x1 || y < y0 || y > y1) return;
      if (rows.length >= limit) over = true; else rows.push(i);
    });
    return over ? null : rows;
  }

  function drawThumbnails() {
    const info = map.info && map.info.atlas;
    const size = thumbSize();
    if (!info || !info.count || size < 10) return;
    const rows = visibleRows(4000);
    if (!rows) return;
    const top = new Set([...map.focus, map.picked, map.hover]);
    rows.sort((a, b) => top.has(a) - top.has(b));  // the work in focus is drawn last, on top
    const cell = size * map.dpr > 40 && info.cells.includes(64) ? 64 : 32;
    const perRow = info.sheet / cell;
    for (const i of rows) {
      const c = map.cells[i];
      if (c >= info.count) continue;
      const sheet = Math.floor(c / (perRow * perRow));
      const img = sheetImage(cell, sheet) || sheetImage(cell === 64 ? 32 : 64, -1, c);
      if (!img) continue;
      const useCell = img.cell;
      const pr = info.sheet / useCell;
      const slot = c % (pr * pr);
      const [sx, sy] = toScreen(map.xy[2 * i], map.xy[2 * i + 1]);
      octx.drawImage(img.image, (slot % pr) * useCell, Math.floor(slot / pr) * useCell, useCell, useCell,
        sx - size / 2, sy - size / 2, size, size);
      if (map.coloring) {  // keep the colouring visible around the thumbnail
        octx.strokeStyle = `rgb(${map.colors[4 * i]},${map.colors[4 * i + 1]},${map.colors[4 * i + 2]})`;
        octx.lineWidth = Math.max(1.5, size / 24);
        octx.strokeRect(sx - size / 2, sy - size / 2, size, size);
      }
    }
  }

  function sheetImage(cell, sheet, forCell) {  // a loaded sheet, or null (and start loading it)
    const info = map.info.atlas;
    if (sheet < 0) {  // the other size's sheet, only if already loaded
      const per = (info.sheet / cell) ** 2;
      const entry = map.atlas.get(`${cell}-${Math.floor(forCell / per)}`);
      return entry && entry.ready ? entry : null;
    }
    const key = `${cell}-${sheet}`;
    let entry = map.atlas.get(key);
    if (!entry) {
      if (map.loading >= 6) return null;
      entry = { image: new Image(), ready: false, cell };
      map.atlas.set(key, entry);
      map.loading++;
      entry.image.onload = () => { entry.ready = true; map.loading--; requestDraw(); };
      entry.image.onerror = () => { map.loading--; };
      entry.image.src = `/api/map/atlas/${cell}/${sheet}.jpg?v=${map.info.version}-${map.info.updated_at}`;
    }
    return entry.ready ? entry : null;
  }

  // -- picking, hover, click ------------------------------------------------------------------

  function nearest(sx, sy, radiusPx) {
    const [x, y] = toData(sx, sy);
    const r = Math.max(radiusPx, thumbSize() / 2) / map.scale;
    let best = -1, bestD = r * r;
    eachInBox(x - r, y - r, x + r, y + r, (i) => {
      const dx = map.xy[2 * i] - x, dy = map.xy[2 * i + 1] - y;
      const d = dx * dx + dy * dy;
      if (d <= bestD) { bestD = d; best = i; }
    });
    return best;
  }

  // A signed-in session's POSTs echo its CSRF token (base.html's meta); empty for anonymous visitors.
  function postHeaders() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return { 'Content-Type': 'application/json', 'X-CSRF-Token': meta ? meta.content : '' };
  }

  const workCache = new Map();
  async function works(ids) {
    const response = await fetch('/api/map/works', {
      method: 'POST', headers: postHeaders(), body: JSON.stringify({ ids }) });
    return response.ok ? response.json() : { total: 0, works: [] };
  }

  async function workOf(row) {
    const id = map.ids[row];
    if (!workCache.has(id)) workCache.set(id, works([id]).then((body) => body.works[0] || null));
    return workCache.get(id);
  }

  let hoverTimer = 0;
  function hover(sx, sy) {
    const row = nearest(sx, sy, 8);
    if (row === map.hover) return;
    map.hover = row;
    requestDraw();
    const tip = $('map-tooltip');
    clearTimeout(hoverTimer);
    if (row < 0) { tip.hidden = true; return; }
    hoverTimer = setTimeout(async () => {
      const work = await workOf(row);
      if (!work || map.hover !== row) return;
      const img = document.createElement('img');
      img.src = work.thumbnail_url;
      img.alt = '';
      const text = document.createElement('span');
      text.textContent = work.alt;
      tip.replaceChildren(img, text);
      const [px, py] = toScreen(map.xy[2 * row], map.xy[2 * row + 1]);
      tip.style.left = `${Math.min(px + 12, map.width - 270)}px`;
      tip.style.top = `${Math.min(py + 12, map.height - 70)}px`;
      tip.hidden = false;
    }, 60);
  }

  async function pick(row) {
    map.picked = row;
    requestDraw();
    const box = $('map-work');
    if (row < 0) { box.hidden = true; return; }
    const work = await workOf(row);
    if (!work) return;
    const link = document.createElement('a');
    link.href = work.url;
    link.id = 'map-work-link';
    const img = document.createElement('img');
    img.src = work.thumbnail_url;
    img.alt = work.alt;
    const title = document.createElement('strong');
    title.textContent = work.title || 'Untitled work';
    link.append(img, title);
    const meta = document.createElement('p');
    meta.className = 'hint';
    meta.textContent = [work.creators.join(', '), work.date].filter(Boolean).join(' · ');
    const more = document.createElement('a');
    more.href = `/search?like=${encodeURIComponent(work.identifier)}`;
    more.textContent = 'More like this';
    const body = document.createElement('div');
    body.className = 'map-work';
    body.append(link, meta, more);
    $('map-work-body').replaceChildren(body);
    box.hidden = false;
  }

  // -- lasso selection and export -------------------------------------------------------------

  let lasso = [];

  function finishLasso() {
    const polygon = lasso.map(([sx, sy]) => toData(sx, sy));
    lasso = [];
    if (polygon.length < 3) { requestDraw(); return; }
    const xs = polygon.map((p) => p[0]), ys = polygon.map((p) => p[1]);
    const rows = [];
    eachInBox(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), (i) => {
      if (inside(map.xy[2 * i], map.xy[2 * i + 1], polygon)) rows.push(i);
    });
    select(rows);
  }

  function inside(x, y, poly) {  // even-odd ray casting
    let hit = false;
    for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      const [xi, yi] = poly[i], [xj, yj] = poly[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
    }
    return hit;
  }

  async function select(rows) {
    map.selection = rows.length ? rows : null;
    requestDraw();
    $('map-selection').hidden = !map.selection;
    if (!map.selection) return;
    $('map-selection-count').textContent = rows.length.toLocaleString();
    updateSelectionCounts();
    const body = await works(Array.from(rows, (r) => map.ids[r]));
    $('map-selection-works').textContent = body.total.toLocaleString();
    $('map-selection-list').replaceChildren(...body.works.map((work) => {
      const li = document.createElement('li');
      li.dataset.identifier = work.identifier;  // what static/concepts.js marks
      const a = document.createElement('a');
      a.href = work.url;
      const img = document.createElement('img');
      img.src = work.thumbnail_url;
      img.alt = '';
      img.loading = 'lazy';
      const span = document.createElement('span');
      span.textContent = work.alt;
      a.append(img, span);
      li.append(a);
      return li;
    }));
  }

  function updateSelectionCounts() {  // selected images per category of the current colouring
    const list = $('map-selection-counts');
    list.replaceChildren();
    const c = map.coloring;
    if (!map.selection || !c || c.kind !== 'category') return;
    const counts = new Map();
    for (const r of map.selection) counts.set(c.codes[r], (counts.get(c.codes[r]) || 0) + 1);
    [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).forEach(([code, count]) => {
      const label = code < 0 ? 'unknown' : c.legend[code].value;
      list.append(legendRow(code < 0 ? UNKNOWN : PALETTE[code % PALETTE.length], label, count));
    });
  }

  async function exportSelection(format) {
    if (!map.selection) return;
    const ids = Array.from(map.selection, (r) => map.ids[r]);
    const response = await fetch('/api/map/export', {
      method: 'POST', headers: postHeaders(), body: JSON.stringify({ ids, format }) });
    if (!response.ok) return;
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = format === 'csv' ? 'map-selection.csv' : 'map-selection.json';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // -- input ----------------------------------------------------------------------------------

  const pointers = new Map();
  let drag = null;
  let lassoMode = false;

  function local(event) {
    const rect = stage.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  }

  function onDown(event) {
    stage.focus({ preventScroll: true });
    stage.setPointerCapture(event.pointerId);
    const [x, y] = local(event);
    pointers.set(event.pointerId, [x, y]);
    if (pointers.size === 2) { lasso = []; drag = { pinch: pinchState() }; return; }
    if (lassoMode || event.shiftKey) { lasso = [[x, y]]; drag = { lasso: true }; return; }
    drag = { x, y, cx: map.cx, cy: map.cy, moved: 0 };
    stage.classList.add('dragging');
  }

  function pinchState() {
    const [a, b] = [...pointers.values()];
    return { d: Math.hypot(a[0] - b[0], a[1] - b[1]) || 1, mx: (a[0] + b[0]) / 2, my: (a[1] + b[1]) / 2 };
  }

  function onMove(event) {
    const [x, y] = local(event);
    if (pointers.has(event.pointerId)) pointers.set(event.pointerId, [x, y]);
    if (!drag) { hover(x, y); return; }
    if (drag.pinch) {
      const now = pinchState();
      zoomAt(now.d / drag.pinch.d, now.mx, now.my);
      drag.pinch = now;
    } else if (drag.lasso) {
      lasso.push([x, y]);
      requestDraw();
    } else {
      drag.moved = Math.max(drag.moved, Math.hypot(x - drag.x, y - drag.y));
      map.cx = drag.cx - (x - drag.x) / map.scale;
      map.cy = drag.cy - (y - drag.y) / map.scale;
      requestDraw();
    }
  }

  function onUp(event) {
    pointers.delete(event.pointerId);
    stage.classList.remove('dragging');
    if (!drag) return;
    if (drag.lasso) finishLasso();
    else if (!drag.pinch && drag.moved < 4) { const [x, y] = local(event); pick(nearest(x, y, 8)); }
    drag = pointers.size ? drag : null;
    if (drag && drag.pinch && pointers.size < 2) drag = null;
  }

  function onWheel(event) {
    event.preventDefault();
    const [x, y] = local(event);
    const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    zoomAt(Math.exp(-delta * 0.0015), x, y);
  }

  function onKey(event) {
    const step = 0.15 * Math.min(map.width, map.height) / map.scale;
    const keys = {
      '+': () => zoomAt(1.4, map.width / 2, map.height / 2), '=': () => zoomAt(1.4, map.width / 2, map.height / 2),
      '-': () => zoomAt(1 / 1.4, map.width / 2, map.height / 2), '_': () => zoomAt(1 / 1.4, map.width / 2, map.height / 2),
      ArrowLeft: () => setView(map.cx - step, map.cy, map.scale / map.base),
      ArrowRight: () => setView(map.cx + step, map.cy, map.scale / map.base),
      ArrowUp: () => setView(map.cx, map.cy - step, map.scale / map.base),
      ArrowDown: () => setView(map.cx, map.cy + step, map.scale / map.base),
      '0': () => setView(0.5, 0.5, 1),
      Escape: () => { lasso = []; select([]); pick(-1); },
    };
    const action = keys[event.key];
    if (action) { event.preventDefault(); action(); }
  }

  function setLassoMode(on) {
    lassoMode = on;
    $('map-lasso').setAttribute('aria-pressed', String(on));
    stage.classList.toggle('lasso', on);
  }

  function wire() {
    stage.addEventListener('pointerdown', onDown);
    stage.addEventListener('pointermove', onMove);
    stage.addEventListener('pointerup', onUp);
    stage.addEventListener('pointercancel', onUp);
    stage.addEventListener('pointerleave', () => { if (!drag) { map.hover = -1; $('map-tooltip').hidden = true; requestDraw(); } });
    stage.addEventListener('wheel', onWheel, { passive: false });
    stage.addEventListener('keydown', onKey);
    $('map-zoom-in').addEventListener('click', () => zoomAt(1.5, map.width / 2, map.height / 2));
    $('map-zoom-out').addEventListener('click', () => zoomAt(1 / 1.5, map.width / 2, map.height / 2));
    $('map-reset').addEventListener('click', () => setView(0.5, 0.5, 1));
    $('map-lasso').addEventListener('click', () => setLassoMode(!lassoMode));
    $('map-color').addEventListener('change', (e) => colourBy(e.target.value));
    $('map-export-csv').addEventListener('click', () => exportSelection('csv'));
    $('map-export-iiif').addEventListener('click', () => exportSelection('iiif'));
    $('map-clear').addEventListener('click', () => select([]));
    new ResizeObserver(resize).observe(stage);
  }

  function centreOnFocus() {
    if (!map.focus.length) return;
    const row = map.focus[0];
    const zoom = Math.max(1, Math.min(400, 120 / (thumbSize() / (map.scale / map.base))));  // ~120 px thumbnails
    setView(map.xy[2 * row], map.xy[2 * row + 1], zoom);
    pick(row);
  }

  async function start() {
    await load();
    resize();
    const wanted = params.get('renderer') || (softwareWebGL() ? 'canvas' : 'webgl');
    map.renderer = (wanted === 'webgl' && webglRenderer()) || canvasRenderer();
    map.renderer.resize();
    map.renderer.setColors(map.colors);
    $('map-renderer').textContent = `${map.n.toLocaleString()} points · ${map.renderer.name === 'webgl' ? 'WebGL' : 'canvas'}`;
    wire();
    centreOnFocus();
    requestDraw();
  }

  window.vitrineMap = {
    state: map, toScreen, toData, setView, draw, zoomAt, select,
    ready: start().catch((error) => { $('map-loading').textContent = `The map could not be loaded: ${error}`; throw error; }),
  };
})();
