def content():
    return b"# padding\n" * 120_000
