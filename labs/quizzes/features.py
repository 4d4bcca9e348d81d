"""Quiz for notebook 04, classical features."""

from .core import MultipleChoice, Numeric

QUIZ = [
    Numeric(
        "A greyscale photo is 600 × 800 pixels. As a flat vector, how many dimensions does it have?",
        answer=600 * 800, tolerance=0,
        explanation="480,000 dimensions, about half a million: far too many for distances between raw "
                    "pixels to mean much, which is why we look for fewer, better features.",
        mistakes=((600 * 800 * 3, "A greyscale photo has one number per pixel, not three."),
                  (600 + 800, "Flattening lays the rows side by side: multiply, don't add.")),
    ),
    Numeric(
        "HOG on a 28×28 image with cells of 4×4 pixels, blocks of 2×2 cells (moving one cell at a time) "
        "and 9 orientations: how many numbers?",
        answer=(28 // 4 - 2 + 1) ** 2 * 2 * 2 * 9, tolerance=0,
        explanation="7×7 cells give 6×6 block positions; each block holds 2×2 cells × 9 orientation bins = 36 "
                    "numbers: 36 × 36 = 1,296.",
        mistakes=((7 * 7 * 9, "Blocks overlap, so a cell counts once in every block it belongs to: count blocks "
                              "(6 × 6 positions) × 2 × 2 cells × 9 orientations."),
                  (7 * 7 * 2 * 2 * 9, "Blocks move one cell at a time but must fit: 7 − 2 + 1 = 6 positions per "
                                      "row, not 7."),
                  ((28 // 8) ** 2 * 2 * 2 * 9, "Blocks move one cell at a time, so they overlap: 6 positions "
                                               "per row, not 3.")),
    ),
    MultipleChoice(
        "In a pipeline PCA → SVM tuned by grid search, which images is the PCA fitted on?",
        options=("all images, test included", "the test images", "the validation images only",
                 "the training part of each cross-validation split"), answer=3,
        explanation="Inside a Pipeline, GridSearchCV refits PCA on the training folds only, so nothing about the "
                    "held-out images leaks into the features.",
        mistakes=(("all images, test included", "Then the features are shaped by the test images too, so the test "
                                                "score flatters the model (leakage)."),
                  ("the test images", "The test images must stay unseen until the final score; nothing is fitted "
                                      "on them."),
                  ("the validation images only", "The held-out part of a split is for scoring; fitting PCA on it "
                                                 "lets those images leak into the features.")),
    ),
    Numeric(
        "A classifier has F1 0.9 on class A and 0.3 on class B. What is its macro F1?",
        answer=(0.9 + 0.3) / 2, tolerance=0.001,
        explanation="Macro F1 is the plain mean over classes, (0.9 + 0.3) / 2 = 0.6, however many images each "
                    "class has: a neglected class pulls it down.",
        mistakes=((0.9 * 0.3, "Macro F1 averages the per-class scores: add them and divide by 2."),
                  (0.9 + 0.3, "Macro F1 is the mean of the per-class scores: divide the sum by the 2 classes.")),
    ),
    MultipleChoice(
        "A model scores F1 0.90 on validation and 0.18 on an external test set. Which explanation fits best?",
        options=("the external images come from a different distribution than the training images",
                 "the model is too small", "the external set is too large", "F1 is the wrong metric"),
        answer=0,
        mistakes=(("the model is too small", "A model too small to learn would score low on validation too, not "
                                             "0.90."),
                  ("the external set is too large", "More test images make a score more reliable, not lower."),
                  ("F1 is the wrong metric", "The same metric gives 0.90 on one set and 0.18 on the other: the "
                                             "images differ, not the metric.")),
        explanation="Validation images are drawn like the training images, so they flatter the model; images "
                    "from elsewhere (other cameras, backgrounds, writers) show how it really generalises.",
    ),
]
