"""`--actor` names a user login, not free text (issue #15 part 7): the risk register, incidents,
green overrides and integrity dismissals resolve it; an unknown login is an error naming it; by
default the command acts as the `--as` user, else the local administrator."""

from __future__ import annotations

import json

import pytest

from beltroad.cli.main import main
from beltroad.services import users
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings

ADD = (
    *("risk", "register", "add", "--subject", "country:KEN", "--category", "currency"),
    *("--title", "KES depreciation", "--likelihood", "3", "--impact", "4", "-f", "json"),
)


def test_the_actor_is_a_checked_login(
    workspace: Workspace, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = users.resolve_actor(workspace)
    users.add_user(workspace, admin, "amina", Role.planner, [], password=None)
    base = ["--db", settings.database_url, "--data-dir", str(settings.data_dir)]
    assert main([*base, *ADD]) == 0
    first = json.loads(capsys.readouterr().out)["id"]
    assert main([*base, *ADD, "--actor", "amina"]) == 0
    second = json.loads(capsys.readouterr().out)["id"]
    assert main([*base, "--as", "amina", *ADD]) == 0
    third = json.loads(capsys.readouterr().out)["id"]
    actors = []
    for entry in (first, second, third):
        assert main([*base, "risk", "register", "history", str(entry), "-f", "json"]) == 0
        actors.append(json.loads(capsys.readouterr().out)[0]["actor"])
    assert actors == ["local-admin", "amina", "amina"]
    # free text is refused, naming the option and the value; nothing is written
    assert main([*base, *ADD, "--actor", "someone in finance"]) == 2
    err = capsys.readouterr().err
    assert "--actor" in err
    assert "someone in finance" in err
    assert main([*base, "--as", "ghost", *ADD]) != 0
    assert "ghost" in capsys.readouterr().err
    assert main([*base, "risk", "register", "list", "-f", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["entries"]) == 3
