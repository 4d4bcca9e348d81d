"""Quizzes: ``show_quiz(topic)`` in a notebook, ``answer(topic, n, response)`` without widgets."""

from .core import Feedback, MultipleChoice, Numeric, answer, grade, load_quiz, quiz_topics, show_quiz

__all__ = ["Feedback", "MultipleChoice", "Numeric", "answer", "grade", "load_quiz", "quiz_topics", "show_quiz"]
