"""History and saved requests: their docks and models."""
