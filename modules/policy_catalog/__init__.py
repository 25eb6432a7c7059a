"""Policy documents checked against AWS's service authorization catalog (pure Python, no cdktf)."""
