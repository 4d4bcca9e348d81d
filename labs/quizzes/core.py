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

    ``mistakes``: (option text, feedback) pairs for the wrong options, e.g. ``("sigmoid", "Sigmoid squashes
    each score on its own ...")``; picking that option shows its feedback instead of the generic line. They
    name the option by its text, so reordering the options keeps each feedback with its option.
    """

    prompt: str
    options: tuple
    answer: int
    explanation: str
    mistakes: tuple = ()

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
        if isinstance(self.mistakes, (str, dict)) or not isinstance(self.mistakes, (tuple, list)):
            raise TypeError(f"mistakes must be a tuple of (option, feedback) pairs, "
                            f"got {type(self.mistakes).__name__}.")
        object.__setattr__(self, "mistakes", tuple(tuple(pair) if isinstance(pair, (tuple, list)) else pair
                                                   for pair in self.mistakes))
        named = set()
        for i, pair in enumerate(self.mistakes):
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise TypeError(f"mistakes[{i}] must be an (option, feedback) pair, got {pair!r}.")
            option, feedback = pair
            _require_text(option, f"mistakes[{i}]'s option")
            _require_text(feedback, f"mistakes[{i}]'s feedback")
            if _normalise(option) not in keys:
                raise ValueError(f"mistakes[{i}] names {option!r}, which is not one of the options {self.options}.")
            index = keys.index(_normalise(option))
            if index == self.answer:
                raise ValueError(f"mistakes[{i}] names the right option {option!r}; its feedback is the explanation.")
            if index in named:
                raise ValueError(f"mistakes[{i}] names {option!r} a second time.")
            named.add(index)

    def feedback_for(self, index):
        """Return the feedback on the wrong option at 0-based ``index``, or None if it has none."""
        for option, feedback in self.mistakes:
            if _normalise(option) == _normalise(self.options[index]):
                return feedback
        return None


@dataclass(frozen=True)
class Numeric:
    """A question whose answer is a number, accepted within ``tolerance`` (0 = exactly).

    ``mistakes``: (value, feedback) pairs for the likely wrong answers, e.g. ``(249, "that is the L1
    distance: ...")``; a response within ``tolerance`` of such a value gets that feedback.
    """

    prompt: str
    answer: float
    tolerance: float
    explanation: str
    mistakes: tuple = ()

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
        if isinstance(self.mistakes, (str, dict)) or not isinstance(self.mistakes, (tuple, list)):
            raise TypeError(f"mistakes must be a tuple of (value, feedback) pairs, got {type(self.mistakes).__name__}.")
        object.__setattr__(self, "mistakes", tuple(tuple(pair) if isinstance(pair, (tuple, list)) else pair
                                                   for pair in self.mistakes))
        for i, pair in enumerate(self.mistakes):
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise TypeError(f"mistakes[{i}] must be a (value, feedback) pair, got {pair!r}.")
            value, feedback = pair
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
                raise TypeError(f"mistakes[{i}]'s value must be a finite number, got {value!r}.")
            _require_text(feedback, f"mistakes[{i}]'s feedback")
            if abs(value - self.answer) <= self.tolerance:
                raise ValueError(f"mistakes[{i}] ({value!r}) is within the tolerance of the answer {self.answer!r}.")


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
    why = question.feedback_for(chosen)
    if why:
        return Feedback(False, f"{you_chose}: {WRONG}. {why} Try another option.")
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


_DIGITS = r"(?:\d+(?:\.\d*)?|\.\d+)"
_PLAIN = re.compile(rf"[+-]?{_DIGITS}(?:e[+-]?\d+)?", re.IGNORECASE)
_COMMA_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?")    # 297,600 or 1,296.5
_DOT_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d*)?")      # 297.600,5 (1.296.000)
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")                                 # 146,8 or 0,43
_SPACE_THOUSANDS = re.compile(r"([+-]?\d{1,3})((?:[ \u00a0\u202f']\d{3})+)([.,]\d+)?")  # 297 600 or 297'600


def _readings(text):
    """Return the numbers a typed answer can mean, most likely first: [(value, how it was read), ...].

    297,600 and 297600 are the same number; 146,8 (a decimal comma) is 146.8; 1.296.000,5 is 1296000.5;
    297 600 and 297'600 are 297600; 43% is 0.43. A comma followed by exactly three digits (1,468) is
    read as a thousands separator first and as a decimal comma second. Raises ValueError for no number.
    """
    text = text.replace("_", "").replace("\u2212", "-").strip()  # 297_600; a typographic minus sign
    percent = text.endswith("%")
    text = text[:-1].strip() if percent else text
    spaced = _SPACE_THOUSANDS.fullmatch(text)
    if spaced and any(c in text for c in " \u00a0\u202f'"):
        text = spaced.group(1) + re.sub(r"[ \u00a0\u202f']", "", spaced.group(2)) + (spaced.group(3) or "")
    readings = []
    if _PLAIN.fullmatch(text):
        readings.append((float(text), None))
    elif _COMMA_THOUSANDS.fullmatch(text):
        readings.append((float(text.replace(",", "")), None))
        if text.count(",") == 1 and "." not in text:  # 1,468: perhaps a decimal comma
            readings.append((float(text.replace(",", ".")), "a decimal comma"))
    elif _DOT_THOUSANDS.fullmatch(text):
        readings.append((float(text.replace(".", "").replace(",", ".")), "dots between thousands"))
    elif _DECIMAL_COMMA.fullmatch(text):
        readings.append((float(text.replace(",", ".")), "a decimal comma"))
    if not readings:
        raise ValueError(text)
    if percent:
        readings = [(value / 100, "a percentage") for value, _ in readings]
    return readings


def _shown(typed, value):
    """Return the answer as the learner typed it, or a number formatted without a needless .0."""
    if isinstance(typed, str):
        return typed
    return f"{value:g}" if value != int(value) else f"{int(value)}"


def _likely_mistake(question, typed, value):
    """Return the feedback on a known wrong answer (the question's own mistakes, a percentage, ...), or None."""
    for mistake, feedback in question.mistakes:
        if abs(value - mistake) <= max(question.tolerance, 1e-9 * max(1.0, abs(mistake))):
            return feedback
    answer, tolerance = question.answer, question.tolerance
    if 0 < abs(answer) < 1 and abs(value - 100 * answer) <= max(100 * tolerance, 1e-9):
        return f"You typed a percentage; write it as a fraction: {_shown(typed, value)}% is {value / 100:g}."
    if isinstance(typed, str) and re.fullmatch(r"[+-]?\d{1,3}\.\d{3}", typed.strip()) \
            and abs(value * 1000 - answer) <= tolerance:
        digits = typed.strip()
        return (f"Here a dot is a decimal point, so {digits} means {value:g}; write thousands without a separator "
                f"or with a comma: {digits.replace('.', '')} or {digits.replace('.', ',')}.")
    return None


def _grade_number(question, response):
    """Grade a numeric response: a number, or text such as '297,600', '146,8' (decimal comma) or '43%'."""
    typed = response.strip() if isinstance(response, str) else response
    try:
        if isinstance(typed, bool):
            raise ValueError
        readings = _readings(typed) if isinstance(typed, str) else [(float(typed), None)]
    except (TypeError, ValueError):
        return _not_graded(f"{typed!r} is not a number; type digits such as 42 or 0.5 (a decimal comma, "
                           "0,5, works too).")
    if not all(math.isfinite(value) for value, _ in readings):
        return _not_graded(f"{typed!r} is not a finite number; type digits such as 42 or 0.5.")
    shown = _shown(typed, readings[0][0])
    for value, how in readings:
        if abs(value - question.answer) <= question.tolerance:
            read_as = f" (read as {value:g}, with {how})" if how in ("a decimal comma", "dots between thousands") \
                else ""
            return Feedback(True, f"You answered {shown}{read_as}: {RIGHT}. {question.explanation}")
    value, how = readings[0]
    mistake = _likely_mistake(question, typed, value)
    if mistake:
        return Feedback(False, f"You answered {shown}: {WRONG}. {mistake} Try again.")
    read_as = f" (read as {value:g})" if how in ("a decimal comma", "dots between thousands") else ""
    direction = "too high" if value > question.answer else "too low"
    return Feedback(False, f"You answered {shown}{read_as}: {WRONG}, that is {direction}. Try again.")


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


