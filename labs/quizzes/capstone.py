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
        explanation="Boots: precision 88/96, recall 88/90, F1 ≈ 0.95. Tents: precision 2/4, recall 2/8, "
                    "F1 ≈ 0.33. Stoves are never predicted: F1 = 0. The mean, (0.95 + 0.33 + 0) / 3 ≈ 0.43, shows "
                    "what the accuracy of 0.90 hides: the model barely knows two of its three classes.",
    ),
    MultipleChoice(
        "Your folder holds bursts of near-identical photos: the same tent shot five times in a row. A random "
        "split puts some photos of each burst in training and the others in validation. What happens?",
        options=("the validation score is too pessimistic, because the bursts confuse the model",
                 "nothing: near-duplicates are free augmentation, and more data always helps",
                 "training gets slower but the validation score stays honest",
                 "validation is too optimistic (leakage): keep each burst on one side"),
        answer=3,
        explanation="A photo taken a second after one in the training set is nearly a training photo, so the "
                    "validation score measures memory, not generalisation. Group the photos (by burst, session or "
                    "place) and split by group, so a whole group lands in training or in validation.",
    ),
]
