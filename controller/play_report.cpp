#include <algorithm>
#include <cstdio>

#include "bangtin/play_log.hpp"

namespace bangtin {

namespace {

std::string hours_minutes_seconds(std::chrono::seconds total) {
  const auto s = total.count();
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return text;
}

// Columns line up by characters, not bytes: Vietnamese letters take two or three bytes of UTF-8.
std::size_t characters(const std::string& utf8) {
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

std::string totals_table(const std::vector<PlayTotals>& rows) {
  std::vector<std::vector<std::string>> cells{
      {"day", "display", "item", "plays", "interrupted", "on air", "text"}};
  int plays = 0;
  std::chrono::seconds on_air{0};
  for (const PlayTotals& row : rows) {
    cells.push_back({row.day, row.display, row.item, std::to_string(row.plays),
                     std::to_string(row.interrupted), hours_minutes_seconds(row.on_air), row.text});
    plays += row.plays;
    on_air += row.on_air;
  }
  cells.push_back({"total", "", "", std::to_string(plays), "", hours_minutes_seconds(on_air), ""});

  std::vector<std::size_t> widths(cells.front().size(), 0);
  for (const auto& line : cells)
    for (std::size_t c = 0; c < line.size(); ++c)
      widths[c] = std::max(widths[c], characters(line[c]));
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t c = 0; c < line.size(); ++c) {
      const bool number = c >= 3 && c <= 5;  // right-aligned
      const std::string pad(widths[c] - characters(line[c]), ' ');
      text += number ? pad + line[c] : line[c] + (c + 1 < line.size() ? pad : "");
      if (c + 1 < line.size()) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

std::string totals_csv(const std::vector<PlayTotals>& rows) {
  std::string out = "day,display,playlist,item,plays,interrupted,on_air_seconds,text\r\n";
  for (const PlayTotals& row : rows) {
    out += row.day + "," + csv_field(row.display) + "," + csv_field(row.playlist) + "," +
           csv_field(row.item) + "," + std::to_string(row.plays) + "," +
           std::to_string(row.interrupted) + "," + std::to_string(row.on_air.count()) + "," +
           csv_field(row.text) + "\r\n";
  }
  return out;
}

}  // namespace bangtin
