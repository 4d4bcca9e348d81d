"""Quiz for notebook 12, the capstone: your own classifier, judged on an external test set."""

from .core import MultipleChoice, Numeric

QUIZ = [
    MultipleChoice(
        "In a challenge on photos of outdoor gear, classifiers reached a validation macro F1 of 0.66 to 0.94 "
        "on images split from the same folder as their training images. On an external test set, photos of the same kinds of gear "
        "collected separately, the same models scored 0.03 to 0.29. What does that teach?",
        options=("the external test set must have been labelled wrongly, since the validation scores were high",
                 "a split of the training folder is no test of new photos; a separately collected set is",
                 "macro F1 is too noisy to compare models on a few hundred images",
                 "the models needed more epochs to learn the external photos"),
        answer=1,
        mistakes=(("the external test set must have been labelled wrongly, since the validation scores were high",
                   "High validation scores say little about new photos: the validation images came from the same "
                   "folder as training."),
                  ("macro F1 is too noisy to compare models on a few hundred images",
                   "Noise does not turn 0.94 into 0.29 for every model: the drop is far too large and too "
                   "consistent."),
                  ("the models needed more epochs to learn the external photos",
                   "The models never see the external photos in training, and more epochs on the same folder "
                   "only fit it better.")),
        explanation="Images from one folder share much more than their class: the model can score well by "
                    "recognising a background or a photo session, and a validation split from that folder "
                    "rewards the shortcut. Only a test set gathered apart, and looked at once at the end, "
                    "measures what you care about. There, transfer learning with augmentation did best (0.50): "
                    "features learnt on millions of photos generalise further than a network trained from scratch "
                    "on a few hundred.",
    ),
    MultipleChoice(
        "You start the capstone with a folder of images in a few classes. What do you build first?",
        options=("the biggest network that fits in memory, trained for as long as possible",
                 "a search over learning rates, batch sizes and optimisers",
                 "a simple baseline (HOG + SVM, or a frozen pretrained base with a linear head)",
                 "an ensemble of several different networks"),
        answer=2,
        mistakes=(("the biggest network that fits in memory, trained for as long as possible",
                   "Start small: a big network is slow to try and, on a few hundred images, overfits."),
                  ("a search over learning rates, batch sizes and optimisers",
                   "Tuning comes later: first you need a model that works end to end and a score to beat."),
                  ("an ensemble of several different networks",
                   "An ensemble is a last step; without a simple baseline you cannot tell whether it helps.")),
        explanation="A baseline tells you what score is easy, checks that the data loading, labels and metric "
                    "work end to end, and gives every later change something to beat. Without it, a macro F1 of "
                    "0.6 could be a triumph or no better than always guessing the largest class.",
    ),
    MultipleChoice(
        "One of your five classes has only 12 photos; the others have about 200 each. What helps most?",
        options=("copy its 12 photos until there are 200, then split the folder into training and validation",
                 "leave the class out of validation so it keeps all its photos for training",
                 "nothing: the accuracy will still be high",
                 "collect more varied photos of it; meanwhile stratify, augment and judge by macro F1"),
        answer=3,
        mistakes=(("copy its 12 photos until there are 200, then split the folder into training and validation",
                   "Copies of the same photo land on both sides of the split, so validation sees training "
                   "photos (leakage)."),
                  ("leave the class out of validation so it keeps all its photos for training",
                   "Then you never measure how the model does on that class."),
                  ("nothing: the accuracy will still be high",
                   "Accuracy hides a small class: 12 of 812 images is 1.5%, so ignoring it costs almost nothing.")),
        explanation="More real, varied photos beat every trick. Until then: a stratified split keeps a few of "
                    "the 12 in validation, augmentation gives the model more varied views of the class, and "
                    "macro F1 shows whether the model still ignores it. Copies made before the split leak into "
                    "validation, and accuracy hides a small class: 12 of 812 images is 1.5%.",
    ),
    Numeric(
        "A validation confusion matrix (rows: true class, columns: predicted class) for boots, tents and stoves "
        "reads: boots [88, 2, 0], tents [6, 2, 0], stoves [2, 0, 0]. The accuracy is 90/100 = 0.90. "
        "What is the macro F1 (two decimals)?",
        answer=0.43, tolerance=0.01,
        mistakes=((0.90, "That is the accuracy; macro F1 computes an F1 for each class and averages them."),
                  (0.64, "Stoves count too: never predicted, their F1 is 0, and the mean is over all three "
                         "classes."),
                  (0.95, "That is the F1 of boots alone; average it with the F1 of tents and stoves."),
                  (0.88, "That weights each class by its number of images, so boots dominate; macro F1 gives each "
                         "class the same weight."),
                  (0.41, "That is the mean recall; F1 combines each class's precision and recall."),
                  (0.47, "That is the mean precision; F1 combines each class's precision and recall.")),
        explanation="Boots: precision 88/96, recall 88/90, F1 ≈ 0.95. Tents: precision 2/4, recall 2/8, "
                    "F1 ≈ 0.33. Stoves are never predicted: F1 = 0. The mean, (0.95 + 0.33 + 0) / 3 ≈ 0.43, shows "
                    "what the accuracy of 0.90 hides: the model barely knows two of its three classes.",
    ),
    MultipleChoice(
        "Your folder holds bursts of near-identical photos: the same tent shot five times in a row. A random "
        "split puts some photos of each burst in training and the others in validation. What happens?",
        options=("validation is too optimistic (leakage): keep each burst on one side",
                 "the validation score is too pessimistic, because the bursts confuse the model",
                 "nothing: near-duplicates are free augmentation, and more data always helps",
                 "training gets slower but the validation score stays honest"),
        answer=0,
        mistakes=(("the validation score is too pessimistic, because the bursts confuse the model",
                   "The opposite: a validation photo whose twin is in training is easy, so the score is too high."),
                  ("nothing: near-duplicates are free augmentation, and more data always helps",
                   "Near-copies add little that is new, and on both sides of the split they make validation "
                   "measure memory."),
                  ("training gets slower but the validation score stays honest",
                   "The score is not honest: validation photos nearly repeat training photos.")),
        explanation="A photo taken a second after one in the training set is nearly a training photo, so the "
                    "validation score measures memory, not generalisation. Group the photos (by burst, session or "
                    "place) and split by group, so a whole group lands in training or in validation.",
    ),
]
