// Chart.js 4, registered tree-shaken (only the bar and line controllers and what they draw), and the
// one Svelte attachment that creates a chart on a <canvas> and destroys it:
//
//   <canvas {@attach chart(() => spec)}></canvas>
//
// Streamed updates never re-create the chart: the attachment's inner effect hands each new spec to
// a scheduler that, once per animation frame at most, patches only the datasets whose values
// changed and calls `update('none')` (no animation, no layout of untouched charts). While the tab
// is hidden nothing is drawn; the latest spec of each chart is drawn when it becomes visible.
import { untrack } from 'svelte';
import type { Attachment } from 'svelte/attachments';
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ChartConfiguration, type ChartDataset
} from 'chart.js';
import annotationPlugin, { type AnnotationOptions } from 'chartjs-plugin-annotation';
import { formatValue, type ChartSpec } from './chart-spec.js';
import { markText } from './annotation-marks.js';
import { seriesColour } from './palette.js';
import { compactDollars, compactNum } from '$lib/format.js';

// chartjs-plugin-annotation, registered once here with the rest: dated notes (numbered vertical
// markers) and budget/goal level lines are its line annotations.
Chart.register(BarController, LineController, BarElement, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip, annotationPlugin);

type AnyChart = Chart<'bar' | 'line', Array<number | null>, string>;

const plotted = (values: ChartSpec['series'][number]['values']) => values.map((v) => (typeof v === 'number' ? v : null));

function datasetOf(spec: ChartSpec, i: number): ChartDataset<'bar' | 'line', Array<number | null>> {
  const s = spec.series[i];
  const colour = seriesColour(i);
  if (s.level) {
    // Drawn by its level marks (annotationsOf); the dataset gives it a legend entry (a dashed line)
    // and the legend's show/hide, which the marks follow.
    // Its points (no line, no dot) keep the value axis tall enough for the marks and give the tooltip.
    return {
      type: 'line', label: s.label, data: plotted(s.values), borderColor: colour, backgroundColor: colour,
      borderWidth: 2, borderDash: [6, 4], pointRadius: 0, pointHitRadius: 12, showLine: false
    } as ChartDataset<'bar' | 'line', Array<number | null>>;
  }
  const line = s.line || spec.type === 'line';
  return {
    type: line ? 'line' : 'bar',
    label: s.label,
    data: plotted(s.values),
    backgroundColor: colour,
    borderColor: colour,
    borderWidth: line ? 2 : 0,
    pointRadius: line ? 2 : 0,
    stack: s.stack,
    // Dashed lines for overlays (goals), so they are told apart without colour too.
    ...(s.line && spec.type === 'bar' ? { borderDash: [6, 4], order: -1 } : {})
  } as ChartDataset<'bar' | 'line', Array<number | null>>;
}

interface Theme {
  text: string;
  grid: string;
  /** Wall screens (kiosk): the canvas's own CSS font size for every tick and legend label, compact
   *  value ticks ("$15M") and short label ticks ("Jan 2026"), readable across a room. */
  wallFontPx?: number;
}


/** A value tick on a wall: short enough to read from across the room. */
function wallValueTick(v: number, format: ChartSpec['format']): string {
  if (format === 'dollars') return compactDollars(v);
  if (format === 'count') return compactNum(v);
  return formatValue(v, format);
}

/** A label tick on a wall: "January 2026" → "Jan 2026"; a long name cut with an ellipsis. */
function wallLabelTick(text: string): string {
  const month = /^([A-Z][a-z]+) (\d{4})$/.exec(text);
  if (month && month[1].length > 3) return `${month[1].slice(0, 3)} ${month[2]}`;
  return text.length > 22 ? `${text.slice(0, 21)}…` : text;
}

/** A name beside a horizontal bar on a laptop chart: within ~40% of the chart's width (12–30 characters). */
function nameTick(text: string, chartWidth: number): string {
  const max = Math.max(12, Math.min(30, Math.floor((chartWidth * 0.4) / 7)));
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

type Marks = Record<string, AnnotationOptions>;
const MARK_COLOUR = '#4b5563';

/**
 * The spec's annotations: a numbered vertical marker per dated note (hovering it shows the note in
 * full) and a dashed level line per label of each budget/goal series, across that label's group.
 */
function annotationsOf(spec: ChartSpec, theme: Theme): Marks {
  const marks: Marks = {};
  const labelAxis = spec.horizontal ? 'y' : 'x';
  const valueAxis = spec.horizontal ? 'x' : 'y';
  const small = theme.wallFontPx ? Math.max(9, Math.round(theme.wallFontPx * 0.85)) : 10;
  for (const m of spec.dateMarks ?? []) {
    const short = String(m.n);
    const full = markText(m);
    marks[`note-${m.n}`] = {
      type: 'line',
      scaleID: labelAxis,
      value: m.at,
      borderColor: MARK_COLOUR,
      borderWidth: 1.5,
      borderDash: [3, 3],
      drawTime: 'afterDatasetsDraw',
      label: {
        display: true,
        content: short,
        position: 'start',
        backgroundColor: MARK_COLOUR,
        color: '#fff',
        font: { size: small, weight: 'bold' },
        padding: { x: 5, y: 2 },
        borderRadius: 8,
        z: 1
      },
      // Hover (or touch) on the marker: the note in full, in place of its number.
      enter: (ctx) => {
        const label = (ctx.element as unknown as { label?: { options: { content: unknown } } }).label;
        if (!label) return;
        label.options.content = full.length > 60 ? wrap(full, 48) : full;
        return true;
      },
      leave: (ctx) => {
        const label = (ctx.element as unknown as { label?: { options: { content: unknown } } }).label;
        if (!label) return;
        label.options.content = short;
        return true;
      }
    } as AnnotationOptions;
  }
  spec.series.forEach((s, k) => {
    if (!s.level) return;
    const colour = seriesColour(k);
    s.values.forEach((v, i) => {
      if (typeof v !== 'number' || v <= 0) return;
      marks[`${s.level}-${k}-${i}`] = {
        type: 'line',
        [`${labelAxis}Min`]: i - 0.42,
        [`${labelAxis}Max`]: i + 0.42,
        [`${valueAxis}Min`]: v,
        [`${valueAxis}Max`]: v,
        borderColor: colour,
        borderWidth: 2.5,
        borderDash: [6, 4],
        drawTime: 'afterDatasetsDraw',
        display: (ctx: { chart: Chart }) => ctx.chart.isDatasetVisible(k)
      } as AnnotationOptions;
    });
  });
  return marks;
}

/** A long note on a few lines (the marker's label), at word breaks. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function configOf(spec: ChartSpec, theme: Theme): ChartConfiguration<'bar' | 'line', Array<number | null>, string> {
  const valueAxis = spec.horizontal ? 'x' : 'y';
  const wall = theme.wallFontPx !== undefined;
  const font = wall ? { font: { size: theme.wallFontPx } } : {};
  const labelOf = (scale: { getLabelForValue(v: number): string }, v: string | number) => wallLabelTick(scale.getLabelForValue(Number(v)));
  return {
    type: spec.type,
    data: { labels: [...spec.labels], datasets: spec.series.map((_, i) => datasetOf(spec, i)) },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: spec.horizontal ? 'y' : 'x',
      normalized: true,
      color: theme.text,
      plugins: {
        annotation: { annotations: annotationsOf(spec, theme) },
        legend: { display: spec.series.length > 1, labels: { color: theme.text, boxWidth: wall ? 24 : 14, ...font } },
        tooltip: {
          callbacks: {
            label: (ctx) => {
              const s = spec.series[ctx.datasetIndex];
              const raw = s?.values[ctx.dataIndex] ?? null;
              return `${ctx.dataset.label}: ${formatValue(raw, s?.format ?? spec.format)}`;
            }
          }
        }
      },
      scales: {
        [valueAxis]: {
          beginAtZero: true,
          stacked: spec.stacked,
          ticks: {
            color: theme.text,
            precision: spec.format === 'count' ? 0 : undefined,
            callback: (v: string | number) => (wall ? wallValueTick(Number(v), spec.format) : formatValue(Number(v), spec.format)),
            ...font
          },
          grid: { color: theme.grid }
        },
        // Label axis: a fixed rotation (no fitting loop on every redraw), every label shown.
        [valueAxis === 'x' ? 'y' : 'x']: {
          stacked: spec.stacked,
          ticks: {
            color: theme.text,
            autoSkip: false,
            sampleSize: 12,
            ...(spec.horizontal ? {} : spec.labels.length > 6 ? { minRotation: 35, maxRotation: 35 } : { minRotation: 0, maxRotation: 0 }),
            ...(wall ? { callback(this: { getLabelForValue(v: number): string }, v: string | number) { return labelOf(this, v); } }
              // Names down the side of a bar chart (partners): a long one is cut with an ellipsis instead of
              // running off the canvas's left edge; hovering its bar shows it whole.
              : spec.horizontal ? { callback(this: { getLabelForValue(v: number): string; chart: { width: number } }, v: string | number) { return nameTick(this.getLabelForValue(Number(v)), this.chart.width); } } : {}),
            ...font
          },
          grid: { display: false }
        }
      }
    }
  };
}

function sameValues(a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Applies a spec to a live chart: only what changed is replaced. Returns whether anything did. */
/** What the annotations are drawn from: redrawn only when it changes. */
const marksKey = (spec: ChartSpec) => JSON.stringify([spec.dateMarks ?? [], spec.series.filter((s) => s.level).map((s) => s.values)]);
const themes = new WeakMap<AnyChart, Theme>();

function patchChart(c: AnyChart, spec: ChartSpec): boolean {
  let changed = false;
  const before = specs.get(c);
  if (!before || marksKey(before) !== marksKey(spec)) {
    const plugins = c.options.plugins as { annotation?: { annotations: Marks } };
    plugins.annotation = { annotations: annotationsOf(spec, themes.get(c) ?? { text: '#374151', grid: '#e5e7eb' }) };
    changed = true;
  }
  const labels = c.data.labels as string[];
  if (!sameValues(labels, spec.labels)) {
    c.data.labels = [...spec.labels];
    changed = true;
  }
  const sets = c.data.datasets;
  if (sets.length !== spec.series.length || spec.series.some((s, i) => sets[i].label !== s.label)) {
    c.data.datasets = spec.series.map((_, i) => datasetOf(spec, i));
    return true;
  }
  spec.series.forEach((s, i) => {
    const next = plotted(s.values);
    if (!sameValues(sets[i].data, next)) {
      sets[i].data = next;
      changed = true;
    }
  });
  return changed;
}

// ── the frame scheduler: at most one redraw per animation frame, none while hidden ──
const pending = new Map<AnyChart, ChartSpec>();
const specs = new WeakMap<AnyChart, ChartSpec>();
let frame = 0;
/** Charts redrawn since the page loaded (a test and the benchmark read it). */
export const chartStats = { redraws: 0, frames: 0 };

function flush() {
  frame = 0;
  if (typeof document !== 'undefined' && document.hidden) return;
  chartStats.frames++;
  for (const [c, spec] of pending) {
    const changed = patchChart(c, spec);
    specs.set(c, spec);
    if (changed) {
      c.update('none');
      chartStats.redraws++;
    }
  }
  pending.clear();
  // For checks (the benchmark): how many chart redraws the page has made.
  document.body.dataset.chartRedraws = String(chartStats.redraws);
}

function schedule(c: AnyChart, spec: ChartSpec) {
  pending.set(c, spec);
  if (!frame && !document.hidden) frame = requestAnimationFrame(flush);
}

if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && pending.size && !frame) frame = requestAnimationFrame(flush);
  });
}

function themeOf(canvas: HTMLElement): Theme {
  const style = getComputedStyle(canvas);
  const wall = style.getPropertyValue('--chart-wall').trim() === '1';
  return {
    text: style.getPropertyValue('--chart-text').trim() || '#374151',
    grid: style.getPropertyValue('--chart-grid').trim() || '#e5e7eb',
    ...(wall ? { wallFontPx: Math.round(parseFloat(style.fontSize)) } : {})
  };
}

/** The attachment: creates the chart from the spec, follows later specs in place, destroys it. */
export function chart(getSpec: () => ChartSpec): Attachment<HTMLCanvasElement> {
  return (canvas) => {
    const c = untrack(() => {
      const spec = getSpec();
      const theme = themeOf(canvas);
      const created = new Chart(canvas, configOf(spec, theme)) as unknown as AnyChart;
      specs.set(created, spec);
      themes.set(created, theme);
      return created;
    });
    // For checks (tests, the benchmark): the chart drawn on this canvas.
    (canvas as HTMLCanvasElement & { $chart?: AnyChart }).$chart = c;
    $effect(() => {
      const spec = getSpec();
      if (spec !== specs.get(c)) schedule(c, spec);
    });
    return () => {
      pending.delete(c);
      c.destroy();
    };
  };
}
