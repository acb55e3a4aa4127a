"""Commands, options and exit codes; the only code that prints.

``python build.py`` (or the ``smartsite`` command) builds the site in the
current repository into ``public/``. Every command takes ``--site DIR``.
Exit codes: 0 success (warnings allowed), 1 content errors, 2 wrong usage or
an unsafe output folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import i18n
from .diagnostics import Report
from .load import DEFAULT_MAX_FILE_BYTES, THEME_DIR
from .pipeline import Options, build, check
from .write import UnsafeOutput

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", type=Path, default=None,
                        help="the site folder, which holds content/ (default: this repository)")
    parser.add_argument("--lang", choices=("id", "en"), default=None,
                        help="language of the messages (default: the site's language)")
    parser.add_argument("--max-file-size", type=int, default=DEFAULT_MAX_FILE_BYTES, metavar="BYTES",
                        help="refuse content files larger than this (default: 2 MiB)")


def _build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=Path, default=None, help="output folder (default: SITE/public)")
    parser.add_argument("--base-url", default=None, help="override base_url from content/site.yaml")
    parser.add_argument("--drafts", action="store_true",
                        help="also publish drafts and items dated in the future (for previews)")
    parser.add_argument("--no-search", action="store_true",
                        help="skip the search index (quicker previews; the search page then finds nothing)")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="smartsite", description="Build the smart city progress portal.")
    sub = p.add_subparsers(dest="command")
    b = sub.add_parser("build", help="build the site into public/ (the default command)")
    _common(b)
    _build_options(b)
    c = sub.add_parser("check", help="validate everything without writing any output")
    _common(c)
    c.add_argument("--base-url", default=None, help=argparse.SUPPRESS)
    c.add_argument("--drafts", action="store_true", help="check drafts and future items as published")
    return p


def _messages_lang(args, site_dir: Path) -> str:
    if args.lang:
        return args.lang
    try:
        import yaml

        data = yaml.safe_load((site_dir / "content" / "site.yaml").read_text(encoding="utf-8-sig"))
        lang = data.get("language") if isinstance(data, dict) else None
        return lang if lang in ("id", "en") else "id"
    except Exception:  # an unreadable site.yaml is reported by the build itself
        return "id"


def print_report(report: Report, lang: str, stream=None) -> None:
    stream = stream or sys.stderr
    gettext = i18n.gettext_for(lang)
    for d in report.sorted():
        print(d.format(gettext), file=stream)
    errors, warnings = len(report.errors), len(report.warnings)
    if errors or warnings:
        print(gettext("{errors} error(s), {warnings} warning(s)").format(errors=errors, warnings=warnings),
              file=stream)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = parser().parse_args(argv)
    site_dir = (args.site or THEME_DIR).resolve()
    lang = _messages_lang(args, site_dir)
    gettext = i18n.gettext_for(lang)
    options = Options(base_url=args.base_url, drafts=args.drafts, max_file_bytes=args.max_file_size,
                      search=not getattr(args, "no_search", False))
    if args.command == "check":
        result = check(site_dir, options)
        print_report(result.report, lang)
        if result.ok:
            print(gettext("check passed: no errors"), file=sys.stderr)
        return EXIT_OK if result.ok else EXIT_ERRORS
    output = (args.output or site_dir / "public").resolve()
    try:
        result = build(site_dir, output, options)
    except KeyboardInterrupt:
        print(gettext("interrupted; the previous site in {output} was left as it was").format(output=output),
              file=sys.stderr)
        return 130
    except UnsafeOutput as exc:
        print(gettext("error: refusing to write to {path}: {reason}").format(
            path=exc.path, reason=gettext(exc.reason)), file=sys.stderr)
        return EXIT_USAGE
    print_report(result.report, lang)
    if not result.ok:
        print(gettext("the build failed; the previous site in {output} was left as it was").format(
            output=output), file=sys.stderr)
        return EXIT_ERRORS
    print(gettext("built {pages} pages ({files} files) into {output}").format(
        pages=result.pages, files=result.files, output=output), file=sys.stderr)
    return EXIT_OK


def run() -> None:
    sys.exit(main())
