"""Quiz for notebook 06, convolution by hand."""

from .core import MultipleChoice, Numeric

QUIZ = [
    Numeric(
        "A 3×3 kernel slides over a 28×28 image with 'valid' padding and stride 1. "
        "How wide is the feature map?",
        answer=28 - 3 + 1, tolerance=0,
        explanation="The kernel fits in 28 - 3 + 1 = 26 positions per row, so the map is 26×26.",
    ),
    Numeric(
        "Same 28×28 image, but 'same' padding and stride 2. How wide is the output?",
        answer=14, tolerance=0,
        explanation="'Same' padding keeps every position; stride 2 keeps every other one: ceil(28 / 2) = 14.",
    ),
    MultipleChoice(
        "What separates a true convolution from the cross-correlation that CNN libraries compute?",
        options=("the kernel is flipped (rotated 180°) first", "the image is padded",
                 "the output is passed through ReLU", "the kernel is normalised to sum to 1"), answer=0,
        explanation="Convolution flips the kernel before sliding it; correlation does not. For symmetric "
                    "kernels they agree, and since a CNN learns its kernels the flip does not matter there.",
    ),
    MultipleChoice(
        "An edge-detecting kernel's weights sum to 0. What does it output on a perfectly flat patch?",
        options=("0", "the patch's brightness", "1", "255"), answer=0,
        explanation="On a flat patch every pixel has the same value v, so the response is v × (sum of "
                    "weights) = 0. Only changes in brightness, such as edges, give a response.",
    ),
    Numeric(
        "2×2 average pooling of the block [[4, 6], [0, 8]] gives what value?",
        answer=(4 + 6 + 0 + 8) / 4, tolerance=1e-9,
        explanation="(4 + 6 + 0 + 8) / 4 = 4.5. Max pooling would give 8.",
    ),
]
