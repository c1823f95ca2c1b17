"""shipexplorer: a native desktop explorer for the Steamship API."""

__version__ = "0.1.0"
APP_NAME = "shipexplorer"
