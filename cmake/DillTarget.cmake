# Selects the libdill-compatible build that everything here is compiled and
# linked against, and publishes it as the imported target dill::target.
#
#   DILLSPEC_TARGET=ref          our reference implementation (default)
#   DILLSPEC_TARGET=/some/prefix  an install: PREFIX/include/libdill.h and
#                                 PREFIX/lib/libdill.{so,a}
#   DILLSPEC_TARGET=pkg-config    whatever `pkg-config libdill` describes
#
# DILLSPEC_TARGET_NAME is a short name for reports (ref, the prefix's last
# path component, or pkg-config).

set(DILLSPEC_TARGET "ref" CACHE STRING "libdill build to test: ref, a PREFIX, or pkg-config")

if(DILLSPEC_TARGET STREQUAL "ref")
  add_library(dill::target ALIAS dillref_static)
  set(DILLSPEC_TARGET_NAME "ref")
  set(DILLSPEC_TARGET_IS_REF ON)
elseif(DILLSPEC_TARGET STREQUAL "pkg-config")
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(LIBDILL REQUIRED IMPORTED_TARGET libdill)
  add_library(dill::target ALIAS PkgConfig::LIBDILL)
  set(DILLSPEC_TARGET_NAME "pkg-config")
  set(DILLSPEC_TARGET_IS_REF OFF)
else()
  get_filename_component(_prefix "${DILLSPEC_TARGET}" ABSOLUTE)
  if(NOT EXISTS "${_prefix}/include/libdill.h")
    message(FATAL_ERROR "DILLSPEC_TARGET=${DILLSPEC_TARGET}: no include/libdill.h there")
  endif()
  find_library(_dill_lib NAMES dill PATHS "${_prefix}/lib" "${_prefix}/lib64"
               NO_DEFAULT_PATH REQUIRED)
  add_library(dill_external UNKNOWN IMPORTED)
  set_target_properties(dill_external PROPERTIES
    IMPORTED_LOCATION "${_dill_lib}"
    INTERFACE_INCLUDE_DIRECTORIES "${_prefix}/include")
  # A static libdill needs its own dependencies spelled out.
  find_package(Threads)
  set_property(TARGET dill_external APPEND PROPERTY INTERFACE_LINK_LIBRARIES Threads::Threads)
  add_library(dill::target ALIAS dill_external)
  get_filename_component(DILLSPEC_TARGET_NAME "${_prefix}" NAME)
  set(DILLSPEC_TARGET_IS_REF OFF)
endif()
message(STATUS "dillspec target: ${DILLSPEC_TARGET} (${DILLSPEC_TARGET_NAME})")
