#include "yaml_file.hpp"

#include <yaml-cpp/depthguard.h>

#include <algorithm>

#include "yaml_structure_check.hpp"

namespace bangtin::playlists_detail {

std::optional<YamlFile> YamlFile::load(const std::filesystem::path& file,
                                       std::vector<Diagnostic>& diagnostics) {
  auto source = read_source_file(file, diagnostics);
  if (!source) return std::nullopt;

  // yaml-cpp only gets text the strict pass let through, and only its first document: LoadAll
  // loops forever on some malformed files (yaml-cpp issue 1040, still in 0.7).
  if (!check_yaml_structure(*source, diagnostics)) return std::nullopt;
  YAML::Node root;
  try {
    root = YAML::Load(source->bytes());
  } catch (const YAML::DeepRecursion& problem) {
    // yaml-cpp 0.7 gives this one the message "bad file", which would send an operator looking
    // for a problem with the file rather than with its contents.
    diagnostics.push_back(
        Diagnostic{source->mark_at_line_column(problem.mark.line, problem.mark.column),
                   Severity::error, "malformed YAML: nested too deeply"});
    return std::nullopt;
  } catch (const YAML::Exception& problem) {
    diagnostics.push_back(
        Diagnostic{source->mark_at_line_column(problem.mark.line, problem.mark.column),
                   Severity::error, "malformed YAML: " + problem.msg});
    return std::nullopt;
  }

  if (root.IsNull()) {
    diagnostics.push_back(Diagnostic{source->whole_file(), Severity::error,
                                     "file is empty (nothing but blank lines and comments)"});
    return std::nullopt;
  }
  return YamlFile(std::move(*source), std::move(root), diagnostics);
}

SourceMark YamlFile::mark_of(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return source_.whole_file();
  return source_.mark_at_line_column(mark.line, mark.column);
}

SourceMark YamlFile::mark_within(const YAML::Node& scalar, std::size_t byte_offset) const {
  const YAML::Mark mark = scalar.Mark();
  if (mark.is_null() || !scalar.IsScalar()) return mark_of(scalar);
  const auto start = source_.offset_at_line_column(mark.line, mark.column);
  if (!start) return mark_of(scalar);
  const std::string_view written = std::string_view(source_.bytes()).substr(*start);
  const std::string& value = scalar.Scalar();
  if (written.starts_with(value)) return source_.mark_at_offset(*start + byte_offset);
  if ((written.starts_with('"') || written.starts_with('\'')) &&
      written.substr(1).starts_with(value))
    return source_.mark_at_offset(*start + 1 + byte_offset);
  return mark_of(scalar);
}

void YamlFile::error(const YAML::Node& node, std::string message) {
  error(mark_of(node), std::move(message));
}

void YamlFile::error(const SourceMark& where, std::string message) {
  diagnostics_->push_back(Diagnostic{where, Severity::error, std::move(message)});
}

void YamlFile::warning(const YAML::Node& node, std::string message) {
  warning(mark_of(node), std::move(message));
}

void YamlFile::warning(const SourceMark& where, std::string message) {
  diagnostics_->push_back(Diagnostic{where, Severity::warning, std::move(message)});
}

std::size_t YamlFile::error_count() const {
  return static_cast<std::size_t>(std::count_if(
      diagnostics_->begin(), diagnostics_->end(),
      [](const Diagnostic& diagnostic) { return diagnostic.severity == Severity::error; }));
}

}  // namespace bangtin::playlists_detail
