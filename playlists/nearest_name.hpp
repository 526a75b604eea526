// Suggestions for misspelt names: "unknown key 'sped' (did you mean 'speed'?)".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bangtin::playlists_detail {

// The candidate closest to `typed` by edit distance (ignoring case), when it is close enough
// to be what was meant; the earliest candidate wins a tie.
std::optional<std::string> nearest_name(std::string_view typed,
                                        const std::vector<std::string>& candidates);

// " (did you mean 'speed'?)", or "" when nothing is close.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace bangtin::playlists_detail
