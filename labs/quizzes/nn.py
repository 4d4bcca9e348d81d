"""Quiz for notebook 05, neural networks."""

from .core import MultipleChoice, Numeric

QUIZ = [
    MultipleChoice(
        "A network sorts digits into 10 classes. Which activation belongs in its output layer?",
        options=("ReLU", "tanh", "softmax", "step"), answer=2,
        mistakes=(("ReLU", "ReLU belongs in the hidden layers; its outputs do not add up to 1 over the classes."),
                  ("tanh", "tanh gives each unit a value between -1 and 1 on its own, not probabilities that sum "
                           "to 1."),
                  ("step", "A step gives only 0 or 1 and has no useful gradient, so the network could not learn "
                           "through it.")),
        explanation="Softmax turns the 10 scores into probabilities that sum to 1: 'which one of the ten'. "
                    "ReLU (or tanh) belongs in the hidden layers.",
    ),
    MultipleChoice(
        "What is the derivative of ReLU for a negative input?",
        options=("0", "1", "the input itself", "it is undefined everywhere"), answer=0,
        mistakes=(("1", "The slope is 1 for positive inputs; for negative ones ReLU is flat."),
                  ("the input itself", "That is ReLU's output for a positive input, not its slope."),
                  ("it is undefined everywhere", "Only the single point 0 has no slope; elsewhere ReLU is a "
                                                 "straight line.")),
        explanation="ReLU is flat (0) for negative inputs, so no gradient flows back through a unit "
                    "that is switched off; for positive inputs the slope is 1.",
    ),
    Numeric(
        "You train on 4,000 images with a batch size of 32. How many gradient steps make one epoch?",
        answer=125, tolerance=0,
        explanation="One epoch visits every image once: 4,000 / 32 = 125 batches, one step each "
                    "(with 4,001 images you would get a 126th, short batch).",
        mistakes=((4_000, "That is one step per image; a step uses a whole batch of 32 images."),
                  (4_000 * 32, "Divide the images by the batch size: each step uses 32 of them.")),
    ),
    Numeric(
        "How many parameters does a Dense layer of 512 units have on a flattened 28×28 image?",
        answer=(28 * 28 + 1) * 512, tolerance=0,
        explanation="(784 inputs + 1 bias) × 512 units = 401,920 parameters.",
        mistakes=((28 * 28 * 512, "Each unit also has a bias: (784 + 1) × 512."),
                  (28 * 28 * 512 + 1, "One bias per unit, not one in all: (784 + 1) × 512."),
                  ((28 + 28 + 1) * 512, "Flattened, a 28×28 image has 28 × 28 = 784 inputs.")),
    ),
    Numeric(
        "A dense layer sees a 200×200 colour photo. How many weights does each of its neurons need?",
        answer=200 * 200 * 3, tolerance=0,
        explanation="One weight per input number: 200 × 200 × 3 = 120,000 per neuron (plus a bias). "
                    "That is why dense layers do not scale to images.",
        mistakes=((200 * 200, "A colour photo has 3 numbers per pixel (red, green, blue)."),
                  (200 * 200 * 3 + 1, "Count the weights only; the bias is not one of them.")),
    ),
]
