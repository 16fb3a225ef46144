"""The large-trust benchmark (product.md §7): `.venv/bin/python -m bench`, from the repository's
folder. It lives outside the safeguarding package because it is a developer's tool: an
installation of the dashboard has no use for it, and it needs the repository's pages/."""
