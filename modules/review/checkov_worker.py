"""A checkov that has already paid for its import: run by checkov's own Python, not imported by us.

checkov spends ~7 s of CPU importing itself before it reads a file (on the sample that is most of
a scan). The review starts this worker in checkov's environment before it synthesizes, so the
import runs on the core synthesis leaves idle; each scan is then a fork of the imported process
running exactly what checkov's `checkov` command runs (`Checkov(argv).run()`), with its output
in a file. Forked scans share the imported pages, so two of them cost little more memory than one.

Protocol (one JSON object per line): the worker prints {"ready": true} once imported; for each
line {"id": N, "argv": [...], "output": PATH} it forks a scan (at most PARALLEL at a time, its
one argument, default 2) and, when that ends, prints {"id": N, "exit": CODE}. End of input: it
waits for its scans and exits.
"""

from __future__ import annotations

import json
import os
import sys
import warnings


def _scan(argv: list[str], output: str) -> int:
    """In the forked child: checkov's command line, stdout and stderr into `output`."""
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    from checkov.main import Checkov  # type: ignore[import-not-found]  # checkov's environment

    sys.argv = ["checkov", *argv]
    with warnings.catch_warnings():  # as checkov's own entry point
        warnings.simplefilter("ignore", category=SyntaxWarning)
        code = Checkov(argv).run()
    return int(code or 0)


def _child(argv: list[str], output: str) -> None:
    try:
        code = _scan(argv, output)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 2
    except BaseException:  # a crash is reported as checkov's exit code 2
        import traceback

        traceback.print_exc()
        code = 2
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def main() -> None:
    # Its import runs beside synthesis, which the review waits for: synthesis goes first.
    os.nice(10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=SyntaxWarning)
        import checkov.main  # type: ignore[import-not-found]  # noqa: F401 - the point of this process

    parallel = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    print(json.dumps({"ready": True}), flush=True)
    running: dict[int, int] = {}  # pid -> job id
    for line in sys.stdin:
        job = json.loads(line)
        while len(running) >= max(1, parallel):
            _reap(running, block=True)
        pid = os.fork()
        if pid == 0:
            _child(list(job["argv"]), str(job["output"]))
        running[pid] = int(job["id"])
        _reap(running, block=False)
    while running:
        _reap(running, block=True)


def _reap(running: dict[int, int], *, block: bool) -> None:
    while running:
        pid, status = os.waitpid(-1, 0 if block else os.WNOHANG)
        if pid == 0:
            return
        job = running.pop(pid)
        print(json.dumps({"id": job, "exit": os.waitstatus_to_exitcode(status)}), flush=True)
        if block:
            return


if __name__ == "__main__":
    main()
