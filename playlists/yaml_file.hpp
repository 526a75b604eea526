// A parsed YAML operator file and the diagnostics about it. Every problem is reported against
// the node it is about, converted to the file, line and column an operator's editor shows.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bangtin/playlists.hpp"
#include "source_text.hpp"

namespace bangtin::playlists_detail {

class YamlFile {
 public:
  // The file's single YAML document, or nothing after reporting why there is none (unreadable,
  // not text, malformed, empty).
  static std::optional<YamlFile> load(const std::filesystem::path& file,
                                      std::vector<Diagnostic>& diagnostics);

  const std::filesystem::path& file() const { return source_.file(); }
  const YAML::Node& root() const { return root_; }
  const std::string& bytes() const { return source_.bytes(); }

  SourceMark mark_of(const YAML::Node& node) const;
  // The place of a byte inside a scalar's value, e.g. the second date of a range, when the value
  // stands in the file as written (plain or quoted without escapes); else the scalar's own mark.
  SourceMark mark_within(const YAML::Node& scalar, std::size_t byte_offset) const;
  void error(const YAML::Node& node, std::string message);
  void error(const SourceMark& where, std::string message);
  void warning(const YAML::Node& node, std::string message);
  void warning(const SourceMark& where, std::string message);

  // Counting errors before and after reading a part tells whether that part was good.
  std::size_t error_count() const;

 private:
  YamlFile(SourceText source, YAML::Node root, std::vector<Diagnostic>& diagnostics)
      : source_(std::move(source)), root_(std::move(root)), diagnostics_(&diagnostics) {}

  SourceText source_;
  YAML::Node root_;
  std::vector<Diagnostic>* diagnostics_;
};

}  // namespace bangtin::playlists_detail
