// PDF pages: real PDFs, written by hand below (a catalog, a page tree, a base-14 font and a
// content stream a page, with a true cross-reference table) into a temporary directory, and
// drawn by Poppler.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "../playlists/temp_directory.hpp"
#include "bangtin/document_pages.hpp"
#include "test_pdf.hpp"

using namespace bangtin;
using bangtin::testing::blank_page;
using bangtin::testing::kA4Height;
using bangtin::testing::kA4Width;
using bangtin::testing::make_pdf;
using bangtin::testing::TempDirectory;
using bangtin::testing::TestPage;

namespace {

// On A4: a filled rectangle 100..400 pt across, 200..600 pt up from the bottom.
const std::string kRedRectangle = "1 0 0 rg 100 200 300 400 re f";
const std::string kBlueRectangle = "0 0 1 rg 100 200 300 400 re f";

std::string two_page_pdf() {
  return make_pdf({TestPage{.content = kRedRectangle}, TestPage{.content = kBlueRectangle}});
}

// An A4 notice of 40 lines of 12 pt Helvetica.
std::string text_page_pdf() {
  std::string content = "BT /F1 12 Tf 14 TL 56 780 Td\n";
  for (int line = 1; line <= 40; ++line)
    content += "(Line " + std::to_string(line) +
               ": Thong bao lich tiep cong dan, cai cach hanh chinh, mot cua lien thong.) '\n";
  content += "ET";
  return make_pdf({TestPage{.content = content}});
}

std::string error_of(const std::filesystem::path& file) {
  try {
    probe_document(file);
  } catch (const DocumentError& error) {
    return error.what();
  }
  return "no error";
}

// The message names the file and says `why`; Poppler says nothing on stderr meanwhile.
void expect_refused(const std::filesystem::path& file, const std::string& why) {
  ::testing::internal::CaptureStderr();
  const std::string message = error_of(file);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "") << file;
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find(why), std::string::npos) << message;
}

const Rgb kWhite{255, 255, 255};
const Rgb kRed{255, 0, 0};
const Rgb kBlue{0, 0, 255};

}  // namespace

TEST(DocumentPages, ProbeCountsThePages) {
  const TempDirectory dir;
  EXPECT_EQ(probe_document(dir.write("notice.pdf", two_page_pdf())).pages, 2);
}

TEST(DocumentPages, PortraitA4FillsTheHeightOfAFullHdScreen) {
  const TempDirectory dir;
  const auto file = dir.write("notice.pdf", two_page_pdf());
  const Frame frame = render_document_page(file, 0, 1920, 1080);
  EXPECT_EQ(frame.format, PixelFormat::rgb888);
  EXPECT_EQ(frame.height, 1080);
  EXPECT_EQ(frame.width, 764);  // 595.28 * 1080 / 841.89 = 763.6
  EXPECT_EQ(frame.bytes.size(), 764u * 1080 * 3);
}

TEST(DocumentPages, FittedSizeKeepsTheAspectInEveryBox) {
  const TempDirectory dir;
  const auto file = dir.write(
      "pages.pdf", make_pdf({TestPage{.content = kRedRectangle},
                             blank_page(kA4Height, kA4Width),                   // landscape A4
                             TestPage{.content = kRedRectangle, .rotate = 90},  // turned A4
                             blank_page(1000, 1000)}));
  DocumentPages document(file);
  struct Case {
    int page, box_width, box_height, width, height;
  };
  for (const Case& c : {
           Case{0, 1920, 1080, 764, 1080},   // portrait into landscape: height-limited
           Case{0, 1080, 1920, 1080, 1527},  // portrait into portrait: width-limited
           Case{0, 128, 64, 45, 64},
           Case{0, 1, 1, 1, 1},
           Case{1, 1920, 1080, 1527, 1080},  // landscape into landscape: height-limited
           Case{1, 1080, 1920, 1080, 764},   // landscape into portrait: width-limited
           Case{1, 3840, 2160, 3055, 2160},
           Case{2, 1920, 1080, 1527, 1080},  // /Rotate 90 shows a portrait page landscape
           Case{3, 1920, 1080, 1080, 1080},
           Case{3, 777, 2000, 777, 777},
       }) {
    const Frame frame = document.render(c.page, c.box_width, c.box_height);
    EXPECT_EQ(frame.width, c.width)
        << "page " << c.page << " into " << c.box_width << "x" << c.box_height;
    EXPECT_EQ(frame.height, c.height)
        << "page " << c.page << " into " << c.box_width << "x" << c.box_height;
    EXPECT_EQ(frame.bytes.size(), frame.stride() * static_cast<std::size_t>(frame.height));
  }
}

TEST(DocumentPages, RectanglesAreWhereThePageHasThemInTheirColours) {
  const TempDirectory dir;
  DocumentPages document(dir.write("notice.pdf", two_page_pdf()));
  for (const auto& [width, height] : {std::pair{1920, 1080}, {1080, 1920}, {301, 200}}) {
    const Frame red = document.render(0, width, height);
    const Frame blue = document.render(1, width, height);
    ASSERT_EQ(red.geometry(), blue.geometry());
    const double scale = red.width / kA4Width;
    // Pixel at a point (x, y) of the page, y up from its bottom.
    const auto at = [&](const Frame& frame, double x, double y) {
      return frame.pixel(static_cast<int>(x * scale), static_cast<int>((kA4Height - y) * scale));
    };
    for (const auto& [x, y] : {std::pair{250.0, 400.0}, {110.0, 210.0}, {390.0, 590.0}}) {
      EXPECT_EQ(at(red, x, y), kRed) << width << "x" << height << " at " << x << "," << y;
      EXPECT_EQ(at(blue, x, y), kBlue) << width << "x" << height << " at " << x << "," << y;
    }
    for (const auto& [x, y] : {std::pair{50.0, 400.0}, {250.0, 150.0}, {450.0, 650.0}}) {
      EXPECT_EQ(at(red, x, y), kWhite) << width << "x" << height << " at " << x << "," << y;
      EXPECT_EQ(at(blue, x, y), kWhite) << width << "x" << height << " at " << x << "," << y;
    }
    EXPECT_EQ(red.pixel(0, 0), kWhite);
    EXPECT_EQ(red.pixel(red.width - 1, red.height - 1), kWhite);
    EXPECT_NE(red, blue);
  }
}

TEST(DocumentPages, EdgesAreAntiAliased) {
  const TempDirectory dir;
  // A black triangle: its slanted side crosses about 80 pixels' rows, each in a grey pixel or
  // two. (Splash snaps the edges of upright rectangles to whole pixels, so they show none.)
  const auto file = dir.write(
      "edge.pdf",
      make_pdf({TestPage{
          .width = 100, .height = 100, .content = "0 0 0 rg 10 10 m 90 10 l 10 90 l f"}}));
  const Frame frame = render_document_page(file, 0, 100, 100);
  int grey = 0;
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x)
      if (const Rgb p = frame.pixel(x, y); p.r > 0 && p.r < 255) ++grey;
  EXPECT_GT(grey, 60);
  EXPECT_EQ(frame.pixel(30, 70), (Rgb{0, 0, 0}));
  EXPECT_EQ(frame.pixel(70, 30), kWhite);
}

TEST(DocumentPages, TextIsDrawnInItsLines) {
  const TempDirectory dir;
  const Frame frame = render_document_page(dir.write("text.pdf", text_page_pdf()), 0, 1920, 1080);
  ASSERT_EQ(frame.height, 1080);
  // Dark and grey (anti-aliased) ink within the text block, none in the margin above it.
  const double scale = frame.height / kA4Height;
  int dark = 0, grey = 0, margin = 0;
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x) {
      const Rgb p = frame.pixel(x, y);
      if (p == kWhite) continue;
      if (y < static_cast<int>((kA4Height - 795) * scale)) ++margin;
      if (p.r < 64)
        ++dark;
      else
        ++grey;
    }
  EXPECT_EQ(margin, 0);
  EXPECT_GT(dark, 5000);
  EXPECT_GT(grey, 5000);
}

TEST(DocumentPages, OpenedOnceItDrawsItsPagesWithoutTheFile) {
  const TempDirectory dir;
  const auto file = dir.write("notice.pdf", two_page_pdf());
  DocumentPages document(file);
  const Frame first = document.render(0, 640, 360);
  std::filesystem::remove(file);
  EXPECT_EQ(document.file(), file);
  EXPECT_EQ(document.pages(), 2);
  EXPECT_EQ(document.render(0, 640, 360), first);
  EXPECT_NE(document.render(1, 640, 360), first);
}

TEST(DocumentPages, PageOutOfRangeIsRefusedWithTheCount) {
  const TempDirectory dir;
  const auto file = dir.write("notice.pdf", two_page_pdf());
  DocumentPages document(file);
  for (const int index : {-1, 2, 1000}) {
    try {
      document.render(index, 1920, 1080);
      ADD_FAILURE() << "page index " << index << " was drawn";
    } catch (const DocumentError& error) {
      EXPECT_NE(std::string(error.what()).find(file.string()), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find("the document has 2 pages"), std::string::npos)
          << error.what();
    }
  }
  EXPECT_THROW(render_document_page(file, 2, 1920, 1080), DocumentError);
}

TEST(DocumentPages, ABoxOutsideTheLimitsIsAnInvalidArgument) {
  const TempDirectory dir;
  DocumentPages document(dir.write("notice.pdf", two_page_pdf()));
  EXPECT_THROW(document.render(0, 0, 1080), std::invalid_argument);
  EXPECT_THROW(document.render(0, 1920, -1), std::invalid_argument);
  EXPECT_THROW(document.render(0, kMaxDocumentBoxSide + 1, 1080), std::invalid_argument);
}

TEST(DocumentPages, FilesThatAreNotPdfsAreRefused) {
  const TempDirectory dir;
  expect_refused(dir.write("notice.txt", "Thông báo: lịch tiếp công dân\n"), "not a PDF");
  expect_refused(dir.write("empty.pdf", ""), "the file is empty");
  expect_refused(dir.path() / "missing.pdf", "cannot open: No such file or directory");
  expect_refused(dir.path(), "not a file");
}

TEST(DocumentPages, ACutShortPdfIsDamaged) {
  const TempDirectory dir;
  const std::string pdf = two_page_pdf();
  for (const std::size_t length : {std::size_t{20}, pdf.size() / 2, pdf.size() - 8})
    expect_refused(dir.write("cut.pdf", pdf.substr(0, length)), "damaged");
  expect_refused(dir.write("cut.pdf", pdf.substr(0, pdf.size() / 2)), "cut short");
}

TEST(DocumentPages, AGarbledPdfIsDamagedWithWhatPopplerFound) {
  const TempDirectory dir;
  expect_refused(
      dir.write("garbled.pdf", "%PDF-1.4\n1 0 obj << /Type /Cat\nxref\ngarbage\n%%EOF\n"),
      "damaged: it cannot be read as a PDF (Poppler: error (");
}

// Encrypted with the standard security handler. The entries are those qpdf 11.3 wrote (with
// --static-id, so /ID is fixed) for the user password "secret" (RC4, 40 bits): Poppler opens
// this file with that password, and without one finds it locked. (Its content is left clear:
// nothing gets that far without the password.)
TEST(DocumentPages, APdfLockedWithAPasswordIsRefused) {
  const TempDirectory dir;
  const std::string encrypt =
      "/Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /P -4"
      " /O <92fe0f4454ad4c9644693f33c07cb54f587dce1e2682fe9ecea6107a1ef630dd>"
      " /U <f53be2f0b8dac4313197df2d160bb5ade3ac05b5b656448e405c1b683d9d270b> >>"
      " /ID [<31415926535897932384626433832795> <31415926535897932384626433832795>]";
  expect_refused(dir.write("locked.pdf", make_pdf({TestPage{.content = kRedRectangle}}, encrypt)),
                 "locked with a password");
}

// Offices often send notices with only an owner password ("no editing"): anyone may open and
// show them. This one is AES-256 (qpdf 11.3, --encrypt "" owner 256 with --static-id and
// --static-aes-iv): the content stream below is "1 0 0 rg 20 20 60 60 re f" encrypted, a red
// square on a 100 x 100 pt page.
TEST(DocumentPages, APdfWithOnlyAnOwnerPasswordPlays) {
  const TempDirectory dir;
  const std::string encrypt =
      "/Encrypt << /Filter /Standard /V 5 /R 6 /Length 256 /P -4"
      " /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV3 /Length 32 >> >> /StmF /StdCF"
      " /StrF /StdCF"
      " /O <60387ada67b252be568a95926900f27e0b1bcfce725cb475e5d5237f9cbf1d9a"
      "4450a70d5c257bb980adb6b5312d72b9>"
      " /OE <5525eb496f1740fd51590fe18799100d11a9311e9bf07c385679285fd9e1c4a5>"
      " /U <8c97096764f707656bd19257a47fbb026cbc86e0030b28d7327be220ff016f66"
      "7bc08f40f914f842f639a65a95b060c8>"
      " /UE <8ade6e3e351f93b5e4067b11e3be638bfbcbbc6a665296fb0d756a2986d550e8>"
      " /Perms <d7d29d6e833407edaac1b6776593f729> >>"
      " /ID [<31415926535897932384626433832795> <31415926535897932384626433832795>]";
  const std::string hex =
      "0e1c2a38465462707e8c9aa8b6c4d2e080d4cb2bfefc4b0cd53794dce78a76e0"
      "e0d612a03d4628ba76dae88c4db25cc4";
  std::string content;
  for (std::size_t i = 0; i < hex.size(); i += 2)
    content += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  const auto file = dir.write(
      "owner.pdf", make_pdf({TestPage{.width = 100, .height = 100, .content = content}}, encrypt));
  const Frame frame = render_document_page(file, 0, 100, 100);
  EXPECT_EQ(frame.pixel(50, 50), kRed);
  EXPECT_EQ(frame.pixel(10, 10), kWhite);
}

TEST(DocumentPages, PageCountLimits) {
  const TempDirectory dir;
  std::vector<TestPage> pages(kMaxDocumentPages, TestPage{.content = kRedRectangle});
  EXPECT_EQ(probe_document(dir.write("200.pdf", make_pdf(pages))).pages, kMaxDocumentPages);
  pages.push_back(TestPage{.content = kBlueRectangle});
  expect_refused(dir.write("201.pdf", make_pdf(pages)),
                 "has 201 pages, more than the 200 a document may have");
  expect_refused(dir.write("none.pdf", make_pdf({})), "no pages");
}

TEST(DocumentPages, PageSizeLimits) {
  const TempDirectory dir;
  const double mm = 72 / 25.4;
  // A0 either way up is fine; a page 10 cm longer than A0, or with no width, is not.
  EXPECT_EQ(probe_document(dir.write("a0.pdf", make_pdf({blank_page(841 * mm, 1189 * mm),
                                                         blank_page(1189 * mm, 841 * mm)})))
                .pages,
            2);
  expect_refused(dir.write("big.pdf", make_pdf({TestPage{}, blank_page(841 * mm, 1289 * mm)})),
                 "page 2 is 841 x 1289 mm, bigger than A0");
  expect_refused(dir.write("wide.pdf", make_pdf({blank_page(1000 * mm, 1000 * mm)})),
                 "bigger than A0");
  expect_refused(dir.write("flat.pdf", make_pdf({blank_page(kA4Width, 0)})),
                 "page 1 has zero size");
}

TEST(DocumentPages, AFileOverTheSizeLimitIsRefusedUnread) {
  const TempDirectory dir;
  const auto file = dir.write("huge.pdf", two_page_pdf());
  std::filesystem::resize_file(file, kMaxDocumentBytes + 1);  // sparse: nothing written
  expect_refused(file, "64.0 MiB, more than the 64.0 MiB a document may be");
}

TEST(DocumentPages, TwoThreadsDrawTwoDocumentsAtOnce) {
  const TempDirectory dir;
  const auto notice = dir.write("notice.pdf", two_page_pdf());
  const auto text = dir.write("text.pdf", text_page_pdf());
  const Frame notice_alone = render_document_page(notice, 1, 800, 600);
  const Frame text_alone = render_document_page(text, 0, 800, 600);
  std::vector<Frame> notice_frames(10), text_frames(10);
  std::thread first([&] {
    for (Frame& frame : notice_frames) frame = render_document_page(notice, 1, 800, 600);
  });
  std::thread second([&] {
    DocumentPages document(text);
    for (Frame& frame : text_frames) frame = document.render(0, 800, 600);
  });
  first.join();
  second.join();
  for (const Frame& frame : notice_frames) EXPECT_EQ(frame, notice_alone);
  for (const Frame& frame : text_frames) EXPECT_EQ(frame, text_alone);
}
