"""Quiz for notebook 02, nearest neighbours."""

from .core import MultipleChoice, Numeric

QUIZ = [
    Numeric(
        "A training image has pixels [[30, 95], [60, 43]] and a test image [[50, 200], [33, 140]]. "
        "What is their L1 distance?",
        answer=abs(30 - 50) + abs(95 - 200) + abs(60 - 33) + abs(43 - 140), tolerance=0,
        explanation="Absolute differences 20, 105, 27 and 97 add up to 249.",
        mistakes=((-195, "Take the absolute value of each difference before adding: -20 and 20 are equally far."),
                  (195, "Take the absolute value of each difference before adding, not of the total."),
                  (146.8, "That is the L2 distance; L1 adds the absolute differences, without squares or root.")),
    ),
    Numeric(
        "Same two images: what is their L2 distance? (one decimal)",
        answer=round((20**2 + 105**2 + 27**2 + 97**2) ** 0.5, 1), tolerance=0.1,
        explanation="√(20² + 105² + 27² + 97²) = √21,563 ≈ 146.8. Squaring makes the two big "
                    "differences (105 and 97) dominate: L2 prefers many small disagreements to one big one.",
        mistakes=((21_563, "That is the squared distance: take its square root."),
                  (249, "That is the L1 distance; L2 squares the differences, adds them, then takes the square root."),
                  (147, "Give one decimal: √21,563 lies between 146 and 147.")),
    ),
    MultipleChoice(
        "You want to choose k and the distance for k-NN. Which data do you score the candidates on?",
        options=("the training images", "the test images",
                 "a validation split, or cross-validation on the training images",
                 "whichever gives the highest number"),
        answer=2,
        explanation="On the training images 1-NN is always perfect (each image is its own neighbour); the "
                    "test set is kept for one final, honest measurement. A validation split or "
                    "cross-validation is what is left.",
        mistakes=(("the training images", "On its own training images 1-NN is always perfect, since each image is "
                                          "its own nearest neighbour, so every k=1 candidate looks best."),
                  ("the test images", "Choosing with the test images uses them up: the final test score would no "
                                      "longer be an honest measure of new images."),
                  ("whichever gives the highest number", "A high score on the images you trained on or chose with "
                                                         "flatters the model; which images you score on matters.")),
    ),
    Numeric(
        "A distance matrix between 10,000 test and 60,000 training images in float64 (8 bytes a number) "
        "takes how many gigabytes (10⁹ bytes)?",
        answer=10_000 * 60_000 * 8 / 1e9, tolerance=0.05,
        explanation="600 million distances × 8 bytes = 4.8 GB: more than many laptops can spare, which is why "
                    "the course's k-NN works through the test images in blocks.",
        mistakes=((10_000 * 60_000 * 8, "That is in bytes: divide by 10⁹ for gigabytes."),
                  (10_000 * 60_000 * 8 / 2**30, "That is in gibibytes (2³⁰ bytes); the question counts 10⁹ bytes."),
                  (0.6, "That counts the distances; each one takes 8 bytes.")),
    ),
    MultipleChoice(
        "The 4 nearest neighbours of a test digit have labels 3, 1, 1, 3 (nearest first). "
        "With the course's tie rule (the smallest label wins a tied vote), what is predicted?",
        options=("1", "3", "no prediction", "a random one of 1 and 3"), answer=0,
        explanation="1 and 3 get two votes each; the tie goes to the smallest label, 1 (the rule "
                    "scikit-learn follows too). An odd k avoids most ties between two classes.",
        mistakes=(("3", "3 is the nearest neighbour's label, but the vote is tied 2 to 2 and the rule gives the "
                        "tie to the smallest label."),
                  ("no prediction", "k-NN always predicts: the tie rule decides between the tied labels."),
                  ("a random one of 1 and 3", "The course's tie rule is fixed, not random: the smallest tied label "
                                              "wins, so the same image always gets the same answer.")),
    ),
]
