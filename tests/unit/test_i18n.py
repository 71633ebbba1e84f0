"""Every language has every message, and the apps show no text that bypasses the catalog."""

import ast
import re
from pathlib import Path

import pytest

import station_kit
from station_kit.i18n import LANGUAGES, catalog

UI_DIR = Path(station_kit.__file__).parent / "ui"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def test_catalogs_have_the_same_keys_and_placeholders():
    reference = catalog("zh_CN")
    for lang in LANGUAGES:
        other = catalog(lang)
        assert set(other) == set(reference), lang
        for key, text in reference.items():
            assert set(re.findall(r"{(\w+)}", other[key])) == set(re.findall(r"{(\w+)}", text)), key


def _ui_string_constants():
    """Every string constant in ui/ except docstrings, which are for developers and never shown."""
    for path in UI_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text())
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                yield path.name, node.value


def test_no_chinese_literals_in_ui():
    offenders = [(name, text) for name, text in _ui_string_constants() if CJK.search(text)]
    assert offenders == []


def test_every_message_key_used_in_the_package_exists():
    keys = set(catalog("zh_CN"))
    package = UI_DIR.parent
    used = set()
    for path in package.rglob("*.py"):
        used.update(re.findall(r"""(?:\bt|DomainError\.on|FieldError)\(\s*(?:"\w+",\s*)?"([a-z_]+\.[a-z_.]+)\"""",
                               path.read_text()))
    assert used, "the scan found no message keys at all"
    assert sorted(used - keys) == []


def test_the_command_prints_only_catalog_messages():
    """What `station-kit` prints for a person goes through the catalog (figures and JSON aside)."""
    tree = ast.parse((UI_DIR.parent / "cli.py").read_text())
    worded = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "print" and node.args:
            first = node.args[0]
            parts = first.values if isinstance(first, ast.JoinedStr) else [first]
            worded += [part.value for part in parts if isinstance(part, ast.Constant)
                       and isinstance(part.value, str) and re.search(r"[^\W\d_]", part.value)]
    assert worded == []


def test_an_unknown_key_fails_loudly_under_test():
    from station_kit.i18n import UnknownMessage, t

    with pytest.raises(UnknownMessage):
        t("volunteers.no_such_message")
    with pytest.raises(UnknownMessage):
        t(f"enum.gender.{'unknown'}")
