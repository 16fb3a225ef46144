"""Streamlit helpers shared by the pages: filters, data access, charts, session."""
