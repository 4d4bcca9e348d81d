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
    ),
    MultipleChoice(
        "Where do you find a worked answer when you are stuck?",
        options=("notebooks/", "solutions/", "labs/checks/", "There is none"),
        answer=1,
        explanation="solutions/ holds the same notebook with every exercise solved and its outputs stored.",
    ),
    MultipleChoice(
        "Which setting runs the bigger experiments (full datasets, more epochs)?",
        options=("LABS_PROFILE=full", "LABS_PROFILE=default", "a GPU", "labs.setup(seed=0)"),
        answer=0,
        explanation="Start Jupyter with LABS_PROFILE=full set. The default profile is what a workshop runs.",
    ),
    Numeric(
        "Each notebook's default profile fits in how many seconds of compute on a 2-core laptop?",
        answer=90, tolerance=0,
        explanation="90 seconds each, and the whole series within 15 minutes.",
    ),
]
