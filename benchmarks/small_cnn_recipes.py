"""How the small CNN's training recipe was chosen: 4-fold cross-validation on the training digits.

    .venv/bin/python benchmarks/small_cnn_recipes.py                  # about 7 minutes on 2 cores
    .venv/bin/python benchmarks/small_cnn_recipes.py --profile smoke  # 2 candidates, 2 folds of 400 digits, 1 epoch

The classic small CNN of notebook 07 is fixed (Conv 32 -> pool -> Conv 64 -> pool -> Conv 64 ->
Dense 64 -> Dense 10); only the way it is trained varies here: epochs, batch size, peak
learning rate of the warm-up + cosine schedule, and label smoothing. Each candidate is trained
on 3 of 4 stratified folds of mnist_small's 4,000 training digits and scored on the fourth; the
1,000 test digits are never loaded. The table gives each candidate's mean validation accuracy;
the last row checks that labs.training.RECIPES["small_cnn"] is the candidate with the best mean.
benchmarks/networks.py then scores that recipe once on the test digits. The full profile is the
default one. The smoke profile cross-validates the first and the last candidate (one without
label smoothing, one with) for 1 epoch on 2 folds of a stratified 400 digits, to show that the
search still runs; its numbers are not judged (see benchmarks/smoke.py).
"""

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: no C++ log lines in the table's way

import numpy as np  # noqa: E402

import labs  # noqa: E402
from labs import config, models, training  # noqa: E402
from _report import Report, machine_summary, one_epoch, parse_profile, subset  # noqa: E402

REPORT = Report()
FOLDS = 4

CANDIDATES = [
    {"epochs": 10, "batch_size": 64, "learning_rate": 2e-3},
    {"epochs": 20, "batch_size": 64, "learning_rate": 2e-3},
    {"epochs": 20, "batch_size": 32, "learning_rate": 1e-3},
    {"epochs": 15, "batch_size": 32, "learning_rate": 2e-3},
    {"epochs": 30, "batch_size": 64, "learning_rate": 1e-3},
    {"epochs": 10, "batch_size": 64, "learning_rate": 2e-3, "label_smoothing": 0.1},
    {"epochs": 20, "batch_size": 64, "learning_rate": 2e-3, "label_smoothing": 0.05},
    {"epochs": 20, "batch_size": 64, "learning_rate": 2e-3, "label_smoothing": 0.1},
    {"epochs": 20, "batch_size": 64, "learning_rate": 2e-3, "label_smoothing": 0.2},
    {"epochs": 15, "batch_size": 32, "learning_rate": 2e-3, "label_smoothing": 0.1},
]


def sizes(profile):
    """Return (training digits or None for all, folds, candidates) for a profile: a little in the smoke one."""
    if profile == "smoke":
        return 400, 2, [one_epoch(CANDIDATES[0]), one_epoch(CANDIDATES[-1])]
    return None, FOLDS, CANDIDATES


def describe_recipe(recipe):
    """Return a short label such as 'epochs 15, batch 32, lr 0.002, smoothing 0.1'."""
    label = f"epochs {recipe['epochs']}, batch {recipe['batch_size']}, lr {recipe['learning_rate']:g}"
    return label + (f", smoothing {recipe['label_smoothing']:g}" if recipe.get("label_smoothing") else "")


def cross_validate(recipe, X, y, folds):
    """Return the validation accuracy of the small CNN trained with ``recipe`` on each fold."""
    scores = []
    for train, valid in folds:
        model = models.make_small_cnn()
        training.train_with_recipe(model, X[train], y[train], recipe, progress="silent")
        scores.append(model.evaluate(X[valid], y[valid], verbose=0)[1])
    return scores


def main(argv=None):
    """Cross-validate every candidate, print the table; return 1 if RECIPES is not the best one."""
    from sklearn.model_selection import StratifiedKFold

    profile = parse_profile(__doc__.splitlines()[0], argv)
    REPORT.smoke = profile == "smoke"
    images, num_folds, candidates = sizes(profile)
    labs.setup()
    print(f"Small-CNN recipe search, profile {profile}, {num_folds}-fold CV; {machine_summary()}", flush=True)
    digits = labs.data.load_dataset("mnist_small")
    if images:
        digits = subset(digits, images, 10)  # the test digits are never used
    X, y = models.prepare_images(digits.X_train), digits.y_train
    folds = list(StratifiedKFold(num_folds, shuffle=True, random_state=config.SEED).split(X, y))
    means = []
    for recipe in candidates:
        started = time.perf_counter()
        scores = cross_validate(recipe, X, y, folds)
        means.append(np.mean(scores))
        REPORT.record(f"{describe_recipe(recipe)}: folds {' '.join(f'{s:.3f}' for s in scores)}, "
                      f"{time.perf_counter() - started:.0f} s", means[-1])
    best = candidates[int(np.argmax(means))]
    chosen = training.RECIPES["small_cnn"]
    REPORT.record("RECIPES['small_cnn'] is the best mean above", describe_recipe(chosen), describe_recipe(best),
                  chosen == best)
    REPORT.print_table()
    return REPORT.exit_status()


if __name__ == "__main__":
    sys.exit(main())
