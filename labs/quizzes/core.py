"""Check-your-understanding questions: data, a pure grading function, a thin widget."""

import importlib
import math
import numbers
import pkgutil
from dataclasses import dataclass

__all__ = ["MultipleChoice", "Numeric", "Feedback", "grade", "load_quiz", "quiz_topics",
           "show_quiz", "answer"]


@dataclass(frozen=True)
class MultipleChoice:
    """A question with one right option (``answer`` is its index in ``options``)."""

    prompt: str
    options: tuple
    answer: int
    explanation: str


@dataclass(frozen=True)
class Numeric:
    """A question whose answer is a number, accepted within ``tolerance``."""

    prompt: str
    answer: float
    tolerance: float
    explanation: str


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer."""

    correct: bool
    message: str


def grade(question, response):
    """Grade a response: an option index (MultipleChoice) or a number (Numeric)."""
    if response is None or (isinstance(response, str) and not response.strip()):
        return Feedback(False, "Choose or type an answer first.")
    if isinstance(question, MultipleChoice):
        return _grade_choice(question, response)
    if isinstance(question, Numeric):
        return _grade_number(question, response)
    raise TypeError(f"question must be MultipleChoice or Numeric, got {type(question).__name__}.")


def _grade_choice(question, response):
    """Grade a multiple-choice response given as an index or as the option text."""
    if isinstance(response, str):
        if response not in question.options:
            return Feedback(False, f"{response!r} is not one of the options.")
        response = question.options.index(response)
    if isinstance(response, bool) or not isinstance(response, numbers.Integral):
        return Feedback(False, f"Answer with an option number from 0 to {len(question.options) - 1}.")
    if not 0 <= response < len(question.options):
        return Feedback(False, f"There is no option {response}; pick 0 to {len(question.options) - 1}.")
    if response == question.answer:
        return Feedback(True, f"✅ Correct. {question.explanation}")
    return Feedback(False, "❌ Not quite — think again, then try another option.")


def _grade_number(question, response):
    """Grade a numeric response given as a number or a string such as '297,600'."""
    try:
        value = float(str(response).replace(",", "").replace("_", "").strip())
    except ValueError:
        return Feedback(False, f"{response!r} is not a number.")
    if not math.isfinite(value):
        return Feedback(False, "Type a finite number.")
    if abs(value - question.answer) <= question.tolerance:
        return Feedback(True, f"✅ Correct. {question.explanation}")
    direction = "too high" if value > question.answer else "too low"
    return Feedback(False, f"❌ {value:g} is {direction}; try again.")


def quiz_topics():
    """List the topics that have a quiz (one module per notebook in labs/quizzes/)."""
    names = [m.name for m in pkgutil.iter_modules(_package_path())]
    return sorted(n for n in names if n != "core" and not n.startswith("_"))


def _package_path():
    """Return the folder of the quizzes package."""
    return importlib.import_module("labs.quizzes").__path__


def load_quiz(topic):
    """Return the list of questions for ``topic`` (e.g. "images")."""
    topics = quiz_topics()
    if topic not in topics:
        raise ValueError(f"topic must be one of {', '.join(topics)}; got {topic!r}.")
    return list(importlib.import_module(f"labs.quizzes.{topic}").QUIZ)


def answer(topic, number, response):
    """Grade question ``number`` (1-based) of ``topic`` without widgets; print and return the feedback."""
    questions = load_quiz(topic)
    if isinstance(number, bool) or not isinstance(number, numbers.Integral) or not 1 <= number <= len(questions):
        raise ValueError(f"number must be 1 to {len(questions)} for the {topic!r} quiz, got {number!r}.")
    feedback = grade(questions[number - 1], response)
    print(feedback.message)
    return feedback


def show_quiz(topic):
    """Display the quiz for ``topic`` as widgets with immediate feedback."""
    import ipywidgets as widgets

    boxes = [_question_widget(i, q, widgets) for i, q in enumerate(load_quiz(topic), start=1)]
    return widgets.VBox(boxes)


def _question_widget(number, question, widgets):
    """Build the widget of one question: prompt, input, feedback line."""
    prompt = widgets.HTML(f"<b>{number}. {question.prompt}</b>")
    feedback = widgets.HTML("")
    if isinstance(question, MultipleChoice):
        entry = widgets.RadioButtons(options=list(question.options), value=None,
                                     layout=widgets.Layout(width="auto"))
        entry.observe(lambda change: _show(feedback, grade(question, change["new"])), names="value")
        return widgets.VBox([prompt, entry, feedback])
    entry = widgets.Text(placeholder="type a number and press Enter")
    button = widgets.Button(description="Check")
    button.on_click(lambda _: _show(feedback, grade(question, entry.value)))
    entry.continuous_update = False
    entry.observe(lambda change: _show(feedback, grade(question, change["new"])), names="value")
    return widgets.VBox([prompt, widgets.HBox([entry, button]), feedback])


def _show(feedback_widget, feedback):
    """Write a verdict into the feedback line."""
    colour = "green" if feedback.correct else "#b00"
    feedback_widget.value = f"<span style='color:{colour}'>{feedback.message}</span>"
