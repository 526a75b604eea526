// bangtin's version, from CMake's PROJECT_VERSION: what every program's --version prints and a
// fleet status carries. No build date, so two builds of one commit are the same.
#pragma once

#include <string_view>

namespace bangtin {

std::string_view bangtin_version();

}  // namespace bangtin
