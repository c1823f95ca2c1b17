"""Widgets, one folder per feature; the main window and its docks at the top."""
