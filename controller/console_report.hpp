// Private to the controller: the operator console's proof-of-play report, as the page draws it
// (JSON) and as the office downloads it (CSV, XLSX laid out for the periodic report a commune
// sends up to the district).
//
// The console's API calls make_report for `GET /api/report?from=&to=[&display=]&format=`; it reads
// STATE/plays.sqlite3 read-only, so it runs beside the daemon's journal (on a thread off the event
// loop: a year of a province's plays takes a while to add up).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "bangtin/play_log.hpp"
#include "bangtin/playlists.hpp"

namespace bangtin {

struct ReportRequest {
  // Local dates as the query gives them, "2026-11-01"; both included, `from` not after `to`, at
  // most 366 days in all (a leap year).
  std::string from, to;
  // Only this board's plays. Empty or nothing: every board's. A board no longer in the config
  // still has a report while the database holds plays of it.
  std::optional<std::string> display;
  std::string format = "json";  // json | csv | xlsx
};

struct ReportDocument {
  // "application/json; charset=utf-8", "text/csv; charset=utf-8" or
  // "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".
  std::string content_type;
  // For Content-Disposition, ASCII only: "bao-cao-phat-2026-11-01-2026-11-30.csv", with the
  // board's name before the extension when the report is for one board.
  std::string file_name;
  std::string body;
};

// The report of the plays in `plays_database` (a missing file: no plays yet, an empty report).
//
// json: {"from","to","display"|null,
//        "rows":[{"day","display","playlist","item","text","plays","interrupted",
//                 "on_air_seconds"}],               per local day, board and item, oldest first
//        "totals":{"plays","interrupted","on_air_seconds"},
//        "by_item":[{"playlist","item","text","plays","interrupted","on_air_seconds"}]}
//                                                   per item across boards, in order of first play
// csv:  totals_csv with a UTF-8 byte order mark, so that Excel opens the Vietnamese right.
// xlsx: a title, the period and the boards, then sheets "Theo ngày" (per day, board and item) and
//       "Theo mục" (per item), each with a total row; ready to print on A4 landscape.
//
// Throws std::invalid_argument with a message in Vietnamese, for the operator, when the request is
// wrong (dates, period, format, a board with neither a place in the config nor plays), and
// std::runtime_error when the database or the spreadsheet cannot be read or written.
ReportDocument make_report(const std::filesystem::path& plays_database, const Config& config,
                           const ReportRequest& request);

// bangtin-hub's report (`bangtin report --hub --xlsx`) as the same spreadsheet, with each row's
// site ("Xã") beside its board and the sites in the heading, for days first..last.
std::string site_totals_xlsx(const std::vector<SiteTotals>& rows, std::chrono::sys_days first,
                             std::chrono::sys_days last);

}  // namespace bangtin
