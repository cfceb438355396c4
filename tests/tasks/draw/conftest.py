"""Fixtures for the pure draw protocol: the known-answer bundle and a small fresh ceremony."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tasks.draw.protocol import DrawInputs, LogChain, build_bundle, run_draw

KAT_PATH = Path(__file__).parent / "kat" / "draw-protocol-kat.json"

SMALL_PARAMS: dict[str, Any] = {
    "strata": {"low": {"rate_bp": 2500}, "high": {"count": 3}},
    "lead_dept": "SAMR",
    "groups": 2,
    "group": {"SAMR": 1, "EPB": 1},
    "required_tags": {"SAMR": ["LE"]},
    "max_attempts": 5,
    "legal_basis": "《市场监管领域双随机一公开细则》第十三条",
}


@pytest.fixture
def kat_bundle() -> dict[str, Any]:
    """A fresh copy of the known-answer bundle, so tests may tamper with it."""
    return json.loads(KAT_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def kat_inputs(kat_bundle: dict[str, Any]) -> DrawInputs:
    return DrawInputs.from_rows(
        kat_bundle["task_id"],
        kat_bundle["candidates"],
        kat_bundle["inspectors"],
        kat_bundle["conflicts"],
        kat_bundle["params"],
    )


@pytest.fixture
def small_inputs() -> DrawInputs:
    candidates = [f"91310100{n:09d}X,{'low' if n % 2 else 'high'},{int(n == 3)}" for n in range(12)]
    inspectors = [
        "SAMR-01,SAMR,0,5,LE",
        "SAMR-02,SAMR,1,5,LE;FOOD",
        "SAMR-03,SAMR,0,5,",
        "EPB-01,EPB,0,2,",
        "EPB-02,EPB,2,2,LE",
        "EPB-03,EPB,0,2,LE",
    ]
    conflicts = ["SAMR-01,91310100000000000X", "EPB-01,91310100000000003X"]
    return DrawInputs.from_rows("2024-TEST-7", candidates, inspectors, conflicts, SMALL_PARAMS)


@pytest.fixture
def make_bundle() -> Callable[..., dict[str, Any]]:
    """Runs a whole ceremony (announce, witnesses, optional beacon, reveal, result)."""

    def make(
        inputs: DrawInputs,
        *,
        secret: bytes = bytes(range(32)),
        witnesses: tuple[str, ...] = ("1234567890",),
        beacon: str = "none",
        after_result: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        announced_beacon = beacon.rsplit(":", 1)[0] if beacon != "none" else "none"
        log = LogChain()
        log.announce(inputs, secret, announced_beacon, actor="SAMR", ts="2024-05-06T01:00:00Z")
        for index, witness in enumerate(witnesses):
            log.witness(witness, actor=f"DEPT{index}", ts="2024-05-06T02:00:00Z")
        if beacon != "none":
            log.append("beacon", "system", {"value": beacon}, "2024-05-06T02:10:00Z")
        log.reveal(secret.hex(), actor="SAMR", ts="2024-05-06T02:11:00Z")
        result = run_draw(inputs, secret.hex(), beacon, witnesses)
        log.result(result, actor="system", ts="2024-05-06T02:11:01Z")
        for entry_type in after_result:
            log.append(entry_type, "SAMR", {"note": entry_type}, "2024-05-07T00:00:00Z")
        return build_bundle(inputs, secret.hex(), beacon, witnesses, result, log)

    return make
