def content():
    return ("name: " + "[" * 5000 + "]" * 5000 + "\n").encode()
