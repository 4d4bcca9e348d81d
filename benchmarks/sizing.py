"""How big a machine a workshop needs: each solution notebook's peak memory and CPU time in a fresh kernel.

    .venv/bin/python benchmarks/sizing.py                  # notebooks 00-12, default profile (about 6 minutes)
    .venv/bin/python benchmarks/sizing.py --save           # also write benchmarks/results/sizing.csv
    .venv/bin/python benchmarks/sizing.py --profile smoke  # notebooks 00 and 01 only, to show that it still runs

Each notebook runs top to bottom in a new kernel, as tools/execute_notebooks.py runs it. While it runs, the
kernel's resident memory (RSS, its child processes included) is sampled every 0.1 s; the peak is what a
learner's kernel holds at its largest, the figure a workshop server must have room for. CPU seconds are the
kernel's user + system time at its last sample: what a notebook costs a shared machine's cores, whatever the
wall clock says. The README's "Running a workshop" derives its learners per core and per GiB from
benchmarks/results/sizing.csv. Nothing is judged: the table reports measurements.
"""

import argparse
import csv
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import psutil  # noqa: E402  (installed with Jupyter)

from _report import Report, add_profile_option, machine_summary  # noqa: E402
from nbtools.io import read_notebook  # noqa: E402
from nbtools.kernel import execute_notebook  # noqa: E402
from nbtools.paths import solution_paths  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "sizing.csv"
SMOKE_NOTEBOOKS = ("00_welcome", "01_images_as_arrays")
MIB = 2**20
REPORT = Report()


class KernelSampler(threading.Thread):
    """Sample this process's children (the kernel and whatever it starts) until stopped: peak RSS, CPU seconds."""

    def __init__(self, interval=0.1):
        super().__init__(daemon=True)
        self.interval, self.peak_rss, self.cpu = interval, 0, {}
        self._stop_event = threading.Event()

    def run(self):
        """Sample until stop() is called."""
        me = psutil.Process()
        while not self._stop_event.is_set():
            rss = 0
            for child in me.children(recursive=True):
                try:
                    with child.oneshot():
                        rss += child.memory_info().rss
                        times = child.cpu_times()
                        # A process's own time, and its children's once they have exited and been waited for.
                        self.cpu[child.pid] = times.user + times.system + times.children_user + times.children_system
                except psutil.Error:  # the process ended between listing and reading
                    continue
            self.peak_rss = max(self.peak_rss, rss)
            self._stop_event.wait(self.interval)

    def stop(self):
        """Stop sampling and wait for the last sample."""
        self._stop_event.set()
        self.join()

    @property
    def cpu_seconds(self):
        """Return the CPU seconds of every process seen, at its last sample."""
        return sum(self.cpu.values())


def measure(path, profile="default"):
    """Run one notebook in a fresh kernel; return (peak RSS in MiB, CPU seconds, wall seconds)."""
    sampler = KernelSampler()
    sampler.start()
    started = time.perf_counter()
    result = execute_notebook(read_notebook(path), path.parent, profile=profile)
    wall = time.perf_counter() - started
    sampler.stop()
    if result.failure:
        raise RuntimeError(result.failure.describe(path.name))
    return sampler.peak_rss / MIB, sampler.cpu_seconds, wall


SERVER_MIB = 130  # a learner's Jupyter server beside its kernel (jupyterhub-singleuser's RSS, measured on the hub)
ROOM_SECONDS = 180  # a room presses Run All at once: everyone's notebook done within 3 minutes


def workshop_table(rows):
    """Return the README's sizing table (markdown) from the measured rows: memory per learner (kernel peak plus
    their server), learners per GiB, and learners per core if a room runs a notebook at once within ROOM_SECONDS."""
    lines = ["| notebook | peak kernel RSS, MiB | CPU s | GiB per learner | learners per GiB | learners per core |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        gib = (float(row["peak_rss_mib"]) + SERVER_MIB) / 1024
        lines.append(f"| {row['notebook'][:2]} | {float(row['peak_rss_mib']):.0f} | {float(row['cpu_seconds']):.0f} "
                     f"| {gib:.1f} | {1 / gib:.1f} | {ROOM_SECONDS / float(row['cpu_seconds']):.0f} |")
    return "\n".join(lines)


def read_results(path=RESULTS):
    """Return the rows of benchmarks/results/sizing.csv."""
    with Path(path).open(newline="") as file:
        return list(csv.DictReader(file))


def notebooks_for(profile):
    """Return the solution notebooks a profile measures."""
    paths = solution_paths()
    return [path for path in paths if path.stem in SMOKE_NOTEBOOKS] if profile == "smoke" else paths


def main(argv=None):
    """Measure every notebook, print the table; write the CSV with --save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_profile_option(parser)
    parser.add_argument("--save", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--readme", action="store_true",
                        help=f"print the README's table from {RESULTS.relative_to(ROOT)} (measures nothing)")
    options = parser.parse_args(argv)
    if options.readme:
        print(workshop_table(read_results()))
        return 0
    if options.profile == "smoke" and options.save:
        parser.error("--profile smoke measures two notebooks only: it does not take --save (which would "
                     f"overwrite {RESULTS.relative_to(ROOT)})")
    REPORT.smoke = options.profile == "smoke"
    notebook_profile = "default" if options.profile == "smoke" else options.profile
    print(f"Sizing, profile {options.profile}; {machine_summary()}", flush=True)
    rows = []
    for path in notebooks_for(options.profile):
        peak, cpu, wall = measure(path, notebook_profile)
        rows.append({"notebook": path.stem, "peak_rss_mib": round(peak), "cpu_seconds": round(cpu, 1),
                     "wall_seconds": round(wall, 1)})
        REPORT.record(f"{path.stem}: peak RSS MiB / CPU s / wall s", f"{peak:.0f} / {cpu:.1f} / {wall:.1f}")
    REPORT.record("largest peak RSS, MiB", max(row["peak_rss_mib"] for row in rows), fmt="{:.0f}")
    REPORT.record("most CPU seconds", max(row["cpu_seconds"] for row in rows), fmt="{:.1f}")
    REPORT.print_table()
    if options.save:
        with RESULTS.open("w", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=[*rows[0], "machine"])
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "machine": machine_summary()})
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return REPORT.exit_status()


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
