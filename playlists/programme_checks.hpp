// Checks of an item against the config it plays under, beyond what its own file says: whether
// it can ever play and, with the renderer's help, whether every display it targets can draw its
// text and play it inside its window. All of these are warnings: the item is still loaded.
#pragma once

#include <vector>

#include "bangtin/playlists.hpp"

namespace bangtin::playlists_detail {

// `never_plays_reported`: a warning about the item already said it never plays.
void check_item(const Item& item, bool never_plays_reported, const Config& config,
                const RenderChecks& checks, std::vector<Diagnostic>& diagnostics);

// The characters of the idle text that some display cannot draw.
void check_idle_text(const Config& config, const RenderChecks& checks,
                     std::vector<Diagnostic>& diagnostics);

}  // namespace bangtin::playlists_detail
