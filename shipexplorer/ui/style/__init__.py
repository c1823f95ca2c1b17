"""The design system: the one place that chooses colours, spacing and type for every widget.

- :mod:`.colors`: semantic colours (success, warning, danger, info, running, neutral) and syntax
  colours, each with a light and a dark value, picked after the palette in use.
- :mod:`.metrics`: spacing on a 4/8 px grid and one type scale.
- :mod:`.theme`: Fusion, the light or dark palette (the desktop's, or forced in the
  Preferences), applied live.
- :mod:`.sheets`: the marks a widget takes by meaning (``badge``, ``banner``, ``tone``,
  ``muted``, ``primary``), each a small sheet of its own in the theme's colours (there is no
  app-wide sheet).
- :mod:`.icons`: icons by meaning from one font (Phosphor), coloured by role.

Widgets ask these modules; no widget writes a colour literal or a pixel size of its own.
"""
