"""Quizzes: ``show_quiz(topic)`` in a notebook, ``answer(topic, question, option)`` without widgets (from 1)."""

from ..widgets import show_quiz  # the quiz widget lives with every other widget
from .core import (Feedback, MultipleChoice, Numeric, answer, grade, how_to_answer, load_quiz, print_quiz,
                   quiz_text, quiz_topics)

__all__ = ["Feedback", "MultipleChoice", "Numeric", "answer", "grade", "how_to_answer", "load_quiz",
           "print_quiz", "quiz_text", "quiz_topics", "show_quiz"]
