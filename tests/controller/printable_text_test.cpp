#include "bangtin/playlists.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include "bangtin/controller.hpp"

using namespace bangtin;

TEST(Printable, VietnameseAndPunctuationStayAsTheyAre) {
  const std::string text = "Bộ phận Một cửa: 7:30–17:00, \"đúng giờ\" \\ 100% ✓";
  EXPECT_EQ(printable(text), text);
}

TEST(Printable, ControlCharactersAreEscaped) {
  EXPECT_EQ(printable("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(printable("\x1b[2J\x1b]0;title\x07"), "\\x1b[2J\\x1b]0;title\\x07");
  EXPECT_EQ(printable(std::string("nul\0del\x7f", 8)), "nul\\x00del\\x7f");
  // C1: NEL and the one-character CSI, as UTF-8.
  EXPECT_EQ(printable("x\u0085y\u009b2J"), "x\\u0085y\\u009b2J");
}

TEST(Printable, LineSeparatorsAndBidirectionalOverridesAreEscaped) {
  EXPECT_EQ(printable("a\u2028b\u2029c"), "a\\u2028b\\u2029c");
  EXPECT_EQ(printable("id\u202Egnp.exe\u2066x\u2069"), "id\\u202egnp.exe\\u2066x\\u2069");
}

TEST(Printable, EachByteOfInvalidUtf8IsEscaped) {
  EXPECT_EQ(printable("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(printable("overlong \xc0\xaf"), "overlong \\xc0\\xaf");
  EXPECT_EQ(printable("surrogate \xed\xa0\x80"), "surrogate \\xed\\xa0\\x80");
  EXPECT_EQ(printable("cut M\xe1\xbb"), "cut M\\xe1\\xbb");
  EXPECT_EQ(printable("past U+10FFFF \xf4\x90\x80\x80"), "past U+10FFFF \\xf4\\x90\\x80\\x80");
  // An overlong ESC cannot sneak through either.
  EXPECT_EQ(printable("\xc0\x9b"), "\\xc0\\x9b");
}

namespace {

// What the daemon's log writes, caught in a pipe (not the journal's: JOURNAL_STREAM names none).
std::string logged(std::string_view line) {
  int ends[2];
  EXPECT_EQ(::pipe2(ends, O_CLOEXEC), 0);
  fd_log(ends[1])(line);
  ::close(ends[1]);
  std::string caught;
  char buffer[512];
  for (ssize_t got; (got = ::read(ends[0], buffer, sizeof buffer)) > 0;)
    caught.append(buffer, static_cast<std::size_t>(got));
  ::close(ends[0]);
  return caught;
}

}  // namespace

TEST(StderrLog, NoLineCanForgeAnotherOrReachTheTerminal) {
  // A key name as a broken playlist could spell it, with a fake second log line in it.
  const std::string out = logged(
      "test.yaml:3:5: error: unknown key 'x\x1b[1A\x1b[2K\r\n2026-11-24 08:00:00 playlists "
      "reloaded: 1 playlist(s)\x9b'");
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.find('\n'), out.size() - 1) << out;  // one line, ending where the sink ends it
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_NE(out.find("unknown key 'x\\x1b[1A\\x1b[2K\\r\\n2026-11-24 08:00:00 playlists "
                     "reloaded: 1 playlist(s)\\x9b'"),
            std::string::npos)
      << out;
}

TEST(StderrLog, VietnameseIsLoggedAsItIs) {
  const std::string out = logged("display cong-ubnd: playing dich-vu-cong \"Dịch vụ công\"");
  EXPECT_NE(out.find(" display cong-ubnd: playing dich-vu-cong \"Dịch vụ công\"\n"),
            std::string::npos)
      << out;
}
