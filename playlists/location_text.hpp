// "FILE:LINE:COL" for a SourceMark, the form diagnostics start with; also used inside messages
// that point at a second place ("first used at ...").
#pragma once

#include <string>

#include "bangtin/playlists.hpp"

namespace bangtin::playlists_detail {

// "FILE:LINE:COL", or just "FILE" for a problem with the file as a whole.
std::string location_text(const SourceMark& where);

}  // namespace bangtin::playlists_detail
