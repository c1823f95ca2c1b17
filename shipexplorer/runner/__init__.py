"""``shipexplorer run``: saved requests run from a terminal or CI, without a window and without Qt.

:mod:`.cli` parses the arguments and sets the exit status, :mod:`.connection` finds where to send
(a profile and its key in the keyring, the ``STEAMSHIP_*`` variables, or the embedded emulator),
:mod:`.collect` reads the saved requests, :mod:`.execute` sends one (variables filled in, its task
waited for with the app's adaptive polling, checks and captures applied) and :mod:`.report`
prints the lines and writes JUnit XML. Nothing here imports PySide6 (an import-linter contract
and a fresh-interpreter test check it).
"""
