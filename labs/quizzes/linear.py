"""Quiz for notebook 03, linear classifiers."""

import math

from .core import MultipleChoice, Numeric

_SCORES = {"cat": -4.64, "dog": -2.68, "plane": 2.87, "fish": -2.08, "building": -2.26}

QUIZ = [
    Numeric(
        "A linear classifier f(x) = Wx + b sorts 28×28 greyscale images into 10 classes. "
        "How many numbers does it learn (W and b together)?",
        answer=10 * 28 * 28 + 10, tolerance=0,
        explanation="W has one row of 784 weights per class (10 × 784 = 7,840) and b one bias per class: 7,850.",
    ),
    Numeric(
        "Raw scores: cat −4.64, dog −2.68, plane 2.87, fish −2.08, building −2.26. "
        "What softmax probability does plane get? (two decimals)",
        answer=round(math.exp(_SCORES["plane"]) / sum(math.exp(s) for s in _SCORES.values()), 2),
        tolerance=0.005,
        explanation="e^2.87 ≈ 17.6 out of a total of about 17.9: plane gets ≈ 0.98 and the other four "
                    "share the rest.",
    ),
    MultipleChoice(
        "Which turns the scores into probabilities that always add up to 1 over the classes?",
        options=("sigmoid", "softmax", "both", "neither"), answer=1,
        explanation="Sigmoid squashes each score on its own (an independent yes/no per class; the five "
                    "sigmoids above add up to about 1.23). Softmax normalises over the classes: \"which one?\"",
    ),
    Numeric(
        "Before training, tiny random weights give every one of 10 classes probability 0.1. "
        "What is the cross-entropy loss then? (two decimals)",
        answer=round(-math.log(0.1), 2), tolerance=0.01,
        explanation="−ln(0.1) = ln(10) ≈ 2.30. A first loss far from 2.30 usually means a bug.",
    ),
    MultipleChoice(
        "Which penalty pushes many weights to exactly zero, leaving sparse templates?",
        options=("L2: reg × sum of W²", "L1: reg × sum of |W|", "neither", "both equally"), answer=1,
        explanation="The L1 gradient is reg × sign(W): the same pull whatever the size of the weight, so small "
                    "weights reach zero. L2's pull (2 × reg × W) fades as a weight shrinks, so weights get small "
                    "but not zero.",
    ),
]
