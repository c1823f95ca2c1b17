"""The Tasks dock: task table, detail, timeline bar, actions and notifications."""
