"""Verbatim in the browser: the Ask, Compare, Cite and Library pages, one module each in views/.
Display only: what is searched, answered and checked is decided in retrieval/ and index/.

Run with ``streamlit run app.py``. VERBATIM_CORPUS, VERBATIM_INDEX and
VERBATIM_MODEL choose another library or model.
"""

from __future__ import annotations

import streamlit as st

from views.ask import ask_page
from views.cite import cite_page
from views.compare import compare_page
from views.library import library_page
from views.shared import PAGE_PATHS


def main() -> None:
    """The app: the Ask, Compare, Cite and Library pages."""
    st.set_page_config(page_title="Verbatim", page_icon="❝", layout="wide")
    functions = (ask_page, compare_page, cite_page, library_page)
    pages = [
        st.Page(page, title=path.capitalize(), url_path="start" if path == "ask" else path, default=path == "ask")
        for page, path in zip(functions, PAGE_PATHS, strict=True)
    ]
    # The default page opens at the app's root, and only there: "/ask", as a person would type or
    # bookmark it, opens the same page, unlisted, instead of a "Page not found" dialog.
    pages.append(st.Page(ask_page, title="Ask", url_path="ask", visibility="hidden"))
    st.navigation(pages).run()


if __name__ == "__main__":
    main()
