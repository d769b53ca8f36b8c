// The doctest runner: compiled once into ksock_doctest_main and linked into
// every test executable. Test files only include <doctest/doctest.h>.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
