// Drawing on canvases: the decision boundary, the points, the unit maps, the
// weights and the loss curves.  Nothing here computes a network: every value
// comes from the server's frames.

const ORANGE = [245, 147, 34];
const BLUE = [8, 119, 189];
const MID = [232, 234, 235];

// 256 colours from orange (byte 0) through light grey (128) to blue (255).
function lut(lighten) {
  const table = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const t = i / 255 * 2 - 1;
    const end = t < 0 ? ORANGE : BLUE;
    const a = Math.abs(t);
    for (let c = 0; c < 3; c++) {
      const v = MID[c] + (end[c] - MID[c]) * a;
      table[i * 4 + c] = v + (255 - v) * lighten;
    }
    table[i * 4 + 3] = 255;
  }
  return table;
}
const HEAT = lut(0.4);
const UNIT = lut(0);

export function decode(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

// A size x size image of bytes through a colour table, on a small offscreen canvas.
export function paintBytes(canvas, bytes, offset, size, table = UNIT) {
  if (canvas.width !== size) { canvas.width = size; canvas.height = size; }
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const k = bytes[offset + i] * 4;
    image.data[i * 4] = table[k];
    image.data[i * 4 + 1] = table[k + 1];
    image.data[i * 4 + 2] = table[k + 2];
    image.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

export function heatCanvas(bytes, size) {
  const canvas = document.createElement("canvas");
  paintBytes(canvas, bytes, 0, size, HEAT);
  return canvas;
}

// A feature's map: x1 or x2 from -1 (orange) to 1 (blue) across the square.
export function paintFeature(canvas, index, size = 24) {
  const bytes = new Uint8Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const t = index === 0 ? (c + 0.5) / size : 1 - (r + 0.5) / size;
      bytes[r * size + c] = Math.round(t * 255);
    }
  }
  paintBytes(canvas, bytes, 0, size);
}

function toPixel(domain, width, height, x, y) {
  const [xmin, xmax, ymin, ymax] = domain;
  return [(x - xmin) / (xmax - xmin) * width, (ymax - y) / (ymax - ymin) * height];
}

function drawPoints(ctx, domain, points, stroke) {
  const { width, height } = ctx.canvas;
  ctx.lineWidth = 1;
  ctx.strokeStyle = stroke;
  for (let i = 0; i < points.x.length; i++) {
    const [px, py] = toPixel(domain, width, height, points.x[i], points.y[i]);
    ctx.beginPath();
    ctx.arc(px, py, 3.2, 0, 2 * Math.PI);
    ctx.fillStyle = points.label[i] ? "rgb(8,119,189)" : "rgb(245,147,34)";
    ctx.fill();
    ctx.stroke();
  }
}

// The boundary canvas: the heat map (if any), then the points.
export function drawBoundary(canvas, heat, data, showTest) {
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "rgb(240,241,242)";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (heat) {
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(heat, 0, 0, canvas.width, canvas.height);
  }
  drawPoints(ctx, data.domain, data.train, "#fff");
  if (showTest) drawPoints(ctx, data.domain, data.test, "#000");
}

// Lines between the diagram's nodes: blue for positive weights, orange for
// negative, wider for larger magnitudes.
export function drawLinks(canvas, diagram, columns, weights) {
  const box = diagram.getBoundingClientRect();
  canvas.width = diagram.scrollWidth;
  canvas.height = diagram.scrollHeight;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!weights) return;
  const centre = (el, side) => {
    const r = el.getBoundingClientRect();
    return [(side ? r.right : r.left) - box.left + diagram.scrollLeft,
      r.top + r.height / 2 - box.top + diagram.scrollTop];
  };
  for (let l = 0; l < weights.length && l + 1 < columns.length; l++) {
    const from = columns[l], to = columns[l + 1], W = weights[l];
    for (let i = 0; i < from.length; i++) {
      const [x0, y0] = centre(from[i], true);
      for (let j = 0; j < to.length; j++) {
        const w = W[i * to.length + j];
        const [x1, y1] = centre(to[j], false);
        ctx.strokeStyle = w >= 0 ? "rgba(8,119,189,0.7)" : "rgba(245,147,34,0.7)";
        ctx.lineWidth = Math.min(6, 0.4 + Math.abs(w) * 1.2);
        ctx.beginPath();
        ctx.moveTo(x0, y0);
        ctx.bezierCurveTo((x0 + x1) / 2, y0, (x0 + x1) / 2, y1, x1, y1);
        ctx.stroke();
      }
    }
  }
}

// Training (grey) and test (black) loss against epochs.
export function drawLosses(canvas, history) {
  const ctx = canvas.getContext("2d");
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const n = history.epoch.length;
  if (n === 0) return;
  let top = 1e-9;
  for (let i = 0; i < n; i++) top = Math.max(top, history.train[i], history.test[i]);
  const last = history.epoch[n - 1], first = history.epoch[0];
  const stride = Math.max(1, Math.floor(n / width));
  const line = (values, colour) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < n; i += stride) {
      const x = n === 1 || last === first ? width : (history.epoch[i] - first) / (last - first) * width;
      const y = height - 4 - values[i] / top * (height - 8);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    }
    ctx.stroke();
  };
  line(history.train, "#999");
  line(history.test, "#000");
  ctx.font = "10px sans-serif";
  const label = `loss up to ${top.toFixed(3)} \u00B7 epoch ${last}`;
  ctx.fillStyle = "rgba(255,255,255,0.85)";
  ctx.fillRect(width - ctx.measureText(label).width - 6, 0, width, 13);
  ctx.fillStyle = "#666";
  ctx.textAlign = "right";
  ctx.fillText(label, width - 3, 10);
  ctx.textAlign = "left";
}
