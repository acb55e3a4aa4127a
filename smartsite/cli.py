"""Commands, options and exit codes; the only code that prints.

``python build.py`` (or the ``smartsite`` command) builds the site in the
current repository into ``public/``. Every command takes ``--site DIR``.
Exit codes: 0 success (warnings allowed), 1 content errors, 2 wrong usage or
an unsafe output folder.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import i18n
from .diagnostics import Report, msg
from .options import CACHE_DIR, DEFAULT_MAX_FILE_BYTES, LANGUAGES, THEME_DIR, Options

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
    parser.add_argument("--check-links", action="store_true",
                        help="after building, check that every internal link and #anchor resolves "
                             "(external links are listed, not fetched)")
    parser.add_argument("--no-search", action="store_true",
                        help="skip the search index (quicker previews; the search page then finds nothing)")
    parser.add_argument("--languages", default=",".join(LANGUAGES), metavar="id,en",
                        help="the interface languages to publish, Indonesian first (default: id,en)")
    parser.add_argument("--no-images", action="store_true",
                        help="do not draw a share image per innovation; every page shares the site's card")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write SITE/.smartsite-cache/ (a build from scratch)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="processes for Markdown, images and pages (default: one per core)")


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
    sv = sub.add_parser("serve", help="live preview: build, serve on 127.0.0.1, rebuild and reload on save")
    _common(sv)
    sv.add_argument("--host", default="127.0.0.1",
                    help="address to listen on (default 127.0.0.1: this computer only)")
    sv.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    n = sub.add_parser("new", help="create a starting file: new news \"Judul\" | new innovation <id>")
    _common(n)
    n.add_argument("kind", choices=("news", "innovation"))
    n.add_argument("name", help="the news title, or the innovation id")
    rp = sub.add_parser("report", help="print the evaluation findings (for an office head, or for CI)")
    _common(rp)
    rp.add_argument("--office", default=None, help="only this responsible office, e.g. DKISP")
    rp.add_argument("--format", choices=("text", "markdown", "csv"), default="text")
    rp.add_argument("--strict", action="store_true", help="exit 1 when any finding is an error")
    dp = sub.add_parser("deploy", help="publish the built site to a server: a new release, then an atomic switch")
    _common(dp)
    dp.add_argument("--rsync", required=True, metavar="USER@HOST:/srv/portal",
                    help="where releases/ and the current symlink live (a local folder without HOST:)")
    dp.add_argument("--output", type=Path, default=None, help="the built site (default: SITE/public)")
    dp.add_argument("--keep", type=int, default=5, help="how many releases to keep for rollbacks (default 5)")
    dp.add_argument("--rollback", action="store_true", help="switch back to the previous release")
    im = sub.add_parser("import", help="turn pasted plain-text articles into news items")
    _common(im)
    im.add_argument("files", nargs="+", type=Path, metavar="FILE.txt")
    im.add_argument("--dry-run", action="store_true", help="print the result instead of writing it")
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
    gettext = i18n.lazy_gettext_for(lang)
    if args.command == "serve":
        return _serve(args, site_dir, lang)
    if args.command == "new":
        return _new(args, site_dir, gettext)
    if args.command == "import":
        return _import(args, site_dir, lang)
    if args.command == "report":
        return _report(args, site_dir, lang)
    if args.command == "deploy":
        return _deploy(args, site_dir, gettext)
    languages = tuple(dict.fromkeys(x.strip() for x in getattr(args, "languages", "id,en").split(",") if x.strip()))
    if not languages or languages[0] != "id" or not set(languages) <= set(LANGUAGES):
        print(gettext("error: --languages takes id, or id,en"), file=sys.stderr)
        return EXIT_USAGE
    options = Options(base_url=args.base_url, drafts=args.drafts, max_file_bytes=args.max_file_size,
                      search=not getattr(args, "no_search", False), languages=languages,
                      images=not getattr(args, "no_images", False), cache=not getattr(args, "no_cache", False),
                      jobs=getattr(args, "jobs", None))
    if args.command == "check":
        from .pipeline import check

        result = check(site_dir, options)
        print_report(result.report, lang)
        if result.ok:
            print(gettext("check passed: no errors"), file=sys.stderr)
        return EXIT_OK if result.ok else EXIT_ERRORS
    output = (args.output or site_dir / "public").resolve()
    from .write import UnsafeOutput, check_output_dir

    try:
        check_output_dir(output, site_dir)  # before anything is read or written, the cache included
        inputs = None
        if options.cache and not args.check_links:
            seen = _unchanged(site_dir, output, options, lang)
            if isinstance(seen, int):
                return seen
            inputs = seen
        result = _build(site_dir, output, options, inputs)
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
    if result.up_to_date:
        print(gettext("nothing changed since the last build: {output} is up to date").format(output=output),
              file=sys.stderr)
    else:
        print(gettext("built {pages} pages ({files} files) into {output}").format(
            pages=result.pages, files=result.files, output=output), file=sys.stderr)
    if args.check_links:
        return _check_links(output, result, gettext)
    return EXIT_OK


def _build(site_dir: Path, output: Path, options: Options, inputs: str | None):
    """The build, its Markdown conversion started on the other cores before the rest of the engine
    (Jinja, the models, the renderers: a quarter of a second) is imported (see :mod:`smartsite.early`)."""
    from .cache import Cache
    from .early import Started

    cache = Cache(site_dir / CACHE_DIR) if options.cache else None
    try:
        with Started(site_dir, options, cache) as started:
            from .pipeline import build

            return build(site_dir, output, options, inputs, started)
    finally:
        if cache is not None:
            cache.close()


def _unchanged(site_dir: Path, output: Path, options: Options, lang: str):
    """The exit code when the last build is still right (checked before any library is loaded),
    else the state of the inputs, for the build to record."""
    from . import manifest
    from .cache import Cache

    if not (site_dir / "content").is_dir():
        return None
    cache = Cache(site_dir / CACHE_DIR)
    try:
        inputs = manifest.inputs_state(site_dir, options)
        previous = manifest.up_to_date(cache, output, inputs, options.now)
    finally:
        cache.close()
    if previous is None:
        return inputs
    report = Report()
    report.extend(previous["diagnostics"])
    print_report(report, lang)
    print(i18n.gettext_for(lang)("nothing changed since the last build: {output} is up to date").format(
        output=output), file=sys.stderr)
    return EXIT_OK


def _check_links(output: Path, result, gettext) -> int:
    from .linkcheck import check_links

    base_url = result.site_base_url
    links = check_links(output, base_url)
    for page, line, link in links.broken:
        print(gettext("{page}:{line}: broken link: {link}").format(page=page, line=line, link=link),
              file=sys.stderr)
    for page, line, link in links.escaping:
        print(gettext("{page}:{line}: link leaves the site's base path: {link}").format(
            page=page, line=line, link=link), file=sys.stderr)
    for link in sorted(links.external):
        print(gettext("external link (not fetched): {link}").format(link=link))
    print(gettext("{checked} internal links checked: {broken} broken, {escaping} outside the base path, "
                  "{external} external links listed").format(
        checked=links.checked, broken=len(links.broken), escaping=len(links.escaping),
        external=len(links.external)), file=sys.stderr)
    return EXIT_OK if links.ok else EXIT_ERRORS


def _site_settings(site_dir: Path) -> dict:
    """site.yaml and masterplan.yaml read leniently, for scaffolding (the build checks them)."""
    import yaml

    out = {}
    for name in ("site", "masterplan"):
        try:
            data = yaml.safe_load((site_dir / "content" / f"{name}.yaml").read_text(encoding="utf-8-sig"))
        except (OSError, yaml.YAMLError):
            data = None
        out[name] = data if isinstance(data, dict) else {}
    return out


def _serve(args, site_dir: Path, lang: str) -> int:
    from .serve import serve

    gettext = i18n.gettext_for(lang)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(gettext("warning: serving on {host}: other computers on the network can see the preview").format(
            host=args.host), file=sys.stderr)

    def ready(preview) -> None:
        if preview.error:
            print(preview.error, file=sys.stderr)
        print(gettext("preview at {url} (Ctrl-C to stop)").format(url=preview.base_url), file=sys.stderr)

    def built(preview) -> None:
        if preview.error:
            print(preview.error, file=sys.stderr)
            print(gettext("the save has errors; the browser shows them until the next good save"), file=sys.stderr)
        else:
            print(gettext("rebuilt in {seconds:.2f} s").format(seconds=preview.last_seconds), file=sys.stderr)

    try:
        serve(site_dir, args.host, args.port, lang, on_ready=ready, on_build=built)
    except OSError as exc:
        print(gettext("error: cannot listen on {host}:{port}: {problem}; try another --port").format(
            host=args.host, port=args.port, problem=exc.strerror or exc), file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _new(args, site_dir: Path, gettext) -> int:
    import datetime as dt
    from zoneinfo import ZoneInfo

    from . import scaffold

    settings = _site_settings(site_dir)
    try:
        zone = ZoneInfo(str(settings["site"].get("timezone") or "Asia/Makassar"))
    except Exception:  # a wrong zone is reported by check
        zone = ZoneInfo("Asia/Makassar")
    now = dt.datetime.now(zone)
    try:
        if args.kind == "news":
            path, text = scaffold.news_file(site_dir, args.name, now)
        else:
            dims = [d.get("id") for d in settings["masterplan"].get("dimensions") or [] if isinstance(d, dict)]
            path, text = scaffold.innovation_file(site_dir, args.name, now.date(), [d for d in dims if d])
        scaffold.create(path, text, site_dir)
    except scaffold.ScaffoldError as exc:
        print(gettext("error") + ": " + exc.message.render(gettext), file=sys.stderr)
        return EXIT_ERRORS
    print(gettext("created {path}").format(path=path.relative_to(site_dir)), file=sys.stderr)
    return EXIT_OK


def _import(args, site_dir: Path, lang: str) -> int:
    import datetime as dt

    from . import importer, scaffold
    from .load import decode

    gettext = i18n.gettext_for(lang)
    report = Report()
    written = 0
    for file in args.files:
        shown = str(file)
        try:
            raw = file.read_bytes()
        except OSError as exc:
            report.error(shown, 0, 0, msg("the file cannot be read: {problem}", problem=exc.strerror or str(exc)))
            continue
        text = decode(raw, shown, report)
        if text is None:
            continue
        article = importer.parse_article(text, shown, dt.date.today())
        report.extend(article.diagnostics)
        if any(d.is_error for d in article.diagnostics):
            continue
        markdown = importer.render_markdown(article)
        if args.dry_run:
            print(markdown)
            continue
        path = site_dir / "content" / "news" / str(article.year) / f"{article.slug}.md"
        try:
            scaffold.create(path, markdown, site_dir)
        except scaffold.ScaffoldError as exc:
            report.error(shown, 0, 0, exc.message)
            continue
        written += 1
        print(gettext("created {path}").format(path=path.relative_to(site_dir)), file=sys.stderr)
    print_report(report, lang)
    return EXIT_ERRORS if report.has_errors else EXIT_OK


def _deploy(args, site_dir: Path, gettext) -> int:
    from . import deploy

    try:
        if args.rollback:
            release = deploy.rollback(args.rsync)
            print(gettext("rolled back: current is now release {release}").format(release=release), file=sys.stderr)
        else:
            release = deploy.deploy((args.output or site_dir / "public").resolve(), args.rsync, max(args.keep, 2))
            print(gettext("deployed release {release}; current points to it").format(release=release),
                  file=sys.stderr)
    except deploy.DeployError as exc:
        print(gettext("error: the deploy did not happen; the site being served is unchanged: {problem}").format(
            problem=exc), file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


def _report(args, site_dir: Path, lang: str) -> int:
    from .pipeline import evaluation_report
    from .reporting import format_findings

    gettext = i18n.gettext_for(lang)
    result, ev = evaluation_report(site_dir, Options(max_file_bytes=args.max_file_size, search=False))
    if ev is None:
        print_report(result.report, lang)
        if result.ok:
            print(gettext("no evaluation is configured: add an 'evaluation:' section to content/masterplan.yaml"),
                  file=sys.stderr)
        return EXIT_ERRORS
    offices = [o for o in ev.offices if args.office is None or o.office.casefold() == args.office.casefold()]
    if args.office and not offices:
        print(gettext("no office '{office}'; the offices are: {offices}").format(
            office=args.office, offices=", ".join(o.office for o in ev.offices)), file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(format_findings(ev, offices, args.format, lang))
    errors = sum(1 for o in offices for f in o.findings if f.severity == "error")
    return EXIT_ERRORS if args.strict and errors else EXIT_OK


def run() -> None:
    """The command's entry point: ``python build.py``, ``python -m smartsite``, ``smartsite``.

    Once the command is done, the process ends without taking the interpreter
    apart: Python would collect and free, one by one, every object the build
    made (0.1 s after a build of 1,000 news items, with the other cores idle),
    only for the system to take the memory back at once. Every file the engine
    writes is closed by the time the command returns, and its workers have
    ended; only the standard streams are left to flush. (mypy ends the same way.)
    Under a profiler or a coverage tracer the usual exit is kept: they write
    their results as the interpreter ends.
    """
    code = main()
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: Python's own exit reports it
        sys.exit(code)
    os._exit(code)
