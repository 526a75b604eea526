// bangtin video clips — `video: FILE` items, decoded with FFmpeg's libraries (in software) into a
// zone's pixel format.
//
// Like every effect, a clip is a function of the time since its item started: the frame shown at
// `elapsed` is the last frame whose presentation time is at or before it (times counted from the
// first frame's), the first frame before that and the last one after the end. A VideoClip decodes
// ahead on a thread of its own into a queue of a few frames, so the loop drawing a board never
// waits for the decoder; frame_at() decodes the same frame synchronously, pixel for pixel, for
// `bangtin render --at`. Each frame is scaled to fit the zone (sample aspect kept, centred, black
// bars); a phone's rotation flag is not applied, nor is interlaced video deinterlaced.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "bangtin/frame.hpp"

namespace bangtin {

// A file that cannot be played; the message names it and says what is wrong, for an operator.
class VideoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct VideoInfo {
  std::chrono::nanoseconds length{0};  // from the first frame's time to the last one's end
  double fps = 0;                      // the video stream's average frame rate
  std::int64_t frames = 0;             // pictures in the stream
  int width = 0, height = 0;  // the picture as stored, in pixels (before its sample aspect)
  double aspect = 0;          // the picture as shown: width / height with the sample aspect
  bool has_audio = false;     // an audio stream is there (bangtin plays none)
};

// What playing the file takes. Reads the whole video stream once (not decoding it) to learn
// every frame's time, which also finds files cut short: about 50 ms for ten minutes of 720p
// (220 MB) in the page cache, the time to read the file from disk otherwise. Throws VideoError
// naming the file when it cannot be played: missing, empty or unreadable; not a video container
// bangtin plays (MP4/MOV, Matroska/WebM, MPEG-TS, AVI, FLV); no video stream; a codec other than
// H.264, H.265, VP8, VP9, AV1, MPEG-4 Part 2, MPEG-1/2, ProRes or Motion JPEG; damaged or cut
// short; longer than an hour; bigger than 3840x2160 (either way round: 2160x3840 portrait is fine).
VideoInfo probe_video(const std::filesystem::path& file);

// One clip decoded for one zone (rgb888, rgb565, or mono as a threshold on luma).
//
// Thread-safety: every member may be called from any thread; draw() and wait_ready() share the
// decoder thread's queue under a mutex held only for bookkeeping and the copy of one picture.
// Both steer the decoder to their instant, so they should ask for the same one (wait_ready() for
// the first frame before the item goes on air, then draw() on the loop). Memory: the queue's few
// pictures in the zone's format, and the decoder's own (about 35 MB at 720p).
class VideoClip {
 public:
  // Probes the file (as probe_video, with its errors) and starts decoding from its first frame.
  // Throws std::invalid_argument for a zone without pixels.
  VideoClip(const std::filesystem::path& file, PanelGeometry zone);
  ~VideoClip();  // stops and joins the decoder thread
  VideoClip(const VideoClip&) = delete;
  VideoClip& operator=(const VideoClip&) = delete;

  const VideoInfo& info() const;
  const PanelGeometry& zone() const;

  // Draws the frame shown at `elapsed` into `out` (whose format must be the zone's) at `where`
  // (the zone's size; the part outside `out` is left out), and tells the decoder to go on from
  // there. Never waits for decoding: when that frame is not decoded yet it draws the newest
  // decoded one before it, or else the picture drawn last (black before the first), and counts
  // a late frame. Playing forward is cheap (frames come out of the queue); going back, or ahead
  // past the next keyframe, makes the decoder seek, and the frames drawn meanwhile are late.
  void draw(std::chrono::nanoseconds elapsed, Frame& out, Rect where);
  // The zone's picture at `elapsed`, decoded here and now with a decoder of its own (seek to the
  // keyframe before, decode forward): what draw() shows when it is not late.
  Frame frame_at(std::chrono::nanoseconds elapsed) const;
  // The (0-based) index of the frame shown at `elapsed`.
  std::int64_t frame_index(std::chrono::nanoseconds elapsed) const;

  struct Counts {
    std::uint64_t decoded = 0;  // frames the decoder thread decoded
    std::uint64_t shown = 0;    // draw() calls that drew the frame for their instant
    std::uint64_t late = 0;     // draw() calls that drew an older picture (or black) instead
  };
  Counts counts() const;
  // Why the decoder thread stopped (a file changed or damaged under it), empty while it runs.
  // draw() then goes on drawing the last picture it has, late.
  std::string error() const;

  // Points the decoder at `elapsed` (as draw() does) and waits until its frame is decoded, or
  // `timeout` passes: true when it is. For the first frame before an item goes on air, and for
  // tests. False at once when the decoder has stopped on an error.
  bool wait_ready(std::chrono::nanoseconds elapsed, std::chrono::milliseconds timeout);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace bangtin
