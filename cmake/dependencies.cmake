# Every dependency comes from a Debian 12 package. A missing one fails here with the
# apt-get line that installs it (scripts/install-deps installs them all).
find_package(PkgConfig)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config")
endif()

macro(rseqcheck_require found package)
  if(NOT ${found})
    message(FATAL_ERROR "missing dependency: apt-get install ${package}")
  endif()
endmacro()

pkg_check_modules(Z3 IMPORTED_TARGET z3)
rseqcheck_require(Z3_FOUND libz3-dev)

find_package(Boost 1.74 QUIET)
rseqcheck_require(Boost_FOUND libboost-graph-dev)
if(NOT EXISTS "${Boost_INCLUDE_DIRS}/boost/graph/strong_components.hpp")
  message(FATAL_ERROR "missing dependency: apt-get install libboost-graph-dev")
endif()

find_package(CLI11 QUIET CONFIG)
rseqcheck_require(CLI11_FOUND libcli11-dev)

find_package(nlohmann_json 3.10 QUIET CONFIG)
rseqcheck_require(nlohmann_json_FOUND nlohmann-json3-dev)

find_package(fmt 9 QUIET CONFIG)
rseqcheck_require(fmt_FOUND libfmt-dev)

pkg_check_modules(TOMLPP IMPORTED_TARGET tomlplusplus)
rseqcheck_require(TOMLPP_FOUND libtomlplusplus-dev)

find_package(Threads REQUIRED)

if(RSEQCHECK_BUILD_TESTS)
  find_package(GTest 1.12 QUIET CONFIG)
  rseqcheck_require(GTest_FOUND "libgtest-dev libgmock-dev")
endif()
if(RSEQCHECK_BUILD_BENCH)
  find_package(benchmark QUIET CONFIG)
  rseqcheck_require(benchmark_FOUND libbenchmark-dev)
endif()

# MPI is optional: with it, `rseqcheck check --distributed` runs the search over `mpirun`
# ranks (checker/distributed/); without it the option says how to get it and exits 2.
# Sanitizer builds leave it out: ASan reports Open MPI's own allocations as leaks.
find_package(MPI QUIET COMPONENTS CXX)
if(MPI_CXX_FOUND AND NOT RSEQCHECK_SANITIZE)
  set(RSEQCHECK_HAVE_MPI ON)
  find_program(RSEQCHECK_MPIEXEC NAMES mpirun mpiexec HINTS ${MPIEXEC_EXECUTABLE})
else()
  set(RSEQCHECK_HAVE_MPI OFF)
  message(STATUS "no MPI (not found, or a sanitizer build): rseqcheck check --distributed is "
                 "left out (apt-get install libopenmpi-dev openmpi-bin)")
endif()
