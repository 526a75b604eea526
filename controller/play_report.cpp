#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "bangtin/date_time_text.hpp"
#include "bangtin/play_log.hpp"
#include "bangtin/playlists.hpp"

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

// RFC 4180, on one line: control characters are escaped first (a newline inside a quoted cell is
// valid CSV, but line-based tools and some spreadsheets split the row there), then a cell with a
// comma or a quote is quoted and its quotes doubled. A cell that a spreadsheet would take for a
// formula (= + - @ first) gets an apostrophe before it, so an item's text never runs as one in the
// office's Excel (OWASP's CSV injection).
std::string csv_field(const std::string& text) {
  std::string shown = printable(text);
  if (!shown.empty() && std::string_view("=+-@").find(shown.front()) != std::string_view::npos)
    shown.insert(shown.begin(), '\'');
  if (shown.find_first_of(",\"") == std::string::npos) return shown;
  std::string quoted = "\"";
  for (char c : shown) {
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
    cells.push_back({printable(row.day), printable(row.display), printable(row.item),
                     std::to_string(row.plays), std::to_string(row.interrupted),
                     hours_minutes_seconds(row.on_air), printable(row.text)});
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
    out += csv_field(row.day) + "," + csv_field(row.display) + "," + csv_field(row.playlist) + "," +
           csv_field(row.item) + "," + std::to_string(row.plays) + "," +
           std::to_string(row.interrupted) + "," + std::to_string(row.on_air.count()) + "," +
           csv_field(row.text) + "\r\n";
  }
  return out;
}

}  // namespace bangtin

namespace bangtin {

std::vector<PlayTotals> planned_totals(const Programme& programme, const DisplayConfig& display,
                                       std::chrono::sys_days first, std::chrono::sys_days last) {
  using namespace std::chrono;
  const minutes offset = programme.config.utc_offset;
  const auto local_midnight = [offset](sys_days day) {
    return SystemClock::time_point(day) - offset;
  };
  DisplayPlayer player(programme, display);
  // (day, item) -> row; the items stay where the player's schedule holds them.
  std::map<std::pair<sys_days, const Item*>, std::size_t> row_of;
  std::vector<PlayTotals> rows;
  std::vector<nanoseconds> on_air;  // per row, summed exactly and rounded once at the end
  const auto start = local_midnight(first);
  const auto stop = local_midnight(last + days(1));
  sys_days last_day{};
  std::string day = iso_date_text(last_day);  // of the last play counted, made once a day
  const auto count = [&](const DisplayPlayer::Change& change) {
    if (!change.ended || !change.ended->item) return;
    const Play& play = *change.ended;
    if (play.start < start || play.start >= stop) return;
    const sys_days day_number = floor<days>(play.start + offset);
    if (day_number != last_day) day = iso_date_text(last_day = day_number);
    auto [found, added] = row_of.emplace(std::pair(day_number, play.item), rows.size());
    if (added) {
      rows.push_back(PlayTotals{day, display.name, play.item->playlist, play.item->id,
                                shown_text(*play.item), 0, 0, seconds(0)});
      on_air.emplace_back(0);
    }
    PlayTotals& row = rows[found->second];
    ++row.plays;
    row.interrupted += change.ended_early;
    on_air[found->second] += play.end - play.start;
  };
  std::vector<DisplayPlayer::Change> changes;
  // Each call ends the play before it; the last call, at `stop`, ends the period's last play.
  for (auto now = start;; now = std::min(player.on_air()->end, stop)) {
    changes.clear();
    player.advance(now, &changes);  // only lengths matter here: nothing is drawn
    for (const auto& change : changes) count(change);
    if (now == stop) break;
  }
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].on_air = round<seconds>(on_air[i]);
  return rows;
}

}  // namespace bangtin
