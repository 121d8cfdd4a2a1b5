"""Benchmarks (not tests): `make bench` runs them (bench.run); each writes its results here."""

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def write_results(name: str, results: Any) -> Path:
    """bench/results/<name>.json, which bench.run gathers into latest.json."""
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{name}.json"
    out.write_text(json.dumps(results, indent=2))
    return out
