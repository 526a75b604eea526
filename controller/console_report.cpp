#include "console_report.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "bangtin/date_time_text.hpp"
#include "bangtin/play_log.hpp"

namespace bangtin {

namespace {

using std::chrono::sys_days;

constexpr int kLongestPeriodDays = 366;

// What a request said, quoted back in a message: shown safely, and not at any length.
std::string as_said(const std::string& text) {
  std::string shown = printable(text);
  if (shown.size() > 40) {
    std::size_t cut = 40;
    while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
    shown = shown.substr(0, cut) + "…";
  }
  return "\"" + shown + "\"";
}

sys_days date_of(const std::string& text, const char* which) {
  const auto midnight = parse_local_datetime(text + "T00:00", std::chrono::minutes(0));
  if (!midnight || text.size() != 10) {
    throw std::invalid_argument(std::string(which) + " " + as_said(text) +
                                " không phải một ngày có thật viết dạng năm-tháng-ngày, "
                                "ví dụ 2026-11-01.");
  }
  return std::chrono::floor<std::chrono::days>(*midnight);
}

// One item across boards and days: a line of "Theo mục".
struct ItemTotals {
  std::string playlist, item, text;
  int plays = 0;
  int interrupted = 0;
  std::chrono::seconds on_air{0};
  std::set<std::string> displays;
  std::set<std::string> days;
};

struct Report {
  sys_days first, last;
  std::optional<std::string> display;
  std::vector<std::string> boards;  // those the report covers, for its heading
  std::vector<PlayTotals> rows;
  // The hub's report: each row's site (parallel to rows), and `boards` are then the sites.
  std::vector<std::string> sites;
  std::vector<ItemTotals> by_item;  // in order of first play
  std::int64_t plays = 0;           // a province's year is more than an int holds
  std::int64_t interrupted = 0;
  std::chrono::seconds on_air{0};
};

// The totals per item across boards and days, and of the whole report, from its rows.
void summarise(Report& report) {
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> item_index;
  for (std::size_t r = 0; r < report.rows.size(); ++r) {
    const PlayTotals& row = report.rows[r];
    const auto [found, added] =
        item_index.emplace(std::tuple(row.playlist, row.item, row.text), report.by_item.size());
    if (added) {
      report.by_item.emplace_back();
      report.by_item.back().playlist = row.playlist;
      report.by_item.back().item = row.item;
      report.by_item.back().text = row.text;
    }
    ItemTotals& item = report.by_item[found->second];
    item.plays += row.plays;
    item.interrupted += row.interrupted;
    item.on_air += row.on_air;
    // Boards of different sites may share a name.
    item.displays.insert(report.sites.empty() ? row.display : report.sites[r] + "/" + row.display);
    item.days.insert(row.day);
    report.plays += row.plays;
    report.interrupted += row.interrupted;
    report.on_air += row.on_air;
  }
}

Report gather(const std::filesystem::path& plays_database, const Config& config,
              const ReportRequest& request) {
  Report report;
  report.first = date_of(request.from, "Ngày bắt đầu");
  report.last = date_of(request.to, "Ngày kết thúc");
  if (report.last < report.first) {
    throw std::invalid_argument("Ngày kết thúc " + day_month_year_text(report.last) +
                                " ở trước ngày bắt đầu " + day_month_year_text(report.first) + ".");
  }
  const auto days = (report.last - report.first).count() + 1;
  if (days > kLongestPeriodDays) {
    throw std::invalid_argument("Khoảng báo cáo dài " + std::to_string(days) + " ngày; tối đa " +
                                std::to_string(kLongestPeriodDays) + " ngày.");
  }
  if (request.display && !request.display->empty()) report.display = request.display;

  if (std::filesystem::exists(plays_database)) {
    const PlayStore store(plays_database, PlayStore::Access::read_only);
    report.rows = store.totals(report.first, report.last, config.utc_offset, report.display);
  }

  std::vector<std::string> configured;
  for (const auto* list : {&config.displays, &config.displays_with_errors})
    for (const DisplayConfig& display : *list) configured.push_back(display.name);
  if (report.display) {
    const bool known =
        std::find(configured.begin(), configured.end(), *report.display) != configured.end();
    if (!known && report.rows.empty()) {
      throw std::invalid_argument("Không có bảng nào tên " + as_said(*report.display) +
                                  " trong cấu hình hay trong nhật ký phát.");
    }
    report.boards = {*report.display};
  } else {
    report.boards = configured;
    for (const PlayTotals& row : report.rows) {
      if (std::find(report.boards.begin(), report.boards.end(), row.display) == report.boards.end())
        report.boards.push_back(row.display);
    }
  }

  summarise(report);
  return report;
}

std::string file_name(const Report& report, const char* extension) {
  std::string name =
      "bao-cao-phat-" + iso_date_text(report.first) + "-" + iso_date_text(report.last);
  if (report.display) {
    std::string board;
    for (char c : *report.display) {
      const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_';
      board += plain ? c : '_';
    }
    name += "-" + board.substr(0, 64);
  }
  return name + "." + extension;
}

// --- JSON ------------------------------------------------------------------------------------

std::string json_body(const Report& report) {
  using nlohmann::json;
  json rows = json::array();
  for (const PlayTotals& row : report.rows) {
    rows.push_back({{"day", row.day},
                    {"display", row.display},
                    {"playlist", row.playlist},
                    {"item", row.item},
                    {"text", row.text},
                    {"plays", row.plays},
                    {"interrupted", row.interrupted},
                    {"on_air_seconds", row.on_air.count()}});
  }
  json by_item = json::array();
  for (const ItemTotals& item : report.by_item) {
    by_item.push_back({{"playlist", item.playlist},
                       {"item", item.item},
                       {"text", item.text},
                       {"displays", item.displays.size()},
                       {"days", item.days.size()},
                       {"plays", item.plays},
                       {"interrupted", item.interrupted},
                       {"on_air_seconds", item.on_air.count()}});
  }
  const json document{
      {"from", iso_date_text(report.first)},
      {"to", iso_date_text(report.last)},
      {"display", report.display ? json(*report.display) : json(nullptr)},
      {"rows", std::move(rows)},
      {"totals",
       {{"plays", report.plays},
        {"interrupted", report.interrupted},
        {"on_air_seconds", report.on_air.count()}}},
      {"by_item", std::move(by_item)},
  };
  // The database holds the texts as they were shown; should a byte not be UTF-8, the page gets
  // U+FFFD rather than no report.
  return document.dump(-1, ' ', false, json::error_handler_t::replace);
}

// --- XLSX ------------------------------------------------------------------------------------

// A spreadsheet cell holds at most 32,767 characters.
constexpr std::size_t kLongestCell = 32000;

// Text as a cell shows it: line breaks kept (the cell wraps), other control characters visible
// as in the CSV, and no longer than a cell holds.
std::string cell_text(const std::string& text) {
  std::string shown;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find('\n', start);
    shown += printable(std::string_view(text).substr(start, end - start));
    if (end == std::string::npos) break;
    shown += '\n';
    start = end + 1;
  }
  std::size_t characters = 0;
  for (std::size_t i = 0; i < shown.size(); ++i) {
    if ((static_cast<unsigned char>(shown[i]) & 0xC0) != 0x80 && ++characters > kLongestCell)
      return shown.substr(0, i) + "…";
  }
  return shown;
}

// Column widths in characters of the default font, which is what Excel counts in: Vietnamese
// letters are one character however many bytes their UTF-8 takes.
double width_of(const std::string& text) {
  std::size_t longest = 0, line = 0;
  for (char c : text) {
    if (c == '\n') {
      line = 0;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      longest = std::max(longest, ++line);
    }
  }
  return static_cast<double>(longest);
}

void check(lxw_error error, const char* what) {
  if (error != LXW_NO_ERROR) {
    throw std::runtime_error(std::string("báo cáo XLSX: ") + what + ": " + lxw_strerror(error));
  }
}

// A file only this process knows, removed when the report is done with it.
class TemporaryFile {
 public:
  TemporaryFile() {
    std::string name = (std::filesystem::temp_directory_path() / "bangtin-report-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) throw std::runtime_error("báo cáo XLSX: không tạo được tệp tạm " + name);
    ::close(fd);
    path_ = name;
  }
  ~TemporaryFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct Formats {
  lxw_format* title;
  lxw_format* subtitle;
  lxw_format* header;
  lxw_format* text;
  lxw_format* centred;
  lxw_format* date;
  lxw_format* count;
  lxw_format* duration;
  lxw_format* total_label;
  lxw_format* total_count;
  lxw_format* total_duration;
  lxw_format* note;
  lxw_format* signature;
};

// Times New Roman, as Vietnamese administrative documents are set.
lxw_format* new_format(lxw_workbook* book, double size = 12) {
  lxw_format* format = workbook_add_format(book);
  format_set_font_name(format, "Times New Roman");
  format_set_font_size(format, size);
  format_set_align(format, LXW_ALIGN_VERTICAL_CENTER);
  return format;
}

lxw_format* new_cell_format(lxw_workbook* book) {
  lxw_format* format = new_format(book);
  format_set_border(format, LXW_BORDER_THIN);
  return format;
}

Formats add_formats(lxw_workbook* book) {
  Formats f{};
  f.title = new_format(book, 14);
  format_set_bold(f.title);
  format_set_align(f.title, LXW_ALIGN_CENTER_ACROSS);
  f.subtitle = new_format(book);
  format_set_italic(f.subtitle);
  format_set_align(f.subtitle, LXW_ALIGN_CENTER_ACROSS);
  f.header = new_cell_format(book);
  format_set_bold(f.header);
  format_set_text_wrap(f.header);
  format_set_align(f.header, LXW_ALIGN_CENTER);
  format_set_bg_color(f.header, 0xDDEBF7);
  f.text = new_cell_format(book);
  format_set_text_wrap(f.text);
  f.centred = new_cell_format(book);
  format_set_align(f.centred, LXW_ALIGN_CENTER);
  f.date = new_cell_format(book);
  format_set_num_format(f.date, "dd/mm/yyyy");
  format_set_align(f.date, LXW_ALIGN_CENTER);
  f.count = new_cell_format(book);
  format_set_num_format(f.count, "#,##0");
  f.duration = new_cell_format(book);
  format_set_num_format(f.duration, "[h]:mm:ss");
  f.total_label = new_cell_format(book);
  format_set_bold(f.total_label);
  format_set_align(f.total_label, LXW_ALIGN_CENTER_ACROSS);
  f.total_count = new_cell_format(book);
  format_set_bold(f.total_count);
  format_set_num_format(f.total_count, "#,##0");
  f.total_duration = new_cell_format(book);
  format_set_bold(f.total_duration);
  format_set_num_format(f.total_duration, "[h]:mm:ss");
  f.note = new_format(book);
  format_set_italic(f.note);
  format_set_align(f.note, LXW_ALIGN_CENTER);
  f.signature = new_format(book);
  format_set_bold(f.signature);
  format_set_align(f.signature, LXW_ALIGN_CENTER);
  return f;
}

constexpr const char* kTitle = "BÁO CÁO KẾT QUẢ PHÁT THÔNG TIN TRÊN BẢNG ĐIỆN TỬ";

enum class Kind { ordinal, text, date, count, duration };

struct Column {
  const char* heading;
  Kind kind;
  double least_width;
  double most_width;
  bool summed = false;  // the total row adds it up
};

// What one line of a sheet holds, in its columns' order.
struct Cell {
  std::string text;
  double number = 0;
};

class Sheet {
 public:
  Sheet(lxw_workbook* book, const Formats& formats, const char* name, std::vector<Column> columns)
      : sheet_(workbook_add_worksheet(book, name)), f_(formats), columns_(std::move(columns)) {
    if (!sheet_)
      throw std::runtime_error(std::string("báo cáo XLSX: không thêm được trang ") + name);
  }

  // The whole sheet: its heading, its lines (or a word that there are none), the total row, the
  // signatures, and how it prints.
  void write(const std::vector<std::string>& heading_lines,
             const std::vector<std::vector<Cell>>& lines, const std::vector<Cell>& totals,
             const std::string& date_line) {
    fit(lines);
    heading(kTitle, heading_lines, lines.size());
    for (const auto& cells : lines) line(cells);
    if (lines.empty()) nothing("Không có lượt phát nào trong khoảng này.");
    total(totals);
    signatures(date_line);
    print_setup();
  }

 private:
  // Before any row: widths that fit what the columns will hold, within reason.
  void fit(const std::vector<std::vector<Cell>>& lines) {
    for (lxw_col_t c = 0; c < columns_.size(); ++c) {
      double width = columns_[c].least_width;
      // The cells' Times New Roman 12 runs about a tenth wider than the default font.
      for (const auto& line : lines) width = std::max(width, width_of(line[c].text) * 1.15 + 2);
      check(worksheet_set_column(sheet_, c, c, std::min(width, columns_[c].most_width), nullptr),
            "độ rộng cột");
    }
  }

  // The title, the lines under it, and the columns' headings, frozen on screen and repeated on
  // each printed page; a filter on each heading over the `data_rows` lines to come.
  void heading(const std::string& title, const std::vector<std::string>& lines,
               std::size_t data_rows) {
    across(title, f_.title);
    for (const std::string& line : lines) across(line, f_.subtitle);
    ++row_;
    header_row_ = row_;
    // Rows go to disk as they are written: what refers to rows ahead is said before them.
    if (data_rows > 0) {
      check(worksheet_autofilter(sheet_, header_row_, 0,
                                 static_cast<lxw_row_t>(header_row_ + data_rows),
                                 static_cast<lxw_col_t>(columns_.size() - 1)),
            "bộ lọc");
    }
    for (lxw_col_t c = 0; c < columns_.size(); ++c) text(c, columns_[c].heading, f_.header);
    ++row_;
    worksheet_freeze_panes(sheet_, row_, 0);
    check(worksheet_repeat_rows(sheet_, header_row_, header_row_), "lặp dòng tiêu đề khi in");
  }

  void line(const std::vector<Cell>& cells) {
    for (lxw_col_t c = 0; c < columns_.size(); ++c) {
      const Cell& cell = cells[c];
      switch (columns_[c].kind) {
        case Kind::text:
          text(c, cell.text, f_.text);
          break;
        case Kind::ordinal:
          check(worksheet_write_number(sheet_, row_, c, cell.number, f_.centred), "số thứ tự");
          break;
        case Kind::date:
          date(c, cell.text);
          break;
        case Kind::count:
          check(worksheet_write_number(sheet_, row_, c, cell.number, f_.count), "số");
          break;
        case Kind::duration:
          // A day is 1 in a spreadsheet: seconds as a fraction of it, shown as h:mm:ss.
          check(worksheet_write_number(sheet_, row_, c, cell.number / 86400, f_.duration),
                "thời lượng");
          break;
      }
    }
    ++row_;
  }

  // A line saying there is nothing to list, across the columns.
  void nothing(const std::string& why) {
    text(0, why, f_.total_label);
    for (lxw_col_t c = 1; c < columns_.size(); ++c)
      check(worksheet_write_blank(sheet_, row_, c, f_.total_label), "ô trống");
    ++row_;
  }

  // "Tổng cộng" and, under each summed column, its sum (a formula, with the value already worked
  // out for readers that do not calculate).
  void total(const std::vector<Cell>& totals) {
    const lxw_row_t first_data = header_row_ + 1;
    lxw_col_t c = 0;
    for (; c < columns_.size() && !columns_[c].summed; ++c) {
      if (c == 0) {
        text(c, "Tổng cộng", f_.total_label);
      } else {
        check(worksheet_write_blank(sheet_, row_, c, f_.total_label), "ô trống");
      }
    }
    for (; c < columns_.size(); ++c) {
      if (!columns_[c].summed) {
        check(worksheet_write_blank(sheet_, row_, c, f_.total_count), "ô trống");
        continue;
      }
      const bool duration = columns_[c].kind == Kind::duration;
      std::string formula = "=0";
      if (row_ > first_data) {
        char from[16], to[16];
        lxw_rowcol_to_cell(from, first_data, c);
        lxw_rowcol_to_cell(to, row_ - 1, c);
        formula = std::string("=SUM(") + from + ":" + to + ")";
      }
      const double value = duration ? totals[c].number / 86400 : totals[c].number;
      check(worksheet_write_formula_num(sheet_, row_, c, formula.c_str(),
                                        duration ? f_.total_duration : f_.total_count, value),
            "dòng tổng");
    }
    ++row_;
  }

  // Where the office signs the report before it goes up.
  void signatures(const std::string& date_line) {
    row_ += 1;
    const auto last = static_cast<lxw_col_t>(columns_.size() - 1);
    const lxw_col_t left = 1, right = last - 1;
    text(right, date_line, f_.note);
    ++row_;
    text(left, "NGƯỜI LẬP BIỂU", f_.signature);
    text(right, "THỦ TRƯỞNG CƠ QUAN", f_.signature);
    ++row_;
    text(left, "(Ký, ghi rõ họ tên)", f_.note);
    text(right, "(Ký tên, đóng dấu)", f_.note);
    ++row_;
  }

  void print_setup() {
    worksheet_set_landscape(sheet_);
    worksheet_set_paper(sheet_, 9);  // A4
    worksheet_fit_to_pages(sheet_, 1, 0);
    worksheet_center_horizontally(sheet_);
    check(worksheet_set_footer(sheet_, "&CTrang &P/&N"), "chân trang");
  }

  void text(lxw_col_t column, const std::string& value, lxw_format* format) {
    check(worksheet_write_string(sheet_, row_, column, value.c_str(), format), "chữ");
  }

  void date(lxw_col_t column, const std::string& iso) {
    // PlayTotals::day is "2026-11-24", written by SQLite.
    int y = 0, m = 0, d = 0;
    if (std::sscanf(iso.c_str(), "%d-%d-%d", &y, &m, &d) != 3) {
      text(column, iso, f_.centred);
      return;
    }
    lxw_datetime value{y, m, d, 0, 0, 0};
    check(worksheet_write_datetime(sheet_, row_, column, &value, f_.date), "ngày");
  }

  // A line of the heading, centred across the table's columns without merging cells.
  void across(const std::string& value, lxw_format* format) {
    text(0, value, format);
    for (lxw_col_t c = 1; c < columns_.size(); ++c)
      check(worksheet_write_blank(sheet_, row_, c, format), "ô trống");
    ++row_;
  }

  lxw_worksheet* sheet_;
  const Formats& f_;
  std::vector<Column> columns_;
  lxw_row_t row_ = 0;
  lxw_row_t header_row_ = 0;
};

std::vector<std::string> heading_lines(const Report& report) {
  std::string boards;
  for (const std::string& board : report.boards) boards += (boards.empty() ? "" : ", ") + board;
  return {"Từ ngày " + day_month_year_text(report.first) + " đến ngày " +
              day_month_year_text(report.last),
          (report.sites.empty() ? (report.boards.size() == 1 ? "Bảng: " : "Các bảng: ")
                                : (report.boards.size() == 1 ? "Xã: " : "Các xã: ")) +
              printable(boards)};
}

std::string signing_date(std::chrono::minutes utc_offset) {
  const auto local = std::chrono::system_clock::now() + utc_offset;
  const std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(local)};
  return "Ngày " + std::to_string(static_cast<unsigned>(today.day())) + " tháng " +
         std::to_string(static_cast<unsigned>(today.month())) + " năm " +
         std::to_string(static_cast<int>(today.year()));
}

// Excel's sheets end at row 1,048,576.
constexpr std::size_t kMostRows = 1048576 - 20;

std::string xlsx_body(const Report& report, std::chrono::minutes utc_offset) {
  if (report.rows.size() > kMostRows) {
    throw std::invalid_argument("Báo cáo có " + std::to_string(report.rows.size()) +
                                " dòng, nhiều hơn một trang tính chứa được; hãy chọn khoảng "
                                "ngắn hơn hoặc từng bảng.");
  }
  const TemporaryFile file;
  const std::string tmpdir = std::filesystem::temp_directory_path().string();
  lxw_workbook_options options{};
  // Rows go to disk as they are written: a year of a province's boards stays out of memory.
  options.constant_memory = LXW_TRUE;
  options.tmpdir = const_cast<char*>(tmpdir.c_str());
  lxw_workbook* book = workbook_new_opt(file.path().c_str(), &options);
  if (!book) throw std::runtime_error("báo cáo XLSX: không tạo được bảng tính");
  // Closed (and freed) on every path; only the normal one looks at what closing says.
  struct Closer {
    lxw_workbook* book;
    ~Closer() {
      if (book) workbook_close(book);
    }
  } closer{book};

  lxw_doc_properties properties{};
  properties.title = const_cast<char*>(kTitle);
  properties.author = const_cast<char*>("bangtin");
  properties.comments = const_cast<char*>("Số liệu từ nhật ký phát (proof of play) của bangtind");
  check(workbook_set_properties(book, &properties), "thuộc tính");
  const Formats formats = add_formats(book);
  const std::vector<std::string> heading = heading_lines(report);
  const std::string date_line = signing_date(utc_offset);
  const auto on_air = [](std::chrono::seconds s) { return static_cast<double>(s.count()); };
  // Both sheets end in the plays, the interruptions and the time on air.
  const std::vector<Cell> totals{{},
                                 {},
                                 {},
                                 {},
                                 {},
                                 {},
                                 {"", static_cast<double>(report.plays)},
                                 {"", static_cast<double>(report.interrupted)},
                                 {"", on_air(report.on_air)}};

  {
    std::vector<Column> columns{{"STT", Kind::ordinal, 5, 7},
                                {"Ngày", Kind::date, 12, 12},
                                {"Bảng", Kind::text, 10, 24},
                                {"Danh sách phát", Kind::text, 12, 24},
                                {"Mục", Kind::text, 10, 28},
                                {"Nội dung", Kind::text, 30, 60},
                                {"Số lượt phát", Kind::count, 10, 12, true},
                                {"Bị ngắt", Kind::count, 9, 12, true},
                                {"Thời lượng phát (giờ:phút:giây)", Kind::duration, 15, 15, true}};
    const bool fleet = !report.sites.empty();
    if (fleet) columns.insert(columns.begin() + 2, {"Xã", Kind::text, 10, 24});
    Sheet sheet(book, formats, "Theo ngày", std::move(columns));
    std::vector<std::vector<Cell>> lines;
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
      const PlayTotals& row = report.rows[i];
      lines.push_back({{"", static_cast<double>(i + 1)},
                       {row.day},
                       {cell_text(row.display)},
                       {cell_text(row.playlist)},
                       {cell_text(row.item)},
                       {cell_text(row.text)},
                       {"", static_cast<double>(row.plays)},
                       {"", static_cast<double>(row.interrupted)},
                       {"", on_air(row.on_air)}});
      if (fleet) lines.back().insert(lines.back().begin() + 2, {cell_text(report.sites[i])});
    }
    std::vector<Cell> day_totals = totals;
    if (fleet) day_totals.insert(day_totals.begin() + 2, Cell{});
    sheet.write(heading, lines, day_totals, date_line);
  }
  {
    Sheet sheet(book, formats, "Theo mục",
                {{"STT", Kind::ordinal, 5, 7},
                 {"Danh sách phát", Kind::text, 12, 24},
                 {"Mục", Kind::text, 10, 28},
                 {"Nội dung", Kind::text, 30, 60},
                 // Distinct boards and days per item: their sums would mean nothing.
                 {"Số bảng", Kind::count, 8, 10},
                 {"Số ngày phát", Kind::count, 9, 10},
                 {"Số lượt phát", Kind::count, 10, 12, true},
                 {"Bị ngắt", Kind::count, 9, 12, true},
                 {"Thời lượng phát (giờ:phút:giây)", Kind::duration, 15, 15, true}});
    std::vector<std::vector<Cell>> lines;
    for (std::size_t i = 0; i < report.by_item.size(); ++i) {
      const ItemTotals& item = report.by_item[i];
      lines.push_back({{"", static_cast<double>(i + 1)},
                       {cell_text(item.playlist)},
                       {cell_text(item.item)},
                       {cell_text(item.text)},
                       {"", static_cast<double>(item.displays.size())},
                       {"", static_cast<double>(item.days.size())},
                       {"", static_cast<double>(item.plays)},
                       {"", static_cast<double>(item.interrupted)},
                       {"", on_air(item.on_air)}});
    }
    sheet.write(heading, lines, totals, date_line);
  }

  closer.book = nullptr;
  check(workbook_close(book), "ghi tệp");
  std::ifstream in(file.path(), std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) throw std::runtime_error("báo cáo XLSX: không đọc lại được tệp");
  return body;
}

}  // namespace

ReportDocument make_report(const std::filesystem::path& plays_database, const Config& config,
                           const ReportRequest& request) {
  if (request.format != "json" && request.format != "csv" && request.format != "xlsx") {
    throw std::invalid_argument("Định dạng " + as_said(request.format) +
                                " không có; hãy chọn json, csv hoặc xlsx.");
  }
  const Report report = gather(plays_database, config, request);
  if (request.format == "json") {
    return {"application/json; charset=utf-8", file_name(report, "json"), json_body(report)};
  }
  if (request.format == "csv") {
    // A byte order mark: without it Excel on Windows reads the file in the ANSI code page and
    // the Vietnamese comes out garbled; LibreOffice and CSV libraries take it in their stride.
    return {"text/csv; charset=utf-8", file_name(report, "csv"),
            "\xEF\xBB\xBF" + totals_csv(report.rows)};
  }
  return {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          file_name(report, "xlsx"), xlsx_body(report, config.utc_offset)};
}

std::string site_totals_xlsx(const std::vector<SiteTotals>& rows, std::chrono::sys_days first,
                             std::chrono::sys_days last) {
  Report report;
  report.first = first;
  report.last = last;
  for (const SiteTotals& row : rows) {
    report.rows.push_back(row.totals);
    report.sites.push_back(row.site);
    if (std::find(report.boards.begin(), report.boards.end(), row.site) == report.boards.end())
      report.boards.push_back(row.site);
  }
  summarise(report);
  // Signed where the hub runs: the machine's own offset from UTC today.
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return xlsx_body(report, std::chrono::minutes(local.tm_gmtoff / 60));
}

}  // namespace bangtin
