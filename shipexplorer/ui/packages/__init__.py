"""Serving a package from its folder: the "Package log" dock, the serve dialog, and their
installation in the main window."""
