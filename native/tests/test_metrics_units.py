"""Hand-computed checks of rubato_native.metrics, mirroring test/unit/eval/*.test.ts, plus its torch-free import."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import pytest

# The package lives in native/; put it on the path so the test runs from the repo root with no conftest.
NATIVE_DIR = Path(__file__).resolve().parents[1]
if str(NATIVE_DIR) not in sys.path:
    sys.path.insert(0, str(NATIVE_DIR))

from rubato_native.metrics import (  # noqa: E402
    BIN_SPECS,
    aggregate_metrics,
    bin_count,
    bin_index,
    distribution_metrics,
    expression_score,
    histogram,
    histogram_intersection,
    inter_onset_intervals_ms,
    jensen_shannon,
    pearson,
    pedal_values_at,
    performance_feature_values,
    performance_metrics,
    sanity_check,
    smooth,
    window_span,
)

# JS([½,½], [1,0]): M = [¾,¼]; KL(P‖M) = 1 − ½log2 3; KL(Q‖M) = 2 − log2 3; JS = 1.5 − 0.75·log2 3 ≈ 0.311278.
JS_HALF_VS_ONE = 1.5 - 0.75 * math.log2(3)


def close(actual: Optional[float], expected: float, tol: float = 1e-15) -> None:
    assert actual is not None and abs(actual - expected) <= tol, f"{actual} vs {expected}"


# ---------------------------------------------------------------- smooth


def test_smooth_window_span_and_hand_worked_windows() -> None:
    assert [window_span(w) for w in (1, 2, 3, 8, 32)] == [(0, 0), (0, 1), (1, 1), (3, 4), (15, 16)]
    assert smooth([1, 2, 3, 4, 5], 3) == [1.5, 2, 3, 4, 4.5]
    assert smooth([1, 2, 3, 4, 5], 2) == [1.5, 2.5, 3.5, 4.5, 5]
    # w=8 (3 before, 4 after) over 1..10, truncated at both ends.
    assert smooth(list(range(1, 11)), 8) == [3, 3.5, 4, 4.5, 5.5, 6.5, 7, 7.5, 8, 8.5]
    assert smooth([2, 4, 9], 10) == [5, 5, 5]
    assert smooth([], 8) == []


def test_smooth_w1_is_a_copy_and_old_huge_values_leave_no_residue() -> None:
    x = [0.3, -2.0, 7.25]
    y = smooth(x, 1)
    assert y == x and y is not x
    # A plain running sum would keep rounding residue from 1e15 in every later window.
    z = smooth([1e15, -1e15, 3e14, 0.1, 0.2, 0.3, 0.7, 0.05], 2)
    assert z[4:] == [(0.2 + 0.3) / 2, (0.3 + 0.7) / 2, (0.7 + 0.05) / 2, 0.05]


def test_smooth_bad_input_names_the_place() -> None:
    for w in (0, -1, 2.5, math.nan, math.inf, True):
        with pytest.raises(ValueError, match="window must be a positive integer"):
            smooth([1, 2, 3], w)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"x\[1\] is NaN"):
        smooth([1, math.nan, 3], 2)
    with pytest.raises(ValueError, match=r"x\[2\] is -Infinity"):
        smooth([1, 2, -math.inf], 1)


# ---------------------------------------------------------------- pearson


def test_pearson_hand_computed() -> None:
    close(pearson([1, 2, 3], [2, 4, 6]), 1)
    close(pearson([1, 2, 3], [3, 2, 1]), -1)
    # means 2.5; Σda·db = 4; Σda² = Σdb² = 5; r = 4/5.
    close(pearson([1, 2, 3, 4], [1, 3, 2, 4]), 0.8)


def test_pearson_is_none_when_undefined() -> None:
    assert pearson([], []) is None
    assert pearson([1, 2], [2, 1]) is None
    assert pearson([5, 5, 5, 5], [1, 2, 3, 4]) is None
    assert pearson([1, 2, 3, 4], [0, 0, 0, 0]) is None
    # 0.1 is inexact, so a naive mean leaves tiny non-zero deviations.
    assert pearson([0.1] * 1000, list(range(1000))) is None
    assert pearson([1, 1 + 1e-12, 1, 1 + 1e-12], [0, 1, 0, 1]) is None
    close(pearson([1, 1 + 1e-6, 1, 1 + 1e-6], [0, 1, 0, 1]), 1, 1e-9)


def test_pearson_errors() -> None:
    with pytest.raises(ValueError, match=r"a\[2\] is NaN"):
        pearson([1, 2, math.nan], [1, 2, 3])
    with pytest.raises(ValueError, match=r"b\[0\] is Infinity"):
        pearson([1, 2, 3], [math.inf, 2, 3])
    with pytest.raises(ValueError, match="a has 3 values but b has 2"):
        pearson([1, 2, 3], [1, 2])


def test_pearson_takes_numpy_arrays() -> None:
    np = pytest.importorskip("numpy")
    close(pearson(np.array([1, 2, 3, 4], dtype=np.float32), np.array([1.0, 3.0, 2.0, 4.0])), 0.8)


# ---------------------------------------------------------------- performance metrics, aggregate, expression score

PRED = {"velocity": [1, 2, 3, 4], "tempo": [0, 0.1, -0.1, 0.2]}
HUMAN = {"velocity": [1, 3, 2, 4], "tempo": [0, 0.2, -0.2, 0.4]}


def test_performance_metrics_by_window() -> None:
    m = performance_metrics(PRED, HUMAN, [1, 2, 32])
    assert list(m["velocity_r"]) == ["1", "2", "32"]
    close(m["velocity_r"]["1"], 0.8)
    # w=2: deviations ×8 pred [-11,-3,5,9], human [-7,-3,1,9]; r = 172 / sqrt(236·140) = 43 / sqrt(2065).
    close(m["velocity_r"]["2"], 43 / math.sqrt(2065))
    close(m["rubato_r"]["1"], 1)
    # w=32 over 4 items: every smoothed value is the mean → constant → None.
    assert m["velocity_r"]["32"] is None and m["rubato_r"]["32"] is None
    assert list(performance_metrics(PRED, HUMAN)["rubato_r"]) == ["1", "8", "32"]
    # An integral float window still keys as "8", as String(8) does in TS.
    assert list(performance_metrics(PRED, HUMAN, [8.0])["velocity_r"]) == ["8"]  # type: ignore[list-item]


def test_performance_metrics_errors() -> None:
    with pytest.raises(ValueError, match="velocities"):
        performance_metrics({"velocity": [1, 2, 3], "tempo": []}, {"velocity": [1, 2], "tempo": []})
    with pytest.raises(ValueError, match="local tempi"):
        performance_metrics({"velocity": [], "tempo": [0, 1, 2]}, {"velocity": [], "tempo": [0, 1]})
    with pytest.raises(ValueError, match="got 0"):
        performance_metrics(PRED, HUMAN, [0])


def test_expression_score() -> None:
    m = performance_metrics(PRED, HUMAN, [1, 8])
    close(expression_score(m, 1), (0.8 + 1) / 2)
    assert expression_score(m) is None  # both 4-item series are constant after smoothing over 8
    with pytest.raises(ValueError, match=r"window 32 was not computed \(windows present: 1, 8\)"):
        expression_score(m, 32)
    assert expression_score({"velocity_r": {"8": 0.4}, "rubato_r": {"8": None}}) is None


def test_aggregate_skips_nulls_and_counts_what_it_used() -> None:
    runs: list[dict[str, Any]] = [
        {"velocity_r": {"1": 0.5, "8": 0.2}, "rubato_r": {"1": 0.1, "8": None}},
        {"velocity_r": {"1": 0.25, "8": None}, "rubato_r": {"1": 0.3, "8": None}},
        {"velocity_r": {"1": -0.75, "8": 0.6}, "rubato_r": {"1": 0.2, "8": 0.5}},
    ]
    agg = aggregate_metrics(runs, [1, 8])
    assert agg["performances"] == 3
    close(agg["velocity_r"]["1"], 0)
    close(agg["velocity_r"]["8"], 0.4)
    assert agg["velocity_used"] == {"1": 3, "8": 2}
    assert agg["rubato_used"] == {"1": 3, "8": 1}
    close(expression_score(agg), 0.45)
    empty = aggregate_metrics([])
    assert empty["velocity_r"] == {"1": None, "8": None, "32": None}
    assert empty["rubato_used"] == {"1": 0, "8": 0, "32": 0}
    assert expression_score(empty) is None
    with pytest.raises(ValueError, match="performance 0 has no velocity_r at window 32"):
        aggregate_metrics([{"velocity_r": {"8": 0.1}, "rubato_r": {"8": 0.2}}], [8, 32])


# ---------------------------------------------------------------- bins, divergence, distribution


def test_bins_are_half_open() -> None:
    assert [bin_count(BIN_SPECS[f]) for f in ("velocity", "ioiMs", "durationMs", "pedal")] == [32, 32, 32, 8]
    v = [bin_index(BIN_SPECS["velocity"], x, "v") for x in (0, 1, 3, 4, 64, 126.5, 127)]
    assert v == [0, 0, 0, 1, 16, 31, 31]
    p = [bin_index(BIN_SPECS["pedal"], x, "p") for x in (0, 15, 16, 63, 64, 127)]
    assert p == [0, 0, 1, 3, 4, 7]
    ms = [bin_index(BIN_SPECS["ioiMs"], x, "ms") for x in (0, 9.99, 10, 12.58, 12.59, 100, 9999, 10000, 1e9)]
    assert ms == [0, 0, 1, 1, 2, 11, 30, 31, 31]
    assert histogram(BIN_SPECS["pedal"], [0, 127, 127]) == [1, 0, 0, 0, 0, 0, 0, 2]


def test_bins_out_of_range() -> None:
    with pytest.raises(ValueError, match=r"pred\[0\]\.velocity\[3\] is 128, at or above the highest bin edge 128"):
        bin_index(BIN_SPECS["velocity"], 128, "pred[0].velocity[3]")
    with pytest.raises(ValueError, match="x is -1, below the lowest bin edge 0"):
        bin_index(BIN_SPECS["pedal"], -1, "x")
    with pytest.raises(ValueError, match="NaN"):
        bin_index(BIN_SPECS["ioiMs"], math.nan, "x")


def test_jensen_shannon_and_intersection_hand_computed() -> None:
    close(jensen_shannon([1, 1], [2, 0]), JS_HALF_VS_ONE)
    close(histogram_intersection([1, 1], [2, 0]), 0.5)
    assert jensen_shannon([1, 0], [0, 3]) == 1
    assert histogram_intersection([1, 0], [0, 3]) == 0
    assert jensen_shannon([1, 2, 3], [2, 4, 6]) == 0
    close(histogram_intersection([1, 2, 3], [2, 4, 6]), 1)
    assert jensen_shannon([0, 0], [1, 2]) is None
    assert histogram_intersection([1, 2], [0, 0]) is None
    assert jensen_shannon([], []) is None
    with pytest.raises(ValueError, match=r"first histogram\[1\] is -1"):
        jensen_shannon([1, -1], [1, 1])
    with pytest.raises(ValueError, match="first histogram has 3 values"):
        jensen_shannon([1, 2, 3], [1, 2])


def test_performance_features() -> None:
    assert inter_onset_intervals_ms([0.5, 0, 0, 1.25]) == [500, 750]
    assert inter_onset_intervals_ms([2]) == []
    events = [{"sec": 1, "value": 64}, {"sec": 0.5, "value": 20}, {"sec": 1, "value": 100}]
    assert pedal_values_at(events, [0.2, 0.5, 0.9, 1, 3]) == [0, 20, 20, 100, 100]
    f = performance_feature_values(PEDALLED, "human[0]")
    assert f == {"velocity": [64, 100], "ioiMs": [100], "durationMs": [50, 500], "pedal": [127, 127]}


PLAIN: dict[str, Any] = {"onsetSec": [0, 0.1], "offsetSec": [0.05, 0.6], "velocity": [64, 64], "pedal": []}
PEDALLED: dict[str, Any] = {**PLAIN, "velocity": [64, 100], "pedal": [{"sec": 0, "value": 127}]}


def test_distribution_metrics_hand_worked_pair() -> None:
    m = distribution_metrics([PLAIN], [PEDALLED])
    close(m["velocity"]["js"], JS_HALF_VS_ONE)
    close(m["velocity"]["intersection"], 0.5)
    assert m["velocity"]["predCounts"][16] == 2 and m["velocity"]["humanCounts"][25] == 1
    assert (m["ioiMs"]["js"], m["ioiMs"]["intersection"], m["ioiMs"]["predCounts"][11]) == (0, 1, 1)
    assert (m["pedal"]["js"], m["pedal"]["intersection"]) == (1, 0)
    close(m["overall"]["js"], (JS_HALF_VS_ONE + 0 + 0 + 1) / 4)
    close(m["overall"]["intersection"], (0.5 + 1 + 1 + 0) / 4)
    assert distribution_metrics([PLAIN, PLAIN], [PLAIN])["velocity"]["predCounts"][16] == 4


def test_distribution_metrics_nulls_never_nan() -> None:
    none = distribution_metrics([], [])
    assert none["overall"] == {"js": None, "intersection": None}
    assert [len(none[f]["predCounts"]) for f in ("velocity", "ioiMs", "durationMs", "pedal")] == [32, 32, 32, 8]
    one = {"onsetSec": [1], "offsetSec": [1.5], "velocity": [80], "pedal": []}
    m = distribution_metrics([one], [one])
    assert m["ioiMs"]["js"] is None and m["velocity"]["js"] == 0 and m["overall"]["js"] is None


@pytest.mark.parametrize(
    ("pred", "human", "message"),
    [
        ([PLAIN, {**PLAIN, "offsetSec": [0.05, 0.05]}], [], r"pred\[1\]: note 1 ends before it starts"),
        ([], [{**PLAIN, "velocity": [64, 200]}], r"human\[0\]\.velocity\[1\] is 200, outside 0\.\.127"),
        ([{**PLAIN, "velocity": [64]}], [], "velocity has 1 values but onsetSec has 2"),
        ([{**PLAIN, "onsetSec": [0, math.nan]}], [], r"pred\[0\]\.onsetSec\[1\] is NaN"),
        ([{**PLAIN, "pedal": [{"sec": 0, "value": 128}]}], [], r"pred\[0\]\.pedal\[0\]\.value is 128"),
    ],
)
def test_distribution_metrics_bad_performances(pred: list[Any], human: list[Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        distribution_metrics(pred, human)


# ---------------------------------------------------------------- sanity checks

SCORE = {"pitch": [60, 64, 67, 62, 65], "group": [0, 0, 1, 2, 2]}
GOOD: dict[str, Any] = {
    "pitch": [64, 60, 67, 62, 65],
    "onsetSec": [0, 0.01, 0.5, 1.1, 1.12],
    "offsetSec": [0.4, 0.45, 1.0, 1.5, 1.6],
    "velocity": [60, 70, 55, 80, 72],
    "localTempo": [0.1, -0.05, 0.2],
}


def failed(report: dict[str, Any]) -> list[str]:
    return [f["check"] for f in report["failures"]]


def message(report: dict[str, Any], check: str) -> str:
    return next((f["message"] for f in report["failures"] if f["check"] == check), "")


def test_sanity_plausible_output_passes() -> None:
    assert sanity_check(SCORE, GOOD) == {"passed": True, "failures": [], "skipped": []}


def test_sanity_note_count_and_pitch_multiset() -> None:
    r = sanity_check(SCORE, {**GOOD, **{c: GOOD[c][:4] for c in ("pitch", "onsetSec", "offsetSec", "velocity")}})
    assert failed(r) == ["note-count", "pitch-multiset"]
    assert "score has 5 notes but output pitch has 4" in message(r, "note-count")
    assert [s["check"] for s in r["skipped"]] == ["onset-order"]
    r = sanity_check(SCORE, {**GOOD, "pitch": [64, 61, 67, 62, 65]})
    assert failed(r) == ["pitch-multiset"]
    assert "pitch 60: 1 missing; pitch 61: 1 extra" in message(r, "pitch-multiset")


def test_sanity_finite() -> None:
    r = sanity_check(SCORE, {**GOOD, "onsetSec": [0, math.nan, 0.5, 1.1, 1.12]})
    assert failed(r) == ["finite"] and "onsetSec[1] is NaN" in message(r, "finite")
    r = sanity_check(SCORE, {**GOOD, "localTempo": [0.1, math.inf, 0.2]})
    assert "localTempo[1] is Infinity" in message(r, "finite")
    r = sanity_check(SCORE, {**GOOD, "velocity": [60, 0, 55.5, 80, 128]})
    assert failed(r) == ["finite"]
    assert message(r, "finite") == "velocity[1] is 0, not an integer 1..127 (3 problems in all)"


def test_sanity_onset_order() -> None:
    r = sanity_check(SCORE, {**GOOD, "onsetSec": [0, 0.01, 0.5, 0.39, 0.41]})
    assert failed(r) == ["onset-order"]
    assert message(r, "onset-order") == (
        "group 2 starts at 0.400 s, 100.0 ms before group 1 (0.500 s; tolerance 50.0 ms)"
    )
    slightly = {**GOOD, "onsetSec": [0, 0.01, 0.5, 0.46, 0.48]}
    assert sanity_check(SCORE, slightly)["passed"] is True
    assert failed(sanity_check(SCORE, slightly, onset_order_tolerance_sec=0.01)) == ["onset-order"]


def test_sanity_timing_and_velocity_collapse() -> None:
    r = sanity_check(SCORE, {**GOOD, "localTempo": [0.1, 0.1, 0.1]})
    assert failed(r) == ["timing-collapsed"]
    # The compensated mean of three 0.1s is 0.30000000000000004 / 3, not 0.1: the std is rounding, as in TS.
    assert message(r, "timing-collapsed") == "timing is flat: local tempo std is 1.39e-17 (< 0.001)"
    r = sanity_check(SCORE, {**GOOD, "onsetSec": [-0.01, 0.01, 0.5, 0.99, 1.01]})
    assert message(r, "timing-collapsed") == "timing is flat: all 2 IOIs between group onsets equal 500.000 ms"
    assert failed(sanity_check(SCORE, {**GOOD, "velocity": [64] * 5})) == ["velocity-collapsed"]
    r = sanity_check(SCORE, {**GOOD, "velocity": [64, 64, 64, 64, 65]})
    assert message(r, "velocity-collapsed") == "velocity std is 0.400 (< 0.5) over 5 notes"
    assert sanity_check(SCORE, {**GOOD, "velocity": [63, 65, 63, 65, 64]})["passed"] is True
    collapsed = {**GOOD, "onsetSec": [0, 0, 0.5, 1, 1], "velocity": [64] * 5, "localTempo": [0, 0, 0]}
    assert failed(sanity_check(SCORE, collapsed)) == ["timing-collapsed", "velocity-collapsed"]


def test_sanity_skips_and_score_errors() -> None:
    one = {"pitch": [60], "onsetSec": [0], "offsetSec": [1], "velocity": [64], "localTempo": []}
    r = sanity_check({"pitch": [60], "group": [0]}, one)
    assert r["passed"] is True
    assert [s["check"] for s in r["skipped"]] == ["onset-order", "timing-collapsed", "velocity-collapsed"]
    with pytest.raises(ValueError, match="2 pitches but 1 group"):
        sanity_check({"pitch": [60, 62], "group": [0]}, GOOD)
    with pytest.raises(ValueError, match=r"group\[0\] is -1"):
        sanity_check({"pitch": [60], "group": [-1]}, GOOD)
    with pytest.raises(ValueError, match="onsetOrderToleranceSec"):
        sanity_check(SCORE, GOOD, onset_order_tolerance_sec=-1)


# ---------------------------------------------------------------- packaging


def test_metrics_import_without_torch() -> None:
    # The server-side tools and the pyenv python have no torch: importing the metrics must not need it.
    code = "import sys, rubato_native.metrics; sys.exit(1 if 'torch' in sys.modules else 0)"
    result = subprocess.run([sys.executable, "-c", code], cwd=NATIVE_DIR, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr or "importing rubato_native.metrics imported torch"
