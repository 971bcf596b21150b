# The warning set of STYLE.md, on our targets only (an INTERFACE library they link
# PRIVATE). -Werror comes from the command line: -DCMAKE_COMPILE_WARNING_AS_ERROR=ON.
add_library(rseqcheck_warnings INTERFACE)
target_compile_options(rseqcheck_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
  -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough -Wundef -Wcast-qual)
# GCC 12's -O3 inlining of std::string's insert/replace reports memcpy overlaps that cannot
# happen (GCC bug 105329, fixed in GCC 13): the Release build of README command 1 printed
# six of them from libstdc++'s char_traits.h. Only GCC 12 needs this.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(rseqcheck_warnings INTERFACE -Wno-restrict)
endif()
if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  target_compile_definitions(rseqcheck_warnings INTERFACE _GLIBCXX_ASSERTIONS)
endif()

# A module library; while a module has no .cpp yet it compiles one generated empty file.
function(rseqcheck_add_library name)
  set(sources ${ARGN})
  if(NOT sources)
    set(stub ${CMAKE_CURRENT_BINARY_DIR}/${name}_empty.cpp)
    file(WRITE ${stub} "// ${name} has no sources yet\n")
    set(sources ${stub})
  endif()
  add_library(${name} STATIC ${sources})
endfunction()
