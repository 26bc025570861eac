"""The app's pages (Ask, Compare, Cite, Library), one module each, and what they share; app.py runs them."""
