def content():
    return b"name: [" + b"1," * 60_000 + b"]\n"
