#pragma once

// doctest has no STATIC_REQUIRE: check the condition at compile time, and
// also record it as an assertion at run time so it shows in the counts.
#include <doctest/doctest.h>

#define STATIC_REQUIRE(...)                                                                        \
    do {                                                                                           \
        static_assert(__VA_ARGS__);                                                                \
        REQUIRE(__VA_ARGS__);                                                                      \
    } while (false)
