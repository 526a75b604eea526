// Checks of an item against the config it plays under, beyond what its own file says: whether
// it can ever play and, with the renderer's help, whether every display it targets can draw it
// and play it inside its window. And, with the renderer's help, whether each display can draw
// what it is set up to show. What the daemon would not draw at all is an error; the rest are
// warnings.
#pragma once

#include <vector>

#include "bangtin/playlists.hpp"

namespace bangtin::playlists_detail {

// `never_plays_reported`: a warning about the item already said it never plays.
void check_item(const Item& item, bool never_plays_reported, const Config& config,
                const RenderChecks& checks, std::vector<Diagnostic>& diagnostics);

// Each display's zones and idle content as the renderer draws them, and the characters of the
// idle text that some display cannot draw.
void check_displays(const Config& config, const RenderChecks& checks,
                    std::vector<Diagnostic>& diagnostics);

}  // namespace bangtin::playlists_detail
