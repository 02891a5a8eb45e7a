"""symcnn.core.tplcache: compiled templates cached on disk give the same output; a bad directory is harmless;
the default place and the -B rule are those of .pyc files."""

from __future__ import annotations

import jinja2
import pytest

from symcnn.core import tplcache

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


def test_default_is_beside_the_templates_and_written_like_pyc_files(tmp_path, monkeypatch):
    monkeypatch.delenv("SYMCNN_CACHE_DIR", raising=False)
    (tmp_path / "t.j2").write_text("{{ x * 2 }}")
    pycache = tmp_path / "__pycache__"
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    tplcache.bytecode_cache.cache_clear()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)),
                             bytecode_cache=tplcache.bytecode_cache(str(pycache)))
    assert env.get_template("t.j2").render(x=3) == "6"
    assert not pycache.exists()  # PYTHONDONTWRITEBYTECODE / -B: nothing written
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    tplcache.bytecode_cache.cache_clear()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)),
                             bytecode_cache=tplcache.bytecode_cache(str(pycache)))
    assert env.get_template("t.j2").render(x=4) == "8"
    assert [f.name[:7] for f in pycache.iterdir()] == ["symcnn_"]
    tplcache.bytecode_cache.cache_clear()


def test_the_package_environment_caches_into_templates_pycache(monkeypatch):
    from symcnn.core import render

    monkeypatch.delenv("SYMCNN_CACHE_DIR", raising=False)
    tplcache.bytecode_cache.cache_clear()
    render.environment.cache_clear()
    try:
        cache = render.environment("text", "en").bytecode_cache
        assert cache.directory == str(render.template_root() / "__pycache__")
    finally:
        tplcache.bytecode_cache.cache_clear()
        render.environment.cache_clear()


def test_off_and_unusable(tmp_path, monkeypatch):
    monkeypatch.delenv("SYMCNN_CACHE_DIR", raising=False)
    tplcache.bytecode_cache.cache_clear()
    assert tplcache.bytecode_cache() is None  # no directory given, none asked for
    monkeypatch.setenv("SYMCNN_CACHE_DIR", "")
    tplcache.bytecode_cache.cache_clear()
    assert tplcache.bytecode_cache(str(tmp_path)) is None  # empty: off, even with a default
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SYMCNN_CACHE_DIR", str(blocker / "sub"))
    tplcache.bytecode_cache.cache_clear()
    assert tplcache.bytecode_cache() is None
    tplcache.bytecode_cache.cache_clear()
