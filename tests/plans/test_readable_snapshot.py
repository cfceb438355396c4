"""A published plan reads in words: its scope names departments, not codes, its rates are
"A类 1%", and each joint item shows its 配合部门, also when it is joint through a merge."""

from plans.snapshot import readable_snapshot


def _item(item_id, name, code, **fields):
    return {
        "id": item_id,
        "title": f"{name}的事项",
        "department": {"code": code, "name": name},
        "participating_departments": [],
        "scope": {"departments": [code]},
        "scope_text": f"监管部门：{code}",
        "ratios": {"A": 100, "B": 300, "C": 500, "D": 500},
        "ratios_text": "A 1% / B 3% / C 5% / D 5%",
        **fields,
    }


def test_scope_rates_and_co_departments_in_words(department_a, department_b):
    snapshot = {
        "items": [
            _item(1, "市场监管局", "DEPA"),
            _item(2, "生态环境局", "DEPB"),
            _item(
                3,
                "市场监管局",
                "DEPA",
                participating_departments=[{"code": "DEPB", "name": "生态环境局"}],
            ),
            _item(4, "生态环境局", "DEPB"),
        ],
        "merges": [
            {"id": 7, "status": "accepted", "items": [1, 2]},
            {"id": 8, "status": "rejected", "items": [3, 4]},
        ],
    }
    items = readable_snapshot(snapshot)["items"]
    assert items[0]["scope_text"] == "监管部门：市场监管局"
    assert items[0]["ratios_text"] == "A类 1%；B类 3%；C类 5%；D类 5%"
    assert items[0]["co_departments"] == ["生态环境局"]
    assert items[1]["co_departments"] == ["市场监管局"]
    assert items[2]["co_departments"] == ["生态环境局"]
    assert items[3]["co_departments"] == []
    # what was published is not changed
    assert snapshot["items"][0]["scope_text"] == "监管部门：DEPA"
