"""Quiz for notebook 01, images as arrays."""

from .core import MultipleChoice, Numeric

QUIZ = [
    Numeric(
        "A colour photo is 248 pixels tall and 400 pixels wide. How many numbers does it hold?",
        answer=248 * 400 * 3, tolerance=0,
        explanation="248 × 400 pixels × 3 channels (red, green, blue) = 297,600 numbers.",
    ),
    Numeric(
        "An MNIST digit is a 28×28 greyscale image. How many numbers is that?",
        answer=28 * 28, tolerance=0,
        explanation="One number per pixel: 28 × 28 = 784. Flattened, it is a vector of length 784.",
    ),
    MultipleChoice(
        "A colour image array has shape (H, W, C). Which axis holds the channels?",
        options=("axis 0", "axis 1", "axis 2"), answer=2,
        explanation="Height first, then width, then the channels: image[..., 0] is the red channel.",
    ),
    MultipleChoice(
        "You shuffle the pixels of a photo. What stays exactly the same?",
        options=("what the photo shows", "the intensity histogram", "the edges", "nothing"), answer=1,
        explanation="The histogram counts values and ignores where they are, so shuffling keeps it "
                    "while the meaning is gone. Position carries the meaning.",
    ),
    Numeric(
        "What is the largest value a uint8 pixel can hold?",
        answer=2**8 - 1, tolerance=0,
        explanation="8 bits give 2⁸ = 256 values: 0 (black) to 255 (white).",
    ),
]
