// The page's controls: showing a configuration, and the network diagram.
// Controls carry data-key (a run setting the server checks) or data-local
// (a setting of this page only); both live in the URL.

import { paintFeature } from "./draw.js";

const $ = (selector) => document.querySelector(selector);

function setValue(el, value) {
  if (el.type === "checkbox") { el.checked = value === "1"; return; }
  if (el.tagName === "SELECT" && ![...el.options].some((o) => o.value === value)) {
    el.add(new Option(value, value));  // a value from a shared URL that the list lacks
  }
  el.value = value;
}

export function readValue(el) {
  return el.type === "checkbox" ? (el.checked ? "1" : "0") : el.value;
}

// Show a configuration (the server's normalised query) and the page's own settings.
export function showControls(query, local) {
  for (const el of document.querySelectorAll("[data-key]")) {
    const value = query[el.dataset.key];
    el.disabled = value === undefined;
    if (value !== undefined) setValue(el, value);
  }
  for (const el of document.querySelectorAll("[data-local]")) {
    setValue(el, local[el.dataset.local]);
  }
  const upload = query.dataset === "upload";
  $("#regenerate").disabled = upload;
  const lbfgs = query.solver === "lbfgs";
  $("[data-key=lr]").disabled = lbfgs;
  $("[data-key=batch]").disabled = lbfgs;
  $("#train-out").value = `${query.train}%`;
  $("#noise-out").value = query.noise ?? "\u2013 (not for these data)";
  $("#samples-out").value = query.samples ?? "";
  for (const button of document.querySelectorAll("#datasets button")) {
    button.setAttribute("aria-pressed", String(button.dataset.name === query.dataset));
  }
  const sizes = hiddenSizes(query.hidden);
  $("#layer-count").textContent = sizes.length === 1 ? "1 hidden layer" : `${sizes.length} hidden layers`;
  $("#add-layer").disabled = sizes.length >= 6;
  $("#remove-layer").disabled = sizes.length === 0;
}

export function hiddenSizes(text) {
  return (text || "").split(",").map((s) => s.trim()).filter((s) => s).map(Number);
}

export function buildDatasetButtons(container, datasets, hasUpload, onPick) {
  container.replaceChildren();
  for (const d of [...datasets, { name: "upload", label: "Uploaded CSV" }]) {
    const button = document.createElement("button");
    button.textContent = d.label;
    button.dataset.name = d.name;
    button.disabled = d.name === "upload" && !hasUpload;
    button.addEventListener("click", () => onPick(d.name));
    container.append(button);
  }
}

function node(title, big = false) {
  const div = document.createElement("div");
  div.className = big ? "node big" : "node";
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 24;
  canvas.title = title;
  div.append(canvas);
  return div;
}

// Columns of nodes: the two features, each hidden layer, the output.
// onUnits(layer, delta) changes a hidden layer's size.
export function buildDiagram(container, layers, featureNames, onUnits) {
  container.replaceChildren();
  const columns = [];
  const units = [];
  const addColumn = (head) => {
    const column = document.createElement("div");
    column.className = "column";
    column.append(head);
    container.append(column);
    return column;
  };
  const label = (text) => {
    const div = document.createElement("div");
    div.className = "head";
    div.textContent = text;
    return div;
  };
  const inputs = addColumn(label("Features"));
  const inputNodes = featureNames.map((name, i) => {
    const n = node(name);
    const caption = document.createElement("small");
    caption.textContent = name;
    n.append(caption);
    paintFeature(n.querySelector("canvas"), i);
    inputs.append(n);
    return n;
  });
  columns.push(inputNodes);
  layers.slice(1, -1).forEach((size, l) => {
    const head = label(`${size} unit${size === 1 ? "" : "s"}`);
    const controls = document.createElement("div");
    for (const [text, delta] of [["+", 1], ["\u2212", -1]]) {
      const b = document.createElement("button");
      b.textContent = text;
      b.title = `${delta > 0 ? "Add a unit to" : "Remove a unit from"} layer ${l + 1}`;
      b.disabled = (delta > 0 && size >= 16) || (delta < 0 && size <= 1);
      b.addEventListener("click", () => onUnits(l, delta));
      controls.append(b);
    }
    head.prepend(controls);
    const column = addColumn(head);
    const nodes = [];
    for (let j = 0; j < size; j++) {
      const n = node(`layer ${l + 1}, unit ${j + 1}`);
      column.append(n);
      nodes.push(n);
    }
    columns.push(nodes);
    units.push(nodes.map((n) => n.querySelector("canvas")));
  });
  const output = node("output: the decision boundary", true);
  addColumn(label("Output")).append(output);
  columns.push([output]);
  return { columns, units, output: output.querySelector("canvas") };
}
