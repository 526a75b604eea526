#include "qr_code.hpp"

#include <qrencode.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <memory>

#include "bangtin/renderer.hpp"

namespace bangtin::qr_code {
namespace {

QRecLevel level_of(QrLevel level) {
  switch (level) {
    case QrLevel::low:
      return QR_ECLEVEL_L;
    case QrLevel::medium:
      return QR_ECLEVEL_M;
    case QrLevel::quartile:
      return QR_ECLEVEL_Q;
    case QrLevel::high:
      return QR_ECLEVEL_H;
  }
  return QR_ECLEVEL_M;
}

// 8-bit byte capacity of versions 1..40 at L, M, Q, H (ISO/IEC 18004 table 7).
constexpr std::array<std::array<short, 4>, 40> kByteCapacity{{
    {17, 14, 11, 7},          {32, 26, 20, 14},         {53, 42, 32, 24},
    {78, 62, 46, 34},         {106, 84, 60, 44},        {134, 106, 74, 58},
    {154, 122, 86, 64},       {192, 152, 108, 84},      {230, 180, 130, 98},
    {271, 213, 151, 119},     {321, 251, 177, 137},     {367, 287, 203, 155},
    {425, 331, 241, 177},     {458, 362, 258, 194},     {520, 412, 292, 220},
    {586, 450, 322, 250},     {644, 504, 364, 280},     {718, 560, 394, 310},
    {792, 624, 442, 338},     {858, 666, 482, 382},     {929, 711, 509, 403},
    {1003, 779, 565, 439},    {1091, 857, 611, 461},    {1171, 911, 661, 511},
    {1273, 997, 715, 535},    {1367, 1059, 751, 593},   {1465, 1125, 805, 625},
    {1528, 1190, 868, 658},   {1628, 1264, 908, 698},   {1732, 1370, 982, 742},
    {1840, 1452, 1030, 790},  {1952, 1538, 1112, 842},  {2068, 1628, 1168, 898},
    {2188, 1722, 1228, 958},  {2303, 1809, 1283, 983},  {2431, 1911, 1351, 1051},
    {2563, 1989, 1423, 1093}, {2699, 2099, 1499, 1139}, {2809, 2213, 1579, 1219},
    {2953, 2331, 1663, 1273},
}};

}  // namespace

Modules encode(const std::string& text, QrLevel level) {
  if (text.empty()) throw MediaError("a QR code needs some text");
  errno = 0;
  const bool ascii = std::all_of(text.begin(), text.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(nullptr, &QRcode_free);
  if (ascii) {
    // Split into the densest modes (digits, capitals, bytes) by libqrencode.
    code.reset(QRcode_encodeString(text.c_str(), 0, level_of(level), QR_MODE_8, 1));
  } else {
    // Bytes in a QR code are Latin-1 unless an ECI header says otherwise: Vietnamese text is
    // marked as UTF-8 (ECI 26), or readers guess (zbarimg reads Shift-JIS).
    const std::unique_ptr<QRinput, decltype(&QRinput_free)> input(QRinput_new2(0, level_of(level)),
                                                                  &QRinput_free);
    if (input && QRinput_appendECIheader(input.get(), 26) == 0 &&
        QRinput_append(input.get(), QR_MODE_8, static_cast<int>(text.size()),
                       reinterpret_cast<const unsigned char*>(text.data())) == 0) {
      code.reset(QRcode_encodeInput(input.get()));
    }
  }
  if (!code) {
    throw MediaError(errno == ERANGE ? "the text is too long for a QR code (" +
                                           std::to_string(text.size()) + " bytes)"
                                     : "the text cannot be made into a QR code");
  }
  Modules modules;
  modules.version = code->version;
  modules.size = code->width;
  modules.dark.resize(static_cast<std::size_t>(code->width) * code->width);
  for (std::size_t i = 0; i < modules.dark.size(); ++i) modules.dark[i] = (code->data[i] & 1) != 0;
  return modules;
}

Frame draw(const Modules& modules, int module) {
  const int side = modules.side() * module;
  Frame frame = Frame::blank(side, side, PixelFormat::rgb888);
  std::fill(frame.bytes.begin(), frame.bytes.end(), std::uint8_t{255});
  for (int y = 0; y < side; ++y) {
    const int row = y / module - kQuietModules;
    if (row < 0 || row >= modules.size) continue;
    std::uint8_t* line = frame.bytes.data() + static_cast<std::size_t>(y) * frame.stride();
    for (int x = 0; x < side; ++x) {
      const int column = x / module - kQuietModules;
      if (column < 0 || column >= modules.size) continue;
      if (modules.dark[static_cast<std::size_t>(row) * modules.size + column])
        std::fill_n(line + static_cast<std::size_t>(x) * 3, 3, std::uint8_t{0});
    }
  }
  return frame;
}

Capacity capacity(int side, QrLevel level) {
  Capacity best;
  for (int version = 1; version <= 40; ++version) {
    if (17 + 4 * version + 2 * kQuietModules > side) break;
    best = Capacity{version, kByteCapacity[version - 1][static_cast<int>(level)]};
  }
  return best;
}

}  // namespace bangtin::qr_code
