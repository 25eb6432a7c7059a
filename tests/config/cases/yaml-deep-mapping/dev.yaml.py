def content():
    return "".join(" " * i + f"k{i}:\n" for i in range(40)).encode() + b" " * 40 + b"x: 1\n"
