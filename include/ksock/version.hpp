// ksock/version.hpp: the version of ksock, for the preprocessor and for C++.
// CMake reads the three numbers from here (project(ksock VERSION ...)), so
// this file is the one place a release changes; CHANGELOG.md says what each
// version changed.
#pragma once

//! Major version: changes that break a program written against the last one.
#define KSOCK_VERSION_MAJOR 0
//! Minor version: additions.
#define KSOCK_VERSION_MINOR 1
//! Patch version: fixes.
#define KSOCK_VERSION_PATCH 0
//! One comparable number, MAJOR * 10000 + MINOR * 100 + PATCH (0.1.0 is 100),
//! for `#if KSOCK_VERSION >= ...`.
#define KSOCK_VERSION                                                                              \
    (KSOCK_VERSION_MAJOR * 10000 + KSOCK_VERSION_MINOR * 100 + KSOCK_VERSION_PATCH)
//! "MAJOR.MINOR.PATCH".
#define KSOCK_VERSION_STRING "0.1.0"

namespace ksock {

//! The version as a value, for code that prefers C++ to the preprocessor.
struct version_t {
    //! The three numbers of KSOCK_VERSION_*: major, minor, patch.
    //!@{
    int major, minor, patch;
    //!@}
};
//! This ksock's version.
inline constexpr version_t version{KSOCK_VERSION_MAJOR, KSOCK_VERSION_MINOR, KSOCK_VERSION_PATCH};

} // namespace ksock
