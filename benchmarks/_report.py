"""What the benchmark scripts share: the results table (one row per metric, with its target and verdict), flat()."""

import argparse
import os
import platform

import numpy as np

from labs import config


def load_average():
    """Return the 1-minute load average as text (or 'n/a' where the system has none)."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"


def parse_profile(description, argv=None):
    """Parse the command line (``--profile default|full``) and return the profile."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--profile", choices=config.PROFILES, default="default")
    return parser.parse_args(argv).profile


def flat(images, divide_by=1.0):
    """Flatten (N, H, W) images to float64 rows (N, H*W), divided by ``divide_by`` (255.0 gives 0-1 from uint8)."""
    return images.reshape(len(images), -1).astype(np.float64) / divide_by


def machine_summary(*versions):
    """Return one line naming Python, NumPy, any extra ``versions`` given, the CPU cores and the load."""
    parts = [f"Python {platform.python_version()}", f"NumPy {np.__version__}", *versions,
             f"{os.cpu_count()} CPU cores", f"load average {load_average()}"]
    return ", ".join(parts)


class Report:
    """Collect benchmark rows, echo each as it comes, and print them as a table at the end."""

    HEADERS = ("metric", "value", "target", "result")

    def __init__(self):
        self.rows = []

    def record(self, metric, value, target=None, passed=None, fmt="{:.4f}"):
        """Add one row (target None: reported only; passed None: no verdict) and print it."""
        shown = fmt.format(value) if isinstance(value, (int, float, np.integer, np.floating)) else str(value)
        verdict = "-" if passed is None else ("pass" if passed else "FAIL")
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
        """Print the table after a blank line."""
        print()
        print(self.table())

    def exit_status(self):
        """Return 1 if any target was missed, else 0 (the script's exit status)."""
        return 1 if any(row[3] == "FAIL" for row in self.rows) else 0
