def content():
    return "name: prod\n# 本番\n".encode("shift_jis")
