"""Check-your-understanding questions: data, a pure grading function, a thin widget.

Learners number everything from 1: question 1 is the first question and option 1
the first option, in the widget, in the text listing and in ``answer``/``grade``.
Only the answer key in the quiz data (``MultipleChoice.answer``) is a Python
index, counted from 0, and it is never shown to learners.
"""

import importlib
import math
import numbers
import pkgutil
import re
import textwrap
from dataclasses import dataclass, field

from .._status import NOT_GRADED, RIGHT, WRONG, status_line

__all__ = ["MultipleChoice", "Numeric", "Feedback", "grade", "load_quiz", "quiz_topics",
           "quiz_text", "print_quiz", "how_to_answer", "answer"]

_WIDTH = 88
_WHOLE_NUMBER = re.compile(r"[+-]?\d+")
_LABEL = re.compile(r"(\d+)\s*[.):]\s*(.+)", re.DOTALL)


@dataclass(frozen=True)
class MultipleChoice:
    """A question with one right option; ``answer`` is its Python index in ``options`` (0 = first option).

    Learners see and type the options numbered from 1, so ``answer=1`` is the option
    they know as number 2.
    """

    prompt: str
    options: tuple
    answer: int
    explanation: str

    def __post_init__(self):
        _require_text(self.prompt, "prompt")
        _require_text(self.explanation, "explanation")
        if isinstance(self.options, str) or not isinstance(self.options, (tuple, list)):
            raise TypeError(f"options must be a tuple of strings, got {type(self.options).__name__}.")
        object.__setattr__(self, "options", tuple(self.options))
        for i, option in enumerate(self.options):
            _require_text(option, f"options[{i}]")
        if len(self.options) < 2:
            raise ValueError(f"options must hold at least 2 options, got {len(self.options)}.")
        keys = [_normalise(o) for o in self.options]
        if len(set(keys)) != len(keys):
            raise ValueError(f"options must differ (ignoring case and spaces), got {self.options}.")
        last = len(self.options) - 1
        if isinstance(self.answer, bool) or not isinstance(self.answer, numbers.Integral):
            raise TypeError(f"answer must be the index of the right option (0 to {last}), "
                            f"got {type(self.answer).__name__} {self.answer!r}.")
        if not 0 <= self.answer <= last:
            raise ValueError(f"answer must be the index of the right option, 0 to {last} for "
                             f"{len(self.options)} options (0 is the first), got {self.answer}.")
        object.__setattr__(self, "answer", int(self.answer))


@dataclass(frozen=True)
class Numeric:
    """A question whose answer is a number, accepted within ``tolerance`` (0 = exactly)."""

    prompt: str
    answer: float
    tolerance: float
    explanation: str

    def __post_init__(self):
        _require_text(self.prompt, "prompt")
        _require_text(self.explanation, "explanation")
        for name in ("answer", "tolerance"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}.")
            if not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}.")
        if self.tolerance < 0:
            raise ValueError(f"tolerance must be 0 or more (0 means exactly), got {self.tolerance!r}.")


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` and the line shown to the learner."""

    correct: bool
    message: str = field(repr=False)


def _require_text(value, name):
    """Raise unless ``value`` is a non-empty string."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__} {value!r}.")
    if not value.strip():
        raise ValueError(f"{name} must not be empty.")


def _normalise(text):
    """Return ``text`` without case and with single spaces, for matching typed answers."""
    return " ".join(text.split()).casefold()


# --- grading (pure) ------------------------------------------------------------------------------

def grade(question, response):
    """Grade a response: an option number counted from 1 or an option's text (MultipleChoice), a number (Numeric)."""
    if not isinstance(question, (MultipleChoice, Numeric)):
        raise TypeError(f"question must be MultipleChoice or Numeric, got {type(question).__name__}.")
    if response is None or (isinstance(response, str) and not response.strip()):
        what = "pick an option" if isinstance(question, MultipleChoice) else "type a number"
        return _not_graded(f"no answer yet: {what} first.")
    if isinstance(question, MultipleChoice):
        return _grade_choice(question, response)
    return _grade_number(question, response)


def _grade_choice(question, response):
    """Grade a multiple-choice response given as an option number (from 1) or as the option text."""
    chosen = _resolve_choice(question, response)
    if isinstance(chosen, Feedback):
        return chosen
    you_chose = f'You chose {chosen + 1}, "{question.options[chosen]}"'
    if chosen == question.answer:
        return Feedback(True, f"{you_chose}: {RIGHT}. {question.explanation}")
    return Feedback(False, f"{you_chose}: {WRONG}. Think again, then try another option.")


def _not_graded(text):
    """Return the Feedback for a response that cannot be graded: "❌ not graded — " and what to type instead."""
    return Feedback(False, status_line(NOT_GRADED, text))


def _resolve_choice(question, response):
    """Return the 0-based index of the option ``response`` names, or a "not graded" Feedback saying why none."""
    count = len(question.options)
    listing = _list_options(question)
    if isinstance(response, str):
        typed = response.strip()
        by_text = _option_by_text(question, typed)
        if _WHOLE_NUMBER.fullmatch(typed):
            number = int(typed)
            if by_text is not None and 1 <= number <= count and number - 1 != by_text:
                other = question.options[number - 1]
                return _not_graded(f'"{typed}" is ambiguous: option {number} is "{other}" but option '
                                   f'{by_text + 1} reads "{typed}". Give the option number without quotes: '
                                   f"{number} or {by_text + 1}.")
            return by_text if by_text is not None else _resolve_number(question, number, listing)
        if by_text is not None:
            return by_text
        label = _LABEL.fullmatch(typed)
        if label:  # a label copied from the listing, such as "2. softmax"
            number, text = int(label.group(1)), _option_by_text(question, label.group(2))
            if text is not None and number == text + 1:
                return text
        return _not_graded(f'"{typed}" is not one of the options. Type an option number (1 to {count}) '
                           f"or an option's exact text: {listing}.")
    if isinstance(response, bool) or not isinstance(response, numbers.Integral):
        return _not_graded(f"answer with an option number from 1 to {count} or an option's text, "
                           f"got {response!r}. The options: {listing}.")
    number = int(response)
    if not 1 <= number <= count and _option_by_text(question, str(number)) is not None:
        return _option_by_text(question, str(number))  # e.g. 255 when an option reads "255"
    return _resolve_number(question, number, listing)


def _resolve_number(question, number, listing):
    """Return the 0-based index of option ``number`` (from 1), or a "not graded" Feedback if there is none."""
    count = len(question.options)
    if 1 <= number <= count:
        return number - 1
    start = " (options are numbered from 1)" if number == 0 else ""
    return _not_graded(f"there is no option {number}{start}; pick 1 to {count}: {listing}.")


def _option_by_text(question, text):
    """Return the 0-based index of the option whose text is ``text`` (ignoring case and spaces), or None."""
    keys = [_normalise(o) for o in question.options]
    wanted = _normalise(text)
    return keys.index(wanted) if wanted in keys else None


def _list_options(question):
    """Return the options on one line: '1. sigmoid, 2. softmax, ...'."""
    return ", ".join(f"{i}. {option}" for i, option in enumerate(question.options, start=1))


def _grade_number(question, response):
    """Grade a numeric response given as a number or a string such as '297,600'."""
    typed = response.strip() if isinstance(response, str) else response
    try:
        if isinstance(typed, bool):
            raise ValueError
        value = float(str(typed).replace(",", "").replace("_", "").strip())
    except ValueError:
        return _not_graded(f"{typed!r} is not a number; type digits such as 42 or 0.5.")
    if not math.isfinite(value):
        return _not_graded(f"{typed!r} is not a finite number; type digits such as 42 or 0.5.")
    shown = typed if isinstance(typed, str) else f"{value:g}" if value != int(value) else f"{int(value)}"
    if abs(value - question.answer) <= question.tolerance:
        return Feedback(True, f"You answered {shown}: {RIGHT}. {question.explanation}")
    direction = "too high" if value > question.answer else "too low"
    return Feedback(False, f"You answered {shown}: {WRONG}, that is {direction}. Try again.")


# --- quizzes by topic ----------------------------------------------------------------------------

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
    """Grade question ``number`` (from 1) of ``topic`` without widgets; print and return the feedback.

    ``response`` is an option number (from 1) or the option's text, or a number for a
    number question. It never raises on what a learner types: an unknown topic, a
    question number out of range or an answer that is not an option each print one
    "❌ not graded" line that says what to type instead.
    """
    topics = quiz_topics()
    if not isinstance(topic, str) or topic.strip().lower() not in topics:
        return _say(_not_graded(f"there is no quiz {_quoted(topic)}. Quizzes: {', '.join(topics)}."))
    topic = topic.strip().lower()
    questions = load_quiz(topic)
    index = _question_index(number, len(questions))
    if index is None:
        return _say(_not_graded(f'the "{topic}" quiz has questions 1 to {len(questions)}, '
                                f"got {_quoted(number)}. Example: {_example_call(topic, questions)}."))
    feedback = grade(questions[index], response)
    return _say(Feedback(feedback.correct, f"Q{index + 1}. {feedback.message}"))


def _quoted(value):
    """Show a learner's value in a message: strings in double quotes, anything else as its repr."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _question_index(number, count):
    """Return the 0-based index of question ``number`` (an int or a string such as '3'), or None."""
    if isinstance(number, str) and _WHOLE_NUMBER.fullmatch(number.strip()):
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, numbers.Integral) or not 1 <= number <= count:
        return None
    return int(number) - 1


def _say(feedback):
    """Print the feedback line and return the feedback."""
    print(feedback.message)
    return feedback


def how_to_answer(topic):
    """Return one sentence that says how to answer the ``topic`` quiz without widgets."""
    questions = load_quiz(topic)
    example = _example_call(topic, questions)
    number, option = _example(questions)
    if isinstance(questions[number - 1], MultipleChoice):
        return (f"No widgets? Type {example} in a code cell to answer question {number} with option {option} "
                f"(options count from 1; the option's text works too).")
    return f"No widgets? Type {example} in a code cell to answer question {number} with the number {option}."


def _example(questions):
    """Return (question number, answer) for the example: a wrong option of the first multiple-choice question."""
    for number, question in enumerate(questions, start=1):
        if isinstance(question, MultipleChoice):
            return number, 1 if question.answer != 0 else 2
    return 1, 42


def _example_call(topic, questions):
    """Return the example call, e.g. 'labs.quizzes.answer("linear", 3, 1)'."""
    number, option = _example(questions)
    return f'labs.quizzes.answer("{topic}", {number}, {option})'


# --- showing a quiz ------------------------------------------------------------------------------

def quiz_text(topic):
    """Return the quiz as plain text: numbered questions, options numbered from 1, how to answer."""
    questions = load_quiz(topic)
    lines = [f'Quiz "{topic}": {len(questions)} questions.', ""]
    for number, question in enumerate(questions, start=1):
        lines += [""] if number > 1 else []
        lines += textwrap.wrap(f"Q{number}. {question.prompt}", _WIDTH, subsequent_indent="    ",
                               break_long_words=False, break_on_hyphens=False)
        if isinstance(question, MultipleChoice):
            for i, option in enumerate(question.options, start=1):
                lines += textwrap.wrap(f"{i}. {option}", _WIDTH, initial_indent="    ",
                                       subsequent_indent="       ", break_long_words=False)
        else:
            lines.append("    Your answer: a number.")
    lines += ["", how_to_answer(topic)]
    return "\n".join(lines)


def print_quiz(topic):
    """Print the quiz for ``topic`` as text (questions, numbered options, how to answer)."""
    print(quiz_text(topic))


