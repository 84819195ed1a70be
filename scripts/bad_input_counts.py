"""Run the bad-input corpus and print, per loader, how many bad inputs were tried and
whether any changed the store: the figures for the hardening note.

    python scripts/bad_input_counts.py          # run every case (about 10 s)
    python scripts/bad_input_counts.py --list   # count the cases without running them
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.bad_input.cases lives beside the package


def main(argv: list[str]) -> int:
    from govgraph.graph.core.errors import SourceError
    from tests.bad_input.cases import BASES, all_cases, run_case

    cases = all_cases()
    if "--list" in argv:
        counts = Counter((c.kind, c.loads) for c in cases)
        print(f"{'loader':<18} {'bad inputs':>10} {'valid oddities':>15}")
        for kind in BASES:
            print(f"{kind:<18} {counts[kind, False]:>10} {counts[kind, True]:>15}")
        print(
            f"{'total':<18} {sum(not c.loads for c in cases):>10} {sum(c.loads for c in cases):>15}"
        )
        return 0

    tried: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    oddities: Counter[str] = Counter()
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as work:
        for case in cases:
            outcome = run_case(case, Path(work))
            if case.loads:
                oddities[case.kind] += 1
                if outcome.error is not None:
                    problems.append(f"{case.id}: should load but failed: {outcome.error}")
                continue
            tried[case.kind] += 1
            if outcome.error is not None and isinstance(outcome.raised, SourceError):
                refused[case.kind] += 1
            else:
                problems.append(f"{case.id}: not refused with SourceError ({outcome.raised!r})")
            if not outcome.unchanged:
                changed[case.kind] += 1
                problems.append(f"{case.id}: changed the store")

    header = (
        f"{'loader':<18} {'bad inputs':>10} {'SourceError':>11} {'changed store':>13} "
        f"{'valid oddities loaded':>21}"
    )
    print(header)
    print("-" * len(header))
    for kind in BASES:
        print(
            f"{kind:<18} {tried[kind]:>10} {refused[kind]:>11} {changed[kind]:>13} "
            f"{oddities[kind]:>21}"
        )
    print("-" * len(header))
    print(
        f"{'total':<18} {sum(tried.values()):>10} {sum(refused.values()):>11} "
        f"{sum(changed.values()):>13} {sum(oddities.values()):>21}"
    )
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
