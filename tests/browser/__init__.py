"""Browser tests of the built portal (Playwright + Debian's Chromium).

A package so that its conftest.py and modules do not shadow ``tests/conftest.py``
(which the other test modules import as ``conftest``).
"""
