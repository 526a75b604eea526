#!/usr/bin/env python3
"""Writes a large programme for bangtin's scale benchmark (tests/bench/scale/run.sh).

A province's campaign archive: ITEMS items over FILES playlist files, for BOARDS boards that
receive DDP from bangtin-panel-sim on 127.0.0.1 (ports PORT, PORT+1, ...). The boards come in a
few sizes, as a real fleet does: most are 128x32 mono street boards, some 64x16, one a 192x64
colour board. Texts are built from Vietnamese phrases so that no two items are the same, effects
and schedules are mixed, and every item targets every board. Deterministic: no randomness.

usage: make_programme.py DIR ITEMS BOARDS PORT [FILES]
"""
import os
import sys

PHRASES = [
    "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia",
    "Bộ phận Một cửa tiếp nhận và trả kết quả",
    "Giờ làm việc sáng 7:30–11:30, chiều 13:30–17:00",
    "Cùng nâng cao Chỉ số PAR INDEX",
    "Thanh toán phí, lệ phí không dùng tiền mặt",
    "Người dân, doanh nghiệp hài lòng",
    "Chuyển đổi số trong cải cách hành chính",
    "Tra cứu kết quả giải quyết hồ sơ",
    "Đường dây nóng tiếp nhận phản ánh, kiến nghị",
    "Xã Hòa Bình thực hiện kế hoạch năm 2026",
    "Định danh điện tử VNeID mức độ 2",
    "Ủy ban nhân dân xã thông báo",
]
EFFECTS = ["scroll"] * 6 + ["static", "page", "blink", "fade"]
DAYS = ["[mon, tue, wed, thu, fri]", "[sat, sun]", "[mon, wed, fri]"]

BOARD_SIZES = [("128x32", "mono")] * 5 + [("64x16", "mono")] * 2 + [("192x64", "rgb565")]


def item_yaml(n):
    words = [PHRASES[(n * 7 + k * 3) % len(PHRASES)] for k in range(1 + n % 3)]
    text = f"{n:05d} " + ". ".join(words)
    effect = EFFECTS[n % len(EFFECTS)]
    lines = [f"  - id: muc-{n:05d}", f'    text: "{text}"', f"    effect: {effect}"]
    if effect in ("scroll", "page"):
        lines.append(f"    speed: {32 + 8 * (n % 4)}")
    if effect == "static":
        lines.append(f"    duration: {4 + n % 5}s")
    if n % 5 == 0:
        lines.append("    priority: high")
    schedule = []
    if n % 3 == 0:
        schedule.append(f"      days: {DAYS[n % len(DAYS)]}")
    if n % 4 == 0:
        start = 6 + n % 6
        schedule.append(f'      hours: ["{start:02d}:00-{start + 10:02d}:00"]')
    if n % 11 == 0:
        schedule.append("      dates: 2026-01-01..2027-12-31")
    if schedule:
        lines.append("    schedule:")
        lines.extend(schedule)
    return "\n".join(lines)


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    out, items, boards, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    files = int(sys.argv[5]) if len(sys.argv) > 5 else max(1, items // 500)
    os.makedirs(os.path.join(out, "playlists"), exist_ok=True)
    config = ['timezone: "+07:00"', "playlists: playlists/", "displays:"]
    for b in range(boards):
        size, pixel = BOARD_SIZES[b % len(BOARD_SIZES)]
        config += [
            f"  - name: bang-{b:02d}",
            f"    size: {size}",
            f"    pixel: {pixel}",
            f"    link: ddp://127.0.0.1:{port + b}",
            "    fps: 25",
        ]
    with open(os.path.join(out, "bangtin.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(config) + "\n")
    per_file = (items + files - 1) // files
    for f_index in range(files):
        first, last = f_index * per_file, min(items, (f_index + 1) * per_file)
        if first >= last:
            break
        body = [f"playlist: ke-hoach-{f_index:03d}", "items:"]
        body += [item_yaml(n) for n in range(first, last)]
        path = os.path.join(out, "playlists", f"ke-hoach-{f_index:03d}.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(body) + "\n")


if __name__ == "__main__":
    main()
