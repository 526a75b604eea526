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

// The totals; with `sites` (the hub's report), each row's site after its day.
std::string table_of(const std::vector<PlayTotals>& rows, const std::vector<std::string>* sites) {
  const std::size_t first = sites ? 1 : 0;  // where the local report's columns start
  std::vector<std::vector<std::string>> cells{
      {"day", "display", "item", "plays", "interrupted", "on air", "text"}};
  if (sites) cells.front().insert(cells.front().begin() + 1, "site");
  std::int64_t plays = 0;  // a province's year is more than an int holds
  std::chrono::seconds on_air{0};
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const PlayTotals& row = rows[r];
    cells.push_back({printable(row.day), printable(row.display), printable(row.item),
                     std::to_string(row.plays), std::to_string(row.interrupted),
                     hours_minutes_seconds(row.on_air), printable(row.text)});
    if (sites) cells.back().insert(cells.back().begin() + 1, printable((*sites)[r]));
    plays += row.plays;
    on_air += row.on_air;
  }
  cells.push_back({"total", "", "", std::to_string(plays), "", hours_minutes_seconds(on_air), ""});
  if (sites) cells.back().insert(cells.back().begin() + 1, "");
  return aligned_table(cells, {first + 3, first + 4, first + 5});
}

std::string csv_of(const std::vector<PlayTotals>& rows, const std::vector<std::string>* sites) {
  std::string out = sites
                        ? "day,site,display,playlist,item,plays,interrupted,on_air_seconds,text\r\n"
                        : "day,display,playlist,item,plays,interrupted,on_air_seconds,text\r\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const PlayTotals& row = rows[r];
    out += csv_field(row.day) + "," + (sites ? csv_field((*sites)[r]) + "," : "") +
           csv_field(row.display) + "," + csv_field(row.playlist) + "," + csv_field(row.item) +
           "," + std::to_string(row.plays) + "," + std::to_string(row.interrupted) + "," +
           std::to_string(row.on_air.count()) + "," + csv_field(row.text) + "\r\n";
  }
  return out;
}

// The hub's rows as the local report's, and their sites beside them.
std::pair<std::vector<PlayTotals>, std::vector<std::string>> split(
    const std::vector<SiteTotals>& rows) {
  std::pair<std::vector<PlayTotals>, std::vector<std::string>> parts;
  for (const SiteTotals& row : rows) {
    parts.first.push_back(row.totals);
    parts.second.push_back(row.site);
  }
  return parts;
}

}  // namespace

std::string aligned_table(const std::vector<std::vector<std::string>>& cells,
                          const std::vector<std::size_t>& numbers) {
  std::vector<std::size_t> widths(cells.empty() ? 0 : cells.front().size(), 0);
  for (const auto& line : cells)
    for (std::size_t c = 0; c < line.size() && c < widths.size(); ++c)
      widths[c] = std::max(widths[c], characters(line[c]));
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t c = 0; c < line.size() && c < widths.size(); ++c) {
      const bool number = std::find(numbers.begin(), numbers.end(), c) != numbers.end();
      const std::string pad(widths[c] - characters(line[c]), ' ');
      text += number ? pad + line[c] : line[c] + (c + 1 < line.size() ? pad : "");
      if (c + 1 < line.size()) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

std::string totals_table(const std::vector<PlayTotals>& rows) { return table_of(rows, nullptr); }
std::string totals_csv(const std::vector<PlayTotals>& rows) { return csv_of(rows, nullptr); }

std::string site_totals_table(const std::vector<SiteTotals>& rows) {
  const auto [totals, sites] = split(rows);
  return table_of(totals, &sites);
}
std::string site_totals_csv(const std::vector<SiteTotals>& rows) {
  const auto [totals, sites] = split(rows);
  return csv_of(totals, &sites);
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
