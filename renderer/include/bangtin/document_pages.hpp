// bangtin document pages — PDF notices as frames, one page at a time, for `document:` items on
// lobby screens.
//
// A page is drawn with Poppler as large as fits the box the caller gives, its aspect kept,
// anti-aliased, on white paper: an rgb888 frame of the fitted size (the caller centres it). A
// document is checked whole before any page is drawn (see probe_document), so an operator learns
// at once that a file cannot play and why: the message names the file and says what is wrong.
//
// Threads: two threads may each open and draw documents of their own at the same time (Poppler
// locks what it shares between documents). One DocumentPages is for one thread at a time.
// Poppler's own complaints about a file never reach stderr: they are dropped, or put (cut to
// printable ASCII) into the DocumentError of a file that cannot be read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "bangtin/frame.hpp"

namespace bangtin {

class DocumentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a document may be, at most: more is refused with a DocumentError.
inline constexpr int kMaxDocumentPages = 200;
inline constexpr std::uintmax_t kMaxDocumentBytes = std::uintmax_t{64} << 20;  // 64 MiB
// A page's box may measure up to A0 (841 x 1189 mm) either way up, and down to 1 pt a side.
// The largest box a page is drawn into, either way (an 8K screen is 7680 x 4320).
inline constexpr int kMaxDocumentBoxSide = 8192;

struct DocumentInfo {
  int pages = 0;
};

// A PDF opened once and checked whole: then any of its pages drawn, as often as wanted, without
// parsing the file again. Holds the file's bytes (read once, so the checks and the drawing see
// the same file even when it is replaced meanwhile) and Poppler's parse of them.
class DocumentPages {
 public:
  // Throws DocumentError naming the file when it cannot be read, is empty, is over
  // kMaxDocumentBytes, is not a PDF, is damaged or cut short (no %%EOF at its end), is locked
  // with a password, has no pages or more than kMaxDocumentPages, or has a page bigger than A0
  // or of (almost) zero size.
  explicit DocumentPages(const std::filesystem::path& file);
  ~DocumentPages();
  DocumentPages(DocumentPages&&) noexcept;
  DocumentPages& operator=(DocumentPages&&) noexcept;

  const std::filesystem::path& file() const;
  int pages() const;
  // Page `index` (0-based), drawn as large as fits within width x height (its /Rotate applied,
  // aspect kept, anti-aliased, on white paper): an rgb888 frame of the fitted size, which is
  // `width` wide or `height` high. Throws DocumentError when the index is out of range or Poppler
  // cannot draw the page, std::invalid_argument for a box side outside 1..kMaxDocumentBoxSide.
  // Not const: Poppler fills its caches as it draws (see Threads above).
  Frame render(int index, int width, int height);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The checks of DocumentPages' constructor, for a config's validation: the page count.
DocumentInfo probe_document(const std::filesystem::path& file);

// One page of a document, opened for it (DocumentPages::render, for a single page).
Frame render_document_page(const std::filesystem::path& file, int index, int width, int height);

}  // namespace bangtin
