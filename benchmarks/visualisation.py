"""Benchmark of notebook 11: where explanations land, a spurious cue, and drawings made MNIST-style.

    .venv/bin/python benchmarks/visualisation.py                  # about 3-5 minutes on 2 cores
    .venv/bin/python benchmarks/visualisation.py --profile smoke  # the same steps, 1 seed, a little data, 1 epoch

Prints a plain-text table (metric, value, target, pass/fail) and exits with status 1 if a
target is missed. Numbers over seeds are "mean ± spread (max - min)" over the model seeds
42, 1 and 2; nothing is rounded up. The full profile is the default one. The smoke profile runs
the default profile's steps with seed 42 alone, the chelsea photo alone, a stratified 500 / 100
of mnist_small, 1 epoch of training and a few images per explanation, to show that they still
run; its numbers are not judged (see benchmarks/smoke.py).

What it measures:

- Grad-CAM on EfficientNet-Lite0's last block ("top_activation"), for the predicted class of the
  chelsea and coffee photos (labs.pretrained.prepare_photo: 224x224 centre crop): the share of
  the heatmap's mass (upsampled to 224x224) inside a hand-drawn box around the object. The
  boxes (BOXES below, (top, left, bottom, right) in pixels of the prepared photo, bottom/right
  excluded) were drawn by eye on the prepared photos with a 16-pixel grid over them, before any
  heatmap was computed: the cat's face from the top of the eyes' fur to the chin (the crop
  shows nothing but the head, so this box covers 76% of the image and is a weak test), and the
  cup with its handle, without the saucer and the spoon. The box's share of the area is
  reported beside the mass: it is what a heatmap spread evenly would score. Saliency,
  SmoothGrad and occlusion masses in the same boxes are reported without a target.
- The spurious cue of the notebook: mnist_small digits, a 7x7 checkered mark (white on every other
  pixel, the digit showing between) at a class-specific place on the border of the top-left 26x26
  (labs.cues.add_class_cue(pattern="checker", inset=2)) on 97% of the training and validation
  images, and a mark MORE RELIABLE THAN THE DIGIT: in half of the 3,200 training images
  (labs.cues.replace_with_other_class(fraction=0.5, seed=0), before the marks) the digit is
  replaced by a digit of another class while the label and the mark stay right, as when labels were
  taken from a stamp and the scans got mixed up (or a hospital's token on chest X-rays predicted the
  label better than the lungs did); the small CNN trained 3 epochs (notebook 07's recipe, shortened
  as in notebook 11);
  validation accuracy (800 held-out training digits, marks telling the truth), accuracy on the
  1,000 test digits with every mark pointing to another class, and the share of the vanilla
  saliency mass (for the predicted class) inside the mark, over the first 200 cue-swapped test
  digits (also: on those whose prediction follows the mark, SmoothGrad's mass over the first 50,
  and, reported only, Grad-CAM's on the last convolution and occlusion's with a 7x7 patch, both
  upsampled to 28x28, over the first 50; a map with no positive evidence is left out and counted).
  The mark is 49 / 784 = 6.2% of the image. The control: the same network and recipe trained on the
  same training images (the mixed-up digits included) without any mark, its saliency mass in the same
  boxes of the same swapped digits: the fairest control differs from the shortcut model in the marks
  alone.

  How the cue was chosen (seed 42 unless said, vanilla saliency mass on the swapped test digits; the
  validation accuracy stayed >= 0.97 in every design below, the swapped accuracy <= 0.6 in all but one
  epoch of training, 0.62). The first design, a solid white 6x6 mark on the very border, gave 0.128 ±
  0.017 over the 3 seeds: marks of 4-7 px, rates 0.95-1.0, 1-5 epochs, 2- and 3-class subsets, a grey
  shade and saliency of the logits instead of the softmax (0.139 against 0.142) did not change that
  much. Two findings moved it: (1) the small CNN never sees the last 2 rows and columns of a 28x28
  input (valid 3x3 convolutions, then 2x2 pools that round down: their gradient is exactly 0), so the
  marks on the bottom and right sides lost up to 2/7 of their area; keeping the marks in the top-left
  26x26 (inset=2) took the solid 6x6 mark from 0.142 to 0.211; (2) a textured mark draws more gradient
  than a flat one: a 6x6 checkerboard gave 0.289 and a 7x7 one 0.307-0.380 (0.39 over 3 seeds, below).
  Larger marks did not help (8x8: 0.297, 9x9: 0.315, both beyond cue_box's limit of a quarter of the
  side). Where the rest goes: about half of the gradient lies on the digit's strokes (dilated by a
  pixel) even for a model whose answers follow the mark on 95% of the swapped digits (half of its
  training digits blanked, as below). Upper bounds, not used: a model trained on marks alone (every
  digit blanked) puts only 0.46 of its gradient on a solid 6x6 mark of a blank image; blanking half
  (0.3, 0.7) of the training and validation digits so that the mark is the only evidence there gave
  0.467 (0.441, 0.473) with the 7x7 checker, 0.499 for seed 1, 0.481 with rate 1.0: still short of
  0.50 and a less natural data set (a blank image is not a digit), so not used. Each design was
  measured on the held-out validation images (marks true) as well as on the swapped digits, and the
  changes kept are those that helped on both (a 9x9 checker scored a little higher on validation,
  0.344 against 0.326, within the seeds' spread, and would need marks wider than a quarter of the
  image). With every training digit true to its label, that design gave 0.393 ± 0.046 over the 3
  seeds: the network learns the digits as well as the mark, and about half of the gradient sits on the
  strokes. What reached the target is to make the mark the more reliable clue (the design above).
  Measured with a first version of the mixing (each training digit replaced with probability
  `fraction`, its own random stream), as validation accuracy (clean held-out digits, marks true) /
  cue-swapped test accuracy / saliency mass on the mark over the first 200 swapped test digits: seed
  42: fraction 0 -> 0.991 / 0.058 / 0.366, 0.3 -> 0.978 / 0.014 / 0.501, 0.5 -> 0.978 / 0.013 / 0.510;
  seed 1: 0.3 -> 0.979 / 0.014 / 0.520, 0.5 -> 0.976 / 0.009 / 0.545; seed 2: 0.3 -> 0.983 / 0.017 /
  0.508, 0.5 -> 0.979 / 0.009 / 0.520. Fraction 0.5 was kept for its larger margin above the target;
  with replace_with_other_class itself (another draw of the mixed-up images, the table below) it gave
  0.508 / 0.514 / 0.515: the target holds on every seed, but by less than a point. An upper bound, not
  used: a model trained on the marks alone (every training digit blanked) puts 0.73 / 0.85 / 0.83
  (seeds 42 / 1 / 2) of its saliency on the mark of blank images, so the measure can go well above
  0.5; what holds it back is the evidence of the digit. The swapped test digits were looked at during
  the whole search, the choice of the fraction included, so the numbers below are not an untouched
  test.
- Drawings: the 1,000 mnist_small test digits redrawn like mouse drawings — cropped, scaled up 4-9
  times, binarised (a pen has no grey), thickened by a disk of radius scale / 2, and pasted at a
  random place of a 280x280 canvas — then passed through labs.drawing.prepare_drawing and
  classified by the small CNN of notebook 11 (5 epochs of notebook 07's recipe). The accuracy on
  the prepared drawings against the accuracy on the original digits.
"""

import sys
import time

import numpy as np

import labs
from _report import Report, machine_summary, parse_profile, subset

SEEDS = (42, 1, 2)
BOXES = {"chelsea": (40, 16, 224, 224), "coffee": (0, 40, 168, 192)}   # (top, left, bottom, right), 224x224
CUE = dict(cue_size=7, rate=0.97, pattern="checker", inset=2)
MIXED_UP = 0.5  # the share of training digits replaced by a digit of another class (labels and marks kept)
CUE_AREA = CUE["cue_size"] ** 2 / 28 ** 2
SALIENCY_IMAGES = 200
EXPLAINED_IMAGES = 50  # Grad-CAM and occlusion (reported only: the target is on the saliency)
GRADCAM_LAYER = "conv_3"  # the small CNN's last convolution

# The default profile's seeds, photos, digits and explained images, and the smoke profile's little of each.
SIZES = {"seeds": SEEDS, "photos": tuple(BOXES), "photo_smoothgrad": 10, "digits": None, "validation": 800,
         "saliency": SALIENCY_IMAGES, "smoothgrad": (50, 20), "explained": EXPLAINED_IMAGES, "cue_epochs": 3,
         "drawing_epochs": 5}
SMOKE = {"seeds": SEEDS[:1], "photos": ("chelsea",), "photo_smoothgrad": 2, "digits": (500, 100), "validation": 100,
         "saliency": 10, "smoothgrad": (5, 5), "explained": 5, "cue_epochs": 1, "drawing_epochs": 1}


def sizes(profile):
    """Return the sizes of a profile (SMOKE for "smoke", else SIZES)."""
    return SMOKE if profile == "smoke" else SIZES


def gradcam_rows(report, size):
    """Grad-CAM (and the other maps) mass inside the hand-drawn boxes."""
    A = labs.attribution
    model = labs.pretrained.load_base("efficientnet_lite0", classifier_activation=None)
    names = labs.pretrained.load_class_names()
    for name in size["photos"]:
        box = BOXES[name]
        photo = labs.pretrained.prepare_photo(labs.data.load_photo(name))
        x = labs.pretrained.preprocess_input(photo)
        c = int(np.argmax(A.compute_class_scores(model, x[None])[0]))
        area = (box[2] - box[0]) * (box[3] - box[1]) / 224 ** 2
        cam = A.resize_heatmap(A.compute_gradcam(model, x, c, "top_activation"), (224, 224))
        mass = A.compute_box_mass(cam, box)
        report.record(f"{name} ({names[c]}): Grad-CAM mass in the box", mass, ">= 0.60", mass >= 0.60, fmt="{:.3f}")
        report.record(f"{name}: the box's share of the area", area, fmt="{:.3f}")
        others = {"saliency": A.compute_saliency(model, x, c),
                  "SmoothGrad": A.compute_smoothgrad(model, x, c, num_samples=size["photo_smoothgrad"]),
                  "occlusion (56 px, stride 28)": A.resize_heatmap(
                      np.maximum(A.compute_occlusion(model, x, c, patch_size=56, stride=28), 0), (224, 224))}
        for method, heatmap in others.items():
            report.record(f"{name}: {method} mass in the box", A.compute_box_mass(heatmap, box), fmt="{:.3f}")


def spread(values):
    """Return 'mean ± spread' with the spread max - min."""
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.3f} ± {values.max() - values.min():.3f}"


def spurious_cue_rows(report, digits, size):
    """Validation, cue-swapped test accuracy and saliency mass on the cue, over the seeds."""
    A = labs.attribution
    held, saliency_images, explained = size["validation"], size["saliency"], size["explained"]
    smoothgrad_images, smoothgrad_samples = size["smoothgrad"]
    recipe = {**labs.training.RECIPES["small_cnn"], "epochs": size["cue_epochs"]}
    swapped = (digits.y_test + np.random.default_rng(0).integers(1, 10, len(digits.y_test))) % 10
    X_swapped = labs.models.prepare_images(labs.cues.add_class_cue(digits.X_test, digits.y_test, cue_labels=swapped, **CUE))
    X_val = labs.models.prepare_images(labs.cues.add_class_cue(digits.X_train[:held], digits.y_train[:held], seed=1, **CUE))
    results = {"validation": [], "swapped": [], "mass": [], "follows": [], "mass when following": [], "SmoothGrad mass": [],
               "Grad-CAM mass": [], "occlusion mass": [], "control mass": [], "control swapped": []}
    saliency_boxes = [labs.cues.cue_box(swapped[k], cue_size=CUE["cue_size"], inset=CUE["inset"])
                      for k in range(saliency_images)]
    empty = {"Grad-CAM mass": 0, "occlusion mass": 0}
    # half the training digits swapped for a digit of another class, label and mark kept: the mark is right on
    # every image, the digit on half of them
    X_mixed = labs.cues.replace_with_other_class(digits.X_train[held:], digits.y_train[held:], MIXED_UP, seed=0)
    X_train = labs.models.prepare_images(labs.cues.add_class_cue(X_mixed, digits.y_train[held:], seed=0, **CUE))
    for seed in size["seeds"]:
        model = labs.models.make_small_cnn(seed=seed)
        labs.training.train_with_recipe(model, X_train, digits.y_train[held:], recipe, seed=seed, progress="silent")
        guesses = model.predict(X_swapped, verbose=0).argmax(axis=1)
        results["validation"].append(np.mean(model.predict(X_val, verbose=0).argmax(axis=1) == digits.y_train[:held]))
        results["swapped"].append(np.mean(guesses == digits.y_test))
        results["follows"].append(np.mean(guesses == swapped))
        masses = np.array([A.compute_box_mass(A.compute_saliency(model, X_swapped[k], int(guesses[k])), saliency_boxes[k])
                           for k in range(saliency_images)])
        results["mass"].append(masses.mean())
        results["mass when following"].append(masses[guesses[:saliency_images] == swapped[:saliency_images]].mean())
        results["SmoothGrad mass"].append(np.mean([A.compute_box_mass(
            A.compute_smoothgrad(model, X_swapped[k], int(guesses[k]), num_samples=smoothgrad_samples, seed=k),
            labs.cues.cue_box(swapped[k], cue_size=CUE["cue_size"], inset=CUE["inset"])) for k in range(smoothgrad_images)]))
        boxes = [labs.cues.cue_box(swapped[k], cue_size=CUE["cue_size"], inset=CUE["inset"]) for k in range(explained)]
        gradcams = [A.resize_heatmap(A.compute_gradcam(model, X_swapped[k], int(guesses[k]), GRADCAM_LAYER), (28, 28))
                    for k in range(explained)]
        occlusions = [A.resize_heatmap(np.maximum(A.compute_occlusion(
            model, X_swapped[k], int(guesses[k]), patch_size=CUE["cue_size"], stride=2), 0), (28, 28))
            for k in range(explained)]
        for key, maps in (("Grad-CAM mass", gradcams), ("occlusion mass", occlusions)):
            # a map of zeros (no positive evidence anywhere) has no mass to share out: left out, and counted
            masses = [A.compute_box_mass(m, box) for m, box in zip(maps, boxes) if m.sum() > 0]
            results[key].append(np.mean(masses))
            empty[key] += explained - len(masses)
        # the control: the same training images (mixed-up digits included) without any mark, the same saliency,
        # the same boxes
        control = labs.models.make_small_cnn(seed=seed)
        labs.training.train_with_recipe(control, labs.models.prepare_images(X_mixed), digits.y_train[held:], recipe,
                                      seed=seed, progress="silent")
        control_guesses = control.predict(X_swapped, verbose=0).argmax(axis=1)
        results["control swapped"].append(np.mean(control_guesses == digits.y_test))
        results["control mass"].append(np.mean([A.compute_box_mass(
            A.compute_saliency(control, X_swapped[k], int(control_guesses[k])), saliency_boxes[k])
            for k in range(saliency_images)]))
        print(f"  seed {seed}: " + ", ".join(f"{k} {v[-1]:.3f}" for k, v in results.items()), flush=True)
    checks = {"validation": (">= 0.95", min(results["validation"]) >= 0.95),
              "swapped": ("<= 0.6", max(results["swapped"]) <= 0.6),
              "mass": (">= 0.50", min(results["mass"]) >= 0.5)}
    report.record("cue: validation accuracy (marks true)", spread(results["validation"]), *checks["validation"])
    report.record("cue: cue-swapped test accuracy", spread(results["swapped"]), *checks["swapped"])
    report.record("cue: predictions that follow the swapped mark", spread(results["follows"]))
    report.record(f"cue: saliency mass on the mark (area {CUE_AREA:.3f})", spread(results["mass"]), *checks["mass"])
    report.record("cue: control (trained without marks): mass on the same boxes", spread(results["control mass"]))
    report.record("cue: control: accuracy on the cue-swapped test digits", spread(results["control swapped"]))
    report.record("cue: the same, on digits whose prediction follows the mark", spread(results["mass when following"]))
    report.record(f"cue: SmoothGrad mass on the mark (first {smoothgrad_images} digits)",
                  spread(results["SmoothGrad mass"]))
    report.record(f"cue: Grad-CAM ({GRADCAM_LAYER}) mass on the mark, upsampled to 28x28 (first {explained})",
                  f"{spread(results['Grad-CAM mass'])} ({empty['Grad-CAM mass']} all-zero maps left out)")
    patch = f"{CUE['cue_size']}x{CUE['cue_size']}"
    report.record(f"cue: occlusion mass on the mark ({patch} patch, stride 2, positive drops, first {explained})",
                  f"{spread(results['occlusion mass'])} ({empty['occlusion mass']} all-zero maps left out)")


def render_like_a_drawing(digit, rng, canvas=280):
    """Redraw a 28x28 digit like a mouse drawing: crop, scale up 4-9x, binarise, thicken, paste off-centre."""
    from scipy import ndimage
    from skimage.transform import resize

    rows, cols = np.nonzero(digit)
    ink = digit[rows.min():rows.max() + 1, cols.min():cols.max() + 1] / 255.0
    scale = rng.uniform(4, 9)
    big = resize(ink, (round(ink.shape[0] * scale), round(ink.shape[1] * scale)), order=1) > 0.5
    radius = max(1, round(scale / 2))
    disk = np.hypot(*np.mgrid[-radius:radius + 1, -radius:radius + 1]) <= radius
    big = np.pad(big, radius)
    big = ndimage.binary_dilation(big, structure=disk)
    out = np.zeros((canvas, canvas), dtype=np.uint8)
    h, w = min(big.shape[0], canvas), min(big.shape[1], canvas)
    top, left = rng.integers(0, canvas - h + 1), rng.integers(0, canvas - w + 1)
    out[top:top + h, left:left + w] = big[:h, :w] * 255
    return out


def drawing_rows(report, digits, size):
    """Accuracy on MNIST test digits redrawn as drawings and prepared, against the originals."""
    rng = np.random.default_rng(0)
    prepared = np.stack([labs.drawing.prepare_drawing(render_like_a_drawing(d, rng)) for d in digits.X_test])
    X_train, X_test = labs.models.prepare_images(digits.X_train), labs.models.prepare_images(digits.X_test)
    X_drawn = labs.models.prepare_images(prepared)
    original, drawn, gaps = [], [], []
    recipe = {**labs.training.RECIPES["small_cnn"], "epochs": size["drawing_epochs"]}
    for seed in size["seeds"]:
        model = labs.models.make_small_cnn(seed=seed)
        labs.training.train_with_recipe(model, X_train, digits.y_train, recipe, seed=seed, progress="silent")
        original.append(np.mean(model.predict(X_test, verbose=0).argmax(axis=1) == digits.y_test))
        drawn.append(np.mean(model.predict(X_drawn, verbose=0).argmax(axis=1) == digits.y_test))
        gaps.append(original[-1] - drawn[-1])
        print(f"  seed {seed}: original {original[-1]:.3f}, drawn and prepared {drawn[-1]:.3f}", flush=True)
    report.record("drawings: accuracy on the original test digits", spread(original))
    report.record("drawings: accuracy on the redrawn, prepared digits", spread(drawn))
    report.record("drawings: original minus prepared (points)", f"{100 * np.mean(gaps):.1f} (worst seed "
                  f"{100 * max(gaps):.1f})", "<= 2 points", max(gaps) <= 0.02)


def main(argv=None):
    """Run the benchmark for a profile and print the table; return 1 if a target is missed."""
    profile = parse_profile(__doc__.splitlines()[0], argv)
    size = sizes(profile)
    labs.setup()
    import keras

    print(f"Visualisation benchmark, profile {profile}; {machine_summary(f'Keras {keras.__version__}')}", flush=True)
    report = Report(smoke=profile == "smoke")
    start = time.perf_counter()
    digits = labs.data.load_dataset("mnist_small")
    if size["digits"]:
        digits = subset(digits, *size["digits"])
    gradcam_rows(report, size)
    spurious_cue_rows(report, digits, size)
    drawing_rows(report, digits, size)
    report.record("wall-clock seconds", time.perf_counter() - start, fmt="{:.0f}")
    report.print_table()
    return report.exit_status()


if __name__ == "__main__":
    sys.exit(main())
