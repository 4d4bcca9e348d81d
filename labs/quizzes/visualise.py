"""Quiz for notebook 11, seeing what a CNN sees."""

from .core import MultipleChoice, Numeric

QUIZ = [
    MultipleChoice(
        "Going deeper into a trained CNN, the activation maps of one image ...",
        options=("keep every detail of the input, only blurrier",
                 "become copies of the input image",
                 "get smaller, more abstract and sparser (more zeros)",
                 "get larger and denser with every layer"),
        answer=2,
        mistakes=(("keep every detail of the input, only blurrier", "Deeper layers keep what matters for the class "
                                                                    "and drop the rest of the details."),
                  ("become copies of the input image", "Only the earliest maps look like the image; later ones "
                                                       "show where patterns were found."),
                  ("get larger and denser with every layer", "Pooling makes the maps smaller, and most of a deep "
                                                             "map is zero: its pattern is absent there.")),
        explanation="Early maps still look like the image (edges of the digit or the cat); later ones are small, "
                    "hard to read and mostly zero: each filter fires only where its pattern is present, which "
                    "says more about the class than about the pixels.",
    ),
    Numeric(
        "The first layer of the small CNN has 32 filters of 3×3 on a greyscale image. How many weights (without "
        "biases) does show_filters draw?",
        answer=32 * 3 * 3 * 1, tolerance=0,
        mistakes=(((3 * 3 * 1 + 1) * 32, "That counts the 32 biases too; the question asks for the weights "
                                         "only."),
                  (3 * 3, "That is one filter; the layer has 32 of them."),
                  (32 * 3 * 3 * 3, "The image is greyscale: one input channel, not three.")),
        explanation="32 filters × 3 × 3 weights × 1 input channel = 288; each filter is a 3×3 picture.",
    ),
    MultipleChoice(
        "A vanilla-gradient saliency map is bright on a pixel. What does that tell you?",
        options=("that pixel is bright in the image",
                 "a tiny change of that pixel would change the class score a lot",
                 "removing that pixel would make the model change its mind",
                 "the model learned that pixel during training"),
        answer=1,
        mistakes=(("that pixel is bright in the image", "The map shows how much the score depends on a pixel, "
                                                        "not how bright the pixel is."),
                  ("removing that pixel would make the model change its mind", "The gradient is about a tiny nudge; "
                                                                               "what removing a pixel does is what "
                                                                               "occlusion measures."),
                  ("the model learned that pixel during training", "The map is computed for this one image, after "
                                                                   "training; it says nothing about what training "
                                                                   "saw.")),
        explanation="It is a local derivative: how fast the score moves for a small nudge of the pixel. It does not "
                    "say what happens if the pixel is removed — occlusion measures that, and more slowly.",
    ),
    MultipleChoice(
        "Why is a Grad-CAM heatmap of EfficientNet-Lite0's last block coarse (7×7 on a 224×224 photo)?",
        options=("Grad-CAM averages the image over 32-pixel blocks",
                 "the photo was too small",
                 "it only uses the first layer's filters",
                 "it is computed on the last convolutional feature map, which is 7×7"),
        answer=3,
        mistakes=(("Grad-CAM averages the image over 32-pixel blocks", "Grad-CAM never averages the image: its "
                                                                       "grid is the size of the layer it looks at."),
                  ("the photo was too small", "224×224 is the size the model takes; the last block is simply "
                                              "32 times smaller."),
                  ("it only uses the first layer's filters", "It uses the last block, not the first; the first "
                                                             "layer's maps would be much finer.")),
        explanation="Grad-CAM weighs the channels of one layer's output by their mean gradient: its resolution is "
                    "that layer's. The last block sees the most meaningful features, at 1/32 of the input size.",
    ),
    MultipleChoice(
        "A digit model scores 0.99 on validation but under 0.1 on a test set where a small mark on the border "
        "was moved. What happened?",
        options=("it learned the mark (a shortcut) instead of the digit, and validation had the same shortcut",
                 "the test set is too small",
                 "the model overfitted the validation set",
                 "the learning rate was too high"),
        answer=0,
        mistakes=(("the test set is too small", "Even a small test set would not drop from 0.99 to under 0.1; "
                                                "something differs between the sets."),
                  ("the model overfitted the validation set", "Validation only scored the model; it was not "
                                                              "trained on, and it shared the mark with training."),
                  ("the learning rate was too high", "Then the model would score badly on validation too, not "
                                                     "0.99.")),
        explanation="Validation came from the same distribution as training, mark included, so it could not catch "
                    "the shortcut. Explanations such as Grad-CAM and occlusion show where the evidence comes from; "
                    "a test set that breaks the shortcut measures it.",
    ),
]
