"""The Help menu's dialogs: the keyboard shortcuts (read from the window's own actions) and About
(versions, key storage and folders, as ``--diagnose`` prints them)."""
