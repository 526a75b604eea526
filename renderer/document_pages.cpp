// PDF pages through Poppler's C++ API: the file read once and checked whole, pages drawn by
// Splash into 24-bit RGB and copied row by row into rgb888 frames.
#include "bangtin/document_pages.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

namespace bangtin {
namespace {

constexpr double kPointsPerMm = 72 / 25.4;
// A0 is 841 x 1189 mm; a producer's rounding (or a bleed of up to 1 mm) is let through.
constexpr double kA0ShortSide = (841 + 1) * kPointsPerMm;
constexpr double kA0LongSide = (1189 + 1) * kPointsPerMm;
constexpr double kSmallestSide = 1;  // pt
// Where the markers must stand: a PDF starts with %PDF- within its first 1024 bytes and ends
// with %%EOF within its last 1024 (what Acrobat accepts); a file cut short lacks the %%EOF.
constexpr std::size_t kMarkerWindow = 1024;

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw DocumentError(file.string() + ": " + what);
}

std::string mebibytes(std::uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

std::string millimetres(double width, double height) {
  char text[48];
  std::snprintf(text, sizeof text, "%.0f x %.0f mm", width / kPointsPerMm, height / kPointsPerMm);
  return text;
}

// What Poppler said, safe for a log line: printable ASCII, cut short.
std::string printable(std::string_view message) {
  std::string out;
  for (const char c : message.substr(0, 160)) out += (c >= 0x20 && c <= 0x7e) ? c : '?';
  return out;
}

// Poppler reports through one process-wide function; bangtin's drops what no Complaints on the
// reporting thread listens to. Poppler draws a document on the calling thread, so what a
// thread hears is about its own document.
thread_local std::string* first_complaint = nullptr;

void hear_poppler(const std::string& message, void*) {
  if (first_complaint != nullptr && first_complaint->empty()) *first_complaint = printable(message);
}

class Complaints {
 public:
  Complaints() : outer_(first_complaint) {
    static std::once_flag once;
    std::call_once(once, [] { poppler::set_debug_error_function(hear_poppler, nullptr); });
    first_complaint = &first_;
  }
  ~Complaints() { first_complaint = outer_; }
  Complaints(const Complaints&) = delete;
  Complaints& operator=(const Complaints&) = delete;

  // " (Poppler: ...)" after the first complaint heard, nothing when there was none.
  std::string detail() const { return first_.empty() ? "" : " (Poppler: " + first_ + ")"; }

 private:
  std::string first_;
  std::string* outer_;
};

struct CloseFd {
  void operator()(const int* fd) const { ::close(*fd); }
};

// The whole file, at most kMaxDocumentBytes of it. O_NONBLOCK: a FIFO named as a document is
// refused, not waited on (a regular file ignores the flag).
poppler::byte_array read_document(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) fail(file, std::string("cannot open: ") + std::strerror(errno));
  const std::unique_ptr<const int, CloseFd> closer(&fd);
  struct stat status {};
  if (::fstat(fd, &status) != 0) fail(file, std::string("cannot read: ") + std::strerror(errno));
  if (!S_ISREG(status.st_mode)) fail(file, "not a file");
  const auto size = static_cast<std::uintmax_t>(status.st_size);
  const auto too_large = [&](std::uintmax_t bytes) {
    fail(file, mebibytes(bytes) + ", more than the " + mebibytes(kMaxDocumentBytes) +
                   " a document may be");
  };
  if (size > kMaxDocumentBytes) too_large(size);

  // One byte more than the file had, to notice one that grew past the limit meanwhile.
  poppler::byte_array bytes(static_cast<std::size_t>(size) + 1);
  std::size_t have = 0;
  while (true) {
    if (have == bytes.size()) {
      if (have > kMaxDocumentBytes) too_large(have);
      bytes.resize(std::min<std::size_t>(have * 2, kMaxDocumentBytes + 1));
    }
    const ssize_t got = ::read(fd, bytes.data() + have, bytes.size() - have);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail(file, std::string("cannot read: ") + std::strerror(errno));
    if (got == 0) break;
    have += static_cast<std::size_t>(got);
  }
  bytes.resize(have);
  if (bytes.empty()) fail(file, "the file is empty");
  return bytes;
}

// Is `marker` within the first (or last) kMarkerWindow bytes?
bool starts_with_marker(const poppler::byte_array& bytes, std::string_view marker) {
  const std::string_view head(bytes.data(), std::min(bytes.size(), kMarkerWindow));
  return head.find(marker) != std::string_view::npos;
}
bool ends_with_marker(const poppler::byte_array& bytes, std::string_view marker) {
  const std::size_t length = std::min(bytes.size(), kMarkerWindow);
  const std::string_view tail(bytes.data() + bytes.size() - length, length);
  return tail.find(marker) != std::string_view::npos;
}

// A page's size in points as it is shown: its crop box, turned by its /Rotate.
struct PageSize {
  double width = 0;
  double height = 0;
};

PageSize shown_size(const poppler::page& page) {
  const poppler::rectf box = page.page_rect(poppler::crop_box);
  PageSize size{std::abs(box.width()), std::abs(box.height())};
  const auto orientation = page.orientation();
  if (orientation == poppler::page::landscape || orientation == poppler::page::seascape)
    std::swap(size.width, size.height);
  return size;
}

}  // namespace

struct DocumentPages::State {
  std::filesystem::path file;
  std::unique_ptr<poppler::document> document;
  std::vector<std::unique_ptr<poppler::page>> pages;
  std::vector<PageSize> sizes;
};

DocumentPages::DocumentPages(const std::filesystem::path& file)
    : state_(std::make_unique<State>()) {
  state_->file = file;
  poppler::byte_array bytes = read_document(file);
  if (!starts_with_marker(bytes, "%PDF-")) fail(file, "not a PDF (it does not begin with %PDF-)");
  if (!ends_with_marker(bytes, "%%EOF"))
    fail(file,
         "damaged: it does not end with %%EOF, so it was probably cut short (copied or uploaded "
         "before it was whole)");

  const Complaints complaints;
  // Poppler takes the bytes over (swaps them in), no copy.
  state_->document.reset(poppler::document::load_from_data(&bytes));
  if (!state_->document) fail(file, "damaged: it cannot be read as a PDF" + complaints.detail());
  if (state_->document->is_locked())
    fail(file,
         "locked with a password (encrypted): save it again as a PDF without a password to "
         "play it");

  const int count = state_->document->pages();
  if (count <= 0) fail(file, "the document has no pages");
  if (count > kMaxDocumentPages)
    fail(file, "the document has " + std::to_string(count) + " pages, more than the " +
                   std::to_string(kMaxDocumentPages) + " a document may have: split it");
  for (int index = 0; index < count; ++index) {
    const std::string name = "page " + std::to_string(index + 1);
    std::unique_ptr<poppler::page> page(state_->document->create_page(index));
    if (!page) fail(file, "damaged: " + name + " cannot be read" + complaints.detail());
    const PageSize size = shown_size(*page);
    if (std::min(size.width, size.height) < kSmallestSide)
      fail(file, name + " has zero size (" + millimetres(size.width, size.height) + ")");
    if (std::min(size.width, size.height) > kA0ShortSide ||
        std::max(size.width, size.height) > kA0LongSide)
      fail(file, name + " is " + millimetres(size.width, size.height) +
                     ", bigger than A0 (841 x 1189 mm)");
    state_->pages.push_back(std::move(page));
    state_->sizes.push_back(size);
  }
}

DocumentPages::~DocumentPages() = default;
DocumentPages::DocumentPages(DocumentPages&&) noexcept = default;
DocumentPages& DocumentPages::operator=(DocumentPages&&) noexcept = default;

const std::filesystem::path& DocumentPages::file() const { return state_->file; }

int DocumentPages::pages() const { return static_cast<int>(state_->pages.size()); }

Frame DocumentPages::render(int index, int width, int height) {
  if (width < 1 || height < 1 || width > kMaxDocumentBoxSide || height > kMaxDocumentBoxSide)
    throw std::invalid_argument("a document page's box must be 1 to " +
                                std::to_string(kMaxDocumentBoxSide) + " pixels a side, not " +
                                std::to_string(width) + "x" + std::to_string(height));
  if (index < 0 || index >= pages())
    fail(state_->file, "there is no page " + std::to_string(index + 1) + ": the document has " +
                           std::to_string(pages()) + (pages() == 1 ? " page" : " pages"));

  // The fitted size, then each axis's own resolution so the page fills it exactly.
  const PageSize size = state_->sizes[static_cast<std::size_t>(index)];
  const double scale = std::min(width / size.width, height / size.height);
  const int fitted_width = std::clamp(static_cast<int>(std::lround(size.width * scale)), 1, width);
  const int fitted_height =
      std::clamp(static_cast<int>(std::lround(size.height * scale)), 1, height);

  poppler::page_renderer renderer;
  renderer.set_render_hints(poppler::page_renderer::antialiasing |
                            poppler::page_renderer::text_antialiasing);
  renderer.set_image_format(poppler::image::format_rgb24);  // bytes R, G, B; rows padded to 4
  renderer.set_paper_color(0xffffffff);
  const Complaints complaints;
  const poppler::image image = renderer.render_page(
      state_->pages[static_cast<std::size_t>(index)].get(), 72.0 * fitted_width / size.width,
      72.0 * fitted_height / size.height, 0, 0, fitted_width, fitted_height);
  if (!image.is_valid() || image.format() != poppler::image::format_rgb24 ||
      image.width() != fitted_width || image.height() != fitted_height)
    fail(state_->file,
         "page " + std::to_string(index + 1) + " could not be drawn" + complaints.detail());

  Frame frame = Frame::blank(fitted_width, fitted_height, PixelFormat::rgb888);
  const std::size_t row = frame.stride();
  for (int y = 0; y < fitted_height; ++y)
    std::memcpy(frame.bytes.data() + y * row,
                image.const_data() + static_cast<std::ptrdiff_t>(y) * image.bytes_per_row(), row);
  return frame;
}

DocumentInfo probe_document(const std::filesystem::path& file) {
  return DocumentInfo{DocumentPages(file).pages()};
}

Frame render_document_page(const std::filesystem::path& file, int index, int width, int height) {
  return DocumentPages(file).render(index, width, height);
}

}  // namespace bangtin
