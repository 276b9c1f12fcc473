"""sidebyside: the comparison toolkit (Django vs Flask, one contract)."""
