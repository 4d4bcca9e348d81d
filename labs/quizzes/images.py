"""Quiz for notebook 01, images as arrays."""

from .core import MultipleChoice, Numeric

QUIZ = [
    Numeric(
        "A colour photo is 248 pixels tall and 400 pixels wide. How many numbers does it hold?",
        answer=248 * 400 * 3, tolerance=0,
        explanation="248 × 400 pixels × 3 channels (red, green, blue) = 297,600 numbers.",
        mistakes=((248 * 400, "That counts the pixels; a colour pixel holds 3 numbers (red, green, blue)."),
                  (248 + 400 + 3, "Multiply the sizes: every pixel of every row holds 3 numbers.")),
    ),
    Numeric(
        "An MNIST digit is a 28×28 greyscale image. How many numbers is that?",
        answer=28 * 28, tolerance=0,
        explanation="One number per pixel: 28 × 28 = 784. Flattened, it is a vector of length 784.",
        mistakes=((28 * 28 * 3, "A greyscale pixel holds one number, not three."),
                  (28 + 28, "Multiply, don't add: 28 rows of 28 pixels each.")),
    ),
    MultipleChoice(
        "A colour image array has shape (H, W, C). Which axis holds the channels?",
        options=("axis 0", "axis 1", "axis 2"), answer=2,
        explanation="Height first, then width, then the channels: image[..., 0] is the red channel.",
        mistakes=(("axis 0", "Axes count from 0, and axis 0 is the first one: the height (the rows)."),
                  ("axis 1", "Axis 1 is the second one: the width (the columns).")),
    ),
    MultipleChoice(
        "You shuffle the pixels of a photo. What stays exactly the same?",
        options=("what the photo shows", "the edges", "nothing", "the intensity histogram"), answer=3,
        explanation="The histogram counts values and ignores where they are, so shuffling keeps it "
                    "while the meaning is gone. Position carries the meaning.",
        mistakes=(("what the photo shows", "Shuffled, the photo looks like noise: what it shows lives in where "
                                           "the pixels are."),
                  ("the edges", "Edges are where neighbouring pixels differ, and shuffling changes every neighbour."),
                  ("nothing", "The values themselves are all still there, only in other places; something that "
                              "counts values keeps them.")),
    ),
    Numeric(
        "What is the largest value a uint8 pixel can hold?",
        answer=2**8 - 1, tolerance=0,
        explanation="8 bits give 2⁸ = 256 values: 0 (black) to 255 (white).",
        mistakes=((2**8, "There are 256 values, but they start at 0, so the largest is one less."),
                  (1, "That is the largest value of an image scaled to floats from 0 to 1; uint8 holds whole "
                      "numbers.")),
    ),
]
