"""Streamlit helpers shared by the pages: data access, sidebar, charts, tables."""
