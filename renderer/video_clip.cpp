#include "bangtin/video_clip.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "pixel_strip.hpp"
#include "video_decoder.hpp"

namespace bangtin {

namespace {

using video::Decoded;
using video::Timeline;

constexpr std::size_t kQueued = 4;  // pictures decoded ahead: 160 ms at 25 fps
constexpr std::size_t kSpare = 2;   // picture buffers kept for reuse
constexpr int kThreads = 2;         // libavcodec's threads for one clip

struct Picture {
  std::int64_t index = -1;
  std::vector<std::uint8_t> bytes;  // the zone's rows, and a spare byte (see ZoneScaler)
};

// The pictures decoded ahead, in frame order with none missing between them, and what the decoder
// knows of what comes after the last.
struct Queue {
  std::deque<Picture> pictures;
  bool ended = false;      // the stream ends after the last picture
  std::int64_t first = 0;  // the first frame decoded from the start (0 but in damaged files)
  std::vector<std::vector<std::uint8_t>> spare;

  std::int64_t clamp(std::int64_t want) const { return std::max(want, first); }
  // The picture shown at frame `want`, or the newest before it, when the queue holds one.
  const Picture* at_or_before(std::int64_t want) const {
    want = clamp(want);
    const Picture* found = nullptr;
    for (const Picture& picture : pictures) {
      if (picture.index > want) break;
      found = &picture;
    }
    return found;
  }
  // Does the queue hold the picture shown at `want` (and know that no later one is shown then)?
  bool ready(std::int64_t want) const {
    const Picture* picture = at_or_before(want);
    return picture && (picture->index == clamp(want) || picture != &pictures.back() || ended);
  }
  // Lets go of the pictures before the one shown at `want`.
  void trim(std::int64_t want) {
    want = clamp(want);
    while (pictures.size() >= 2 && pictures[1].index <= want) {
      recycle(std::move(pictures.front()));
      pictures.pop_front();
    }
  }
  void recycle(Picture&& picture) {
    if (spare.size() < kSpare) spare.push_back(std::move(picture.bytes));
  }
  std::vector<std::uint8_t> take_spare() {
    if (spare.empty()) return {};
    std::vector<std::uint8_t> bytes = std::move(spare.back());
    spare.pop_back();
    return bytes;
  }
};

// What the decoder does next, chosen under the clip's lock (plan) and done outside it (run).
struct Step {
  enum Kind { idle, seek, decode } kind = idle;
  std::size_t key = 0;  // seek: the place in the timeline's keys
};

// The outcome of a step, for the queue.
struct Work {
  // What the queue holds is not followed by what comes next: after a seek, or frames passed over.
  bool clear = false;
  std::vector<Picture> pictures;
  bool ended = false;
  std::optional<std::int64_t> first;  // the first frame there is, learnt at the start
  std::uint64_t decoded = 0;
  std::vector<std::uint8_t> unused;  // the spare buffer, when no picture went into it
};

// Drives a decoder toward the frames asked for. The decoder thread and frame_at() both go
// through it, so both pick the same picture for an instant: the last decoded frame whose index is
// at or before the one asked for. Frames before the one asked for are decoded but not scaled.
class Playhead {
 public:
  Playhead(const std::filesystem::path& file, const Timeline& timeline, PanelGeometry zone,
           double sample_aspect, int threads)
      : timeline_(timeline),
        decoder_(file, timeline, threads),
        scaler_(zone, sample_aspect),
        overshot_(timeline.keys.size(), false) {}

  Step plan(std::int64_t want, const Queue& queue) const {
    want = queue.clamp(want);
    if (retreat_) return Step{Step::seek, *retreat_};
    // The lowest frame the pictures queued, held or still to come can answer for.
    const std::int64_t low = !queue.pictures.empty() ? queue.pictures.front().index
                             : pending_              ? pending_->index
                                                     : position_ + 1;
    const std::size_t key = key_for(want);
    const std::int64_t key_frame = timeline_.keys[key];
    // Back, or ahead past a keyframe (not one a seek just went for but landed before).
    if (want < low) return Step{Step::seek, key};
    if (key_frame > position_ + 1 && key_frame > timeline_.keys[seek_key_])
      return Step{Step::seek, key};
    if (!queue.ended && queue.pictures.size() < kQueued) return Step{Step::decode, 0};
    return {};
  }

  // `buffer`: a spare picture buffer to scale into (a second picture gets one of its own).
  Work run(const Step& step, std::int64_t want, std::vector<std::uint8_t> buffer) {
    Work work;
    work.unused = std::move(buffer);
    if (step.kind == Step::seek) {
      decoder_.seek(step.key, early_);
      retreat_.reset();
      pending_.reset();
      skipped_ = false;
      seek_key_ = step.key;
      position_ = timeline_.keys[step.key] - 1;
      fresh_ = true;
      work.clear = true;
      return work;
    }
    if (step.kind != Step::decode) return work;
    std::optional<Decoded> decoded = decoder_.next();
    auto scaled = [&](const Decoded& frame) {
      Picture picture{frame.index, std::move(work.unused)};
      work.unused = {};
      scaler_.convert(*frame.frame, picture.bytes);
      return picture;
    };
    if (!decoded && fresh_ && seek_key_ > 0) {  // nothing decodes from that key: as below
      if (early_) overshot_[seek_key_] = true;
      retreat_ = early_ ? key_for(timeline_.keys[seek_key_] - 1) : seek_key_;
      early_ = true;
      return work;
    }
    if (!decoded) {  // the end: what was held is the last picture
      if (pending_) work.pictures.push_back(scaled(*pending_));
      work.clear = skipped_;
      pending_.reset();
      skipped_ = false;
      work.ended = true;
      return work;
    }
    ++work.decoded;
    const std::int64_t index = decoded->index;
    if (fresh_) {
      fresh_ = false;
      if (index > timeline_.keys[seek_key_] && seek_key_ > 0) {
        if (!early_) {
          // The container seeks by decoding times (MPEG-TS): so from now on, and this one again.
          early_ = true;
          retreat_ = seek_key_;
          return work;
        }
        // A keyframe the container marks wrongly: not that one again, and from an earlier one
        // when the frame asked for is passed.
        overshot_[seek_key_] = true;
        if (index > want) {
          retreat_ = key_for(timeline_.keys[seek_key_] - 1);
          return work;
        }
      }
      if (seek_key_ == 0) work.first = index;
    } else if (index <= position_) {
      return work;  // out of order (a damaged file): passed over
    }
    position_ = index;
    if (index < want) {  // not shown: held, in case it is the last before the frame asked for
      skipped_ = skipped_ || pending_.has_value();
      pending_ = std::move(decoded);
      return work;
    }
    if (pending_) {
      if (index > want) {
        work.pictures.push_back(scaled(*pending_));
      } else {
        skipped_ = true;
      }
      pending_.reset();
    }
    work.pictures.push_back(scaled(*decoded));
    work.clear = skipped_;
    skipped_ = false;
    return work;
  }

 private:
  // The last keyframe at or before frame `want` that a seek can land on.
  std::size_t key_for(std::int64_t want) const {
    std::size_t key = timeline_.key_before(want);
    while (key > 0 && overshot_[key]) --key;
    return key;
  }

  const Timeline& timeline_;
  video::Decoder decoder_;
  video::ZoneScaler scaler_;
  std::int64_t position_ = -1;  // the last frame decoded (after a seek: the one before its key)
  std::size_t seek_key_ = 0;    // the key the last seek went for
  bool fresh_ = true;           // no frame decoded since the last seek (or the start)
  std::optional<std::size_t> retreat_;
  std::vector<bool> overshot_;      // keys whose seek landed past them
  bool early_ = false;              // seeks go by the keys' seek_early times, not seek_pts
  std::optional<Decoded> pending_;  // decoded, not scaled: before the frame asked for
  bool skipped_ = false;            // frames decoded and dropped since the last picture queued
};

// Puts the outcome of a step into the queue; what the queue held and can no longer answer with
// goes to `stale` (the picture shown at `want` by preference).
void apply(Work&& work, std::int64_t want, Queue& queue, std::optional<Picture>* stale) {
  if (work.clear) {
    if (!queue.pictures.empty() && stale) {
      const std::int64_t shown = std::max(queue.clamp(want), queue.pictures.front().index);
      auto kept = std::find_if(queue.pictures.rbegin(), queue.pictures.rend(),
                               [&](const Picture& picture) { return picture.index <= shown; });
      if (*stale) queue.recycle(std::move(**stale));
      *stale = std::move(*kept);
    }
    for (Picture& picture : queue.pictures)
      if (!picture.bytes.empty()) queue.recycle(std::move(picture));
    queue.pictures.clear();
    queue.ended = false;
  }
  if (work.first) queue.first = *work.first;
  if (!work.unused.empty()) queue.recycle(Picture{-1, std::move(work.unused)});
  for (Picture& picture : work.pictures) queue.pictures.push_back(std::move(picture));
  if (work.ended) queue.ended = true;
}

// Copies a zone's picture to `where` in `out`, clipped to `out`.
void blit(const std::vector<std::uint8_t>& bytes, const PanelGeometry& zone, Frame& out,
          Rect where) {
  const Rect clipped = where.intersection(out.bounds());
  if (clipped.empty()) return;
  const std::size_t zone_stride = row_bytes(zone.format, zone.width);
  const std::size_t out_stride = out.stride();
  const int from_x = clipped.x - where.x;
  const std::size_t pixel_bytes = zone.format == PixelFormat::rgb888   ? 3
                                  : zone.format == PixelFormat::rgb565 ? 2
                                                                       : 0;
  for (int y = clipped.y; y < clipped.bottom(); ++y) {
    const std::uint8_t* from = bytes.data() + static_cast<std::size_t>(y - where.y) * zone_stride;
    std::uint8_t* row = out.bytes.data() + static_cast<std::size_t>(y) * out_stride;
    if (zone.format == PixelFormat::mono) {
      copy_bits(from, from_x, row, clipped.x, clipped.width);
    } else {
      std::memcpy(row + static_cast<std::size_t>(clipped.x) * pixel_bytes,
                  from + static_cast<std::size_t>(from_x) * pixel_bytes,
                  static_cast<std::size_t>(clipped.width) * pixel_bytes);
    }
  }
}

}  // namespace

VideoInfo probe_video(const std::filesystem::path& file) { return video::probe(file).info; }

struct VideoClip::Impl {
  std::filesystem::path file;
  PanelGeometry zone;
  video::Probe probe;
  std::optional<Playhead> playhead;  // the decoder thread's

  mutable std::mutex mutex;
  std::condition_variable wake;   // the decoder thread: the frame asked for changed, or stop
  std::condition_variable ready;  // waiters: a step was done
  // Under the mutex:
  std::int64_t want = 0;
  Queue queue;
  std::optional<Picture> stale;  // what was shown before a seek, until the queue has better
  Counts counts;
  bool stopping = false;
  std::string failure;  // why the decoder thread stopped, when it did
  std::thread thread;

  void ask(std::int64_t index) {
    if (index == want) return;
    want = index;
    wake.notify_one();
  }

  void run() {
    try {
      for (;;) {
        Step step;
        std::int64_t asked = 0;
        std::vector<std::uint8_t> buffer;
        {
          std::unique_lock lock(mutex);
          for (;;) {
            if (stopping) return;
            asked = want;
            queue.trim(asked);
            step = playhead->plan(asked, queue);
            if (step.kind != Step::idle) break;
            wake.wait(lock);
          }
          buffer = queue.take_spare();
        }
        Work work = playhead->run(step, asked, std::move(buffer));
        {
          const std::lock_guard lock(mutex);
          counts.decoded += work.decoded;
          apply(std::move(work), want, queue, &stale);
        }
        ready.notify_all();
      }
    } catch (const std::exception& error) {
      {
        const std::lock_guard lock(mutex);
        failure = error.what();
      }
      ready.notify_all();
    }
  }
};

VideoClip::VideoClip(const std::filesystem::path& file, PanelGeometry zone)
    : impl_(std::make_unique<Impl>()) {
  if (zone.width <= 0 || zone.height <= 0) {
    throw std::invalid_argument("a video zone needs a size, not " + std::to_string(zone.width) +
                                "x" + std::to_string(zone.height));
  }
  Impl& s = *impl_;
  s.file = file;
  s.zone = zone;
  s.probe = video::probe(file);
  s.playhead.emplace(file, s.probe.timeline, zone, s.probe.sample_aspect, kThreads);
  s.thread = std::thread([&s] { s.run(); });
}

VideoClip::~VideoClip() {
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_one();
  impl_->thread.join();
}

const VideoInfo& VideoClip::info() const { return impl_->probe.info; }
const PanelGeometry& VideoClip::zone() const { return impl_->zone; }

std::int64_t VideoClip::frame_index(std::chrono::nanoseconds elapsed) const {
  return impl_->probe.timeline.index_at(elapsed);
}

void VideoClip::draw(std::chrono::nanoseconds elapsed, Frame& out, Rect where) {
  Impl& s = *impl_;
  if (out.format != s.zone.format) {
    throw std::invalid_argument("frame is " + std::string(to_string(out.format)) +
                                ", the video was scaled for " +
                                std::string(to_string(s.zone.format)));
  }
  if (where.width != s.zone.width || where.height != s.zone.height) {
    throw std::invalid_argument("a video drawn into " + std::to_string(where.width) + "x" +
                                std::to_string(where.height) + " was scaled for " +
                                std::to_string(s.zone.width) + "x" + std::to_string(s.zone.height));
  }
  const std::int64_t index = frame_index(elapsed);
  const std::lock_guard lock(s.mutex);
  s.ask(index);
  s.queue.trim(index);
  const Picture* picture = s.queue.at_or_before(index);
  if (picture && s.queue.ready(index)) {
    ++s.counts.shown;
    if (s.stale) {
      s.queue.recycle(std::move(*s.stale));
      s.stale.reset();
    }
  } else {
    ++s.counts.late;
    if (!picture) picture = s.stale ? &*s.stale : nullptr;
    if (!picture && !s.queue.pictures.empty()) picture = &s.queue.pictures.front();
  }
  if (picture) {
    blit(picture->bytes, s.zone, out, where);
  } else {
    clear_rect(out, where);
  }
}

Frame VideoClip::frame_at(std::chrono::nanoseconds elapsed) const {
  const Impl& s = *impl_;
  const std::int64_t want = frame_index(elapsed);
  Playhead playhead(s.file, s.probe.timeline, s.zone, s.probe.sample_aspect, kThreads);
  Queue queue;
  for (;;) {
    queue.trim(want);
    if (queue.ready(want)) break;
    const Step step = playhead.plan(want, queue);
    if (step.kind == Step::idle) break;
    apply(playhead.run(step, want, {}), want, queue, nullptr);
  }
  const Picture* picture = queue.at_or_before(want);
  if (!picture) {
    throw VideoError(s.file.string() + ": no picture can be decoded at frame " +
                     std::to_string(want));
  }
  Frame frame = Frame::blank(s.zone.width, s.zone.height, s.zone.format);
  std::copy_n(picture->bytes.begin(), frame.bytes.size(), frame.bytes.begin());
  return frame;
}

VideoClip::Counts VideoClip::counts() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->counts;
}

std::string VideoClip::error() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->failure;
}

bool VideoClip::wait_ready(std::chrono::nanoseconds elapsed, std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  const std::int64_t index = frame_index(elapsed);
  std::unique_lock lock(s.mutex);
  s.ask(index);
  return s.ready.wait_for(lock, timeout, [&] {
    if (!s.failure.empty()) return true;
    s.queue.trim(index);
    return s.queue.ready(index);
  }) && s.failure.empty();
}

}  // namespace bangtin
