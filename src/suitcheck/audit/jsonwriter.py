"""json's encoder made once: standard library only (the keyring's head record, the trail's
canonical JSON and the row seal messages all write through it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def one_shot_json(encoder: json.JSONEncoder) -> Callable[[Any], str]:
    """`encoder.encode`, with json's C encoder made once instead of at every call (encode()
    makes it anew each time: about half the time of writing the small documents a check
    writes). Made without json's check for a value that contains itself, which no document
    suitcheck reads or writes can: such a value raises RecursionError instead of ValueError.
    Where json has no C encoder, or it does not write what encode() writes (tried once,
    here, on a sample of every kind of value), encode() itself."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None or encoder.indent is not None:
        return encoder.encode
    text = json.encoder.encode_basestring_ascii if encoder.ensure_ascii else json.encoder.encode_basestring
    try:
        made = make(
            None,  # markers: no circular-reference check
            encoder.default,
            text,
            encoder.indent,
            encoder.key_separator,
            encoder.item_separator,
            encoder.sort_keys,
            encoder.skipkeys,
            encoder.allow_nan,
        )

        def encode(value: Any) -> str:
            return "".join(made(value, 0))

        sample = {"é\u2028": [1, -2.5, 1e300, None, True, False, 'q"\\\n\x00'], "a": {"z": {}, "b": []}, "": "✓"}
        for probe in (sample, "text", 7, None, [float("inf")]):
            if encode(probe) != encoder.encode(probe):
                return encoder.encode
    except Exception:  # noqa: BLE001 - any surprise from json's private maker: its public path
        return encoder.encode
    return encode
