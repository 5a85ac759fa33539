// Loss-curves webview: runs overlaid on uPlot charts, fed by backfill pages and live appends that the
// client relays from the server's runs protocol. Appends are coalesced into one redraw per animation frame.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { isTerminalState, type RunInfo } from '../../server/protocol/runs';
import { checkHostToView, checkViewToHost, type LossCurvesHostToView, type LossCurvesViewToHost } from '../../server/protocol/webview/lossCurves';
import { MetricChart, type LineDef } from './chart';
import { downsampleMinMax, xExtent, type XYSeries } from './downsample';
import { chartOf, chartTitle, isDefaultMetric, isEvalMetric, METRIC_DASHES, orderCharts, runColour, EVAL_CHART } from './metricGroups';
import { newRunStream, receiveAppend, receiveBackfill, receiveBackfillFailure, startBackfill, type RunStream, type StreamStep } from './offsets';
import { RunSeries } from './seriesStore';
import { chartTheme, watchTheme } from '../shared/chartTheme';
import { MAX_SMOOTHING, restoreState, type LossCurvesState } from './viewState';
import { vscodeApi } from '../shared/vscodeApi';
import { buildControls, type Controls } from './controls';

const CHART_HEIGHT_PX = 220;

const vscode = vscodeApi();
const state: LossCurvesState = restoreState(vscode.getState());
const runs = new Map<string, RunInfo>();
const series = new Map<string, RunSeries>();
const streams = new Map<string, RunStream>();
const charts = new Map<string, MetricChart>();
let viewRange: [number, number] | null = null;
let rowsApplied = 0;
let frameRequested = false;
let controlsDirty = true;
const knownMetrics = new Set<string>();

const app = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
app.classList.add('loss-curves');
const controls: Controls = buildControls(app, state, {
  onToggleRun: (id, on) => {
    const sel = new Set(state.selectedRuns);
    if (on) sel.add(id);
    else sel.delete(id);
    setSelection([...sel]);
  },
  onToggleMetric: (name, on) => {
    const current = new Set(state.metrics ?? [...knownMetrics].filter(isDefaultMetric));
    if (on) current.add(name);
    else current.delete(name);
    state.metrics = [...current].sort();
    changed();
  },
  onSmoothing: (w) => {
    state.smoothing = Math.min(MAX_SMOOTHING, Math.max(0, w));
    changed();
  },
  onLog: (on) => {
    state.logScale = on;
    changed();
  },
  onXAxis: (x) => {
    state.xAxis = x;
    viewRange = null;
    changed();
  },
  onResetZoom: () => {
    viewRange = null;
    schedule();
  },
});
const chartsRoot = app.appendChild(document.createElement('div'));
chartsRoot.className = 'charts';
const empty = app.appendChild(document.createElement('p'));
empty.className = 'empty';

/** Test and bench hooks: how much has been applied and drawn (read-only views of the state). */
const drawLog: { at: number; rows: number }[] = [];
(window as unknown as Record<string, unknown>).__rubatoLossCurves = {
  rowsApplied: () => rowsApplied,
  drawLog,
  charts: () => [...charts.values()].map((c) => ({ key: c.key, draws: c.draws, data: c.plotData() })),
  points: (runId: string, metric: string) => series.get(runId)?.metrics.get(metric)?.length ?? 0,
};

function post(m: LossCurvesViewToHost): void {
  const bad = checkViewToHost(m);
  if (bad) throw new Error(`loss curves: refusing to send an invalid message: ${bad}`);
  vscode.postMessage(m);
}

function changed(): void {
  vscode.setState(state);
  controlsDirty = true;
  schedule();
}

function schedule(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    render();
  });
}

function setSelection(ids: string[]): void {
  const before = new Set(state.selectedRuns);
  state.selectedRuns = ids;
  for (const id of before) if (!ids.includes(id)) unwatch(id);
  for (const id of ids) if (!before.has(id)) watch(id);
  post({ kind: 'selectRuns', runIds: ids });
  changed();
}

/** Starts (or resumes) reading a run's history; appends of unselected runs are not kept. */
function watch(id: string): void {
  let s = streams.get(id);
  if (!s) {
    streams.set(id, (s = newRunStream()));
    series.set(id, new RunSeries());
  }
  s.error = null;
  const from = startBackfill(s);
  if (from !== null) post({ kind: 'backfill', runId: id, fromOffset: from });
}

function unwatch(id: string): void {
  const s = streams.get(id);
  // Appends are ignored while unselected, so the history must be re-read from where we stopped.
  if (s) s.caughtUp = false;
}

function applyStep(runId: string, step: StreamStep): void {
  if (step.apply.length) {
    const rs = series.get(runId)!;
    for (const row of step.apply) {
      rs.add(row);
      for (const name of Object.keys(row.values)) {
        if (!knownMetrics.has(name)) {
          knownMetrics.add(name);
          controlsDirty = true;
        }
      }
    }
    rowsApplied += step.apply.length;
    schedule();
  }
  if (step.requestFrom !== null) post({ kind: 'backfill', runId, fromOffset: step.requestFrom });
}

function onMessage(m: LossCurvesHostToView): void {
  switch (m.kind) {
    case 'runs': {
      runs.clear();
      for (const r of m.runs) runs.set(r.id, r);
      if (state.selectedRuns.length === 0 && m.runs.length > 0) setSelection(defaultSelection(m.runs));
      else for (const id of state.selectedRuns) if (runs.has(id) && !streams.has(id)) watch(id);
      controlsDirty = true;
      schedule();
      return;
    }
    case 'runUpdated': {
      const prev = runs.get(m.run.id);
      const isNew = prev === undefined;
      // A run that starts training while the view is open (new, or leaving the queue) is shown at once,
      // beside what was selected: it is the run the user just started.
      const started = (isNew || prev.state === 'queued') && m.run.state !== 'queued' && !isTerminalState(m.run.state);
      runs.set(m.run.id, m.run);
      if ((isNew && state.selectedRuns.length === 0) || (started && !state.selectedRuns.includes(m.run.id))) setSelection([...state.selectedRuns, m.run.id]);
      else if (state.selectedRuns.includes(m.run.id) && !streams.has(m.run.id)) watch(m.run.id);
      controlsDirty = true;
      schedule();
      return;
    }
    case 'backfill': {
      const s = streams.get(m.runId);
      if (!s) return;
      applyStep(m.runId, receiveBackfill(s, m, m.complete));
      controlsDirty = true;
      return;
    }
    case 'backfillFailed': {
      const s = streams.get(m.runId);
      if (s) receiveBackfillFailure(s, m.fromOffset, m.message);
      controls.setStatus(`Could not read the metrics of ${m.runId}: ${m.message}`);
      return;
    }
    case 'appended': {
      const s = streams.get(m.runId);
      if (!s || !state.selectedRuns.includes(m.runId)) return;
      applyStep(m.runId, receiveAppend(s, m));
      return;
    }
    case 'focusRun': {
      if (!state.selectedRuns.includes(m.runId)) setSelection([...state.selectedRuns, m.runId]);
      app.scrollIntoView();
      return;
    }
    default: {
      const never: never = m;
      throw new Error(`unhandled message ${JSON.stringify(never)}`);
    }
  }
}

/** Running runs, else the most recently queued one. */
function defaultSelection(list: RunInfo[]): string[] {
  const running = list.filter((r) => r.state === 'running' || r.state === 'starting');
  if (running.length) return running.map((r) => r.id);
  const newest = [...list].sort((a, b) => b.queuedAt - a.queuedAt)[0];
  return newest ? [newest.id] : [];
}

function selectedMetrics(): Set<string> {
  return new Set(state.metrics ?? [...knownMetrics].filter(isDefaultMetric));
}

function render(): void {
  if (controlsDirty) {
    controlsDirty = false;
    controls.update([...runs.values()], streams, state, [...knownMetrics].sort(), selectedMetrics());
  }
  const shownRuns = state.selectedRuns.filter((id) => series.has(id));
  const metrics = selectedMetrics();
  // Which charts exist: one per group of a selected metric some shown run has.
  const byChart = new Map<string, string[]>();
  for (const id of shownRuns) {
    for (const name of series.get(id)!.metrics.keys()) {
      if (!metrics.has(name)) continue;
      const key = chartOf(name);
      const list = byChart.get(key) ?? [];
      if (!list.includes(name)) list.push(name);
      byChart.set(key, list);
    }
  }
  const order = orderCharts(byChart.keys());
  for (const [key, c] of charts) {
    if (!byChart.has(key)) {
      c.destroy();
      charts.delete(key);
    }
  }
  const theme = chartTheme();
  const width = chartsRoot.clientWidth || 600;
  for (const key of order) {
    let chart = charts.get(key);
    if (!chart) {
      chart = new MetricChart(chartsRoot, key, (r) => {
        viewRange = r;
        schedule();
      }, () => drawLog.push({ at: performance.now(), rows: rowsApplied }));
      charts.set(key, chart);
    }
    chartsRoot.appendChild(chart.element); // keeps display order
    drawChart(chart, key, byChart.get(key)!.sort(), shownRuns, theme, width);
  }
  empty.textContent = runs.size === 0 ? 'No runs yet. Run "Rubato: Start Training" to start one; its curves appear here live.' : shownRuns.length === 0 ? 'Select a run above to see its curves.' : order.length === 0 ? 'Waiting for the first metrics…' : '';
  app.dataset.rows = String(rowsApplied);
}

function drawChart(chart: MetricChart, key: string, names: string[], runIds: string[], theme: ReturnType<typeof chartTheme>, width: number): void {
  const lines: LineDef[] = [];
  const xy: XYSeries[] = [];
  const w = state.smoothing;
  const byWall = state.xAxis === 'wall';
  for (const id of runIds) {
    const rs = series.get(id)!;
    const runName = runs.get(id)?.name ?? id;
    names.forEach((name, i) => {
      const s = rs.metrics.get(name);
      if (!s) return;
      lines.push({ key: `${id}\u0000${name}`, label: names.length > 1 || key === EVAL_CHART ? `${runName} · ${name}` : runName, colour: runColour(id), dash: METRIC_DASHES[i % METRIC_DASHES.length]! });
      xy.push({ x: byWall ? s.wall : s.step, y: w > 0 ? s.smoothedFor(w) : s.value, length: s.length });
    });
  }
  const log = state.logScale && !isEvalMetric(names[0] ?? '');
  chart.configure(lines, { title: chartTitle(key), log, xLabel: byWall ? 'wall time' : 'step', xIsTime: byWall, theme, height: CHART_HEIGHT_PX }, width);
  const range = viewRange ?? xExtent(xy);
  if (!range) {
    chart.setData(new Float64Array(0), lines.map(() => []), [0, 1], 0);
    return;
  }
  const d = downsampleMinMax(xy, range[0], range[1], chart.plotWidthPx());
  if (log) for (const y of d.ys) for (let i = 0; i < y.length; i++) if (y[i] !== null && y[i]! <= 0) y[i] = null;
  chart.setData(d.x, d.ys, range, d.counts.reduce((a, b) => a + b, 0));
}

window.addEventListener('message', (e: MessageEvent) => {
  const bad = checkHostToView(e.data);
  if (bad) {
    controls.setStatus(`Ignored an invalid message from the extension: ${bad}`);
    return;
  }
  onMessage(e.data as LossCurvesHostToView);
});
new ResizeObserver(() => {
  for (const c of charts.values()) c.resize(chartsRoot.clientWidth, CHART_HEIGHT_PX);
  schedule();
}).observe(chartsRoot);
watchTheme(() => schedule());
post({ kind: 'ready' });
schedule();
