"""Quiz for notebook 08, overfitting, augmentation and dropout."""

from .core import MultipleChoice, Numeric

QUIZ = [
    MultipleChoice(
        "You train on 1,000 images for 30 epochs. Which pair of curves is the clearest sign of overfitting?",
        options=("training and validation loss both fall",
                 "training loss falls while validation loss turns up",
                 "training and validation loss both stay high",
                 "validation loss is below training loss"),
        answer=1,
        explanation="The model keeps fitting its own training images better (training loss falls) while it "
                    "gets worse on new ones (validation loss rises): it is learning those images, not the classes. "
                    "Both high is underfitting; validation below training is common with dropout or augmentation, "
                    "which only act in training.",
        mistakes=(("training and validation loss both fall", "That is healthy learning: the model still gets "
                                                             "better on new images too."),
                  ("training and validation loss both stay high", "That is underfitting: the model has not even "
                                                                  "learned its training images."),
                  ("validation loss is below training loss", "That is common with dropout or augmentation, which "
                                                             "only make training harder; it is no sign of "
                                                             "overfitting.")),
    ),
    MultipleChoice(
        "Which random flip keeps the label of every image in Fashion-MNIST (clothes, shoes, bags photographed "
        "upright)?",
        options=("horizontal only", "vertical only", "horizontal and vertical", "no flip at all"),
        answer=0,
        explanation="A shirt or a bag mirrored left-right is still a shirt or a bag, and a mirrored sneaker points "
                    "the other way but stays a sneaker. Upside-down clothes never appear in the data, so a "
                    "vertical flip would teach the model pictures it will never see.",
        mistakes=(("vertical only", "Clothes are always photographed upright, so an upside-down shirt is a "
                                    "picture the model will never see."),
                  ("horizontal and vertical", "Left-right is safe, but upside-down clothes never appear in the data."),
                  ("no flip at all", "A shirt or a bag mirrored left-right is still a shirt or a bag, so one flip is "
                                     "safe.")),
    ),
    MultipleChoice(
        "And for handwritten digits (MNIST)?",
        options=("horizontal only", "vertical only", "horizontal and vertical", "no flip at all"),
        answer=3,
        explanation="A mirrored 2 looks like no digit, a mirrored 7 like a backwards 7, and a 6 turned upside "
                    "down becomes a 9: flips change or destroy the label. Small shifts, rotations and zooms are "
                    "the safe transformations for digits.",
        mistakes=(("horizontal only", "A mirrored 2 or 7 is a backwards digit that no one writes."),
                  ("vertical only", "Upside down, a 6 becomes a 9: the label changes."),
                  ("horizontal and vertical", "Both flips change or destroy what digit it is.")),
    ),
    MultipleChoice(
        "Satellite photos of fields, taken straight down. Which flips keep the label?",
        options=("horizontal only", "vertical only", "horizontal and vertical", "no flip at all"),
        answer=2,
        explanation="Seen from above there is no up or down: a field mirrored either way is the same kind of "
                    "field, so both flips (and rotations of any angle) are safe.",
        mistakes=(("horizontal only", "From straight above there is no up or down, so the other flip is safe "
                                      "too."),
                  ("vertical only", "From straight above there is no left or right either, so the other flip is "
                                    "safe too."),
                  ("no flip at all", "A field seen from above, mirrored either way, is still the same kind of "
                                     "field.")),
    ),
    Numeric(
        "A Dropout(0.25) layer is training. By what factor does Keras multiply the values it keeps?",
        answer=1 / (1 - 0.25), tolerance=0.01,
        mistakes=((0.75, "0.75 is the share of values kept; Keras divides the kept values by it, so they grow."),
                  (0.25, "0.25 is the share dropped; the kept values are scaled by 1 / (1 - 0.25)."),
                  (1.25, "The kept values are divided by 0.75, the share kept: 1 / 0.75, not 1 + 0.25."),
                  (1, "In training the kept values are scaled up; only at inference is nothing scaled.")),
        explanation="1 / (1 - 0.25) ≈ 1.33. Keras uses inverted dropout: a quarter of the values become 0 and "
                    "the rest are scaled up so the expected sum stays the same; at inference nothing is dropped "
                    "and nothing is scaled.",
    ),
    Numeric(
        "The validation loss per epoch is 0.90, 0.70, 0.65, 0.66, 0.64, 0.67, 0.69, 0.70. With patience 2, "
        "after which epoch does early stopping end training?",
        answer=7, tolerance=0,
        mistakes=((6, "Epoch 5 (0.64) beats the best so far, 0.65, and that resets the count: the 2 epochs "
                      "without improvement are 6 and 7."),
                  (5, "Epoch 5 is the best epoch, whose weights are restored; training runs on until 2 epochs "
                      "in a row fail to beat it."),
                  (8, "Training stops before the last epoch: epochs 6 and 7 both fail to beat epoch 5."),
                  (4, "Epoch 4 is one epoch without improvement; patience 2 waits for two in a row, and epoch 5 "
                      "improves.")),
        explanation="Epoch 5 (0.64) is the best so far; epochs 6 and 7 do not beat it, so training stops after "
                    "epoch 7 and the weights of epoch 5 are restored. Epoch 4 (0.66) did not improve either, but "
                    "epoch 5 reset the count.",
    ),
    MultipleChoice(
        "Where do Keras' preprocessing layers such as RandomFlip do their work when they are the first layers "
        "of a model?",
        options=("in fit, evaluate and predict alike",
                 "only once, before training, to enlarge the data set",
                 "only in predict, to average over several views",
                 "in every call to fit; evaluate and predict see the images unchanged"),
        answer=3,
        mistakes=(("in fit, evaluate and predict alike", "Then every score and prediction would change at random "
                                                         "from one call to the next; they act only in training."),
                  ("only once, before training, to enlarge the data set", "They draw a new random change for every "
                                                                          "image in every epoch, not one fixed "
                                                                          "copy."),
                  ("only in predict, to average over several views", "They are switched off in predict and work "
                                                                     "only in training.")),
        explanation="They are active only in training (training=True), drawing a new random transformation for "
                    "every image in every epoch; at inference they pass images through unchanged.",
    ),
]
