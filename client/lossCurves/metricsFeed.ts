// Fans `rubato/runs/metricsAppended` out to whoever shows curves (the loss-curve view), so the
// notification handler is registered once and views come and go.

import type { RunMetricsAppendedParams } from '../../server/protocol';
import { Signal } from '../tree/signal';

export class MetricsFeed {
  readonly appended = new Signal<RunMetricsAppendedParams>();
}
