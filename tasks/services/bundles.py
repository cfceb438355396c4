"""What a draw publishes (draw-protocol.md §8): the announcement before the draw, and the bundle
after it, in its two forms.

- the *full bundle* has every frozen file exactly as committed; it lists every conflict of
  interest of the whole candidate pool, so only office admins and auditor accounts download it;
- the *public bundle* (the public site, the other departments) is the full bundle with only the
  conflict rows whose object was drawn, and `"conflicts_scope": "drawn"`: stage 2 reads no other
  row, so the result re-computes the same; the verifier then takes the conflict file's hash from
  the announce entry, and only the full bundle proves the conflict rows complete;
- the *announcement* is the announce log entry with what it states (task id, earliest reveal
  time, witness roster), published the moment the draw is announced: archived by anyone, it lets
  `verify_draw --announcement` reject a bundle re-computed from scratch later.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tasks.draw.protocol import ALGORITHM, DrawInputs, build_bundle
from tasks.models import Draw
from tasks.services.ceremony import announce_entry
from tasks.services.snapshots import trusted_inputs

PUBLIC_SCOPE = "drawn"


def draw_inputs(draw: Draw) -> DrawInputs:
    """The frozen inputs of a draw, rebuilt from its stored files."""
    return trusted_inputs(
        draw.protocol_task_id,
        draw.candidate_rows(),
        draw.inspector_rows(),
        draw.conflict_rows(),
        draw.params,
    )


def draw_has_bundle(draw: Draw) -> bool:
    return draw.has_bundle


def draw_bundle(draw: Draw, *, public: bool) -> dict[str, Any]:
    """The §8 bundle of a drawn (or later voided) draw, full or public (§8.3)."""
    if not draw_has_bundle(draw):
        raise ValidationError(_("该抽取尚未完成，没有可公开的数据包。"))
    assert draw.result is not None  # has_bundle: the draw has its result
    bundle = build_bundle(
        draw_inputs(draw),
        draw.revealed_secret,
        draw.beacon,
        list(draw.witnesses),
        draw.result,
        [entry.as_entry() for entry in draw.log_entries.order_by("seq")],
    )
    if public:
        drawn = draw.result["objects"]
        bundle["conflicts"] = [row for row in bundle["conflicts"] if row.split(",")[1] in drawn]
        bundle["conflicts_scope"] = PUBLIC_SCOPE
    return bundle


def bundle_json(bundle: dict[str, Any] | list[dict[str, Any]]) -> str:
    return json.dumps(bundle, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def announcement_document(draw: Draw) -> dict[str, Any]:
    """What the announcement states, as published before the draw (§3 step 1)."""
    entry = announce_entry(draw)
    return {
        "protocol": ALGORITHM,
        "task_id": draw.protocol_task_id,
        "draw": draw.number,
        "announce": entry,
        "reveal_not_before": draw.params.get("reveal_not_before", ""),
        "witnesses": draw.params.get("witnesses", []),
    }
