// Items with a picture, a QR code, a video or a document: the keys as the loader reads them, with
// FILE:LINE:COL problems; media files named inside the playlists folder; what proof of play calls
// them; and a reload that parses a playlist again when only its picture changed.
#include <gtest/gtest.h>

#include <algorithm>

#include "bangtin/playlists.hpp"
#include "diagnostic_texts.hpp"
#include "temp_directory.hpp"

namespace bangtin {
namespace {

using testing::at;
using testing::TempDirectory;
using testing::texts;

constexpr std::string_view kConfig = R"(timezone: "+07:00"
playlists: playlists/
displays:
  - name: cong-ubnd
    size: 128x32
    link: modbus-tcp://127.0.0.1:1502?unit=1
)";

class MediaItems : public ::testing::Test {
 protected:
  MediaItems() {
    directory.write("bangtin.yaml", kConfig);
    directory.write("playlists/media/poster.png", "a picture, as far as the loader cares");
  }

  // A playlist in the playlists folder, loaded as the daemon loads it (with the config).
  Loaded<Playlist> load(std::string_view yaml) {
    directory.write("playlists/p.yaml", yaml);
    const Loaded<Config> config = load_config(config_file);
    EXPECT_TRUE(config.value);
    return load_playlist(file, config.value ? &*config.value : nullptr);
  }
  // The diagnostics for a one-item playlist whose item has `item_lines` (indented by 4) after
  // its id, which is on line 3.
  std::vector<std::string> problems_with_item(std::string_view item_lines) {
    std::string yaml = "playlist: p\nitems:\n  - id: a\n";
    yaml += item_lines;
    return texts(load(yaml).diagnostics);
  }
  // The one item of such a playlist, which must load without errors.
  Item item_with(std::string_view item_lines) {
    std::string yaml = "playlist: p\nitems:\n  - id: a\n";
    yaml += item_lines;
    const auto loaded = load(yaml);
    for (const auto& diagnostic : loaded.diagnostics)
      EXPECT_NE(diagnostic.severity, Severity::error) << diagnostic.to_string();
    if (!loaded.value || loaded.value->items.size() != 1) {
      ADD_FAILURE() << "the item did not load";
      return {};
    }
    return loaded.value->items.front();
  }
  std::string error_at(int line, int column, std::string_view message) const {
    return at(file, line, column) + "error: " + std::string(message);
  }
  std::string warning_at(int line, int column, std::string_view message) const {
    return at(file, line, column) + "warning: " + std::string(message);
  }
  std::filesystem::path folder() const { return directory.path() / "playlists"; }

  TempDirectory directory;
  const std::filesystem::path config_file = directory.path() / "bangtin.yaml";
  const std::filesystem::path file = directory.path() / "playlists/p.yaml";
};

// Whether `lines` holds `wanted` exactly, for a readable failure.
::testing::AssertionResult holds(const std::vector<std::string>& lines, const std::string& wanted) {
  if (std::find(lines.begin(), lines.end(), wanted) != lines.end())
    return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure() << "no line\n  " << wanted << "\namong\n";
  for (const auto& line : lines) failure << "  " << line << "\n";
  return failure;
}

TEST_F(MediaItems, AnImageWithoutTextLoadsWithItsFileAndStamp) {
  const Item item = item_with("    image: media/poster.png\n");
  EXPECT_EQ(item.media.kind, MediaKind::image);
  EXPECT_EQ(item.media.file, folder() / "media/poster.png");
  EXPECT_TRUE(item.media.file.is_absolute());
  EXPECT_EQ(item.media.stamp, file_stamp(folder() / "media/poster.png"));
  EXPECT_EQ(item.media.stamp.bytes, std::string("a picture, as far as the loader cares").size());
  EXPECT_EQ(item.text, "");
  EXPECT_EQ(item.media.fit, PictureFit::whole);
  EXPECT_EQ(item.media.side, PictureSide::left);
  EXPECT_EQ(item.media_where.line, 4);
  EXPECT_EQ(item.media_where.column, 12);
}

TEST_F(MediaItems, AnImageBesideTextTakesItsFitAndSide) {
  const Item item = item_with(
      "    text: Nộp hồ sơ trực tuyến\n    image: media/poster.png\n    fit: fill\n"
      "    side: right\n");
  EXPECT_EQ(item.text, "Nộp hồ sơ trực tuyến");
  EXPECT_EQ(item.media.fit, PictureFit::fill);
  EXPECT_EQ(item.media.side, PictureSide::right);
  EXPECT_EQ(item_with("    image: media/poster.png\n    fit: centre\n").media.fit,
            PictureFit::centre);
  // Endings in capitals are the same picture formats.
  directory.write("playlists/media/ANH.JPG", "jpeg");
  EXPECT_EQ(item_with("    image: media/ANH.JPG\n").media.kind, MediaKind::image);
}

TEST_F(MediaItems, AQrCodeWithoutTextLoadsWithItsTextAsWritten) {
  const Item item = item_with("    qr: https://dichvucong.gov.vn\n    qr-level: H\n");
  EXPECT_EQ(item.media.kind, MediaKind::qr);
  EXPECT_EQ(item.media.qr_text, "https://dichvucong.gov.vn");
  EXPECT_EQ(item.media.qr_level, QrLevel::high);
  EXPECT_EQ(item.text, "");
  EXPECT_TRUE(item.media.file.empty());
  EXPECT_EQ(item_with("    qr: \"Cổng Dịch vụ công\"\n").media.qr_text, "Cổng Dịch vụ công");
  EXPECT_EQ(item_with("    qr: x\n").media.qr_level, QrLevel::medium);
}

TEST_F(MediaItems, AMissingFileIsAnErrorAtItsName) {
  const auto problems = problems_with_item("    image: media/x.png\n");
  EXPECT_TRUE(holds(problems, error_at(4, 12, "no file media/x.png in " + folder().string())));
  const auto loaded = load("playlist: p\nitems:\n  - id: a\n    image: media/x.png\n");
  EXPECT_FALSE(loaded.value && !loaded.value->items.empty());
}

TEST_F(MediaItems, AFileOutsideThePlaylistsFolderIsRefused) {
  const std::string outside =
      "name the file from the playlists folder, inside it, e.g. "
      "media/poster.png (the folder is " +
      folder().string() + ")";
  directory.write("x.png", "outside");
  EXPECT_TRUE(holds(problems_with_item("    image: ../x.png\n"), error_at(4, 12, outside)));
  EXPECT_TRUE(
      holds(problems_with_item("    image: media/../../x.png\n"), error_at(4, 12, outside)));
  const std::string absolute = (directory.path() / "x.png").string();
  EXPECT_TRUE(holds(problems_with_item("    image: " + absolute + "\n"), error_at(4, 12, outside)));
  EXPECT_TRUE(holds(problems_with_item("    image: media\\poster.png\n"),
                    error_at(4, 12,
                             "image must be a file name with forward slashes, e.g. "
                             "media/poster.png")));
  EXPECT_TRUE(holds(problems_with_item("    image: \"  \"\n"),
                    error_at(4, 12, "image is empty; name a file, e.g. media/poster.png")));
}

TEST_F(MediaItems, AFileOfTheWrongKindIsNamedWithTheEndingsTaken) {
  directory.write("playlists/media/x.gif", "GIF89a");
  EXPECT_TRUE(holds(problems_with_item("    image: media/x.gif\n"),
                    error_at(4, 12,
                             "image must be a PNG, JPEG or WebP picture (.png, .jpg, .jpeg, "
                             ".webp), not 'x.gif'")));
  EXPECT_TRUE(holds(problems_with_item("    document: media/poster.png\n"),
                    error_at(4, 15, "document must be a PDF document (.pdf), not 'poster.png'")));
}

TEST_F(MediaItems, AnItemShowsOneMediaOnly) {
  const auto problems = problems_with_item("    image: media/poster.png\n    qr: dvc.gov.vn\n");
  EXPECT_TRUE(holds(problems, error_at(5, 9,
                                       "an item shows one of image, qr, video and document; this "
                                       "one has image already")));
}

TEST_F(MediaItems, VideosAndDocumentsPlayAloneAndVideosForTheirOwnLength) {
  directory.write("playlists/media/gioi-thieu.mp4", "video");
  directory.write("playlists/media/thong-bao.pdf", "%PDF-1.4");
  EXPECT_TRUE(holds(problems_with_item("    video: media/gioi-thieu.mp4\n    text: Giới thiệu\n"),
                    error_at(5, 11, "a video plays alone; give its text an item of its own")));
  EXPECT_TRUE(holds(problems_with_item("    document: media/thong-bao.pdf\n    text: Thông báo\n"),
                    error_at(5, 11, "a document plays alone; give its text an item of its own")));
  EXPECT_TRUE(holds(problems_with_item("    video: media/gioi-thieu.mp4\n    duration: 30s\n"),
                    error_at(5, 15, "a video plays for its own length; leave duration out")));
  // Alone, both load; a document may be given its time.
  EXPECT_EQ(item_with("    video: media/gioi-thieu.mp4\n").media.kind, MediaKind::video);
  const Item document = item_with("    document: media/thong-bao.pdf\n    duration: 1m\n");
  EXPECT_EQ(document.media.kind, MediaKind::document);
  EXPECT_EQ(document.duration, std::chrono::milliseconds(60000));
}

TEST_F(MediaItems, WrongFitSideAndLevelSuggestTheNearest) {
  EXPECT_TRUE(holds(problems_with_item("    image: media/poster.png\n    fit: center\n"),
                    error_at(5, 10, "unknown fit 'center' (did you mean 'centre'?)")));
  EXPECT_TRUE(
      holds(problems_with_item("    image: media/poster.png\n    text: x\n    side: rigth\n"),
            error_at(6, 11, "unknown side 'rigth' (did you mean 'right'?)")));
  const auto level = problems_with_item("    qr: dvc.gov.vn\n    qr-level: h\n");
  ASSERT_FALSE(level.empty());
  EXPECT_EQ(level.front().rfind(error_at(5, 15, "unknown QR level 'h'"), 0), 0u) << level.front();
  EXPECT_NE(level.front().find("'H'"), std::string::npos) << level.front();
}

TEST_F(MediaItems, KeysThatDoNotApplyAreWarnings) {
  auto problems = problems_with_item("    qr: dvc.gov.vn\n    fit: fill\n");
  EXPECT_TRUE(holds(problems, warning_at(5, 10, "fit applies to image items")));
  EXPECT_EQ(item_with("    qr: dvc.gov.vn\n    fit: fill\n").media.kind, MediaKind::qr);
  problems = problems_with_item("    image: media/poster.png\n    qr-level: H\n");
  EXPECT_TRUE(holds(problems, warning_at(5, 15, "qr-level applies to qr items")));
  problems = problems_with_item("    text: x\n    side: left\n");
  EXPECT_TRUE(holds(problems, warning_at(5, 11, "side applies to items with an image or qr")));
  problems = problems_with_item("    image: media/poster.png\n    side: right\n");
  EXPECT_TRUE(
      holds(problems, warning_at(5, 11,
                                 "side places a picture beside the item's text, and this one has "
                                 "none")));
  problems = problems_with_item("    image: media/poster.png\n    speed: 50\n");
  EXPECT_TRUE(
      holds(problems, warning_at(5, 12, "speed applies to an item's text, and this one has none")));
}

TEST_F(MediaItems, AnItemWithoutMediaStillNeedsText) {
  const auto problems = problems_with_item("    effect: scroll\n");
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems.front().find("text"), std::string::npos) << problems.front();
  EXPECT_TRUE(holds(problems_with_item("    qr: \"\"\n"),
                    error_at(4, 9, "qr is empty; give the text the code holds")));
  EXPECT_TRUE(holds(problems_with_item("    qr: " + std::string(2954, 'A') + "\n"),
                    error_at(4, 9, "qr holds at most 2953 bytes; this is 2954")));
}

TEST_F(MediaItems, MediaAreNamedFromTheConfigsPlaylistsFolderWhereverThePlaylistIs) {
  // A last-good copy kept in the state folder still finds the picture in the playlists folder.
  const std::string yaml = "playlist: p\nitems:\n  - id: a\n    image: media/poster.png\n";
  const auto copy = directory.write("state/last-good/p.yaml", yaml);
  const Loaded<Config> config = load_config(config_file);
  ASSERT_TRUE(config.value);
  EXPECT_EQ(media_folder(copy, &*config.value), folder());
  const auto loaded = load_playlist(copy, &*config.value);
  ASSERT_TRUE(loaded.value) << texts(loaded.diagnostics).front();
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  EXPECT_EQ(loaded.value->items.at(0).media.file, folder() / "media/poster.png");
  ASSERT_EQ(loaded.value->media_files.size(), 1u);
  EXPECT_EQ(loaded.value->media_files[0].first, folder() / "media/poster.png");

  // Without a config, from the playlist's own folder; a config of one playlist file, from that
  // file's folder.
  EXPECT_EQ(media_folder(copy, nullptr), directory.path() / "state/last-good");
  const auto alone = load_playlist(copy);  // no state/last-good/media/poster.png
  EXPECT_TRUE(holds(texts(alone.diagnostics), at(copy, 4, 12) +
                                                  "error: no file media/poster.png in " +
                                                  (directory.path() / "state/last-good").string()));
  Config one_file = *config.value;
  one_file.playlists = folder() / "p.yaml";
  directory.write("playlists/p.yaml", yaml);
  EXPECT_EQ(media_folder(copy, &one_file), folder());
}

TEST_F(MediaItems, ShownTextNamesThePictureBeforeTheText) {
  Item item;
  item.text = "Nộp hồ sơ trực tuyến";
  EXPECT_EQ(shown_text(item), "Nộp hồ sơ trực tuyến");
  item.media.kind = MediaKind::image;
  item.media.file = folder() / "media/poster.png";
  EXPECT_EQ(shown_text(item), "[Ảnh: poster.png] Nộp hồ sơ trực tuyến");
  item.text.clear();
  EXPECT_EQ(shown_text(item), "[Ảnh: poster.png]");
  item.media.kind = MediaKind::qr;
  item.media.file.clear();
  item.media.qr_text = "https://dichvucong.gov.vn";
  EXPECT_EQ(shown_text(item), "[Mã QR: https://dichvucong.gov.vn]");
  item.text = "Tra cứu hồ sơ";
  EXPECT_EQ(shown_text(item), "[Mã QR: https://dichvucong.gov.vn] Tra cứu hồ sơ");
  item.text.clear();
  item.media.kind = MediaKind::video;
  item.media.file = folder() / "media/gioi-thieu.mp4";
  EXPECT_EQ(shown_text(item), "[Video: gioi-thieu.mp4]");
  item.media.kind = MediaKind::document;
  item.media.file = folder() / "media/thong-bao.pdf";
  EXPECT_EQ(shown_text(item), "[Tài liệu: thong-bao.pdf]");
}

TEST_F(MediaItems, FileStampIsSizeAndLastChangeAndZeroWhenAbsent) {
  EXPECT_EQ(file_stamp(folder() / "media/none.png"), FileStamp{});
  EXPECT_EQ(file_stamp(folder() / "media"), FileStamp{});  // a folder is no media file
  const FileStamp stamp = file_stamp(folder() / "media/poster.png");
  EXPECT_NE(stamp, FileStamp{});
  EXPECT_EQ(stamp.bytes, std::string("a picture, as far as the loader cares").size());
  std::filesystem::last_write_time(
      folder() / "media/poster.png",
      std::filesystem::last_write_time(folder() / "media/poster.png") + std::chrono::seconds(5));
  EXPECT_NE(file_stamp(folder() / "media/poster.png"), stamp);
}

TEST_F(MediaItems, AReloadParsesAgainAPlaylistWhosePictureWasReplacedAndOnlyThatOne) {
  const std::string with_poster =
      "playlist: poster\nitems:\n  - id: a\n    image: media/poster.png\n    text: Một cửa\n";
  const std::string with_logo = "playlist: logo\nitems:\n  - id: b\n    image: media/logo.png\n";
  const std::string with_later = "playlist: later\nitems:\n  - id: c\n    image: media/later.png\n";
  directory.write("playlists/media/logo.png", "logo");
  const auto poster_file = directory.write("playlists/1-poster.yaml", with_poster);
  const auto logo_file = directory.write("playlists/2-logo.yaml", with_logo);
  const auto later_file = directory.write("playlists/3-later.yaml", with_later);
  PlaylistCache cache;
  const auto first = load_programme(config_file, {}, &cache);
  ASSERT_TRUE(first.value);
  ASSERT_EQ(first.value->playlists.size(), 2u) << "later.png is not there yet";
  const FileStamp old_stamp = first.value->playlists.at(0).items.at(0).media.stamp;
  ASSERT_TRUE(cache.find(poster_file, with_poster));
  ASSERT_TRUE(cache.find(logo_file, with_logo));
  ASSERT_TRUE(cache.find(later_file, with_later));

  // A new poster, of another size (the stamp changes whatever the clock's resolution); the
  // playlists' own bytes are as they were.
  directory.write("playlists/media/poster.png", "a new picture, larger than the one before it");
  EXPECT_FALSE(cache.find(poster_file, with_poster));
  EXPECT_TRUE(cache.find(logo_file, with_logo));
  // A missing picture that appears: the playlist that named it is read again and now loads.
  directory.write("playlists/media/later.png", "later");
  EXPECT_FALSE(cache.find(later_file, with_later));

  const auto second = load_programme(config_file, {}, &cache);
  ASSERT_TRUE(second.value);
  ASSERT_EQ(second.value->playlists.size(), 3u) << texts(second.diagnostics).front();
  const Item& poster = second.value->playlists.at(0).items.at(0);
  EXPECT_NE(poster.media.stamp, old_stamp);
  EXPECT_EQ(poster.media.stamp, file_stamp(folder() / "media/poster.png"));
  EXPECT_TRUE(cache.find(poster_file, with_poster));  // kept with the new stamp

  // Kept by a programme its user holds: still read again when the picture changes.
  const auto programme = std::make_shared<const Programme>(*second.value);
  cache.remember(programme);
  EXPECT_TRUE(cache.find(logo_file, with_logo));
  std::filesystem::remove(folder() / "media/logo.png");
  EXPECT_FALSE(cache.find(logo_file, with_logo));
  EXPECT_TRUE(cache.find(poster_file, with_poster));
}

}  // namespace
}  // namespace bangtin
