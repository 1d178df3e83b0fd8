"""``magnum-lite-containers-api`` serves the containers WSGI app on its own port."""

from magnum_lite.cmd import containers_api


def test_gunicorn_serves_the_containers_app_on_its_port(tmp_path, monkeypatch):
    config = tmp_path / "magnum-lite.conf"
    config.write_text(f"[DEFAULT]\nstate_path = {tmp_path}\n[containers]\napi_port = 9599\n"
                      "api_workers = 3\n")
    monkeypatch.setenv("MAGNUM_LITE_CONFIG", "")  # restored after the test
    executed = {}
    monkeypatch.setattr(containers_api.os, "execv",
                        lambda path, argv: executed.update(argv=argv))
    containers_api.main(["--config-file", str(config)])
    argv = executed["argv"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:9599"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[-1] == "magnum_lite.api.zun.wsgi:init_application()"
    assert containers_api.os.environ["MAGNUM_LITE_CONFIG"] == str(config)
