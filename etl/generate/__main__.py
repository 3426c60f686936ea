"""python -m etl.generate OUT_DIR [--schools N] [--national-schools M] [--seed S]"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from . import generate


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m etl.generate", description=__doc__)
    p.add_argument("out_dir", type=Path)
    p.add_argument("--schools", type=int, default=400)
    p.add_argument("--national-schools", type=int, default=3000)
    p.add_argument("--seed", type=int, default=2026)
    a = p.parse_args(argv)
    t = time.perf_counter()
    generate(a.out_dir, a.schools, a.national_schools, a.seed)
    print(f"wrote {a.out_dir} in {time.perf_counter() - t:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
