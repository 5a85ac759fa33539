// One uPlot chart (a group of metrics, one line per run × metric). Created once per set of lines and
// options; new points only ever go through setData, never a new chart.

import uPlot from 'uplot';
import type { ChartTheme } from '../shared/chartTheme';

export interface LineDef {
  /** Stable key (run id + metric) used to tell whether the set of lines changed. */
  key: string;
  label: string;
  colour: string;
  dash: number[];
}

export interface ChartOptions {
  title: string;
  log: boolean;
  xLabel: string;
  xIsTime: boolean;
  theme: ChartTheme;
  height: number;
}

/** Seconds → "1:02:03" / "2:03": x by wall time is relative to each run's start. */
export function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class MetricChart {
  readonly element: HTMLElement;
  private plot: uPlot | null = null;
  private signature = '';
  /** The x range of the data last set (the downsampled columns span exactly this). */
  private xRange: [number, number] = [0, 1];
  draws = 0;

  constructor(
    parent: HTMLElement,
    readonly key: string,
    private readonly onZoom: (range: [number, number] | null) => void,
    private readonly onDraw: () => void,
  ) {
    this.element = document.createElement('section');
    this.element.className = 'chart';
    this.element.dataset.chart = key;
    parent.appendChild(this.element);
  }

  /** (Re)creates the plot only when the lines or options differ from the current ones. */
  configure(lines: LineDef[], o: ChartOptions, width: number): void {
    const sig = JSON.stringify([lines, o.log, o.xLabel, o.xIsTime, o.theme, o.title, o.height]);
    if (sig === this.signature && this.plot) return;
    this.signature = sig;
    this.plot?.destroy();
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: o.theme.foreground,
      font: o.theme.font,
      labelFont: o.theme.font,
      grid: { stroke: o.theme.grid, width: 1 },
      ticks: { stroke: o.theme.grid, width: 1 },
    });
    const xAxis = axis(o.xLabel);
    if (o.xIsTime) xAxis.values = (_u, splits) => splits.map(formatDuration);
    const opts: uPlot.Options = {
      title: o.title,
      width: Math.max(200, width),
      height: o.height,
      scales: {
        x: { time: false, range: () => this.xRange },
        y: o.log ? { distr: 3 } : {},
      },
      axes: [xAxis, axis('')],
      series: [{ label: o.xLabel, value: (_u, v) => (v === null ? '–' : o.xIsTime ? formatDuration(v) : String(Math.round(v))) }, ...lines.map((l) => ({
        label: l.label,
        stroke: l.colour,
        dash: l.dash,
        width: 1.5,
        spanGaps: true,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => (v === null ? '–' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4)),
      }))],
      cursor: { drag: { x: true, y: false, setScale: false } },
      legend: { live: true },
      hooks: {
        draw: [() => {
          this.draws++;
          this.element.dataset.draws = String(this.draws);
          this.onDraw();
        }],
        setSelect: [(u) => {
          if (u.select.width < 3) return;
          const a = u.posToVal(u.select.left, 'x');
          const b = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          this.onZoom([Math.min(a, b), Math.max(a, b)]);
        }],
      },
    };
    const data: uPlot.AlignedData = [new Float64Array(0), ...lines.map(() => [] as (number | null)[])];
    this.plot = new uPlot(opts, data, this.element);
    this.plot.over.addEventListener('dblclick', () => this.onZoom(null));
    this.plot.over.setAttribute('aria-label', `${o.title} chart; drag to zoom, double-click to reset`);
  }

  /** Plot width in CSS pixels: the number of downsampling columns. */
  plotWidthPx(): number {
    if (!this.plot) return 400;
    return Math.max(50, Math.round(this.plot.bbox.width / (window.devicePixelRatio || 1)));
  }

  setData(x: Float64Array, ys: (number | null)[][], xRange: [number, number], points: number): void {
    if (!this.plot) return;
    this.xRange = xRange[0] < xRange[1] ? xRange : [xRange[0] - 0.5, xRange[1] + 0.5];
    this.element.dataset.points = String(points);
    this.plot.setData([x, ...ys] as uPlot.AlignedData);
  }

  /** For tests and the bench: the arrays uPlot holds now. */
  plotData(): uPlot.AlignedData | null {
    return this.plot ? this.plot.data : null;
  }

  resize(width: number, height: number): void {
    this.plot?.setSize({ width: Math.max(200, width), height });
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = null;
    this.element.remove();
  }
}
