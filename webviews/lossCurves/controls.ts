// The toolbar: run picker, metric chooser, smoothing slider, log toggle, x-axis choice, status line.
// Native inputs only, each labelled, so everything is reachable and operable from the keyboard.

import type { RunInfo } from '../../server/protocol/runs';
import { runColour, isEvalMetric } from './metricGroups';
import type { RunStream } from './offsets';
import { MAX_SMOOTHING, type LossCurvesState, type XAxis } from './viewState';

export interface ControlHandlers {
  onToggleRun(id: string, on: boolean): void;
  onToggleMetric(name: string, on: boolean): void;
  onSmoothing(weight: number): void;
  onLog(on: boolean): void;
  onXAxis(x: XAxis): void;
  onResetZoom(): void;
}

export interface Controls {
  update(runs: RunInfo[], streams: Map<string, RunStream>, state: LossCurvesState, metrics: string[], selected: Set<string>): void;
  setStatus(text: string): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function checkbox(label: string, checked: boolean, onChange: (on: boolean) => void, swatch?: string): HTMLLabelElement {
  const l = el('label', 'check');
  const c = el('input');
  c.type = 'checkbox';
  c.checked = checked;
  c.addEventListener('change', () => onChange(c.checked));
  l.appendChild(c);
  if (swatch) {
    const s = el('span', 'swatch');
    s.style.backgroundColor = swatch;
    l.appendChild(s);
  }
  l.appendChild(el('span', undefined, label));
  return l;
}

export function buildControls(parent: HTMLElement, state: LossCurvesState, h: ControlHandlers): Controls {
  const bar = parent.appendChild(el('div', 'toolbar'));
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', 'Loss curve options');

  const smoothing = bar.appendChild(el('label', 'field'));
  smoothing.appendChild(el('span', undefined, 'Smoothing'));
  const slider = smoothing.appendChild(el('input'));
  slider.type = 'range';
  slider.min = '0';
  slider.max = String(MAX_SMOOTHING >= 0.99 ? 0.99 : MAX_SMOOTHING);
  slider.step = '0.01';
  slider.value = String(Math.min(0.99, state.smoothing));
  slider.setAttribute('aria-label', 'Smoothing weight (exponential moving average)');
  const smoothingValue = smoothing.appendChild(el('output', undefined, state.smoothing.toFixed(2)));
  slider.addEventListener('input', () => {
    smoothingValue.textContent = Number(slider.value).toFixed(2);
    h.onSmoothing(Number(slider.value));
  });

  bar.appendChild(checkbox('Log scale', state.logScale, h.onLog));

  const xField = bar.appendChild(el('label', 'field'));
  xField.appendChild(el('span', undefined, 'X axis'));
  const xSelect = xField.appendChild(el('select'));
  for (const [v, t] of [['step', 'Step'], ['wall', 'Wall time']] as const) {
    const o = xSelect.appendChild(el('option', undefined, t));
    o.value = v;
  }
  xSelect.value = state.xAxis;
  xSelect.addEventListener('change', () => h.onXAxis(xSelect.value === 'wall' ? 'wall' : 'step'));

  const reset = bar.appendChild(el('button', undefined, 'Reset zoom'));
  reset.type = 'button';
  reset.title = 'Show the whole x range (or double-click a chart)';
  reset.addEventListener('click', h.onResetZoom);

  const runsBox = parent.appendChild(el('fieldset', 'runs'));
  runsBox.appendChild(el('legend', undefined, 'Runs'));
  const runList = runsBox.appendChild(el('div', 'list'));
  const metricsBox = parent.appendChild(el('details', 'metrics'));
  metricsBox.appendChild(el('summary', undefined, 'Metrics'));
  const metricList = metricsBox.appendChild(el('div', 'list'));
  const status = parent.appendChild(el('div', 'status'));
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');

  return {
    update(runs, streams, st, metrics, selected) {
      runList.replaceChildren(
        ...runs.map((r) => {
          const s = streams.get(r.id);
          const loading = s && !s.caughtUp && st.selectedRuns.includes(r.id) ? ' · loading history…' : '';
          const step = r.step !== null ? ` · step ${r.step}${r.totalSteps ? `/${r.totalSteps}` : ''}` : '';
          const item = checkbox(`${r.name} (${r.state}${step})${loading}`, st.selectedRuns.includes(r.id), (on) => h.onToggleRun(r.id, on), runColour(r.id));
          item.dataset.runId = r.id;
          return item;
        }),
      );
      const train = metrics.filter((m) => !isEvalMetric(m));
      const evals = metrics.filter(isEvalMetric);
      const group = (title: string, names: string[]): HTMLElement => {
        const g = el('div', 'group');
        g.appendChild(el('span', 'group-title', title));
        for (const n of names) g.appendChild(checkbox(n, selected.has(n), (on) => h.onToggleMetric(n, on)));
        return g;
      };
      metricList.replaceChildren(...(train.length ? [group('Training', train)] : []), ...(evals.length ? [group('Eval', evals)] : []));
    },
    setStatus(text) {
      status.textContent = text;
    },
  };
}
