"""symcnn.tplcache: compiled templates cached on disk give the same output; a bad directory is harmless."""

from __future__ import annotations

import jinja2
import pytest

from symcnn import tplcache

LATEX = {"block_start_string": "((*", "block_end_string": "*))", "variable_start_string": "(((",
         "variable_end_string": ")))"}


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMCNN_CACHE_DIR", str(tmp_path / "c"))
    tplcache.bytecode_cache.cache_clear()
    yield tmp_path / "c"
    tplcache.bytecode_cache.cache_clear()


def render(folder, name, **opts):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)),
                             bytecode_cache=tplcache.bytecode_cache(), **opts)
    return env.get_template(name).render(x=3)


def test_cached_render_is_identical(cache_dir, tmp_path):
    (tmp_path / "t.j2").write_text("{{ x }} ((( x ))) {% if x %}yes{% endif %} "
                                   "((* if x *))latex((* endif *))")
    plain = render(tmp_path, "t.j2")
    latex = render(tmp_path, "t.j2", **LATEX)
    assert plain == "3 ((( x ))) yes ((* if x *))latex((* endif *))"
    assert latex == "{{ x }} 3 {% if x %}yes{% endif %} latex"
    assert len(list(cache_dir.iterdir())) == 2  # one entry per syntax, not one shared
    assert render(tmp_path, "t.j2") == plain and render(tmp_path, "t.j2", **LATEX) == latex
    (tmp_path / "t.j2").write_text("changed {{ x }}")
    assert render(tmp_path, "t.j2") == "changed 3"  # the source checksum invalidates the entry


def test_corrupt_entry_is_recompiled(cache_dir, tmp_path):
    (tmp_path / "t.j2").write_text("{{ x + 1 }}")
    assert render(tmp_path, "t.j2") == "4"
    for f in cache_dir.iterdir():
        f.write_bytes(b"j2garbage")
    assert render(tmp_path, "t.j2") == "4"


def test_off_and_unusable(tmp_path, monkeypatch):
    monkeypatch.delenv("SYMCNN_CACHE_DIR", raising=False)
    tplcache.bytecode_cache.cache_clear()
    assert tplcache.bytecode_cache() is None  # off by default: symcnn writes no files unless asked
    monkeypatch.setenv("SYMCNN_CACHE_DIR", "")
    tplcache.bytecode_cache.cache_clear()
    assert tplcache.bytecode_cache() is None
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SYMCNN_CACHE_DIR", str(blocker / "sub"))
    tplcache.bytecode_cache.cache_clear()
    assert tplcache.bytecode_cache() is None
    tplcache.bytecode_cache.cache_clear()
