// The Vietnamese lunar calendar after Hồ Ngọc Đức ("Thuật toán tính âm lịch"): a month starts on
// the local day of a new moon; month 11 is the one containing the winter solstice; in a year of 13
// months between two months 11, the first month without a major solar term (trung khí) is the
// leap month. Everything is computed in Julian day numbers at UTC+7.
#include <cmath>
#include <numbers>

#include "bangtin/vietnamese_calendar.hpp"

namespace bangtin {
namespace {

constexpr double vietnam_utc_offset_hours = 7.0;
// Julian day number of 1970-01-01, the epoch of sys_days.
constexpr long unix_epoch_julian_day = 2440588;
constexpr double synodic_month = 29.530588853;
// The Julian day of the new moon numbered 0 (1900-01-01), from which new moons are counted.
constexpr double first_new_moon = 2415021.076998695;

long julian_day(std::chrono::sys_days date) {
  return date.time_since_epoch().count() + unix_epoch_julian_day;
}

std::chrono::sys_days from_julian_day(long julian_day_number) {
  return std::chrono::sys_days(std::chrono::days(julian_day_number - unix_epoch_julian_day));
}

double sine_of_degrees(double degrees) { return std::sin(degrees * std::numbers::pi / 180.0); }

// The instant (Julian day, UTC) of the k-th new moon after the one of 1900-01-01 (Meeus ch. 49,
// shortened as in Hồ Ngọc Đức's algorithm).
double new_moon(long k) {
  const double t = static_cast<double>(k) / 1236.85;  // Julian centuries since 1900-01-00.5
  const double t2 = t * t;
  const double t3 = t2 * t;
  double mean =
      2415020.75933 + 29.53058868 * static_cast<double>(k) + 0.0001178 * t2 - 0.000000155 * t3;
  mean += 0.00033 * sine_of_degrees(166.56 + 132.87 * t - 0.009173 * t2);
  const double sun_anomaly =
      359.2242 + 29.10535608 * static_cast<double>(k) - 0.0000333 * t2 - 0.00000347 * t3;
  const double moon_anomaly =
      306.0253 + 385.81691806 * static_cast<double>(k) + 0.0107306 * t2 + 0.00001236 * t3;
  const double latitude_argument =
      21.2964 + 390.67050646 * static_cast<double>(k) - 0.0016528 * t2 - 0.00000239 * t3;
  double correction = (0.1734 - 0.000393 * t) * sine_of_degrees(sun_anomaly) +
                      0.0021 * sine_of_degrees(2 * sun_anomaly);
  correction +=
      -0.4068 * sine_of_degrees(moon_anomaly) + 0.0161 * sine_of_degrees(2 * moon_anomaly);
  correction += -0.0004 * sine_of_degrees(3 * moon_anomaly);
  correction += 0.0104 * sine_of_degrees(2 * latitude_argument) -
                0.0051 * sine_of_degrees(sun_anomaly + moon_anomaly);
  correction += -0.0074 * sine_of_degrees(sun_anomaly - moon_anomaly) +
                0.0004 * sine_of_degrees(2 * latitude_argument + sun_anomaly);
  correction += -0.0004 * sine_of_degrees(2 * latitude_argument - sun_anomaly) -
                0.0006 * sine_of_degrees(2 * latitude_argument + moon_anomaly);
  correction += 0.0010 * sine_of_degrees(2 * latitude_argument - moon_anomaly) +
                0.0005 * sine_of_degrees(2 * moon_anomaly + sun_anomaly);
  // Terrestrial to universal time.
  const double delta_t =
      t < -11 ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
              : -0.000278 + 0.000265 * t + 0.000262 * t2;
  return mean + correction - delta_t;
}

// The local day on which the k-th new moon falls.
long new_moon_day(long k) {
  return static_cast<long>(std::floor(new_moon(k) + 0.5 + vietnam_utc_offset_hours / 24));
}

// Which 30° sector (0..11, 0 from the spring equinox) the sun's apparent longitude is in at the
// local midnight that starts `day`.
int sun_longitude_sector(long day) {
  const double t = (static_cast<double>(day) - 0.5 - vietnam_utc_offset_hours / 24 - 2451545.0) /
                   36525;  // Julian centuries since J2000
  const double t2 = t * t;
  const double mean_anomaly = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
  const double mean_longitude = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  double center = (1.914600 - 0.004817 * t - 0.000014 * t2) * sine_of_degrees(mean_anomaly);
  center += (0.019993 - 0.000101 * t) * sine_of_degrees(2 * mean_anomaly) +
            0.000290 * sine_of_degrees(3 * mean_anomaly);
  double longitude = (mean_longitude + center) * std::numbers::pi / 180.0;
  longitude -= 2 * std::numbers::pi * std::floor(longitude / (2 * std::numbers::pi));
  return static_cast<int>(std::floor(longitude / std::numbers::pi * 6));
}

// The first day of lunar month 11 (the month of the winter solstice) near the end of `year`.
long month_11_start(int year) {
  const long december_31 =
      julian_day(std::chrono::sys_days(std::chrono::year(year) / std::chrono::December / 31));
  const long k =
      static_cast<long>(std::floor(static_cast<double>(december_31 - 2415021) / synodic_month));
  const long new_moon_near_end = new_moon_day(k);
  // A new moon after the solstice (sun past 270°) starts month 12; month 11 began one earlier.
  if (sun_longitude_sector(new_moon_near_end) >= 9) return new_moon_day(k - 1);
  return new_moon_near_end;
}

long new_moon_number(long day) {
  return static_cast<long>(
      std::floor((static_cast<double>(day) - first_new_moon) / synodic_month + 0.5));
}

// In a 13-month year starting at month 11 `month_11`, how many months after it the leap month
// comes: the first month whose start sees the sun in the same sector as the next month's start,
// that is a month without a major term.
int leap_month_offset(long month_11) {
  const long k = new_moon_number(month_11);
  int offset = 1;
  int sector = sun_longitude_sector(new_moon_day(k + offset));
  int previous = 0;
  do {
    previous = sector;
    ++offset;
    sector = sun_longitude_sector(new_moon_day(k + offset));
  } while (sector != previous && offset < 14);
  return offset - 1;
}

}  // namespace

LunarDate to_lunar(std::chrono::sys_days date) {
  const long day = julian_day(date);
  // The estimate from the mean month can be a month off where the true new moon strays from the
  // mean one by most of a day (2054-05-07 is such a day, in the reference code too): step to the
  // last new moon on or before the day.
  long k =
      static_cast<long>(std::floor((static_cast<double>(day) - first_new_moon) / synodic_month)) +
      1;
  while (new_moon_day(k) > day) --k;
  while (new_moon_day(k + 1) <= day) ++k;
  const long month_start = new_moon_day(k);

  const int gregorian_year = static_cast<int>(std::chrono::year_month_day(date).year());
  long month_11 = month_11_start(gregorian_year);
  long next_month_11 = month_11;
  int lunar_year = 0;
  if (month_11 >= month_start) {
    lunar_year = gregorian_year;
    month_11 = month_11_start(gregorian_year - 1);
  } else {
    lunar_year = gregorian_year + 1;
    next_month_11 = month_11_start(gregorian_year + 1);
  }

  LunarDate lunar;
  lunar.day = static_cast<int>(day - month_start + 1);
  const int months_after_11 = static_cast<int>((month_start - month_11) / 29);
  lunar.month = months_after_11 + 11;
  if (next_month_11 - month_11 > 365) {
    const int leap_offset = leap_month_offset(month_11);
    if (months_after_11 >= leap_offset) {
      lunar.month = months_after_11 + 10;
      lunar.leap_month = months_after_11 == leap_offset;
    }
  }
  if (lunar.month > 12) lunar.month -= 12;
  if (lunar.month >= 11 && months_after_11 < 4) lunar_year -= 1;
  lunar.year = lunar_year;
  return lunar;
}

std::optional<std::chrono::sys_days> from_lunar(const LunarDate& date) {
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 30) return std::nullopt;
  long month_11 = 0;
  long next_month_11 = 0;
  if (date.month < 11) {
    month_11 = month_11_start(date.year - 1);
    next_month_11 = month_11_start(date.year);
  } else {
    month_11 = month_11_start(date.year);
    next_month_11 = month_11_start(date.year + 1);
  }
  const long k = new_moon_number(month_11);
  int offset = date.month - 11;
  if (offset < 0) offset += 12;
  if (next_month_11 - month_11 > 365) {
    const int leap_offset = leap_month_offset(month_11);
    int leap_month = leap_offset - 2;
    if (leap_month <= 0) leap_month += 12;
    if (date.leap_month && date.month != leap_month) return std::nullopt;
    if (date.leap_month || offset >= leap_offset) offset += 1;
  } else if (date.leap_month) {
    return std::nullopt;
  }
  const long month_start = new_moon_day(k + offset);
  const long month_length = new_moon_day(k + offset + 1) - month_start;
  if (date.day > month_length) return std::nullopt;
  return from_julian_day(month_start + date.day - 1);
}

std::chrono::sys_days lunar_new_year(std::chrono::year year) {
  // Month 1 is never a leap month and always has a first day.
  return *from_lunar(LunarDate{1, 1, static_cast<int>(year), false});
}

}  // namespace bangtin
