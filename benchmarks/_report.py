"""What the benchmark scripts share: the profiles, the results table (one row per metric, with its target and
verdict), flat() and the smoke profile's helpers."""

import argparse
import dataclasses
import os
import platform

import numpy as np

from labs import config, data

# The notebooks' profiles (labs.config.PROFILES, LABS_PROFILE), and "smoke", which only the benchmarks know: the
# default profile's code paths with one seed, a little data and 1 epoch, to show that a script still runs.
PROFILES = (*config.PROFILES, "smoke")
SMOKE_NOTE = "smoke profile: a run-through on a little data; the targets are not judged"


def load_average():
    """Return the 1-minute load average as text (or 'n/a' where the system has none)."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"


def add_profile_option(parser):
    """Add ``--profile default|full|smoke`` to an argparse parser."""
    parser.add_argument("--profile", choices=PROFILES, default="default",
                        help="smoke: a quick run-through on a little data, with no verdicts (default: %(default)s)")


def parse_profile(description, argv=None):
    """Parse the command line (``--profile default|full|smoke``) and return the profile."""
    parser = argparse.ArgumentParser(description=description)
    add_profile_option(parser)
    return parser.parse_args(argv).profile


def one_epoch(recipe):
    """Return a copy of a training recipe (a dict with epochs, batch_size, ...) with epochs=1, for the smoke profile."""
    return dict(recipe, epochs=1)


def subset(dataset, num_train, num_test, seed=config.SEED):
    """Return a labs.data.Dataset with a stratified num_train of its training images and num_test of its test
    images, in their original order (the smoke profile's little data)."""
    def pick(y, n):
        return np.sort(data.stratified_subset(y, n, np.random.default_rng(seed)))

    train, test = pick(dataset.y_train, num_train), pick(dataset.y_test, num_test)
    return dataclasses.replace(dataset, X_train=dataset.X_train[train], y_train=dataset.y_train[train],
                               X_test=dataset.X_test[test], y_test=dataset.y_test[test],
                               description=f"{dataset.name}, a stratified {num_train:,} / {num_test:,} for the smoke "
                                           f"profile")


def flat(images, divide_by=1.0):
    """Flatten (N, H, W) images to float64 rows (N, H*W), divided by ``divide_by`` (255.0 gives 0-1 from uint8)."""
    return images.reshape(len(images), -1).astype(np.float64) / divide_by


def machine_summary(*versions):
    """Return one line naming Python, NumPy, any extra ``versions`` given, the CPU cores and the load."""
    parts = [f"Python {platform.python_version()}", f"NumPy {np.__version__}", *versions,
             f"{os.cpu_count()} CPU cores", f"load average {load_average()}"]
    return ", ".join(parts)


class Report:
    """Collect benchmark rows, echo each as it comes, and print them as a table at the end.

    smoke: the smoke profile, whose numbers come from too little data to meet the targets: every verdict
    is shown as "not judged" and exit_status() is 0. A script sets it once it has read its profile.
    """

    HEADERS = ("metric", "value", "target", "result")

    def __init__(self, smoke=False):
        self.rows = []
        self.smoke = smoke

    def record(self, metric, value, target=None, passed=None, fmt="{:.4f}"):
        """Add one row (target None: reported only; passed None: no verdict) and print it."""
        shown = fmt.format(value) if isinstance(value, (int, float, np.integer, np.floating)) else str(value)
        if passed is None:
            verdict = "-"
        else:
            verdict = "not judged" if self.smoke else ("pass" if passed else "FAIL")
        self.rows.append((str(metric), shown, target or "-", verdict))
        print(f"  {metric}: {shown}  [{verdict}]", flush=True)

    def table(self):
        """Return the rows as an aligned plain-text table."""
        widths = [max(len(row[i]) for row in self.rows + [self.HEADERS]) for i in range(4)]
        line = "  ".join("{:<%d}" % width for width in widths)
        lines = [line.format(*self.HEADERS), line.format(*("-" * width for width in widths))]
        lines += [line.format(*row) for row in self.rows]
        return "\n".join(text.rstrip() for text in lines)

    def print_table(self):
        """Print the table after a blank line (in the smoke profile, then the line saying nothing was judged)."""
        print()
        print(self.table())
        if self.smoke:
            print(SMOKE_NOTE, flush=True)

    def exit_status(self):
        """Return 1 if any target was missed, else 0 (the script's exit status); 0 in the smoke profile."""
        return 1 if not self.smoke and any(row[3] == "FAIL" for row in self.rows) else 0
