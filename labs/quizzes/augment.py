"""Quiz for notebook 08, overfitting, augmentation and dropout."""

from .core import MultipleChoice, Numeric

QUIZ = [
    MultipleChoice(
        "You train on 1,000 images for 30 epochs. Which pair of curves is the clearest sign of overfitting?",
        options=("training loss falls while validation loss turns up",
                 "training and validation loss both fall",
                 "training and validation loss both stay high",
                 "validation loss is below training loss"),
        answer=0,
        explanation="The model keeps fitting its own training images better (training loss falls) while it "
                    "gets worse on new ones (validation loss rises): it is learning those images, not the classes. "
                    "Both high is underfitting; validation below training is common with dropout or augmentation, "
                    "which only act in training.",
    ),
    MultipleChoice(
        "Which random flip keeps the label of every image in Fashion-MNIST (clothes, shoes, bags photographed "
        "upright)?",
        options=("horizontal only", "vertical only", "horizontal and vertical", "no flip at all"),
        answer=0,
        explanation="A shirt or a bag mirrored left-right is still a shirt or a bag, and a mirrored sneaker points "
                    "the other way but stays a sneaker. Upside-down clothes never appear in the data, so a "
                    "vertical flip would teach the model pictures it will never see.",
    ),
    MultipleChoice(
        "And for handwritten digits (MNIST)?",
        options=("horizontal only", "vertical only", "horizontal and vertical", "no flip at all"),
        answer=3,
        explanation="A mirrored 2 looks like no digit, a mirrored 7 like a backwards 7, and a 6 turned upside "
                    "down becomes a 9: flips change or destroy the label. Small shifts, rotations and zooms are "
                    "the safe transformations for digits.",
    ),
    MultipleChoice(
        "Satellite photos of fields, taken straight down. Which flips keep the label?",
        options=("horizontal only", "vertical only", "horizontal and vertical", "no flip at all"),
        answer=2,
        explanation="Seen from above there is no up or down: a field mirrored either way is the same kind of "
                    "field, so both flips (and rotations of any angle) are safe.",
    ),
    Numeric(
        "A Dropout(0.25) layer is training. By what factor does Keras multiply the values it keeps?",
        answer=1 / (1 - 0.25), tolerance=0.01,
        explanation="1 / (1 - 0.25) ≈ 1.33. Keras uses inverted dropout: a quarter of the values become 0 and "
                    "the rest are scaled up so the expected sum stays the same; at inference nothing is dropped "
                    "and nothing is scaled.",
    ),
    Numeric(
        "The validation loss per epoch is 0.90, 0.70, 0.65, 0.66, 0.64, 0.67, 0.69, 0.70. With patience 2, "
        "after which epoch does early stopping end training?",
        answer=7, tolerance=0,
        explanation="Epoch 5 (0.64) is the best so far; epochs 6 and 7 do not beat it, so training stops after "
                    "epoch 7 and the weights of epoch 5 are restored. Epoch 4 (0.66) did not improve either, but "
                    "epoch 5 reset the count.",
    ),
    MultipleChoice(
        "Where do Keras' preprocessing layers such as RandomFlip do their work when they are the first layers "
        "of a model?",
        options=("in every call to fit; evaluate and predict see the images unchanged",
                 "in fit, evaluate and predict alike",
                 "only once, before training, to enlarge the data set",
                 "only in predict, to average over several views"),
        answer=0,
        explanation="They are active only in training (training=True), drawing a new random transformation for "
                    "every image in every epoch; at inference they pass images through unchanged.",
    ),
]
