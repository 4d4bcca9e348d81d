"""Benchmark of transfer learning (labs.pretrained): build time, speed, and the ladder from scratch to fine-tuning.

    .venv/bin/python benchmarks/transfer.py                  # default profile: 3 seeds (8-13 minutes on 2 cores)
    .venv/bin/python benchmarks/transfer.py --profile full   # 5 seeds
    .venv/bin/python benchmarks/transfer.py --save           # also write benchmarks/results/transfer_ladder.csv
    .venv/bin/python benchmarks/transfer.py --search         # how labs.training.RECIPES["transfer"] was chosen (17 minutes)
    .venv/bin/python benchmarks/transfer.py --profile smoke  # the same steps, 1 seed, 100 / 200 images, 1 epoch

Prints the ladder, then a plain-text table (metric, value, target, pass/fail), and exits with
status 1 if a target is missed. The smoke profile runs the default profile's steps with seed 42
alone, 100 training and 200 test images, 1 epoch of every recipe and single timings, to show
that they still run; its numbers are not judged, it neither saves (--save) nor searches
(--search) (see benchmarks/smoke.py).

Speed: EfficientNet-Lite0 on 96x96 images, through labs.pretrained.compute_features (uint8
images in: checks, scaling, batches) and through a raw Keras call of the same model on
images scaled beforehand (model.predict_on_batch, the fastest raw path). Each batch is
timed both ways back to back, best of several rounds, so a busy moment on a shared CPU
hurts both alike; the wrapper may cost at most 10%.

The task: a small Fashion-MNIST target (labs.data.load_small_target): 1,000 training
images, stratified and drawn with each seed, and one fixed stratified test set of 2,000,
upscaled to 96x96 RGB for the pretrained base (kept at 28x28 grey for the CNN from scratch).
The ladder, each rung trained on the same 1,000 images per seed and scored once on the test set:

1. from scratch: the course's small CNN (labs.models.make_small_cnn), recipe RECIPES["small_cnn"]
   as is (chosen on mnist_small, not on this task);
2. from scratch + augmentation: the same CNN with labs.training.RECIPES["small_target_augmentation"]
   (a random horizontal flip) as its first layer, trained 40 epochs instead of 20;
3. transfer, frozen features: pooled block5c + block6d outputs of EfficientNet-Lite0 (304
   numbers, computed once per image), a small head trained on them (standardise -> Dropout 0.5
   -> Dense 256 -> Dropout 0.5 -> Dense 10; labs.transfer.make_head);
4. transfer + augmentation: rung 3's head trained on through the frozen base with the same
   augmentation in front, so every epoch runs the base again on freshly augmented images;
5. fine-tuning: rung 3's model, then the base's last stage in use (blocks 6a-6d, from
   block6a_expand_conv) trained with the head at a low learning rate (Adam, warm-up + cosine,
   peak 1e-4, 2 epochs); BatchNorm layers stay frozen and the base runs in inference mode;
6. unfreeze everything: as 5 with every convolution of the base trainable (same epochs and rate).
Times are training wall-clock seconds per seed (rung 3: features of the 1,000 training images +
the head; rungs 4-6: their own training, on top of rung 3's head).

Inference mode: in Keras 3 a training=False written where a functional model calls the base is
overridden by fit()'s training=True (keras-team/keras#20285), which would switch on the base's
drop-connect; labs.transfer.make_classifier wraps the base in a layer that holds the flag, and
unfreeze_top keeps every BatchNormalization layer frozen.

Targets: transfer (rung 3) - scratch (rung 1) >= 4 points, means over the seeds; fine-tuning
(rung 5) >= rung 3 - noise, where noise is the larger of the two seed-to-seed standard
deviations (a smaller difference is not told apart by 3 seeds). The last rows estimate notebook
10's path (features, head, fine-tuning, scoring) against its 90 s budget.

How the settings (labs.training.RECIPES["transfer"]) were chosen, on the 1,000 training images only;
the test images were never loaded (--search repeats it and prints the tables; seeds 42-44):

- features, by 5-fold stratified cross-validation per seed: pooled outputs of block4c, block5c,
  block6d (its sum and its 1,152-channel expansion), block7a and the top, alone and in pairs
  (block5c + block6d, block4c + block6d, block6d + block7a, block6d + top), at 96 and 128 pixels,
  each with a standardised logistic regression (the best of 7 values of C, which flatters every
  candidate alike). Rule, fixed before looking: the best mean; candidates within 0.5 points of
  it count as tied and the cheapest (fewest pixels, then fewest features) wins. Best: block5c +
  block6d and block4c + block6d at 128 (0.860); block5c + block6d at 96 (0.858) is tied and
  twice as fast to compute. The top (1,280 numbers, the old default) scored 0.828 at 96.
- head, same folds, on the chosen features, 60 epochs, batch 32, Adam peak 1e-3: a standardised
  linear softmax (Dropout 0.5) 0.854, the 256-unit MLP 0.861 (logistic regression: 0.858). The
  best wins; a Keras head is also what fine-tuning needs. (In a side run the MLP with 30 epochs
  at batch 64, 3x faster to train, scored 0.855.)
- epochs and rates, on a stratified 800 / 200 split of each seed's training images; rule: the
  fewest epochs within 1 point of the best mean, then the best (200 images score in steps of
  0.5 points). Frozen head: 0.867. Fine-tuning blocks 6a-6d, 2 or 5 epochs at peak 1e-4 or 3e-5:
  0.865 / 0.860 / 0.863 / 0.865, all tied with each other and with the frozen head: 2 epochs,
  1e-4. Transfer + augmentation, 5 epochs at 1e-3 or 10 at 3e-4: 0.862 / 0.868: 5 epochs.
  Scratch + augmentation, recipe small_cnn with 20 or 40 epochs: 0.773 / 0.810: 40.
  Without augmentation the scratch CNN also did better with 40 epochs there (0.798 vs 0.778);
  rung 1 keeps the course recipe as is, so it may sit a point or two below its best here.
An earlier exploratory run (seed 42) that picked block6d for the old "mid-level" row also
printed test accuracy; that run chose nothing here.
"""

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import labs
from labs import config, data, models, pretrained, training, transfer
from _report import Report, add_profile_option, load_average, machine_summary, one_epoch

REPORT = Report()
record = REPORT.record

SPEED_SIZE, SPEED_IMAGES, BATCH_SIZE, REPEATS = 96, 384, 32, 7
RECIPES = training.RECIPES["transfer"]
SCRATCH_AUGMENTATION = training.RECIPES["small_target_augmentation"]  # notebook 08's horizontal flip
SCRATCH_AUGMENTED_RECIPE = dict(training.RECIPES["small_cnn"], epochs=40)  # epochs chosen on validation (--search)

# The ladder's images and the timings' repeats in the default and full profiles, and the smoke profile's little:
# there every recipe is trained for 1 epoch.
SIZES = {"train": 1000, "test": 2000, "speed_images": SPEED_IMAGES, "repeats": REPEATS, "build_repeats": 3,
         "photos": 64, "photo_repeats": 3, "one_epoch": False}
SMOKE = {"train": 100, "test": 200, "speed_images": 2 * BATCH_SIZE, "repeats": 1, "build_repeats": 1,
         "photos": 8, "photo_repeats": 1, "one_epoch": True}


def sizes(profile):
    """Return the sizes of a profile (SMOKE for "smoke", else SIZES)."""
    return SMOKE if profile == "smoke" else SIZES


def ladder_recipes(plan):
    """Return the ladder's training recipes by name (RECIPES' and the scratch ones); 1-epoch copies in the smoke
    profile."""
    recipes = {"head_training": RECIPES["head_training"], "augmented_training": RECIPES["augmented_training"],
               "fine_tune": RECIPES["fine_tune"], "scratch": training.RECIPES["small_cnn"],
               "scratch_augmented": SCRATCH_AUGMENTED_RECIPE}
    return {name: one_epoch(recipe) for name, recipe in recipes.items()} if plan["one_epoch"] else recipes


def best_time(function, repeats):
    """Return the fastest of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def sd(values):
    """Return the standard deviation over seeds, or NaN for one seed (the smoke profile's), which has none."""
    return statistics.stdev(values) if len(values) > 1 else float("nan")


def mean_sd(values):
    """Return 'mean ± sd' of accuracies, three decimals."""
    return f"{statistics.mean(values):.3f} ± {sd(values):.3f}"


# --- speed --------------------------------------------------------------------------------------

def build_time(plan):
    """Time load_base() (224x224 with the classifier): read, verify, build, copy the weights."""
    start = time.perf_counter()
    pretrained.load_base()
    first = time.perf_counter() - start
    repeats = plan["build_repeats"]
    again = statistics.median(best_time(pretrained.load_base, 1) for _ in range(repeats))
    record("efficientnet_lite0 first load_base(), s (includes TensorFlow's warm-up)", first, fmt="{:.2f}")
    record(f"efficientnet_lite0 load_base(): verify + read + build + copy weights, s (median of {repeats})", again,
           "< 1", again < 1, fmt="{:.2f}")


def inference_speed(plan):
    """Compare compute_features with a raw Keras call on the same batch at 96x96; then 224x224."""
    count, repeats = plan["speed_images"], plan["repeats"]
    model = pretrained.load_base(input_shape=(SPEED_SIZE, SPEED_SIZE, 3), include_top=False, pooling="avg")
    images = np.random.default_rng(config.SEED).integers(0, 256, (count, SPEED_SIZE, SPEED_SIZE, 3), dtype=np.uint8)
    scaled = pretrained.preprocess_input(images)
    batches = [(images[i:i + BATCH_SIZE], scaled[i:i + BATCH_SIZE]) for i in range(0, count, BATCH_SIZE)]
    ours_times, raw_times = np.full(len(batches), np.inf), np.full(len(batches), np.inf)
    pretrained.compute_features(model, batches[0][0]), model.predict_on_batch(batches[0][1])  # warm-up
    for _ in range(repeats):  # per batch, back to back: a busy moment on a shared CPU hurts both alike
        for index, (raw_batch, scaled_batch) in enumerate(batches):
            ours_times[index] = min(ours_times[index], best_time(
                lambda: pretrained.compute_features(model, raw_batch, batch_size=BATCH_SIZE), 1))
            raw_times[index] = min(raw_times[index], best_time(lambda: model.predict_on_batch(scaled_batch), 1))
    ours_rate, raw_rate = count / ours_times.sum(), count / raw_times.sum()
    record(f"96x96 images/s, compute_features on uint8 images (batch {BATCH_SIZE}, load average {load_average()})",
           ours_rate, ">= 300", ours_rate >= 300, fmt="{:.0f}")
    record(f"96x96 images/s, raw model.predict_on_batch on pre-scaled float32 (batch {BATCH_SIZE})", raw_rate,
           fmt="{:.0f}")
    ratio = ours_times.sum() / raw_times.sum()
    record(f"compute_features time / raw Keras time (the wrapper's cost; per batch, best of {repeats})", ratio,
           "<= 1.10", ratio <= 1.10, fmt="{:.3f}")
    classifier = pretrained.load_base()
    photos = np.random.default_rng(config.SEED).integers(0, 256, (plan["photos"], 224, 224, 3), dtype=np.uint8)
    pretrained.compute_features(classifier, photos[:BATCH_SIZE], batch_size=BATCH_SIZE)
    seconds = best_time(lambda: pretrained.compute_features(classifier, photos, batch_size=BATCH_SIZE),
                        plan["photo_repeats"])
    record("224x224 images/s with the classifier, compute_features", len(photos) / seconds, fmt="{:.0f}")


# --- the rungs of the ladder (each returns the trained model and its training seconds) -----------

def train_scratch(X, y, seed, augmentation=None, recipe="small_cnn"):
    """Train the course's small CNN on 28x28 grey images (optionally augmented); return (model, seconds)."""
    cnn = models.make_small_cnn(seed=seed, augmentation=augmentation)
    history = training.train_with_recipe(cnn, models.prepare_images(X), y, recipe, seed=seed, progress="silent")
    return cnn, history.train_seconds


def extractor_for(size=None):
    """Return a fresh EfficientNet-Lite0 feature extractor with the recipe's layers (fine-tuning changes weights)."""
    size = size or RECIPES["size"]
    base = pretrained.load_base(input_shape=(size, size, 3), include_top=False)
    return transfer.make_feature_extractor(base, RECIPES["layers"])


def train_head(features, y, seed, recipe=RECIPES["head_training"]):
    """Train the recipe's head on precomputed features; return (head, seconds)."""
    head = transfer.make_head(features, **RECIPES["head"], seed=seed)
    history = training.train_with_recipe(head, features, y, recipe, seed=seed, progress="silent")
    return head, history.train_seconds


def copy_head(head, features, seed):
    """Return a new head with ``head``'s weights (fine-tuning trains the copy, not the original)."""
    copy = transfer.make_head(features, **RECIPES["head"], seed=seed)
    copy.set_weights(head.get_weights())
    return copy


def fine_tune(head, features, X, y, seed, from_layer, recipe):
    """Chain a fresh base with a copy of the trained head, unfreeze from ``from_layer``, train; return (model, s)."""
    classifier = transfer.make_classifier(extractor_for(), copy_head(head, features, seed), seed=seed)
    transfer.unfreeze_top(classifier, from_layer)
    history = training.train_with_recipe(classifier, X, y, recipe, seed=seed, progress="silent")
    return classifier, history.train_seconds


def train_augmented_transfer(head, features, X, y, seed, recipe):
    """Train a copy of the head through the frozen base with augmented images; return (model, seconds)."""
    classifier = transfer.make_classifier(extractor_for(), copy_head(head, features, seed),
                                            augmentation=RECIPES["augmentation"], seed=seed)
    history = training.train_with_recipe(classifier, X, y, recipe, seed=seed, progress="silent")
    return classifier, history.train_seconds


def accuracy(model, X, y):
    """Return the model's accuracy on (X, y)."""
    return model.evaluate(X, y, batch_size=BATCH_SIZE, verbose=0)[1]


# --- the ladder ---------------------------------------------------------------------------------

RUNGS = (
    ("scratch", "1 from scratch: small CNN, 28x28 grey, recipe small_cnn"),
    ("scratch_aug", "2 from scratch + augmentation (horizontal flip), 40 epochs"),
    ("frozen", "3 transfer: frozen features (block5c + block6d, 304) + head"),
    ("frozen_aug", "4 transfer + augmentation, head trained through the frozen base"),
    ("fine_tune", "5 fine-tuning: + blocks 6a-6d trained, lr 1e-4, BatchNorm frozen"),
    ("unfreeze_all", "6 unfreeze everything (BatchNorm frozen), same epochs and lr"),
)

# The rungs' short names in the saved ladder (notebook 10 plots it).
SHORT_NAMES = {"scratch": "from scratch", "scratch_aug": "from scratch + augmentation",
               "frozen": "transfer (frozen base)", "frozen_aug": "transfer + augmentation",
               "fine_tune": "fine-tuning (stage 6)", "unfreeze_all": "unfreeze everything"}
LADDER_CSV = Path(__file__).resolve().parent / "results" / "transfer_ladder.csv"


def save_ladder(path, seeds, scores, seconds):
    """Write the ladder as CSV (one row per rung: mean, sd, per-seed accuracies, training seconds)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["rung", "test accuracy (mean)", "spread (sd)", "seeds", "per seed",
                         "training s (mean)", "machine"])
        for key, _ in RUNGS:
            writer.writerow([SHORT_NAMES[key], f"{statistics.mean(scores[key]):.4f}",
                             f"{sd(scores[key]):.4f}", " ".join(map(str, seeds)),
                             " ".join(f"{v:.4f}" for v in scores[key]), f"{statistics.mean(seconds[key]):.0f}",
                             machine_summary(f"Keras {models.keras.__version__}")])
    print(f"ladder saved to {path}", flush=True)


def ladder(seeds, plan, save=None):
    """Train every rung for each seed, print the ladder and record the targets."""
    recipes = ladder_recipes(plan)
    test_features = None
    scores = {key: [] for key, _ in RUNGS}
    seconds = {key: [] for key, _ in RUNGS}
    steps = {"features_train": [], "head": [], "epoch": []}
    probe_scores = []
    for seed in seeds:
        target = data.load_small_target(num_train=plan["train"], num_val=0, num_test=plan["test"], seed=seed, rgb=True,
                                        size=RECIPES["size"])
        small = data.load_small_target(num_train=plan["train"], num_val=0, num_test=plan["test"], seed=seed)
        X_test_small = models.prepare_images(small.X_test)
        extractor = extractor_for()
        if test_features is None:  # the test set is the same for every seed
            start = time.perf_counter()
            test_features = pretrained.compute_features(extractor, target.X_test, batch_size=BATCH_SIZE)
            test_seconds = time.perf_counter() - start
        start = time.perf_counter()
        train_features = pretrained.compute_features(extractor, target.X_train, batch_size=BATCH_SIZE)
        steps["features_train"].append(time.perf_counter() - start)

        def add(key, score, elapsed):
            scores[key].append(score)
            seconds[key].append(elapsed)

        cnn, elapsed = train_scratch(small.X_train, small.y_train, seed, recipe=recipes["scratch"])
        add("scratch", accuracy(cnn, X_test_small, small.y_test), elapsed)
        cnn, elapsed = train_scratch(small.X_train, small.y_train, seed, SCRATCH_AUGMENTATION,
                                     recipes["scratch_augmented"])
        add("scratch_aug", accuracy(cnn, X_test_small, small.y_test), elapsed)
        head, elapsed = train_head(train_features, target.y_train, seed, recipes["head_training"])
        steps["head"].append(elapsed)
        add("frozen", accuracy(head, test_features, target.y_test), steps["features_train"][-1] + elapsed)
        probe_scores.append(fit_probe(train_features, target.y_train, test_features, target.y_test))
        model, elapsed = train_augmented_transfer(head, train_features, target.X_train, target.y_train, seed,
                                                  recipes["augmented_training"])
        add("frozen_aug", accuracy(model, target.X_test, target.y_test), elapsed)
        for key, from_layer in (("fine_tune", RECIPES["fine_tune_from"]), ("unfreeze_all", None)):
            model, elapsed = fine_tune(head, train_features, target.X_train, target.y_train, seed, from_layer,
                                       recipes["fine_tune"])
            add(key, accuracy(model, target.X_test, target.y_test), elapsed)
        steps["epoch"].append(seconds["fine_tune"][-1] / recipes["fine_tune"]["epochs"])
        print(f"  seed {seed}: " + ", ".join(f"{key} {scores[key][-1]:.4f} ({seconds[key][-1]:.0f} s)"
                                              for key, _ in RUNGS), flush=True)
    print_ladder(seeds, scores, seconds, plan)
    if save is not None:
        save_ladder(save, seeds, scores, seconds)
    record_targets(seeds, scores, probe_scores)
    record_notebook_steps(test_seconds, steps, plan, recipes)


def print_ladder(seeds, scores, seconds, plan):
    """Print the ladder: test accuracy mean ± sd, per seed, gain over scratch, training time."""
    scratch = statistics.mean(scores["scratch"])
    rows = [("rung", f"test accuracy (mean ± sd, {len(seeds)} seeds)", f"per seed ({', '.join(map(str, seeds))})",
             "vs scratch, points", "training s (mean)")]
    for key, label in RUNGS:
        rows.append((label, mean_sd(scores[key]), " / ".join(f"{v:.3f}" for v in scores[key]),
                     f"{100 * (statistics.mean(scores[key]) - scratch):+.1f}", f"{statistics.mean(seconds[key]):.0f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print(f"\nThe ladder (Fashion-MNIST, {plan['train']:,} training images -> {plan['test']:,} test images):")
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    print(flush=True)


def record_targets(seeds, scores, probe_scores):
    """Record each rung's accuracy in the table, and the two targets."""
    for key, label in RUNGS:
        record(f"ladder {label}, mean ± sd over {len(seeds)} seeds", mean_sd(scores[key]))
    record("  (reported only) logistic regression on the same 304 features, C by 5-fold CV", mean_sd(probe_scores))
    gap = 100 * (statistics.mean(scores["frozen"]) - statistics.mean(scores["scratch"]))
    record("transfer (rung 3) minus scratch (rung 1), percentage points", gap, ">= 4", gap >= 4, fmt="{:.1f}")
    noise = 100 * max(sd(scores["frozen"]), sd(scores["fine_tune"]))
    change = 100 * (statistics.mean(scores["fine_tune"]) - statistics.mean(scores["frozen"]))
    record("fine-tuning (rung 5) minus frozen head (rung 3), points; noise = larger seed sd",
           f"{change:+.1f} (noise {noise:.1f})", f">= -{noise:.1f}", change >= -noise)
    record("  (reported only) unfreeze everything (rung 6) minus fine-tuning (rung 5), points",
           100 * (statistics.mean(scores["unfreeze_all"]) - statistics.mean(scores["fine_tune"])), fmt="{:+.1f}")


def record_notebook_steps(test_seconds, steps, plan, recipes):
    """Record what notebook 10's steps cost: features, head, one fine-tuning epoch."""
    side, train, test = RECIPES["size"], f"{plan['train']:,}", f"{plan['test']:,}"
    epochs = recipes["fine_tune"]["epochs"]
    record(f"notebook step: features of the {train} training images ({side}x{side}), s (mean)",
           statistics.mean(steps["features_train"]), fmt="{:.1f}")
    record(f"notebook step: features of the {test} test images ({side}x{side}), s", test_seconds, fmt="{:.1f}")
    record(f"notebook step: train the head on features ({recipes['head_training']['epochs']} epochs), s (mean)",
           statistics.mean(steps["head"]), fmt="{:.1f}")
    record(f"notebook step: one fine-tuning epoch on {train} images (blocks 6a-6d + head), s (mean)",
           statistics.mean(steps["epoch"]), fmt="{:.1f}")
    total = (statistics.mean(steps["features_train"]) + test_seconds + statistics.mean(steps["head"])
             + epochs * statistics.mean(steps["epoch"]) + test_seconds)
    record(f"notebook path: features + head + {epochs} fine-tuning epochs + scoring {test} test images, s",
           total, "< 90", total < 90, fmt="{:.0f}")


def fit_probe(train_features, y_train, test_features, y_test):
    """Fit a standardised logistic regression (C by 5-fold CV on the training features); return test accuracy."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    probe = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000)),
                         {"logisticregression__C": C_GRID}, cv=5)
    with threadpool_limits(1):  # one BLAS thread: on a shared 2-core CPU, more threads make lbfgs 10x slower
        probe.fit(train_features, y_train)
        return probe.score(test_features, y_test)


# --- the search (--search): training images only ----------------------------------------------

SEARCH_SIZES = (96, 128)
SEARCH_LAYERS = ("block4c_add", "block5c_add", "block6d_expand_activation", "block6d_add", "block7a_project_bn",
                 "top_activation")
LAYER_CANDIDATES = (("block4c_add",), ("block5c_add",), ("block6d_expand_activation",), ("block6d_add",),
                    ("block7a_project_bn",), ("top_activation",), ("block5c_add", "block6d_add"),
                    ("block4c_add", "block6d_add"), ("block6d_add", "block7a_project_bn"),
                    ("block6d_add", "top_activation"))
C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
HEAD_CANDIDATES = {"linear softmax, Dropout 0.5": {"hidden_units": 0, "dropout": 0.5},
                   "MLP 256, Dropout 0.5": {"hidden_units": 256, "dropout": 0.5}}
TIE = 0.005  # candidates within half a point of the best cross-validation accuracy count as tied
FINE_TUNE_CANDIDATES = tuple({"epochs": epochs, "batch_size": 32, "learning_rate": lr}
                             for lr in (1e-4, 3e-5) for epochs in (2, 5))
AUGMENTED_CANDIDATES = tuple({"epochs": epochs, "batch_size": 32, "learning_rate": lr}
                             for epochs, lr in ((5, 1e-3), (10, 3e-4)))
SCRATCH_AUGMENTED_CANDIDATES = tuple(dict(training.RECIPES["small_cnn"], epochs=epochs) for epochs in (20, 40))
VALIDATION_TIE = 0.01  # on 200 validation images, differences below a point are noise


def describe_layers(layers):
    """Return 'block5c + block6d' for ('block5c_add', 'block6d_add')."""
    return " + ".join(name.replace("_add", "").replace("_activation", "").replace("_project_bn", "")
                      .replace("6d_expand", "6d expanded") for name in layers)


def describe_recipe(recipe):
    """Return 'epochs 5, lr 0.0001'."""
    return f"epochs {recipe['epochs']}, lr {recipe['learning_rate']:g}"


def search_features(seeds):
    """Cross-validate logistic regression on every layer set at every size; return {(size, layers): mean}."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    results = {}
    for size in SEARCH_SIZES:
        base = pretrained.load_base(input_shape=(size, size, 3), include_top=False)
        extractor = transfer.make_feature_extractor(base, SEARCH_LAYERS)
        widths = [base.get_layer(name).output.shape[-1] for name in SEARCH_LAYERS]
        columns = dict(zip(SEARCH_LAYERS, np.split(np.arange(sum(widths)), np.cumsum(widths)[:-1])))
        per_seed = []
        for seed in seeds:
            target = data.load_small_target(num_train=1000, num_val=0, num_test=10, seed=seed, size=size, rgb=True)  # test unused
            start = time.perf_counter()
            per_seed.append((pretrained.compute_features(extractor, target.X_train), target.y_train, seed))
            print(f"  features at {size}x{size}, seed {seed}: {time.perf_counter() - start:.1f} s", flush=True)
        for layers in LAYER_CANDIDATES:
            pick = np.concatenate([columns[name] for name in layers])
            grid = np.zeros((len(seeds), len(C_GRID)))
            for row, (features, y, seed) in enumerate(per_seed):
                for train, valid in StratifiedKFold(5, shuffle=True, random_state=seed).split(features, y):
                    scaler = StandardScaler().fit(features[train][:, pick])
                    X_train, X_valid = scaler.transform(features[train][:, pick]), scaler.transform(
                        features[valid][:, pick])
                    for column, C in enumerate(C_GRID):
                        with threadpool_limits(1):
                            model = LogisticRegression(C=C, max_iter=3000).fit(X_train, y[train])
                        grid[row, column] += model.score(X_valid, y[valid]) / 5
            best = int(grid.mean(0).argmax())
            results[size, layers] = (grid.mean(0)[best], len(pick))
            record(f"CV {size}px {describe_layers(layers)} ({len(pick)}), logistic regression, C {C_GRID[best]:g}; "
                   f"per seed {' / '.join(f'{v:.3f}' for v in grid[:, best])}", grid.mean(0)[best])
    return results


def search_heads(seeds):
    """Cross-validate the Keras heads on the chosen features; return {name: mean}."""
    from sklearn.model_selection import StratifiedKFold

    extractor = extractor_for()
    results = {}
    data = [(pretrained.compute_features(extractor, target.X_train), target.y_train, seed) for seed in seeds
            for target in [data.load_small_target(num_train=1000, num_val=0, num_test=10, seed=seed, size=RECIPES["size"], rgb=True)]]
    for name, options in HEAD_CANDIDATES.items():
        scores = []
        for features, y, seed in data:
            for train, valid in StratifiedKFold(5, shuffle=True, random_state=seed).split(features, y):
                head = transfer.make_head(features[train], **options, seed=seed)
                training.train_with_recipe(head, features[train], y[train], RECIPES["head_training"], seed=seed,
                                         progress="silent")
                scores.append(accuracy(head, features[valid], y[valid]))
        results[name] = float(np.mean(scores))
        record(f"CV {RECIPES['size']}px {describe_layers(RECIPES['layers'])}, Keras head {name}", results[name])
    return results


def search_on_validation(seeds):
    """Choose fine-tuning, augmented-transfer and scratch-augmentation epochs / rates on 800 / 200 splits."""
    from sklearn.model_selection import train_test_split

    groups = {"fine_tune": FINE_TUNE_CANDIDATES, "augmented_training": AUGMENTED_CANDIDATES,
              "scratch_augmented": SCRATCH_AUGMENTED_CANDIDATES}
    scores = {(group, index): [] for group, candidates in groups.items() for index in range(len(candidates))}
    frozen = []
    for seed in seeds:
        target = data.load_small_target(num_train=1000, num_val=0, num_test=10, seed=seed, size=RECIPES["size"], rgb=True)
        small = data.load_small_target(num_train=1000, num_val=0, num_test=10, seed=seed)
        train, valid = train_test_split(np.arange(1000), test_size=200, stratify=target.y_train, random_state=seed)
        X, y = target.X_train[train], target.y_train[train]
        X_valid, y_valid = target.X_train[valid], target.y_train[valid]
        extractor = extractor_for()
        features = pretrained.compute_features(extractor, X)
        head, _ = train_head(features, y, seed)
        frozen.append(accuracy(head, pretrained.compute_features(extractor, X_valid), y_valid))
        for index, recipe in enumerate(FINE_TUNE_CANDIDATES):
            model, _ = fine_tune(head, features, X, y, seed, RECIPES["fine_tune_from"], recipe)
            scores["fine_tune", index].append(accuracy(model, X_valid, y_valid))
        for index, recipe in enumerate(AUGMENTED_CANDIDATES):
            model, _ = train_augmented_transfer(head, features, X, y, seed, recipe)
            scores["augmented_training", index].append(accuracy(model, X_valid, y_valid))
        for index, recipe in enumerate(SCRATCH_AUGMENTED_CANDIDATES):
            cnn, _ = train_scratch(small.X_train[train], small.y_train[train], seed, SCRATCH_AUGMENTATION, recipe)
            scores["scratch_augmented", index].append(
                accuracy(cnn, models.prepare_images(small.X_train[valid]), small.y_train[valid]))
        print(f"  seed {seed} done", flush=True)
    record(f"validation 800 / 200: frozen head (rung 3); per seed {' / '.join(f'{v:.3f}' for v in frozen)}",
           float(np.mean(frozen)))
    wanted = {"fine_tune": RECIPES["fine_tune"], "augmented_training": RECIPES["augmented_training"],
              "scratch_augmented": SCRATCH_AUGMENTED_RECIPE}
    for group, candidates in groups.items():
        means = [float(np.mean(scores[group, index])) for index in range(len(candidates))]
        for index, recipe in enumerate(candidates):
            record(f"validation 800 / 200: {group}, {describe_recipe(recipe)}; per seed "
                   f"{' / '.join(f'{v:.3f}' for v in scores[group, index])}", means[index])
        tied = [index for index in range(len(candidates)) if means[index] >= max(means) - VALIDATION_TIE]
        chosen = candidates[min(tied, key=lambda index: (candidates[index]["epochs"], -means[index]))]
        record(f"chosen {group}: fewest epochs within 1 point of the best, then the best",
               describe_recipe(chosen), describe_recipe(wanted[group]), chosen == wanted[group])


def search(seeds):
    """Run the whole search on training images only; record whether RECIPES holds its choices."""
    features = search_features(seeds)
    best = max(score for score, _ in features.values())
    tied = [key for key, (score, _) in features.items() if score >= best - TIE]
    size, layers = min(tied, key=lambda key: (key[0], features[key][1]))  # fewest pixels, then fewest features
    record("chosen features: cheapest within 0.5 points of the best CV mean",
           f"{size}px {describe_layers(layers)}", f"{RECIPES['size']}px {describe_layers(RECIPES['layers'])}",
           (size, tuple(layers)) == (RECIPES["size"], tuple(RECIPES["layers"])))
    heads = search_heads(seeds)
    chosen = max(heads, key=heads.get)
    record("chosen head: the best CV mean", chosen, "RECIPES['head']", HEAD_CANDIDATES[chosen] == RECIPES["head"])
    search_on_validation(seeds)


# --- the command line ---------------------------------------------------------------------------

def main(argv=None):
    """Run the benchmark (or the search) for a profile and print the table; return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_profile_option(parser)
    parser.add_argument("--search", action="store_true", help="repeat the search behind labs.training.RECIPES['transfer']")
    saved = LADDER_CSV.relative_to(LADDER_CSV.parents[2])
    parser.add_argument("--save", action="store_true", help=f"write the ladder to {saved} (notebook 10 shows it)")
    args = parser.parse_args(argv)
    if args.profile == "smoke" and (args.save or args.search):
        # the smoke profile's numbers come from too little data to replace the saved ladder, and the search has
        # no smoke profile of its own
        parser.error("--profile smoke runs the ladder on a little data: it does not take --save (which would "
                     f"overwrite {saved}) or --search")
    REPORT.smoke, plan = args.profile == "smoke", sizes(args.profile)
    labs.setup()
    keras_version = f"Keras {models.keras.__version__}"
    print(f"Transfer benchmark, profile {args.profile}; {machine_summary(keras_version)}", flush=True)
    started = time.perf_counter()
    seeds = tuple(config.SEED + i for i in range({"full": 5, "default": 3, "smoke": 1}[args.profile]))
    if args.search:
        search(seeds)
    else:
        build_time(plan)
        inference_speed(plan)
        ladder(seeds, plan, save=LADDER_CSV if args.save else None)
    print(f"\ntotal time {time.perf_counter() - started:.0f} s")
    REPORT.print_table()
    return REPORT.exit_status()


if __name__ == "__main__":
    sys.exit(main())
