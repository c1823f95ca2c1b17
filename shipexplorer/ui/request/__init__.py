"""Request tabs, the request panel, the JSON body editor and method form, request actions."""
