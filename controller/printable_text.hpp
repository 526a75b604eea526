// Private to the controller: operator text made safe to show on one line.
//
// Item ids, key names, file names and texts come from files anyone with write access to the
// playlists can edit, and an old proof-of-play database may hold whatever an older version let
// through. Written raw, an ESC sequence would recolour or rewrite an operator's terminal and a
// newline would forge a log line or split a spreadsheet row.
#pragma once

#include <string>
#include <string_view>

namespace bangtin {

// `text` with every character that cannot be shown as itself written as an escape, so the result
// is printable UTF-8 on one line: tab, CR and LF as \t \r \n; other C0 controls, ESC and DEL as
// \xNN; C1 controls, line and paragraph separators and bidirectional overrides (which reorder
// what follows them on screen) as \uNNNN; each byte that is not part of valid UTF-8 as \xNN.
// Vietnamese and every other printable character stay as they are; so does a backslash, since
// the escapes only stand for what could not be shown.
std::string printable(std::string_view text);

}  // namespace bangtin
