#include "bangtin/version.hpp"

namespace bangtin {

std::string_view bangtin_version() { return BANGTIN_VERSION; }

}  // namespace bangtin
