// Problems with a file as a whole, found before or while parsing it: what an operator gets for
// pointing the daemon at the wrong file, or saving in the wrong encoding.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "bangtin/playlists.hpp"
#include "diagnostic_texts.hpp"
#include "temp_directory.hpp"

namespace bangtin {
namespace {

using testing::at;
using testing::TempDirectory;
using testing::texts;

constexpr std::string_view small_playlist =
    "playlist: p\n"
    "items:\n"
    "  - id: a\n"
    "    text: Xin chào\n";

class FileChecks : public ::testing::Test {
 protected:
  std::vector<std::string> problems_with(std::string_view bytes) {
    directory.write(file.filename(), bytes);
    const auto loaded = load_playlist(file);
    EXPECT_FALSE(loaded.value);
    return texts(loaded.diagnostics);
  }

  TempDirectory directory;
  const std::filesystem::path file = directory.path() / "playlist.yaml";
};

TEST_F(FileChecks, MissingFileSaysWhy) {
  const auto missing = directory.path() / "missing.yaml";
  const auto loaded = load_playlist(missing);
  EXPECT_FALSE(loaded.value);
  EXPECT_EQ(texts(loaded.diagnostics),
            std::vector<std::string>{missing.string() +
                                     ": error: cannot read file: No such file or directory"});
}

TEST_F(FileChecks, DirectoryIsNotAFile) {
  const auto loaded = load_playlist(directory.path());
  EXPECT_FALSE(loaded.value);
  EXPECT_EQ(texts(loaded.diagnostics),
            std::vector<std::string>{directory.path().string() +
                                     ": error: cannot read file: Is a directory"});
}

// The problems loading `file` reports, read as an ordinary user: root reads files whatever their
// permissions, so as root (CI) the load runs in a child that has given root up.
std::vector<std::string> problems_as_ordinary_user(const std::filesystem::path& file) {
  if (::geteuid() != 0) return texts(load_playlist(file).diagnostics);
  int channel[2];
  if (::pipe(channel) != 0) throw std::runtime_error("pipe failed");
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(channel[0]);
    constexpr uid_t nobody = 65534;
    if (::setgid(nobody) != 0 || ::setuid(nobody) != 0) ::_exit(2);
    std::string lines;
    for (const auto& text : texts(load_playlist(file).diagnostics)) lines += text + "\n";
    const bool written =
        ::write(channel[1], lines.data(), lines.size()) == static_cast<ssize_t>(lines.size());
    ::_exit(written ? 0 : 3);
  }
  ::close(channel[1]);
  std::string lines;
  char buffer[4096];
  for (ssize_t n; (n = ::read(channel[0], buffer, sizeof buffer)) > 0;) lines.append(buffer, n);
  ::close(channel[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child could not run";
  std::vector<std::string> problems;
  for (std::size_t start = 0, end; (end = lines.find('\n', start)) != std::string::npos;
       start = end + 1)
    problems.push_back(lines.substr(start, end - start));
  return problems;
}

TEST_F(FileChecks, UnreadableFileSaysWhy) {
  directory.write(file.filename(), small_playlist);
  std::filesystem::permissions(file, std::filesystem::perms::none);
  EXPECT_EQ(
      problems_as_ordinary_user(file),
      std::vector<std::string>{file.string() + ": error: cannot read file: Permission denied"});
}

TEST_F(FileChecks, EmptyFile) {
  EXPECT_EQ(problems_with(""), std::vector<std::string>{file.string() + ": error: file is empty"});
}

TEST_F(FileChecks, OnlyCommentsIsEmptyToo) {
  EXPECT_EQ(problems_with("# to do: write the announcements\n\n"),
            std::vector<std::string>{
                file.string() + ": error: file is empty (nothing but blank lines and comments)"});
}

TEST_F(FileChecks, FileOverOneMebibyteIsRefused) {
  std::string bytes(small_playlist);
  bytes += "#";
  bytes.resize(1024 * 1024 + 1, 'x');
  EXPECT_EQ(problems_with(bytes),
            std::vector<std::string>{
                file.string() + ": error: file is too large (1048577 bytes; the limit is 1 MiB)"});
}

TEST_F(FileChecks, FileOfExactlyOneMebibyteIsRead) {
  std::string bytes(small_playlist);
  bytes += "#";
  bytes.resize(1024 * 1024 - 1, 'x');
  bytes += "\n";
  directory.write(file.filename(), bytes);
  const auto loaded = load_playlist(file);
  ASSERT_TRUE(loaded.value);
  EXPECT_TRUE(loaded.diagnostics.empty());
  EXPECT_EQ(loaded.value->items.size(), 1u);
}

TEST_F(FileChecks, NulBytesMeanABinaryFile) {
  using namespace std::string_literals;
  EXPECT_EQ(problems_with("playlist: p\n\x7f"s + "ELF\0\0\0"s),
            std::vector<std::string>{at(file, 2, 5) +
                                     "error: file is binary, not text (NUL byte at byte offset "
                                     "16)"});
}

TEST_F(FileChecks, InvalidUtf8GivesByteOffsetLineAndColumn) {
  // "Thông" as Windows-1258 writes it: ô is the single byte 0xF4.
  EXPECT_EQ(problems_with("playlist: p\ntitle: Th\xF4ng tin\n"),
            std::vector<std::string>{
                at(file, 2, 10) +
                "error: invalid UTF-8 at byte offset 21; save the file as UTF-8, not in a legacy "
                "encoding such as TCVN3 or Windows-1258"});
}

TEST_F(FileChecks, InvalidUtf8ColumnCountsCharactersNotBytes) {
  // "Thủ" is 5 bytes but 3 characters; the bad byte is the 12th character of its line.
  const auto problems = problems_with("title: Thủ \xFF\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].substr(0, at(file, 1, 12).size()), at(file, 1, 12));
  EXPECT_NE(problems[0].find("byte offset 13;"), std::string::npos) << problems[0];
}

TEST_F(FileChecks, TruncatedUtf8SequenceAtTheEnd) {
  const auto problems = problems_with("playlist: p\ntitle: Th\xE1\xBB");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].substr(0, at(file, 2, 10).size()), at(file, 2, 10));
}

TEST_F(FileChecks, Utf16IsNamed) {
  EXPECT_EQ(problems_with(std::string_view("\xFF\xFEp\0l\0", 6)),
            std::vector<std::string>{file.string() + ": error: file is UTF-16; save it as UTF-8"});
}

TEST_F(FileChecks, MalformedYamlGivesTheParsersPlace) {
  EXPECT_EQ(problems_with("playlist: p\nitems: [a, b\n"),
            std::vector<std::string>{
                at(file, 3, 1) +
                "error: malformed YAML: did not find expected ',' or ']' (while parsing a flow "
                "sequence that starts at line 2, column 8)"});
}

TEST_F(FileChecks, MalformedYamlColumnCountsCharacters) {
  // The second colon is the 15th character, though the 19th byte.
  EXPECT_EQ(problems_with("title: Thủ tục: x\n"),
            std::vector<std::string>{
                at(file, 1, 15) +
                "error: malformed YAML: mapping values are not allowed in this context"});
}

TEST_F(FileChecks, SecondDocumentIsAnError) {
  directory.write(file.filename(), std::string(small_playlist) + "---\nplaylist: q\n");
  const auto loaded = load_playlist(file);
  EXPECT_EQ(texts(loaded.diagnostics),
            std::vector<std::string>{at(file, 6, 1) +
                                     "error: only one YAML document is allowed in a file"});
}

TEST_F(FileChecks, TrailingDocumentMarkerIsHarmless) {
  directory.write(file.filename(), std::string(small_playlist) + "---\n");
  const auto loaded = load_playlist(file);
  ASSERT_TRUE(loaded.value);
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics)[0];
}

TEST_F(FileChecks, ByteOrderMarkIsAcceptedAndDoesNotShiftColumns) {
  directory.write(file.filename(), "\xEF\xBB\xBFplaylist: [p]\nitems:\n  - id: a\n    text: ''\n");
  const auto loaded = load_playlist(file);
  EXPECT_EQ(texts(loaded.diagnostics),
            (std::vector<std::string>{
                at(file, 1, 11) + "error: playlist must be text, not a list or a mapping",
                at(file, 4, 11) + "error: text is empty"}));
}

TEST_F(FileChecks, CrlfLineEndingsKeepLinesRight) {
  directory.write(file.filename(), "playlist: p\r\nitems:\r\n  - id: a\r\n    text: ''\r\n");
  const auto loaded = load_playlist(file);
  EXPECT_EQ(texts(loaded.diagnostics),
            std::vector<std::string>{at(file, 4, 11) + "error: text is empty"});
}

TEST_F(FileChecks, DeepNestingIsMalformed) {
  // The mapping and 63 lists are 64 levels; the 64th list, in column 11 + 63, is one too many.
  EXPECT_EQ(problems_with("playlist: " + std::string(100'000, '[')),
            std::vector<std::string>{at(file, 1, 74) +
                                     "error: malformed YAML: nested more than 64 levels deep"});
}

TEST_F(FileChecks, HostileYamlIsReportedNotThrown) {
  const std::string deep_nesting = "playlist: " + std::string(100'000, '[');
  const std::string self_alias = "playlist: p\nitems: &loop [*loop]\n";
  const std::string alias_targets =
      "playlist: p\nitems:\n  - &item {id: a, text: x, targets: *item}\n";
  const std::string odd_keys = "? [a, b]\n: c\n~: d\n";
  for (const auto& yaml : {deep_nesting, self_alias, alias_targets, odd_keys}) {
    directory.write(file.filename(), yaml);
    Loaded<Playlist> loaded;
    EXPECT_NO_THROW(loaded = load_playlist(file)) << yaml.substr(0, 40);
    EXPECT_TRUE(has_errors(loaded.diagnostics)) << yaml.substr(0, 40);
  }
}

}  // namespace
}  // namespace bangtin
