/**
 * The dashboard's charts: vega-lite specs compiled and drawn to SVG on the server, so the page
 * needs no script and the PDF is the same picture. Each chart is readable without colour: every
 * bar carries its value as text, a second series is drawn as outlined, dashed bars (or diamonds)
 * rather than another colour, the legend is also text under the chart, and the SVG is one image
 * (`role="img"`) whose `<title>` and `aria-label` say what it shows. A suppressed count has no bar
 * and its label reads as the table does ("<5").
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { html } from './html.ts';

/** One series of a chart: a value per category (null: suppressed or not known) and the text shown for it. */
export interface ChartSeries {
  name: string;
  values: Array<number | null>;
  shown: string[];
}

export interface BarChart {
  /** What the chart shows, in one sentence: its title, aria-label and SVG <title>. */
  title: string;
  categories: string[];
  /** One or two series; the second is drawn outlined and dashed. */
  series: ChartSeries[];
  /** "bars" (default), or "bar-and-marker": the second series as diamonds (a reference value, e.g. the area's share). */
  style?: 'bars' | 'bar-and-marker';
  /** Axis title of the values. */
  valueTitle: string;
}

const INK = '#1d3557';
/** The name of the chart's one dataset; its values are given to each view, never compiled in. */
const DATA = 'table';
const FONT = 'Arial, Helvetica, sans-serif';

interface Datum {
  category: string;
  order: number;
  series: string;
  value: number | null;
  label: string;
}

function dataOf(c: BarChart): Datum[] {
  return c.series.flatMap((s) => c.categories.map((category, order) => ({ category, order, series: s.name, value: s.values[order] ?? null, label: s.shown[order] ?? '' })));
}

/** The vega-lite spec of a chart (exported for tests that check the encoding). */
export function barChartSpec(c: BarChart): TopLevelSpec {
  const names = c.series.map((s) => s.name);
  const rowHeight = c.style === 'bar-and-marker' || names.length === 1 ? 22 : 34;
  const y = { field: 'category', type: 'nominal' as const, sort: { field: 'order', op: 'min' as const }, title: null, axis: { labelLimit: 220, labelFontSize: 12 } };
  const x = { field: 'value', type: 'quantitative' as const, title: c.valueTitle, axis: { tickMinStep: 1, format: '~s' } };
  const serieScale = { domain: names, range: names.map((_, i) => (i === 0 ? INK : '#ffffff')) };
  const dashScale = { domain: names, range: names.map((_, i) => (i === 0 ? [1, 0] : [4, 2])) };
  const legend = { orient: 'bottom' as const, title: null, labelFontSize: 12, symbolStrokeColor: INK, symbolStrokeWidth: 1.5 };
  // Named, not inline: the compiled spec is the same for any figures, so it is compiled once (specCache).
  const data = { name: DATA };
  const config = { font: FONT, aria: false, view: { stroke: null }, axis: { labelColor: '#222', titleColor: '#222' } };
  if (c.style === 'bar-and-marker') {
    const [first, second] = names;
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      description: c.title,
      width: 520,
      data,
      config,
      encoding: { y },
      layer: [
        { transform: [{ filter: { field: 'series', equal: first! } }], mark: { type: 'bar', color: INK, height: 16 }, encoding: { x } },
        {
          transform: [{ filter: { field: 'series', equal: first! } }, { calculate: 'datum.value === null ? 0 : datum.value', as: 'at' }],
          mark: { type: 'text', align: 'left', dx: 8, dy: -10, fontSize: 12, color: '#222' },
          encoding: { x: { field: 'at', type: 'quantitative' }, text: { field: 'label' } },
        },
        {
          transform: [{ filter: { field: 'series', equal: second! } }],
          mark: { type: 'point', shape: 'diamond', filled: true, size: 110, color: '#ffffff', stroke: INK, strokeWidth: 2 },
          encoding: { x, shape: { field: 'series', type: 'nominal', legend, scale: { domain: [second!], range: ['diamond'] } } },
        },
      ],
      height: { step: rowHeight },
    } as TopLevelSpec;
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: c.title,
    width: 520,
    height: { step: rowHeight },
    data,
    config,
    encoding: { y, yOffset: { field: 'series', type: 'nominal', sort: names } },
    layer: [
      {
        mark: { type: 'bar', stroke: INK, strokeWidth: 1.5 },
        encoding: {
          x,
          fill: { field: 'series', type: 'nominal', scale: serieScale, legend: names.length > 1 ? legend : null },
          strokeDash: { field: 'series', type: 'nominal', scale: dashScale, legend: null },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 12, color: '#222' },
        // A suppressed value has no bar: its label sits at zero.
        encoding: { x: { field: 'at', type: 'quantitative' }, text: { field: 'label' } },
        transform: [{ calculate: 'datum.value === null ? 0 : datum.value', as: 'at' }],
      },
    ],
  } as TopLevelSpec;
}

/** vega-lite's notes on resolving layered scales are not problems of ours: the log stays quiet. */
const quiet = {
  level: () => quiet,
  error: () => quiet,
  warn: () => quiet,
  info: () => quiet,
  debug: () => quiet,
} as unknown as NonNullable<Parameters<typeof compile>[1]>['logger'];

/**
 * Compiled vega specs by their vega-lite source. The source holds no figures (they are a named
 * dataset given to each view), only the chart's shape and words, so nothing cached here depends on
 * the data; a handful of entries, one per chart of the page.
 */
const specCache = new Map<string, vega.Spec>();

function compiled(c: BarChart): vega.Spec {
  const source = barChartSpec(c);
  const key = JSON.stringify(source);
  let spec = specCache.get(key);
  if (!spec) {
    spec = compile(source, { logger: quiet }).spec;
    if (specCache.size > 200) specCache.clear();
    specCache.set(key, spec);
  }
  return spec;
}

/** Draws a chart to SVG: one image with a title and label. */
export async function renderBarChart(c: BarChart, id: string): Promise<string> {
  const view = new vega.View(vega.parse(compiled(c)), { renderer: 'none' });
  view.data(DATA, dataOf(c));
  const svg = await view.toSVG();
  view.finalize();
  const titleId = `${id}-title`;
  // The root element becomes one image named by its title; vega's own ARIA roles are off (config.aria).
  const plain = svg.replace(/\s(role="graphics-[a-z-]+"|aria-roledescription="[^"]*")/g, '');
  return plain.replace(/^<svg([^>]*)>/, (_m, attrs: string) => {
    const kept = attrs.replace(/\s(role|aria-[a-z]+)="[^"]*"/g, '');
    return `<svg${kept} role="img" aria-labelledby="${html(titleId)}" focusable="false"><title id="${html(titleId)}">${html(c.title)}</title>`;
  });
}
