"""Benchmark of notebook 12: the capstone's ladder on the demo folders, validation vs external macro F1.

    .venv/bin/python benchmarks/capstone.py            # 3 seeds, about 10 minutes on 2 cores
    .venv/bin/python benchmarks/capstone.py --save     # also write benchmarks/results/capstone_ladder.csv
    .venv/bin/python benchmarks/capstone.py --profile smoke  # the same ladder, 1 seed, 100 / 50 photos, 1 epoch

Prints a plain-text table (metric, value, target, pass/fail) and exits with status 1 if a
target is missed. It runs what notebook 12 runs, through the same code paths: the demo folders
written by labs.demo.make_demo_folders; the training folder's clean copy read whole by
keras.utils.image_dataset_from_directory and split 80 / 20 class by class with the seed
(labs.folders.split_train_validation, the notebook's exercise 1); the external folder whole
(labs.folders.load_image_folder); then every rung of the ladder
with labs.training.RECIPES["capstone"] and labs.training.RECIPES["transfer"]:

  1. baseline: HOG features + an RBF SVM on greyscale 96x96 images (notebook 04's pipeline);
  2. the small CNN from scratch (48x48 colour), 3. the same with augmentation;
  4. transfer: EfficientNet-Lite0's pooled features (frozen) + a dense head;
  5. transfer + augmentation: that head trained on through the frozen base on augmented images;
  6. fine-tuning: stage 6 of the base unfrozen, learning rate 1e-4.

Each seed changes the train / validation split and every model's initial weights; the external
photos are the same 300 for all. Every number is a mean over seeds 42, 1, 2 with its range. The
target: transfer + augmentation beats the from-scratch CNN on the external set by at
least 5 points of macro F1. The recipes were fixed before the external set was first scored and
not tuned on it (see labs.training.RECIPES["capstone"]). The default and full profiles are the same. The smoke
profile runs the same ladder with seed 42 alone, demo folders of 100 training and 50 external
photos and 1 epoch of every recipe, to show that it still runs; its numbers are not judged and
it does not take --save (see benchmarks/smoke.py).
"""

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: no C++ log lines in the table's way

import numpy as np  # noqa: E402

import labs  # noqa: E402
from labs import demo, features, folders, models, pretrained, training, transfer  # noqa: E402
from _report import Report, add_profile_option, load_average, machine_summary, one_epoch  # noqa: E402

REPORT = Report()
record = REPORT.record
SEEDS = (42, 1, 2)
RESULTS = Path(__file__).resolve().parent / "results" / "capstone_ladder.csv"
RUNGS = ("baseline: HOG + SVM", "small CNN from scratch", "from scratch + augmentation",
         "transfer (frozen base)", "transfer + augmentation", "fine-tuning")

# The seeds and demo folders of the default and full profiles, and the smoke profile's one seed, small folders
# and 1 epoch of every recipe (make_demo_folders' defaults: 600 training and 300 external photos).
SIZES = {"seeds": SEEDS, "folders": {}, "one_epoch": False}
SMOKE = {"seeds": SEEDS[:1], "folders": {"num_train": 100, "num_external": 50}, "one_epoch": True}
TRAININGS = {"demo": ("scratch_training", "augmented_scratch_training"),
             "pretrained": ("head_training", "augmented_training", "fine_tune")}


def sizes(profile):
    """Return the sizes of a profile (SMOKE for "smoke", else SIZES)."""
    return SMOKE if profile == "smoke" else SIZES


def recipes_for(size):
    """Return (labs.training.RECIPES["capstone"], labs.training.RECIPES["transfer"]), or copies whose trainings last 1 epoch (smoke profile)."""
    recipes = {"demo": training.RECIPES["capstone"], "pretrained": training.RECIPES["transfer"]}
    if size["one_epoch"]:
        recipes = {name: {**shared, **{key: one_epoch(shared[key]) for key in TRAININGS[name]}}
                   for name, shared in recipes.items()}
    return recipes["demo"], recipes["pretrained"]


def load(train_dir, external_dir, seed, image_size):
    """Return (X_train, y_train, X_val, y_val, X_external, y_external) as arrays, loaded and split as the notebook does.

    The whole training folder (its clean copy, in file order), split class by class with the seed
    (the notebook's exercise 1); the external folder whole, with the training folder's class names.
    """
    keras = models.keras
    everything = keras.utils.image_dataset_from_directory(folders.clean_copy(train_dir), image_size=image_size,
                                                          shuffle=False, verbose=False)
    X, y = folders.to_arrays(everything)
    train_index, val_index = folders.split_train_validation(y, 0.2, seed)
    external = folders.load_image_folder(external_dir, image_size=image_size, validation_split=None,
                                         shuffle=False, class_names=everything.class_names, verbose=False)
    return (X[train_index], y[train_index], X[val_index], y[val_index], *folders.to_arrays(external))


def macro_f1(model, X, y):
    """Return the macro F1 of a fitted model (scikit-learn or Keras) on (X, y)."""
    return features.score_classifier(model, X, y)["macro F1"]


def ladder(train_dir, external_dir, seed, recipes):
    """Train every rung for one seed with (demo, transfer) recipes; return {rung: (validation F1, external F1,
    training seconds)}."""
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import SVC

    recipe, transfer_recipe = recipes
    X_train, y_train, X_val, y_val, X_ext, y_ext = load(train_dir, external_dir, seed, recipe["image_size"])
    num_classes = int(y_train.max()) + 1
    results = {}

    def grey(X):
        return X.mean(axis=-1).reshape(len(X), -1)

    def small(X):  # as the notebook: 48 x 48, scaled to [0, 1]
        keras = models.keras
        return models.prepare_images(keras.ops.convert_to_numpy(keras.ops.image.resize(X, recipe["scratch_size"])))

    started = time.perf_counter()
    svm = make_pipeline(features.HOGFeatures(**recipe["hog"]), SVC(**recipe["svm"])).fit(grey(X_train), y_train)
    results[RUNGS[0]] = (macro_f1(svm, grey(X_val), y_val), macro_f1(svm, grey(X_ext), y_ext),
                         time.perf_counter() - started)

    for rung, augmentation, recipe_name in ((RUNGS[1], None, "scratch_training"),
                                            (RUNGS[2], recipe["augmentation"], "augmented_scratch_training")):
        cnn = models.make_small_cnn(input_shape=recipe["scratch_size"] + (3,), num_classes=num_classes, seed=seed,
                                    augmentation=augmentation)
        history = training.train_with_recipe(cnn, small(X_train), y_train, recipe[recipe_name], seed=seed,
                                           progress="silent")
        results[rung] = (macro_f1(cnn, small(X_val), y_val), macro_f1(cnn, small(X_ext), y_ext),
                         history.train_seconds)

    started = time.perf_counter()
    base = pretrained.load_base(input_shape=X_train.shape[1:], include_top=False)
    extractor = transfer.make_feature_extractor(base, transfer_recipe["layers"])
    features_train = pretrained.compute_features(extractor, X_train)
    head = transfer.make_head(features_train, num_classes=num_classes, **transfer_recipe["head"], seed=seed)
    training.train_with_recipe(head, features_train, y_train, transfer_recipe["head_training"], seed=seed, progress="silent")
    model = transfer.make_classifier(extractor, head, seed=seed)
    results[RUNGS[3]] = (macro_f1(model, X_val, y_val), macro_f1(model, X_ext, y_ext), time.perf_counter() - started)

    model = transfer.make_classifier(extractor, head, augmentation=recipe["augmentation"], seed=seed)
    history = training.train_with_recipe(model, X_train, y_train, transfer_recipe["augmented_training"], seed=seed,
                                       progress="silent")
    results[RUNGS[4]] = (macro_f1(model, X_val, y_val), macro_f1(model, X_ext, y_ext), history.train_seconds)

    transfer.unfreeze_top(model, transfer_recipe["fine_tune_from"])
    history = training.train_with_recipe(model, X_train, y_train, transfer_recipe["fine_tune"], seed=seed, progress="silent")
    results[RUNGS[5]] = (macro_f1(model, X_val, y_val), macro_f1(model, X_ext, y_ext), history.train_seconds)
    for rung, (val, ext, seconds) in results.items():
        print(f"    seed {seed}, {rung}: validation {val:.3f}, external {ext:.3f} ({seconds:.1f} s)", flush=True)
    return results


def mean_range(values, fmt="{:.3f}"):
    """Return 'mean (range min-max)' as text."""
    values = np.asarray(values, dtype=float)
    return f"{fmt.format(values.mean())} (range {fmt.format(values.min())}-{fmt.format(values.max())})"


def report(runs, seeds):
    """Record every rung's scores and the target; return the CSV rows."""
    rows = []
    for rung in RUNGS:
        val, ext, seconds = (np.array([run[rung][i] for run in runs]) for i in range(3))
        record(f"{rung}: validation macro F1", mean_range(val))
        record(f"{rung}: external macro F1", mean_range(ext))
        record(f"{rung}: gap, validation - external", mean_range(val - ext))
        record(f"{rung}: training s (load average {load_average()})", mean_range(seconds, "{:.1f}"))
        rows.append({"rung": rung, "validation macro F1 (mean)": f"{val.mean():.4f}",
                     "external macro F1 (mean)": f"{ext.mean():.4f}", "gap (mean)": f"{(val - ext).mean():.4f}",
                     "external per seed": " ".join(f"{v:.4f}" for v in ext), "seeds": " ".join(map(str, seeds)),
                     "training s (mean)": f"{seconds.mean():.0f}"})
    gain = np.mean([run[RUNGS[4]][1] - run[RUNGS[1]][1] for run in runs])
    record(f"transfer + augmentation minus from scratch, external macro F1 (mean of {len(seeds)} seeds)", gain,
           ">= 0.050", gain >= 0.05)
    return rows


def main(argv=None):
    """Run the ladder for every seed and print the table; return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_profile_option(parser)
    parser.add_argument("--save", action="store_true", help="write the ladder to benchmarks/results/capstone_ladder.csv")
    options = parser.parse_args(argv)
    if options.profile == "smoke" and options.save:
        parser.error("--profile smoke runs the ladder on a little data: it does not take --save (which would "
                     "overwrite benchmarks/results/capstone_ladder.csv)")
    REPORT.smoke, size = options.profile == "smoke", sizes(options.profile)
    recipes = recipes_for(size)
    labs.setup()
    print(f"Capstone benchmark, profile {options.profile}, seeds {size['seeds']}; "
          f"{machine_summary(f'Keras {models.keras.__version__}')}", flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        folder = demo.make_demo_folders(Path(scratch) / "demo", **size["folders"], verbose=False)
        runs = [ladder(folder.train, folder.external, seed, recipes) for seed in size["seeds"]]
    rows = report(runs, size["seeds"])
    print(f"\ntotal time {time.perf_counter() - started:.0f} s")
    REPORT.print_table()
    if options.save:
        RESULTS.parent.mkdir(exist_ok=True)
        with RESULTS.open("w", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=[*rows[0], "machine"])
            writer.writeheader()
            machine = machine_summary(f"Keras {models.keras.__version__}")
            writer.writerows({**row, "machine": machine} for row in rows)
        print(f"saved {RESULTS}")
    return REPORT.exit_status()


if __name__ == "__main__":
    sys.exit(main())
