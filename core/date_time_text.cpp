#include "bangtin/date_time_text.hpp"

#include <cstdlib>

namespace bangtin {

using namespace std::chrono;

namespace {

// `value` with at least `width` digits, zeros in front; a sign before them when negative.
void append_number(std::string& text, long long value, int width) {
  if (value < 0) text += '-';
  const std::string digits = std::to_string(std::llabs(value));
  if (static_cast<int>(digits.size()) < width) text.append(width - digits.size(), '0');
  text += digits;
}

void append_date(std::string& text, sys_days day) {
  const year_month_day date(day);
  append_number(text, int(date.year()), 4);
  text += '-';
  append_number(text, unsigned(date.month()), 2);
  text += '-';
  append_number(text, unsigned(date.day()), 2);
}

// "08:00:05" or "08:00": hours past 23 (a window's end, 24:00) are written as they are.
void append_time_of_day(std::string& text, seconds since_midnight, bool with_seconds) {
  const auto count = since_midnight.count();
  append_number(text, count / 3600, 2);
  text += ':';
  append_number(text, count / 60 % 60, 2);
  if (!with_seconds) return;
  text += ':';
  append_number(text, count % 60, 2);
}

}  // namespace

std::string iso_date_text(sys_days day) {
  std::string text;
  append_date(text, day);
  return text;
}

std::string time_of_day_text(minutes since_midnight) {
  std::string text;
  append_time_of_day(text, since_midnight, false);
  return text;
}

std::string iso_local_date_time_text(system_clock::time_point instant, seconds utc_offset,
                                     char separator) {
  const auto local = floor<seconds>(instant) + utc_offset;
  const auto day = floor<days>(local);
  std::string text;
  append_date(text, day);
  text += separator;
  append_time_of_day(text, local - day, true);
  return text;
}

std::string iso_date_time_text(system_clock::time_point instant, minutes utc_offset) {
  std::string text = iso_local_date_time_text(instant, utc_offset);
  text += utc_offset < minutes(0) ? '-' : '+';
  append_time_of_day(text, abs(utc_offset), false);
  return text;
}

std::string utc_minute_text(system_clock::time_point instant) {
  const auto day = floor<days>(instant);
  std::string text;
  append_date(text, day);
  text += 'T';
  append_time_of_day(text, floor<minutes>(instant - day), false);
  text += 'Z';
  return text;
}

std::string day_month_year_text(sys_days day) {
  const year_month_day date(day);
  std::string text;
  append_number(text, unsigned(date.day()), 2);
  text += '/';
  append_number(text, unsigned(date.month()), 2);
  text += '/';
  append_number(text, int(date.year()), 1);
  return text;
}

}  // namespace bangtin
