"""Benchmark of the hand-written convolution of notebook 06: correctness and speed ratios.

    .venv/bin/python benchmarks/convolution.py                  # default profile (under a minute)
    .venv/bin/python benchmarks/convolution.py --profile full   # adds more kernel sizes and channels
    .venv/bin/python benchmarks/convolution.py --profile smoke  # the same steps on a 128x128 crop, no verdicts

Prints a plain-text table (metric, value, target, pass/fail) and exits with status 1 if a
target is missed. Every speed is a ratio of timings measured side by side in this run (the
fastest of several repeats, the contenders interleaved so a busy machine slows them alike),
never an absolute number compared across machines. The smoke profile runs the default profile's
steps on the photo's top-left 128x128 with single timings, to show that they still run; its
numbers are not judged (see benchmarks/smoke.py).
"""

import sys
import time

import numpy as np

import labs
from labs import config, conv, kernels
from labs._keras import import_keras
from _report import Report, machine_summary, parse_profile

REPORT = Report()
record = REPORT.record

# The photo's side and the timing repeats: the whole 512x512 photo in the default and full profiles, a crop in
# the smoke one.
SIZES = {"side": 512, "repeats": 7, "loops_again": 5}
SMOKE = {"side": 128, "repeats": 1, "loops_again": 1}


def sizes(profile):
    """Return the sizes of a profile (SMOKE for "smoke", else SIZES)."""
    return SMOKE if profile == "smoke" else SIZES


def interleaved_best(functions, repeats):
    """Time each function ``repeats`` times, taking turns; return the fastest seconds of each."""
    best = [float("inf")] * len(functions)
    for _ in range(repeats):
        for index, function in enumerate(functions):
            start = time.perf_counter()
            function()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def grey_photo():
    """Return the 512x512 astronaut photo as greyscale floats in [0, 1]."""
    photo = labs.data.load_photo("astronaut")
    grey = labs.images.to_greyscale(photo).astype(np.float64)
    assert grey.shape == (512, 512), grey.shape
    return grey


def correctness(image):
    """Check loops, vectorised, SciPy and TensorFlow agree on the photo (valid and same padding)."""
    from scipy import signal

    import_keras()
    import tensorflow as tf

    kernel = np.random.default_rng(config.SEED).normal(size=(5, 5))  # asymmetric: a flip would show
    crop = image[:96, :96]
    reference = signal.correlate2d(crop, kernel, mode="valid")
    errors = [np.abs(conv.conv2d(crop, kernel) - reference).max(),
              np.abs(conv.conv2d_loops(crop, kernel) - reference).max(),
              np.abs(conv.conv2d(crop, kernel, padding="same") - signal.correlate2d(crop, kernel, mode="same")).max(),
              np.abs(conv.conv2d(crop, conv.flip_kernel(kernel)) - signal.convolve2d(crop, kernel, mode="valid")).max()]
    record("max |difference| vs scipy (valid, same, loops, flipped = convolve2d)", max(errors), "< 1e-9",
           max(errors) < 1e-9, fmt="{:.1e}")
    colour = np.random.default_rng(1).normal(size=(64, 64, 3))
    kernels = np.random.default_rng(2).normal(size=(3, 3, 3, 8))
    worst = 0.0
    for padding in ("valid", "same"):
        for stride in (1, 2):
            ours = conv.conv2d(colour, kernels, padding=padding, stride=stride)
            theirs = tf.nn.conv2d(colour[None], kernels, strides=stride, padding=padding.upper()).numpy()[0]
            worst = max(worst, np.abs(ours - theirs).max())
    record("max |difference| vs tf.nn.conv2d (3 channels, 8 filters, valid/same, stride 1/2)", worst, "< 1e-9",
           worst < 1e-9, fmt="{:.1e}")


def speed(image, kernel_size, repeats):
    """Time SciPy, the vectorised and the loop version on the photo; record the two ratios."""
    from scipy import signal

    kernel = kernels.KERNELS["gaussian_5x5"] if kernel_size == 5 else np.ones((kernel_size, kernel_size)) / kernel_size ** 2
    scipy_s, vector_s = interleaved_best([lambda: signal.correlate2d(image, kernel, mode="valid"),
                                          lambda: conv.conv2d(image, kernel)], repeats)
    label = f"{image.shape[0]}x{image.shape[1]} photo, {kernel_size}x{kernel_size} kernel"
    print(f"  {label}: scipy.signal.correlate2d {scipy_s * 1e3:.1f} ms, "
          f"vectorised conv2d {vector_s * 1e3:.1f} ms", flush=True)
    ratio = vector_s / scipy_s
    record(f"vectorised time / scipy correlate2d time ({label})", ratio, "<= 3", ratio <= 3, fmt="{:.2f}")
    return vector_s


def loops_speed(image, vector_s, repeats):
    """Time the loop version once on the whole photo and record how much slower it is."""
    start = time.perf_counter()
    conv.conv2d_loops(image, kernels.KERNELS["gaussian_5x5"])
    loops_s = time.perf_counter() - start
    vector_again, = interleaved_best([lambda: conv.conv2d(image, kernels.KERNELS["gaussian_5x5"])], repeats)
    vector_s = min(vector_s, vector_again)
    print(f"  loops {loops_s:.2f} s vs vectorised {vector_s * 1e3:.1f} ms", flush=True)
    speedup = loops_s / vector_s
    record(f"loop time / vectorised time ({image.shape[0]}x{image.shape[1]} photo, 5x5 kernel)", speedup, ">= 50",
           speedup >= 50, fmt="{:.0f}")


def multichannel_speed(repeats):
    """Report vectorised NumPy vs tf.nn.conv2d on a colour photo with 16 filters (reported only)."""
    import_keras()
    import tensorflow as tf

    photo = labs.data.load_photo("astronaut").astype(np.float32) / 255
    kernels = np.random.default_rng(3).normal(size=(3, 3, 3, 16)).astype(np.float32)
    numpy_s, tf_s = interleaved_best([lambda: conv.conv2d(photo, kernels, padding="same"),
                                      lambda: tf.nn.conv2d(photo[None], kernels, 1, "SAME").numpy()], repeats)
    record("vectorised time / tf.nn.conv2d time (512x512x3, 16 filters 3x3)", numpy_s / tf_s, fmt="{:.1f}")


def main(argv=None):
    """Run the benchmark for a profile and print the table; return 1 if a target is missed."""
    profile = parse_profile(__doc__.splitlines()[0], argv)
    REPORT.smoke, size = profile == "smoke", sizes(profile)
    print(f"Convolution benchmark, profile {profile}; {machine_summary()}", flush=True)
    started = time.perf_counter()
    image = grey_photo()[:size["side"], :size["side"]]
    correctness(image)
    vector_s = speed(image, 5, repeats=size["repeats"])
    loops_speed(image, vector_s, repeats=size["loops_again"])
    if profile == "full":
        for kernel_size in (3, 7, 11):
            speed(image, kernel_size, repeats=5)
        multichannel_speed(repeats=5)
    print(f"\ntotal time {time.perf_counter() - started:.0f} s")
    REPORT.print_table()
    return REPORT.exit_status()


if __name__ == "__main__":
    sys.exit(main())
