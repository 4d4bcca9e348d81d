"""Benchmark of notebook 08: overfitting, dropout and data augmentation, over several seeds.

    .venv/bin/python benchmarks/augmentation.py                  # small target + shifted digits (about 6 min, 2 cores)
    .venv/bin/python benchmarks/augmentation.py --profile full   # adds the batch-norm CNN on Fashion-MNIST 60k / 10k
    .venv/bin/python benchmarks/augmentation.py --profile smoke  # the same steps, 1 seed, a little data, 1 epoch

Prints a plain-text table (metric, value, target, pass/fail) and exits with status 1 if a
target is missed. Every number is a mean over the seeds (LABS seeds 42, 1, 2) with its spread
(max - min); training times are wall-clock seconds on this machine at this moment, with the
load average, since a CPU shared with other jobs trains more slowly.

What it measures, with the recipes of labs.training.RECIPES:

- the small target (1,000 Fashion-MNIST training images, 1,000 validation, 2,000 test): the
  plain small CNN, dropout, augmentation and both, with the notebook's recipe (20 epochs of
  Adam at 3e-3) and with the full profile's (60 epochs at 2e-3). The targets (dropout +
  augmentation at least 2 points above the plain CNN on the test images; the training -
  validation accuracy gap at least halved) are judged on the full recipe, which is what the
  regularised models need; the notebook's 20 epochs are reported beside it.
- early stopping's patience, chosen on the plain CNN's validation curves (no extra training): the
  shortest of 2, 3 and 5 whose restored epoch is within 0.01 of the best validation accuracy, since
  early stopping is there to save epochs and 0.01 is about the spread between seeds.
- mnist_small's digits shifted by 3 pixels: the small CNN with and without random translations,
  with notebook 07's recipe (20 epochs; the full profile) and the notebook's 6 epochs.
- full profile: the batch-norm CNN with augmentation and dropout on all of Fashion-MNIST.
- smoke profile: the default profile's steps with seed 42 alone, 1 epoch of every recipe, a small
  target of 100 / 100 / 200 images and a stratified 400 / 200 of mnist_small, to show that they
  still run; its numbers are not judged (see benchmarks/smoke.py).

How the recipes were chosen, honestly. Every choice was made on validation data: the small
target's 1,000 validation images (from Fashion-MNIST's training split), and for the digits 800
of mnist_small's 4,000 training digits held out and shifted; test images were not looked at
while choosing. Tried on the small target, mostly with one seed (42), a few with three:
  - schedules: the course's warm-up + cosine (20-60 epochs, peak 2e-3 to 4e-3) and a constant
    Adam rate (1e-3 to 3e-3, 20-60 epochs). Cosine lifted every variant to about the same
    validation accuracy (0.82-0.835) and hid the overfitting (validation loss rose by only
    1-5% in 20 epochs); a constant rate shows it clearly (the loss rises by 10-40%), so the
    notebook uses Adam at a constant 3e-3 for 20 epochs, and 2e-3 for 60 in the full profile;
  - a wider dense layer (512 units, as Chollet's cats-vs-dogs head): no better;
  - dropout 0.25 and 0.5, alone and with a flip: 0.25 is better in 20 epochs, 0.5 in 60;
  - L2 1e-4, 3e-4 and 1e-3 (within a point of each other; 1e-3 flattens the curve most);
  - augmentations: flip; flip + shifts of 5-10%; flip + shifts + zoom 5-8%; flip + rotation
    0.03 + shifts + zoom; flip + contrast 0.2. Every shift, zoom or rotation cost validation
    accuracy (Fashion-MNIST's products are centred and upright in the test images too), so the
    chosen augmentation is the horizontal flip alone;
  - for the full recipe: dropout 0.5 / 0.6, and dropout 0.5 + flip with L2 1e-3 or zoom 0.05.
A second round for the full recipe (60 epochs of Adam at 2e-3), to reach the targets, judged
on the validation images only (validation accuracy of the final epoch; "gap" is the training
curve's last accuracy minus validation's, the quantity the target is judged on):
  - three seeds (42, 1, 2): the plain CNN 0.824 / 0.814 / 0.829 (mean 0.822, gap 0.178);
    dropout 0.5 + flip, today's recipe, 0.842 / 0.829 / 0.839 (mean 0.837, +1.4 points, gap
    0.098, ratio 0.55); the same with SpatialDropout2D 0.2 after both pools 0.826 / 0.822 /
    0.829 (mean 0.826, +0.3, gap 0.078, ratio 0.44); with Dropout 0.25 after both pools 0.822
    / 0.815 / 0.827 (mean 0.821, -0.1, gap 0.068, ratio 0.38). Dropout in the conv blocks
    halves the gap, but the accuracy it would buy goes with it: a trade-off, not a remedy;
  - seed 42 only, all with dropout 0.5 + flip (0.842 without extras): Dropout 0.1 after the
    pools 0.821; Keras' RandomErasing (fill 0) on up to half the images 0.824, on all 0.815;
    Dense 256 0.827; L2 1e-4 0.817; Dropout 0.25 after the pools with shifts 0.05 and zoom
    0.05 0.798; Dropout 0.25 after the pools for 100 epochs 0.824;
  - early stopping for every variant with the same rule (val_loss, patience 10, at most 100
    epochs, best weights restored), seeds 42 and 1: plain CNN 0.804 / 0.793 (stopped after 25
    / 24 epochs), dropout 0.5 + flip 0.814 / 0.802 (35 / 33), SpatialDropout2D 0.2 + dropout
    + flip 0.821 / 0.816 (52 / 52). The validation loss turns up before the accuracy stops
    rising, so the rule stops every model early and costs them all accuracy;
  - a step schedule for every variant (2e-3 for 45 epochs, then 2e-4 for the last 15), seeds
    42, 1, 2: plain CNN 0.834 / 0.820 / 0.832 (mean 0.829, gap 0.171), dropout 0.5 + flip
    0.835 / 0.814 / 0.831 (mean 0.827, gap 0.119, ratio 0.70). The lower rate helps the plain
    CNN more than the regularised one (as the cosine schedule did above).
  No recipe tried gains 2 points even on validation (the best, today's, +1.4), and those that
  halve the gap gain nothing, so the recipes stay as they were and both small-target targets
  are reported as missed.
The small target was then made the very images of notebooks 09-10 (their seed, 42, instead of
this notebook's own draw with seed 0), as the syllabus asks, with the recipes unchanged. On it
(seeds 42, 1, 2; 60 epochs) the plain CNN scored 0.808 on the test images and dropout + flip
0.819 (+1.05 points), with a gap ratio of 0.72 (0.55 on the old draw): the same shortfall, so a
difference between draws of 1,000 images, not a recipe that stopped working. The patience rule
below picked 2 on the new draw (2, 3 and 5 all restore the same epochs), so RECIPES says 2.
For the full profile (Fashion-MNIST 60k / 10k): the first, untuned recipe (flip + shifts of
0.05, dropout 0.3, 12 epochs) scored 0.916 on the test images (seeds 42, 1, 2). The search that
replaced it trained on 55,000 of the 60,000 training images and judged on the other 5,000 (a
fixed draw), seed 42, 12 epochs of the warm-up + cosine schedule at 3e-3, batches of 128 unless
said: make_batchnorm_cnn with the flip alone and dropout 0.3, 0.930 (the choice); with Dense 256
and dropout 0.4, 0.931 for twice the dense weights; no augmentation for 14 epochs, 0.927; the
flip with label smoothing 0.1, 0.925; a third block (Conv 128, "valid"), 0.914; three blocks
with "same" padding, 0.937 but about three times the training time, far past the 3 minutes.
The choice then scored 0.922 / 0.926 / 0.919 on the test images (mean 0.922, seeds 42, 1, 2):
test images are about a point harder than the held-out training images, and the 0.93 target
is missed, and so is the time: on 2 idle cores its 12 epochs took 211 / 196 / 185 s (mean 197,
target 180). The dataset authors' 0.934 comes from longer training than 3 minutes here allow.
For the digits: translations of 0.1 and 0.15 with 8 epochs (lr 3e-3) and with notebook 07's
recipe; 0.1 kept unshifted accuracy best. For the notebook's time budget, 6 and 8 epochs (and
batch 128 at lr 4e-3) were compared on the held-out digits: 6 epochs cost about a point of
unshifted accuracy against 8, but the notebook's budget (90 s) does not leave room for 8.
"""

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: no C++ log lines in the table's way

import numpy as np  # noqa: E402

import labs  # noqa: E402
from labs import data, models, overfitting, training  # noqa: E402
from _report import Report, load_average, machine_summary, one_epoch, parse_profile, subset  # noqa: E402

REPORT = Report()
record = REPORT.record
SEEDS = (42, 1, 2)
PATIENCES = (2, 3, 5)

# The seeds and data of the default and full profiles, and the smoke profile's one seed and little data, where
# every recipe is trained for 1 epoch.
SIZES = {"seeds": SEEDS, "small_target": {}, "digits": None, "one_epoch": False}
SMOKE = {"seeds": SEEDS[:1], "small_target": {"num_train": 100, "num_val": 100, "num_test": 200},
         "digits": (400, 200), "one_epoch": True}


def sizes(profile):
    """Return the sizes of a profile (SMOKE for "smoke", else SIZES)."""
    return SMOKE if profile == "smoke" else SIZES


def recipe_for(recipe, size):
    """Return a training recipe as it is, or a copy with 1 epoch in the smoke profile (the shared dict unchanged)."""
    return one_epoch(recipe) if size["one_epoch"] else recipe


def mean_spread(values, fmt="{:.3f}"):
    """Return 'mean ± spread/2 (min-max)' for a list of numbers, as text."""
    values = np.asarray(values, dtype=float)
    return f"{fmt.format(values.mean())} (range {fmt.format(values.min())}-{fmt.format(values.max())})"


def ladder(target, recipe, dropout, seeds):
    """Train baseline, dropout, augmentation and both on the small target for every seed; return the runs."""
    flip = training.RECIPES["small_target_augmentation"]
    variants = {"baseline": {}, "dropout": {"dropout": dropout}, "augmentation": {"augmentation": flip},
                "dropout + augmentation": {"dropout": dropout, "augmentation": flip}}
    runs = {name: [] for name in variants}
    for seed in seeds:
        for name, settings in variants.items():
            model = models.make_small_cnn(seed=seed, **settings)
            history = overfitting.train_on_target(model, target, recipe, seed=seed, progress="silent")
            scores = overfitting.compute_accuracies(model, target)
            curves = history.history
            runs[name].append({**scores, "seconds": history.train_seconds, "val_loss": curves["val_loss"],
                               "val_accuracy": curves["val_accuracy"],
                               "curve_gap": curves["accuracy"][-1] - curves["val_accuracy"][-1],
                               "clean_gap": scores["training"] - scores["validation"]})
            print(f"    seed {seed}, {name}: validation {scores['validation']:.3f}, test {scores['test']:.3f}",
                  flush=True)
    return runs


def report_ladder(label, runs, judge):
    """Record the ladder's rows; judge the targets when ``judge`` is True."""
    for name, results in runs.items():
        record(f"{label}: {name} validation accuracy", mean_spread([r["validation"] for r in results]))
        record(f"{label}: {name} test accuracy", mean_spread([r["test"] for r in results]))
        record(f"{label}: {name} gap, training curve - validation", mean_spread([r["curve_gap"] for r in results]))
        record(f"{label}: {name} gap, clean training images - validation",
               mean_spread([r["clean_gap"] for r in results]))
        record(f"{label}: {name} training time, s (load average {load_average()})",
               mean_spread([r["seconds"] for r in results], "{:.1f}"))
    base, both = runs["baseline"], runs["dropout + augmentation"]
    gain = np.mean([r["test"] for r in both]) - np.mean([r["test"] for r in base])
    record(f"{label}: dropout + augmentation minus baseline, test accuracy (mean of {len(base)} seeds)", gain,
           ">= 0.020" if judge else None, (gain >= 0.02) if judge else None)
    for kind in ("curve_gap", "clean_gap"):
        ratio = np.mean([r[kind] for r in both]) / np.mean([r[kind] for r in base])
        what = "training curve" if kind == "curve_gap" else "clean training images"
        record(f"{label}: gap of dropout + augmentation / gap of baseline ({what})", ratio,
               "<= 0.50" if judge and kind == "curve_gap" else None,
               (ratio <= 0.5) if judge and kind == "curve_gap" else None)


def patience_choice(runs):
    """Record each patience's validation accuracy at the restored epoch (from the baseline's curves)."""
    scores = {}
    for patience in PATIENCES:
        restored = []
        for result in runs["baseline"]:
            best, _ = overfitting.compute_early_stop(result["val_loss"], patience)
            restored.append(result["val_accuracy"][best - 1])
        scores[patience] = np.mean(restored)
        record(f"early stopping, patience {patience}: validation accuracy of the restored epoch",
               mean_spread(restored))
    # the rule: the shortest patience within 0.01 (about the seeds' spread) of the best; a shorter one saves epochs
    best = max(scores.values())
    shortest = min(p for p, s in scores.items() if s >= best - 0.01)
    chosen = training.RECIPES["early_stopping_patience"]
    record("RECIPES['early_stopping_patience']: the shortest within 0.01 of the best on validation", chosen,
           f"{shortest}", chosen == shortest, fmt="{}")


def small_target(size):
    """Run the ladder with the notebook's recipe and with the full profile's."""
    target = data.load_small_target(**size["small_target"])
    print(f"  small target: {target}; load average {load_average()}", flush=True)
    recipe = recipe_for(training.RECIPES["small_target"], size)
    short = ladder(target, recipe, training.RECIPES["small_target_dropout"], size["seeds"])
    report_ladder(f"small target, notebook recipe ({recipe['epochs']} epochs)", short, judge=False)
    patience_choice(short)
    recipe = recipe_for(training.RECIPES["small_target_long"], size)
    long = ladder(target, recipe, training.RECIPES["small_target_long_dropout"], size["seeds"])
    report_ladder(f"small target, full recipe ({recipe['epochs']} epochs)", long, judge=True)


def shifted_digits(size):
    """Train the small CNN with and without random shifts on mnist_small; test on digits shifted 3 pixels."""
    ds = data.load_dataset("mnist_small")
    if size["digits"]:
        ds = subset(ds, *size["digits"])
    X = models.prepare_images(ds.X_train)
    for label, recipe, judge in [("notebook 07's recipe, {} epochs", training.RECIPES["small_cnn"], True),
                                 ("the notebook's {} epochs", training.RECIPES["shifted_digits"], False)]:
        recipe = recipe_for(recipe, size)
        label = label.format(recipe["epochs"])
        curves = {"plain": [], "augmented": []}
        for seed in size["seeds"]:
            for name, settings in [("plain", None), ("augmented", training.RECIPES["shifted_digits_augmentation"])]:
                model = models.make_small_cnn(seed=seed, augmentation=settings)
                training.train_with_recipe(model, X, ds.y_train, recipe, seed=seed, progress="silent")
                predict = lambda images: model.predict(models.prepare_images(images), verbose=0,  # noqa: E731
                                                       batch_size=500).argmax(axis=1)
                curves[name].append(overfitting.compute_shift_curve(predict, ds.X_test, ds.y_test, (0, 3)))
                print(f"    seed {seed}, {name}: unshifted {curves[name][-1][0]:.3f}, "
                      f"shifted 3 px {curves[name][-1][1]:.3f}", flush=True)
        plain, moved = np.array(curves["plain"]), np.array(curves["augmented"])
        record(f"digits, {label}: plain CNN, unshifted / shifted 3 px",
               f"{mean_spread(plain[:, 0])} / {mean_spread(plain[:, 1])}")
        at_3 = moved[:, 1].mean()
        record(f"digits, {label}: augmented CNN on digits shifted 3 px", mean_spread(moved[:, 1]),
               ">= 0.95" if judge else None, (at_3 >= 0.95) if judge else None)
        loss = plain[:, 0].mean() - moved[:, 0].mean()
        record(f"digits, {label}: unshifted accuracy lost by augmenting (plain - augmented)", loss,
               "<= 0.005" if judge else None, (loss <= 0.005) if judge else None)


def fashion_full():
    """Train the batch-norm CNN with augmentation and dropout on Fashion-MNIST 60k; test on 10k."""
    fashion = data.load_dataset("fashion_mnist")
    X, X_test = models.prepare_images(fashion.X_train), models.prepare_images(fashion.X_test)
    recipe = training.RECIPES["fashion_full"]
    accuracies, seconds = [], []
    for seed in SEEDS:
        model = models.make_batchnorm_cnn(seed=seed, dropout=training.RECIPES["fashion_full_dropout"],
                                          augmentation=training.RECIPES["fashion_full_augmentation"])
        history = training.train_with_recipe(model, X, fashion.y_train, recipe, seed=seed, progress="print")
        accuracies.append(model.evaluate(X_test, fashion.y_test, verbose=0, batch_size=1000)[1])
        seconds.append(history.train_seconds)
        print(f"    seed {seed}: test accuracy {accuracies[-1]:.4f} in {seconds[-1]:.0f} s", flush=True)
    record("Fashion-MNIST 60k, batch-norm CNN + augmentation + dropout: test accuracy", mean_spread(accuracies),
           ">= 0.930 (mean)", np.mean(accuracies) >= 0.93)
    record(f"Fashion-MNIST 60k: training time, s (load average {load_average()})",
           mean_spread(seconds, "{:.0f}"), "<= 180 (mean)", np.mean(seconds) <= 180)


def main(argv=None):
    """Run the benchmark for a profile and print the table; return 1 if a target is missed."""
    profile = parse_profile(__doc__.splitlines()[0], argv)
    REPORT.smoke, size = profile == "smoke", sizes(profile)
    labs.setup()
    print(f"Augmentation benchmark, profile {profile}, seeds {size['seeds']}; "
          f"{machine_summary(f'Keras {models.keras.__version__}')}", flush=True)
    started = time.perf_counter()
    small_target(size)
    shifted_digits(size)
    if profile == "full":
        fashion_full()
    print(f"\ntotal time {time.perf_counter() - started:.0f} s")
    REPORT.print_table()
    return REPORT.exit_status()


if __name__ == "__main__":
    sys.exit(main())
