import common  # noqa: F401  (before NumPy loads: see common.config)
