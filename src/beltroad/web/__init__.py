"""The web application: ``create_app(settings)``; JSON under /api, HTML pages elsewhere."""
