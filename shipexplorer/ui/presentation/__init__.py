"""Presentation mode for an audience: recipes, the answer area, task progress."""
