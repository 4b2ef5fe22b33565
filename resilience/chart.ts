/**
 * The report's chart: per service, the replicas required and the replicas running in each scenario,
 * as an SVG rendered in Node by Vega-Lite / Vega (no browser, no network). Deterministic for the same
 * report.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { SERVICE_NAMES } from '../config/schema';
import { chartRows, ResilienceReport } from './report';

export const SCENARIOS = ['required', 'normal (primary at min)', 'after worst AZ loss', 'after region loss (standby at floor)'];

export async function resilienceSvg(report: ResilienceReport, primaryRegion: string): Promise<string> {
  const spec: vl.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: `Replicas required vs running, per service (primary ${primaryRegion})`, anchor: 'start' },
    width: { step: 22 },
    height: 220,
    background: 'white',
    data: { values: chartRows(report) },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      x: { field: 'service', type: 'nominal', title: null, sort: [...SERVICE_NAMES], axis: { labelAngle: 0 } },
      xOffset: { field: 'scenario', sort: SCENARIOS },
      y: { field: 'replicas', type: 'quantitative', title: 'replicas', axis: { tickMinStep: 1, format: 'd' } },
      color: {
        field: 'scenario',
        sort: SCENARIOS,
        title: null,
        scale: { domain: SCENARIOS, range: ['#4c4c4c', '#4c78a8', '#f58518', '#e45756'] },
        legend: { orient: 'bottom', columns: 2, labelLimit: 400 },
      },
    },
    config: { font: 'sans-serif', view: { stroke: null } },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
