// The decoders of server/metrics, as the ingestor needs them: a line parser per line source (stdout
// regexes, JSON lines) and a tfevents decoder per event file. Bad lines are skipped, not fatal: a
// script's stdout is mostly not metrics, and one malformed JSON line must not stop the curve.

import { parseJsonLine } from '../metrics/flatten';
import { compileStdoutPatterns, rowFromStdoutLine } from '../metrics/stdoutPatterns';
import { TfEventsDecoder } from '../metrics/tfevents';
import type { SourceParsers } from './ingest';

export const METRICS_PARSERS: SourceParsers = {
  lineParser(source) {
    if (source.kind === 'stdout') {
      const compiled = compileStdoutPatterns(source.patterns).patterns;
      return (line) => rowFromStdoutLine(line, compiled) ?? null;
    }
    const opts = { ...(source.stepKey !== undefined ? { stepKey: source.stepKey } : {}), ...(source.timeKey !== undefined ? { timeKey: source.timeKey } : {}) };
    return (line) => parseJsonLine(line, opts).row ?? null;
  },
  tfeventsDecoder: () => new TfEventsDecoder(),
};
