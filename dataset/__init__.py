"""Dataset loaders. Files are looked up in ``$SCRATCHNLP_DATA``, then in the user cache."""
