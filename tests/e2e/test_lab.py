"""An analyst's JupyterLab (`station-kit lab`): in Chinese, on copies of the analysis notebooks in a
folder of their own, so that opening and saving one never changes the templates in workbooks/analysis."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time

from station_kit.lab import TEMPLATES_DIR
from tests.e2e.conftest import _free_port, _terminate


def _digests(folder) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.glob("*.ipynb"))}


def test_notebooks_are_copied_once_and_an_analysts_edit_stays(tmp_path):
    folder = tmp_path / "分析"
    command = [sys.executable, "-m", "station_kit.cli", "notebooks", str(folder)]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    assert _digests(folder) == _digests(TEMPLATES_DIR) and len(_digests(folder)) == 7
    assert "已复制到" in first.stdout
    edited = folder / "月度报告.ipynb"
    edited.write_text(edited.read_text(encoding="utf-8").replace("# 月度报告", "# 我的月报"), encoding="utf-8")
    (folder / "志愿者留存.ipynb").unlink()
    again = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "# 我的月报" in edited.read_text(encoding="utf-8")  # kept, not overwritten
    assert (folder / "志愿者留存.ipynb").exists() and "志愿者留存.ipynb" in again.stdout.split("已复制到")[1]
    assert "保持不动" in again.stdout


def test_jupyterlab_opens_in_chinese_on_the_analysts_copies(browser, tmp_path):
    from tests.databases import demo_station_url

    before = _digests(TEMPLATES_DIR)
    folder, port, token = tmp_path / "analysis", _free_port(), "analyst-test-token"
    log = (tmp_path / "lab.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "station_kit.cli", "lab", str(folder), "--port", str(port),
                                "--db", demo_station_url()], env={**os.environ, "JUPYTER_TOKEN": token},
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        deadline = time.monotonic() + 120
        while True:  # the server answers once it is up
            try:
                page.goto(f"http://127.0.0.1:{port}/lab/tree/月度报告.ipynb?token={token}")
                break
            except Exception:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError((tmp_path / "lab.log").read_text()) from None
                time.sleep(1)
        menu = page.locator("#jp-MainMenu")
        menu.get_by_text("文件", exact=True).wait_for(timeout=90_000)
        assert {"文件", "编辑", "运行", "内核", "帮助"} <= set(menu.inner_text().split())
        page.locator(".jp-Notebook").get_by_text("报告月份").first.wait_for(timeout=90_000)  # the parameters cell
        copy = folder / "月度报告.ipynb"
        saved_before = copy.stat().st_mtime_ns
        deadline = time.monotonic() + 60
        while copy.stat().st_mtime_ns == saved_before and time.monotonic() < deadline:
            # Ctrl+S, again if the notebook was still loading and let the first one pass, as a person would
            page.locator(".jp-Notebook").first.click()
            page.keyboard.press("Control+s")
            page.wait_for_timeout(2_000)
        assert copy.stat().st_mtime_ns != saved_before, "saving did not write the analyst's copy"
        context.close()
    finally:
        _terminate(process)
        log.close()
    assert _digests(TEMPLATES_DIR) == before  # the templates are never opened
    assert set(_digests(folder)) == set(before)
