"""What a build is asked to do, and where the engine's own theme lives.

Kept apart from the pipeline, with no imports beyond the standard library, so
the command line can decide that nothing needs building before it loads the
libraries a build needs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024
LANGUAGES = ("id", "en")
CACHE_DIR = ".smartsite-cache"

# Where the engine's own theme lives: the repository's layouts/ and assets/.
THEME_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Options:
    base_url: str | None = None  # overrides site.yaml's base_url
    drafts: bool = False  # publish drafts and future-dated items (previews)
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    now: dt.datetime | None = None  # the clock, for tests of scheduled items
    cache: bool = True  # keep Markdown, images, templates and the last build's manifest in SITE/.smartsite-cache/
    search: bool = True  # build the Pagefind search index
    languages: tuple = LANGUAGES  # the interface languages to publish (Indonesian always first)
    images: bool = True  # draw a share image per innovation (else every page shares the site's card)
    jobs: int | None = None  # processes for Markdown, images and pages (None: one per core)

    def fingerprint(self) -> str:
        """Everything but the clock: a different answer means a different site."""
        return repr((self.base_url, self.drafts, self.max_file_bytes, self.search, tuple(self.languages),
                     self.images))
