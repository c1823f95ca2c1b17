"""Small shared widgets: notice bar, error label, column headers, app icon, JSON highlighter."""
