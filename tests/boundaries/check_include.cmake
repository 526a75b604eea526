# Compiles one-line sources with the include path a module's own sources get, and fails unless
# a header of the module's own side compiles and a header the module may not use is not found.
#   cmake -DCOMPILER=c++ -DMODULE=name -DINCLUDES="dir|dir" -DALLOWED=bangtin/x.hpp
#         -DFORBIDDEN=bangtin/y.hpp -DWORK=dir -P check_include.cmake
string(REPLACE "|" ";" directories "${INCLUDES}")
set(flags -std=c++20 -fsyntax-only)
foreach(directory IN LISTS directories)
  list(APPEND flags "-I${directory}")
endforeach()
file(MAKE_DIRECTORY "${WORK}")

function(compile header result output)
  string(MAKE_C_IDENTIFIER "${header}" stem)
  set(source "${WORK}/${MODULE}_includes_${stem}.cpp")
  file(WRITE "${source}" "#include \"${header}\"\n")
  execute_process(COMMAND ${COMPILER} ${flags} "${source}" RESULT_VARIABLE code
                  OUTPUT_VARIABLE out ERROR_VARIABLE out)
  set(${result} "${code}" PARENT_SCOPE)
  set(${output} "${out}" PARENT_SCOPE)
endfunction()

compile("${ALLOWED}" code out)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "${MODULE}: its own ${ALLOWED} does not compile with its include path, so "
                      "this check proves nothing:\n${out}")
endif()
compile("${FORBIDDEN}" code out)
if(code EQUAL 0)
  message(FATAL_ERROR "${MODULE} can include ${FORBIDDEN}: the module boundary is not enforced")
endif()
if(NOT out MATCHES "No such file|not found")
  message(FATAL_ERROR "${MODULE} including ${FORBIDDEN} failed for another reason than the "
                      "header being out of reach:\n${out}")
endif()
