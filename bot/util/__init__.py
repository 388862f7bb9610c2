"""Small utilities (the clock, spreadsheets, logging set-up) that import nothing from the project."""
