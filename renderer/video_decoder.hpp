// Private to the renderer: FFmpeg behind the video clips. Opening and checking a file, the times
// of its frames (from one pass over its packets), a decoder that seeks to a keyframe and gives
// frames in presentation order, and the scaler that fits a frame into a zone's pixels.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "bangtin/frame.hpp"
#include "bangtin/video_clip.hpp"

struct AVFormatContext;
struct AVCodecContext;
struct AVFrame;
struct AVPacket;
struct SwsContext;

namespace bangtin::video {

struct FormatCloser {
  void operator()(AVFormatContext* context) const;
};
struct CodecFreer {
  void operator()(AVCodecContext* context) const;
};
struct FrameFreer {
  void operator()(AVFrame* frame) const;
};
struct PacketFreer {
  void operator()(AVPacket* packet) const;
};
struct ScalerFreer {
  void operator()(SwsContext* context) const;
};
struct BufferFreer {
  void operator()(std::uint8_t* buffer) const;
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using ScalerPtr = std::unique_ptr<SwsContext, ScalerFreer>;
using BufferPtr = std::unique_ptr<std::uint8_t, BufferFreer>;

// Every frame's presentation time, and where decoding can start.
struct Timeline {
  int num = 1, den = 1;            // the stream's time base
  std::vector<std::int64_t> pts;   // presentation times in the time base, ascending, one a frame
  std::vector<std::int64_t> keys;  // indices of keyframes (0 always among them), ascending
  // For each of keys, the time a seek for it goes to: its presentation time, on which MP4 and
  // Matroska seek exactly; or the earliest of its times (decoding time), on which MPEG-TS does
  // (and the others land at or before it).
  std::vector<std::int64_t> seek_pts;
  std::vector<std::int64_t> seek_early;
  std::int64_t end = 0;  // when the last frame ends, in the time base

  std::int64_t frames() const { return static_cast<std::int64_t>(pts.size()); }
  // From the first frame's time to the end of the last.
  std::chrono::nanoseconds length() const;
  // The frame shown at `elapsed`: the last whose time is at or before it (0 before the first).
  std::int64_t index_at(std::chrono::nanoseconds elapsed) const;
  // The frame a decoded picture with presentation time `pts` (in the time base) is.
  std::int64_t index_of_pts(std::int64_t pts) const;
  // The last keyframe at or before frame `index`: its place in `keys`.
  std::size_t key_before(std::int64_t index) const;
};

// A file opened and checked: its video stream, what it holds, and the timeline.
struct Probe {
  VideoInfo info;
  Timeline timeline;
  double sample_aspect = 1;  // width of a stored pixel / its height
};
Probe probe(const std::filesystem::path& file);

// One decoded picture, with the frame index it is.
struct Decoded {
  std::int64_t index = 0;
  FramePtr frame;
};

// Decodes the file's video stream from a keyframe on, in presentation order.
class Decoder {
 public:
  // `threads`: libavcodec's decoding threads. Throws VideoError naming the file.
  Decoder(const std::filesystem::path& file, const Timeline& timeline, int threads);
  ~Decoder();
  Decoder(Decoder&&) noexcept;
  Decoder& operator=(Decoder&&) noexcept;

  // Decoding starts again at keys[key] (nothing of what was decoded before comes out), found by
  // its seek_pts, or its seek_early time.
  void seek(std::size_t key, bool early);
  // The next picture, or nothing at the end of the stream (or where the file cannot be read on).
  std::optional<Decoded> next();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Fits pictures into a zone: scaled with the sample aspect kept, centred, black bars, in the
// zone's format. Two steps, each on one of swscale's fast paths (together a third of what one
// bicubic step straight to RGB24 costs): scaled (bicubic) to 8-bit 4:2:0 YUV at the size the
// picture takes in the zone, then converted to RGB at that size; mono is lit where luma is at
// least half.
class ZoneScaler {
 public:
  ZoneScaler(PanelGeometry zone, double sample_aspect);
  ~ZoneScaler();
  ZoneScaler(ZoneScaler&&) noexcept;
  ZoneScaler& operator=(ZoneScaler&&) noexcept;

  // Fills `out` with the picture: the zone's rows of bytes, and one spare zero byte after them
  // (so that bit runs may be read a byte past their last bit).
  void convert(const AVFrame& frame, std::vector<std::uint8_t>& out);
  // Where a width x height picture goes in the zone.
  Rect fit(int width, int height) const;

  // An image in a buffer of its own, rows aligned as swscale wants them.
  struct Image {
    BufferPtr buffer;
    int format = -1, width = 0, height = 0;
    std::uint8_t* planes[4] = {};
    int strides[4] = {};
    void allocate(int format, int width, int height);
  };

 private:
  PanelGeometry zone_;
  double sample_aspect_;
  ScalerPtr resize_;  // the decoded picture -> YUV 4:2:0 at its size in the zone
  ScalerPtr to_rgb_;  // -> RGB24, same size
  int matrix_ = -1;   // the YUV matrix and range the two were set up for
  bool full_range_ = false;
  Image small_;
  Image rgb_;
};

}  // namespace bangtin::video
