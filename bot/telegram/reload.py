"""Live content: watch content/ and locales/ and reload the engine on change.

Polling file modification times (every `interval` seconds) needs no extra
dependency and works on bind mounts and network filesystems where inotify
does not. A change is acted on once two polls agree, so an editor's
multi-step save is read whole. SIGHUP triggers a reload at once.

The engine builds the new content off to the side and swaps it in with one
assignment, or keeps the last good content when the edit is broken; either
way replies in flight finish on the version they started with. The build is
CPU-bound, so it runs in a worker thread while the bot keeps answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from ..engine import Engine, LoadReport

log = logging.getLogger(__name__)

Snapshot = dict[str, tuple[int, int]]


def snapshot(*roots: Path) -> Snapshot:
    """(mtime, size) of every file under the roots, skipping editor droppings."""
    found: Snapshot = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                if name.startswith((".", "#")) or name.endswith(("~", ".swp", ".tmp", ".mo")):
                    continue
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:  # deleted between listing and stat
                    continue
                found[path] = (st.st_mtime_ns, st.st_size)
    return found


def log_report(report: LoadReport, what: str) -> None:
    errors = [p for p in report.problems if p.severity == "error"]
    warnings = [p for p in report.problems if p.severity != "error"]
    for problem in errors:
        log.error("%s:%d: %s", problem.path, problem.line, problem.message)
    for catalog_problem in report.catalog_problems:
        level = logging.ERROR if catalog_problem.fatal else logging.DEBUG
        log.log(level, "%s", catalog_problem)
    for problem in warnings:
        log.debug("%s:%d: %s", problem.path, problem.line, problem.message)
    if report.loaded:
        log.info(
            "%s: content loaded (%d warnings, %d catalog notes; `safecity-bot check` lists them)",
            what,
            len(warnings),
            len(report.catalog_problems),
        )
    else:
        log.error(
            "%s: content has %d errors; still serving the last good content",
            what,
            len(errors) + sum(p.fatal for p in report.catalog_problems),
        )


class ContentWatcher:
    def __init__(
        self,
        engine: Engine,
        interval: float,
        on_reload: Callable[[], Awaitable[None]] | None = None,
        seen: Snapshot | None = None,
    ) -> None:
        """`seen`: the files as they were when the engine started loading them,
        so an edit saved during the load is picked up, not taken as loaded."""
        self.engine = engine
        self.interval = interval
        self.on_reload = on_reload
        self._roots = (engine.content_dir, engine.locales_dir)
        # What the running content was built from.
        self._seen = seen if seen is not None else snapshot(*self._roots)
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.reloads = 0

    def start(self) -> None:
        if self.interval > 0:
            self._task = asyncio.create_task(self._watch(), name="content-watcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def trigger(self) -> None:
        """SIGHUP: reload now, whether or not any file looks changed."""
        asyncio.get_running_loop().create_task(self.reload("SIGHUP"))

    async def _watch(self) -> None:
        pending: Snapshot | None = None
        while True:
            await asyncio.sleep(self.interval)
            try:
                current = await asyncio.to_thread(snapshot, *self._roots)
            except OSError as exc:
                log.warning("cannot read the content folders: %s", exc)
                continue
            if current == self._seen:
                pending = None
            elif current == pending:  # stable across two polls: the save is done
                await self.reload("files changed", current)
                pending = None
            else:
                pending = current

    async def reload(self, why: str, seen: Snapshot | None = None) -> LoadReport:
        async with self._lock:
            seen = seen if seen is not None else await asyncio.to_thread(snapshot, *self._roots)
            report = await asyncio.to_thread(self.engine.reload)
            self._seen = seen  # a broken edit is not retried until the files change again
            self.reloads += 1
            log_report(report, f"reload ({why})")
            if report.loaded and self.on_reload is not None:
                try:
                    await self.on_reload()
                except Exception:  # the profile update is best effort
                    log.exception("after reload")
            return report
