"""Proves rubato_native.metrics computes what server/eval computes, case by case, on test/vectors/metrics.json."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

# The package lives in native/; put it on the path so the test runs from the repo root with no conftest.
NATIVE_DIR = Path(__file__).resolve().parents[1]
if str(NATIVE_DIR) not in sys.path:
    sys.path.insert(0, str(NATIVE_DIR))

from rubato_native import metrics  # noqa: E402

REPO_ROOT = NATIVE_DIR.parent
VECTORS_PATH = REPO_ROOT / "test" / "vectors" / "metrics.json"
VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
TOLERANCE = VECTORS["tolerance"]
# Fields the README says must match exactly (counts), whatever the numeric tolerance.
INTEGER_FIELDS = {"predCounts", "humanCounts", "velocity_used", "rubato_used", "performances"}
CASE_SECTIONS = ("smooth", "pearson", "performance", "aggregate", "distribution")


def numbers_agree(a: float, b: float) -> bool:
    """|a − b| <= absolute + relative · max(|a|, |b|), as the README and numbersAgree() in TS define it."""
    if a == b:
        return True
    return abs(a - b) <= TOLERANCE["absolute"] + TOLERANCE["relative"] * max(abs(a), abs(b))


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def first_difference(actual: Any, expected: Any, at: str, exact: bool = False) -> Optional[str]:
    """The JSON path of the first disagreement and why, or None; numbers compare within the tolerance."""
    if is_number(actual) and is_number(expected):
        if exact:
            ok = isinstance(actual, int) and actual == expected
        else:
            ok = not math.isnan(actual) and numbers_agree(float(actual), float(expected))
        return None if ok else f"{at}: {actual!r} != {expected!r}"
    if isinstance(actual, (list, tuple)) and isinstance(expected, list):
        if len(actual) != len(expected):
            return f"{at}: length {len(actual)} != {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            d = first_difference(a, e, f"{at}[{i}]", exact)
            if d:
                return d
        return None
    if isinstance(actual, dict) and isinstance(expected, dict):
        if sorted(actual) != sorted(expected):
            return f"{at}: keys {sorted(actual)} != {sorted(expected)}"
        for k in sorted(expected):
            d = first_difference(actual[k], expected[k], f"{at}.{k}", exact or k in INTEGER_FIELDS)
            if d:
                return d
        return None
    # null must be null (never NaN), booleans and strings exactly.
    if type(actual) is type(expected) and actual == expected:
        return None
    return f"{at}: {actual!r} != {expected!r}"


def check(actual: Any, expected: Any, at: str) -> None:
    difference = first_difference(actual, expected, at)
    assert difference is None, difference


def run_smooth(case: dict[str, Any], at: str) -> None:
    check(metrics.smooth(case["x"], case["w"]), case["expected"], f"{at}.expected")


def run_pearson(case: dict[str, Any], at: str) -> None:
    check(metrics.pearson(case["a"], case["b"]), case["expected"], f"{at}.expected")


def run_performance(case: dict[str, Any], at: str) -> None:
    result = metrics.performance_metrics(case["pred"], case["human"], case["windows"])
    check(result, case["expected"], f"{at}.expected")
    score = metrics.expression_score(result, case["expressionWindow"])
    check(score, case["expectedExpressionScore"], f"{at}.expectedExpressionScore")


def run_aggregate(case: dict[str, Any], at: str) -> None:
    result = metrics.aggregate_metrics(case["perPerformance"], case["windows"])
    check(result, case["expected"], f"{at}.expected")
    score = metrics.expression_score(result, case["expressionWindow"])
    check(score, case["expectedExpressionScore"], f"{at}.expectedExpressionScore")


def run_distribution(case: dict[str, Any], at: str) -> None:
    check(metrics.distribution_metrics(case["pred"], case["human"]), case["expected"], f"{at}.expected")


RUNNERS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "smooth": run_smooth,
    "pearson": run_pearson,
    "performance": run_performance,
    "aggregate": run_aggregate,
    "distribution": run_distribution,
}

CASES = [
    pytest.param(section, i, id=f"{section}[{case['id']}]")
    for section in CASE_SECTIONS
    for i, case in enumerate(VECTORS[section])
]


def test_vectors_schema_is_the_one_this_port_knows() -> None:
    # A new section or version on the TS side must fail here rather than go unchecked.
    assert VECTORS["version"] == 1
    known = {"version", "generator", "seed", "tolerance", "binEdges", *CASE_SECTIONS}
    assert set(VECTORS) == known
    assert all(VECTORS[s] for s in CASE_SECTIONS), "every section has cases"


@pytest.mark.parametrize(("section", "index"), CASES)
def test_metrics_vector_case(section: str, index: int) -> None:
    RUNNERS[section](VECTORS[section][index], f"$.{section}[{index}]")


def test_metrics_vector_bin_edges() -> None:
    for feature, spec in VECTORS["binEdges"].items():
        mine = metrics.BIN_SPECS[feature]
        at = f"$.binEdges.{feature}"
        check(list(mine.edges), spec["edges"], f"{at}.edges")
        # Edges are decimal literals: identical doubles, not merely close ones.
        assert list(mine.edges) == spec["edges"], f"{at}.edges differ in the last bit"
        check(mine.underflow, spec["underflow"], f"{at}.underflow")
        check(mine.overflow, spec["overflow"], f"{at}.overflow")
    assert set(VECTORS["binEdges"]) == set(metrics.DISTRIBUTION_FEATURES)


def test_first_difference_reports_the_json_path() -> None:
    # The comparison itself must be able to fail, and say where.
    expected = {"a": [1.0, None], "predCounts": [2]}
    assert first_difference({"a": [1.0, None], "predCounts": [2]}, expected, "$") is None
    assert first_difference({"a": [1.0 + 1e-9, None], "predCounts": [2]}, expected, "$") == "$.a[0]: 1.000000001 != 1.0"
    assert first_difference({"a": [1.0, math.nan], "predCounts": [2]}, expected, "$") == "$.a[1]: nan != None"
    assert first_difference({"a": [1.0, None], "predCounts": [2.0]}, expected, "$") == "$.predCounts[0]: 2.0 != 2"
