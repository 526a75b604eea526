#!/usr/bin/env bash
# Makes the example lobby's media with ffmpeg (Debian's), from nothing but its own filters and the
# DejaVu font: nothing is downloaded. The poster is committed as made; the video clip is made on
# demand (demo.sh and the tests call this when it is missing), so the repository carries no video.
#   make-media.sh poster   -> ap-phich-cchc.png, 1280x720
#   make-media.sh video    -> gioi-thieu.mp4, 8 s, 1280x720, 25 fps, H.264, silent
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
what="${1:-video}"

text() {  # text TEXT SIZE Y COLOUR
  printf "drawtext=fontfile=%s:text='%s':fontsize=%s:x=(w-text_w)/2:y=%s:fontcolor=%s" \
    "$font" "$1" "$2" "$3" "$4"
}

case "$what" in
  poster)
    ffmpeg -loglevel error -y -f lavfi -i "gradients=s=1280x720:c0=0x0B3D91:c1=0x1565C0:x0=0:y0=0:x1=1280:y1=720:d=1" \
      -vf "drawbox=x=0:y=560:w=1280:h=160:color=0xC62828:t=fill,$(text 'CẢI CÁCH HÀNH CHÍNH' 84 90 0xFFD200),$(text 'Nộp hồ sơ trực tuyến' 64 250 white),$(text 'tại Cổng Dịch vụ công quốc gia' 56 340 white),$(text 'dichvucong.gov.vn' 60 600 white)" \
      -frames:v 1 "$here/ap-phich-cchc.png"
    ;;
  video)
    ffmpeg -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=8" \
      -vf "drawbox=x=0:y=500:w=1280:h=220:color=0x0B3D91@0.85:t=fill,$(text 'Bộ phận Một cửa xin chào' 64 530 white),$(text 'Video mẫu của bangtin — khung %{frame_num}' 40 630 0xFFD200)" \
      -an -c:v libx264 -pix_fmt yuv420p -preset veryfast -crf 28 -movflags +faststart "$here/gioi-thieu.mp4"
    ;;
  *)
    echo "usage: make-media.sh poster|video" >&2
    exit 2
    ;;
esac
