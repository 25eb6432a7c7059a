def content():
    return b"name: " + b"x" * (5 * 1024 * 1024) + b"\n"
