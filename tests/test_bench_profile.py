"""The benchmark's profile by library: each moment counted for the package whose code ran."""

from __future__ import annotations

import json
import sysconfig
from pathlib import Path
from types import SimpleNamespace

import jinja2
import markdown
import yaml

from smartsite import bench_profile
from smartsite.bench_profile import (ENGINE, GENERATED, IMPORTS, KERNEL, STDLIB, TEMPLATES, classifier, table,
                                     time_by_package)

ROOT = Path(__file__).resolve().parent.parent


def frame(path, time, *children, function="f"):
    return SimpleNamespace(file_path=path, function=function, time=time, children=list(children))


def classify():
    return classifier(ROOT / "smartsite", [ROOT / "layouts"])


def test_each_library_is_known_by_its_name():
    place = classify()
    assert place(markdown.__file__) == "Python-Markdown"
    assert place(jinja2.__file__) == "Jinja"
    assert place(yaml.__file__) == "PyYAML"
    assert place(bench_profile.__file__) == ENGINE
    assert place("/elsewhere/clone/smartsite/render.py") == ENGINE  # a profile recorded from a clone
    assert place(str(ROOT / "layouts" / "base.html")) == TEMPLATES
    assert place(json.__file__) == STDLIB
    assert place("<frozen importlib._bootstrap>") == IMPORTS
    assert place("<string>") == GENERATED
    assert place(None) is None and place("<built-in>", "Pattern.search") is None
    assert place("<built-in>", "mkdir") == KERNEL


def test_time_counts_for_the_code_that_ran_built_ins_for_their_caller_and_file_calls_apart():
    engine = str(ROOT / "smartsite" / "compute.py")
    md = markdown.__file__
    stdlib_re = str(Path(sysconfig.get_paths()["stdlib"]) / "re" / "__init__.py")
    root = frame(engine, 10.0,
                 frame(md, 4.0,
                       frame("<built-in>", 1.5),  # re's matching, called by Python-Markdown
                       frame(stdlib_re, 0.5)),
                 frame(None, 2.0),  # pyinstrument's self-time leaf of the engine's frame
                 frame(str(ROOT / "layouts" / "news_item.html"), 2.0,
                       frame(engine, 1.0)),  # a filter of the engine, called from a template
                 frame("<built-in>", 1.0, frame(None, 1.0), function="mkdir"))  # writing a page
    totals = time_by_package(root, classify())
    assert totals == {ENGINE: 1.0 + 2.0 + 1.0, "Python-Markdown": 3.5, STDLIB: 0.5, TEMPLATES: 1.0, KERNEL: 1.0}
    assert sum(totals.values()) == root.time


def test_the_table_gives_each_share_of_the_whole():
    text = table([(ENGINE, 3.0), ("Python-Markdown", 1.0), ("Pygments", 0.001)])
    assert f"| {ENGINE} | 3.00 s | 75.0% |" in text
    assert "| Python-Markdown | 1.00 s | 25.0% |" in text
    assert "Pygments" not in text  # under 5 ms: only in the total
    assert text.endswith("| all | 4.00 s | 100% |")
