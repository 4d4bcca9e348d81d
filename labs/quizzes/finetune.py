"""Quiz for notebook 10, fine-tuning."""

from .core import MultipleChoice

QUIZ = [
    MultipleChoice(
        "In which order do you fine-tune a pretrained base with a new head?",
        options=("unfreeze the top of the base and train it with the random head at once",
                 "freeze the base, train the head, then unfreeze the top of the base and train both with a "
                 "low learning rate",
                 "train the whole network from random weights, then load ImageNet's",
                 "unfreeze everything and use a high learning rate to move away from ImageNet fast"),
        answer=1,
        mistakes=(("unfreeze the top of the base and train it with the random head at once",
                   "The random head's large errors would flow into the unfrozen layers and wreck their features "
                   "before the head learns anything."),
                  ("train the whole network from random weights, then load ImageNet's",
                   "Loading ImageNet's weights afterwards would throw away all that training."),
                  ("unfreeze everything and use a high learning rate to move away from ImageNet fast",
                   "ImageNet's features are what you want to keep: a high learning rate on everything destroys "
                   "them.")),
        explanation="A random head sends large errors back; train it first on the frozen base, then let the "
                    "top layers adapt a little, with a learning rate about ten times lower.",
    ),
    MultipleChoice(
        "Why unfreeze only the top of the base, not all of it, on 1,000 images?",
        options=("Keras cannot train more than one block at a time",
                 "the lower layers have no weights",
                 "the lower layers hold general features (edges, textures) and millions of parameters: "
                 "retraining them on few images overfits and forgets",
                 "it makes each epoch slower"),
        answer=2,
        mistakes=(("Keras cannot train more than one block at a time", "Keras can train the whole network at once; "
                                                                       "the question is whether it should."),
                  ("the lower layers have no weights", "The lower layers are convolutions full of weights: the "
                                                       "edge and texture filters."),
                  ("it makes each epoch slower", "It does, but that is the smaller cost: on 1,000 images the lower "
                                                 "layers' millions of weights overfit and forget.")),
        explanation="More trainable parameters means more room to overfit and more time per epoch, and the early "
                    "layers' features are the most reusable ones. On notebook 10's 1,000 images, unfreezing "
                    "everything scored no better than stage 6 alone and took about twice as long. The top layers "
                    "are the most specific to ImageNet, so they gain most from adapting.",
    ),
    MultipleChoice(
        "Why keep the BatchNormalization layers frozen (in inference mode) while fine-tuning?",
        options=("BatchNormalization has no parameters",
                 "they make training slower",
                 "frozen BatchNorm layers are removed from the model",
                 "their statistics from small batches of a few images would replace ImageNet's and "
                 "shift every activation the later layers expect"),
        answer=3,
        mistakes=(("BatchNormalization has no parameters", "It has some: a scale, a shift and the stored mean and "
                                                           "variance from ImageNet."),
                  ("they make training slower", "Speed is not the reason: in training mode they would swap "
                                                "ImageNet's statistics for those of your small batches."),
                  ("frozen BatchNorm layers are removed from the model", "They stay in the model and keep "
                                                                         "normalising, with ImageNet's "
                                                                         "statistics.")),
        explanation="In training mode, BatchNorm normalises with each batch's own mean and variance and "
                    "updates its moving statistics; on a new, small dataset that wrecks the features the "
                    "pretrained layers above were tuned to.",
    ),
    MultipleChoice(
        "During fine-tuning the validation loss rises a little while validation accuracy also rises. "
        "How can that be?",
        options=("it cannot: the numbers must be wrong",
                 "the mean loss is dominated by a few confidently wrong images, while more images "
                 "cross to the right side of the decision",
                 "the loss is computed on the training set",
                 "accuracy is always the opposite of loss"),
        answer=1,
        mistakes=(("it cannot: the numbers must be wrong", "It can: accuracy counts only which class wins, while "
                                                           "the loss also weighs how confident each answer is."),
                  ("the loss is computed on the training set", "Both numbers are on the validation images; the "
                                                               "question is about validation loss."),
                  ("accuracy is always the opposite of loss", "They often move in opposite directions, but not "
                                                              "always: they measure different things.")),
        explanation="Accuracy only asks which class wins; the loss also weighs how confident each answer is. "
                    "Look at the distribution of per-image losses, not only at its mean.",
    ),
]
