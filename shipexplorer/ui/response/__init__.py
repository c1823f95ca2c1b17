"""The response view: tree, raw, rendered and pretty views, search and filter, the diff view."""
