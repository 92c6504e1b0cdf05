// The playground page: one WebSocket to the server, which trains barenet.
//
// The page asks for one step at a time, and only while it is visible: a tab
// that is hidden or closed asks for nothing, so nothing is trained for it.
// The run's settings are checked by the server, which answers with the
// normalised settings; the page mirrors them in the URL.

import {
  buildDatasetButtons, buildDiagram, hiddenSizes, readValue, showControls,
} from "./controls.js";
import { decode, drawBoundary, drawLinks, drawLosses, heatCanvas, paintBytes } from "./draw.js";

const $ = (selector) => document.querySelector(selector);
const LOCAL_DEFAULTS = { speed: "1", showtest: "0" };
const HISTORY_CAP = 4000;

const page = {
  socket: null, session: null, datasets: [], limits: {},
  query: {}, local: { ...LOCAL_DEFAULTS },
  data: null, diagram: null, heat: null, upload: null,
  ready: false, playing: false, inFlight: false, configPending: false, closed: false,
  latest: null, shown: null, frames: 0, times: [], fps: 0, renderMs: 0,
  history: { epoch: [], train: [], test: [] },
};

// -- what tests and curious people can read -------------------------------------------
window.playground = {
  get session() { return page.session; },
  get ready() { return page.ready; },
  get playing() { return page.playing; },
  get epoch() { return page.shown ? page.shown.epoch : 0; },
  get frames() { return page.frames; },
  get fps() { return page.fps; },
  get renderMs() { return page.renderMs; },
  get config() { return { ...page.query }; },
  get history() { return page.history; },
  get lastFrame() { return page.shown; },
  get data() { return page.data; },
};

// -- messages -----------------------------------------------------------------------------
function send(message) {
  if (page.socket && page.socket.readyState === WebSocket.OPEN) {
    page.socket.send(JSON.stringify(message));
  }
}

function configure(query) {
  page.configPending = true;
  send({ type: "config", config: query });
}

function showError(text) {
  $("#error-text").textContent = text;
  $("#error").hidden = false;
}

function hideError() { $("#error").hidden = true; }

const handlers = {
  hello(msg) {
    page.session = msg.session;
    page.datasets = msg.datasets;
    page.limits = msg.limits;
    $("#version").textContent = `barenet ${msg.version}`;
    buildDatasetButtons($("#datasets"), page.datasets, false, pickDataset);
    const base = `/api/sessions/${page.session}`;
    $("#download-model").dataset.href = `${base}/model`;
    $("#download-snippet").dataset.href = `${base}/snippet`;
    configure(page.query);
  },
  data(msg) {
    page.configPending = false;
    page.ready = true;
    page.data = msg;
    page.query = msg.config;
    page.latest = page.shown = page.heat = null;
    page.history = { epoch: [], train: [], test: [] };
    hideErrorAfterSuccess();
    showControls(page.query, page.local);
    writeUrl();
    const features = msg.upload ? msg.upload.features : ["x1", "x2"];
    page.diagram = buildDiagram($("#columns"), msg.layers, features, changeUnits);
    $("#class0").textContent = msg.classes[0];
    $("#class1").textContent = msg.classes[1];
    $("#notice").textContent = msg.upload
      ? `${msg.upload.name}: ${msg.upload.samples} points, label column "${msg.upload.target}"` : "";
    renderEmpty();
  },
  frame(msg) {
    page.inFlight = false;
    if (page.configPending) return;  // a frame of the run being replaced
    page.latest = msg;
    if (msg.converged && page.playing) {
      setPlaying(false);
      $("#notice").textContent = "L-BFGS converged: its tolerance is met.";
    }
    // The server trains the next step while this one is drawn, for a visible tab only.
    if (wantStep() && !document.hidden) requestStep();
  },
  error(msg) {
    // A config too big to read (a shared URL with hundreds of keys) is refused as a message.
    const config = msg.where === "config" || (msg.where === "message" && page.configPending);
    if (config) page.configPending = false;
    if (msg.where === "step") { page.inFlight = false; setPlaying(false); }
    showError(msg.message);
    if (config && !page.ready) {  // a bad shared URL: the defaults instead
      keepError = true;
      configure({});
    }
  },
  closing(msg) {
    page.closed = true;
    setPlaying(false);
    showError(msg.reason);
  },
};

// An error stays up until the next thing that works, except the defaults that
// replace a shared URL the server refused: that error explains them.
let keepError = false;
function hideErrorAfterSuccess() {
  if (!keepError) hideError();
  keepError = false;
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws`);
  page.socket = socket;
  socket.addEventListener("message", (event) => {
    const msg = JSON.parse(event.data);
    (handlers[msg.type] || (() => {}))(msg);
  });
  socket.addEventListener("close", () => {
    setPlaying(false);
    if (!page.closed) showError("The connection to the playground server was lost; reload the page.");
    page.closed = true;
    for (const el of document.querySelectorAll("button, select, input")) el.disabled = true;
    $("#error-close").disabled = false;
  });
}

// -- the loop: ask for a step, draw the newest frame --------------------------------------
function wantStep() {
  return page.ready && page.playing && !page.inFlight && !page.configPending && !page.closed;
}

function loop(now) {
  requestAnimationFrame(loop);
  if (wantStep()) requestStep();
  if (page.latest && page.latest !== page.shown) {
    const start = performance.now();
    render(page.latest);
    page.renderMs = 0.9 * page.renderMs + 0.1 * (performance.now() - start);
    countFrame(now);
  }
}

function requestStep() {
  page.inFlight = true;
  send({ type: "step", epochs: Number(page.local.speed) || 1 });
}

function countFrame(now) {
  page.frames += 1;
  page.times.push(now);
  while (page.times.length > 2 && now - page.times[0] > 2000) page.times.shift();
  const n = page.times.length;
  page.fps = n > 1 ? (n - 1) / ((page.times[n - 1] - page.times[0]) / 1000) : 0;
}

setInterval(() => {
  const idle = page.times.length && performance.now() - page.times[page.times.length - 1] > 2000;
  $("#rate").value = idle || !page.times.length ? "\u2013" : page.fps.toFixed(1);
}, 500);

function pad(epoch) {
  return String(epoch).padStart(6, "0").replace(/(\d{3})$/, ",$1");
}

function renderEmpty() {
  $("#epoch").value = pad(0);
  for (const id of ["#test-loss", "#train-loss"]) $(id).value = "\u2013";
  $("#test-acc").textContent = $("#train-acc").textContent = "";
  drawBoundary($("#boundary"), null, page.data, page.local.showtest === "1");
  drawLosses($("#loss-chart"), page.history);
  drawLinks($("#links"), $("#diagram"), page.diagram.columns, null);
  setDownloads(false);
}

function render(frame) {
  page.shown = frame;
  $("#epoch").value = pad(frame.epoch);
  $("#test-loss").value = frame.test_loss.toFixed(3);
  $("#train-loss").value = frame.train_loss.toFixed(3);
  $("#test-acc").textContent = `(accuracy ${(frame.test_accuracy * 100).toFixed(1)}%)`;
  $("#train-acc").textContent = `(accuracy ${(frame.train_accuracy * 100).toFixed(1)}%)`;
  $("#server-ms").textContent = `server ${frame.compute_ms.toFixed(1)} ms per step`;
  const h = page.history;
  if (h.epoch.length && h.epoch[h.epoch.length - 1] === frame.epoch) {
    h.train.pop(); h.test.pop(); h.epoch.pop();
  }
  h.epoch.push(frame.epoch); h.train.push(frame.train_loss); h.test.push(frame.test_loss);
  if (h.epoch.length > HISTORY_CAP) {
    for (const key of ["epoch", "train", "test"]) h[key] = h[key].filter((_, i) => i % 2 === 0);
  }
  drawLosses($("#loss-chart"), h);
  const size = page.data.boundary_size;
  page.heat = heatCanvas(decode(frame.boundary), size);
  drawBoundary($("#boundary"), page.heat, page.data, page.local.showtest === "1");
  const output = page.diagram.output;
  output.width = output.height = size;
  output.getContext("2d").drawImage(page.heat, 0, 0);
  frame.units.forEach((layer, l) => {
    const bytes = decode(layer.data);
    const n = page.data.unit_size;
    page.diagram.units[l].forEach((canvas, j) => paintBytes(canvas, bytes, j * n * n, n));
  });
  drawLinks($("#links"), $("#diagram"), page.diagram.columns, frame.weights);
  setDownloads(frame.epoch > 0);
  if ($("#code").open) loadCode();
}

// -- controls -----------------------------------------------------------------------------
function setPlaying(playing) {
  page.playing = playing && !page.closed;
  const button = $("#play");
  button.innerHTML = page.playing ? "&#x275A;&#x275A;" : "&#x25B6;";
  button.setAttribute("aria-label", page.playing ? "Pause" : "Play");
  button.classList.toggle("playing", page.playing);
}

function setDownloads(enabled) {
  for (const a of [$("#download-model"), $("#download-snippet")]) {
    a.classList.toggle("disabled", !enabled);
    if (enabled) a.href = a.dataset.href; else a.removeAttribute("href");
  }
}

let codeEpoch = -1;
async function loadCode() {
  if (!page.shown || page.shown.epoch === codeEpoch || page.playing && page.frames % 30) return;
  codeEpoch = page.shown.epoch;
  const response = await fetch($("#download-snippet").dataset.href);
  $("#code-text").textContent = response.ok ? await response.text()
    : "Train at least one epoch to see the code of this run.";
}

function change(key, value) {
  const query = { ...page.query, [key]: value };
  if (key === "dataset") {
    for (const k of ["samples", "noise", "dataseed"]) delete query[k];
  }
  $("#notice").textContent = "";
  configure(query);
}

function pickDataset(name) { change("dataset", name); }

function changeUnits(layer, delta) {
  const sizes = hiddenSizes(page.query.hidden);
  sizes[layer] = Math.min(16, Math.max(1, sizes[layer] + delta));
  change("hidden", sizes.join(","));
}

function writeUrl() {
  const params = new URLSearchParams(page.query);
  for (const [key, value] of Object.entries(page.local)) {
    if (value !== LOCAL_DEFAULTS[key]) params.set(key, value);
  }
  history.replaceState(null, "", `${location.pathname}?${params}`);
}

function readUrl() {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of params) {
    if (key in LOCAL_DEFAULTS) page.local[key] = value;
    else page.query[key] = value;
  }
}

async function uploadFile(file) {
  if (!file || !page.session) return;
  let response, body;
  try {
    response = await fetch(`/api/sessions/${page.session}/upload?name=${encodeURIComponent(file.name)}`,
      { method: "POST", body: file, headers: { "Content-Type": "text/csv" } });
    body = await response.json();
  } catch (err) {
    showError(`The upload failed: ${err}`);
    return;
  } finally {
    $("#upload").value = "";
  }
  if (!response.ok) {
    showError(`${body.error || `the upload failed (HTTP ${response.status})`}`);
    return;
  }
  page.upload = body;
  buildDatasetButtons($("#datasets"), page.datasets, true, pickDataset);
  change("dataset", "upload");
}

function wire() {
  for (const el of document.querySelectorAll("[data-key]")) {
    el.addEventListener("change", () => change(el.dataset.key, readValue(el)));
  }
  for (const el of document.querySelectorAll("[data-local]")) {
    el.addEventListener("change", () => {
      page.local[el.dataset.local] = readValue(el);
      writeUrl();
      if (page.data) drawBoundary($("#boundary"), page.heat, page.data, page.local.showtest === "1");
    });
  }
  $("[data-key=train]").addEventListener("input", (e) => { $("#train-out").value = `${e.target.value}%`; });
  $("[data-key=noise]").addEventListener("input", (e) => { $("#noise-out").value = e.target.value; });
  $("[data-key=samples]").addEventListener("input", (e) => { $("#samples-out").value = e.target.value; });
  $("#play").addEventListener("click", () => setPlaying(!page.playing));
  $("#step").addEventListener("click", () => {
    setPlaying(false);
    if (page.ready && !page.inFlight && !page.configPending) requestStep();
  });
  $("#reset").addEventListener("click", () => configure(page.query));
  $("#regenerate").addEventListener("click", () => {
    change("dataseed", String(Math.floor(Math.random() * 100000)));
  });
  $("#add-layer").addEventListener("click", () => {
    const sizes = hiddenSizes(page.query.hidden);
    change("hidden", [...sizes, sizes.length ? sizes[sizes.length - 1] : 4].join(","));
  });
  $("#remove-layer").addEventListener("click", () => {
    change("hidden", hiddenSizes(page.query.hidden).slice(0, -1).join(","));
  });
  $("#upload").addEventListener("change", (e) => uploadFile(e.target.files[0]));
  $("#error-close").addEventListener("click", hideError);
  $("#code").addEventListener("toggle", () => { codeEpoch = -1; if ($("#code").open) loadCode(); });
  window.addEventListener("resize", () => {
    if (page.diagram) drawLinks($("#links"), $("#diagram"), page.diagram.columns, page.shown?.weights);
  });
}

readUrl();
wire();
connect();
requestAnimationFrame(loop);
