// `bangtin fleet ...`: the province's side of the fleet (controller/FLEET.md). keygen makes the
// signing keys; sign prints a signed playlist or notice; publish signs one and puts it on its
// retained topic; withdraw takes one off.
#pragma once

#include <string>
#include <vector>

namespace bangtin {

// The usage lines `bangtin --help` shows for it.
extern const char* const kFleetUsage;

// Runs `bangtin fleet ARGS...`; the exit status. Throws boost::program_options::error for
// arguments it cannot take.
int fleet_command(const std::vector<std::string>& args);

}  // namespace bangtin
