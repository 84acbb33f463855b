/// The demo page served at `GET /`: one self-contained HTML document (inline CSS and script,
/// nothing fetched from elsewhere) that uses only the public API.
///
/// A person picks or drops a photo; the page sends it to `POST /v1/depth?format=color` for the
/// preview and `?format=json` for the depth values, shows photo and preview side by side at the
/// same displayed size, reads out the depth in metres under the pointer, says which focal length
/// the metric scale used and where it came from (`focal_px`, `scale_source`), measures the 3D
/// distance between two clicked points, and downloads the 16-bit PNG (`?format=png16`, sent from
/// the original file). A photo scaled down in the browser before upload loses its EXIF, so the
/// page first asks for the original's focal length (`size=native`) and passes it on, scaled, as
/// `focal_px`. Model details come from `GET /v1/model`; errors show the problem+json `detail`.
///
/// Element ids used by e2e/browser: `#file`, `#photo`, `#preview`, `#readout`, `#download`,
/// `#error`, `#camera`, `#distance` (plus `#status`, `#model`, `#drop`).
public enum DemoPage {
    /// The page, UTF-8 HTML; serve it as `text/html; charset=utf-8`.
    public static let html: String = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>depthd: depth from a single photo</title>
<style>
  :root {
    --bg: #f6f7f9; --fg: #1c1f24; --muted: #5b6470; --card: #ffffff; --line: #d5dae1;
    --accent: #2458d6; --accent-fg: #ffffff; --error-bg: #fdecec; --error-fg: #8a1c1c;
    font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
    line-height: 1.45;
  }
  @media (prefers-color-scheme: dark) {
    :root {
      --bg: #15171b; --fg: #e6e8eb; --muted: #9aa3ae; --card: #1e2127; --line: #343944;
      --accent: #7aa2ff; --accent-fg: #0d1117; --error-bg: #3a1c1f; --error-fg: #ffb4b4;
    }
  }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--bg); color: var(--fg); }
  main { max-width: 1100px; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
  header h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
  header p { margin: 0; color: var(--muted); }
  .drop {
    margin: 1.25rem 0; padding: 1.5rem; border: 2px dashed var(--line); border-radius: 12px;
    background: var(--card); text-align: center; transition: border-color .15s, background .15s;
  }
  .drop.over { border-color: var(--accent); }
  .drop p { margin: .5rem 0 0; color: var(--muted); font-size: .9rem; }
  .file-label {
    display: inline-block; padding: .6rem 1.1rem; border-radius: 8px; cursor: pointer;
    background: var(--accent); color: var(--accent-fg); font-weight: 600;
  }
  #file { position: absolute; width: 1px; height: 1px; opacity: 0; overflow: hidden; }
  #file:focus-visible + .file-label, button:focus-visible, .frame img:focus-visible { outline: 3px solid var(--accent); outline-offset: 3px; }
  .status { min-height: 1.5rem; color: var(--muted); }
  .status.busy::before {
    content: ""; display: inline-block; width: .9em; height: .9em; margin-right: .5em;
    vertical-align: -.1em; border: 2px solid var(--line); border-top-color: var(--accent);
    border-radius: 50%; animation: spin .8s linear infinite;
  }
  @keyframes spin { to { transform: rotate(360deg); } }
  @media (prefers-reduced-motion: reduce) { .status.busy::before { animation: none; } }
  .error {
    margin: .75rem 0; padding: .75rem 1rem; border-radius: 8px;
    background: var(--error-bg); color: var(--error-fg);
  }
  .error[hidden] { display: none; }
  .panes { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin-top: 1rem; }
  @media (max-width: 700px) { .panes { grid-template-columns: 1fr; } }
  figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: .75rem; }
  figcaption { font-size: .9rem; color: var(--muted); margin-bottom: .5rem; }
  /* Both frames take the photo's aspect ratio (set by the script), so photo and preview are shown
     at exactly the same size and a point on one is the same point on the other. */
  .frame { position: relative; aspect-ratio: 4 / 3; border-radius: 6px; overflow: hidden;
           background: repeating-conic-gradient(var(--line) 0 25%, transparent 0 50%) 0 0 / 16px 16px; }
  .frame img { display: block; width: 100%; height: 100%; cursor: crosshair; }
  .frame img:focus-visible { outline-offset: -3px; }
  .frame img:not([src]) { display: none; }
  .marker { position: absolute; width: 14px; height: 14px; margin: -7px 0 0 -7px; pointer-events: none;
            border: 2px solid #fff; border-radius: 50%; box-shadow: 0 0 0 1px #000; display: none; }
  .pick { position: absolute; width: 12px; height: 12px; margin: -6px 0 0 -6px; pointer-events: none;
          border: 2px solid #fff; border-radius: 2px; box-shadow: 0 0 0 1px #000; display: none; background: #2458d6; }
  .pick-b { background: #d6245f; }
  .bar { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; margin-top: 1rem; }
  .readout { font-variant-numeric: tabular-nums; font-size: 1.1rem; min-width: 16rem; }
  .range { color: var(--muted); font-size: .9rem; }
  button {
    font: inherit; padding: .55rem 1rem; border-radius: 8px; border: 1px solid var(--line);
    background: var(--card); color: var(--fg); cursor: pointer;
  }
  button:disabled { opacity: .5; cursor: not-allowed; }
  details { margin-top: 2rem; background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: .75rem 1rem; }
  summary { cursor: pointer; font-weight: 600; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .75rem 0 0; font-size: .9rem; }
  dt { color: var(--muted); }
  dd { margin: 0; overflow-wrap: anywhere; }
  footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
</style>
</head>
<body>
<main>
  <header>
    <h1>depthd</h1>
    <p>Metric depth from a single photo. <span id="model-name">Loading model details…</span></p>
  </header>

  <section id="drop" class="drop" aria-label="Choose a photo">
    <input id="file" type="file" accept="image/jpeg,image/png">
    <label for="file" class="file-label">Choose a photo</label>
    <p>…or drop a JPEG or PNG anywhere on this box. Indoor scenes work best.</p>
  </section>

  <div id="status" class="status" role="status" aria-live="polite"></div>
  <div id="error" class="error" role="alert" hidden></div>

  <div class="panes">
    <figure>
      <figcaption>Photo</figcaption>
      <div class="frame"><img id="photo" alt="The photo you chose"><span class="marker" aria-hidden="true"></span><span class="pick pick-a" aria-hidden="true"></span><span class="pick pick-b" aria-hidden="true"></span></div>
    </figure>
    <figure>
      <figcaption>Depth preview</figcaption>
      <div class="frame"><img id="preview" tabindex="0" alt="Colour depth preview of the photo; focus it and use the arrow keys to read the depth"><span class="marker" aria-hidden="true"></span><span class="pick pick-a" aria-hidden="true"></span><span class="pick pick-b" aria-hidden="true"></span></div>
    </figure>
  </div>

  <div class="bar">
    <div>
      <div id="readout" class="readout" aria-live="off">Point at either image to read the depth.</div>
      <div id="distance" class="readout" aria-live="polite">Click two points to measure the distance between them.</div>
      <div id="range" class="range"></div>
      <div id="camera" class="range"></div>
    </div>
    <button id="download" type="button" disabled>Download 16-bit PNG (mm)</button>
  </div>

  <details id="model">
    <summary>Model</summary>
    <dl id="model-details"></dl>
  </details>

  <footer>
    Everything on this page uses the public API: <code>POST /v1/depth?format=color|json|png16</code>
    (with <code>focal_px</code> for a photo scaled down here),
    <code>GET /v1/model</code>. See <a href="/openapi.yaml">openapi.yaml</a>.
  </footer>
</main>
<script>
"use strict";
(function () {
  // Photos larger than this (long side, pixels) are scaled down in the browser before the preview
  // and JSON requests: the network sees 320x240 anyway, and a full-size JSON grid of a phone photo
  // would be tens of megabytes. The 16-bit PNG download is made from the original file.
  const MAX_SIDE = 800;
  const $ = (id) => document.getElementById(id);
  const fileInput = $("file"), drop = $("drop"), statusBox = $("status"), errorBox = $("error");
  const photo = $("photo"), preview = $("preview"), readout = $("readout"), range = $("range");
  const download = $("download");
  let original = null;      // the File the person chose
  let depth = null;         // {width, height, values: Float64Array-like, unit, focal}
  let picks = [];           // clicked pixels of the depth grid, at most two
  let generation = 0;       // ignores answers to a photo that has since been replaced
  const urls = [];

  function setStatus(text, busy) {
    statusBox.textContent = text;
    statusBox.classList.toggle("busy", !!busy);
    document.body.setAttribute("aria-busy", busy ? "true" : "false");
  }
  function showError(text) { errorBox.textContent = text; errorBox.hidden = false; }
  function clearError() { errorBox.textContent = ""; errorBox.hidden = true; }
  function objectURL(blob) { const u = URL.createObjectURL(blob); urls.push(u); return u; }
  function releaseURLs() { while (urls.length) URL.revokeObjectURL(urls.pop()); }

  // Turns a non-2xx answer into a sentence, preferring the problem+json detail.
  async function problem(response) {
    let text = "";
    try { text = await response.text(); } catch (e) { /* body unreadable: fall through */ }
    try {
      const p = JSON.parse(text);
      if (p && (p.detail || p.title)) return (p.title ? p.title + ": " : "") + (p.detail || "");
    } catch (e) { /* not JSON */ }
    return "The server answered " + response.status + " " + response.statusText + (text ? ": " + text.slice(0, 300) : "");
  }

  // query: e.g. "format=json&size=input".
  async function post(body, query, contentType) {
    let response;
    try {
      response = await fetch("/v1/depth?" + query, {
        method: "POST", body: body, headers: { "Content-Type": contentType || "application/octet-stream" }
      });
    } catch (e) {
      throw new Error("Could not reach the service (" + e.message + ").");
    }
    if (!response.ok) throw new Error(await problem(response));
    return response;
  }

  function loadImage(url) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error("not decodable by the browser"));
      img.src = url;
    });
  }

  // The bytes to analyse: the original, or a scaled-down JPEG copy when the photo is large.
  async function analysisBody(file, img) {
    const long = Math.max(img.naturalWidth, img.naturalHeight);
    if (long <= MAX_SIDE) return { body: file, type: file.type, scale: 1 };
    const scale = MAX_SIDE / long;
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
    canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.92));
    return blob ? { body: blob, type: "image/jpeg", scale: canvas.width / img.naturalWidth } : { body: file, type: file.type, scale: 1 };
  }

  // openapi.yaml's DepthMap: {width, height, unit: "m", min, max, depth: [row-major metres]};
  // a list of rows is accepted too. null, NaN and 0 mean "no estimate".
  function parseDepth(json) {
    const width = json.width, height = json.height;
    let values = json.depth || json.data || json.values;
    if (!Array.isArray(values)) {
      for (const k in json) if (Array.isArray(json[k])) { values = json[k]; break; }
    }
    if (!Number.isInteger(width) || !Number.isInteger(height) || !Array.isArray(values)) {
      throw new Error("The JSON answer has no width, height and depth array.");
    }
    if (values.length === height && Array.isArray(values[0])) values = values.flat();
    if (values.length !== width * height) {
      throw new Error("The JSON answer holds " + values.length + " values for " + width + "x" + height + ".");
    }
    return { width, height, values, unit: json.unit || "m", min: json.min, max: json.max, focal: json.focal_px };
  }

  async function analyse(file) {
    const mine = ++generation;
    clearError();
    original = file; depth = null;
    download.disabled = true;
    preview.removeAttribute("src");
    releaseURLs();
    readout.textContent = "Point at either image to read the depth.";
    range.textContent = "";
    $("camera").textContent = "";
    clearPicks();
    const photoURL = objectURL(file);
    photo.src = photoURL;
    setStatus("Estimating depth for " + file.name + "…", true);
    try {
      let upload = { body: file, type: file.type, scale: 1 };
      try {
        const img = await loadImage(photoURL);
        setAspect(img.naturalWidth, img.naturalHeight);
        upload = await analysisBody(file, img);
      }
      catch (e) { photo.removeAttribute("src"); /* the service says what is wrong with it */ }
      const started = performance.now();
      // The camera of the original file (its EXIF survives only there), then the same lens for the copy.
      let origin = null, lens = "";
      if (upload.scale !== 1) {
        origin = await (await post(file, "format=json&size=native", file.type)).json();
        if (mine !== generation) return;
        lens = "&focal_px=" + (origin.focal_px * upload.scale);
      }
      const [colorResponse, jsonResponse] = await Promise.all([
        post(upload.body, "format=color&size=input" + lens, upload.type), post(upload.body, "format=json&size=input" + lens, upload.type)
      ]);
      const [colorBlob, json] = await Promise.all([colorResponse.blob(), jsonResponse.json()]);
      if (mine !== generation) return;
      depth = parseDepth(json);
      $("camera").textContent = describeCamera(origin || json);
      preview.src = objectURL(colorBlob);
      await preview.decode().catch(() => {});
      if (!photo.getAttribute("src")) setAspect(preview.naturalWidth, preview.naturalHeight);
      const ms = Math.round(performance.now() - started);
      const timing = colorResponse.headers.get("Server-Timing");
      range.textContent = describeRange(depth);
      setStatus("Done in " + ms + " ms" + (timing ? " (server: " + timing + ")" : "") + ".", false);
      download.disabled = false;
    } catch (e) {
      if (mine !== generation) return;
      setStatus("", false);
      showError(e.message);
    }
  }

  function setAspect(width, height) {
    if (!(width > 0 && height > 0)) return;
    for (const frame of document.querySelectorAll(".frame")) frame.style.aspectRatio = width + " / " + height;
  }
  function metres(v, unit) {
    if (unit === "mm") return v / 1000;
    return v;
  }
  function describeCamera(answer) {
    if (!(answer.focal_px > 0)) return "";
    const where = {
      exif: "from the photo's EXIF" + (answer.focal_exif_tags ? " (" + answer.focal_exif_tags + ")" : ""),
      request: "as given with the request",
      model: "the model's own camera: the photo states no focal length, so the metric scale is the model's guess",
      known: "rescaled to known distances"
    }[answer.scale_source] || answer.scale_source;
    return "Focal length " + answer.focal_px.toFixed(1) + " px, " + where + ".";
  }

  // The median depth over a 5x5 window around grid pixel (x, y): one noisy value does not decide it.
  function depthAt(x, y) {
    const found = [];
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        const cx = Math.min(depth.width - 1, Math.max(0, x + dx)), cy = Math.min(depth.height - 1, Math.max(0, y + dy));
        const v = depth.values[cy * depth.width + cx];
        if (v !== null && v > 0 && isFinite(v)) found.push(metres(v, depth.unit));
      }
    }
    if (!found.length) return null;
    found.sort((a, b) => a - b);
    const m = found.length >> 1;
    return found.length % 2 ? found[m] : (found[m - 1] + found[m]) / 2;
  }
  // Pixel (x, y) of the grid in the camera frame (x right, y down, z forward, metres), as the API places it.
  function point3D(x, y) {
    const z = depthAt(x, y);
    if (z === null || !(depth.focal > 0)) return null;
    return [(x + 0.5 - depth.width / 2) * z / depth.focal, (y + 0.5 - depth.height / 2) * z / depth.focal, z];
  }
  function clearPicks() {
    picks = [];
    for (const p of document.querySelectorAll(".pick")) p.style.display = "none";
    $("distance").textContent = "Click two points to measure the distance between them.";
  }
  function onClick(event) {
    if (!depth) return;
    const box = event.currentTarget.getBoundingClientRect();
    const fx = (event.clientX - box.left) / box.width, fy = (event.clientY - box.top) / box.height;
    if (fx < 0 || fx >= 1 || fy < 0 || fy >= 1) return;
    if (picks.length === 2) clearPicks();
    const x = Math.min(depth.width - 1, Math.floor(fx * depth.width));
    const y = Math.min(depth.height - 1, Math.floor(fy * depth.height));
    picks.push({ x, y, fx, fy });
    const cls = picks.length === 1 ? ".pick-a" : ".pick-b";
    for (const p of document.querySelectorAll(cls)) { p.style.left = (fx * 100) + "%"; p.style.top = (fy * 100) + "%"; p.style.display = "block"; }
    const out = $("distance");
    if (picks.length === 1) { out.textContent = "A at (" + x + ", " + y + "); click a second point."; return; }
    const [a, b] = picks.map((p) => point3D(p.x, p.y));
    if (!a || !b) { out.textContent = "No depth estimate at one of the points."; return; }
    const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    out.textContent = "A (" + picks[0].x + ", " + picks[0].y + ") to B (" + picks[1].x + ", " + picks[1].y + "): "
      + d.toFixed(2) + " m apart in 3D (A " + a[2].toFixed(2) + " m away, B " + b[2].toFixed(2) + " m)";
  }

  function describeRange(d) {
    let lo = Infinity, hi = -Infinity;
    for (const v of d.values) if (v !== null && v > 0 && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!isFinite(lo)) return "No depth estimates in this image.";
    return "Nearest " + metres(lo, d.unit).toFixed(2) + " m, farthest " + metres(hi, d.unit).toFixed(2) + " m.";
  }

  // Pointer position over either image -> the same fractional point in the depth grid. With the
  // keyboard, the focused preview's probe moves with the arrow keys (announced politely).
  let probe = { fx: 0.5, fy: 0.5 };
  function show(fx, fy, announce) {
    if (!depth || fx < 0 || fx >= 1 || fy < 0 || fy >= 1) return;
    probe = { fx, fy };
    const x = Math.min(depth.width - 1, Math.floor(fx * depth.width));
    const y = Math.min(depth.height - 1, Math.floor(fy * depth.height));
    const v = depth.values[y * depth.width + x];
    readout.setAttribute("aria-live", announce ? "polite" : "off");
    readout.textContent = (v === null || !(v > 0) || !isFinite(v))
      ? "No estimate at this point (outside the region the model sees)."
      : "Depth at (" + x + ", " + y + "): " + metres(v, depth.unit).toFixed(2) + " m";
    for (const img of [photo, preview]) placeMarker(img, fx, fy);
  }
  function onMove(event) {
    const box = event.currentTarget.getBoundingClientRect();
    show((event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height, false);
  }
  function onKey(event) {
    const step = event.shiftKey ? 0.1 : 0.02;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const move = moves[event.key];
    if (!move || !depth) return;
    event.preventDefault();
    const clamp = (v) => Math.min(0.999, Math.max(0, v));
    show(clamp(probe.fx + move[0]), clamp(probe.fy + move[1]), true);
  }
  function placeMarker(img, fx, fy) {
    const marker = img.nextElementSibling;
    marker.style.left = (fx * 100) + "%";
    marker.style.top = (fy * 100) + "%";
    marker.style.display = "block";
  }
  function onLeave() { for (const m of document.querySelectorAll(".marker")) m.style.display = "none"; }
  for (const img of [photo, preview]) {
    img.addEventListener("click", onClick);
    img.addEventListener("pointermove", onMove);
    img.addEventListener("pointerleave", onLeave);
  }
  preview.addEventListener("keydown", onKey);
  preview.addEventListener("focus", () => show(probe.fx, probe.fy, true));
  preview.addEventListener("blur", onLeave);

  download.addEventListener("click", async () => {
    if (!original) return;
    download.disabled = true;
    setStatus("Preparing the 16-bit PNG…", true);
    try {
      const response = await post(original, "format=png16&size=input", original.type);
      const blob = await response.blob();
      const a = document.createElement("a");
      a.href = objectURL(blob);
      a.download = original.name.replace(/\.[^.]*$/, "") + "-depth16.png";
      document.body.appendChild(a); a.click(); a.remove();
      const unit = response.headers.get("X-Depth-Unit");
      setStatus("Saved " + a.download + (unit ? " (unit: " + unit + ", 0 = no estimate)" : "") + ".", false);
    } catch (e) {
      setStatus("", false);
      showError(e.message);
    } finally {
      download.disabled = false;
    }
  });

  fileInput.addEventListener("change", () => { if (fileInput.files[0]) analyse(fileInput.files[0]); });
  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("over"); });
  }
  for (const type of ["dragleave", "drop"]) {
    drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.remove("over"); });
  }
  drop.addEventListener("drop", (e) => {
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) analyse(file);
  });
  // A photo dropped outside the box should not replace the page.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());

  // Model details: name in the header, everything scalar in the <details> list.
  function addDetails(list, prefix, value, depthLeft) {
    for (const [key, v] of Object.entries(value)) {
      const name = prefix ? prefix + "." + key : key;
      if (v !== null && typeof v === "object" && !Array.isArray(v) && depthLeft > 0) {
        addDetails(list, name, v, depthLeft - 1);
      } else {
        const dt = document.createElement("dt"), dd = document.createElement("dd");
        dt.textContent = name;
        dd.textContent = Array.isArray(v) ? v.join(", ") : (typeof v === "object" ? JSON.stringify(v) : String(v));
        list.append(dt, dd);
      }
    }
  }
  fetch("/v1/model").then(async (r) => {
    if (!r.ok) throw new Error(await problem(r));
    return r.json();
  }).then((m) => {
    const name = m.name || m.model || (m.metadata && m.metadata.name) || "the bundled model";
    const arch = m.architecture && (typeof m.architecture === "string" ? m.architecture : m.architecture.name);
    $("model-name").textContent = "Model: " + name + (arch ? " (" + arch + ")" : "") + ".";
    addDetails($("model-details"), "", m, 2);
  }).catch((e) => {
    $("model-name").textContent = "Model details unavailable: " + e.message;
  });
})();
</script>
</body>
</html>
"""#
}
