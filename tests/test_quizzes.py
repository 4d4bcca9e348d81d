"""Quiz grading (options and questions counted from 1), the answer keys of every quiz, the text and widget views."""

import math
import re

import numpy as np
import pytest

from labs import quizzes
from labs.quizzes import MultipleChoice, Numeric, grade


def test_every_topic_has_a_valid_quiz():
    topics = quizzes.quiz_topics()
    assert {"welcome", "images"} <= set(topics)
    for topic in topics:
        questions = quizzes.load_quiz(topic)
        assert 3 <= len(questions) <= 8, topic
        for q in questions:
            assert q.prompt.strip() and q.explanation.strip()
            if isinstance(q, MultipleChoice):
                assert len(q.options) >= 2 and len(set(q.options)) == len(q.options)
                assert 0 <= q.answer < len(q.options)
                numbers = range(1, len(q.options) + 1)
                assert [grade(q, n).correct for n in numbers] == [n == q.answer + 1 for n in numbers], q.prompt
                assert grade(q, q.options[q.answer]).correct
                as_text = grade(q, str(q.answer + 1))  # "1" is ambiguous where another option reads "1"
                assert as_text.correct or (str(q.answer + 1) in q.options and "ambiguous" in as_text.message)
            else:
                assert isinstance(q, Numeric) and q.tolerance >= 0
                assert grade(q, q.answer).correct and grade(q, str(q.answer)).correct
                assert not grade(q, q.answer + q.tolerance + 1).correct


def test_no_question_refers_to_an_option_by_number():
    for topic in quizzes.quiz_topics():
        for q in quizzes.load_quiz(topic):
            assert not re.search(r"\b(option|answer|choice)s? \d", q.prompt + q.explanation, re.I), q.prompt


# --- answer keys, recomputed ---------------------------------------------------------------------

def test_images_answer_keys_recomputed():
    keys = {q.prompt: q.answer for q in quizzes.load_quiz("images")}
    photo = np.zeros((248, 400, 3), dtype=np.uint8)
    assert keys[next(p for p in keys if "248" in p)] == photo.size == 297_600
    assert keys[next(p for p in keys if "28×28" in p)] == np.zeros((28, 28)).size
    assert keys[next(p for p in keys if "largest value" in p)] == np.iinfo(np.uint8).max
    axis_q = next(q for q in quizzes.load_quiz("images") if "channels" in q.prompt)
    assert axis_q.options[axis_q.answer] == f"axis {photo.shape.index(3)}"


def test_images_shuffle_answer_is_the_histogram():
    from labs import images
    photo = np.random.default_rng(0).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    shuffled = images.shuffle_pixels(photo, seed=1)
    assert np.array_equal(images.intensity_histogram(photo), images.intensity_histogram(shuffled))
    q = next(q for q in quizzes.load_quiz("images") if "shuffle" in q.prompt)
    assert "histogram" in q.options[q.answer]


def test_linear_answer_keys_recomputed():
    q1, q2, q3, q4, q5 = quizzes.load_quiz("linear")
    assert q1.answer == 10 * 28 * 28 + 10
    scores = np.array([-4.64, -2.68, 2.87, -2.08, -2.26])
    assert q2.answer == pytest.approx(np.exp(scores[2]) / np.exp(scores).sum(), abs=q2.tolerance)
    assert q3.options[q3.answer] == "softmax"
    assert q4.answer == pytest.approx(-math.log(0.1), abs=q4.tolerance)
    assert q5.options[q5.answer].startswith("L1")


def test_welcome_answer_keys():
    q1, q2, q3, q4 = quizzes.load_quiz("welcome")
    assert q1.options[q1.answer].startswith("Edit the exercise cell")
    assert q2.options[q2.answer] == "solutions/"
    assert q3.options[q3.answer] == "LABS_PROFILE=full"
    assert q4.answer == 90


# --- the reported bugs: options count from 1 ------------------------------------------------------

def test_linear_q5_answered_1_is_the_first_option_and_wrong(capsys):
    feedback = quizzes.answer("linear", 5, 1)
    out = capsys.readouterr().out
    assert not feedback.correct
    assert 'You chose 1, "L2: reg × sum of W²"' in out and "❌ not quite" in out and "✅" not in out


def test_linear_q3_answered_2_is_softmax_and_right(capsys):
    assert quizzes.load_quiz("linear")[2].options[1] == "softmax"
    assert quizzes.answer("linear", 3, 2).correct
    out = capsys.readouterr().out
    assert out.startswith('Q3. You chose 2, "softmax": ✅ right.') and "Softmax normalises" in out


def test_option_0_is_not_an_option_and_says_options_count_from_1():
    q = quizzes.load_quiz("linear")[2]
    feedback = grade(q, 0)
    assert not feedback.correct and "no option 0" in feedback.message and "numbered from 1" in feedback.message
    assert "1. sigmoid, 2. softmax, 3. both, 4. neither" in feedback.message


# --- grading multiple choice ---------------------------------------------------------------------

CHOICE = MultipleChoice("pick", options=("sigmoid", "Soft max", "both"), answer=1, explanation="because")


@pytest.mark.parametrize("response", [2, np.int64(2), "2", " 2 ", "soft max", "SOFT   MAX", " Soft max\n", "2. Soft max",
                                      "2) soft max"])
def test_multiple_choice_accepts_the_number_from_1_or_the_text(response):
    feedback = grade(CHOICE, response)
    assert feedback.correct and feedback.message.startswith('You chose 2, "Soft max": ✅ right. because')


@pytest.mark.parametrize("response, expected", [
    (1, 'You chose 1, "sigmoid": ❌ not quite.'),
    ("Sigmoid", 'You chose 1, "sigmoid": ❌ not quite.'),
    (4, "❌ not graded — there is no option 4; pick 1 to 3: 1. sigmoid, 2. Soft max, 3. both."),
    (-1, "❌ not graded — there is no option -1; pick 1 to 3"),
    ("softmax", '❌ not graded — "softmax" is not one of the options. Type an option number (1 to 3) or an option\'s exact text: '
                "1. sigmoid, 2. Soft max, 3. both."),
    ("soft", '❌ not graded — "soft" is not one of the options'),
    ("1. Soft max", '❌ not graded — "1. Soft max" is not one of the options'),
    (True, "❌ not graded — answer with an option number from 1 to 3 or an option's text, got True."),
    (2.0, "❌ not graded — answer with an option number from 1 to 3 or an option's text, got 2.0."),
    ("", "❌ not graded — no answer yet: pick an option first."),
    (None, "❌ not graded — no answer yet"),
])
def test_multiple_choice_wrong_or_unusable_answers_are_feedback_not_errors(response, expected):
    feedback = grade(CHOICE, response)
    assert not feedback.correct and feedback.message.startswith(expected)


def test_options_that_are_numbers_are_matched_as_text_or_called_ambiguous():
    q = MultipleChoice("flat patch?", options=("0", "the brightness", "1", "255"), answer=0, explanation="sum 0")
    assert grade(q, "0").correct and grade(q, 1).correct and grade(q, 0).correct  # option 1 reads "0"
    assert grade(q, "255").message.startswith('You chose 4, "255"') and grade(q, 255).message.startswith("You chose 4")
    ambiguous = grade(q, "1")
    assert not ambiguous.correct
    assert ambiguous.message == ('❌ not graded — "1" is ambiguous: option 1 is "0" but option 3 reads "1". '
                                 "Give the option number without quotes: 1 or 3.")
    same = MultipleChoice("tie?", options=("1", "3", "no prediction"), answer=0, explanation="smallest label")
    assert grade(same, "1").correct  # text "1" is option 1: not ambiguous
    assert "ambiguous" in grade(same, "3").message


# --- feedback on each wrong option, and where the right options sit ---------------------------------

def _choices():
    """Yield (topic, question number from 1, question) for every multiple-choice question of every quiz."""
    for topic in quizzes.quiz_topics():
        for number, q in enumerate(quizzes.load_quiz(topic), start=1):
            if isinstance(q, MultipleChoice):
                yield topic, number, q


def test_every_wrong_option_of_every_question_has_its_own_feedback():
    checked = 0
    for topic, number, q in _choices():
        wrong = [o for i, o in enumerate(q.options) if i != q.answer]
        assert sorted(o for o, _ in q.mistakes) == sorted(wrong), (topic, number)
        for option, why in q.mistakes:
            index = q.options.index(option)
            given = grade(q, index + 1)
            assert not given.correct and given.message == (f'You chose {index + 1}, "{option}": ❌ not quite. {why} '
                                                           "Try another option."), (topic, number, option)
            as_text = grade(q, option)  # answered with the option's text ("1" is ambiguous where option 1 reads "0")
            assert as_text.message == given.message or "ambiguous" in as_text.message
            assert "Think again" not in given.message and q.explanation not in given.message
            assert why.strip() == why and why.endswith((".", "!", "?")) and len(why) <= 200, why
            checked += 1
        right = grade(q, q.answer + 1)
        assert right.correct and right.message.endswith(q.explanation)
        assert not any(why in right.message for _, why in q.mistakes)
    assert checked >= 100


def test_wrong_option_feedback_replaces_the_generic_line_and_moves_with_its_option():
    q = MultipleChoice("pick", options=("sigmoid", "Soft max", "both"), answer=1, explanation="because",
                       mistakes=(("SIGMOID", "Sigmoid treats each score on its own."),))
    assert grade(q, 1).message == 'You chose 1, "sigmoid": ❌ not quite. Sigmoid treats each score on its own. ' \
                                  "Try another option."
    assert grade(q, 3).message == 'You chose 3, "both": ❌ not quite. Think again, then try another option.'
    moved = MultipleChoice("pick", options=("both", "Soft max", "sigmoid"), answer=1, explanation="because",
                           mistakes=q.mistakes)
    assert "Sigmoid treats each score" in grade(moved, 3).message and "Think again" in grade(moved, 1).message
    assert grade(q, 2).message == 'You chose 2, "Soft max": ✅ right. because'


@pytest.mark.parametrize("mistakes, error, match", [
    ((("tanh", "why"),), ValueError, "not one of the options"),
    ((("b", "why"),), ValueError, "names the right option"),
    ((("a", "why"), (" A ", "again")), ValueError, "a second time"),
    ((("a", ""),), ValueError, "feedback must not be empty"),
    (("a",), TypeError, "pair"),
    ({"a": "why"}, TypeError, "mistakes must be a tuple"),
])
def test_multiple_choice_rejects_bad_mistakes(mistakes, error, match):
    with pytest.raises(error, match=match):
        MultipleChoice("pick", options=("a", "b", "c"), answer=1, explanation="why", mistakes=mistakes)


def test_right_options_are_spread_over_the_positions():
    positions = [q.answer for _, _, q in _choices()]
    counts = np.bincount(positions)
    assert len(counts) >= 4 and counts.max() <= math.ceil(len(positions) / 3), counts  # about a quarter each
    for topic in quizzes.quiz_topics():
        mine = [q.answer for t, _, q in _choices() if t == topic]
        assert len(mine) < 2 or len(set(mine)) > 1, (topic, mine)


def test_the_learners_likely_wrong_numbers_get_their_own_feedback():
    from labs import overfitting

    stop_q = next(q for q in quizzes.load_quiz("augment") if "patience 2" in q.prompt)
    curve = [float(v) for v in stop_q.prompt.split("is ")[1].split(". With")[0].split(", ")]
    best, never_reset = math.inf, 0  # the counter of epochs without improvement, never set back to 0
    for epoch, loss in enumerate(curve, start=1):
        never_reset += loss >= best
        best = min(best, loss)
        if never_reset >= 2:
            break
    assert (epoch, overfitting.compute_early_stop(curve, 2)) == (6, (5, 7))
    assert "resets the count" in grade(stop_q, 6).message and "best epoch" in grade(stop_q, 5).message
    f1_q = next(q for q in quizzes.load_quiz("capstone") if isinstance(q, Numeric))
    assert "That is the accuracy" in grade(f1_q, "0.9").message and "accuracy" in grade(f1_q, "0,90").message
    assert "You typed a percentage" in grade(f1_q, "43").message and grade(f1_q, "43%").correct
    for topic in ("augment", "transfer", "visualise", "capstone"):  # quizzes 08-12 (finetune has no numbers)
        for q in quizzes.load_quiz(topic):
            assert not isinstance(q, Numeric) or len(q.mistakes) >= 2, (topic, q.prompt)


def test_grade_rejects_unknown_question_types():
    with pytest.raises(TypeError, match="MultipleChoice or Numeric"):
        grade("what?", 1)


# --- grading numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize("response, correct", [("297,600", True), ("297600", True), (" 297_600 ", True),
                                               (297600.0, True), (np.int64(297600), True), ("297601", False),
                                               ("lots", False), ("", False), (None, False), ("nan", False),
                                               ("inf", False), (True, False)])
def test_numeric_grading(response, correct):
    q = Numeric("n?", answer=297600, tolerance=0, explanation="because")
    assert grade(q, response).correct is correct


def test_numeric_feedback_repeats_the_answer_and_says_which_way():
    q = Numeric("p?", answer=0.98, tolerance=0.005, explanation="e^2.87 / total")
    assert grade(q, "0.984").message == "You answered 0.984: ✅ right. e^2.87 / total"
    assert grade(q, 0.5).message == "You answered 0.5: ❌ not quite, that is too low. Try again."
    assert grade(q, 2).message == "You answered 2: ❌ not quite, that is too high. Try again."
    assert grade(q, "lots").message.startswith("❌ not graded — 'lots' is not a number")


@pytest.mark.parametrize("response, expected", [
    ("146,8", "You answered 146,8 (read as 146.8, with a decimal comma): ✅ right."),  # the reported bug: not 1468
    ("146.8", "You answered 146.8: ✅ right."),
    (" 146,8 ", "You answered 146,8 (read as 146.8, with a decimal comma): ✅ right."),
    ("146,5", "You answered 146,5 (read as 146.5): ❌ not quite, that is too low."),
    ("150,1", "You answered 150,1 (read as 150.1): ❌ not quite, that is too high."),
    ("21,563", "You answered 21,563: ❌ not quite. That is the squared distance: take its square root."),
    ("249", "You answered 249: ❌ not quite. That is the L1 distance"),
    ("1,468", "You answered 1,468: ❌ not quite, that is too high."),  # three digits after a comma: thousands
    ("146,8 cm", "❌ not graded — '146,8 cm' is not a number; type digits such as 42 or 0.5 (a decimal comma, 0,5, "
                 "works too)."),
])
def test_numeric_reads_a_decimal_comma_and_names_likely_mistakes(response, expected):
    q = quizzes.load_quiz("knn")[1]  # the L2 distance, 146.8 (one decimal)
    assert q.answer == 146.8
    assert grade(q, response).message.startswith(expected)


@pytest.mark.parametrize("answer, tolerance, response, correct, expected", [
    (0.43, 0.01, "43", False, "You answered 43: ❌ not quite. You typed a percentage; write it as a fraction: 43% is 0.43."),
    (0.43, 0.01, 43, False, "You typed a percentage; write it as a fraction"),
    (0.43, 0.01, "42.6", False, "You typed a percentage"),
    (0.43, 0.01, "43%", True, "You answered 43%: ✅ right."),
    (0.43, 0.01, "0,43", True, "You answered 0,43 (read as 0.43, with a decimal comma): ✅ right."),
    (0.43, 0.01, "60", False, "that is too high"),
    (297600, 0, "297.600", False, "Here a dot is a decimal point, so 297.600 means 297.6; write thousands without a "
                                  "separator or with a comma: 297600 or 297,600."),
    (297600, 0, "297.600,0", True, "(read as 297600, with dots between thousands): ✅ right."),
    (297600, 0, "297 600", True, "✅ right."),
    (297600, 0, "297'600", True, "✅ right."),
    (1.468, 0.001, "1,468", True, "(read as 1.468, with a decimal comma): ✅ right."),
    (-3, 0, "\u22123", True, "✅ right."),
])
def test_numeric_percentages_and_thousands_separators(answer, tolerance, response, correct, expected):
    feedback = grade(Numeric("n?", answer=answer, tolerance=tolerance, explanation="because"), response)
    assert feedback.correct is correct and expected in feedback.message, feedback.message


def test_every_declared_numeric_mistake_gets_its_own_feedback():
    declared = 0
    for topic in quizzes.quiz_topics():
        for q in quizzes.load_quiz(topic):
            for value, feedback in q.mistakes if isinstance(q, Numeric) else ():
                declared += 1
                given = grade(q, value)
                assert not given.correct and feedback in given.message, (topic, q.prompt, value)
                assert "too high" not in given.message and "too low" not in given.message
    assert declared >= 60


def test_a_numeric_mistake_cannot_be_the_answer():
    with pytest.raises(ValueError, match="within the tolerance"):
        Numeric("n?", answer=1, tolerance=0.5, explanation="why", mistakes=((1.2, "close"),))
    with pytest.raises(TypeError, match="pair"):
        Numeric("n?", answer=1, tolerance=0, explanation="why", mistakes=(2,))
    assert Numeric("n?", answer=1, tolerance=0, explanation="why", mistakes=[[2, "double"]]).mistakes == ((2, "double"),)


# --- bad quiz data is rejected when the quiz is written --------------------------------------------

@pytest.mark.parametrize("kwargs, error, match", [
    (dict(options=("a", "b"), answer=5), ValueError, r"answer must be the index of the right option, 0 to 1 .* got 5"),
    (dict(options=("a", "b"), answer=-1), ValueError, "0 to 1"),
    (dict(options=("a", "b"), answer=True), TypeError, "answer must be the index"),
    (dict(options=("a", "b"), answer="b"), TypeError, "answer must be the index"),
    (dict(options=("a",), answer=0), ValueError, "at least 2 options"),
    (dict(options="ab", answer=0), TypeError, "options must be a tuple"),
    (dict(options=("a", " A "), answer=0), ValueError, "options must differ"),
    (dict(options=("a", ""), answer=0), ValueError, r"options\[1\] must not be empty"),
])
def test_multiple_choice_rejects_bad_data(kwargs, error, match):
    with pytest.raises(error, match=match):
        MultipleChoice("pick", explanation="why", **kwargs)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(answer=1, tolerance=-1), ValueError, "tolerance must be 0 or more"),
    (dict(answer=1, tolerance=float("nan")), ValueError, "tolerance must be a finite number"),
    (dict(answer=1, tolerance="0"), TypeError, "tolerance must be a number"),
    (dict(answer=float("inf"), tolerance=0), ValueError, "answer must be a finite number"),
    (dict(answer="7", tolerance=0), TypeError, "answer must be a number"),
])
def test_numeric_rejects_bad_data(kwargs, error, match):
    with pytest.raises(error, match=match):
        Numeric("how many?", explanation="why", **kwargs)


def test_questions_need_a_prompt_and_an_explanation():
    with pytest.raises(ValueError, match="prompt must not be empty"):
        Numeric("  ", answer=1, tolerance=0, explanation="why")
    with pytest.raises(TypeError, match="explanation must be a string"):
        MultipleChoice("pick", options=("a", "b"), answer=0, explanation=None)


def test_options_given_as_a_list_are_stored_as_a_tuple():
    assert MultipleChoice("pick", options=["a", "b"], answer=0, explanation="a").options == ("a", "b")


# --- answer() without widgets ----------------------------------------------------------------------

def test_answer_without_widgets(capsys):
    assert quizzes.answer("images", 1, "297,600").correct
    assert capsys.readouterr().out.startswith("Q1. You answered 297,600: ✅ right. 248 × 400")


@pytest.mark.parametrize("number", ["1", " 1 ", np.int64(1)])
def test_answer_accepts_the_question_number_as_text(number, capsys):
    assert quizzes.answer("linear", number, "7,850").correct
    assert capsys.readouterr().out.startswith("Q1. You answered 7,850: ✅ right.")


@pytest.mark.parametrize("number", [0, 6, -1, "6", "three", 2.0, True, None])
def test_answer_with_a_bad_question_number_prints_a_clear_line(number, capsys):
    feedback = quizzes.answer("linear", number, 1)
    out = capsys.readouterr().out
    assert not feedback.correct and out == feedback.message + "\n"
    assert out.startswith('❌ not graded — the "linear" quiz has questions 1 to 5, got ')
    assert 'Example: labs.quizzes.answer("linear", 3, 1).' in out


def test_answer_with_an_unknown_topic_lists_the_topics(capsys):
    feedback = quizzes.answer("lineer", 1, 1)
    assert not feedback.correct
    assert capsys.readouterr().out == f"❌ not graded — there is no quiz \"lineer\". Quizzes: {', '.join(quizzes.quiz_topics())}.\n"
    assert quizzes.answer(" Linear ", 3, 2).correct


def test_a_wrong_answer_is_feedback_never_an_exception(capsys):
    for response in (9, "nonsense", 2.5, None, [1], "inf"):
        assert not quizzes.answer("linear", 3, response).correct
        assert not quizzes.answer("linear", 1, response).correct
    assert all(line.startswith("Q") and "❌" in line for line in capsys.readouterr().out.splitlines())


def test_feedback_repr_is_short():
    assert repr(grade(CHOICE, 2)) == "Feedback(correct=True)"


def test_load_quiz_still_raises_for_an_unknown_topic():
    with pytest.raises(ValueError, match="topic must be one of"):
        quizzes.load_quiz("nope")
    with pytest.raises(ValueError, match="topic must be one of"):
        quizzes.show_quiz("nope")


# --- the text view: readable where widgets cannot show ----------------------------------------------

def test_how_to_answer_is_one_sentence_with_a_working_example(capsys):
    sentence = quizzes.how_to_answer("linear")
    assert sentence == ('No widgets? Type labs.quizzes.answer("linear", 3, 1) in a code cell to answer question 3 '
                        "with option 1 (options count from 1; the option's text works too).")
    for topic in quizzes.quiz_topics():
        call = re.search(r"labs\.quizzes\.answer\((.*?)\)", quizzes.how_to_answer(topic)).group(1)
        feedback = quizzes.answer(*eval(f"({call})"))
        assert not feedback.correct and "You chose" in feedback.message  # a real option, not the right one


@pytest.mark.parametrize("topic", quizzes.quiz_topics())
def test_show_quiz_text_plain_lists_every_question_and_numbered_option(topic):
    box = quizzes.show_quiz(topic)
    bundle = box._repr_mimebundle_()
    text = bundle["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in bundle  # still a live widget in JupyterLab
    assert text == repr(box) == quizzes.quiz_text(topic)
    assert "VBox(" not in text and not re.search(r"0x[0-9a-f]{6,}|[0-9a-f]{32}", text)  # no addresses or model ids
    for number, q in enumerate(quizzes.load_quiz(topic), start=1):
        flat = " ".join(text.split())
        assert f"Q{number}. {q.prompt}" in flat
        if isinstance(q, MultipleChoice):
            for i, option in enumerate(q.options, start=1):
                assert f"{i}. {option}" in flat
    assert text.splitlines()[-1] == quizzes.how_to_answer(topic)
    assert quizzes.show_quiz(topic)._repr_mimebundle_()["text/plain"] == text  # deterministic


def test_quiz_text_for_linear():
    text = quizzes.quiz_text("linear")
    assert text.startswith('Quiz "linear": 5 questions.\n\nQ1. A linear classifier')
    assert "Q3. Which turns the scores into probabilities that always add up to 1 over the classes?\n" \
           "    1. sigmoid\n    2. softmax\n    3. both\n    4. neither\n" in text
    assert "    Your answer: a number." in text
    assert max(len(line) for line in text.splitlines()[:-1]) <= 88


def test_print_quiz(capsys):
    quizzes.print_quiz("welcome")
    assert capsys.readouterr().out == quizzes.quiz_text("welcome") + "\n"


# --- the widget ----------------------------------------------------------------------------------

def test_widget_gives_immediate_feedback_with_options_numbered_from_1():
    box = quizzes.show_quiz("images")
    numeric, _, choice = box.children[:3]
    # a wrapped prompt keeps text line spacing (ipywidgets' HTML line height is one 28 px control row)
    assert numeric.children[0].value == "<div style='line-height:1.4; padding:2px 0'><b>Q1. A colour photo is " \
                                        "248 pixels tall and 400 pixels wide. How many numbers does it hold?</b></div>"
    numeric.children[1].children[0].value = "297600"
    assert "You answered 297600: ✅ right." in numeric.children[2].value
    radio = choice.children[1]
    assert [label for label, _ in radio.options] == ["1. axis 0", "2. axis 1", "3. axis 2"]
    radio.value = 1
    assert "You chose 1, &quot;axis 0&quot;: ❌ not quite." in choice.children[2].value
    radio.value = 3
    assert "You chose 3, &quot;axis 2&quot;: ✅ right." in choice.children[2].value


def test_widget_check_button_grades_the_typed_number():
    box = quizzes.show_quiz("linear")
    entry, button = box.children[0].children[1].children
    entry.value = "7000"
    button.click()
    assert "too low" in box.children[0].children[2].value


def test_capstone_answer_keys_recomputed():
    from sklearn.metrics import accuracy_score, f1_score

    q1, q2, q3, q4, q5 = quizzes.load_quiz("capstone")
    assert "separately collected set" in q1.options[q1.answer]
    assert q2.options[q2.answer].startswith("a simple baseline")
    assert q3.options[q3.answer].startswith("collect more")
    assert "leakage" in q5.options[q5.answer]
    confusion = np.array([[88, 2, 0], [6, 2, 0], [2, 0, 0]])  # the matrix of q4's prompt
    assert "boots [88, 2, 0], tents [6, 2, 0], stoves [2, 0, 0]" in q4.prompt
    y_true = np.repeat(np.repeat(np.arange(3), 3), confusion.ravel())
    y_pred = np.repeat(np.tile(np.arange(3), 3), confusion.ravel())
    assert accuracy_score(y_true, y_pred) == 0.90
    macro = f1_score(y_true, y_pred, labels=[0, 1, 2], average="macro", zero_division=0)
    assert q4.answer == pytest.approx(macro, abs=0.005) and q4.tolerance < abs(0.90 - macro)
