"""FrameDecoder: bytes in, bodies out, whatever the framing mistakes and however the bytes are split."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from landguard.lsp.framing import FrameDecoder

BODIES = [
    json.dumps({"jsonrpc": "2.0", "id": n, "method": "m", "params": {"s": "é\\n" * n}}).encode()
    for n in range(4)
]


def frames(header=b"Content-Length: %d\r\n\r\n"):
    return b"".join(header % len(body) + body for body in BODIES)


def decode(data, sizes=None):
    decoder = FrameDecoder()
    out, position = [], 0
    for size in sizes or [len(data)]:
        out += decoder.feed(data[position : position + size])
        position += size
    out += decoder.feed(data[position:])
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(
        [b"Content-Length: %d\r\n\r\n", b"content-length:%d\n\n", b"X: y\r\nCONTENT-LENGTH: %d\r\n\n"]
    ),
    st.lists(st.integers(1, 40), max_size=30),
)
def test_any_header_spelling_and_any_split(header, sizes):
    assert decode(frames(header), sizes) == BODIES


def test_wrong_lengths_resynchronise():
    body = BODIES[1]
    too_long = b"Content-Length: %d\r\n\r\n" % (len(body) + 30) + body
    too_short = b"Content-Length: %d\r\n\r\n" % (len(body) - 5) + body
    decoder = FrameDecoder()
    assert decoder.feed(too_long + frames()) == BODIES[1:2] + BODIES
    assert decoder.feed(too_short + frames()) == [body[:-5], *BODIES]
    assert decoder.resynchronised == 2


def test_a_whole_object_is_not_waited_on():
    body = BODIES[2]
    decoder = FrameDecoder()
    assert decoder.feed(b"Content-Length: %d\r\n\r\n" % (len(body) + 1000) + body) == [body]
    assert decoder.feed(frames()) == BODIES


def test_endless_junk_is_bounded():
    decoder = FrameDecoder()
    for _ in range(100):
        assert decoder.feed(b"x" * 10_000) == []
    assert len(decoder._buffer) < 100_000
    assert decoder.feed(b"\r\n" + frames()) == BODIES
