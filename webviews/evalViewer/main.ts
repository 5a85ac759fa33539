// Eval viewer webview: pick a held-out piece and performance, tick models, and see ground truth against
// each model's velocity and local tempo, the metrics table and loud sanity badges. Data comes from the
// server's eval-view requests, relayed by the client; the window (1/8/32) switches without a request.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import uPlot from 'uplot';
import type { EvalComparison, EvalModelChoice, EvalPiecesResult, EvalSplitChoice } from '../../server/protocol/evalView';
import { EVAL_SPLIT_CHOICES, EVAL_WINDOWS } from '../../server/protocol/evalView';
import { checkHostToView, checkViewToHost, type EvalViewerHostToView, type EvalViewerViewToHost } from '../../server/protocol/webview/evalViewer';
import { badgesOf, chartData, filterPieces, fmtR, modelColour, type ChartKind } from './model';
import { chartTheme, watchTheme } from '../shared/chartTheme';
import { restoreEvalState } from './viewState';
import { vscodeApi } from '../shared/vscodeApi';

const vscode = vscodeApi();
const state = restoreEvalState(vscode.getState());
let listing: EvalPiecesResult | null = null;
let models: EvalModelChoice[] = [];
let comparison: EvalComparison | null = null;
let requestId = 0;
let pending: number | null = null;
const plots = new Map<ChartKind, uPlot>();

function el<K extends keyof HTMLElementTagNameMap>(parent: HTMLElement, tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = parent.appendChild(document.createElement(tag));
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function labelled(parent: HTMLElement, text: string): HTMLLabelElement {
  const l = el(parent, 'label', 'field');
  el(l, 'span', undefined, text);
  return l;
}

const app = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
app.classList.add('eval-viewer');
const notice = el(app, 'div', 'notice');
notice.setAttribute('role', 'note');
const controls = el(app, 'div', 'controls');
const splitSelect = el(labelled(controls, 'Split'), 'select');
for (const s of EVAL_SPLIT_CHOICES) el(splitSelect, 'option', undefined, s).value = s;
splitSelect.value = state.split;
const pieceBox = labelled(controls, 'Piece');
const search = el(pieceBox, 'input');
search.type = 'search';
search.placeholder = 'Search pieces…';
search.setAttribute('aria-label', 'Search pieces');
const pieceSelect = el(pieceBox, 'select', 'pieces');
pieceSelect.size = 6;
pieceSelect.setAttribute('aria-label', 'Piece');
const perfSelect = el(labelled(controls, 'Performance'), 'select');
const modelBox = el(controls, 'fieldset', 'models');
el(modelBox, 'legend', undefined, 'Models');
const modelList = el(modelBox, 'div', 'list');
const windowBox = el(controls, 'fieldset', 'window');
el(windowBox, 'legend', undefined, 'Window');
for (const w of EVAL_WINDOWS) {
  const l = el(windowBox, 'label', 'check');
  const r = el(l, 'input');
  r.type = 'radio';
  r.name = 'window';
  r.value = String(w);
  r.checked = w === state.window;
  r.addEventListener('change', () => {
    state.window = w;
    save();
    drawCharts();
  });
  el(l, 'span', undefined, w === 1 ? '1 (raw)' : String(w));
}
const cancelButton = el(controls, 'button', undefined, 'Cancel');
cancelButton.type = 'button';
cancelButton.hidden = true;
cancelButton.addEventListener('click', () => {
  if (pending !== null) post({ kind: 'cancel', requestId: pending });
});
const status = el(app, 'div', 'status');
status.setAttribute('role', 'status');
status.setAttribute('aria-live', 'polite');
const badges = el(app, 'div', 'badges');
badges.setAttribute('aria-live', 'assertive');
const velocityChart = el(app, 'section', 'chart');
velocityChart.dataset.chart = 'velocity';
const tempoChart = el(app, 'section', 'chart');
tempoChart.dataset.chart = 'tempo';
const table = el(app, 'table', 'metrics');
table.setAttribute('aria-label', 'Metrics per model');

(window as unknown as Record<string, unknown>).__rubatoEvalViewer = {
  charts: () => [...plots].map(([k, u]) => ({ key: k, labels: u.series.slice(1).map((s) => s.label), data: u.data })),
};

function post(m: EvalViewerViewToHost): void {
  const bad = checkViewToHost(m);
  if (bad) throw new Error(`eval viewer: refusing to send an invalid message: ${bad}`);
  vscode.postMessage(m);
}
function save(): void {
  vscode.setState(state);
}

function selectedModelIds(): string[] {
  if (state.modelIds) return state.modelIds.filter((id) => models.some((m) => m.id === id && m.available));
  return models.filter((m) => m.available && (m.id === 'bundled' || m.id === 'rules')).map((m) => m.id);
}

function renderPieces(): void {
  const pieces = listing ? filterPieces(listing.pieces, search.value) : [];
  pieceSelect.replaceChildren(...pieces.map((p) => {
    const o = document.createElement('option');
    o.value = p.id;
    o.textContent = `${p.id} (${p.performances.length})`;
    return o;
  }));
  if (state.pieceId && pieces.some((p) => p.id === state.pieceId)) pieceSelect.value = state.pieceId;
  renderPerformances();
}

function renderPerformances(): void {
  const piece = listing?.pieces.find((p) => p.id === state.pieceId);
  perfSelect.replaceChildren(...(piece?.performances ?? []).map((name) => {
    const o = document.createElement('option');
    o.value = o.textContent = name;
    return o;
  }));
  if (piece && state.performance && piece.performances.includes(state.performance)) perfSelect.value = state.performance;
}

function renderModels(): void {
  const chosen = new Set(selectedModelIds());
  modelList.replaceChildren(...models.map((m) => {
    const l = document.createElement('label');
    l.className = 'check';
    const c = l.appendChild(document.createElement('input'));
    c.type = 'checkbox';
    c.checked = chosen.has(m.id);
    c.disabled = !m.available;
    c.addEventListener('change', () => {
      const ids = new Set(selectedModelIds());
      if (c.checked) ids.add(m.id);
      else ids.delete(m.id);
      state.modelIds = models.filter((x) => ids.has(x.id)).map((x) => x.id);
      save();
      compare();
    });
    const sw = l.appendChild(document.createElement('span'));
    sw.className = 'swatch';
    sw.style.backgroundColor = modelColour(m.id);
    l.appendChild(document.createElement('span')).textContent = m.available ? m.label : `${m.label} — ${m.reason}`;
    if (!m.available) l.title = m.reason;
    return l;
  }));
}

function compare(): void {
  // Wait for both the pieces and the models (the host sends them one after the other).
  if (!listing || models.length === 0 || !state.pieceId || !state.performance) return;
  const refs = selectedModelIds().map((id) => models.find((m) => m.id === id)!.ref);
  if (pending !== null) post({ kind: 'cancel', requestId: pending });
  pending = ++requestId;
  post({ kind: 'compare', requestId: pending, pieceId: state.pieceId, performance: state.performance, models: refs, windows: [...EVAL_WINDOWS] });
  status.textContent = `Computing ${state.pieceId} · ${state.performance}…`;
  cancelButton.hidden = false;
}

function choosePiece(id: string | null): void {
  state.pieceId = id;
  const piece = listing?.pieces.find((p) => p.id === id);
  state.performance = piece && state.performance && piece.performances.includes(state.performance) ? state.performance : piece?.performances[0] ?? null;
  save();
  renderPerformances();
  compare();
}

splitSelect.addEventListener('change', () => {
  state.split = splitSelect.value as EvalSplitChoice;
  save();
  post({ kind: 'listPieces', split: state.split });
});
search.addEventListener('input', renderPieces);
search.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown') pieceSelect.focus();
  if (e.key === 'Enter' && pieceSelect.options.length) choosePiece(pieceSelect.options[0]!.value);
});
pieceSelect.addEventListener('change', () => choosePiece(pieceSelect.value || null));
perfSelect.addEventListener('change', () => {
  state.performance = perfSelect.value || null;
  save();
  compare();
});

function drawCharts(): void {
  for (const u of plots.values()) u.destroy();
  plots.clear();
  if (!comparison) return;
  const theme = chartTheme();
  const width = Math.max(300, app.clientWidth - 16);
  for (const [kind, parent, title, yLabel] of [
    ['velocity', velocityChart, 'Velocity per note', 'velocity'],
    ['tempo', tempoChart, 'Local tempo per onset group (log ratio; > 0 slower)', 'log IOI ratio'],
  ] as const) {
    const d = chartData(comparison, kind, state.window);
    const axis = (label: string): uPlot.Axis => ({ label, stroke: theme.foreground, font: theme.font, labelFont: theme.font, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 } });
    const u = new uPlot(
      {
        title: `${title} · window ${state.window}`,
        width,
        height: 240,
        scales: { x: { time: false } },
        axes: [axis(kind === 'velocity' ? 'score note' : 'onset group'), axis(yLabel)],
        series: [
          { label: kind === 'velocity' ? 'note' : 'group' },
          { label: 'human', stroke: theme.foreground, width: 2, spanGaps: true, points: { show: false } },
          ...d.modelIds.map((id, i) => ({ label: d.labels[i + 1]!, stroke: modelColour(id), width: 1.5, spanGaps: true, points: { show: false } })),
        ],
      },
      d.data as uPlot.AlignedData,
      parent,
    );
    parent.dataset.series = String(d.data.length - 1);
    parent.dataset.points = String(d.data.slice(1).reduce((n, s) => n + s.filter((y) => y !== null).length, 0));
    plots.set(kind, u);
  }
}

function renderResult(): void {
  if (!comparison) return;
  const c = comparison;
  status.textContent = `${c.pieceId} · ${c.performance} (${c.split}) · ${c.scoreNotes} notes, ${c.groups} onset groups · aligned by ${c.alignment.source}, ${c.alignment.matchedPct}% matched${c.warnings.length ? ` · ${c.warnings.length} alignment warning(s)` : ''}`;
  status.title = c.warnings.join('\n');
  badges.replaceChildren(...c.models.flatMap((m) => badgesOf(m, c.scoreNotes).map((b) => {
    const e = document.createElement('div');
    e.className = `badge ${b.level}`;
    e.dataset.model = m.id;
    e.setAttribute('role', b.level === 'error' ? 'alert' : 'note');
    e.textContent = `${m.label}: ${b.text}`;
    return e;
  })));
  const head = table.createTHead();
  head.replaceChildren();
  const hr = head.insertRow();
  for (const h of ['model', ...c.windows.map((w) => `velocity r@${w}`), ...c.windows.map((w) => `rubato r@${w}`), `expression score (w=${c.expressionWindow})`, 'notes out / score', 'ms']) {
    const th = document.createElement('th');
    th.textContent = h;
    th.scope = 'col';
    hr.appendChild(th);
  }
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren();
  for (const m of c.models) {
    const r = body.insertRow();
    r.dataset.model = m.id;
    const cells = [m.label, ...c.windows.map((w) => fmtR(m.velocityR[String(w)])), ...c.windows.map((w) => fmtR(m.rubatoR[String(w)])), fmtR(m.expressionScore), m.outputNotes === null ? '–' : `${m.outputNotes} / ${c.scoreNotes}`, String(m.elapsedMs)];
    cells.forEach((t, i) => {
      const td = r.insertCell();
      td.textContent = t;
      if (i === cells.length - 2 && m.outputNotes !== null && m.outputNotes !== c.scoreNotes) td.className = 'mismatch';
    });
    if (m.error) r.className = 'failed';
  }
  drawCharts();
}

function onMessage(m: EvalViewerHostToView): void {
  switch (m.kind) {
    case 'pieces': {
      listing = m.listing;
      state.split = m.listing.split;
      splitSelect.value = state.split;
      notice.textContent = m.listing.notice ?? '';
      notice.hidden = !m.listing.notice;
      if (!m.listing.pieces.some((p) => p.id === state.pieceId)) state.pieceId = m.listing.pieces[0]?.id ?? null;
      renderPieces();
      choosePiece(state.pieceId);
      if (m.listing.errors.length) status.textContent = `Listed with problems: ${m.listing.errors.join('; ')}`;
      return;
    }
    case 'models':
      models = m.models;
      renderModels();
      compare();
      return;
    case 'computing':
      if (m.requestId === pending) status.textContent += ' (server working)';
      return;
    case 'result':
      if (m.requestId !== pending) return; // stale: a newer request was made
      pending = null;
      cancelButton.hidden = true;
      comparison = m.comparison;
      renderResult();
      return;
    case 'failed':
      if (m.requestId !== null && m.requestId !== pending) return;
      if (m.requestId !== null) {
        pending = null;
        cancelButton.hidden = true;
      }
      status.textContent = m.cancelled ? 'Cancelled.' : `Failed: ${m.message}`;
      return;
    case 'preselect':
      state.modelIds = [...new Set([...selectedModelIds(), ...m.modelIds])];
      save();
      renderModels();
      compare();
      return;
    default: {
      const never: never = m;
      throw new Error(`unhandled message ${JSON.stringify(never)}`);
    }
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const bad = checkHostToView(e.data);
  if (bad) {
    status.textContent = `Ignored an invalid message from the extension: ${bad}`;
    return;
  }
  onMessage(e.data as EvalViewerHostToView);
});
watchTheme(drawCharts);
let resizeTimer: ReturnType<typeof setTimeout> | null = null;
new ResizeObserver(() => {
  if (resizeTimer) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const u of plots.values()) u.setSize({ width: Math.max(300, app.clientWidth - 16), height: 240 });
  }, 100);
}).observe(app);
post({ kind: 'ready' });
