# Cross-build for 64-bit Windows with Debian's mingw-w64 GCC (win32 thread
# model); ctest runs the .exe files through wine. Used by scripts/win-build.sh:
#   cmake -S . -B build-win -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake
#         -DPT_WIN_DEPS=<prefix of scripts/win-deps.sh>
# See docs/windows.md.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(_pt_host x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_pt_host}-gcc)
set(CMAKE_CXX_COMPILER ${_pt_host}-g++)
set(CMAKE_RC_COMPILER ${_pt_host}-windres)

# Libraries and headers come from the mingw runtime and from the prefix of
# cross-built SQLite, libmicrohttpd and cmocka, never from the Linux host.
set(CMAKE_FIND_ROOT_PATH /usr/${_pt_host})
if(PT_WIN_DEPS)
  list(APPEND CMAKE_FIND_ROOT_PATH "${PT_WIN_DEPS}")
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PT_WIN_DEPS)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# add_test() commands of .exe targets run as `wine test_x.exe`.
set(CMAKE_CROSSCOMPILING_EMULATOR wine)
