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

TEST(HasErrors, IgnoresWarnings) {
  EXPECT_FALSE(has_errors({}));
  EXPECT_FALSE(has_errors({Diagnostic{{"a.yaml", 1, 1}, Severity::warning, "w"}}));
  EXPECT_TRUE(has_errors({Diagnostic{{"a.yaml", 1, 1}, Severity::warning, "w"},
                          Diagnostic{{"a.yaml", 2, 1}, Severity::error, "e"}}));
}

}  // namespace
}  // namespace bangtin
