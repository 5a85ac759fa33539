"""Evaluation metrics of server/eval/*.ts in Python: smoothed correlations, distribution distances, sanity checks."""

# Why a port and not a call into Node: the trainer scores its validation set every epoch and must pick the
# best checkpoint by the very numbers the server reports. Every definition below is the one in the top
# comment of the named TypeScript file; test/vectors/metrics.json (written by the TS side) proves agreement
# to 1e-12 relative. To stay that close the arithmetic is copied operation for operation: the same
# Neumaier-compensated sums in the same order, the same thresholds and bin edges. Plain Python floats are
# IEEE doubles like JS numbers, so no numpy is needed and this module imports without torch.
# Where TypeScript throws a RangeError this raises a ValueError with the same message.

from __future__ import annotations

import bisect
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, Optional, TypedDict

CorrelationByWindow = dict[str, Optional[float]]

# ---------------------------------------------------------------- JS-compatible formatting (messages only)


def _js_str(value: Any) -> str:
    """`String(value)` of JavaScript for numbers (so messages read the same in both languages)."""
    if value is None:
        return "undefined"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    x = float(value)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    # ECMAScript Number::toString on the shortest round-trip digits (which repr also picks).
    sign, digits_tuple, exp = Decimal(repr(abs(x))).normalize().as_tuple()
    assert isinstance(exp, int)
    digits = "".join(str(d) for d in digits_tuple)
    k = len(digits)
    n = exp + k
    prefix = "-" if x < 0 else ""
    if k <= n <= 21:
        return prefix + digits + "0" * (n - k)
    if 0 < n <= 21:
        return prefix + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return prefix + "0." + "0" * (-n) + digits
    e = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{prefix}{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def _to_fixed(x: float, places: int) -> str:
    """`x.toFixed(places)`: exact binary value, ties rounded away from zero (not to even, as format() does)."""
    if abs(x) >= 1e21:
        return _js_str(x)
    if x == 0:
        x = 0.0  # JS prints -0 as "0.000"
    # Enough precision that Decimal never rounds the exact double before the one rounding we ask for.
    with localcontext() as ctx:
        ctx.prec = 1000
        return str(Decimal(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _to_exponential(x: float, places: int) -> str:
    """`x.toExponential(places)`: like toFixed for the mantissa, exponent without padding ("1.00e-4")."""
    if x == 0:
        return f"{0:.{places}f}e+0"
    with localcontext() as ctx:
        ctx.prec = 1000
        d = Decimal(abs(x))
        e = d.adjusted()
        n = int(d.scaleb(places - e).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if n >= 10 ** (places + 1):  # 9.995 rounded up to 10.00: one more power of ten
        n, e = n // 10, e + 1
    mantissa = str(int(n))
    if places > 0:
        mantissa = mantissa[0] + "." + mantissa[1:]
    return f"{'-' if x < 0 else ''}{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


# ---------------------------------------------------------------- validate.ts


def _is_number(v: Any) -> bool:
    """`typeof v === 'number'`: bools are not numbers (JS keeps them apart)."""
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _is_finite(v: Any) -> bool:
    """`Number.isFinite(v)`: a number that is neither NaN nor infinite."""
    return _is_number(v) and math.isfinite(v)


def _as_list(values: Iterable[Any]) -> list[Any]:
    # numpy arrays: tolist() gives Python floats at C speed instead of numpy scalars one by one.
    tolist = getattr(values, "tolist", None)
    return list(tolist()) if callable(tolist) else list(values)


def _finite_series(values: Iterable[Any], label: str) -> list[float]:
    """The values as floats; ValueError naming `label[i]` for the first one that is not a finite number."""
    out = _as_list(values)
    for i, v in enumerate(out):
        if not _is_finite(v):
            raise ValueError(f"{label}[{i}] is {_js_str(v)}; every value must be a finite number")
        out[i] = float(v)
    return out


def _same_length(a: Sequence[Any], b: Sequence[Any], label_a: str, label_b: str) -> None:
    if len(a) != len(b):
        raise ValueError(f"{label_a} has {len(a)} values but {label_b} has {len(b)}; they must pair one to one")


def _window(w: Any, label: str = "window") -> int:
    """A positive integer window as an int, so that its key is "8" and never "8.0"."""
    if not (_is_finite(w) and float(w).is_integer() and w >= 1):
        raise ValueError(f"{label} must be a positive integer, got {_js_str(w)}")
    return int(w)


# ---------------------------------------------------------------- compensatedSum.ts


def sum_of(values: Iterable[float]) -> float:
    """Neumaier-compensated sum, added in order exactly as compensatedSum.ts does."""
    s = 0.0
    c = 0.0
    for v in values:
        t = s + v
        if abs(s) >= abs(v):
            c += s - t + v
        else:
            c += v - t + s
        s = t
    return s + c


def mean_of(values: Sequence[float]) -> float:
    """Compensated mean; the caller guarantees `values` is non-empty."""
    return sum_of(values) / len(values)


# ---------------------------------------------------------------- smooth.ts


def window_span(w: int) -> tuple[int, int]:
    """(before, after): items a window of w covers before and after item i; the extra one goes after."""
    w = _window(w)
    return (w - 1) // 2, w // 2


def smooth(x: Iterable[float], w: int) -> list[float]:
    """Centred moving average over w items, truncated (never padded) at the ends; w = 1 is a copy."""
    before, after = window_span(w)
    xs = _finite_series(x, "x")
    n = len(xs)
    if before == 0 and after == 0:
        return xs
    out = [0.0] * n
    s = 0.0
    c = 0.0
    hi = -1  # last index already in the running sum
    for i in range(n):
        want_hi = min(n - 1, i + after)
        while hi < want_hi:
            hi += 1
            v = xs[hi]
            t = s + v
            if abs(s) >= abs(v):
                c += s - t + v
            else:
                c += v - t + s
            s = t
        lo = max(0, i - before)
        out[i] = (s + c) / (hi - lo + 1)
        if i - before >= 0:
            v = -xs[i - before]
            t = s + v
            if abs(s) >= abs(v):
                c += s - t + v
            else:
                c += v - t + s
            s = t
    return out


# ---------------------------------------------------------------- pearson.ts

PEARSON_MIN_POINTS = 3
PEARSON_MIN_RELATIVE_STD = 1e-9
"""A side whose std is at most this fraction of its RMS counts as constant (its r would be rounding noise)."""


def pearson(a: Iterable[float], b: Iterable[float]) -> Optional[float]:
    """Two-pass Pearson r clamped to [-1, 1]; None below 3 points or when a side is (near-)constant."""
    a_list = _as_list(a)
    b_list = _as_list(b)
    _same_length(a_list, b_list, "a", "b")
    xs = _finite_series(a_list, "a")
    ys = _finite_series(b_list, "b")
    n = len(xs)
    if n < PEARSON_MIN_POINTS:
        return None
    mean_a = mean_of(xs)
    mean_b = mean_of(ys)
    da = [v - mean_a for v in xs]
    db = [v - mean_b for v in ys]
    var_a = sum_of([d * d for d in da])
    var_b = sum_of([d * d for d in db])
    cov = sum_of([p * q for p, q in zip(da, db)])
    sq_a = sum_of([v * v for v in xs])
    sq_b = sum_of([v * v for v in ys])
    rel2 = PEARSON_MIN_RELATIVE_STD * PEARSON_MIN_RELATIVE_STD
    if var_a <= rel2 * sq_a or var_b <= rel2 * sq_b:
        return None
    # One root of the product rounds least (r = 1 exactly for exact lines); two only when it over/underflows.
    product = var_a * var_b
    denominator = math.sqrt(product) if math.isfinite(product) and product > 0 else math.sqrt(var_a) * math.sqrt(var_b)
    return max(-1.0, min(1.0, cov / denominator))


# ---------------------------------------------------------------- performanceMetrics.ts

DEFAULT_WINDOWS: tuple[int, ...] = (1, 8, 32)
DEFAULT_EXPRESSION_WINDOW = 8


def smoothed_correlation(pred: Iterable[float], human: Iterable[float], w: int) -> Optional[float]:
    return pearson(smooth(pred, w), smooth(human, w))


def velocity_correlation(pred: Sequence[float], human: Sequence[float], w: int) -> Optional[float]:
    """r of one velocity per aligned score note (score order), both smoothed over w notes."""
    _same_length(pred, human, "predicted velocities", "human velocities")
    return smoothed_correlation(pred, human, w)


def rubato_correlation(pred: Sequence[float], human: Sequence[float], w: int) -> Optional[float]:
    """r of one local tempo (log IOI ratio) per onset group (score order), both smoothed over w groups."""
    _same_length(pred, human, "predicted local tempi", "human local tempi")
    return smoothed_correlation(pred, human, w)


def _series(perf: Mapping[str, Iterable[float]], name: str, side: str) -> list[Any]:
    if name not in perf:
        raise ValueError(f"{side} has no '{name}' series")
    return _as_list(perf[name])


def performance_metrics(
    pred: Mapping[str, Iterable[float]],
    human: Mapping[str, Iterable[float]],
    windows: Iterable[int] = DEFAULT_WINDOWS,
) -> dict[str, CorrelationByWindow]:
    """{"velocity_r": {"<w>": r}, "rubato_r": {...}} of `pred` against `human` ({"velocity", "tempo"} each)."""
    ws = [_window(w) for w in windows]
    pred_vel, human_vel = _series(pred, "velocity", "pred"), _series(human, "velocity", "human")
    pred_tempo, human_tempo = _series(pred, "tempo", "pred"), _series(human, "tempo", "human")
    velocity_r: CorrelationByWindow = {}
    rubato_r: CorrelationByWindow = {}
    for w in ws:
        velocity_r[str(w)] = velocity_correlation(pred_vel, human_vel, w)
        rubato_r[str(w)] = rubato_correlation(pred_tempo, human_tempo, w)
    return {"velocity_r": velocity_r, "rubato_r": rubato_r}


def _mean_per_window(
    records: Sequence[Mapping[str, Any]], windows: Sequence[int], label: str
) -> tuple[CorrelationByWindow, dict[str, int]]:
    """Per window, the mean of the non-null r values and how many were used; a missing window raises."""
    mean: CorrelationByWindow = {}
    used: dict[str, int] = {}
    for w in windows:
        key = str(w)
        values: list[float] = []
        for p, record in enumerate(records):
            if key not in record:
                raise ValueError(f"performance {p} has no {label} at window {key}")
            v = record[key]
            if _is_number(v):
                values.append(float(v))
        mean[key] = mean_of(values) if values else None
        used[key] = len(values)
    return mean, used


def aggregate_metrics(
    per_performance: Sequence[Mapping[str, Mapping[str, Any]]],
    windows: Iterable[int] = DEFAULT_WINDOWS,
) -> dict[str, Any]:
    """Mean r per window over a set, nulls skipped and counted out; an empty set reports every window as None."""
    ws = [_window(w) for w in windows]
    velocity, velocity_used = _mean_per_window([m["velocity_r"] for m in per_performance], ws, "velocity_r")
    rubato, rubato_used = _mean_per_window([m["rubato_r"] for m in per_performance], ws, "rubato_r")
    return {
        "performances": len(per_performance),
        "velocity_r": velocity,
        "rubato_r": rubato,
        "velocity_used": velocity_used,
        "rubato_used": rubato_used,
    }


def expression_score(metrics: Mapping[str, Mapping[str, Any]], window: int = DEFAULT_EXPRESSION_WINDOW) -> Optional[float]:
    """(velocity r + rubato r) / 2 at `window`; None if either is None; ValueError if it was not computed."""
    key = str(_window(window))
    velocity_r, rubato_r = metrics["velocity_r"], metrics["rubato_r"]
    # A window that was never computed is a caller bug, not "undefined correlation": say so.
    if key not in velocity_r or key not in rubato_r:
        have = ", ".join(velocity_r.keys())
        raise ValueError(f"expression score window {key} was not computed (windows present: {have or 'none'})")
    v, t = velocity_r[key], rubato_r[key]
    if not _is_number(v) or not _is_number(t):
        return None
    return (float(v) + float(t)) / 2


# ---------------------------------------------------------------- histograms.ts

DISTRIBUTION_FEATURES: tuple[str, ...] = ("velocity", "ioiMs", "durationMs", "pedal")


@dataclass(frozen=True)
class BinSpec:
    """Ascending edges (inner bin k is [edges[k], edges[k+1])) plus optional under- and overflow bins."""

    edges: tuple[float, ...]
    underflow: bool
    overflow: bool


def _linear_edges(width: int, count: int) -> tuple[float, ...]:
    return tuple(float(k * width) for k in range(count + 1))


LOG_MS_EDGES: tuple[float, ...] = (
    10, 12.59, 15.85, 19.95, 25.12, 31.62, 39.81, 50.12, 63.1, 79.43,
    100, 125.9, 158.5, 199.5, 251.2, 316.2, 398.1, 501.2, 631, 794.3,
    1000, 1259, 1585, 1995, 2512, 3162, 3981, 5012, 6310, 7943,
    10000,
)  # fmt: skip
"""10^(1 + k/10) ms for k = 0..30 rounded to 4 significant digits, written out so every port bins alike."""

BIN_SPECS: Mapping[str, BinSpec] = {
    "velocity": BinSpec(_linear_edges(4, 32), underflow=False, overflow=False),
    "ioiMs": BinSpec(tuple(float(e) for e in LOG_MS_EDGES), underflow=True, overflow=True),
    "durationMs": BinSpec(tuple(float(e) for e in LOG_MS_EDGES), underflow=True, overflow=True),
    "pedal": BinSpec(_linear_edges(16, 8), underflow=False, overflow=False),
}


def bin_count(spec: BinSpec) -> int:
    return len(spec.edges) - 1 + (1 if spec.underflow else 0) + (1 if spec.overflow else 0)


def bin_index(spec: BinSpec, value: float, label: str) -> int:
    """Bin holding `value` (half-open bins: an edge goes up); ValueError outside a spec without under/overflow."""
    edges = spec.edges
    first, last = edges[0], edges[-1]
    if math.isnan(value):
        raise ValueError(f"{label} is NaN; it cannot be binned")
    if value < first:
        if spec.underflow:
            return 0
        raise ValueError(f"{label} is {_js_str(value)}, below the lowest bin edge {_js_str(first)}")
    offset = 1 if spec.underflow else 0
    if value >= last:
        if spec.overflow:
            return len(edges) - 1 + offset
        raise ValueError(f"{label} is {_js_str(value)}, at or above the highest bin edge {_js_str(last)}")
    # Largest k with edges[k] <= value.
    return bisect.bisect_right(edges, value) - 1 + offset


def histogram(spec: BinSpec, values: Iterable[float], label: str = "values") -> list[int]:
    """Counts of `values` in the bins of `spec`; `label` names the values in errors."""
    counts = [0] * bin_count(spec)
    for i, v in enumerate(_as_list(values)):
        counts[bin_index(spec, v, f"{label}[{i}]")] += 1
    return counts


# ---------------------------------------------------------------- divergence.ts


def _normalised(counts: Sequence[Any], label: str) -> Optional[list[float]]:
    for i, c in enumerate(counts):
        if not _is_finite(c) or c < 0:
            raise ValueError(f"{label}[{i}] is {_js_str(c)}; counts must be finite and >= 0")
    total = sum_of(float(c) for c in counts)
    if total <= 0:
        return None
    return [c / total for c in counts]


def _both_normalised(p: Iterable[Any], q: Iterable[Any]) -> Optional[tuple[list[float], list[float]]]:
    p_list, q_list = _as_list(p), _as_list(q)
    _same_length(p_list, q_list, "first histogram", "second histogram")
    pn = _normalised(p_list, "first histogram")
    qn = _normalised(q_list, "second histogram")
    return (pn, qn) if pn is not None and qn is not None else None


def _clamp01(x: float) -> float:
    return max(0.0, min(1.0, x))


def jensen_shannon(counts_p: Iterable[float], counts_q: Iterable[float]) -> Optional[float]:
    """Base-2 Jensen–Shannon divergence of two count histograms, in [0, 1]; None if either is empty."""
    pq = _both_normalised(counts_p, counts_q)
    if pq is None:
        return None
    terms: list[float] = []
    for pi, qi in zip(*pq):
        mi = (pi + qi) / 2
        if pi > 0:
            terms.append(0.5 * pi * math.log2(pi / mi))
        if qi > 0:
            terms.append(0.5 * qi * math.log2(qi / mi))
    return _clamp01(sum_of(terms))


def histogram_intersection(counts_p: Iterable[float], counts_q: Iterable[float]) -> Optional[float]:
    """Σ min(p_i, q_i) of the normalised histograms, in [0, 1]; None if either is empty."""
    pq = _both_normalised(counts_p, counts_q)
    if pq is None:
        return None
    return _clamp01(sum_of([min(pi, qi) for pi, qi in zip(*pq)]))


# ---------------------------------------------------------------- performanceFeatures.ts


class PedalEvent(TypedDict):
    sec: float
    value: float


class PerformanceNotes(TypedDict):
    """One performance as columns, one entry per note (any order), plus sustain (CC64) events in any order."""

    onsetSec: Sequence[float]
    offsetSec: Sequence[float]
    velocity: Sequence[float]
    pedal: Sequence[PedalEvent]


def _column(perf: Mapping[str, Any], name: str, label: str) -> list[Any]:
    if name not in perf:
        raise ValueError(f"{label} has no {name}")
    return _as_list(perf[name])


def validate_performance_notes(perf: Mapping[str, Any], label: str) -> None:
    """Checks the shape and ranges of a performance; ValueError naming `label` and the index."""
    onset = _column(perf, "onsetSec", label)
    n = len(onset)
    for name in ("offsetSec", "velocity"):
        column = _column(perf, name, label)
        if len(column) != n:
            raise ValueError(f"{label}: {name} has {len(column)} values but onsetSec has {n}")
    onset = _finite_series(onset, f"{label}.onsetSec")
    offset = _finite_series(perf["offsetSec"], f"{label}.offsetSec")
    velocity = _finite_series(perf["velocity"], f"{label}.velocity")
    for i in range(n):
        on, off = onset[i], offset[i]
        if off < on:
            raise ValueError(f"{label}: note {i} ends before it starts (onsetSec {_js_str(on)}, offsetSec {_js_str(off)})")
        v = velocity[i]
        if v < 0 or v > 127:
            raise ValueError(f"{label}.velocity[{i}] is {_js_str(v)}, outside 0..127")
    for i, e in enumerate(_column(perf, "pedal", label)):
        sec, value = e.get("sec"), e.get("value")
        if not _is_finite(sec):
            raise ValueError(f"{label}.pedal[{i}].sec is {_js_str(sec)}; it must be finite")
        if not _is_finite(value) or value < 0 or value > 127:
            raise ValueError(f"{label}.pedal[{i}].value is {_js_str(value)}, outside 0..127")


def inter_onset_intervals_ms(onset_sec: Iterable[float]) -> list[float]:
    """1000 · (next − this) over the sorted onsets with exact duplicates dropped (a chord has no inner IOI)."""
    ordered = sorted(float(t) for t in _as_list(onset_sec))
    return [1000 * (cur - prev) for prev, cur in zip(ordered, ordered[1:]) if cur > prev]


def pedal_values_at(events: Sequence[Mapping[str, float]], at_sec: Iterable[float]) -> list[float]:
    """CC64 value in force at each time: the last event with sec <= t (stable order by sec), 0 before any."""
    # sorted() is stable, which gives "the later of two simultaneous events wins", as in the TS.
    ordered = sorted(events, key=lambda e: e["sec"])
    secs = [e["sec"] for e in ordered]
    out: list[float] = []
    for t in _as_list(at_sec):
        k = bisect.bisect_right(secs, t)
        out.append(ordered[k - 1]["value"] if k > 0 else 0)
    return out


def performance_feature_values(perf: Mapping[str, Any], label: str) -> dict[str, list[float]]:
    """The four distribution feature value lists of one performance (validated first)."""
    validate_performance_notes(perf, label)
    onset = [float(t) for t in _as_list(perf["onsetSec"])]
    offset = [float(t) for t in _as_list(perf["offsetSec"])]
    return {
        "velocity": [float(v) for v in _as_list(perf["velocity"])],
        "ioiMs": inter_onset_intervals_ms(onset),
        "durationMs": [1000 * (off - on) for on, off in zip(onset, offset)],
        "pedal": pedal_values_at(_as_list(perf["pedal"]), onset),
    }


# ---------------------------------------------------------------- distributionMetrics.ts


def pooled_histograms(performances: Sequence[Mapping[str, Any]], label: str) -> dict[str, list[int]]:
    """Histogram counts of every feature pooled over a set; `label` names the set in errors."""
    pooled = {f: [0] * bin_count(BIN_SPECS[f]) for f in DISTRIBUTION_FEATURES}
    for p, perf in enumerate(performances):
        values = performance_feature_values(perf, f"{label}[{p}]")
        for f in DISTRIBUTION_FEATURES:
            counts = histogram(BIN_SPECS[f], values[f], f"{label}[{p}].{f}")
            pooled[f] = [a + c for a, c in zip(pooled[f], counts)]
    return pooled


def _mean_or_none(values: Sequence[Optional[float]]) -> Optional[float]:
    # A plain left-to-right sum, as the TS does for these four values (compensation is not used there).
    total = 0.0
    for v in values:
        if v is None:
            return None
        total += v
    return total / len(values) if values else None


def distribution_metrics(pred_set: Sequence[Mapping[str, Any]], human_set: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per feature {js, intersection, predCounts, humanCounts} of the pooled sets, plus their `overall` mean."""
    pred_counts = pooled_histograms(pred_set, "pred")
    human_counts = pooled_histograms(human_set, "human")
    result: dict[str, Any] = {}
    for f in DISTRIBUTION_FEATURES:
        result[f] = {
            "js": jensen_shannon(pred_counts[f], human_counts[f]),
            "intersection": histogram_intersection(pred_counts[f], human_counts[f]),
            "predCounts": pred_counts[f],
            "humanCounts": human_counts[f],
        }
    result["overall"] = {
        "js": _mean_or_none([result[f]["js"] for f in DISTRIBUTION_FEATURES]),
        "intersection": _mean_or_none([result[f]["intersection"] for f in DISTRIBUTION_FEATURES]),
    }
    return result


# ---------------------------------------------------------------- sanity.ts

ONSET_ORDER_TOLERANCE_SEC = 0.05
LOCAL_TEMPO_MIN_STD = 1e-3
"""Local tempo is log(performed IOI / score IOI): 1e-3 is a 0.1 % tempo wobble, far below any human's."""
IOI_EQUAL_RELATIVE_TOLERANCE = 1e-6
VELOCITY_MIN_STD = 0.5
"""Half a velocity step: below this every note is effectively played at one loudness."""
MIDI_VELOCITY_MIN = 1
MIDI_VELOCITY_MAX = 127

SANITY_CHECK_IDS: tuple[str, ...] = (
    "note-count",
    "pitch-multiset",
    "finite",
    "onset-order",
    "timing-collapsed",
    "velocity-collapsed",
)

_OUTPUT_COLUMNS = ("pitch", "onsetSec", "offsetSec", "velocity")


def _validate_score(score: Mapping[str, Sequence[Any]]) -> None:
    pitch, group = score["pitch"], score["group"]
    if len(pitch) != len(group):
        raise ValueError(f"score has {len(pitch)} pitches but {len(group)} group indices")
    for i, g in enumerate(group):
        if not (_is_finite(g) and float(g).is_integer() and g >= 0):
            raise ValueError(f"score group[{i}] is {_js_str(g)}; it must be an integer >= 0")
    for i, p in enumerate(pitch):
        if not _is_finite(p):
            raise ValueError(f"score pitch[{i}] is {_js_str(p)}; it must be finite")


def _population_std(values: Sequence[float]) -> float:
    mean = mean_of(values)
    return math.sqrt(mean_of([(v - mean) * (v - mean) for v in values]))


def _check_note_count(n: int, output: Mapping[str, list[Any]]) -> Optional[str]:
    bad = [c for c in _OUTPUT_COLUMNS if len(output[c]) != n]
    if not bad:
        return None
    return f"score has {n} notes but output " + ", ".join(f"{c} has {len(output[c])}" for c in bad)


def _pitch_key(p: Any) -> Any:
    # JS Map keys compare by SameValueZero: every NaN is one key, and 60 and 60.0 are the same number.
    return "NaN" if _is_number(p) and math.isnan(p) else p


def _check_pitch_multiset(score_pitch: Sequence[Any], output_pitch: Sequence[Any]) -> Optional[str]:
    counts: dict[Any, int] = {}
    for p in score_pitch:
        counts[_pitch_key(p)] = counts.get(_pitch_key(p), 0) + 1
    for p in output_pitch:
        counts[_pitch_key(p)] = counts.get(_pitch_key(p), 0) - 1
    diffs = [(p, d) for p, d in counts.items() if d != 0]
    diffs.sort(key=lambda pd: (not _is_number(pd[0]), pd[0] if _is_number(pd[0]) else 0))
    if not diffs:
        return None
    shown = [f"pitch {_js_str(p)}: {f'{d} missing' if d > 0 else f'{-d} extra'}" for p, d in diffs[:3]]
    more = f" (and {len(diffs) - 3} more pitches)" if len(diffs) > 3 else ""
    return f"output pitches differ from the score: {'; '.join(shown)}{more}"


def _check_finite(output: Mapping[str, list[Any]]) -> Optional[str]:
    problems: list[str] = []
    for column in (*_OUTPUT_COLUMNS, "localTempo"):
        for i, v in enumerate(output[column]):
            if not _is_finite(v):
                problems.append(f"{column}[{i}] is {_js_str(v)}")
    for i, v in enumerate(output["velocity"]):
        if _is_finite(v) and (not float(v).is_integer() or v < MIDI_VELOCITY_MIN or v > MIDI_VELOCITY_MAX):
            problems.append(f"velocity[{i}] is {_js_str(v)}, not an integer {MIDI_VELOCITY_MIN}..{MIDI_VELOCITY_MAX}")
    if not problems:
        return None
    more = f" ({len(problems)} problems in all)" if len(problems) > 1 else ""
    return problems[0] + more


def _group_mean_onsets(group: Sequence[Any], onset_sec: Sequence[Any]) -> list[tuple[Any, float]]:
    """(group, mean finite onset) for the groups that have one, in group order."""
    by_group: dict[Any, list[float]] = {}
    for i, g in enumerate(group):
        t = onset_sec[i] if i < len(onset_sec) else None
        if not _is_finite(t):
            continue
        by_group.setdefault(g, []).append(float(t))
    return [(g, mean_of(onsets)) for g, onsets in sorted(by_group.items(), key=lambda item: item[0])]


def _check_onset_order(groups: Sequence[tuple[Any, float]], tolerance_sec: float) -> Optional[str]:
    first: Optional[str] = None
    violations = 0
    for (prev_group, prev_sec), (cur_group, cur_sec) in zip(groups, groups[1:]):
        if cur_sec < prev_sec - tolerance_sec:
            violations += 1
            if first is None:
                first = (
                    f"group {_js_str(cur_group)} starts at {_to_fixed(cur_sec, 3)} s, "
                    f"{_to_fixed((prev_sec - cur_sec) * 1000, 1)} ms before group {_js_str(prev_group)} "
                    f"({_to_fixed(prev_sec, 3)} s; tolerance {_to_fixed(tolerance_sec * 1000, 1)} ms)"
                )
    if first is None:
        return None
    return f"{first}; {violations} groups out of order in all" if violations > 1 else first


def sanity_check(
    score: Mapping[str, Sequence[Any]],
    output: Mapping[str, Iterable[Any]],
    onset_order_tolerance_sec: float = ONSET_ORDER_TOLERANCE_SEC,
) -> dict[str, Any]:
    """Checks a humanizer output (entry i renders score note i) for degenerate results.

    `score` = {pitch, group} per score note (groups numbered in time order); `output` = {pitch, onsetSec,
    offsetSec, velocity} per score note plus `localTempo` per group. Returns {"passed", "failures":
    [{"check", "message"}], "skipped": [{"check", "reason"}]}; a malformed score is a ValueError.
    """
    _validate_score(score)
    tolerance = onset_order_tolerance_sec
    if not _is_finite(tolerance) or tolerance < 0:
        raise ValueError(f"onsetOrderToleranceSec must be a finite number >= 0, got {_js_str(tolerance)}")
    out = {c: _as_list(output[c]) for c in (*_OUTPUT_COLUMNS, "localTempo")}
    failures: list[dict[str, str]] = []
    skipped: list[dict[str, str]] = []

    def fail(check: str, message: Optional[str]) -> None:
        if message is not None:
            failures.append({"check": check, "message": message})

    count_message = _check_note_count(len(score["pitch"]), out)
    fail("note-count", count_message)
    fail("pitch-multiset", _check_pitch_multiset(score["pitch"], out["pitch"]))
    fail("finite", _check_finite(out))

    groups = _group_mean_onsets(score["group"], out["onsetSec"]) if count_message is None else None
    if groups is None:
        skipped.append({"check": "onset-order", "reason": "note counts differ, so notes cannot be mapped to groups"})
    elif len(groups) < 2:
        skipped.append({"check": "onset-order", "reason": "fewer than two onset groups"})
    else:
        fail("onset-order", _check_onset_order(groups, float(tolerance)))

    tempo = [float(v) for v in out["localTempo"] if _is_finite(v)]
    ioi_sec = [cur - prev for (_, prev), (_, cur) in zip(groups, groups[1:])] if groups else []
    timing: list[str] = []
    if len(tempo) >= 2:
        std = _population_std(tempo)
        if std < LOCAL_TEMPO_MIN_STD:
            timing.append(f"local tempo std is {_to_exponential(std, 2)} (< {_js_str(LOCAL_TEMPO_MIN_STD)})")
    if len(ioi_sec) >= 2:
        hi, lo = max(ioi_sec), min(ioi_sec)
        if hi - lo <= IOI_EQUAL_RELATIVE_TOLERANCE * max(abs(hi), abs(lo)):
            timing.append(f"all {len(ioi_sec)} IOIs between group onsets equal {_to_fixed(hi * 1000, 3)} ms")
    if len(tempo) < 2 and len(ioi_sec) < 2:
        skipped.append({"check": "timing-collapsed", "reason": "fewer than two local tempi and fewer than two group IOIs"})
    elif timing:
        fail("timing-collapsed", "timing is flat: " + "; ".join(timing))

    velocities = [float(v) for v in out["velocity"] if _is_finite(v)]
    if len(velocities) < 2:
        skipped.append({"check": "velocity-collapsed", "reason": "fewer than two finite velocities"})
    else:
        std = _population_std(velocities)
        if std < VELOCITY_MIN_STD:
            fail(
                "velocity-collapsed",
                f"velocity std is {_to_fixed(std, 3)} (< {_js_str(VELOCITY_MIN_STD)}) over {len(velocities)} notes",
            )

    return {"passed": not failures, "failures": failures, "skipped": skipped}
