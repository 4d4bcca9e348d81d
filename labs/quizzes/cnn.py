"""Quiz for notebook 07, convolutional networks."""

from .core import MultipleChoice, Numeric

QUIZ = [
    Numeric(
        "How many parameters does Conv2D(64, (3, 3)) have when its input has 32 channels?",
        answer=(3 * 3 * 32 + 1) * 64, tolerance=0,
        explanation="(kh · kw · c_in + 1) · filters = (3 · 3 · 32 + 1) · 64 = 18,496.",
        mistakes=((3 * 3 * 32 * 64, "Each filter also has one bias: (3 · 3 · 32 + 1) · 64."),
                  (3 * 3 * 32 * 64 + 1, "One bias per filter, not one in all: (3 · 3 · 32 + 1) · 64."),
                  ((3 * 3 + 1) * 64, "A filter spans all 32 input channels: 3 · 3 · 32 weights each."),
                  ((3 * 3 * 32 + 1) * 32, "Multiply by the 64 filters, not by the 32 input channels.")),
    ),
    Numeric(
        "The classic small CNN's last convolution outputs 3×3×64. How many numbers does Flatten pass on?",
        answer=3 * 3 * 64, tolerance=0,
        explanation="3 × 3 × 64 = 576 numbers, the input of Dense(64): (576 + 1) × 64 = 36,928 weights.",
        mistakes=((3 * 3, "Each of the 3 × 3 positions holds 64 numbers, one per filter."),
                  (3 + 3 + 64, "Flatten keeps every number: multiply the sizes, don't add them.")),
    ),
    MultipleChoice(
        "You feed the same convolutional layers 64×64 images instead of 28×28. "
        "What happens to the convolutional layers' parameter count?",
        options=("it grows about 5 times", "it grows about 2.3 times", "it stays the same", "it shrinks"),
        answer=2,
        mistakes=(("it grows about 5 times", "(64 × 64) / (28 × 28) ≈ 5 is the growth in pixels, but a filter's "
                                            "weights do not depend on the image size."),
                  ("it grows about 2.3 times", "64 / 28 ≈ 2.3 is the growth in width, but the same small kernel "
                                              "slides over every position, whatever the size."),
                  ("it shrinks", "Nothing in a filter depends on the image size, so its weights cannot get fewer.")),
        explanation="A filter's weights depend only on kh, kw, c_in and the number of filters, never on the "
                    "image size: the same small kernel is shared across every position. Only the dense "
                    "layer after Flatten grows.",
    ),
    MultipleChoice(
        "A CNN trained on upright digits sees a digit moved 3 pixels to the left, and the same digit "
        "rotated by 90°. Which is it built to cope with?",
        options=("the rotation", "the shift", "both equally", "neither"), answer=1,
        mistakes=(("the rotation", "A turned digit gives different patterns to the same filters; only training "
                                   "on rotated copies teaches them."),
                  ("both equally", "Sliding the same filters handles moves, but nothing in the layers turns them."),
                  ("neither", "Sharing weights across positions finds a pattern wherever it moved.")),
        explanation="Shared weights detect a pattern wherever it is and pooling blurs small moves, so shifts "
                    "are handled; nothing in the architecture handles rotation — only data (augmentation) can.",
    ),
    Numeric(
        "How many parameters does the classic small CNN (Conv 32 → pool → Conv 64 → pool → Conv 64 → "
        "Flatten → Dense 64 → Dense 10, on 28×28×1) have in all?",
        answer=320 + 18_496 + 36_928 + 36_928 + 650, tolerance=0,
        explanation="320 + 18,496 + 36,928 (convolutions) + 36,928 + 650 (dense) = 93,322.",
        mistakes=((288 + 18_432 + 36_864 + 36_864 + 640, "Every filter and every unit also has a bias."),
                  (320 + 18_496 + 36_928, "Add the two Dense layers too: (576 + 1) × 64 and (64 + 1) × 10.")),
    ),
]
