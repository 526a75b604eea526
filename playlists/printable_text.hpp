// Operator text as it may appear in a diagnostic line. Keys, ids and paths are echoed in
// messages, and those messages end up in the daemon's log, on a terminal and in report cells; a
// line feed or an ESC sequence in them would forge log lines or repaint the operator's terminal.
#pragma once

#include <string>
#include <string_view>

namespace bangtin::playlists_detail {

// `text` with every character that does not print shown as an escape: \n, \t and \r; other C0
// controls and DEL as \x1b; C1 controls, line and paragraph separators and bidirectional
// overrides as \u0085; each byte that is not UTF-8 as \xff. Backslashes are left alone, so that
// applying it twice changes nothing.
std::string printable_text(std::string_view text);

}  // namespace bangtin::playlists_detail
