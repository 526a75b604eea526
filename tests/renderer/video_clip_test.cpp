// Video clips, on real files the ffmpeg program makes for the test: what probing tells, the
// operator's errors, and that the decoder thread and frame_at() agree on every pixel while
// playing forward, going back, jumping ahead and past the end.
#include "bangtin/video_clip.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "program_run.hpp"
#include "video_decoder.hpp"

using namespace bangtin;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct Recipe {
  std::string name;
  std::string ffmpeg{};    // the ffmpeg program's arguments before the output file
  std::string cut_from{};  // or: the first `share` of another clip's bytes
  double share = 0;
  std::string text{};  // or: a file of this text
};

const std::string kCounting =
    "-f lavfi -i color=c=black:size=64x36:rate=25,format=yuv420p,"
    "geq=lum='16+4*N':cb=128:cr=128 -frames:v 50 -g 10 ";

const std::string kRed =
    "-f lavfi -i color=c=0xE01010:size=64x36:rate=25 "
    "-vf format=rgb24,scale=flags=accurate_rnd+full_chroma_int:out_color_matrix=";
const std::string kRedHd =
    "-f lavfi -i color=c=0xE01010:size=1280x720:rate=25 "
    "-vf format=rgb24,scale=flags=accurate_rnd+full_chroma_int:out_color_matrix=";
const std::string kOneFrame = "-frames:v 1 -c:v libx264 -qp 0";

const std::vector<Recipe> kRecipes{
    // A moving test picture: 2 s at 25 fps, H.264 with B-frames, a keyframe every 12 frames.
    {"moving.mp4",
     "-f lavfi -i testsrc2=size=320x180:rate=25 -t 2 -pix_fmt yuv420p -c:v libx264 "
     "-preset veryfast -g 12 -bf 2"},
    // Each frame a flat grey that counts it: luma 16 + 4 * frame number, 50 frames; the same
    // in other containers and codecs.
    {"counter.mp4", kCounting + "-c:v libx264 -crf 4 -bf 2"},
    {"counter.ts", kCounting + "-c:v mpeg2video -q:v 2 -bf 2"},
    {"counter.webm", kCounting + "-c:v libvpx -crf 4 -b:v 2M"},
    {"counter.avi", kCounting + "-c:v mpeg4 -q:v 2"},
    // 30 fps MPEG-4 Part 2 in Matroska (times in milliseconds: 0, 33, 67, 100...).
    {"thirty.mkv", "-f lavfi -i testsrc2=size=160x120:rate=30 -t 1 -c:v mpeg4 -q:v 5"},
    {"sound.mp4",
     "-f lavfi -i testsrc2=size=160x90:rate=25 -f lavfi -i sine=frequency=440 -t 1 "
     "-pix_fmt yuv420p -c:v libx264 -preset veryfast -c:a aac -shortest"},
    {"sound-only.m4a", "-f lavfi -i sine=frequency=440 -t 1 -c:a aac"},
    {"too-big.mp4", "-f lavfi -i color=c=gray:size=4000x16:rate=25 -frames:v 1 -c:v libx264"},
    {"too-long.mp4", "-f lavfi -i color=c=gray:size=16x16:rate=1/3700 -frames:v 2 -c:v libx264"},
    {"faststart.mp4",
     "-f lavfi -i testsrc2=size=160x90:rate=25 -t 2 -pix_fmt yuv420p -c:v libx264 "
     "-preset veryfast -movflags +faststart"},
    // A saturated red (224, 16, 16) coded with each YUV matrix and range, said in the file or
    // (HD) not: read with the wrong matrix it comes out about (204, 0, 16).
    {"red-709.mp4", kRed + "bt709:out_range=tv,format=yuv420p -colorspace bt709 " + kOneFrame},
    {"red-601.mp4", kRed + "bt601:out_range=tv,format=yuv420p -colorspace smpte170m " + kOneFrame},
    {"red-hd.mp4", kRedHd + "bt709:out_range=tv,format=yuv420p " + kOneFrame},
    {"red-jpeg.mkv", kRed + "bt601:out_range=pc,format=yuvj420p -frames:v 1 -c:v mjpeg -q:v 1"},
    {"cut-short.mp4", "", "moving.mp4", 0.5},               // its index (at the end) is gone
    {"cut-short-faststart.mp4", "", "faststart.mp4", 0.6},  // index first, pictures cut
    {"notes.txt", "", "", 0, "Lịch tiếp công dân: thứ Năm hằng tuần.\n"},
    {"empty.mp4", "", "", 0, ""},
};

fs::path clip_folder() {
  static const fs::path folder = [] {
    const fs::path path = fs::path(BANGTIN_BINARY_DIR) / "tests" / "video-clips";
    fs::create_directories(path);
    return path;
  }();
  return folder;
}

// The clip `name`, made on first use and kept in the build tree for the next test process (its
// file name carries a hash of the recipe, so a changed recipe makes a new file). A name without
// a recipe is a file that does not exist.
fs::path clip_file(const std::string& name) {
  const auto recipe = std::find_if(kRecipes.begin(), kRecipes.end(),
                                   [&](const Recipe& r) { return r.name == name; });
  if (recipe == kRecipes.end()) return clip_folder() / name;
  const fs::path named(name);
  const std::string mark =
      std::to_string(std::hash<std::string>{}(recipe->ffmpeg + "|" + recipe->cut_from + "|" +
                                              std::to_string(recipe->share) + "|" + recipe->text));
  const std::string stem = named.stem().string() + "-" + mark;
  const fs::path path = clip_folder() / (stem + named.extension().string());
  if (fs::exists(path)) return path;
  // Made under a name of this process's, then renamed: tests running side by side may both
  // make it, and none reads half a file.
  const fs::path part =
      clip_folder() / (stem + ".part" + std::to_string(getpid()) + named.extension().string());
  if (!recipe->ffmpeg.empty()) {
    const std::string command =
        "ffmpeg -nostdin -v error -y " + recipe->ffmpeg + " '" + part.string() + "' 2>&1";
    const bangtin::testing::ProgramRun run = bangtin::testing::run_program(command);
    EXPECT_EQ(run.exit_code, 0) << command << "\n" << run.output;
  } else if (!recipe->cut_from.empty()) {
    std::ifstream in(clip_file(recipe->cut_from), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(part, std::ios::binary) << bytes.substr(
        0, static_cast<std::size_t>(static_cast<double>(bytes.size()) * recipe->share));
  } else {
    std::ofstream(part, std::ios::binary) << recipe->text;
  }
  fs::rename(part, path);
  return path;
}

// The error probing `name` throws.
std::string probe_error(const std::string& name) {
  try {
    probe_video(clip_file(name));
  } catch (const VideoError& error) {
    return error.what();
  }
  return "(no error)";
}

Frame drawn(VideoClip& clip, std::chrono::nanoseconds elapsed) {
  Frame out = Frame::blank(clip.zone().width, clip.zone().height, clip.zone().format);
  clip.draw(elapsed, out, out.bounds());
  return out;
}

bool all_black(const Frame& frame, Rect rect) {
  for (int y = rect.y; y < rect.bottom(); ++y)
    for (int x = rect.x; x < rect.right(); ++x)
      if (frame.pixel(x, y) != Rgb{}) return false;
  return true;
}

// Which frame of counter.mp4 a picture of it shows, from its grey (studio-range luma 16 + 4n).
int counted(const Frame& frame) {
  const Rgb middle = frame.pixel(frame.width / 2, frame.height / 2);
  return static_cast<int>(std::lround(middle.g * 219.0 / 255.0 / 4.0));
}

}  // namespace

TEST(VideoClip, ProbeTellsLengthRateSizeAndSound) {
  const VideoInfo moving = probe_video(clip_file("moving.mp4"));
  EXPECT_EQ(moving.length, 2s);
  EXPECT_DOUBLE_EQ(moving.fps, 25);
  EXPECT_EQ(moving.frames, 50);
  EXPECT_EQ(moving.width, 320);
  EXPECT_EQ(moving.height, 180);
  EXPECT_NEAR(moving.aspect, 16.0 / 9, 1e-9);
  EXPECT_FALSE(moving.has_audio);

  const VideoInfo thirty = probe_video(clip_file("thirty.mkv"));
  EXPECT_NEAR(thirty.fps, 30, 0.01);
  EXPECT_EQ(thirty.frames, 30);
  EXPECT_EQ(thirty.width, 160);
  // The last frame starts at 967 ms and lasts a frame.
  EXPECT_NEAR(std::chrono::duration<double>(thirty.length).count(), 1.0, 0.002);

  EXPECT_TRUE(probe_video(clip_file("sound.mp4")).has_audio);
}

TEST(VideoClip, FilesThatCannotPlayAreNamedWithWhatIsWrong) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"notes.txt", "is not a video file bangtin plays"},
      {"empty.mp4", "is empty"},
      {"missing.mp4", "no such file"},
      {"sound-only.m4a", "has no video, only sound"},
      {"too-big.mp4", "is 4000x16; bangtin plays videos up to 3840x2160"},
      {"too-long.mp4", "up to an hour long"},
      {"cut-short.mp4", "is an MP4/MOV file that cannot be read, damaged or cut short"},
      {"cut-short-faststart.mp4", "cut short"},
  };
  for (const auto& [name, what] : cases) {
    const std::string message = probe_error(name);
    EXPECT_NE(message.find((clip_file(name)).string()), std::string::npos) << message;
    EXPECT_NE(message.find(what), std::string::npos) << name << ": " << message;
    EXPECT_THROW(VideoClip(clip_file(name), {32, 16, PixelFormat::rgb888}), VideoError) << name;
  }
}

TEST(VideoClip, FrameIndexFollowsPresentationTimes) {
  const VideoClip moving(clip_file("moving.mp4"), {32, 18, PixelFormat::rgb888});
  EXPECT_EQ(moving.frame_index(-1s), 0);
  EXPECT_EQ(moving.frame_index(0ns), 0);
  EXPECT_EQ(moving.frame_index(39ms), 0);
  EXPECT_EQ(moving.frame_index(40ms), 1);
  EXPECT_EQ(moving.frame_index(1s), 25);
  EXPECT_EQ(moving.frame_index(1960ms - 1ns), 48);
  EXPECT_EQ(moving.frame_index(1960ms), 49);
  EXPECT_EQ(moving.frame_index(1h), 49);

  const VideoClip thirty(clip_file("thirty.mkv"), {16, 12, PixelFormat::rgb888});
  EXPECT_EQ(thirty.frame_index(33ms - 1ns), 0);
  EXPECT_EQ(thirty.frame_index(33ms), 1);
  EXPECT_EQ(thirty.frame_index(67ms - 1ns), 1);
  EXPECT_EQ(thirty.frame_index(67ms), 2);
  EXPECT_EQ(thirty.frame_index(967ms), 29);
}

TEST(VideoClip, FrameAtShowsTheFrameOfItsInstant) {
  VideoClip counter(clip_file("counter.mp4"), {64, 36, PixelFormat::rgb888});
  // In order, backwards, between keyframes and across them (one every 10 frames), past the end.
  for (auto t : {0ms, 40ms, 79ms, 80ms, 400ms, 399ms, 1000ms, 1234ms, 1960ms, 5000ms, 120ms}) {
    const Frame frame = counter.frame_at(t);
    EXPECT_EQ(counted(frame), std::min<int>(49, static_cast<int>(t / 40ms))) << t.count() << "ms";
  }
}

TEST(VideoClip, OtherContainersAndCodecsShowTheFramesOfTheirTimes) {
  for (const char* name : {"counter.ts", "counter.webm", "counter.avi"}) {
    VideoClip counter(clip_file(name), {64, 36, PixelFormat::rgb888});
    EXPECT_EQ(counter.info().frames, 50) << name;
    for (auto t : {0ms, 440ms, 1000ms, 120ms, 1960ms, 800ms}) {
      const Frame frame = counter.frame_at(t);
      EXPECT_EQ(counted(frame), t / 40ms) << name << " " << t.count() << "ms";
      ASSERT_TRUE(counter.wait_ready(t, 5s)) << name << " " << t.count() << "ms";
      EXPECT_EQ(drawn(counter, t), frame) << name << " " << t.count() << "ms";
    }
  }
}

// A seek that lands before its keyframe decodes a whole stretch for nothing (the loop's frames
// are late meanwhile); one that lands past it is tried again. MP4 and Matroska land exactly on a
// key's presentation time, MPEG-TS on its decoding time.
TEST(VideoClip, SeeksLandOnTheirKeyframe) {
  for (const auto& [name, early] : {std::pair{"counter.mp4", false}, std::pair{"thirty.mkv", false},
                                    std::pair{"counter.ts", true}}) {
    const video::Probe probe = video::probe(clip_file(name));
    const video::Timeline& timeline = probe.timeline;
    ASSERT_GE(timeline.keys.size(), 2u) << name;
    video::Decoder decoder(clip_file(name), timeline, 1);
    for (std::size_t key = timeline.keys.size(); key-- > 0;) {
      decoder.seek(key, early);
      const std::optional<video::Decoded> first = decoder.next();
      ASSERT_TRUE(first) << name << " key " << key;
      EXPECT_EQ(first->index, timeline.keys[key]) << name << " key " << key;
    }
  }
}

TEST(VideoClip, DrawShowsWhatFrameAtShowsForwardBackAndAhead) {
  for (PixelFormat format : {PixelFormat::rgb888, PixelFormat::rgb565, PixelFormat::mono}) {
    VideoClip clip(clip_file("moving.mp4"), {96, 54, format});
    // Forward, back to the start, a jump past several keyframes, back a little, past the end.
    for (auto t : {0ms, 40ms, 200ms, 210ms, 620ms, 0ms, 1500ms, 1480ms, 1000ms, 2500ms}) {
      ASSERT_TRUE(clip.wait_ready(t, 5s)) << to_string(format) << " " << t.count() << "ms";
      EXPECT_EQ(drawn(clip, t), clip.frame_at(t)) << to_string(format) << " " << t.count() << "ms";
    }
    EXPECT_EQ(clip.counts().late, 0u);
    EXPECT_EQ(clip.counts().shown, 10u);
  }
}

TEST(VideoClip, PlayingThroughShowsEveryFrameInTurn) {
  VideoClip counter(clip_file("counter.mp4"), {64, 36, PixelFormat::rgb888});
  for (auto t = 0ms; t < 2400ms; t += 20ms) {
    ASSERT_TRUE(counter.wait_ready(t, 5s)) << t.count();
    EXPECT_EQ(counted(drawn(counter, t)), std::min<int>(49, static_cast<int>(t / 40ms)))
        << t.count() << "ms";
  }
  EXPECT_EQ(counter.counts().shown, 120u);
  EXPECT_EQ(counter.error(), "");
  EXPECT_EQ(counter.counts().late, 0u);
  // Each frame decoded once, and a few again: the start decodes ahead of the first draw.
  EXPECT_GE(counter.counts().decoded, 50u);
  EXPECT_LE(counter.counts().decoded, 60u);
}

TEST(VideoClip, TheMovingPictureMoves) {
  const VideoClip clip(clip_file("moving.mp4"), {160, 90, PixelFormat::rgb888});
  const Frame first = clip.frame_at(0ms);
  EXPECT_NE(first, clip.frame_at(40ms));
  EXPECT_NE(first, clip.frame_at(1s));
  EXPECT_EQ(clip.frame_at(1s), clip.frame_at(1s + 39ms));
  EXPECT_FALSE(all_black(first, first.bounds()));
}

TEST(VideoClip, ColoursComeOutAsTheFileCodedThem) {
  for (const char* name : {"red-709.mp4", "red-601.mp4", "red-hd.mp4", "red-jpeg.mkv"}) {
    const VideoClip clip(clip_file(name), {64, 36, PixelFormat::rgb888});
    const Rgb red = clip.frame_at(0ms).pixel(32, 18);
    EXPECT_NEAR(red.r, 224, 4) << name;
    EXPECT_NEAR(red.g, 16, 4) << name;
    EXPECT_NEAR(red.b, 16, 4) << name;
  }
}

TEST(VideoClip, APictureOfAnotherShapeIsCentredBetweenBlackBars) {
  // 16:9 into a square: 64x36 in the middle, 14 rows of black above and below.
  const VideoClip square(clip_file("moving.mp4"), {64, 64, PixelFormat::rgb888});
  const Frame letterbox = square.frame_at(500ms);
  EXPECT_TRUE(all_black(letterbox, {0, 0, 64, 14}));
  EXPECT_TRUE(all_black(letterbox, {0, 50, 64, 14}));
  for (int y : {14, 32, 49}) EXPECT_FALSE(all_black(letterbox, {0, y, 64, 1})) << y;
  // Into a wide strip: 36x20 in the middle, 32 columns of black either side.
  const VideoClip strip(clip_file("moving.mp4"), {100, 20, PixelFormat::rgb888});
  const Frame pillarbox = strip.frame_at(500ms);
  EXPECT_TRUE(all_black(pillarbox, {0, 0, 32, 20}));
  EXPECT_TRUE(all_black(pillarbox, {68, 0, 32, 20}));
  for (int x : {32, 50, 67}) EXPECT_FALSE(all_black(pillarbox, {x, 0, 1, 20})) << x;
}

TEST(VideoClip, DrawnIntoAZoneOfABiggerFrameTouchesNothingElse) {
  for (PixelFormat format : {PixelFormat::mono, PixelFormat::rgb565, PixelFormat::rgb888}) {
    VideoClip clip(clip_file("moving.mp4"), {45, 20, format});
    const Frame own = clip.frame_at(300ms);
    ASSERT_TRUE(clip.wait_ready(300ms, 5s));
    for (const Rect where : {Rect{3, 5, 45, 20}, Rect{13, 1, 45, 20}, Rect{70, 11, 45, 20}}) {
      Frame big = Frame::blank(100, 30, format);
      for (int y = 0; y < big.height; ++y)
        for (int x = 0; x < big.width; ++x) big.set_pixel(x, y, Rgb{255, 255, 255});
      clip.draw(300ms, big, where);
      for (int y = 0; y < big.height; ++y)
        for (int x = 0; x < big.width; ++x) {
          const bool inside =
              x >= where.x && x < where.right() && y >= where.y && y < where.bottom();
          const Rgb expected = inside ? own.pixel(x - where.x, y - where.y) : Rgb{255, 255, 255};
          ASSERT_EQ(big.pixel(x, y), expected) << to_string(format) << " at " << where.x << ","
                                               << where.y << " pixel " << x << "," << y;
        }
    }
  }
  VideoClip clip(clip_file("moving.mp4"), {45, 20, PixelFormat::rgb888});
  Frame wrong_format = Frame::blank(45, 20, PixelFormat::mono);
  EXPECT_THROW(clip.draw(0ms, wrong_format, wrong_format.bounds()), std::invalid_argument);
  Frame out = Frame::blank(100, 30, PixelFormat::rgb888);
  EXPECT_THROW(clip.draw(0ms, out, out.bounds()), std::invalid_argument);
}

TEST(VideoClip, DrawNeverWaitsAndCountsWhatItCouldNotShow) {
  VideoClip counter(clip_file("counter.mp4"), {64, 36, PixelFormat::rgb888});
  // Right after the start nothing near 1.9 s is decoded: an older picture, or black, and late.
  const Frame early = drawn(counter, 1900ms);
  EXPECT_TRUE(all_black(early, early.bounds()) || counted(early) < 47) << counted(early);
  EXPECT_EQ(counter.counts().late, 1u);
  EXPECT_EQ(counter.counts().shown, 0u);
  ASSERT_TRUE(counter.wait_ready(1900ms, 5s));
  EXPECT_EQ(counted(drawn(counter, 1900ms)), 47);
  EXPECT_EQ(counter.counts().shown, 1u);
  // Going back: until the decoder has sought, the picture drawn last stays up.
  EXPECT_EQ(counted(drawn(counter, 0ms)), 47);
  EXPECT_EQ(counter.counts().late, 2u);
  ASSERT_TRUE(counter.wait_ready(0ms, 5s));
  EXPECT_EQ(counted(drawn(counter, 0ms)), 0);
}

TEST(VideoClip, TheLastFrameStaysAfterTheEnd) {
  VideoClip counter(clip_file("counter.mp4"), {64, 36, PixelFormat::rgb888});
  const auto length = counter.info().length;
  EXPECT_EQ(length, 2s);
  for (auto t : {length - 1ns, length, length + 10s}) {
    ASSERT_TRUE(counter.wait_ready(t, 5s));
    EXPECT_EQ(counted(drawn(counter, t)), 49);
    EXPECT_EQ(counter.frame_index(t), 49);
  }
}

TEST(VideoClip, DestroyedWhileDecodingStopsCleanly) {
  for (int round = 0; round < 5; ++round) {
    VideoClip clip(clip_file("moving.mp4"), {320, 180, PixelFormat::rgb888});
    Frame out = Frame::blank(320, 180, PixelFormat::rgb888);
    clip.draw(std::chrono::milliseconds(round * 300), out, out.bounds());
  }
  VideoClip never_drawn(clip_file("moving.mp4"), {320, 180, PixelFormat::rgb888});
}
