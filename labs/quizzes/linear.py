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
        mistakes=((10 * 28 * 28, "That is W alone; add b, one bias per class."),
                  (10 * 28 * 28 + 1, "b holds one bias per class, not one in all: add 10."),
                  (28 * 28 + 10, "W has a whole row of 784 weights for each of the 10 classes: multiply.")),
    ),
    Numeric(
        "Raw scores: cat −4.64, dog −2.68, plane 2.87, fish −2.08, building −2.26. "
        "What softmax probability does plane get? (two decimals)",
        answer=round(math.exp(_SCORES["plane"]) / sum(math.exp(s) for s in _SCORES.values()), 2),
        tolerance=0.005,
        mistakes=((round(1 / (1 + math.exp(-_SCORES["plane"])), 2),
                   "That is the sigmoid of 2.87 alone; softmax divides e^2.87 by the sum of e^score over all five "
                   "classes."),),
        explanation="e^2.87 ≈ 17.6 out of a total of about 17.9: plane gets ≈ 0.98 and the other four "
                    "share the rest.",
    ),
    MultipleChoice(
        "Which turns the scores into probabilities that always add up to 1 over the classes?",
        options=("sigmoid", "softmax", "both", "neither"), answer=1,
        explanation="Sigmoid squashes each score on its own (an independent yes/no per class; the five "
                    "sigmoids above add up to about 1.23). Softmax normalises over the classes: \"which one?\"",
        mistakes=(("sigmoid", "Sigmoid squashes each score on its own, so nothing makes the classes add up to 1."),
                  ("both", "Only one of them looks at all the scores together; the other treats each score on "
                           "its own."),
                  ("neither", "One of them divides by a total over the classes, which makes them add up to 1.")),
    ),
    Numeric(
        "Before training, tiny random weights give every one of 10 classes probability 0.1. "
        "What is the cross-entropy loss then? (two decimals)",
        answer=round(-math.log(0.1), 2), tolerance=0.01,
        mistakes=((0.1, "That is the probability of the right class; the loss is minus its natural logarithm."),
                  (1, "That is the logarithm in base 10; cross-entropy uses the natural logarithm, ln."),
                  (round(math.log(0.1), 2), "The loss is minus the logarithm, so it is positive: −ln(0.1).")),
        explanation="−ln(0.1) = ln(10) ≈ 2.30. A first loss far from 2.30 usually means a bug.",
    ),
    MultipleChoice(
        "Which penalty pushes many weights to exactly zero, leaving sparse templates?",
        options=("L2: reg × sum of W²", "neither", "both equally", "L1: reg × sum of |W|"), answer=3,
        explanation="The L1 gradient is reg × sign(W): the same pull whatever the size of the weight, so small "
                    "weights reach zero. L2's pull (2 × reg × W) fades as a weight shrinks, so weights get small "
                    "but not zero.",
        mistakes=(("L2: reg × sum of W²", "L2's pull shrinks with the weight, so weights get small but rarely "
                                         "exactly zero."),
                  ("neither", "One of the two pulls every weight towards zero by the same amount, however small "
                              "it is already."),
                  ("both equally", "Their pulls differ: one fades as the weight shrinks, the other stays the same.")),
    ),
]
