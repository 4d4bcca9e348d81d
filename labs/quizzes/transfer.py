"""Quiz for notebook 09, transfer learning."""

from .core import MultipleChoice, Numeric

QUIZ = [
    MultipleChoice(
        "You have 1,000 labelled product photos and a laptop CPU. Which is most likely to classify new "
        "photos best?",
        options=("a small CNN trained from scratch on the 1,000",
                 "VGG16's architecture trained from random weights on the 1,000",
                 "1-nearest-neighbour on the raw pixels",
                 "an ImageNet-trained base, frozen, with a new head trained on the 1,000"),
        answer=3,
        mistakes=(("a small CNN trained from scratch on the 1,000", "From scratch, 1,000 photos are too few to learn "
                                                                   "good features, so it overfits."),
                  ("VGG16's architecture trained from random weights on the 1,000", "The architecture alone brings "
                                                                                   "nothing: millions of random "
                                                                                   "weights and only 1,000 photos "
                                                                                   "overfit badly."),
                  ("1-nearest-neighbour on the raw pixels", "Raw pixel distances say more about background and "
                                                            "lighting than about which product it is.")),
        explanation="The frozen base brings features learned from 1.2 million ImageNet photos — edges, "
                    "textures, parts — and only the small head has to be learned from your 1,000. A big "
                    "network from random weights has far too many parameters for so few images.",
    ),
    Numeric(
        "A frozen base turns each image into 1,280 pooled features. How many parameters does a new "
        "Dense(10, activation='softmax') head on top of them learn?",
        answer=1280 * 10 + 10, tolerance=0,
        explanation="(1,280 + 1) × 10 = 12,810: one weight per feature per class, plus one bias per class.",
        mistakes=((1280 * 10, "Add one bias per class: (1,280 + 1) × 10."),
                  (1280 * 10 + 1, "One bias per class, not one in all: (1,280 + 1) × 10."),
                  (1280 + 10, "Each of the 10 classes has its own weight for every one of the 1,280 features: "
                              "multiply.")),
    ),
    MultipleChoice(
        "Why freeze the base before training a new head on it?",
        options=("a frozen base predicts faster",
                 "Keras cannot train a model with more than one part",
                 "the head's random weights would send large, noisy gradients into the base and wreck what "
                 "it learned on ImageNet",
                 "freezing makes the base's weights learn faster"),
        answer=2,
        mistakes=(("a frozen base predicts faster", "Freezing changes training only: a prediction takes the same "
                                                    "time either way."),
                  ("Keras cannot train a model with more than one part", "Keras trains a base and a head together "
                                                                         "without trouble, as fine-tuning does."),
                  ("freezing makes the base's weights learn faster", "A frozen base's weights do not learn at all; "
                                                                     "that is the point.")),
        explanation="At first the new head is random, so its errors are large; back-propagated into the base "
                    "they would overwrite the ImageNet features before the head has learned anything. "
                    "Freeze first, train the head, and only then (notebook 10) unfreeze a little.",
    ),
    MultipleChoice(
        "You computed the base's features for your 1,000 images once and trained a head on them. Why can this "
        "fast method not use data augmentation?",
        options=("augmentation layers only work on greyscale images",
                 "every augmented image is new, so it needs its own pass through the base",
                 "features cannot be saved as arrays",
                 "a logistic-regression head has no training mode"),
        answer=1,
        mistakes=(("augmentation layers only work on greyscale images", "They work on colour photos too; the "
                                                                        "trouble is that the features were "
                                                                        "computed once, before any change."),
                  ("features cannot be saved as arrays", "They can: that is what the fast method does, but the "
                                                         "saved features describe only the unchanged images."),
                  ("a logistic-regression head has no training mode", "The head is not the problem: augmentation "
                                                                      "changes the images, and the saved features "
                                                                      "cannot follow.")),
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
        mistakes=(("it answers 'unknown'", "It has no 'unknown' class: it can only name one of the 1,000 it "
                                           "was trained on."),
                  ("it refuses to predict", "A classifier always gives an answer, whatever the photo shows."),
                  ("it gives every class probability 0", "Softmax always adds up to 1 over the classes, so some "
                                                         "classes must get probability.")),
        explanation="Softmax always sums to 1 over the classes the network knows, so it names the nearest "
                    "things it was trained on (a space suit's material, a mask...). Outside its classes, a "
                    "confident-looking answer can still be meaningless.",
    ),
]
