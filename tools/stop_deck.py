"""Start JupyterLab out of presentation mode: clear the deck's saved "presenting" state.

jupyterlab-slideshow (the deck: palette → Start Deck / Stop Deck) stores whether a deck is being
presented as the setting ``active`` in the user's JupyterLab settings. A session that ends
mid-presentation (a closed laptop, a killed server) would reopen presenting, before the notebook
is ready, with errors. `make lab` runs this script first; run it by hand before `jupyter lab`
if you start JupyterLab yourself:

    python tools/stop_deck.py
"""

import json
import os
import sys
from pathlib import Path

PLUGIN = Path("jupyterlab-slideshow") / "plugin.jupyterlab-settings"


def settings_dir():
    """Return the JupyterLab user-settings folder (JUPYTERLAB_SETTINGS_DIR, or JupyterLab's default)."""
    if os.environ.get("JUPYTERLAB_SETTINGS_DIR"):
        return Path(os.environ["JUPYTERLAB_SETTINGS_DIR"])
    from jupyterlab.commands import get_user_settings_dir

    return Path(get_user_settings_dir())


def stop_deck(folder=None):
    """Set the deck's saved ``active`` setting to false; return True if it was presenting.

    The settings file is JSON5 (JupyterLab allows comments); it is rewritten as JSON with the
    other deck settings kept. A missing file, or one without ``active``, is left alone.
    """
    import json5

    path = Path(folder or settings_dir()) / PLUGIN
    if not path.is_file():
        return False
    settings = json5.loads(path.read_text(encoding="utf-8") or "{}")
    if settings.get("active") is not True:
        return False
    settings["active"] = False
    path.write_text(json.dumps(settings, indent=4) + "\n", encoding="utf-8")
    return True


def main():
    """Clear the presenting state and say so when there was one."""
    if stop_deck():
        print("The last JupyterLab session ended while presenting a deck; it will open as a notebook.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
