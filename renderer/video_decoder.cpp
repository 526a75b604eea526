#include "video_decoder.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <system_error>

namespace bangtin::video {

void FormatCloser::operator()(AVFormatContext* context) const { avformat_close_input(&context); }
void CodecFreer::operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
void FrameFreer::operator()(AVFrame* frame) const { av_frame_free(&frame); }
void PacketFreer::operator()(AVPacket* packet) const { av_packet_free(&packet); }
void ScalerFreer::operator()(SwsContext* context) const { sws_freeContext(context); }
void BufferFreer::operator()(std::uint8_t* buffer) const { av_free(buffer); }

namespace {

constexpr std::chrono::hours kLongest{1};
constexpr int kLongSide = 3840;
constexpr int kShortSide = 2160;
constexpr std::string_view kContainers = "MP4/MOV, Matroska/WebM, MPEG-TS, AVI and FLV";
// Demuxer names as FFmpeg matches them: "mov" is mov,mp4,m4a,3gp,3g2,mj2; "matroska" takes WebM.
// Not MPEG-PS (.mpg, .vob): its frames' times are guessed, up to two frames off.
constexpr const char* kDemuxers = "mov,matroska,mpegts,avi,flv";

struct Codec {
  AVCodecID id;
  std::string_view name;
};
constexpr std::array<Codec, 10> kCodecs{{
    {AV_CODEC_ID_H264, "H.264"},
    {AV_CODEC_ID_HEVC, "H.265"},
    {AV_CODEC_ID_VP8, "VP8"},
    {AV_CODEC_ID_VP9, "VP9"},
    {AV_CODEC_ID_AV1, "AV1"},
    {AV_CODEC_ID_MPEG4, "MPEG-4 Part 2"},
    {AV_CODEC_ID_MPEG2VIDEO, "MPEG-2"},
    {AV_CODEC_ID_MPEG1VIDEO, "MPEG-1"},
    {AV_CODEC_ID_PRORES, "ProRes"},
    {AV_CODEC_ID_MJPEG, "Motion JPEG"},
}};

std::string codec_names() {
  std::string names;
  for (const Codec& codec : kCodecs) {
    if (!names.empty()) names += ", ";
    names += codec.name;
  }
  return names;
}

std::string error_text(int code) {
  std::array<char, AV_ERROR_MAX_STRING_SIZE> text{};
  av_strerror(code, text.data(), text.size());
  return text.data();
}

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw VideoError(file.string() + ": " + what);
}

std::string clock_text(std::chrono::nanoseconds length) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(length).count();
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%lld:%02lld:%02lld",
                static_cast<long long>(seconds / 3600), static_cast<long long>(seconds / 60 % 60),
                static_cast<long long>(seconds % 60));
  return text.data();
}

std::chrono::nanoseconds to_nanoseconds(std::int64_t ticks, AVRational time_base) {
  return std::chrono::nanoseconds(av_rescale_q(ticks, time_base, AVRational{1, 1'000'000'000}));
}

// What the first bytes say the file is meant to be, for the message when FFmpeg cannot open it.
std::string_view container_by_signature(const std::filesystem::path& file) {
  std::array<char, 12> head{};
  std::ifstream in(file, std::ios::binary);
  in.read(head.data(), head.size());
  const std::string_view bytes(head.data(), static_cast<std::size_t>(in.gcount()));
  if (bytes.size() >= 8 && bytes.substr(4, 4) == "ftyp") return "an MP4/MOV file";
  if (bytes.size() >= 4 && bytes.substr(0, 4) == "\x1A\x45\xDF\xA3") return "a Matroska/WebM file";
  if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "AVI ")
    return "an AVI file";
  return {};
}

struct Dictionary {
  AVDictionary* entries = nullptr;
  Dictionary() = default;
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;
  ~Dictionary() { av_dict_free(&entries); }
};

// The file opened, its streams read, the video stream chosen and checked.
struct Opened {
  FormatPtr format;
  int stream = -1;
  const AVCodec* decoder = nullptr;
};

Opened open_video(const std::filesystem::path& file) {
  // FFmpeg writes what it finds wrong in a file straight to stderr, past bangtin's log and its
  // escaping, with text from the file in it. Silenced, process-wide: what matters reaches the
  // operator as the VideoError's message.
  static std::once_flag silenced;
  std::call_once(silenced, [] { av_log_set_level(AV_LOG_QUIET); });
  std::error_code error;
  const auto status = std::filesystem::status(file, error);
  if (!std::filesystem::exists(status)) fail(file, "no such file");
  if (std::filesystem::is_directory(status)) fail(file, "is a folder, not a video file");
  const auto size = std::filesystem::file_size(file, error);
  if (error) fail(file, "cannot be read: " + error.message());
  if (size == 0) fail(file, "is empty, not a video");

  Opened opened;
  opened.format.reset(avformat_alloc_context());
  if (!opened.format) throw std::bad_alloc();
  // Local files only (no playlist or concat file sends FFmpeg elsewhere), in the containers
  // bangtin plays.
  Dictionary options;
  av_dict_set(&options.entries, "protocol_whitelist", "file", 0);
  av_dict_set(&options.entries, "format_whitelist", kDemuxers, 0);
  // "file:" first, so that no part of the name is taken for a protocol ("a:b.mp4").
  const std::string url = "file:" + file.string();
  AVFormatContext* raw = opened.format.release();
  const int open_result = avformat_open_input(&raw, url.c_str(), nullptr, &options.entries);
  opened.format.reset(raw);
  if (open_result == AVERROR(EACCES)) fail(file, "cannot be read: permission denied");
  if (open_result < 0) {
    const std::string_view meant = container_by_signature(file);
    if (!meant.empty()) {
      fail(file, "is " + std::string(meant) + " that cannot be read, damaged or cut short (" +
                     error_text(open_result) + ")");
    }
    fail(file, "is not a video file bangtin plays (it plays " + std::string(kContainers) + ")");
  }
  AVFormatContext* format = opened.format.get();
  const int info_result = avformat_find_stream_info(format, nullptr);
  if (info_result < 0) fail(file, "cannot be read: " + error_text(info_result));

  bool has_audio = false;
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    const AVStream* stream = format->streams[i];
    if (stream->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) has_audio = true;
    if (stream->codecpar->codec_type != AVMEDIA_TYPE_VIDEO) continue;
    if (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) continue;  // cover art
    if (opened.stream < 0) opened.stream = static_cast<int>(i);
  }
  const int best = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (best >= 0 && !(format->streams[best]->disposition & AV_DISPOSITION_ATTACHED_PIC))
    opened.stream = best;
  if (opened.stream < 0) fail(file, has_audio ? "has no video, only sound" : "has no video stream");

  AVStream* stream = format->streams[opened.stream];
  const AVCodecParameters& parameters = *stream->codecpar;
  const auto codec = std::find_if(kCodecs.begin(), kCodecs.end(),
                                  [&](const Codec& c) { return c.id == parameters.codec_id; });
  if (codec == kCodecs.end()) {
    fail(file, "is coded in " + std::string(avcodec_get_name(parameters.codec_id)) +
                   ", which bangtin does not play (it plays " + codec_names() + ")");
  }
  opened.decoder = avcodec_find_decoder(parameters.codec_id);
  if (!opened.decoder) fail(file, "needs a " + std::string(codec->name) + " decoder FFmpeg lacks");
  const int width = parameters.width;
  const int height = parameters.height;
  if (width <= 0 || height <= 0) fail(file, "has no picture size: damaged");
  if (std::max(width, height) > kLongSide || std::min(width, height) > kShortSide) {
    fail(file, "is " + std::to_string(width) + "x" + std::to_string(height) +
                   "; bangtin plays videos up to 3840x2160 (or 2160x3840)");
  }
  if (format->duration != AV_NOPTS_VALUE &&
      std::chrono::microseconds(format->duration) > kLongest + std::chrono::seconds(1)) {
    fail(file, "is " + clock_text(std::chrono::microseconds(format->duration)) +
                   " long; bangtin plays videos up to an hour long");
  }
  // Nothing but the picture is read from here on.
  for (unsigned i = 0; i < format->nb_streams; ++i)
    if (static_cast<int>(i) != opened.stream) format->streams[i]->discard = AVDISCARD_ALL;
  return opened;
}

struct Packet {
  std::int64_t pts = 0;
  std::int64_t seek = 0;  // the earliest of its times: where a seek for it lands
  std::int64_t duration = 0;
  bool key = false;
};

// Every packet of the video stream, read (not decoded) to the end of the file.
std::vector<Packet> read_packets(const std::filesystem::path& file, const Opened& opened) {
  AVFormatContext* format = opened.format.get();
  const AVStream* stream = format->streams[opened.stream];
  const std::int64_t longest = av_rescale_q(
      std::chrono::duration_cast<std::chrono::microseconds>(kLongest + std::chrono::seconds(1))
          .count(),
      AVRational{1, AV_TIME_BASE}, stream->time_base);
  PacketPtr packet(av_packet_alloc());
  if (!packet) throw std::bad_alloc();
  std::vector<Packet> packets;
  std::int64_t read = 0;  // packets of the stream, those the decoder drops included
  std::int64_t first = AV_NOPTS_VALUE;
  for (;;) {
    const int result = av_read_frame(format, packet.get());
    if (result == AVERROR_EOF) break;
    if (result < 0) {
      fail(file, "cannot be read to its end, damaged or cut short (" + error_text(result) + ")");
    }
    const AVPacket& p = *packet;
    if (p.stream_index == opened.stream) {
      ++read;
      const std::int64_t pts = p.pts != AV_NOPTS_VALUE ? p.pts : p.dts;
      if (pts == AV_NOPTS_VALUE) fail(file, "has pictures without times; remux it (e.g. to MP4)");
      if (p.flags & AV_PKT_FLAG_CORRUPT) {
        const std::int64_t since = first == AV_NOPTS_VALUE ? 0 : pts - first;
        fail(file, "is damaged or cut short: the picture at " +
                       clock_text(to_nanoseconds(since, stream->time_base)) + " is incomplete");
      }
      if (!(p.flags & AV_PKT_FLAG_DISCARD)) {
        const std::int64_t dts = p.dts != AV_NOPTS_VALUE ? std::min(p.dts, pts) : pts;
        packets.push_back(Packet{pts, dts, p.duration, (p.flags & AV_PKT_FLAG_KEY) != 0});
        first = first == AV_NOPTS_VALUE ? pts : std::min(first, pts);
        if (pts - first > longest)
          fail(file, "is longer than an hour, bangtin plays up to an hour");
      }
    }
    av_packet_unref(packet.get());
  }
  if (stream->nb_frames > 0 && read < stream->nb_frames) {
    fail(file, "is cut short or damaged: " + std::to_string(read) + " of its " +
                   std::to_string(stream->nb_frames) + " pictures can be read");
  }
  if (packets.empty()) fail(file, "has no pictures");
  return packets;
}

Timeline make_timeline(const std::vector<Packet>& packets, const AVStream& stream) {
  Timeline timeline;
  timeline.num = stream.time_base.num;
  timeline.den = stream.time_base.den;
  timeline.pts.reserve(packets.size());
  for (const Packet& p : packets) timeline.pts.push_back(p.pts);
  std::sort(timeline.pts.begin(), timeline.pts.end());
  timeline.pts.erase(std::unique(timeline.pts.begin(), timeline.pts.end()), timeline.pts.end());

  // Keyframes by frame index; frame 0 is where decoding from the start begins.
  struct Key {
    std::int64_t index, pts, early;
  };
  std::vector<Key> keys;
  std::int64_t start = packets.front().seek;
  for (const Packet& p : packets) start = std::min(start, p.seek);
  keys.push_back(Key{0, start, start});
  for (const Packet& p : packets) {
    if (!p.key) continue;
    const auto at = std::lower_bound(timeline.pts.begin(), timeline.pts.end(), p.pts);
    const std::int64_t index = at - timeline.pts.begin();
    if (index > 0) keys.push_back(Key{index, p.pts, p.seek});
  }
  std::stable_sort(keys.begin(), keys.end(),
                   [](const Key& a, const Key& b) { return a.index < b.index; });
  for (const Key& key : keys) {
    if (!timeline.keys.empty() && timeline.keys.back() == key.index) continue;
    timeline.keys.push_back(key.index);
    timeline.seek_pts.push_back(key.pts);
    timeline.seek_early.push_back(key.early);
  }

  // The last frame lasts its packet's duration, else one frame at the average rate, else as
  // long as the frame before it.
  const auto last =
      std::max_element(packets.begin(), packets.end(),
                       [](const Packet& a, const Packet& b) { return a.pts < b.pts; });
  std::int64_t duration = last->duration;
  if (duration <= 0 && stream.avg_frame_rate.num > 0 && stream.avg_frame_rate.den > 0)
    duration = av_rescale_q(1, av_inv_q(stream.avg_frame_rate), stream.time_base);
  if (duration <= 0 && timeline.pts.size() > 1)
    duration = timeline.pts.back() - timeline.pts[timeline.pts.size() - 2];
  timeline.end = timeline.pts.back() + std::max<std::int64_t>(duration, 1);
  return timeline;
}

}  // namespace

std::chrono::nanoseconds Timeline::length() const {
  return to_nanoseconds(end - pts.front(), AVRational{num, den});
}

std::int64_t Timeline::index_at(std::chrono::nanoseconds elapsed) const {
  if (elapsed.count() <= 0) return 0;
  const std::int64_t ticks =
      av_rescale_rnd(elapsed.count(), den, std::int64_t{num} * 1'000'000'000, AV_ROUND_DOWN);
  return index_of_pts(pts.front() + ticks);
}

std::int64_t Timeline::index_of_pts(std::int64_t time) const {
  const auto after = std::upper_bound(pts.begin(), pts.end(), time);
  return std::max<std::int64_t>(0, (after - pts.begin()) - 1);
}

std::size_t Timeline::key_before(std::int64_t index) const {
  const auto after = std::upper_bound(keys.begin(), keys.end(), index);
  return static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, (after - keys.begin()) - 1));
}

Probe probe(const std::filesystem::path& file) {
  const Opened opened = open_video(file);
  const AVFormatContext& format = *opened.format;
  AVStream& stream = *format.streams[opened.stream];
  Probe probe;
  probe.timeline = make_timeline(read_packets(file, opened), stream);
  VideoInfo& info = probe.info;
  info.length = probe.timeline.length();
  if (info.length > kLongest) {
    fail(file, "is " + clock_text(info.length) + " long; bangtin plays videos up to an hour long");
  }
  info.frames = probe.timeline.frames();
  info.width = stream.codecpar->width;
  info.height = stream.codecpar->height;
  const AVRational sample_aspect =
      av_guess_sample_aspect_ratio(opened.format.get(), &stream, nullptr);
  if (sample_aspect.num > 0 && sample_aspect.den > 0) probe.sample_aspect = av_q2d(sample_aspect);
  info.aspect = info.width * probe.sample_aspect / info.height;
  if (stream.avg_frame_rate.num > 0 && stream.avg_frame_rate.den > 0) {
    info.fps = av_q2d(stream.avg_frame_rate);
  } else if (info.length.count() > 0) {
    info.fps = static_cast<double>(info.frames) * 1e9 / static_cast<double>(info.length.count());
  }
  for (unsigned i = 0; i < format.nb_streams; ++i)
    if (format.streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) info.has_audio = true;
  return probe;
}

// --- Decoder ---------------------------------------------------------------------------------

struct Decoder::State {
  std::filesystem::path file;
  const Timeline* timeline = nullptr;
  Opened opened;
  CodecPtr codec;
  PacketPtr packet;
  bool draining = false;  // the file is read to its end; the decoder gives what it holds
  bool done = false;
};

Decoder::Decoder(const std::filesystem::path& file, const Timeline& timeline, int threads)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.file = file;
  s.timeline = &timeline;
  s.opened = open_video(file);
  const AVStream& stream = *s.opened.format->streams[s.opened.stream];
  s.codec.reset(avcodec_alloc_context3(s.opened.decoder));
  s.packet.reset(av_packet_alloc());
  if (!s.codec || !s.packet) throw std::bad_alloc();
  if (avcodec_parameters_to_context(s.codec.get(), stream.codecpar) < 0)
    fail(file, "has video parameters the decoder does not take");
  s.codec->pkt_timebase = stream.time_base;
  s.codec->thread_count = threads;
  // The header's size was checked; a stream that grows its pictures later (MPEG-TS may) is held
  // to the same limit by the decoder itself.
  s.codec->max_pixels = std::int64_t{3840} * 2160;
  s.codec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  const int result = avcodec_open2(s.codec.get(), s.opened.decoder, nullptr);
  if (result < 0) fail(file, "cannot be decoded: " + error_text(result));
}

Decoder::~Decoder() = default;
Decoder::Decoder(Decoder&&) noexcept = default;
Decoder& Decoder::operator=(Decoder&&) noexcept = default;

void Decoder::seek(std::size_t key, bool early) {
  State& s = *state_;
  AVFormatContext* format = s.opened.format.get();
  const std::int64_t time = (early ? s.timeline->seek_early : s.timeline->seek_pts).at(key);
  avcodec_flush_buffers(s.codec.get());
  int result = av_seek_frame(format, s.opened.stream, time, AVSEEK_FLAG_BACKWARD);
  if (result < 0) result = avformat_seek_file(format, s.opened.stream, INT64_MIN, time, time, 0);
  if (result < 0) fail(s.file, "cannot be played from " + std::to_string(key) + ": seek failed");
  s.draining = false;
  s.done = false;
}

std::optional<Decoded> Decoder::next() {
  State& s = *state_;
  FramePtr frame(av_frame_alloc());
  if (!frame) throw std::bad_alloc();
  while (!s.done) {
    const int received = avcodec_receive_frame(s.codec.get(), frame.get());
    if (received == 0) {
      std::int64_t time = frame->best_effort_timestamp;
      if (time == AV_NOPTS_VALUE) time = frame->pts;
      if (time == AV_NOPTS_VALUE) {
        av_frame_unref(frame.get());
        continue;
      }
      return Decoded{s.timeline->index_of_pts(time), std::move(frame)};
    }
    if (received != AVERROR(EAGAIN) || s.draining) {
      s.done = true;  // the end, or a decoder that cannot go on
      break;
    }
    // The decoder wants more: the next packet of the video stream, or the end.
    for (;;) {
      const int read = av_read_frame(s.opened.format.get(), s.packet.get());
      if (read < 0) {
        avcodec_send_packet(s.codec.get(), nullptr);
        s.draining = true;
        break;
      }
      const bool ours = s.packet->stream_index == s.opened.stream;
      // A packet the decoder refuses (damaged data) is passed over; the pictures after it come.
      if (ours) avcodec_send_packet(s.codec.get(), s.packet.get());
      av_packet_unref(s.packet.get());
      if (ours) break;
    }
  }
  return std::nullopt;
}

// --- ZoneScaler ------------------------------------------------------------------------------

namespace {

// The YUV matrix the picture was coded with; pictures that do not say are BT.709 from 720 rows
// up (HD), BT.601 below, as players assume.
int colour_matrix(const AVFrame& frame) {
  switch (frame.colorspace) {
    case AVCOL_SPC_BT709:
      return SWS_CS_ITU709;
    case AVCOL_SPC_FCC:
      return SWS_CS_FCC;
    case AVCOL_SPC_SMPTE240M:
      return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
      return SWS_CS_BT2020;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
      return SWS_CS_ITU601;
    default:
      return frame.height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;
  }
}

bool full_range(const AVFrame& frame) {
  switch (static_cast<AVPixelFormat>(frame.format)) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
      return true;
    default:
      return frame.color_range == AVCOL_RANGE_JPEG;
  }
}

// Luma at least half way from black (16) to white (235) lights a mono pixel.
constexpr std::uint8_t kLitLuma = 126;

}  // namespace

void ZoneScaler::Image::allocate(int wanted_format, int wanted_width, int wanted_height) {
  if (buffer && format == wanted_format && width == wanted_width && height == wanted_height) return;
  const auto pixels = static_cast<AVPixelFormat>(wanted_format);
  const int size = av_image_get_buffer_size(pixels, wanted_width, wanted_height, 64);
  if (size < 0) throw std::bad_alloc();
  buffer.reset(static_cast<std::uint8_t*>(av_malloc(static_cast<std::size_t>(size) + 64)));
  if (!buffer) throw std::bad_alloc();
  av_image_fill_arrays(planes, strides, buffer.get(), pixels, wanted_width, wanted_height, 64);
  format = wanted_format;
  width = wanted_width;
  height = wanted_height;
}

ZoneScaler::ZoneScaler(PanelGeometry zone, double sample_aspect)
    : zone_(zone), sample_aspect_(sample_aspect > 0 ? sample_aspect : 1) {}
ZoneScaler::~ZoneScaler() = default;
ZoneScaler::ZoneScaler(ZoneScaler&&) noexcept = default;
ZoneScaler& ZoneScaler::operator=(ZoneScaler&&) noexcept = default;

Rect ZoneScaler::fit(int width, int height) const {
  const double shown_width = width * sample_aspect_;
  const double scale =
      std::min(zone_.width / shown_width, static_cast<double>(zone_.height) / height);
  const int w = std::clamp(static_cast<int>(std::lround(shown_width * scale)), 1, zone_.width);
  const int h = std::clamp(static_cast<int>(std::lround(height * scale)), 1, zone_.height);
  return Rect{(zone_.width - w) / 2, (zone_.height - h) / 2, w, h};
}

void ZoneScaler::convert(const AVFrame& frame, std::vector<std::uint8_t>& out) {
  const Rect place = fit(frame.width, frame.height);
  const int matrix = colour_matrix(frame);
  const bool full = full_range(frame);
  const bool colours_changed = matrix != matrix_ || full != full_range_;
  matrix_ = matrix;
  full_range_ = full;

  // Scaled in YUV, studio range out whatever the range in.
  SwsContext* before = resize_.get();
  resize_.reset(sws_getCachedContext(
      resize_.release(), frame.width, frame.height, static_cast<AVPixelFormat>(frame.format),
      place.width, place.height, AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
  if (!resize_) {
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame.format));
    throw VideoError(std::string("cannot scale pictures in pixel format ") +
                     (name ? name : "unknown"));
  }
  if (resize_.get() != before || colours_changed) {
    const int* coefficients = sws_getCoefficients(matrix);
    sws_setColorspaceDetails(resize_.get(), coefficients, full, coefficients, 0, 0, 1 << 16,
                             1 << 16);
  }
  small_.allocate(AV_PIX_FMT_YUV420P, place.width, place.height);
  sws_scale(resize_.get(), frame.data, frame.linesize, 0, frame.height, small_.planes,
            small_.strides);

  const std::size_t zone_stride = row_bytes(zone_.format, zone_.width);
  const std::size_t size = zone_stride * static_cast<std::size_t>(zone_.height) + 1;
  if (zone_.format == PixelFormat::mono) {
    out.assign(size, 0);
    for (int y = 0; y < place.height; ++y) {
      const std::uint8_t* luma = small_.planes[0] + static_cast<std::size_t>(y) * small_.strides[0];
      std::uint8_t* row = out.data() + static_cast<std::size_t>(place.y + y) * zone_stride;
      for (int x = 0; x < place.width; ++x) {
        const int at = place.x + x;
        if (luma[x] >= kLitLuma) row[at / 8] |= static_cast<std::uint8_t>(0x80u >> (at % 8));
      }
    }
    return;
  }

  before = to_rgb_.get();
  to_rgb_.reset(sws_getCachedContext(to_rgb_.release(), place.width, place.height,
                                     AV_PIX_FMT_YUV420P, place.width, place.height,
                                     AV_PIX_FMT_RGB24, SWS_BICUBIC, nullptr, nullptr, nullptr));
  if (!to_rgb_) throw VideoError("cannot convert pictures to RGB");
  if (to_rgb_.get() != before || colours_changed) {
    sws_setColorspaceDetails(to_rgb_.get(), sws_getCoefficients(matrix), 0,
                             sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
  }
  rgb_.allocate(AV_PIX_FMT_RGB24, place.width, place.height);
  sws_scale(to_rgb_.get(), small_.planes, small_.strides, 0, place.height, rgb_.planes,
            rgb_.strides);

  // Into the zone's rows: a buffer used before for this zone has its bars black already.
  const std::size_t pixel_bytes = zone_.format == PixelFormat::rgb888 ? 3 : 2;
  if (out.size() != size) out.assign(size, 0);
  std::memset(out.data(), 0, static_cast<std::size_t>(place.y) * zone_stride);
  const std::size_t below = static_cast<std::size_t>(place.bottom()) * zone_stride;
  std::memset(out.data() + below, 0, size - below);
  for (int y = 0; y < place.height; ++y) {
    const std::uint8_t* from = rgb_.planes[0] + static_cast<std::size_t>(y) * rgb_.strides[0];
    std::uint8_t* row = out.data() + static_cast<std::size_t>(place.y + y) * zone_stride;
    std::memset(row, 0, static_cast<std::size_t>(place.x) * pixel_bytes);
    std::uint8_t* to = row + static_cast<std::size_t>(place.x) * pixel_bytes;
    if (zone_.format == PixelFormat::rgb888) {
      std::memcpy(to, from, static_cast<std::size_t>(place.width) * 3);
    } else {
      for (int x = 0; x < place.width; ++x, from += 3, to += 2) {
        const unsigned v = ((from[0] >> 3u) << 11) | ((from[1] >> 2u) << 5) | (from[2] >> 3u);
        to[0] = static_cast<std::uint8_t>(v >> 8);
        to[1] = static_cast<std::uint8_t>(v & 0xFFu);
      }
    }
    const std::size_t right = static_cast<std::size_t>(place.right()) * pixel_bytes;
    std::memset(row + right, 0, zone_stride - right);
  }
}

}  // namespace bangtin::video
