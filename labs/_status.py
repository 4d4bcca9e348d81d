"""The status marks the course prints: every emoji comes with a word, the one home of both.

Without a colour-emoji font ✅, ❌ and ⬜ render as the same empty box, so a mark is
never the emoji alone: "✅ passed — ...", "❌ failed — ...". Checks, verdicts, the
readiness report and quiz feedback all take their marks from here; ``python -m labs.data
status`` and ``python -m labs.pretrained status`` their table layout.
"""

__all__ = ["CHECK_PASSED", "CHECK_FAILED", "CHECK_TO_DO", "VERDICT_OK", "VERDICT_UNEXPECTED", "VERDICT_COMPARE", "READY", "NOT_READY",
           "AVAILABLE", "MISSING", "RIGHT", "WRONG", "NOT_GRADED", "status_line", "format_status_table"]

# exercise checks (labs.checks.core): the learner's function is right, wrong, or still the stub
CHECK_PASSED, CHECK_FAILED, CHECK_TO_DO = "✅ passed", "❌ failed", "❌ to do"
# verdicts on learned values (labs.expect): the threshold, range or ordering holds, or not
VERDICT_OK, VERDICT_UNEXPECTED = "✅ ok", "❌ unexpected"
# ... and on a learner's own data, where the demo's thresholds do not apply: a comparison, never a grade
VERDICT_COMPARE = "📊 compare"
# the readiness report (labs.environment): one line per thing the default profile needs
READY, NOT_READY = "✅ ready", "❌ not ready"
# datasets available offline right now (labs.environment): a missing one is downloaded on first use
AVAILABLE, MISSING = "✅ available", "⬜ missing"
# quiz feedback (labs.quizzes.core): a graded answer, or a response that could not be graded
RIGHT, WRONG, NOT_GRADED = "✅ right", "❌ not quite", "❌ not graded"


def status_line(mark, text):
    """Return one status line: the mark (emoji and word), a dash, then the text."""
    return f"{mark} — {text}"


def format_status_table(rows):
    """Return rows of text cells as a table: the first three columns padded, the last one free, a rule under the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3] for row in rows]
    lines.insert(1, "-" * max(len(line) for line in lines))
    return "\n".join(lines)
