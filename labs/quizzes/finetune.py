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
        explanation="A random head sends large errors back; train it first on the frozen base, then let the "
                    "top layers adapt a little, with a learning rate about ten times lower.",
    ),
    MultipleChoice(
        "Why unfreeze only the top of the base, not all of it, on 1,000 images?",
        options=("the lower layers hold general features (edges, textures) and millions of parameters: "
                 "retraining them on few images overfits and forgets",
                 "Keras cannot train more than one block at a time",
                 "the lower layers have no weights",
                 "it makes each epoch slower"),
        answer=0,
        explanation="More trainable parameters means more room to overfit and more time per epoch, and the early "
                    "layers' features are the most reusable ones. On notebook 10's 1,000 images, unfreezing "
                    "everything scored no better than stage 6 alone and took about twice as long. The top layers "
                    "are the most specific to ImageNet, so they gain most from adapting.",
    ),
    MultipleChoice(
        "Why keep the BatchNormalization layers frozen (in inference mode) while fine-tuning?",
        options=("their statistics from small batches of a few images would replace ImageNet's and "
                 "shift every activation the later layers expect",
                 "BatchNormalization has no parameters",
                 "they make training slower",
                 "frozen BatchNorm layers are removed from the model"),
        answer=0,
        explanation="In training mode, BatchNorm normalises with each batch's own mean and variance and "
                    "updates its moving statistics; on a new, small dataset that wrecks the features the "
                    "pretrained layers above were tuned to.",
    ),
    MultipleChoice(
        "During fine-tuning the validation loss rises a little while validation accuracy also rises. "
        "How can that be?",
        options=("the mean loss is dominated by a few confidently wrong images, while more images "
                 "cross to the right side of the decision",
                 "it cannot: the numbers must be wrong",
                 "the loss is computed on the training set",
                 "accuracy is always the opposite of loss"),
        answer=0,
        explanation="Accuracy only asks which class wins; the loss also weighs how confident each answer is. "
                    "Look at the distribution of per-image losses, not only at its mean.",
    ),
]
