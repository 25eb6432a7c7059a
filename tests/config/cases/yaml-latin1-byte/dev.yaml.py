def content():
    return "name: dev\nstage: development\n# caf\u00e9\n".encode("latin-1")
