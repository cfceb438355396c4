"""`manage.py check_uscc CODE...` / `--file F`: one line per code, exit status 1 if any is invalid."""

import pytest
from django.core.management import CommandError, call_command

from registries.uscc import make_uscc

VALID = make_uscc("91330106MA2B7C4D0")


def _run(*args):
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_uscc", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


def test_valid_codes_exit_zero():
    status, lines = _run(VALID, f" {VALID.lower()} ")
    assert status == 0
    assert lines == [f"{VALID} VALID", f"{VALID} VALID"]


def test_each_reason_is_named():
    wrong_check = VALID[:17] + ("0" if VALID[17] != "0" else "1")
    status, lines = _run("9133010", "91330106MA2B7C4DOX", wrong_check)
    assert status == 1
    assert lines[0] == "9133010 INVALID: length (got 7)"
    assert (
        lines[1]
        == "91330106MA2B7C4DOX INVALID: character set (position 17: character O not allowed)"
    )
    assert lines[2] == f"{wrong_check} INVALID: check character (expected {VALID[17]})"


def test_codes_from_a_file(tmp_path):
    path = tmp_path / "codes.txt"
    path.write_text(f"\ufeff{VALID}\n\n91330106MA2B7C4D0I\n", encoding="utf-8")
    status, lines = _run("--file", str(path))
    assert status == 1
    assert lines[0] == f"{VALID} VALID"
    assert lines[1].startswith("91330106MA2B7C4D0I INVALID: ")
    assert len(lines) == 2


def test_gbk_file_and_missing_input(tmp_path):
    path = tmp_path / "codes.txt"
    path.write_bytes(f"{VALID}\n".encode("gbk"))
    assert _run("--file", str(path)) == (0, [f"{VALID} VALID"])
    with pytest.raises(CommandError):
        call_command("check_uscc")
    with pytest.raises(CommandError):
        call_command("check_uscc", "--file", str(tmp_path / "missing.txt"))
