#include "console_report.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

#include "bangtin/play_log.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

constexpr const char* kServices = "Dịch vụ công trực tuyến";
// A comma and quotes, for the CSV; "&" and "<" for the spreadsheet's XML.
constexpr const char* kHours =
    "Giờ làm việc: sáng 7:30, chiều 13:30 \"thứ Hai–thứ Sáu\" & <lễ nghỉ>";

Config two_boards() {
  Config config;
  config.utc_offset = hours(7);
  config.displays.resize(2);
  config.displays[0].name = "cong-ubnd";
  config.displays[1].name = "sanh-ubnd";
  return config;
}

// Plays across two local days and two boards:
//   24/11 cong-ubnd dich-vu-cong  3 plays of 20 s
//   24/11 sanh-ubnd dich-vu-cong  1 play of 5 s, interrupted
//   24/11 sanh-ubnd gio-lam-viec  2 plays of 30 s
//   25/11 cong-ubnd dich-vu-cong  1 play of 20 s (06:30 local, 23:30 UTC the day before)
void record_plays(const std::filesystem::path& database) {
  PlayStore store(database, PlayStore::Access::read_write);
  const auto morning = tuesday_morning();
  const auto play = [&](const char* display, const char* item, const char* text,
                        SystemClock::time_point at, seconds length, PlayOutcome outcome) {
    store.end(store.begin(PlayStart{display, "cchc-2026", item, text, at}), at + length, outcome);
  };
  for (int i = 0; i < 3; ++i)
    play("cong-ubnd", "dich-vu-cong", kServices, morning + i * 30s, 20s, PlayOutcome::completed);
  play("sanh-ubnd", "dich-vu-cong", kServices, morning, 5s, PlayOutcome::interrupted);
  for (int i = 0; i < 2; ++i)
    play("sanh-ubnd", "gio-lam-viec", kHours, morning + 10s + i * 40s, 30s, PlayOutcome::completed);
  const auto next_morning = sys_days(year{2026} / November / 24) + 23h + 30min;
  play("cong-ubnd", "dich-vu-cong", kServices, next_morning, 20s, PlayOutcome::completed);
}

// The plays of record_plays, in a database of a scratch directory.
class ConsoleReportOfPlays : public ::testing::Test {
 protected:
  void SetUp() override { record_plays(database); }
  ScratchDir dir;
  const std::filesystem::path database = dir.path() / "plays.sqlite3";
};

ReportRequest november(const std::string& format) {
  ReportRequest request;
  request.from = "2026-11-01";
  request.to = "2026-11-30";
  request.format = format;
  return request;
}

// RFC 4180, as a spreadsheet reads it.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> lines(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      lines.back().push_back(cell);
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      lines.back().push_back(cell);
      cell.clear();
      lines.emplace_back();
      ++i;
    } else {
      cell += c;
    }
  }
  if (lines.back().empty()) lines.pop_back();
  return lines;
}

// One member of the XLSX (a zip), by the unzip that .ci/install-deps installs; its XML entities
// turned back into characters, so that texts can be looked for as written.
std::string xlsx_member(const std::filesystem::path& xlsx, const std::string& member) {
  const std::string command = "unzip -p '" + xlsx.string() + "' '" + member + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {};
  std::string xml;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) xml.append(buffer, n);
  ::pclose(pipe);
  std::string text;
  for (std::size_t i = 0; i < xml.size(); ++i) {
    bool replaced = false;
    for (const auto& [entity, character] :
         {std::pair{"&quot;", '"'}, std::pair{"&amp;", '&'}, std::pair{"&lt;", '<'},
          std::pair{"&gt;", '>'}, std::pair{"&apos;", '\''}}) {
      if (xml.compare(i, std::char_traits<char>::length(entity), entity) == 0) {
        text += character;
        i += std::char_traits<char>::length(entity) - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) text += xml[i];
  }
  return text;
}

// A spreadsheet's number for a date: days since 30/12/1899.
std::string excel_day(sys_days day) {
  return std::to_string((day - sys_days(year{1899} / December / 30)).count());
}

}  // namespace

TEST_F(ConsoleReportOfPlays, JsonHasEachDayBoardAndItemWithTotalsAndItemsAcrossBoards) {
  const ReportDocument document = make_report(database, two_boards(), november("json"));
  EXPECT_EQ(document.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(document.file_name, "bao-cao-phat-2026-11-01-2026-11-30.json");
  const auto report = nlohmann::json::parse(document.body);
  EXPECT_EQ(report["from"], "2026-11-01");
  EXPECT_EQ(report["to"], "2026-11-30");
  EXPECT_TRUE(report["display"].is_null());

  const auto& rows = report["rows"];
  ASSERT_EQ(rows.size(), 4u) << rows.dump(1);
  EXPECT_EQ(rows[0]["day"], "2026-11-24");
  EXPECT_EQ(rows[0]["display"], "cong-ubnd");
  EXPECT_EQ(rows[0]["playlist"], "cchc-2026");
  EXPECT_EQ(rows[0]["item"], "dich-vu-cong");
  EXPECT_EQ(rows[0]["text"], kServices);
  EXPECT_EQ(rows[0]["plays"], 3);
  EXPECT_EQ(rows[0]["interrupted"], 0);
  EXPECT_EQ(rows[0]["on_air_seconds"], 60);
  EXPECT_EQ(rows[1]["display"], "sanh-ubnd");
  EXPECT_EQ(rows[1]["item"], "dich-vu-cong");
  EXPECT_EQ(rows[1]["interrupted"], 1);
  EXPECT_EQ(rows[1]["on_air_seconds"], 5);
  EXPECT_EQ(rows[2]["item"], "gio-lam-viec");
  EXPECT_EQ(rows[2]["text"], kHours);
  EXPECT_EQ(rows[2]["plays"], 2);
  EXPECT_EQ(rows[2]["on_air_seconds"], 60);
  EXPECT_EQ(rows[3]["day"], "2026-11-25");
  EXPECT_EQ(rows[3]["plays"], 1);

  EXPECT_EQ(report["totals"]["plays"], 7);
  EXPECT_EQ(report["totals"]["interrupted"], 1);
  EXPECT_EQ(report["totals"]["on_air_seconds"], 60 + 5 + 60 + 20);

  const auto& by_item = report["by_item"];
  ASSERT_EQ(by_item.size(), 2u) << by_item.dump(1);
  EXPECT_EQ(by_item[0]["item"], "dich-vu-cong");
  EXPECT_EQ(by_item[0]["text"], kServices);
  EXPECT_EQ(by_item[0]["plays"], 5);
  EXPECT_EQ(by_item[0]["interrupted"], 1);
  EXPECT_EQ(by_item[0]["on_air_seconds"], 85);
  EXPECT_EQ(by_item[0]["displays"], 2);
  EXPECT_EQ(by_item[0]["days"], 2);
  EXPECT_EQ(by_item[1]["item"], "gio-lam-viec");
  EXPECT_EQ(by_item[1]["plays"], 2);
  EXPECT_EQ(by_item[1]["displays"], 1);
}

TEST_F(ConsoleReportOfPlays, OneBoardAndOneDay) {
  ReportRequest request = november("json");
  request.from = request.to = "2026-11-25";
  request.display = "cong-ubnd";
  const ReportDocument document = make_report(database, two_boards(), request);
  EXPECT_EQ(document.file_name, "bao-cao-phat-2026-11-25-2026-11-25-cong-ubnd.json");
  const auto report = nlohmann::json::parse(document.body);
  EXPECT_EQ(report["display"], "cong-ubnd");
  ASSERT_EQ(report["rows"].size(), 1u);
  EXPECT_EQ(report["rows"][0]["day"], "2026-11-25");
  EXPECT_EQ(report["totals"]["plays"], 1);

  request.display = "";  // a form's "every board"
  EXPECT_TRUE(nlohmann::json::parse(make_report(database, two_boards(), request).body)["display"]
                  .is_null());
}

TEST_F(ConsoleReportOfPlays, ABoardGoneFromTheConfigStillHasItsPlays) {
  Config config = two_boards();
  config.displays.pop_back();  // sanh-ubnd taken down since
  ReportRequest request = november("json");
  request.display = "sanh-ubnd";
  const auto report = nlohmann::json::parse(make_report(database, config, request).body);
  EXPECT_EQ(report["totals"]["plays"], 3);
}

TEST_F(ConsoleReportOfPlays, CsvHasAByteOrderMarkAndParsesBackToTheSameRows) {
  const ReportDocument document = make_report(database, two_boards(), november("csv"));
  EXPECT_EQ(document.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(document.file_name, "bao-cao-phat-2026-11-01-2026-11-30.csv");
  ASSERT_EQ(document.body.rfind("\xEF\xBB\xBF", 0), 0u);

  const auto lines = parse_csv(document.body.substr(3));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], (std::vector<std::string>{"day", "display", "playlist", "item", "plays",
                                                "interrupted", "on_air_seconds", "text"}));
  EXPECT_EQ(lines[1], (std::vector<std::string>{"2026-11-24", "cong-ubnd", "cchc-2026",
                                                "dich-vu-cong", "3", "0", "60", kServices}));
  EXPECT_EQ(lines[3], (std::vector<std::string>{"2026-11-24", "sanh-ubnd", "cchc-2026",
                                                "gio-lam-viec", "2", "0", "60", kHours}));
  EXPECT_EQ(lines[4][0], "2026-11-25");
}

TEST_F(ConsoleReportOfPlays, XlsxIsASpreadsheetWithBothSheetsTheTitleTheFiguresAndTotals) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/unzip")) << "bash .ci/install-deps installs it";
  const ReportDocument document = make_report(database, two_boards(), november("xlsx"));
  EXPECT_EQ(document.content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(document.file_name, "bao-cao-phat-2026-11-01-2026-11-30.xlsx");
  ASSERT_EQ(document.body.rfind("PK\x03\x04", 0), 0u) << "not a zip";
  const auto file = dir.path() / document.file_name;
  std::ofstream(file, std::ios::binary) << document.body;

  const std::string workbook = xlsx_member(file, "xl/workbook.xml");
  EXPECT_NE(workbook.find("name=\"Theo ngày\""), std::string::npos) << workbook;
  EXPECT_NE(workbook.find("name=\"Theo mục\""), std::string::npos) << workbook;

  const std::string by_day = xlsx_member(file, "xl/worksheets/sheet1.xml");
  for (const char* text :
       {"BÁO CÁO KẾT QUẢ PHÁT THÔNG TIN TRÊN BẢNG ĐIỆN TỬ",
        "Từ ngày 01/11/2026 đến ngày 30/11/2026", "Các bảng: cong-ubnd, sanh-ubnd", "Số lượt phát",
        "Bị ngắt", "Thời lượng phát", kServices, kHours, "sanh-ubnd", "gio-lam-viec", "Tổng cộng",
        "NGƯỜI LẬP BIỂU"}) {
    EXPECT_NE(by_day.find(text), std::string::npos) << "no \"" << text << "\" in\n" << by_day;
  }
  // Days are dates, counts numbers, and the total row sums them.
  EXPECT_NE(by_day.find("<v>" + excel_day(sys_days(year{2026} / November / 24)) + "</v>"),
            std::string::npos);
  EXPECT_NE(by_day.find("<v>" + excel_day(sys_days(year{2026} / November / 25)) + "</v>"),
            std::string::npos);
  EXPECT_NE(by_day.find("<f>SUM(G6:G9)</f><v>7</v>"), std::string::npos) << by_day;
  EXPECT_NE(by_day.find("<f>SUM(H6:H9)</f><v>1</v>"), std::string::npos) << by_day;
  EXPECT_NE(by_day.find("state=\"frozen\""), std::string::npos);
  EXPECT_NE(by_day.find("<autoFilter ref=\"A5:I9\""), std::string::npos) << by_day;

  const std::string by_item = xlsx_member(file, "xl/worksheets/sheet2.xml");
  for (const char* text :
       {"BÁO CÁO KẾT QUẢ PHÁT", "Số bảng", "Số ngày phát", kServices, kHours, "Tổng cộng"}) {
    EXPECT_NE(by_item.find(text), std::string::npos) << "no \"" << text << "\" in\n" << by_item;
  }
  EXPECT_NE(by_item.find("<f>SUM(G6:G7)</f><v>7</v>"), std::string::npos) << by_item;
  EXPECT_EQ(by_item.find("SUM(E"), std::string::npos) << "boards counted per item are not summed";
}

TEST_F(ConsoleReportOfPlays, WrongRequestsAreRefusedInVietnamese) {
  const auto refused = [&](const std::string& from, const std::string& to,
                           const std::string& format = "json",
                           std::optional<std::string> display = std::nullopt) {
    ReportRequest request{from, to, std::move(display), format};
    try {
      make_report(database, two_boards(), request);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("not refused");
  };
  EXPECT_NE(refused("2026-02-30", "2026-03-01").find("không phải một ngày có thật"),
            std::string::npos);
  EXPECT_NE(refused("2026-11-01", "2026-13-01").find("Ngày kết thúc"), std::string::npos);
  EXPECT_NE(refused("2026-11-1", "2026-11-30").find("Ngày bắt đầu"), std::string::npos);
  EXPECT_NE(refused("2026-11-01T00:00", "2026-11-30").find("Ngày bắt đầu"), std::string::npos);
  EXPECT_NE(refused("", "2026-11-30"), "not refused");
  EXPECT_NE(refused("2026-11-30", "2026-11-01").find("ở trước ngày bắt đầu"), std::string::npos);
  EXPECT_NE(refused("2026-01-01", "2027-02-04").find("400 ngày"), std::string::npos);
  EXPECT_NE(refused("2026-11-01", "2026-11-30", "pdf").find("json, csv hoặc xlsx"),
            std::string::npos);
  EXPECT_NE(refused("2026-11-01", "2026-11-30", "XLSX"), "not refused");
  EXPECT_NE(refused("2026-11-01", "2026-11-30", "json", "khong-co").find("Không có bảng"),
            std::string::npos);
  // A leap year is the longest period.
  EXPECT_EQ(refused("2028-01-01", "2028-12-31"), "not refused");
  EXPECT_NE(refused("2028-01-01", "2029-01-01"), "not refused");
  // What the request said comes back shown safely and briefly.
  const std::string long_junk = refused(std::string(500, 'x') + "\x1b[31m", "2026-11-30");
  EXPECT_LT(long_junk.size(), 200u);
  EXPECT_EQ(long_junk.find('\x1b'), std::string::npos);
}

TEST(ConsoleReport, NoDatabaseYetIsAnEmptyReportInEveryFormat) {
  ScratchDir dir;
  const auto database = dir.path() / "plays.sqlite3";
  const auto report =
      nlohmann::json::parse(make_report(database, two_boards(), november("json")).body);
  EXPECT_TRUE(report["rows"].empty());
  EXPECT_TRUE(report["by_item"].empty());
  EXPECT_EQ(report["totals"]["plays"], 0);
  EXPECT_EQ(make_report(database, two_boards(), november("csv")).body,
            "\xEF\xBB\xBF"
            "day,display,playlist,item,plays,interrupted,on_air_seconds,text\r\n");

  const ReportDocument xlsx = make_report(database, two_boards(), november("xlsx"));
  const auto file = dir.path() / "empty.xlsx";
  std::ofstream(file, std::ios::binary) << xlsx.body;
  const std::string by_day = xlsx_member(file, "xl/worksheets/sheet1.xml");
  EXPECT_NE(by_day.find("Không có lượt phát nào trong khoảng này."), std::string::npos) << by_day;
  EXPECT_NE(by_day.find("<v>0</v>"), std::string::npos) << by_day;
  EXPECT_FALSE(std::filesystem::exists(database)) << "a report never creates the database";
}

TEST(ConsoleReport, ADatabaseThatCannotBeReadIsAnErrorNotAnEmptyReport) {
  ScratchDir dir;
  const auto database = dir.write("plays.sqlite3", "not a database, just some bytes to read");
  EXPECT_THROW(make_report(database, two_boards(), november("json")), std::runtime_error);
}

TEST_F(ConsoleReportOfPlays, LeavesNoTemporaryFilesBehind) {
  ScratchDir temp;
  const char* before = std::getenv("TMPDIR");
  const std::string saved = before ? before : "";
  ::setenv("TMPDIR", temp.path().c_str(), 1);
  const ReportDocument document = make_report(database, two_boards(), november("xlsx"));
  if (before) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  EXPECT_GT(document.body.size(), 1000u);
  EXPECT_TRUE(std::filesystem::is_empty(temp.path()));
}
