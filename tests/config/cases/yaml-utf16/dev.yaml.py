def content():
    return "name: dev\n".encode("utf-16")
