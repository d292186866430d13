// kiso serve's page: draw on #digit, send the drawing as a PNG to /api/predict while drawing,
// and show the class, the probabilities, the 28×28 input and the first layer's activations.
"use strict";

const $ = (id) => document.getElementById(id);
const canvas = $("digit");
const pen = canvas.getContext("2d");
let models = [];
let drawing = false, inFlight = false, pending = false, hasInk = false, last = null;

function clearCanvas() {
  pen.fillStyle = "#000";
  pen.fillRect(0, 0, canvas.width, canvas.height);
  hasInk = false;
  $("prediction").textContent = "Draw a digit";
  delete $("prediction").dataset.class;
  drawBars(null);
  drawGray($("input"), null, 28, 28);
  $("filters").replaceChildren();
}

function currentModel() {
  return models.find((m) => m.name === $("model").value) || models[0];
}

// Drawing, for mouse, pen and touch alike (Pointer Events).
function point(event) {
  const box = canvas.getBoundingClientRect();
  return { x: (event.clientX - box.left) * canvas.width / box.width, y: (event.clientY - box.top) * canvas.height / box.height };
}

function stroke(from, to) {
  pen.strokeStyle = "#fff";
  pen.lineWidth = 22;
  pen.lineCap = "round";
  pen.lineJoin = "round";
  pen.beginPath();
  pen.moveTo(from.x, from.y);
  pen.lineTo(to.x, to.y);
  pen.stroke();
  hasInk = true;
}

canvas.addEventListener("pointerdown", (event) => {
  event.preventDefault();
  canvas.setPointerCapture(event.pointerId);
  drawing = true;
  last = point(event);
  stroke(last, last);
  requestPrediction();
});
canvas.addEventListener("pointermove", (event) => {
  if (!drawing) return;
  event.preventDefault();
  const next = point(event);
  stroke(last, next);
  last = next;
  requestPrediction();
});
for (const name of ["pointerup", "pointercancel"]) {
  canvas.addEventListener(name, () => {
    if (!drawing) return;
    drawing = false;
    requestPrediction();
  });
}

// One request at a time; strokes drawn meanwhile are sent when it returns.
function requestPrediction() {
  if (!hasInk || models.length === 0) return;
  if (inFlight) { pending = true; return; }
  inFlight = true;
  pending = false;
  document.body.dataset.busy = "1";
  canvas.toBlob(async (png) => {
    try {
      const model = currentModel();
      const query = "?model=" + encodeURIComponent(model.name) + (model.convolutional ? "&activations=1" : "");
      const response = await fetch("/api/predict" + query, { method: "POST", headers: { "Content-Type": "image/png" }, body: png });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.error || response.statusText);
      if (hasInk) show(answer, model);
      $("status").textContent = "";
    } catch (error) {
      $("status").textContent = "Could not predict: " + error.message;
    } finally {
      inFlight = false;
      if (pending) requestPrediction();
      else delete document.body.dataset.busy;
    }
  }, "image/png");
}

function show(answer, model) {
  const p = answer.probabilities[answer.class];
  const text = model.labels[answer.class];
  const out = $("prediction");
  out.dataset.class = String(answer.class);
  out.replaceChildren(document.createTextNode(text + " "));
  if (text !== String(answer.class)) {
    const small = document.createElement("small");
    small.textContent = "class " + answer.class + " ";
    out.append(small);
  }
  const sure = document.createElement("small");
  sure.textContent = (p * 100).toFixed(1) + "%";
  out.append(sure);
  drawBars(answer.probabilities, model.labels, answer.class);
  drawGray($("input"), answer.input, 28, 28);
  if (answer.activations) drawLayer(answer.activations);
}

function drawBars(probabilities, labels, best) {
  const bars = $("bars");
  bars.replaceChildren();
  const names = labels || (currentModel() || { labels: [] }).labels;
  names.forEach((name, k) => {
    const p = probabilities ? probabilities[k] : 0;
    const row = document.createElement("div");
    row.className = "bar" + (k === best ? " best" : "");
    const label = document.createElement("span");
    label.textContent = name;
    const track = document.createElement("span");
    track.className = "track";
    const fill = document.createElement("span");
    fill.className = "fill";
    fill.style.display = "block";
    fill.style.width = (p * 100).toFixed(1) + "%";
    track.append(fill);
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = probabilities ? (p * 100).toFixed(1) + "%" : "";
    row.append(label, track, value);
    bars.append(row);
  });
}

// Paints values (0…1, row-major) as gray pixels, scaled up to the canvas.
function drawGray(target, values, width, height) {
  const small = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = values ? Math.round(Math.min(Math.max(values[i], 0), 1) * 255) : 0;
    small.data.set([v, v, v, 255], i * 4);
  }
  paint(target, small);
}

// Paints signed values on a blue–white–red scale, symmetric about zero.
function drawSigned(target, values, offset, width, height) {
  let scale = 1e-12;
  for (let i = 0; i < width * height; i++) scale = Math.max(scale, Math.abs(values[offset + i]));
  const small = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const t = values[offset + i] / scale;
    const fade = Math.round(255 * (1 - Math.abs(t)));
    const rgb = t >= 0 ? [255, fade, fade] : [fade, fade, 255];
    small.data.set([...rgb, 255], i * 4);
  }
  paint(target, small);
}

function paint(target, small) {
  const buffer = document.createElement("canvas");
  buffer.width = small.width;
  buffer.height = small.height;
  buffer.getContext("2d").putImageData(small, 0, 0);
  const g = target.getContext("2d");
  g.imageSmoothingEnabled = false;
  g.drawImage(buffer, 0, 0, target.width, target.height);
}

// The book's figure 7-25, live: each filter beside its activation map for this drawing.
function drawLayer(activations) {
  const [count, channels, fh, fw] = activations.filters.shape;
  const [, oh, ow] = activations.maps.shape;
  const grid = $("filters");
  if (grid.children.length !== count) {
    grid.replaceChildren();
    for (let f = 0; f < count; f++) {
      const unit = document.createElement("div");
      unit.className = "unit";
      const filter = document.createElement("canvas");
      filter.width = fw * 6; filter.height = fh * 6;
      const map = document.createElement("canvas");
      map.width = ow * 2; map.height = oh * 2;
      unit.append(filter, map);
      grid.append(unit);
    }
  }
  for (let f = 0; f < count; f++) {
    const [filter, map] = grid.children[f].children;
    drawSigned(filter, activations.filters.values, f * channels * fh * fw, fw, fh);  // first input channel
    drawSigned(map, activations.maps.values, f * oh * ow, ow, oh);
  }
}

// The training view: loss and accuracy curves from Server-Sent Events.
function followTraining(title) {
  $("training").hidden = false;
  $("training-title").textContent = title;
  const losses = [], train = [], test = [];
  const source = new EventSource("/api/training/events");
  const redraw = () => {
    plot($("loss-chart"), [{ points: losses, color: "#374151" }], null);
    plot($("accuracy-chart"), [{ points: train, color: "#2563eb" }, { points: test, color: "#dc2626" }], [0, 1]);
  };
  source.addEventListener("loss", (event) => {
    const e = JSON.parse(event.data);
    if (e.loss !== null) losses.push([e.iteration, e.loss]);
    redraw();
  });
  source.addEventListener("accuracy", (event) => {
    const e = JSON.parse(event.data);
    train.push([e.epoch, e.train]);
    test.push([e.epoch, e.test]);
    const last = (100 * e.test).toFixed(2);
    $("training-status").textContent = "epoch " + e.epoch + ": test accuracy " + last + "%";
    redraw();
  });
  source.addEventListener("done", () => {
    source.close();
    $("training-status").textContent += " (finished)";
  });
}

// A line chart of series of [x, y] points, with the y range given or taken from the data.
function plot(target, series, yRange) {
  const g = target.getContext("2d");
  const w = target.width, h = target.height, m = 36;
  g.clearRect(0, 0, w, h);
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return;
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  const [y0, y1] = yRange || [Math.min(0, ...ys), Math.max(...ys, 1e-6)];
  const px = (x) => m + (x - x0) / (x1 - x0) * (w - m - 8);
  const py = (y) => h - m + 8 - (y - y0) / (y1 - y0) * (h - m);
  g.strokeStyle = "#9ca3af";
  g.strokeRect(m, 8, w - m - 8, h - m);
  g.fillStyle = "#6b7280";
  g.font = "11px sans-serif";
  g.fillText(y1.toFixed(2), 2, 14);
  g.fillText(y0.toFixed(2), 2, h - m + 8);
  g.fillText(String(x0), m, h - m + 22);
  g.fillText(String(x1), w - 40, h - m + 22);
  for (const s of series) {
    g.strokeStyle = s.color;
    g.lineWidth = 1.5;
    g.beginPath();
    s.points.forEach(([x, y], i) => (i === 0 ? g.moveTo(px(x), py(y)) : g.lineTo(px(x), py(y))));
    g.stroke();
  }
}

async function start() {
  clearCanvas();
  $("clear").addEventListener("click", clearCanvas);
  $("model").addEventListener("change", () => {
    $("layer").hidden = !currentModel().convolutional;
    $("filters").replaceChildren();
    drawBars(null);
    requestPrediction();
  });
  const response = await fetch("/api/models");
  const answer = await response.json();
  models = answer.models;
  for (const model of models) {
    const option = document.createElement("option");
    option.value = model.name;
    const known = model.accuracy == null ? "" : ", " + (100 * model.accuracy).toFixed(2) + "%";
    option.textContent = model.name + " (" + (model.dataset || "?") + known + ")";
    $("model").append(option);
  }
  $("picker").hidden = models.length < 2;
  $("draw").hidden = models.length === 0;
  if (models.length > 0) {
    $("layer").hidden = !currentModel().convolutional;
    drawBars(null);
  }
  if (answer.training) followTraining(answer.training);
}

start().catch((error) => { $("status").textContent = "Could not load the models: " + error.message; });
