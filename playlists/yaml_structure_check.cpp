#include "yaml_structure_check.hpp"

#include <yaml.h>

#include <algorithm>
#include <cstdio>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bangtin::playlists_detail {
namespace {

constexpr std::string_view utf8_byte_order_mark = "\xEF\xBB\xBF";

// libyaml counts a mark's index in characters, from the first one after any byte order mark.
// Marks mostly come in order, so each walk goes on from where the last one stopped.
class CharacterOffsets {
 public:
  explicit CharacterOffsets(std::string_view bytes) : bytes_(bytes) {
    if (bytes.starts_with(utf8_byte_order_mark)) start_ = utf8_byte_order_mark.size();
    offset_ = start_;
  }

  std::size_t byte_offset(std::size_t index) {
    if (index < index_) {
      index_ = 0;
      offset_ = start_;
    }
    // The bytes are valid UTF-8 (source_text checked), so each step lands on a lead byte.
    while (index_ < index && offset_ < bytes_.size()) {
      const auto lead = static_cast<unsigned char>(bytes_[offset_]);
      offset_ += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      ++index_;
    }
    return std::min(offset_, bytes_.size());
  }

 private:
  std::string_view bytes_;
  std::size_t start_ = 0;
  std::size_t index_ = 0;
  std::size_t offset_ = 0;
};

class EventParser {
 public:
  explicit EventParser(std::string_view bytes) {
    if (!yaml_parser_initialize(&parser_)) throw std::bad_alloc();
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(bytes.data()),
                                 bytes.size());
  }
  EventParser(const EventParser&) = delete;
  EventParser& operator=(const EventParser&) = delete;
  ~EventParser() { yaml_parser_delete(&parser_); }

  bool next(yaml_event_t& event) { return yaml_parser_parse(&parser_, &event) != 0; }
  const yaml_parser_t& state() const { return parser_; }

 private:
  yaml_parser_t parser_{};
};

class Event {
 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  ~Event() { yaml_event_delete(&event_); }

  yaml_event_t& get() { return event_; }

 private:
  yaml_event_t event_{};
};

// What a node stands for once its aliases are expanded.
struct Expansion {
  std::size_t nodes = 0;
  std::size_t bytes = 0;  // of scalar text
  Expansion& operator+=(const Expansion& other) {
    nodes += other.nodes;
    bytes += other.bytes;
    return *this;
  }
};

struct OpenCollection {
  bool block = false;
  std::size_t column = 0;  // of its first key or dash, in characters
  std::string anchor;
  Expansion inside{1, 0};
};

std::string text_of(const yaml_char_t* text) {
  return text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}

// Whether a line, from its first non-space character, reads as the start of a key ("name:",
// "name: ...") or of a list item ("-", "- ...").
bool reads_as_key_or_item(std::string_view line) {
  if (line == "-" || line == "-\r" || line.starts_with("- ")) return true;
  if (line.empty() ||
      std::string_view("\"'#&*!|>%@`[]{},?:-").find(line.front()) != std::string_view::npos)
    return false;
  for (std::size_t at = 1; at < line.size(); ++at) {
    if (line[at] == '#' && line[at - 1] == ' ') return false;  // a comment
    if (line[at] != ':') continue;
    if (at + 1 == line.size() || line[at + 1] == ' ' || line[at + 1] == '\r') return true;
  }
  return false;
}

bool is_empty_value(const yaml_event_t& event) {
  if (event.type != YAML_SCALAR_EVENT || event.data.scalar.anchor || event.data.scalar.tag ||
      event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return false;
  const std::string value = text_of(event.data.scalar.value);
  return value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL";
}

bool is_quoted(const yaml_event_t& event) {
  return event.type == YAML_SCALAR_EVENT &&
         (event.data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
          event.data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

class StructureCheck {
 public:
  StructureCheck(const SourceText& source, std::vector<Diagnostic>& diagnostics)
      : source_(source), offsets_(source.bytes()), diagnostics_(diagnostics) {}

  bool run() {
    EventParser parser(source_.bytes());
    for (;;) {
      Event event;
      if (!parser.next(event.get())) {
        report_parse_error(parser.state());
        return false;
      }
      if (event.get().type == YAML_STREAM_END_EVENT) return true;
      if (!take(event.get())) return false;
    }
  }

 private:
  // Follows one event; false after reporting a problem, which ends the check.
  bool take(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        ++documents_;
        awaiting_root_ = true;
        return true;
      case YAML_SCALAR_EVENT:
        if (!take_root(event) || !check_quote_closes(event)) return false;
        ++written_nodes_;
        return add(event.start_mark, Expansion{1, event.data.scalar.length},
                   text_of(event.data.scalar.anchor));
      case YAML_ALIAS_EVENT:
        return take_root(event) && take_alias(event);
      case YAML_SEQUENCE_START_EVENT:
        return take_root(event) &&
               open(event, event.data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE,
                    text_of(event.data.sequence_start.anchor));
      case YAML_MAPPING_START_EVENT:
        return take_root(event) &&
               open(event, event.data.mapping_start.style == YAML_BLOCK_MAPPING_STYLE,
                    text_of(event.data.mapping_start.anchor));
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        OpenCollection closed = std::move(open_.back());
        open_.pop_back();
        finish(closed.inside, closed.anchor);
        return true;
      }
      default:
        return true;
    }
  }

  // The first node of a document: a second document is refused, unless it is empty (a stray
  // "---" at the end loses nothing).
  bool take_root(const yaml_event_t& event) {
    if (!awaiting_root_) return true;
    awaiting_root_ = false;
    if (documents_ < 2 || is_empty_value(event)) return true;
    report(event.start_mark, "only one YAML document is allowed in a file");
    return false;
  }

  bool open(const yaml_event_t& event, bool block, std::string anchor) {
    if (open_.size() >= static_cast<std::size_t>(max_yaml_depth)) {
      report(event.start_mark,
             "malformed YAML: nested more than " + std::to_string(max_yaml_depth) + " levels deep");
      return false;
    }
    ++written_nodes_;
    if (!count(event.start_mark, Expansion{1, 0})) return false;
    open_.push_back(OpenCollection{block, event.start_mark.column, std::move(anchor)});
    return true;
  }

  bool take_alias(const yaml_event_t& event) {
    const std::string anchor = text_of(event.data.alias.anchor);
    const auto known = anchors_.find(anchor);
    if (known == anchors_.end()) {
      const bool inside = std::any_of(open_.begin(), open_.end(), [&](const auto& collection) {
        return collection.anchor == anchor;
      });
      report(event.start_mark, inside ? "alias '*" + anchor +
                                            "' is inside the node it refers to, which would "
                                            "repeat forever"
                                      : "alias '*" + anchor + "' refers to no anchor; write '&" +
                                            anchor + "' on a node before it");
      return false;
    }
    const Expansion size = known->second;
    return add(event.start_mark, size, "");
  }

  // A node of `size` (with its aliases expanded) at `where`.
  bool add(const yaml_mark_t& where, Expansion size, const std::string& anchor) {
    if (!count(where, size)) return false;
    finish(size, anchor);
    return true;
  }

  void finish(const Expansion& size, const std::string& anchor) {
    if (!anchor.empty()) anchors_[anchor] = size;
    if (!open_.empty()) open_.back().inside += size;
  }

  bool count(const yaml_mark_t& where, const Expansion& size) {
    expanded_ += size;
    if (written_nodes_ > max_yaml_nodes) {
      report(where, "the file has more than " + std::to_string(max_yaml_nodes) +
                        " YAML nodes (keys, values, lists and mappings)");
      return false;
    }
    if (expanded_.nodes > max_yaml_nodes) {
      report(where, "aliases expand the file to more than " + std::to_string(max_yaml_nodes) +
                        " YAML nodes");
      return false;
    }
    if (expanded_.bytes > max_yaml_expanded_bytes) {
      report(where, "aliases expand the file's text to more than " +
                        std::to_string(max_yaml_expanded_bytes / max_source_bytes) + " MiB");
      return false;
    }
    return true;
  }

  // The column of the innermost block list or mapping: a line at or left of it that reads as a
  // key or a list item belongs to it, not to a text still open.
  std::size_t block_column() const {
    for (auto collection = open_.rbegin(); collection != open_.rend(); ++collection)
      if (collection->block) return collection->column;
    return 0;
  }

  // The start of the first line after the one holding `quote` (and before `end`) that reads as
  // the next key or list item of the enclosing block: a quoted text that got there was meant to
  // end before it.
  std::optional<std::size_t> runaway_line(std::size_t quote, std::size_t end) const {
    const std::string_view bytes = source_.bytes();
    end = std::min(end, bytes.size());
    const std::size_t column = block_column();
    for (std::size_t line_end = bytes.find('\n', quote);
         line_end != std::string_view::npos && line_end + 1 < end;) {
      const std::size_t line_start = line_end + 1;
      line_end = bytes.find('\n', line_start);
      const std::string_view line = bytes.substr(line_start, std::min(line_end, end) - line_start);
      const std::size_t indent = line.find_first_not_of(' ');
      if (indent == std::string_view::npos || indent > column) continue;
      if (reads_as_key_or_item(line.substr(indent))) return line_start;
    }
    return std::nullopt;
  }

  void report_unclosed_quote(std::size_t quote, std::optional<std::size_t> runaway) {
    const std::string where_it_runs =
        runaway ? "into line " + std::to_string(source_.mark_at_offset(*runaway).line)
                : std::string("to the end of the file");
    diagnostics_.push_back(Diagnostic{
        source_.mark_at_offset(quote), Severity::error,
        "the quote opened here is never closed (the text runs on " + where_it_runs + ")"});
  }

  bool check_quote_closes(const yaml_event_t& event) {
    if (!is_quoted(event) || event.start_mark.line == event.end_mark.line) return true;
    const std::size_t quote = offsets_.byte_offset(event.start_mark.index);
    const auto runaway = runaway_line(quote, offsets_.byte_offset(event.end_mark.index));
    if (!runaway) return true;
    report_unclosed_quote(quote, runaway);
    return false;
  }

  void report_parse_error(const yaml_parser_t& parser) {
    const std::string problem = parser.problem ? parser.problem : "unknown problem";
    switch (parser.error) {
      case YAML_MEMORY_ERROR:
        diagnostics_.push_back(Diagnostic{source_.whole_file(), Severity::error,
                                          "not enough memory to read the file"});
        return;
      case YAML_READER_ERROR: {
        // The reader counts bytes, byte order mark included.
        const SourceMark where = source_.mark_at_offset(parser.problem_offset);
        std::string message = "malformed YAML: " + problem;
        if (problem == "control characters are not allowed") {
          char code_point[16];
          std::snprintf(code_point, sizeof code_point, "U+%04X",
                        static_cast<unsigned>(parser.problem_value));
          message = std::string("the file contains a control character (") + code_point +
                    "), which YAML does not allow";
        }
        diagnostics_.push_back(Diagnostic{where, Severity::error, std::move(message)});
        return;
      }
      default:
        break;
    }

    const std::size_t problem_offset = offsets_.byte_offset(parser.problem_mark.index);
    if (parser.context && std::string_view(parser.context).ends_with("a quoted scalar")) {
      // A quote that runs on until the next quote in the file, or to its end, usually trips the
      // parser further on; the mistake is where the quote opened.
      const std::size_t context_offset = offsets_.byte_offset(parser.context_mark.index);
      const auto runaway = runaway_line(context_offset, problem_offset);
      if (runaway || problem == "found unexpected end of stream") {
        report_unclosed_quote(context_offset, runaway);
        return;
      }
    }

    std::string message = "malformed YAML: " + problem;
    if (problem_offset < source_.bytes().size() && source_.bytes()[problem_offset] == '\t' &&
        problem == "found character that cannot start any token")
      message = "malformed YAML: a tab where YAML wants spaces (indent with spaces only)";
    else if (problem == "did not find expected <document start>")
      message = "malformed YAML: content after the end of the document";
    else if (parser.context && parser.context_mark.index != parser.problem_mark.index) {
      const SourceMark context = mark_of(parser.context_mark);
      message += " (" + std::string(parser.context) + " that starts at line " +
                 std::to_string(context.line) + ", column " + std::to_string(context.column) + ")";
    }
    diagnostics_.push_back(
        Diagnostic{source_.mark_at_offset(problem_offset), Severity::error, std::move(message)});
  }

  SourceMark mark_of(const yaml_mark_t& mark) {
    return source_.mark_at_offset(offsets_.byte_offset(mark.index));
  }

  void report(const yaml_mark_t& where, std::string message) {
    diagnostics_.push_back(Diagnostic{mark_of(where), Severity::error, std::move(message)});
  }

  const SourceText& source_;
  CharacterOffsets offsets_;
  std::vector<Diagnostic>& diagnostics_;
  int documents_ = 0;
  bool awaiting_root_ = false;
  std::vector<OpenCollection> open_;
  std::unordered_map<std::string, Expansion> anchors_;
  std::size_t written_nodes_ = 0;
  Expansion expanded_;
};

}  // namespace

bool check_yaml_structure(const SourceText& source, std::vector<Diagnostic>& diagnostics) {
  return StructureCheck(source, diagnostics).run();
}

}  // namespace bangtin::playlists_detail
