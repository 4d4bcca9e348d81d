"""Run every benchmark in its smoke profile, one after another in one process, and time each.

    .venv/bin/python benchmarks/smoke.py                      # every benchmark (under 2 minutes on 2 cores)
    .venv/bin/python benchmarks/smoke.py networks transfer    # only these

A benchmark's smoke profile (``--profile smoke``) runs the code of its default profile, with the
same labs functions, models and loops, on one seed, a little data and 1 epoch of training: a
change in labs that breaks a benchmark shows within minutes, not at the next full run. Its
numbers come from too little data to be judged, so a benchmark's status is 0 when it ran to the
end. The benchmarks share one process so that TensorFlow is imported once. Nothing is caught: a
benchmark that raises stops the run with its traceback. Prints a table of the seconds each
benchmark took and exits with status 1 if one returned a non-zero status.
tests/test_benchmarks.py runs this script.
"""

import argparse
import importlib
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: no C++ log lines in the tables' way

# The benchmarks without Keras first, so a broken labs import shows before TensorFlow's import is paid.
BENCHMARKS = ("classical", "convolution", "networks", "small_cnn_recipes", "augmentation", "transfer",
              "visualisation", "capstone", "sizing")
TABLE_TITLE = "Smoke profile, seconds per benchmark:"


def run(name):
    """Import benchmarks/<name>.py and run its smoke profile; return (import seconds, run seconds, status)."""
    print(f"\n===== {name} --profile smoke", flush=True)
    started = time.perf_counter()
    module = importlib.import_module(name)
    imported = time.perf_counter()
    status = module.main(["--profile", "smoke"])
    return imported - started, time.perf_counter() - imported, status


def table(results):
    """Return the per-benchmark table: import seconds (the first to load TensorFlow pays for it), run seconds,
    status."""
    rows = [("benchmark", "import s", "run s", "status")]
    rows += [(name, f"{imported:.1f}", f"{ran:.1f}", str(status)) for name, (imported, ran, status) in results.items()]
    total = sum(imported + ran for imported, ran, _ in results.values())
    rows.append(("total, imports included", "", f"{total:.1f}", "1" if any(s for _, _, s in results.values()) else "0"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join([TABLE_TITLE, *lines])


def main(argv=None):
    """Run the smoke profile of the benchmarks named (all by default); return 1 if one returned a non-zero status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmarks", nargs="*", metavar="benchmark",
                        help=f"which to run, in the order given (default: all of {', '.join(BENCHMARKS)})")
    names = parser.parse_args(argv).benchmarks or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    results = {name: run(name) for name in names}
    print()
    print(table(results), flush=True)
    return 1 if any(status for _, _, status in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
