"""Helpers for testing the ✅/❌ exercise checks (imported by the test_<topic>.py files)."""


def unfinished_exercise(*args, **kwargs):
    """Stand in for a learner function that is still the notebook's stub."""
    raise NotImplementedError("Exercise")


def printed_line(capsys):
    """Return the one line a check printed, failing the test if it printed more or less."""
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"a check prints exactly one line, got {out!r}"
    return out.strip()
