"""Workspaces and package instances: the sidebar, workspace selector and create-instance dialog."""
