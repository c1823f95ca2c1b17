"""The app's own logic without Qt: stores, keyring access, task timelines, recipes."""
