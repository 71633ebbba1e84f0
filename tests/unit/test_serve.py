"""The Voilà command line and environment `station-kit serve` builds (DESIGN.md §8)."""

from __future__ import annotations

import asyncio
import functools
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from jupyter_client import KernelManager
from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
from voila.app import Voila
from voila.configuration import VoilaConfiguration
from voila.execute import VoilaExecutor
from voila.exporter import VoilaExporter
from voila.voila_kernel_manager import voila_kernel_manager_factory

from station_kit import serve, serve_kernels
from station_kit.cli import build_parser
from station_kit.serve_kernels import (
    ERROR_TEXT,
    MAX_KERNELS,
    KernelLimitReached,
    StationKernelManager,
    StationWebsocketConnection,
    client_safe,
)
from station_kit.ui import registry
from tests.loops import on_a_loop_of_its_own

CONFIGURABLES = {
    cls.__name__: cls
    for cls in (Voila, VoilaConfiguration, VoilaExecutor, MappingKernelManager, StationKernelManager,
                voila_kernel_manager_factory(StationKernelManager, True, 1), KernelManager)
}
# How Voilà starts a kernel for a page, and one to refill its pool of preheated kernels.
PAGE_KERNEL = {"kernel_name": "python3", "env": {**os.environ, "VOILA_PREHEAT": "False"}}
PREHEATED_KERNEL = {"kernel_name": "python3", "env": {**os.environ, "VOILA_PREHEAT": "True"}}
KERNEL_START_TIMEOUT_S = 120
TEMPLATE_DIR = serve.JUPYTER_DATA_DIR / "voila" / "templates" / serve.TEMPLATE


def options(argv: list[str]) -> dict[str, str]:
    """``--Class.trait=value`` arguments as a dict; the positional apps folder is left out."""
    pairs = (arg.removeprefix("--").split("=", 1) for arg in argv if arg.startswith("--"))
    return dict(pairs)


def test_defaults_bind_localhost_8866_over_workbooks_apps():
    argv = serve.voila_argv()

    assert argv[0] == str(Path(serve.__file__).resolve().parents[1] / "workbooks" / "apps")
    assert options(argv)["Voila.ip"] == "127.0.0.1"
    assert options(argv)["Voila.port"] == "8866"
    assert options(argv)["Voila.port_retries"] == "0"
    assert options(argv)["Voila.open_browser"] == "False"


def test_pages_show_neither_sources_nor_tracebacks():
    chosen = options(serve.voila_argv())

    assert chosen["VoilaConfiguration.strip_sources"] == "True"
    assert chosen["VoilaConfiguration.show_tracebacks"] == "False"
    assert chosen["VoilaConfiguration.template"] == "station"
    assert chosen["VoilaConfiguration.allow_template_override"] == "NO"


def test_the_kernel_websocket_is_the_one_that_keeps_tracebacks_back():
    chosen = options(serve.voila_argv())

    assert chosen["Voila.kernel_websocket_connection_class"] == (
        "station_kit.serve_kernels.StationWebsocketConnection"
    )
    assert issubclass(StationWebsocketConnection, Voila.kernel_websocket_connection_class.klass)


TRACEBACK = ["\x1b[31mTraceback (most recent call last)\x1b[0m", 'File "/srv/x.py", line 1']


@pytest.mark.parametrize(
    "msg_type, content",
    [
        ("error", {"ename": "ValueError", "evalue": "secret", "traceback": TRACEBACK}),
        ("execute_reply", {"status": "error", "execution_count": 3, "ename": "ValueError",
                           "evalue": "secret", "traceback": TRACEBACK}),
    ],
)
def test_errors_reach_the_browser_as_the_chinese_notice_only(msg_type, content):
    safe = client_safe(msg_type, content)

    assert safe["traceback"] == [ERROR_TEXT]
    assert safe["evalue"] == ERROR_TEXT
    assert "secret" not in json.dumps(safe) and "ValueError" not in json.dumps(safe)
    assert {k: v for k, v in safe.items() if k not in ("ename", "evalue", "traceback")} == {
        k: v for k, v in content.items() if k not in ("ename", "evalue", "traceback")
    }


def test_stderr_never_reaches_the_browser_and_stdout_does():
    assert client_safe("stream", {"name": "stderr", "text": "\n".join(TRACEBACK)}) is None
    stdout = {"name": "stdout", "text": "已保存"}
    assert client_safe("stream", stdout) == stdout


@pytest.mark.parametrize(
    "msg_type, content",
    [
        ("execute_reply", {"status": "ok", "execution_count": 1}),
        ("comm_msg", {"comm_id": "c", "data": {"method": "update", "state": {"value": "x"}}}),
        ("display_data", {"data": {"text/plain": "1"}, "metadata": {}}),
    ],
)
def test_other_messages_pass_unchanged(msg_type, content):
    assert client_safe(msg_type, content) is content


def test_kernels_are_preheated_and_idle_ones_culled():
    chosen = options(serve.voila_argv())

    assert chosen["VoilaConfiguration.preheat_kernel"] == "True"
    assert int(chosen["VoilaConfiguration.default_pool_size"]) >= 1
    assert int(chosen["MappingKernelManager.cull_idle_timeout"]) == 30 * 60
    assert 0 < int(chosen["MappingKernelManager.cull_interval"]) <= 30 * 60


def test_kernels_no_page_connected_to_are_culled_within_a_few_minutes():
    chosen = options(serve.voila_argv())
    unconnected_cull_seconds = int(chosen["StationKernelManager.unconnected_cull_seconds"])
    cull_interval = int(chosen["MappingKernelManager.cull_interval"])

    assert 0 < unconnected_cull_seconds <= 3 * 60
    assert unconnected_cull_seconds + cull_interval <= 5 * 60


def test_kernels_are_limited_by_the_station_kernel_manager():
    chosen = options(serve.voila_argv(max_kernels=9))

    assert chosen["VoilaConfiguration.multi_kernel_manager_class"] == (
        "station_kit.serve_kernels.StationKernelManager"
    )
    assert chosen["StationKernelManager.max_kernels"] == "9"
    assert options(serve.voila_argv())["StationKernelManager.max_kernels"] == str(MAX_KERNELS)


def test_the_command_line_default_limit_is_the_servers():
    assert build_parser().parse_args(["serve"]).max_kernels is None  # serve's own: MAX_KERNELS
    assert build_parser().parse_args(["serve", "--max-kernels", "20"]).max_kernels == 20


@pytest.mark.parametrize(("memory_gib", "cap"), [(2, 14), (4, 14), (8, 26), (16, 52), (24, 78)])
def test_the_default_limit_follows_the_pc_s_memory_and_never_falls_below_fourteen(memory_gib, cap):
    """40% of the PC's memory at 125 MiB a page (a forked kernel holds about 60 MiB of its own once usable)."""
    assert serve_kernels.default_max_kernels(memory_gib * 1024) == cap
    assert serve_kernels.MAX_KERNELS == serve_kernels.default_max_kernels()


def test_a_limit_that_leaves_no_kernel_for_a_page_is_refused(tmp_path):
    for name in ("home", "volunteers", "lectures", ".ipynb_checkpoints/home-checkpoint"):
        (tmp_path / f"{name}.ipynb").parent.mkdir(exist_ok=True)
        (tmp_path / f"{name}.ipynb").write_text("{}")

    assert "--max-kernels 3" in serve.kernel_limit_problem(3, tmp_path)
    assert serve.kernel_limit_problem(4, tmp_path) is None
    assert serve.kernel_limit_problem(MAX_KERNELS, serve.DEFAULT_APPS_DIR) is None


def test_apps_kept_cold_are_left_out_of_the_preheated_pools_and_the_limit(tmp_path, monkeypatch):
    for name in ("home", "volunteers", "awards"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    monkeypatch.setattr(registry, "APPS", (*registry.APPS, registry.App("awards", "app.home", None, preheat=False)))
    deny_list = json.loads(options(serve.voila_argv(apps_dir=tmp_path))["VoilaKernelManager.preheat_denylist"])
    # Voilà's own filter, which matches the deny list against each notebook's full path.
    preheated = functools.partial(voila_kernel_manager_factory(StationKernelManager, True, 1)._notebook_filter,
                                  SimpleNamespace(preheat_denylist=deny_list))

    assert not preheated(tmp_path / "awards.ipynb")
    assert preheated(tmp_path / "home.ipynb")
    assert preheated(tmp_path / "old_awards.ipynb")
    assert serve.kernel_limit_problem(3, tmp_path) is None  # 2 warm kernels, and a place for a page
    assert "--max-kernels 2" in serve.kernel_limit_problem(2, tmp_path)


def test_warm_names_the_apps_kept_warm_besides_home_and_an_unknown_one_is_refused(tmp_path, capsys):
    for name in ("home", "volunteers", "cases", "dashboard"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    deny_list = json.loads(options(serve.voila_argv(apps_dir=tmp_path, warm=["cases"]))[
        "VoilaKernelManager.preheat_denylist"])
    preheated = functools.partial(voila_kernel_manager_factory(StationKernelManager, True, 1)._notebook_filter,
                                  SimpleNamespace(preheat_denylist=deny_list))
    assert [name for name in ("home", "volunteers", "cases", "dashboard")
            if preheated(tmp_path / f"{name}.ipynb")] == ["home", "cases"]  # 首页, where everybody lands, too
    assert serve.kernel_limit_problem(3, tmp_path, ["cases"]) is None  # 2 warm kernels, and a place for a page
    assert serve.serve(db_url="sqlite:///x.db", apps_dir=tmp_path, warm=["cases", "nope"]) == 2
    assert "nope" in capsys.readouterr().err  # said, with the apps there are, and nothing served


def run_with_kernels(scenario, **settings):
    """Run ``scenario(manager)`` against a StationKernelManager that starts real kernels,
    and shut them all down afterwards."""

    async def main():
        manager = StationKernelManager(**settings)
        try:
            return await asyncio.wait_for(scenario(manager), KERNEL_START_TIMEOUT_S)
        finally:
            await manager.shutdown_all(now=True)

    # In its own thread: in a whole run the browser tests' Playwright keeps an event loop running
    # in this one, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as runner:
        return runner.submit(asyncio.run, main()).result()


def test_at_the_limit_a_page_kernel_is_refused_and_a_preheated_one_waits_for_a_place():
    async def scenario(manager):
        first = await manager.start_kernel(**PAGE_KERNEL)
        with pytest.raises(KernelLimitReached):
            await manager.start_kernel(**PAGE_KERNEL)
        assert manager.is_full()

        refill = asyncio.create_task(manager.start_kernel(**PREHEATED_KERNEL))
        # A start that did not wait would count its kernel before its first await.
        await asyncio.sleep(0.1)
        assert manager.kernel_count() == 1 and not refill.done()

        await manager.shutdown_kernel(first, now=True)
        refilled = await refill
        return manager.list_kernel_ids() == [refilled]

    assert run_with_kernels(scenario, max_kernels=1)


def test_a_kernel_no_page_connected_to_goes_soon_and_one_a_page_used_stays():
    async def scenario(manager):
        orphan = await manager.start_kernel(**PAGE_KERNEL)
        used = await manager.start_kernel(**PAGE_KERNEL)
        # What the kernel websocket does when a page connects, and when it is closed.
        manager.notify_connect(used)
        manager.notify_disconnect(used)

        while orphan in manager:
            await manager.cull_kernels()
            await asyncio.sleep(0.5)
        return used in manager

    assert run_with_kernels(scenario, unconnected_cull_seconds=1, cull_idle_timeout=30 * 60)


@pytest.mark.parametrize("token, expected", [(None, None), ("s3cret", "s3cret")])
def test_token_only_when_given(token, expected):
    assert options(serve.voila_argv(token=token)).get("Voila.token") == expected


def test_host_port_and_apps_dir_are_passed_through(tmp_path):
    argv = serve.voila_argv(host="192.168.1.20", port=9000, apps_dir=tmp_path, open_browser=True)

    assert argv[0] == str(tmp_path)
    assert options(argv)["Voila.ip"] == "192.168.1.20"
    assert options(argv)["Voila.port"] == "9000"
    assert options(argv)["Voila.open_browser"] == "True"


@pytest.mark.parametrize("option", options(serve.voila_argv(token="t")))
def test_every_option_names_a_real_setting(option):
    """A misspelt option is only a warning to Voilà, so check each one here."""
    class_name, trait = option.split(".")
    assert trait in CONFIGURABLES[class_name].class_trait_names(config=True)


def test_env_carries_db_url_and_template_path():
    env = serve.station_env(
        db_url="sqlite:///x.db", host="127.0.0.1", environ={"JUPYTER_PATH": "/a"}
    )

    assert env["STATION_KIT_DB_URL"] == "sqlite:///x.db"
    assert env["JUPYTER_PATH"].split(os.pathsep) == [str(serve.JUPYTER_DATA_DIR), "/a"]


@pytest.mark.parametrize(
    "host, callback_ip",
    [("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("10.0.0.5", "10.0.0.5")],
)
def test_preheated_kernels_call_back_where_the_server_listens(host, callback_ip):
    assert serve.station_env(db_url="x", host=host, environ={})["VOILA_APP_IP"] == callback_ip


def test_home_url_carries_the_token():
    assert (
        serve.home_url("127.0.0.1", 8866, None) == "http://127.0.0.1:8866/voila/render/home.ipynb"
    )
    assert serve.home_url("h", 1, "t").endswith("/voila/render/home.ipynb?token=t")


def test_template_extends_lab_and_links_no_other_host():
    assert json.loads((TEMPLATE_DIR / "conf.json").read_text())["base_template"] == "lab"
    for template in TEMPLATE_DIR.iterdir():
        assert "://" not in template.read_text(), template.name


def test_kernels_are_reached_through_socket_files_where_the_system_has_them(monkeypatch):
    """Seven kernels warming at once used to pick TCP ports before binding them, and one could lose
    its port to another and die; socket files are each kernel's own. Windows has none: TCP there."""
    assert options(serve.voila_argv()).get("KernelManager.transport") == ("ipc" if os.name == "posix" else None)
    monkeypatch.setattr(serve.os, "name", "nt")
    assert "KernelManager.transport" not in options(serve.voila_argv())


def test_as_the_hub_s_service_every_page_signs_in_with_the_hub_and_carries_its_person():
    argv = serve.voila_argv(hub_prefix="/services/station/")
    assert "--Voila.base_url=/services/station/" in argv
    assert "--Voila.identity_provider_class=station_kit.hub.identity.StationHubIdentityProvider" in argv
    assert '--VoilaConfiguration.http_header_envs=["X-Station-Kit-Person"]' in argv
    assert not any("http_header_envs" in option for option in serve.voila_argv())  # one PC passes no header


def test_another_address_without_sign_in_is_refused_with_the_ways_in():
    assert serve.open_door_problem("127.0.0.1", None, False) is None
    assert serve.open_door_problem("0.0.0.0", "s3cret", False) is None  # one shared token
    assert serve.open_door_problem("192.168.1.20", None, True) is None  # the hub signs each person in
    problem = serve.open_door_problem("0.0.0.0", None, False)
    assert "--token" in problem and "station-kit hub" in problem and "--host 127.0.0.1" in problem


def test_pages_rendered_one_after_another_compile_their_template_once(tmp_path, monkeypatch):
    """Each page Voilà renders makes a new template environment; the server keeps what Jinja compiled
    (an app opened without a warm kernel was 0.2 s slower for compiling it), and a changed template
    is compiled again."""
    monkeypatch.setattr(VoilaExporter, "environment", VoilaExporter.environment)  # restored after the test
    serve.keep_compiled_templates()
    compiled = []
    compile_template = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda env, *args, **options: compiled.append(args) or compile_template(env, *args, **options))
    (tmp_path / "page.j2").write_text("{{ station }}：第一版", encoding="utf-8")

    def render_a_page() -> str:
        template = VoilaExporter(template_paths=[str(tmp_path)]).environment.get_template("page.j2")
        return on_a_loop_of_its_own(lambda: template.render_async(station="兴神路社区"))

    assert [render_a_page() for _ in range(3)] == ["兴神路社区：第一版"] * 3
    assert len(compiled) == 1
    (tmp_path / "page.j2").write_text("{{ station }}：第二版", encoding="utf-8")
    assert render_a_page() == "兴神路社区：第二版" and len(compiled) == 2
