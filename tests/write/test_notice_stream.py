"""`kaohe notice` for many people (issue 15): letters stream, the set is published as a whole.

- The template is read and compiled once; each letter is rendered from its own context and
  written before the next is rendered (the merged document too: one letter's body at a time).
  Memory and speed are measured by `make bench`, not here; these tests check the structure.
- The letters are the same as docxtpl's own `render` + `save` gives for the same context
  (a reference rendering is kept below), and the streamed merge is the same as merging
  those reference letters.
- The set is staged in a hidden `.kaohe-notice-<hex>` folder and published all or nothing:
  a target that cannot be replaced (a file open in WPS on Windows) leaves every old file as
  it was and no new file visible. Stages left by dead runs are removed by the next run;
  a fresh one, or one a live process holds, is kept.
- Control characters and bidirectional controls never reach a file name; the letter keeps
  the name as written (where XML allows).
"""

from __future__ import annotations

import io
import os
import shutil
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kaohe_cli.write.notices import publish as notice_build
from kaohe_cli.cli.main import app
from kaohe_cli.app.config import load_config
from kaohe_cli.app.notice import NoticeOptions, make_notices, safe_filename
from kaohe_cli.write import notices
from kaohe_cli.write.notices import merge as notice_merge, sandbox as notice_sandbox, template as notice_template
from tests.helpers import write_book
from tests.app.test_notice_cli import INIT, ZHUJIAN
from tests.write.test_notices_render import CONTEXTS, FEEDBACK, TALK

TEMPLATES = Path(__file__).resolve().parents[2] / "kaohe_cli" / "templates"
LETTERS = ["结果反馈-1001-张伟.docx", "结果反馈-1002-李娜.docx", "结果反馈-1003-张&_三_.docx",
           "结果反馈-1004-刘洋.docx", "结果反馈-1005-黄强.docx"]
LOCKED = "结果反馈-1004-刘洋.docx"
HINT = "文件可能正在Excel/WPS中打开，请关闭后重试"  # as `flat` shows it

# Never in a file name: C0, DEL, C1, and the bidirectional embeddings, overrides, isolates, marks.
BANNED = set(map(chr, [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F,
                       *range(0x202A, 0x202F), *range(0x2066, 0x206A)]))

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def flat(text: str) -> str:
    return "".join(text.split())


def reference(template: Path, context: dict) -> bytes:
    """What `kaohe notice` wrote before it streamed: docxtpl's own render and save, per letter."""
    tpl = DocxTemplate(template)
    tpl.render(dict(context), jinja_env=notice_sandbox.environment())
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()


def members(data: bytes | Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data) as z:
        assert z.testzip() is None
        return {n: z.read(n) for n in z.namelist()}


def text_of(source: bytes | Path) -> str:
    doc = Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    lines = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            lines.append(Paragraph(el, doc).text)
        elif el.tag == qn("w:tbl"):
            for row in Table(el, doc).rows:
                lines.append(" | ".join(c.text for c in row.cells))
    footer = "".join(t.text for t in doc.sections[0].footer._element.iter(qn("w:t")))
    return "\n".join(lines) + "\n— footer: " + footer


def stages(folder: Path) -> list[Path]:
    return sorted(folder.glob(".kaohe-notice-*")) if folder.is_dir() else []


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("stream")
    assert invoke(*INIT, str(root)).exit_code == 0
    path = write_book(root / "2023-03.xlsx", ZHUJIAN)
    result = invoke("score", str(path), "--scheme", "zhujian", "--db", str(root / "kaohe.db"), "-o", str(root / "结果.xlsx"))
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def ws(scored, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    for name in ("kaohe.toml", "kaohe.db"):
        shutil.copy(scored / name, root / name)
    monkeypatch.chdir(root)
    return root


def out_dir(ws: Path) -> Path:
    return ws / "notices" / "2023-03"


def feedback(*extra: str):
    return invoke("notice", "--feedback", "--period", "2023-03", *extra)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


# --- the same letters as before -------------------------------------------------------------


TRICKY = {
    "结果反馈.docx": dict(FEEDBACK, name="张&<三>\u202e", dept="办公室\n二组", unit_name="A\tB\x07局\x0c",
                        items=[dict(FEEDBACK["items"][0], reason="第一行\r\n第二行\x1b[2J")] * 3),
    "诫勉谈话通知.docx": dict(TALK, talk_place=None, talker="李\x85四"),
}


@pytest.mark.parametrize("name, context", [*CONTEXTS.items(), *TRICKY.items()])
def test_a_letter_is_what_docxtpl_gave(tmp_path, name, context):
    compiled = notices.NoticeTemplate(TEMPLATES / name)
    compiled.write(context, tmp_path / "new.docx")
    ours, theirs = members(tmp_path / "new.docx"), members(reference(TEMPLATES / name, context))
    assert list(ours) == list(theirs)
    assert ours["word/document.xml"] == theirs["word/document.xml"]
    assert {n: b for n, b in ours.items()} == theirs  # every part, byte for byte
    assert text_of(tmp_path / "new.docx") == text_of(reference(TEMPLATES / name, context))


def test_one_template_renders_many_different_letters(tmp_path):
    compiled = notices.NoticeTemplate(TEMPLATES / "结果反馈.docx")
    people = [dict(FEEDBACK, name=f"人{i}", items=FEEDBACK["items"][: i % 3], rank=i) for i in range(6)]
    for i, context in enumerate(people):
        compiled.write(context, tmp_path / f"{i}.docx")
    for i, context in enumerate(people):
        assert text_of(tmp_path / f"{i}.docx") == text_of(reference(TEMPLATES / "结果反馈.docx", context))


def test_headers_footers_and_properties_with_tags_are_rendered_per_letter(tmp_path):
    """A clerk's template may put a field in the footer or the document title."""
    custom = tmp_path / "结果反馈.docx"
    with zipfile.ZipFile(TEMPLATES / "结果反馈.docx") as src, zipfile.ZipFile(custom, "w", zipfile.ZIP_DEFLATED) as dst:
        for n in src.namelist():
            data = src.read(n)
            if n == "word/footer1.xml":
                data = data.replace("— </w:t>".encode(), "{{ name }} — </w:t>".encode())
            if n == "docProps/core.xml":
                data = data.replace("考核结果反馈模板".encode(), "{{ name }}的结果反馈".encode())
            dst.writestr(n, data)
    compiled = notices.NoticeTemplate(custom)
    for name in ("张三", "李四"):
        compiled.write(dict(FEEDBACK, name=name), tmp_path / f"{name}.docx")
        assert members(tmp_path / f"{name}.docx") == members(reference(custom, dict(FEEDBACK, name=name)))
        doc = Document(str(tmp_path / f"{name}.docx"))
        assert doc.core_properties.title == f"{name}的结果反馈"
        assert text_of(tmp_path / f"{name}.docx").endswith(f"footer: {name} — 1 —")


def test_the_streamed_merge_is_the_merge_of_the_reference_letters(tmp_path):
    people = [dict(FEEDBACK, name=n, items=FEEDBACK["items"][:i]) for i, n in enumerate(["张三", "李四", "王五"])]
    paths = []
    for i, context in enumerate(people):
        paths.append(tmp_path / f"{i}.docx")
        paths[-1].write_bytes(reference(TEMPLATES / "结果反馈.docx", context))
    for restart in (True, False):
        merged = notices.merge_documents(paths, tmp_path / f"merged-{restart}.docx", restart_page_numbers=restart)
        compiled = notices.NoticeTemplate(TEMPLATES / "结果反馈.docx")
        streamed = compiled.write_merged(iter(people), tmp_path / f"streamed-{restart}.docx", restart_page_numbers=restart,
                                         html=tmp_path / f"streamed-{restart}.html")
        assert members(streamed) == members(merged)
        assert text_of(streamed) == text_of(merged)
        assert (tmp_path / f"streamed-{restart}.html").read_text(encoding="utf-8") == \
            notices.docx_to_html(merged).replace(f"merged-{restart}", f"streamed-{restart}")
    doc = Document(str(tmp_path / "streamed-True.docx"))
    assert len(doc.sections) == 3
    assert all(s._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1" for s in doc.sections)


def test_a_letter_missing_a_key_fails_naming_it(tmp_path):
    compiled = notices.NoticeTemplate(TEMPLATES / "结果反馈.docx")
    compiled.write(FEEDBACK, tmp_path / "ok.docx")
    broken = {k: v for k, v in FEEDBACK.items() if k != "deadline"}
    with pytest.raises(notices.TemplateError) as info:
        compiled.write(broken, tmp_path / "bad.docx")
    assert "deadline" in info.value.message
    assert not (tmp_path / "bad.docx").exists()


# --- streaming, structurally ----------------------------------------------------------------


def _count_loads(monkeypatch) -> list[Path]:
    loads: list[Path] = []
    real = notice_template._load_template

    def counting(template):
        loads.append(template)
        return real(template)

    monkeypatch.setattr(notice_template, "_load_template", counting)
    monkeypatch.setattr(DocxTemplate, "render", lambda *a, **k: pytest.fail("docxtpl renders per letter"))
    return loads


def test_the_template_is_read_once_and_each_letter_is_on_disk_before_the_next(ws, monkeypatch):
    loads = _count_loads(monkeypatch)
    seen: list[tuple[str, int, str]] = []
    real = notices.NoticeTemplate.write

    def write(self, context, out, *, html=None):
        # the letters before this one are already written, in the hidden stage
        seen.append((context["name"], len(list(Path(out).parent.glob("*.docx"))), Path(out).parent.name))
        return real(self, context, out, html=html)

    monkeypatch.setattr(notices.NoticeTemplate, "write", write)
    result = feedback("--html")
    assert result.exit_code == 0, result.output
    assert len(loads) == 1
    assert [n for n, _, _ in seen] == ["张伟", "李娜", "张&<三>", "刘洋", "黄强"]
    assert [k for _, k, _ in seen] == [0, 1, 2, 3, 4]
    assert all(folder.startswith(".kaohe-notice-") for _, _, folder in seen)
    assert sorted(p.name for p in out_dir(ws).glob("*.docx")) == sorted(LETTERS)
    assert len(list(out_dir(ws).glob("*.html"))) == 5
    assert stages(ws / "notices") == [] and stages(out_dir(ws)) == []


def test_the_merge_holds_one_letter_at_a_time(ws, monkeypatch):
    loads = _count_loads(monkeypatch)
    events: list[str] = []
    real_render, real_inner = notices.NoticeTemplate._render, notice_merge._inner_xml

    def render(self, context, **kw):
        events.append(f"render {context['name']}")
        return real_render(self, context, **kw)

    def inner(body, children, nsmap):
        events.append("write")
        return real_inner(body, children, nsmap)

    monkeypatch.setattr(notices.NoticeTemplate, "_render", render)
    monkeypatch.setattr(notice_merge, "_inner_xml", inner)
    result = feedback("--merge", "--html")
    assert result.exit_code == 0, result.output
    assert len(loads) == 1
    # a letter is written as soon as the next is rendered (it then knows its section ends)
    assert events == ["render 张伟", "render 李娜", "write", "render 张&<三>", "write", "render 刘洋", "write",
                      "render 黄强", "write", "write"]
    doc = Document(str(out_dir(ws) / "结果反馈-合并-2023-03.docx"))
    assert len(doc.sections) == 5
    assert all(s._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1" for s in doc.sections)
    page = (out_dir(ws) / "结果反馈-合并-2023-03.html").read_text(encoding="utf-8")
    assert page.count("<h1>") == 5 and page.count('<hr class="page">') == 4


def test_the_letters_of_a_run_are_the_reference_letters(ws, monkeypatch):
    contexts: dict[str, dict] = {}
    real = notices.NoticeTemplate.write

    def write(self, context, out, *, html=None):
        contexts[Path(out).name] = dict(context)
        return real(self, context, out, html=html)

    monkeypatch.setattr(notices.NoticeTemplate, "write", write)
    assert feedback("--date", "2023-04-03").exit_code == 0
    assert sorted(contexts) == sorted(LETTERS)
    for name, context in contexts.items():
        published = out_dir(ws) / name
        assert members(published)["word/document.xml"] == \
            members(reference(TEMPLATES / "结果反馈.docx", context))["word/document.xml"]


# --- publishing the set ---------------------------------------------------------------------


def _lock(monkeypatch, folder: Path, name: str, *, when: str = "aside") -> None:
    """Make one file refuse to move, as Windows refuses for a file open in WPS: either the
    old file refuses to be moved aside, or the new one to be moved in."""
    real = os.replace

    def replace(src, dst, *a, **kw):
        src, dst = Path(src), Path(dst)
        if when == "aside" and src.name == name and src.parent == folder:
            raise PermissionError(13, "Permission denied", str(src))
        if when == "in" and dst.name == name and dst.parent == folder and src.parent.name.startswith(".kaohe-notice-"):
            raise PermissionError(13, "Permission denied", str(dst))
        return real(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("when", ["aside", "in"])
def test_a_locked_letter_leaves_the_old_set_intact(ws, monkeypatch, when):
    assert feedback("--date", "2023-04-03").exit_code == 0
    other = out_dir(ws) / "公示-2023-03.docx"  # someone else's file in the same folder
    other.write_bytes(b"publicity")
    before = snapshot(out_dir(ws))
    _lock(monkeypatch, out_dir(ws), LOCKED, when=when)
    result = feedback("--date", "2023-05-08", "--force")
    assert result.exit_code == 1, result.output
    said = flat(result.output)
    assert LOCKED in said and HINT in said
    assert "原有文件保持不变" in said
    assert "Traceback" not in result.output
    assert snapshot(out_dir(ws)) == before  # every old letter unchanged, no new one visible
    assert sorted(p.name for p in out_dir(ws).iterdir()) == sorted(before)
    assert stages(out_dir(ws)) == [] and stages(ws / "notices") == []
    monkeypatch.undo()


def test_an_old_file_that_cannot_be_put_back_is_kept_for_the_next_run(ws, monkeypatch):
    assert feedback("--date", "2023-04-03").exit_code == 0
    before = snapshot(out_dir(ws))
    real = os.replace

    def replace(src, dst, *a, **kw):  # the name refuses anything moved onto it, even the old file
        if Path(dst) == out_dir(ws) / LOCKED:
            raise PermissionError(13, "Permission denied", str(dst))
        return real(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", replace)
    result = feedback("--date", "2023-05-08", "--force")
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert "下次运行时放回" in flat(result.output) and HINT in flat(result.output)
    (stage,) = stages(out_dir(ws))
    assert sorted(p.name for p in stage.iterdir()) == [".old"]
    assert (stage / ".old" / LOCKED).read_bytes() == before[LOCKED]
    assert snapshot(out_dir(ws)) == {n: b for n, b in before.items() if n != LOCKED}
    past = time.time() - 3600
    os.utime(stage, (past, past))  # as the next run, started later, sees it
    assert notice_build.remove_stale_stages([out_dir(ws)]) == [stage]
    assert snapshot(out_dir(ws)) == before


def test_replacing_the_set_with_force_replaces_all_and_keeps_other_files(ws):
    assert feedback("--date", "2023-04-03").exit_code == 0
    (out_dir(ws) / "公示-2023-03.docx").write_bytes(b"publicity")
    (out_dir(ws) / "结果反馈-9999-已调离.docx").write_bytes(b"earlier letter")
    old = snapshot(out_dir(ws))
    result = feedback("--date", "2023-05-08", "--force")
    assert result.exit_code == 0, result.output
    new = snapshot(out_dir(ws))
    assert sorted(new) == sorted(old)
    assert all(new[n] != old[n] for n in LETTERS)
    assert new["公示-2023-03.docx"] == b"publicity" and new["结果反馈-9999-已调离.docx"] == b"earlier letter"
    assert "2023年5月8日" in text_of(out_dir(ws) / LETTERS[0])
    assert stages(out_dir(ws)) == []


def test_a_new_folder_is_published_by_one_rename(ws, monkeypatch):
    renames: list[tuple[str, str]] = []
    real = os.rename

    def rename(src, dst, *a, **kw):
        renames.append((Path(src).name, str(dst)))
        return real(src, dst, *a, **kw)

    monkeypatch.setattr(os, "rename", rename)
    assert feedback().exit_code == 0
    assert len(renames) == 1
    staged, target = renames[0]
    assert staged.startswith(".kaohe-notice-") and Path(target) == out_dir(ws)
    assert sorted(p.name for p in out_dir(ws).iterdir()) == sorted(LETTERS)
    assert stages(ws / "notices") == []


def test_a_folder_that_appears_meanwhile_gets_the_files_but_loses_none(ws, monkeypatch):
    real = notices.NoticeTemplate.write

    def write(self, context, out, *, html=None):
        if not out_dir(ws).exists():  # another run makes the folder, with a file of its own
            out_dir(ws).mkdir(parents=True)
            (out_dir(ws) / "另一次运行.docx").write_bytes(b"theirs")
        return real(self, context, out, html=html)

    monkeypatch.setattr(notices.NoticeTemplate, "write", write)
    assert feedback().exit_code == 0
    assert sorted(p.name for p in out_dir(ws).iterdir()) == sorted([*LETTERS, "另一次运行.docx"])
    assert (out_dir(ws) / "另一次运行.docx").read_bytes() == b"theirs"
    assert stages(ws / "notices") == []


def test_a_failed_run_leaves_no_stage_and_no_new_folder(ws, monkeypatch):
    def broken(self, context, out, *, html=None):
        raise notices.TemplateError("坏了", "")

    monkeypatch.setattr(notices.NoticeTemplate, "write", broken)
    assert feedback().exit_code == 1
    assert not (ws / "notices").exists()


# --- stages of dead runs --------------------------------------------------------------------


def _stage(folder: Path, hexname: str, *, old: bool, files: dict[str, bytes] | None = None) -> Path:
    stage = folder / f".kaohe-notice-{hexname}"
    stage.mkdir(parents=True)
    for name, data in (files or {"结果反馈-1001-张伟.docx": b"half"}).items():
        (stage / name).write_bytes(data)
    if old:
        past = time.time() - 3600
        os.utime(stage, (past, past))
    return stage


def test_stages_of_dead_runs_are_removed_and_fresh_or_held_ones_kept(ws):
    out_dir(ws).mkdir(parents=True)
    dead_inside = _stage(out_dir(ws), "0123456789ab", old=True)
    dead_beside = _stage(ws / "notices", "ba9876543210", old=True)
    fresh = _stage(out_dir(ws), "aaaaaaaaaaaa", old=False)  # modified after this process started
    held = _stage(ws / "notices", "bbbbbbbbbbbb", old=True, files={".lock": b""})
    lock = notice_build.hold_lock(held / ".lock")  # a live run holds it (the OS frees it on death)
    past = time.time() - 3600
    os.utime(held, (past, past))
    try:
        result = feedback()
        assert result.exit_code == 0, result.output
        assert not dead_inside.exists() and not dead_beside.exists()
        assert fresh.is_dir() and held.is_dir()
        assert sorted(p.name for p in out_dir(ws).iterdir() if not p.name.startswith(".")) == sorted(LETTERS)
    finally:
        notice_build.release_lock(lock)
    # once the holder is gone, the old stage is stale
    assert notice_build.remove_stale_stages([ws / "notices"]) == [held]


def test_a_stage_that_died_while_publishing_gives_the_old_files_back(ws):
    out_dir(ws).mkdir(parents=True)
    (out_dir(ws) / LOCKED).write_bytes(b"new, half published")
    stage = _stage(out_dir(ws), "cccccccccccc", old=False, files={"结果反馈-1005-黄强.docx": b"new"})
    (stage / ".old").mkdir()
    (stage / ".old" / LOCKED).write_bytes(b"the old letter")
    (stage / ".old" / "结果反馈-1001-张伟.docx").write_bytes(b"another old letter")
    past = time.time() - 3600
    os.utime(stage, (past, past))
    assert notice_build.remove_stale_stages([out_dir(ws)]) == [stage]
    assert (out_dir(ws) / LOCKED).read_bytes() == b"the old letter"
    assert (out_dir(ws) / "结果反馈-1001-张伟.docx").read_bytes() == b"another old letter"

    done = _stage(out_dir(ws), "dddddddddddd", old=False, files={".done": b""})
    (done / ".old").mkdir()
    (done / ".old" / LOCKED).write_bytes(b"superseded")
    os.utime(done, (past, past))
    assert notice_build.remove_stale_stages([out_dir(ws)]) == [done]
    assert (out_dir(ws) / LOCKED).read_bytes() == b"the old letter"


# --- file names -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted(BANNED) + list("张三 .-_abcCON/\\:*?\"<>|\u00a0\u2028")), max_size=40))
def test_no_control_or_bidi_character_reaches_a_file_name(text):
    name = safe_filename(text)
    assert name and not BANNED & set(name)
    assert not set('<>:"/\\|?*') & set(name)


def test_hostile_names_give_clean_file_names_and_keep_their_text_in_the_letter(tmp_path, monkeypatch):
    people = ["张伟\x1b[2J", "李娜\u202eabc", "张&<三>\x9b", "刘\u2066洋\u2069\u200f", "黄强\x07\x7f"]
    book = {
        "人员": [ZHUJIAN["人员"][0], *[[r[0], people[i], *r[2:]] for i, r in enumerate(ZHUJIAN["人员"][2:])]],
        "考勤": [ZHUJIAN["考勤"][0], *[[r[0], people[i], *r[2:]] for i, r in enumerate(ZHUJIAN["考勤"][1:])]],
    }
    monkeypatch.chdir(tmp_path)
    assert invoke(*INIT, str(tmp_path)).exit_code == 0
    path = write_book(tmp_path / "2023-03.xlsx", book)
    scored = invoke("score", str(path), "--scheme", "zhujian", "--db", "kaohe.db", "-o", "结果.xlsx")
    assert scored.exit_code == 0, scored.output
    result = make_notices(load_config(), tmp_path / "kaohe.db",
                          NoticeOptions("feedback", "2023-03", date(2023, 4, 3), out_dir=tmp_path / "通知"))
    names = sorted(p.name for p in result.documents)
    assert names == sorted(["结果反馈-1001-张伟[2J.docx", "结果反馈-1002-李娜abc.docx", "结果反馈-1003-张&_三_.docx",
                            "结果反馈-1004-刘洋.docx", "结果反馈-1005-黄强.docx"])
    for name in names:
        assert not BANNED & set(name)
    text = text_of(tmp_path / "通知" / "结果反馈-1002-李娜abc.docx")
    assert "李娜\u202eabc同志" in text  # the letter keeps the name as written
    assert "刘\u2066洋\u2069\u200f同志" in text_of(tmp_path / "通知" / "结果反馈-1004-刘洋.docx")
    assert "张&<三>\x9b同志" in text_of(tmp_path / "通知" / "结果反馈-1003-张&_三_.docx")
    assert "张伟[2J同志" in text_of(tmp_path / "通知" / "结果反馈-1001-张伟[2J.docx")  # XML cannot hold ESC
