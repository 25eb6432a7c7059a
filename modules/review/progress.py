"""Progress: a live spinner with rich on a terminal, one plain line per event in CI and in logs."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from rich.console import Console


class Progress(Protocol):
    def step(self, title: str) -> AbstractContextManager[None]: ...

    def note(self, text: str) -> None: ...


def use_rich() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


class PlainProgress:
    """`[review] plan ... done (12.3 s)`: greppable lines for CI logs (stderr; stdout is the verdict)."""

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        started = time.monotonic()
        print(f"[review] {title} ...", file=sys.stderr, flush=True)
        yield
        print(f"[review] {title}: done ({time.monotonic() - started:.1f} s)", file=sys.stderr, flush=True)

    def note(self, text: str) -> None:
        print(f"[review]   {text}", file=sys.stderr, flush=True)


class RichProgress:
    def __init__(self) -> None:
        self.console = Console(stderr=True)

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        started = time.monotonic()
        with self.console.status(f"[bold]{title}[/bold] …"):
            yield
        self.console.print(f"[green]✓[/green] {title} [dim]({time.monotonic() - started:.1f} s)[/dim]")

    def note(self, text: str) -> None:
        self.console.print(f"  [dim]{text}[/dim]", highlight=False)


def progress() -> Progress:
    return RichProgress() if use_rich() else PlainProgress()
