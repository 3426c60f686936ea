"""How long the bad-input corpus takes through the real loader: the base build once, then every case
of tests/etl/bad_inputs/cases.yml, with wall-clock and CPU seconds per case and in total (nothing
asserts on time; tests/etl/test_bad_inputs.py checks the outcomes).

    python benchmarks/bad_inputs.py            all cases
    python benchmarks/bad_inputs.py ID [ID]    some cases
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.etl.bad_inputs import harness  # noqa: E402


def main(argv: list[str]) -> int:
    cases = [c for c in harness.read_cases() if not argv or c.id in argv]
    with tempfile.TemporaryDirectory() as tmp:
        t, c = time.perf_counter(), time.process_time()
        base = harness.build_base(Path(tmp))
        print(
            f"base build: {time.perf_counter() - t:.2f} s wall, {time.process_time() - c:.2f} s CPU"
        )
        t0, c0, rows = time.perf_counter(), time.process_time(), []
        for case in cases:
            t, c = time.perf_counter(), time.process_time()
            out = harness.run_case(case, base, Path(tmp) / case.id)
            harness.check(out, base)
            rows.append((case.id, case.expect, time.perf_counter() - t, time.process_time() - c))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    for cid, expect, w, c in sorted(rows, key=lambda r: -r[2]):
        print(f"  {cid:<42} {expect:<8} {w:6.2f} s wall {c:6.2f} s CPU")
    for kind in ("loaded", "refused"):
        ws = [r[2] for r in rows if r[1] == kind]
        if ws:
            print(
                f"{kind}: {len(ws)} cases, mean {sum(ws) / len(ws):.2f} s, max {max(ws):.2f} s wall"
            )
    print(f"all {len(rows)} cases: {wall:.1f} s wall, {cpu:.1f} s CPU (this process)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
