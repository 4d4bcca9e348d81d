"""Quiz grading, the answer keys of every quiz, and the widget wrapper."""

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
                assert grade(q, q.answer).correct
                assert not any(grade(q, i).correct for i in range(len(q.options)) if i != q.answer)
            else:
                assert isinstance(q, Numeric) and q.tolerance >= 0
                assert grade(q, q.answer).correct
                assert not grade(q, q.answer + q.tolerance + 1).correct


def test_images_answer_keys_recomputed():
    keys = {q.prompt: q.answer for q in quizzes.load_quiz("images")}
    photo = np.zeros((248, 400, 3), dtype=np.uint8)
    assert keys[next(p for p in keys if "248" in p)] == photo.size == 297_600
    assert keys[next(p for p in keys if "28×28" in p)] == np.zeros((28, 28)).size
    assert keys[next(p for p in keys if "largest value" in p)] == np.iinfo(np.uint8).max
    axis_q = next(q for q in quizzes.load_quiz("images") if "channels" in q.prompt)
    assert q_option_index(axis_q, f"axis {photo.shape.index(3)}") == axis_q.answer


def q_option_index(question, text):
    return question.options.index(text)


def test_images_shuffle_answer_is_the_histogram():
    from labs import images
    photo = np.random.default_rng(0).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    shuffled = images.shuffle_pixels(photo, seed=1)
    assert np.array_equal(images.intensity_histogram(photo), images.intensity_histogram(shuffled))
    q = next(q for q in quizzes.load_quiz("images") if "shuffle" in q.prompt)
    assert "histogram" in q.options[q.answer]


@pytest.mark.parametrize("response, correct", [("297,600", True), ("297600", True), (297600.0, True),
                                               ("297601", False), ("lots", False), ("", False),
                                               (None, False), ("nan", False)])
def test_numeric_grading(response, correct):
    q = Numeric("n?", answer=297600, tolerance=0, explanation="because")
    assert grade(q, response).correct is correct


def test_multiple_choice_grading_accepts_index_or_text_and_rejects_nonsense():
    q = MultipleChoice("pick", options=("a", "b"), answer=1, explanation="b")
    assert grade(q, "b").correct and grade(q, 1).correct
    assert "not one of the options" in grade(q, "c").message
    assert "no option 5" in grade(q, 5).message
    assert not grade(q, True).correct
    assert not grade(q, 0).correct


def test_grade_rejects_unknown_question_types():
    with pytest.raises(TypeError, match="MultipleChoice or Numeric"):
        grade("what?", 1)


def test_unknown_topic_and_bad_number_give_clear_errors():
    with pytest.raises(ValueError, match="topic must be one of"):
        quizzes.load_quiz("nope")
    with pytest.raises(ValueError, match="number must be 1 to"):
        quizzes.answer("images", 0, 1)


def test_answer_without_widgets(capsys):
    assert quizzes.answer("images", 1, "297,600").correct
    assert "297,600" in capsys.readouterr().out


def test_widget_gives_immediate_feedback():
    box = quizzes.show_quiz("images")
    numeric, _, choice = box.children[:3]
    numeric.children[1].children[0].value = "297600"
    assert "Correct" in numeric.children[2].value
    choice.children[1].value = choice.children[1].options[0]
    assert "Not quite" in choice.children[2].value
