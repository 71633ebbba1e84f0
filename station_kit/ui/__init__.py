"""Staff apps (DESIGN.md §6): each module's ``app()`` builds one ipywidgets widget that a thin
Voilà notebook in workbooks/apps displays. Apps call services and analytics, and take every label
from the message catalog; ``common`` holds the pieces they share."""
