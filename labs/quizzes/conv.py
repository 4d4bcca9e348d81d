"""Quiz for notebook 06, convolution by hand."""

from .core import MultipleChoice, Numeric

QUIZ = [
    Numeric(
        "A 3×3 kernel slides over a 28×28 image with 'valid' padding and stride 1. "
        "How wide is the feature map?",
        answer=28 - 3 + 1, tolerance=0,
        explanation="The kernel fits in 28 - 3 + 1 = 26 positions per row, so the map is 26×26.",
        mistakes=((28 - 3, "Count the positions: the first and the last both count, so 28 - 3 + 1."),
                  (28, "That is what 'same' padding keeps; 'valid' means no padding, so the kernel must fit "
                       "inside the image.")),
    ),
    Numeric(
        "Same 28×28 image, but 'same' padding and stride 2. How wide is the output?",
        answer=14, tolerance=0,
        explanation="'Same' padding keeps every position; stride 2 keeps every other one: ceil(28 / 2) = 14.",
        mistakes=((28, "That is stride 1; stride 2 keeps every other position."),
                  (13, "That is 'valid' padding, (28 - 3) // 2 + 1; 'same' padding keeps all 28 positions before "
                       "the stride."),
                  (26, "'Same' padding keeps the 28 positions, and stride 2 halves them.")),
    ),
    MultipleChoice(
        "What separates a true convolution from the cross-correlation that CNN libraries compute?",
        options=("the image is padded", "the output is passed through ReLU", "the kernel is normalised to sum to 1",
                 "the kernel is flipped (rotated 180°) first"), answer=3,
        mistakes=(("the image is padded", "Both can pad the image or not; padding only changes the output size."),
                  ("the output is passed through ReLU", "ReLU is a separate step of a CNN layer, after either "
                                                       "operation."),
                  ("the kernel is normalised to sum to 1", "Neither normalises the kernel: an edge kernel sums to 0 "
                                                           "in both.")),
        explanation="Convolution flips the kernel before sliding it; correlation does not. For symmetric "
                    "kernels they agree, and since a CNN learns its kernels the flip does not matter there.",
    ),
    MultipleChoice(
        "An edge-detecting kernel's weights sum to 0. What does it output on a perfectly flat patch?",
        options=("0", "the patch's brightness", "1", "255"), answer=0,
        mistakes=(("the patch's brightness", "That would take weights that sum to 1; here they sum to 0."),
                  ("1", "Multiply each pixel by its weight and add: v × (sum of weights) = v × 0."),
                  ("255", "255 is white; a flat patch has no edge, so an edge kernel stays silent.")),
        explanation="On a flat patch every pixel has the same value v, so the response is v × (sum of "
                    "weights) = 0. Only changes in brightness, such as edges, give a response.",
    ),
    Numeric(
        "2×2 average pooling of the block [[4, 6], [0, 8]] gives what value?",
        answer=(4 + 6 + 0 + 8) / 4, tolerance=1e-9,
        explanation="(4 + 6 + 0 + 8) / 4 = 4.5. Max pooling would give 8.",
        mistakes=((8, "That is max pooling; average pooling takes the mean of the four values."),
                  (4 + 6 + 0 + 8, "That is the sum; divide by the 4 values for the average."),
                  ((4 + 6 + 8) / 3, "The 0 counts too: divide the sum by all 4 values.")),
    ),
]
