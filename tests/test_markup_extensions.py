"""The Markdown converter is made from Python-Markdown's own extension modules: it never searches the
installed packages for them (slow, and a plugin declaring one of their names would take its place)."""

import markdown.util

from smartsite.markup import MarkdownRenderer

EVERY_EXTENSION = """\
| Kecamatan | Desa |
|---|---|
| Martapura | 26 |

Sipades
: sistem informasi desa

1) satu
2) dua

```
kode
```

Data dari BPS[^1].

*[BPS]: Badan Pusat Statistik

[^1]: Diolah oleh DKISP.
"""


def test_the_converter_is_made_without_searching_installed_packages(monkeypatch):
    def searched():
        raise AssertionError("Python-Markdown searched the installed packages for extensions")

    monkeypatch.setattr(markdown.util, "get_installed_extensions", searched)
    html, problems = MarkdownRenderer().render(EVERY_EXTENSION)
    assert problems == []
    assert "<table>" in html and "<td>Martapura</td>" in html  # tables
    assert "<dt>Sipades</dt>" in html  # def_list
    assert "<ol>" in html  # sane_lists: "1)" starts an ordered list
    assert "<pre><code>kode" in html  # fenced_code
    assert '<abbr title="Badan Pusat Statistik">BPS</abbr>' in html  # abbr
    assert "Diolah oleh DKISP." in html and "<sup" in html  # footnotes
