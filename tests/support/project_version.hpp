// The version CMake's project() gives, read from the top CMakeLists.txt itself: what every
// program's --version must print, checked against its source rather than against the program's
// own bangtin_version().
#pragma once

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace bangtin::testing {

inline std::string cmake_project_version() {
  std::ifstream in(std::string(BANGTIN_SOURCE_DIR) + "/CMakeLists.txt");
  std::stringstream text;
  text << in.rdbuf();
  const std::string cmake = text.str();
  std::smatch version;
  if (!std::regex_search(cmake, version, std::regex(R"(project\(bangtin VERSION ([0-9.]+))")))
    return "(no project version in CMakeLists.txt)";
  return version[1].str();
}

}  // namespace bangtin::testing
