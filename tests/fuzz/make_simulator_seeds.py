#!/usr/bin/env python3
"""Writes the seed corpora of the panel simulator's fuzz targets, in the input formats their
sources describe: corpus/modbus_request/ (requests of each function the register map uses, over
TCP, RTU and as bare PDUs, for each kind of panel, and a few truncated or damaged) and
corpus/pixel_receiver/ (DDP and E1.31 packets, synchronization and stream termination included,
and a few truncated). Run it from anywhere; it rewrites only the files it names."""

import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent

# modbus_request: the first byte's framing (bits 0-1) and panel (bits 2-3).
TCP, RTU, PDUS = 0, 1, 2
MONO_V4, RGB565_V2, TEXT, RGB888_V4 = 0, 1, 2, 3


def read(address, count):
    return struct.pack(">BHH", 0x03, address, count)


def write(address, value):
    return struct.pack(">BHH", 0x06, address, value)


def write_multiple(address, values):
    return struct.pack(">BHHB", 0x10, address, len(values), 2 * len(values)) + b"".join(
        struct.pack(">H", v) for v in values)


def tcp(pdus, unit=1):
    return b"".join(
        struct.pack(">HHHB", n + 1, 0, len(pdu) + 1, unit) + pdu for n, pdu in enumerate(pdus))


def crc16(data):
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def rtu(pdus, unit=1):
    frames = b""
    for pdu in pdus:
        frame = bytes([unit]) + pdu
        frames += frame + struct.pack("<H", crc16(frame))
    return frames


def pdu_list(pdus):
    return b"".join(bytes([len(pdu)]) + pdu for pdu in pdus)


def config(framing, panel):
    return bytes([framing | panel << 2])


IDENTITY = [read(0, 6), read(6, 1)]
STATUS = [read(17, 7)]
# 16x4 mono: 8 frame bytes, 4 registers from 256.
MONO_FRAME = [write_multiple(256, [0xF00F, 0x0FF0, 0xAAAA, 0x5555]), write(16, 1)]
# Strip mode on the mono panel: a 32-pixel strip (4 bytes a row, 8 registers) at base 4.
MONO_STRIP = [
    write_multiple(260, list(range(1, 9))),
    write_multiple(10, [1, 32, 4, 0, 0, 3, 2]),
    write_multiple(15, [5, 3]),
]
# Ring mode on the mono panel: three 8-column tiles (4 rows: 2 registers a tile) at base 4, the
# window wrapping from ring column 20, then a ring of broken tiles (width 20) refused.
MONO_RING = [
    write_multiple(260, [0xFF00, 0x00FF, 0, 0, 0x8001, 0x0180]),
    write_multiple(10, [2, 24, 4, 8, 0, 20, 2]),
    write_multiple(15, [23, 3]),
    write_multiple(10, [2, 20, 4, 8, 0, 0, 4]),
]
CONTROLS = [write(8, 40), write(9, 0), read(8, 2)]
# 8x4 rgb565: 64 frame bytes, 32 registers.
RGB565_FRAME = [write_multiple(256, list(range(0x1000, 0x1020))), write(16, 7)] + STATUS
TEXT_LINES = [write_multiple(1000, [0x4869, 0x2074, 0x6800]), write(3, 80), read(2000, 3)]
# 12x3 rgb888: 108 frame bytes, 54 registers, then a refused strip commit (width 0).
RGB888_FRAME = [write_multiple(256, list(range(54))), write_multiple(10, [0, 0, 0, 0, 0, 0, 9])]
REFUSED = [write_multiple(10, [1, 0, 0, 0, 0, 0, 9]), write_multiple(10, [2, 8, 0, 0, 0, 0, 9])]
ODD = [bytes([0x04, 0, 0, 0, 1]), bytes([0x2B, 0x0E, 1, 0]), read(0, 126), read(0xFFFF, 2),
       write_multiple(256, [1, 2])[:-1]]

MODBUS_SEEDS = {
    "tcp_identity_and_status": config(TCP, MONO_V4) + tcp(IDENTITY + STATUS),
    "tcp_mono_frame_commit": config(TCP, MONO_V4) + tcp(IDENTITY + MONO_FRAME + STATUS),
    "tcp_mono_strip_commits": config(TCP, MONO_V4) + tcp(MONO_STRIP + STATUS),
    "tcp_mono_ring_commits": config(TCP, MONO_V4) + tcp(MONO_RING + STATUS),
    "pdus_mono_ring": config(PDUS, MONO_V4) + pdu_list(MONO_RING + ODD),
    "tcp_controls": config(TCP, MONO_V4) + tcp(CONTROLS),
    "tcp_rgb565_v2_frame": config(TCP, RGB565_V2) + tcp(IDENTITY + RGB565_FRAME),
    "tcp_text_display": config(TCP, TEXT) + tcp(TEXT_LINES),
    "tcp_rgb888_frame_then_refused": config(TCP, RGB888_V4) + tcp(RGB888_FRAME + REFUSED),
    "tcp_unserved_and_malformed": config(TCP, MONO_V4) + tcp(ODD),
    "tcp_truncated_header": config(TCP, MONO_V4) + tcp(IDENTITY)[:16],
    "tcp_truncated_body": config(TCP, MONO_V4) + tcp(MONO_FRAME)[:20],
    "tcp_not_modbus": config(TCP, MONO_V4) + b"GET / HTTP/1.0\r\n\r\n",
    "rtu_mono_frame_commit": config(RTU, MONO_V4) + rtu(IDENTITY + MONO_FRAME + STATUS),
    "rtu_text_display": config(RTU, TEXT) + rtu(TEXT_LINES, unit=7),
    "rtu_broadcast_commit": config(RTU, MONO_V4) + rtu(MONO_FRAME, unit=0),
    "rtu_noise_then_request": config(RTU, MONO_V4) + b"\x01\x03\x00" + rtu(IDENTITY),
    "rtu_damaged_crc": config(RTU, MONO_V4) + rtu(STATUS)[:-1] + b"\x00" + rtu(STATUS),
    "rtu_truncated": config(RTU, RGB565_V2) + rtu(RGB565_FRAME)[:40],
    "pdus_mono_strip": config(PDUS, MONO_V4) + pdu_list(MONO_STRIP + ODD),
    "pdus_rgb888": config(PDUS, RGB888_V4) + pdu_list(IDENTITY + RGB888_FRAME + REFUSED),
    "pdus_empty_and_short": config(PDUS, RGB565_V2) + bytes([0, 1, 0x03, 2, 0x10, 0]),
}

# pixel_receiver: the first byte's panel, then datagrams as kind (0 DDP, 1 E1.31), length, bytes.
RGB888_8X4, MONO_40X10, RGB565_20X9_HIGH, TEXT_DISPLAY = 0, 1, 2, 3
DDP, E131 = 0, 1


def datagram(kind, data):
    return struct.pack(">BH", kind, len(data)) + data


def ddp(data, offset=0, push=True, sequence=1, timecode=False, query=False, ident=1):
    flags = 0x40 | (0x01 if push else 0) | (0x10 if timecode else 0) | (0x02 if query else 0)
    header = struct.pack(">BBBBIH", flags, sequence, 0x0B, ident, offset, len(data))
    return header + (b"\x00\x00\x00\x2a" if timecode else b"") + data


CID = bytes(range(16))


def e131_root(vector, total):
    return (struct.pack(">HH", 0x0010, 0) + b"ASC-E1.17\x00\x00\x00" +
            struct.pack(">HI", 0x7000 | (total - 16), vector) + CID)


def e131_data(universe, channels, sequence=1, sync_universe=0, options=0):
    total = 126 + len(channels)
    name = b"bangtin seed".ljust(64, b"\x00")
    framing = (struct.pack(">HI", 0x7000 | (total - 38), 0x00000002) + name +
               struct.pack(">BHBBH", 100, sync_universe, sequence, options, universe))
    dmp = struct.pack(">HBBHHHB", 0x7000 | (total - 115), 0x02, 0xA1, 0, 1, len(channels) + 1, 0)
    return e131_root(0x00000004, total) + framing + dmp + channels


def e131_sync(sync_universe, sequence=2):
    return (e131_root(0x00000008, 49) + struct.pack(">HIBH", 0x7000 | (49 - 38), 0x00000001,
                                                     sequence, sync_universe) + b"\x00\x00")


def pixels(count, seed):
    return bytes((seed + 7 * i) & 0xFF for i in range(3 * count))


MONO_UNIVERSES = [e131_data(1 + u, pixels(170 if u < 2 else 60, u), sync_universe=9)
                  for u in range(3)]

PIXEL_SEEDS = {
    "ddp_one_packet_push": bytes([RGB888_8X4]) + datagram(DDP, ddp(pixels(32, 1))),
    "ddp_two_packets_timecode": bytes([MONO_40X10]) +
    datagram(DDP, ddp(pixels(200, 2), push=False)) +
    datagram(DDP, ddp(pixels(200, 3), offset=600, timecode=True, sequence=2)),
    "ddp_query_and_other_id": bytes([RGB888_8X4]) + datagram(DDP, ddp(b"", query=True)) +
    datagram(DDP, ddp(pixels(32, 4), ident=250)),
    "ddp_offset_past_the_end": bytes([RGB565_20X9_HIGH]) +
    datagram(DDP, ddp(pixels(10, 5), offset=530)),
    "e131_one_universe": bytes([RGB888_8X4]) + datagram(E131, e131_data(1, pixels(32, 6))),
    "e131_three_universes_and_sync": bytes([MONO_40X10]) +
    b"".join(datagram(E131, packet) for packet in MONO_UNIVERSES) +
    datagram(E131, e131_sync(9)),
    "e131_sync_before_all_universes": bytes([MONO_40X10]) +
    datagram(E131, MONO_UNIVERSES[0]) + datagram(E131, e131_sync(9)),
    "e131_last_universes_there_are": bytes([RGB565_20X9_HIGH]) +
    datagram(E131, e131_data(63998, pixels(170, 7))) +
    datagram(E131, e131_data(63999, pixels(10, 8))),
    "e131_stream_terminated": bytes([RGB888_8X4]) +
    datagram(E131, e131_data(1, pixels(32, 9))) +
    datagram(E131, e131_data(1, pixels(32, 9), options=0x40)) * 3,
    "e131_preview_data": bytes([RGB888_8X4]) +
    datagram(E131, e131_data(1, pixels(32, 10), options=0x80)),
    "mixed_on_a_text_display": bytes([TEXT_DISPLAY]) + datagram(DDP, ddp(pixels(4, 11))) +
    datagram(E131, e131_data(1, pixels(4, 12))),
    "ddp_truncated": bytes([RGB888_8X4]) + datagram(DDP, ddp(pixels(32, 13))[:30]),
    "e131_truncated": bytes([RGB888_8X4]) + datagram(E131, e131_data(1, pixels(32, 14))[:100]),
    "e131_sync_truncated": bytes([MONO_40X10]) + datagram(E131, e131_sync(9)[:40]),
}


def write_corpus(name, seeds):
    folder = HERE / "corpus" / name
    folder.mkdir(parents=True, exist_ok=True)
    for seed, data in seeds.items():
        (folder / seed).write_bytes(data)


write_corpus("modbus_request", MODBUS_SEEDS)
write_corpus("pixel_receiver", PIXEL_SEEDS)
