"""Quiz for notebook 00, welcome: how the course works."""

from .core import MultipleChoice, Numeric

QUIZ = [
    MultipleChoice(
        'A check cell prints "❌ failed" and a hint. What do you do?',
        options=("Skip the rest of the notebook", "Edit the exercise cell, run it, then run the check again",
                 "Restart the computer", "Copy the solution without reading it"),
        answer=1,
        explanation="Checks are there to help: fix, re-run the exercise cell, re-run the check. "
                    "The notebook keeps working even if you leave the exercise for later.",
        mistakes=(("Skip the rest of the notebook", "No need: the notebook keeps working, and the hint says what "
                                                    "to fix in the exercise cell."),
                  ("Restart the computer", "A failed check is about your code, not the computer: the hint points "
                                           "at what to change."),
                  ("Copy the solution without reading it", "The check then passes, but you learn nothing; read the "
                                                           "hint and try a fix first.")),
    ),
    MultipleChoice(
        "Where do you find a worked answer when you are stuck?",
        options=("notebooks/", "labs/checks/", "solutions/", "There is none"),
        answer=2,
        explanation="solutions/ holds the same notebook with every exercise solved and its outputs stored.",
        mistakes=(("notebooks/", "That is where you work: its exercises are still to be filled in."),
                  ("labs/checks/", "That code checks your answers; it does not show a worked answer."),
                  ("There is none", "There is one for every notebook, with every exercise solved.")),
    ),
    MultipleChoice(
        "Which setting runs the bigger experiments (full datasets, more epochs)?",
        options=("LABS_PROFILE=full", "LABS_PROFILE=default", "a GPU", "labs.setup(seed=0)"),
        answer=0,
        explanation="Start Jupyter with LABS_PROFILE=full set. The default profile is what a workshop runs.",
        mistakes=(("LABS_PROFILE=default", "The default profile is the small one that a workshop runs."),
                  ("a GPU", "A GPU can make training faster, but it does not choose how big the experiments are."),
                  ("labs.setup(seed=0)", "The seed makes results repeatable; it does not change the size of the "
                                         "experiments.")),
    ),
    Numeric(
        "Each notebook's default profile fits in how many seconds of compute on a 2-core laptop?",
        answer=90, tolerance=0,
        explanation="90 seconds each, and the whole series within 15 minutes.",
        mistakes=((15, "15 is for the whole series, in minutes; the question asks for one notebook, in seconds."),
                  (15 * 60, "That is the whole series (15 minutes) in seconds; one notebook takes far less.")),
    ),
]
