"""Overview: placeholder replaced below."""
