#!/usr/bin/env python3
"""Independent reference for the golden files tests/data/common_*.json.

Nothing here uses swarmchain code: the values are computed from the written grammar
(common/codec.h, common/address.h, common/merkle.h, design §3) with Python's hashlib.

  python3 tests/common/golden_vectors.py          # checks the committed files
  python3 tests/common/golden_vectors.py --write  # rewrites address/merkle files

common_codec.json was written by hand; this script only re-checks it with its own encoder.
"""
import hashlib
import json
import os
import sys

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def H(tag: bytes, data: bytes) -> bytes:
    return hashlib.blake2b(tag + data, digest_size=32).digest()


# ---- codec ------------------------------------------------------------------------------
def le(v: int, n: int) -> bytes:
    return v.to_bytes(n, "little")


def varint(v: int) -> bytes:
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def check_codec():
    with open(os.path.join(DATA, "common_codec.json")) as f:
        j = json.load(f)
    for name, n in (("u8", 1), ("u16", 2), ("u32", 4), ("u64", 8)):
        for c in j[name]:
            assert le(c["value"], n).hex() == c["hex"], (name, c)
    for c in j["varint"]:
        assert varint(c["value"]).hex() == c["hex"], ("varint", c)
    for c in j["bytes"]:
        v = bytes.fromhex(c["value_hex"])
        assert (varint(len(v)) + v).hex() == c["hex"], ("bytes", c)
    for c in j["str"]:
        v = c["value"].encode()
        assert (varint(len(v)) + v).hex() == c["hex"], ("str", c)
    for c in j["fixed32"]:
        assert c["value_hex"] == c["hex"] and len(c["hex"]) == 64, ("fixed32", c)
    print("common_codec.json: ok")


# ---- address ----------------------------------------------------------------------------
RFC8032_PK = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")


def address(pk: bytes) -> str:
    return "sw1" + pk.hex() + H(b"swarmchain/addr", pk)[:4].hex()


def address_json():
    return {
        "_comment": "Computed by tests/common/golden_vectors.py with hashlib.blake2b"
        " (checksum = blake2b-256(b'swarmchain/addr' + pk)[0:4]), not by swarmchain code."
        " is_key: whether parse_address accepts it (the all-zero encoding is y = 0, a point of"
        " order 4, which no secret key has).",
        "vectors": [
            {"pubkey": RFC8032_PK.hex(), "address": address(RFC8032_PK), "is_key": True},
            {"pubkey": "00" * 32, "address": address(bytes(32)), "is_key": False},
        ],
    }


# ---- merkle -----------------------------------------------------------------------------
def merkle_root(leaves):
    if not leaves:
        return H(b"swarmchain/merkle/empty", b"")
    level = list(leaves)
    while len(level) > 1:
        up = [H(b"swarmchain/merkle/node", level[i] + level[i + 1])
              for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            up.append(level[-1])  # odd last node promoted unchanged
        level = up
    return level[0]


def leaf(i: int) -> bytes:
    return hashlib.blake2b(b"leaf" + bytes([i]), digest_size=32).digest()


def merkle_json():
    cases = []
    for n in (0, 1, 2, 3, 5, 8):
        leaves = [leaf(i) for i in range(n)]
        cases.append({"leaves": [l.hex() for l in leaves], "root": merkle_root(leaves).hex()})
    return {
        "_comment": "Computed by tests/common/golden_vectors.py with hashlib.blake2b"
        " (node = blake2b-256(b'swarmchain/merkle/node' + l + r), empty ="
        " blake2b-256(b'swarmchain/merkle/empty'), odd last node promoted), not by swarmchain"
        " code. Leaf i = blake2b-256(b'leaf' + bytes([i])).",
        "cases": cases,
    }


def main():
    files = {"common_address.json": address_json(), "common_merkle.json": merkle_json()}
    for name, content in files.items():
        path = os.path.join(DATA, name)
        if "--write" in sys.argv:
            with open(path, "w") as f:
                json.dump(content, f, indent=2)
                f.write("\n")
        with open(path) as f:
            assert json.load(f) == content, name
        print(name + ": ok")
    check_codec()


if __name__ == "__main__":
    main()
