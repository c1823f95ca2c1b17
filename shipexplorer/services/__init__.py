"""Qt objects without widgets, each a thin QObject over core/ and api/: signals out, no widgets."""
