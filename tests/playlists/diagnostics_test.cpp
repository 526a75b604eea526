#include <gtest/gtest.h>

#include "bangtin/playlists.hpp"

namespace bangtin {
namespace {

TEST(Diagnostic, ReadsLikeACompilerMessage) {
  const Diagnostic diagnostic{{"lists/cchc.yaml", 12, 5}, Severity::error, "text is empty"};
  EXPECT_EQ(diagnostic.to_string(), "lists/cchc.yaml:12:5: error: text is empty");
}

TEST(Diagnostic, SaysWarningForWarnings) {
  const Diagnostic diagnostic{{"a.yaml", 3, 10}, Severity::warning, "playlist has no items"};
  EXPECT_EQ(diagnostic.to_string(), "a.yaml:3:10: warning: playlist has no items");
}

TEST(Diagnostic, LeavesOutLineAndColumnForTheWholeFile) {
  const Diagnostic diagnostic{{"a.yaml", 0, 0}, Severity::error, "file is empty"};
  EXPECT_EQ(diagnostic.to_string(), "a.yaml: error: file is empty");
}

// Keys, ids and file names are the operator's text; a line feed or an ESC sequence in one must
// not start a forged line in the daemon's log or repaint a terminal.
TEST(Diagnostic, EscapesWhatDoesNotPrint) {
  const Diagnostic diagnostic{{"a.yaml", 5, 5},
                              Severity::error,
                              "unknown key 'a\nb\tc\r\x1b[31m\x7f\u0085\u2028\u202e\xff'"};
  EXPECT_EQ(diagnostic.to_string(),
            "a.yaml:5:5: error: unknown key "
            "'a\\nb\\tc\\r\\x1b[31m\\x7f\\u0085\\u2028\\u202e\\xff'");
}

TEST(Diagnostic, EscapesTheFileNameToo) {
  const Diagnostic diagnostic{{"lists/a\nb.yaml", 1, 1}, Severity::warning, "w"};
  EXPECT_EQ(diagnostic.to_string(), "lists/a\\nb.yaml:1:1: warning: w");
}

TEST(Diagnostic, LeavesVietnameseAndBackslashesAlone) {
  const Diagnostic diagnostic{{"a.yaml", 1, 1}, Severity::error, "font 'C:\\Phông chữ' not found"};
  EXPECT_EQ(diagnostic.to_string(), "a.yaml:1:1: error: font 'C:\\Phông chữ' not found");
  // So a message that quotes a diagnostic already escaped is not escaped twice.
  const Diagnostic quoting{{"a.yaml", 1, 1}, Severity::error, "x 'a\\x1b'"};
  EXPECT_EQ(quoting.to_string(), "a.yaml:1:1: error: x 'a\\x1b'");
}

TEST(HasErrors, IgnoresWarnings) {
  EXPECT_FALSE(has_errors({}));
  EXPECT_FALSE(has_errors({Diagnostic{{"a.yaml", 1, 1}, Severity::warning, "w"}}));
  EXPECT_TRUE(has_errors({Diagnostic{{"a.yaml", 1, 1}, Severity::warning, "w"},
                          Diagnostic{{"a.yaml", 2, 1}, Severity::error, "e"}}));
}

}  // namespace
}  // namespace bangtin
