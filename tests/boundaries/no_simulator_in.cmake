# Fails if a built program or library holds any of the panel simulator's code (bangtin_panel_sim:
# SimulatedPanel, PanelSimulator, SimulatorFaults, modbus_framing), by reading its symbols.
#   cmake -DNM=nm -DBINARY=path/to/bangtind -P no_simulator_in.cmake
cmake_policy(SET CMP0007 NEW)
execute_process(COMMAND ${NM} -C "${BINARY}" RESULT_VARIABLE code OUTPUT_VARIABLE symbols
                ERROR_VARIABLE errors)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "cannot list the symbols of ${BINARY} with ${NM}:\n${errors}")
endif()
# A stripped file lists nothing, and nothing would be found in it: demand bangtin's own code first.
string(FIND "${symbols}" "bangtin::" bangtin_at)
if(bangtin_at EQUAL -1)
  message(FATAL_ERROR "${BINARY} shows none of bangtin's symbols (stripped?), so this check "
                      "proves nothing")
endif()
# grep, not CMake's regex engine, which backtracks for minutes over Boost.Beast's long names.
execute_process(COMMAND ${NM} -C "${BINARY}" COMMAND grep -E "[Ss]imulat|modbus_framing"
                OUTPUT_VARIABLE found)
if(found)
  string(REPLACE "\n" ";" found "${found}")
  list(SUBLIST found 0 10 first)
  list(JOIN first "\n  " first)
  message(FATAL_ERROR "${BINARY} holds symbol(s) of the panel simulator, which belongs "
                      "in bangtin_panel_sim (firmware-bridge/sim/) and never in the daemon or "
                      "its libraries; the first:\n  ${first}")
endif()
