"""Serving RNN Lens from several processes behind nginx (python -m deploy.launch)."""
