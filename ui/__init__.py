"""Shared pieces of the Streamlit app (app.py, pages/): strings in two languages, the cached store,
HTML escaping and highlighting, the graph widget. Pages import from here and from graph/ only."""
