#include <gtest/gtest.h>

#include "bangtin/playlists.hpp"
#include "temp_directory.hpp"

namespace bangtin {
namespace {

using testing::TempDirectory;

TEST(LooksLikeConfig, TellsConfigsFromPlaylists) {
  TempDirectory directory;
  EXPECT_TRUE(looks_like_config(directory.write(
      "bangtin.yaml",
      "timezone: \"+07:00\"\ndisplays:\n  - name: a\n    size: 128x32\n    link: x\n")));
  EXPECT_FALSE(looks_like_config(
      directory.write("cchc.yaml", "playlist: p\nitems:\n  - id: a\n    text: Một\n")));
}

TEST(LooksLikeConfig, FilesThatAreNeitherAreNotConfigs) {
  TempDirectory directory;
  EXPECT_FALSE(looks_like_config(directory.path() / "missing.yaml"));
  EXPECT_FALSE(looks_like_config(directory.write("broken.yaml", "displays: [\n")));
  EXPECT_FALSE(looks_like_config(directory.write("list.yaml", "- displays\n")));
  EXPECT_FALSE(looks_like_config(directory.write("empty.yaml", "")));
}

}  // namespace
}  // namespace bangtin
