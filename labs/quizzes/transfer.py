"""Quiz for notebook 09, transfer learning."""

from .core import MultipleChoice, Numeric

QUIZ = [
    MultipleChoice(
        "You have 1,000 labelled product photos and a laptop CPU. Which is most likely to classify new "
        "photos best?",
        options=("a small CNN trained from scratch on the 1,000",
                 "an ImageNet-trained base, frozen, with a new head trained on the 1,000",
                 "VGG16's architecture trained from random weights on the 1,000",
                 "1-nearest-neighbour on the raw pixels"),
        answer=1,
        explanation="The frozen base brings features learned from 1.2 million ImageNet photos — edges, "
                    "textures, parts — and only the small head has to be learned from your 1,000. A big "
                    "network from random weights has far too many parameters for so few images.",
    ),
    Numeric(
        "A frozen base turns each image into 1,280 pooled features. How many parameters does a new "
        "Dense(10, activation='softmax') head on top of them learn?",
        answer=1280 * 10 + 10, tolerance=0,
        explanation="(1,280 + 1) × 10 = 12,810: one weight per feature per class, plus one bias per class.",
    ),
    MultipleChoice(
        "Why freeze the base before training a new head on it?",
        options=("the head's random weights would send large, noisy gradients into the base and wreck what "
                 "it learned on ImageNet",
                 "a frozen base predicts faster",
                 "Keras cannot train a model with more than one part",
                 "freezing makes the base's weights learn faster"),
        answer=0,
        explanation="At first the new head is random, so its errors are large; back-propagated into the base "
                    "they would overwrite the ImageNet features before the head has learned anything. "
                    "Freeze first, train the head, and only then (notebook 10) unfreeze a little.",
    ),
    MultipleChoice(
        "You computed the base's features for your 1,000 images once and trained a head on them. Why can this "
        "fast method not use data augmentation?",
        options=("every augmented image is new, so it needs its own pass through the base",
                 "augmentation layers only work on greyscale images",
                 "features cannot be saved as arrays",
                 "a logistic-regression head has no training mode"),
        answer=0,
        explanation="Features computed once describe those exact pixels. A flipped or shifted copy has other "
                    "features, so augmentation means running the (frozen) base inside the training loop, every "
                    "epoch — slower, but it fights overfitting.",
    ),
    MultipleChoice(
        "ImageNet's 1,000 classes have no 'person' or 'astronaut'. What does an ImageNet classifier do with a "
        "photo of an astronaut?",
        options=("it still spreads probability over its 1,000 classes and names the closest ones",
                 "it answers 'unknown'",
                 "it refuses to predict",
                 "it gives every class probability 0"),
        answer=0,
        explanation="Softmax always sums to 1 over the classes the network knows, so it names the nearest "
                    "things it was trained on (a space suit's material, a mask...). Outside its classes, a "
                    "confident-looking answer can still be meaningless.",
    ),
]
