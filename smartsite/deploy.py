"""Publishing to the regency's own server: releases side by side, an atomic switch, instant rollback.

``python build.py deploy --rsync USER@HOST:/srv/portal`` copies the built
site with rsync into ``releases/<id>/`` next to the ones already there
(unchanged files are hard-linked to the previous release, so a deploy sends
only what changed), then points the ``current`` symlink at it in one atomic
rename: visitors see either the old site or the new one, never a mix. The web
server's document root is ``/srv/portal/current``. Older releases are kept
(five by default) for ``--rollback``, which points ``current`` back at the
previous release. A target without ``HOST:`` is a local folder (a mounted
share, or the tests).
"""

from __future__ import annotations

import datetime as dt
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

RELEASES = "releases"
CURRENT = "current"


class DeployError(Exception):
    """Why a deploy or rollback did not happen; the site being served is unchanged."""


@dataclass(frozen=True)
class Target:
    host: str | None  # "user@host", or None for a local folder
    path: str

    @classmethod
    def parse(cls, text: str) -> "Target":
        head, sep, tail = text.partition(":")
        if sep and "/" not in head and head:  # USER@HOST:/path
            return cls(head, tail.rstrip("/") or "/")
        return cls(None, text.rstrip("/") or "/")

    def rsync_dest(self, rel: str) -> str:
        dest = f"{self.path}/{rel}/"
        return f"{self.host}:{dest}" if self.host else dest

    def shell(self, script: str) -> str:
        """Run a small POSIX shell script in the target's folder; return its output."""
        command = ["sh", "-c", f"cd {shlex.quote(self.path)} && {script}"]
        if self.host:
            command = ["ssh", "-o", "BatchMode=yes", self.host, " ".join(shlex.quote(c) for c in command)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise DeployError(done.stderr.strip() or f"exit code {done.returncode}")
        return done.stdout


def _rsync() -> str:
    found = shutil.which("rsync")
    if not found:
        raise DeployError("rsync is not installed (Debian: apt-get install rsync)")
    return found


def releases(target: Target) -> list[str]:
    out = target.shell(f"mkdir -p {RELEASES} && ls -1 {RELEASES}")
    return sorted(line for line in out.split() if line)


def current_release(target: Target) -> str | None:
    out = target.shell(f"if [ -L {CURRENT} ]; then readlink {CURRENT}; fi").strip()
    return out.rsplit("/", 1)[-1] if out else None


def _switch(target: Target, release: str) -> None:
    """Point ``current`` at a release with one rename (atomic on POSIX file systems)."""
    target.shell(f"ln -sfn {RELEASES}/{shlex.quote(release)} {CURRENT}.next && mv -Tf {CURRENT}.next {CURRENT}")


def deploy(site: Path, target_text: str, keep: int = 5, now: dt.datetime | None = None) -> str:
    """Upload ``site`` as a new release and switch to it; returns the release id."""
    site = Path(site)
    if not (site / "index.html").is_file():
        raise DeployError(f"{site} holds no built site (index.html is missing); run the build first")
    target = Target.parse(target_text)
    rsync = _rsync()
    existing = releases(target)
    release = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    if release in existing:
        raise DeployError(f"release {release} exists already; wait a second and deploy again")
    previous = current_release(target)
    link = [f"--link-dest=../{previous}"] if previous else []
    dest = target.rsync_dest(f"{RELEASES}/{release}")
    # -rlpD --checksum, not -a: a rebuild gives every file a new mtime, so files are matched by content
    base = [rsync, "-rlpD", "--checksum", "--delete", *link]
    # assets first, pages last: a release is complete before anything points at it
    steps = [base + ["--exclude=*.html", "--exclude=*.xml", f"{site}/", dest], base + [f"{site}/", dest]]
    for command in steps:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            raise DeployError(done.stderr.strip() or f"rsync exit code {done.returncode}")
    _switch(target, release)
    for old in (existing + [release])[:-keep] if keep > 0 else []:
        if old != release:  # old releases go only after the new one is live
            target.shell(f"rm -rf {RELEASES}/{shlex.quote(old)}")
    return release


def rollback(target_text: str) -> str:
    """Point ``current`` at the release before it; returns that release's id."""
    target = Target.parse(target_text)
    existing = releases(target)
    now = current_release(target)
    if now not in existing:
        raise DeployError("there is no current release to roll back from")
    index = existing.index(now)
    if index == 0:
        raise DeployError("there is no earlier release to roll back to")
    _switch(target, existing[index - 1])
    return existing[index - 1]
