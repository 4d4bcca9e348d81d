"""The authoring rules every solution notebook follows; each ``find_*_problems`` returns its list of problems.

``RULES`` names every rule; ``find_rule_violations`` runs them all, and the tests run each on every
solution notebook, so a rule added to ``RULES`` is enforced everywhere at once.
"""

import re

from .cells import MACHINE_TAG, SLIDE_TYPES, is_ignored, slide_type
from .learner import has_solution_region

__all__ = [
    "NOTES_LABEL", "VERDICT_CALL", "RULES",
    "find_slide_problems", "find_instructor_note_problems", "find_front_matter_problems",
    "find_exercise_problems", "find_execution_problems", "find_output_problems",
    "find_ignored_output_problems", "find_repository_word_problems", "find_rule_violations",
    "REPOSITORY_WORDS",
]

VERDICT_CALL = "labs.expect."  # a checked verdict line about a learned value (labs/expect.py)


def find_slide_problems(nb):
    """List problems with slide metadata: known types only (none = continue), first cell a slide, notes present."""
    problems = []
    for index, cell in enumerate(nb.cells, 1):
        slideshow = cell.metadata.get("slideshow", {})
        if "slide_type" not in slideshow:
            continue
        kind = slideshow["slide_type"]
        if kind == "-":
            problems.append(f"cell {index}: metadata.slideshow.slide_type is '-'; remove it instead: a cell without "
                            "a slide type continues the slide, and the deck (jupyterlab-slideshow) drops '-' cells.")
        elif kind not in SLIDE_TYPES:
            problems.append(f"cell {index}: metadata.slideshow.slide_type is {kind!r}; "
                            f"expected one of {', '.join(SLIDE_TYPES)}, or none to continue the slide.")
    if nb.cells and slide_type(nb.cells[0]) != "slide":
        problems.append("cell 1: the first cell (the title) must have slide_type 'slide'.")
    if not any(slide_type(c) == "notes" for c in nb.cells):
        problems.append("no speaker notes: add at least one markdown cell with slide_type 'notes'.")
    return problems


NOTES_LABEL = "> **For instructors.**"
_INSTRUCTOR_LEAD = re.compile(r"\W*(?:for\s+)?instructors?\b", re.IGNORECASE)


def find_instructor_note_problems(nb):
    """List instructor notes that read like lesson text: each is a notes cell, one quote labelled 'For instructors'.

    In slides a notes cell is a speaker note; in the notebook a learner reads it, so it must look set
    apart: a markdown blockquote (every line starts with '>') that opens with NOTES_LABEL.
    """
    problems = []
    for index, cell in enumerate(nb.cells, 1):
        text = cell.source.strip()
        if slide_type(cell) == "notes":
            if cell.cell_type != "markdown":
                problems.append(f"cell {index}: a notes cell must be markdown (instructor notes), "
                                f"not {cell.cell_type}.")
            elif not text.startswith(NOTES_LABEL) or any(not line.startswith(">")
                                                         for line in text.splitlines()):
                problems.append(f"cell {index}: instructor notes must be one blockquote that starts with "
                                f"{NOTES_LABEL!r} (every line starting with '>'), so a learner sees they are "
                                f"for instructors; it starts {text[:40]!r}.")
        elif cell.cell_type == "markdown" and _INSTRUCTOR_LEAD.match(text.lstrip("> *")):
            problems.append(f"cell {index}: this reads as an instructor note ({text[:40]!r}); give it slide_type "
                            f"'notes' and start it with {NOTES_LABEL!r}.")
    return problems


def _objective_bullets(text):
    """Count the first list after the 'Learning objectives' line (before the next heading)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if "learning objectives" in line.lower())
    count = 0
    for line in lines[start + 1:]:
        if re.match(r"^(?:[-*+]|\d+[.)])\s+\S", line):
            count += 1
        elif count and line[:1].isspace() and line.strip():
            continue  # a wrapped line or a sub-bullet of the current objective
        elif count or line.lstrip().startswith("#"):
            break
    return count


def find_front_matter_problems(nb):
    """List problems with the opening: objectives (3-5 bullets), estimated time, then labs.setup()."""
    problems = []
    first_md = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first_md is None:
        return ["no markdown cell: the first one holds the title, objectives and estimated time."]
    text = first_md.source
    if "learning objectives" not in text.lower():
        problems.append("the first markdown cell has no 'Learning objectives'.")
    elif not 3 <= _objective_bullets(text) <= 5:
        problems.append(f"'Learning objectives' lists {_objective_bullets(text)} bullets; use 3 to 5.")
    if "estimated time" not in text.lower():
        problems.append("the first markdown cell has no 'Estimated time'.")
    first_code = next((c for c in nb.cells if c.cell_type == "code"), None)
    if first_code is None or "labs.setup(" not in first_code.source:
        problems.append("the first code cell must be the setup cell: import labs; labs.setup().")
    return problems


def find_exercise_problems(nb):
    """List exercise cells whose next code cell is not a check (``check_...``)."""
    problems = []
    code = [(i, c) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"]
    for (index, cell), following in zip(code, code[1:] + [(None, None)]):
        if has_solution_region(cell.source) and (following[1] is None or "check_" not in following[1].source):
            problems.append(f"cell {index}: an exercise must be followed by a check cell "
                            "(labs.checks.check_xxx(my_function)).")
    return problems


def find_execution_problems(nb):
    """List problems showing the solution was not run top to bottom in one kernel."""
    problems, expected = [], 1
    for index, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        if not cell.source.strip():
            problems.append(f"cell {index}: empty code cell; delete it.")
        elif cell.execution_count != expected:
            problems.append(f"cell {index}: execution_count is {cell.execution_count}, expected {expected}; "
                            "run tools/execute_notebooks.py --write on it.")
            break
        else:
            expected += 1
    return problems


def find_output_problems(nb):
    """List error outputs and warnings in stored outputs (cells tagged raises-exception may error)."""
    problems = []
    for index, cell in enumerate(nb.cells, 1):
        allowed_error = "raises-exception" in cell.metadata.get("tags", [])
        for out in cell.get("outputs", []):
            if out.output_type == "error" and not allowed_error:
                problems.append(f"cell {index}: stored error output {out.ename}: {out.evalue}")
            if out.output_type == "stream" and out.name == "stderr" and "warning" in out.text.lower():
                problems.append(f"cell {index}: a warning on stderr: {out.text.strip()[:200]!r}")
    return problems


def find_ignored_output_problems(nb):
    """List ignored cells that are neither machine-specific nor followed by a checked verdict.

    A cell showing a learned value (an accuracy, a history) is ignored by nbval; one of
    the next two code cells must then print a verdict with labs.expect, which nbval checks.
    Timings, progress and the machine report carry the machine-specific tag instead.
    """
    problems = []
    code = [(i, c) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"]
    for position, (index, cell) in enumerate(code):
        if not is_ignored(cell) or MACHINE_TAG in cell.metadata.get("tags", []):
            continue
        following = [c for _, c in code[position + 1:position + 3]]
        if not any(VERDICT_CALL in c.source and not is_ignored(c) for c in following):
            problems.append(f"cell {index}: its output is ignored by nbval, but neither of the next two code "
                            f"cells prints a checked verdict ({VERDICT_CALL}at_least, at_most, between or ordered); tag it "
                            f"{MACHINE_TAG!r} if it only shows timings or machine details.")
    return problems


# Words only the course's authors understand: the material the course grew from, and our test jargon.
# A learner never saw "the talks" or "the slides"; cite a published source instead ("Chollet's
# cats-vs-dogs experiment in *Deep Learning with Python*"). "band" was the verdicts' word for an
# expected range; SYLLABUS.md is not in a learner's copy; "the benchmark" is a script a learner has not met
# (name it once as what it is: "a script in the repository ...: `python benchmarks/transfer.py`").
REPOSITORY_WORDS = re.compile(
    r"\bthe talks?\b|\btalks'|\bsource talks?\b|\bthe seeds\b|\bseeds'|\bbands?\b|\blecture\b"
    r"|\bof the slides\b|\bSYLLABUS\b|\bnot compared when the notebooks are tested\b"
    r"|\bthe benchmark\b",
    re.IGNORECASE)


def find_repository_word_problems(nb):
    """List the words only the course's authors understand, in markdown cells and in printed check/verdict lines."""
    problems = []
    for index, cell in enumerate(nb.cells, 1):
        texts = [("markdown", cell.source)] if cell.cell_type == "markdown" else [
            ("output", out.get("text", "")) for out in cell.get("outputs", []) if out.get("output_type") == "stream"]
        for where, text in texts:
            for match in REPOSITORY_WORDS.finditer(text):
                context = text[max(0, match.start() - 40):match.end() + 40].replace("\n", " ")
                problems.append(f"cell {index} ({where}): {match.group(0)!r} means nothing to a learner "
                                f"(...{context}...); name a published source or say it in a learner's words.")
    return problems


RULES = {
    "slides": find_slide_problems,
    "instructor-notes": find_instructor_note_problems,
    "front-matter": find_front_matter_problems,
    "exercises": find_exercise_problems,
    "executed": find_execution_problems,
    "clean-outputs": find_output_problems,
    "ignored-outputs": find_ignored_output_problems,
    "repository-words": find_repository_word_problems,
}


def find_rule_violations(nb):
    """Return every authoring-rule problem of a solution notebook (empty list when it is fine)."""
    return [problem for rule in RULES.values() for problem in rule(nb)]
