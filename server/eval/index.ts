// Public surface of the evaluation metrics: expression correlations, distribution distances, sanity checks.

export { addCompensated, compensatedValue, meanOf, newCompensatedSum, sumOf, type CompensatedSum } from './compensatedSum';
export { smooth, windowSpan } from './smooth';
export { pearson, PEARSON_MIN_POINTS, PEARSON_MIN_RELATIVE_STD } from './pearson';
export {
  aggregateMetrics,
  DEFAULT_EXPRESSION_WINDOW,
  DEFAULT_WINDOWS,
  expressionScore,
  performanceMetrics,
  rubatoCorrelation,
  smoothedCorrelation,
  velocityCorrelation,
  type AggregateMetrics,
  type CorrelationByWindow,
  type ExpressionSeries,
  type PerformanceMetrics,
} from './performanceMetrics';
export {
  BIN_SPECS,
  binCount,
  binIndex,
  DISTRIBUTION_FEATURES,
  histogram,
  LOG_MS_EDGES,
  perFeature,
  type BinSpec,
  type DistributionFeature,
} from './histograms';
export { histogramIntersection, jensenShannon } from './divergence';
export {
  interOnsetIntervalsMs,
  pedalValuesAt,
  performanceFeatureValues,
  validatePerformanceNotes,
  type PerformanceFeatureValues,
  type PerformanceNotes,
} from './performanceFeatures';
export { distributionMetrics, pooledHistograms, type DistributionMetrics, type FeatureDistance } from './distributionMetrics';
export {
  IOI_EQUAL_RELATIVE_TOLERANCE,
  LOCAL_TEMPO_MIN_STD,
  MIDI_VELOCITY_MAX,
  MIDI_VELOCITY_MIN,
  ONSET_ORDER_TOLERANCE_SEC,
  SANITY_CHECK_IDS,
  sanityCheck,
  VELOCITY_MIN_STD,
  type SanityCheckId,
  type SanityFailure,
  type SanityOptions,
  type SanityOutput,
  type SanityReport,
  type SanityScore,
} from './sanity';
