"""Connection profiles and preferences: dialogs, switcher, key field, import."""
